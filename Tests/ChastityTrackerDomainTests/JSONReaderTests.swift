import ChastityTrackerDomain
import Testing

/// `JSONValue.parse` reads bodies itself and leaves to Foundation only what it is unsure of; these
/// compare its answers, value or error, with Foundation's (`parseWithFoundation`), byte for byte.
@Suite("JSON reader against Foundation")
struct JSONReaderTests {
    /// The answer of `parse` and of the reference, for comparing.
    static func answers(_ text: String) -> (ours: Result<JSONValue, InvalidJSON>, foundation: Result<JSONValue, InvalidJSON>) {
        let bytes = Array(text.utf8)
        return (
            Result { () throws(InvalidJSON) in try JSONValue.parse(bytes) },
            Result { () throws(InvalidJSON) in try JSONValue.parseWithFoundation(bytes) }
        )
    }

    /// What the API's clients send: the reader answers these itself (so it is what inserts run).
    static let usualBodies = [
        #"{"date":"2026-01-15","mode":"full","public":1,"type":"Stroke"}"#,
        #"{"date":"2026-01-15","mode":"ruined","number":10}"#,
        #"[{"date":"2026-01-15","mode":"full"},{"date":"2026-01-16","mode":"ted","public":0,"grantedby":"Sam \"K\" \u00e9\ud83d\ude00"}]"#,
        "{\n  \"type\": \"Toy\",\r\n\t\"public\": false, \"x\": null, \"n\": -12.5e-1, \"big\": 1e15\n}",
        #"{"type":"\\ \/ \b \f \n \r \t \u0000 \u001F"}"#,
        "[]", "{}", "true", "0", "-0", "\"text\"",
    ]

    @Test("usual bodies are read without Foundation, as Foundation reads them", arguments: usualBodies)
    func usualBodiesAreReadAlike(_ body: String) {
        let (ours, foundation) = Self.answers(body)
        #expect(JSONValue.parseWithoutFoundation(Array(body.utf8)) != nil)
        #expect(ours == foundation)
    }

    /// The edges: numbers at every boundary of Foundation's integer rules, escapes, surrogates,
    /// whitespace JSON does not allow, duplicate keys, trailing commas, depth, garbage.
    static let edges: [String] = simpleEdges + deepEdges

    static let simpleEdges: [String] = [
        "1", "-0", "-0.0", "1.0", "1e2", "1E+2", "1e-2", "1.5", "01", "-01", "-", "1.", ".5", "1e", "1e+", "+1", "--1",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "9223372036854775807.0", "9007199254740993.0", "9007199254740992.0", "9007199254740991.0", "9007199254740993.5",
        "1.00000000000000000001", "1e-400", "1e400", "-1e400", "4.9e-324", "0e5", "-0e0", "2.5E+3", "1.25e1", "12345678901234567890.0",
        "100000000000000000000", "NaN", "Infinity", "-Infinity",
        #"{"a":1,"a":2}"#, #"{"é":1,"e\u0301":2}"#, #"{"a":{"b":1},"a":[2]}"#,
        #""\ud800""#, #""\udc00""#, #""\ud83d\ude00""#, #""\ud83d x""#, #""\ud83d\u0041""#, #""\uD83D\uDE00""#, #""\u00e9""#,
        #""\U0041""#, #""\x""#, #""\u12""#, #""\u12G4""#, "\"a\tb\"", "\"a\u{7F}b\"", "\"unterminated",
        "\u{0C}1", "\u{0B}1", "1\r\n", " [1 , 2 ] ", "[1,]", "{\"a\":1,}", "[1,,2]", "[,1]", "{,}", "{\"a\" 1}", "{\"a\":}", "{1:2}",
        "[1,2]x", "[1]]", "{}}", "", "  ", "nul", "nulll", "tru", "falsey", "[true false]", "{'a':1}",
    ]

    static var deepEdges: [String] {
        var edges: [String] = ["1" + String(repeating: "0", count: 400)]
        // Past the reader's 64 levels Foundation answers alone (its own limit, 512, is its business).
        for depth in [63, 64, 65, 66] {
            edges.append(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        }
        edges.append(String(repeating: #"{"a":"#, count: 70) + "1" + String(repeating: "}", count: 70))
        return edges
    }

    @Test("every edge is answered as Foundation answers it", arguments: edges)
    func edgesAreAnsweredAlike(_ body: String) {
        let (ours, foundation) = Self.answers(body)
        #expect(ours == foundation, "\(body.prefix(60))")
    }

    /// Async and yielding: the suites run in parallel on the cooperative pool's two threads, and a
    /// loop that held one for seconds slowed the timing-bound tests beside it (a 3 s readiness
    /// lifetime ran out between two requests).
    @Test("5,000 random bodies, well formed and broken, are answered as Foundation answers them")
    func randomBodiesAreAnsweredAlike() async {
        var generator = SplitMix64(seed: 24)
        var readWithoutFoundation = 0
        for round in 0..<5_000 {
            if round % 100 == 0 { await Task.yield() }
            var text = RandomJSON.value(depth: 0, using: &generator)
            if round % 3 == 0 { text = RandomJSON.mutate(text, using: &generator) }
            let (ours, foundation) = Self.answers(text)
            if JSONValue.parseWithoutFoundation(Array(text.utf8)) != nil { readWithoutFoundation += 1 }
            #expect(ours == foundation, "\(text)")
            if ours != foundation { return }
        }
        // Most of them go the fast way, so the comparison is of the reader, not of Foundation with itself.
        #expect(readWithoutFoundation > 2_500)
    }
}

/// Random JSON texts with the numbers, strings and whitespace the edges above name.
enum RandomJSON {
    static let numbers = [
        "0", "-0", "7", "-12", "1.5", "-0.25", "1e3", "2E-2", "1.0", "9007199254740993.0", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "1e308", "1e309", "3.14159", "100.000", "5e-324", "0.1e1",
    ]
    static let strings = [
        "", "a", "date", "mode", "é", "😀", "\\\"", "\\\\", "\\/", "\\n", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\uDC00", "a b", "\\t",
    ]
    static let whitespace = ["", "", "", " ", "\n", "\t", "\r\n", "  "]

    static func value(depth: Int, using generator: inout SplitMix64) -> String {
        let space = whitespace.randomElement(using: &generator)!
        switch Int.random(in: 0..<(depth > 3 ? 5 : 8), using: &generator) {
        case 0: return space + numbers.randomElement(using: &generator)! + space
        case 1: return space + "\"" + strings.randomElement(using: &generator)! + "\"" + space
        case 2: return ["true", "false", "null"].randomElement(using: &generator)!
        case 3, 4: return numbers.randomElement(using: &generator)!
        case 5:
            let count = Int.random(in: 0...4, using: &generator)
            return "[" + space + (0..<count).map { _ in value(depth: depth + 1, using: &generator) }.joined(separator: ",") + "]"
        default:
            let count = Int.random(in: 0...4, using: &generator)
            let members = (0..<count).map { _ in
                "\"" + strings.randomElement(using: &generator)! + "\"" + space + ":" + value(depth: depth + 1, using: &generator)
            }
            return "{" + members.joined(separator: "," + space) + space + "}"
        }
    }

    /// One byte taken out, doubled or replaced by a JSON-significant one.
    static func mutate(_ text: String, using generator: inout SplitMix64) -> String {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return "," }
        let at = Int.random(in: 0..<bytes.count, using: &generator)
        let significant = Array(#"{}[]",:\-.e0u "#.utf8)
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: bytes.remove(at: at)
        case 1: bytes.insert(bytes[at], at: at)
        default: bytes[at] = significant.randomElement(using: &generator)!
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
