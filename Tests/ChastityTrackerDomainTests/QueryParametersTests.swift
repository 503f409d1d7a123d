import ChastityTrackerDomain
import Testing

@Suite("QueryParameters")
struct QueryParametersTests {
    struct Invalid: Sendable, CustomTestStringConvertible {
        var pairs: [(name: String, value: String)]
        var field: String
        var message: String
        var testDescription: String { pairs.map { "\($0.name)=\($0.value)" }.joined(separator: "&") }
    }

    @Test(
        "each invalid list parameter is refused naming its field and rule",
        arguments: [
            Invalid(pairs: [("from", "2026-02-30")], field: "from", message: "from must be a real calendar date written YYYY-MM-DD"),
            Invalid(pairs: [("from", "2026-1-01")], field: "from", message: "from must be a real calendar date written YYYY-MM-DD"),
            Invalid(pairs: [("to", "2023-02-29")], field: "to", message: "to must be a real calendar date written YYYY-MM-DD"),
            Invalid(pairs: [("to", "")], field: "to", message: "to must be a real calendar date written YYYY-MM-DD"),
            Invalid(
                pairs: [("from", "2026-02-01"), ("to", "2026-01-31")], field: "from",
                message: "from (2026-02-01) may not be later than to (2026-01-31)"),
            Invalid(pairs: [("public", "2")], field: "public", message: "public must be 0 or 1"),
            Invalid(pairs: [("public", "true")], field: "public", message: "public must be 0 or 1"),
            Invalid(pairs: [("public", "")], field: "public", message: "public must be 0 or 1"),
            Invalid(pairs: [("mode", "FULL")], field: "mode", message: "mode must be one of full, ruined, milking, dom, ted"),
            Invalid(pairs: [("mode", "")], field: "mode", message: "mode must be one of full, ruined, milking, dom, ted"),
            Invalid(
                pairs: [("mode", "dom"), ("public", "1")], field: "mode",
                message: "mode=dom cannot be combined with public=1 (dom items are never public)"),
            Invalid(pairs: [("limit", "0")], field: "limit", message: "limit must be an integer from 1 to 200"),
            Invalid(pairs: [("limit", "201")], field: "limit", message: "limit must be an integer from 1 to 200"),
            Invalid(pairs: [("limit", "-1")], field: "limit", message: "limit must be an integer from 1 to 200"),
            Invalid(pairs: [("limit", "1.5")], field: "limit", message: "limit must be an integer from 1 to 200"),
            Invalid(pairs: [("limit", " 5")], field: "limit", message: "limit must be an integer from 1 to 200"),
            Invalid(pairs: [("limit", "+5")], field: "limit", message: "limit must be an integer from 1 to 200"),
            Invalid(pairs: [("limit", "abc")], field: "limit", message: "limit must be an integer from 1 to 200"),
            Invalid(pairs: [("limit", "")], field: "limit", message: "limit must be an integer from 1 to 200"),
            Invalid(pairs: [("limit", "99999999999999999999")], field: "limit", message: "limit must be an integer from 1 to 200"),
            Invalid(pairs: [("offset", "-1")], field: "offset", message: "offset must be an integer from 0 to 2147483647"),
            Invalid(pairs: [("offset", "abc")], field: "offset", message: "offset must be an integer from 0 to 2147483647"),
            Invalid(pairs: [("offset", "2147483648")], field: "offset", message: "offset must be an integer from 0 to 2147483647"),
            Invalid(pairs: [("offset", "")], field: "offset", message: "offset must be an integer from 0 to 2147483647"),
            Invalid(pairs: [("limit", "10"), ("limit", "10")], field: "limit", message: "limit may be given only once"),
            Invalid(pairs: [("from", "2026-01-01"), ("from", "2026-01-02")], field: "from", message: "from may be given only once"),
        ])
    func invalidListParameters(_ invalid: Invalid) {
        #expect(throws: ValidationError(field: invalid.field, message: invalid.message)) {
            try QueryParameters(invalid.pairs).orgasmQuery()
        }
    }

    @Test("no parameters give the default page: limit 50, offset 0, no filters")
    func defaults() throws {
        #expect(try QueryParameters([]).orgasmQuery() == OrgasmQuery(limit: 50, offset: 0))
    }

    @Test("valid parameters become the filter; unknown ones are ignored")
    func validFilter() throws {
        let query = try QueryParameters([
            ("from", "2024-02-29"), ("to", "2024-02-29"), ("public", "0"), ("mode", "dom"),
            ("limit", "200"), ("offset", "2147483647"), ("unknown", "x"), ("unknown", "y"),
        ]).orgasmQuery()
        #expect(
            query
                == OrgasmQuery(
                    from: LocalDate(year: 2024, month: 2, day: 29), to: LocalDate(year: 2024, month: 2, day: 29),
                    isPublic: false, mode: .dom, limit: 200, offset: 2_147_483_647
                ))
    }

    @Test("limit 1 and offset 0 are accepted", arguments: [("1", "0"), ("200", "0"), ("007", "00")])
    func limitBoundaries(_ limit: String, _ offset: String) throws {
        let query = try QueryParameters([("limit", limit), ("offset", offset)]).orgasmQuery()
        #expect(query.limit == Int(limit))
        #expect(query.offset == Int(offset))
    }

    @Test("public=1 with every mode but dom is accepted", arguments: ["full", "ruined", "milking", "ted"])
    func publicWithOtherModes(_ mode: String) throws {
        let query = try QueryParameters([("mode", mode), ("public", "1")]).orgasmQuery()
        #expect(query.mode?.rawValue == mode)
        #expect(query.isPublic == true)
    }

    @Test("id must be a positive integer", arguments: ["abc", "0", "-3", "1.5", "", " 1", "1e3", "9223372036854775808", "99999999999999999999"])
    func invalidID(_ text: String) {
        #expect(throws: ValidationError(field: "id", message: "id must be a positive integer")) {
            try QueryParameters([("id", text)]).id()
        }
    }

    @Test("a valid id is read; an absent one is nil", arguments: [("1", Int64(1)), ("123", 123), ("9223372036854775807", Int64.max)])
    func validID(_ text: String, _ id: Int64) throws {
        #expect(try QueryParameters([("id", text)]).id() == id)
        #expect(try QueryParameters([("from", "x")]).id() == nil)
    }

    @Test("id given twice is refused")
    func repeatedID() {
        #expect(throws: ValidationError(field: "id", message: "id may be given only once")) {
            try QueryParameters([("id", "1"), ("id", "1")]).id()
        }
    }

    @Test(
        "a known parameter followed by [ (PHP's array syntax) is refused naming the parameter and quoting the name",
        arguments: [
            ("limit[]", "limit"), ("id[]", "id"), ("id[0]", "id"), ("mode[]", "mode"), ("from[x]", "from"), ("to[]", "to"),
            ("public[]", "public"), ("offset[", "offset"), ("limit[][]", "limit"),
        ])
    func bracketedKnownName(_ name: String, _ field: String) {
        #expect(throws: ValidationError(field: field, message: "\(field) takes one plain value: '\(name)' (array syntax) is not accepted")) {
            try QueryParameters([("limit", "5"), (name, "5")])
        }
    }

    @Test("a long bracketed name is quoted to its first 40 characters")
    func longBracketedName() {
        let name = "id[" + String(repeating: "x", count: 100) + "]"
        #expect(throws: ValidationError(field: "id", message: "id takes one plain value: '\(name.prefix(40))…' (array syntax) is not accepted")) {
            try QueryParameters([(name, "5")])
        }
    }

    @Test(
        "other names with brackets are ignored like any unknown parameter",
        arguments: ["foo[]", "limits[]", "Limit[]", "xid[]", "[id]", "limit]", "idx[0]", "_limit[]"])
    func otherBracketedNames(_ name: String) throws {
        let parameters = try QueryParameters([(name, "7"), ("limit", "7")])
        #expect(try parameters.orgasmQuery() == OrgasmQuery(limit: 7, offset: 0))
        #expect(try parameters.id() == nil)
    }

    @Test(
        "names are percent-decoded when they hold an escape, kept as sent when it does not decode, and untouched otherwise",
        arguments: [
            ("limit", "limit"), ("%6Cimit", "limit"), ("limit%5B%5D", "limit[]"), ("li+mit", "li+mit"), ("%zz", "%zz"),
            ("%FF", "%FF"), ("id", "id"), ("caf%C3%A9", "café"),
        ])
    func namesArePercentDecoded(_ sent: String, _ expected: String) {
        let decoded = QueryParameters.pairs(ofQuery: Substring(sent + "=1%2"))
        #expect(decoded.map(\.name) == [expected])
        #expect(decoded.map(\.value) == ["1%2"])
    }
}
