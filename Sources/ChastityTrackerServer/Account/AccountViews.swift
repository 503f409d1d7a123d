import ChastityTrackerDomain

/// The view models the account templates render: plain values built by the handlers, so that a
/// template only places text (escaped) and never decides anything.
enum AccountViews {
    /// `sign-in`: the form, with the one failure message when there was one.
    struct SignIn {
        let signedIn = false
        var csrf: String
        var name: String
        var error: String?
    }

    /// `overview`: who is signed in.
    struct Overview {
        let signedIn = true
        var csrf: String
        var name: String
        var timeZone: String
    }

    /// `tokens`: every token of the user, the create form, and a secret to show once.
    struct Tokens {
        let signedIn = true
        var csrf: String
        var rows: [Row]
        // Stored, not computed: templates see stored properties only (they read values by reflection).
        var hasTokens: Bool
        var newToken: NewToken?
        var label: String = ""
        var labelError: String?
        var permissionError: String?

        struct Row {
            var id: Int64
            var label: String
            var permission: String
            var created: String
            var lastUsed: String
            var revoked: String?
        }

        struct NewToken {
            var heading: String
            var secret: String
        }

        init(csrf: String, tokens: [TokenInfo]) {
            self.csrf = csrf
            self.rows = tokens.map {
                Row(
                    id: $0.id, label: $0.label.isEmpty ? "(no label)" : $0.label, permission: $0.permission.rawValue,
                    created: Self.minutes($0.created), lastUsed: $0.lastUsed.map(Self.minutes) ?? "never",
                    revoked: $0.revoked.map(Self.minutes)
                )
            }
            self.hasTokens = !rows.isEmpty
        }

        /// `YYYY-MM-DD HH:MM` in UTC.
        static func minutes(_ instant: Timestamp) -> String { String(instant.description.prefix(16)) }
    }

    /// `message`: a short page for refusals (CSRF, throttling, a missing token).
    struct Message {
        var signedIn = false
        var csrf = ""
        var heading: String
        var text: String
        var link: String
        var linkText: String
    }
}
