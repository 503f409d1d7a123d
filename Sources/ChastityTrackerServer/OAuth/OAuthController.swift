import ChastityTrackerDomain
import ChastityTrackerServices
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// OAuth 2's endpoints (docs/CONTRACT.md section 15), routed only when the server has a public URL:
/// the authorization endpoint (a page for the person), the token and revocation endpoints (JSON
/// for the app, RFC 6749 section 5 and RFC 7009), and the metadata (RFC 8414). The flows
/// themselves are ``OAuthFlows``'; this is their HTTP face.
///
/// The authorization endpoint does not show the consent page itself. An app opens it from another
/// site (its own page, or a system browser tab), and the account pages' cookies are
/// `SameSite=Strict`, so the browser leaves the session out of that first request: a signed-in
/// person would look signed out. So it keeps the checked request server-side and answers a small
/// page on this site that moves on at once (a `<meta>` refresh, no script, with a link as well) to
/// ``AccountRoutes/authorize`` with the request's id: that navigation starts on this site, so the
/// browser sends the session, and the request's parameters are no longer in any URL a person or
/// another page can alter.
struct OAuthController: Sendable {
    let flows: OAuthFlows
    let renderer: AccountRenderer
    /// New pending requests per minute for this instance (``AccountSettings/authorizationRequestsPerMinute``).
    let budget: MinuteBudget

    static let authorizePath = "/oauth/authorize"
    static let tokenPath = "/oauth/token"
    static let revokePath = "/oauth/revoke"
    static let metadataPath = "/.well-known/oauth-authorization-server"
    /// The largest token or revocation form read: far more than any real request needs.
    static let maximumFormSize = 16 * 1024

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(Self.authorizePath)) { request, context in try await authorize(request, context: context) }
        router.post(RouterPath(Self.tokenPath)) { request, context in
            await json(context) { try await flows.token(try await Self.form(request)).map(\.json) }
        }
        router.post(RouterPath(Self.revokePath)) { request, context in
            await json(context) { try await flows.revoke(try await Self.form(request)).map { _ -> String? in nil } }
        }
        router.get(RouterPath(Self.metadataPath)) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=3600"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metadata)))
        }
    }

    /// RFC 8414's metadata: S256 only, public clients only (`none`), and `iss` in every
    /// authorization response (RFC 9207).
    var metadata: String {
        let issuer = flows.issuer
        return """
            {"issuer":"\(issuer)","authorization_endpoint":"\(issuer)\(Self.authorizePath)","token_endpoint":"\(issuer)\(Self.tokenPath)",\
            "revocation_endpoint":"\(issuer)\(Self.revokePath)","response_types_supported":["code"],\
            "grant_types_supported":["authorization_code","refresh_token"],"code_challenge_methods_supported":["S256"],\
            "scopes_supported":["read","write"],"token_endpoint_auth_methods_supported":["none"],\
            "revocation_endpoint_auth_methods_supported":["none"],"authorization_response_iss_parameter_supported":true}
            """
    }

    private func authorize(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let items = FormPairs.decode(request.uri.query ?? "") else {
            return refused("The app's request is not a well-formed URL, so it cannot be answered. Tell the app's developer.")
        }
        // Before anything is looked up or written: a flood from many addresses stays bounded.
        if let wait = budget.spend() {
            context.logger.notice("authorization request refused: this instance's budget of new requests is spent")
            return renderer.message(
                AccountViews.Message(
                    heading: "Busy", text: "Too many apps are asking to connect right now. " + AccountRenderer.tryAgain(in: wait),
                    link: AccountRoutes.overviewLocation, linkText: "Your account"),
                status: .serviceUnavailable, retryAfter: wait)
        }
        switch try await flows.start(items) {
        case .pending(let id):
            return renderer.page("authorize-continue", AccountViews.Continue(location: AccountRoutes.authorize + "?request=" + id))
        case .redirect(let location):
            return Response(status: .seeOther, headers: [.location: location])
        case .refused(let message):
            context.logger.notice("authorization request refused", metadata: ["reason": "\(message)"])
            return refused(message)
        }
    }

    private func refused(_ message: String) -> Response {
        renderer.message(
            AccountViews.Message(heading: "This app cannot connect", text: message, link: AccountRoutes.overviewLocation, linkText: "Your account"),
            status: .badRequest)
    }

    /// The form's pairs: the body must be `application/x-www-form-urlencoded` (RFC 6749 section
    /// 3.2), at most ``maximumFormSize`` bytes, and decode.
    private static func form(_ request: Request) async throws -> [(String, String)] {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingWhitespace().lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            throw OAuthError.invalidRequest("The body must be application/x-www-form-urlencoded.")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maximumFormSize)
        } catch {
            throw OAuthError.invalidRequest("The body is larger than \(maximumFormSize) bytes.")
        }
        guard let text = String(validating: body.readableBytesView, as: UTF8.self), let pairs = FormPairs.decode(text) else {
            throw OAuthError.invalidRequest("The body is not well-formed application/x-www-form-urlencoded UTF-8.")
        }
        return pairs
    }

    /// A token or revocation answer: 200 with `body` (none for a revocation), or the RFC 6749
    /// section 5.2 error; JSON, never cached (section 5.1). A database that cannot be reached is
    /// `temporarily_unavailable` (503, `Retry-After`); anything else unexpected `server_error`,
    /// with the details in the log only.
    private func json(_ context: AppRequestContext, _ body: () async throws -> Result<String?, OAuthError>) async -> Response {
        let outcome: Result<String?, OAuthError>
        do {
            outcome = try await body()
        } catch let error as OAuthError {
            outcome = .failure(error)
        } catch StoreError.unavailable, StoreError.overloaded {
            outcome = .failure(.temporarilyUnavailable())
        } catch {
            context.logger.error("OAuth request failed", metadata: ["error": "\(type(of: error))"])
            outcome = .failure(.serverError())
        }
        var headers: HTTPFields = [.cacheControl: "no-store", .pragma: "no-cache"]
        switch outcome {
        case .success(let text?):
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        case .success(nil):
            return Response(status: .ok, headers: headers)
        case .failure(let error):
            return Self.errorResponse(error)
        }
    }

    /// An RFC 6749 section 5.2 error as the token and revocation endpoints answer it: JSON, never
    /// cached, with `status` (the error's own by default), and `Retry-After` when it is temporary.
    static func errorResponse(_ error: OAuthError, status: HTTPResponse.Status? = nil) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store", .pragma: "no-cache", .contentType: "application/json"]
        if error.code == .temporarilyUnavailable { headers[.retryAfter] = "1" }
        return Response(
            status: status ?? HTTPResponse.Status(code: error.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: error.json)))
    }
}

extension HTTPField.Name {
    static let pragma = HTTPField.Name("Pragma")!
}

/// At most `limit` spends per minute in fixed one-minute windows, counted in this instance's memory;
/// a limit of 0 never refuses.
final class MinuteBudget: Sendable {
    let limit: Int
    let clock: any WallClock
    private let window = Mutex<(start: Int64, spent: Int)>((0, 0))

    init(limit: Int, clock: any WallClock) {
        self.limit = limit
        self.clock = clock
    }

    /// Spends one; `nil` when it was there, else the seconds until the next window.
    func spend() -> Int64? {
        guard limit > 0 else { return nil }
        let second = Int64(clock.now().timeIntervalSince1970.rounded(.down))
        let start = second - second % 60
        return window.withLock { window in
            if window.start != start { window = (start, 0) }
            guard window.spent < limit else { return start + 60 - second }
            window.spent += 1
            return nil
        }
    }
}
