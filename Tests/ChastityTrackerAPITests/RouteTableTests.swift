import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

/// The route table is the one list of paths and methods: the router built from it serves exactly
/// what it lists, and nothing else (docs/CONTRACT.md section 1).
@Suite struct RouteTableTests {
    @Test("The router serves exactly the table's paths and methods (HEAD is generated from GET)", arguments: [false, true])
    func routerMatchesTable(metrics: Bool) async throws {
        let (store, cleanup) = try await TestBackend.sqlite.makeStore()
        defer { cleanup() }
        let router = buildRouter(
            configuration: Configuration(), store: store, clock: FixedWallClock(TestApp.defaultNow),
            metrics: metrics ? PrometheusCollectorRegistry() : nil, lastUsed: LastUsedRecorder(store: store, logger: Logger(label: "test"))
        )
        var served: [String: Set<String>] = [:]
        for route in router.router.routes { served["\(route.path)", default: []].insert(route.method.rawValue) }
        let table = RouteTable(metrics: metrics)
        var listed: [String: Set<String>] = [:]
        for route in table.routes {
            #expect(route.methods.contains(.get) == route.methods.contains(.head), "\(route.path): HEAD goes with GET")
            listed[route.path] = Set(route.methods.filter { $0 != .head }.map(\.rawValue))
        }
        #expect(served == listed)
        #expect((table.route(at: RouteTable.metricsPath) != nil) == metrics)
        try await store.close()
    }
}
