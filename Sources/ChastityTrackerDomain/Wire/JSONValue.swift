import Foundation

/// Any JSON value, as read from an untrusted request body before the field rules apply.
public enum JSONValue: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses a request body; throws ``InvalidJSON`` when it is not UTF-8 JSON.
    public static func parse(_ bytes: [UInt8]) throws(InvalidJSON) -> JSONValue {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw InvalidJSON("the request body is not valid UTF-8")
        }
        if let value = JSONReader.read(bytes) { return value }
        return try parseWithFoundation(bytes)
    }

    /// ``parse(_:)`` without its own reader: Foundation's `JSONDecoder`, the reference that
    /// reader answers like (for the differential test and the `FuzzJSON` target). Assumes UTF-8.
    public static func parseWithFoundation(_ bytes: [UInt8]) throws(InvalidJSON) -> JSONValue {
        // Foundation's parser accepts trailing commas (`{"a":1,}`, `[1,]`), which JSON does not.
        guard !hasTrailingComma(bytes) else {
            throw InvalidJSON("the request body is not valid JSON")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw InvalidJSON("the request body is not valid JSON")
        }
    }

    /// The value ``parse(_:)``'s own reader gives `bytes` (UTF-8), or `nil` where it leaves them to
    /// Foundation (for the differential test and the `FuzzJSON` target).
    public static func parseWithoutFoundation(_ bytes: [UInt8]) -> JSONValue? {
        JSONReader.read(bytes)
    }

    /// Whether a `,` outside a string is followed, after white space, by `}` or `]`.
    static func hasTrailingComma(_ bytes: [UInt8]) -> Bool {
        var inString = false
        var escaped = false
        var afterComma = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if afterComma { return true }
            case UInt8(ascii: "\""):
                inString = true
            default:
                break
            }
            afterComma = byte == UInt8(ascii: ",")
        }
        return false
    }

    /// A short name of the value's kind, for messages.
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
