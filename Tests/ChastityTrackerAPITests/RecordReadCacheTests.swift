import ChastityTrackerDomain
import ChastityTrackerTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import ChastityTrackerServer

/// The read cache of list and details answers (issue 24): served only at the state the request's
/// token lookup read, so a write made anywhere is seen by the next request.
@Suite struct RecordReadCacheTests {
    static let state = ChangeState(epoch: "00112233445566aa", sequence: 7)

    static func answer(_ text: String) -> RecordReadCache.Answer {
        RecordReadCache.Answer(body: ByteBuffer(string: text), etag: "\"\(text.count)\"")
    }

    @Test func anAnswerIsServedAtExactlyTheStateItWasKeptAt() {
        let cache = RecordReadCache(capacity: 1_000)
        let key = RecordReadCache.Key.list(userID: 1, query: OrgasmQuery())
        cache.keep(Self.answer("page"), for: key, at: Self.state)
        #expect(cache.answer(for: key, at: Self.state)?.body == ByteBuffer(string: "page"))
        #expect(cache.answer(for: key, at: ChangeState(epoch: Self.state.epoch, sequence: 8)) == nil)
        #expect(cache.answer(for: key, at: ChangeState(epoch: "ffffffffffffffff", sequence: 7)) == nil)
        // Another user, another query, another record: other keys.
        #expect(cache.answer(for: .list(userID: 2, query: OrgasmQuery()), at: Self.state) == nil)
        #expect(cache.answer(for: .list(userID: 1, query: OrgasmQuery(limit: 5)), at: Self.state) == nil)
        #expect(cache.answer(for: .item(userID: 1, id: 1), at: Self.state) == nil)
    }

    @Test func keepingAgainReplacesTheAnswerAndItsBytes() {
        let cache = RecordReadCache(capacity: 1_000)
        let key = RecordReadCache.Key.item(userID: 1, id: 3)
        cache.keep(Self.answer("old answer"), for: key, at: Self.state)
        let later = ChangeState(epoch: Self.state.epoch, sequence: 9)
        cache.keep(Self.answer("new"), for: key, at: later)
        #expect(cache.count == 1)
        #expect(cache.bytes == 3)
        #expect(cache.answer(for: key, at: Self.state) == nil)
        #expect(cache.answer(for: key, at: later)?.body == ByteBuffer(string: "new"))
    }

    @Test func pastItsCapacityTheCacheStartsAfreshAndNeverHoldsMore() {
        let cache = RecordReadCache(capacity: 25)
        for id in 1...3 { cache.keep(Self.answer("0123456789"), for: .item(userID: 1, id: Int64(id)), at: Self.state) }
        // Two fit (20 bytes); the third emptied the cache first.
        #expect(cache.count == 1)
        #expect(cache.bytes == 10)
        #expect(cache.answer(for: .item(userID: 1, id: 3), at: Self.state) != nil)
        #expect(cache.answer(for: .item(userID: 1, id: 1), at: Self.state) == nil)
        // An answer larger than the whole cache is not kept.
        cache.keep(Self.answer(String(repeating: "x", count: 26)), for: .item(userID: 1, id: 4), at: Self.state)
        #expect(cache.answer(for: .item(userID: 1, id: 4), at: Self.state) == nil)
        #expect(cache.bytes == 10)
    }

    @Test func aZeroCapacityKeepsNothing() {
        let cache = RecordReadCache(capacity: 0)
        cache.keep(Self.answer(""), for: .item(userID: 1, id: 1), at: Self.state)
        #expect(cache.answer(for: .item(userID: 1, id: 1), at: Self.state) == nil)
    }

    /// The cache is used: once an answer is kept, the same request is answered while the store's
    /// record reads fail (SQLite: the principal carries the state; users and tokens keep working).
    @Test func aRepeatedListOrDetailsAnswerComesFromTheCacheWithTheSameBytesAndETag() async throws {
        try await TestApp.run(backend: FaultyStore.backend(over: .sqlite)) { app, client in
            let store = try #require(app.store as? FaultyStore)
            let item = try await app.seed(date: "2026-03-01")
            for uri in [orgasmsPath, "\(orgasmsPath)?id=\(item.id)", "/api/v2/orgasms?limit=5&mode=full"] {
                let first = try await client.get(uri, token: app.readToken)
                #expect(first.status == .ok)
                store.fail(with: StoreError.unavailable)
                let again = try await client.get(uri, token: app.writeToken)
                #expect(again.status == .ok, "\(uri): \(again.text)")
                #expect(again.body == first.body)
                #expect(again.headers[.eTag] == first.headers[.eTag])
                let notModified = try await client.execute(
                    uri: uri, method: .get, headers: [.authorization: "Bearer \(app.readToken)", .ifNoneMatch: first.headers[.eTag] ?? ""])
                #expect(notModified.status == .notModified)
                store.fail(with: nil)
            }
        }
    }

    /// Writes behind the server's back (the command line, another instance: here the store
    /// itself) move the owner's state, so the next request reads again.
    @Test(arguments: TestBackend.all)
    func writesMadeOutsideTheServerAreSeenByTheNextRequest(backend: TestBackend) async throws {
        try await TestApp.run(backend: backend) { app, client in
            let first = try await app.seed(date: "2026-03-01")
            let details = "\(orgasmsPath)?id=\(first.id)"
            var list = try expectSuccess(try await client.get(orgasmsPath, token: app.readToken))
            #expect(list["total"] == 1)
            _ = try await client.get(orgasmsPath, token: app.readToken)
            _ = try await client.get(details, token: app.readToken)

            let second = try await app.seed(date: "2026-03-02")
            list = try expectSuccess(try await client.get(orgasmsPath, token: app.readToken))
            #expect(list["total"] == 2)
            #expect(list["items"] == .array([second, first].map(itemJSON)))

            var changes = OrgasmChanges()
            changes.type = .set("edited")
            let edited = try #require(try await app.store.update(id: first.id, userID: app.owner.id, changes: changes))
            #expect(try expectSuccess(try await client.get(details, token: app.readToken)) == itemJSON(edited))
            list = try expectSuccess(try await client.get(orgasmsPath, token: app.readToken))
            #expect(list["items"] == .array([second, edited].map(itemJSON)))

            #expect(try await app.store.delete(id: first.id, userID: app.owner.id))
            try expectError(try await client.get(details, token: app.readToken), .notFound, "not_found")
            list = try expectSuccess(try await client.get(orgasmsPath, token: app.readToken))
            #expect(list["items"] == .array([itemJSON(second)]))
        }
    }

    @Test func anotherUsersKeptAnswerIsNeverServed() async throws {
        try await TestApp.run(backend: .sqlite) { app, client in
            let mine = try await app.seed(date: "2026-03-01")
            let other = try await app.makeOtherUser()
            let theirs = try await app.seed(date: "2026-03-01", userID: other.user.id)
            // Twice: the second round is answered from what the first kept.
            for _ in 0..<2 {
                let myList = try expectSuccess(try await client.get(orgasmsPath, token: app.readToken))
                #expect(myList["items"] == .array([itemJSON(mine)]))
                let theirList = try expectSuccess(try await client.get(orgasmsPath, token: other.writeToken))
                #expect(theirList["items"] == .array([itemJSON(theirs)]))
                try expectError(try await client.get("\(orgasmsPath)?id=\(theirs.id)", token: app.readToken), .notFound, "not_found")
            }
        }
    }
}
