import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerServices
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The overview's chart and latest records, the records page and the downloads, on the selected
/// backend (the API suite runs once per backend): numbers as stored, filters by the API's rules,
/// pages, and never another user's records.
@Suite("Account pages: overview and records")
struct AccountRecordsTests {
    /// A signed-in browser of the owner.
    static func signedIn(_ app: TestApp, _ client: any TestClientProtocol) async throws -> AccountBrowser {
        try await app.setPassword()
        let browser = AccountBrowser(client)
        try await browser.signIn(app.owner.name)
        return browser
    }

    /// The rows (`<tr>…</tr>`) of the table body after `marker` in `html`, each reduced to its
    /// cells' text joined by `|`.
    static func rows(_ html: String, after marker: String) -> [String] {
        guard let start = html.range(of: marker), let body = html[start.upperBound...].range(of: "<tbody>"),
            let end = html[body.upperBound...].range(of: "</tbody>")
        else { return [] }
        return html[body.upperBound..<end.lowerBound].components(separatedBy: "</tr>").compactMap { row in
            let cells = row.replacingOccurrences(of: #"<t[hd][^>]*>"#, with: "|", options: .regularExpression)
                .replacingOccurrences(of: #"<[^>]+>"#, with: "", options: .regularExpression)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            return cells.isEmpty ? nil : String(cells.dropFirst())
        }
    }

    @Test("the chart counts the owner's records per month and mode over the twelve months up to today in their time zone, nobody else's")
    func chartNumbers() async throws {
        // 2026-03-31 20:00 UTC is 2026-04-01 05:00 in Tokyo: the twelve months are May 2025 to April 2026.
        try await TestApp.run(timeZone: "Asia/Tokyo", now: Date(timeIntervalSince1970: 1_774_987_200)) { app, client in
            let browser = try await Self.signedIn(app, client)
            for (date, mode) in [
                ("2025-04-30", Mode.full),  // a day before the twelve months (inside them by UTC's month)
                ("2025-05-01", .full), ("2025-05-31", .ruined), ("2025-05-15", .full),
                ("2025-12-24", .dom), ("2026-01-01", .ted), ("2026-01-02", .milking),
                ("2026-04-01", .ruined),  // today in Tokyo
            ] {
                try await app.seed(date: date, mode: mode)
            }
            let other = try await app.makeOtherUser()
            try await app.seed(date: "2026-01-05", mode: .full, userID: other.user.id)
            try await app.seed(date: "2026-04-01", mode: .ted, userID: other.user.id)

            let page = try await browser.get("/account/")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains(#"<svg viewBox="0 0 600 240" role="img" aria-labelledby="chart-title">"#))
            #expect(html.contains(#"<title id="chart-title">Records per month by mode, May 2025 to April 2026</title>"#))
            #expect(
                Self.rows(html, after: "<caption>")
                    == [
                        "May 2025|2|1|0|0|0|3", "June 2025|0|0|0|0|0|0", "July 2025|0|0|0|0|0|0", "August 2025|0|0|0|0|0|0",
                        "September 2025|0|0|0|0|0|0", "October 2025|0|0|0|0|0|0", "November 2025|0|0|0|0|0|0",
                        "December 2025|0|0|0|1|0|1", "January 2026|0|0|1|0|1|2", "February 2026|0|0|0|0|0|0",
                        "March 2026|0|0|0|0|0|0", "April 2026|0|1|0|0|0|1",
                    ])
            #expect(html.contains("<tfoot><tr><th scope=\"row\">Total</th><td>2</td><td>2</td><td>1</td><td>1</td><td>1</td><td>7</td></tr></tfoot>"))
            // The tallest month (May, 3) reaches the top of the plot (y = 12); one bar per month and mode.
            let rects = html.components(separatedBy: "<rect ").dropFirst().map { String($0.prefix { $0 != "/" }) }
            #expect(rects.count == 6)
            #expect(rects.filter { $0.contains(#"y="12""#) }.count == 1)
            #expect(rects.first?.hasPrefix(#"class="mode-full""#) == true)
            #expect(!html.contains("style="))
        }
    }

    @Test("the overview lists the latest 20 records in the API's order (date, then id, both descending)")
    func latestTwenty() async throws {
        try await TestApp.run { app, client in
            let browser = try await Self.signedIn(app, client)
            let seeded = try await app.seed(
                (0..<25).map { index in
                    NewOrgasm(
                        date: LocalDate(year: 2026, month: 1 + index % 3, day: 1 + index % 5)!, mode: .full, isPublic: index % 2 == 0,
                        type: "t\(index)", grantedBy: nil, inserted: Timestamp(app.clock.now())
                    )
                })
            let expected = seeded.sorted { ($0.date, $0.id) > ($1.date, $1.id) }.prefix(20).map {
                "\($0.date)|full|\($0.isPublic ? "yes" : "no")|\($0.type!)|–"
            }
            let html = try await browser.get("/account/").text
            #expect(Self.rows(html, after: "<h2>Latest records</h2>") == expected)
            let api = try await client.get("\(orgasmsPath)?limit=20", token: app.readToken)
            let apiTypes = try #require(try api.json()["data"]?["items"]).elements.compactMap { $0["type"]?.stringValue }
            #expect(apiTypes == expected.map { String($0.split(separator: "|")[3]) })
        }
    }

    @Test("the records page filters by from, to, mode and public as the API does, and shows only the owner's records")
    func filters() async throws {
        try await TestApp.run { app, client in
            let browser = try await Self.signedIn(app, client)
            try await app.seed(date: "2026-01-01", mode: .full, isPublic: true, type: "a")
            try await app.seed(date: "2026-01-10", mode: .ruined, type: "b", grantedBy: "K")
            try await app.seed(date: "2026-02-01", mode: .ruined, isPublic: true, type: "c")
            try await app.seed(date: "2026-03-01", mode: .dom, type: "d")
            let other = try await app.makeOtherUser()
            try await app.seed(date: "2026-01-15", mode: .ruined, type: "other-secret", userID: other.user.id)

            let all = try await browser.get("/account/records")
            #expect(all.status == .ok)
            #expect(
                Self.rows(all.text, after: "<h1>Records</h1>")
                    == ["2026-03-01|dom|no|d|–", "2026-02-01|ruined|yes|c|–", "2026-01-10|ruined|no|b|K", "2026-01-01|full|yes|a|–"])
            #expect(all.text.contains("<p>Records 1 to 4 of 4, page 1 of 1.</p>"))
            let ruined = try await browser.get("/account/records?from=2026-01-02&to=2026-02-28&mode=ruined&public=")
            #expect(ruined.status == .ok)
            #expect(Self.rows(ruined.text, after: "<h1>Records</h1>") == ["2026-02-01|ruined|yes|c|–", "2026-01-10|ruined|no|b|K"])
            #expect(ruined.text.contains(#"<input id="from" name="from" type="date" value="2026-01-02">"#))
            #expect(ruined.text.contains(#"<option value="ruined" selected>ruined</option>"#))
            let hidden = try await browser.get("/account/records?public=0")
            #expect(Self.rows(hidden.text, after: "<h1>Records</h1>").map { String($0.prefix(10)) } == ["2026-03-01", "2026-01-10"])
            let none = try await browser.get("/account/records?mode=milking")
            #expect(none.status == .ok)
            #expect(none.text.contains("<p>No records match these filters.</p>"))
            #expect(!none.text.contains("<table>"))
            for path in ["/account/records", "/account/records?mode=ruined", "/account/"] {
                #expect(try await !browser.get(path).text.contains("other-secret"))
            }
        }
    }

    @Test(
        "a bad filter is a 400 page with the API's message next to the form",
        arguments: ["from=2026-02-30", "public=yes", "mode=dom&public=1", "mode=edged", "from=2026-03-02&to=2026-03-01", "to=1"])
    func badFilter(query: String) async throws {
        try await TestApp.run { app, client in
            let browser = try await Self.signedIn(app, client)
            let api = try await client.get("\(orgasmsPath)?\(query)", token: app.readToken)
            let message = try #require(
                try expectError(api, .badRequest, "validation_error", field: api.json()["error"]?["field"]?.stringValue)["message"]?.stringValue)
            let page = try await browser.get("/account/records?\(query)")
            #expect(page.status == .badRequest)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(
                page.text.contains(
                    #"<form method="get" action="/account/records" class="filters">"# + "\n" + #"<p class="error" role="alert">\#(message)</p>"#),
                "\(page.text)")
            #expect(!page.text.contains("<tbody>"))
        }
    }

    @Test("pages of 50 link to the previous and next page with the same filters; a page out of range is a 400")
    func pagination() async throws {
        try await TestApp.run { app, client in
            let browser = try await Self.signedIn(app, client)
            try await app.seed(
                (0..<120).map {
                    NewOrgasm(
                        date: LocalDate(year: 2026, month: 1, day: 1 + $0 % 28)!, mode: .full, isPublic: false, type: "f\($0)", grantedBy: nil,
                        inserted: Timestamp(app.clock.now()))
                })
            try await app.seed(
                (0..<5).map {
                    NewOrgasm(
                        date: LocalDate(year: 2026, month: 2, day: 1 + $0)!, mode: .ted, isPublic: false, type: nil, grantedBy: nil,
                        inserted: Timestamp(app.clock.now()))
                })

            let first = try await browser.get("/account/records?mode=full&from=2026-01-01")
            #expect(Self.rows(first.text, after: "<h1>Records</h1>").count == 50)
            #expect(first.text.contains("<p>Records 1 to 50 of 120, page 1 of 3.</p>"))
            #expect(!first.text.contains(#"rel="prev""#))
            #expect(first.text.contains(#"<a href="/account/records?from=2026-01-01&amp;mode=full&amp;page=2" rel="next">Next page</a>"#))

            let second = try await browser.get("/account/records?from=2026-01-01&mode=full&page=2")
            #expect(second.text.contains("<p>Records 51 to 100 of 120, page 2 of 3.</p>"))
            #expect(second.text.contains(#"<a href="/account/records?from=2026-01-01&amp;mode=full&amp;page=1" rel="prev">Previous page</a>"#))
            #expect(second.text.contains(#"<a href="/account/records?from=2026-01-01&amp;mode=full&amp;page=3" rel="next">Next page</a>"#))
            let api = try await client.get("\(orgasmsPath)?from=2026-01-01&mode=full&limit=50&offset=50", token: app.readToken)
            let apiTypes = try #require(try api.json()["data"]?["items"]).elements.compactMap { $0["type"]?.stringValue }
            #expect(Self.rows(second.text, after: "<h1>Records</h1>").map { String($0.split(separator: "|")[3]) } == apiTypes)

            let third = try await browser.get("/account/records?from=2026-01-01&mode=full&page=3")
            #expect(Self.rows(third.text, after: "<h1>Records</h1>").count == 20)
            #expect(third.text.contains("<p>Records 101 to 120 of 120, page 3 of 3.</p>"))
            #expect(!third.text.contains(#"rel="next""#))

            for (page, message) in [
                ("4", "page must be an integer from 1 to 3"), ("0", "page must be an integer from 1 to 42949672"),
                ("-1", "page must be an integer from 1 to 42949672"), ("1.5", "page must be an integer from 1 to 42949672"),
                ("42949673", "page must be an integer from 1 to 42949672"), ("1&page=2", "page may be given only once"),
            ] {
                let response = try await browser.get("/account/records?mode=full&page=\(page)")
                #expect(response.status == .badRequest, "page=\(page)")
                #expect(response.text.contains(#"<p class="error" role="alert">\#(message)</p>"#), "page=\(page): \(response.text)")
            }
        }
    }

    @Test(
        "the downloads are byte for byte what export writes for the owner, as attachments never stored by the browser",
        arguments: ExportFormat.allCases)
    func downloads(format: ExportFormat) async throws {
        try await TestApp.run { app, client in
            let browser = try await Self.signedIn(app, client)
            // More than two of export's pages of 500, with text that CSV must quote or neutralise.
            try await app.seed(
                (0..<1_100).map { index in
                    NewOrgasm(
                        date: LocalDate(year: 2025, month: 1 + index % 12, day: 1 + index % 28)!, mode: Mode.allCases[index % 5],
                        isPublic: index % 3 == 0, type: index % 7 == 0 ? "=SUM(A1), \"x\"" : "t\(index)", grantedBy: index % 4 == 0 ? "K" : nil,
                        inserted: Timestamp(millisecondsSinceEpoch: 1_768_471_950_123 + Int64(index))
                    )
                })
            let other = try await app.makeOtherUser()
            try await app.seed(date: "2026-01-15", type: "other-secret", userID: other.user.id)

            var expected = ""
            try await app.admin.export(userName: app.owner.name, format: format) { expected += $0 }
            let response = try await browser.get("/account/records/export.\(format.rawValue)")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == (format == .json ? "application/json; charset=utf-8" : "text/csv; charset=utf-8"))
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"chastity-tracker-records.\(format.rawValue)\"")
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(Array(response.body.readableBytesView) == Array(expected.utf8))
            #expect(expected.utf8.count > 40_000)
            #expect(!response.text.contains("other-secret"))

            var empty = ""
            try await app.admin.export(userName: other.user.name, format: format) { _ in }
            let fresh = try await app.admin.addUser(name: TestApp.uniqueName("other"), timeZone: "UTC")
            try await app.admin.export(userName: fresh.name, format: format) { empty += $0 }
            try await app.setPassword(for: fresh.id)
            let freshBrowser = AccountBrowser(client)
            try await freshBrowser.signIn(fresh.name)
            #expect(try await freshBrowser.get("/account/records/export.\(format.rawValue)").text == empty)
        }
    }

    @Test(
        "the records page and the downloads send a visitor without a session to the sign-in page",
        arguments: ["/account/records", "/account/records?mode=full", "/account/records/export.json", "/account/records/export.csv"])
    func noSession(path: String) async throws {
        try await TestApp.run { app, client in
            try await app.seed(date: "2026-01-01", type: "private")
            let response = try await AccountBrowser(client).get(path)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/account/sign-in")
            #expect(!response.text.contains("private"))
        }
    }
}
