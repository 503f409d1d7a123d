import ChastityTrackerDomain
import Testing

/// The insert and update bodies as a whole: their shape, the order errors are found in, the
/// element prefix of a batch, and null against absent. The field rules are in OrgasmRulesTests.
@Suite("Request bodies")
struct RequestBodiesTests {
    static let today = LocalDate(year: 2026, month: 1, day: 15)!
    static let inserted = Timestamp(millisecondsSinceEpoch: 1_768_471_950_123)
    let rules = OrgasmRules(earliestDate: LocalDate(year: 1900, month: 1, day: 1)!, latestDate: RequestBodiesTests.today)

    static let valid = JSONValue.object(["date": .string("2026-01-15"), "mode": .string("full")])

    @Test(
        "An insert body that is neither an object nor an array is invalid JSON naming what it is",
        arguments: [
            (JSONValue.null, "null"), (.bool(true), "a boolean"), (.integer(7), "a number"), (.string("x"), "a string"),
        ])
    func insertBodyOfWrongKind(_ body: JSONValue, _ kind: String) {
        #expect(throws: InvalidJSON("the body must be a JSON object or an array of objects, not \(kind)")) {
            try InsertBody(decoding: body, rules: rules)
        }
    }

    @Test("An array of 0 or 51 objects is refused with its length", arguments: [0, 51])
    func batchLength(_ count: Int) {
        #expect(throws: ValidationError(field: nil, message: "an array body holds 1 to 50 objects, not \(count)")) {
            try InsertBody(decoding: .array(Array(repeating: Self.valid, count: count)), rules: rules)
        }
    }

    @Test("Every element is checked to be an object before any field rule runs")
    func elementKindBeforeFields() {
        let body = JSONValue.array([.object(["mode": .string("full")]), Self.valid, .array([])])
        #expect(throws: InvalidJSON("element 2 of the array is an array, not an object")) {
            try InsertBody(decoding: body, rules: rules)
        }
    }

    @Test("In an array of several a broken rule names its element; in an array of one it does not")
    func elementPrefix() {
        let broken = JSONValue.object(["date": .string("2026-01-15"), "mode": .string("x")])
        #expect(throws: ValidationError(field: "mode", message: "element 1: mode must be one of full, ruined, milking, dom, ted")) {
            try InsertBody(decoding: .array([Self.valid, broken, broken]), rules: rules)
        }
        #expect(throws: ValidationError(field: "mode", message: "mode must be one of full, ruined, milking, dom, ted")) {
            try InsertBody(decoding: .array([broken]), rules: rules)
        }
    }

    @Test("A batch's records come in the order sent, each object's number times")
    func batchRecords() throws {
        let body = JSONValue.array([
            .object(["date": .string("2026-01-14"), "mode": .string("ted"), "number": .integer(2)]),
            .object(["date": .string("2026-01-15"), "mode": .string("dom"), "public": .integer(1), "grantedby": .string("M")]),
        ])
        let records = try InsertBody(decoding: body, rules: rules).items(inserted: Self.inserted)
        let ted = NewOrgasm(date: LocalDate("2026-01-14")!, mode: .ted, isPublic: false, type: nil, grantedBy: nil, inserted: Self.inserted)
        let dom = NewOrgasm(date: Self.today, mode: .dom, isPublic: false, type: nil, grantedBy: nil, inserted: Self.inserted)
        #expect(records == [ted, ted, dom])
    }

    @Test(
        "An update body that is not an object is invalid JSON naming what it is",
        arguments: [
            (JSONValue.array([RequestBodiesTests.valid]), "an array"), (.null, "null"), (.number(1.5), "a number"),
        ])
    func updateBodyOfWrongKind(_ body: JSONValue, _ kind: String) {
        #expect(throws: InvalidJSON("the body must be a JSON object, not \(kind)")) {
            try UpdateBody(decoding: body, rules: rules)
        }
    }

    @Test("A fixed field is refused before an unknown one, and both before an empty or invalid value")
    func updateErrorOrder() {
        #expect(throws: ValidationError(field: "number", message: "number cannot be changed; updatable: date, mode, public, type, grantedby")) {
            try UpdateBody(decoding: .object(["aaa": .null, "number": .integer(1), "mode": .null]), rules: rules)
        }
        #expect(throws: ValidationError(field: "aaa", message: "unknown field 'aaa'; updatable: date, mode, public, type, grantedby")) {
            try UpdateBody(decoding: .object(["aaa": .null, "mode": .null]), rules: rules)
        }
        #expect(throws: ValidationError(field: "date", message: "date may not be in the future (today is 2026-01-15 in the owner's time zone)")) {
            try UpdateBody(decoding: .object(["public": .integer(5), "date": .string("2026-01-16")]), rules: rules)
        }
    }

    @Test("In an update, null clears a text while an absent field stays unchanged")
    func nullIsNotAbsent() throws {
        let body = try UpdateBody(decoding: .object(["type": .null]), rules: rules)
        #expect(body.type == .set(nil))
        #expect(body.grantedBy == .unchanged)
        #expect(body.date == nil && body.mode == nil && body.isPublic == nil)
        var expected = OrgasmChanges()
        expected.type = .set(nil)
        #expect(body.changes == expected)
    }
}
