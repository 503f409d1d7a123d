import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerServices
import ChastityTrackerTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// What a hostile client tried on the request itself (issue 9): junk after the token, paths
/// that the router resolves but a middleware judged as another path, free 304s without end,
/// and PHP's bracketed parameter names.
@Suite
struct HardeningRequestTests {
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let remainingHeader = HTTPField.Name("X-RateLimit-Remaining")!
    static let orgasmsMethods: Set<String> = ["GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS"]

    static func methods(inAllow allow: String?) -> Set<String> {
        Set((allow ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    // MARK: The token, exactly (docs/CONTRACT.md section 3, RFC 6750 b64token)

    /// What is put after (or before) a valid token: Unicode spaces and invisible characters
    /// are junk, not whitespace, so the credential is no longer a token.
    static let junk: [(label: String, before: String, after: String)] = [
        ("no-break space after", "", "\u{A0}"),
        ("zero-width space after", "", "\u{200B}"),
        ("ideographic space after", "", "\u{3000}"),
        ("byte order mark after", "", "\u{FEFF}"),
        ("next line after", "", "\u{85}"),
        ("em space after", "", "\u{2003}"),
        ("no-break space before", "\u{A0}", ""),
        ("zero-width space before", "\u{200B}", ""),
        ("a second word after", "", " x"),
        ("a dot after", "", "."),
    ]

    @Test(arguments: junk)
    func aValidTokenWithJunkAroundItIs401InvalidToken(label: String, before: String, after: String) async throws {
        try await TestApp.run { app, client in
            let response = try await client.execute(
                uri: orgasmsPath, method: .get, headers: [.authorization: "Bearer \(before)\(app.readToken)\(after)"]
            )
            try expectError(response, .unauthorized, "unauthorized")
            #expect(response.headers[.wwwAuthenticate] == invalidTokenChallenge, "\(label)")
        }
    }

    /// ASCII spaces and tabs around the token, and the scheme in any case, are allowed.
    static let allowedSpellings: [(label: String, format: String)] = [
        ("one space", "Bearer %@"),
        ("two spaces", "Bearer  %@"),
        ("a tab after the scheme", "Bearer\t%@"),
        ("a space and a tab after the scheme", "Bearer \t %@"),
        ("a tab and spaces inside, after the token", "Bearer %@ \t "),
        ("lowercase scheme", "bearer %@"),
        ("mixed-case scheme", "bEaReR %@"),
    ]

    @Test(arguments: allowedSpellings)
    func aValidTokenWithASCIISpacesOrTabsAroundItIsAccepted(label: String, format: String) async throws {
        try await TestApp.run { app, client in
            let header = format.replacingOccurrences(of: "%@", with: app.readToken)
            let response = try await client.execute(uri: orgasmsPath, method: .get, headers: [.authorization: header])
            #expect(response.status == .ok, "\(label): \(response.text)")
        }
    }

    /// Over a real socket, where no client library tidies the header: the bytes after the
    /// token reach the server as sent (NIO strips only the field's outer spaces and tabs, and
    /// its parser refuses control characters with 400 before the app sees them).
    static let rawJunk: [(label: String, after: String, status: Int)] = [
        ("no-break space", "\u{A0}", 401),
        ("zero-width space", "\u{200B}", 401),
        ("ideographic space", "\u{3000}", 401),
        ("vertical tab", "\u{0B}", 400),
        ("form feed", "\u{0C}", 400),
        ("trailing tab", "\t", 200),
        ("trailing spaces", "   ", 200),
    ]

    @Test(arguments: rawJunk)
    func overARealSocketOnlyASCIISpacesAndTabsMayFollowTheToken(label: String, after: String, status: Int) async throws {
        try await Self.live { token, port in
            let answer = try await Self.exchange(
                port: port,
                "GET \(orgasmsPath) HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(token)\(after)\r\nConnection: close\r\n\r\n"
            )
            #expect(answer.hasPrefix("HTTP/1.1 \(status) "), "\(label): \(answer.prefix(200))")
            if status == 401 { #expect(answer.contains(#""code":"unauthorized""#), "\(label)") }
        }
    }

    // MARK: One normalised path (docs/CONTRACT.md sections 1 and 10)

    /// Spellings of the Orgasms paths that Hummingbird's router resolves to the routes (it
    /// skips empty segments), so every path-based rule must judge them as those routes.
    static let servedSpellings = [
        "//api/v2/orgasms.php", "///api/v2/orgasms.php", "/api//v2/orgasms.php", "/api/v2//orgasms.php",
        "/api/v2/orgasms.php/", "/api/v2/orgasms.php//", "//api//v2//orgasms//", "api/v2/orgasms.php",
    ]

    // Served live (requests must come from a trusted proxy's address), so only spellings an HTTP
    // client can send: a request target starts with a slash.
    @Test(arguments: servedSpellings.filter { $0.hasPrefix("/") })
    func behindAProxyEverySpellingOfTheEndpointIs403HTTPSRequired(path: String) async throws {
        try await TestApp.run(configuration: Configuration(port: 0, behindProxy: true), testing: .live) { app, client in
            // The router does serve this spelling: over HTTPS it answers with data.
            let served = try await client.execute(uri: "\(path)?limit=1", method: .get, headers: .bearer(app.readToken))
            #expect(served.status == .ok, "\(path): \(served.text)")
            var headers: HTTPFields = .bearer(app.readToken)
            headers[Self.forwardedProto] = "http"
            for method in [HTTPRequest.Method.get, .head, .post, .delete] {
                let refused = try await client.execute(uri: "\(path)?limit=1", method: method, headers: headers)
                if method == .head {
                    #expect(refused.status == .forbidden, "\(path)")
                } else {
                    try expectError(refused, .forbidden, "https_required")
                }
            }
        }
    }

    @Test(arguments: servedSpellings)
    func everySpellingOfTheEndpointAnswersAnUnservedMethodWith405AndAllow(path: String) async throws {
        try await TestApp.run { app, client in
            for method in [HTTPRequest.Method.put, .trace, HTTPRequest.Method("PROPFIND")!] {
                let response = try await client.execute(
                    uri: path, method: method, headers: .json(app.writeToken), body: ByteBuffer(string: #"{"date":"2026-03-01","mode":"full"}"#)
                )
                try expectError(response, .methodNotAllowed, "method_not_allowed")
                #expect(Self.methods(inAllow: response.headers[.allow]) == Self.orgasmsMethods, "\(path)")
            }
            let options = try await client.execute(uri: path, method: .options)
            #expect(options.status == .noContent)
            #expect(Self.methods(inAllow: options.headers[.allow]) == Self.orgasmsMethods, "\(path)")
            #expect(try await app.storedItems().isEmpty)
        }
    }

    @Test(arguments: ["//healthz", "/healthz/", "//api/v2/openapi.json", "/api/v2/openapi.json/"])
    func otherPathsSpelledWithExtraSlashesAnswer405TooNot404(path: String) async throws {
        try await TestApp.run { _, client in
            let response = try await client.execute(uri: path, method: .post)
            try expectError(response, .methodNotAllowed, "method_not_allowed")
            #expect(Self.methods(inAllow: response.headers[.allow]).contains("GET"), "\(path)")
            #expect(try await client.execute(uri: path, method: .get).status == .ok, "\(path)")
        }
    }

    /// Spellings the router does not resolve (it does not decode, resolve dot segments or fold
    /// case): they are unknown paths for every method, never data.
    @Test(arguments: [
        "/api/v2/./orgasms.php", "/api/v2/x/../orgasms.php", "/./api/v2/orgasms.php", "/api%2Fv2%2Forgasms.php", "/api/v2/orgasms%2Ephp",
        "/%61pi/v2/orgasms.php", "/api/v2/orgasms.php;x=1", "/API/v2/orgasms.php", "/api/v2/orgasms.php%20", "/api/v2/orgasms.php\\",
    ])
    func spellingsTheRouterDoesNotResolveAre404ForEveryMethod(path: String) async throws {
        try await TestApp.run { app, client in
            for method in [HTTPRequest.Method.get, .put, .delete] {
                let response = try await client.execute(uri: "\(path)?id=1", method: method, headers: .bearer(app.writeToken))
                try expectError(response, .notFound, "not_found")
            }
        }
    }

    @Test func theRequestLogNamesTheNormalisedPathWithoutTheQuery() async throws {
        let records = Self.LogRecords()
        var logger = Logger(label: "hardening-test") { _ in Self.RecordingLogHandler(records: records) }
        logger.logLevel = .info
        try await Self.withApp(logger: logger, setup: .router) { token, client in
            let response = try await client.execute(uri: "//api/v2//orgasms.php/?limit=1", method: .get, headers: .bearer(token))
            #expect(response.status == .ok)
        }
        let paths = records.entries.filter { $0.message == "request" }.compactMap { $0.metadata["path"].map { "\($0)" } }
        #expect(paths == ["/api/v2/orgasms.php"])
    }

    // MARK: Free 304s have an allowance (docs/CONTRACT.md section 10)

    @Test func ifNoneMatchStarIsFreeOnlyUpToTheAllowanceThenCountsUntil429() async throws {
        try await TestApp.run(configuration: Configuration(rateLimitPerMinute: 5)) { app, client in
            try await app.seed(date: "2026-03-01")
            var headers: HTTPFields = .bearer(app.readToken)
            headers[.ifNoneMatch] = "*"
            var statuses: [Int] = []
            var remaining: [String] = []
            for _ in 1...12 {
                let response = try await client.execute(uri: "\(orgasmsPath)?limit=200", method: .get, headers: headers)
                statuses.append(response.status.code)
                remaining.append(response.headers[Self.remainingHeader] ?? "none")
                if response.status == .tooManyRequests {
                    try expectError(response, .tooManyRequests, "rate_limited")
                    #expect(response.headers[.retryAfter] == "60")
                }
            }
            // The allowance is the limit: five free 304s, five counted ones, then refusals.
            #expect(statuses == [304, 304, 304, 304, 304, 304, 304, 304, 304, 304, 429, 429])
            #expect(remaining == ["5", "5", "5", "5", "5", "4", "3", "2", "1", "0", "0", "0"])
            try expectError(try await client.get(orgasmsPath, token: app.readToken), .tooManyRequests, "rate_limited")
        }
    }

    @Test func theFree304AllowanceIsPerTokenAndStartsAfreshInTheNextWindow() async throws {
        try await TestApp.run(configuration: Configuration(rateLimitPerMinute: 2)) { app, client in
            func revalidate(_ token: String) async throws -> (Int, String) {
                var headers: HTTPFields = .bearer(token)
                headers[.ifNoneMatch] = "*"
                let response = try await client.execute(uri: orgasmsPath, method: .get, headers: headers)
                return (response.status.code, response.headers[Self.remainingHeader] ?? "none")
            }
            for expected in [(304, "2"), (304, "2"), (304, "1")] {
                let answer = try await revalidate(app.readToken)
                #expect(answer == expected)
            }
            // The write token has its own free 304s.
            let other = try await revalidate(app.writeToken)
            #expect(other == (304, "2"))
            app.clock.advance(by: 60)
            for expected in [(304, "2"), (304, "2"), (304, "1"), (304, "0"), (429, "0")] {
                let answer = try await revalidate(app.readToken)
                #expect(answer == expected)
            }
        }
    }

    /// One token's answers in order, and what the limiter reports after each: the remaining
    /// count, or `nil` when the request is refused.
    struct LimiterCase: Sendable, CustomTestStringConvertible {
        var limit: Int
        var freeNotModified: Int?
        var answers: [Int]
        var remaining: [Int?]
        var testDescription: String { "limit \(limit), free \(freeNotModified.map(String.init) ?? "default"): \(answers)" }
    }

    @Test(arguments: [
        LimiterCase(limit: 2, freeNotModified: nil, answers: [304, 304, 304, 304, 304], remaining: [2, 2, 1, 0, nil]),
        LimiterCase(limit: 3, freeNotModified: nil, answers: [200, 304, 304, 304, 304, 200, 200], remaining: [2, 2, 2, 2, 1, 0, nil]),
        LimiterCase(limit: 3, freeNotModified: 0, answers: [304, 200, 304, 304], remaining: [2, 1, 0, nil]),
        LimiterCase(limit: 2, freeNotModified: 1, answers: [200, 304, 304, 200], remaining: [1, 1, 0, nil]),
        LimiterCase(limit: 1, freeNotModified: 5, answers: [304, 304, 304, 304, 304, 304, 200], remaining: [1, 1, 1, 1, 1, 0, nil]),
    ])
    func theLimiterGivesA304sSlotBackOnlyWhileTheAllowanceLasts(_ limiterCase: LimiterCase) {
        let clock = FixedWallClock(TestApp.defaultNow)
        let limiter = RateLimiter(limit: limiterCase.limit, freeNotModified: limiterCase.freeNotModified, clock: clock)
        var reported: [Int?] = []
        for answer in limiterCase.answers {
            switch limiter.admit(tokenID: 7) {
            case .admitted(let ticket):
                reported.append(limiter.finish(ticket, counted: answer != 304).remaining)
            case .refused(let window):
                #expect(window.remaining == 0)
                reported.append(nil)
            }
        }
        #expect(reported == limiterCase.remaining)
    }

    @Test func theDefaultFree304AllowanceEqualsTheLimit() {
        #expect(RateLimiter(limit: 600, clock: FixedWallClock(TestApp.defaultNow)).freeNotModified == 600)
        #expect(RateLimiter(limit: 5, freeNotModified: -1, clock: FixedWallClock(TestApp.defaultNow)).freeNotModified == 0)
    }

    // MARK: Bracketed parameter names (docs/CONTRACT.md section 5)

    /// A query, the parameter it must name in `field`, and the name as sent (decoded) that the
    /// message quotes.
    static let bracketed: [(query: String, field: String, sent: String)] = [
        ("limit[]=1", "limit", "limit[]"), ("id[]=5", "id", "id[]"), ("id[0]=5", "id", "id[0]"), ("mode[]=full", "mode", "mode[]"),
        ("from[]=2026-01-01", "from", "from[]"), ("to[x]=2026-01-01", "to", "to[x]"), ("public[]=1", "public", "public[]"),
        ("offset[]=0", "offset", "offset[]"), ("limit[=1", "limit", "limit["), ("limit%5B%5D=1", "limit", "limit[]"),
        ("id%5b0%5d=5", "id", "id[0]"), ("limit=5&limit[]=6", "limit", "limit[]"), ("id=5&id[]=6", "id", "id[]"),
    ]

    @Test(arguments: bracketed)
    func aKnownParameterWithBracketsIs400NamingIt(query: String, field: String, sent: String) async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-03-01")
            let list = try await client.get("\(orgasmsPath)?\(query)", token: app.readToken)
            let error = try expectValidationError(list, field: field)
            #expect(error["message"]?.stringValue?.contains("'\(sent)'") == true, "\(error)")
            // Details, PATCH and DELETE refuse it as well, and change nothing.
            try expectValidationError(try await client.get("\(orgasmsPath)?id=\(item.id)&\(query)", token: app.readToken), field: field)
            try expectValidationError(
                try await client.send(.patch, "\(orgasmsPath)?id=\(item.id)&\(query)", token: app.writeToken, json: #"{"type":"x"}"#), field: field
            )
            try expectValidationError(
                try await client.execute(uri: "\(orgasmsPath)?id=\(item.id)&\(query)", method: .delete, headers: .bearer(app.writeToken)),
                field: field
            )
            #expect(try await app.storedItems() == [item])
        }
    }

    @Test(arguments: ["foo[]=1", "limits[]=1", "Limit[]=1", "xid[]=5", "[id]=5", "limit]=1", "idx[0]=5"])
    func otherBracketedNamesAreStillIgnored(query: String) async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-03-01")
            let list = try expectSuccess(try await client.get("\(orgasmsPath)?\(query)", token: app.readToken))
            #expect(list["total"] == 1)
            #expect(list["limit"] == 50)
            let details = try expectSuccess(try await client.get("\(orgasmsPath)?id=\(item.id)&\(query)", token: app.readToken))
            #expect(details["id"] == .int(item.id))
        }
    }

    @Test func percentEncodedParameterNamesAreDecodedLikeValues() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-03-01")
            let details = try expectSuccess(try await client.get("\(orgasmsPath)?%69d=\(item.id)", token: app.readToken))
            #expect(details["id"] == .int(item.id))
            try expectValidationError(try await client.get("\(orgasmsPath)?%6Cimit=0", token: app.readToken), field: "limit")
        }
    }

    // MARK: Helpers

    /// A fresh store with one user and a read token, and the app around it with `logger`.
    static func withApp(
        configuration: Configuration = Configuration(), logger: Logger = Logger(label: "hardening-test"), setup: TestingSetup,
        _ body: @Sendable (String, any TestClientProtocol) async throws -> Void
    ) async throws {
        let (store, cleanup) = try await TestBackend.selected.makeStore()
        defer { cleanup() }
        do {
            try await serve(store, configuration: configuration, logger: logger, setup: setup, body)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    private static func serve<Store: ChastityStore>(
        _ store: Store, configuration: Configuration, logger: Logger, setup: TestingSetup,
        _ body: @Sendable (String, any TestClientProtocol) async throws -> Void
    ) async throws {
        let clock = FixedWallClock(TestApp.defaultNow)
        let admin = Administration(store: store, configuration: configuration, clock: clock)
        let owner = try await admin.addUser(name: TestApp.uniqueName("owner"), timeZone: "UTC")
        let (_, secret) = try await admin.createToken(userName: owner.name, permission: .read, label: "read")
        // No purges: on the PostgreSQL database the API suite shares, they would judge other apps'
        // rows by this app's clock (see TestApp.run).
        let app = try buildApplication(
            configuration: configuration.with(port: 0), store: store, clock: clock, logger: logger, purges: !TestBackend.selected.isPostgres,
            webhooks: false)
        try await app.test(setup) { client in try await body(secret.plaintext, GeneratedTypesCheckingClient(base: client)) }
    }

    /// Runs `body` with a read token and the port of the app served live on loopback.
    static func live(_ body: @Sendable (String, Int) async throws -> Void) async throws {
        var logger = Logger(label: "hardening-test")
        logger.logLevel = .warning
        try await withApp(logger: logger, setup: .live) { token, client in
            try await body(token, try #require(client.port))
        }
    }

    /// Sends `request` as raw bytes over a new TCP connection and returns everything the server
    /// answers until it closes the connection.
    static func exchange(port: Int, _ request: String) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: Array(request.utf8)))
            var received = ByteBuffer()
            for try await var part in inbound { received.writeBuffer(&part) }
            return String(buffer: received)
        }
    }

    /// The log events of one test, kept in memory.
    final class LogRecords: Sendable {
        struct Entry: Sendable {
            var message: String
            var metadata: Logger.Metadata
        }

        private let storage = Mutex<[Entry]>([])

        var entries: [Entry] { storage.withLock { $0 } }

        func append(_ entry: Entry) { storage.withLock { $0.append(entry) } }
    }

    /// A log handler that records every event with its merged metadata.
    struct RecordingLogHandler: LogHandler {
        let records: LogRecords
        var logLevel: Logger.Level = .info
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            records.append(.init(message: "\(event.message)", metadata: metadata.merging(event.metadata ?? [:]) { _, new in new }))
        }
    }
}

extension Configuration {
    fileprivate func with(port: Int) -> Configuration {
        var copy = self
        copy.port = port
        return copy
    }
}
