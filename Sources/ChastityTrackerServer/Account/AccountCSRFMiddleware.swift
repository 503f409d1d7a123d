import ChastityTrackerDomain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Refuses every form POST under `/account` that does not carry its CSRF token, with 403, before
/// any handler runs (docs/CONTRACT.md section 12). Signed-in forms carry the token derived from
/// the session cookie (``SessionSecret/csrfToken``); the sign-in form, which has no session yet,
/// carries the value of the pre-session cookie (double submit). On top, the request must come
/// from this site's own page: see ``originIsOurs(_:)``.
struct AccountCSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let renderer: AccountRenderer

    /// The one field every form carries.
    struct Field: Decodable {
        var csrf: String?
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let presented = (try? URLEncodedFormDecoder().decode(Field.self, from: String(buffer: body)))?.csrf ?? ""
        let expected: String?
        if request.uri.path == AccountRoutes.signIn {
            expected = AccountCookies.value(AccountCookies.signIn, in: request)
        } else {
            expected = AccountCookies.value(AccountCookies.session, in: request).map { SessionSecret(plaintext: $0).csrfToken }
        }
        // An empty cookie never matches an empty field: a token has to have been issued.
        guard Self.originIsOurs(request), let expected, !expected.isEmpty,
            ConstantTime.equal(Array(presented.utf8), Array(expected.utf8))
        else {
            context.logger.notice("account form refused: missing or wrong CSRF token or foreign Origin", metadata: ["path": "\(request.uri.path)"])
            return renderer.message(
                AccountViews.Message(
                    heading: "Form expired",
                    text: "This form was not sent from this site's own page, or it has expired. Load the page again and retry.",
                    link: request.uri.path == AccountRoutes.signIn ? AccountRoutes.signIn : AccountRoutes.overviewLocation,
                    linkText: "Back"
                ),
                status: .forbidden
            )
        }
        return try await next(request, context)
    }

    /// Whether the request comes from this site's own page. A browser says so itself in
    /// `Sec-Fetch-Site`, which no page can set: only `same-origin` passes. This matters because the
    /// pages' `Referrer-Policy: no-referrer` makes browsers send `Origin: null` with their own form
    /// posts, so the `Origin` cannot tell. Without fetch metadata (older browsers, other clients)
    /// the `Origin`, when sent, must name the host the request was sent to.
    static func originIsOurs(_ request: Request) -> Bool {
        if let site = request.headers[.secFetchSite] { return site == "same-origin" }
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.head.authority ?? request.headers[.host],
            let separator = origin.range(of: "://")
        else { return false }
        return origin[separator.upperBound...].lowercased() == host.lowercased()
    }
}

extension HTTPField.Name {
    static let host = HTTPField.Name("Host")!
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}
