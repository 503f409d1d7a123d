import ChastityTrackerDomain
import ChastityTrackerServer
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// docs/CONTRACT.md section 13: the changes feed over HTTP, on the selected backend.
@Suite("Changes feed")
struct ChangesTests {
    static let path = "/api/v2/orgasms/changes"

    private func changes(_ client: any TestClientProtocol, _ token: String, since: String? = nil, limit: Int? = nil) async throws -> TestResponse {
        var query: [String] = []
        if let since { query.append("since=\(since)") }
        if let limit { query.append("limit=\(limit)") }
        return try await client.get(Self.path + (query.isEmpty ? "" : "?" + query.joined(separator: "&")), token: token)
    }

    private func state(_ client: any TestClientProtocol, _ token: String) async throws -> String {
        let data = try expectSuccess(try await changes(client, token))
        return try #require(data["new_state"]?.stringValue)
    }

    @Test("without since: the current state as old and new, empty lists, has_more_changes false")
    func withoutSince() async throws {
        try await TestApp.run { app, client in
            try await app.seed(date: "2026-03-01")
            let data = try expectSuccess(try await changes(client, app.readToken))
            #expect(data.keys == ["old_state", "new_state", "has_more_changes", "created", "updated", "destroyed"])
            #expect(data["old_state"] == data["new_state"])
            // The owner's state now (on SQLite the one the token lookup read with the token).
            let current = try #require(try await app.store.changeState(userID: app.owner.id))
            #expect(data["new_state"] == .string(current.description))
            #expect(data["has_more_changes"] == false)
            #expect(data["created"] == [])
            #expect(data["updated"] == [])
            #expect(data["destroyed"] == [])
        }
    }

    @Test("the API's own writes: insert A and B, take S; PATCH A, DELETE B, insert C: updated [A], destroyed [B], created [C]")
    func writesThroughTheAPI() async throws {
        try await TestApp.run { app, client in
            let ab = try expectSuccess(
                try await client.execute(
                    uri: orgasmsPath, method: .post, headers: .json(app.writeToken),
                    body: .init(string: #"[{"date":"2026-03-01","mode":"full"},{"date":"2026-03-02","mode":"ruined"}]"#)), .created)
            let a = try #require(ab["items"]?[0]?["id"]?.intValue)
            let b = try #require(ab["items"]?[1]?["id"]?.intValue)
            let s = try await state(client, app.readToken)
            let patched = try expectSuccess(
                try await client.execute(
                    uri: "\(orgasmsPath)?id=\(a)", method: .patch, headers: .json(app.writeToken), body: .init(string: #"{"type":"edited"}"#)))
            _ = try expectSuccess(try await client.execute(uri: "\(orgasmsPath)?id=\(b)", method: .delete, headers: .bearer(app.writeToken)))
            let c = try expectSuccess(
                try await client.execute(
                    uri: orgasmsPath, method: .post, headers: .json(app.writeToken), body: .init(string: #"{"date":"2026-03-03","mode":"full"}"#)),
                .created)
            let data = try expectSuccess(try await changes(client, app.readToken, since: s))
            #expect(data["old_state"] == .string(s))
            #expect(data["updated"] == [patched])
            #expect(data["destroyed"] == [.int(b)])
            #expect(data["created"] == [try #require(c["items"]?[0])])
            #expect(data["has_more_changes"] == false)
            let again = try expectSuccess(try await changes(client, app.readToken, since: data["new_state"]?.stringValue))
            #expect(again["created"] == [] && again["updated"] == [] && again["destroyed"] == [])
            #expect(again["new_state"] == data["new_state"])
        }
    }

    @Test("a state from another user's feed, from the future, or never issued is 410 state_expired; a malformed one is 400")
    func refusedStates() async throws {
        try await TestApp.run { app, client in
            let other = try await app.makeOtherUser()
            let theirs = try await state(client, other.writeToken)
            try expectError(try await changes(client, app.readToken, since: theirs), .gone, "state_expired", field: "since")
            let mine = try await state(client, app.readToken)
            let epoch = try #require(mine.split(separator: "-").first)
            try expectError(try await changes(client, app.readToken, since: "\(epoch)-99"), .gone, "state_expired", field: "since")
            for bad in ["x", "abc-1", "\(epoch)-", "\(epoch)-1x", "\(epoch)-01"] {
                try expectValidationError(try await changes(client, app.readToken, since: bad), field: "since")
            }
            for limit in [0, 501, -1] {
                try expectValidationError(try await changes(client, app.readToken, since: mine, limit: limit), field: "limit")
            }
            try expectValidationError(try await client.get("\(Self.path)?since[]=\(mine)", token: app.readToken), field: "since")
        }
    }

    @Test("limit counts ids; has_more_changes says to call again with new_state; the pages add up to the whole")
    func paging() async throws {
        try await TestApp.run { app, client in
            let start = try await state(client, app.readToken)
            let created = try await app.seed(
                (0..<5).map { _ in
                    NewOrgasm(
                        date: LocalDate("2026-03-01")!, mode: .full, isPublic: false, type: nil, grantedBy: nil, inserted: Timestamp(app.clock.now()))
                })
            var since = start
            var ids: [Int64] = []
            var calls = 0
            while true {
                let data = try expectSuccess(try await changes(client, app.readToken, since: since, limit: 2))
                ids += (data["created"]?.elements ?? []).compactMap { $0["id"]?.intValue }
                calls += 1
                since = try #require(data["new_state"]?.stringValue)
                if data["has_more_changes"] == false { break }
            }
            #expect(calls == 3)
            #expect(ids == created.map(\.id))
        }
    }

    @Test("a read token may read the feed; it answers with an ETag and 304 to a matching If-None-Match")
    func conditionalGET() async throws {
        try await TestApp.run { app, client in
            let first = try await changes(client, app.readToken)
            #expect(first.status == .ok)
            let etag = try #require(first.headers[.eTag])
            var headers = HTTPFields.bearer(app.readToken)
            headers[.ifNoneMatch] = etag
            let second = try await client.execute(uri: Self.path, method: .get, headers: headers)
            #expect(second.status == .notModified)
        }
    }

    @Test("without a token the feed is 401 like the rest of the API")
    func needsAToken() async throws {
        try await TestApp.run { app, client in
            try expectError(try await client.execute(uri: Self.path, method: .get, headers: [:]), .unauthorized, "unauthorized")
        }
    }
}
