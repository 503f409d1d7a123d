import ChastityTrackerDomain
import HTTPTypes
public import Hummingbird

/// HTTPS rules (docs/CONTRACT.md section 10; the account pages of section 12 and OAuth's
/// endpoints of section 15 follow them too). Behind a TLS-terminating proxy, a request to the API,
/// the account pages or OAuth is refused with 403 `https_required` (never redirected: a redirect has already leaked the
/// token) when the proxy marks it as plain HTTP (`X-Forwarded-Proto: http`), and when it comes
/// from a peer that is no trusted proxy (``ProxyTrust``) over plain HTTP: such a request went past
/// the proxy, so nothing says it was encrypted, and its own word does not count. Whenever clients reach us over
/// HTTPS, answers carry `Strict-Transport-Security`.
public struct TransportSecurityMiddleware: Sendable {
    public typealias Context = AppRequestContext
    let proxies: ProxyTrust
    let tls: Bool
    static var hsts: String { "max-age=31536000" }

    public init(proxies: ProxyTrust, tls: Bool) {
        self.proxies = proxies
        self.tls = tls
    }

    /// Inlined into ``FrontMiddleware``: an async call is a task switch (issue 24). `path` is the
    /// request's (normalized) `uri.path`.
    @inline(__always)
    nonisolated(nonsending) public func handle(
        _ request: Request, path: String, context: Context, next: nonisolated(nonsending) (Request, Context) async throws -> Response
    ) async throws -> Response {
        if proxies.behindProxy,
            path.hasPrefix("/api/") || AccountRoutes.isAccountPath(path) || Self.isOAuthPath(path), isPlainHTTP(request, context)
        {
            // OAuth's endpoints answer an app in RFC 6749's JSON (section 3.1 and 3.2: TLS is a MUST).
            var response =
                path == "/oauth/token" || path == "/oauth/revoke"
                ? OAuthController.errorResponse(.invalidRequest("This endpoint requires HTTPS."), status: .forbidden)
                : try APIError.httpsRequired.response(from: request, context: context)
            response.headers[.strictTransportSecurity] = Self.hsts
            return response
        }
        var response = try await next(request, context)
        if proxies.behindProxy || tls { response.headers[.strictTransportSecurity] = Self.hsts }
        return response
    }

    /// OAuth's paths: its endpoints, the metadata, and the consent page's (an account path already).
    static func isOAuthPath(_ path: String) -> Bool {
        path.hasPrefix("/oauth/") || path == "/.well-known/oauth-authorization-server"
    }

    /// Whether the request came, or may have come, over plain HTTP: as a trusted proxy says, or,
    /// from anyone else, unless it reached our own TLS.
    private func isPlainHTTP(_ request: Request, _ context: Context) -> Bool {
        guard proxies.believesForwardedHeaders(from: proxies.peer(context.remoteAddress)) else { return !tls }
        // Any hop that says plain HTTP counts: a proxy that appends leaves the client's own word
        // first, and one that chains puts the client-facing hop first.
        return request.headers[values: .xForwardedProto].flatMap { $0.split(separator: ",") }.contains {
            $0.trimmingWhitespace().lowercased() == "http"
        }
    }
}

extension HTTPField.Name {
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
