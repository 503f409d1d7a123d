public import Hummingbird
public import HTTPTypes
public import Logging

/// The composition root: the one place that wires a store, a clock and a configuration into
/// the HTTP application. Only `serve` and the tests call it.
public func buildApplication<Store: ChastityStore>(
    configuration: Configuration,
    store: Store,
    clock: any WallClock = SystemWallClock(),
    logger: Logger = Logger(label: "chastity-tracker")
) -> some ApplicationProtocol {
    let router = buildRouter(configuration: configuration, store: store, clock: clock)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "chastity-tracker"),
        logger: logger
    )
}

/// The routes and middleware of the service (SPEC section 1).
public func buildRouter<Store: ChastityStore>(
    configuration: Configuration, store: Store, clock: any WallClock
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self, options: [.autoGenerateHeadEndpoints])
    var allowed: [String: [HTTPRequest.Method]] = [
        "/healthz": [.get, .head],
        OpenAPIController.path: [.get, .head, .options],
    ]
    for path in APILimits.orgasmsPaths { allowed[path] = OrgasmsController<Store>.allowedMethods }
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: MethodGuardMiddleware(allowed: allowed))

    HealthController(store: store).addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    for path in APILimits.orgasmsPaths {
        let allow = OrgasmsController<Store>.allowedMethods.map(\.rawValue).joined(separator: ", ")
        router.on(RouterPath(path), method: .options) { _, _ in
            Response(status: .noContent, headers: [.allow: allow])
        }
    }
    let authenticated = router.group()
        .add(middleware: TokenAuthenticator(store: store, clock: clock))
        .group(context: AuthenticatedContext.self)
    let orgasms = OrgasmsController(store: store, clock: clock, earliestDate: configuration.earliestDate)
    for path in APILimits.orgasmsPaths { orgasms.addRoutes(to: authenticated, path: RouterPath(path)) }
    return router
}
