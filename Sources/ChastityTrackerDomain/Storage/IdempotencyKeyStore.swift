/// The role of a store that keeps the API's idempotency keys: which request claimed a key and
/// the answer it rendered, so that a retried insert is answered instead of run twice.
///
/// Every write is one transaction. Every method may throw ``StoreError/unavailable`` when the
/// database cannot be reached.
public protocol IdempotencyKeyStore: Sendable {
    /// Claims `key` of a user for a request whose body hashes to `requestHash`, or reports what
    /// an earlier request with that key did. Keys older than the retention are treated as new;
    /// an uncompleted claim older than the lease is taken over.
    func claimIdempotencyKey(userID: Int64, key: String, requestHash: String, at now: Timestamp) async throws -> IdempotencyClaim
    /// Drops the uncompleted claim made at `claimedAt` (the `at:` of its claim; its request
    /// failed), so a retry runs anew. A claim that a retry took over after the lease was made at
    /// another instant and is left alone, as is a completed one.
    func releaseIdempotencyKey(userID: Int64, key: String, claimedAt: Timestamp) async throws
    /// Deletes keys created before `cutoff`; returns how many.
    func purgeIdempotencyKeys(createdBefore cutoff: Timestamp) async throws -> Int
}
