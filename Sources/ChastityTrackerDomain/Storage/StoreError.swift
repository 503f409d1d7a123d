/// Storage failures the service maps to clear answers.
public enum StoreError: Error, Sendable, Hashable {
    /// The database cannot be reached; the API answers 503 `unavailable`.
    case unavailable
    /// A unique value (a user name) is taken.
    case conflict(String)
    /// The referenced row does not exist (a token for a missing user).
    case missing(String)
    /// The insert would take the user past their record quota; nothing was written. The API
    /// answers 403 `quota_exceeded`.
    case quotaExceeded(quota: Int)
    /// Too many writes are already waiting for the database; this one was refused at once and
    /// nothing was written. The API answers 503 `overloaded` with `Retry-After`.
    case overloaded
}
