import ChastityTrackerDomain
import ChastityTrackerServices
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Signing in and out of the account pages (docs/CONTRACT.md section 12).
///
/// Every failure (unknown name, wrong password, no password set) answers the same page with
/// "wrong name or password"; those that reach a check cost the same scrypt work, so the answers
/// tell nobody which names exist. A typed name no account can have (``User/validate(name:)``)
/// is refused before any lookup. Every check passes ``PasswordGate``: counted before it runs, per
/// account name (persisted, so every instance agrees) and per client address, or, for a browser
/// holding the account's device cookie, on that cookie's counter alone; throttled attempts answer
/// 429 with `Retry-After`, and a full hasher 503 with `Retry-After`, both without hashing.
struct SignInController<Store: AccountSessionStore & PasswordGateStore>: Sendable {
    let store: Store
    let clock: any WallClock
    let settings: AccountSettings
    let renderer: AccountRenderer
    let gate: PasswordGate<Store>
    let proxies: ProxyTrust

    static var failureMessage: String { "wrong name or password" }

    /// The sign-in form's fields.
    struct Form: Decodable {
        var name: String?
        var password: String?
        var next: String?
    }

    /// `GET /account/sign-in` and `POST /account/sign-in` (the form is checked for its
    /// pre-session token by ``AccountCSRFMiddleware`` first).
    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(AccountRoutes.signIn)) { request, _ in
            form(request, next: Self.destination(request.uri.queryParameters["next"].map(String.init)))
        }
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
    private func form(
        _ request: Request, name: String = "", error: String? = nil, next: String? = nil, status: HTTPResponse.Status = .ok
    ) -> Response {
        let token = AccountCookies.value(AccountCookies.signIn, in: request) ?? SessionSecret.generate().plaintext
        return renderer.page(
            "sign-in", AccountViews.SignIn(csrf: token, name: name, error: error, next: next), status: status,
            headers: [.setCookie: AccountCookies.set(AccountCookies.signIn, token, maxAge: 3600)]
        )
    }

    /// `next` when the sign-in page may lead there (a pending OAuth request's consent page), else `nil`.
    static func destination(_ next: String?) -> String? {
        next.flatMap { AccountRoutes.isSignInDestination($0) ? $0 : nil }
    }

    private func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let fields = try await AccountForm.decode(Form.self, request, context: context) ?? Form()
        let name = fields.name ?? ""
        let password = fields.password ?? ""
        let next = Self.destination(fields.next)
        let now = Timestamp(clock.now())
        let address = proxies.throttleKey(of: request, peer: context.remoteAddress)

        do throws(ValidationError) {
            try User.validate(name: name)
        } catch {
            gate.guardian.countCheap(address: address, at: now)
            context.logger.notice("sign-in refused: not a possible account name", metadata: ["address": "\(address)"])
            try await settings.pauseBeforeRefusal()
            return form(request, name: name, error: Self.failureMessage, next: next, status: .unauthorized)
        }
        let (attempt, device) = try await gate.attempt(at: name, request: request, peer: context.remoteAddress, proxies: proxies)
        let user: User
        switch try await gate.check(password, of: .named(name), attempt: attempt, at: now) {
        case .throttled(let wait):
            try await settings.pauseBeforeRefusal()
            context.logger.notice(
                "sign-in throttled", metadata: ["address": "\(address)", "device": "\(device != nil)", "retryAfter": "\(wait)"])
            return renderer.message(
                AccountViews.Message(
                    heading: "Too many failed sign-ins",
                    text: "Signing in is paused after repeated failures. " + AccountRenderer.tryAgain(in: wait),
                    link: AccountRoutes.signIn, linkText: "Sign in"
                ),
                status: .tooManyRequests, retryAfter: wait
            )
        case .busy(let retryAfter):
            context.logger.notice("sign-in refused: the password checks are full", metadata: ["address": "\(address)"])
            return renderer.message(
                AccountViews.Message(
                    heading: "Busy",
                    text: "Too many sign-ins are being checked right now. Try again in a moment.",
                    link: AccountRoutes.signIn, linkText: "Sign in"
                ),
                status: .serviceUnavailable, retryAfter: retryAfter
            )
        case .mismatched:
            // No typed name in the log: people type their password into the name field.
            context.logger.notice("sign-in failed", metadata: ["address": "\(address)", "device": "\(device != nil)"])
            return form(request, name: name, error: Self.failureMessage, next: next, status: .unauthorized)
        case .matched(let account):
            user = account
        }

        // A new id at every sign-in; a session the browser still held ends here.
        if let previous = AccountCookies.value(AccountCookies.session, in: request) {
            _ = try await store.deleteSession(hash: SessionSecret(plaintext: previous).hash)
        }
        let secret = SessionSecret.generate()
        try await store.createSession(hash: secret.hash, userID: user.id, at: now)
        context.logger.info("signed in", metadata: ["name": "\(name)", "address": "\(address)"])
        var headers: HTTPFields = [.location: next ?? AccountRoutes.overviewLocation]
        headers.append(
            HTTPField(name: .setCookie, value: AccountCookies.set(AccountCookies.session, secret.plaintext, maxAge: settings.absoluteTimeout)))
        headers.append(HTTPField(name: .setCookie, value: AccountCookies.clear(AccountCookies.signIn)))
        // This browser is now known to the account: its device cookie is renewed (the same nonce,
        // so that signing in again and again does not mint counters), or a first one is set.
        let cookie = (device ?? DeviceCookie.issue(for: user.name)).value(signedWith: try await gate.devices.key())
        headers.append(HTTPField(name: .setCookie, value: AccountCookies.set(AccountCookies.device, cookie, maxAge: settings.deviceCookieLifetime)))
        return Response(status: .seeOther, headers: headers)
    }
}
