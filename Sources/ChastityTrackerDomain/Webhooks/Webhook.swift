/// A user's subscription of an URL to their changes (docs/CONTRACT.md section 14), as the page and
/// the command line show it. The secret is not part of it: it is shown once, when made.
public struct Webhook: Sendable, Hashable {
    public var id: Int64
    public var userID: Int64
    public var url: String
    public var created: Timestamp
    /// When it was disabled (the last retry failed, or the receiver answered 410), and why.
    public var disabled: Timestamp?
    public var disabledReason: String?
    /// The last attempt: when, the HTTP status if there was an answer, and why it failed.
    public var lastAttempt: Timestamp?
    public var lastStatus: Int?
    public var lastError: String?
    /// The last successful delivery.
    public var lastSuccess: Timestamp?

    public init(
        id: Int64, userID: Int64, url: String, created: Timestamp, disabled: Timestamp? = nil, disabledReason: String? = nil,
        lastAttempt: Timestamp? = nil, lastStatus: Int? = nil, lastError: String? = nil, lastSuccess: Timestamp? = nil
    ) {
        self.id = id
        self.userID = userID
        self.url = url
        self.created = created
        self.disabled = disabled
        self.disabledReason = disabledReason
        self.lastAttempt = lastAttempt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.lastSuccess = lastSuccess
    }
}
