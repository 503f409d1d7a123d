public import ChastityTrackerDomain
public import NIOCore

/// Writes JSON straight into a byte buffer, keys in the order written: the hot path's encoder,
/// with no intermediate objects and a stable byte output (which the ETag relies on).
///
/// Each value reserves its worst-case size once and is then written with plain stores through
/// a ``JSONCursor``: a 50-item list page is about 50 buffer calls rather than 1,500 (one per
/// key, digit and quote), which was a fifth of the list's CPU time when it was byte by byte.
public struct JSONWriter: Sendable {
    public private(set) var buffer: ByteBuffer

    public init(capacity: Int = 256) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// What has been written, as text.
    public var text: String { String(buffer: buffer) }

    /// Runs `body` with a cursor over at least `capacity` writable bytes and keeps what it wrote.
    @inline(__always)
    mutating func write(reserving capacity: Int, _ body: (inout JSONCursor) -> Void) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { raw in
            var cursor = JSONCursor(raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
            body(&cursor)
            precondition(cursor.count <= raw.count, "JSONWriter wrote past its reservation")
            return cursor.count
        }
    }

    public mutating func raw(_ text: StaticString) {
        write(reserving: text.utf8CodeUnitCount) { $0.raw(text) }
    }

    public mutating func integer<I: BinaryInteger>(_ value: I) {
        if let value = Int64(exactly: value) {
            write(reserving: JSONCursor.maximumIntegerLength) { $0.integer(value) }
        } else {
            unescaped(String(value))
        }
    }

    /// Text known to need no escaping (dates, modes, timestamps), written as is.
    public mutating func unescaped(_ text: String) {
        buffer.writeString(text)
    }

    /// `YYYY-MM-DD`, digits written straight into the buffer (no intermediate string).
    public mutating func date(_ date: LocalDate) {
        write(reserving: JSONCursor.dateLength) { $0.date(date) }
    }

    /// `YYYY-MM-DD HH:MM:SS.mmm` in UTC, like ``Timestamp/description``.
    public mutating func timestamp(_ timestamp: Timestamp) {
        write(reserving: JSONCursor.timestampLength) { $0.timestamp(timestamp) }
    }

    public mutating func null() {
        raw("null")
    }

    public mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// A JSON string literal with `"`, `\` and control characters escaped.
    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { bytes in
            write(reserving: JSONCursor.maximumStringLength(bytes.count)) { $0.string(bytes) }
        }
    }
}

/// A write position inside bytes a ``JSONWriter`` reserved: every write is a plain store, and
/// the reservation (computed from the static maxima below) guarantees the room.
struct JSONCursor {
    private let start: UnsafeMutablePointer<UInt8>
    private var position: UnsafeMutablePointer<UInt8>

    init(_ start: UnsafeMutablePointer<UInt8>) {
        self.start = start
        position = start
    }

    /// Bytes written so far.
    var count: Int { position - start }

    static var maximumIntegerLength: Int { 20 }  // "-9223372036854775808"
    static var dateLength: Int { 10 }
    static var timestampLength: Int { 23 }
    /// A string of `utf8Count` bytes, quoted, when every byte needs a `\u00XX` escape.
    static func maximumStringLength(_ utf8Count: Int) -> Int { 2 + 6 * utf8Count }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        position.pointee = value
        position += 1
    }

    @inline(__always)
    mutating func raw(_ text: StaticString) {
        let count = text.utf8CodeUnitCount
        position.update(from: text.utf8Start, count: count)
        position += count
    }

    @inline(__always)
    mutating func bytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        position.update(from: base, count: bytes.count)
        position += bytes.count
    }

    /// A decimal integer.
    mutating func integer(_ value: Int64) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        var width = 1
        var rest = value.magnitude / 10
        while rest > 0 {
            width += 1
            rest /= 10
        }
        digits(value.magnitude, width: width)
    }

    /// A non-negative number as exactly `width` decimal digits (zero-padded).
    @inline(__always)
    mutating func digits(_ value: some BinaryInteger, width: Int) {
        var value = value
        var index = width - 1
        while index >= 0 {
            position[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
            value /= 10
            index -= 1
        }
        position += width
    }

    /// `YYYY-MM-DD`.
    mutating func date(_ date: LocalDate) {
        digits(date.year, width: 4)
        byte(UInt8(ascii: "-"))
        digits(date.month, width: 2)
        byte(UInt8(ascii: "-"))
        digits(date.day, width: 2)
    }

    /// `YYYY-MM-DD HH:MM:SS.mmm` in UTC.
    mutating func timestamp(_ timestamp: Timestamp) {
        let parts = timestamp.utcParts
        digits(parts.year, width: 4)
        byte(UInt8(ascii: "-"))
        digits(parts.month, width: 2)
        byte(UInt8(ascii: "-"))
        digits(parts.day, width: 2)
        byte(UInt8(ascii: " "))
        digits(parts.millisecondOfDay / 3_600_000, width: 2)
        byte(UInt8(ascii: ":"))
        digits(parts.millisecondOfDay / 60000 % 60, width: 2)
        byte(UInt8(ascii: ":"))
        digits(parts.millisecondOfDay / 1000 % 60, width: 2)
        byte(UInt8(ascii: "."))
        digits(parts.millisecondOfDay % 1000, width: 3)
    }

    /// A JSON string literal of UTF-8 `bytes`, with `"`, `\` and control characters escaped.
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) {
        byte(UInt8(ascii: "\""))
        var start = 0
        for index in bytes.indices {
            let value = bytes[index]
            guard value < 0x20 || value == UInt8(ascii: "\"") || value == UInt8(ascii: "\\") else { continue }
            self.bytes(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            byte(UInt8(ascii: "\\"))
            switch value {
            case UInt8(ascii: "\""): byte(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): byte(UInt8(ascii: "\\"))
            case UInt8(ascii: "\n"): byte(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): byte(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): byte(UInt8(ascii: "t"))
            default:
                raw("u00")
                byte(Self.hexDigit(value >> 4))
                byte(Self.hexDigit(value & 0x0F))
            }
            start = index + 1
        }
        self.bytes(UnsafeBufferPointer(rebasing: bytes[start...]))
        byte(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ (nibble &- 10)
    }
}
