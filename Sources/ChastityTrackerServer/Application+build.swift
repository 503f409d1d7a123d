public import ChastityTrackerDomain
import ChastityTrackerServices
import HTTPTypes
public import Hummingbird
import HummingbirdCore
public import HummingbirdHTTP2
public import Logging
import NIOCore
import NIOSSL
public import Prometheus
import ServiceLifecycle

/// The composition root: the one place that wires a store, a clock and a configuration into
/// the HTTP application. Only `serve` and the tests call it.
///
/// `purges` runs the hourly purges of idempotency keys and account leftovers beside the server
/// (always, for `serve`). A purge is global to the database and judges age by `clock`, so tests
/// that share one database between apps with different fixed clocks turn it off: one app's
/// later clock would purge the others' sessions and keys. `webhooks` runs the webhook delivery
/// (always, for `serve`); tests that share one database between apps turn it off, so that one
/// app's deliverer does not claim the messages another test is watching.
public func buildApplication<Store: ChastityStore>(
    configuration: Configuration,
    store: Store,
    clock: any WallClock = SystemWallClock(),
    logger: Logger = Logger(label: "chastity-tracker"),
    metrics: PrometheusCollectorRegistry? = nil,
    account: AccountSettings = AccountSettings(),
    tokens: TokenGenerator = .random,
    purges: Bool = true,
    webhooks: Bool = true
) throws -> some ApplicationProtocol {
    let lastUsed = LastUsedRecorder(store: store, logger: logger)
    let router = buildRouter(
        configuration: configuration, store: store, clock: clock, metrics: metrics, lastUsed: lastUsed, account: account, tokens: tokens
    )
    // One idle timeout bounds idle keep-alive connections, slow request heads and stalled
    // bodies: Hummingbird restarts it on every decoded part of a request.
    let http1 = HTTP1Channel.Configuration(
        idleTimeout: TimeAmount(configuration.idleTimeout),
        httpDecoderConfiguration: .init(maxHeaderFieldSize: RequestHeadLimits.parserLimit, maxHeaderListSize: RequestHeadLimits.parserLimit)
    )
    let server: HTTPServerBuilder
    if let files = configuration.tls {
        server = try .http2Upgrade(
            tlsConfiguration: makeTLSConfiguration(files),
            configuration: .init(idleTimeout: configuration.idleTimeout, streamConfiguration: http1),
            handshakeTimeout: configuration.tlsHandshakeTimeout, http2SilenceTimeout: configuration.idleTimeout
        )
    } else {
        server = .http1(configuration: http1)
    }
    return Application(
        router: router,
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "chastity-tracker"),
        services: (purges
            ? [
                IdempotencyPurgeService(store: store, clock: clock, logger: logger),
                TombstonePurgeService(store: store, retention: configuration.changesRetention, logger: logger),
                AccountPurgeService(store: store, clock: clock, logger: logger, settings: account),
            ] : [any Service]()) + [lastUsed]
            + (webhooks
                ? [
                    // On the real clock, whatever the app's: a retry's wait is about when a receiver
                    // comes back, and a lease about when an attempt must have ended.
                    WebhookDeliveryService(
                        store: store, clock: SystemWallClock(), settings: .init(allowPrivate: configuration.webhooksAllowPrivate), logger: logger)
                ] : []),
        logger: logger
    )
}

/// The server's TLS settings from PEM files, offering HTTP/2 and HTTP/1.1 by ALPN, TLS 1.2 or
/// newer only, with forward-secret AEAD cipher suites only. Throws a ``ValidationError`` naming
/// the file that cannot be read.
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
    var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    // TLS 1.0 and 1.1 are broken; TLS 1.3's suites are all forward-secret AEAD, and for TLS 1.2
    // only ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 (no CBC, no static RSA).
    tls.minimumTLSVersion = .tlsv12
    tls.cipherSuiteValues = tls12CipherSuites
    return tls
}

/// The TLS 1.2 cipher suites the server offers, strongest first.
let tls12CipherSuites: [NIOTLSCipher] = [
    .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
]

/// The routes and middleware of the service (docs/CONTRACT.md section 1), built from the one
/// ``RouteTable``. With `metrics`, requests are measured and `/metrics` serves that registry (the
/// caller bootstraps swift-metrics with it); without, `/metrics` does not exist. Token uses are
/// noted in `lastUsed`, which writes them when run as a service. The account pages (sessions,
/// throttling) follow `account`.
public func buildRouter<Store: ChastityStore>(
    configuration: Configuration, store: Store, clock: any WallClock, metrics: PrometheusCollectorRegistry? = nil,
    lastUsed: LastUsedRecorder, account: AccountSettings = AccountSettings(), tokens: TokenGenerator = .random
) -> ServiceRouter {
    let table = RouteTable(metrics: metrics != nil, oauth: configuration.publicURL != nil)
    let router = Router(context: AppRequestContext.self, options: [.autoGenerateHeadEndpoints])
    let proxies = ProxyTrust(behindProxy: configuration.behindProxy, trusted: configuration.trustedProxies)
    // Metrics, when on, outside everything (Hummingbird's own middleware, on every route).
    if metrics != nil { router.add(middleware: MetricsMiddleware()) }
    // Every request's middleware, in order, as one (see FrontMiddleware). The API's routes run it
    // in their own responder, so they are added before it is added to the router; every route
    // added after it, and the router's 404 and 405, get it as a Hummingbird middleware.
    let front = FrontMiddleware(
        cors: configuration.corsOrigins.isEmpty ? nil : CORSPolicyMiddleware(origins: configuration.corsOrigins, routes: table),
        transportSecurity: TransportSecurityMiddleware(proxies: proxies, tls: configuration.tls != nil),
        methodGuard: MethodGuardMiddleware(routes: table)
    )
    let authenticated = AuthenticatedRoutes(
        router: router, front: front, authenticator: TokenAuthenticator(store: store, clock: clock, lastUsed: lastUsed),
        rateLimit: configuration.rateLimitPerMinute > 0
            ? RateLimitMiddleware(limiter: RateLimiter(limit: configuration.rateLimitPerMinute, clock: clock), clock: clock) : nil
    )
    let orgasms = OrgasmsController(
        store: store, clock: clock, earliestDate: configuration.earliestDate,
        recordQuota: configuration.recordQuota > 0 ? configuration.recordQuota : nil
    )
    for path in RouteTable.orgasmsPaths { orgasms.addRoutes(to: authenticated, path: RouterPath(path)) }
    let changes = ChangesController()
    for path in RouteTable.changesPaths { changes.addRoutes(to: authenticated, path: RouterPath(path)) }
    router.add(middleware: front)

    for route in table.routes where route.methods.contains(.options) {
        let allow = route.allow
        router.on(RouterPath(route.path), method: .options) { _, _ in Response(status: .noContent, headers: [.allow: allow]) }
    }
    HealthController(store: store, readiness: ReadinessProbe(store: store, clock: clock)).addRoutes(
        to: router, health: RouteTable.healthPath, readiness: RouteTable.readinessPath)
    OpenAPIController().addRoutes(to: router, path: RouteTable.openAPIPath)
    if let metrics { MetricsController(registry: metrics).addRoutes(to: router, path: RouteTable.metricsPath) }
    addAccountRoutes(to: router, store: store, clock: clock, settings: account, configuration: configuration, proxies: proxies, tokens: tokens)
    return ServiceRouter(router: router, exactRoutes: authenticated.exactRoutes, metrics: metrics != nil)
}

/// The account pages (docs/CONTRACT.md section 12): every request counts against its address's
/// limit, every form POST passes the CSRF check, and every page but the sign-in form and the
/// stylesheet needs a live session. Passwords are checked through one ``PasswordGate``.
func addAccountRoutes<Store: ChastityStore>(
    to router: Router<AppRequestContext>, store: Store, clock: any WallClock, settings: AccountSettings, configuration: Configuration,
    proxies: ProxyTrust, tokens: TokenGenerator
) {
    let renderer = AccountRenderer()
    let devices = DeviceCookieKeys(store: store)
    var pages = router.group()
    if settings.requestsPerMinute > 0 {
        pages = pages.add(
            middleware: AccountRequestLimitMiddleware(
                limit: settings.requestsPerMinute, proxies: proxies, devices: devices, clock: clock, settings: settings, renderer: renderer))
    }
    pages = pages.add(middleware: AccountCSRFMiddleware(renderer: renderer))
    pages.get(RouterPath(AccountRoutes.stylesheet)) { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
            body: ResponseBody(byteBuffer: AccountTemplates.stylesheet)
        )
    }
    let gate = PasswordGate(
        store: store, hasher: settings.passwordHasher ?? PooledPasswordHasher(threads: configuration.passwordChecks),
        guardian: SignInGuard(
            throttle: settings.accountThrottle, addressThrottle: settings.addressThrottle, failuresPerMinute: configuration.signInFailuresPerMinute),
        decoy: DecoyHash(parameters: settings.decoyParameters), devices: devices
    )
    // The same use cases as the command line's, with the pages' hasher and the injected generator.
    let administration = Administration(
        store: store, configuration: configuration, clock: clock, tokens: tokens, hasher: gate.hasher, passwordParameters: settings.passwordParameters
    )
    let signIn = SignInController(store: store, clock: clock, settings: settings, renderer: renderer, gate: gate, proxies: proxies)
    signIn.addRoutes(to: pages)
    let signedIn = pages.group()
        .add(middleware: AccountSessionMiddleware(store: store, clock: clock, settings: settings))
        .group(context: AccountContext.self)
    signIn.addSignOut(to: signedIn)
    AccountPagesController(store: store, administration: administration, clock: clock, renderer: renderer).addRoutes(to: signedIn)
    AccountRecordsController(store: store, renderer: renderer).addRoutes(to: signedIn)
    WebhooksPageController(
        store: store, administration: administration, allowPrivate: configuration.webhooksAllowPrivate, renderer: renderer
    ).addRoutes(to: signedIn)
    SettingsController(
        store: store, clock: clock, settings: settings, renderer: renderer, gate: gate, proxies: proxies, administration: administration
    ).addRoutes(to: signedIn)

    // OAuth (docs/CONTRACT.md section 15) only with a public URL, its issuer. Its endpoints count
    // against an address's limit like the pages (a limit of their own), but carry no CSRF token:
    // the app, not a page of this site, sends them.
    guard let issuer = configuration.publicURL else { return }
    let flows = OAuthFlows(store: store, clock: clock, tokens: tokens, issuer: issuer)
    var oauth = router.group()
    if settings.requestsPerMinute > 0 {
        oauth = oauth.add(
            middleware: AccountRequestLimitMiddleware(
                limit: settings.requestsPerMinute, proxies: proxies, devices: devices, clock: clock, settings: settings, renderer: renderer))
    }
    OAuthController(flows: flows, renderer: renderer, budget: MinuteBudget(limit: settings.authorizationRequestsPerMinute, clock: clock))
        .addRoutes(to: oauth)
    ConsentController(flows: flows, renderer: renderer).addRoutes(to: signedIn)
}
