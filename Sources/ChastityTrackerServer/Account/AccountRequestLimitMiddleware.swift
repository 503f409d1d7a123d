import ChastityTrackerDomain
import ChastityTrackerServices
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// At most `limit` requests per minute to the account pages from any one client (docs/CONTRACT.md
/// section 12, "Under attack"), counted in this instance's memory in fixed one-minute windows; past
/// it a request waits ``AccountSettings/refusalPause`` and answers 429 with `Retry-After` before
/// anything else runs. A client is its address (``ProxyTrust/throttleKey(of:peer:)``: IPv4 per
/// address, IPv6 per /64), or, for a browser holding a valid device cookie, that cookie: someone
/// sharing the owner's address (a NAT, a VPN exit) cannot spend the owner's requests. The API
/// has limits of its own, per token. OAuth's endpoints have a limiter of their own, whose refusals
/// at the token and revocation endpoints are RFC 6749's JSON.
struct AccountRequestLimitMiddleware<Store: ServerKeyStore>: RouterMiddleware {
    typealias Context = AppRequestContext
    let limit: Int
    let proxies: ProxyTrust
    let devices: DeviceCookieKeys<Store>
    let clock: any WallClock
    let settings: AccountSettings
    let renderer: AccountRenderer
    static var capacity: Int { 100_000 }
    private let windows = Windows()

    /// The counts of the current window, shared by every copy of the middleware.
    private final class Windows: Sendable {
        let state = Mutex<(start: Int64, counts: [String: Int])>((0, [:]))
    }

    init(
        limit: Int, proxies: ProxyTrust, devices: DeviceCookieKeys<Store>, clock: any WallClock, settings: AccountSettings, renderer: AccountRenderer
    ) {
        self.limit = limit
        self.proxies = proxies
        self.devices = devices
        self.clock = clock
        self.settings = settings
        self.renderer = renderer
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let client =
            try await devices.cookie(in: request).map { "device \($0.nonce)" } ?? proxies.throttleKey(of: request, peer: context.remoteAddress)
        let second = Int64(clock.now().timeIntervalSince1970.rounded(.down))
        let start = second - second % 60
        let admitted = windows.state.withLock { windows in
            // A new window forgets every count at once: the table never outgrows a minute's clients.
            if windows.start != start { windows = (start, [:]) }
            let count = windows.counts[client, default: 0]
            guard count < limit else { return false }
            // Memory stays bounded however many clients arrive in one minute; past the bound,
            // new ones pass uncounted (the sign-in throttle and the hasher's bound still hold).
            if count == 0, windows.counts.count >= Self.capacity { return true }
            windows.counts[client] = count + 1
            return true
        }
        guard admitted else {
            try await settings.pauseBeforeRefusal()
            let wait = start + 60 - second
            // An app's OAuth endpoints read JSON, RFC 6749 section 5.2's shape.
            let path = request.uri.path
            if path == OAuthController.tokenPath || path == OAuthController.revokePath || path == OAuthController.metadataPath {
                var response = OAuthController.errorResponse(
                    .temporarilyUnavailable("This address sent too many requests. " + AccountRenderer.tryAgain(in: wait)), status: .tooManyRequests)
                response.headers[.retryAfter] = "\(wait)"
                return response
            }
            return renderer.message(
                AccountViews.Message(
                    heading: "Too many requests",
                    text: "This address has sent too many requests to the account pages. " + AccountRenderer.tryAgain(in: wait),
                    link: AccountRoutes.signIn, linkText: "Sign in"
                ),
                status: .tooManyRequests, retryAfter: wait
            )
        }
        return try await next(request, context)
    }
}
