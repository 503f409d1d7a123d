import ChastityTrackerDomain
import ChastityTrackerServices
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The signed-in account pages: the overview and the tokens page with its create, revoke and
/// regenerate forms and the connected apps' Disconnect (docs/CONTRACT.md sections 12 and 15). Every request here has passed the session and
/// CSRF middleware; a user only ever reaches their own tokens, and another user's token id is
/// answered exactly like a missing one.
struct AccountPagesController<Store: OrgasmStore & TokenStore & OAuthGrantStore>: Sendable {
    let store: Store
    /// The token use cases, shared with the command line (secrets from its injected generator).
    let administration: Administration
    let clock: any WallClock
    let renderer: AccountRenderer

    /// The create form's fields.
    struct CreateForm: Decodable {
        var label: String?
        var permission: String?
    }

    /// The revoke and regenerate forms' field.
    struct TokenForm: Decodable {
        var id: String?
    }

    /// The Disconnect form's field.
    struct DisconnectForm: Decodable {
        var grant: String?
    }

    func addRoutes(to router: some RouterMethods<AccountContext>) {
        router.get(RouterPath(AccountRoutes.overview)) { _, context in try await overview(context) }
        router.get(RouterPath(AccountRoutes.tokens)) { _, context in try await tokensPage(context) }
        router.post(RouterPath(AccountRoutes.tokens)) { request, context in try await create(request, context: context) }
        router.post(RouterPath(AccountRoutes.revokeToken)) { request, context in try await revoke(request, context: context) }
        router.post(RouterPath(AccountRoutes.regenerateToken)) { request, context in try await regenerate(request, context: context) }
        router.post(RouterPath(AccountRoutes.disconnectApp)) { request, context in try await disconnect(request, context: context) }
    }

    /// How many of the latest records the overview lists.
    static var latestCount: Int { 20 }

    /// The overview: the chart of the twelve months up to "today" in the user's time zone,
    /// decided exactly as the API decides it (`OrgasmsController.input(for:)`), from one
    /// aggregate query, and the latest records in the API's order.
    private func overview(_ context: AccountContext) async throws -> Response {
        let user = context.account.user
        let zone = (try? TimeZones.zone(named: user.timeZone)) ?? TimeZone(identifier: "UTC")!
        let today = TimeZones.today(at: clock.now(), in: zone)
        let range = RecordChart.range(endingAt: today)
        let counts = try await store.monthlyCounts(userID: user.id, from: range.from, to: range.to)
        let latest = try await store.orgasms(userID: user.id, matching: OrgasmQuery(limit: Self.latestCount)).items
        return renderer.page(
            "overview",
            AccountViews.Overview(
                csrf: context.account.secret.csrfToken, name: user.name, timeZone: user.timeZone,
                chart: RecordChart(today: today, counts: counts), latest: latest
            )
        )
    }

    private func tokensPage(
        _ context: AccountContext, status: HTTPResponse.Status = .ok, change: (inout AccountViews.Tokens) -> Void = { _ in }
    ) async throws -> Response {
        let user = context.account.user
        var view = AccountViews.Tokens(
            csrf: context.account.secret.csrfToken, tokens: try await store.tokens(userID: user.id),
            apps: try await store.connectedApps(userID: user.id))
        change(&view)
        return renderer.page("tokens", view, status: status)
    }

    private func create(_ request: Request, context: AccountContext) async throws -> Response {
        let form =
            try await AccountForm.decode(CreateForm.self, request, context: context)
            ?? CreateForm()
        let label = form.label ?? ""
        var labelError: String?
        do throws(ValidationError) {
            try TokenInfo.validate(label: label)
        } catch {
            labelError = error.message
        }
        let permission = form.permission.flatMap(Permission.init(rawValue:))
        guard labelError == nil, let permission else {
            return try await tokensPage(context, status: .badRequest) { view in
                view.label = label
                view.labelError = labelError
                if permission == nil { view.permissionError = "choose read or write" }
            }
        }
        let (info, secret) = try await administration.createToken(userID: context.account.user.id, permission: permission, label: label)
        context.logger.info("token created on the account pages", metadata: ["tokenID": "\(info.id)", "userID": "\(info.userID)"])
        return try await tokensPage(context, status: .created) { view in
            view.newToken = .init(heading: "Your new token", secret: secret.plaintext)
        }
    }

    private func revoke(_ request: Request, context: AccountContext) async throws -> Response {
        guard let token = try await ownToken(request, context: context) else { return missing(context) }
        guard try await administration.revoke(token) else { return missing(context) }
        context.logger.info("token revoked on the account pages", metadata: ["tokenID": "\(token.id)", "userID": "\(token.userID)"])
        return Response(status: .seeOther, headers: [.location: AccountRoutes.tokens])
    }

    private func regenerate(_ request: Request, context: AccountContext) async throws -> Response {
        guard let token = try await ownToken(request, context: context), let secret = try await administration.regenerate(token) else {
            return missing(context)
        }
        context.logger.info("token regenerated on the account pages", metadata: ["tokenID": "\(token.id)", "userID": "\(token.userID)"])
        return try await tokensPage(context) { view in
            view.newToken = .init(heading: "New secret for \(token.label.isEmpty ? "(no label)" : token.label)", secret: secret.plaintext)
        }
    }

    /// Disconnects a connected app: its grant, access tokens and refresh tokens are revoked at
    /// once. Another user's grant is answered like a missing one.
    private func disconnect(_ request: Request, context: AccountContext) async throws -> Response {
        let form = try await AccountForm.decode(DisconnectForm.self, request, context: context) ?? DisconnectForm()
        let user = context.account.user
        guard let id = form.grant.flatMap(Int64.init), try await store.revokeGrant(id: id, userID: user.id, at: Timestamp(clock.now())) else {
            return renderer.message(
                AccountViews.Message(
                    signedIn: true, csrf: context.account.secret.csrfToken, heading: "No such app",
                    text: "There is no such connected app among yours, or it is disconnected already.",
                    link: AccountRoutes.tokens, linkText: "Your tokens"),
                status: .notFound)
        }
        context.logger.info("app disconnected on the account pages", metadata: ["grantID": "\(id)", "userID": "\(user.id)"])
        return Response(status: .seeOther, headers: [.location: AccountRoutes.tokens])
    }

    /// The token the form names, when it is the signed-in user's; `nil` when it is missing or
    /// someone else's (the two are not told apart).
    private func ownToken(_ request: Request, context: AccountContext) async throws -> TokenInfo? {
        let form =
            try await AccountForm.decode(TokenForm.self, request, context: context)
            ?? TokenForm()
        guard let id = form.id.flatMap(Int64.init) else { return nil }
        return try await administration.token(id: id, ownedBy: context.account.user.id)
    }

    private func missing(_ context: AccountContext) -> Response {
        renderer.message(
            AccountViews.Message(
                signedIn: true, csrf: context.account.secret.csrfToken, heading: "No such token",
                text: "There is no such token among yours, or it is revoked.",
                link: AccountRoutes.tokens, linkText: "Your tokens"
            ),
            status: .notFound
        )
    }
}
