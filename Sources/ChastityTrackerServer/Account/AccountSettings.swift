public import ChastityTrackerDomain

/// The account pages' settings: how long a session lasts, how failed sign-ins are throttled and
/// how passwords are hashed. Constants with documented defaults for now (README, "Account
/// pages"); tests pass faster ones to ``buildApplication(configuration:store:clock:logger:metrics:account:)``.
public struct AccountSettings: Sendable {
    /// A session unused for this many seconds has ended (default 30 minutes).
    public var idleTimeout: Int64
    /// A session this many seconds old has ended, however busy (default 12 hours).
    public var absoluteTimeout: Int64
    /// The throttle of failed sign-ins per account name, counted in the database.
    public var accountThrottle: SignInThrottle
    /// The throttle of failed sign-ins per client address, counted in this instance's memory.
    public var addressThrottle: SignInThrottle
    /// The cost of the hash that unknown names are checked against, so that they take as long as
    /// a wrong password; the same as the stored hashes' cost.
    public var decoyParameters: Password.Parameters
    /// The cost of the hash stored when a password is changed on the settings page (the same as
    /// `users set-password`'s by default).
    public var passwordParameters: Password.Parameters

    public init(
        idleTimeout: Int64 = 30 * 60, absoluteTimeout: Int64 = 12 * 60 * 60,
        accountThrottle: SignInThrottle = .account, addressThrottle: SignInThrottle = .address,
        decoyParameters: Password.Parameters = .standard, passwordParameters: Password.Parameters = .standard
    ) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.accountThrottle = accountThrottle
        self.addressThrottle = addressThrottle
        self.decoyParameters = decoyParameters
        self.passwordParameters = passwordParameters
    }

    /// The first instants a session may have been last seen and created at to be live at `now`:
    /// a session ends at its timeout exactly.
    func sessionCutoffs(at now: Timestamp) -> (idle: Timestamp, absolute: Timestamp) {
        (
            Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - idleTimeout * 1000 + 1),
            Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - absoluteTimeout * 1000 + 1)
        )
    }
}
