import ChastityTrackerDomain
import NIOConcurrencyHelpers

/// The principals this instance looked up in the last `lifetime`, by token hash, so that a
/// request whose token was seen moments ago skips the lookup's round trip to PostgreSQL (on a
/// read, the request then makes one round trip instead of two; docs/BENCHMARKS.md, issue 12).
///
/// SPEC section 3: revoke and regenerate take effect for the very next request, at most 5 s
/// later across instances sharing the database. This store empties the cache whenever it changes
/// what a principal is made of (revoke, regenerate, a user's deletion or time zone, a restore),
/// so on the instance that made the change the very next request looks the token up again. Another
/// instance, or the CLI, changes the database behind this cache's back: an entry lives at most
/// `lifetime` (2 s by default) after its lookup started, so such a change shows here within that,
/// with no notification to lose. Only tokens that were found are kept: a new token works at once
/// everywhere.
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
        /// Counts the times the cache was emptied: a lookup that started before an emptying must
        /// not put what it read back (it may be the revoked token's principal).
        var generation = 0
    }

    /// How long an entry is used after its lookup started; zero turns the cache off.
    let lifetime: Duration
    /// The most entries kept; past it the expired ones go, then all.
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
        let cached = state.withLockedValue { state -> Cached in
            if let entry = state.entries[hash] {
                if entry.expires > started { return .hit(entry.principal) }
                state.entries[hash] = nil
            }
            return .miss(generation: state.generation)
        }
        let generation: Int
        switch cached {
        case .hit(let principal): return principal
        case .miss(let found): generation = found
        }
        guard let principal = try await lookup() else { return nil }
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity {
                state.entries = state.entries.filter { $0.value.expires > started }
                if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[hash] = Entry(principal: principal, expires: started.advanced(by: lifetime))
        }
        return principal
    }

    /// Forgets every entry, and what any lookup under way would have put back.
    func removeAll() {
        state.withLockedValue { state in
            state.entries.removeAll(keepingCapacity: true)
            state.generation &+= 1
        }
    }

    /// Records that token `tokenID` was last used at `instant` in its cached principals, so they
    /// do not ask for another `last used` write before the next is due.
    func noteUsed(tokenID: Int64, at instant: Timestamp) {
        guard lifetime > .zero else { return }
        state.withLockedValue { state in
            for (hash, entry) in state.entries where entry.principal.tokenID == tokenID {
                state.entries[hash]?.principal.lastUsed = instant
            }
        }
    }
}
