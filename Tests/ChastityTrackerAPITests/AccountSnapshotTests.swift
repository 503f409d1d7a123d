import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import SnapshotTesting
import Testing

/// Each state of the account pages as a text snapshot of the whole response (status, headers,
/// body), committed in `__Snapshots__/AccountSnapshotTests/`, so that a change to a page shows
/// up as a readable diff (STYLE.md, "Web pages"). Random values (session ids, CSRF tokens, token
/// secrets, ids, the test users' name suffixes) are replaced by placeholders, so the snapshots
/// are the same on every run and on both backends.
@Suite("Account pages: snapshots")
struct AccountSnapshotTests {
    @Test("the sign-in form")
    func signInForm() async throws {
        try await TestApp.run { _, client in
            let browser = AccountBrowser(client)
            Self.expectSnapshot(try await browser.get("/account/sign-in"))
        }
    }

    @Test("a failed sign-in")
    func failedSignIn() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            Self.expectSnapshot(try await AccountBrowser(client).signIn(app.owner.name, "wrong password!"))
        }
    }

    @Test("a throttled sign-in")
    func throttledSignIn() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            for _ in 0..<3 { try await AccountBrowser(client).signIn(app.owner.name, "wrong password!") }
            Self.expectSnapshot(try await AccountBrowser(client).signIn(app.owner.name))
        }
    }

    @Test("a successful sign-in, then the overview")
    func signInAndOverview() async throws {
        try await TestApp.run(timeZone: "Europe/Berlin") { app, client in
            try await app.setPassword()
            let browser = AccountBrowser(client)
            Self.expectSnapshot(try await browser.signIn(app.owner.name), named: "sign-in")
            Self.expectSnapshot(try await browser.get("/account/"), named: "overview")
        }
    }

    @Test("the tokens page, a created token, a revoked one, and another user's id")
    func tokens() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            try await app.store.touchToken(id: app.readTokenID, at: Timestamp(millisecondsSinceEpoch: 1_773_150_000_000))
            let browser = AccountBrowser(client)
            try await browser.signIn(app.owner.name)
            Self.expectSnapshot(try await browser.get("/account/tokens"), named: "list")
            Self.expectSnapshot(try await browser.post("/account/tokens", [("label", "<b>watch</b>"), ("permission", "read")]), named: "created")
            Self.expectSnapshot(try await browser.post("/account/tokens", [("label", "phone"), ("permission", "admin")]), named: "invalid")
            Self.expectSnapshot(try await browser.post("/account/tokens/revoke", [("id", "\(app.writeTokenID)")]), named: "revoked")
            Self.expectSnapshot(try await browser.get("/account/tokens"), named: "after-revoke")
            Self.expectSnapshot(try await browser.post("/account/tokens/revoke", [("id", "\(app.writeTokenID + 10_000)")]), named: "missing")
            Self.expectSnapshot(
                try await browser.post("/account/tokens", [("label", "x"), ("permission", "read")], csrf: .none), named: "csrf-refused")
        }
    }

    @Test("the overview with records, and the records page filtered, empty and refused")
    func overviewAndRecords() async throws {
        // The default clock (2026-03-10 12:00 UTC) is 2026-03-11 in Kiritimati (UTC+14).
        try await TestApp.run(timeZone: "Pacific/Kiritimati") { app, client in
            try await app.setPassword()
            for (date, mode, isPublic, type, grantedBy) in [
                ("2025-03-31", Mode.full, false, nil, nil),  // before the twelve months
                ("2025-04-02", .full, true, "Stroke", "Mistress"), ("2025-04-20", .ruined, false, nil, "<K & co>"),
                ("2025-09-09", .milking, false, "device", nil), ("2025-12-24", .dom, false, nil, nil),
                ("2026-01-01", .ted, true, nil, "K"), ("2026-01-01", .full, false, "hand", nil), ("2026-03-11", .ruined, true, nil, nil),
            ] as [(String, Mode, Bool, String?, String?)] {
                try await app.seed(date: date, mode: mode, isPublic: isPublic, type: type, grantedBy: grantedBy)
            }
            let other = try await app.makeOtherUser()
            try await app.seed(date: "2026-03-01", mode: .ted, type: "not yours", userID: other.user.id)
            let browser = AccountBrowser(client)
            try await browser.signIn(app.owner.name)
            Self.expectSnapshot(try await browser.get("/account/"), named: "overview")
            Self.expectSnapshot(try await browser.get("/account/records?from=2025-04-01&mode=full&public="), named: "records-filtered")
            Self.expectSnapshot(try await browser.get("/account/records?mode=milking&public=1"), named: "records-empty")
            Self.expectSnapshot(try await browser.get("/account/records?from=2026-02-30"), named: "records-refused")
        }
    }

    @Test("the overview and the records page without any record")
    func noRecords() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            let browser = AccountBrowser(client)
            try await browser.signIn(app.owner.name)
            Self.expectSnapshot(try await browser.get("/account/"), named: "overview")
            Self.expectSnapshot(try await browser.get("/account/records"), named: "records")
        }
    }

    @Test("the settings page, each refused field, each confirmation, and the deleted account")
    func settings() async throws {
        try await TestApp.run(timeZone: "Europe/Berlin") { app, client in
            try await app.setPassword()
            let browser = AccountBrowser(client)
            try await browser.signIn(app.owner.name)
            Self.expectSnapshot(try await browser.get("/account/settings"), named: "plain")
            let password = "/account/settings/password"
            let new = "a brand new passphrase"
            Self.expectSnapshot(
                try await browser.post(password, [("current", "wrong password!"), ("new", new), ("confirm", new)]), named: "wrong-current")
            Self.expectSnapshot(
                try await browser.post(password, [("current", TestApp.password), ("new", "short"), ("confirm", "short")]), named: "invalid-new")
            Self.expectSnapshot(
                try await browser.post(password, [("current", TestApp.password), ("new", new), ("confirm", "something else")]),
                named: "confirm-differs")
            Self.expectSnapshot(try await browser.post(password, [("current", TestApp.password), ("new", new), ("confirm", new)]), named: "changed")
            Self.expectSnapshot(try await browser.get("/account/settings?saved=password"), named: "saved-password")
            Self.expectSnapshot(try await browser.post("/account/settings/time-zone", [("timeZone", "Mars/<Olympus>")]), named: "invalid-time-zone")
            Self.expectSnapshot(try await browser.post("/account/settings/time-zone", [("timeZone", "Asia/Tokyo")]), named: "time-zone-changed")
            Self.expectSnapshot(try await browser.get("/account/settings?saved=time-zone"), named: "saved-time-zone")
            Self.expectSnapshot(try await browser.post("/account/settings/delete", [("confirm", "someone else")]), named: "delete-unconfirmed")
            Self.expectSnapshot(
                try await browser.post("/account/settings/delete", [("confirm", app.owner.name), ("password", TestApp.password)]), named: "deleted")
        }
    }

    static func expectSnapshot(
        _ response: TestResponse, named name: String? = nil,
        fileID: StaticString = #fileID, file: StaticString = #filePath, testName: String = #function,
        line: UInt = #line, column: UInt = #column
    ) {
        assertSnapshot(
            of: transcript(response), as: .lines, named: name,
            fileID: fileID, file: file, testName: testName, line: line, column: column
        )
    }

    /// The response as text: status line, headers in order, a blank line, the body; random
    /// values replaced by placeholders.
    static func transcript(_ response: TestResponse) -> String {
        var text = "\(response.status.code) \(response.status.reasonPhrase)\n"
        for field in response.headers where field.name != .contentLength {
            text += "\(field.name.rawName): \(field.value)\n"
        }
        text += "\n" + response.text
        let replacements: [(String, String)] = [
            (#"ct_device=[A-Za-z0-9_.-]+"#, "ct_device=<DEVICE>"),
            (#"ct_[A-Za-z0-9_-]{43}"#, "ct_<SECRET>"),
            (#"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"#, "<RANDOM>"),
            (#"(owner|other)-[0-9a-f]{8}"#, "$1-<ID>"),
            (#"name="id" value="[0-9]+""#, #"name="id" value="<ID>""#),
            (#"X-Request-ID: [0-9a-f]+"#, "X-Request-ID: <ID>"),
        ]
        for (pattern, template) in replacements {
            text = text.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
        }
        return text
    }
}
