import ChastityTrackerDomain
import ChastityTrackerServer
import HTTPTypes
import HummingbirdTesting
import Testing

/// docs/CONTRACT.md section 5: GET list.
@Suite struct ListTests {
    /// A query string and the parameter the 400 must name.
    static let invalidQueries: [(query: String, field: String)] = [
        ("from=2026-02-30", "from"), ("from=2026-13-01", "from"), ("from=2025-02-29", "from"), ("from=2026-00-10", "from"),
        ("from=26-01-01", "from"), ("from=2026-1-1", "from"), ("from=2026/01/01", "from"), ("from=2026-01-01T00:00", "from"),
        ("from=abc", "from"), ("from=", "from"),
        ("to=2026-02-30", "to"), ("to=2026-04-31", "to"), ("to=20260101", "to"), ("to=2026-01-01%20", "to"), ("to=", "to"),
        ("from=2026-02-02&to=2026-02-01", "from"),
        ("public=2", "public"), ("public=true", "public"), ("public=", "public"), ("public=-1", "public"), ("public=01", "public"),
        ("mode=bogus", "mode"), ("mode=FULL", "mode"), ("mode=", "mode"),
        ("limit=0", "limit"), ("limit=201", "limit"), ("limit=abc", "limit"), ("limit=-1", "limit"), ("limit=1.5", "limit"),
        ("limit=", "limit"), ("limit=%205", "limit"), ("limit=1e2", "limit"), ("limit=99999999999999999999", "limit"),
        ("offset=-1", "offset"), ("offset=abc", "offset"), ("offset=1.5", "offset"), ("offset=", "offset"),
        ("mode=dom&public=1", "mode"),
        ("limit=5&limit=5", "limit"), ("offset=0&offset=1", "offset"), ("from=2026-01-01&from=2026-01-01", "from"),
        ("to=2026-01-01&to=2026-01-02", "to"), ("public=0&public=0", "public"), ("mode=full&mode=ruined", "mode"),
    ]

    @Test(arguments: invalidQueries)
    func invalidParameterIs400NamingIt(query: String, field: String) async throws {
        try await TestApp.run { app, client in
            try await app.seed(date: "2026-03-01")
            try expectValidationError(try await client.get("\(orgasmsPath)?\(query)", token: app.readToken), field: field)
        }
    }

    @Test(arguments: [
        "limit=1", "limit=200", "offset=0", "offset=1000", "public=0", "public=1", "mode=dom&public=0", "from=2026-03-01&to=2026-03-01",
    ])
    func boundaryValuesAreAccepted(query: String) async throws {
        try await TestApp.run { app, client in
            let response = try await client.get("\(orgasmsPath)?\(query)", token: app.readToken)
            #expect(response.status == .ok, "\(response.text)")
        }
    }

    @Test func unknownParametersAreIgnored() async throws {
        try await TestApp.run { app, client in
            try await app.seed(date: "2026-03-01")
            let plain = try expectSuccess(try await client.get(orgasmsPath, token: app.readToken))
            let withUnknown = try expectSuccess(try await client.get("\(orgasmsPath)?foo=bar&page=3&sort=asc&foo=baz", token: app.readToken))
            #expect(withUnknown == plain)
            #expect(plain["total"] == 1)
        }
    }

    @Test func defaultsAreLimit50AndOffset0() async throws {
        try await TestApp.run { app, client in
            let records = (1...60).map { day in
                NewOrgasm(
                    date: LocalDate(daysSinceEpoch: 20_000 + day)!, mode: .full, isPublic: false, type: nil, grantedBy: nil,
                    inserted: Timestamp(app.clock.now()))
            }
            try await app.seed(records)
            let data = try expectSuccess(try await client.get(orgasmsPath, token: app.readToken))
            #expect(data.keys == ["count", "total", "limit", "offset", "items"])
            #expect(data["limit"] == 50)
            #expect(data["offset"] == 0)
            #expect(data["count"] == 50)
            #expect(data["total"] == 60)
            #expect(data["items"]?.elements.count == 50)
            for item in data["items"]?.elements ?? [] { expectItemShape(item) }
        }
    }

    @Test func itemsAreOrderedByDateDescendingThenIdDescending() async throws {
        try await TestApp.run { app, client in
            let a = try await app.seed(date: "2026-02-01")
            let b = try await app.seed(date: "2026-03-01")
            let c = try await app.seed(date: "2026-02-01")
            let d = try await app.seed(date: "2025-12-31")
            let e = try await app.seed(date: "2026-03-01")
            let data = try expectSuccess(try await client.get(orgasmsPath, token: app.readToken))
            #expect(data["items"] == .array([e, b, c, a, d].map(itemJSON)))
        }
    }

    @Test func pageCountsItsItemsAndTotalCountsEveryMatch() async throws {
        try await TestApp.run { app, client in
            var items: [Orgasm] = []
            for day in 1...5 { items.append(try await app.seed(date: "2026-02-0\(day)")) }
            let newestFirst = Array(items.reversed())
            let data = try expectSuccess(try await client.get("\(orgasmsPath)?limit=2&offset=1", token: app.readToken))
            #expect(data["count"] == 2)
            #expect(data["total"] == 5)
            #expect(data["limit"] == 2)
            #expect(data["offset"] == 1)
            #expect(data["items"] == .array(newestFirst[1...2].map(itemJSON)))
            let last = try expectSuccess(try await client.get("\(orgasmsPath)?limit=2&offset=4", token: app.readToken))
            #expect(last["count"] == 1)
            #expect(last["items"] == [itemJSON(newestFirst[4])])
        }
    }

    @Test func offsetPastTheEndGivesNoItemsAndTheTrueTotal() async throws {
        try await TestApp.run { app, client in
            for day in 1...3 { try await app.seed(date: "2026-02-0\(day)") }
            let data = try expectSuccess(try await client.get("\(orgasmsPath)?offset=10", token: app.readToken))
            #expect(data == ["count": 0, "total": 3, "limit": 50, "offset": 10, "items": []])
        }
    }

    @Test func fromAndToAreInclusive() async throws {
        try await TestApp.run { app, client in
            let jan1 = try await app.seed(date: "2026-01-01")
            let jan2 = try await app.seed(date: "2026-01-02")
            let jan3 = try await app.seed(date: "2026-01-03")
            let jan4 = try await app.seed(date: "2026-01-04")
            let range = try expectSuccess(try await client.get("\(orgasmsPath)?from=2026-01-02&to=2026-01-03", token: app.readToken))
            #expect(range["items"] == .array([jan3, jan2].map(itemJSON)))
            #expect(range["total"] == 2)
            let oneDay = try expectSuccess(try await client.get("\(orgasmsPath)?from=2026-01-04&to=2026-01-04", token: app.readToken))
            #expect(oneDay["items"] == [itemJSON(jan4)])
            let fromOnly = try expectSuccess(try await client.get("\(orgasmsPath)?from=2026-01-03", token: app.readToken))
            #expect(fromOnly["items"] == .array([jan4, jan3].map(itemJSON)))
            let toOnly = try expectSuccess(try await client.get("\(orgasmsPath)?to=2026-01-01", token: app.readToken))
            #expect(toOnly["items"] == [itemJSON(jan1)])
        }
    }

    @Test func filtersByPublicAndByMode() async throws {
        try await TestApp.run { app, client in
            let publicFull = try await app.seed(date: "2026-01-01", mode: .full, isPublic: true)
            let privateFull = try await app.seed(date: "2026-01-02", mode: .full, isPublic: false)
            let publicRuined = try await app.seed(date: "2026-01-03", mode: .ruined, isPublic: true)
            let dom = try await app.seed(date: "2026-01-04", mode: .dom)
            let expectations: [(String, [Orgasm])] = [
                ("public=1", [publicRuined, publicFull]),
                ("public=0", [dom, privateFull]),
                ("mode=full", [privateFull, publicFull]),
                ("mode=ruined", [publicRuined]),
                ("mode=milking", []),
                ("mode=dom", [dom]),
                ("mode=dom&public=0", [dom]),
                ("mode=full&public=1", [publicFull]),
                ("mode=full&public=0&from=2026-01-02&to=2026-01-04", [privateFull]),
            ]
            for (query, items) in expectations {
                let data = try expectSuccess(try await client.get("\(orgasmsPath)?\(query)", token: app.readToken))
                #expect(data["items"] == .array(items.map(itemJSON)), "\(query)")
                #expect(data["total"] == .int(Int64(items.count)), "\(query)")
            }
        }
    }

    @Test func listNeverShowsAnotherUsersItems() async throws {
        try await TestApp.run { app, client in
            let other = try await app.makeOtherUser()
            try await app.seed(date: "2026-01-01", userID: other.user.id)
            let mine = try await app.seed(date: "2026-01-02")
            let data = try expectSuccess(try await client.get(orgasmsPath, token: app.readToken))
            #expect(data == ["count": 1, "total": 1, "limit": 50, "offset": 0, "items": [itemJSON(mine)]])
        }
    }
}
