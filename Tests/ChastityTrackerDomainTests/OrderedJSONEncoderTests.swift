import ChastityTrackerDomain
import Foundation
import Testing

/// The typed encoding the service writes with: keys in encoding order, explicit nulls, the
/// hand-written writer's escaping.
@Suite("OrderedJSONEncoder")
struct OrderedJSONEncoderTests {
    private func text(_ value: some Encodable) throws -> String {
        String(decoding: try OrderedJSONEncoder().encode(value), as: UTF8.self)
    }

    /// Keys encoded out of alphabetical order, an optional both ways, and nested containers
    /// written after the outer container moved on.
    private struct Sample: Encodable {
        var missing: String?

        enum CodingKeys: String, CodingKey { case zeta, alpha, nested, list, explicit, omitted, mid }
        enum InnerKeys: String, CodingKey { case b, a }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(1, forKey: .zeta)
            try container.encode("a", forKey: .alpha)
            var nested = container.nestedContainer(keyedBy: InnerKeys.self, forKey: .nested)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try container.encode(missing, forKey: .explicit)
            try container.encodeIfPresent(missing, forKey: .omitted)
            try container.encode(true, forKey: .mid)
            try nested.encode(2, forKey: .b)
            try nested.encodeNil(forKey: .a)
            try list.encode(UInt64.max)
            try list.encode(Int64.min)
            try list.encode(0.5)
            try list.encodeNil()
        }
    }

    @Test("Keys come out in the order they were encoded; encode writes null, encodeIfPresent leaves the key out")
    func keysInEncodingOrder() throws {
        #expect(
            try text(Sample())
                == #"{"zeta":1,"alpha":"a","nested":{"b":2,"a":null},"list":[18446744073709551615,-9223372036854775808,0.5,null],"explicit":null,"mid":true}"#
        )
    }

    private struct Twice: Encodable {
        enum CodingKeys: String, CodingKey { case first, second }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(1, forKey: .first)
            try container.encode(2, forKey: .second)
            try container.encode("again", forKey: .first)
        }
    }

    @Test("A key encoded twice keeps its first place and its last value")
    func keyEncodedTwice() throws {
        #expect(try text(Twice()) == #"{"first":"again","second":2}"#)
    }

    @Test(
        "Strings escape quote, backslash and control characters only, in lower-case hex",
        arguments: [
            ("plain", #""plain""#),
            ("say \"hi\"", #""say \"hi\"""#),
            (#"back\slash"#, #""back\\slash""#),
            ("a/b", #""a/b""#),
            ("line\nfeed\rreturn\ttab", #""line\nfeed\rreturn\ttab""#),
            ("\u{0}\u{1}\u{1B}\u{1F}", #""\u0000\u0001\u001b\u001f""#),
            ("\u{7F}", "\"\u{7F}\""),
            ("Zoë 🍆 \u{2028}", "\"Zoë 🍆 \u{2028}\""),
        ])
    func escaping(_ value: String, _ expected: String) throws {
        #expect(try text(value) == expected)
        #expect(try text([value]) == "[\(expected)]")
    }

    @Test("Arrays, top-level scalars and a value that encodes nothing")
    func otherShapes() throws {
        #expect(try text([Int]()) == "[]")
        #expect(try text([1, 2, 3]) == "[1,2,3]")
        #expect(try text(Optional<Int>.none) == "null")
        #expect(try text(false) == "false")
        #expect(try text(["k": [true]]) == #"{"k":[true]}"#)
        struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }
        #expect(try text(Nothing()) == "{}")
    }

    @Test("A number JSON cannot write is refused", arguments: [Double.infinity, -Double.infinity, Double.nan])
    func nonFiniteNumbers(_ value: Double) {
        #expect(throws: EncodingError.self) { try OrderedJSONEncoder().encode([value]) }
    }

    @Test("Foundation's JSONEncoder reads the output back to the same values")
    func roundTripsThroughFoundation() throws {
        let strings = ["\u{0}x\u{1F}", "\"\\/", "🍆", ""]
        let decoded = try JSONDecoder().decode([String].self, from: Data(try OrderedJSONEncoder().encode(strings)))
        #expect(decoded == strings)
    }

    static let inserted = Timestamp(millisecondsSinceEpoch: 1_768_471_950_123)

    @Test("The item is the contract's example byte for byte, nulls explicit, public as 0 or 1")
    func item() throws {
        let item = Orgasm(
            id: 123, date: LocalDate("2026-01-15")!, mode: .full, isPublic: true, type: "Stroke", grantedBy: nil, inserted: Self.inserted
        )
        #expect(
            try text(OrgasmItem(item))
                == #"{"id":123,"date":"2026-01-15","mode":"full","public":1,"type":"Stroke","grantedby":null,"inserted":"2026-01-15 10:12:30.123"}"#)
        var dom = item
        dom.mode = .dom
        dom.isPublic = false
        dom.type = nil
        #expect(
            try text(OrgasmItem(dom))
                == #"{"id":123,"date":"2026-01-15","mode":"dom","public":0,"type":null,"grantedby":null,"inserted":"2026-01-15 10:12:30.123"}"#)
    }

    @Test("The item's keys are written in the order of its CodingKeys, which the CSV header follows")
    func itemKeysFollowCodingKeys() throws {
        let item = Orgasm(id: 1, date: LocalDate("2026-01-15")!, mode: .ted, isPublic: false, type: nil, grantedBy: "x", inserted: Self.inserted)
        guard case .object(let members) = try OrderedJSONEncoder().tree(OrgasmItem(item)) else {
            Issue.record("an item is not an object")
            return
        }
        #expect(members.map(\.key) == OrgasmItem.CodingKeys.allCases.map(\.stringValue))
        #expect(members.map(\.key) == ["id", "date", "mode", "public", "type", "grantedby", "inserted"])
    }

    @Test("The list page is count, total, limit, offset and items, count being the items on the page")
    func listPage() throws {
        let item = Orgasm(id: 9, date: LocalDate("2026-01-15")!, mode: .ruined, isPublic: false, type: nil, grantedBy: nil, inserted: Self.inserted)
        let page = OrgasmListPage(OrgasmPage(total: 31, items: [item]), query: OrgasmQuery(limit: 1, offset: 30))
        #expect(
            try text(page)
                == #"{"count":1,"total":31,"limit":1,"offset":30,"items":[{"id":9,"date":"2026-01-15","mode":"ruined","public":0,"type":null,"grantedby":null,"inserted":"2026-01-15 10:12:30.123"}]}"#
        )
        #expect(try text(OrgasmListPage(items: [], total: 0, limit: 50, offset: 0)) == #"{"count":0,"total":0,"limit":50,"offset":0,"items":[]}"#)
    }
}
