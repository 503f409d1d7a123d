import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Testing

/// The account overview's counts per month and mode, on every backend.
@Suite("Store conformance: monthly counts")
struct StoreMonthlyCountsTests {
    @Test(
        "monthlyCounts counts a user's records per month and mode between inclusive date bounds, and no other user's",
        arguments: TestBackend.all)
    func countsPerMonthAndMode(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            _ = try await store.insert(
                [
                    record("2025-03-31"),  // the day before the range
                    record("2025-04-01"), record("2025-04-30", .ruined), record("2025-04-15"),
                    record("2025-12-31", .dom), record("2026-01-01", .ted), record("2026-01-02", .milking, public: true),
                    record("2026-03-31", .ruined),
                    record("2026-04-01"),  // the day after the range
                ],
                userID: alice.id
            )
            _ = try await store.insert([record("2025-04-10"), record("2026-01-01", .ted)], userID: bob.id)

            let counts = try await store.monthlyCounts(userID: alice.id, from: day("2025-04-01"), to: day("2026-03-31"))
            #expect(
                Set(counts) == [
                    MonthlyCount(year: 2025, month: 4, mode: .full, count: 2),
                    MonthlyCount(year: 2025, month: 4, mode: .ruined, count: 1),
                    MonthlyCount(year: 2025, month: 12, mode: .dom, count: 1),
                    MonthlyCount(year: 2026, month: 1, mode: .ted, count: 1),
                    MonthlyCount(year: 2026, month: 1, mode: .milking, count: 1),
                    MonthlyCount(year: 2026, month: 3, mode: .ruined, count: 1),
                ])
            #expect(counts.count == 6)
        }
    }

    @Test("monthlyCounts is empty for a user without records in the range", arguments: TestBackend.all)
    func emptyRange(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            _ = try await store.insert([record("2026-01-01")], userID: bob.id)
            #expect(try await store.monthlyCounts(userID: alice.id, from: day("2025-04-01"), to: day("2026-03-31")) == [])
            _ = try await store.insert([record("2024-01-01")], userID: alice.id)
            #expect(try await store.monthlyCounts(userID: alice.id, from: day("2025-04-01"), to: day("2026-03-31")) == [])
        }
    }
}
