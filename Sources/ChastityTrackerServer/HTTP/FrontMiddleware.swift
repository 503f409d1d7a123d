import Hummingbird

/// The middleware every request passes before its route, in their order: path normalization,
/// the request id and log line, the head limits, CORS (when configured), the account pages'
/// security headers, the HTTPS rule, the error envelope and the method guard. (Metrics, when on,
/// are Hummingbird's own middleware, outside all of them: see ``buildRouter``.)
///
/// One instead of eight, and run inside the API's routes rather than in front of them, for speed
/// (issue 24, docs/BENCHMARKS.md). Under NIO's executor takeover every call into a `nonisolated`
/// (concurrent) async function is a `swift_task_switch` that goes round the event loop's queue,
/// and so is every return from one; each middleware added to a Hummingbird router is three or four
/// such calls (its responder, its `handle`, the `next` closure and the next responder): nine
/// pass-through middlewares added to the bench's bare Hummingbird app cost it 17 to 39 µs of CPU
/// per request here. So the stages are plain types of this module, nested here and inlined, and
/// they and the closures between them are `nonisolated(nonsending)`: they run on their caller's
/// executor, so calling them is no switch at all. Each stage keeps its own type, code and
/// documentation.
///
/// The API's routes call ``run(_:context:next:)`` from their own responder
/// (``AuthenticatedRoutes``); every other route and the router's 404 and 405 get it as a
/// Hummingbird middleware, through ``handle(_:context:next:)``.
struct FrontMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let cors: CORSPolicyMiddleware<Context>?
    let transportSecurity: TransportSecurityMiddleware
    let methodGuard: MethodGuardMiddleware<Context>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await run(request, context: context, next: next)
    }

    /// Runs the stages around `next`, on the caller's executor. `path` is the request's
    /// `uri.path` when the caller knows it already (``ServiceResponder``'s exact routes): read
    /// here otherwise, once for every stage (each read makes a new string, issue 24).
    @inline(__always)
    nonisolated(nonsending) func run(
        _ request: Request, context: Context, path known: String? = nil,
        next: nonisolated(nonsending) (Request, Context) async throws -> Response
    ) async throws -> Response {
        // First, so the router and every stage below judge the same path.
        let (request, path) = PathNormalization.normalizing(request, path: known ?? request.uri.path)
        return try await RequestIDMiddleware<Context>().handle(request, context: context) { request, context in
            try await RequestHeadLimitMiddleware<Context>().handle(request, context: context) { request, context in
                try await crossOrigin(request, context) { request, context in
                    // Outside everything that can answer an account path (the HTTPS rule,
                    // errors, 404, 405), so every one of those answers carries the pages'
                    // security headers.
                    try await AccountSecurityHeadersMiddleware<Context>().handle(request, path: path, context: context) { request, context in
                        try await transportSecurity.handle(request, path: path, context: context) { request, context in
                            try await ErrorMiddleware<Context>().handle(request, context: context) { request, context in
                                try await methodGuard.handle(request, path: path, context: context, next: next)
                            }
                        }
                    }
                }
            }
        }
    }

    /// CORS outside the HTTPS rule, so a browser can read even an `https_required` refusal.
    @inline(__always)
    nonisolated(nonsending) private func crossOrigin(
        _ request: Request, _ context: Context, next: nonisolated(nonsending) (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let cors else { return try await next(request, context) }
        return try await cors.handle(request, context: context, next: next)
    }
}
