public import ChastityTrackerDomain
import Foundation
import HTTPTypes
public import Hummingbird
import Metrics

/// Enforces the per-token rate limit and puts `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
/// `X-RateLimit-Reset` on every authenticated answer, errors included; 429 `rate_limited` with
/// `Retry-After` once the window's allowance is used. A 304 is not counted while the token's
/// free 304s last (``RateLimiter/freeNotModified``).
public struct RateLimitMiddleware: Sendable {
    public typealias Context = AuthenticatedContext
    let limiter: RateLimiter
    let clock: any WallClock

    public init(limiter: RateLimiter, clock: any WallClock) {
        self.limiter = limiter
        self.clock = clock
    }

    /// Inlined into ``AuthenticatedResponder``, on its caller's executor: a call into a concurrent function is a task switch (issue 24).
    @inline(__always)
    nonisolated(nonsending) public func handle(
        _ request: Request, context: Context, next: nonisolated(nonsending) (Request, Context) async throws -> Response
    ) async throws -> Response {
        let ticket: RateLimiter.Ticket
        switch limiter.admit(tokenID: context.principal.rateLimitKey) {
        case .admitted(let admitted):
            ticket = admitted
        case .refused(let window):
            let retryAfter = max(1, window.reset - Int64(clock.now().timeIntervalSince1970.rounded(.down)))
            var error = APIError.rateLimited(limit: window.limit, retryAfter: retryAfter)
            Self.addHeaders(window, to: &error.headers)
            Counter(label: "chastity_rate_limited_total").increment()
            throw error
        }
        do {
            var response = try await next(request, context)
            Self.addHeaders(limiter.finish(ticket, counted: response.status != .notModified), to: &response.headers)
            return response
        } catch {
            var apiError = ErrorMiddleware<Context>.apiError(for: error, logger: context.logger)
            Self.addHeaders(limiter.finish(ticket, counted: true), to: &apiError.headers)
            throw apiError
        }
    }

    static func addHeaders(_ window: RateLimiter.Window, to headers: inout HTTPFields) {
        headers[.xRateLimitLimit] = String(window.limit)
        headers[.xRateLimitRemaining] = String(window.remaining)
        headers[.xRateLimitReset] = String(window.reset)
    }
}

extension HTTPField.Name {
    static let xRateLimitLimit = HTTPField.Name("X-RateLimit-Limit")!
    static let xRateLimitRemaining = HTTPField.Name("X-RateLimit-Remaining")!
    static let xRateLimitReset = HTTPField.Name("X-RateLimit-Reset")!
}
