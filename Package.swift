// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ChastityTracker",
    // macOS 15 for the standard library's `Synchronization.Mutex`, which the domain uses instead of NIO's locks.
    // The other Apple platforms are for the SDK (ChastityTrackerClient), which uses `Mutex` too.
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
    products: [
        .executable(name: "chastity-tracker", targets: ["chastity-tracker"]),
        // The Swift SDK: Foundation, swift-openapi-runtime, swift-openapi-urlsession and swift-crypto (the webhook verifier's HMAC) only (no NIO).
        .library(name: "ChastityTrackerClient", targets: ["ChastityTrackerClient"]),
        // For FuzzTesting/ only (a package of its own, so libFuzzer's `main` never links into these
        // products): the domain and the services, whose parsers and escaping it fuzzes. No API
        // promise; the underscore says so.
        .library(name: "_ChastityTrackerFuzzable", targets: ["ChastityTrackerDomain", "ChastityTrackerServices"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // 4.x: the password hash uses `KDF.Scrypt` from its `CryptoExtras` product (named `_CryptoExtras` in 3.x).
        .package(url: "https://github.com/apple/swift-crypto.git", "4.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        // Pinned to 1.13.x: the SQLite C API is reached through `VaporCSQLite`, a target of sqlite-nio that it does
        // not publish as a product (only `SQLiteNIO` is, and the SQLite backend declares that product only so that
        // the module is built and importable). Any minor release may rename or reshape it; move the pin on purpose.
        .package(url: "https://github.com/vapor/sqlite-nio.git", .upToNextMinor(from: "1.13.2")),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // Webhook deliveries (outbound HTTPS with redirects off, timeouts and pinned addresses);
        // already in the graph through HummingbirdTesting, depended on directly by the server.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // The SDK only: the generator is run by scripts/openapi-generate (never during a build), and the
        // generated client sends its requests through URLSession.
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-openapi-urlsession.git", from: "1.4.0"),
        // Tests only: text snapshots of whole account page responses.
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing.git", from: "1.19.7"),
    ],
    targets: [
        // The domain: types, rules, validation, the storage protocol and the configuration. It knows nothing of
        // HTTP or NIO (Foundation, swift-crypto and swift-log only), so the compiler keeps every other layer
        // pointing at it and never the other way.
        .target(
            name: "ChastityTrackerDomain",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The use cases the command line and the account pages share (users, tokens, passwords behind
        // the throttle, export, import, copy): the domain and swift-log only, no HTTP and no NIO.
        .target(
            name: "ChastityTrackerServices",
            dependencies: [
                "ChastityTrackerDomain",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP application: routes, middleware, controllers, error mapping and the composition root.
        .target(
            name: "ChastityTrackerServer",
            dependencies: [
                "ChastityTrackerDomain",
                "ChastityTrackerServices",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            // Compiled into the binary (so deployment stays one file, with no resource bundle beside it):
            // the OpenAPI document, the one description of the API, served at /api/v2/openapi.json (the
            // SDK's generated code is made from the same file, scripts/openapi-generate); and the account
            // pages' mustache templates and stylesheet, every file of the folder (`AccountTemplates`).
            resources: [.embedInCode("Resources/openapi.json"), .embedInCode("Resources/Account")],
            swiftSettings: swiftSettings
        ),
        // The Swift SDK: types and client generated from the server's `openapi.json` (one file for
        // both), behind a hand-written public façade.
        .target(
            name: "ChastityTrackerClient",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIURLSession", package: "swift-openapi-urlsession"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                // For `WebhookVerifier`'s HMAC-SHA256 and constant-time comparison (CryptoKit's API on Apple platforms).
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The generator's output is committed in Generated/ (scripts/openapi-generate writes it, and
            // `--check` proves it current); the build plugin would make SwiftPM 6.3 build the generator
            // and OpenAPIKit for every product of this package, the server's release build included.
            exclude: ["openapi-generator-config.yaml"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChastityTrackerSQLite",
            dependencies: [
                "ChastityTrackerDomain",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChastityTrackerPostgres",
            dependencies: [
                "ChastityTrackerDomain",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "chastity-tracker",
            dependencies: [
                "ChastityTrackerDomain",
                "ChastityTrackerServices",
                "ChastityTrackerServer",
                "ChastityTrackerSQLite",
                "ChastityTrackerPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "chastity-tracker-bench",
            dependencies: [
                "ChastityTrackerDomain",
                "ChastityTrackerServices",
                "ChastityTrackerServer",
                "ChastityTrackerSQLite",
                "ChastityTrackerPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/Sources/chastity-tracker-bench",
            swiftSettings: swiftSettings
        ),
        // bench/run's ceiling: Hummingbird alone serving the list's and the details' bytes.
        .executableTarget(
            name: "hummingbird-ceiling",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "bench/Sources/hummingbird-ceiling",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChastityTrackerDomainTests",
            dependencies: ["ChastityTrackerDomain"],
            swiftSettings: swiftSettings
        ),
        // The backends the storage and API suites run against, described once.
        .target(
            name: "ChastityTrackerTestSupport",
            dependencies: [
                "ChastityTrackerDomain", "ChastityTrackerSQLite", "ChastityTrackerPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                // The webhook receiver the delivery tests post to.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/ChastityTrackerTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChastityTrackerStorageTests",
            dependencies: [
                "ChastityTrackerDomain", "ChastityTrackerSQLite", "ChastityTrackerPostgres", "ChastityTrackerTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChastityTrackerAPITests",
            dependencies: [
                "ChastityTrackerDomain", "ChastityTrackerServices", "ChastityTrackerServer", "ChastityTrackerSQLite",
                "ChastityTrackerPostgres", "ChastityTrackerTestSupport",
                // Only for its generated `Components.Schemas`, which every JSON answer of the suite must
                // decode as; the server's own targets never depend on the SDK.
                "ChastityTrackerClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            // The text snapshots are read from the source folder by swift-snapshot-testing, not
            // bundled as resources.
            exclude: ["__Snapshots__"],
            swiftSettings: swiftSettings
        ),
        // The SDK against the real server on a loopback socket (either backend, like the API suite).
        .testTarget(
            name: "ChastityTrackerClientTests",
            dependencies: [
                "ChastityTrackerClient", "ChastityTrackerDomain", "ChastityTrackerServices", "ChastityTrackerServer", "ChastityTrackerTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIURLSession", package: "swift-openapi-urlsession"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChastityTrackerCLITests",
            dependencies: ["chastity-tracker", "ChastityTrackerTestSupport", "ChastityTrackerClient"],
            swiftSettings: swiftSettings
        ),
    ]
)
