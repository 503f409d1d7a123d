import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Metrics
import NIOCore
import Prometheus
import Testing

/// docs/CONTRACT.md section 10: HTTPS rules behind a proxy, the loopback-only plain-HTTP bind, CORS,
/// `X-Request-ID` and `/metrics`.
@Suite
struct TransportTests {
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let hsts = HTTPField.Name("Strict-Transport-Security")!
    static let requestID = HTTPField.Name("X-Request-ID")!
    /// Behind a proxy: served live, so that requests come from a peer (loopback, a trusted proxy by
    /// default); the router's test requests have none and would count as plain HTTP.
    static let behindProxy = Configuration(port: 0, behindProxy: true)

    // MARK: HTTPS behind a proxy

    @Test(arguments: ["http", "HTTP", "http, https", " http "])
    func behindAProxyAPlainHTTPRequestIs403HTTPSRequiredAndNeverARedirect(proto: String) async throws {
        try await TestApp.run(configuration: Self.behindProxy, testing: .live) { app, client in
            let requests: [(String, HTTPRequest.Method, HTTPFields)] = [
                (orgasmsPath, .get, .bearer(app.readToken)),
                ("/api/v2/orgasms?id=1", .get, .bearer(app.readToken)),
                (orgasmsPath, .post, .json(app.writeToken)),
                (orgasmsPath, .get, [:]),
                ("/api/v2/openapi.json", .get, [:]),
                ("/api/v2/nothing-here", .get, [:]),
            ]
            for (uri, method, var headers) in requests {
                headers[Self.forwardedProto] = proto
                let body = method == .post ? ByteBuffer(string: #"{"date":"2026-03-01","mode":"full"}"#) : nil
                let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
                try expectError(response, .forbidden, "https_required")
                #expect(response.headers[.location] == nil, "\(uri)")
                #expect(response.headers[Self.hsts] == "max-age=31536000")
                #expect(response.headers[.wwwAuthenticate] == nil)
            }
            #expect(try await app.storedItems().isEmpty)
        }
    }

    @Test func behindAProxyAnHTTPSRequestPassesAndCarriesHSTS() async throws {
        try await TestApp.run(configuration: Self.behindProxy, testing: .live) { app, client in
            var headers: HTTPFields = .bearer(app.readToken)
            headers[Self.forwardedProto] = "https"
            let forwarded = try await client.execute(uri: orgasmsPath, method: .get, headers: headers)
            #expect(forwarded.status == .ok)
            #expect(forwarded.headers[Self.hsts] == "max-age=31536000")
            // Without the header (the proxy did not say), and on non-API paths, requests pass too.
            let plain = try await client.get(orgasmsPath, token: app.readToken)
            #expect(plain.status == .ok)
            #expect(plain.headers[Self.hsts] == "max-age=31536000")
            let health = try await client.execute(uri: "/healthz", method: .get, headers: [Self.forwardedProto: "http"])
            #expect(health.status == .ok)
            #expect(health.headers[Self.hsts] == "max-age=31536000")
        }
    }

    @Test func withoutAProxyTheForwardedProtoHeaderIsIgnoredAndNoHSTSIsSent() async throws {
        try await TestApp.run { app, client in
            var headers: HTTPFields = .bearer(app.readToken)
            headers[Self.forwardedProto] = "http"
            let response = try await client.execute(uri: orgasmsPath, method: .get, headers: headers)
            #expect(response.status == .ok)
            #expect(response.headers[Self.hsts] == nil)
            #expect(try await client.execute(uri: "/healthz", method: .get).headers[Self.hsts] == nil)
        }
    }

    @Test(arguments: [
        "0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "127.0.0.1.nip.io", "127.example.com", "localhost.example.com",
        "127.1", "127.0.0.256", "127.0.0.1.", "::2", "1::1", "[::]", "::ffff:127.0.0.1", "1:2:3:4:5:6:7::1",
    ])
    func plainHTTPBeyondLoopbackIsRefusedUnlessTLSOrAProxy(host: String) throws {
        #expect(!Configuration.isLoopback(host))
        #expect(throws: ChastityTrackerDomain.ValidationError.self) { try Configuration(host: host).validateTransport() }
        do {
            try Configuration(host: host).validateTransport()
        } catch {
            #expect(error.field == "host")
            #expect(error.message.contains(host))
            #expect(error.message.contains("--tls-cert"))
            #expect(error.message.contains("--behind-proxy"))
        }
        try Configuration(host: host, behindProxy: true).validateTransport()
        try Configuration(host: host, tls: .init(certificateChainPath: "c.pem", privateKeyPath: "k.pem")).validateTransport()
    }

    @Test(arguments: [
        "127.0.0.1", "127.0.0.2", "127.255.255.254", "localhost", "LocalHost", "::1", "[::1]", "0:0:0:0:0:0:0:1", "0::1", "[0000::0001]",
    ])
    func loopbackAcceptsPlainHTTP(host: String) throws {
        #expect(Configuration.isLoopback(host))
        try Configuration(host: host).validateTransport()
    }

    @Test func theDefaultHostIsLoopback() throws {
        #expect(Configuration().host == "127.0.0.1")
        try Configuration().validateTransport()
    }

    // MARK: CORS

    static let origin = "https://app.example"
    static let cors = Configuration(corsOrigins: [origin, "http://localhost:3000"])

    static func corsHeaderNames(_ response: TestResponse) -> [String] {
        response.headers.map(\.name.canonicalName).filter { $0.lowercased().hasPrefix("access-control-") }
    }

    @Test func corsIsOffByDefault() async throws {
        try await TestApp.run { app, client in
            let get = try await client.execute(
                uri: orgasmsPath, method: .get, headers: [.authorization: "Bearer \(app.readToken)", .origin: Self.origin])
            #expect(get.status == .ok)
            let unauthorized = try await client.execute(uri: orgasmsPath, method: .get, headers: [.origin: Self.origin])
            #expect(unauthorized.status == .unauthorized)
            let preflight = try await client.execute(
                uri: orgasmsPath, method: .options,
                headers: [.origin: Self.origin, .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "authorization, content-type"]
            )
            #expect(preflight.status == .noContent)
            for response in [get, unauthorized, preflight] {
                #expect(Self.corsHeaderNames(response) == [])
                #expect(!response.headers[values: .vary].contains("Origin"))
            }
        }
    }

    @Test func anAllowedOriginGetsAllowOriginOnSuccessesAndErrors() async throws {
        try await TestApp.run(configuration: Self.cors) { app, client in
            let get = try await client.execute(
                uri: orgasmsPath, method: .get, headers: [.authorization: "Bearer \(app.readToken)", .origin: Self.origin])
            #expect(get.status == .ok)
            let unauthorized = try await client.execute(uri: orgasmsPath, method: .get, headers: [.origin: Self.origin])
            try expectError(unauthorized, .unauthorized, "unauthorized")
            let missing = try await client.execute(uri: "/api/v2/nothing", method: .get, headers: [.origin: Self.origin])
            try expectError(missing, .notFound, "not_found")
            for response in [get, unauthorized, missing] {
                #expect(response.headers[.accessControlAllowOrigin] == Self.origin)
                #expect(response.headers[values: .vary].contains("Origin"))
                let exposed = response.headers[.accessControlExposeHeaders] ?? ""
                for name in [
                    "ETag", "Location", "Retry-After", "X-Request-ID", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                    "Idempotent-Replayed",
                ] {
                    #expect(exposed.contains(name), "\(name) not in \(exposed)")
                }
                // Tokens travel in a header, never in cookies: credentials stay off.
                #expect(response.headers[.accessControlAllowCredentials] == nil)
            }
            // The second configured origin is allowed as well, with its own value echoed.
            let other = try await client.execute(uri: orgasmsPath, method: .get, headers: [.origin: "http://localhost:3000"])
            #expect(other.headers[.accessControlAllowOrigin] == "http://localhost:3000")
        }
    }

    @Test func aPreflightFromAnAllowedOriginIs204WithMethodsHeadersAndMaxAge() async throws {
        try await TestApp.run(configuration: Self.cors) { app, client in
            for path in [orgasmsPath, "/api/v2/orgasms"] {
                let preflight = try await client.execute(
                    uri: path, method: .options,
                    headers: [
                        .origin: Self.origin, .accessControlRequestMethod: "PATCH",
                        .accessControlRequestHeaders: "authorization, content-type, idempotency-key",
                    ]
                )
                #expect(preflight.status == .noContent)
                #expect(preflight.body.readableBytes == 0)
                #expect(preflight.headers[.accessControlAllowOrigin] == Self.origin)
                #expect(preflight.headers[.accessControlAllowMethods] == "GET, HEAD, POST, PATCH, DELETE, OPTIONS")
                let allowedHeaders = (preflight.headers[.accessControlAllowHeaders] ?? "").lowercased()
                for name in ["authorization", "content-type", "idempotency-key", "if-none-match", "x-request-id"] {
                    #expect(allowedHeaders.contains(name), "\(name) not in \(allowedHeaders)")
                }
                #expect(preflight.headers[.accessControlMaxAge] == "600")
                #expect(preflight.headers[values: .vary].contains("Origin"))
            }
        }
    }

    @Test func anotherOriginGetsNoCORSHeaders() async throws {
        try await TestApp.run(configuration: Self.cors) { app, client in
            for origin in ["https://evil.example", "https://app.example.evil", "null", "HTTPS://APP.EXAMPLE"] {
                let preflight = try await client.execute(
                    uri: orgasmsPath, method: .options, headers: [.origin: origin, .accessControlRequestMethod: "DELETE"]
                )
                #expect(preflight.headers[.accessControlAllowOrigin] == nil, "\(origin)")
                #expect(preflight.headers[.accessControlAllowMethods] == nil)
                let get = try await client.execute(
                    uri: orgasmsPath, method: .get, headers: [.authorization: "Bearer \(app.readToken)", .origin: origin])
                #expect(get.status == .ok)
                #expect(Self.corsHeaderNames(get) == [], "\(origin)")
                #expect(get.headers[values: .vary].contains("Origin"))
            }
        }
    }

    // MARK: X-Request-ID

    @Test(arguments: ["abc", "A-b_c.d:e", String(repeating: "x", count: 128), "0"])
    func aSaneRequestIDIsEchoed(id: String) async throws {
        try await TestApp.run { app, client in
            let ok = try await client.execute(
                uri: orgasmsPath, method: .get, headers: [.authorization: "Bearer \(app.readToken)", Self.requestID: id])
            #expect(ok.status == .ok)
            #expect(ok.headers[values: Self.requestID] == [id])
            let error = try await client.execute(uri: "/api/v2/nothing", method: .get, headers: [Self.requestID: id])
            #expect(error.status == .notFound)
            #expect(error.headers[values: Self.requestID] == [id])
            let health = try await client.execute(uri: "/healthz", method: .get, headers: [Self.requestID: id])
            #expect(health.headers[values: Self.requestID] == [id])
        }
    }

    @Test(arguments: [String(repeating: "x", count: 129), "has space", "slash/", "quote\"", "caf\u{e9}", "semi;colon", "a,b", "<script>"])
    func anInsaneRequestIDIsReplacedByAGeneratedOne(id: String) async throws {
        try await TestApp.run { app, client in
            let response = try await client.execute(
                uri: orgasmsPath, method: .get, headers: [.authorization: "Bearer \(app.readToken)", Self.requestID: id])
            #expect(response.status == .ok)
            let sent = try #require(response.headers[values: Self.requestID].first)
            #expect(response.headers[values: Self.requestID].count == 1)
            #expect(sent != id)
            #expect(sent.wholeMatch(of: /[0-9a-f]{16}/) != nil, "\(sent)")
        }
    }

    @Test func withoutARequestIDEachAnswerGetsANewOne() async throws {
        try await TestApp.run { app, client in
            var ids: Set<String> = []
            for _ in 1...5 {
                let response = try await client.get(orgasmsPath, token: app.readToken)
                let id = try #require(response.headers[Self.requestID])
                #expect(id.wholeMatch(of: /[0-9a-f]{16}/) != nil)
                ids.insert(id)
            }
            let unauthorized = try await client.execute(uri: orgasmsPath, method: .get)
            #expect(unauthorized.headers[Self.requestID] != nil)
            #expect(ids.count == 5)
        }
    }

    @Test func theHTTPSRequiredRefusalCarriesTheRequestID() async throws {
        try await TestApp.run(configuration: Self.behindProxy, testing: .live) { _, client in
            let response = try await client.execute(
                uri: orgasmsPath, method: .get, headers: [Self.forwardedProto: "http", Self.requestID: "trace-1"])
            try expectError(response, .forbidden, "https_required")
            #expect(response.headers[Self.requestID] == "trace-1")
        }
    }

    // MARK: /metrics

    /// swift-metrics can be bootstrapped once per process: every test shares this registry.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    @Test func metricsAreNotServedUnlessEnabled() async throws {
        try await TestApp.run { _, client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            try expectError(response, .notFound, "not_found")
        }
    }

    /// The value of the sample line of `name` whose labels include all of `labels`, or 0.
    static func sample(_ text: String, _ name: String, labels: [String]) -> Double {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") {
            guard labels.allSatisfy({ line.contains($0) }), let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            return value
        }
        return 0
    }

    @Test func enabledMetricsServeThePrometheusTextWithTheRequestCounterOfARoute() async throws {
        let registry = Self.registry
        try await TestApp.run(metrics: registry) { app, client in
            let labels = [#"http_route="/api/v2/orgasms""#, #"http_request_method="GET""#, #"http_response_status_code="404""#]
            let first = try await client.execute(uri: "/metrics", method: .get)
            #expect(first.status == .ok)
            #expect(first.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let before = Self.sample(first.text, "hb_requests", labels: labels)

            #expect(try await client.get("/api/v2/orgasms?id=999999", token: app.readToken).status == .notFound)
            #expect(try await client.get("/api/v2/orgasms?id=999998", token: app.readToken).status == .notFound)

            let after = try await client.execute(uri: "/metrics", method: .get)
            #expect(after.status == .ok)
            #expect(after.text.contains("# TYPE hb_requests counter"), "\(after.text)")
            #expect(Self.sample(after.text, "hb_requests", labels: labels) == before + 2, "\(after.text)")
            #expect(after.text.contains("http_server_request_duration"))
            // HEAD works too, without a body.
            let head = try await client.execute(uri: "/metrics", method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
        }
    }

    /// Metrics run outside every other middleware (issue 24), so a request the head limits refuse
    /// is counted too, under the route it asked for.
    @Test func withMetricsARequestRefusedForItsHeadIsCountedUnderItsRoute() async throws {
        try await TestApp.run(metrics: Self.registry) { app, client in
            let labels = [#"http_route="/api/v2/orgasms""#, #"http_request_method="GET""#, #"http_response_status_code="431""#]
            let before = Self.sample(try await client.execute(uri: "/metrics", method: .get).text, "hb_requests", labels: labels)
            let padding = String(repeating: "a", count: RequestHeadLimits.maximumHeaderSize)
            let refused = try await client.execute(
                uri: "/api/v2/orgasms", method: .get, headers: [.authorization: "Bearer \(app.readToken)", HTTPField.Name("X-Padding")!: padding])
            try expectError(refused, .requestHeaderFieldsTooLarge, "headers_too_large")
            let after = try await client.execute(uri: "/metrics", method: .get)
            #expect(Self.sample(after.text, "hb_requests", labels: labels) == before + 1, "\(after.text)")
        }
    }

}
