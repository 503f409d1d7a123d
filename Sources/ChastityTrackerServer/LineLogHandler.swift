public import ChastityTrackerDomain
import Foundation
public import Logging

/// `serve`'s log handler (set up by the command, before anything logs): one line per event on stderr, either swift-log's `StreamLogHandler`
/// text format (`time level label: key=value [source] message`) or one JSON object (`time`,
/// `level`, `label`, `message` and the metadata) for log shippers.
///
/// Metadata is formatted when a line is written, not each time a key is set: the server sets the
/// request id on every request and logs on few of them, and `StreamLogHandler`'s eager
/// formatting was 5% of a list request's CPU time.
///
/// Small on purpose (issue 24): the label and format are held in one reference, so the handler
/// fits inline in a `Logger`'s existential (three words) and setting a request's metadata copies
/// no boxed handler; and Hummingbird's own per-request `hb.request.id` is not kept, since the
/// server logs its own id, the one the client sees (`request_id`, ``RequestIDMiddleware``).
public struct LineLogHandler: LogHandler {
    private final class Output: Sendable {
        let label: String
        let format: LogFormat

        init(label: String, format: LogFormat) {
            self.label = label
            self.format = format
        }
    }

    private let output: Output
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    var label: String { output.label }
    var format: LogFormat { output.format }

    public init(label: String, format: LogFormat) {
        self.output = Output(label: label, format: format)
    }

    /// Hummingbird's id of a request, which this handler does not keep (see above).
    static let frameworkRequestIDKey = "hb.request.id"

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set {
            guard key != Self.frameworkRequestIDKey else { return }
            metadata[key] = newValue
        }
    }

    public func log(event: LogEvent) {
        FileHandle.standardError.write(Data(line(for: event).utf8))
    }

    /// The line written for `event`, its newline included.
    public func line(for event: LogEvent) -> String {
        let pairs = metadata.merging(event.metadata ?? [:]) { _, new in new }.sorted { $0.key < $1.key }
        return switch format {
        case .text: text(event, pairs)
        case .json: json(event, pairs)
        }
    }

    /// One line, whatever the values hold: control characters in the message and the metadata
    /// (a typed name with a line break, say) are escaped, so no input can forge a line.
    private func text(_ event: LogEvent, _ pairs: [(key: String, value: Logger.MetadataValue)]) -> String {
        let metadata = pairs.map { " \(Self.escaped($0.key))=\(Self.escaped("\($0.value)"))" }.joined()
        return "\(Self.localTimestamp()) \(event.level) \(label):\(metadata) [\(event.source)] \(Self.escaped("\(event.message)"))\n"
    }

    /// `text` with every control character (C0, DEL, C1, and the line and paragraph separators)
    /// and the backslash written as a Swift-style escape: `\n`, `\u{1B}`, `\\`.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where needsEscape(scalar): result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\\" || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
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
