import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The webhooks page: adding (the secret shown once), refusing private and malformed targets,
/// sending a test, redelivering, removing, the last delivery shown, and one user never reaching
/// another's webhooks (docs/CONTRACT.md section 14). Deliveries themselves are
/// WebhookDeliveryTests' (the apps here run without the delivery service).
// Serialized: on PostgreSQL the suite's apps share one database, and a test claims the messages
// it looks at.
@Suite("Account pages: webhooks", .serialized)
struct AccountWebhooksTests {
    static let url = "https://8.8.8.8/hook?a=1&b=2"

    @Test("adding a webhook shows its whsec_ secret once, keeps it to sign with, and lists the URL escaped")
    func addShowsTheSecretOnce() async throws {
        try await TestApp.run { app, client in
            let browser = try await AccountTokensTests.signedIn(app, client)
            let empty = try await browser.get("/account/webhooks")
            #expect(empty.status == .ok)
            #expect(empty.text.contains("<p>You have no webhooks yet.</p>"))
            let added = try await browser.post("/account/webhooks", [("url", Self.url)])
            #expect(added.status == .created)
            #expect(added.text.contains("it will not be shown again"))
            let secret = try #require(
                added.text.components(separatedBy: #"<code id="new-secret">"#).dropFirst().first?.components(separatedBy: "</code>").first)
            #expect(WebhookSecret(secret) != nil)
            #expect(added.text.contains("<td data-label=\"URL\"><code>https://8.8.8.8/hook?a=1&amp;b=2</code></td>"))
            #expect(added.text.contains("<td data-label=\"Last delivery\" class=\"delivery\">\n\nnone yet\n</td>"))
            let stored = try #require(try await app.store.webhooks(userID: app.owner.id).first)
            #expect(stored.url == Self.url)
            let again = try await browser.get("/account/webhooks")
            #expect(!again.text.contains(secret))
            #expect(!again.text.contains(#"id="new-secret""#))
        }
    }

    @Test(
        "the add form refuses plain http, private and loopback targets and malformed URLs with 400 and the reason, adding nothing",
        arguments: [
            ("http://8.8.8.8/hook", "The URL must start with https://."),
            ("https://127.0.0.1/hook", "127.0.0.1 is a loopback address; a webhook must reach a public address."),
            ("https://localhost/hook", "The URL names this server (localhost); a webhook must reach a public host."),
            (
                "https://169.254.169.254/latest",
                "169.254.169.254 is a link-local address (where cloud metadata services answer); a webhook must reach a public address."
            ),
            ("https://[::ffff:10.1.2.3]/", "10.1.2.3 is a private address (RFC 1918); a webhook must reach a public address."),
        ])
    func addRefusesPrivateTargets(url: String, reason: String) async throws {
        try await TestApp.run { app, client in
            let browser = try await AccountTokensTests.signedIn(app, client)
            try await browser.get("/account/webhooks")
            let refused = try await browser.post("/account/webhooks", [("url", url)])
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains(#"<p class="error" role="alert">\#(reason)</p>"#), "\(refused.text)")
            #expect(!refused.text.contains(#"id="new-secret""#))
            #expect(try await app.store.webhooks(userID: app.owner.id).isEmpty)
        }
    }

    @Test("Send test queues a message for the webhook; Remove removes it; both answer 303 to the page")
    func testAndRemove() async throws {
        try await TestApp.run { app, client in
            let browser = try await AccountTokensTests.signedIn(app, client)
            try await browser.get("/account/webhooks")
            try await browser.post("/account/webhooks", [("url", Self.url)])
            let webhook = try #require(try await app.store.webhooks(userID: app.owner.id).first)
            let test = try await browser.post("/account/webhooks/test", [("id", "\(webhook.id)")])
            #expect(test.status == .seeOther)
            #expect(test.headers[.location] == "/account/webhooks")
            let claimed = try await app.store.claimWebhookMessages(now: Timestamp(Date()), lease: .seconds(30), limit: 100)
            #expect(claimed.contains { $0.webhookID == webhook.id && $0.body.contains(#""type":"webhook.test""#) })
            let removed = try await browser.post("/account/webhooks/remove", [("id", "\(webhook.id)")])
            #expect(removed.status == .seeOther)
            #expect(try await app.store.webhook(id: webhook.id) == nil)
        }
    }

    @Test("the page shows the last delivery and a disabled webhook's reason, and offers to enable and redeliver it")
    func lastDeliveryShown() async throws {
        try await TestApp.run { app, client in
            let browser = try await AccountTokensTests.signedIn(app, client)
            try await browser.get("/account/webhooks")
            try await browser.post("/account/webhooks", [("url", Self.url)])
            let webhook = try #require(try await app.store.webhooks(userID: app.owner.id).first)
            try await browser.post("/account/webhooks/test", [("id", "\(webhook.id)")])
            let now = Timestamp(Date())
            let claim = try #require(
                try await app.store.claimWebhookMessages(now: now, lease: .seconds(30), limit: 100).first { $0.webhookID == webhook.id })
            try await app.store.finishWebhookAttempt(
                claim, outcome: .disable(status: 410, error: "the receiver answered 410", reason: "the receiver answered 410 Gone"), at: now)
            let page = try await browser.get("/account/webhooks")
            let minutes = String(now.description.prefix(16))
            #expect(page.text.contains(#"<p class="error">Disabled \#(minutes): the receiver answered 410 Gone</p>"#))
            #expect(page.text.contains("\(minutes) UTC: failed: the receiver answered 410"))
            #expect(page.text.contains(">Enable and redeliver</button>"))
            #expect(!page.text.contains(#"action="/account/webhooks/test""#))
            let redelivered = try await browser.post("/account/webhooks/redeliver", [("id", "\(webhook.id)")])
            #expect(redelivered.status == .seeOther)
            #expect(try await app.store.webhook(id: webhook.id)?.disabled == nil)
        }
    }

    @Test("another user's webhook ids are answered exactly like missing ones, and their webhooks are untouched")
    func otherUsersWebhooksAreUnreachable() async throws {
        try await TestApp.run { app, client in
            let (other, _) = try await app.makeOtherUser()
            let theirs = try await app.store.addWebhook(userID: other.id, url: Self.url, secret: .generate(), at: Timestamp(Date()), limit: 10)
            let browser = try await AccountTokensTests.signedIn(app, client)
            let page = try await browser.get("/account/webhooks")
            #expect(!page.text.contains("8.8.8.8"))
            let missingID = theirs.id + 1_000_000
            for path in ["/account/webhooks/test", "/account/webhooks/redeliver", "/account/webhooks/remove"] {
                let foreign = try await browser.post(path, [("id", "\(theirs.id)")])
                let missing = try await browser.post(path, [("id", "\(missingID)")])
                #expect(foreign.status == .notFound)
                #expect(missing.status == .notFound)
                #expect(foreign.text == missing.text)
                #expect(foreign.text.contains("No such webhook"))
            }
            #expect(try await app.store.webhook(id: theirs.id) == theirs)
            let queued = try await app.store.claimWebhookMessages(now: Timestamp(Date()), lease: .seconds(30), limit: 1000)
            #expect(!queued.contains { $0.webhookID == theirs.id })
        }
    }
}
