import ChastityTrackerClient
import ChastityTrackerDomain
import ChastityTrackerSQLite
import ChastityTrackerTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("webhooks add, list and remove")
struct WebhooksCommandTests {
    @Test("webhooks add prints the secret alone on stdout and the id on stderr; list shows it, --json too; remove removes it")
    func addListRemove() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        try #require(try await sandbox.run(["users", "add", "alice"]).status == 0)
        let added = try await sandbox.run(["webhooks", "add", "alice", "http://127.0.0.1:9/hook", "--webhooks-allow-private"])
        #expect(added.status == 0)
        let secret = added.stdout.trimmingCharacters(in: .newlines)
        #expect(secret.hasPrefix("whsec_"))
        #expect(added.stdout == secret + "\n")
        #expect(added.stderr == "webhook id: 1\n")
        _ = try WebhookVerifier(secret: secret)

        let listed = try await sandbox.run(["webhooks", "list", "alice"])
        #expect(listed.status == 0)
        let fields = listed.stdout.trimmingCharacters(in: .newlines).components(separatedBy: "\t")
        #expect(fields.count == 7)
        #expect(fields[0] == "1")
        #expect(fields[1] == "http://127.0.0.1:9/hook")
        #expect(fields[3...] == ["-", "-", "-", "-"])
        #expect(!listed.stdout.contains(secret))

        let json = try await sandbox.run(["webhooks", "list", "alice", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries.first?["url"] as? String == "http://127.0.0.1:9/hook")
        #expect(entries.first?["last_status"] is NSNull)
        #expect(entries.first?["disabled_reason"] is NSNull)

        let removed = try await sandbox.run(["webhooks", "remove", "1"])
        #expect(removed.status == 0)
        #expect(removed.stderr == "removed webhook 1\n")
        #expect(try await sandbox.run(["webhooks", "list", "alice"]).stdout == "")
        let again = try await sandbox.run(["webhooks", "remove", "1"])
        #expect(again.status == 1)
        #expect(again.stderr == "Error: no webhook with id 1\n")
    }

    @Test(
        "without --webhooks-allow-private, webhooks add refuses plain http and every private, loopback and link-local target",
        arguments: [
            "http://8.8.8.8/hook", "https://127.0.0.1/", "https://localhost/", "https://10.1.2.3/", "https://[::1]/",
            "https://169.254.169.254/", "https://[::ffff:127.0.0.1]/",
        ])
    func privateTargetsRefused(url: String) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        try #require(try await sandbox.run(["users", "add", "alice"]).status == 0)
        let result = try await sandbox.run(["webhooks", "add", "alice", url])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("Error: "))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
        #expect(try await sandbox.run(["webhooks", "list", "alice"]).stdout == "")
        // The same URL with the flag (or CT_WEBHOOKS_ALLOW_PRIVATE=1) is accepted.
        let allowed = try await sandbox.run(["webhooks", "add", "alice", url], environment: ["CT_WEBHOOKS_ALLOW_PRIVATE": "1"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }

    @Test(
        "writes while the receiver is down, kill -9 at the first failed attempt, restart, receiver up: the events arrive, signed, and the last state delivered is the feed's"
    )
    func eventsSurviveKill() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.removeAll() }
        try #require(try await sandbox.run(["users", "add", "alice"]).status == 0)
        let token = try await sandbox.run(["tokens", "create", "alice", "--write"]).stdout.trimmingCharacters(in: .newlines)
        let port = try ServerProcess.freePort()
        let added = try await sandbox.run(["webhooks", "add", "alice", "http://127.0.0.1:\(port)/hook", "--webhooks-allow-private"])
        try #require(added.status == 0)
        let secret = added.stdout.trimmingCharacters(in: .newlines)

        // At the most detailed log level: the secret must not show in the log even there.
        let first = try ServerProcess(
            databasePath: sandbox.databasePath, in: sandbox.directory, extraArguments: ["--webhooks-allow-private", "--log-level", "trace"])
        try await first.waitUntilHealthy()
        // Up to 50 writes, still going when the kill comes. The kill must meet a message waiting
        // for its retry, which comes 4 to 6 s after the first failure: a second failure would put
        // the next attempt 5 minutes away. So the failure is watched from the first write on, in
        // this process every 50 ms, and not after the writes (50 requests took longer than 5 s on
        // a loaded CI machine, the retry failed too, and nothing arrived within the test's minute).
        let writer = Task { () -> (acknowledged: Int, unexpected: [Int]) in
            var acknowledged = 0
            var unexpected: [Int] = []
            for index in 0..<50 {
                let day = 1 + index % 28
                // After the kill the request fails to connect: that ends the writes.
                guard
                    let response = try? await HTTP.request(
                        "POST", "\(first.baseURL)/api/v2/orgasms", token: token,
                        json: #"{"date":"2026-02-\#(day < 10 ? "0" : "")\#(day)","mode":"full"}"#, in: sandbox.directory)
                else { break }
                if response.status == 201 { acknowledged += 1 } else { unexpected.append(response.status) }
            }
            return (acknowledged, unexpected)
        }
        let store = try await SQLiteStore.open(path: sandbox.databasePath)
        let alice = try #require(try await store.user(named: "alice"))
        let deadline = ContinuousClock.now + .seconds(30)
        var lastError: String?
        while ContinuousClock.now < deadline {
            lastError = try await store.webhooks(userID: alice.id).first?.lastError
            if lastError != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let killed = try await first.stop(signal: SIGKILL)
        try await store.close()
        #expect(lastError == "could not connect" || lastError?.contains("refused") == true, "\(lastError ?? "no attempt")")
        #expect(killed.status == SIGKILL)
        let writes = await writer.value
        #expect(writes.acknowledged >= 1)
        #expect(writes.unexpected.isEmpty)

        // The receiver comes up before the server does: a retry that met a receiver still binding
        // its port (over 10 s with every suite starting at once) would wait 5 minutes for the next.
        let second = try await WebhookReceiver.run(port: port) { receiver in
            let second = try ServerProcess(
                databasePath: sandbox.databasePath, in: sandbox.directory, extraArguments: ["--webhooks-allow-private"])
            do {
                try await second.waitUntilHealthy()
                let changes = try await HTTP.request("GET", "\(second.baseURL)/api/v2/orgasms/changes", token: token, in: sandbox.directory)
                let feed = try #require(((try changes.json()["data"]) as? [String: Any])?["new_state"] as? String)
                // Every acknowledged write is in the feed (one in flight at the kill may be too).
                let changed = try #require(feed.split(separator: "-").last.flatMap { Int($0) })
                #expect(changed >= writes.acknowledged && changed <= writes.acknowledged + 1, "\(feed), \(writes.acknowledged) acknowledged")
                // A message whose attempt was cut by the kill waits for its lease (30 s), one that
                // failed for its retry (about 5 s): at most about 40 s in all.
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline {
                    if let last = receiver.deliveries.last, Self.state(of: last) == feed { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                let deliveries = receiver.deliveries
                #expect(!deliveries.isEmpty)
                #expect(deliveries.last.flatMap(Self.state(of:)) == feed)
                let verifier = try WebhookVerifier(secret: secret)
                for delivery in deliveries { try verifier.verify(body: delivery.body, headers: delivery.headers) }
            } catch {
                _ = try? await second.stop()
                throw error
            }
            _ = try await second.stop()
            return second
        }
        let key = String(secret.dropFirst("whsec_".count))
        #expect(!first.stderr.contains(key) && !second.stderr.contains(key))
        #expect(first.stderr.contains("webhook attempt failed"))
    }

    static func state(of delivery: WebhookReceiver.Delivery) -> String? {
        let body = try? JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
        return (body?["data"] as? [String: Any])?["state"] as? String
    }
}
