import ChastityTrackerDomain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import ChastityTrackerServer

/// Every value an account page shows back (typed into a form, or stored), escaped byte by byte
/// (docs/CONTRACT.md section 12): `"`, `<`, `>`, `'` and `&` followed by a combining mark are each
/// one `Character` that is none of the five, which escaping by `Character` wrote out raw; they
/// come out as entities, and the CSV download doubles the quote.
@Suite("Account pages: escaping")
struct AccountEscapingTests {
    /// Each of the five followed by U+0301 COMBINING ACUTE ACCENT.
    static let hostile = "x\"\u{301}<\u{301}>\u{301}'\u{301}&\u{301}y"
    /// `hostile` as a page must write it.
    static let escaped = "x&quot;\u{301}&lt;\u{301}&gt;\u{301}&#39;\u{301}&amp;\u{301}y"
    /// What no page may hold: one of the five, raw, then the mark.
    static let raw = ["\"", "<", ">", "'", "&"].map { $0 + "\u{301}" }

    /// Expects each of `expected` in the body and none of ``raw``, comparing UTF-8 bytes: a
    /// `String` comparison goes by `Character`, the very thing that hid the bug.
    static func expectEscaped(_ response: TestResponse, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let body = Array(response.body.readableBytesView)
        for text in expected {
            let found = body.contains(Array(text.utf8))
            #expect(found, "missing: \(text.debugDescription)", sourceLocation: sourceLocation)
        }
        for text in raw {
            let found = body.contains(Array(text.utf8))
            #expect(!found, "written raw: \(text.debugDescription)", sourceLocation: sourceLocation)
        }
    }

    /// `text` percent-encoded for a query: every byte but ASCII letters and digits.
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
            ?? text
    }

    /// A browser signed in as `user` (the owner by default, through the form, with a password set
    /// here; another user by a session stored directly, since a name written past the rules
    /// cannot be typed into the form, which refuses it), that has loaded the overview (and holds
    /// its forms' CSRF token).
    static func signedIn(_ app: TestApp, _ client: any TestClientProtocol, as user: User? = nil) async throws -> AccountBrowser {
        let browser = AccountBrowser(client)
        if let user {
            let secret = SessionSecret.generate()
            try await app.store.createSession(hash: secret.hash, userID: user.id, at: Timestamp(app.clock.now()))
            browser.set("__Host-ct_session", secret.plaintext)
        } else {
            try await app.setPassword()
            try #require(try await browser.signIn(app.owner.name).status == .seeOther)
        }
        try #require(try await browser.get("/account/").status == .ok)
        return browser
    }

    @Test(
        "the escaper writes the five as entities whatever follows them, byte for byte, and keeps every other byte",
        arguments: [
            ("", ""),
            ("plain text", "plain text"),
            (#"<a href="x">Tom & Jerry's</a>"#, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"),
            ("\"\u{301}", "&quot;\u{301}"),
            ("<\u{301}", "&lt;\u{301}"),
            (">\u{301}", "&gt;\u{301}"),
            ("'\u{301}", "&#39;\u{301}"),
            ("&\u{301}", "&amp;\u{301}"),
            ("\"\u{20DD}\u{200D}", "&quot;\u{20DD}\u{200D}"),
            ("\u{301}\"\u{301}\u{302}", "\u{301}&quot;\u{301}\u{302}"),
            ("e\u{301} \u{E9} 👩‍👩‍👧", "e\u{301} \u{E9} 👩‍👩‍👧"),
            ("\r\n<\r\n", "\r\n&lt;\r\n"),
        ])
    func escaperTable(text: String, expected: String) {
        #expect(Array(ByteWiseHTMLContentType.escape(text).utf8) == Array(expected.utf8))
        #expect(Array(ByteWiseHTMLContentType().escapeText(text).utf8) == Array(expected.utf8))
    }

    @Test("every template chooses the byte-wise escaper in its first line")
    func everyTemplateHasThePragma() {
        for (name, bytes) in AccountTemplates.all {
            #expect(bytes.starts(with: "{{% CONTENT_TYPE: HTML_BYTES }}\n".utf8), "\(name)")
        }
    }

    @Test("every template file in Resources/Account is registered under its name, and the stylesheet is the one other file")
    func everyTemplateFileIsRegistered() throws {
        // SwiftPM embeds every file of the folder; a template file missing from the list would be
        // compiled in but never used.
        let folder = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/ChastityTrackerServer/Resources/Account")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
        let templates = files.filter { $0.hasSuffix(".mustache") }.map { String($0.dropLast(".mustache".count)) }
        #expect(Set(templates) == Set(AccountTemplates.all.keys))
        #expect(Set(files).subtracting(templates.map { $0 + ".mustache" }) == ["style.css"])
        for name in templates {
            let file = try Data(contentsOf: folder.appendingPathComponent(name + ".mustache"))
            #expect(AccountTemplates.all[name] == Array(file), "\(name) is not the file's bytes")
        }
    }

    @Test("a failed sign-in writes the name back into its field escaped")
    func signInName() async throws {
        try await TestApp.run { _, client in
            let response = try await AccountBrowser(client).signIn(Self.hostile, "wrong password!")
            #expect(response.status == .unauthorized)
            Self.expectEscaped(response, [#"<input id="name" name="name" value="\#(Self.escaped)" autocomplete="username""#])
        }
    }

    @Test("a refused time zone is written back into its field and into the message escaped")
    func refusedTimeZone() async throws {
        try await TestApp.run { app, client in
            let browser = try await Self.signedIn(app, client)
            let response = try await browser.post("/account/settings/time-zone", [("timeZone", Self.hostile)])
            #expect(response.status == .badRequest)
            Self.expectEscaped(
                response,
                [
                    #"<input id="time-zone" name="timeZone" value="\#(Self.escaped)" autocapitalize="none""#,
                    #"<p class="error" role="alert">&#39;\#(Self.escaped)&#39; is not an IANA time zone"#,
                ])
        }
    }

    @Test("the records page writes the dates as typed back into the filter form escaped")
    func recordFilters() async throws {
        try await TestApp.run { app, client in
            let browser = try await Self.signedIn(app, client)
            let response = try await browser.get("/account/records?from=\(Self.query(Self.hostile))&to=\(Self.query(Self.hostile))")
            #expect(response.status == .badRequest)
            Self.expectEscaped(
                response,
                [
                    #"<input id="from" name="from" type="date" value="\#(Self.escaped)">"#,
                    #"<input id="to" name="to" type="date" value="\#(Self.escaped)">"#,
                    #"<p class="error" role="alert">from must be a real calendar date"#,
                ])
        }
    }

    @Test("the records page quotes a bracketed parameter name in its message escaped")
    func recordParameterName() async throws {
        try await TestApp.run { app, client in
            let browser = try await Self.signedIn(app, client)
            let response = try await browser.get("/account/records?from\(Self.query("[" + Self.hostile + "]"))=1")
            #expect(response.status == .badRequest)
            Self.expectEscaped(
                response, [#"<p class="error" role="alert">from takes one plain value: &#39;from[\#(Self.escaped)]&#39; (array syntax)"#])
        }
    }

    @Test("a record's type and granted-by are escaped on the records page and the overview, and quoted in the CSV download")
    func recordContent() async throws {
        try await TestApp.run { app, client in
            try await app.seed(date: "2026-03-01", type: Self.hostile, grantedBy: Self.hostile)
            let browser = try await Self.signedIn(app, client)
            let cells = #"<td data-label="Type">\#(Self.escaped)</td><td data-label="Granted by">\#(Self.escaped)</td>"#
            for path in ["/account/records", "/account/"] {
                let response = try await browser.get(path)
                #expect(response.status == .ok)
                Self.expectEscaped(response, [cells])
            }
            let csv = try await browser.get("/account/records/export.csv")
            #expect(csv.status == .ok)
            let quoted = "\"x\"\"\u{301}<\u{301}>\u{301}'\u{301}&\u{301}y\""
            let line = Array(csv.body.readableBytesView).contains(Array(",full,0,\(quoted),\(quoted),".utf8))
            #expect(line, "\(csv.text.debugDescription)")
        }
    }

    @Test("a token's label is escaped in the list after creating it, in a refused form, and in the regenerated secret's heading")
    func tokenLabel() async throws {
        try await TestApp.run { app, client in
            let browser = try await Self.signedIn(app, client)
            let refused = try await browser.post("/account/tokens", [("label", Self.hostile)])
            #expect(refused.status == .badRequest)
            Self.expectEscaped(refused, [#"<input id="label" name="label" value="\#(Self.escaped)" maxlength="100">"#])

            let created = try await browser.post("/account/tokens", [("label", Self.hostile), ("permission", "read")])
            #expect(created.status == .created)
            Self.expectEscaped(created, [#"<td data-label="Label">\#(Self.escaped)</td>"#])
            Self.expectEscaped(try await browser.get("/account/tokens"), [#"<td data-label="Label">\#(Self.escaped)</td>"#])

            let token = try #require(try await app.store.tokens(userID: app.owner.id).first { $0.label.utf8.elementsEqual(Self.hostile.utf8) })
            let regenerated = try await browser.post("/account/tokens/regenerate", [("id", "\(token.id)")])
            #expect(regenerated.status == .ok)
            Self.expectEscaped(regenerated, ["<h2>New secret for \(Self.escaped)</h2>"])
        }
    }

    @Test("a stored name and time zone (written past the command line's rules) are escaped on the overview and the settings page")
    func storedNameAndTimeZone() async throws {
        try await TestApp.run { app, client in
            let user = try await app.store.createUser(name: Self.hostile, timeZone: Self.hostile, at: Timestamp(app.clock.now()))
            let browser = try await Self.signedIn(app, client, as: user)
            let overview = try await browser.get("/account/")
            #expect(overview.status == .ok)
            Self.expectEscaped(overview, ["<h1>\(Self.escaped)</h1>", "<dd>\(Self.escaped)</dd>"])
            let settings = try await browser.get("/account/settings?saved=time-zone")
            #expect(settings.status == .ok)
            Self.expectEscaped(
                settings,
                [
                    #"<input id="time-zone" name="timeZone" value="\#(Self.escaped)" autocapitalize="none""#,
                    "Type your account name, \(Self.escaped), to confirm",
                    "Your time zone is now \(Self.escaped). It decides",
                ])
        }
    }
}
