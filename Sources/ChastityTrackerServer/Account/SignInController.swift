import ChastityTrackerDomain
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Signing in and out of the account pages (docs/CONTRACT.md section 12).
///
/// Every failure (unknown name, wrong password, no password set) answers the same page with
/// "wrong name or password" and costs the same scrypt work, so the answers tell nobody which
/// names exist. Failures are throttled per account name (counted in the database, so every
/// instance agrees) and per client address (in memory), answered with 429 and `Retry-After`.
struct SignInController<Store: ChastityStore>: Sendable {
    let store: Store
    let clock: any WallClock
    let settings: AccountSettings
    let renderer: AccountRenderer
    let addresses: AddressThrottle
    let behindProxy: Bool
    /// A hash of no one's password: unknown names are checked against it.
    let decoy: DecoyHash

    static var failureMessage: String { "wrong name or password" }

    /// The sign-in form's fields.
    struct Form: Decodable {
        var name: String?
        var password: String?
    }

    init(store: Store, clock: any WallClock, settings: AccountSettings, renderer: AccountRenderer, behindProxy: Bool) {
        self.store = store
        self.clock = clock
        self.settings = settings
        self.renderer = renderer
        self.addresses = AddressThrottle(throttle: settings.addressThrottle)
        self.behindProxy = behindProxy
        self.decoy = DecoyHash(parameters: settings.decoyParameters)
    }

    /// `GET /account/sign-in` and `POST /account/sign-in` (the form is checked for its
    /// pre-session token by ``AccountCSRFMiddleware`` first).
    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(AccountRoutes.signIn)) { request, _ in form(request) }
        router.post(RouterPath(AccountRoutes.signIn)) { request, context in try await signIn(request, context: context) }
    }

    /// `POST /account/sign-out`, on the signed-in routes.
    func addSignOut(to router: some RouterMethods<AccountContext>) {
        router.post(RouterPath(AccountRoutes.signOut)) { _, context in
            _ = try await store.deleteSession(hash: context.account.secret.hash)
            return Response(
                status: .seeOther,
                headers: [
                    .location: AccountRoutes.signIn, .setCookie: AccountCookies.clear(AccountCookies.session),
                ])
        }
    }

    /// The form, keeping the pre-session token the browser already holds (another open tab's
    /// form stays valid), or setting a new one.
    private func form(_ request: Request, name: String = "", error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let token = AccountCookies.value(AccountCookies.signIn, in: request) ?? SessionSecret.generate().plaintext
        return renderer.page(
            "sign-in", AccountViews.SignIn(csrf: token, name: name, error: error), status: status,
            headers: [.setCookie: AccountCookies.set(AccountCookies.signIn, token, maxAge: 3600)]
        )
    }

    private func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let fields = try await AccountForm.decode(Form.self, request, context: context) ?? Form()
        let name = fields.name ?? ""
        let password = fields.password ?? ""
        let now = Timestamp(clock.now())
        let address = ClientAddress.of(request, context: context, behindProxy: behindProxy)

        let accountWait = try await settings.accountThrottle.wait(after: store.signInFailures(account: name), at: now)
        let wait = max(addresses.wait(for: address, at: now) ?? 0, accountWait ?? 0)
        if wait > 0 {
            context.logger.notice("sign-in throttled", metadata: ["name": "\(name)", "address": "\(address)", "retryAfter": "\(wait)"])
            return renderer.message(
                AccountViews.Message(
                    heading: "Too many failed sign-ins",
                    text: "Signing in is paused after repeated failures. Try again in \(wait) second\(wait == 1 ? "" : "s").",
                    link: AccountRoutes.signIn, linkText: "Sign in"
                ),
                status: .tooManyRequests, headers: [.retryAfter: "\(wait)"]
            )
        }

        let user = try await store.user(named: name)
        let stored = try await user.asyncMap { try await store.passwordHash(userID: $0.id) } ?? nil
        // The decoy costs the same scrypt work when there is no user or no password.
        let matches = Password.verify(password, against: stored ?? decoy.hash) && stored != nil
        guard let user, matches else {
            let failures = try await store.recordSignInFailure(account: name, at: now, resetBefore: settings.accountThrottle.resetBefore(now))
            addresses.recordFailure(of: address, at: now)
            context.logger.notice("sign-in failed", metadata: ["name": "\(name)", "address": "\(address)", "failures": "\(failures.count)"])
            return form(request, name: name, error: Self.failureMessage, status: .unauthorized)
        }

        try await store.clearSignInFailures(account: name)
        // A new id at every sign-in; a session the browser still held ends here.
        if let previous = AccountCookies.value(AccountCookies.session, in: request) {
            _ = try await store.deleteSession(hash: SessionSecret(plaintext: previous).hash)
        }
        let secret = SessionSecret.generate()
        try await store.createSession(hash: secret.hash, userID: user.id, at: now)
        context.logger.info("signed in", metadata: ["name": "\(name)", "address": "\(address)"])
        var headers: HTTPFields = [.location: AccountRoutes.overviewLocation]
        headers.append(
            HTTPField(name: .setCookie, value: AccountCookies.set(AccountCookies.session, secret.plaintext, maxAge: settings.absoluteTimeout)))
        headers.append(HTTPField(name: .setCookie, value: AccountCookies.clear(AccountCookies.signIn)))
        return Response(status: .seeOther, headers: headers)
    }
}

extension Optional {
    /// The wrapped value mapped by an async function, or `nil`.
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
