public import ChastityTrackerDomain
import PostgresNIO

/// The reads of one unit of work, on the one connection the store leased for it.
struct PostgresUnitOfWork: StoreReads {
    let store: PostgresStore
    let session: PostgresSession

    nonisolated(nonsending) func principal(forTokenHash hash: String) async throws -> Principal? {
        try await store.principals.principal(forTokenHash: hash) {
            try await store.mappingErrors { try await session.principal(forTokenHash: hash) }
        }
    }

    nonisolated(nonsending) func orgasms(userID: Int64, matching query: OrgasmQuery) async throws -> OrgasmPage {
        try await store.mappingErrors { try await session.orgasms(userID: userID, matching: query) }
    }

    nonisolated(nonsending) func orgasm(id: Int64, userID: Int64) async throws -> Orgasm? {
        try await store.mappingErrors { try await session.orgasm(id: id, userID: userID) }
    }

    nonisolated(nonsending) func changeState(userID: Int64) async throws -> ChangeState? {
        try await store.mappingErrors { try await session.changeState(userID: userID) }
    }

    nonisolated(nonsending) func changes(userID: Int64, since: ChangeState, limit: Int) async throws -> ChangesAnswer? {
        try await store.mappingErrors { try await session.changes(userID: userID, since: since, limit: limit) }
    }
}

extension PostgresStore {
    /// One pooled connection for the whole unit of work.
    public var unitOfWorkSharesConnection: Bool { true }

    nonisolated(nonsending) public func withUnitOfWork<T: Sendable>(
        _ work: nonisolated(nonsending) @Sendable (any StoreReads) async throws -> T
    ) async throws -> T {
        do {
            // The lease runs `work` in a task of its own while this task waits for its value
            // (cancelling it, never leaving it, when cancelled itself), so `work` never outlives
            // this call.
            return try await withoutActuallyEscaping(work) { work in
                try await mappingErrors {
                    try await withConnection { connection in
                        do {
                            return try await work(
                                PostgresUnitOfWork(store: self, session: PostgresSession(connection: connection, logger: self.driverLogger)))
                        } catch {
                            throw WorkFailed(error: error)
                        }
                    }
                }
            }
        } catch let failed as WorkFailed {
            throw failed.error
        }
    }
}

/// An error thrown by the work of a unit of work, carried past the store's error mapping
/// unchanged (the work's own errors are the caller's, not the database's).
struct WorkFailed: Error {
    let error: any Error
}
