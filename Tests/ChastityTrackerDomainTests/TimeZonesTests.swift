import ChastityTrackerDomain
import Foundation
import Testing

@Suite("TimeZones")
struct TimeZonesTests {
    @Test(
        "today is the calendar date in the user's zone, across the extreme offsets",
        arguments: [
            // Pacific/Kiritimati is UTC+14: its day starts at 10:00 UTC the day before.
            ("Pacific/Kiritimati", 1_768_471_199, "2026-01-15"),  // 2026-01-15 09:59:59Z = 23:59:59 local
            ("Pacific/Kiritimati", 1_768_471_200, "2026-01-16"),  // 2026-01-15 10:00:00Z = 00:00 local next day
            // Pacific/Pago_Pago is UTC-11: its day starts at 11:00 UTC.
            ("Pacific/Pago_Pago", 1_768_474_799, "2026-01-14"),  // 2026-01-15 10:59:59Z = 23:59:59 local the day before
            ("Pacific/Pago_Pago", 1_768_474_800, "2026-01-15"),  // 2026-01-15 11:00:00Z
            ("Pacific/Niue", 1_768_474_799, "2026-01-14"),
            ("UTC", 1_768_521_599, "2026-01-15"),  // 23:59:59Z
            ("UTC", 1_768_521_600, "2026-01-16"),
            ("UTC", -1, "1969-12-31"),
            ("UTC", 0, "1970-01-01"),
            ("Europe/Berlin", 1_768_518_000, "2026-01-16"),  // 23:00Z = 00:00 CET
            ("Europe/Berlin", 1_768_517_999, "2026-01-15"),
        ])
    func today(_ identifier: String, _ seconds: Int, _ expected: String) throws {
        let zone = try TimeZones.zone(named: identifier)
        let date = TimeZones.today(at: Date(timeIntervalSince1970: TimeInterval(seconds)), in: zone)
        #expect(date.description == expected)
    }

    @Test("the last fraction of a second before midnight is still the old day")
    func fractionBeforeMidnight() throws {
        let zone = try TimeZones.zone(named: "Pacific/Kiritimati")
        #expect(TimeZones.today(at: Date(timeIntervalSince1970: 1_768_471_199.999), in: zone).description == "2026-01-15")
    }

    @Test(
        "IANA identifiers, current names and links included, are accepted with their offsets",
        arguments: [
            ("UTC", 0), ("Etc/UTC", 0), ("Europe/Berlin", 3600), ("America/New_York", -18000), ("Pacific/Kiritimati", 50400),
            ("Asia/Kolkata", 19800), ("Asia/Calcutta", 19800), ("Europe/Kyiv", 7200), ("US/Eastern", -18000), ("Etc/GMT+5", -18000),
        ])
    func acceptsZones(_ identifier: String, _ offset: Int) throws {
        // 2026-01-15 10:00:00Z, winter in the north.
        #expect(try TimeZones.zone(named: identifier).secondsFromGMT(for: Date(timeIntervalSince1970: 1_768_471_200)) == offset)
    }

    @Test(
        "anything that is not an IANA identifier is refused naming the timezone field",
        arguments: [
            "Mars/Olympus_Mons", "", "Europe/berlin", "europe/Berlin", " UTC", "UTC ", "utc", "+02:00", "GMT+2", "Berlin", "Europe",
            "localtime", "../../etc/passwd",
        ])
    func refusesUnknownZones(_ identifier: String) {
        #expect(
            throws: ValidationError(
                field: "timezone", message: "'\(identifier)' is not an IANA time zone (for example Europe/Berlin or UTC)"
            )
        ) {
            try TimeZones.zone(named: identifier)
        }
    }
}
