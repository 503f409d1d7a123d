public import ChastityTrackerDomain
import Foundation
import NIOConcurrencyHelpers

/// Whether the database can be written, for `/readyz` (docs/CONTRACT.md section 1): the answer
/// of one real write, kept for `lifetime`, so that a load balancer polling every instance never
/// costs a write per call. Callers that arrive while a probe runs wait for that probe.
public final class ReadinessProbe: Sendable {
    /// How long an answer is reused unless told otherwise.
    public static let defaultLifetime: Duration = .seconds(3)

    let store: any StoreLifecycle
    let lifetime: Duration
    private let clock: any WallClock
    private let state = NIOLockedValueBox(State())

    private struct State {
        var answer: (writable: Bool, at: Date)?
        var running: Task<Bool, Never>?
    }

    /// `clock` decides when an answer is too old (injected, so tests never wait for it).
    public init(store: any StoreLifecycle, lifetime: Duration = ReadinessProbe.defaultLifetime, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.lifetime = lifetime
        self.clock = clock
    }

    private func age(since instant: Date, now: Date) -> Duration {
        .milliseconds(Int64((now.timeIntervalSince(instant) * 1000).rounded(.down)))
    }

    /// Whether the last probe, at most `lifetime` old, could write; probes when there is none.
    public func isWritable() async -> Bool {
        let now = clock.now()
        let task = state.withLockedValue { state -> Task<Bool, Never>? in
            if let answer = state.answer, age(since: answer.at, now: now) < lifetime { return nil }
            if let running = state.running { return running }
            let running = Task { [store] in
                do {
                    try await store.checkWritable()
                    return true
                } catch {
                    return false
                }
            }
            state.running = running
            return running
        }
        guard let task else { return state.withLockedValue { $0.answer?.writable ?? false } }
        let writable = await task.value
        let finished = clock.now()
        state.withLockedValue { state in
            if state.running == task {
                state.answer = (writable, finished)
                state.running = nil
            }
        }
        return writable
    }
}
