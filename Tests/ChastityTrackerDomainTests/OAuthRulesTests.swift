import ChastityTrackerDomain
import Testing

/// The pure OAuth 2 rules of SPEC section 15: PKCE (RFC 7636), redirect URIs (RFC 8252, RFC 9700),
/// error responses (RFC 6749 section 5.2) and authorization requests (RFC 6749 section 4.1).
@Suite struct OAuthRulesTests {
    /// RFC 7636 Appendix B.
    static let rfcVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let rfcChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    // MARK: PKCE

    @Test("the S256 challenge of RFC 7636 Appendix B's verifier is the published one, and they verify")
    func rfcTestVector() {
        #expect(PKCE.challenge(for: Self.rfcVerifier) == Self.rfcChallenge)
        #expect(PKCE.isValidVerifier(Self.rfcVerifier))
        #expect(PKCE.isValidChallenge(Self.rfcChallenge))
        #expect(PKCE.verify(verifier: Self.rfcVerifier, challenge: Self.rfcChallenge))
    }

    /// `count` copies of `character`: the tables' long strings.
    static func run(_ count: Int, of character: String = "a") -> String {
        String(repeating: character, count: count)
    }

    /// Verifiers at and beyond the length bounds, and with each kind of character.
    static let verifiers: [(String, Bool)] = [
        (run(42), false),
        (run(43), true),
        (run(128, of: "Z"), true),
        (run(129, of: "9"), false),
        ("", false),
        ("-._~" + run(10, of: "aZ09"), true),
        (run(42) + "+", false),
        (run(42) + "/", false),
        (run(42) + "=", false),
        (run(42) + " ", false),
        (run(42) + "\u{E9}", false),
    ]

    @Test("a verifier is 43 to 128 characters of ALPHA, DIGIT, -, ., _ and ~", arguments: verifiers)
    func verifierShape(verifier: String, valid: Bool) {
        #expect(PKCE.isValidVerifier(verifier) == valid)
    }

    /// Challenges of the right and wrong lengths and alphabets.
    static let challenges: [(String, Bool)] = [
        (rfcChallenge, true),
        (run(43, of: "A"), true),
        ("-_" + run(41, of: "z"), true),
        (run(42, of: "A"), false),
        (run(44, of: "A"), false),
        (rfcChallenge + "=", false),
        (run(42, of: "A") + "+", false),
        (run(42, of: "A") + "/", false),
        (run(42, of: "A") + ".", false),
        (run(42, of: "A") + "~", false),
        ("", false),
    ]

    @Test("an S256 challenge is exactly 43 base64url characters without padding", arguments: challenges)
    func challengeShape(challenge: String, valid: Bool) {
        #expect(PKCE.isValidChallenge(challenge) == valid)
    }

    /// Pairs that must not verify: another verifier, a malformed (too short) one whose challenge
    /// is nevertheless its own, the verifier as its own challenge, another challenge, a truncated
    /// one, none.
    static let mismatches: [(String, String)] = {
        let short = String(rfcVerifier.prefix(42))
        return [
            (String(rfcVerifier.dropLast()) + "l", rfcChallenge),
            (short, PKCE.challenge(for: short)),
            (rfcVerifier, rfcVerifier),
            (rfcVerifier, String(rfcChallenge.dropLast()) + "N"),
            (rfcVerifier, String(rfcChallenge.dropLast())),
            (rfcVerifier, ""),
        ]
    }()

    @Test("verification fails for another verifier, a malformed verifier, or another challenge", arguments: mismatches)
    func verificationFails(verifier: String, challenge: String) {
        #expect(!PKCE.verify(verifier: verifier, challenge: challenge))
    }

    // MARK: Redirect URIs

    @Test(
        "https, loopback IP literal and reverse-DNS private-use redirect URIs are accepted as written",
        arguments: [
            ("https://app.example.com/callback", "app.example.com"),
            ("https://app.example.com:8443/oauth/cb?from=tracker", "app.example.com"),
            ("https://App.Example.com/Callback", "App.Example.com"),
            ("https://example.com/", "example.com"),
            ("https://192.0.2.1/cb", "192.0.2.1"),
            ("https://[2001:db8::1]:8443/cb", "2001:db8::1"),
            ("https://example.com/a%20b", "example.com"),
            ("http://127.0.0.1/cb", "127.0.0.1"),
            ("http://127.0.0.1:51004/oauth/callback?x=1", "127.0.0.1"),
            ("http://[::1]:8080/cb", "::1"),
            ("http://[::1]/", "::1"),
            ("com.example.app:/cb", "com.example.app"),
            ("com.example.app:/oauth2redirect/example-provider", "com.example.app"),
            ("org.example-tracker.ios+dev:/", "org.example-tracker.ios+dev"),
        ])
    func acceptsRedirect(text: String, host: String) throws {
        let uri = try RedirectURI(text)
        #expect(uri.text == text)
        #expect(uri.host == host)
    }

    @Test(
        "other redirect URIs are refused, each with the rule it breaks",
        arguments: [
            ("", OAuthRegistrationError.empty),
            ("https://example.com/" + String(repeating: "a", count: 2029), .tooLong),
            ("https://example.com/a b", .invalidCharacters),
            (" https://example.com/cb", .invalidCharacters),
            ("https://example.com/caf\u{E9}", .invalidCharacters),
            ("https://example.com\\@evil.example/", .invalidCharacters),
            ("https://example.com/[x]", .invalidCharacters),
            ("com.example.app:/[x]", .invalidCharacters),
            ("https://example.com/%2", .malformedEscape),
            ("https://example.com/%zz", .malformedEscape),
            ("https://example.com/cb#frag", .fragment),
            ("https://example.com/cb#", .fragment),
            ("http://127.0.0.1/cb#x", .fragment),
            ("example.com/cb", .missingScheme),
            ("127.0.0.1:8080/cb", .missingScheme),
            (":/cb", .missingScheme),
            ("https:/example.com/cb", .missingAuthority),
            ("https:example.com", .missingAuthority),
            ("https://user:pw@example.com/cb", .credentials),
            ("https://example.com@evil.example/cb", .credentials),
            ("https:///cb", .missingHost),
            ("https://:443/cb", .missingHost),
            ("https://[]/cb", .missingHost),
            ("https://exa_mple.com/cb", .invalidHost),
            ("https://example.com./cb", .invalidHost),
            ("https://-example.com/cb", .invalidHost),
            ("https://[example.com]/cb", .invalidHost),
            ("https://[::1]x/cb", .invalidHost),
            ("https://a:1:2/cb", .invalidHost),
            ("https://example.com:0/cb", .invalidPort),
            ("https://example.com:65536/cb", .invalidPort),
            ("https://example.com:/cb", .invalidPort),
            ("https://example.com:443x/cb", .invalidPort),
            ("https://example.com", .missingPath),
            ("https://example.com?x=1", .missingPath),
            ("http://localhost/cb", .localhost),
            ("http://LOCALHOST:8080/cb", .localhost),
            ("http://app.localhost/cb", .localhost),
            ("http://example.com/cb", .insecureHTTP),
            ("http://127.0.0.2/cb", .insecureHTTP),
            ("http://127.1/cb", .insecureHTTP),
            ("http://[0:0:0:0:0:0:0:1]/cb", .insecureHTTP),
            ("http://192.168.1.10/cb", .insecureHTTP),
            ("myapp:/cb", .privateUseScheme),
            ("javascript:alert(1)", .privateUseScheme),
            ("com..example:/cb", .privateUseScheme),
            ("com.example.:/cb", .privateUseScheme),
            ("com.example.app://cb", .privateUsePath),
            ("com.example.app:cb", .privateUsePath),
            ("com.example.app:", .privateUsePath),
        ])
    func refusesRedirect(text: String, error: OAuthRegistrationError) {
        #expect(throws: error) { try RedirectURI(text) }
    }

    @Test("every registration error has a one-line message")
    func registrationMessages() {
        let errors: [OAuthRegistrationError] = [
            .empty, .tooLong, .invalidCharacters, .malformedEscape, .fragment, .missingScheme, .missingAuthority, .credentials,
            .missingHost, .invalidHost, .invalidPort, .missingPath, .localhost, .insecureHTTP, .privateUseScheme, .privateUsePath,
        ]
        for error in errors {
            #expect(!error.message.isEmpty)
            #expect(!error.message.contains("\n"))
        }
        #expect(OAuthRegistrationError.localhost.message.contains("127.0.0.1"))
    }

    @Test(
        "a registered redirect URI matches a requested one exactly, except the port of a loopback IP literal",
        arguments: [
            ("https://app.example.com/cb", "https://app.example.com/cb", true),
            ("https://app.example.com/cb?a=1", "https://app.example.com/cb?a=1", true),
            ("com.example.app:/cb", "com.example.app:/cb", true),
            ("http://127.0.0.1/cb", "http://127.0.0.1/cb", true),
            ("http://127.0.0.1/cb", "http://127.0.0.1:51004/cb", true),
            ("http://127.0.0.1:8080/cb", "http://127.0.0.1:51004/cb", true),
            ("http://127.0.0.1:8080/cb", "http://127.0.0.1/cb", true),
            ("http://[::1]/cb?x=1", "http://[::1]:9000/cb?x=1", true),
            // Path, query, scheme or host differ.
            ("https://app.example.com/cb", "https://app.example.com/cb/", false),
            ("https://app.example.com/cb", "https://app.example.com/cb2", false),
            ("https://app.example.com/cb", "https://app.example.com/cb?x=1", false),
            ("https://app.example.com/cb?a=1", "https://app.example.com/cb?a=2", false),
            ("https://app.example.com/cb", "http://app.example.com/cb", false),
            ("https://app.example.com/cb", "https://evil.example.com/cb", false),
            ("https://app.example.com/cb", "https://app.example.com.evil.example/cb", false),
            ("http://127.0.0.1/cb", "http://127.0.0.1:51004/cb2", false),
            ("http://127.0.0.1/cb", "http://127.0.0.1:51004/cb?x=1", false),
            ("http://127.0.0.1/cb", "http://[::1]:51004/cb", false),
            ("http://127.0.0.1/cb", "http://localhost:51004/cb", false),
            ("http://127.0.0.1/cb", "https://127.0.0.1:51004/cb", false),
            ("http://127.0.0.1/cb", "http://127.0.0.1:0/cb", false),
            ("http://127.0.0.1/cb", "http://127.0.0.1:51004/cb#x", false),
            ("com.example.app:/cb", "com.example.app:/cb2", false),
            ("com.example.app:/cb", "com.example.other:/cb", false),
            // The port of anything but a loopback redirect must match too.
            ("https://app.example.com/cb", "https://app.example.com:443/cb", false),
            ("https://app.example.com:8443/cb", "https://app.example.com:9443/cb", false),
            ("https://127.0.0.1/cb", "https://127.0.0.1:8443/cb", false),
            // Case differences are differences.
            ("https://app.example.com/cb", "https://APP.example.com/cb", false),
            ("https://app.example.com/cb", "https://app.example.com/CB", false),
            ("https://app.example.com/cb", "HTTPS://app.example.com/cb", false),
            ("http://127.0.0.1/cb", "HTTP://127.0.0.1:51004/cb", false),
            ("http://127.0.0.1/cb", "http://127.0.0.1:51004/Cb", false),
            ("com.example.app:/cb", "COM.example.app:/cb", false),
            // Escapes are not decoded.
            ("https://app.example.com/a%20b", "https://app.example.com/a b", false),
            ("https://app.example.com/a%2Fb", "https://app.example.com/a%2fb", false),
            // U+212A KELVIN SIGN, which Swift's == calls equal to K.
            ("https://app.example.com/K", "https://app.example.com/\u{212A}", false),
            ("", "", false),
        ])
    func matching(registered: String, requested: String, matches: Bool) throws {
        guard !registered.isEmpty else {
            #expect(throws: OAuthRegistrationError.empty) { try RedirectURI(registered) }
            return
        }
        #expect(try RedirectURI(registered).matches(requested) == matches)
    }

    // MARK: Errors

    @Test(
        "each OAuth error answers with RFC 6749's code, its description and its status",
        arguments: [
            (
                OAuthError.invalidRequest(), 400,
                #"{"error":"invalid_request","error_description":"The request is missing a parameter, repeats one, or has a malformed one."}"#
            ),
            (OAuthError.invalidClient(), 400, #"{"error":"invalid_client","error_description":"The client is unknown."}"#),
            (
                OAuthError.invalidGrant(), 400,
                #"{"error":"invalid_grant","error_description":"The grant is invalid, expired, revoked, already used, or was issued to another client."}"#
            ),
            (
                OAuthError.unauthorizedClient(), 400,
                #"{"error":"unauthorized_client","error_description":"The client may not use this grant type."}"#
            ),
            (
                OAuthError.unsupportedGrantType(), 400,
                #"{"error":"unsupported_grant_type","error_description":"The grant_type must be authorization_code or refresh_token."}"#
            ),
            (OAuthError.invalidScope(), 400, #"{"error":"invalid_scope","error_description":"The scope must be read or write."}"#),
            (OAuthError.accessDenied(), 400, #"{"error":"access_denied","error_description":"The person denied the request."}"#),
            (
                OAuthError.unsupportedResponseType(), 400,
                #"{"error":"unsupported_response_type","error_description":"The response_type must be code."}"#
            ),
            (
                OAuthError.serverError(), 500,
                #"{"error":"server_error","error_description":"The server could not complete the request."}"#
            ),
            (
                OAuthError.temporarilyUnavailable(), 503,
                #"{"error":"temporarily_unavailable","error_description":"The server is temporarily unavailable; try again later."}"#
            ),
            (
                OAuthError.invalidGrant("The code_verifier does not match the code_challenge."), 400,
                #"{"error":"invalid_grant","error_description":"The code_verifier does not match the code_challenge."}"#
            ),
        ])
    func errorResponses(error: OAuthError, status: Int, json: String) {
        #expect(error.json == json)
        #expect(error.status == status)
    }

    @Test("every error code has a static constructor whose default description is within RFC 6749's characters")
    func everyCodeHasAConstructor() {
        let errors: [OAuthError] = [
            .invalidRequest(), .invalidClient(), .invalidGrant(), .unauthorizedClient(), .unsupportedGrantType(), .invalidScope(),
            .accessDenied(), .unsupportedResponseType(), .serverError(), .temporarilyUnavailable(),
        ]
        #expect(errors.map(\.code) == OAuthError.Code.allCases)
        for error in errors {
            #expect(!error.description.isEmpty)
            #expect(error.description.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" })
        }
    }

    @Test(
        "a description is confined to the characters RFC 6749 allows, so the JSON needs no escape",
        arguments: [
            ("say \"no\"", "say 'no'"),
            (#"C:\path"#, "C:/path"),
            ("two\nlines\ttab", "two?lines?tab"),
            ("caf\u{E9} \u{2026}", "caf? ?"),
            ("plain ASCII: #1 [ok] {fine} ~!", "plain ASCII: #1 [ok] {fine} ~!"),
        ])
    func descriptionCharacters(given: String, kept: String) {
        let error = OAuthError.invalidRequest(given)
        #expect(error.description == kept)
        #expect(error.json == #"{"error":"invalid_request","error_description":""# + kept + #""}"#)
    }

    // MARK: Authorization requests

    static let client = "cl_abc"
    static let redirect = "https://app.example.com/cb"

    /// A valid request's parameters, with `changes` applied: a `nil` value removes the parameter.
    static func items(_ changes: [String: String?] = [:]) -> [(String, String)] {
        var base: [(String, String)] = [
            ("response_type", "code"), ("client_id", client), ("redirect_uri", redirect), ("scope", "read"),
            ("state", "xyz"), ("code_challenge", rfcChallenge), ("code_challenge_method", "S256"),
        ]
        for (name, value) in changes {
            if let index = base.firstIndex(where: { $0.0 == name }) {
                if let value { base[index].1 = value } else { base.remove(at: index) }
            } else if let value {
                base.append((name, value))
            }
        }
        return base
    }

    @Test("a complete request with an S256 challenge is accepted with every field")
    func acceptsRequest() {
        let expected = AuthorizationRequest(
            clientID: Self.client, redirectURI: Self.redirect, scope: .read, state: "xyz", codeChallenge: Self.rfcChallenge)
        #expect(AuthorizationRequest.parse(Self.items()) == .success(expected))
        let write = AuthorizationRequest(
            clientID: Self.client, redirectURI: Self.redirect, scope: .write, state: nil, codeChallenge: Self.rfcChallenge)
        #expect(AuthorizationRequest.parse(Self.items(["scope": "write", "state": nil])) == .success(write))
    }

    @Test("an empty state counts as none, unknown parameters are ignored even when repeated, and 500 bytes of state are accepted")
    func lenientParts() throws {
        #expect(try AuthorizationRequest.parse(Self.items(["state": ""])).get().state == nil)
        #expect(try AuthorizationRequest.parse(Self.items() + [("resource", "a"), ("resource", "b"), ("prompt", "")]).get().clientID == Self.client)
        let longest = String(repeating: "s", count: 500)
        #expect(try AuthorizationRequest.parse(Self.items(["state": longest])).get().state == longest)
    }

    @Test(
        "a missing or repeated client_id or redirect_uri is refused without a redirect",
        arguments: [
            (items(["client_id": nil]), AuthorizationRequestError.missingClientID),
            (items(["client_id": ""]), .missingClientID),
            (items() + [("client_id", "cl_other")], .repeatedClientID),
            (items() + [("client_id", client)], .repeatedClientID),
            (items(["redirect_uri": nil]), .missingRedirectURI),
            (items(["redirect_uri": ""]), .missingRedirectURI),
            (items() + [("redirect_uri", "https://evil.example/cb")], .repeatedRedirectURI),
            (items(["client_id": nil, "redirect_uri": nil, "response_type": "token"]), .missingClientID),
            (items(["redirect_uri": nil, "code_challenge_method": "plain"]), .missingRedirectURI),
            ([], .missingClientID),
        ])
    func refusesWithoutRedirect(items: [(String, String)], error: AuthorizationRequestError) {
        #expect(AuthorizationRequest.parse(items) == .failure(error))
        #expect(!error.isRedirectable)
        #expect(!error.message.isEmpty)
    }

    @Test(
        "every other refusal is redirected with its RFC error and the state",
        arguments: [
            (items(["response_type": "token"]), OAuthError.unsupportedResponseType(), "xyz" as String?),
            (items(["response_type": "code id_token"]), .unsupportedResponseType(), "xyz"),
            (items(["response_type": nil]), .invalidRequest("The response_type parameter is missing; it must be code."), "xyz"),
            (items(["scope": nil]), .invalidScope(), "xyz"),
            (items(["scope": "read write"]), .invalidScope(), "xyz"),
            (items(["scope": "admin"]), .invalidScope(), "xyz"),
            (items(["scope": "READ"]), .invalidScope(), "xyz"),
            (items(["code_challenge": nil]), .invalidRequest("The code_challenge parameter is missing; PKCE with S256 is required."), "xyz"),
            (
                items(["code_challenge": nil, "code_challenge_method": nil]),
                .invalidRequest("The code_challenge parameter is missing; PKCE with S256 is required."), "xyz"
            ),
            (items(["code_challenge_method": "plain"]), .invalidRequest("The code_challenge_method must be S256; plain is not supported."), "xyz"),
            (items(["code_challenge_method": "s256"]), .invalidRequest("The code_challenge_method must be S256; plain is not supported."), "xyz"),
            (items(["code_challenge_method": nil]), .invalidRequest("The code_challenge_method parameter is missing; it must be S256."), "xyz"),
            (
                items(["code_challenge_method": nil, "state": nil]),
                .invalidRequest("The code_challenge_method parameter is missing; it must be S256."), nil
            ),
            (
                items(["code_challenge": rfcVerifier + "x"]),
                .invalidRequest("The code_challenge must be 43 base64url characters, the S256 challenge of the verifier."), "xyz"
            ),
            (
                items(["code_challenge": rfcChallenge + "="]),
                .invalidRequest("The code_challenge must be 43 base64url characters, the S256 challenge of the verifier."), "xyz"
            ),
            (items() + [("scope", "write")], .invalidRequest("The scope parameter is repeated."), "xyz"),
            (items() + [("response_type", "code")], .invalidRequest("The response_type parameter is repeated."), "xyz"),
            (items() + [("code_challenge", rfcChallenge)], .invalidRequest("The code_challenge parameter is repeated."), "xyz"),
            (items() + [("code_challenge_method", "plain")], .invalidRequest("The code_challenge_method parameter is repeated."), "xyz"),
            (items() + [("state", "abc")], .invalidRequest("The state parameter is repeated."), nil),
            (items(["state": String(repeating: "s", count: 501)]), .invalidRequest("The state is longer than 500 bytes."), nil),
        ])
    func refusesWithRedirect(items: [(String, String)], error: OAuthError, state: String?) {
        let expected = AuthorizationRequestError.redirectable(error, clientID: Self.client, redirectURI: Self.redirect, state: state)
        #expect(AuthorizationRequest.parse(items) == .failure(expected))
        #expect(expected.isRedirectable)
        #expect(expected.message == error.description)
    }

    @Test("an approval redirect carries code, state and iss, percent-encoded, after ? or &")
    func approvalRedirect() {
        let request = AuthorizationRequest(
            clientID: Self.client, redirectURI: Self.redirect, scope: .read, state: "a b&c=d/é", codeChallenge: Self.rfcChallenge)
        #expect(
            request.redirect(to: "https://app.example.com/cb", code: "SplxlOBeZQQYbYS6WxSbIA", issuer: "https://tracker.example")
                == "https://app.example.com/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=a%20b%26c%3Dd%2F%C3%A9&iss=https%3A%2F%2Ftracker.example")
        #expect(
            request.redirect(to: "https://app.example.com/cb?from=tracker", code: "c-1._~", issuer: "https://tracker.example/base")
                == "https://app.example.com/cb?from=tracker&code=c-1._~&state=a%20b%26c%3Dd%2F%C3%A9&iss=https%3A%2F%2Ftracker.example%2Fbase")
        var stateless = request
        stateless.state = nil
        #expect(
            stateless.redirect(to: "http://127.0.0.1:51004/cb", code: "abc", issuer: "https://tracker.example")
                == "http://127.0.0.1:51004/cb?code=abc&iss=https%3A%2F%2Ftracker.example")
        #expect(
            stateless.redirect(to: "com.example.app:/cb?", code: "abc", issuer: "https://t.example")
                == "com.example.app:/cb?code=abc&iss=https%3A%2F%2Ft.example")
    }

    @Test("an error redirect carries error, error_description, state and iss, percent-encoded, after ? or &")
    func errorRedirect() {
        #expect(
            AuthorizationRequest.errorRedirect(
                to: "https://app.example.com/cb", error: .accessDenied(), state: "x y&z", issuer: "https://tracker.example")
                == "https://app.example.com/cb?error=access_denied&error_description=The%20person%20denied%20the%20request."
                + "&state=x%20y%26z&iss=https%3A%2F%2Ftracker.example")
        #expect(
            AuthorizationRequest.errorRedirect(
                to: "https://app.example.com/cb?a=1", error: .invalidScope(), state: nil, issuer: "https://tracker.example")
                == "https://app.example.com/cb?a=1&error=invalid_scope&error_description=The%20scope%20must%20be%20read%20or%20write."
                + "&iss=https%3A%2F%2Ftracker.example")
    }

    @Test("a scope grants the permission of the same name")
    func scopePermission() {
        #expect(OAuthScope.read.permission == .read)
        #expect(OAuthScope.write.permission == .write)
        #expect(OAuthScope.allCases.map(\.rawValue) == ["read", "write"])
    }
}
