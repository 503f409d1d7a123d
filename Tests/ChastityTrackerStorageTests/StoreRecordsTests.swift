import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Testing

/// Records: list, details, insert, update, delete and export paging, on every backend.
@Suite("Store conformance: records")
struct StoreRecordsTests {
    @Test("insert returns the records in order with ascending ids, exactly as stored", arguments: TestBackend.all)
    func insertReturnsStoredRecords(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let batch = [
                record("2026-01-15", .full, public: true, type: "Stroke", grantedBy: "Mistress", inserted: 1_768_471_950_123),
                record("0001-01-01", .ruined, type: "ü 🙂 \"quoted\" 'single' \\ %", inserted: -62_135_596_800_000),
                record("9999-12-31", .milking, public: true, inserted: 0),
                record("2024-02-29", .ted, grantedBy: String(repeating: "g", count: 50), inserted: 1),
                record("2026-01-14", .dom, type: String(repeating: "é", count: 100)),
            ]
            let inserted = try await store.insert(batch, userID: alice.id)
            #expect(inserted.count == batch.count)
            #expect(inserted.map(\.id) == inserted.map(\.id).sorted())
            #expect(Set(inserted.map(\.id)).count == batch.count)
            for (item, new) in zip(inserted, batch) {
                #expect(
                    item
                        == Orgasm(
                            id: item.id, date: new.date, mode: new.mode, isPublic: new.isPublic,
                            type: new.type, grantedBy: new.grantedBy, inserted: new.inserted
                        ))
                #expect(try await store.orgasm(id: item.id, userID: alice.id) == item)
            }
            #expect(try await store.insert([], userID: alice.id) == [])
        }
    }

    @Test("The list is ordered by date then id, both descending, with the total of all matches", arguments: TestBackend.all)
    func listOrdering(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            let a = try await store.insert([record("2026-01-02"), record("2026-01-03"), record("2026-01-02")], userID: alice.id)
            _ = try await store.insert([record("2026-01-05")], userID: bob.id)
            let b = try await store.insert([record("2026-01-01"), record("2026-01-03")], userID: alice.id)
            let page = try await store.all(alice.id)
            #expect(page.total == 5)
            #expect(page.items.map(\.id) == [b[1].id, a[1].id, a[2].id, a[0].id, b[0].id])
        }
    }

    @Test("limit and offset page through the list; the total stays the count of all matches", arguments: TestBackend.all)
    func listPaging(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let items = try await store.insert((1...7).map { record("2026-01-0\($0)") }, userID: alice.id)
            let newestFirst = items.reversed().map(\.id)

            let first = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(limit: 3, offset: 0))
            #expect(first.total == 7)
            #expect(first.items.map(\.id) == Array(newestFirst[0..<3]))

            let last = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(limit: 3, offset: 6))
            #expect(last.total == 7)
            #expect(last.items.map(\.id) == [newestFirst[6]])

            let atEnd = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(limit: 3, offset: 7))
            #expect(atEnd == OrgasmPage(total: 7, items: []))
            let pastEnd = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(limit: 200, offset: 1000))
            #expect(pastEnd == OrgasmPage(total: 7, items: []))
        }
    }

    @Test("from and to are inclusive bounds on the date", arguments: TestBackend.all)
    func dateBoundsAreInclusive(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            _ = try await store.insert(
                ["2025-12-31", "2026-01-01", "2026-01-15", "2026-01-31", "2026-02-01"].map { record($0) }, userID: alice.id
            )
            let january = try await store.orgasms(
                userID: alice.id, matching: OrgasmQuery(from: day("2026-01-01"), to: day("2026-01-31"))
            )
            #expect(january.total == 3)
            #expect(january.items.map(\.date.description) == ["2026-01-31", "2026-01-15", "2026-01-01"])

            let from = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(from: day("2026-01-31")))
            #expect(from.items.map(\.date.description) == ["2026-02-01", "2026-01-31"])
            let to = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(to: day("2026-01-01")))
            #expect(to.items.map(\.date.description) == ["2026-01-01", "2025-12-31"])
            let oneDay = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(from: day("2026-01-15"), to: day("2026-01-15")))
            #expect(oneDay.total == 1)
            #expect(oneDay.items.map(\.date.description) == ["2026-01-15"])
        }
    }

    @Test("public and mode filter the list, alone and with dates, and the total counts the filtered matches", arguments: TestBackend.all)
    func publicAndModeFilters(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let items = try await store.insert(
                [
                    record("2026-01-01", .full, public: true),
                    record("2026-01-02", .full, public: false),
                    record("2026-01-03", .ruined, public: true),
                    record("2026-01-04", .dom),
                    record("2026-01-05", .full, public: true),
                ], userID: alice.id)
            let publicOnly = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(isPublic: true))
            #expect(publicOnly.total == 3)
            #expect(publicOnly.items.map(\.id) == [items[4].id, items[2].id, items[0].id])

            let privateOnly = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(isPublic: false))
            #expect(privateOnly.items.map(\.id) == [items[3].id, items[1].id])

            let full = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(mode: .full))
            #expect(full.items.map(\.id) == [items[4].id, items[1].id, items[0].id])

            let publicFullPage = try await store.orgasms(
                userID: alice.id, matching: OrgasmQuery(to: day("2026-01-04"), isPublic: true, mode: .full, limit: 1, offset: 0)
            )
            #expect(publicFullPage == OrgasmPage(total: 1, items: [items[0]]))

            let none = try await store.orgasms(userID: alice.id, matching: OrgasmQuery(mode: .milking))
            #expect(none == OrgasmPage(total: 0, items: []))
        }
    }

    @Test("Another user's record behaves as missing for details, update and delete", arguments: TestBackend.all)
    func recordsAreIsolatedBetweenUsers(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            let item = try await store.insert([record("2026-01-01", type: "mine")], userID: alice.id)[0]
            var changes = OrgasmChanges()
            changes.type = .set("stolen")

            #expect(try await store.orgasm(id: item.id, userID: bob.id) == nil)
            #expect(try await store.update(id: item.id, userID: bob.id, changes: changes) == nil)
            #expect(try await store.delete(id: item.id, userID: bob.id) == false)
            #expect(try await store.all(bob.id) == OrgasmPage(total: 0, items: []))
            #expect(try await store.orgasms(userID: bob.id, afterID: 0, limit: 10) == [])

            #expect(try await store.orgasm(id: item.id, userID: alice.id) == item)
        }
    }

    @Test("Details, update and delete of an id that does not exist answer missing", arguments: TestBackend.all)
    func missingRecord(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            var changes = OrgasmChanges()
            changes.mode = .set(.ted)
            #expect(try await store.orgasm(id: 42, userID: alice.id) == nil)
            #expect(try await store.update(id: 42, userID: alice.id, changes: changes) == nil)
            #expect(try await store.delete(id: 42, userID: alice.id) == false)
        }
    }

    @Test("update changes only the named fields, clears type and grantedby with null, and persists", arguments: TestBackend.all)
    func updateChangesNamedFields(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let item = try await store.insert(
                [record("2026-01-01", .full, public: true, type: "Stroke", grantedBy: "Her", inserted: 77)], userID: alice.id
            )[0]

            var changes = OrgasmChanges()
            changes.date = .set(day("2025-06-30"))
            changes.type = .set(nil)
            let updated = try await store.update(id: item.id, userID: alice.id, changes: changes)
            let expected = Orgasm(
                id: item.id, date: day("2025-06-30"), mode: .full, isPublic: true, type: nil, grantedBy: "Her", inserted: at(77)
            )
            #expect(updated == expected)
            #expect(try await store.orgasm(id: item.id, userID: alice.id) == expected)

            var more = OrgasmChanges()
            more.mode = .set(.ruined)
            more.isPublic = .set(false)
            more.type = .set("Hands")
            more.grantedBy = .set(nil)
            let again = try await store.update(id: item.id, userID: alice.id, changes: more)
            let expectedAgain = Orgasm(
                id: item.id, date: day("2025-06-30"), mode: .ruined, isPublic: false, type: "Hands", grantedBy: nil, inserted: at(77)
            )
            #expect(again == expectedAgain)
            #expect(try await store.orgasm(id: item.id, userID: alice.id) == expectedAgain)
        }
    }

    @Test("Concurrent updates of different fields of one record all apply: none is lost", arguments: TestBackend.all)
    func concurrentUpdatesLoseNothing(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let items = try await store.insert(
                (0..<8).map { _ in record("2026-01-01", .full, public: false, type: nil, grantedBy: nil) }, userID: alice.id)
            // Per record, three updates at once, each naming one field the others leave alone.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for item in items {
                    for field in 0..<3 {
                        group.addTask {
                            var changes = OrgasmChanges()
                            switch field {
                            case 0: changes.type = .set("Toy")
                            case 1: changes.isPublic = .set(true)
                            default: changes.grantedBy = .set("Her")
                            }
                            let updated = try await store.update(id: item.id, userID: alice.id, changes: changes)
                            #expect(updated != nil)
                        }
                    }
                }
                try await group.waitForAll()
            }
            for item in items {
                let stored = try await store.orgasm(id: item.id, userID: alice.id)
                #expect(stored?.type == "Toy" && stored?.isPublic == true && stored?.grantedBy == "Her", "\(String(describing: stored))")
            }
        }
    }

    @Test("update to mode dom makes the record private and clears grantedby", arguments: TestBackend.all)
    func updateAppliesDomRule(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let item = try await store.insert(
                [record("2026-01-01", .full, public: true, type: "t", grantedBy: "Her")], userID: alice.id
            )[0]
            var toDom = OrgasmChanges()
            toDom.mode = .set(.dom)
            let dom = try #require(try await store.update(id: item.id, userID: alice.id, changes: toDom))
            #expect(dom.mode == .dom)
            #expect(dom.isPublic == false)
            #expect(dom.grantedBy == nil)
            #expect(dom.type == "t")
            #expect(try await store.orgasm(id: item.id, userID: alice.id) == dom)

            // Setting public or a grantor on a dom record is overridden by the rule, not an error.
            var publish = OrgasmChanges()
            publish.isPublic = .set(true)
            publish.grantedBy = .set("Him")
            #expect(try await store.update(id: item.id, userID: alice.id, changes: publish) == dom)
            #expect(try await store.orgasm(id: item.id, userID: alice.id) == dom)
            #expect(try await store.orgasms(userID: alice.id, matching: OrgasmQuery(isPublic: true)).total == 0)
        }
    }

    @Test("delete removes the record once; a second delete answers false", arguments: TestBackend.all)
    func deleteRemovesOnce(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let items = try await store.insert([record("2026-01-01"), record("2026-01-02")], userID: alice.id)
            #expect(try await store.delete(id: items[0].id, userID: alice.id))
            #expect(try await store.delete(id: items[0].id, userID: alice.id) == false)
            #expect(try await store.orgasm(id: items[0].id, userID: alice.id) == nil)
            #expect(try await store.all(alice.id) == OrgasmPage(total: 1, items: [items[1]]))
        }
    }

    @Test("Record ids are not reused after the newest record is deleted", arguments: TestBackend.all)
    func recordIDsAreNotReused(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let items = try await store.insert([record("2026-01-01"), record("2026-01-02")], userID: alice.id)
            #expect(try await store.delete(id: items[1].id, userID: alice.id))
            let next = try await store.insert([record("2026-01-03")], userID: alice.id)[0]
            #expect(next.id > items[1].id)
        }
    }

    @Test("A batch for a deleted user throws missing and writes nothing", arguments: TestBackend.all)
    func batchForDeletedUserWritesNothing(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            #expect(try await store.deleteUser(id: alice.id))
            let error = await #expect(throws: StoreError.self) {
                _ = try await store.insert([record("2026-01-01"), record("2026-01-02")], userID: alice.id)
            }
            if case .missing = error {} else { Issue.record("expected StoreError.missing, got \(String(describing: error))") }
            #expect(try await store.all(alice.id) == OrgasmPage(total: 0, items: []))
        }
    }

    @Test("A batch whose last record breaks the dom constraint writes none of its records", arguments: TestBackend.all)
    func failingBatchWritesNothing(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let kept = try await store.insert([record("2025-12-31")], userID: alice.id)
            // NewOrgasm's initialiser applies the dom rule; breaking it afterwards reaches the
            // database's own check, which must fail the whole batch.
            var broken = record("2026-01-03", .dom)
            broken.isPublic = true
            await #expect(throws: StoreError.unavailable) {
                _ = try await store.insert([record("2026-01-01"), record("2026-01-02"), broken], userID: alice.id)
            }
            #expect(try await store.all(alice.id) == OrgasmPage(total: 1, items: kept))
            // The store is still usable afterwards.
            let next = try await store.insert([record("2026-01-04")], userID: alice.id)
            #expect(try await store.all(alice.id).items.map(\.id) == [next[0].id, kept[0].id])
        }
    }

    @Test("A batch of 2,500 records is inserted in order", arguments: TestBackend.all)
    func largeBatch(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let batch = (0..<2_500).map { index in record("2026-01-01", type: "n\(index)", inserted: Int64(index)) }
            let inserted = try await store.insert(batch, userID: alice.id)
            #expect(inserted.map(\.type) == batch.map(\.type))
            #expect(inserted.map(\.id) == inserted.map(\.id).sorted())
            let exported = try await store.orgasms(userID: alice.id, afterID: 0, limit: 5_000)
            #expect(exported == inserted)
        }
    }

    @Test("Export pages return a user's records by ascending id after the given id", arguments: TestBackend.all)
    func exportPaging(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let alice = try await store.makeUser("alice")
            let bob = try await store.makeUser("bob")
            let first = try await store.insert([record("2026-01-05"), record("2026-01-01")], userID: alice.id)
            _ = try await store.insert([record("2026-01-03")], userID: bob.id)
            let second = try await store.insert([record("2026-01-02"), record("2026-01-04"), record("2026-01-06")], userID: alice.id)
            let all = first + second

            let page1 = try await store.orgasms(userID: alice.id, afterID: 0, limit: 2)
            #expect(page1 == Array(all[0..<2]))
            let page2 = try await store.orgasms(userID: alice.id, afterID: page1[1].id, limit: 2)
            #expect(page2 == Array(all[2..<4]))
            let page3 = try await store.orgasms(userID: alice.id, afterID: page2[1].id, limit: 2)
            #expect(page3 == [all[4]])
            #expect(try await store.orgasms(userID: alice.id, afterID: all[4].id, limit: 2) == [])
        }
    }
}
