import ChastityTrackerDomain
import HTTPTypes
public import Hummingbird

/// Answers 405 `method_not_allowed` with `Allow` for a known path asked with a method it does
/// not serve, before any token is checked; unknown paths fall through to the router's 404.
public struct MethodGuardMiddleware<Context: RequestContext>: Sendable {
    let routes: RouteTable

    public init(routes: RouteTable) {
        self.routes = routes
    }

    /// Inlined into ``FrontMiddleware``: an async call is a task switch (issue 24).
    @inline(__always)
    nonisolated(nonsending) public func handle(
        _ request: Request, path: String, context: Context, next: nonisolated(nonsending) (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let route = routes.route(at: path), !route.methods.contains(request.method) {
            throw APIError.methodNotAllowed(request.method, allowed: route.methods)
        }
        return try await next(request, context)
    }
}
