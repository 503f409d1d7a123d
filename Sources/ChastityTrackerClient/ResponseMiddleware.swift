import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Records the rate-limit headers and request id of every answer and turns an error answer into
/// ``ChastityTrackerError``, decoding its envelope with the generated `ErrorEnvelope`.
struct ResponseMiddleware: ClientMiddleware {
    /// Error and success bodies are small (docs/CONTRACT.md section 4: at most 200 items a page).
    static let maximumBodySize = 4 * 1024 * 1024

    static let requestIDHeader = HTTPField.Name("X-Request-ID")!
    static let limitHeader = HTTPField.Name("X-RateLimit-Limit")!
    static let remainingHeader = HTTPField.Name("X-RateLimit-Remaining")!
    static let resetHeader = HTTPField.Name("X-RateLimit-Reset")!

    let state: ResponseState

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        let requestID = response.headerFields[Self.requestIDHeader]
        state.record(rateLimit: Self.rateLimit(response.headerFields), requestID: requestID)
        guard response.status.kind == .clientError || response.status.kind == .serverError else {
            return (response, responseBody)
        }
        var data = Data()
        if let responseBody { data = try await Data(collecting: responseBody, upTo: Self.maximumBodySize) }
        let retryAfter = response.headerFields[.retryAfter].flatMap { Int($0) }
        guard let envelope = try? JSONDecoder().decode(Components.Schemas.ErrorEnvelope.self, from: data) else {
            throw ChastityTrackerError.unexpected(
                "HTTP \(response.status.code) without an error envelope", status: response.status.code, requestID: requestID,
                retryAfter: retryAfter)
        }
        throw ChastityTrackerError(
            status: response.status.code, code: envelope.error.code.rawValue, message: envelope.error.message,
            field: envelope.error.field, requestID: requestID, retryAfter: retryAfter
        )
    }

    static func rateLimit(_ fields: HTTPFields) -> ChastityTrackerClient.RateLimit? {
        guard let limit = fields[limitHeader].flatMap({ Int($0) }),
            let remaining = fields[remainingHeader].flatMap({ Int($0) }),
            let reset = fields[resetHeader].flatMap({ Int64($0) })
        else { return nil }
        return ChastityTrackerClient.RateLimit(
            limit: limit, remaining: remaining, reset: Date(timeIntervalSince1970: TimeInterval(reset))
        )
    }
}
