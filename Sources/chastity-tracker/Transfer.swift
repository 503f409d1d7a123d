public import ArgumentParser
import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerServices
import Foundation

extension ExportFormat: ExpressibleByArgument {}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write all of a user's records to stdout, as JSON or CSV.")
    @OptionGroup var options: DatabaseOptions
    @Argument(help: "The user's name.") var name: String
    @Option(help: "json (an array of items, as the API returns them; what import reads) or csv.") var format: ExportFormat = .json

    func run() async throws {
        try await reportingFailures {
            let configuration = try options.configuration()
            try await configuration.withStore(logger: commandLogger()) { store in
                try await Administration(store: store, configuration: configuration).export(userName: name, format: format) { chunk in
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
    /// The largest file import reads (64 MiB, about 450,000 exported records): it is read whole
    /// and parsed in memory, so a bigger file (or /dev/zero) is refused instead.
    static let maximumFileSize = 64 * 1024 * 1024

    @OptionGroup var options: DatabaseOptions
    @Argument(help: "The user's name.") var name: String
    @Argument(help: "The JSON file to read (at most 64 MiB).") var file: String
    @Option(help: "Earliest date a record may have, YYYY-MM-DD, as for serve (env CT_EARLIEST_DATE; default 1900-01-01).")
    var earliestDate: String?

    func run() async throws {
        // The earliest date is read, and checked, exactly as serve reads it.
        var flags = Configuration.Flags()
        flags.earliestDate = earliestDate
        let configuration = try options.configuration(flags)
        let data = try Self.read(file)
        try await reportingFailures {
            try await configuration.withStore(logger: commandLogger()) { store in
                let count = try await Administration(store: store, configuration: configuration).importJSON(userName: name, data: data)
                Output.standardError("imported \(count) records for \(name)")
            }
        }
    }

    /// The file's bytes, at most ``maximumFileSize`` of them; reads one byte more to tell a file
    /// that is too big, so a device or a pipe that never ends is refused too.
    static func read(_ path: String) throws -> Data {
        let tooBig = CommandError(message: "the file '\(path)' is larger than 64 MiB; split it and import the parts")
        // A regular file's size is known without reading it.
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue > maximumFileSize { throw tooBig }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CommandError(message: "cannot read the file '\(path)'") }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
        } catch {
            throw CommandError(message: "cannot read the file '\(path)'")
        }
        guard data.count <= maximumFileSize else { throw tooBig }
        return data
    }
}
