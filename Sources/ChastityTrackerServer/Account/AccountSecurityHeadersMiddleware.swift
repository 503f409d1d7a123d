import HTTPTypes
public import Hummingbird

/// The security headers of every answer under `/account` and `/oauth` (docs/CONTRACT.md section
/// 12): set here, once, for every status (refusals, 404 and 405 included), so that no page can
/// leave them out. The one page that widens `form-action` (the OAuth consent page, whose forms
/// lead to the app's redirect URI) sets its own policy, built by ``contentSecurityPolicy(formAction:)``.
public struct AccountSecurityHeadersMiddleware<Context: RequestContext>: Sendable {
    static var contentSecurityPolicy: String { contentSecurityPolicy(formAction: nil) }

    /// The pages' policy, with `target` (a CSP source) allowed as a form's destination besides this site.
    static func contentSecurityPolicy(formAction target: String?) -> String {
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'\(target.map { " " + $0 } ?? ""); frame-ancestors 'none'; base-uri 'none'"
    }

    public init() {}

    /// Inlined into ``FrontMiddleware``: an async call is a task switch (issue 24).
    @inline(__always)
    nonisolated(nonsending) public func handle(
        _ request: Request, path: String, context: Context, next: nonisolated(nonsending) (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard AccountRoutes.isAccountPath(path) || path.hasPrefix("/oauth/") else { return try await next(request, context) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
