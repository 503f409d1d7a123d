/// Storage failures the service maps to clear answers.
public enum StoreError: Error, Sendable, Hashable {
    /// The database cannot be reached; the API answers 503 `unavailable`.
    case unavailable
    /// A value that must be unique is taken (a user name, a token's or a session's hash, an id
    /// on restore), or a write lost a race it must not win (an insert whose idempotency key a
    /// retry took over meanwhile). Nothing was written. The text names what, for logs; the API
    /// never shows it.
    case conflict(String)
    /// The referenced row does not exist (a token or a session for a missing user, a record
    /// inserted for one).
    case missing(String)
    /// The insert would take the user past their record quota; nothing was written. The API
    /// answers 403 `quota_exceeded`.
    case quotaExceeded(quota: Int)
    /// Too many writes are already waiting for the database; this one was refused at once and
    /// nothing was written. The API answers 503 `overloaded` with `Retry-After`.
    case overloaded
}
