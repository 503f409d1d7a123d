import ChastityTrackerClient
import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Stops URLSession from following a redirect: the test reads the consent's `Location` itself, as
/// the app's loopback listener would receive it.
private final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}

extension ClientSuites {
    /// The SDK's ``OAuthSession`` against the live server: the authorize URL it builds is answered
    /// by the server's consent flow (the person's part played over HTTP with a session of the
    /// owner's), the redirect is checked and exchanged, the client reads with the session's token,
    /// a stored refresh token restores the connection, and revoking ends it.
    @Suite("SDK: OAuthSession") struct OAuthSessionTests {
        /// The refresh tokens an app was given to save, in order.
        actor SavedTokens {
            var tokens: [String] = []
            func append(_ token: String) { tokens.append(token) }
        }

        /// Runs a live server whose public URL is its own address, with a registered client.
        static func run(_ body: @Sendable (LiveServer, OAuthSession.Configuration) async throws -> Void) async throws {
            let port = try #require(try FreePort.loopback())
            let issuer = "http://127.0.0.1:\(port)"
            var configuration = ChastityTrackerDomain.Configuration()
            configuration.publicURL = issuer
            try await LiveServer.run(configuration: configuration, port: port) { server in
                #expect(server.url.absoluteString == issuer)
                let client = OAuthClient(
                    id: OAuthClient.newID(), name: "SDK App", redirectURIs: [try RedirectURI("http://127.0.0.1/callback")],
                    created: Timestamp(server.clock.now()))
                try await server.store.addClient(client)
                try await body(
                    server,
                    OAuthSession.Configuration(
                        issuer: server.url, clientID: client.id, redirectURI: "http://127.0.0.1:9/callback", scope: .read))
            }
        }

        /// The person's part: follows the authorize URL to the consent page with a signed-in session
        /// of the owner's and answers it; the redirect the browser would be sent to.
        static func consent(_ server: LiveServer, _ url: URL, decision: String = "approve") async throws -> URL {
            let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)
            let secret = SessionSecret.generate()
            try await server.store.createSession(hash: secret.hash, userID: server.owner.id, at: Timestamp(server.clock.now()))
            let cookie = "__Host-ct_session=\(secret.plaintext)"

            let (step, _) = try await session.data(from: url)
            let page = String(decoding: step, as: UTF8.self)
            let start = try #require(page.range(of: "url="))
            let location = String(page[start.upperBound...].prefix { $0 != "\"" })
            let id = String(location.dropFirst("/account/authorize?request=".count))

            var consentPage = URLRequest(url: server.url.appendingPathComponent("account/authorize"))
            consentPage.url = URL(string: server.url.absoluteString + location)
            consentPage.setValue(cookie, forHTTPHeaderField: "Cookie")
            let (_, shown) = try await session.data(for: consentPage)
            #expect((shown as? HTTPURLResponse)?.statusCode == 200)

            var decide = URLRequest(url: server.url.appendingPathComponent("account/authorize"))
            decide.httpMethod = "POST"
            decide.setValue(cookie, forHTTPHeaderField: "Cookie")
            decide.setValue("same-origin", forHTTPHeaderField: "Sec-Fetch-Site")
            decide.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            decide.httpBody = Data("csrf=\(secret.csrfToken)&request=\(id)&decision=\(decision)".utf8)
            let (_, decided) = try await session.data(for: decide)
            let response = try #require(decided as? HTTPURLResponse)
            #expect(response.statusCode == 303)
            return try #require(response.value(forHTTPHeaderField: "Location").flatMap(URL.init(string:)))
        }

        @Test("connect, read with the session's token, restore from the refresh token, revoke")
        func connectReadRestoreRevoke() async throws {
            try await Self.run { server, configuration in
                let authorization = OAuthSession.authorization(configuration: configuration)
                let query = try #require(URLComponents(url: authorization.url, resolvingAgainstBaseURL: false)?.queryItems)
                #expect(query.first { $0.name == "code_challenge_method" }?.value == "S256")
                #expect(query.first { $0.name == "state" }?.value == authorization.state)

                let redirect = try await Self.consent(server, authorization.url)
                let oauth = try await OAuthSession(configuration: configuration, completing: authorization, redirect: redirect)
                let firstRefresh = await oauth.refreshToken
                #expect(firstRefresh.hasPrefix("ctr_"))
                let client = ChastityTrackerClient(serverURL: server.url, oauth: oauth)
                _ = try await client.list()

                // An app restarted with its stored refresh token: the first call refreshes, and the
                // refresh token rotates.
                let restored = OAuthSession(configuration: configuration, refreshToken: firstRefresh)
                _ = try await ChastityTrackerClient(serverURL: server.url, oauth: restored).list()
                #expect(await restored.refreshToken != firstRefresh)

                // Five callers at once while the token must be refreshed: one refresh, the same token
                // for all (a second refresh would present the spent token and revoke the grant).
                let saved = SavedTokens()
                let concurrent = OAuthSession(
                    configuration: configuration, refreshToken: await restored.refreshToken, onNewRefreshToken: { await saved.append($0) })
                let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<5 { group.addTask { try await concurrent.accessToken() } }
                    return try await group.reduce(into: Set<String>()) { $0.insert($1) }
                }
                #expect(tokens.count == 1)
                #expect(await saved.tokens == [await concurrent.refreshToken])

                try await concurrent.revoke()
                await #expect(
                    throws: OAuthSession.Failure.tokenEndpoint(status: 400, error: "invalid_grant", description: "The grant has been revoked.")
                ) {
                    _ = try await concurrent.accessToken()
                }
                // The grant is revoked: access tokens still held (the other sessions') are refused.
                for session in [oauth, restored] {
                    do {
                        _ = try await ChastityTrackerClient(serverURL: server.url, oauth: session).list()
                        Issue.record("a revoked connection still read")
                    } catch let error as ChastityTrackerError {
                        #expect(error.status == 401)
                    }
                }
            }
        }

        @Test("a redirect with another state or issuer is refused before any exchange; a denial is .refused(access_denied)")
        func redirectChecks() async throws {
            try await Self.run { server, configuration in
                let authorization = OAuthSession.authorization(configuration: configuration)
                let redirect = try await Self.consent(server, authorization.url)
                let text = redirect.absoluteString
                let otherState = try #require(URL(string: text.replacingOccurrences(of: "state=\(authorization.state)", with: "state=forged")))
                await #expect(throws: OAuthSession.Failure.stateMismatch) {
                    _ = try await OAuthSession(configuration: configuration, completing: authorization, redirect: otherState)
                }
                var elsewhere = configuration
                elsewhere.issuer = try #require(URL(string: "https://elsewhere.example"))
                await #expect(throws: OAuthSession.Failure.issuerMismatch) {
                    _ = try await OAuthSession(configuration: elsewhere, completing: authorization, redirect: redirect)
                }
                // The code was not spent by the refused attempts.
                _ = try await OAuthSession(configuration: configuration, completing: authorization, redirect: redirect)

                let denied = OAuthSession.authorization(configuration: configuration)
                let answer = try await Self.consent(server, denied.url, decision: "deny")
                await #expect(throws: OAuthSession.Failure.refused(error: "access_denied", description: "The person denied the request.")) {
                    _ = try await OAuthSession(configuration: configuration, completing: denied, redirect: answer)
                }
            }
        }
    }
}
