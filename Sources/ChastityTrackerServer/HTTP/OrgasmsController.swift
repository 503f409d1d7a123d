public import ChastityTrackerDomain
import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore

/// The Orgasms endpoint (docs/CONTRACT.md sections 5 to 9): list, details, insert, update and delete of the
/// caller's own records.
public struct OrgasmsController<Store: OrgasmStore & IdempotencyKeyStore>: Sendable {
    let store: Store
    let clock: any WallClock
    let earliestDate: LocalDate
    /// The most records one user may keep; `nil` for no quota.
    let recordQuota: Int?
    /// Recent list and details answers, validated by the state each request's token lookup read.
    let cache: RecordReadCache

    public init(store: Store, clock: any WallClock, earliestDate: LocalDate, recordQuota: Int? = nil) {
        self.store = store
        self.clock = clock
        self.earliestDate = earliestDate
        self.recordQuota = recordQuota
        self.cache = RecordReadCache()
    }

    /// Adds the routes for `path`, behind the token check.
    public func addRoutes<Tokens: UnitOfWorkStore>(to routes: AuthenticatedRoutes<Tokens>, path: RouterPath) {
        routes.get(path, use: read)
        routes.post(path, use: create)
        routes.patch(path, use: update)
        routes.delete(path, use: delete)
    }

    // MARK: Handlers

    @Sendable nonisolated(nonsending) func read(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let parameters = try QueryParameters(of: request)
        // The unit of work the token was looked up in, so the request uses one connection.
        let reads = context.reads
        let userID = context.principal.userID
        if parameters.contains("id") {
            let id = try requiredID(parameters)
            return try await answer(request, .item(userID: userID, id: id), at: context.principal.recordsState) {
                guard let item = try await reads.orgasm(id: id, userID: userID) else { throw APIError.itemNotFound }
                return Envelope.body { $0.orgasm(item) }.buffer
            }
        }
        let query = try parameters.orgasmQuery()
        return try await answer(request, .list(userID: userID, query: query), at: context.principal.recordsState) {
            let page = try await reads.orgasms(userID: userID, matching: query)
            return Envelope.body(capacity: 128 + page.items.count * 160) { $0.orgasmListPage(OrgasmListPage(page, query: query)) }.buffer
        }
    }

    /// The answer kept for `key` at `state` (the state the token lookup read), else the body
    /// `read` builds, kept for the next request at that state. Inlined with `read`: an async call
    /// is a task switch (issue 24).
    @inline(__always)
    nonisolated(nonsending) private func answer(
        _ request: Request, _ key: RecordReadCache.Key, at state: ChangeState?, read: nonisolated(nonsending) () async throws -> ByteBuffer
    ) async throws -> Response {
        if let state, let kept = cache.answer(for: key, at: state) { return ConditionalGET.response(for: request, answer: kept) }
        let answer = ConditionalGET.answer(try await read())
        if let state { cache.keep(answer, for: key, at: state) }
        return ConditionalGET.response(for: request, answer: answer)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try Self.requireWrite(context)
        let idempotencyKey = try request.headers[.idempotencyKey].map { key throws(ValidationError) in
            try IdempotencyPolicy.validate(key: key)
            return key
        }
        let bytes = try await Self.bodyBytes(request)
        let body = try JSONValue.parse(bytes)
        let input = try input(for: context.principal)
        let items = try InsertBody(decoding: body, rules: input).items(inserted: Timestamp(clock.now()))
        let userID = context.principal.userID
        guard let idempotencyKey else {
            return Self.response(Self.created(try await store.insert(items, userID: userID, quota: recordQuota, completing: nil)))
        }
        let claimedAt = Timestamp(clock.now())
        let claim = try await store.claimIdempotencyKey(
            userID: userID, key: idempotencyKey, requestHash: TokenSecret.hash(of: String(decoding: bytes, as: UTF8.self)),
            at: claimedAt
        )
        switch claim {
        case .claimed:
            break
        case .replay(let stored):
            var response = Self.response(stored)
            response.headers[.idempotentReplayed] = "true"
            return response
        case .inProgress:
            throw APIError.idempotencyInProgress
        case .conflict:
            throw APIError.idempotencyConflict
        }
        do {
            let completion = IdempotencyCompletion(key: idempotencyKey, claimedAt: claimedAt, render: Self.created)
            let created = try await store.insert(items, userID: userID, quota: recordQuota, completing: completion)
            return Self.response(Self.created(created))
        } catch StoreError.conflict {
            // A retry took the key over while this request ran past its lease; nothing was
            // written, and the retry's answer is the one to replay.
            throw APIError.idempotencyInProgress
        } catch {
            try? await store.releaseIdempotencyKey(userID: userID, key: idempotencyKey, claimedAt: claimedAt)
            throw error
        }
    }

    /// The 201 answer for created records, as stored for idempotent replays.
    @Sendable static func created(_ created: [Orgasm]) -> StoredResponse {
        let body = Envelope.body(capacity: 64 + created.count * 160) { writer in
            writer.raw(#"{"count":"#)
            writer.integer(created.count)
            writer.raw(#","items":"#)
            writer.orgasms(created)
            writer.raw("}")
        }
        let location = created.count == 1 ? "\(RouteTable.orgasmsPaths[0])?id=\(created[0].id)" : nil
        return StoredResponse(status: 201, body: body.text, location: location)
    }

    static func response(_ stored: StoredResponse) -> Response {
        var headers: HTTPFields = [.contentType: Envelope.contentType]
        if let location = stored.location { headers[.location] = location }
        return Response(status: HTTPResponse.Status(code: stored.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: stored.body)))
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try Self.requireWrite(context)
        let id = try requiredID(QueryParameters(of: request))
        let body = try await Self.jsonBody(request)
        let changes = try UpdateBody(decoding: body, rules: input(for: context.principal)).changes
        guard let item = try await store.update(id: id, userID: context.principal.userID, changes: changes) else {
            throw APIError.itemNotFound
        }
        return Envelope.response { $0.orgasm(item) }
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try Self.requireWrite(context)
        let id = try requiredID(QueryParameters(of: request))
        guard try await store.delete(id: id, userID: context.principal.userID) else { throw APIError.itemNotFound }
        return Envelope.response { writer in
            writer.raw(#"{"id":"#)
            writer.integer(id)
            writer.raw(#","deleted":true}"#)
        }
    }

    // MARK: Request reading

    static func requireWrite(_ context: AuthenticatedContext) throws {
        guard context.principal.permission == .write else { throw APIError.writeForbidden }
    }

    func requiredID(_ parameters: QueryParameters) throws -> Int64 {
        guard let id = try parameters.id() else {
            throw APIError.validation(field: "id", "id is required: ?id=N with N a positive integer")
        }
        return id
    }

    /// The field rules for this caller: dates from the earliest allowed to today in their zone.
    func input(for principal: Principal) throws -> OrgasmRules {
        let zone = (try? TimeZones.zone(named: principal.timeZone)) ?? TimeZone(identifier: "UTC")!
        return OrgasmRules(earliestDate: earliestDate, latestDate: TimeZones.today(at: clock.now(), in: zone))
    }

    /// The JSON body of a POST or PATCH: `application/json` (UTF-8), at most 64 KiB.
    static func jsonBody(_ request: Request) async throws -> JSONValue {
        try JSONValue.parse(try await bodyBytes(request))
    }

    /// The raw bytes of a JSON body, after the media type and size checks.
    static func bodyBytes(_ request: Request) async throws -> [UInt8] {
        guard let contentType = request.headers[.contentType], isJSON(contentType) else {
            throw APIError.unsupportedMediaType
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > APILimits.maximumBodySize {
            throw APIError.payloadTooLarge
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: APILimits.maximumBodySize)
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge
        }
        return Array(buffer.readableBytesView)
    }

    /// `application/json`, optionally with `charset=utf-8` (any case, optionally quoted).
    static func isJSON(_ contentType: String) -> Bool {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.first == "application/json" else { return false }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { return false }
            if pair[0] == "charset" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                guard value == "utf-8" || value == "utf8" else { return false }
            }
        }
        return true
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}
