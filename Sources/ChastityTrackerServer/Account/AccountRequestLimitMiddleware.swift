import ChastityTrackerDomain
import Foundation
import Hummingbird
import Synchronization

/// At most `limit` requests per minute to the account pages from any one client address
/// (``ProxyTrust/throttleKey(of:peer:)``: IPv4 per address, IPv6 per /64), counted in this
/// instance's memory in fixed one-minute windows; past it a request answers 429 with
/// `Retry-After` before anything else runs. The API has limits of its own, per token.
struct AccountRequestLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let limit: Int
    let proxies: ProxyTrust
    let clock: any WallClock
    let renderer: AccountRenderer
    static var capacity: Int { 100_000 }
    private let windows = Windows()

    /// The counts of the current window, shared by every copy of the middleware.
    private final class Windows: Sendable {
        let state = Mutex<(start: Int64, counts: [String: Int])>((0, [:]))
    }

    init(limit: Int, proxies: ProxyTrust, clock: any WallClock, renderer: AccountRenderer) {
        self.limit = limit
        self.proxies = proxies
        self.clock = clock
        self.renderer = renderer
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let address = proxies.throttleKey(of: request, peer: context.remoteAddress)
        let second = Int64(clock.now().timeIntervalSince1970.rounded(.down))
        let start = second - second % 60
        let admitted = windows.state.withLock { windows in
            // A new window forgets every count at once: the table never outgrows a minute's clients.
            if windows.start != start { windows = (start, [:]) }
            let count = windows.counts[address, default: 0]
            guard count < limit else { return false }
            // Memory stays bounded however many addresses arrive in one minute; past the bound,
            // new ones pass uncounted (the sign-in throttle and the hasher's bound still hold).
            if count == 0, windows.counts.count >= Self.capacity { return true }
            windows.counts[address] = count + 1
            return true
        }
        guard admitted else {
            let wait = start + 60 - second
            return renderer.message(
                AccountViews.Message(
                    heading: "Too many requests",
                    text: "This address has sent too many requests to the account pages. Try again in \(wait) second\(wait == 1 ? "" : "s").",
                    link: AccountRoutes.signIn, linkText: "Sign in"
                ),
                status: .tooManyRequests, headers: [.retryAfter: "\(wait)"]
            )
        }
        return try await next(request, context)
    }
}
