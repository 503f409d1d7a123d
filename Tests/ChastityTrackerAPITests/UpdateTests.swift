import ChastityTrackerDomain
import ChastityTrackerServer
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// docs/CONTRACT.md section 8: PATCH update.
@Suite struct UpdateTests {
    /// A public, granted `full` item with a type.
    static func seedFull(_ app: TestApp) async throws -> Orgasm {
        try await app.seed(date: "2026-02-01", mode: .full, isPublic: true, type: "Stroke", grantedBy: "Anna")
    }

    /// A body with one field and the item it must produce from ``seedFull(_:)``.
    static let singleFieldChanges: [(body: String, change: @Sendable (inout Orgasm) -> Void)] = [
        (#"{"date":"2026-01-31"}"#, { $0.date = LocalDate("2026-01-31")! }),
        (#"{"mode":"ruined"}"#, { $0.mode = .ruined }),
        (#"{"public":0}"#, { $0.isPublic = false }),
        (#"{"public":false}"#, { $0.isPublic = false }),
        (#"{"type":"  Hands "}"#, { $0.type = "Hands" }),
        (#"{"grantedby":"Bea"}"#, { $0.grantedBy = "Bea" }),
        (#"{"type":null}"#, { $0.type = nil }),
        (#"{"grantedby":null}"#, { $0.grantedBy = nil }),
        (#"{"type":""}"#, { $0.type = nil }),
        (#"{"grantedby":"   "}"#, { $0.grantedBy = nil }),
        (
            #"{"date":"2026-03-10","mode":"milking","public":0,"type":"T","grantedby":"G"}"#,
            {
                $0.date = LocalDate("2026-03-10")!
                $0.mode = .milking
                $0.isPublic = false
                $0.type = "T"
                $0.grantedBy = "G"
            }
        ),
    ]

    @Test(arguments: singleFieldChanges.indices)
    func partialUpdateChangesOnlyTheNamedFields(index: Int) async throws {
        let (body, change) = Self.singleFieldChanges[index]
        try await TestApp.run { app, client in
            let item = try await Self.seedFull(app)
            let untouched = try await app.seed(date: "2026-02-02", mode: .ted)
            var expected = item
            change(&expected)
            let data = try expectSuccess(try await client.patch(id: item.id, body, token: app.writeToken))
            expectItemShape(data)
            #expect(data == itemJSON(expected), "\(body)")
            #expect(try await app.storedItems() == [expected, untouched])
        }
    }

    @Test func settingModeDomOnPublicGrantedItemForcesPublic0AndClearsGrantedBy() async throws {
        try await TestApp.run { app, client in
            let item = try await Self.seedFull(app)
            let data = try expectSuccess(try await client.patch(id: item.id, #"{"mode":"dom"}"#, token: app.writeToken))
            #expect(data["mode"] == "dom")
            #expect(data["public"] == 0)
            #expect(data["grantedby"] == .null)
            #expect(data["type"] == "Stroke")
            let stored = try await app.storedItems()[0]
            #expect(stored.mode == .dom && !stored.isPublic && stored.grantedBy == nil)
        }
    }

    @Test(arguments: [#"{"public":1}"#, #"{"public":true}"#, #"{"grantedby":"Anna"}"#, #"{"public":1,"grantedby":"Anna","type":"X"}"#])
    func domItemStaysPrivateAndUngranted(body: String) async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-02-01", mode: .dom, type: "Hands")
            let data = try expectSuccess(try await client.patch(id: item.id, body, token: app.writeToken))
            #expect(data["mode"] == "dom")
            #expect(data["public"] == 0)
            #expect(data["grantedby"] == .null)
            let stored = try await app.storedItems()[0]
            #expect(!stored.isPublic && stored.grantedBy == nil)
        }
    }

    @Test func leavingDomAllowsPublicAndGrantedByAgain() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-02-01", mode: .dom)
            let data = try expectSuccess(
                try await client.patch(id: item.id, #"{"mode":"full","public":1,"grantedby":"Anna"}"#, token: app.writeToken))
            #expect(data["mode"] == "full" && data["public"] == 1 && data["grantedby"] == "Anna")
        }
    }

    @Test(arguments: ["id", "number", "inserted", "color", "user_id", "Mode"])
    func fieldThatCannotBeUpdatedIs400NamingIt(field: String) async throws {
        try await TestApp.run { app, client in
            let item = try await Self.seedFull(app)
            let error = try expectValidationError(
                try await client.patch(id: item.id, #"{"type":"New","\#(field)":1}"#, token: app.writeToken), field: field
            )
            #expect(error["message"]?.stringValue?.contains(field) == true)
            #expect(try await app.storedItems() == [item])
        }
    }

    @Test func emptyObjectIs400() async throws {
        try await TestApp.run { app, client in
            let item = try await Self.seedFull(app)
            try expectValidationError(try await client.patch(id: item.id, "{}", token: app.writeToken), field: nil)
            #expect(try await app.storedItems() == [item])
        }
    }

    @Test(arguments: [
        (#"{"date":"2026-03-11"}"#, "date"), (#"{"date":"2026-02-30"}"#, "date"), (#"{"date":"1899-12-31"}"#, "date"), (#"{"date":null}"#, "date"),
        (#"{"mode":"bogus"}"#, "mode"), (#"{"mode":null}"#, "mode"), (#"{"public":"1"}"#, "public"), (#"{"public":2}"#, "public"),
        (#"{"public":null}"#, "public"), (#"{"type":"\#(String(repeating: "x", count: 101))"}"#, "type"),
        (#"{"grantedby":"\#(String(repeating: "x", count: 51))"}"#, "grantedby"), (#"{"type":"a\u0001"}"#, "type"),
        (#"{"grantedby":7}"#, "grantedby"), (#"{"type":"ok","mode":"bogus"}"#, "mode"),
    ])
    func invalidFieldValueIs400AndChangesNothing(body: String, field: String) async throws {
        try await TestApp.run { app, client in
            let item = try await Self.seedFull(app)
            try expectValidationError(try await client.patch(id: item.id, body, token: app.writeToken), field: field)
            #expect(try await app.storedItems() == [item])
        }
    }

    @Test func dateMayBeTodayInTheOwnersZoneButNotLater() async throws {
        try await TestApp.run(timeZone: "Pacific/Kiritimati") { app, client in
            let item = try await Self.seedFull(app)
            #expect(try expectSuccess(try await client.patch(id: item.id, #"{"date":"2026-03-11"}"#, token: app.writeToken))["date"] == "2026-03-11")
            try expectValidationError(try await client.patch(id: item.id, #"{"date":"2026-03-12"}"#, token: app.writeToken), field: "date")
        }
    }

    @Test func missingIdIs400() async throws {
        try await TestApp.run { app, client in
            _ = try await Self.seedFull(app)
            try expectValidationError(try await client.send(.patch, orgasmsPath, token: app.writeToken, json: #"{"type":"x"}"#), field: "id")
        }
    }

    @Test(arguments: DetailsTests.invalidIDs)
    func idThatIsNotAPositiveIntegerIs400(id: String) async throws {
        try await TestApp.run { app, client in
            try expectValidationError(
                try await client.send(.patch, "\(orgasmsPath)?id=\(id)", token: app.writeToken, json: #"{"type":"x"}"#), field: "id")
        }
    }

    @Test func missingItemIs404() async throws {
        try await TestApp.run { app, client in
            let item = try await Self.seedFull(app)
            try expectError(try await client.patch(id: item.id + 1000, #"{"type":"x"}"#, token: app.writeToken), .notFound, "not_found")
        }
    }

    @Test func anotherUsersItemIs404AndUnchanged() async throws {
        try await TestApp.run { app, client in
            let other = try await app.makeOtherUser()
            let theirs = try await app.seed(date: "2026-02-01", mode: .full, isPublic: true, type: "Theirs", grantedBy: "G", userID: other.user.id)
            try expectError(try await client.patch(id: theirs.id, #"{"type":"Mine","mode":"dom"}"#, token: app.writeToken), .notFound, "not_found")
            #expect(try await app.storedItems(userID: other.user.id) == [theirs])
            #expect(try await app.storedItems().isEmpty)
        }
    }
}
