import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerTestSupport
import Foundation

/// A real store whose record methods, session lookups and `ping` throw `fault` once it is set, so
/// tests can prove how the API and the account pages answer a failing database. Users and tokens
/// always work, so API requests get past authentication. Separately, `writeFault` makes every write (`touchToken`,
/// `checkWritable` and the account pages' session and sign-in failure writes included) throw while reads keep working: a database that can be read but not
/// written.
final class FaultyStore: ChastityStore, @unchecked Sendable {
    private let base: any ChastityStore
    private let lock = NSLock()
    private var fault: (any Error)?
    private var writeFault: (any Error)?
    private var probes = 0

    init(_ base: any ChastityStore) {
        self.base = base
    }

    /// From now on, record methods and `ping` throw `error` (`nil`: work again).
    func fail(with error: (any Error)?) {
        lock.withLock { fault = error }
    }

    /// From now on, every write throws `error` (`nil`: work again); reads are untouched.
    func failWrites(with error: (any Error)?) {
        lock.withLock { writeFault = error }
    }

    /// How many times `checkWritable` was called.
    var writabilityChecks: Int { lock.withLock { probes } }

    private func check() throws {
        if let error = lock.withLock({ fault }) { throw error }
    }

    private func checkWrite() throws {
        try check()
        if let error = lock.withLock({ writeFault }) { throw error }
    }

    /// `backend` with every store wrapped.
    static func backend(over backend: TestBackend = .selected) -> TestBackend {
        backend.wrapped(as: "faulty \(backend)") { FaultyStore($0) }
    }
}

extension FaultyStore: UserStore {
    func createUser(name: String, timeZone: String, at created: Timestamp) async throws -> User {
        try await base.createUser(name: name, timeZone: timeZone, at: created)
    }
    func users() async throws -> [User] { try await base.users() }
    func user(named name: String) async throws -> User? { try await base.user(named: name) }
    func deleteUser(id: Int64) async throws -> Bool { try await base.deleteUser(id: id) }
    func setTimeZone(userID: Int64, timeZone: String) async throws -> Bool { try await base.setTimeZone(userID: userID, timeZone: timeZone) }
}

extension FaultyStore: TokenStore {
    func createToken(userID: Int64, label: String, permission: Permission, hash: String, at created: Timestamp) async throws -> TokenInfo {
        try await base.createToken(userID: userID, label: label, permission: permission, hash: hash, at: created)
    }
    func tokens(userID: Int64) async throws -> [TokenInfo] { try await base.tokens(userID: userID) }
    func token(id: Int64) async throws -> TokenInfo? { try await base.token(id: id) }
    func revokeToken(id: Int64, at revoked: Timestamp) async throws -> Bool { try await base.revokeToken(id: id, at: revoked) }
    func replaceTokenHash(id: Int64, hash: String) async throws -> Bool { try await base.replaceTokenHash(id: id, hash: hash) }
    nonisolated(nonsending) func principal(forTokenHash hash: String) async throws -> Principal? { try await base.principal(forTokenHash: hash) }
    func touchToken(id: Int64, at instant: Timestamp) async throws {
        if let error = lock.withLock({ writeFault }) { throw error }
        try await base.touchToken(id: id, at: instant)
    }
}

extension FaultyStore: PasswordStore {
    // Passwords always work, like users and tokens.
    func setPasswordHash(userID: Int64, hash: String) async throws -> Bool { try await base.setPasswordHash(userID: userID, hash: hash) }
    func passwordHash(userID: Int64) async throws -> String? { try await base.passwordHash(userID: userID) }
}

extension FaultyStore: AccountSessionStore {
    func createSession(hash: String, userID: Int64, at created: Timestamp) async throws {
        try checkWrite()
        try await base.createSession(hash: hash, userID: userID, at: created)
    }
    func session(hash: String, lastSeenSince idleCutoff: Timestamp, createdSince absoluteCutoff: Timestamp) async throws -> AccountSession? {
        try check()
        return try await base.session(hash: hash, lastSeenSince: idleCutoff, createdSince: absoluteCutoff)
    }
    func touchSession(hash: String, at instant: Timestamp) async throws {
        try checkWrite()
        try await base.touchSession(hash: hash, at: instant)
    }
    func deleteSession(hash: String) async throws -> Bool {
        try checkWrite()
        return try await base.deleteSession(hash: hash)
    }
    func deleteSessions(userID: Int64) async throws -> Int {
        try checkWrite()
        return try await base.deleteSessions(userID: userID)
    }
    func purgeSessions(lastSeenBefore idleCutoff: Timestamp, createdBefore absoluteCutoff: Timestamp) async throws -> Int {
        try await base.purgeSessions(lastSeenBefore: idleCutoff, createdBefore: absoluteCutoff)
    }
}

extension FaultyStore: SignInFailureStore {
    func signInFailures(account: String) async throws -> SignInFailures? { try await base.signInFailures(account: account) }
    func recordSignInFailure(account: String, at instant: Timestamp, resetBefore: Timestamp) async throws -> SignInFailures {
        try checkWrite()
        return try await base.recordSignInFailure(account: account, at: instant, resetBefore: resetBefore)
    }
    func clearSignInFailures(account: String) async throws {
        try checkWrite()
        try await base.clearSignInFailures(account: account)
    }
    func purgeSignInFailures(lastFailureBefore cutoff: Timestamp) async throws -> Int {
        try await base.purgeSignInFailures(lastFailureBefore: cutoff)
    }
}

extension FaultyStore: ServerKeyStore {
    func serverKey(named name: String, orStore candidate: String) async throws -> String {
        try await base.serverKey(named: name, orStore: candidate)
    }
}

extension FaultyStore: OrgasmStore {
    nonisolated(nonsending) func orgasms(userID: Int64, matching query: OrgasmQuery) async throws -> OrgasmPage {
        try check()
        return try await base.orgasms(userID: userID, matching: query)
    }
    nonisolated(nonsending) func orgasm(id: Int64, userID: Int64) async throws -> Orgasm? {
        try check()
        return try await base.orgasm(id: id, userID: userID)
    }
    func insert(_ orgasms: [NewOrgasm], userID: Int64, quota: Int?, completing completion: IdempotencyCompletion?) async throws -> [Orgasm] {
        try checkWrite()
        return try await base.insert(orgasms, userID: userID, quota: quota, completing: completion)
    }
    func update(id: Int64, userID: Int64, changes: OrgasmChanges) async throws -> Orgasm? {
        try checkWrite()
        return try await base.update(id: id, userID: userID, changes: changes)
    }
    func delete(id: Int64, userID: Int64) async throws -> Bool {
        try checkWrite()
        return try await base.delete(id: id, userID: userID)
    }
    func orgasms(userID: Int64, afterID: Int64, limit: Int) async throws -> [Orgasm] {
        try await base.orgasms(userID: userID, afterID: afterID, limit: limit)
    }
    func monthlyCounts(userID: Int64, from: LocalDate, to: LocalDate) async throws -> [MonthlyCount] {
        try check()
        return try await base.monthlyCounts(userID: userID, from: from, to: to)
    }
}

extension FaultyStore: IdempotencyKeyStore {
    func claimIdempotencyKey(userID: Int64, key: String, requestHash: String, at now: Timestamp) async throws -> IdempotencyClaim {
        try checkWrite()
        return try await base.claimIdempotencyKey(userID: userID, key: key, requestHash: requestHash, at: now)
    }
    func releaseIdempotencyKey(userID: Int64, key: String, claimedAt: Timestamp) async throws {
        try await base.releaseIdempotencyKey(userID: userID, key: key, claimedAt: claimedAt)
    }
    func purgeIdempotencyKeys(createdBefore cutoff: Timestamp) async throws -> Int {
        try await base.purgeIdempotencyKeys(createdBefore: cutoff)
    }
}

extension FaultyStore: SnapshotStore {
    func counts() async throws -> StoreCounts { try await base.counts() }
    func snapshot(of user: User) async throws -> UserSnapshot { try await base.snapshot(of: user) }
    func restore(_ snapshot: UserSnapshot) async throws { try await base.restore(snapshot) }
}

// The default unit of work: a GET's reads go through this wrapper, so its faults reach them.
extension FaultyStore: UnitOfWorkStore {}

extension FaultyStore: StoreLifecycle {
    func ping() async throws {
        try check()
        try await base.ping()
    }
    func checkWritable() async throws {
        lock.withLock { probes += 1 }
        try checkWrite()
        try await base.checkWritable()
    }
    func close() async throws { try await base.close() }
}

/// An unexpected failure whose description must never reach a client.
struct LeakyInternalError: Error, CustomStringConvertible {
    static let secret = "SELECT hash FROM tokens -- /var/lib/chastity/secret.sqlite"
    var description: String { Self.secret }
}

extension FaultyStore: ChangeStore {
    nonisolated(nonsending) func changeState(userID: Int64) async throws -> ChangeState? {
        try check()
        return try await base.changeState(userID: userID)
    }
    nonisolated(nonsending) func changes(userID: Int64, since: ChangeState, limit: Int) async throws -> ChangesAnswer? {
        try check()
        return try await base.changes(userID: userID, since: since, limit: limit)
    }
    func purgeTombstones(olderThan retention: Duration) async throws -> Int {
        try checkWrite()
        return try await base.purgeTombstones(olderThan: retention)
    }
}

extension FaultyStore: WebhookStore {
    func addWebhook(userID: Int64, url: String, secret: WebhookSecret, at created: Timestamp, limit: Int) async throws -> Webhook {
        try checkWrite()
        return try await base.addWebhook(userID: userID, url: url, secret: secret, at: created, limit: limit)
    }
    func webhooks(userID: Int64) async throws -> [Webhook] {
        try check()
        return try await base.webhooks(userID: userID)
    }
    func webhook(id: Int64) async throws -> Webhook? {
        try check()
        return try await base.webhook(id: id)
    }
    func removeWebhook(id: Int64) async throws -> Bool {
        try checkWrite()
        return try await base.removeWebhook(id: id)
    }
    func enqueueWebhookMessage(webhookID: Int64, message: NewWebhookMessage) async throws -> Bool {
        try checkWrite()
        return try await base.enqueueWebhookMessage(webhookID: webhookID, message: message)
    }
    func redeliverLastWebhookMessage(webhookID: Int64, at now: Timestamp) async throws -> Bool {
        try checkWrite()
        return try await base.redeliverLastWebhookMessage(webhookID: webhookID, at: now)
    }
    func webhooksBehind() async throws -> [WebhookBehind] {
        try check()
        return try await base.webhooksBehind()
    }
    func enqueueChange(webhookID: Int64, from notified: String, to state: ChangeState, message: NewWebhookMessage) async throws -> Bool {
        try checkWrite()
        return try await base.enqueueChange(webhookID: webhookID, from: notified, to: state, message: message)
    }
    func claimWebhookMessages(now: Timestamp, lease: Duration, limit: Int) async throws -> [WebhookMessage] {
        try checkWrite()
        return try await base.claimWebhookMessages(now: now, lease: lease, limit: limit)
    }
    func finishWebhookAttempt(_ claim: WebhookMessage, outcome: WebhookAttemptOutcome, at now: Timestamp) async throws {
        try checkWrite()
        try await base.finishWebhookAttempt(claim, outcome: outcome, at: now)
    }
    func webhookOutboxDepth() async throws -> Int {
        try check()
        return try await base.webhookOutboxDepth()
    }
    func purgeWebhookMessages(olderThan retention: Duration, now: Timestamp) async throws -> Int {
        try checkWrite()
        return try await base.purgeWebhookMessages(olderThan: retention, now: now)
    }
}

extension FaultyStore: OAuthClientStore {
    func addClient(_ client: OAuthClient) async throws {
        try checkWrite()
        try await base.addClient(client)
    }
    func clients() async throws -> [OAuthClient] {
        try check()
        return try await base.clients()
    }
    func client(id: String) async throws -> OAuthClient? {
        try check()
        return try await base.client(id: id)
    }
    func removeClient(id: String) async throws -> Bool {
        try checkWrite()
        return try await base.removeClient(id: id)
    }
}

extension FaultyStore: OAuthGrantStore {
    func addAuthorizationCode(_ code: AuthorizationCode) async throws {
        try checkWrite()
        try await base.addAuthorizationCode(code)
    }
    func consumeAuthorizationCode(hash: String, at now: Timestamp) async throws -> ConsumedCode? {
        try checkWrite()
        return try await base.consumeAuthorizationCode(hash: hash, at: now)
    }
    func issueGrant(for code: AuthorizationCode, access: NewAccessToken, refreshHash: String, at now: Timestamp) async throws -> OAuthGrant {
        try checkWrite()
        return try await base.issueGrant(for: code, access: access, refreshHash: refreshHash, at: now)
    }
    func rotateRefreshToken(hash: String, access: NewAccessToken, newRefreshHash: String, at now: Timestamp) async throws -> RefreshRotation? {
        try checkWrite()
        return try await base.rotateRefreshToken(hash: hash, access: access, newRefreshHash: newRefreshHash, at: now)
    }
    func revokeGrant(id: Int64, at now: Timestamp) async throws -> Bool {
        try checkWrite()
        return try await base.revokeGrant(id: id, at: now)
    }
    func grants(userID: Int64) async throws -> [OAuthGrant] {
        try check()
        return try await base.grants(userID: userID)
    }
    func revokeGrant(tokenHash: String, clientID: String, at now: Timestamp) async throws -> Bool {
        try checkWrite()
        return try await base.revokeGrant(tokenHash: tokenHash, clientID: clientID, at: now)
    }
    func revokeGrant(id: Int64, userID: Int64, at now: Timestamp) async throws -> Bool {
        try checkWrite()
        return try await base.revokeGrant(id: id, userID: userID, at: now)
    }
    func grant(refreshHash: String) async throws -> OAuthGrant? {
        try check()
        return try await base.grant(refreshHash: refreshHash)
    }
    func connectedApps(userID: Int64) async throws -> [ConnectedApp] {
        try check()
        return try await base.connectedApps(userID: userID)
    }
}

extension FaultyStore: OAuthAuthorizationStore {
    func addPendingAuthorization(_ pending: PendingAuthorization) async throws {
        try checkWrite()
        try await base.addPendingAuthorization(pending)
    }
    func pendingAuthorization(hash: String, at now: Timestamp) async throws -> PendingAuthorization? {
        try check()
        return try await base.pendingAuthorization(hash: hash, at: now)
    }
    func takePendingAuthorization(hash: String, at now: Timestamp) async throws -> PendingAuthorization? {
        try checkWrite()
        return try await base.takePendingAuthorization(hash: hash, at: now)
    }
    func purgeAuthorizations(requestsExpiredBefore requests: Timestamp, codesAndTokensExpiredBefore cutoff: Timestamp) async throws -> Int {
        try checkWrite()
        return try await base.purgeAuthorizations(requestsExpiredBefore: requests, codesAndTokensExpiredBefore: cutoff)
    }
}
