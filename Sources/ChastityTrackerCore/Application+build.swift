public import Hummingbird
public import HummingbirdHTTP2
import HummingbirdCore
public import HTTPTypes
public import Logging
public import Prometheus

/// The composition root: the one place that wires a store, a clock and a configuration into
/// the HTTP application. Only `serve` and the tests call it.
public func buildApplication<Store: ChastityStore>(
    configuration: Configuration,
    store: Store,
    clock: any WallClock = SystemWallClock(),
    logger: Logger = Logger(label: "chastity-tracker"),
    metrics: PrometheusCollectorRegistry? = nil
) throws -> some ApplicationProtocol {
    let lastUsed = LastUsedRecorder(store: store, logger: logger)
    let router = buildRouter(configuration: configuration, store: store, clock: clock, metrics: metrics, lastUsed: lastUsed)
    let server: HTTPServerBuilder
    if let files = configuration.tls {
        server = try .http2Upgrade(tlsConfiguration: makeTLSConfiguration(files))
    } else {
        server = .http1()
    }
    return Application(
        router: router,
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "chastity-tracker"),
        services: [IdempotencyPurgeService(store: store, clock: clock, logger: logger), lastUsed],
        logger: logger
    )
}

/// The server's TLS settings from PEM files, offering HTTP/2 and HTTP/1.1 by ALPN. Throws a
/// ``ValidationError`` naming the file that cannot be read.
public func makeTLSConfiguration(_ files: Configuration.TLSFiles) throws -> TLSConfiguration {
    let chain: [NIOSSLCertificate]
    let key: NIOSSLPrivateKey
    do {
        chain = try NIOSSLCertificate.fromPEMFile(files.certificateChainPath)
    } catch {
        throw ValidationError(field: "tls-cert", message: "cannot read a PEM certificate chain from \(files.certificateChainPath)")
    }
    do {
        key = try NIOSSLPrivateKey(file: files.privateKeyPath, format: .pem)
    } catch {
        throw ValidationError(field: "tls-key", message: "cannot read a PEM private key from \(files.privateKeyPath)")
    }
    guard !chain.isEmpty else {
        throw ValidationError(field: "tls-cert", message: "no certificate found in \(files.certificateChainPath)")
    }
    return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
}

/// The routes and middleware of the service (SPEC section 1).
/// With `metrics`, requests are measured and `/metrics` serves that registry (the caller
/// bootstraps swift-metrics with it); without, `/metrics` does not exist. Token uses are noted
/// in `lastUsed`, which writes them when run as a service.
public func buildRouter<Store: ChastityStore>(
    configuration: Configuration, store: Store, clock: any WallClock, metrics: PrometheusCollectorRegistry? = nil,
    lastUsed: LastUsedRecorder
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self, options: [.autoGenerateHeadEndpoints])
    var allowed: [String: [HTTPRequest.Method]] = [
        "/healthz": [.get, .head],
        "/readyz": [.get, .head],
        OpenAPIController.path: [.get, .head, .options],
    ]
    for path in APILimits.orgasmsPaths { allowed[path] = OrgasmsController<Store>.allowedMethods }
    router.add(middleware: RequestIDMiddleware())
    if metrics != nil {
        allowed[MetricsController.path] = [.get, .head]
        router.add(middleware: MetricsMiddleware())
    }
    // CORS outside the transport rule, so a browser can read even an https_required refusal.
    if !configuration.corsOrigins.isEmpty { router.add(middleware: CORSPolicyMiddleware(origins: configuration.corsOrigins)) }
    router.add(middleware: TransportSecurityMiddleware(behindProxy: configuration.behindProxy, tls: configuration.tls != nil))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: MethodGuardMiddleware(allowed: allowed))

    HealthController(store: store).addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    if let metrics { MetricsController(registry: metrics).addRoutes(to: router) }
    for path in APILimits.orgasmsPaths {
        let allow = OrgasmsController<Store>.allowedMethods.map(\.rawValue).joined(separator: ", ")
        router.on(RouterPath(path), method: .options) { _, _ in
            Response(status: .noContent, headers: [.allow: allow])
        }
    }
    let authenticated = router.group()
        .add(middleware: TokenAuthenticator(store: store, clock: clock, lastUsed: lastUsed))
        .group(context: AuthenticatedContext.self)
    if configuration.rateLimitPerMinute > 0 {
        authenticated.add(middleware: RateLimitMiddleware(limiter: RateLimiter(limit: configuration.rateLimitPerMinute, clock: clock), clock: clock))
    }
    let orgasms = OrgasmsController(
        store: store, clock: clock, earliestDate: configuration.earliestDate,
        recordQuota: configuration.recordQuota > 0 ? configuration.recordQuota : nil
    )
    for path in APILimits.orgasmsPaths { orgasms.addRoutes(to: authenticated, path: RouterPath(path)) }
    return router
}
