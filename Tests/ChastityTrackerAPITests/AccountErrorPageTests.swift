import ChastityTrackerDomain
import ChastityTrackerServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// What the account pages answer when something fails below them: the API's status as a short
/// HTML page with the pages' headers, never the API's JSON envelope (docs/CONTRACT.md section 12).
@Suite("Account pages: failures")
struct AccountErrorPageTests {
    @Test("a database outage on a signed-in page answers 503 as an HTML page that names no cause")
    func outageIsAnHTMLPage() async throws {
        try await TestApp.run(backend: FaultyStore.backend()) { app, client in
            let store = try #require(app.store as? FaultyStore)
            let browser = try await AccountTokensTests.signedIn(app, client)
            store.fail(with: StoreError.unavailable)
            let page = try await browser.get("/account/tokens")
            #expect(page.status == .serviceUnavailable)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true)
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.text.contains("<h1>Unavailable for a moment</h1>"), "\(page.text)")
            #expect(page.text.contains("The service cannot answer right now. Please try again in a moment."))
            #expect(!page.text.contains("database"))
            #expect(!page.text.contains(#""ok":false"#))
        }
    }

    @Test("an unknown page under /account/ answers 404 as an HTML page")
    func unknownPageIsAnHTMLPage() async throws {
        try await TestApp.run { _, client in
            let page = try await client.execute(uri: "/account/no-such-page", method: .get)
            #expect(page.status == .notFound)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(page.text.contains("<h1>No such page</h1>"), "\(page.text)")
            #expect(!page.text.contains(#""ok":false"#))
        }
    }

    @Test("the API keeps its enveloped 404 next to the pages' HTML one")
    func apiKeepsTheEnvelope() async throws {
        try await TestApp.run { _, client in
            let response = try await client.execute(uri: "/api/v2/no-such-thing", method: .get)
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.text.contains(#""ok":false"#))
        }
    }
}
