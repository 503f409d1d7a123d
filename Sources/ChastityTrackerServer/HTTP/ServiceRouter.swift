import HTTPTypes
public import Hummingbird

/// The service's routes: Hummingbird's router, built from the one ``RouteTable``, and the API's
/// token routes (``AuthenticatedRoutes``) by exact path and method, which ``ServiceResponder``
/// looks at before the router.
public struct ServiceRouter: HTTPResponderBuilder {
    /// Every route, the API's token routes included.
    public let router: Router<AppRequestContext>
    let exactRoutes: ExactRoutes
    /// Whether requests are measured (Hummingbird's `MetricsMiddleware`, outside everything).
    let metrics: Bool

    public func buildResponder() -> ServiceResponder {
        ServiceResponder(router: router.buildResponder(), exactRoutes: exactRoutes.routes, metrics: metrics ? MetricsMiddleware() : nil)
    }
}

/// Answers a request whose target is exactly one of the API's token routes (its path, then the
/// end or `?`) with that route's responder, and every other request through the router.
///
/// Why (issue 24, docs/BENCHMARKS.md): the router makes the path a `String` and its trie walks it
/// component by component, 2 µs of a cached list request's
/// 51 µs of CPU on the seed's three-component path (the bench's bare Hummingbird app serves a
/// one-component path); comparing the target's bytes with three paths costs nearly nothing. What
/// a request is answered does not change: the responders are the very ones the router holds for
/// those paths and methods, a target the comparison does not take (`//api/v2/orgasms.php`, a
/// trailing `/`, `HEAD`, `OPTIONS`, another method) goes to the router as before, and the context
/// gets the route's path as the router gives it (`endpointPath`, which the metrics read).
public struct ServiceResponder: HTTPResponder {
    public typealias Context = AppRequestContext

    let router: RouterResponder<AppRequestContext>
    let exactRoutes: [ExactRoutes.Path]
    let metrics: MetricsMiddleware<AppRequestContext>?

    public func respond(to request: Request, context: AppRequestContext) async throws -> Response {
        guard let (path, responder) = route(of: request) else { return try await router.respond(to: request, context: context) }
        context.coreContext.endpointPath.value = path
        do {
            guard let metrics else { return try await responder.chain(request, context, path: path) }
            return try await metrics.handle(request, context: context) { request, context in try await responder.chain(request, context, path: path) }
        } catch let error as any HTTPResponseError {
            // As the router does (the front middleware's error stage answers nearly everything).
            return try error.response(from: request, context: context)
        }
    }

    /// The route whose path the request's target is exactly (up to its query), with the
    /// responder for its method; `nil` when there is none.
    func route(of request: Request) -> (path: String, responder: any ExactRouteResponder)? {
        let target = request.uri.string
        for path in exactRoutes where Self.target(target, isPath: path.bytes) {
            guard let route = path.methods.first(where: { $0.method == request.method }) else { return nil }
            return (path.path, route.responder)
        }
        return nil
    }

    /// Whether `target` (a request target in origin form) is `path` with nothing after it but a
    /// query: the request's `uri.path` is then `path`.
    static func target(_ target: String, isPath path: [UInt8]) -> Bool {
        var target = target
        return target.withUTF8 { target in
            target.count >= path.count && (target.count == path.count || target[path.count] == UInt8(ascii: "?"))
                && target.prefix(path.count).elementsEqual(path)
        }
    }
}

/// The API's token routes by path, each with its methods' responders, as ``AuthenticatedRoutes``
/// adds them (while the router is built, on one thread).
final class ExactRoutes {
    struct Path: Sendable {
        let path: String
        /// `path`'s UTF-8.
        let bytes: [UInt8]
        var methods: [(method: HTTPRequest.Method, responder: any ExactRouteResponder)]
    }

    private(set) var routes: [Path] = []

    func add(path: String, method: HTTPRequest.Method, responder: any ExactRouteResponder) {
        if let index = routes.firstIndex(where: { $0.path == path }) {
            precondition(!routes[index].methods.contains { $0.method == method }, "\(method) \(path) added twice")
            routes[index].methods.append((method, responder))
        } else {
            routes.append(Path(path: path, bytes: Array(path.utf8), methods: [(method, responder)]))
        }
    }
}

/// A responder ``ServiceResponder`` calls on its own executor: its whole chain, inlined, is one
/// call that is no task switch.
protocol ExactRouteResponder: Sendable {
    nonisolated(nonsending) func chain(_ request: Request, _ context: AppRequestContext, path: String?) async throws -> Response
}
