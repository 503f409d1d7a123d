import ChastityTrackerDomain

/// The paths of the account pages (docs/CONTRACT.md section 12), as the router matches them:
/// `PathNormalization` has already turned `/account/` into `/account`.
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
    /// The consent page of a pending OAuth request (`?request=ID`), and its Approve and Deny forms.
    public static let authorize = "/account/authorize"
    /// A connected app's Disconnect form.
    public static let disconnectApp = "/account/apps/disconnect"
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

    /// Where the sign-in page may send a browser once signed in, besides the overview: the
    /// consent page of a pending request, and nothing else (no open redirect).
    static func isSignInDestination(_ location: String) -> Bool {
        let prefix = authorize + "?request="
        return location.hasPrefix(prefix) && SessionSecret.isWellFormed(location.dropFirst(prefix.count))
    }

    /// Whether a (normalised) path belongs to the account pages.
    public static func isAccountPath(_ path: String) -> Bool {
        path == overview || path.hasPrefix(overview + "/")
    }
}
