import ChastityTrackerDomain
import HTTPTypes
public import Hummingbird

/// Cross-origin access for browser apps, off unless origins are configured (docs/CONTRACT.md section 10).
/// An allowed `Origin` gets `Access-Control-Allow-Origin` on every answer, errors included, and
/// preflights (`OPTIONS` with `Access-Control-Request-Method`) get the allowed methods and
/// headers; any other origin gets no CORS headers, so the browser refuses it.
public struct CORSPolicyMiddleware<Context: RequestContext>: Sendable {
    let origins: Set<String>
    let routes: RouteTable
    static var allowedHeaders: String { "Authorization, Content-Type, Idempotency-Key, If-None-Match, X-Request-ID" }
    static var exposedHeaders: String {
        "ETag, Location, Retry-After, X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Idempotent-Replayed"
    }

    public init(origins: [String], routes: RouteTable) {
        self.origins = Set(origins)
        self.routes = routes
    }

    /// Inlined into ``FrontMiddleware``: an async call is a task switch (issue 24).
    @inline(__always)
    nonisolated(nonsending) public func handle(
        _ request: Request, context: Context, next: nonisolated(nonsending) (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = origins.contains(origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var response = try await next(request, context)
            response.headers.append(HTTPField(name: .vary, value: "Origin"))
            if allowed, response.status == .noContent, let route = routes.route(at: request.uri.path) {
                response.headers[.accessControlAllowOrigin] = origin
                response.headers[.accessControlAllowMethods] = route.allow
                response.headers[.accessControlAllowHeaders] = Self.allowedHeaders
                response.headers[.accessControlMaxAge] = "600"
            }
            return response
        }
        var response = try await next(request, context)
        response.headers.append(HTTPField(name: .vary, value: "Origin"))
        if allowed {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        }
        return response
    }
}
