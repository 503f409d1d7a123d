public import ChastityTrackerCore
public import Logging

/// The PostgreSQL backend (issue 3): not built yet, so opening it fails with a clear error.
public final class PostgresStore {
    public static func open(url: String, logger: Logger) async throws -> any ChastityStore {
        logger.error("the PostgreSQL backend is not available in this build")
        throw StoreError.unavailable
    }
}
