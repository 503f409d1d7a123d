public import ArgumentParser
import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation

extension ExportFormat: ExpressibleByArgument {}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write all of a user's records to stdout, as JSON or CSV.")
    @OptionGroup var options: DatabaseOptions
    @Argument(help: "The user's name.") var name: String
    @Option(help: "json (an array of items, as the API returns them; what import reads) or csv.") var format: ExportFormat = .json

    func run() async throws {
        try await runAdmin {
            try await options.withStore(logger: commandLogger()) { store in
                try await Administration(store: store).export(userName: name, format: format) { chunk in
                    try FileHandle.standardOutput.write(contentsOf: Data(chunk.utf8))
                }
            }
        }
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add the records of a JSON file written by export to a user's log, all or nothing."
    )
    @OptionGroup var options: DatabaseOptions
    @Argument(help: "The user's name.") var name: String
    @Argument(help: "The JSON file to read.") var file: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandError(message: "cannot read the file '\(file)'")
        }
        try await runAdmin {
            try await options.withStore(logger: commandLogger()) { store in
                let count = try await Administration(store: store).importJSON(userName: name, data: data)
                Output.standardError("imported \(count) records for \(name)")
            }
        }
    }
}
