import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// The tokens page: listing, creating, revoking and regenerating, with their effect on the API's
/// very next request, and one user never reaching another's tokens (docs/CONTRACT.md section 12).
@Suite("Account pages: tokens")
struct AccountTokensTests {
    /// A signed-in browser of the owner.
    static func signedIn(_ app: TestApp, _ client: any TestClientProtocol) async throws -> AccountBrowser {
        try await app.setPassword()
        let browser = AccountBrowser(client)
        let response = try await browser.signIn(app.owner.name)
        try #require(response.status == .seeOther)
        return browser
    }

    static func api(_ client: any TestClientProtocol, _ token: String, method: HTTPRequest.Method = .get, body: String? = nil) async throws
        -> TestResponse
    {
        try await client.execute(
            uri: orgasmsPath, method: method, headers: .bearer(token, contentType: body == nil ? nil : "application/json"),
            body: body.map { ByteBuffer(string: $0) }
        )
    }

    @Test("the tokens page lists every token of the user with label, permission, created and last used, and no one else's")
    func listsOwnTokens() async throws {
        try await TestApp.run { app, client in
            let other = try await app.makeOtherUser()
            try await app.store.touchToken(id: app.readTokenID, at: Timestamp(millisecondsSinceEpoch: 1_773_150_000_000))
            let browser = try await Self.signedIn(app, client)
            let page = try await browser.get("/account/tokens")
            #expect(page.status == .ok)
            #expect(
                page.text.contains(
                    "<td data-label=\"Label\">read</td>\n<td data-label=\"Permission\">read</td>\n<td data-label=\"Created (UTC)\">2026-03-10 12:00</td>\n<td data-label=\"Last used (UTC)\">2026-03-10 13:40</td>"
                ))
            #expect(
                page.text.contains(
                    "<td data-label=\"Label\">write</td>\n<td data-label=\"Permission\">write</td>\n<td data-label=\"Created (UTC)\">2026-03-10 12:00</td>\n<td data-label=\"Last used (UTC)\">never</td>"
                ))
            #expect(page.text.components(separatedBy: #"action="/account/tokens/revoke""#).count == 3)
            #expect(page.text.contains(#"name="id" value="\#(app.readTokenID)""#))
            #expect(!page.text.contains(">other</td>"))
            #expect(!page.text.contains(#"id="new-token""#))
            _ = other
        }
    }

    @Test("a created token is shown once in id=new-token, works on the API's very next request, and is never shown again")
    func createToken() async throws {
        try await TestApp.run { app, client in
            let browser = try await Self.signedIn(app, client)
            try await browser.get("/account/tokens")
            let created = try await browser.post("/account/tokens", [("label", "My <phone> & \"watch\""), ("permission", "write")])
            #expect(created.status == .created)
            #expect(created.text.contains("it will not be shown again"))
            let secret = try #require(browser.newToken)
            #expect(TokenSecret.isWellFormed(secret))
            // The label is escaped wherever it appears.
            #expect(created.text.contains("<td data-label=\"Label\">My &lt;phone&gt; &amp; &quot;watch&quot;</td>"))
            #expect(!created.text.contains("<phone>"))
            let stored = try await app.store.tokens(userID: app.owner.id).last
            #expect(stored?.label == "My <phone> & \"watch\"")
            #expect(stored?.permission == .write)

            #expect(try await Self.api(client, secret).status == .ok)
            let insert = try await Self.api(client, secret, method: .post, body: #"{"date":"2026-03-01","mode":"full"}"#)
            #expect(insert.status == .created)

            let again = try await browser.get("/account/tokens")
            #expect(!again.text.contains(secret))
            #expect(!again.text.contains(#"id="new-token""#))
        }
    }

    @Test(
        "the create form refuses a bad permission or label with 400 and the error next to the field, creating nothing",
        arguments: [
            ("phone", "admin", nil, "choose read or write"),
            ("phone", "", nil, "choose read or write"),
            (String(repeating: "x", count: 101), "read", "a label is at most 100 characters without control characters", nil),
        ] as [(String, String, String?, String?)])
    func createRefusesBadFields(label: String, permission: String, labelError: String?, permissionError: String?) async throws {
        try await TestApp.run { app, client in
            let browser = try await Self.signedIn(app, client)
            try await browser.get("/account/tokens")
            let response = try await browser.post("/account/tokens", [("label", label), ("permission", permission)])
            #expect(response.status == .badRequest)
            if let labelError { #expect(response.text.contains(#"<p class="error" role="alert">\#(labelError)</p>"#)) }
            if let permissionError { #expect(response.text.contains(#"<p class="error" role="alert">\#(permissionError)</p>"#)) }
            #expect(!response.text.contains(#"id="new-token""#))
            #expect(try await app.store.tokens(userID: app.owner.id).count == 2)
        }
    }

    @Test("revoking a token on the page makes the API's very next request with it 401")
    func revokeToken() async throws {
        try await TestApp.run { app, client in
            #expect(try await Self.api(client, app.writeToken).status == .ok)
            let browser = try await Self.signedIn(app, client)
            try await browser.get("/account/tokens")
            let response = try await browser.post("/account/tokens/revoke", [("id", "\(app.writeTokenID)")])
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/account/tokens")
            try expectError(try await Self.api(client, app.writeToken), .unauthorized, "unauthorized")
            #expect(try await Self.api(client, app.readToken).status == .ok)
            let page = try await browser.get("/account/tokens")
            #expect(page.text.contains("revoked 2026-03-10 12:00"))
            #expect(page.text.components(separatedBy: #"action="/account/tokens/revoke""#).count == 2)
        }
    }

    @Test("regenerating a token shows the new secret once: the old one is 401 at once, the new one 200")
    func regenerateToken() async throws {
        try await TestApp.run { app, client in
            let browser = try await Self.signedIn(app, client)
            try await browser.get("/account/tokens")
            let response = try await browser.post("/account/tokens/regenerate", [("id", "\(app.readTokenID)")])
            #expect(response.status == .ok)
            #expect(response.text.contains("<h2>New secret for read</h2>"))
            let secret = try #require(browser.newToken)
            #expect(secret != app.readToken)
            try expectError(try await Self.api(client, app.readToken), .unauthorized, "unauthorized")
            #expect(try await Self.api(client, secret).status == .ok)
            let info = try await app.store.token(id: app.readTokenID)
            #expect(info?.label == "read")
            #expect(info?.permission == .read)
        }
    }

    @Test("another user's token ids are answered exactly like missing ones, and their tokens keep working")
    func otherUsersTokensAreUnreachable() async throws {
        try await TestApp.run { app, client in
            // The owner (A) has tokens; B signs in and tries every form with A's ids.
            let other = try await app.makeOtherUser()
            try await app.setPassword(for: other.user.id)
            let browser = AccountBrowser(client)
            try #require(try await browser.signIn(other.user.name).status == .seeOther)
            let page = try await browser.get("/account/tokens")
            #expect(!page.text.contains(#"value="\#(app.readTokenID)""#))
            #expect(!page.text.contains(#"value="\#(app.writeTokenID)""#))

            let missingID = app.writeTokenID + 10_000
            let missingRevoke = try await browser.post("/account/tokens/revoke", [("id", "\(missingID)")])
            let missingRegenerate = try await browser.post("/account/tokens/regenerate", [("id", "\(missingID)")])
            #expect(missingRevoke.status == .notFound)
            #expect(missingRegenerate.status == .notFound)
            for id in [app.readTokenID, app.writeTokenID] {
                let revoke = try await browser.post("/account/tokens/revoke", [("id", "\(id)")])
                #expect(revoke.status == .notFound)
                #expect(revoke.text == missingRevoke.text)
                let regenerate = try await browser.post("/account/tokens/regenerate", [("id", "\(id)")])
                #expect(regenerate.status == .notFound)
                #expect(regenerate.text == missingRegenerate.text)
                #expect(regenerate.headers[values: .setCookie] == missingRegenerate.headers[values: .setCookie])
            }
            for id in ["", "abc", "-1"] {
                #expect(try await browser.post("/account/tokens/revoke", [("id", id)]).status == .notFound)
            }
            #expect(try await Self.api(client, app.readToken).status == .ok)
            #expect(try await Self.api(client, app.writeToken).status == .ok)
            let tokens = try await app.store.tokens(userID: app.owner.id)
            #expect(tokens.allSatisfy { $0.revoked == nil })
        }
    }

    @Test("a revoked token cannot be regenerated from the page: 404 like a missing one")
    func revokedTokenIsNotRegenerated() async throws {
        try await TestApp.run { app, client in
            let browser = try await Self.signedIn(app, client)
            try await browser.get("/account/tokens")
            #expect(try await browser.post("/account/tokens/revoke", [("id", "\(app.readTokenID)")]).status == .seeOther)
            try await browser.get("/account/tokens")
            #expect(try await browser.post("/account/tokens/regenerate", [("id", "\(app.readTokenID)")]).status == .notFound)
            try expectError(try await Self.api(client, app.readToken), .unauthorized, "unauthorized")
        }
    }

    @Test("the page's new and regenerated secrets come from the injected generator, as the command line's do")
    func pagesUseTheInjectedGenerator() async throws {
        // Two secrets of this run only: the PostgreSQL database outlives one run of the suite, so
        // fixed secrets would meet the previous run's hashes.
        let first = TokenSecret.generate().plaintext
        let second = TokenSecret.generate().plaintext
        let secrets = Mutex([first, second])
        let generator = TokenGenerator { TokenSecret(plaintext: secrets.withLock { $0.removeFirst() }) }
        try await TestApp.run(tokens: generator) { app, client in
            try await app.setPassword()
            let browser = AccountBrowser(client)
            try await browser.signIn(app.owner.name)
            try await browser.get("/account/tokens")
            let created = try await browser.post("/account/tokens", [("label", "fixed"), ("permission", "read")])
            #expect(created.status == .created)
            #expect(browser.newToken == first)
            #expect(try await client.get(orgasmsPath, token: first).status == .ok)
            let id = try #require(try await app.store.tokens(userID: app.owner.id).first { $0.label == "fixed" }?.id)
            try await browser.post("/account/tokens/regenerate", [("id", "\(id)")])
            #expect(browser.newToken == second)
            #expect(secrets.withLock { $0.isEmpty })
        }
    }
}
