public import Foundation

extension ChastityTrackerClient {
    /// The rate-limit window of the token, from an answer's `X-RateLimit-*` headers
    /// (docs/CONTRACT.md section 10).
    public struct RateLimit: Sendable, Hashable {
        /// Requests allowed per window (`X-RateLimit-Limit`).
        public let limit: Int
        /// Requests left in this window (`X-RateLimit-Remaining`).
        public let remaining: Int
        /// When the window ends (`X-RateLimit-Reset`, a Unix time).
        public let reset: Date

        /// Creates a window.
        public init(limit: Int, remaining: Int, reset: Date) {
            self.limit = limit
            self.remaining = remaining
            self.reset = reset
        }
    }
}
