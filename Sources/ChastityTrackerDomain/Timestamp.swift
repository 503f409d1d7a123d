public import Foundation

/// A UTC instant with millisecond precision, as stored for `inserted`.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public init(_ date: Date) {
        self.millisecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSinceEpoch) / 1000) }

    /// The UTC calendar date and the milliseconds into that day.
    public var utcParts: (year: Int, month: Int, day: Int, millisecondOfDay: Int) {
        let ms = millisecondsSinceEpoch
        let days = Int(ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000)
        let (year, month, day) = LocalDate.civil(fromDays: days)
        return (year, month, day, Int(ms - Int64(days) * 86_400_000))
    }

    /// `YYYY-MM-DD HH:MM:SS.mmm` in UTC, the seed's `inserted` format.
    public var description: String {
        let (year, month, day, msOfDay) = utcParts
        var text = ""
        text.reserveCapacity(23)
        LocalDate.append(year, width: 4, to: &text)
        text.append("-")
        LocalDate.append(month, width: 2, to: &text)
        text.append("-")
        LocalDate.append(day, width: 2, to: &text)
        text.append(" ")
        LocalDate.append(msOfDay / 3_600_000, width: 2, to: &text)
        text.append(":")
        LocalDate.append(msOfDay / 60000 % 60, width: 2, to: &text)
        text.append(":")
        LocalDate.append(msOfDay / 1000 % 60, width: 2, to: &text)
        text.append(".")
        LocalDate.append(msOfDay % 1000, width: 3, to: &text)
        return text
    }

    /// Parses the `description` format back (used by `import`); `nil` when malformed.
    public init?(_ text: some StringProtocol) {
        let string = String(text)
        guard string.utf8.count == 23,
            let date = LocalDate(string.prefix(10)),
            string.dropFirst(10).first == " "
        else { return nil }
        let time = Array(string.utf8.dropFirst(11))
        let shape: [UInt8] = Array("00:00:00.000".utf8)
        var numbers: [Int] = []
        var current = 0
        for (byte, expected) in zip(time, shape) {
            if expected == UInt8(ascii: "0") {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                current = current * 10 + Int(byte - UInt8(ascii: "0"))
            } else {
                guard byte == expected else { return nil }
                numbers.append(current)
                current = 0
            }
        }
        numbers.append(current)
        guard numbers.count == 4, numbers[0] < 24, numbers[1] < 60, numbers[2] < 60 else { return nil }
        let ms =
            Int64(date.daysSinceEpoch) * 86_400_000
            + Int64(numbers[0] * 3_600_000 + numbers[1] * 60000 + numbers[2] * 1000 + numbers[3])
        self.init(millisecondsSinceEpoch: ms)
    }

    /// This instant `duration` later, to the millisecond.
    public func adding(_ duration: Duration) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + duration.wholeMilliseconds)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }
}
