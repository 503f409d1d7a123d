import ChastityTrackerDomain
import ChastityTrackerServices
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The settings page (docs/CONTRACT.md section 12): change the password, change the time zone,
/// delete the account. Every form has passed the session and CSRF middleware and changes only
/// the signed-in user: the forms carry no id. A refused form answers the page again with 400 and
/// the field's message; a change answers 303 back to the page, whose confirmation is chosen by a
/// fixed flag in the query (`?saved=password`), never by text from the request.
struct SettingsController<Store: UserStore & PasswordStore & AccountSessionStore & PasswordGateStore>: Sendable {
    let store: Store
    let clock: any WallClock
    let settings: AccountSettings
    let renderer: AccountRenderer
    let gate: PasswordGate<Store>
    let proxies: ProxyTrust
    let administration: Administration

    /// The password form's fields.
    struct PasswordForm: Decodable {
        var current: String?
        var new: String?
        var confirm: String?
    }

    /// The time zone form's field.
    struct TimeZoneForm: Decodable {
        var timeZone: String?
    }

    /// The delete form's fields: the account name, typed, and the current password.
    struct DeleteForm: Decodable {
        var confirm: String?
        var password: String?
    }

    /// The confirmations a change redirects to, by their query flag.
    enum Saved: String {
        case password
        case timeZone = "time-zone"
    }

    func addRoutes(to router: some RouterMethods<AccountContext>) {
        router.get(RouterPath(AccountRoutes.settings)) { request, context in page(request, context: context) }
        router.post(RouterPath(AccountRoutes.changePassword)) { request, context in try await changePassword(request, context: context) }
        router.post(RouterPath(AccountRoutes.changeTimeZone)) { request, context in try await changeTimeZone(request, context: context) }
        router.post(RouterPath(AccountRoutes.deleteAccount)) { request, context in try await deleteAccount(request, context: context) }
    }

    private func page(_ request: Request, context: AccountContext) -> Response {
        let user = context.account.user
        return render(context) { view in
            switch request.uri.queryParameters.get("saved").flatMap(Saved.init(rawValue:)) {
            case .password: view.saved = "Your password is changed. Every other browser signed in to your account is signed out."
            case .timeZone: view.saved = "Your time zone is now \(user.timeZone). It decides which day is today for your next records."
            case nil: break
            }
        }
    }

    private func render(
        _ context: AccountContext, status: HTTPResponse.Status = .ok, change: (inout AccountViews.Settings) -> Void = { _ in }
    ) -> Response {
        var view = AccountViews.Settings(csrf: context.account.secret.csrfToken, user: context.account.user)
        change(&view)
        return renderer.page("settings", view, status: status)
    }

    /// Checks the current password the way signing in does (``PasswordGate``: the same throttle,
    /// a wrong one counts as a failed sign-in), then stores the new one, which ends every session
    /// of the user, and starts a new session for this browser.
    private func changePassword(_ request: Request, context: AccountContext) async throws -> Response {
        let form = try await AccountForm.decode(PasswordForm.self, request, context: context) ?? PasswordForm()
        let user = context.account.user
        let now = Timestamp(clock.now())
        var currentError: String?
        switch try await checkCurrentPassword(form.current ?? "", request: request, context: context, at: now) {
        case .matched: break
        case .mismatched: currentError = "the current password is wrong"
        case .refused(let response): return response
        }
        let new = form.new ?? ""
        var newError: String?
        do throws(ValidationError) {
            try Password.validate(new)
        } catch {
            newError = error.message
        }
        let confirmError = newError == nil && form.confirm != new ? "the two new passwords differ" : nil
        guard currentError == nil, newError == nil, confirmError == nil else {
            return render(context, status: .badRequest) { view in
                view.currentError = currentError
                view.newError = newError
                view.confirmError = confirmError
            }
        }

        do {
            guard try await administration.setPassword(userID: user.id, to: new) else {
                return AccountSessionMiddleware<Store>.toSignIn(clearing: true)
            }
        } catch let busy as PasswordHasherBusy {
            return busyPage(context, retryAfter: busy.retryAfter)
        }
        // Every session ended with the change, this browser's too: it gets a new one.
        let secret = SessionSecret.generate()
        try await store.createSession(hash: secret.hash, userID: user.id, at: now)
        context.logger.info("password changed on the account pages; the user's other sessions ended", metadata: ["userID": "\(user.id)"])
        return Response(
            status: .seeOther,
            headers: [
                .location: Self.saved(.password),
                .setCookie: AccountCookies.set(AccountCookies.session, secret.plaintext, maxAge: settings.absoluteTimeout),
            ])
    }

    /// Stores a new IANA time zone, checked by the same rule as `users add --timezone`; the API
    /// takes "today" from it from the next request on.
    private func changeTimeZone(_ request: Request, context: AccountContext) async throws -> Response {
        let timeZone = (try await AccountForm.decode(TimeZoneForm.self, request, context: context))?.timeZone ?? ""
        let user = context.account.user
        do throws(ValidationError) {
            _ = try TimeZones.zone(named: timeZone)
        } catch {
            return render(context, status: .badRequest) { view in
                view.timeZoneField = timeZone
                view.timeZoneError = error.message
            }
        }
        guard try await store.setTimeZone(userID: user.id, timeZone: timeZone) else {
            return AccountSessionMiddleware<Store>.toSignIn(clearing: true)
        }
        context.logger.info("time zone changed on the account pages", metadata: ["userID": "\(user.id)", "timeZone": "\(timeZone)"])
        return Response(status: .seeOther, headers: [.location: Self.saved(.timeZone)])
    }

    /// Deletes the user with every record, token, session and failed sign-in count, once the
    /// account name is typed exactly and the current password is right (checked as
    /// ``changePassword(_:context:)`` checks it); the browser's cookie is cleared.
    private func deleteAccount(_ request: Request, context: AccountContext) async throws -> Response {
        let form = try await AccountForm.decode(DeleteForm.self, request, context: context) ?? DeleteForm()
        let user = context.account.user
        guard form.confirm == user.name else {
            return render(context, status: .badRequest) { view in
                view.deleteError = "type your account name exactly as shown to delete the account"
            }
        }
        switch try await checkCurrentPassword(form.password ?? "", request: request, context: context, at: Timestamp(clock.now())) {
        case .matched: break
        case .mismatched: return render(context, status: .badRequest) { view in view.deleteError = "the password is wrong" }
        case .refused(let response): return response
        }
        _ = try await administration.deleteUser(id: user.id)
        context.logger.info("account deleted on the account pages", metadata: ["userID": "\(user.id)"])
        return renderer.message(
            AccountViews.Message(
                heading: "Account deleted",
                text: "Your account is deleted with every record and token. Apps that used your tokens can no longer reach it.",
                link: AccountRoutes.signIn, linkText: "Sign in"
            ),
            status: .ok, headers: [.setCookie: AccountCookies.clear(AccountCookies.session)]
        )
    }

    /// What checking the current password found; `refused` carries the page to answer (429 or 503).
    private enum CurrentPassword {
        case matched
        case mismatched
        case refused(Response)
    }

    /// Checks the signed-in user's current password through ``PasswordGate``, on this browser's
    /// device cookie's counter when it holds one.
    private func checkCurrentPassword(_ password: String, request: Request, context: AccountContext, at now: Timestamp) async throws
        -> CurrentPassword
    {
        let user = context.account.user
        let (attempt, _) = try await gate.attempt(at: user.name, request: request, peer: context.remoteAddress, proxies: proxies)
        switch try await gate.check(password, of: .user(user), attempt: attempt, at: now) {
        case .matched:
            return .matched
        case .mismatched:
            context.logger.notice("current password refused on the settings page", metadata: ["userID": "\(user.id)"])
            return .mismatched
        case .throttled(let wait):
            context.logger.notice("current password check throttled", metadata: ["userID": "\(user.id)", "retryAfter": "\(wait)"])
            return .refused(
                renderer.message(
                    AccountViews.Message(
                        signedIn: true, csrf: context.account.secret.csrfToken, heading: "Too many wrong passwords",
                        text: "Checking the password is paused after repeated wrong passwords. " + AccountRenderer.tryAgain(in: wait),
                        link: AccountRoutes.settings, linkText: "Settings"
                    ),
                    status: .tooManyRequests, retryAfter: wait
                ))
        case .busy(let retryAfter):
            return .refused(busyPage(context, retryAfter: retryAfter))
        }
    }

    /// 503: the password hasher is full; nothing was checked or changed.
    private func busyPage(_ context: AccountContext, retryAfter: Int64) -> Response {
        renderer.message(
            AccountViews.Message(
                signedIn: true, csrf: context.account.secret.csrfToken, heading: "Busy",
                text: "Too many passwords are being checked right now. Nothing was changed; try again in a moment.",
                link: AccountRoutes.settings, linkText: "Settings"
            ),
            status: .serviceUnavailable, retryAfter: retryAfter
        )
    }

    /// Where a change sends the browser: the page with the change's confirmation flag.
    static func saved(_ flag: Saved) -> String { "\(AccountRoutes.settings)?saved=\(flag.rawValue)" }
}
