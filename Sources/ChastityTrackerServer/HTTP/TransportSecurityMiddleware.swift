public import ChastityTrackerDomain
public import HTTPTypes
public import Hummingbird

/// HTTPS rules (docs/CONTRACT.md section 10; the account pages of section 12 follow them too): behind a
/// TLS-terminating proxy, a request the proxy marks as plain HTTP (`X-Forwarded-Proto: http`) is refused with 403 `https_required` (never redirected:
/// a redirect has already leaked the token); whenever clients reach us over HTTPS, answers carry
/// `Strict-Transport-Security`.
public struct TransportSecurityMiddleware<Context: RequestContext>: RouterMiddleware {
    let behindProxy: Bool
    let sendsHSTS: Bool
    static var hsts: String { "max-age=31536000" }

    public init(behindProxy: Bool, tls: Bool) {
        self.behindProxy = behindProxy
        self.sendsHSTS = behindProxy || tls
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if behindProxy, request.uri.path.hasPrefix("/api/") || AccountRoutes.isAccountPath(request.uri.path),
            let proto = request.headers[.xForwardedProto]?.split(separator: ",").first?.trimmingWhitespace().lowercased(),
            proto == "http"
        {
            var response = try APIError.httpsRequired.response(from: request, context: context)
            response.headers[.strictTransportSecurity] = Self.hsts
            return response
        }
        var response = try await next(request, context)
        if sendsHSTS { response.headers[.strictTransportSecurity] = Self.hsts }
        return response
    }
}

extension HTTPField.Name {
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
