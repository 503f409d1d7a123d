public import ChastityTrackerDomain
import Foundation
import NIOConcurrencyHelpers

/// Per-token fixed-window request counting (docs/CONTRACT.md section 10), kept in this process's memory:
/// with several instances each enforces the limit on the requests it sees.
///
/// A request takes a slot when it is admitted (so concurrent requests can never exceed the
/// limit between them) and gives it back if its answer is a 304, which does not count, as long
/// as the token's allowance of free 304s in the window lasts; past it a 304 counts like any
/// answer, so revalidation (each one still runs the full query) cannot become unmetered work
/// (docs/CONTRACT.md section 10). The remaining count reported to clients is the lowest reported
/// so far in the window, so it never rises within a window even when a 304 gives a slot back or
/// answers finish out of order.
public final class RateLimiter: Sendable {
    /// The allowance at one moment, for the `X-RateLimit-*` headers.
    public struct Window: Sendable, Hashable {
        public var limit: Int
        public var remaining: Int
        /// Epoch seconds when the window ends and the allowance is full again.
        public var reset: Int64
    }

    /// An admitted request's slot, to be settled with ``finish(_:counted:)``.
    public struct Ticket: Sendable, Hashable {
        let tokenID: Int64
        let windowStart: Int64
    }

    /// Whether a request may run.
    public enum Admission: Sendable, Hashable {
        case admitted(Ticket)
        /// The window's allowance is used up; the window says until when.
        case refused(Window)
    }

    private struct Entry {
        var windowStart: Int64
        /// Slots taken by admitted requests, finished (and counted) or still running.
        var taken: Int
        /// The lowest `remaining` reported in this window.
        var reported: Int
        /// 304s that gave their slot back in this window.
        var freeNotModified: Int
    }

    public let limit: Int
    public let windowSeconds: Int64
    /// 304s per token and window that do not count; later ones count.
    public let freeNotModified: Int
    private let clock: any WallClock
    private let entries = NIOLockedValueBox<[Int64: Entry]>([:])

    /// `limit` requests per `windowSeconds` per token, plus up to `freeNotModified` 304s (by
    /// default as many as the limit, so revalidating costs at most twice the limit's work).
    public init(limit: Int, windowSeconds: Int64 = 60, freeNotModified: Int? = nil, clock: any WallClock) {
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.freeNotModified = max(0, freeNotModified ?? limit)
        self.clock = clock
    }

    private func windowStart(at now: Int64) -> Int64 { now - now % windowSeconds }

    private func currentWindowStart() -> Int64 { windowStart(at: Int64(clock.now().timeIntervalSince1970.rounded(.down))) }

    private func entry(_ entries: inout [Int64: Entry], tokenID: Int64, start: Int64) -> Entry {
        if let entry = entries[tokenID], entry.windowStart == start { return entry }
        if entries.count > 100_000 { entries = entries.filter { $0.value.windowStart == start } }
        return Entry(windowStart: start, taken: 0, reported: limit, freeNotModified: 0)
    }

    /// Admits a request and takes a slot for it, or refuses it when the window's slots are taken.
    public func admit(tokenID: Int64) -> Admission {
        let start = currentWindowStart()
        return entries.withLockedValue { entries in
            var entry = entry(&entries, tokenID: tokenID, start: start)
            guard entry.taken < limit else {
                entry.reported = 0
                entries[tokenID] = entry
                return .refused(Window(limit: limit, remaining: 0, reset: start + windowSeconds))
            }
            entry.taken += 1
            entries[tokenID] = entry
            return .admitted(Ticket(tokenID: tokenID, windowStart: start))
        }
    }

    /// Settles an admitted request once answered: `counted: false` (a 304) gives its slot back
    /// while the window's free 304s last, and counts once they are used. Returns the allowance
    /// to report with the answer.
    public func finish(_ ticket: Ticket, counted: Bool) -> Window {
        let start = currentWindowStart()
        return entries.withLockedValue { entries in
            var entry = entry(&entries, tokenID: ticket.tokenID, start: start)
            // A slot taken in an earlier window belongs to that window, which is over.
            if !counted, ticket.windowStart == start, entry.freeNotModified < freeNotModified {
                entry.taken = max(0, entry.taken - 1)
                entry.freeNotModified += 1
            }
            entry.reported = min(entry.reported, max(0, limit - entry.taken))
            entries[ticket.tokenID] = entry
            return Window(limit: limit, remaining: entry.reported, reset: start + windowSeconds)
        }
    }
}
