import Foundation
import NIOConcurrencyHelpers

/// Per-token fixed-window request counting (SPEC section 10), kept in this process's memory:
/// with several instances each enforces the limit on the requests it sees.
public final class RateLimiter: Sendable {
    /// The allowance at one moment, for the `X-RateLimit-*` headers.
    public struct Window: Sendable, Hashable {
        public var limit: Int
        public var remaining: Int
        /// Epoch seconds when the window ends and the allowance is full again.
        public var reset: Int64
    }

    private struct Entry {
        var windowStart: Int64
        var used: Int
    }

    public let limit: Int
    public let windowSeconds: Int64
    private let clock: any WallClock
    private let entries = NIOLockedValueBox<[Int64: Entry]>([:])

    /// `limit` requests per `windowSeconds` per token.
    public init(limit: Int, windowSeconds: Int64 = 60, clock: any WallClock) {
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.clock = clock
    }

    private func windowStart(at now: Int64) -> Int64 { now - now % windowSeconds }

    /// The allowance before a request; `remaining == 0` means the request is refused.
    public func check(tokenID: Int64) -> Window {
        let now = Int64(clock.now().timeIntervalSince1970)
        let start = windowStart(at: now)
        let used = entries.withLockedValue { entries in
            guard let entry = entries[tokenID], entry.windowStart == start else { return 0 }
            return entry.used
        }
        return Window(limit: limit, remaining: max(0, limit - used), reset: start + windowSeconds)
    }

    /// Counts one answered request and returns the allowance after it. Counting after the
    /// answer lets a 304 go uncounted without the remaining count ever rising within a window.
    public func consume(tokenID: Int64) -> Window {
        let now = Int64(clock.now().timeIntervalSince1970)
        let start = windowStart(at: now)
        let used = entries.withLockedValue { entries in
            if entries.count > 100_000 { entries = entries.filter { $0.value.windowStart == start } }
            var entry = entries[tokenID].flatMap { $0.windowStart == start ? $0 : nil } ?? Entry(windowStart: start, used: 0)
            entry.used += 1
            entries[tokenID] = entry
            return entry.used
        }
        return Window(limit: limit, remaining: max(0, limit - used), reset: start + windowSeconds)
    }
}
