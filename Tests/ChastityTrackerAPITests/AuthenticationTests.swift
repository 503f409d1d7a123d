import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerServices
import ChastityTrackerTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// docs/CONTRACT.md section 3 and the 401/403 rows of section 2.
@Suite struct AuthenticationTests {
    @Test(arguments: [HTTPRequest.Method.get, .post, .patch, .delete])
    func missingTokenIs401WithPlainChallenge(method: HTTPRequest.Method) async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-03-01")
            let response = try await client.execute(
                uri: "\(orgasmsPath)?id=\(item.id)", method: method, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"mode":"ruined"}"#)
            )
            try expectError(response, .unauthorized, "unauthorized")
            #expect(response.headers[.wwwAuthenticate] == bearerChallenge)
            #expect(try await app.storedItems() == [item])
        }
    }

    /// A header value and the challenge expected for it: no bearer token at all gets the plain
    /// challenge, a bearer token of the wrong shape gets `error="invalid_token"`.
    static let malformedHeaders: [(header: String, challenge: String)] = [
        ("Basic dXNlcjpwYXNz", bearerChallenge),
        ("Bearer", bearerChallenge),
        ("Token ct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", bearerChallenge),
        ("ct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", bearerChallenge),
        ("Bearer ct_short", invalidTokenChallenge),
        ("Bearer xx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", invalidTokenChallenge),
        ("Bearer ct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!", invalidTokenChallenge),
        ("Bearer ct_A ct_B", invalidTokenChallenge),
    ]

    @Test(arguments: malformedHeaders)
    func malformedAuthorizationHeaderIs401(header: String, challenge: String) async throws {
        try await TestApp.run { _, client in
            let response = try await client.execute(uri: orgasmsPath, method: .get, headers: [.authorization: header])
            try expectError(response, .unauthorized, "unauthorized")
            #expect(response.headers[.wwwAuthenticate] == challenge)
        }
    }

    /// Two `Authorization` fields read as one value joined with ", " (RFC 9110 section 5.3), which
    /// is no bearer credential: the request is refused even when each field alone would pass.
    @Test func twoAuthorizationFieldsAre401InvalidToken() async throws {
        try await TestApp.run { app, client in
            var headers = HTTPFields()
            headers.append(HTTPField(name: .authorization, value: "Bearer \(app.readToken)"))
            headers.append(HTTPField(name: .authorization, value: "Bearer \(app.readToken)"))
            let response = try await client.execute(uri: orgasmsPath, method: .get, headers: headers)
            try expectError(response, .unauthorized, "unauthorized")
            #expect(response.headers[.wwwAuthenticate] == invalidTokenChallenge)
        }
    }

    @Test func unknownWellFormedTokenIs401InvalidToken() async throws {
        try await TestApp.run { _, client in
            let response = try await client.get(orgasmsPath, token: TokenSecret.generate().plaintext)
            try expectError(response, .unauthorized, "unauthorized")
            #expect(response.headers[.wwwAuthenticate] == invalidTokenChallenge)
        }
    }

    @Test func validTokenWithOneExtraLetterIs401() async throws {
        try await TestApp.run { app, client in
            let response = try await client.get(orgasmsPath, token: app.readToken + "A")
            try expectError(response, .unauthorized, "unauthorized")
        }
    }

    @Test func revokedTokenIsRefusedOnTheVeryNextRequest() async throws {
        try await TestApp.run { app, client in
            #expect(try await client.get(orgasmsPath, token: app.readToken).status == .ok)
            try await app.admin.revokeToken(id: app.readTokenID)
            let response = try await client.get(orgasmsPath, token: app.readToken)
            try expectError(response, .unauthorized, "unauthorized")
            #expect(response.headers[.wwwAuthenticate] == invalidTokenChallenge)
            #expect(try await client.get(orgasmsPath, token: app.writeToken).status == .ok)
        }
    }

    @Test func regeneratedTokenRefusesOldSecretAndAcceptsNewOneWithSamePermission() async throws {
        try await TestApp.run { app, client in
            #expect(try await client.get(orgasmsPath, token: app.writeToken).status == .ok)
            let secret = try await app.admin.regenerateToken(id: app.writeTokenID)
            try expectError(try await client.get(orgasmsPath, token: app.writeToken), .unauthorized, "unauthorized")
            #expect(try await client.get(orgasmsPath, token: secret.plaintext).status == .ok)
            let created = try await client.post(#"{"date":"2026-03-01","mode":"full"}"#, token: secret.plaintext)
            #expect(created.status == .created)
        }
    }

    @Test(arguments: ["bearer", "BEARER", "bEaReR"])
    func bearerSchemeIsCaseInsensitive(scheme: String) async throws {
        try await TestApp.run { app, client in
            let response = try await client.execute(uri: orgasmsPath, method: .get, headers: [.authorization: "\(scheme) \(app.readToken)"])
            #expect(try expectSuccess(response)["total"] == 0)
        }
    }

    @Test(arguments: ["token", "access_token", "api_token", "bearer"])
    func tokenInQueryStringIsIgnored(parameter: String) async throws {
        try await TestApp.run { app, client in
            let response = try await client.execute(uri: "\(orgasmsPath)?\(parameter)=\(app.writeToken)", method: .get)
            try expectError(response, .unauthorized, "unauthorized")
            #expect(response.headers[.wwwAuthenticate] == bearerChallenge)
        }
    }

    @Test func readTokenMayListAndReadDetails() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-03-01")
            #expect(try expectSuccess(try await client.get(orgasmsPath, token: app.readToken))["total"] == 1)
            #expect(try expectSuccess(try await client.get("\(orgasmsPath)?id=\(item.id)", token: app.readToken)) == itemJSON(item))
        }
    }

    @Test func readTokenPostIs403AndWritesNothing() async throws {
        try await TestApp.run { app, client in
            let response = try await client.post(#"{"date":"2026-03-01","mode":"full"}"#, token: app.readToken)
            try expectError(response, .forbidden, "forbidden")
            #expect(response.headers[.wwwAuthenticate] == insufficientScopeChallenge)
            #expect(try await app.storedItems().isEmpty)
        }
    }

    @Test func readTokenPatchIs403AndChangesNothing() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-03-01", type: "Stroke")
            let response = try await client.patch(id: item.id, #"{"type":"Changed","mode":"ruined"}"#, token: app.readToken)
            try expectError(response, .forbidden, "forbidden")
            #expect(response.headers[.wwwAuthenticate] == insufficientScopeChallenge)
            #expect(try await app.storedItems() == [item])
        }
    }

    @Test func readTokenDeleteIs403AndDeletesNothing() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-03-01")
            let response = try await client.execute(uri: "\(orgasmsPath)?id=\(item.id)", method: .delete, headers: .bearer(app.readToken))
            try expectError(response, .forbidden, "forbidden")
            #expect(response.headers[.wwwAuthenticate] == insufficientScopeChallenge)
            #expect(try await app.storedItems() == [item])
        }
    }

    @Test func successfulRequestRecordsLastUse() async throws {
        try await TestApp.run { app, client in
            let before = try await app.store.token(id: app.readTokenID)
            #expect(before?.lastUsed == nil)
            let response = try await client.get(orgasmsPath, token: app.readToken)
            #expect(response.status == .ok)
            // Written just after the answer, off the request's path.
            try await waitUntil { try await app.store.token(id: app.readTokenID)?.lastUsed != nil }
            let after = try await app.store.token(id: app.readTokenID)
            #expect(after?.lastUsed == Timestamp(app.clock.now()))
        }
    }

    @Test func tokensOfAnotherUserSeeOnlyTheirOwnItems() async throws {
        try await TestApp.run { app, client in
            try await app.seed(date: "2026-03-01")
            let other = try await app.makeOtherUser()
            let otherItem = try await app.seed(date: "2026-03-02", userID: other.user.id)
            let data = try expectSuccess(try await client.get(orgasmsPath, token: other.writeToken))
            #expect(data["total"] == 1)
            #expect(data["items"] == [itemJSON(otherItem)])
        }
    }
}
