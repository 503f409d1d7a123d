public import HTTPTypes

/// Who may call a route (docs/CONTRACT.md section 1).
public enum RouteAccess: Sendable, Hashable {
    /// Anyone: health, the OpenAPI document, metrics.
    case open
    /// A bearer token (docs/CONTRACT.md section 3).
    case bearerToken
    /// A signed-in session of the account pages (docs/CONTRACT.md section 12).
    case session
}

/// One path the service answers and every method it serves there, `HEAD` and `OPTIONS` included.
public struct Route: Sendable, Hashable {
    public let path: String
    public let methods: [HTTPRequest.Method]
    public let access: RouteAccess
    /// Whether the OpenAPI document (`Resources/openapi.json`) describes this path as operations:
    /// every method but `HEAD` and `OPTIONS`, which the router answers for every path by itself.
    public let isDocumented: Bool

    /// The `Allow` header's value: the methods in the table's order.
    public var allow: String { methods.map(\.rawValue).joined(separator: ", ") }
}

/// Every route of the service: the one list that the router is built from, and that the method
/// guard (405 and `Allow`), the `OPTIONS` answers, CORS preflights and the test against the
/// OpenAPI document read. A path or method added here and nowhere else fails the router test.
public struct RouteTable: Sendable {
    /// The Orgasms endpoint: the seed's path and its alias (docs/CONTRACT.md section 1).
    public static let orgasmsPaths = ["/api/v2/orgasms.php", "/api/v2/orgasms"]
    /// The changes feed (docs/CONTRACT.md section 13).
    public static let changesPaths = ["/api/v2/orgasms/changes"]
    public static let openAPIPath = "/api/v2/openapi.json"
    public static let healthPath = "/healthz"
    public static let readinessPath = "/readyz"
    public static let metricsPath = "/metrics"

    public let routes: [Route]
    private let byPath: [String: Route]

    /// The service's routes; `/metrics` only when metrics are on, OAuth's only when it is on (the
    /// server has a public URL).
    public init(metrics: Bool, oauth: Bool = false) {
        // The alias is described in the document's prose, not as operations of its own, so that a
        // client generated from the document has one method per operation.
        var routes = Self.orgasmsPaths.map {
            Route(path: $0, methods: [.get, .head, .post, .patch, .delete, .options], access: .bearerToken, isDocumented: $0 == Self.orgasmsPaths[0])
        }
        routes += Self.changesPaths.map { Route(path: $0, methods: [.get, .head, .options], access: .bearerToken, isDocumented: true) }
        routes.append(Route(path: Self.openAPIPath, methods: [.get, .head, .options], access: .open, isDocumented: true))
        routes.append(Route(path: Self.healthPath, methods: [.get, .head], access: .open, isDocumented: true))
        routes.append(Route(path: Self.readinessPath, methods: [.get, .head], access: .open, isDocumented: true))
        // Prometheus text for the operator's scraper, not part of the API.
        if metrics { routes.append(Route(path: Self.metricsPath, methods: [.get, .head], access: .open, isDocumented: false)) }
        // The account pages are HTML for people, not part of the API's document.
        routes += [
            Route(path: AccountRoutes.signIn, methods: [.get, .head, .post], access: .open, isDocumented: false),
            Route(path: AccountRoutes.stylesheet, methods: [.get, .head], access: .open, isDocumented: false),
            Route(path: AccountRoutes.overview, methods: [.get, .head], access: .session, isDocumented: false),
            Route(path: AccountRoutes.signOut, methods: [.post], access: .session, isDocumented: false),
            Route(path: AccountRoutes.tokens, methods: [.get, .head, .post], access: .session, isDocumented: false),
            Route(path: AccountRoutes.revokeToken, methods: [.post], access: .session, isDocumented: false),
            Route(path: AccountRoutes.regenerateToken, methods: [.post], access: .session, isDocumented: false),
            Route(path: AccountRoutes.webhooks, methods: [.get, .head, .post], access: .session, isDocumented: false),
            Route(path: AccountRoutes.testWebhook, methods: [.post], access: .session, isDocumented: false),
            Route(path: AccountRoutes.redeliverWebhook, methods: [.post], access: .session, isDocumented: false),
            Route(path: AccountRoutes.removeWebhook, methods: [.post], access: .session, isDocumented: false),
            Route(path: AccountRoutes.records, methods: [.get, .head], access: .session, isDocumented: false),
            Route(path: AccountRoutes.exportJSON, methods: [.get, .head], access: .session, isDocumented: false),
            Route(path: AccountRoutes.exportCSV, methods: [.get, .head], access: .session, isDocumented: false),
            Route(path: AccountRoutes.settings, methods: [.get, .head], access: .session, isDocumented: false),
            Route(path: AccountRoutes.changePassword, methods: [.post], access: .session, isDocumented: false),
            Route(path: AccountRoutes.changeTimeZone, methods: [.post], access: .session, isDocumented: false),
            Route(path: AccountRoutes.deleteAccount, methods: [.post], access: .session, isDocumented: false),
            Route(path: AccountRoutes.disconnectApp, methods: [.post], access: .session, isDocumented: false),
        ]
        if oauth {
            // The authorization endpoint and the consent page are for people (HTML); the token and
            // revocation endpoints and the metadata are for apps, and documented.
            routes += [
                Route(path: OAuthController.authorizePath, methods: [.get, .head], access: .open, isDocumented: false),
                Route(path: OAuthController.tokenPath, methods: [.post], access: .open, isDocumented: true),
                Route(path: OAuthController.revokePath, methods: [.post], access: .open, isDocumented: true),
                Route(path: OAuthController.metadataPath, methods: [.get, .head], access: .open, isDocumented: true),
                Route(path: AccountRoutes.authorize, methods: [.get, .head, .post], access: .session, isDocumented: false),
            ]
        }
        self.routes = routes
        self.byPath = Dictionary(uniqueKeysWithValues: routes.map { ($0.path, $0) })
    }

    /// The route at `path` (already normalised), or `nil` for a path the service does not serve.
    public func route(at path: String) -> Route? { byPath[path] }
}
