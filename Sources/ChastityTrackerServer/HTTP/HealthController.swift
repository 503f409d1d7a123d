public import ChastityTrackerDomain
public import Hummingbird
public import HTTPTypes

/// `GET /healthz`: 200 when the database answers, 503 `unavailable` when it does not.
public struct HealthController<Store: ChastityStore>: Sendable {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    public func addRoutes(to router: Router<AppRequestContext>, path: String) {
        router.get(RouterPath(path)) { _, _ in
            try await store.ping()
            return Envelope.response { $0.raw(#"{"status":"ok"}"#) }
        }
    }
}
