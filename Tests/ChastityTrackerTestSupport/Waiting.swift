// Helpers for tests that hold a writer busy and wait for what follows, shared by the storage and
// API suites.
import Foundation

/// Holds a thread (the SQLite writer's) until opened.
public final class WriterGate: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var blocking = false
    private var opened = false

    public init() {}

    public var isBlocking: Bool { lock.withLock { blocking } }

    /// Blocks the calling thread until ``open()``.
    public func block() {
        lock.withLock { blocking = true }
        semaphore.wait()
    }

    /// Lets a blocked thread go; later calls do nothing.
    public func open() {
        let first = lock.withLock {
            defer { opened = true }
            return !opened
        }
        if first { semaphore.signal() }
    }
}

/// Waits until `condition` holds, checking every 5 ms; throws when it has not held within 30 s.
public func waitUntil(_ condition: () async throws -> Bool) async throws {
    // Generous: a condition that holds returns at once, and a loaded CI machine (several builds
    // and test processes on 2 cores) has missed 5 s.
    let deadline = ContinuousClock.now + .seconds(30)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    throw TestSetupError("the condition did not hold within 30 s")
}

/// Runs `operation`; when it has not finished within `limit`, runs `unblock` so that it can, and
/// returns `nil` (a write that should have been refused at once was queued instead).
public func promptly<T: Sendable>(
    within limit: Duration, unblock: @escaping @Sendable () async -> Void, _ operation: @escaping @Sendable () async throws -> T
) async -> Result<T, any Error>? {
    await withTaskGroup(of: Result<T, any Error>?.self) { group in
        group.addTask {
            do { return .success(try await operation()) } catch { return .failure(error) }
        }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        guard let first = await group.next(), let outcome = first else {
            await unblock()
            await group.waitForAll()
            return nil
        }
        group.cancelAll()
        return outcome
    }
}

/// Runs `body`; while it has not returned after `limit`, says so on standard error once a minute,
/// naming `test` and the step `what`. The suite's intermittent hang (a test waiting forever under
/// load) is then named down to its step (opening the store, the test's body, the app's shutdown,
/// closing the store) in the log of the run that scripts/test stops.
public func reportingStall<T>(
    _ test: String, _ what: String, after limit: Duration = .seconds(120), isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> T
) async rethrows -> T {
    let started = ContinuousClock.now
    let reporter = Task.detached {
        var next = limit
        while true {
            do { try await Task.sleep(until: started + next) } catch { return }
            let line = "STALLED \(test): \(what) running for \(ContinuousClock.now - started)\n"
            FileHandle.standardError.write(Data(line.utf8))
            next += .seconds(60)
        }
    }
    defer { reporter.cancel() }
    return try await body()
}
