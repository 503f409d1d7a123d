import ChastityTrackerTestSupport
import Testing

@Suite("Test backends")
struct TestBackendConfigurationTests {
    @Test("CI runs the storage tests against PostgreSQL too")
    func continuousIntegrationHasPostgres() {
        if TestBackend.isCI && TestBackend.postgresURL == nil {
            Issue.record(
                """
                CI=true but \(TestBackend.postgresURLVariable) is not set, so the PostgreSQL backend would go untested; \
                run the tests through scripts/with-postgres
                """)
        }
    }
}
