public import HTTPTypes

/// Every error code the API can answer, each with its one status: the catalogue of
/// docs/CONTRACT.md section 2 (a test holds the two equal). The messages are written beside
/// them, in ``APIError``'s constructors.
public enum ErrorCode: String, CaseIterable, Sendable {
    case validationError = "validation_error"
    case invalidJSON = "invalid_json"
    case unauthorized
    case forbidden
    case httpsRequired = "https_required"
    case quotaExceeded = "quota_exceeded"
    case notFound = "not_found"
    case stateExpired = "state_expired"
    case methodNotAllowed = "method_not_allowed"
    case idempotencyInProgress = "idempotency_in_progress"
    case payloadTooLarge = "payload_too_large"
    case uriTooLong = "uri_too_long"
    case unsupportedMediaType = "unsupported_media_type"
    case idempotencyConflict = "idempotency_conflict"
    case rateLimited = "rate_limited"
    case headersTooLarge = "headers_too_large"
    case internalError = "internal_error"
    case unavailable
    case overloaded

    /// The status every answer with this code has.
    public var status: HTTPResponse.Status {
        switch self {
        case .validationError, .invalidJSON: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden, .httpsRequired, .quotaExceeded: .forbidden
        case .notFound: .notFound
        case .stateExpired: .gone
        case .methodNotAllowed: .methodNotAllowed
        case .idempotencyInProgress: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .uriTooLong: .uriTooLong
        case .unsupportedMediaType: .unsupportedMediaType
        case .idempotencyConflict: .unprocessableContent
        case .rateLimited: .tooManyRequests
        case .headersTooLarge: .requestHeaderFieldsTooLarge
        case .internalError: .internalServerError
        case .unavailable, .overloaded: .serviceUnavailable
        }
    }
}
