import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerServices
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Signing in and out of the account pages, sessions and their expiry, CSRF and the security
/// headers (docs/CONTRACT.md section 12), on the selected backend.
@Suite("Account pages: signing in")
struct AccountSignInTests {
    static let cookieAttributes = "Path=/; Max-Age=%d; HttpOnly; Secure; SameSite=Strict"

    @Test("the sign-in page is a form with name, password and a CSRF token equal to its pre-session cookie")
    func signInPageIsAForm() async throws {
        try await TestApp.run { _, client in
            let browser = AccountBrowser(client)
            let page = try await browser.get("/account/sign-in")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains(#"<form method="post" action="/account/sign-in">"#))
            #expect(page.text.contains(#"<input id="name" name="name" value="" autocomplete="username""#))
            #expect(page.text.contains(#"<input id="password" name="password" type="password""#))
            let cookie = try #require(browser.cookies["__Host-ct_signin"])
            #expect(cookie.count == 43)
            #expect(browser.csrfToken == cookie)
            #expect(page.headers[values: .setCookie] == ["__Host-ct_signin=\(cookie); " + String(format: Self.cookieAttributes, 3600)])
            // A second visit keeps the token, so a form open in another tab stays valid.
            try await browser.get("/account/sign-in")
            #expect(browser.cookies["__Host-ct_signin"] == cookie)
        }
    }

    @Test("a right name and password start a session: 303 to /account/, a strict cookie, only its hash stored")
    func signInSucceeds() async throws {
        try await TestApp.run(timeZone: "Europe/Berlin") { app, client in
            try await app.setPassword()
            let browser = AccountBrowser(client)
            let response = try await browser.signIn(app.owner.name)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/account/")
            let session = try #require(browser.cookies["__Host-ct_session"])
            #expect(session.count == 43)
            #expect(
                response.headers[values: .setCookie] == [
                    "__Host-ct_session=\(session); " + String(format: Self.cookieAttributes, 43200),
                    "__Host-ct_signin=; " + String(format: Self.cookieAttributes, 0),
                    "__Host-ct_device=\(try #require(browser.cookies["__Host-ct_device"])); " + String(format: Self.cookieAttributes, 15_552_000),
                ])
            #expect(browser.cookies["__Host-ct_signin"] == nil)
            let stored = try await app.store.session(
                hash: TokenSecret.hash(of: session), lastSeenSince: Timestamp(millisecondsSinceEpoch: 0),
                createdSince: Timestamp(millisecondsSinceEpoch: 0))
            #expect(stored?.user == app.owner)
            #expect(
                try await app.store.session(
                    hash: session, lastSeenSince: Timestamp(millisecondsSinceEpoch: 0), createdSince: Timestamp(millisecondsSinceEpoch: 0)) == nil)

            let overview = try await browser.get("/account/")
            #expect(overview.status == .ok)
            #expect(overview.text.contains("<h1>\(app.owner.name)</h1>"))
            #expect(overview.text.contains("<dd>Europe/Berlin</dd>"))
            #expect(overview.text.contains(#"<a href="/account/tokens">"#))
        }
    }

    @Test("a wrong password, an unknown name and a user without a password all get the same 401 answer")
    func failuresAreIndistinguishable() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            let nopassword = try await app.makeOtherUser()
            var pages: [String] = []
            for (name, password) in [
                (app.owner.name, "wrong password!"), (TestApp.uniqueName("nobody"), TestApp.password), (nopassword.user.name, TestApp.password),
                ("", ""),
            ] {
                let browser = AccountBrowser(client)
                let response = try await browser.signIn(name, password)
                #expect(response.status == .unauthorized)
                #expect(response.text.contains(#"<p class="error" role="alert">wrong name or password</p>"#))
                #expect(browser.cookies["__Host-ct_session"] == nil)
                #expect(!response.text.contains(password) || password.isEmpty)
                // The pages differ only in the name put back into the field and the form's token.
                pages.append(
                    response.text
                        .replacingOccurrences(of: #"value="\#(name)""#, with: #"value="""#)
                        .replacingOccurrences(of: browser.csrfToken ?? "-", with: "TOKEN"))
            }
            #expect(Set(pages).count == 1)
        }
    }

    @Test("every sign-in gets a new session id, and the browser's previous session ends")
    func newIdAtEverySignIn() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            let browser = AccountBrowser(client)
            try await browser.signIn(app.owner.name)
            let first = try #require(browser.cookies["__Host-ct_session"])
            try await browser.signIn(app.owner.name)
            let second = try #require(browser.cookies["__Host-ct_session"])
            #expect(first != second)
            #expect(try await browser.get("/account/").status == .ok)
            browser.set("__Host-ct_session", first)
            let old = try await browser.get("/account/")
            #expect(old.status == .seeOther)
            #expect(old.headers[.location] == "/account/sign-in")
        }
    }

    @Test("pages that need a session send a visitor without one to the sign-in page", arguments: ["/account/", "/account/tokens"])
    func noSessionRedirects(path: String) async throws {
        try await TestApp.run { _, client in
            let browser = AccountBrowser(client)
            let response = try await browser.get(path)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/account/sign-in")
            browser.set("__Host-ct_session", String(repeating: "A", count: 43))
            let forged = try await browser.get(path)
            #expect(forged.status == .seeOther)
            #expect(forged.headers[values: .setCookie] == ["__Host-ct_session=; " + String(format: Self.cookieAttributes, 0)])
        }
    }

    @Test("failed sign-ins of one account are throttled with growing waits, then a 15-minute lock, answered 429")
    func accountThrottle() async throws {
        try await TestApp.run(configuration: Self.behindProxy, testing: .live) { app, client in
            try await app.setPassword()
            // Every attempt from another address: the count is the account's.
            var address = 0
            func attempt(_ password: String) async throws -> TestResponse {
                address += 1
                let browser = AccountBrowser(client)
                try await browser.get("/account/sign-in")
                return try await browser.post(
                    "/account/sign-in", [("name", app.owner.name), ("password", password)], headers: [.xForwardedFor: "10.0.0.\(address)"])
            }
            for _ in 0..<3 { #expect(try await attempt("wrong password!").status == .unauthorized) }
            // After three failures even the right password waits 1 s.
            let throttled = try await attempt(TestApp.password)
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers[.retryAfter] == "1")
            #expect(throttled.text.contains("Try again in 1 second."))
            #expect(!throttled.text.contains("wrong name or password"))
            var waits: [String] = []
            for _ in 3..<10 {
                app.clock.advance(by: 64)
                #expect(try await attempt("wrong password!").status == .unauthorized)
                waits.append(try await attempt("wrong password!").headers[.retryAfter] ?? "none")
            }
            #expect(waits == ["2", "4", "8", "16", "32", "64", "900"])
            app.clock.advance(by: 899)
            #expect(try await attempt(TestApp.password).status == .tooManyRequests)
            app.clock.advance(by: 1)
            #expect(try await attempt(TestApp.password).status == .seeOther)
            // A success clears the count.
            #expect(try await app.store.signInFailures(account: app.owner.name) == nil)
        }
    }

    @Test("failed sign-ins from one client address are throttled across names; another address is not")
    func addressThrottle() async throws {
        try await TestApp.run(configuration: Self.behindProxy, testing: .live) { app, client in
            try await app.setPassword()
            func attempt(_ name: String, from address: String) async throws -> TestResponse {
                let browser = AccountBrowser(client)
                try await browser.get("/account/sign-in")
                return try await browser.post(
                    "/account/sign-in", [("name", name), ("password", "wrong password!")],
                    headers: [
                        // The client's own claim comes first; the proxy's view of it last.
                        .xForwardedFor: "203.0.113.9, \(address)"
                    ])
            }
            let guess = TestApp.uniqueName("guess")
            for index in 0..<10 { #expect(try await attempt("\(guess)-\(index)", from: "198.51.100.7").status == .unauthorized) }
            let throttled = try await attempt("\(guess)-new", from: "198.51.100.7")
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers[.retryAfter] == "1")
            #expect(try await attempt("\(guess)-new", from: "198.51.100.8").status == .unauthorized)
        }
    }

    @Test("a session ends after 30 idle minutes; use keeps it alive")
    func idleExpiry() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            let browser = AccountBrowser(client)
            try await browser.signIn(app.owner.name)
            app.clock.advance(by: 29 * 60)
            #expect(try await browser.get("/account/").status == .ok)
            app.clock.advance(by: 29 * 60)
            #expect(try await browser.get("/account/").status == .ok)
            app.clock.advance(by: 30 * 60 + 1)
            let expired = try await browser.get("/account/")
            #expect(expired.status == .seeOther)
            #expect(expired.headers[.location] == "/account/sign-in")
            #expect(browser.cookies["__Host-ct_session"] == nil)
        }
    }

    @Test("a session ends 12 hours after sign-in however busy it is")
    func absoluteExpiry() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            let browser = AccountBrowser(client)
            try await browser.signIn(app.owner.name)
            for _ in 0..<35 {
                app.clock.advance(by: 20 * 60)
                #expect(try await browser.get("/account/").status == .ok)
            }
            // 11 h 40 min so far; at 12 h it has ended.
            app.clock.advance(by: 20 * 60)
            #expect(try await browser.get("/account/").status == .seeOther)
        }
    }

    @Test("the sign-in form is refused with 403 without its token, with another token, or from another origin")
    func signInCSRF() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            let fields = [("name", app.owner.name), ("password", TestApp.password)]
            let browser = AccountBrowser(client)
            try await browser.get("/account/sign-in")
            let token = try #require(browser.csrfToken)
            for response in [
                try await browser.post("/account/sign-in", fields, csrf: .none),
                try await browser.post("/account/sign-in", fields, csrf: String(repeating: "B", count: 43)),
                try await browser.post("/account/sign-in", fields, csrf: token, origin: "https://evil.example"),
                try await browser.post("/account/sign-in", fields, csrf: token, origin: "http://localhost.evil.example"),
                try await browser.post("/account/sign-in", fields, csrf: token, origin: "null"),
            ] {
                #expect(response.status == .forbidden)
                #expect(response.text.contains("<h1>Form expired</h1>"))
                #expect(browser.cookies["__Host-ct_session"] == nil)
            }
            // Without the cookie, the token alone proves nothing.
            browser.drop("__Host-ct_signin")
            #expect(try await browser.post("/account/sign-in", fields, csrf: token).status == .forbidden)
            // An empty cookie and an empty field are not a match: a token has to have been issued.
            browser.set("__Host-ct_signin", "")
            #expect(try await browser.post("/account/sign-in", fields, csrf: "").status == .forbidden)
            #expect(try await app.store.signInFailures(account: app.owner.name) == nil)
            // The same form with its cookie, its token and our origin (or none) signs in.
            browser.set("__Host-ct_signin", token)
            #expect(try await browser.post("/account/sign-in", fields, csrf: token, origin: nil).status == .seeOther)
        }
    }

    @Test(
        "a browser's own form passes with Origin null when Sec-Fetch-Site says same-origin (what no-referrer makes browsers send); any other fetch site is refused"
    )
    func fetchMetadata() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            let fields = [("name", app.owner.name), ("password", TestApp.password)]
            let browser = AccountBrowser(client)
            try await browser.get("/account/sign-in")
            let token = try #require(browser.csrfToken)
            for site in ["cross-site", "same-site", "none"] {
                let response = try await browser.post(
                    "/account/sign-in", fields, csrf: token, origin: "http://localhost", headers: [.secFetchSite: site])
                #expect(response.status == .forbidden, "\(site)")
                #expect(response.text.contains("<h1>Form expired</h1>"))
            }
            // What Chromium sends for the pages' own sign-in form under Referrer-Policy: no-referrer.
            let signedIn = try await browser.post("/account/sign-in", fields, csrf: token, origin: "null", headers: [.secFetchSite: "same-origin"])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/account/")
            // And a signed-in form the same way.
            try await browser.get("/account/tokens")
            let created = try await browser.post(
                "/account/tokens", [("label", "phone"), ("permission", "read")], origin: "null", headers: [.secFetchSite: "same-origin"])
            #expect(created.status == .created)
        }
    }

    @Test("signed-in forms are refused with 403 without the session's token or with another session's")
    func sessionCSRF() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            let other = try await app.makeOtherUser()
            try await app.setPassword(for: other.user.id)
            let otherBrowser = AccountBrowser(client)
            try await otherBrowser.signIn(other.user.name)
            try await otherBrowser.get("/account/")
            let otherToken = try #require(otherBrowser.csrfToken)

            let browser = AccountBrowser(client)
            try await browser.signIn(app.owner.name)
            try await browser.get("/account/tokens")
            let before = try await app.store.tokens(userID: app.owner.id)
            // No token at all, the other session's, an empty one.
            for csrf: String?? in [.none, .some(otherToken), .some("")] {
                let response = try await browser.post("/account/tokens", [("label", "sneaky"), ("permission", "write")], csrf: csrf)
                #expect(response.status == .forbidden)
                #expect(try await browser.post("/account/tokens/revoke", [("id", "\(app.writeTokenID)")], csrf: csrf).status == .forbidden)
                #expect(try await browser.post("/account/sign-out", csrf: csrf).status == .forbidden)
            }
            #expect(try await app.store.tokens(userID: app.owner.id) == before)
            #expect(try await browser.get("/account/").status == .ok)
        }
    }

    @Test("signing out deletes the session: the cookie is cleared and reusing it sends to the sign-in page")
    func signOut() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            let browser = AccountBrowser(client)
            try await browser.signIn(app.owner.name)
            try await browser.get("/account/")
            let session = try #require(browser.cookies["__Host-ct_session"])
            let response = try await browser.post("/account/sign-out")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/account/sign-in")
            #expect(response.headers[values: .setCookie] == ["__Host-ct_session=; " + String(format: Self.cookieAttributes, 0)])
            #expect(browser.cookies["__Host-ct_session"] == nil)
            browser.set("__Host-ct_session", session)
            #expect(try await browser.get("/account/").status == .seeOther)
        }
    }

    @Test("setting the password or deleting the user ends all of that user's sessions")
    func passwordChangeAndDeletionEndSessions() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            let first = AccountBrowser(client)
            let second = AccountBrowser(client)
            try await first.signIn(app.owner.name)
            try await second.signIn(app.owner.name)
            try await app.admin.setPassword(userName: app.owner.name, password: "another good password")
            #expect(try await first.get("/account/").status == .seeOther)
            #expect(try await second.get("/account/").status == .seeOther)
            #expect(try await AccountBrowser(client).signIn(app.owner.name, "another good password").status == .seeOther)

            let third = AccountBrowser(client)
            try await third.signIn(app.owner.name, "another good password")
            #expect(try await third.get("/account/").status == .ok)
            try await app.admin.deleteUser(named: app.owner.name)
            #expect(try await third.get("/account/").status == .seeOther)
        }
    }

    @Test(
        "every account answer carries the security headers, whatever its status",
        arguments: [
            ("GET", "/account/sign-in", 200), ("GET", "/account/", 303), ("GET", "/account/style.css", 200),
            ("GET", "/account/nowhere", 404), ("DELETE", "/account/tokens", 405), ("POST", "/account/sign-in", 403),
            ("POST", "/account/tokens", 403),
        ])
    func securityHeaders(method: String, path: String, status: Int) async throws {
        try await TestApp.run { _, client in
            let response = try await client.execute(uri: path, method: HTTPRequest.Method(method)!, headers: [:], body: nil)
            #expect(response.status.code == status)
            Self.expectSecurityHeaders(response)
        }
    }

    @Test("the signed-in pages, a failed sign-in and a throttled one carry the security headers too")
    func securityHeadersOnSignedInPages() async throws {
        try await TestApp.run { app, client in
            try await app.setPassword()
            let browser = AccountBrowser(client)
            Self.expectSecurityHeaders(try await browser.signIn(app.owner.name, "wrong password!"))
            Self.expectSecurityHeaders(try await browser.signIn(app.owner.name))
            Self.expectSecurityHeaders(try await browser.get("/account/"))
            Self.expectSecurityHeaders(try await browser.get("/account/tokens"))
            Self.expectSecurityHeaders(try await browser.post("/account/tokens", [("label", "x"), ("permission", "read")]))
            Self.expectSecurityHeaders(try await browser.post("/account/tokens/revoke", [("id", "0")]))
            let someone = TestApp.uniqueName("someone")
            for _ in 0..<4 { _ = try await AccountBrowser(client).signIn(someone, "wrong password!") }
            let throttled = try await AccountBrowser(client).signIn(someone, "wrong password!")
            #expect(throttled.status == .tooManyRequests)
            Self.expectSecurityHeaders(throttled)
        }
    }

    @Test("behind a proxy, an account page asked over plain HTTP is refused with 403 as an HTML page saying to use HTTPS")
    func plainHTTPRefusedBehindProxy() async throws {
        try await TestApp.run(configuration: Self.behindProxy, testing: .live) { _, client in
            let response = try await client.execute(uri: "/account/sign-in", method: .get, headers: [.xForwardedProto: "http"], body: nil)
            #expect(response.status == .forbidden)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.text.contains("<h1>Use HTTPS</h1>"), "\(response.text)")
            #expect(!response.text.contains(#""ok":false"#))
            #expect(response.headers[.strictTransportSecurity] == "max-age=31536000")
            Self.expectSecurityHeaders(response)
            let https = try await client.execute(uri: "/account/sign-in", method: .get, headers: [.xForwardedProto: "https"], body: nil)
            #expect(https.status == .ok)
        }
    }

    @Test("the stylesheet is served from the binary, with dark mode")
    func stylesheet() async throws {
        try await TestApp.run { _, client in
            let response = try await client.execute(uri: "/account/style.css", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/css; charset=utf-8")
            #expect(response.text.contains("@media (prefers-color-scheme: dark)"))
        }
    }

    /// Behind a proxy, served live: requests come from loopback, a trusted proxy by default (the
    /// router's test requests have no peer, which is no trusted proxy).
    static var behindProxy: Configuration {
        var configuration = Configuration(port: 0)
        configuration.behindProxy = true
        return configuration
    }

    static func expectSecurityHeaders(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            response.headers[.contentSecurityPolicy]
                == "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            sourceLocation: sourceLocation)
        #expect(response.headers[.xContentTypeOptions] == "nosniff", sourceLocation: sourceLocation)
        #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", sourceLocation: sourceLocation)
        #expect(response.headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}
