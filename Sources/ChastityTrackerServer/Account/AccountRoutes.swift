/// The paths of the account pages (docs/CONTRACT.md section 12), as the router matches them:
/// `PathNormalizationMiddleware` has already turned `/account/` into `/account`.
public enum AccountRoutes {
    public static let overview = "/account"
    public static let signIn = "/account/sign-in"
    public static let signOut = "/account/sign-out"
    public static let tokens = "/account/tokens"
    public static let revokeToken = "/account/tokens/revoke"
    public static let regenerateToken = "/account/tokens/regenerate"
    public static let webhooks = "/account/webhooks"
    public static let testWebhook = "/account/webhooks/test"
    public static let redeliverWebhook = "/account/webhooks/redeliver"
    public static let removeWebhook = "/account/webhooks/remove"
    public static let stylesheet = "/account/style.css"
    public static let records = "/account/records"
    public static let exportJSON = "/account/records/export.json"
    public static let exportCSV = "/account/records/export.csv"
    public static let settings = "/account/settings"
    public static let changePassword = "/account/settings/password"
    public static let changeTimeZone = "/account/settings/time-zone"
    public static let deleteAccount = "/account/settings/delete"

    /// Where a browser is sent to see the overview: with the slash, so the cookie (path
    /// `/account/`) goes with the request.
    static let overviewLocation = "/account/"

    /// Whether a (normalised) path belongs to the account pages.
    public static func isAccountPath(_ path: String) -> Bool {
        path == overview || path.hasPrefix(overview + "/")
    }
}
