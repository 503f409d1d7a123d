import ChastityTrackerDomain
import Testing

/// Rules for inserted and updated fields, with "today" fixed at 2026-01-15 and the default
/// earliest date.
@Suite("OrgasmRules")
struct OrgasmRulesTests {
    static let today = LocalDate(year: 2026, month: 1, day: 15)!
    static let inserted = Timestamp(millisecondsSinceEpoch: 1_768_471_950_123)
    let input = OrgasmRules(earliestDate: LocalDate(year: 1900, month: 1, day: 1)!, latestDate: OrgasmRulesTests.today)

    static func object(_ extra: [String: JSONValue] = [:]) -> [String: JSONValue] {
        ["date": .string("2026-01-15"), "mode": .string("full")].merging(extra) { $1 }
    }

    func single(_ object: [String: JSONValue]) throws -> NewOrgasm {
        let items = try InsertObject(decoding: object, rules: input).items(inserted: Self.inserted)
        try #require(items.count == 1)
        return items[0]
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var name: String
        var object: [String: JSONValue]
        var field: String?
        var message: String
        var testDescription: String { name }
    }

    static let typeTooLong = "type may be at most 100 characters"
    static let grantedByTooLong = "grantedby may be at most 50 characters"

    static let invalidInserts: [Invalid] = [
        Invalid(name: "date missing", object: ["mode": .string("full")], field: "date", message: "date is required"),
        Invalid(name: "mode missing", object: ["date": .string("2026-01-15")], field: "mode", message: "mode is required"),
        Invalid(
            name: "date in the future", object: object(["date": .string("2026-01-16")]), field: "date",
            message: "date may not be in the future (today is 2026-01-15 in the owner's time zone)"),
        Invalid(
            name: "date before the earliest", object: object(["date": .string("1899-12-31")]), field: "date",
            message: "date may not be earlier than 1900-01-01"),
        Invalid(
            name: "date impossible", object: object(["date": .string("2023-02-29")]), field: "date",
            message: "date must be a real calendar date written YYYY-MM-DD"),
        Invalid(
            name: "date not a string", object: object(["date": .integer(20_260_115)]), field: "date",
            message: "date must be a real calendar date written YYYY-MM-DD"),
        Invalid(
            name: "date null", object: object(["date": .null]), field: "date",
            message: "date must be a real calendar date written YYYY-MM-DD"),
        Invalid(
            name: "mode unknown", object: object(["mode": .string("FULL")]), field: "mode",
            message: "mode must be one of full, ruined, milking, dom, ted"),
        Invalid(
            name: "mode not a string", object: object(["mode": .integer(1)]), field: "mode",
            message: "mode must be one of full, ruined, milking, dom, ted"),
        Invalid(name: "public 2", object: object(["public": .integer(2)]), field: "public", message: "public must be 0, 1, true or false"),
        Invalid(name: "public string", object: object(["public": .string("1")]), field: "public", message: "public must be 0, 1, true or false"),
        Invalid(name: "public null", object: object(["public": .null]), field: "public", message: "public must be 0, 1, true or false"),
        Invalid(name: "public 1.0", object: object(["public": .number(1.5)]), field: "public", message: "public must be 0, 1, true or false"),
        Invalid(name: "type 101 ASCII", object: object(["type": .string(String(repeating: "a", count: 101))]), field: "type", message: typeTooLong),
        Invalid(
            name: "type 101 two-byte", object: object(["type": .string(String(repeating: "é", count: 101))]), field: "type", message: typeTooLong),
        Invalid(
            name: "type 101 four-byte", object: object(["type": .string(String(repeating: "🍆", count: 101))]), field: "type", message: typeTooLong),
        Invalid(
            name: "type 51 combining pairs (102 code points)", object: object(["type": .string(String(repeating: "e\u{301}", count: 51))]),
            field: "type", message: typeTooLong),
        Invalid(name: "type NUL", object: object(["type": .string("a\u{0}b")]), field: "type", message: "type may not contain control characters"),
        Invalid(name: "type newline", object: object(["type": .string("a\nb")]), field: "type", message: "type may not contain control characters"),
        Invalid(name: "type DEL", object: object(["type": .string("a\u{7F}")]), field: "type", message: "type may not contain control characters"),
        Invalid(name: "type C1", object: object(["type": .string("a\u{85}")]), field: "type", message: "type may not contain control characters"),
        Invalid(name: "type number", object: object(["type": .integer(5)]), field: "type", message: "type must be a string or null"),
        Invalid(name: "type array", object: object(["type": .array([])]), field: "type", message: "type must be a string or null"),
        Invalid(
            name: "grantedby 51", object: object(["grantedby": .string(String(repeating: "b", count: 51))]), field: "grantedby",
            message: grantedByTooLong),
        Invalid(
            name: "grantedby 51 three-byte", object: object(["grantedby": .string(String(repeating: "€", count: 51))]), field: "grantedby",
            message: grantedByTooLong),
        Invalid(
            name: "grantedby tab", object: object(["grantedby": .string("\tX")]), field: "grantedby",
            message: "grantedby may not contain control characters"),
        Invalid(
            name: "grantedby bool", object: object(["grantedby": .bool(true)]), field: "grantedby", message: "grantedby must be a string or null"),
        Invalid(name: "number 0", object: object(["number": .integer(0)]), field: "number", message: "number must be an integer from 1 to 50"),
        Invalid(name: "number 51", object: object(["number": .integer(51)]), field: "number", message: "number must be an integer from 1 to 50"),
        Invalid(name: "number -1", object: object(["number": .integer(-1)]), field: "number", message: "number must be an integer from 1 to 50"),
        Invalid(name: "number 1.5", object: object(["number": .number(1.5)]), field: "number", message: "number must be an integer from 1 to 50"),
        Invalid(name: "number string", object: object(["number": .string("2")]), field: "number", message: "number must be an integer from 1 to 50"),
        Invalid(name: "number null", object: object(["number": .null]), field: "number", message: "number must be an integer from 1 to 50"),
        Invalid(
            name: "unknown field", object: object(["foo": .integer(1)]), field: "foo",
            message: "unknown field 'foo'; allowed: date, mode, public, type, grantedby, number"),
        Invalid(
            name: "id on insert", object: object(["id": .integer(1)]), field: "id",
            message: "unknown field 'id'; allowed: date, mode, public, type, grantedby, number"),
        Invalid(
            name: "inserted on insert", object: object(["inserted": .string("2026-01-15 10:12:30.123")]), field: "inserted",
            message: "unknown field 'inserted'; allowed: date, mode, public, type, grantedby, number"),
        Invalid(
            name: "field names are case-sensitive", object: object(["Date": .string("2026-01-15")]), field: "Date",
            message: "unknown field 'Date'; allowed: date, mode, public, type, grantedby, number"),
        Invalid(
            name: "several unknown: the first by name", object: object(["zeta": .null, "alpha": .null]), field: "alpha",
            message: "unknown field 'alpha'; allowed: date, mode, public, type, grantedby, number"),
    ]

    @Test("an invalid insert field is refused naming the field and the rule", arguments: invalidInserts)
    func invalidInsert(_ invalid: Invalid) {
        #expect(throws: ValidationError(field: invalid.field, message: invalid.message)) {
            try InsertObject(decoding: invalid.object, rules: input).items(inserted: Self.inserted)
        }
    }

    @Test("a minimal insert defaults to private, no type, no grantor, one item")
    func minimalInsert() throws {
        let items = try InsertObject(decoding: Self.object(), rules: input).items(inserted: Self.inserted)
        #expect(items == [NewOrgasm(date: Self.today, mode: .full, isPublic: false, type: nil, grantedBy: nil, inserted: Self.inserted)])
    }

    @Test("the date boundaries today and the earliest date are accepted", arguments: ["2026-01-15", "1900-01-01"])
    func dateBoundaries(_ date: String) throws {
        #expect(try single(Self.object(["date": .string(date)])).date.description == date)
    }

    @Test(
        "public accepts 0, 1, false and true",
        arguments: [
            (JSONValue.integer(0), false), (.integer(1), true), (.bool(false), false), (.bool(true), true),
        ])
    func publicValues(_ value: JSONValue, _ expected: Bool) throws {
        #expect(try single(Self.object(["public": value])).isPublic == expected)
    }

    @Test(
        "text fields at their maximum length in code points are accepted, however many bytes",
        arguments: [
            ("type", String(repeating: "a", count: 100)),
            ("type", String(repeating: "é", count: 100)),
            ("type", String(repeating: "🍆", count: 100)),
            ("type", String(repeating: "e\u{301}", count: 50)),
            ("grantedby", String(repeating: "b", count: 50)),
            ("grantedby", String(repeating: "€", count: 50)),
            ("grantedby", String(repeating: "😈", count: 50)),
        ])
    func maximumLengths(_ field: String, _ text: String) throws {
        let item = try single(Self.object([field: .string(text)]))
        #expect((field == "type" ? item.type : item.grantedBy) == text)
    }

    @Test(
        "text is trimmed before its length is counted; blank or null means null",
        arguments: [
            ("  Stroke  ", "Stroke" as String?),
            ("\u{3000}Stroke\u{A0}", "Stroke"),
            (" " + String(repeating: "a", count: 100) + " ", String(repeating: "a", count: 100)),
            ("a  b", "a  b"),
            ("", nil),
            ("   ", nil),
            ("\u{3000}", nil),
        ])
    func trimming(_ text: String, _ expected: String?) throws {
        #expect(try single(Self.object(["type": .string(text)])).type == expected)
    }

    @Test("null clears type and grantedby")
    func nullText() throws {
        let item = try single(Self.object(["type": .null, "grantedby": .null]))
        #expect(item.type == nil)
        #expect(item.grantedBy == nil)
    }

    @Test("number inserts that many identical items", arguments: [1, 2, 50])
    func number(_ number: Int) throws {
        let items = try InsertObject(decoding: Self.object(["number": .integer(Int64(number)), "type": .string("Stroke")]), rules: input).items(
            inserted: Self.inserted)
        #expect(items.count == number)
        #expect(Set(items) == [NewOrgasm(date: Self.today, mode: .full, isPublic: false, type: "Stroke", grantedBy: nil, inserted: Self.inserted)])
    }

    @Test("mode dom forces public 0 and clears grantedby, keeping type; other modes keep both", arguments: Mode.allCases)
    func domRuleOnInsert(_ mode: Mode) throws {
        let item = try single(
            Self.object([
                "mode": .string(mode.rawValue), "public": .integer(1), "grantedby": .string("Mistress"), "type": .string("Stroke"),
            ]))
        #expect(item.mode == mode)
        #expect(item.type == "Stroke")
        #expect(item.isPublic == (mode != .dom))
        #expect(item.grantedBy == (mode == .dom ? nil : "Mistress"))
    }

    // MARK: Updates

    static let invalidUpdates: [Invalid] = [
        Invalid(
            name: "empty object", object: [:], field: nil,
            message: "the update names no field; send at least one of date, mode, public, type, grantedby"),
        Invalid(
            name: "id", object: ["id": .integer(1)], field: "id",
            message: "id cannot be changed; updatable: date, mode, public, type, grantedby"),
        Invalid(
            name: "number", object: ["number": .integer(2)], field: "number",
            message: "number cannot be changed; updatable: date, mode, public, type, grantedby"),
        Invalid(
            name: "inserted", object: ["inserted": .string("x"), "type": .null], field: "inserted",
            message: "inserted cannot be changed; updatable: date, mode, public, type, grantedby"),
        Invalid(
            name: "unknown", object: ["foo": .null], field: "foo",
            message: "unknown field 'foo'; updatable: date, mode, public, type, grantedby"),
        Invalid(
            name: "date in the future", object: ["date": .string("2026-01-16")], field: "date",
            message: "date may not be in the future (today is 2026-01-15 in the owner's time zone)"),
        Invalid(name: "mode null", object: ["mode": .null], field: "mode", message: "mode must be one of full, ruined, milking, dom, ted"),
        Invalid(name: "public null", object: ["public": .null], field: "public", message: "public must be 0, 1, true or false"),
        Invalid(name: "type 101", object: ["type": .string(String(repeating: "ü", count: 101))], field: "type", message: typeTooLong),
        Invalid(
            name: "grantedby control", object: ["grantedby": .string("a\u{1B}")], field: "grantedby",
            message: "grantedby may not contain control characters"),
    ]

    @Test("an invalid update is refused naming the field and the rule", arguments: invalidUpdates)
    func invalidUpdate(_ invalid: Invalid) {
        #expect(throws: ValidationError(field: invalid.field, message: invalid.message)) {
            try UpdateBody(decoding: .object(invalid.object), rules: input)
        }
    }

    @Test("an update names exactly the fields sent; null and blank clear text")
    func updateChanges() throws {
        let changes = try UpdateBody(
            decoding: .object([
                "date": .string("2024-02-29"), "mode": .string("ruined"), "public": .bool(true), "type": .null, "grantedby": .string("  "),
            ]), rules: input
        ).changes
        var expected = OrgasmChanges()
        expected.date = .set(LocalDate(year: 2024, month: 2, day: 29)!)
        expected.mode = .set(.ruined)
        expected.isPublic = .set(true)
        expected.type = .set(nil)
        expected.grantedBy = .set(nil)
        #expect(changes == expected)

        let onlyType = try UpdateBody(decoding: .object(["type": .string(" Edge ")]), rules: input).changes
        var expectedType = OrgasmChanges()
        expectedType.type = .set("Edge")
        #expect(onlyType == expectedType)
        #expect(onlyType.date == .unchanged)
    }
}
