import Foundation
import HTTPTypes
import OpenAPIRuntime

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Retries, as the ``ChastityTrackerClient/RetryPolicy`` allows, a 429 (after its `Retry-After`), a
/// 503 or a 409 `idempotency_in_progress` (after its `Retry-After` or a growing backoff) and a
/// request whose answer never arrived. A
/// request is resent unchanged, so a POST keeps its `Idempotency-Key` and the server replays the
/// first insert instead of storing it again (docs/CONTRACT.md section 9).
struct RetryMiddleware: ClientMiddleware {
    let policy: ChastityTrackerClient.RetryPolicy
    let sleep: @Sendable (Duration) async throws -> Void

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        // Resending needs a body that can be read again: buffer it once.
        var replayable = body
        if let body, policy.maxAttempts > 1 {
            replayable = HTTPBody(try await Data(collecting: body, upTo: ResponseMiddleware.maximumBodySize))
        }
        var attempt = 1
        while true {
            let wait: Duration
            do {
                let (response, responseBody) = try await next(request, replayable, baseURL)
                guard attempt < policy.maxAttempts, let delay = delay(after: response, attempt: attempt) else {
                    return (response, responseBody)
                }
                wait = delay
            } catch  where attempt < policy.maxAttempts && isSafeToResend(request) && !(error is CancellationError) {
                wait = backoff(attempt: attempt)
            }
            try await sleep(wait)
            attempt += 1
        }
    }

    /// How long to wait before resending after `response`; `nil`: do not resend.
    private func delay(after response: HTTPResponse, attempt: Int) -> Duration? {
        let retryAfter = response.headerFields[.retryAfter].flatMap { Int($0) }.map { Duration.seconds($0) }
        switch response.status.code {
        case 429:
            // A wait longer than the policy allows is the caller's decision, not the client's.
            guard let retryAfter, retryAfter <= policy.maximumDelay else { return nil }
            return retryAfter
        case 409, 503:
            // 409 is only `idempotency_in_progress`: the first request with this key is still
            // running (a resend by the HTTP stack can cause it); its answer is replayed shortly.
            let wait = retryAfter ?? backoff(attempt: attempt)
            return wait <= policy.maximumDelay ? wait : nil
        default:
            return nil
        }
    }

    /// `initialDelay`, doubled per attempt, capped at `maximumDelay`.
    private func backoff(attempt: Int) -> Duration {
        min(policy.initialDelay * (1 << min(attempt - 1, 16)), policy.maximumDelay)
    }

    /// A request whose answer was lost may be sent again when repeating it cannot do more than once:
    /// reads, DELETE and PATCH (the same changes again), and a POST with an `Idempotency-Key`.
    private func isSafeToResend(_ request: HTTPRequest) -> Bool {
        switch request.method {
        case .get, .head, .delete, .patch: true
        case .post: request.headerFields[HTTPField.Name("Idempotency-Key")!] != nil
        default: false
        }
    }
}
