/// The role of a store whose request reads (``StoreReads``) can share one database connection:
/// a GET's token lookup and its list or details read run as one unit of work.
public protocol UnitOfWorkStore: StoreReads {
    /// Runs `work` as one unit of work: the reads it makes through its argument share one
    /// database connection (PostgreSQL: one pooled connection leased for the whole of `work`,
    /// instead of one lease per call). Errors thrown by `work` come out unchanged; failing to
    /// get a connection throws ``StoreError/unavailable``. `work` must not keep its argument.
    nonisolated(nonsending) func withUnitOfWork<T: Sendable>(
        _ work: nonisolated(nonsending) @Sendable (any StoreReads) async throws -> T
    ) async throws -> T

    /// Whether ``withUnitOfWork(_:)`` shares anything between the reads (a connection); when not,
    /// a caller may read from the store directly and save the unit of work's async calls.
    var unitOfWorkSharesConnection: Bool { get }
}

extension UnitOfWorkStore {
    /// Runs `work` with the store itself as its reads: a backend whose calls need no connection
    /// of their own (SQLite's readers) has nothing to share.
    nonisolated(nonsending) public func withUnitOfWork<T: Sendable>(
        _ work: nonisolated(nonsending) @Sendable (any StoreReads) async throws -> T
    ) async throws -> T {
        try await work(self)
    }

    /// Nothing is shared: the store's own reads are the unit of work's.
    public var unitOfWorkSharesConnection: Bool { false }
}
