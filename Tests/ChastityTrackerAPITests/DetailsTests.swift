import ChastityTrackerDomain
import ChastityTrackerServer
import HTTPTypes
import HummingbirdTesting
import Testing

/// docs/CONTRACT.md section 6: GET details, and the `id` rule shared with PATCH and DELETE.
@Suite struct DetailsTests {
    /// Values of `id` that are not a positive integer.
    static let invalidIDs = ["abc", "0", "-3", "1.5", "", "1e3", "%201", "0x10", "99999999999999999999"]

    @Test func detailsAnswerTheItemWithExactlyItsSevenKeys() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-01-15", mode: .full, isPublic: true, type: "Stroke", grantedBy: "Anna")
            let response = try await client.get("\(orgasmsPath)?id=\(item.id)", token: app.readToken)
            let data = try expectSuccess(response)
            expectItemShape(data)
            #expect(
                data == [
                    "id": .int(item.id), "date": "2026-01-15", "mode": "full", "public": 1, "type": "Stroke", "grantedby": "Anna",
                    "inserted": "2026-03-10 12:00:00.000",
                ])
        }
    }

    @Test func nullFieldsArePresentAsNull() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-01-15", mode: .dom)
            let data = try expectSuccess(try await client.get("\(orgasmsPath)?id=\(item.id)", token: app.readToken))
            expectItemShape(data)
            #expect(data["type"] == .null)
            #expect(data["grantedby"] == .null)
            #expect(data["public"] == 0)
        }
    }

    @Test func missingItemIs404() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-01-15")
            try expectError(try await client.get("\(orgasmsPath)?id=\(item.id + 1000)", token: app.readToken), .notFound, "not_found")
        }
    }

    @Test func anotherUsersItemIs404LikeAMissingOne() async throws {
        try await TestApp.run { app, client in
            let other = try await app.makeOtherUser()
            let theirs = try await app.seed(date: "2026-01-15", userID: other.user.id)
            let foreign = try await client.get("\(orgasmsPath)?id=\(theirs.id)", token: app.writeToken)
            let missing = try await client.get("\(orgasmsPath)?id=\(theirs.id + 1000)", token: app.writeToken)
            try expectError(foreign, .notFound, "not_found")
            #expect(foreign.text == missing.text)
            #expect(try expectSuccess(try await client.get("\(orgasmsPath)?id=\(theirs.id)", token: other.writeToken)) == itemJSON(theirs))
        }
    }

    @Test(arguments: invalidIDs)
    func idThatIsNotAPositiveIntegerIs400(id: String) async throws {
        try await TestApp.run { app, client in
            try await app.seed(date: "2026-01-15")
            try expectValidationError(try await client.get("\(orgasmsPath)?id=\(id)", token: app.readToken), field: "id")
        }
    }

    @Test func repeatedIdIs400() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-01-15")
            try expectValidationError(try await client.get("\(orgasmsPath)?id=\(item.id)&id=\(item.id)", token: app.readToken), field: "id")
        }
    }

    @Test func otherFiltersAreIgnoredWithId() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-01-15", mode: .full, isPublic: false)
            let response = try await client.get("\(orgasmsPath)?id=\(item.id)&mode=bogus&limit=abc&public=1&from=2026-02-30", token: app.readToken)
            #expect(try expectSuccess(response) == itemJSON(item))
        }
    }
}
