import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import ChastityTrackerServer

/// The API's token routes found by exact path before the router's trie (issue 24): a request
/// must be answered exactly as the router answers it.
@Suite struct ServiceRouterTests {
    static func request(_ target: String, _ method: HTTPRequest.Method = .get) -> Request {
        Request(head: HTTPRequest(method: method, scheme: nil, authority: nil, path: target), body: .init(buffer: ByteBuffer()))
    }

    static func router() async throws -> (ServiceRouter, @Sendable () -> Void, any ChastityStore) {
        let (store, cleanup) = try await TestBackend.sqlite.makeStore()
        let router = buildRouter(
            configuration: Configuration(), store: store, clock: FixedWallClock(TestApp.defaultNow),
            lastUsed: LastUsedRecorder(store: store, logger: Logger(label: "test")))
        return (router, cleanup, store)
    }

    @Test("the exact routes are the API's token routes, each with the methods its handlers serve")
    func exactRoutesAreTheTokenRoutes() async throws {
        let (router, cleanup, store) = try await Self.router()
        defer { cleanup() }
        let exact = Dictionary(uniqueKeysWithValues: router.buildResponder().exactRoutes.map { ($0.path, Set($0.methods.map(\.method.rawValue))) })
        #expect(
            exact == [
                "/api/v2/orgasms.php": ["GET", "POST", "PATCH", "DELETE"], "/api/v2/orgasms": ["GET", "POST", "PATCH", "DELETE"],
                "/api/v2/orgasms/changes": ["GET"],
            ])
        // Each is a route of the router as well (HEAD and OPTIONS are the router's alone).
        var served: [String: Set<String>] = [:]
        for route in router.router.routes { served["\(route.path)", default: []].insert(route.method.rawValue) }
        for (path, methods) in exact { #expect(methods.isSubset(of: served[path] ?? []), "\(path)") }
        try await store.close()
    }

    @Test(
        "a target is taken by the exact routes only when its path is the route's exactly and the method is one of the route's",
        arguments: [
            ("/api/v2/orgasms.php", HTTPRequest.Method.get, "/api/v2/orgasms.php"), ("/api/v2/orgasms.php?limit=5", .get, "/api/v2/orgasms.php"),
            ("/api/v2/orgasms?id=1", .delete, "/api/v2/orgasms"), ("/api/v2/orgasms/changes?since=x", .get, "/api/v2/orgasms/changes"),
            ("/api/v2/orgasms.php?", .post, "/api/v2/orgasms.php"), ("/api/v2/orgasms.php", .head, nil), ("/api/v2/orgasms.php", .options, nil),
            ("/api/v2/orgasms.php", .put, nil), ("/api/v2/orgasms/changes", .post, nil), ("//api/v2/orgasms.php", .get, nil),
            ("/api/v2/orgasms.php/", .get, nil), ("/api/v2/orgasms.phpx", .get, nil), ("/api/v2/orgasms.ph", .get, nil),
            ("/api/v2/orgasms.php#x", .get, nil), ("/API/v2/orgasms.php", .get, nil), ("http://host/api/v2/orgasms.php", .get, nil),
            ("/api/v2/orgasms%2Ephp", .get, nil), ("/healthz", .get, nil), ("", .get, nil),
        ] as [(String, HTTPRequest.Method, String?)])
    func exactMatch(_ target: String, _ method: HTTPRequest.Method, _ expected: String?) async throws {
        let (router, cleanup, store) = try await Self.router()
        defer { cleanup() }
        #expect(router.buildResponder().route(of: Self.request(target, method))?.path == expected)
        try await store.close()
    }

    @Test(
        "targets the exact routes leave to the router get the same answer as the exact path",
        arguments: ["//api/v2/orgasms.php?limit=2", "/api/v2/orgasms.php/?limit=2", "/api/v2//orgasms?limit=2"])
    func routerFallbackAnswersTheSame(_ target: String) async throws {
        try await TestApp.run { app, client in
            let created = try await client.send(
                .post, "/api/v2/orgasms.php", token: app.writeToken,
                json: #"[{"date":"2026-03-01","mode":"full"},{"date":"2026-03-02","mode":"ruined"}]"#)
            #expect(created.status == .created)
            let exact = try await client.execute(uri: "/api/v2/orgasms.php?limit=2", method: .get, headers: .bearer(app.readToken))
            let other = try await client.execute(uri: target, method: .get, headers: .bearer(app.readToken))
            #expect(exact.status == .ok)
            #expect(other.status == .ok)
            #expect(try expectSuccess(exact)["total"] == 2)
            #expect(String(buffer: other.body) == String(buffer: exact.body))
            #expect(other.headers[.eTag] == exact.headers[.eTag])
        }
    }
}
