import ChastityTrackerDomain
public import Hummingbird
import NIOCore
public import Prometheus

/// `GET /metrics`: the registry in Prometheus text format, when metrics are enabled.
public struct MetricsController: Sendable {
    let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    public func addRoutes(to router: Router<AppRequestContext>, path: String) {
        router.get(RouterPath(path)) { _, _ in
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes))
            )
        }
    }
}
