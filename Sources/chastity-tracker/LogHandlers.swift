import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation
import Logging

/// `serve`'s log handler: one line per event on stderr, either swift-log's `StreamLogHandler`
/// text format (`time level label: key=value [source] message`) or one JSON object (`time`,
/// `level`, `label`, `message` and the metadata) for log shippers.
///
/// Metadata is formatted when a line is written, not each time a key is set: the server sets the
/// request and token ids on every request and logs on few of them, and `StreamLogHandler`'s eager
/// formatting was 5% of a list request's CPU time.
struct LineLogHandler: LogHandler {
    let label: String
    let format: LogFormat
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let pairs = metadata.merging(event.metadata ?? [:]) { _, new in new }.sorted { $0.key < $1.key }
        let line =
            switch format {
            case .text: text(event, pairs)
            case .json: json(event, pairs)
            }
        FileHandle.standardError.write(Data(line.utf8))
    }

    private func text(_ event: LogEvent, _ pairs: [(key: String, value: Logger.MetadataValue)]) -> String {
        let metadata = pairs.map { " \($0.key)=\($0.value)" }.joined()
        return "\(Self.localTimestamp()) \(event.level) \(label):\(metadata) [\(event.source)] \(event.message)\n"
    }

    /// One JSON object: `time`, `level`, `label`, `message`, then the metadata by key, written with
    /// the domain's order-keeping JSON (the same escaping as the API's answers).
    private func json(_ event: LogEvent, _ pairs: [(key: String, value: Logger.MetadataValue)]) -> String {
        var members: [OrderedJSON.Member] = [
            .init(key: "time", value: .string(Date().formatted(.iso8601))),
            .init(key: "level", value: .string(event.level.rawValue)),
            .init(key: "label", value: .string(label)),
            .init(key: "message", value: .string("\(event.message)")),
        ]
        for (key, value) in pairs { members.append(.init(key: key, value: .string("\(value)"))) }
        return OrderedJSON.object(members).text + "\n"
    }

    /// Local time as `2026-11-29T10:11:38+0000`, like `StreamLogHandler`.
    private static func localTimestamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
