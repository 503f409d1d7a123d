public import ChastityTrackerDomain
public import HTTPTypes
public import Hummingbird

/// The API's routes that need a token. Each route's responder runs the front middleware
/// (``FrontMiddleware``), the token check (``TokenAuthenticator``), when on the rate limit
/// (``RateLimitMiddleware``) and the handler, with the caller in an ``AuthenticatedContext``.
///
/// One responder per route, with everything in it inlined or `nonisolated(nonsending)`, rather
/// than a router group with the front middleware, two more middleware and a context transform,
/// for speed (issue 24, docs/BENCHMARKS.md): each of those is several calls into concurrent async
/// functions, and under NIO's executor takeover each such call and each return from one is a task
/// switch through the event loop's queue. What each step does is unchanged. These routes must be
/// added before the front middleware is added to the router, which would otherwise run twice.
///
/// Each responder is also kept in ``exactRoutes``, by its path and method, for
/// ``ServiceResponder`` to find a request's route without the router's trie.
public struct AuthenticatedRoutes<Store: UnitOfWorkStore> {
    /// A handler, run on its caller's executor.
    public typealias Handler = nonisolated(nonsending) @Sendable (Request, AuthenticatedContext) async throws -> Response

    let router: Router<AppRequestContext>
    let front: FrontMiddleware
    let authenticator: TokenAuthenticator<Store>
    let rateLimit: RateLimitMiddleware?
    /// Every route added here, for ``ServiceResponder``.
    let exactRoutes = ExactRoutes()

    /// Adds `handler` for `method` at `path`, behind the front middleware, the token check and
    /// the rate limit.
    public func on(_ path: RouterPath, method: HTTPRequest.Method, use handler: @escaping Handler) {
        let responder = AuthenticatedResponder(front: front, authenticator: authenticator, rateLimit: rateLimit, handler: handler)
        router.on(path, method: method, responder: responder)
        exactRoutes.add(path: path.description, method: method, responder: responder)
    }

    public func get(_ path: RouterPath, use handler: @escaping Handler) { on(path, method: .get, use: handler) }
    public func post(_ path: RouterPath, use handler: @escaping Handler) { on(path, method: .post, use: handler) }
    public func patch(_ path: RouterPath, use handler: @escaping Handler) { on(path, method: .patch, use: handler) }
    public func delete(_ path: RouterPath, use handler: @escaping Handler) { on(path, method: .delete, use: handler) }
}

/// One API route's responder (see ``AuthenticatedRoutes``): its `respond` is the one call into a
/// concurrent function a request makes here; the rest runs inlined or on its executor.
struct AuthenticatedResponder<Store: UnitOfWorkStore>: HTTPResponder, ExactRouteResponder {
    let front: FrontMiddleware
    let authenticator: TokenAuthenticator<Store>
    let rateLimit: RateLimitMiddleware?
    let handler: AuthenticatedRoutes<Store>.Handler

    func respond(to request: Request, context: AppRequestContext) async throws -> Response {
        try await chain(request, context)
    }

    /// The front middleware, the token check, the rate limit and the handler, on the caller's
    /// executor. A function of its own rather than `respond`'s body: fewer switches so (about 1.5
    /// per request, by the uprobe in docs/BENCHMARKS.md), the closures being `nonsending` here.
    /// ``ServiceResponder`` calls it directly, with the route's path (the request's `uri.path`).
    @inline(__always)
    nonisolated(nonsending) func chain(_ request: Request, _ context: AppRequestContext, path: String? = nil) async throws -> Response {
        try await front.run(request, context: context, path: path) { [authenticator, rateLimit, handler] request, context in
            try await authenticator.handle(request, context: context) { request, context in
                let context = try AuthenticatedContext(context: context)
                guard let rateLimit else { return try await handler(request, context) }
                return try await rateLimit.handle(request, context: context, next: handler)
            }
        }
    }
}
