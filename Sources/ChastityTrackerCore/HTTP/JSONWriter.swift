public import NIOCore

/// Writes JSON straight into a byte buffer, keys in the order written: the hot path's encoder,
/// with no intermediate objects and a stable byte output (which the ETag relies on).
public struct JSONWriter: Sendable {
    public private(set) var buffer: ByteBuffer

    public init(capacity: Int = 256) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// What has been written, as text.
    public var text: String { String(buffer: buffer) }

    public mutating func raw(_ text: StaticString) {
        buffer.writeStaticString(text)
    }

    public mutating func integer<I: BinaryInteger>(_ value: I) {
        buffer.writeString(String(value))
    }

    /// Text known to need no escaping (dates, modes, timestamps), written as is.
    public mutating func unescaped(_ text: String) {
        buffer.writeString(text)
    }

    /// `YYYY-MM-DD`, digits written straight into the buffer (no intermediate string).
    public mutating func date(_ date: LocalDate) {
        digits(date.year, width: 4)
        buffer.writeInteger(UInt8(ascii: "-"))
        digits(date.month, width: 2)
        buffer.writeInteger(UInt8(ascii: "-"))
        digits(date.day, width: 2)
    }

    /// `YYYY-MM-DD HH:MM:SS.mmm` in UTC, like ``Timestamp/description``.
    public mutating func timestamp(_ timestamp: Timestamp) {
        let parts = timestamp.utcParts
        digits(parts.year, width: 4)
        buffer.writeInteger(UInt8(ascii: "-"))
        digits(parts.month, width: 2)
        buffer.writeInteger(UInt8(ascii: "-"))
        digits(parts.day, width: 2)
        buffer.writeInteger(UInt8(ascii: " "))
        digits(parts.millisecondOfDay / 3_600_000, width: 2)
        buffer.writeInteger(UInt8(ascii: ":"))
        digits(parts.millisecondOfDay / 60000 % 60, width: 2)
        buffer.writeInteger(UInt8(ascii: ":"))
        digits(parts.millisecondOfDay / 1000 % 60, width: 2)
        buffer.writeInteger(UInt8(ascii: "."))
        digits(parts.millisecondOfDay % 1000, width: 3)
    }

    /// A non-negative number as exactly `width` decimal digits (zero-padded).
    private mutating func digits(_ value: Int, width: Int) {
        var value = value
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: width) { pointer in
            for index in stride(from: width - 1, through: 0, by: -1) {
                pointer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            return width
        }
    }

    public mutating func null() {
        buffer.writeStaticString("null")
    }

    public mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// A JSON string literal with `"`, `\` and control characters escaped.
    public mutating func string(_ value: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index]))
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(hex[Int(byte >> 4)])
                    buffer.writeInteger(hex[Int(byte & 0x0F)])
                }
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start...]))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
