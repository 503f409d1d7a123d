/// How many of a user's records of one mode fall in one calendar month: a cell of the account
/// overview's chart (``OrgasmStore/monthlyCounts(userID:from:to:)``).
public struct MonthlyCount: Sendable, Hashable {
    public var year: Int
    /// 1 to 12.
    public var month: Int
    public var mode: Mode
    public var count: Int

    public init(year: Int, month: Int, mode: Mode, count: Int) {
        self.year = year
        self.month = month
        self.mode = mode
        self.count = count
    }
}
