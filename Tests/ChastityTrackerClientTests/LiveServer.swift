import ChastityTrackerClient
import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerServices
import ChastityTrackerTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import OpenAPIRuntime
import OpenAPIURLSession
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The real server (`buildApplication` over a fresh store of the selected backend) listening on a
/// free loopback port, with one owner holding a read and a write token; the SDK talks to it over
/// a real socket.
struct LiveServer: Sendable {
    /// 2026-03-10 12:00:00 UTC: "now" for the server (dates up to 2026-03-10 are valid).
    static let now = Date(timeIntervalSince1970: 1_773_144_000)

    let url: URL
    let store: any ChastityStore
    let clock: FixedWallClock
    let owner: User
    let readToken: String
    let writeToken: String

    /// Runs `body` against a new server, then stops it and closes the store. On PostgreSQL the
    /// server runs without the purges, as the API suite's apps do: a purge is global, and on the
    /// database the suites share it would delete other tests' sessions and counts.
    static func run(
        configuration: ChastityTrackerDomain.Configuration = ChastityTrackerDomain.Configuration(), backend: TestBackend = .selected,
        port: Int = 0, _ body: @Sendable (LiveServer) async throws -> Void
    ) async throws {
        let test = Test.current.map { "\($0.id)" } ?? "?"
        let (store, cleanup) = try await reportingStall(test, "opening the store") { try await backend.makeStore() }
        defer { cleanup() }
        try await reportingStall(test, "serving, then closing the store") {
            try await TestBackend.closing(store) { store in
                let clock = FixedWallClock(now)
                var configuration = configuration
                configuration.host = "127.0.0.1"
                // A port chosen ahead (an OAuth issuer names it), or any free one.
                configuration.port = port
                let admin = Administration(store: store, configuration: configuration, clock: clock)
                let owner = try await admin.addUser(name: "owner-\(UUID().uuidString.prefix(8).lowercased())", timeZone: "UTC")
                let (_, read) = try await admin.createToken(userName: owner.name, permission: .read, label: "read")
                let (_, write) = try await admin.createToken(userName: owner.name, permission: .write, label: "write")
                try await serve(store, configuration: configuration, clock: clock, purges: !backend.isPostgres) { port in
                    try await body(
                        LiveServer(
                            url: URL(string: "http://127.0.0.1:\(port)")!, store: store, clock: clock, owner: owner,
                            readToken: read.plaintext, writeToken: write.plaintext
                        ))
                }
            }
        }
    }

    /// Opens the existential so the generic composition root sees the concrete store type.
    private static func serve<Store: ChastityStore>(
        _ store: Store, configuration: ChastityTrackerDomain.Configuration, clock: FixedWallClock, purges: Bool,
        _ body: @Sendable (Int) async throws -> Void
    ) async throws {
        var logger = Logger(label: "chastity-client-test")
        logger.logLevel = .critical
        let app = try buildApplication(configuration: configuration, store: store, clock: clock, logger: logger, purges: purges, webhooks: false)
        guard configuration.port != 0 else {
            try await app.test(.live) { client in
                try await body(try #require(client.port))
            }
            return
        }
        // HummingbirdTesting's live server always binds port 0; a port chosen ahead (an OAuth
        // issuer names it) needs the application run as `serve` runs it.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            let health = try #require(URL(string: "http://127.0.0.1:\(configuration.port)/healthz"))
            try await waitUntil {
                (try? await URLSession.shared.data(from: health)) != nil
            }
            try await body(configuration.port)
            group.cancelAll()
        }
    }

    /// A client of this server with `token`, sending through `transport` (URLSession by default).
    func client(
        token: String, retry: ChastityTrackerClient.RetryPolicy = .none, transport: (any ClientTransport)? = nil,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) -> ChastityTrackerClient {
        ChastityTrackerClient(
            serverURL: url, token: token, retry: retry, transport: transport ?? URLSessionTransport(), sleep: sleep
        )
    }

    /// The owner's records, read through the store (not the API).
    func storedItems() async throws -> [Orgasm] {
        try await store.orgasms(userID: owner.id, afterID: 0, limit: 10_000)
    }
}

/// A transport that records every request it sends and, when told to, forwards the first POST to
/// the server, reads the whole answer, and then throws as if the connection had dropped before the
/// answer arrived.
final class RecordingTransport: ClientTransport {
    struct Sent: Sendable, Equatable {
        let method: String
        let path: String
        let idempotencyKey: String?
    }

    private let base = URLSessionTransport()
    private let dropFirstPOSTAnswer: Bool
    private let state = Mutex<(sent: [Sent], dropped: Bool)>(([], false))

    init(dropFirstPOSTAnswer: Bool = false) {
        self.dropFirstPOSTAnswer = dropFirstPOSTAnswer
    }

    var sent: [Sent] { state.withLock { $0.sent } }

    func send(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let record = Sent(
            method: request.method.rawValue, path: request.path ?? "",
            idempotencyKey: request.headerFields[HTTPField.Name("Idempotency-Key")!]
        )
        let drop = state.withLock { state in
            state.sent.append(record)
            guard dropFirstPOSTAnswer, request.method == .post, !state.dropped else { return false }
            state.dropped = true
            return true
        }
        let (response, responseBody) = try await base.send(request, body: body, baseURL: baseURL, operationID: operationID)
        guard drop else { return (response, responseBody) }
        // The server has answered in full (the insert is stored); the client never sees it.
        if let responseBody { _ = try await Data(collecting: responseBody, upTo: 1 << 20) }
        throw URLError(.networkConnectionLost)
    }
}

/// A retry's waits, recorded instead of slept; each one moves the server's clock on by as much.
final class RecordedWaits: Sendable {
    private let waits = Mutex<[Duration]>([])
    let clock: FixedWallClock

    init(advancing clock: FixedWallClock) {
        self.clock = clock
    }

    var all: [Duration] { waits.withLock { $0 } }

    var sleep: @Sendable (Duration) async throws -> Void {
        { [self] duration in
            waits.withLock { $0.append(duration) }
            clock.advance(by: TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18)
        }
    }
}
