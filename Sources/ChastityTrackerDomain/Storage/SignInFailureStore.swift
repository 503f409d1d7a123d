/// The role of a store that counts failed sign-ins per counter (an account name, known or not,
/// or a device cookie's key), so that every instance and a restart see the same counts.
///
/// Every write is one transaction. Every method may throw ``StoreError/unavailable`` when the
/// database cannot be reached.
public protocol SignInFailureStore: Sendable {
    /// The failed sign-ins counted for `account` (a name, known or not), or `nil` when none.
    func signInFailures(account: String) async throws -> SignInFailures?
    /// Counts one more failed sign-in for `account` at `instant`, atomically (concurrent
    /// instances never lose a count); a count whose last failure is before `resetBefore` starts
    /// again at one. Returns the count after it.
    func recordSignInFailure(account: String, at instant: Timestamp, resetBefore: Timestamp) async throws -> SignInFailures
    /// Forgets the failed sign-ins of `account` (after a successful one).
    func clearSignInFailures(account: String) async throws
    /// Deletes the failed sign-in counts whose last failure is before `cutoff` (they no longer
    /// count towards a throttle). Returns how many.
    func purgeSignInFailures(lastFailureBefore cutoff: Timestamp) async throws -> Int
}
