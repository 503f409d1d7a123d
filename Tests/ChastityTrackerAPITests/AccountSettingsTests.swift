import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The settings page: changing the password (checked and throttled like signing in, ending every
/// other session), the time zone (and with it the API's "today"), and deleting the account with
/// everything of it; CSRF on each form; one user never changing another's settings; and the purge
/// of expired sessions and forgotten failure counts (docs/CONTRACT.md section 12).
@Suite("Account pages: settings")
struct AccountSettingsTests {
    static let newPassword = "a brand new passphrase"

    /// A browser signed in as `name` (with ``TestApp/password``) that has loaded the settings page.
    static func onSettings(_ client: any TestClientProtocol, as name: String) async throws -> AccountBrowser {
        let browser = AccountBrowser(client)
        try #require(try await browser.signIn(name).status == .seeOther)
        try #require(try await browser.get("/account/settings").status == .ok)
        return browser
    }

    static func changePassword(_ browser: AccountBrowser, current: String = TestApp.password, new: String = newPassword, confirm: String? = nil)
        async throws -> TestResponse
    {
        try await browser.post("/account/settings/password", [("current", current), ("new", new), ("confirm", confirm ?? new)])
    }

    @Test("the settings page has the three forms, each with the session's CSRF token, and the nav links to it")
    func pageHasThreeForms() async throws {
        try await TestApp.run(timeZone: "Europe/Berlin") { app, client in
            try await app.setPassword()
            let browser = try await Self.onSettings(client, as: app.owner.name)
            let page = try await browser.get("/account/settings")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let token = try #require(browser.csrfToken)
            for action in ["/account/settings/password", "/account/settings/time-zone", "/account/settings/delete"] {
                #expect(
                    page.text.contains(#"<form method="post" action="\#(action)">"# + "\n" + #"<input type="hidden" name="csrf" value="\#(token)">"#))
            }
            #expect(page.text.contains(#"<input id="time-zone" name="timeZone" value="Europe/Berlin""#))
            #expect(page.text.contains("Type your account name, \(app.owner.name), to confirm"))
            #expect(page.text.contains(#"<a href="/account/settings">Settings</a>"#))
            #expect(try await browser.get("/account/").text.contains(#"<a href="/account/settings">Settings</a>"#))
            #expect(!page.text.contains(#"role="status""#))
        }
    }

    @Test("changing the password stores the new one, ends every session of the user and keeps this browser signed in with a new session")
    func changePasswordEndsOtherSessions() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            let other = try await app.makeOtherUser()
            try await app.setPassword(for: other.user.id)
            let otherUser = try await Self.onSettings(client, as: other.user.name)
            let elsewhere = try await Self.onSettings(client, as: app.owner.name)
            let browser = try await Self.onSettings(client, as: app.owner.name)
            let before = try #require(browser.cookies["__Host-ct_session"])
            let oldToken = try #require(browser.csrfToken)

            let response = try await Self.changePassword(browser)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/account/settings?saved=password")
            let after = try #require(browser.cookies["__Host-ct_session"])
            #expect(after != before)
            #expect(
                response.headers[values: .setCookie] == ["__Host-ct_session=\(after); Path=/; Max-Age=43200; HttpOnly; Secure; SameSite=Strict"])
            let page = try await browser.get("/account/settings?saved=password")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<p class="notice" role="status">Your password is changed. Every other browser signed in"#))
            #expect(browser.csrfToken != oldToken)

            // The other browser of the same user is signed out; this browser's old cookie too.
            let ended = try await elsewhere.get("/account/")
            #expect(ended.status == .seeOther)
            #expect(ended.headers[.location] == "/account/sign-in")
            let stale = AccountBrowser(client)
            stale.set("__Host-ct_session", before)
            #expect(try await stale.get("/account/").status == .seeOther)
            // Another user's session is untouched.
            #expect(try await otherUser.get("/account/").status == .ok)

            #expect(try await AccountBrowser(client).signIn(app.owner.name).status == .unauthorized)
            #expect(try await AccountBrowser(client).signIn(app.owner.name, Self.newPassword).status == .seeOther)
            let stored = try #require(try await app.store.passwordHash(userID: app.owner.id))
            #expect(Password.verify(Self.newPassword, against: stored))
            #expect(try await app.store.passwordHash(userID: other.user.id).map { Password.verify(TestApp.password, against: $0) } == true)
        }
    }

    @Test(
        "a refused password change answers 400 with the field's message and changes nothing",
        arguments: [
            ("wrong password!", AccountSettingsTests.newPassword, AccountSettingsTests.newPassword, "the current password is wrong"),
            ("", AccountSettingsTests.newPassword, AccountSettingsTests.newPassword, "the current password is wrong"),
            (TestApp.password, "too short", "too short", "a password is 10 to 256 characters"),
            (TestApp.password, String(repeating: "x", count: 257), String(repeating: "x", count: 257), "a password is 10 to 256 characters"),
            (TestApp.password, "with a\u{7}bell inside", "with a\u{7}bell inside", "a password has no control characters"),
            (TestApp.password, AccountSettingsTests.newPassword, AccountSettingsTests.newPassword + "!", "the two new passwords differ"),
        ])
    func refusedPasswordChange(current: String, new: String, confirm: String, message: String) async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            let browser = try await Self.onSettings(client, as: app.owner.name)
            let session = browser.cookies["__Host-ct_session"]
            let response = try await Self.changePassword(browser, current: current, new: new, confirm: confirm)
            #expect(response.status == .badRequest)
            #expect(response.text.contains(#"<p class="error" role="alert">\#(message)</p>"#))
            #expect(response.headers[values: .setCookie].isEmpty)
            // No password is ever put back into the page.
            #expect(!response.text.contains(TestApp.password))
            #expect(!response.text.contains(new))
            #expect(browser.cookies["__Host-ct_session"] == session)
            #expect(try await browser.get("/account/settings").status == .ok)
            let stored = try #require(try await app.store.passwordHash(userID: app.owner.id))
            #expect(Password.verify(TestApp.password, against: stored))
            // Only a wrong current password counts as a failed sign-in, on this browser's device counter.
            let failures = try await app.store.signInFailures(account: try #require(browser.deviceCounter(for: app.owner.name)))
            #expect(failures?.count == (message == "the current password is wrong" ? 1 : nil))
            #expect(try await app.store.signInFailures(account: app.owner.name) == nil)
        }
    }

    @Test("wrong current passwords count as failed sign-ins: after three the change waits (429) and so does signing in")
    func wrongCurrentPasswordIsThrottled() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            let browser = try await Self.onSettings(client, as: app.owner.name)
            for _ in 0..<3 { #expect(try await Self.changePassword(browser, current: "wrong password!").status == .badRequest) }
            let device = try #require(browser.deviceCounter(for: app.owner.name))
            #expect(try await app.store.signInFailures(account: device)?.count == 3)
            #expect(try await app.store.signInFailures(account: app.owner.name) == nil)
            let throttled = try await Self.changePassword(browser)
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers[.retryAfter] == "1")
            #expect(throttled.text.contains("Try again in 1 second."))
            // The count is this browser's (its device cookie's): its sign-in form waits too, while
            // the account's own count, which strangers share, is untouched.
            let sameDevice = AccountBrowser(client)
            sameDevice.set("__Host-ct_device", try #require(browser.cookies["__Host-ct_device"]))
            #expect(try await sameDevice.signIn(app.owner.name).status == .tooManyRequests)
            #expect(try await AccountBrowser(client).signIn(app.owner.name).status == .seeOther)
            #expect(Password.verify(TestApp.password, against: try #require(try await app.store.passwordHash(userID: app.owner.id))))
            app.clock.advance(by: 1)
            #expect(try await Self.changePassword(browser).status == .seeOther)
            // A success clears the count.
            #expect(try await app.store.signInFailures(account: device) == nil)
        }
    }

    @Test("changing the time zone stores it and the API's today follows it from the next request")
    func changeTimeZoneMovesToday() async throws {
        // 2026-03-10 12:00 UTC: still the 10th in UTC, already the 11th at UTC+14.
        try await TestApp.run(timeZone: "UTC") { app, client in
            try await app.setPassword()
            let tomorrow = #"{"date":"2026-03-11","mode":"full"}"#
            try expectValidationError(try await client.post(tomorrow, token: app.writeToken), field: "date")
            let browser = try await Self.onSettings(client, as: app.owner.name)
            let response = try await browser.post("/account/settings/time-zone", [("timeZone", "Pacific/Kiritimati")])
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/account/settings?saved=time-zone")
            #expect(response.headers[values: .setCookie].isEmpty)
            let page = try await browser.get("/account/settings?saved=time-zone")
            #expect(page.text.contains(#"<p class="notice" role="status">Your time zone is now Pacific/Kiritimati."#))
            #expect(page.text.contains(#"name="timeZone" value="Pacific/Kiritimati""#))
            #expect(try await app.store.user(named: app.owner.name)?.timeZone == "Pacific/Kiritimati")
            #expect(try await client.post(tomorrow, token: app.writeToken).status == .created)
            // And back: at UTC the 11th is the future again.
            try await browser.post("/account/settings/time-zone", [("timeZone", "UTC")])
            try expectValidationError(try await client.post(tomorrow, token: app.writeToken), field: "date")
        }
    }

    @Test(
        "a time zone that is not an IANA name is refused with 400, the CLI's message and the typed value kept",
        arguments: ["Mars/Olympus_Mons", "GMT+2", "", "europe/berlin"])
    func refusedTimeZone(timeZone: String) async throws {
        try await TestApp.run(timeZone: "Asia/Tokyo") { app, client in
            try await app.setPassword()
            let browser = try await Self.onSettings(client, as: app.owner.name)
            let response = try await browser.post("/account/settings/time-zone", [("timeZone", timeZone)])
            #expect(response.status == .badRequest)
            let message = try #require(
                {
                    do throws(ValidationError) {
                        _ = try TimeZones.zone(named: timeZone)
                        return nil
                    } catch { return error.message }
                }() as String?)
            let escaped = message.replacingOccurrences(of: "'", with: "&#39;")
            #expect(response.text.contains(#"<p class="error" role="alert">\#(escaped)</p>"#), "\(response.text)")
            #expect(response.text.contains(#"name="timeZone" value="\#(timeZone)""#))
            #expect(try await app.store.user(named: app.owner.name)?.timeZone == "Asia/Tokyo")
        }
    }

    @Test("deleting the account needs the exact name and the current password; then the user, records, tokens, sessions and failure count are gone")
    func deleteAccount() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            try await app.seed(date: "2026-03-01")
            let other = try await app.makeOtherUser()
            try await app.seed(date: "2026-03-02", userID: other.user.id)
            let elsewhere = try await Self.onSettings(client, as: app.owner.name)
            let browser = try await Self.onSettings(client, as: app.owner.name)
            // One failed sign-in on the name: counted, not yet throttling.
            #expect(try await AccountBrowser(client).signIn(app.owner.name, "wrong password!").status == .unauthorized)

            for typed in ["", app.owner.name.uppercased(), " \(app.owner.name)", other.user.name] {
                let refused = try await browser.post("/account/settings/delete", [("confirm", typed)])
                #expect(refused.status == .badRequest)
                #expect(refused.text.contains(#"<p class="error" role="alert">type your account name exactly as shown to delete the account</p>"#))
            }
            // The right name without the current password, or with a wrong one, deletes nothing.
            // (Two wrong ones at the most: a third failure would make the right one wait a second.)
            for password in ["wrong password!"] {
                let refused = try await browser.post("/account/settings/delete", [("confirm", app.owner.name), ("password", password)])
                #expect(refused.status == .badRequest)
                #expect(refused.text.contains(#"<p class="error" role="alert">the password is wrong</p>"#))
            }
            let missing = try await browser.post("/account/settings/delete", [("confirm", app.owner.name)])
            #expect(missing.status == .badRequest)
            #expect(try await app.store.user(named: app.owner.name) == app.owner)
            #expect(try await app.storedItems().count == 1)
            #expect(try await app.store.tokens(userID: app.owner.id).count == 2)
            #expect(try await app.store.user(named: other.user.name) == other.user)

            let deleted = try await browser.post("/account/settings/delete", [("confirm", app.owner.name), ("password", TestApp.password)])
            #expect(deleted.status == .ok)
            #expect(deleted.text.contains("<h1>Account deleted</h1>"))
            #expect(deleted.headers[values: .setCookie] == ["__Host-ct_session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"])
            #expect(browser.cookies["__Host-ct_session"] == nil)
            #expect(!deleted.text.contains(#"action="/account/sign-out""#))

            #expect(try await app.store.user(named: app.owner.name) == nil)
            #expect(try await app.store.tokens(userID: app.owner.id).isEmpty)
            #expect(try await app.storedItems().isEmpty)
            #expect(try await app.store.signInFailures(account: app.owner.name) == nil)
            #expect(try await elsewhere.get("/account/").status == .seeOther)
            // The deleted user's tokens get 401 on the API's next request.
            for token in [app.readToken, app.writeToken] {
                try expectError(try await client.get(orgasmsPath, token: token), .unauthorized, "unauthorized")
            }
            // The other user keeps everything.
            #expect(try await app.storedItems(userID: other.user.id).count == 1)
            #expect(try await client.get(orgasmsPath, token: other.writeToken).status == .ok)
        }
    }

    @Test("each settings form is refused with 403 without the session's CSRF token or with another session's, and changes nothing")
    func settingsFormsNeedCSRF() async throws {
        try await TestApp.run(timeZone: "Asia/Tokyo") { app, client in
            try await app.setPassword()
            let other = try await app.makeOtherUser()
            try await app.setPassword(for: other.user.id)
            let otherToken = try #require(try await Self.onSettings(client, as: other.user.name).csrfToken)
            let browser = try await Self.onSettings(client, as: app.owner.name)
            let forms: [(String, [(String, String)])] = [
                ("/account/settings/password", [("current", TestApp.password), ("new", Self.newPassword), ("confirm", Self.newPassword)]),
                ("/account/settings/time-zone", [("timeZone", "Europe/Berlin")]),
                ("/account/settings/delete", [("confirm", app.owner.name), ("password", TestApp.password)]),
            ]
            for (path, fields) in forms {
                for csrf: String?? in [.none, .some(otherToken), .some("")] {
                    let response = try await browser.post(path, fields, csrf: csrf)
                    #expect(response.status == .forbidden, "\(path)")
                    #expect(response.text.contains("<h1>Form expired</h1>"))
                }
                // The right token from a foreign origin is refused too.
                #expect(try await browser.post(path, fields, origin: "https://evil.example").status == .forbidden)
            }
            #expect(try await app.store.user(named: app.owner.name) == app.owner)
            #expect(Password.verify(TestApp.password, against: try #require(try await app.store.passwordHash(userID: app.owner.id))))
            #expect(try await app.store.signInFailures(account: app.owner.name) == nil)
            #expect(try await browser.get("/account/settings").status == .ok)
        }
    }

    @Test("the forms change only the signed-in user: another user's name, password or session changes nothing of the owner's")
    func settingsChangeOnlyTheSessionUser() async throws {
        try await TestApp.run(timeZone: "Asia/Tokyo") { app, client in
            try await app.setPassword()
            let other = try await app.makeOtherUser()
            try await app.setPassword("the other user's password", for: other.user.id)
            let owner = try await Self.onSettings(client, as: app.owner.name)
            let intruder = AccountBrowser(client)
            try #require(try await intruder.signIn(other.user.name, "the other user's password").status == .seeOther)
            try await intruder.get("/account/settings")

            // The owner's password is not the intruder's current password.
            #expect(try await Self.changePassword(intruder).status == .badRequest)
            #expect(try await app.store.signInFailures(account: try #require(intruder.deviceCounter(for: other.user.name)))?.count == 1)
            #expect(try await app.store.signInFailures(account: other.user.name) == nil)
            #expect(try await app.store.signInFailures(account: app.owner.name) == nil)
            // The owner's name does not confirm the intruder's deletion, let alone the owner's.
            #expect(try await intruder.post("/account/settings/delete", [("confirm", app.owner.name)]).status == .badRequest)
            // A time zone change lands on the intruder's own account.
            #expect(try await intruder.post("/account/settings/time-zone", [("timeZone", "Europe/Berlin")]).status == .seeOther)
            #expect(try await app.store.user(named: other.user.name)?.timeZone == "Europe/Berlin")
            // The intruder's own password change ends the intruder's sessions only.
            #expect(
                try await Self.changePassword(intruder, current: "the other user's password", new: "yet another passphrase").status == .seeOther)
            #expect(try await intruder.post("/account/settings/delete", [("confirm", other.user.name)], csrf: nil).status == .forbidden)
            try await intruder.get("/account/settings")
            #expect(
                try await intruder.post("/account/settings/delete", [("confirm", other.user.name), ("password", "yet another passphrase")]).status
                    == .ok)

            #expect(try await app.store.user(named: app.owner.name) == app.owner)
            #expect(Password.verify(TestApp.password, against: try #require(try await app.store.passwordHash(userID: app.owner.id))))
            #expect(try await app.store.tokens(userID: app.owner.id).count == 2)
            #expect(try await owner.get("/account/settings").status == .ok)
            #expect(try await app.store.user(named: other.user.name) == nil)
        }
    }

    @Test("the purge deletes sessions past their idle or absolute expiry and failure counts past the quiet period, and keeps live ones")
    func purgeDeletesExpiredSessionsAndCounts() async throws {
        // A purge is global, so this test gets a database of its own (SQLite) rather than the
        // PostgreSQL database the API suite shares; the storage suite proves the purges on both
        // backends.
        try await TestApp.run(backend: .sqlite) { app, client in
            try await app.setPassword()
            let purge = AccountPurgeService(store: app.store, clock: app.clock, logger: Logger(label: "test"), settings: .forTests)
            let old = AccountBrowser(client)
            try await old.signIn(app.owner.name)
            let oldHash = TokenSecret.hash(of: try #require(old.cookies["__Host-ct_session"]))
            _ = try await app.store.recordSignInFailure(account: "someone", at: Timestamp(app.clock.now()), resetBefore: Timestamp(app.clock.now()))
            app.clock.advance(by: 20 * 60)
            let busy = AccountBrowser(client)
            try await busy.signIn(app.owner.name)
            let busyHash = TokenSecret.hash(of: try #require(busy.cookies["__Host-ct_session"]))
            _ = try await app.store.recordSignInFailure(account: "recent", at: Timestamp(app.clock.now()), resetBefore: Timestamp(app.clock.now()))
            // 30 minutes after the first sign-in: that session is idle exactly at its timeout.
            app.clock.advance(by: 10 * 60)
            // The account throttle's quiet period is 15 minutes: a count whose last failure is
            // exactly that old at the purge still counts, one a millisecond older does not.
            let quietEdge = Timestamp(app.clock.now()).millisecondsSinceEpoch - 15 * 60 * 1000
            for (account, instant) in [("quiet-edge", quietEdge), ("past-quiet-edge", quietEdge - 1)] {
                let at = Timestamp(millisecondsSinceEpoch: instant)
                _ = try await app.store.recordSignInFailure(account: account, at: at, resetBefore: at)
            }
            await purge.purgeOnce()
            let epoch = Timestamp(millisecondsSinceEpoch: 0)
            #expect(try await app.store.session(hash: oldHash, lastSeenSince: epoch, createdSince: epoch) == nil)
            #expect(try await app.store.session(hash: busyHash, lastSeenSince: epoch, createdSince: epoch) != nil)
            // Failure counts 30 quiet minutes old are forgotten; 10 minutes old are kept; the quiet
            // period's edge is exact.
            #expect(try await app.store.signInFailures(account: "someone") == nil)
            #expect(try await app.store.signInFailures(account: "recent")?.count == 1)
            #expect(try await app.store.signInFailures(account: "quiet-edge")?.count == 1)
            #expect(try await app.store.signInFailures(account: "past-quiet-edge") == nil)
            // Kept busy until 12 hours after its sign-in, it goes at its absolute expiry.
            #expect(try await busy.get("/account/").status == .ok)
            for _ in 0..<35 {
                app.clock.advance(by: 20 * 60)
                #expect(try await busy.get("/account/").status == .ok)
            }
            await purge.purgeOnce()
            #expect(try await app.store.session(hash: busyHash, lastSeenSince: epoch, createdSince: epoch) != nil)
            app.clock.advance(by: 20 * 60)
            await purge.purgeOnce()
            #expect(try await app.store.session(hash: busyHash, lastSeenSince: epoch, createdSince: epoch) == nil)
            #expect(try await app.store.signInFailures(account: "recent") == nil)
        }
    }
}
