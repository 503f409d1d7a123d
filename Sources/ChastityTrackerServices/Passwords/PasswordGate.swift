public import ChastityTrackerDomain

/// The storage roles a ``PasswordGate`` uses: the account by its name and its password hash, the
/// persisted failure counts, and the device cookies' key.
public typealias PasswordGateStore = UserStore & PasswordStore & SignInFailureStore & ServerKeyStore

/// Checks a person's password behind the throttle: the one flow for signing in and for the
/// settings page's forms that ask for the current password. The attempt is admitted and counted
/// by ``SignInGuard`` first (no hashing, no write when refused), then the hash is checked on the
/// ``PasswordHasher`` (its own threads, bounded), then a failure is persisted for its counter (so
/// every instance and a restart see it) or a success clears it.
public struct PasswordGate<Store: PasswordGateStore>: Sendable {
    public let store: Store
    public let hasher: any PasswordHasher
    public let guardian: SignInGuard
    /// A hash of no one's password: a name without an account, or an account without a password,
    /// is checked against it, so that its answer takes as long as a wrong password's.
    public let decoy: DecoyHash
    /// The device cookies' key, which says which browsers have signed in to an account before.
    public let devices: DeviceCookieKeys<Store>

    public init(store: Store, hasher: any PasswordHasher, guardian: SignInGuard, decoy: DecoyHash, devices: DeviceCookieKeys<Store>) {
        self.store = store
        self.hasher = hasher
        self.guardian = guardian
        self.decoy = decoy
        self.devices = devices
    }

    /// What a check found.
    public enum Verdict: Sendable, Hashable {
        /// The password is the account's.
        case matched(User)
        case mismatched
        /// Refused before any check: try again in this many seconds.
        case throttled(wait: Int64)
        /// The hasher was full; nothing was checked or counted.
        case busy(retryAfter: Int64)
    }

    /// Whose password is checked: an account by the name typed (looked up only once the attempt
    /// is admitted), or the signed-in user.
    public enum Account: Sendable {
        case named(String)
        case user(User)
    }

    /// The attempt at `account`'s password of a client at `address` (``IPAddress/throttleKey``)
    /// holding `device` (a device cookie, when its signature is right): on the cookie's counter
    /// when it is for that account, else on the account's counter and the address.
    public func attempt(at account: String, address: String, device: DeviceCookie?) -> (SignInGuard.Attempt, DeviceCookie?) {
        let device = device.flatMap { $0.account == account ? $0 : nil }
        let attempt = SignInGuard.Attempt(account: account, counter: device?.failureKey ?? account, address: address, trusted: device != nil)
        return (attempt, device)
    }

    /// Checks `password` against `account`'s stored hash, counted under `attempt`. A name without
    /// an account, or an account without a password, is checked against the decoy and never
    /// matches. A refused attempt costs no hashing, no write, and when refused on what memory
    /// knows (budget, address), no read either.
    public func check(_ password: String, of account: Account, attempt: SignInGuard.Attempt, at now: Timestamp) async throws -> Verdict {
        if let refusal = guardian.quickRefusal(attempt, at: now) { return .throttled(wait: refusal.wait) }
        let written = guardian.writtenCount(of: attempt.counter)
        let persisted = try await store.signInFailures(account: attempt.counter)
        let ticket: SignInGuard.Ticket
        switch guardian.admit(attempt, persisted: persisted, writtenAtRead: written, at: now) {
        case .failure(let refusal): return .throttled(wait: refusal.wait)
        case .success(let admitted): ticket = admitted
        }
        let user: User?
        let matches: Bool
        do {
            switch account {
            case .named(let name): user = try await store.user(named: name)
            case .user(let known): user = known
            }
            if let user, let stored = try await store.passwordHash(userID: user.id) {
                matches = try await hasher.verify(password, against: stored)
            } else {
                _ = try await hasher.verify(password, against: try await decoy.hash(using: hasher))
                matches = false
            }
        } catch let busy as PasswordHasherBusy {
            guardian.settle(ticket, .busy, at: now)
            return .busy(retryAfter: busy.retryAfter)
        } catch {
            guardian.settle(ticket, .notChecked, at: now)
            throw error
        }
        // Counted in memory first: a failure the store then cannot write still counts here.
        guardian.settle(ticket, matches ? .succeeded : .failed, at: now)
        if matches, let user {
            // Always: a failure written after this attempt's read is cleared too.
            try await store.clearSignInFailures(account: attempt.counter)
            return .matched(user)
        }
        _ = try await store.recordSignInFailure(account: attempt.counter, at: now, resetBefore: guardian.throttle.resetBefore(now))
        guardian.failureWritten(ticket)
        return .mismatched
    }
}
