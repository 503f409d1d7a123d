public import Foundation
import Synchronization

/// The source of "now", injected so tests decide what today is.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The real clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that stands still until it is moved; for tests.
public final class FixedWallClock: WallClock {
    private let current: Mutex<Date>

    public init(_ date: Date) {
        self.current = Mutex(date)
    }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock to `date`.
    public func set(_ date: Date) { current.withLock { $0 = date } }

    /// Moves the clock forward by `interval` seconds.
    public func advance(by interval: TimeInterval) { current.withLock { $0 += interval } }
}
