import ChastityTrackerDomain
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// The storage roles a ``PasswordGate`` uses: the account by its name and its password hash, the
/// persisted failure counts, and the device cookies' key.
typealias PasswordGateStore = UserStore & PasswordStore & SignInFailureStore & ServerKeyStore

/// Checks a person's password behind the throttle: the one flow for signing in and for the
/// settings page's forms that ask for the current password. The attempt is admitted and counted
/// by ``SignInGuard`` first (no hashing, no write when refused), then the hash is checked on the
/// ``PasswordHasher`` (its own threads, bounded), then a failure is persisted for its counter (so
/// every instance and a restart see it) or a success clears it.
struct PasswordGate<Store: PasswordGateStore>: Sendable {
    let store: Store
    let hasher: any PasswordHasher
    let guardian: SignInGuard
    /// A hash of no one's password: a name without an account, or an account without a password,
    /// is checked against it, so that its answer takes as long as a wrong password's.
    let decoy: DecoyHash
    let devices: DeviceCookieKeys<Store>
    let proxies: ProxyTrust

    /// What a check found.
    enum Verdict: Sendable, Hashable {
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
    enum Account: Sendable {
        case named(String)
        case user(User)
    }

    /// The attempt a request makes at `account`'s password: on its device cookie's counter when
    /// it holds one for that account, else on the account's counter and its client's address.
    func attempt(at account: String, request: Request, peer: SocketAddress?) async throws -> (SignInGuard.Attempt, DeviceCookie?) {
        let device = try await devices.cookie(in: request).flatMap { $0.account == account ? $0 : nil }
        let attempt = SignInGuard.Attempt(
            account: account, counter: device?.failureKey ?? account, address: proxies.throttleKey(of: request, peer: peer),
            trusted: device != nil)
        return (attempt, device)
    }

    /// Checks `password` against `account`'s stored hash, counted under `attempt`. A name without
    /// an account, or an account without a password, is checked against the decoy and never
    /// matches. A refused attempt costs no hashing, no write, and when refused on what memory
    /// knows (budget, address), no read either.
    func check(_ password: String, of account: Account, attempt: SignInGuard.Attempt, at now: Timestamp) async throws -> Verdict {
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

/// The key device cookies are signed with, read from the store once (made there on first use,
/// so every instance shares it and it survives restarts).
final class DeviceCookieKeys<Store: ServerKeyStore>: Sendable {
    private let store: Store
    private let loaded = Mutex<DeviceCookie.Key?>(nil)
    static var name: String { "device-cookie" }

    init(store: Store) {
        self.store = store
    }

    func key() async throws -> DeviceCookie.Key {
        if let key = loaded.withLock({ $0 }) { return key }
        let candidate = Data(DeviceCookie.Key.generateBytes()).base64EncodedString()
        let text = try await store.serverKey(named: Self.name, orStore: candidate)
        guard let bytes = Data(base64Encoded: text), bytes.count >= 32 else { throw CorruptRow(table: "server_keys") }
        let key = DeviceCookie.Key(Array(bytes))
        loaded.withLock { $0 = key }
        return key
    }

    /// The device cookie `request` holds, when its signature is right.
    func cookie(in request: Request) async throws -> DeviceCookie? {
        guard let value = request.cookies[AccountCookies.device]?.value, !value.isEmpty else { return nil }
        return DeviceCookie(value: value, key: try await key())
    }
}
