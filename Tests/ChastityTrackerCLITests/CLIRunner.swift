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

    /// Runs the executable with `--database` pointing at this sandbox's database; `stdin`, when
    /// given, is what the process reads from standard input (else it reads /dev/null).
    func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) async throws -> CLIResult {
        try await CLISandbox.run(arguments + ["--database", databasePath], environment: environment, stdin: stdin, in: directory)
    }

    /// Runs the executable with exactly `arguments`; `environment` is added to a minimal one
    /// (without any inherited `CT_DATABASE`); `stdin`, when given, is its standard input.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil, executable: URL? = nil, in directory: URL
    ) async throws -> CLIResult {
        let id = UUID().uuidString
        let outURL = directory.appendingPathComponent("\(id).out")
        let errURL = directory.appendingPathComponent("\(id).err")
        var inPath = "/dev/null"
        if let stdin {
            inPath = directory.appendingPathComponent("\(id).in").path
            try Data(stdin.utf8).write(to: URL(fileURLWithPath: inPath))
        }
        defer { if stdin != nil { try? FileManager.default.removeItem(atPath: inPath) } }
        let process = try ChildProcess(
            executable: try (executable ?? executableURL()).path, arguments: arguments,
            environment: baseEnvironment().merging(environment) { $1 }, directory: directory.path,
            stdin: inPath, stdout: outURL.path, stderr: errURL.path
        )
        try await process.waitForExit()
        let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
        return CLIResult(status: process.termination.status, stdout: stdout, stderr: stderr)
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

/// A child process started with `posix_spawn`, its output sent to files.
///
/// Not Foundation's `Process`: on Linux (Swift 6.3.1) its `run()` can crash reading
/// `/proc/self/fd` when the test process holds many descriptors
/// (swiftlang/swift-corelibs-foundation#5472), which the full suite does.
final class ChildProcess: @unchecked Sendable {
    /// How a process ended.
    enum Termination: Equatable {
        case exit
        case uncaughtSignal
    }

    let pid: pid_t
    private let lock = NSLock()
    private var ended: (reason: Termination, status: Int32)?

    /// Starts `executable` with `arguments` in `directory`, stdin from the file `stdin`
    /// (/dev/null unless given).
    init(
        executable: String, arguments: [String], environment: [String: String], directory: String,
        stdin: String = "/dev/null", stdout: String, stderr: String
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // `env -C` changes directory and then execs the program in place (same pid); glibc's
        // posix_spawn_file_actions_addchdir_np is not visible to Swift.
        let argv = (["/usr/bin/env", "-C", directory, executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, envp)
        guard result == 0 else { throw ServerFailure("posix_spawn \(executable) failed: \(result)") }
        self.pid = pid
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            _ = waitpid(pid, nil, 0)
        }
    }

    /// Whether the process has not ended yet (reaps it once it has).
    var isRunning: Bool {
        lock.withLock {
            if ended != nil { return false }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return true }
            let signal = status & 0x7F
            ended = signal == 0 ? (.exit, (status >> 8) & 0xFF) : (.uncaughtSignal, signal)
            return false
        }
    }

    /// How it ended: `.exit` with the exit status, or `.uncaughtSignal` with the signal.
    var termination: (reason: Termination, status: Int32) {
        lock.withLock { ended ?? (.exit, -1) }
    }

    /// Waits for the end, polling.
    func waitForExit() async throws {
        while isRunning { try await Task.sleep(for: .milliseconds(10)) }
    }
}
