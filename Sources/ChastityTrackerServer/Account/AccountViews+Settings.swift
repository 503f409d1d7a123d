import ChastityTrackerDomain

extension AccountViews {
    /// `settings`: the three forms, a short confirmation after a change, and each field's message.
    struct Settings {
        let signedIn = true
        var csrf: String
        var name: String
        /// What the time zone field shows: the stored zone, or what was typed when it was refused.
        var timeZoneField: String
        var passwordRule = "\(Password.minimumLength) to \(Password.maximumLength) characters"
        var saved: String?
        var currentError: String?
        var newError: String?
        var confirmError: String?
        var timeZoneError: String?
        var deleteError: String?

        init(csrf: String, user: User) {
            self.csrf = csrf
            self.name = user.name
            self.timeZoneField = user.timeZone
        }
    }
}
