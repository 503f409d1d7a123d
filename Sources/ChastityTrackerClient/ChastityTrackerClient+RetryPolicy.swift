extension ChastityTrackerClient {
    /// When the client sends a request again: after a 429 (waiting its `Retry-After`), after a 503
    /// or a 409 `idempotency_in_progress` (waiting its `Retry-After` or a backoff that doubles from
    /// `initialDelay`), and when the
    /// answer never arrived, for requests that are safe to repeat (reads, PATCH, DELETE, and inserts,
    /// which always carry an `Idempotency-Key`).
    public struct RetryPolicy: Sendable, Hashable {
        /// Attempts in all, the first included (1: never retry).
        public var maxAttempts: Int
        /// The first backoff wait; each further one doubles.
        public var initialDelay: Duration
        /// The longest wait; a 429 asking for longer is thrown to the caller instead.
        public var maximumDelay: Duration

        /// Creates a policy.
        ///
        /// - Parameters:
        ///   - maxAttempts: Attempts in all, at least 1.
        ///   - initialDelay: The first backoff wait.
        ///   - maximumDelay: The longest wait the client accepts.
        public init(maxAttempts: Int, initialDelay: Duration = .milliseconds(500), maximumDelay: Duration = .seconds(60)) {
            self.maxAttempts = max(1, maxAttempts)
            self.initialDelay = initialDelay
            self.maximumDelay = maximumDelay
        }

        /// Never retry (the default).
        public static let none = RetryPolicy(maxAttempts: 1)
        /// Up to 4 attempts, backoff from 0.5 s, waiting at most 60 s.
        public static let standard = RetryPolicy(maxAttempts: 4)
    }
}
