import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerServices
import ChastityTrackerTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing

/// A database that can be read but not written: reads keep working (the token's `last used` is
/// recorded off the request's path), and `/readyz` says so (docs/CONTRACT.md section 1).
@Suite struct WriteFailureTests {
    @Test("Authenticated GETs answer 200 with data while the database cannot be written")
    func readsWorkWhenWritesFail() async throws {
        try await TestApp.run(backend: FaultyStore.backend()) { app, client in
            let store = try #require(app.store as? FaultyStore)
            let item = try await app.seed(date: "2026-03-01")
            store.failWrites(with: StoreError.unavailable)
            for token in [app.readToken, app.writeToken] {
                let list = try expectSuccess(try await client.get(orgasmsPath, token: token))
                #expect(list["total"] == 1)
                #expect(list["items"] == [itemJSON(item)])
                let details = try expectSuccess(try await client.get("\(orgasmsPath)?id=\(item.id)", token: token))
                #expect(details == itemJSON(item))
            }
            // Writes themselves still answer 503.
            try expectError(try await client.post(#"{"date":"2026-03-02","mode":"full"}"#, token: app.writeToken), .serviceUnavailable, "unavailable")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test("/readyz answers 200 when the database can be written")
    func readyWhenWritable() async throws {
        try await TestApp.run { _, client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            let data = try expectSuccess(response)
            #expect(data == ["status": "ready"])
        }
    }

    @Test("/readyz answers 503 unavailable when the database cannot be written, while /healthz answers 200")
    func notReadyWhenWritesFail() async throws {
        try await TestApp.run(backend: FaultyStore.backend()) { app, client in
            let store = try #require(app.store as? FaultyStore)
            store.failWrites(with: StoreError.unavailable)
            try expectError(try await client.execute(uri: "/readyz", method: .get), .serviceUnavailable, "unavailable")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test("Calls to /readyz within the probe's lifetime probe the database once; past it, by the app's clock, again")
    func readinessIsCached() async throws {
        try await TestApp.run(backend: FaultyStore.backend()) { app, client in
            let store = try #require(app.store as? FaultyStore)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/readyz", method: .head).status == .ok)
            #expect(store.writabilityChecks == 1)
            // The probe ages by the app's clock (the composition root's), not the machine's: a
            // slow machine never ages it within a test, and moving the clock does.
            app.clock.advance(by: Double(ReadinessProbe.defaultLifetime.wholeMilliseconds + 1) / 1000)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            #expect(store.writabilityChecks == 2)
        }
    }

    @Test("/readyz allows GET and HEAD only")
    func readinessMethods() async throws {
        try await TestApp.run { _, client in
            let response = try await client.execute(uri: "/readyz", method: .post)
            try expectError(response, .methodNotAllowed, "method_not_allowed")
            #expect(response.headers[.allow] == "GET, HEAD")
        }
    }

    @Test("The readiness probe asks again once its answer is older than its lifetime, and concurrent callers share one probe")
    func readinessProbeExpires() async throws {
        try await FaultyStore.backend().withSharedStore { store in
            let faulty = try #require(store as? FaultyStore)
            let clock = FixedWallClock(TestApp.defaultNow)
            let probe = ReadinessProbe(store: faulty, lifetime: .milliseconds(200), clock: clock)
            async let first = probe.isWritable()
            async let second = probe.isWritable()
            let answers = await [first, second]
            #expect(answers == [true, true])
            #expect(faulty.writabilityChecks == 1)
            faulty.failWrites(with: StoreError.unavailable)
            #expect(await probe.isWritable())
            clock.advance(by: 0.199)
            #expect(await probe.isWritable())
            clock.advance(by: 0.001)
            #expect(await probe.isWritable() == false)
            #expect(faulty.writabilityChecks == 2)
        }
    }

    @Test("A use recorded while writes fail is written once they work again")
    func lastUseIsRetried() async throws {
        try await FaultyStore.backend().withSharedStore { store in
            let faulty = try #require(store as? FaultyStore)
            let admin = Administration(store: faulty, configuration: Configuration(), clock: FixedWallClock(TestApp.defaultNow))
            let user = try await admin.addUser(name: TestApp.uniqueName("owner"), timeZone: "UTC")
            let (token, _) = try await admin.createToken(userName: user.name, permission: .read, label: "read")
            var logger = Logger(label: "chastity-api-test")
            logger.logLevel = .critical
            let recorder = LastUsedRecorder(store: faulty, logger: logger)
            faulty.failWrites(with: StoreError.unavailable)
            recorder.record(tokenID: token.id, at: Timestamp(millisecondsSinceEpoch: 5_000))
            #expect(await recorder.flush() == false)
            #expect(try await faulty.token(id: token.id)?.lastUsed == nil)
            faulty.failWrites(with: nil)
            #expect(await recorder.flush())
            #expect(try await faulty.token(id: token.id)?.lastUsed == Timestamp(millisecondsSinceEpoch: 5_000))
        }
    }
}
