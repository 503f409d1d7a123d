public import ChastityTrackerDomain
public import HTTPTypes
public import Hummingbird

/// An error answer of the API: a code from the catalogue (``ErrorCode``, which fixes the status)
/// and a message for humans, sent in the seed's envelope. Every failure a client can see is
/// mapped to one of these in one place (``ErrorMiddleware``), and every answer is built by one
/// of the constructors below, so each code's wording lives here.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var code: ErrorCode
    public var message: String
    /// The offending parameter or field, when there is one.
    public var field: String?
    /// Extra headers the answer carries (`Allow`, `WWW-Authenticate`, `Retry-After`).
    public var headers: HTTPFields

    public var status: HTTPResponse.Status { code.status }

    init(_ code: ErrorCode, message: String, field: String? = nil, headers: HTTPFields = [:]) {
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    /// The answer to `request`: the envelope (docs/CONTRACT.md section 2), or under `/account/`
    /// the same status as a short HTML page, since those pages are never enveloped (section 12).
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        if AccountRoutes.isAccountPath(request.uri.path) { return AccountErrorPage.response(for: self) }
        var headers = self.headers
        headers[.contentType] = Envelope.contentType
        var writer = JSONWriter()
        Envelope.writeError(code: code.rawValue, message: message, field: field, to: &writer)
        return Response(status: status, headers: headers, body: .init(byteBuffer: writer.buffer))
    }
}

extension APIError {
    static let realm = #"Bearer realm="chastitytracker""#

    public static func validation(_ error: ValidationError) -> APIError {
        APIError(.validationError, message: error.message, field: error.field)
    }

    public static func validation(field: String?, _ message: String) -> APIError {
        validation(ValidationError(field: field, message: message))
    }

    public static func invalidJSON(_ message: String) -> APIError {
        APIError(.invalidJSON, message: message)
    }

    /// 401 for a token that was sent but is not (or no longer) valid.
    static var invalidToken: APIError {
        .unauthorized("the token is not valid (unknown, revoked or malformed)", tokenSent: true)
    }

    /// 401 for an access token past its expiry.
    static var expiredToken: APIError {
        .unauthorized("the token has expired", tokenSent: true)
    }

    /// 401; `tokenSent` adds `error="invalid_token"` to the challenge.
    public static func unauthorized(_ message: String, tokenSent: Bool) -> APIError {
        APIError(
            .unauthorized, message: message,
            headers: [.wwwAuthenticate: tokenSent ? realm + #", error="invalid_token""# : realm]
        )
    }

    public static let writeForbidden = APIError(
        .forbidden, message: "this token may only read; writing needs a token with write permission",
        headers: [.wwwAuthenticate: realm + #", error="insufficient_scope", scope="write""#]
    )

    public static let notFound = APIError(.notFound, message: "no such resource")

    public static let itemNotFound = APIError(.notFound, message: "no item with this id")

    /// A changes feed state that cannot be answered (docs/CONTRACT.md section 13).
    public static let stateExpired = APIError(
        .stateExpired,
        message:
            "this state cannot be answered (too old, from another database, or never issued): list the items again and start from the state the feed gives without since",
        field: "since")

    public static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [HTTPRequest.Method]) -> APIError {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(
            .methodNotAllowed,
            message: "method \(method.rawValue) is not allowed here; allowed: \(allow)",
            headers: [.allow: allow]
        )
    }

    public static let payloadTooLarge = APIError(
        .payloadTooLarge, message: "the request body is larger than 65536 bytes"
    )

    public static let uriTooLong = APIError(
        .uriTooLong,
        message: "the request target (path and query) is longer than \(RequestHeadLimits.maximumTargetSize) bytes"
    )

    public static let headersTooLarge = APIError(
        .headersTooLarge,
        message: "the request's header fields are larger than \(RequestHeadLimits.maximumHeaderSize) bytes"
    )

    /// The request's framing is broken (a malformed chunked body, or a body shorter than its
    /// `Content-Length`); the connection cannot be used for another request.
    public static let malformedRequest = APIError(
        .invalidJSON,
        message: "the request body could not be read: its chunked encoding or Content-Length is broken",
        headers: [.connection: "close"]
    )

    public static let unsupportedMediaType = APIError(
        .unsupportedMediaType,
        message: "the request body must be sent with Content-Type: application/json (UTF-8)"
    )

    public static let idempotencyInProgress = APIError(
        .idempotencyInProgress,
        message: "the first request with this Idempotency-Key is still being processed; retry shortly"
    )

    public static let internalError = APIError(
        .internalError, message: "an unexpected error occurred; it has been logged"
    )

    public static let unavailable = APIError(
        .unavailable, message: "the database cannot be reached; try again shortly"
    )

    /// 403: the insert would take the user past their record quota (docs/CONTRACT.md section 2).
    public static func quotaExceeded(quota: Int) -> APIError {
        APIError(
            .quotaExceeded,
            message: "this insert would take your records past the quota of \(quota); delete some records first"
        )
    }

    /// 403: a request that a TLS-terminating proxy says came over plain HTTP (docs/CONTRACT.md section 10).
    public static let httpsRequired = APIError(
        .httpsRequired,
        message: "this API is served over HTTPS only; the request came over plain HTTP (revoke the token if it was real)"
    )

    /// 422: the key was used before with another body (docs/CONTRACT.md section 7).
    public static let idempotencyConflict = APIError(
        .idempotencyConflict, message: "this Idempotency-Key was already used with a different request body", field: "Idempotency-Key"
    )

    /// 429 with `Retry-After` (the rate-limit headers are added by the caller).
    public static func rateLimited(limit: Int, retryAfter: Int64) -> APIError {
        APIError(
            .rateLimited, message: "this token made more than \(limit) requests this minute; retry after \(retryAfter) s",
            headers: [.retryAfter: String(retryAfter)]
        )
    }

    /// 503 from `/readyz`: the database answers but cannot be written.
    public static let notWritable = APIError(.unavailable, message: "the database cannot be written; try again shortly")

    /// 503 with `Retry-After`: the write queue is full (docs/CONTRACT.md section 2).
    public static let overloaded = APIError(
        .overloaded, message: "the server has too many writes waiting; retry shortly",
        headers: [.retryAfter: "1"]
    )
}
