public import ChastityTrackerDomain
public import Hummingbird
public import HTTPTypes

/// Answers 405 `method_not_allowed` with `Allow` for a known path asked with a method it does
/// not serve, before any token is checked; unknown paths fall through to the router's 404.
public struct MethodGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowed: [String: [HTTPRequest.Method]]

    /// `allowed` maps each path to the methods it serves.
    public init(allowed: [String: [HTTPRequest.Method]]) {
        self.allowed = allowed
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let methods = allowed[request.uri.path], !methods.contains(request.method) {
            throw APIError.methodNotAllowed(request.method, allowed: methods)
        }
        return try await next(request, context)
    }
}
