public import ChastityTrackerDomain

/// The account pages' settings: how long a session lasts, how failed sign-ins are throttled and
/// how passwords are hashed. Constants with documented defaults (README, "Account pages"); the
/// ones an operator sets are flags in ``Configuration``. Tests pass faster ones to
/// ``buildApplication(configuration:store:clock:logger:metrics:account:tokens:purges:webhooks:)``.
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
    /// How long a device cookie lasts, in seconds (default 180 days): a browser that signed in to
    /// an account within it keeps its own throttle counter for that account.
    public var deviceCookieLifetime: Int64
    /// Requests per minute any one client address (IPv6: its /64) may make to the account pages
    /// (default 300); past it they answer 429 at once. 0 turns the limit off.
    public var requestsPerMinute: Int
    /// How long a refused sign-in (throttled, or a name no account can have) and a request past
    /// the per-address limit wait before they are answered (default 1 s). The wait costs the
    /// server nothing, and a client guessing in a loop gets one answer a second per connection
    /// instead of as many as the CPU can write. The 503 of a full hasher is answered at once.
    public var refusalPause: Duration
    /// New OAuth authorization requests this instance keeps per minute, all clients together
    /// (default 600): each is a database row written for an anonymous request, so a flood spread
    /// over many addresses is bounded too; past it `/oauth/authorize` answers 503 with
    /// `Retry-After` without writing. 0 turns the budget off.
    public var authorizationRequestsPerMinute: Int
    /// Where passwords are hashed and checked; `nil` (the default) for a ``PooledPasswordHasher``
    /// with ``Configuration/passwordChecks`` threads.
    public var passwordHasher: (any PasswordHasher)?

    public init(
        idleTimeout: Int64 = 30 * 60, absoluteTimeout: Int64 = 12 * 60 * 60,
        accountThrottle: SignInThrottle = .account, addressThrottle: SignInThrottle = .address,
        decoyParameters: Password.Parameters = .standard, passwordParameters: Password.Parameters = .standard,
        deviceCookieLifetime: Int64 = 180 * 24 * 60 * 60, requestsPerMinute: Int = 300, refusalPause: Duration = .seconds(1),
        authorizationRequestsPerMinute: Int = 600, passwordHasher: (any PasswordHasher)? = nil
    ) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.accountThrottle = accountThrottle
        self.addressThrottle = addressThrottle
        self.decoyParameters = decoyParameters
        self.passwordParameters = passwordParameters
        self.deviceCookieLifetime = deviceCookieLifetime
        self.requestsPerMinute = requestsPerMinute
        self.refusalPause = refusalPause
        self.authorizationRequestsPerMinute = authorizationRequestsPerMinute
        self.passwordHasher = passwordHasher
    }

    /// The first instants a session may have been last seen and created at to be live at `now`:
    /// a session ends at its timeout exactly.
    /// Waits ``refusalPause`` before a refusal is answered.
    func pauseBeforeRefusal() async throws {
        if refusalPause > .zero { try await Task.sleep(for: refusalPause) }
    }

    func sessionCutoffs(at now: Timestamp) -> (idle: Timestamp, absolute: Timestamp) {
        (
            Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - idleTimeout * 1000 + 1),
            Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - absoluteTimeout * 1000 + 1)
        )
    }
}
