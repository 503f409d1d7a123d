import ChastityTrackerDomain
import ChastityTrackerServer
import HTTPTypes
import HummingbirdTesting
import Testing

/// docs/CONTRACT.md section 9: DELETE.
@Suite struct DeleteTests {
    func delete(_ uri: String, token: String, client: any TestClientProtocol) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .delete, headers: .bearer(token))
    }

    @Test func deleteAnswersIdAndDeletedTrueThenTheItemIsGone() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-02-01")
            let kept = try await app.seed(date: "2026-02-02")
            let data = try expectSuccess(try await delete("\(orgasmsPath)?id=\(item.id)", token: app.writeToken, client: client))
            #expect(data == ["id": .int(item.id), "deleted": true])
            #expect(try await app.storedItems() == [kept])
            try expectError(try await client.get("\(orgasmsPath)?id=\(item.id)", token: app.readToken), .notFound, "not_found")
            try expectError(try await delete("\(orgasmsPath)?id=\(item.id)", token: app.writeToken, client: client), .notFound, "not_found")
        }
    }

    @Test func anotherUsersItemIs404AndStillThere() async throws {
        try await TestApp.run { app, client in
            let other = try await app.makeOtherUser()
            let theirs = try await app.seed(date: "2026-02-01", userID: other.user.id)
            try expectError(try await delete("\(orgasmsPath)?id=\(theirs.id)", token: app.writeToken, client: client), .notFound, "not_found")
            #expect(try await app.storedItems(userID: other.user.id) == [theirs])
        }
    }

    @Test func missingIdIs400() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-02-01")
            try expectValidationError(try await delete(orgasmsPath, token: app.writeToken, client: client), field: "id")
            #expect(try await app.storedItems() == [item])
        }
    }

    @Test(arguments: DetailsTests.invalidIDs)
    func idThatIsNotAPositiveIntegerIs400(id: String) async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-02-01")
            try expectValidationError(try await delete("\(orgasmsPath)?id=\(id)", token: app.writeToken, client: client), field: "id")
            #expect(try await app.storedItems() == [item])
        }
    }
}
