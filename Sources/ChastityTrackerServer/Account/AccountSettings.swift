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

    public init(
        idleTimeout: Int64 = 30 * 60, absoluteTimeout: Int64 = 12 * 60 * 60,
        accountThrottle: SignInThrottle = .account, addressThrottle: SignInThrottle = .address,
        decoyParameters: Password.Parameters = .standard
    ) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.accountThrottle = accountThrottle
        self.addressThrottle = addressThrottle
        self.decoyParameters = decoyParameters
    }
}
