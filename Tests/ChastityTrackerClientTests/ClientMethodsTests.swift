import ChastityTrackerClient
import ChastityTrackerDomain
import Foundation
import Testing

extension ClientSuites {
    /// Every method of the SDK against the real server over a real socket.
    @Suite struct ClientMethodsTests {
        typealias NewItem = ChastityTrackerClient.NewItem

        @Test func insertOneThenReadItBackByIDAndInTheList() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: server.writeToken)
                let created = try await client.insert(
                    NewItem(date: "2026-03-01", mode: .ruined, isPublic: true, type: "edge", grantedBy: "K")
                )
                #expect(created.count == 1)
                let item = try #require(created.first)
                #expect(item.date == "2026-03-01")
                #expect(item.mode == .ruined)
                #expect(item.isPublic)
                #expect(item.type == "edge")
                #expect(item.grantedBy == "K")
                #expect(item.inserted == "2026-03-10 12:00:00.000")

                let reader = server.client(token: server.readToken)
                #expect(try await reader.item(id: item.id) == item)
                let page = try await reader.list()
                #expect(page.items == [item])
                #expect(page.total == 1)
                #expect(page.offset == 0)
                #expect(try await server.storedItems().map(\.id) == [item.id])
            }
        }

        @Test func insertWithNumberStoresThatManyCopies() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: server.writeToken)
                let created = try await client.insert(NewItem(date: "2026-03-02", mode: .full), number: 3)
                #expect(created.count == 3)
                #expect(Set(created.map(\.id)).count == 3)
                #expect(created.allSatisfy { $0.date == "2026-03-02" && $0.mode == .full && !$0.isPublic })
                #expect(try await server.storedItems().count == 3)
            }
        }

        @Test func batchInsertReturnsTheItemsInTheOrderSent() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: server.writeToken)
                let created = try await client.insert([
                    NewItem(date: "2026-01-05", mode: .milking),
                    NewItem(date: "2026-02-05", mode: .dom, isPublic: true, grantedBy: "dropped for dom"),
                ])
                #expect(created.map(\.date) == ["2026-01-05", "2026-02-05"])
                #expect(created.map(\.mode) == [.milking, .dom])
                // docs/CONTRACT.md section 4: a dom item is always private, without grantedby.
                #expect(created[1].isPublic == false)
                #expect(created[1].grantedBy == nil)
            }
        }

        @Test func listFiltersByDateModeAndVisibilityAndPages() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: server.writeToken)
                let created = try await client.insert([
                    NewItem(date: "2026-01-01", mode: .full, isPublic: true),
                    NewItem(date: "2026-01-02", mode: .ruined),
                    NewItem(date: "2026-01-03", mode: .full),
                    NewItem(date: "2026-02-01", mode: .full, isPublic: true),
                ])
                let fullInJanuary = try await client.list(from: "2026-01-01", to: "2026-01-31", mode: .full)
                #expect(fullInJanuary.items.map(\.id) == [created[2].id, created[0].id])
                #expect(fullInJanuary.total == 2)
                let publicOnes = try await client.list(isPublic: true)
                #expect(publicOnes.items.map(\.id) == [created[3].id, created[0].id])
                let privateOnes = try await client.list(isPublic: false)
                #expect(privateOnes.items.map(\.id) == [created[2].id, created[1].id])
                let second = try await client.list(limit: 1, offset: 1)
                #expect(second.items.map(\.id) == [created[2].id])
                #expect(second.total == 4)
                #expect(second.limit == 1)
                #expect(second.offset == 1)
            }
        }

        @Test func theItemSequencePagesThroughEveryMatchingItem() async throws {
            try await LiveServer.run { server in
                let transport = RecordingTransport()
                let client = server.client(token: server.writeToken, transport: transport)
                let created = try await client.insert((1...5).map { NewItem(date: "2026-02-0\($0)", mode: .full) })
                _ = try await client.insert(NewItem(date: "2026-02-06", mode: .ted))
                var seen: [Int64] = []
                for try await item in client.items(mode: .full, pageSize: 2) {
                    seen.append(item.id)
                }
                #expect(seen == created.reversed().map(\.id))
                // Three pages of 2, 2 and 1: three GETs, and no fourth after the last.
                let gets = transport.sent.filter { $0.method == "GET" }.map(\.path)
                #expect(gets.count == 3)
                #expect(gets.map { $0.contains("offset=0") } == [true, false, false])
                #expect(gets.map { $0.contains("offset=2") } == [false, true, false])
                #expect(gets.map { $0.contains("offset=4") } == [false, false, true])
                #expect(gets.allSatisfy { $0.contains("limit=2") && $0.contains("mode=full") })
            }
        }

        @Test func anEmptySequenceFetchesOnePage() async throws {
            try await LiveServer.run { server in
                let transport = RecordingTransport()
                let client = server.client(token: server.readToken, transport: transport)
                var count = 0
                for try await _ in client.items() { count += 1 }
                #expect(count == 0)
                #expect(transport.sent.count == 1)
            }
        }

        @Test func updateChangesOnlyTheFieldsGiven() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: server.writeToken)
                let item = try #require(
                    try await client.insert(NewItem(date: "2026-03-01", mode: .full, type: "a", grantedBy: "K")).first
                )
                let updated = try await client.update(id: item.id, date: "2026-03-02", mode: .ruined, isPublic: true, type: .set("b"))
                #expect(updated.id == item.id)
                #expect(updated.date == "2026-03-02")
                #expect(updated.mode == .ruined)
                #expect(updated.isPublic)
                #expect(updated.type == "b")
                #expect(updated.grantedBy == "K")
                #expect(try await client.item(id: item.id) == updated)
            }
        }

        @Test func updateClearsTypeAndGrantedByWithNull() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: server.writeToken)
                let item = try #require(
                    try await client.insert(NewItem(date: "2026-03-01", mode: .full, type: "a", grantedBy: "K")).first
                )
                let typeCleared = try await client.update(id: item.id, type: .clear)
                #expect(typeCleared.type == nil)
                #expect(typeCleared.grantedBy == "K")
                let bothCleared = try await client.update(id: item.id, grantedBy: .clear)
                #expect(bothCleared.type == nil)
                #expect(bothCleared.grantedBy == nil)
                let stored = try #require(try await server.storedItems().first)
                #expect(stored.type == nil)
                #expect(stored.grantedBy == nil)
            }
        }

        @Test func deleteRemovesTheItem() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: server.writeToken)
                let item = try #require(try await client.insert(NewItem(date: "2026-03-01", mode: .full)).first)
                try await client.delete(id: item.id)
                #expect(try await server.storedItems().isEmpty)
                let error = await #expect(throws: ChastityTrackerError.self) { try await client.item(id: item.id) }
                #expect(error?.status == 404)
            }
        }

        @Test func theRateLimitHeadersAreReadableAfterACall() async throws {
            try await LiveServer.run(configuration: .init(rateLimitPerMinute: 7)) { server in
                let client = server.client(token: server.readToken)
                #expect(client.lastRateLimit == nil)
                _ = try await client.list()
                let first = try #require(client.lastRateLimit)
                #expect(first.limit == 7)
                #expect(first.remaining == 6)
                #expect(first.reset > LiveServer.now)
                _ = try await client.list()
                #expect(client.lastRateLimit?.remaining == 5)
                #expect(client.lastRequestID?.isEmpty == false)
            }
        }
    }
}
