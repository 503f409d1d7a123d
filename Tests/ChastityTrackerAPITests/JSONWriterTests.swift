import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation
import Testing

/// The hot path's JSON writer reserves each value's worst case and then writes with plain
/// stores; these pin its exact bytes, at the edges of every reservation.
@Suite("JSONWriter")
struct JSONWriterTests {
    private func item(id: Int64 = 7, mode: Mode = .milking, isPublic: Bool = true, type: String?, grantedBy: String?) -> Orgasm {
        Orgasm(
            id: id, date: LocalDate("2026-01-15")!, mode: mode, isPublic: isPublic, type: type, grantedBy: grantedBy,
            inserted: Timestamp(millisecondsSinceEpoch: 1_768_471_950_123)
        )
    }

    private func written(_ body: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter(capacity: 1)  // every write has to grow the buffer
        body(&writer)
        return writer.text
    }

    @Test("An item is written with the contract's keys in order, strings and nulls as given")
    func itemHasExactBytes() {
        #expect(
            written { $0.orgasm(item(type: "Stroke", grantedBy: nil)) }
                == #"{"id":7,"date":"2026-01-15","mode":"milking","public":1,"type":"Stroke","grantedby":null,"inserted":"2026-01-15 10:12:30.123"}"#)
        #expect(
            written { $0.orgasm(item(id: 1, mode: .dom, isPublic: false, type: nil, grantedBy: nil)) }
                == #"{"id":1,"date":"2026-01-15","mode":"dom","public":0,"type":null,"grantedby":null,"inserted":"2026-01-15 10:12:30.123"}"#)
    }

    @Test("Ids at the ends of the 64-bit range are written in full", arguments: [Int64.max, Int64.min, 0, 9, 10, 1_000_000])
    func idsAtTheEdges(id: Int64) {
        #expect(written { $0.orgasm(item(id: id, type: nil, grantedBy: nil)) }.hasPrefix(#"{"id":\#(id),"date""#))
        #expect(written { $0.integer(id) } == String(id))
    }

    @Test("Strings made only of characters that need escaping fit and come back unchanged")
    func worstCaseStringsRoundTrip() throws {
        let controls = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) })
        let type = String(repeating: controls + "\"\\", count: 40)
        let grantedBy = String(repeating: "\u{01}", count: 500)
        let text = written { $0.orgasm(item(type: type, grantedBy: grantedBy)) }
        #expect(text.contains(#""type":"\u0000\u0001"#))
        #expect(text.contains(#"\n\u000b\u000c\r"#))
        #expect(text.contains(#"\u001f\"\\\u0000"#))
        let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(decoded?["type"] as? String == type)
        #expect(decoded?["grantedby"] as? String == grantedBy)
    }

    @Test("Text beyond ASCII is written as its UTF-8 bytes, unescaped")
    func unicodeIsWrittenAsIs() {
        #expect(written { $0.string("Zoë 🍆 \u{2028}") } == "\"Zoë 🍆 \u{2028}\"")
        #expect(written { $0.optionalString(nil) } == "null")
    }

    @Test("A list of items is a JSON array with commas between items")
    func arrayOfItems() {
        #expect(written { $0.orgasms([]) } == "[]")
        let two = written { $0.orgasms([item(id: 1, type: nil, grantedBy: nil), item(id: 2, type: nil, grantedBy: "x")]) }
        #expect(two.hasPrefix(#"[{"id":1,"#))
        #expect(two.contains(#""},{"id":2,"#))
        #expect(two.hasSuffix(#""grantedby":"x","inserted":"2026-01-15 10:12:30.123"}]"#))
    }
}

/// The hand-written writer is the hot path's copy of the typed encoding (``OrgasmItem``,
/// ``OrgasmListPage``); these hold the two byte-identical, so a field added to the wire type
/// and forgotten in the writer fails here.
@Suite("JSONWriter against the typed encoding")
struct JSONWriterIdentityTests {
    static let controls = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }) + "\u{7F}"

    static let texts: [String?] = [
        nil, "", "Stroke", #"say "hi""#, #"C:\path\"#, "a/b</script>", "Zoë", "日本語", "🍆😈", "e\u{301}",
        "\u{2028}\u{2029}", controls, "\r\n", #"\"\\"#, String(repeating: "\u{1}", count: 60),
    ]

    static let items: [Orgasm] = {
        var items: [Orgasm] = []
        let ids: [Int64] = [Int64.max, Int64.min, 0, 1, 9, 10, 123_456_789]
        for (index, text) in texts.enumerated() {
            let mode = Mode.allCases[index % Mode.allCases.count]
            let other = texts[(index + 3) % texts.count]
            let item = Orgasm(
                id: ids[index % ids.count], date: LocalDate(year: 1900 + index * 8, month: index % 12 + 1, day: index % 28 + 1)!,
                mode: mode, isPublic: index % 2 == 0, type: text, grantedBy: other,
                inserted: Timestamp(millisecondsSinceEpoch: 1_768_471_950_123 + Int64(index) * 86_399_999)
            )
            items.append(mode == .dom ? item.normalized : item)
        }
        return items
    }()

    private func typed(_ value: some Encodable) throws -> String {
        String(decoding: try OrderedJSONEncoder().encode(value), as: UTF8.self)
    }

    @Test("Each item's bytes from JSONWriter equal OrgasmItem's encoding", arguments: items)
    func item(_ item: Orgasm) throws {
        var writer = JSONWriter(capacity: 1)
        writer.orgasm(item)
        #expect(writer.text == (try typed(OrgasmItem(item))))
    }

    @Test(
        "The list page's bytes from JSONWriter equal OrgasmListPage's encoding",
        arguments: [
            OrgasmListPage(items: [], total: 0, limit: 50, offset: 0),
            OrgasmListPage(items: [], total: 7, limit: 200, offset: 1_000),
            OrgasmListPage(items: Array(items.prefix(1)), total: 1, limit: 1, offset: 0),
            OrgasmListPage(items: items, total: Int.max, limit: 200, offset: Int.max - 1),
        ])
    func listPage(_ page: OrgasmListPage) throws {
        var writer = JSONWriter(capacity: 1)
        writer.orgasmListPage(page)
        #expect(writer.text == (try typed(page)))
    }
}
