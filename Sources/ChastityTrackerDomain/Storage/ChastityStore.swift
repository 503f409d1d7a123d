/// Everything the server and the command line keep, behind one interface with two backends
/// (embedded SQLite and PostgreSQL) that behave the same.
///
/// Every write is one transaction. Every method may throw ``StoreError/unavailable`` when the
/// database cannot be reached; other failures are ``StoreError`` cases documented per method.
public protocol ChastityStore: StoreReads {
    // MARK: Users

    /// Creates a user. Throws ``StoreError/conflict`` when the name is taken.
    func createUser(name: String, timeZone: String, at created: Timestamp) async throws -> User
    /// All users, ordered by name.
    func users() async throws -> [User]
    /// The user with this name, or `nil`.
    func user(named name: String) async throws -> User?
    /// Deletes a user with their tokens, records, idempotency keys and sessions, and the failed
    /// sign-ins counted for their name, in one transaction. Returns whether the user existed.
    func deleteUser(id: Int64) async throws -> Bool
    /// Sets a user's time zone (an identifier ``TimeZones/zone(named:)`` accepts; the caller
    /// checks it). Returns `false` when the user does not exist.
    func setTimeZone(userID: Int64, timeZone: String) async throws -> Bool

    // MARK: Tokens

    /// Stores a new token by its hash. Throws ``StoreError/missing`` when the user does not exist
    /// and ``StoreError/conflict`` when the hash is already stored.
    func createToken(
        userID: Int64, label: String, permission: Permission, hash: String, at created: Timestamp
    ) async throws -> TokenInfo
    /// The tokens of a user, oldest first.
    func tokens(userID: Int64) async throws -> [TokenInfo]
    /// The token with this id, or `nil`.
    func token(id: Int64) async throws -> TokenInfo?
    /// Marks a token revoked; it stops working at once. Returns `false` when no such token exists.
    /// Revoking a revoked token keeps its first revocation time.
    func revokeToken(id: Int64, at revoked: Timestamp) async throws -> Bool
    /// Replaces the hash of an unrevoked token, so the old secret stops working at once.
    /// Returns `false` when no such unrevoked token exists.
    func replaceTokenHash(id: Int64, hash: String) async throws -> Bool
    /// The caller behind an unrevoked token with this hash, or `nil`.
    func principal(forTokenHash hash: String) async throws -> Principal?
    /// Records that a token was used at `instant`.
    func touchToken(id: Int64, at instant: Timestamp) async throws

    // MARK: Account pages

    /// Stores a user's password hash (``Password/hash(_:parameters:)``'s string) and ends all of
    /// the user's sessions, in one transaction. Returns `false` when the user does not exist.
    func setPasswordHash(userID: Int64, hash: String) async throws -> Bool
    /// The user's stored password hash, or `nil` when none is set or the user does not exist.
    func passwordHash(userID: Int64) async throws -> String?
    /// Stores a new session of the account pages by the hash of its id. Throws
    /// ``StoreError/missing`` when the user does not exist and ``StoreError/conflict`` when the
    /// hash is already stored.
    func createSession(hash: String, userID: Int64, at created: Timestamp) async throws
    /// The session with this hash and its user, or `nil` when there is none or it expired: last
    /// seen before `idleCutoff`, or created before `absoluteCutoff`.
    func session(hash: String, lastSeenSince idleCutoff: Timestamp, createdSince absoluteCutoff: Timestamp) async throws -> AccountSession?
    /// Records that the session with this hash was used at `instant`.
    func touchSession(hash: String, at instant: Timestamp) async throws
    /// Deletes the session with this hash (signing out); returns whether it existed.
    func deleteSession(hash: String) async throws -> Bool
    /// Deletes every session of a user; returns how many. (Deleting the user deletes them too.)
    func deleteSessions(userID: Int64) async throws -> Int
    /// The failed sign-ins counted for `account` (a name, known or not), or `nil` when none.
    func signInFailures(account: String) async throws -> SignInFailures?
    /// Counts one more failed sign-in for `account` at `instant`, atomically (concurrent
    /// instances never lose a count); a count whose last failure is before `resetBefore` starts
    /// again at one. Returns the count after it.
    func recordSignInFailure(account: String, at instant: Timestamp, resetBefore: Timestamp) async throws -> SignInFailures
    /// Forgets the failed sign-ins of `account` (after a successful one).
    func clearSignInFailures(account: String) async throws
    /// Deletes every expired session: last seen before `idleCutoff`, or created before
    /// `absoluteCutoff` (the sessions ``session(hash:lastSeenSince:createdSince:)`` no longer
    /// finds with the same cutoffs). Returns how many.
    func purgeSessions(lastSeenBefore idleCutoff: Timestamp, createdBefore absoluteCutoff: Timestamp) async throws -> Int
    /// Deletes the failed sign-in counts whose last failure is before `cutoff` (they no longer
    /// count towards a throttle). Returns how many.
    func purgeSignInFailures(lastFailureBefore cutoff: Timestamp) async throws -> Int
    /// The server's own key named `name` (text, e.g. base64): the one already stored, or else
    /// `candidate`, stored now. Concurrent callers, on every instance, get the same key; it
    /// outlives restarts. (The device cookies' signing key.)
    func serverKey(named name: String, orStore candidate: String) async throws -> String

    // MARK: Records

    /// One page of a user's records matching `query`, ordered by date then id, both descending,
    /// and the number of all matches.
    func orgasms(userID: Int64, matching query: OrgasmQuery) async throws -> OrgasmPage
    /// One of a user's records, or `nil` when it does not exist or is another user's.
    func orgasm(id: Int64, userID: Int64) async throws -> Orgasm?
    /// Inserts records for a user, all or none, in order; returns them with their ids. With
    /// `completion`, the claimed idempotency key gets its rendered answer in the same transaction.
    /// With `quota`, an insert that would take the user's number of records past it is refused
    /// whole with ``StoreError/quotaExceeded(quota:)``; the check reads the user's exact total
    /// inside the insert's transaction, so concurrent writers (other instances too) never overshoot.
    /// Throws ``StoreError/missing`` when the user does not exist.
    func insert(_ orgasms: [NewOrgasm], userID: Int64, quota: Int?, completing completion: IdempotencyCompletion?) async throws -> [Orgasm]
    /// Applies `changes` to one of a user's records (the dom rule applied to the result) and
    /// returns the result, or `nil` when it does not exist or is another user's.
    func update(id: Int64, userID: Int64, changes: OrgasmChanges) async throws -> Orgasm?
    /// Deletes one of a user's records; returns whether it existed and was theirs.
    func delete(id: Int64, userID: Int64) async throws -> Bool
    /// Up to `limit` of a user's records with ids above `afterID`, by ascending id: the export's
    /// bounded-memory pages.
    func orgasms(userID: Int64, afterID: Int64, limit: Int) async throws -> [Orgasm]
    /// How many of a user's records fall in each calendar month and mode, for dates from `from`
    /// to `to` (both inclusive), in one query over the user's (user_id, date) index; months and
    /// modes without records are left out, in no particular order.
    func monthlyCounts(userID: Int64, from: LocalDate, to: LocalDate) async throws -> [MonthlyCount]

    // MARK: Idempotency keys

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

    // MARK: Copying between backends

    /// How many rows of each kind the store holds.
    func counts() async throws -> StoreCounts
    /// Everything of one user, ids and hashes included.
    func snapshot(of user: User) async throws -> UserSnapshot
    /// Writes a snapshot taken from another store, keeping every id and time, in one
    /// transaction; later inserts get ids above the restored ones. Throws
    /// ``StoreError/conflict`` when an id or name is already taken.
    func restore(_ snapshot: UserSnapshot) async throws

    // MARK: Units of work

    /// Runs `work` as one unit of work: the reads it makes through its argument share one
    /// database connection (PostgreSQL: one pooled connection leased for the whole of `work`,
    /// instead of one lease per call). Errors thrown by `work` come out unchanged; failing to
    /// get a connection throws ``StoreError/unavailable``. `work` must not keep its argument.
    func withUnitOfWork<T: Sendable>(_ work: (any StoreReads) async throws -> T) async throws -> T

    // MARK: Lifecycle

    /// Whether the database answers (for `/healthz`).
    func ping() async throws
    /// Whether the database can be written now (for `/readyz`): a real, committed write of a
    /// row the store keeps for this, so a full disk, a read-only file system or a held writer
    /// lock shows. Throws ``StoreError/unavailable`` when it cannot.
    func checkWritable() async throws
    /// Closes connections; the store is unusable afterwards.
    func close() async throws
}

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

extension ChastityStore {
    /// Inserts records for a user, all or none, in order; returns them with their ids.
    public func insert(_ orgasms: [NewOrgasm], userID: Int64) async throws -> [Orgasm] {
        try await insert(orgasms, userID: userID, quota: nil, completing: nil)
    }

    /// Inserts records for a user without a quota, all or none, in order; with `completion`, the
    /// claimed idempotency key gets its rendered answer in the same transaction.
    public func insert(_ orgasms: [NewOrgasm], userID: Int64, completing completion: IdempotencyCompletion?) async throws -> [Orgasm] {
        try await insert(orgasms, userID: userID, quota: nil, completing: completion)
    }
}
