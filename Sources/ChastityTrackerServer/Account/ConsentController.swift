import ChastityTrackerDomain
import ChastityTrackerServices
import HTTPTypes
import Hummingbird
import Logging

/// The signed-in side of OAuth (docs/CONTRACT.md section 15): the consent page of a pending
/// request and its Approve and Deny forms (Disconnect is the tokens page's, which works with OAuth
/// off too). A person reaches the
/// consent page from ``OAuthController``'s step, or from the sign-in page when they were signed
/// out (it returns here). Never approved without this page: approving is a CSRF-protected form
/// post of the signed-in person.
struct ConsentController: Sendable {
    let flows: OAuthFlows
    let renderer: AccountRenderer

    /// The decision form's fields.
    struct DecisionForm: Decodable {
        var request: String?
        var decision: String?
    }

    func addRoutes(to router: some RouterMethods<AccountContext>) {
        router.get(RouterPath(AccountRoutes.authorize)) { request, context in
            try await consentPage(id: request.uri.queryParameters["request"].map(String.init) ?? "", context: context)
        }
        router.post(RouterPath(AccountRoutes.authorize)) { request, context in try await decide(request, context: context) }
    }

    private func consentPage(id: String, context: AccountContext) async throws -> Response {
        guard let consent = try await flows.consent(id: id) else { return gone(context) }
        var headers: HTTPFields = [:]
        // Chromium holds the redirect that answers Approve or Deny to this page's form-action,
        // so the app's redirect target is allowed here, on this page only.
        if let target = consent.formTarget {
            headers[.contentSecurityPolicy] = AccountSecurityHeadersMiddleware<AppRequestContext>.contentSecurityPolicy(formAction: target)
        }
        let view = AccountViews.Consent(
            csrf: context.account.secret.csrfToken, name: context.account.user.name, app: consent.client.name,
            scopeText: consent.pending.request.scope == .write
                ? "read, add, change and delete your records" : "read your records (it cannot change them)",
            destination: consent.destination, requestID: id)
        return renderer.page("consent", view, headers: headers)
    }

    private func decide(_ request: Request, context: AccountContext) async throws -> Response {
        let form = try await AccountForm.decode(DecisionForm.self, request, context: context) ?? DecisionForm()
        guard let decision = form.decision, decision == "approve" || decision == "deny" else { return gone(context) }
        let user = context.account.user
        guard let location = try await flows.decide(id: form.request ?? "", userID: user.id, approve: decision == "approve") else {
            return gone(context)
        }
        context.logger.info("OAuth request decided", metadata: ["userID": "\(user.id)", "decision": "\(decision)"])
        return Response(status: .seeOther, headers: [.location: location])
    }

    /// A request that is unknown, expired, already decided, or whose app was removed.
    private func gone(_ context: AccountContext) -> Response {
        renderer.message(
            AccountViews.Message(
                signedIn: true, csrf: context.account.secret.csrfToken, heading: "No such request",
                text: "This request to connect an app has expired or was answered already. Start again from the app.",
                link: AccountRoutes.overviewLocation, linkText: "Your account"),
            status: .notFound)
    }
}
