import ChastityTrackerDomain
import ChastityTrackerPostgres
import ChastityTrackerSQLite
import ChastityTrackerServer
import ChastityTrackerServices
import ChastityTrackerTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import Testing

/// A fresh application over a fresh store, with one user ("the owner") in a chosen time zone
/// who holds a read token and a write token, created exactly as the command line does it.
struct TestApp: Sendable {
    /// 2026-03-10 12:00:00 UTC: the default "now" of every test.
    static let defaultNow = Date(timeIntervalSince1970: 1_773_144_000)

    let store: any ChastityStore
    let admin: Administration
    let clock: FixedWallClock
    let owner: User
    let readToken: String
    let writeToken: String
    let readTokenID: Int64
    let writeTokenID: Int64

    /// Runs `body` with a new app and a test client (the router's by default; `.live` where the
    /// connection's peer address matters: the router's requests have none), then closes the store.
    static func run(
        timeZone: String = "UTC",
        now: Date = TestApp.defaultNow,
        configuration: Configuration = Configuration(),
        backend: TestBackend = .selected,
        metrics: PrometheusCollectorRegistry? = nil,
        account: AccountSettings = .forTests,
        testing: TestingSetup = .router,
        tokens: TokenGenerator = .random,
        _ body: @Sendable (TestApp, any TestClientProtocol) async throws -> Void
    ) async throws {
        let test = Test.current.map { "\($0.id)" } ?? "?"
        let (store, cleanup) = try await reportingStall(test, "opening the store") { try await backend.makeStore() }
        defer { cleanup() }
        do {
            let clock = FixedWallClock(now)
            let admin = Administration(store: store, configuration: configuration, clock: clock)
            let (owner, readInfo, readSecret, writeInfo, writeSecret) = try await reportingStall(test, "adding the owner") {
                let owner = try await admin.addUser(name: uniqueName("owner"), timeZone: timeZone)
                let (readInfo, readSecret) = try await admin.createToken(userName: owner.name, permission: .read, label: "read")
                let (writeInfo, writeSecret) = try await admin.createToken(userName: owner.name, permission: .write, label: "write")
                return (owner, readInfo, readSecret, writeInfo, writeSecret)
            }
            let app = TestApp(
                store: store, admin: admin, clock: clock, owner: owner,
                readToken: readSecret.plaintext, writeToken: writeSecret.plaintext,
                readTokenID: readInfo.id, writeTokenID: writeInfo.id
            )
            // On the PostgreSQL database the suite shares, an app's purge would delete other apps'
            // sessions and keys by its own fixed clock; SQLite apps have a database each.
            try await reportingStall(test, "serving (the test's body, then the app's graceful shutdown)") {
                try await serve(
                    store, configuration: configuration, clock: clock, metrics: metrics, account: account, tokens: tokens,
                    purges: !backend.isPostgres, testing: testing
                ) { client in
                    try await body(app, client)
                }
            }
        } catch {
            await reportingStall(test, "closing the store after an error") { try? await store.close() }
            throw error
        }
        try await reportingStall(test, "closing the store") { try await store.close() }
    }

    /// Opens the existential so the generic composition root sees the concrete store type.
    private static func serve<Store: ChastityStore>(
        _ store: Store, configuration: Configuration, clock: FixedWallClock, metrics: PrometheusCollectorRegistry?,
        account: AccountSettings, tokens: TokenGenerator, purges: Bool, testing: TestingSetup,
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var logger = Logger(label: "chastity-api-test")
        logger.logLevel = .warning
        let app = try buildApplication(
            configuration: configuration, store: store, clock: clock, logger: logger, metrics: metrics, account: account, tokens: tokens,
            purges: purges, webhooks: false
        )
        // Every JSON answer is also decoded with the SDK's generated types (GeneratedTypesCheck.swift).
        try await app.test(testing) { client in try await body(GeneratedTypesCheckingClient(base: client)) }
    }

    static func uniqueName(_ base: String) -> String {
        "\(base)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Another user with their own write token, to prove that owners never see each other.
    func makeOtherUser(timeZone: String = "UTC") async throws -> (user: User, writeToken: String) {
        let user = try await admin.addUser(name: Self.uniqueName("other"), timeZone: timeZone)
        let (_, secret) = try await admin.createToken(userName: user.name, permission: .write, label: "other")
        return (user, secret.plaintext)
    }

    /// Stores records for `userID` (the owner by default) directly, bypassing the API.
    @discardableResult
    func seed(_ records: [NewOrgasm], userID: Int64? = nil) async throws -> [Orgasm] {
        try await store.insert(records, userID: userID ?? owner.id)
    }

    /// Stores one record and returns it.
    @discardableResult
    func seed(
        date: String, mode: Mode = .full, isPublic: Bool = false, type: String? = nil, grantedBy: String? = nil,
        userID: Int64? = nil
    ) async throws -> Orgasm {
        let record = NewOrgasm(
            date: LocalDate(date)!, mode: mode, isPublic: isPublic, type: type, grantedBy: grantedBy,
            inserted: Timestamp(clock.now())
        )
        return try await seed([record], userID: userID)[0]
    }

    /// Every record of `userID` (the owner by default), read through the store.
    func storedItems(userID: Int64? = nil) async throws -> [Orgasm] {
        try await store.orgasms(userID: userID ?? owner.id, afterID: 0, limit: 10_000)
    }
}

/// The seed's path; the alias is tested separately.
let orgasmsPath = "/api/v2/orgasms.php"

extension HTTPFields {
    /// `Authorization: Bearer <token>`, plus `Content-Type` when given.
    static func bearer(_ token: String, contentType: String? = nil) -> HTTPFields {
        var fields: HTTPFields = [.authorization: "Bearer \(token)"]
        if let contentType { fields[.contentType] = contentType }
        return fields
    }

    /// A JSON request with a bearer token.
    static func json(_ token: String) -> HTTPFields { .bearer(token, contentType: "application/json") }
}

extension TestClientProtocol {
    /// GET with a bearer token.
    func get(_ uri: String, token: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: .bearer(token))
    }

    /// A request with a JSON body (`Content-Type: application/json`) and a bearer token.
    func send(_ method: HTTPRequest.Method, _ uri: String, token: String, json: String) async throws -> TestResponse {
        try await execute(uri: uri, method: method, headers: .json(token), body: ByteBuffer(string: json))
    }

    /// POST of a JSON body to the orgasms path.
    func post(_ json: String, token: String) async throws -> TestResponse {
        try await send(.post, orgasmsPath, token: token, json: json)
    }

    /// PATCH of item `id` with a JSON body.
    func patch(id: Int64, _ json: String, token: String) async throws -> TestResponse {
        try await send(.patch, "\(orgasmsPath)?id=\(id)", token: token, json: json)
    }
}
