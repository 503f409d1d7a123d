import ChastityTrackerDomain
import HTTPTypes
import Hummingbird

/// Admits a request to the signed-in account pages only with a live session: the cookie's id,
/// hashed, names a stored session that is neither idle past `idleTimeout` nor older than
/// `absoluteTimeout`. Anything else is sent to the sign-in page (303) with the cookie cleared.
/// A live session is touched, which restarts its idle time; an unknown or expired one costs no
/// write.
struct AccountSessionMiddleware<Store: AccountSessionStore>: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: Store
    let clock: any WallClock
    let settings: AccountSettings

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let now = Timestamp(clock.now())
        guard let id = AccountCookies.value(AccountCookies.session, in: request) else { return Self.toSignIn(clearing: false, from: request) }
        let secret = SessionSecret(plaintext: id)
        let cutoffs = settings.sessionCutoffs(at: now)
        guard let session = try await store.session(hash: secret.hash, lastSeenSince: cutoffs.idle, createdSince: cutoffs.absolute) else {
            // Expired or unknown: no write (anyone can send cookies by the thousand); the hourly
            // purge removes an expired session's row.
            return Self.toSignIn(clearing: true, from: request)
        }
        try await store.touchSession(hash: secret.hash, at: now)
        var context = context
        context.account = SignedInAccount(user: session.user, secret: secret)
        return try await next(request, context)
    }

    /// To the sign-in page; from a pending OAuth request's consent page, with `next` naming it, so
    /// that signing in leads back there (``AccountRoutes/isSignInDestination(_:)``).
    static func toSignIn(clearing: Bool, from request: Request? = nil) -> Response {
        var location = AccountRoutes.signIn
        if let request, request.method == .get, request.uri.path == AccountRoutes.authorize, let query = request.uri.query,
            AccountRoutes.isSignInDestination(AccountRoutes.authorize + "?" + query)
        {
            // The query is `request=` and 43 base64url characters, so only its `=` needs escaping.
            location += "?next=" + AccountRoutes.authorize + "%3Frequest%3D" + query.dropFirst("request=".count)
        }
        var headers: HTTPFields = [.location: location]
        if clearing { headers[.setCookie] = AccountCookies.clear(AccountCookies.session) }
        return Response(status: .seeOther, headers: headers)
    }
}
