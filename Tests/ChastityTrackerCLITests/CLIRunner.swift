import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one run of the executable produced.
struct CLIResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// A fresh temporary directory with a database file path in it, and a way to run
/// `chastity-tracker` as a real process against it.
struct CLISandbox: Sendable {
    let directory: URL
    var databasePath: String { directory.appendingPathComponent("test.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ct-cli-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func removeAll() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs the executable with `--database` pointing at this sandbox's database.
    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLIResult {
        try await CLISandbox.run(arguments + ["--database", databasePath], environment: environment, in: directory)
    }

    /// Runs the executable with exactly `arguments`; `environment` is added to a minimal one
    /// (without any inherited `CT_DATABASE`).
    static func run(
        _ arguments: [String], environment: [String: String] = [:], executable: URL? = nil, in directory: URL
    ) async throws -> CLIResult {
        let id = UUID().uuidString
        let outURL = directory.appendingPathComponent("\(id).out")
        let errURL = directory.appendingPathComponent("\(id).err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = try executable ?? executableURL()
        process.arguments = arguments
        process.environment = baseEnvironment().merging(environment) { $1 }
        process.currentDirectoryURL = directory
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try out.close()
        try err.close()
        let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
        return CLIResult(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// The environment every child gets: enough to run, and nothing that names a database.
    static func baseEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("CT_") { environment[key] = nil }
        return environment
    }

    /// The built `chastity-tracker`, found next to the running test binary (on Linux the test
    /// runner is an executable in the build folder; on macOS it sits inside an .xctest bundle
    /// in that folder, so the search walks up).
    static func executableURL() throws -> URL {
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL { candidates.append(executable) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]))
        for start in candidates {
            var directory = start.resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<5 {
                let candidate = directory.appendingPathComponent("chastity-tracker")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                directory.deleteLastPathComponent()
            }
        }
        throw MissingExecutable()
    }

    struct MissingExecutable: Error, CustomStringConvertible {
        var description: String { "chastity-tracker was not found next to the test binary" }
    }
}

/// Whether a text matches a whole regular expression.
func matches(_ text: some StringProtocol, _ pattern: String) -> Bool {
    String(text).range(of: "^" + pattern + "$", options: .regularExpression) != nil
}

/// The shape of a stored instant in command output.
let timestampPattern = #"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}"#
/// The shape of a token.
let tokenPattern = #"ct_[A-Za-z0-9_-]{43}"#
