/// The failed sign-ins counted for one account name (known or not, so that the answers do not
/// tell which names exist), kept in the database so that every instance sees them.
public struct SignInFailures: Sendable, Hashable {
    /// Failures in a row, since the last success or the last quiet period.
    public var count: Int
    /// When the latest of them happened.
    public var last: Timestamp

    public init(count: Int, last: Timestamp) {
        self.count = count
        self.last = last
    }
}
