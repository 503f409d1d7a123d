/// The role of a store that keeps OAuth authorization requests while a person decides on them
/// (docs/CONTRACT.md section 15), by the hash of their id, and forgets them and spent codes once
/// they are old. Every method may throw ``StoreError/unavailable`` when the database cannot be
/// reached.
public protocol OAuthAuthorizationStore: Sendable {
    /// Keeps a checked request. Throws ``StoreError/missing(_:)`` when its client is gone.
    func addPendingAuthorization(_ pending: PendingAuthorization) async throws
    /// The request with this hash if it has not expired at `now`, else `nil`.
    func pendingAuthorization(hash: String, at now: Timestamp) async throws -> PendingAuthorization?
    /// Removes the request with this hash and returns it if it had not expired at `now`: of two
    /// decisions on one request, only one gets it.
    func takePendingAuthorization(hash: String, at now: Timestamp) async throws -> PendingAuthorization?
    /// Deletes the requests that expired before `requests`, and the authorization codes and grants'
    /// access tokens that expired before `cutoff` (each grant keeps its newest access token, whose
    /// last use the tokens page shows); how many rows.
    func purgeAuthorizations(requestsExpiredBefore requests: Timestamp, codesAndTokensExpiredBefore cutoff: Timestamp) async throws -> Int
}
