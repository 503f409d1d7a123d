import ChastityTrackerDomain
import ChastityTrackerServer
import Logging
import Testing

/// The text log's lines: whatever a value holds, one event is one line.
@Suite struct LineLogHandlerTests {
    @Test(
        "control characters, line and paragraph separators and the backslash are escaped; everything else is kept",
        arguments: [
            ("plain name", "plain name"), ("line\nbreak", #"line\nbreak"#), ("carriage\rreturn\ttab", #"carriage\rreturn\ttab"#),
            ("escape\u{1B}[31m", #"escape\u{1B}[31m"#), ("nul\u{0}", #"nul\u{0}"#), ("del\u{7F}c1\u{85}", #"del\u{7F}c1\u{85}"#),
            ("separators\u{2028}\u{2029}", #"separators\u{2028}\u{2029}"#), (#"back\slash"#, #"back\\slash"#),
            ("ünïcödé \"\u{301} ok", "ünïcödé \"\u{301} ok"),
        ])
    func escapes(text: String, expected: String) {
        #expect(LineLogHandler.escaped(text) == expected)
    }

    @Test("a forged line in a metadata value or the message stays inside one line")
    func oneEventOneLine() {
        let handler = LineLogHandler(label: "test", format: .text)
        let line = handler.line(
            for: LogEvent(
                level: .notice, message: "sign-in failed\n2026-01-01T00:00:00+0000 info forged", metadata: ["name": "a\nb"], source: "s",
                file: #fileID, function: #function, line: #line))
        #expect(line.filter { $0 == "\n" }.count == 1)
        #expect(line.hasSuffix(#"[s] sign-in failed\n2026-01-01T00:00:00+0000 info forged"# + "\n"))
        #expect(line.contains(#" name=a\nb "#))
    }

    @Test("Hummingbird's own request id is not kept, so a line carries only the server's request_id; other keys are")
    func frameworkRequestIDIsDropped() {
        var logger = Logger(label: "test") { label in LineLogHandler(label: label, format: .text) }
        logger[metadataKey: "hb.request.id"] = "framework-id"
        logger[metadataKey: "request_id"] = "abc123"
        #expect(logger[metadataKey: "hb.request.id"] == nil)
        #expect(logger[metadataKey: "request_id"] == "abc123")
        let handler = logger.handler as? LineLogHandler
        let line = handler?.line(
            for: LogEvent(level: .info, message: "request", metadata: nil, source: "s", file: #fileID, function: #function, line: #line))
        #expect(line?.contains(" request_id=abc123 ") == true)
        #expect(line?.contains("framework-id") == false)
    }

    @Test("the handler fits inline in a Logger's existential (three words), so setting a request's metadata boxes no copy")
    func handlerFitsInline() {
        #expect(MemoryLayout<LineLogHandler>.size <= 3 * MemoryLayout<UInt>.size)
    }
}
