import ChastityTrackerDomain
import ChastityTrackerServices
import HTTPTypes
import Hummingbird
import Logging

/// The webhooks page (docs/CONTRACT.md section 14): the person's webhooks with their last
/// delivery, and the forms to add one (its secret shown once), send a test message, redeliver the
/// last message and remove one. Every request here has passed the session and CSRF middleware; a
/// user only ever reaches their own webhooks, and another user's webhook id is answered exactly
/// like a missing one.
struct WebhooksPageController<Store: WebhookStore>: Sendable {
    let store: Store
    /// The webhook use cases, shared with the command line.
    let administration: Administration
    /// Plain `http` and private addresses allowed (`--webhooks-allow-private`).
    let allowPrivate: Bool
    let renderer: AccountRenderer

    /// The add form's field.
    struct AddForm: Decodable {
        var url: String?
    }

    /// The per-webhook forms' field.
    struct WebhookForm: Decodable {
        var id: String?
    }

    func addRoutes(to router: some RouterMethods<AccountContext>) {
        router.get(RouterPath(AccountRoutes.webhooks)) { _, context in try await page(context) }
        router.post(RouterPath(AccountRoutes.webhooks)) { request, context in try await add(request, context: context) }
        router.post(RouterPath(AccountRoutes.testWebhook)) { request, context in
            try await act(request, context: context, "test message queued") { id, userID in
                try await administration.sendTestMessage(webhookID: id, userID: userID)
            }
        }
        router.post(RouterPath(AccountRoutes.redeliverWebhook)) { request, context in
            try await act(request, context: context, "last message queued again") { id, userID in
                try await administration.redeliverLastMessage(webhookID: id, userID: userID)
            }
        }
        router.post(RouterPath(AccountRoutes.removeWebhook)) { request, context in
            try await act(request, context: context, "webhook removed") { id, userID in
                try await administration.removeWebhook(id: id, userID: userID)
            }
        }
    }

    private func page(
        _ context: AccountContext, status: HTTPResponse.Status = .ok, change: (inout AccountViews.Webhooks) -> Void = { _ in }
    ) async throws -> Response {
        var view = AccountViews.Webhooks(
            csrf: context.account.secret.csrfToken, webhooks: try await store.webhooks(userID: context.account.user.id))
        change(&view)
        return renderer.page("webhooks", view, status: status)
    }

    private func add(_ request: Request, context: AccountContext) async throws -> Response {
        let form = try await AccountForm.decode(AddForm.self, request, context: context) ?? AddForm()
        let url = form.url ?? ""
        let allowPrivate = allowPrivate
        do {
            let (webhook, secret) = try await administration.addWebhook(userID: context.account.user.id, url: url, allowPrivate: allowPrivate) {
                _ = try await WebhookResolver(pool: .registrations).address(of: $0, allowPrivate: allowPrivate)
            }
            context.logger.info("webhook added on the account pages", metadata: ["webhookID": "\(webhook.id)", "userID": "\(webhook.userID)"])
            return try await page(context, status: .created) { view in
                view.newWebhook = .init(url: webhook.url, secret: secret.text)
            }
        } catch let error as AdminError {
            return try await page(context, status: .badRequest) { view in
                view.url = url
                view.urlError = error.message
            }
        }
    }

    /// Runs `action` on the webhook the form names, if it is the signed-in user's, and shows the
    /// page again (303); a missing or someone else's webhook is one "no such webhook" page.
    private func act(
        _ request: Request, context: AccountContext, _ done: String, _ action: (Int64, Int64) async throws -> Bool
    ) async throws -> Response {
        let form = try await AccountForm.decode(WebhookForm.self, request, context: context) ?? WebhookForm()
        guard let id = form.id.flatMap(Int64.init), try await action(id, context.account.user.id) else { return missing(context) }
        context.logger.info("\(done) on the account pages", metadata: ["webhookID": "\(id)", "userID": "\(context.account.user.id)"])
        return Response(status: .seeOther, headers: [.location: AccountRoutes.webhooks])
    }

    private func missing(_ context: AccountContext) -> Response {
        renderer.message(
            AccountViews.Message(
                signedIn: true, csrf: context.account.secret.csrfToken, heading: "No such webhook",
                text:
                    "There is no such webhook among yours, or it cannot do that now: a disabled webhook sends no test, one that has sent nothing has nothing to redeliver, and one test or redelivery waits at a time.",
                link: AccountRoutes.webhooks, linkText: "Your webhooks"
            ),
            status: .notFound
        )
    }
}

extension AccountViews {
    /// `webhooks`: the person's webhooks and the add form.
    struct Webhooks {
        let signedIn = true
        var csrf: String
        var rows: [Row]
        // Stored, not computed: templates see stored properties only (they read values by reflection).
        var hasWebhooks: Bool
        var newWebhook: NewWebhook?
        var url: String = ""
        var urlError: String?

        struct Row {
            var id: Int64
            var url: String
            var created: String
            var lastDelivery: String
            var disabled: String?
            var disabledReason: String?
            var hasMessages: Bool
        }

        struct NewWebhook {
            var url: String
            var secret: String
        }

        init(csrf: String, webhooks: [Webhook]) {
            self.csrf = csrf
            self.rows = webhooks.map { webhook in
                Row(
                    id: webhook.id, url: webhook.url, created: Tokens.minutes(webhook.created),
                    lastDelivery: Self.lastDelivery(webhook), disabled: webhook.disabled.map(Tokens.minutes),
                    disabledReason: webhook.disabledReason, hasMessages: webhook.lastAttempt != nil)
            }
            self.hasWebhooks = !rows.isEmpty
        }

        /// The last attempt in words: when, and delivered (with the status) or why it failed.
        static func lastDelivery(_ webhook: Webhook) -> String {
            guard let attempt = webhook.lastAttempt else { return "none yet" }
            let when = Tokens.minutes(attempt)
            if let error = webhook.lastError { return "\(when) UTC: failed: \(error)" }
            return "\(when) UTC: delivered (HTTP \(webhook.lastStatus.map(String.init) ?? "?"))"
        }
    }
}
