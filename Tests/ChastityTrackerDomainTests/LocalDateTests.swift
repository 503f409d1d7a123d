import ChastityTrackerDomain
import Testing

@Suite("LocalDate")
struct LocalDateTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        var text: String
        var year: Int, month: Int, day: Int
        var testDescription: String { text }
    }

    @Test(
        "parses real calendar dates written YYYY-MM-DD, leap days included",
        arguments: [
            Valid(text: "2026-01-15", year: 2026, month: 1, day: 15),
            Valid(text: "2024-02-29", year: 2024, month: 2, day: 29),
            Valid(text: "2000-02-29", year: 2000, month: 2, day: 29),
            Valid(text: "1600-02-29", year: 1600, month: 2, day: 29),
            Valid(text: "2026-12-31", year: 2026, month: 12, day: 31),
            Valid(text: "2026-04-30", year: 2026, month: 4, day: 30),
            Valid(text: "0001-01-01", year: 1, month: 1, day: 1),
            Valid(text: "9999-12-31", year: 9999, month: 12, day: 31),
        ])
    func parsesValidDates(_ valid: Valid) throws {
        let date = try #require(LocalDate(valid.text))
        #expect(date.year == valid.year)
        #expect(date.month == valid.month)
        #expect(date.day == valid.day)
        #expect(date.description == valid.text)
    }

    @Test(
        "rejects impossible dates and anything not exactly YYYY-MM-DD in ASCII digits",
        arguments: [
            "2023-02-29",  // not a leap year
            "1900-02-29",  // century, not divisible by 400
            "2100-02-29",
            "2026-02-30",
            "2026-04-31",
            "2026-06-31",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-01-32",
            "0000-01-01",  // there is no year 0
            "2026-1-01",
            "2026-01-1",
            "26-01-01",
            "2026-01-01 ",
            " 2026-01-01",
            "+2026-01-01",
            "-2026-01-01",
            "-001-01-01",
            "２０２６-01-01",  // full-width digits
            "٢٠٢٦-01-01",  // Arabic-Indic digits
            "2026-０1-01",
            "2026/01/01",
            "2026_01_01",
            "20260101",
            "2026-01-01T00:00:00",
            "2026-01-1a",
            "abcd-ef-gh",
            "",
        ])
    func rejectsInvalidText(_ text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test(
        "init(year:month:day:) refuses parts that name no real day",
        arguments: [
            (2023, 2, 29), (1900, 2, 29), (2026, 2, 30), (0, 1, 1), (10000, 1, 1), (2026, 0, 1), (2026, 13, 1), (2026, 1, 0), (2026, 9, 31),
        ])
    func refusesImpossibleParts(_ year: Int, _ month: Int, _ day: Int) {
        #expect(LocalDate(year: year, month: month, day: day) == nil)
    }

    @Test("a date parses from a Substring too")
    func parsesSubstring() {
        let text = "2026-01-15 10:12:30.123"
        #expect(LocalDate(text.prefix(10)) == LocalDate(year: 2026, month: 1, day: 15))
    }

    @Test(
        "daysSinceEpoch counts days from 1970-01-01 and init(daysSinceEpoch:) inverts it",
        arguments: [
            ("1970-01-01", 0),
            ("1970-01-02", 1),
            ("1969-12-31", -1),
            ("2000-02-29", 11016),
            ("2000-03-01", 11017),
            ("1900-03-01", -25508),
            ("1600-02-29", -135081),
            ("2026-01-15", 20468),
            ("0001-01-01", -719162),
            ("9999-12-31", 2_932_896),
        ])
    func daysSinceEpochRoundTrips(_ text: String, _ days: Int) throws {
        let date = try #require(LocalDate(text))
        #expect(date.daysSinceEpoch == days)
        #expect(LocalDate(daysSinceEpoch: days) == date)
        #expect(LocalDate(daysSinceEpoch: days)?.description == text)
    }

    @Test("init(daysSinceEpoch:) is nil outside years 1...9999", arguments: [-719163, 2_932_897])
    func daysOutsideRange(_ days: Int) {
        #expect(LocalDate(daysSinceEpoch: days) == nil)
    }

    @Test("every day across leap and non-leap years round trips through its day count")
    func everyDayRoundTrips() throws {
        // 1896-01-01 ... 2104-12-31: spans the 1900 and 2100 non-leap centuries and leap 2000.
        let start = try #require(LocalDate("1896-01-01")).daysSinceEpoch
        let end = try #require(LocalDate("2104-12-31")).daysSinceEpoch
        var previous: LocalDate?
        for days in start...end {
            let date = try #require(LocalDate(daysSinceEpoch: days))
            #expect(date.daysSinceEpoch == days)
            #expect(LocalDate(date.description) == date)
            if let previous { #expect(previous < date) }
            previous = date
        }
    }

    @Test(
        "dates order by year, then month, then day",
        arguments: [
            ("2025-12-31", "2026-01-01"), ("2026-01-31", "2026-02-01"), ("2026-02-01", "2026-02-02"), ("0999-12-31", "1000-01-01"),
        ])
    func ordering(_ earlier: String, _ later: String) throws {
        let a = try #require(LocalDate(earlier))
        let b = try #require(LocalDate(later))
        #expect(a < b)
        #expect(!(b < a))
    }
}
