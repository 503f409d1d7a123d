import Hummingbird

/// The middleware every request passes before its route, in their order, as one Hummingbird
/// middleware: path normalization, the request id and log line, the head limits, metrics (when
/// on), CORS (when configured), the account pages' security headers, the HTTPS rule, the error
/// envelope and the method guard.
///
/// One instead of nine for speed (issue 24, docs/BENCHMARKS.md): each middleware added to a
/// Hummingbird router is three or four async calls (its responder, its `handle`, the `next`
/// closure and the next responder), and under NIO's executor takeover each async call that enters
/// a `nonisolated` function is a `swift_task_switch` that goes round the event loop's queue. Nine
/// pass-through middlewares added to the bench's bare Hummingbird app cost it 17 to 39 µs of CPU
/// per request here. Nested here, the calls are to concrete types in this module, which the
/// compiler inlines; each stage keeps its own type, code and documentation.
struct FrontMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let metrics: MetricsMiddleware<Context>?
    let cors: CORSPolicyMiddleware<Context>?
    let transportSecurity: TransportSecurityMiddleware
    let methodGuard: MethodGuardMiddleware<Context>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // First, so the router and every stage below judge the same path.
        try await PathNormalizationMiddleware<Context>().handle(request, context: context) { request, context in
            try await RequestIDMiddleware<Context>().handle(request, context: context) { request, context in
                try await RequestHeadLimitMiddleware<Context>().handle(request, context: context) { request, context in
                    try await measured(request, context) { request, context in
                        try await crossOrigin(request, context) { request, context in
                            // Outside everything that can answer an account path (the HTTPS rule,
                            // errors, 404, 405), so every one of those answers carries the pages'
                            // security headers.
                            try await AccountSecurityHeadersMiddleware<Context>().handle(request, context: context) { request, context in
                                try await transportSecurity.handle(request, context: context) { request, context in
                                    try await ErrorMiddleware<Context>().handle(request, context: context) { request, context in
                                        try await methodGuard.handle(request, context: context, next: next)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private func measured(
        _ request: Request, _ context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let metrics else { return try await next(request, context) }
        return try await metrics.handle(request, context: context, next: next)
    }

    /// CORS outside the HTTPS rule, so a browser can read even an `https_required` refusal.
    private func crossOrigin(
        _ request: Request, _ context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let cors else { return try await next(request, context) }
        return try await cors.handle(request, context: context, next: next)
    }
}
