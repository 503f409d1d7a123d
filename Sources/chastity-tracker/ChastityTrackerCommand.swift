import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

@main
struct ChastityTrackerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chastity-tracker",
        abstract: "A self-hostable server for the Chastity Tracker API v2 (Orgasms log).",
        version: Release.version,
        subcommands: [Serve.self, Users.self, Tokens.self, Webhooks.self, Clients.self, Export.self, Import.self, Copy.self, Backup.self]
    )

    /// Runs the command; any failure, from parsing to running, is one line on stderr and a
    /// non-zero exit (docs/CONTRACT.md section 11), without argument-parser's usage text under it. Help
    /// (`--help`) still prints in full.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if command is Serve {
                // Swift Concurrency's jobs run on the server's event loops instead of a second
                // pool of threads: a request is parsed, handled (SQLite reads included) and
                // answered on one thread, without a switch (docs/BENCHMARKS.md).
                NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
            }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
            } else {
                let message = message(for: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "failed"
                FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}
