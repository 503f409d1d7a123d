public import ChastityTrackerDomain
import HTTPTypes
public import Hummingbird

/// `GET /healthz`: 200 when the database answers, 503 `unavailable` when it does not.
/// `GET /readyz`: 200 when the database can be written, 503 `unavailable` when it cannot, from a
/// probe answer kept for a few seconds (docs/CONTRACT.md section 1).
public struct HealthController<Store: StoreLifecycle>: Sendable {
    let store: Store
    let readiness: ReadinessProbe

    public init(store: Store, readiness: ReadinessProbe? = nil) {
        self.store = store
        self.readiness = readiness ?? ReadinessProbe(store: store)
    }

    public func addRoutes(to router: Router<AppRequestContext>, health: String, readiness readinessPath: String) {
        router.get(RouterPath(health)) { _, _ in
            try await store.ping()
            return Envelope.response { $0.raw(#"{"status":"ok"}"#) }
        }
        router.get(RouterPath(readinessPath)) { _, _ in
            guard await readiness.isWritable() else {
                throw APIError.notWritable
            }
            return Envelope.response { $0.raw(#"{"status":"ready"}"#) }
        }
    }
}
