public import Foundation
import HTTPTypes
package import OpenAPIRuntime
import OpenAPIURLSession
import Synchronization

#if canImport(FoundationNetworking)
    public import FoundationNetworking
#endif

/// A client of the Chastity Tracker API v2: list, read, insert, update and delete the items of the
/// token's owner.
///
/// Every method throws ``ChastityTrackerError`` when the server answers with an error envelope, and
/// the transport's own error (for example `URLError`) when no answer arrives. Every insert carries an
/// `Idempotency-Key`, so a retried insert never stores its items twice. Retries are off by default;
/// pass a ``RetryPolicy`` to retry 429 and 503 answers and dropped connections.
///
/// ```swift
/// let client = ChastityTrackerClient(serverURL: URL(string: "https://tracker.example")!, token: token)
/// let created = try await client.insert(.init(date: "2026-03-01", mode: .full))
/// ```
public final class ChastityTrackerClient: Sendable {
    /// The base URL requests are sent to (the paths `/api/v2/…` are appended to it).
    public let serverURL: URL

    let client: Client
    private let transport: any ClientTransport
    private let middlewares: [any ClientMiddleware]
    private let state: ResponseState

    /// Creates a client for the server at `serverURL` that authenticates with `token`.
    ///
    /// - Parameters:
    ///   - serverURL: The server's base URL, e.g. `https://tracker.example` (the API paths are appended).
    ///   - token: A bearer token made with `chastity-tracker tokens create` (read or write permission).
    ///   - retry: When to retry: ``RetryPolicy/none`` (the default) or a policy such as ``RetryPolicy/standard``.
    ///   - session: The `URLSession` requests go through (`.shared` by default).
    public convenience init(serverURL: URL, token: String, retry: RetryPolicy = .none, session: URLSession = .shared) {
        self.init(
            serverURL: serverURL, token: token, retry: retry,
            transport: URLSessionTransport(configuration: .init(session: session)),
            sleep: { try await Task.sleep(for: $0) }
        )
    }

    /// Creates a client for the server at `serverURL` that authenticates with an OAuth connection's
    /// access tokens, refreshed by `oauth` before they expire (``OAuthSession``).
    public convenience init(serverURL: URL, oauth: OAuthSession, retry: RetryPolicy = .none, session: URLSession = .shared) {
        self.init(
            serverURL: serverURL, token: { try await oauth.accessToken() }, retry: retry,
            transport: URLSessionTransport(configuration: .init(session: session)),
            sleep: { try await Task.sleep(for: $0) }
        )
    }

    /// Creates a client over any transport, with the retry's waiting injected (tests: a dropped
    /// connection, a clock that advances instead of sleeping).
    package convenience init(
        serverURL: URL, token: String, retry: RetryPolicy, transport: any ClientTransport,
        sleep: @escaping @Sendable (Duration) async throws -> Void
    ) {
        self.init(serverURL: serverURL, token: { token }, retry: retry, transport: transport, sleep: sleep)
    }

    /// The designated initialiser: the token comes from `token` at every request.
    package init(
        serverURL: URL, token: @escaping @Sendable () async throws -> String, retry: RetryPolicy, transport: any ClientTransport,
        sleep: @escaping @Sendable (Duration) async throws -> Void
    ) {
        self.serverURL = serverURL
        let state = ResponseState()
        self.state = state
        self.transport = transport
        // The first middleware sees the request first and the response last: the response is recorded
        // and mapped once, after any retries, which happen closest to the transport.
        self.middlewares = [
            ResponseMiddleware(state: state),
            AuthorizationMiddleware(token: token),
            RetryMiddleware(policy: retry, sleep: sleep),
        ]
        self.client = Client(serverURL: serverURL, transport: transport, middlewares: middlewares)
    }

    /// The rate-limit window reported by the last answer (`nil` before the first call, or when the
    /// answer carried no `X-RateLimit-*` headers).
    public var lastRateLimit: RateLimit? { state.rateLimit }

    /// The `X-Request-ID` of the last answer: quote it when reporting a problem.
    public var lastRequestID: String? { state.requestID }

    // MARK: Reading

    /// One page of the owner's items, by date descending, then id descending.
    ///
    /// - Parameters:
    ///   - from: The earliest date to include, `YYYY-MM-DD` (inclusive).
    ///   - to: The latest date to include, `YYYY-MM-DD` (inclusive).
    ///   - mode: Only items of this mode.
    ///   - isPublic: Only public (`true`) or private (`false`) items.
    ///   - limit: Items per page, 1 to 200 (the server's default is 50).
    ///   - offset: Items to skip.
    public func list(
        from: String? = nil, to: String? = nil, mode: Mode? = nil, isPublic: Bool? = nil, limit: Int? = nil,
        offset: Int? = nil
    ) async throws -> Page {
        let query = Operations.ListOrDetails.Input.Query(
            from: from, to: to, _public: isPublic.map { $0 ? ._1 : ._0 },
            mode: mode?.generated,
            limit: limit, offset: try offset.map { try Self.int32($0, name: "offset") }
        )
        let output = try await call { try await client.listOrDetails(query: query) }
        switch try output.ok.body.json.data {
        case .Page(let page): return Page(page)
        case .Item: throw ChastityTrackerError.unexpected("a list answer carried one item")
        }
    }

    /// Every item matching the filters, fetched page by page as the sequence is iterated.
    ///
    /// - Parameters:
    ///   - from: The earliest date to include, `YYYY-MM-DD`.
    ///   - to: The latest date to include, `YYYY-MM-DD`.
    ///   - mode: Only items of this mode.
    ///   - isPublic: Only public or private items.
    ///   - pageSize: Items fetched per request, 1 to 200.
    public func items(
        from: String? = nil, to: String? = nil, mode: Mode? = nil, isPublic: Bool? = nil, pageSize: Int = 200
    ) -> Items {
        Items(pageSize: pageSize) { [self] limit, offset in
            try await list(from: from, to: to, mode: mode, isPublic: isPublic, limit: limit, offset: offset)
        }
    }

    /// The item with this id; ``ChastityTrackerError`` with status 404 when the owner has no such item.
    public func item(id: Int64) async throws -> Item {
        let output = try await call { try await client.listOrDetails(query: .init(id: id)) }
        switch try output.ok.body.json.data {
        case .Item(let item): return Item(item)
        case .Page: throw ChastityTrackerError.unexpected("a details answer carried a page")
        }
    }

    // MARK: Writing

    /// Inserts `number` identical copies of `item` (1 to 50) and returns what was stored.
    ///
    /// - Parameters:
    ///   - item: The item to insert.
    ///   - number: How many copies, 1 to 50.
    ///   - idempotencyKey: The `Idempotency-Key` to send; a new UUID by default. Pass your own to make
    ///     a retry of your own (after the app restarted, say) safe too.
    @discardableResult
    public func insert(_ item: NewItem, number: Int = 1, idempotencyKey: String? = nil) async throws -> [Item] {
        var body = item.generated
        if number != 1 { body.number = number }
        return try await insert(.NewItem(body), idempotencyKey: idempotencyKey)
    }

    /// Inserts 1 to 50 items, all or none, and returns them as stored, in the order sent.
    ///
    /// - Parameters:
    ///   - items: The items to insert.
    ///   - idempotencyKey: The `Idempotency-Key` to send; a new UUID by default.
    @discardableResult
    public func insert(_ items: [NewItem], idempotencyKey: String? = nil) async throws -> [Item] {
        try await insert(.NewItems(items.map(\.generated)), idempotencyKey: idempotencyKey)
    }

    private func insert(
        _ payload: Operations.InsertOrgasms.Input.Body.JsonPayload, idempotencyKey: String?
    ) async throws -> [Item] {
        // One key per call, so the retry middleware's attempts of this call are one insert on the server.
        let key = idempotencyKey ?? UUID().uuidString
        let output = try await call {
            try await client.insertOrgasms(headers: .init(idempotencyKey: key), body: .json(payload))
        }
        return try output.created.body.json.data.items.map(Item.init)
    }

    /// Changes some fields of the item with this id and returns it as now stored.
    ///
    /// Fields left `nil` (or ``FieldChange/unchanged``) are not sent. ``FieldChange/clear`` sends
    /// `null`, which clears `type` or `grantedBy`. At least one field must change.
    public func update(
        id: Int64, date: String? = nil, mode: Mode? = nil, isPublic: Bool? = nil,
        type: FieldChange<String> = .unchanged, grantedBy: FieldChange<String> = .unchanged
    ) async throws -> Item {
        // The generated `Changes` cannot send `null` (swift-openapi-generator#419: optionals are
        // encoded only when present), so the body is written here.
        let changes = ChangesBody(date: date, mode: mode, isPublic: isPublic, type: type, grantedBy: grantedBy)
        var components = URLComponents()
        components.path = "/api/v2/orgasms.php"
        components.queryItems = [URLQueryItem(name: "id", value: String(id))]
        var request = HTTPRequest(method: .patch, scheme: nil, authority: nil, path: components.string!)
        request.headerFields[.contentType] = "application/json"
        request.headerFields[.accept] = "application/json"
        let encoded = try JSONEncoder().encode(changes)
        let (response, body) = try await send(request, body: HTTPBody(encoded), operationID: Operations.UpdateOrgasm.id)
        guard response.status == .ok, let body else {
            throw ChastityTrackerError.unexpected("PATCH answered \(response.status.code)")
        }
        let data = try await Data(collecting: body, upTo: ResponseMiddleware.maximumBodySize)
        return Item(try JSONDecoder().decode(Components.Schemas.ItemEnvelope.self, from: data).data)
    }

    /// Deletes the item with this id; ``ChastityTrackerError`` with status 404 when there is none.
    public func delete(id: Int64) async throws {
        let output = try await call { try await client.deleteOrgasm(query: .init(id: id)) }
        let deleted = try output.ok.body.json.data
        guard deleted.id == id, deleted.deleted else {
            throw ChastityTrackerError.unexpected("the server confirmed deleting \(deleted.id), not \(id)")
        }
    }

    // MARK: Plumbing

    /// Runs a generated call, unwrapping the generator's `ClientError` so callers see
    /// ``ChastityTrackerError`` or the transport's error.
    func call<Output>(_ body: () async throws -> Output) async throws -> Output {
        do {
            return try await body()
        } catch let error as ClientError {
            throw error.underlyingError
        }
    }

    /// Sends a hand-built request through the same middlewares the generated client uses.
    private func send(
        _ request: HTTPRequest, body: HTTPBody?, operationID: String
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let transport = self.transport
        let serverURL = self.serverURL
        var next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?) = {
            try await transport.send($0, body: $1, baseURL: $2, operationID: operationID)
        }
        for middleware in middlewares.reversed() {
            let inner = next
            next = { try await middleware.intercept($0, body: $1, baseURL: $2, operationID: operationID, next: inner) }
        }
        return try await next(request, body, serverURL)
    }

    private static func int32(_ value: Int, name: String) throws -> Int32 {
        guard let narrow = Int32(exactly: value) else {
            throw ChastityTrackerError.unexpected("\(name) \(value) is out of range")
        }
        return narrow
    }
}
