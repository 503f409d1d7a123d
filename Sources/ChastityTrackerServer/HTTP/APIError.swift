public import ChastityTrackerDomain
public import HTTPTypes
public import Hummingbird

/// An error answer of the API: a status, a stable code and a message for humans, sent in the
/// seed's envelope. Every failure a client can see is mapped to one of these in one place
/// (``ErrorMiddleware``).
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// The offending parameter or field, when there is one.
    public var field: String?
    /// Extra headers the answer carries (`Allow`, `WWW-Authenticate`, `Retry-After`).
    public var headers: HTTPFields

    public init(status: HTTPResponse.Status, code: String, message: String, field: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = Envelope.contentType
        var writer = JSONWriter()
        Envelope.writeError(code: code, message: message, field: field, to: &writer)
        return Response(status: status, headers: headers, body: .init(byteBuffer: writer.buffer))
    }
}

extension APIError {
    static let realm = #"Bearer realm="chastitytracker""#

    public static func validation(_ error: ValidationError) -> APIError {
        APIError(status: .badRequest, code: "validation_error", message: error.message, field: error.field)
    }

    public static func validation(field: String?, _ message: String) -> APIError {
        validation(ValidationError(field: field, message: message))
    }

    public static func invalidJSON(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_json", message: message)
    }

    /// 401; `tokenSent` adds `error="invalid_token"` to the challenge.
    public static func unauthorized(_ message: String, tokenSent: Bool) -> APIError {
        APIError(
            status: .unauthorized, code: "unauthorized", message: message,
            headers: [.wwwAuthenticate: tokenSent ? realm + #", error="invalid_token""# : realm]
        )
    }

    public static let writeForbidden = APIError(
        status: .forbidden, code: "forbidden", message: "this token may only read; writing needs a token with write permission",
        headers: [.wwwAuthenticate: realm + #", error="insufficient_scope", scope="write""#]
    )

    public static let notFound = APIError(status: .notFound, code: "not_found", message: "no such resource")

    public static let itemNotFound = APIError(status: .notFound, code: "not_found", message: "no item with this id")

    public static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [HTTPRequest.Method]) -> APIError {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(
            status: .methodNotAllowed, code: "method_not_allowed",
            message: "method \(method.rawValue) is not allowed here; allowed: \(allow)",
            headers: [.allow: allow]
        )
    }

    public static let payloadTooLarge = APIError(
        status: .contentTooLarge, code: "payload_too_large", message: "the request body is larger than 65536 bytes"
    )

    public static let uriTooLong = APIError(
        status: .uriTooLong, code: "uri_too_long",
        message: "the request target (path and query) is longer than \(RequestHeadLimits.maximumTargetSize) bytes"
    )

    public static let headersTooLarge = APIError(
        status: .requestHeaderFieldsTooLarge, code: "headers_too_large",
        message: "the request's header fields are larger than \(RequestHeadLimits.maximumHeaderSize) bytes"
    )

    /// The request's framing is broken (a malformed chunked body, or a body shorter than its
    /// `Content-Length`); the connection cannot be used for another request.
    public static let malformedRequest = APIError(
        status: .badRequest, code: "invalid_json",
        message: "the request body could not be read: its chunked encoding or Content-Length is broken",
        headers: [.connection: "close"]
    )

    public static let unsupportedMediaType = APIError(
        status: .unsupportedMediaType, code: "unsupported_media_type",
        message: "the request body must be sent with Content-Type: application/json (UTF-8)"
    )

    public static let idempotencyInProgress = APIError(
        status: .conflict, code: "idempotency_in_progress",
        message: "the first request with this Idempotency-Key is still being processed; retry shortly"
    )

    public static let internalError = APIError(
        status: .internalServerError, code: "internal_error", message: "an unexpected error occurred; it has been logged"
    )

    public static let unavailable = APIError(
        status: .serviceUnavailable, code: "unavailable", message: "the database cannot be reached; try again shortly"
    )

    /// 403: the insert would take the user past their record quota (docs/CONTRACT.md section 2).
    public static func quotaExceeded(quota: Int) -> APIError {
        APIError(
            status: .forbidden, code: "quota_exceeded",
            message: "this insert would take your records past the quota of \(quota); delete some records first"
        )
    }

    /// 503 with `Retry-After`: the write queue is full (docs/CONTRACT.md section 2).
    public static let overloaded = APIError(
        status: .serviceUnavailable, code: "overloaded", message: "the server has too many writes waiting; retry shortly",
        headers: [.retryAfter: "1"]
    )
}
