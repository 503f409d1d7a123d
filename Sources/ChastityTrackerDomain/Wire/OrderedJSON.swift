/// A JSON value as the service writes it: object members keep the order they were encoded in,
/// which the contract's item needs (docs/CONTRACT.md section 4) and which a dictionary loses.
///
/// ``OrderedJSONEncoder`` builds one from any `Encodable`; ``bytes`` writes it exactly as the
/// HTTP application's hand-written `JSONWriter` does, so the two are interchangeable byte for byte.
public enum OrderedJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    /// An unsigned integer above `Int64.max`.
    case unsignedInteger(UInt64)
    /// A finite floating-point number.
    case number(Double)
    case string(String)
    case array([OrderedJSON])
    case object([Member])

    /// One key and its value, in an object.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: OrderedJSON

        public init(key: String, value: OrderedJSON) {
            self.key = key
            self.value = value
        }
    }

    /// The value as compact UTF-8 JSON: no white space, members in order, strings with `"`,
    /// `\` and control characters escaped (`\n`, `\r`, `\t`, else `\u00xx` in lower case), `/`
    /// and everything beyond ASCII written as is.
    public var bytes: [UInt8] {
        var output: [UInt8] = []
        write(to: &output)
        return output
    }

    /// ``bytes`` as text.
    public var text: String {
        String(decoding: bytes, as: UTF8.self)
    }

    func write(to output: inout [UInt8]) {
        switch self {
        case .null:
            output += "null".utf8
        case .bool(let value):
            output += (value ? "true" : "false").utf8
        case .integer(let value):
            output += String(value).utf8
        case .unsignedInteger(let value):
            output += String(value).utf8
        case .number(let value):
            output += value.description.utf8
        case .string(let value):
            Self.write(string: value, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.write(string: member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                member.value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    static func write(string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += #"\""#.utf8
            case UInt8(ascii: "\\"): output += #"\\"#.utf8
            case UInt8(ascii: "\n"): output += #"\n"#.utf8
            case UInt8(ascii: "\r"): output += #"\r"#.utf8
            case UInt8(ascii: "\t"): output += #"\t"#.utf8
            case ..<0x20:
                output += #"\u00"#.utf8
                output.append(hexDigit(byte >> 4))
                output.append(hexDigit(byte & 0x0F))
            default:
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + (nibble - 10)
    }
}
