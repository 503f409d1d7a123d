import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// docs/CONTRACT.md section 7: POST insert, the field rules.
@Suite struct InsertTests {
    static let minimal = #"{"date":"2026-03-01","mode":"full"}"#

    /// `{"date":"2026-03-01","mode":"full", <extra>}`.
    static func body(_ extra: String) -> String {
        #"{"date":"2026-03-01","mode":"full","# + extra + "}"
    }

    /// A JSON string literal of `text`.
    static func literal(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }

    @Test func singleObjectIs201WithCountItemsAndLocation() async throws {
        try await TestApp.run { app, client in
            let response = try await client.post(Self.minimal, token: app.writeToken)
            let data = try expectSuccess(response, .created)
            #expect(data.keys == ["count", "items"])
            #expect(data["count"] == 1)
            let item = try #require(data["items"]?[0])
            expectItemShape(item)
            let stored = try await app.storedItems()
            #expect(stored.count == 1)
            #expect(data["items"] == .array(stored.map(itemJSON)))
            #expect(
                item == [
                    "id": .int(stored[0].id), "date": "2026-03-01", "mode": "full", "public": 0, "type": .null, "grantedby": .null,
                    "inserted": "2026-03-10 12:00:00.000",
                ])
            #expect(response.headers[.location] == "/api/v2/orgasms.php?id=\(stored[0].id)")
        }
    }

    @Test func insertedIsTheUTCInstantWithMilliseconds() async throws {
        try await TestApp.run(timeZone: "Pacific/Kiritimati", now: TestApp.defaultNow.addingTimeInterval(3_723.25)) { app, client in
            let data = try expectSuccess(try await client.post(Self.minimal, token: app.writeToken), .created)
            #expect(data["items"]?[0]?["inserted"] == "2026-03-10 13:02:03.250")
        }
    }

    @Test func locationPointsAtTheCreatedItem() async throws {
        try await TestApp.run { app, client in
            let response = try await client.post(Self.body(#""type":"Stroke""#), token: app.writeToken)
            let created = try expectSuccess(response, .created)["items"]?[0]
            let location = try #require(response.headers[.location])
            #expect(try expectSuccess(try await client.get(location, token: app.readToken)) == created)
        }
    }

    @Test func arrayOfOneIs201WithLocation() async throws {
        try await TestApp.run { app, client in
            let response = try await client.post("[\(Self.minimal)]", token: app.writeToken)
            let data = try expectSuccess(response, .created)
            #expect(data["count"] == 1)
            let id = try #require(data["items"]?[0]?["id"]?.intValue)
            #expect(response.headers[.location] == "/api/v2/orgasms.php?id=\(id)")
        }
    }

    @Test func arrayOf50IsInsertedInOrderWithoutLocation() async throws {
        try await TestApp.run { app, client in
            let dates = (0..<50).map { LocalDate(daysSinceEpoch: 20_000 + $0 * 7 % 50)!.description }
            let body = "[" + dates.map { #"{"date":"\#($0)","mode":"ruined"}"# }.joined(separator: ",") + "]"
            let response = try await client.post(body, token: app.writeToken)
            let data = try expectSuccess(response, .created)
            #expect(data["count"] == 50)
            let items = data["items"]?.elements ?? []
            #expect(items.compactMap { $0["date"]?.stringValue } == dates)
            let ids = items.compactMap { $0["id"]?.intValue }
            #expect(ids == ids.sorted() && Set(ids).count == 50)
            #expect(response.headers[.location] == nil)
            #expect(try await app.storedItems().map(itemJSON) == items)
        }
    }

    @Test(arguments: [0, 51])
    func arrayOutside1To50Is400AndWritesNothing(count: Int) async throws {
        try await TestApp.run { app, client in
            let body = "[" + Array(repeating: Self.minimal, count: count).joined(separator: ",") + "]"
            try expectValidationError(try await client.post(body, token: app.writeToken), field: nil)
            #expect(try await app.storedItems().isEmpty)
        }
    }

    @Test func arrayWithOneBadElementIs400AndWritesNothing() async throws {
        try await TestApp.run { app, client in
            let body = "[\(Self.minimal),\(Self.minimal),{\"date\":\"2026-03-01\",\"mode\":\"bogus\"},\(Self.minimal)]"
            let error = try expectValidationError(try await client.post(body, token: app.writeToken), field: "mode")
            #expect(error["message"]?.stringValue?.contains("2") == true)
            #expect(try await app.storedItems().isEmpty)
        }
    }

    @Test(arguments: [1, 2, 50])
    func numberInsertsThatManyIdenticalItems(number: Int) async throws {
        try await TestApp.run { app, client in
            let response = try await client.post(Self.body(#""number":\#(number),"type":"Stroke","public":1"#), token: app.writeToken)
            let data = try expectSuccess(response, .created)
            #expect(data["count"] == .int(Int64(number)))
            let items = data["items"]?.elements ?? []
            #expect(items.count == number)
            #expect(Set(items.compactMap { $0["id"]?.intValue }).count == number)
            for item in items {
                #expect(item["date"] == "2026-03-01" && item["mode"] == "full" && item["public"] == 1 && item["type"] == "Stroke")
            }
            #expect(try await app.storedItems().count == number)
            #expect((response.headers[.location] != nil) == (number == 1))
        }
    }

    @Test(arguments: ["0", "51", "-1", "1.5", "\"2\"", "true", "null", "[]", "100000000000000000000"])
    func numberOutside1To50OrNotAnIntegerIs400(number: String) async throws {
        try await TestApp.run { app, client in
            try expectValidationError(try await client.post(Self.body(#""number":\#(number)"#), token: app.writeToken), field: "number")
            #expect(try await app.storedItems().isEmpty)
        }
    }

    @Test func domForcesPublic0AndClearsGrantedBy() async throws {
        try await TestApp.run { app, client in
            let body = #"{"date":"2026-03-01","mode":"dom","public":1,"grantedby":"Mistress","type":"Hands"}"#
            let data = try expectSuccess(try await client.post(body, token: app.writeToken), .created)
            let item = try #require(data["items"]?[0])
            #expect(item["mode"] == "dom")
            #expect(item["public"] == 0)
            #expect(item["grantedby"] == .null)
            #expect(item["type"] == "Hands")
            let stored = try await app.storedItems()
            #expect(stored.count == 1 && !stored[0].isPublic && stored[0].grantedBy == nil)
        }
    }

    @Test(arguments: [("0", 0), ("1", 1), ("true", 1), ("false", 0)] as [(String, Int64)])
    func publicAcceptsZeroOneTrueAndFalse(value: String, expected: Int64) async throws {
        try await TestApp.run { app, client in
            let data = try expectSuccess(try await client.post(Self.body(#""public":\#(value)"#), token: app.writeToken), .created)
            #expect(data["items"]?[0]?["public"] == .int(expected))
        }
    }

    @Test(arguments: [#""1""#, "2", "-1", "null", #""true""#, "0.5", "[]"])
    func invalidPublicIs400(value: String) async throws {
        try await TestApp.run { app, client in
            try expectValidationError(try await client.post(Self.body(#""public":\#(value)"#), token: app.writeToken), field: "public")
            #expect(try await app.storedItems().isEmpty)
        }
    }

    /// A field, a length that is accepted and the length one above it.
    @Test(arguments: [("type", 100), ("grantedby", 50)])
    func textFieldAcceptsItsMaximumLengthAndRefusesOneMore(field: String, maximum: Int) async throws {
        try await TestApp.run { app, client in
            for text in [String(repeating: "x", count: maximum), String(repeating: "ä", count: maximum), String(repeating: "🍆", count: maximum)] {
                let data = try expectSuccess(
                    try await client.post(Self.body(#""\#(field)":\#(Self.literal(text))"#), token: app.writeToken), .created)
                #expect(data["items"]?[0]?[field] == .string(text))
            }
            let padded = "  " + String(repeating: "y", count: maximum) + "  "
            let trimmed = try expectSuccess(
                try await client.post(Self.body(#""\#(field)":\#(Self.literal(padded))"#), token: app.writeToken), .created)
            #expect(trimmed["items"]?[0]?[field] == .string(String(repeating: "y", count: maximum)))
            let stored = try await app.storedItems().count
            for text in [String(repeating: "x", count: maximum + 1), String(repeating: "ä", count: maximum + 1)] {
                try expectValidationError(
                    try await client.post(Self.body(#""\#(field)":\#(Self.literal(text))"#), token: app.writeToken), field: field)
            }
            #expect(try await app.storedItems().count == stored)
        }
    }

    @Test(arguments: ["type", "grantedby"])
    func textFieldIsTrimmedAndEmptyMeansNull(field: String) async throws {
        try await TestApp.run { app, client in
            let cases: [(String, JSON)] = [
                (#""  Anna Bell  ""#, "Anna Bell"), (#""\u00a0Anna\u3000""#, "Anna"), (#""""#, .null), (#""   ""#, .null), ("null", .null),
            ]
            for (value, expected) in cases {
                let data = try expectSuccess(try await client.post(Self.body(#""\#(field)":\#(value)"#), token: app.writeToken), .created)
                #expect(data["items"]?[0]?[field] == expected, "\(value)")
            }
        }
    }

    @Test(
        arguments: ["type", "grantedby"],
        [#""a\u0000b""#, #""bell\u0007""#, #""line\nbreak""#, #""tab\there""#, #""\u001b[31mred""#, #""del\u007f""#, #""end\n""#])
    func controlCharactersAreRejected(field: String, value: String) async throws {
        try await TestApp.run { app, client in
            try expectValidationError(try await client.post(Self.body(#""\#(field)":\#(value)"#), token: app.writeToken), field: field)
            #expect(try await app.storedItems().isEmpty)
        }
    }

    @Test(arguments: ["type", "grantedby"], ["1", "true", "[]", "{}"])
    func nonStringTextFieldIs400(field: String, value: String) async throws {
        try await TestApp.run { app, client in
            try expectValidationError(try await client.post(Self.body(#""\#(field)":\#(value)"#), token: app.writeToken), field: field)
        }
    }

    @Test(arguments: ["color", "id", "inserted", "Date", "grantedBy", "user_id"])
    func unknownFieldIs400NamingIt(field: String) async throws {
        try await TestApp.run { app, client in
            let error = try expectValidationError(try await client.post(Self.body(#""\#(field)":"x""#), token: app.writeToken), field: field)
            #expect(error["message"]?.stringValue?.contains(field) == true)
            #expect(try await app.storedItems().isEmpty)
        }
    }

    @Test(arguments: [(#"{"mode":"full"}"#, "date"), (#"{"date":"2026-03-01"}"#, "mode"), ("{}", "date"), (#"{"public":1}"#, "date")])
    func missingRequiredFieldIs400NamingIt(body: String, field: String) async throws {
        try await TestApp.run { app, client in
            try expectValidationError(try await client.post(body, token: app.writeToken), field: field)
        }
    }

    @Test(arguments: [#""2026-02-30""#, #""2026-2-1""#, #""01.03.2026""#, #""2026-03-01T00:00:00Z""#, #""""#, "20260301", "null", "true"])
    func invalidDateIs400(date: String) async throws {
        try await TestApp.run { app, client in
            try expectValidationError(try await client.post(#"{"date":\#(date),"mode":"full"}"#, token: app.writeToken), field: "date")
        }
    }

    @Test(arguments: [#""bogus""#, #""FULL""#, #""""#, "1", "null"])
    func invalidModeIs400(mode: String) async throws {
        try await TestApp.run { app, client in
            try expectValidationError(try await client.post(#"{"date":"2026-03-01","mode":\#(mode)}"#, token: app.writeToken), field: "mode")
        }
    }

    @Test(arguments: Mode.allCases)
    func everyModeIsAccepted(mode: Mode) async throws {
        try await TestApp.run { app, client in
            let data = try expectSuccess(try await client.post(#"{"date":"2026-03-01","mode":"\#(mode.rawValue)"}"#, token: app.writeToken), .created)
            #expect(data["items"]?[0]?["mode"] == .string(mode.rawValue))
        }
    }

    @Test func defaultEarliestDateIs1900January1() async throws {
        try await TestApp.run { app, client in
            #expect(try await client.post(#"{"date":"1900-01-01","mode":"full"}"#, token: app.writeToken).status == .created)
            try expectValidationError(try await client.post(#"{"date":"1899-12-31","mode":"full"}"#, token: app.writeToken), field: "date")
            #expect(try await app.storedItems().map(\.date.description) == ["1900-01-01"])
        }
    }

    @Test func configuredEarliestDateIsEnforced() async throws {
        let configuration = Configuration(earliestDate: LocalDate(year: 2020, month: 1, day: 1)!)
        try await TestApp.run(configuration: configuration) { app, client in
            #expect(try await client.post(#"{"date":"2020-01-01","mode":"full"}"#, token: app.writeToken).status == .created)
            try expectValidationError(try await client.post(#"{"date":"2019-12-31","mode":"full"}"#, token: app.writeToken), field: "date")
            try expectValidationError(try await client.post(#"{"date":"1900-01-01","mode":"full"}"#, token: app.writeToken), field: "date")
        }
    }

    /// A zone, the UTC instant, the owner's today there (accepted) and the day after (refused).
    static let todayCases: [(zone: String, now: Date, today: String, tomorrow: String)] = [
        ("UTC", TestApp.defaultNow, "2026-03-10", "2026-03-11"),
        // 12:00 UTC is 02:00 the next day at UTC+14: the owner's today is ahead of UTC's.
        ("Pacific/Kiritimati", TestApp.defaultNow, "2026-03-11", "2026-03-12"),
        // 05:00 UTC is 18:00 the day before at UTC-11: UTC's today is still the future there.
        ("Pacific/Pago_Pago", TestApp.defaultNow.addingTimeInterval(-7 * 3600), "2026-03-09", "2026-03-10"),
    ]

    @Test(arguments: todayCases)
    func dateMayBeTodayButNotTomorrowInTheOwnersZone(zone: String, now: Date, today: String, tomorrow: String) async throws {
        try await TestApp.run(timeZone: zone, now: now) { app, client in
            let created = try expectSuccess(try await client.post(#"{"date":"\#(today)","mode":"full"}"#, token: app.writeToken), .created)
            #expect(created["items"]?[0]?["date"] == .string(today))
            try expectValidationError(try await client.post(#"{"date":"\#(tomorrow)","mode":"full"}"#, token: app.writeToken), field: "date")
            #expect(try await app.storedItems().count == 1)
        }
    }

    @Test func todayFollowsTheInjectedClock() async throws {
        try await TestApp.run { app, client in
            try expectValidationError(try await client.post(#"{"date":"2026-03-11","mode":"full"}"#, token: app.writeToken), field: "date")
            app.clock.advance(by: 12 * 3600)
            #expect(try await client.post(#"{"date":"2026-03-11","mode":"full"}"#, token: app.writeToken).status == .created)
        }
    }
}
