// swift-tools-version:6.1
import PackageDescription

// The fuzz targets (scripts/fuzz): libFuzzer entry points for the parsers and the escaping a
// request reaches. A package of its own, with its own .build, as swift-protobuf's FuzzTesting:
// built with `--sanitize=fuzzer`, every executable here links libFuzzer's `main`, which must
// never reach the root package's products.
let fuzzable: Target.Dependency = .product(name: "_ChastityTrackerFuzzable", package: "ChastityTracker")
// libFuzzer calls `LLVMFuzzerTestOneInput` from its own `main`: no top-level code here.
let settings: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "FuzzTesting",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ChastityTracker", path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        .executableTarget(name: "FuzzJSON", dependencies: [fuzzable], swiftSettings: settings),
        .executableTarget(name: "FuzzInsertBody", dependencies: [fuzzable], swiftSettings: settings),
        .executableTarget(name: "FuzzUpdateBody", dependencies: [fuzzable], swiftSettings: settings),
        .executableTarget(
            name: "FuzzQuery", dependencies: [fuzzable, .product(name: "HummingbirdCore", package: "hummingbird")], swiftSettings: settings),
        .executableTarget(
            name: "FuzzForm", dependencies: [fuzzable, .product(name: "Hummingbird", package: "hummingbird")], swiftSettings: settings),
        .executableTarget(
            name: "FuzzEscaping", dependencies: [fuzzable, .product(name: "Mustache", package: "swift-mustache")], swiftSettings: settings),
    ]
)
