import ChastityTrackerDomain
import Foundation
import Testing

@Suite("Timestamp")
struct TimestampTests {
    @Test(
        "formats milliseconds since the epoch as YYYY-MM-DD HH:MM:SS.mmm in UTC",
        arguments: [
            (Int64(1_768_471_950_123), "2026-01-15 10:12:30.123"),
            (0, "1970-01-01 00:00:00.000"),
            (1, "1970-01-01 00:00:00.001"),
            (-1, "1969-12-31 23:59:59.999"),
            (-86_400_000, "1969-12-31 00:00:00.000"),
            (-86_400_001, "1969-12-30 23:59:59.999"),
            (-14_182_940_000, "1969-07-20 20:17:40.000"),
            (951_782_400_000, "2000-02-29 00:00:00.000"),
            (-62_135_596_800_000, "0001-01-01 00:00:00.000"),
            (253_402_300_799_999, "9999-12-31 23:59:59.999"),
        ])
    func formatsAndParsesBack(_ milliseconds: Int64, _ text: String) {
        let timestamp = Timestamp(millisecondsSinceEpoch: milliseconds)
        #expect(timestamp.description == text)
        #expect(Timestamp(text) == timestamp)
    }

    @Test(
        "a Date is truncated to the millisecond below, before 1970 too",
        arguments: [
            (1_768_471_950.123_9, Int64(1_768_471_950_123)),
            (-0.000_5, -1),
            (-1.5, -1500),
            (0.000_9, 0),
        ])
    func truncatesDates(_ seconds: Double, _ milliseconds: Int64) {
        #expect(Timestamp(Date(timeIntervalSince1970: seconds)).millisecondsSinceEpoch == milliseconds)
    }

    @Test(
        "parsing refuses anything but the exact inserted format naming a real instant",
        arguments: [
            "2026-01-15 10:12:30",
            "2026-01-15 10:12:30.12",
            "2026-01-15 10:12:30.1234",
            "2026-01-15T10:12:30.123",
            "2026-01-15 10:12:30,123",
            "2026-01-15 10-12-30.123",
            "2026-01-15 24:00:00.000",
            "2026-01-15 10:60:00.000",
            "2026-01-15 10:12:60.000",
            "2026-02-30 10:12:30.123",
            "2026-01-15 10:12:30.12a",
            "2026-01-15 1:12:30.1234",
            " 2026-01-15 10:12:30.12",
            "2026-01-15 10:12:30.123Z",
            "2026-01-15 １0:12:30.123",
            "+026-01-15 10:12:30.123",
            "",
        ])
    func rejectsMalformedText(_ text: String) {
        #expect(Timestamp(text) == nil)
    }

    @Test("the last millisecond of a day parses")
    func parsesEndOfDay() {
        #expect(Timestamp("2026-01-15 23:59:59.999")?.millisecondsSinceEpoch == 1_768_521_599_999)
    }
}
