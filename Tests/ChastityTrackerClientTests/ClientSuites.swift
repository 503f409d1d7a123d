import Testing

/// Every suite of the SDK's tests, one test at a time: each test runs a live server with its own
/// database and connection pool, and on PostgreSQL (shared with the API suite in the same run) many
/// at once would take connections the API suite needs.
@Suite(.serialized) struct ClientSuites {}
