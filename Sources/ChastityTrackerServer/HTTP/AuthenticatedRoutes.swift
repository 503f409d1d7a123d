public import ChastityTrackerDomain
public import HTTPTypes
public import Hummingbird

/// The API's routes that need a token: each handler runs inside the token check
/// (``TokenAuthenticator``) and, when on, the rate limit (``RateLimitMiddleware``), in one closure
/// per route, with the caller in an ``AuthenticatedContext``.
///
/// A closure rather than a router group with two middleware and a context transform for speed
/// (issue 24, docs/BENCHMARKS.md): each of those is several async calls, and under NIO's executor
/// takeover each async call into a `nonisolated` function is a task switch through the event
/// loop's queue. The two middleware's `handle` are inlined here; what they do is unchanged.
public struct AuthenticatedRoutes<Store: UnitOfWorkStore> {
    public typealias Handler = @Sendable (Request, AuthenticatedContext) async throws -> Response

    let router: Router<AppRequestContext>
    let authenticator: TokenAuthenticator<Store>
    let rateLimit: RateLimitMiddleware?

    public init(router: Router<AppRequestContext>, authenticator: TokenAuthenticator<Store>, rateLimit: RateLimitMiddleware?) {
        self.router = router
        self.authenticator = authenticator
        self.rateLimit = rateLimit
    }

    /// Adds `handler` for `method` at `path`, behind the token check and the rate limit.
    public func on(_ path: RouterPath, method: HTTPRequest.Method, use handler: @escaping Handler) {
        let authenticator = authenticator
        let rateLimit = rateLimit
        router.on(path, method: method) { request, context in
            try await authenticator.handle(request, context: context) { request, context in
                let context = try AuthenticatedContext(context: context)
                guard let rateLimit else { return try await handler(request, context) }
                return try await rateLimit.handle(request, context: context, next: handler)
            }
        }
    }

    public func get(_ path: RouterPath, use handler: @escaping Handler) { on(path, method: .get, use: handler) }
    public func post(_ path: RouterPath, use handler: @escaping Handler) { on(path, method: .post, use: handler) }
    public func patch(_ path: RouterPath, use handler: @escaping Handler) { on(path, method: .patch, use: handler) }
    public func delete(_ path: RouterPath, use handler: @escaping Handler) { on(path, method: .delete, use: handler) }
}
