import ChastityTrackerCore
import Foundation
import Logging

/// How `serve` writes its logs.
enum LogFormat: String {
    case text, json
}

/// One JSON object per log line on stderr (`time`, `level`, `label`, `message` and the
/// metadata), for log shippers.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var writer = JSONWriter()
        writer.raw(#"{"time":"#)
        writer.string(Date().formatted(.iso8601))
        writer.raw(#","level":"#)
        writer.string(event.level.rawValue)
        writer.raw(#","label":"#)
        writer.string(label)
        writer.raw(#","message":"#)
        writer.string("\(event.message)")
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() {
            writer.raw(",")
            writer.string(key)
            writer.raw(":")
            writer.string("\(merged[key]!)")
        }
        writer.raw("}\n")
        FileHandle.standardError.write(Data(writer.text.utf8))
    }
}
