import ChastityTrackerDomain
import Synchronization
import Testing

@testable import ChastityTrackerServer

/// The address a webhook delivery connects to: looked up at delivery, refused when any answer is
/// not a public address.
@Suite struct WebhookResolverTests {
    @Test("localhost resolves through the system and is refused unless private targets are allowed")
    func localhost() async throws {
        let resolver = WebhookResolver()
        let url = try WebhookURL("https://localhost/", allowPrivate: true)
        await #expect(throws: WebhookURLError.localhost) { try await resolver.address(of: url, allowPrivate: false) }
        let address = try await resolver.address(of: url, allowPrivate: true)
        #expect(IPNetwork.loopback.contains { $0.contains(address) })
    }

    @Test("a public IP literal is returned as it is, without any lookup")
    func literal() async throws {
        let lookups = LookupCount()
        let resolver = WebhookResolver(timeout: .seconds(5)) { _ in
            lookups.count.withLock { $0 += 1 }
            return []
        }
        let v4 = try await resolver.address(of: WebhookURL("https://8.8.8.8/", allowPrivate: false), allowPrivate: false)
        #expect(v4 == IPAddress("8.8.8.8"))
        let v6 = try await resolver.address(of: WebhookURL("https://[2606:4700::1111]/", allowPrivate: false), allowPrivate: false)
        #expect(v6 == IPAddress("2606:4700::1111"))
        #expect(lookups.count.withLock { $0 } == 0)
    }

    @Test("a private IP literal parsed with allowPrivate is refused when delivering without it")
    func privateLiteral() async throws {
        let url = try WebhookURL("https://10.0.0.1/", allowPrivate: true)
        let resolver = WebhookResolver(timeout: .seconds(5)) { _ in [] }
        await #expect(throws: WebhookURLError.privateAddress(IPAddress("10.0.0.1")!)) { try await resolver.address(of: url, allowPrivate: false) }
        #expect(try await resolver.address(of: url, allowPrivate: true) == IPAddress("10.0.0.1"))
    }

    @Test("an unresolvable name is a clear error")
    func unresolvable() async throws {
        let url = try WebhookURL("https://nonexistent.invalid/", allowPrivate: false)
        // Without a reachable name server the lookup runs into the deadline instead; both say why.
        let error = await #expect(throws: WebhookURLError.self) { try await WebhookResolver().address(of: url, allowPrivate: false) }
        #expect(error == .unresolvable(host: "nonexistent.invalid") || error == .lookupTimedOut(host: "nonexistent.invalid"))
    }

    @Test("a name with one public and one private address is refused; the first address of a public name is returned")
    func mixedAnswers() async throws {
        let answers: [String: [IPAddress]] = [
            "rebind.example": [IPAddress("8.8.8.8")!, IPAddress("169.254.169.254")!],
            "public.example": [IPAddress("2606:4700::1111")!, IPAddress("1.1.1.1")!],
        ]
        let resolver = WebhookResolver(timeout: .seconds(5)) { host in answers[host] ?? [] }
        let rebind = try WebhookURL("https://rebind.example/", allowPrivate: false)
        await #expect(throws: WebhookURLError.resolvesToPrivateAddress(host: "rebind.example", address: IPAddress("169.254.169.254")!)) {
            try await resolver.address(of: rebind, allowPrivate: false)
        }
        #expect(try await resolver.address(of: rebind, allowPrivate: true) == IPAddress("8.8.8.8"))
        let good = try WebhookURL("https://public.example/", allowPrivate: false)
        #expect(try await resolver.address(of: good, allowPrivate: false) == IPAddress("2606:4700::1111"))
        let none = try WebhookURL("https://empty.example/", allowPrivate: false)
        await #expect(throws: WebhookURLError.unresolvable(host: "empty.example")) { try await resolver.address(of: none, allowPrivate: false) }
    }

    @Test("a lookup that does not answer in time gives up at the deadline")
    func deadline() async throws {
        let resolver = WebhookResolver(timeout: .milliseconds(20)) { _ in
            try? await Task.sleep(for: .seconds(30))
            return [IPAddress("8.8.8.8")!]
        }
        let url = try WebhookURL("https://slow.example/", allowPrivate: false)
        let started = ContinuousClock.now
        await #expect(throws: WebhookURLError.lookupTimedOut(host: "slow.example")) { try await resolver.address(of: url, allowPrivate: false) }
        // Not a timing target: it gave up before the lookup's 30 s (a loaded test run took 7 s to
        // schedule the 20 ms deadline).
        #expect(ContinuousClock.now - started < .seconds(25))
    }
}

/// How often a test's lookup was asked.
private final class LookupCount: Sendable {
    let count = Mutex(0)
}

@Suite("WebhookLookupPool: a bound on the lookups of names")
struct WebhookLookupPoolTests {
    @Test("a pool with no room left answers at once that the lookup could not be made, without asking the system")
    func fullPoolRefuses() async throws {
        let resolver = WebhookResolver(timeout: .seconds(5), pool: WebhookLookupPool(threads: 1, limit: 0))
        let url = try WebhookURL("https://example.com/hook", allowPrivate: false)
        await #expect(throws: WebhookURLError.lookupTimedOut(host: "example.com")) { try await resolver.address(of: url, allowPrivate: false) }
    }
}
