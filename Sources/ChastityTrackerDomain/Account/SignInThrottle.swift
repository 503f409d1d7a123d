/// How repeated failed sign-ins slow down: the first few are free, then each further attempt must
/// wait a doubling delay, and after `lockAfter` failures in a row the account (or address) is
/// locked for `lockDuration`. Failures older than `quietPeriod` are forgotten.
public struct SignInThrottle: Sendable, Hashable {
    /// Failures in a row that cost no wait.
    public var freeFailures: Int
    /// Failures in a row after which the next attempts wait `lockDuration`.
    public var lockAfter: Int
    /// The lock, in seconds.
    public var lockDuration: Int64
    /// After this many seconds without a failure, the count starts again.
    public var quietPeriod: Int64

    public init(freeFailures: Int, lockAfter: Int, lockDuration: Int64, quietPeriod: Int64) {
        self.freeFailures = freeFailures
        self.lockAfter = lockAfter
        self.lockDuration = lockDuration
        self.quietPeriod = quietPeriod
    }

    /// Per account name: 3 free failures, then waits of 1, 2, 4 … 64 s, and after 10 failures a
    /// lock of 15 minutes; forgotten after 15 quiet minutes.
    public static let account = SignInThrottle(freeFailures: 3, lockAfter: 10, lockDuration: 900, quietPeriod: 900)
    /// Per client address (several people may share one): 10 free failures, then doubling waits,
    /// and after 30 failures a lock of 15 minutes; forgotten after 15 quiet minutes.
    public static let address = SignInThrottle(freeFailures: 10, lockAfter: 30, lockDuration: 900, quietPeriod: 900)

    /// The wait, in seconds, that `failures` failures in a row impose before the next attempt.
    public func delay(afterFailures failures: Int) -> Int64 {
        if failures >= lockAfter { return lockDuration }
        if failures < freeFailures { return 0 }
        return min(Int64(1) << min(failures - freeFailures, 30), lockDuration)
    }

    /// The seconds still to wait at `now` after `failures`, or `nil` when an attempt may be made.
    public func wait(after failures: SignInFailures?, at now: Timestamp) -> Int64? {
        guard let failures else { return nil }
        let sinceLast = now.millisecondsSinceEpoch - failures.last.millisecondsSinceEpoch
        if sinceLast >= quietPeriod * 1000 { return nil }
        let remaining = delay(afterFailures: failures.count) * 1000 - sinceLast
        guard remaining > 0 else { return nil }
        return (remaining + 999) / 1000
    }

    /// The instant before which a failure no longer counts towards a new one at `now`.
    public func resetBefore(_ now: Timestamp) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - quietPeriod * 1000)
    }
}
