/// An error answer of the API (docs/CONTRACT.md section 2), or an answer the client could not read.
///
/// `code` is the API's machine-readable code (`validation_error`, `unauthorized`, `forbidden`,
/// `not_found`, `rate_limited`, `unavailable`, …); the client's own code for an answer that is not
/// an error envelope is `unexpected_response`.
public struct ChastityTrackerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status of the answer (0 when there was no answer to speak of).
    public let status: Int
    /// The error code, e.g. `validation_error`.
    public let code: String
    /// The server's human-readable message.
    public let message: String
    /// The request field the error is about (for `validation_error`), if any.
    public let field: String?
    /// The answer's `X-Request-ID`: quote it when reporting a problem.
    public let requestID: String?
    /// The answer's `Retry-After`, in seconds (429, and some 503 answers).
    public let retryAfter: Int?

    /// Creates an error; the client makes these from answers, apps need this only in their tests.
    public init(
        status: Int, code: String, message: String, field: String? = nil, requestID: String? = nil,
        retryAfter: Int? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.requestID = requestID
        self.retryAfter = retryAfter
    }

    /// `HTTP 400 validation_error (field: date): …, request id …`
    public var description: String {
        var text = "HTTP \(status) \(code)"
        if let field { text += " (field: \(field))" }
        text += ": \(message)"
        if let requestID { text += ", request id \(requestID)" }
        return text
    }

    /// The code of an answer that is not what the API documents.
    static let unexpectedCode = "unexpected_response"

    static func unexpected(_ message: String, status: Int = 0, requestID: String? = nil, retryAfter: Int? = nil) -> ChastityTrackerError {
        ChastityTrackerError(status: status, code: unexpectedCode, message: message, requestID: requestID, retryAfter: retryAfter)
    }
}
