/// An OAuth 2 error response: the JSON body of the token and revocation endpoints (RFC 6749
/// section 5.2), or the `error` and `error_description` parameters of a redirect from the
/// authorization endpoint (section 4.1.2.1).
///
/// `/oauth/*` answers as the RFCs say rather than in this API's envelope, because the clients that
/// read these answers are OAuth libraries, which know only the RFC's shape.
public struct OAuthError: Error, Sendable, Hashable {
    /// The error codes RFC 6749 defines for the authorization and token endpoints.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A parameter is missing, repeated, unsupported or malformed.
        case invalidRequest = "invalid_request"
        /// The client is unknown, or authenticated itself wrongly (token endpoint only).
        case invalidClient = "invalid_client"
        /// The code or refresh token is invalid, expired, revoked, used, or was issued to another
        /// client or redirect URI; or the PKCE verifier does not match (token endpoint only).
        case invalidGrant = "invalid_grant"
        /// The client may not use this grant type or response type.
        case unauthorizedClient = "unauthorized_client"
        /// The token endpoint does not know the `grant_type`.
        case unsupportedGrantType = "unsupported_grant_type"
        /// The scope is unknown or malformed.
        case invalidScope = "invalid_scope"
        /// The person denied the request (authorization endpoint only).
        case accessDenied = "access_denied"
        /// The authorization endpoint does not support the `response_type` (authorization endpoint only).
        case unsupportedResponseType = "unsupported_response_type"
        /// Something unexpected went wrong on the server.
        case serverError = "server_error"
        /// The server cannot answer now (overloaded or under maintenance).
        case temporarilyUnavailable = "temporarily_unavailable"
    }

    /// What went wrong, for the client's software.
    public let code: Code
    /// What went wrong, for the app's developer (the RFC's `error_description`); only characters
    /// RFC 6749 allows there (see ``init(_:description:)``).
    public let description: String

    /// An error with `description` made fit for `error_description`: RFC 6749 allows only printable
    /// ASCII without `"` and `\` there (%x20-21 / %x23-5B / %x5D-7E), so `"` becomes `'`, `\`
    /// becomes `/`, and any other character outside that set becomes `?`. Write descriptions within
    /// the set; the replacement only keeps a slip from producing a response a strict client rejects.
    public init(_ code: Code, description: String) {
        self.code = code
        self.description = String(String.UnicodeScalarView(description.unicodeScalars.map(Self.allowedInDescription)))
    }

    /// `invalid_request`: a parameter is missing, repeated, unsupported or malformed.
    public static func invalidRequest(_ description: String = "The request is missing a parameter, repeats one, or has a malformed one.")
        -> OAuthError
    {
        OAuthError(.invalidRequest, description: description)
    }

    /// `invalid_client`: the client is unknown (answered with 400: the client attempted no
    /// authentication, and a 401 would need a `WWW-Authenticate` challenge it could answer).
    public static func invalidClient(_ description: String = "The client is unknown.") -> OAuthError {
        OAuthError(.invalidClient, description: description)
    }

    /// `invalid_grant`: the code or refresh token cannot be used, or the verifier does not match.
    public static func invalidGrant(
        _ description: String = "The grant is invalid, expired, revoked, already used, or was issued to another client."
    ) -> OAuthError {
        OAuthError(.invalidGrant, description: description)
    }

    /// `unauthorized_client`: the client may not use this grant or response type.
    public static func unauthorizedClient(_ description: String = "The client may not use this grant type.") -> OAuthError {
        OAuthError(.unauthorizedClient, description: description)
    }

    /// `unsupported_grant_type`: only `authorization_code` and `refresh_token` are known.
    public static func unsupportedGrantType(
        _ description: String = "The grant_type must be authorization_code or refresh_token."
    ) -> OAuthError {
        OAuthError(.unsupportedGrantType, description: description)
    }

    /// `invalid_scope`: the scope is neither `read` nor `write`.
    public static func invalidScope(_ description: String = "The scope must be read or write.") -> OAuthError {
        OAuthError(.invalidScope, description: description)
    }

    /// `access_denied`: the person denied the request on the consent page.
    public static func accessDenied(_ description: String = "The person denied the request.") -> OAuthError {
        OAuthError(.accessDenied, description: description)
    }

    /// `unsupported_response_type`: only `code` is supported.
    public static func unsupportedResponseType(_ description: String = "The response_type must be code.") -> OAuthError {
        OAuthError(.unsupportedResponseType, description: description)
    }

    /// `server_error`: something unexpected went wrong; the details are in the server's log only.
    public static func serverError(_ description: String = "The server could not complete the request.") -> OAuthError {
        OAuthError(.serverError, description: description)
    }

    /// `temporarily_unavailable`: the server cannot answer now; try again later.
    public static func temporarilyUnavailable(_ description: String = "The server is temporarily unavailable; try again later.") -> OAuthError {
        OAuthError(.temporarilyUnavailable, description: description)
    }

    /// The HTTP status of this error as an endpoint's JSON answer: 400 as RFC 6749 section 5.2
    /// says, `invalid_client` included (section 5.2 allows 401 for it, but a 401 must carry a
    /// `WWW-Authenticate` challenge, and a public client has no credentials to answer one). The two
    /// errors section 5.2 does not define, which only an authorization redirect carries, keep
    /// their meaning if an endpoint answers with them: 500 for `server_error` and 503 for
    /// `temporarily_unavailable`.
    public var status: Int {
        switch code {
        case .serverError: 500
        case .temporarilyUnavailable: 503
        default: 400
        }
    }

    /// The JSON body, `{"error":"…","error_description":"…"}`. Both strings hold only characters
    /// that JSON takes literally (the codes are fixed, and ``description`` holds no `"`, `\` or
    /// control character), so no escape is ever needed.
    public var json: String {
        #"{"error":"\#(code.rawValue)","error_description":"\#(description)"}"#
    }

    /// `scalar` if RFC 6749 allows it in `error_description`, otherwise its replacement.
    private static func allowedInDescription(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x20...0x21, 0x23...0x5B, 0x5D...0x7E: scalar
        case 0x22: "'"
        case 0x5C: "/"
        default: "?"
        }
    }
}
