import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// A real pooled hasher that counts the checks it runs: how the tests see how many full password
/// checks an attack got.
final class CountingPasswordHasher: PasswordHasher {
    private let base: PooledPasswordHasher
    private let verified = Atomic<Int>(0)

    init(threads: Int = 1, queue: Int? = nil) {
        base = PooledPasswordHasher(threads: threads, queue: queue)
    }

    /// How many checks ran (a refused one does not count).
    var verifications: Int { verified.load(ordering: .relaxed) }

    func verify(_ password: String, against stored: String) async throws -> Bool {
        let result = try await base.verify(password, against: stored)
        verified.add(1, ordering: .relaxed)
        return result
    }

    func hash(_ password: String, parameters: Password.Parameters) async throws -> String {
        try await base.hash(password, parameters: parameters)
    }
}

/// The account pages under attack (docs/CONTRACT.md section 12, "Under attack"; issue 18):
/// guesses counted before they are checked, the owner's device cookie, forwarded headers only
/// from trusted proxies, the hasher's bound, the failure budget, the per-address request limit,
/// and unknown session cookies that cost no write.
@Suite("Account pages: under attack")
struct AccountUnderAttackTests {
    static func settings(_ hasher: any PasswordHasher, requestsPerMinute: Int = 300) -> AccountSettings {
        var settings = AccountSettings.forTests
        settings.passwordHasher = hasher
        settings.requestsPerMinute = requestsPerMinute
        return settings
    }

    /// A browser that has loaded the sign-in form (it holds its pre-session cookie).
    static func browserOnForm(_ client: any TestClientProtocol, headers: HTTPFields = [:]) async throws -> AccountBrowser {
        let browser = AccountBrowser(client)
        try await browser.get("/account/sign-in", headers: headers)
        return browser
    }

    @Test("16 parallel wrong guesses at one name run at most 10 full checks; the others answer 429 unchecked")
    func parallelGuessesAreCountedBeforeTheyAreChecked() async throws {
        let hasher = CountingPasswordHasher()
        try await TestApp.run(account: Self.settings(hasher)) { app, client in
            // A check of real cost (about 100 ms), so that the 16 overlap: counted only after its
            // check, as before the fix, every one of them would run.
            #expect(try await app.store.setPasswordHash(userID: app.owner.id, hash: try Password.hash(TestApp.password)))
            var browsers: [AccountBrowser] = []
            for _ in 0..<16 { browsers.append(try await Self.browserOnForm(client)) }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for browser in browsers {
                    group.addTask {
                        try await browser.post("/account/sign-in", [("name", app.owner.name), ("password", "wrong password!")]).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            let checked = statuses.filter { $0 == .unauthorized }.count
            #expect(statuses.count == 16)
            #expect(checked + statuses.filter { $0 == .tooManyRequests }.count == 16)
            #expect(checked <= 10)
            #expect(checked == SignInThrottle.account.freeFailures)
            #expect(hasher.verifications == checked)
            #expect(try await app.store.signInFailures(account: app.owner.name)?.count == checked)
        }
    }

    @Test("after 50 wrong guesses from other addresses, the owner's browser signs in with its device cookie; a fresh browser is throttled")
    func strangersCannotLockTheOwnerOut() async throws {
        var configuration = Configuration(port: 0, behindProxy: true)
        configuration.signInFailuresPerMinute = 0
        try await TestApp.run(configuration: configuration, account: Self.settings(CountingPasswordHasher()), testing: .live) { app, client in
            try await app.setPassword()
            let owner = AccountBrowser(client)
            #expect(try await owner.signIn(app.owner.name, headers: [.xForwardedFor: "198.51.100.7"]).status == .seeOther)
            let device = try #require(owner.cookies["__Host-ct_device"])
            try await owner.get("/account/")
            #expect(try await owner.post("/account/sign-out").status == .seeOther)
            #expect(owner.cookies["__Host-ct_device"] == device)

            var answers: [HTTPResponse.Status: Int] = [:]
            for guess in 0..<50 {
                let stranger = try await Self.browserOnForm(client)
                let address: HTTPFields = [.xForwardedFor: "203.0.\(guess / 200).\(guess % 200 + 1)"]
                let response = try await stranger.post(
                    "/account/sign-in", [("name", app.owner.name), ("password", "guess \(guess)")], headers: address)
                answers[response.status, default: 0] += 1
            }
            #expect(answers[.unauthorized, default: 0] + answers[.tooManyRequests, default: 0] == 50)
            #expect(answers[.tooManyRequests, default: 0] >= 40)

            let fresh = try await Self.browserOnForm(client)
            let refused = try await fresh.post(
                "/account/sign-in", [("name", app.owner.name), ("password", TestApp.password)], headers: [.xForwardedFor: "198.51.100.8"])
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] != nil)

            let signedIn = try await owner.signIn(app.owner.name, headers: [.xForwardedFor: "198.51.100.7"])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/account/")
            #expect(try await owner.get("/account/tokens").status == .ok)
            // A device cookie for another account, or a forged one, counts for nothing.
            let other = try await app.makeOtherUser()
            try await app.setPassword(for: other.user.id)
            let elsewhere = AccountBrowser(client)
            #expect(try await elsewhere.signIn(other.user.name, headers: [.xForwardedFor: "198.51.100.9"]).status == .seeOther)
            let otherDevice = try #require(elsewhere.cookies["__Host-ct_device"])
            let parts = device.split(separator: ".").map(String.init)
            let middle = parts[2].index(parts[2].startIndex, offsetBy: 20)
            let forgedMAC = parts[2].replacingCharacters(in: middle...middle, with: parts[2][middle] == "A" ? "B" : "A")
            for cookie in [otherDevice, [parts[0], parts[1], forgedMAC].joined(separator: ".")] {
                let forger = try await Self.browserOnForm(client)
                forger.set("__Host-ct_device", cookie)
                let refused = try await forger.post(
                    "/account/sign-in", [("name", app.owner.name), ("password", TestApp.password)], headers: [.xForwardedFor: "198.51.100.10"])
                #expect(refused.status == .tooManyRequests)
            }
        }
    }

    @Test("a wrong password from the owner's browser counts on its own device counter, not the account's")
    func deviceFailuresCountApart() async throws {
        try await TestApp.run(account: Self.settings(CountingPasswordHasher())) { app, client in
            try await app.setPassword()
            let owner = AccountBrowser(client)
            #expect(try await owner.signIn(app.owner.name).status == .seeOther)
            try await owner.get("/account/")
            #expect(try await owner.post("/account/sign-out").status == .seeOther)
            #expect(try await owner.signIn(app.owner.name, "wrong password!").status == .unauthorized)
            #expect(try await app.store.signInFailures(account: app.owner.name) == nil)
            let device = try #require(owner.deviceCounter(for: app.owner.name))
            #expect(try await app.store.signInFailures(account: device)?.count == 1)
            // Signing in clears the device's count.
            #expect(try await owner.signIn(app.owner.name).status == .seeOther)
            #expect(try await app.store.signInFailures(account: device) == nil)
        }
    }

    @Test("behind a proxy, a peer that is no trusted proxy is plain HTTP: 403 https_required whatever its X-Forwarded-Proto says")
    func forwardedHeadersOfUntrustedPeersAreIgnored() async throws {
        var untrusted = Configuration(port: 0, behindProxy: true)
        untrusted.trustedProxies = [IPNetwork("192.0.2.0/24")!]
        try await TestApp.run(configuration: untrusted, account: Self.settings(CountingPasswordHasher()), testing: .live) { app, client in
            var headers = HTTPFields.bearer(app.readToken)
            headers[.xForwardedProto] = "https"
            let api = try await client.execute(uri: orgasmsPath, method: .get, headers: headers, body: nil)
            try expectError(api, .forbidden, "https_required")
            let page = try await client.execute(uri: "/account/sign-in", method: .get, headers: [.xForwardedProto: "https"], body: nil)
            #expect(page.status == .forbidden)
        }
        // The same requests from a trusted proxy (loopback, the default) are served.
        try await TestApp.run(
            configuration: Configuration(port: 0, behindProxy: true), account: Self.settings(CountingPasswordHasher()), testing: .live
        ) {
            app, client in
            var headers = HTTPFields.bearer(app.readToken)
            headers[.xForwardedProto] = "https"
            #expect(try await client.execute(uri: orgasmsPath, method: .get, headers: headers, body: nil).status == .ok)
            #expect(try await client.execute(uri: "/account/sign-in", method: .get, headers: [.xForwardedProto: "https"], body: nil).status == .ok)
            var plain = headers
            plain[.xForwardedProto] = "http"
            try expectError(try await client.execute(uri: orgasmsPath, method: .get, headers: plain, body: nil), .forbidden, "https_required")
        }
    }

    /// Eleven wrong sign-ins, each at another name that has no account, from the addresses given.
    static func failedSignIns(_ client: any TestClientProtocol, from addresses: [String]) async throws -> [HTTPResponse.Status] {
        var statuses: [HTTPResponse.Status] = []
        for address in addresses {
            let browser = try await browserOnForm(client)
            let response = try await browser.post(
                "/account/sign-in", [("name", TestApp.uniqueName("nobody")), ("password", "wrong password!")], headers: [.xForwardedFor: address])
            statuses.append(response.status)
        }
        return statuses
    }

    @Test("addresses are throttled as IPv4 /32 and IPv6 /64, from X-Forwarded-For of a trusted proxy only")
    func addressesAreThrottledByBlock() async throws {
        let free = SignInThrottle.address.freeFailures
        try await TestApp.run(
            configuration: Configuration(port: 0, behindProxy: true), account: Self.settings(CountingPasswordHasher()), testing: .live
        ) {
            _, client in
            // Eleven IPv6 addresses in one /64 are one client: the last is throttled.
            let sameBlock = try await Self.failedSignIns(client, from: (1...free + 1).map { "2001:db8:1:2::\(String($0, radix: 16))" })
            #expect(sameBlock == Array(repeating: .unauthorized, count: free) + [.tooManyRequests])
            // Eleven /64s, or eleven IPv4 addresses, are eleven clients.
            let blocks = try await Self.failedSignIns(client, from: (1...free + 1).map { "2001:db8:2:\(String($0, radix: 16))::1" })
            #expect(blocks == Array(repeating: .unauthorized, count: free + 1))
            let v4 = try await Self.failedSignIns(client, from: (1...free + 1).map { "192.0.2.\($0)" })
            #expect(v4 == Array(repeating: .unauthorized, count: free + 1))
        }
        // Without --behind-proxy, X-Forwarded-For is anyone's word: every attempt counts on the peer.
        try await TestApp.run(configuration: Configuration(port: 0), account: Self.settings(CountingPasswordHasher()), testing: .live) { _, client in
            let spoofed = try await Self.failedSignIns(client, from: (1...free + 1).map { "192.0.2.\($0)" })
            #expect(spoofed == Array(repeating: .unauthorized, count: free) + [.tooManyRequests])
        }
    }

    @Test("past the hasher's bound a sign-in answers 503 with Retry-After at once, unchecked, and its address is not counted")
    func fullHasherAnswers503() async throws {
        let hasher = CountingPasswordHasher(threads: 1, queue: 0)
        var settings = Self.settings(hasher)
        // Checks of real cost (about 100 ms each), so that they overlap.
        settings.decoyParameters = .standard
        try await TestApp.run(account: settings) { _, client in
            var browsers: [AccountBrowser] = []
            for _ in 0..<6 { browsers.append(try await Self.browserOnForm(client)) }
            let responses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for browser in browsers {
                    group.addTask {
                        let response = try await browser.post(
                            "/account/sign-in", [("name", TestApp.uniqueName("nobody")), ("password", "wrong password!")])
                        return (response.status, response.headers[.retryAfter])
                    }
                }
                return try await group.reduce(into: [(HTTPResponse.Status, String?)]()) { $0.append($1) }
            }
            let busy = responses.filter { $0.0 == .serviceUnavailable }
            #expect(!busy.isEmpty)
            #expect(busy.allSatisfy { $0.1 == "1" })
            #expect(responses.allSatisfy { $0.0 == .serviceUnavailable || $0.0 == .unauthorized })
            #expect(hasher.verifications == responses.filter { $0.0 == .unauthorized }.count)
            // Uncounted: the refused attempts left no failure behind, so the address still has its
            // ten free failures (a counted 503 would have used them up).
            for _ in 0..<(SignInThrottle.address.freeFailures - responses.filter { $0.0 == .unauthorized }.count) {
                let browser = try await Self.browserOnForm(client)
                #expect(
                    try await browser.post("/account/sign-in", [("name", TestApp.uniqueName("nobody")), ("password", "x")]).status == .unauthorized)
            }
        }
    }

    @Test("past the failure budget, unknown browsers get 429 without a check, while the owner's browser still signs in")
    func failureBudgetSparesKnownBrowsers() async throws {
        let hasher = CountingPasswordHasher()
        var configuration = Configuration()
        configuration.signInFailuresPerMinute = 5
        try await TestApp.run(configuration: configuration, account: Self.settings(hasher)) { app, client in
            try await app.setPassword()
            let owner = AccountBrowser(client)
            #expect(try await owner.signIn(app.owner.name).status == .seeOther)
            let before = hasher.verifications
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<8 {
                let browser = try await Self.browserOnForm(client)
                statuses.append(try await browser.post("/account/sign-in", [("name", TestApp.uniqueName("nobody")), ("password", "x")]).status)
            }
            #expect(statuses == Array(repeating: .unauthorized, count: 5) + Array(repeating: .tooManyRequests, count: 3))
            #expect(hasher.verifications - before == 5)
            #expect(try await owner.signIn(app.owner.name).status == .seeOther)
            #expect(
                try await Self.browserOnForm(client).post("/account/sign-in", [("name", app.owner.name), ("password", TestApp.password)]).status
                    == .tooManyRequests)
        }
    }

    @Test("a typed name no account can have is refused before any lookup or check, and nothing is persisted")
    func impossibleNamesAreRefusedCheaply() async throws {
        let hasher = CountingPasswordHasher()
        try await TestApp.run(account: Self.settings(hasher)) { app, client in
            for name in ["line\nbreak", "quote\"\u{301}", String(repeating: "a", count: 65), "a/b", ""] {
                let browser = try await Self.browserOnForm(client)
                let response = try await browser.post("/account/sign-in", [("name", name), ("password", "wrong password!")])
                #expect(response.status == .unauthorized)
                #expect(response.text.contains(#"<p class="error" role="alert">wrong name or password</p>"#))
                #expect(try await app.store.signInFailures(account: name) == nil)
            }
            #expect(hasher.verifications == 0)
        }
    }

    @Test("unknown and random session cookies cost no database write: they are sent to sign in even while writes fail")
    func unknownSessionsMakeNoWrites() async throws {
        let backend = FaultyStore.backend()
        try await TestApp.run(backend: backend, account: Self.settings(CountingPasswordHasher())) { app, client in
            let store = try #require(app.store as? FaultyStore)
            store.failWrites(with: StoreError.unavailable)
            for _ in 0..<20 {
                let browser = AccountBrowser(client)
                browser.set("__Host-ct_session", SessionSecret.generate().plaintext)
                let response = try await browser.get("/account/")
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/account/sign-in")
            }
            store.failWrites(with: nil)
        }
    }

    @Test("the account pages allow a limited number of requests per minute and address, then 429 with Retry-After")
    func accountRequestsAreLimitedPerAddress() async throws {
        try await TestApp.run(account: Self.settings(CountingPasswordHasher(), requestsPerMinute: 5)) { _, client in
            for _ in 0..<5 { #expect(try await client.execute(uri: "/account/sign-in", method: .get, headers: [:], body: nil).status == .ok) }
            let refused = try await client.execute(uri: "/account/sign-in", method: .get, headers: [:], body: nil)
            #expect(refused.status == .tooManyRequests)
            // 2026-03-10 12:00:00 UTC: the window ends in a minute.
            #expect(refused.headers[.retryAfter] == "60")
            #expect(String(buffer: refused.body).contains("<h1>Too many requests</h1>"))
            // The API is not the account pages: its limits are per token.
            #expect(try await client.execute(uri: "/healthz", method: .get, headers: [:], body: nil).status == .ok)
        }
    }

    @Test("signing in again from a browser keeps its device cookie's nonce: one browser, one counter")
    func deviceCookieIsRenewedNotMinted() async throws {
        try await TestApp.run(account: Self.settings(CountingPasswordHasher())) { app, client in
            try await app.setPassword()
            let browser = AccountBrowser(client)
            #expect(try await browser.signIn(app.owner.name).status == .seeOther)
            let first = try #require(browser.deviceCounter(for: app.owner.name))
            #expect(try await browser.signIn(app.owner.name).status == .seeOther)
            #expect(browser.deviceCounter(for: app.owner.name) == first)
        }
    }

    @Test("an account's right password is checked at most 10 times a minute: signing in in a loop cannot keep the hasher busy")
    func successesPerAccountAreLimited() async throws {
        let hasher = CountingPasswordHasher()
        try await TestApp.run(account: Self.settings(hasher)) { app, client in
            try await app.setPassword()
            let browser = AccountBrowser(client)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<12 { statuses.append(try await browser.signIn(app.owner.name).status) }
            #expect(statuses == Array(repeating: .seeOther, count: 10) + [.tooManyRequests, .tooManyRequests])
            #expect(hasher.verifications == 10)
            app.clock.advance(by: 60)
            #expect(try await browser.signIn(app.owner.name).status == .seeOther)
        }
    }

    @Test("a refused sign-in is answered only after the refusal pause; a right one is not held")
    func refusalsArePaused() async throws {
        var settings = Self.settings(CountingPasswordHasher())
        settings.refusalPause = .milliseconds(300)
        try await TestApp.run(account: settings) { app, client in
            try await app.setPassword()
            let clock = ContinuousClock()
            let browser = try await Self.browserOnForm(client)
            let start = clock.now
            let refused = try await browser.post("/account/sign-in", [("name", "no\nname"), ("password", "x")])
            #expect(refused.status == .unauthorized)
            #expect(clock.now - start >= .milliseconds(300))
        }
    }

    @Test(
        "the client behind a trusted proxy: the right-most X-Forwarded-For entry that is no trusted proxy, ports allowed; an unparsable entry ends the walk",
        arguments: [
            (["203.0.113.9"], "203.0.113.9"), (["198.51.100.1, 203.0.113.9"], "203.0.113.9"), (["203.0.113.9, 127.0.0.1"], "203.0.113.9"),
            (["198.51.100.1", "203.0.113.9"], "203.0.113.9"), (["203.0.113.9:5678"], "203.0.113.9"), (["[2001:db8::1]:443"], "2001:db8::1"),
            (["2001:db8::1"], "2001:db8::1"), (["198.51.100.1, garbage"], "127.0.0.1"), (["garbage, 203.0.113.9"], "203.0.113.9"),
            ([""], "127.0.0.1"), ([], "127.0.0.1"), (["::ffff:203.0.113.9"], "203.0.113.9"), (["203.0.113.9:"], "127.0.0.1"),
        ])
    func forwardedFor(values: [String], client: String) throws {
        let trust = ProxyTrust(behindProxy: true, trusted: IPNetwork.loopback)
        var fields = HTTPFields()
        for value in values { fields.append(HTTPField(name: .xForwardedFor, value: value)) }
        let request = Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/", headerFields: fields), body: .init(buffer: .init()))
        let peer = try SocketAddress(ipAddress: "127.0.0.1", port: 1234)
        #expect(trust.client(of: request, peer: peer)?.description == client)
        // From a peer that is no trusted proxy, or without --behind-proxy, the peer is the client.
        #expect(trust.client(of: request, peer: try SocketAddress(ipAddress: "192.0.2.50", port: 1234))?.description == "192.0.2.50")
        #expect(ProxyTrust(behindProxy: false, trusted: IPNetwork.loopback).client(of: request, peer: peer)?.description == "127.0.0.1")
    }

    @Test(
        "behind a proxy, any hop of X-Forwarded-Proto that says http refuses: a client's own 'https' before an appending proxy's 'http' does not pass"
    )
    func anyPlainHopOfForwardedProto() async throws {
        try await TestApp.run(
            configuration: Configuration(port: 0, behindProxy: true), account: Self.settings(CountingPasswordHasher()), testing: .live
        ) {
            app, client in
            for value in ["https, http", "https,https, http"] {
                var headers = HTTPFields.bearer(app.readToken)
                headers[.xForwardedProto] = value
                try expectError(try await client.execute(uri: orgasmsPath, method: .get, headers: headers, body: nil), .forbidden, "https_required")
            }
            var twoFields = HTTPFields.bearer(app.readToken)
            twoFields.append(HTTPField(name: .xForwardedProto, value: "https"))
            twoFields.append(HTTPField(name: .xForwardedProto, value: "http"))
            try expectError(try await client.execute(uri: orgasmsPath, method: .get, headers: twoFields, body: nil), .forbidden, "https_required")
            var https = HTTPFields.bearer(app.readToken)
            https[.xForwardedProto] = "https, https"
            #expect(try await client.execute(uri: orgasmsPath, method: .get, headers: https, body: nil).status == .ok)
        }
    }

    @Test("attempts refused because the checks were full spend the failure budget: a flood that keeps them full is soon refused with 429")
    func busyAttemptsSpendTheBudget() async throws {
        let hasher = CountingPasswordHasher(threads: 1, queue: 0)
        var settings = Self.settings(hasher)
        settings.decoyParameters = .standard
        var configuration = Configuration()
        configuration.signInFailuresPerMinute = 4
        try await TestApp.run(configuration: configuration, account: settings) { _, client in
            var browsers: [AccountBrowser] = []
            for _ in 0..<6 { browsers.append(try await Self.browserOnForm(client)) }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for browser in browsers {
                    group.addTask {
                        try await browser.post("/account/sign-in", [("name", TestApp.uniqueName("nobody")), ("password", "x")]).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.contains(.serviceUnavailable))
            #expect(statuses.filter { $0 != .tooManyRequests }.count >= 4)
            let after = try await Self.browserOnForm(client).post("/account/sign-in", [("name", TestApp.uniqueName("nobody")), ("password", "x")])
            #expect(after.status == .tooManyRequests)
            #expect(hasher.verifications <= 1)
        }
    }
}
