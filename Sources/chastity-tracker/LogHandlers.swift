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

/// swift-log's `StreamLogHandler` line format on stderr (`time level label: key=value [source]
/// message`), with the metadata formatted when a line is written rather than each time a key is
/// set: the server sets request and token ids on every request and logs on few of them, and
/// `StreamLogHandler`'s eager formatting was 5% of a list request's CPU time.
struct TextLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let pairs = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let line = "\(Self.timestamp()) \(event.level) \(label):\(pairs) [\(event.source)] \(event.message)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Local time as `2026-11-29T10:11:38+0000`, like `StreamLogHandler`.
    private static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
