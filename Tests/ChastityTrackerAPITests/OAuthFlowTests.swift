import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerServices
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// OAuth 2 through the server's own endpoints and pages (docs/CONTRACT.md section 15): the
/// authorization code flow with PKCE from the app's request to the consent page, the exchange,
/// refresh rotation, revocation, the metadata, and every refusal the issue names, each with its
/// RFC error. On both backends (`CT_TEST_BACKEND`).
@Suite("OAuth flow")
struct OAuthFlowTests {
    static let issuer = "https://tracker.example"
    static let loopback = "http://127.0.0.1/callback"
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

    static var configuration: Configuration {
        var configuration = Configuration()
        configuration.publicURL = issuer
        return configuration
    }

    /// An app registered with a loopback and an https redirect URI.
    static func register(_ app: TestApp, name: String = "Diary App") async throws -> OAuthClient {
        let client = OAuthClient(
            id: OAuthClient.newID(), name: name, redirectURIs: [try RedirectURI(loopback), try RedirectURI("https://app.example/cb")],
            created: Timestamp(app.clock.now()))
        try await app.store.addClient(client)
        return client
    }

    /// The authorization request's query.
    static func query(
        client: String, redirect: String = "http://127.0.0.1:54321/callback", scope: String = "read", state: String = "xyz",
        challenge: String? = PKCE.challenge(for: verifier), method: String? = "S256"
    ) -> String {
        var items = [("response_type", "code"), ("client_id", client), ("redirect_uri", redirect), ("scope", scope), ("state", state)]
        if let challenge { items.append(("code_challenge", challenge)) }
        if let method { items.append(("code_challenge_method", method)) }
        return items.map { "\($0.0)=\(encode($0.1))" }.joined(separator: "&")
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The query items of a redirect's Location.
    static func items(_ location: String) -> [String: String] {
        guard let components = URLComponents(string: location) else { return [:] }
        return Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
    }

    /// The consent page's location from the step page `/oauth/authorize` answers.
    static func continueLocation(_ response: TestResponse) -> String? {
        let page = String(buffer: response.body)
        guard let start = page.range(of: #"url="#), let end = page[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(page[start.upperBound..<end])
    }

    /// Signs the owner in, runs the request `query` to the consent page and approves (or denies)
    /// it; the Location the decision answers.
    static func approve(_ browser: AccountBrowser, query: String, decision: String = "approve") async throws -> String {
        let start = try await browser.get("/oauth/authorize?\(query)")
        #expect(start.status == .ok)
        let location = try #require(continueLocation(start))
        let consent = try await browser.get(location)
        #expect(consent.status == .ok)
        let request = try #require(AccountBrowser.value(of: "request", in: browser.lastPage))
        let decided = try await browser.post("/account/authorize", [("request", request), ("decision", decision)])
        #expect(decided.status == .seeOther)
        return try #require(decided.headers[.location])
    }

    /// A code for the owner, approved on the consent page.
    static func code(_ app: TestApp, _ client: any TestClientProtocol, for registered: OAuthClient, scope: String = "read") async throws -> String {
        let browser = AccountBrowser(client)
        try await app.setPassword()
        try await browser.signIn(app.owner.name)
        let location = try await approve(browser, query: query(client: registered.id, scope: scope))
        return try #require(items(location)["code"])
    }

    /// A POST of `fields` to an OAuth endpoint, form-encoded.
    static func post(_ client: any TestClientProtocol, _ path: String, _ fields: [(String, String)]) async throws -> TestResponse {
        let body = fields.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        return try await client.execute(
            uri: path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
    }

    static func exchange(
        _ client: any TestClientProtocol, code: String, clientID: String, verifier: String = verifier,
        redirect: String = "http://127.0.0.1:54321/callback"
    ) async throws -> TestResponse {
        try await post(
            client, "/oauth/token",
            [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect), ("client_id", clientID), ("code_verifier", verifier)])
    }

    static func refresh(_ client: any TestClientProtocol, _ token: String, clientID: String) async throws -> TestResponse {
        try await post(client, "/oauth/token", [("grant_type", "refresh_token"), ("refresh_token", token), ("client_id", clientID)])
    }

    /// The JSON error of an OAuth endpoint: status, `error`, and `Cache-Control: no-store`.
    @discardableResult
    static func expectOAuthError(_ response: TestResponse, _ status: HTTPResponse.Status, _ error: String) throws -> JSON {
        #expect(response.status == status)
        #expect(response.headers[.contentType] == "application/json")
        #expect(response.headers[.cacheControl] == "no-store")
        let body = try JSON.parse(response.body.readableBytesView)
        #expect(body["error"]?.stringValue == error)
        #expect(body["error_description"]?.stringValue?.isEmpty == false)
        return body
    }

    /// The tokens of a successful exchange or refresh.
    static func tokens(_ response: TestResponse) throws -> (access: String, refresh: String, body: JSON) {
        #expect(response.status == .ok)
        #expect(response.headers[.cacheControl] == "no-store")
        #expect(response.headers[HTTPField.Name("Pragma")!] == "no-cache")
        let body = try JSON.parse(response.body.readableBytesView)
        return (try #require(body["access_token"]?.stringValue), try #require(body["refresh_token"]?.stringValue), body)
    }

    @Test("the whole flow: signed out at first, sign-in returns to the consent page, approve, exchange, read but not write, refresh, disconnect")
    func wholeFlow() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            try await app.setPassword()
            let browser = AccountBrowser(client)

            // The app's request arrives without the session (SameSite=Strict): a step page on this
            // site, moving on at once to the consent page, which names only the request's id.
            let start = try await browser.get("/oauth/authorize?\(Self.query(client: registered.id, scope: "read"))")
            #expect(start.status == .ok)
            #expect(start.headers[.contentSecurityPolicy]?.contains("form-action 'self';") == true)
            let location = try #require(Self.continueLocation(start))
            #expect(location.hasPrefix("/account/authorize?request="))
            #expect(!location.contains(registered.id))

            let signedOut = try await browser.get(location)
            #expect(signedOut.status == .seeOther)
            let signInLocation = try #require(signedOut.headers[.location])
            #expect(signInLocation.hasPrefix("/account/sign-in?next="))
            #expect(try await browser.get(signInLocation).status == .ok)
            #expect(AccountBrowser.value(of: "next", in: browser.lastPage) == location)
            let signedIn = try await browser.post(
                "/account/sign-in", [("name", app.owner.name), ("password", TestApp.password), ("next", location)])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == location)

            let consent = try await browser.get(location)
            #expect(consent.status == .ok)
            let page = browser.lastPage
            #expect(page.contains("Diary App"))
            #expect(page.contains("<code>127.0.0.1</code>"))
            #expect(page.contains("read your records"))
            // The consent page's forms may lead to the app's redirect, and only there.
            #expect(consent.headers[.contentSecurityPolicy]?.contains("form-action 'self' http://127.0.0.1:54321;") == true)

            let request = try #require(AccountBrowser.value(of: "request", in: page))
            let approved = try await browser.post("/account/authorize", [("request", request), ("decision", "approve")])
            #expect(approved.status == .seeOther)
            let redirect = try #require(approved.headers[.location])
            #expect(redirect.hasPrefix("http://127.0.0.1:54321/callback?code="))
            let items = Self.items(redirect)
            #expect(items["state"] == "xyz")
            #expect(items["iss"] == Self.issuer)
            let code = try #require(items["code"])

            let (access, refresh, body) = try Self.tokens(try await Self.exchange(client, code: code, clientID: registered.id))
            #expect(body["token_type"]?.stringValue == "Bearer")
            #expect(body["expires_in"]?.intValue == 3600)
            #expect(body["scope"]?.stringValue == "read")
            #expect(access.hasPrefix("ct_"))
            #expect(refresh.hasPrefix("ctr_"))

            #expect(try await client.get(orgasmsPath, token: access).status == .ok)
            let write = try await client.execute(
                uri: orgasmsPath, method: .post, headers: .bearer(access, contentType: "application/json"),
                body: .init(string: #"{"date":"2026-03-01","mode":"full"}"#))
            try expectError(write, .forbidden, "forbidden")

            let (refreshed, _, refreshedBody) = try Self.tokens(try await Self.refresh(client, refresh, clientID: registered.id))
            #expect(refreshedBody["scope"]?.stringValue == "read")
            #expect(try await client.get(orgasmsPath, token: refreshed).status == .ok)

            // The tokens page lists the app, and Disconnect ends every token of it.
            #expect(try await browser.get("/account/tokens").status == .ok)
            #expect(browser.lastPage.contains("<td data-label=\"App\">Diary App</td>"))
            let grant = try #require(AccountBrowser.value(of: "grant", in: browser.lastPage))
            let disconnected = try await browser.post("/account/apps/disconnect", [("grant", grant)])
            #expect(disconnected.status == .seeOther)
            #expect(disconnected.headers[.location] == "/account/tokens")
            try expectError(try await client.get(orgasmsPath, token: refreshed), .unauthorized, "unauthorized")
            try expectError(try await client.get(orgasmsPath, token: access), .unauthorized, "unauthorized")
            #expect(try await browser.get("/account/tokens").status == .ok)
            #expect(browser.lastPage.contains("No app is connected."))
        }
    }

    @Test("a write grant's token writes; the consent page says so")
    func writeScope() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            let code = try await Self.code(app, client, for: registered, scope: "write")
            let (access, _, body) = try Self.tokens(try await Self.exchange(client, code: code, clientID: registered.id))
            #expect(body["scope"]?.stringValue == "write")
            let write = try await client.execute(
                uri: orgasmsPath, method: .post, headers: .bearer(access, contentType: "application/json"),
                body: .init(string: #"{"date":"2026-03-01","mode":"full"}"#))
            #expect(write.status == .created)
        }
    }

    @Test("a replayed code is invalid_grant, and the tokens its first exchange issued stop working")
    func replayedCode() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            let code = try await Self.code(app, client, for: registered)
            let (access, refresh, _) = try Self.tokens(try await Self.exchange(client, code: code, clientID: registered.id))
            #expect(try await client.get(orgasmsPath, token: access).status == .ok)
            try Self.expectOAuthError(try await Self.exchange(client, code: code, clientID: registered.id), .badRequest, "invalid_grant")
            try expectError(try await client.get(orgasmsPath, token: access), .unauthorized, "unauthorized")
            try Self.expectOAuthError(try await Self.refresh(client, refresh, clientID: registered.id), .badRequest, "invalid_grant")
        }
    }

    @Test("a wrong verifier, another redirect URI, another client and an expired code are each invalid_grant; the code is spent")
    func codeBindings() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            let other = try await Self.register(app, name: "Other App")

            let wrongVerifier = try await Self.code(app, client, for: registered)
            try Self.expectOAuthError(
                try await Self.exchange(client, code: wrongVerifier, clientID: registered.id, verifier: String(repeating: "a", count: 43)),
                .badRequest, "invalid_grant")
            // Spent: even the right verifier cannot use it now.
            try Self.expectOAuthError(try await Self.exchange(client, code: wrongVerifier, clientID: registered.id), .badRequest, "invalid_grant")

            let otherRedirect = try await Self.code(app, client, for: registered)
            try Self.expectOAuthError(
                try await Self.exchange(client, code: otherRedirect, clientID: registered.id, redirect: "http://127.0.0.1:1/callback"),
                .badRequest, "invalid_grant")

            let otherClient = try await Self.code(app, client, for: registered)
            try Self.expectOAuthError(try await Self.exchange(client, code: otherClient, clientID: other.id), .badRequest, "invalid_grant")

            let expired = try await Self.code(app, client, for: registered)
            app.clock.advance(by: 61)
            try Self.expectOAuthError(try await Self.exchange(client, code: expired, clientID: registered.id), .badRequest, "invalid_grant")
        }
    }

    @Test("plain, a missing challenge or method, and an unknown scope go back to the app as RFC errors with state and iss")
    func authorizationErrorsRedirect() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            let cases: [(String, String)] = [
                (Self.query(client: registered.id, challenge: Self.verifier, method: "plain"), "invalid_request"),
                (Self.query(client: registered.id, challenge: nil), "invalid_request"),
                (Self.query(client: registered.id, method: nil), "invalid_request"),
                (Self.query(client: registered.id, scope: "admin"), "invalid_scope"),
            ]
            for (query, error) in cases {
                let response = try await client.execute(uri: "/oauth/authorize?\(query)", method: .get)
                #expect(response.status == .seeOther)
                let location = try #require(response.headers[.location])
                #expect(location.hasPrefix("http://127.0.0.1:54321/callback?error="))
                let items = Self.items(location)
                #expect(items["error"] == error)
                #expect(items["state"] == "xyz")
                #expect(items["iss"] == Self.issuer)
            }
        }
    }

    @Test("an unknown client or an unregistered redirect URI is an error page, never a redirect")
    func untrustworthyRequestsArePages() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            let queries = [
                Self.query(client: registered.id, redirect: "https://evil.example/cb"),
                Self.query(client: registered.id, redirect: "http://127.0.0.1:54321/other"),
                Self.query(client: OAuthClient.newID()),
                // Even a request that is wrong otherwise (plain) is not sent to an unregistered URI.
                Self.query(client: registered.id, redirect: "https://evil.example/cb", method: "plain"),
                "response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
            ]
            for query in queries {
                let response = try await client.execute(uri: "/oauth/authorize?\(query)", method: .get)
                #expect(response.status == .badRequest)
                #expect(response.headers[.location] == nil)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body).contains("This app cannot connect"))
            }
        }
    }

    @Test("Deny goes back to the app with access_denied, state and iss; the request cannot be decided twice")
    func deny() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            try await app.setPassword()
            let browser = AccountBrowser(client)
            try await browser.signIn(app.owner.name)
            let start = try await browser.get("/oauth/authorize?\(Self.query(client: registered.id))")
            let location = try #require(Self.continueLocation(start))
            #expect(try await browser.get(location).status == .ok)
            let request = try #require(AccountBrowser.value(of: "request", in: browser.lastPage))
            let denied = try await browser.post("/account/authorize", [("request", request), ("decision", "deny")])
            #expect(denied.status == .seeOther)
            let items = Self.items(try #require(denied.headers[.location]))
            #expect(items["error"] == "access_denied")
            #expect(items["state"] == "xyz")
            #expect(items["iss"] == Self.issuer)
            #expect(items["code"] == nil)
            #expect(try await browser.post("/account/authorize", [("request", request), ("decision", "approve")]).status == .notFound)
            #expect(try await browser.get(location).status == .notFound)
        }
    }

    @Test("a decision without the session's CSRF token changes nothing")
    func consentNeedsCSRF() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            try await app.setPassword()
            let browser = AccountBrowser(client)
            try await browser.signIn(app.owner.name)
            let location = try #require(Self.continueLocation(try await browser.get("/oauth/authorize?\(Self.query(client: registered.id))")))
            #expect(try await browser.get(location).status == .ok)
            let request = try #require(AccountBrowser.value(of: "request", in: browser.lastPage))
            let forged = try await browser.post("/account/authorize", [("request", request), ("decision", "approve")], csrf: .some("forged"))
            #expect(forged.status == .forbidden)
            #expect(forged.headers[.location] == nil)
            #expect(try await browser.get(location).status == .ok)
        }
    }

    @Test("a reused refresh token is invalid_grant and revokes the grant: the newest pair stops working too")
    func reusedRefreshToken() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            let code = try await Self.code(app, client, for: registered)
            let (_, first, _) = try Self.tokens(try await Self.exchange(client, code: code, clientID: registered.id))
            let (access, second, _) = try Self.tokens(try await Self.refresh(client, first, clientID: registered.id))
            #expect(try await client.get(orgasmsPath, token: access).status == .ok)
            try Self.expectOAuthError(try await Self.refresh(client, first, clientID: registered.id), .badRequest, "invalid_grant")
            try expectError(try await client.get(orgasmsPath, token: access), .unauthorized, "unauthorized")
            try Self.expectOAuthError(try await Self.refresh(client, second, clientID: registered.id), .badRequest, "invalid_grant")
        }
    }

    @Test("a refresh by another client, or for a wider scope, is refused and spends nothing")
    func refreshBindings() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            let other = try await Self.register(app, name: "Other App")
            let code = try await Self.code(app, client, for: registered)
            let (_, refresh, _) = try Self.tokens(try await Self.exchange(client, code: code, clientID: registered.id))
            try Self.expectOAuthError(try await Self.refresh(client, refresh, clientID: other.id), .badRequest, "invalid_grant")
            try Self.expectOAuthError(
                try await Self.post(
                    client, "/oauth/token",
                    [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", registered.id), ("scope", "write")]),
                .badRequest, "invalid_scope")
            _ = try Self.tokens(try await Self.refresh(client, refresh, clientID: registered.id))
        }
    }

    @Test("an access token from the flow expires after an hour: 401 invalid_token; the refresh token still works")
    func accessTokenExpires() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            let code = try await Self.code(app, client, for: registered)
            let (access, refresh, _) = try Self.tokens(try await Self.exchange(client, code: code, clientID: registered.id))
            app.clock.advance(by: 3600)
            let expired = try await client.get(orgasmsPath, token: access)
            let body = try expectError(expired, .unauthorized, "unauthorized")
            #expect(body["message"]?.stringValue == "the token has expired")
            #expect(expired.headers[.wwwAuthenticate] == invalidTokenChallenge)
            let (fresh, _, _) = try Self.tokens(try await Self.refresh(client, refresh, clientID: registered.id))
            #expect(try await client.get(orgasmsPath, token: fresh).status == .ok)
        }
    }

    @Test("revoking a refresh token revokes the grant's access tokens; unknown and other clients' tokens answer 200 and change nothing")
    func revocation() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            let other = try await Self.register(app, name: "Other App")
            let code = try await Self.code(app, client, for: registered)
            let (access, refresh, _) = try Self.tokens(try await Self.exchange(client, code: code, clientID: registered.id))

            let unknown = try await Self.post(
                client, "/oauth/revoke", [("token", "ctr_" + String(repeating: "x", count: 43)), ("client_id", registered.id)])
            #expect(unknown.status == .ok)
            let notTheirs = try await Self.post(client, "/oauth/revoke", [("token", refresh), ("client_id", other.id)])
            #expect(notTheirs.status == .ok)
            // A personal token is no client's to revoke.
            #expect(try await Self.post(client, "/oauth/revoke", [("token", app.readToken), ("client_id", registered.id)]).status == .ok)
            #expect(try await client.get(orgasmsPath, token: app.readToken).status == .ok)
            #expect(try await client.get(orgasmsPath, token: access).status == .ok)

            let revoked = try await Self.post(
                client, "/oauth/revoke", [("token", refresh), ("token_type_hint", "refresh_token"), ("client_id", registered.id)])
            #expect(revoked.status == .ok)
            #expect(revoked.headers[.cacheControl] == "no-store")
            try expectError(try await client.get(orgasmsPath, token: access), .unauthorized, "unauthorized")
            try Self.expectOAuthError(try await Self.refresh(client, refresh, clientID: registered.id), .badRequest, "invalid_grant")
            try Self.expectOAuthError(try await Self.post(client, "/oauth/revoke", [("client_id", registered.id)]), .badRequest, "invalid_request")
            try Self.expectOAuthError(
                try await Self.post(client, "/oauth/revoke", [("token", refresh), ("client_id", "ctc_nobody")]), .badRequest, "invalid_client")
        }
    }

    @Test("the token endpoint's own refusals: each RFC 6749 section 5.2 error with its status")
    func tokenEndpointRefusals() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            try Self.expectOAuthError(try await Self.post(client, "/oauth/token", [("client_id", registered.id)]), .badRequest, "invalid_request")
            try Self.expectOAuthError(
                try await Self.post(client, "/oauth/token", [("grant_type", "password"), ("client_id", registered.id)]), .badRequest,
                "unsupported_grant_type")
            try Self.expectOAuthError(
                try await Self.post(client, "/oauth/token", [("grant_type", "authorization_code"), ("code", "x"), ("client_id", "ctc_nobody")]),
                .badRequest, "invalid_client")
            let repeated = try Self.expectOAuthError(
                try await Self.post(
                    client, "/oauth/token",
                    [
                        ("grant_type", "refresh_token"), ("refresh_token", "ctr_" + String(repeating: "r", count: 43)),
                        ("grant_type", "refresh_token"),
                        ("client_id", registered.id),
                    ]),
                .badRequest, "invalid_request")
            #expect(repeated["error_description"]?.stringValue == "The grant_type parameter is repeated.")
            // An empty value counts as a repetition too; an unknown parameter may repeat.
            let emptyRepeat = try Self.expectOAuthError(
                try await Self.post(
                    client, "/oauth/token",
                    [("grant_type", "authorization_code"), ("code", ""), ("code", "x"), ("client_id", registered.id), ("extra", "1"), ("extra", "2")]),
                .badRequest, "invalid_request")
            #expect(emptyRepeat["error_description"]?.stringValue == "The code parameter is repeated.")
            try Self.expectOAuthError(
                try await Self.post(
                    client, "/oauth/token",
                    [
                        ("grant_type", "authorization_code"), ("code", String(repeating: "c", count: 43)), ("redirect_uri", Self.loopback),
                        ("client_id", registered.id),
                    ]),
                .badRequest, "invalid_request")
            try Self.expectOAuthError(
                try await Self.exchange(client, code: String(repeating: "c", count: 43), clientID: registered.id), .badRequest, "invalid_grant")
            let json = try await client.execute(
                uri: "/oauth/token", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"grant_type":"x"}"#))
            try Self.expectOAuthError(json, .badRequest, "invalid_request")
            let malformed = try await client.execute(
                uri: "/oauth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "grant_type=%zz"))
            try Self.expectOAuthError(malformed, .badRequest, "invalid_request")
        }
    }

    @Test("the metadata names the issuer, the endpoints, S256 only, the scopes and iss in responses (RFC 8414, RFC 9207)")
    func metadata() async throws {
        try await TestApp.run(configuration: Self.configuration) { _, client in
            let response = try await client.execute(uri: "/.well-known/oauth-authorization-server", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let body = try JSON.parse(response.body.readableBytesView)
            #expect(body["issuer"]?.stringValue == Self.issuer)
            #expect(body["authorization_endpoint"]?.stringValue == "\(Self.issuer)/oauth/authorize")
            #expect(body["token_endpoint"]?.stringValue == "\(Self.issuer)/oauth/token")
            #expect(body["revocation_endpoint"]?.stringValue == "\(Self.issuer)/oauth/revoke")
            #expect(body["code_challenge_methods_supported"] == .array([.string("S256")]))
            #expect(body["response_types_supported"] == .array([.string("code")]))
            #expect(body["grant_types_supported"] == .array([.string("authorization_code"), .string("refresh_token")]))
            #expect(body["scopes_supported"] == .array([.string("read"), .string("write")]))
            #expect(body["token_endpoint_auth_methods_supported"] == .array([.string("none")]))
            #expect(body["authorization_response_iss_parameter_supported"] == .bool(true))
        }
    }

    @Test("without a public URL OAuth does not exist: its endpoints are 404")
    func offWithoutPublicURL() async throws {
        try await TestApp.run(configuration: Configuration()) { _, client in
            for path in ["/oauth/authorize?response_type=code", "/.well-known/oauth-authorization-server"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .notFound)
            }
            let token = try await Self.post(client, "/oauth/token", [("grant_type", "refresh_token")])
            #expect(token.status == .notFound)
        }
    }

    @Test("the sign-in page leads only to a pending request's consent page, never elsewhere (no open redirect)")
    func signInNextIsNotAnOpenRedirect() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            try await app.setPassword()
            for next in ["https://evil.example/", "//evil.example/", "/account/authorize?request=short", "/account/settings"] {
                let browser = AccountBrowser(client)
                try await browser.get("/account/sign-in?next=\(Self.encode(next))")
                #expect(AccountBrowser.value(of: "next", in: browser.lastPage) == nil)
                let response = try await browser.post(
                    "/account/sign-in", [("name", app.owner.name), ("password", TestApp.password), ("next", next)])
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/account/")
            }
        }
    }

    @Test("another user's connected app is answered like a missing one, and stays connected")
    func disconnectIsPerUser() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            let code = try await Self.code(app, client, for: registered)
            let (access, _, _) = try Self.tokens(try await Self.exchange(client, code: code, clientID: registered.id))
            let grant = try #require(try await app.store.connectedApps(userID: app.owner.id).first?.grantID)

            let mallory = try await app.admin.addUser(name: "mallory", timeZone: "UTC")
            try await app.setPassword(for: mallory.id)
            let browser = AccountBrowser(client)
            try await browser.signIn("mallory")
            #expect(try await browser.get("/account/tokens").status == .ok)
            let refused = try await browser.post("/account/apps/disconnect", [("grant", String(grant))])
            #expect(refused.status == .notFound)
            #expect(try await client.get(orgasmsPath, token: access).status == .ok)
        }
    }

    @Test("bytes no client id or state may hold (a NUL, control characters) are refused as RFC errors, never a 5xx, on both backends")
    func malformedIdentifiers() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            for clientID in ["%00", "ctc_%00", "ctc_" + String(repeating: "a", count: 21) + "%00", "ctc_%0A" + String(repeating: "a", count: 21)] {
                let token = try await client.execute(
                    uri: "/oauth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "grant_type=refresh_token&refresh_token=x&client_id=\(clientID)"))
                try Self.expectOAuthError(token, .badRequest, "invalid_client")
                let revoke = try await client.execute(
                    uri: "/oauth/revoke", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "token=x&client_id=\(clientID)"))
                try Self.expectOAuthError(revoke, .badRequest, "invalid_client")
                let authorize = try await client.execute(
                    uri: "/oauth/authorize?response_type=code&client_id=\(clientID)&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback", method: .get)
                #expect(authorize.status == .badRequest)
            }
            // A state with a NUL or a control character is refused, and not echoed.
            for state in ["a%00b", "a%0Ab", "%C3%A9"] {
                let query = Self.query(client: registered.id).replacingOccurrences(of: "state=xyz", with: "state=\(state)")
                let response = try await client.execute(uri: "/oauth/authorize?\(query)", method: .get)
                #expect(response.status == .seeOther)
                let items = Self.items(try #require(response.headers[.location]))
                #expect(items["error"] == "invalid_request")
                #expect(items["state"] == nil)
            }
            // Raw bytes that are not UTF-8 are refused, not replaced.
            let raw = try await client.execute(
                uri: "/oauth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(bytes: Array("grant_type=refresh_token&client_id=".utf8) + [0xFF, 0xFE]))
            try Self.expectOAuthError(raw, .badRequest, "invalid_request")
        }
    }

    @Test("a state of any printable ASCII comes back exactly, with the code and with an error")
    func stateRoundTrips() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            try await app.setPassword()
            let browser = AccountBrowser(client)
            try await browser.signIn(app.owner.name)
            let state = #"a b&c+d=e%f/g?h#i"j'k<l>"#
            let location = try await Self.approve(browser, query: Self.query(client: registered.id, state: state))
            #expect(Self.items(location)["state"] == state)
            let refused = try await client.execute(
                uri: "/oauth/authorize?\(Self.query(client: registered.id, scope: "admin", state: state))", method: .get)
            #expect(Self.items(try #require(refused.headers[.location]))["state"] == state)
        }
    }

    @Test("the consent page's form-action allows an IPv6 loopback redirect by its scheme and a private-use one by its scheme, nothing wider")
    func consentFormActionSources() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = OAuthClient(
                id: OAuthClient.newID(), name: "Native App",
                redirectURIs: [try RedirectURI("http://[::1]/cb"), try RedirectURI("com.example.app:/cb")],
                created: Timestamp(app.clock.now()))
            try await app.store.addClient(registered)
            try await app.setPassword()
            let browser = AccountBrowser(client)
            try await browser.signIn(app.owner.name)
            for (redirect, source) in [("http://[::1]:6000/cb", "http:"), ("com.example.app:/cb", "com.example.app:")] {
                let start = try await browser.get("/oauth/authorize?\(Self.query(client: registered.id, redirect: redirect))")
                let consent = try await browser.get(try #require(Self.continueLocation(start)))
                #expect(consent.status == .ok)
                #expect(consent.headers[.contentSecurityPolicy]?.contains("form-action 'self' \(source);") == true, "\(redirect)")
            }
        }
    }

    @Test("behind a proxy, OAuth over plain HTTP is refused: the token endpoint with RFC 6749's JSON, the authorization endpoint enveloped")
    func httpsRequired() async throws {
        var configuration = Self.configuration
        configuration.behindProxy = true
        try await TestApp.run(configuration: configuration) { app, client in
            let registered = try await Self.register(app)
            // A router test has no peer address, so no trusted proxy: plain HTTP whatever it says.
            let token = try await Self.post(client, "/oauth/token", [("grant_type", "refresh_token"), ("client_id", registered.id)])
            let body = try Self.expectOAuthError(token, .forbidden, "invalid_request")
            #expect(body["error_description"]?.stringValue == "This endpoint requires HTTPS.")
            try Self.expectOAuthError(
                try await Self.post(client, "/oauth/revoke", [("token", "x"), ("client_id", registered.id)]), .forbidden, "invalid_request")
            let authorize = try await client.execute(uri: "/oauth/authorize?\(Self.query(client: registered.id))", method: .get)
            try expectError(authorize, .forbidden, "https_required")
            #expect(try await client.execute(uri: "/.well-known/oauth-authorization-server", method: .get).status == .forbidden)
        }
    }

    @Test("ten exchanges of one code at once: at most one succeeds, and the replays revoke what it issued")
    func concurrentExchanges() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            let code = try await Self.code(app, client, for: registered)
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<10 { group.addTask { try await Self.exchange(client, code: code, clientID: registered.id) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let succeeded = responses.filter { $0.status == .ok }
            #expect(succeeded.count <= 1)
            for response in responses where response.status != .ok { try Self.expectOAuthError(response, .badRequest, "invalid_grant") }
            if let success = succeeded.first {
                let (access, _, _) = try Self.tokens(success)
                try expectError(try await client.get(orgasmsPath, token: access), .unauthorized, "unauthorized")
            }
        }
    }

    @Test("five refreshes with one refresh token at once: at most one succeeds, and the grant ends revoked")
    func concurrentRefreshes() async throws {
        try await TestApp.run(configuration: Self.configuration) { app, client in
            let registered = try await Self.register(app)
            let code = try await Self.code(app, client, for: registered)
            let (_, refresh, _) = try Self.tokens(try await Self.exchange(client, code: code, clientID: registered.id))
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<5 { group.addTask { try await Self.refresh(client, refresh, clientID: registered.id) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let succeeded = responses.filter { $0.status == .ok }
            #expect(succeeded.count == 1)
            for response in responses where response.status != .ok { try Self.expectOAuthError(response, .badRequest, "invalid_grant") }
            let (access, newRefresh, _) = try Self.tokens(try #require(succeeded.first))
            try expectError(try await client.get(orgasmsPath, token: access), .unauthorized, "unauthorized")
            try Self.expectOAuthError(try await Self.refresh(client, newRefresh, clientID: registered.id), .badRequest, "invalid_grant")
        }
    }

    @Test(
        "an instance keeps at most its budget of new authorization requests a minute, whatever the addresses: past it 503 with Retry-After, nothing written"
    )
    func authorizationRequestBudget() async throws {
        var account = AccountSettings.forTests
        account.authorizationRequestsPerMinute = 3
        try await TestApp.run(configuration: Self.configuration, account: account) { app, client in
            let registered = try await Self.register(app)
            for _ in 0..<3 {
                #expect(try await client.execute(uri: "/oauth/authorize?\(Self.query(client: registered.id))", method: .get).status == .ok)
            }
            let refused = try await client.execute(uri: "/oauth/authorize?\(Self.query(client: registered.id))", method: .get)
            #expect(refused.status == .serviceUnavailable)
            let wait = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...60).contains(wait))
            #expect(String(buffer: refused.body).contains("Too many apps are asking to connect right now."))
            // The next minute has a budget again.
            app.clock.advance(by: 60)
            #expect(try await client.execute(uri: "/oauth/authorize?\(Self.query(client: registered.id))", method: .get).status == .ok)
        }
    }
}
