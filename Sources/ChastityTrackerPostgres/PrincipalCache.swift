import ChastityTrackerDomain
import NIOConcurrencyHelpers

/// The principals this instance looked up in the last `lifetime`, by token hash, so that a
/// request whose token was seen moments ago skips the lookup's round trip to PostgreSQL (on a
/// read, the request then makes one round trip instead of two; docs/BENCHMARKS.md, issue 12).
///
/// docs/CONTRACT.md section 3: revoke and regenerate take effect for the very next request, at
/// most 5 s later across instances sharing the database. Three things keep that:
/// - This store empties the cache whenever it changes what a principal is made of (revoke,
///   regenerate, a user's deletion or time zone), and a lookup under way then does not put its
///   answer back: on the instance that made the change, the very next request looks the token up
///   again.
/// - A change made anywhere else (another instance, the command line) notifies the channel
///   ``channel`` at its commit (migration 7's triggers); the store listens on a connection of its
///   own, outside the pool, and empties the cache when told. The cache is used only while that
///   listener is connected (``listening``), and starts empty each time it connects.
/// - Should a notification still be lost, an entry lives at most `lifetime` (2 s by default)
///   after its lookup started.
/// Only tokens that were found are kept: a new token works at once everywhere.
final class PrincipalCache: Sendable {
    private struct Entry {
        var principal: Principal
        let expires: ContinuousClock.Instant
    }

    private enum Cached {
        case hit(Principal)
        /// Not cached; the cache's generation when this was found.
        case miss(generation: Int)
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// The hash each cached token is kept under, for `noteUsed`.
        var hashes: [Int64: String] = [:]
        /// Counts the times the cache was emptied: a lookup that started before an emptying must
        /// not put what it read back (it may be the revoked token's principal).
        var generation = 0
        /// Whether the store listens for changes on ``channel`` now; only then is the cache used.
        var listening = false

        /// Forgets every entry, and what any lookup under way would have put back.
        mutating func empty() {
            entries.removeAll(keepingCapacity: true)
            hashes.removeAll(keepingCapacity: true)
            generation &+= 1
        }
    }

    /// The channel on which every change to a principal is notified (migration 7).
    static let channel = "ct_principals"

    /// How long an entry is used after its lookup started; zero turns the cache off.
    let lifetime: Duration
    /// The most entries kept; past it the cache starts afresh.
    let capacity: Int
    private let state = NIOLockedValueBox(State())

    init(lifetime: Duration, capacity: Int = 10_000) {
        precondition(lifetime >= .zero && capacity >= 1)
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The principal behind `hash` from `lookup`, or from the cache when it was looked up less
    /// than `lifetime` ago.
    func principal(forTokenHash hash: String, lookup: () async throws -> Principal?) async throws -> Principal? {
        guard lifetime > .zero else { return try await lookup() }
        let started = ContinuousClock.now
        let cached = state.withLockedValue { state -> Cached? in
            guard state.listening else { return nil }
            if let entry = state.entries[hash] {
                if entry.expires > started { return .hit(entry.principal) }
                state.entries[hash] = nil
                state.hashes[entry.principal.tokenID] = nil
            }
            return .miss(generation: state.generation)
        }
        let generation: Int
        switch cached {
        case .hit(let principal): return principal
        case .miss(let found): generation = found
        case nil: return try await lookup()
        }
        guard let principal = try await lookup() else { return nil }
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity {
                // Entries live seconds: starting afresh costs a lookup per token, no scan.
                state.entries.removeAll(keepingCapacity: true)
                state.hashes.removeAll(keepingCapacity: true)
            }
            state.entries[hash] = Entry(principal: principal, expires: started.advanced(by: lifetime))
            state.hashes[principal.tokenID] = hash
        }
        return principal
    }

    /// Forgets every entry, and what any lookup under way would have put back.
    func removeAll() {
        state.withLockedValue { $0.empty() }
    }

    /// Whether the store listens for changes now: when it starts, nothing cached before counts
    /// (changes made meanwhile were not heard); when it stops, the cache is not used until it
    /// listens again.
    var listening: Bool {
        get { state.withLockedValue { $0.listening } }
        set {
            state.withLockedValue { state in
                state.listening = newValue
                state.empty()
            }
        }
    }

    /// Records that token `tokenID` was last used at `instant` in its cached principals, so they
    /// do not ask for another `last used` write before the next is due.
    func noteUsed(tokenID: Int64, at instant: Timestamp) {
        guard lifetime > .zero else { return }
        state.withLockedValue { state in
            guard let hash = state.hashes[tokenID] else { return }
            state.entries[hash]?.principal.lastUsed = instant
        }
    }
}
