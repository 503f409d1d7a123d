public import ChastityTrackerDomain
public import Hummingbird

/// The changes feed (docs/CONTRACT.md section 13): what changed in the caller's items after a
/// state, deletions included, JMAP's `/changes` in this API's shape.
///
/// It reads through the request's unit of work (``AuthenticatedContext/reads``), on the
/// connection the token was looked up on: a second lease per GET would let concurrent polls hold
/// every pooled connection while each waits for another (seen under `bench/run` on PostgreSQL: 41
/// requests/s, every answer a 503 after the connection wait).
public struct ChangesController: Sendable {
    /// The most ids one answer holds, and the default.
    public static var maximumLimit: Int { 500 }

    public init() {}

    /// Adds the route at `path`, behind the token check.
    public func addRoutes<Tokens: UnitOfWorkStore>(to routes: AuthenticatedRoutes<Tokens>, path: RouterPath) {
        routes.get(path, use: read)
    }

    @Sendable nonisolated(nonsending) func read(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let parameters = try QueryParameters(of: request, known: QueryParameters.knownForChanges)
        let limit = try parameters.limit(upTo: Self.maximumLimit, otherwise: Self.maximumLimit)
        let userID = context.principal.userID
        let page: ChangesPage
        if let text = try parameters.value("since") {
            guard let since = ChangeState(text) else {
                throw APIError.validation(field: "since", "since must be a state this feed gave (new_state)")
            }
            // The caller's token was found, so the user exists; a user deleted meanwhile has no feed.
            guard case .page(let answer) = try await context.reads.changes(userID: userID, since: since, limit: limit) else {
                throw APIError.stateExpired
            }
            page = answer
        } else {
            // SQLite's token lookup read the state already, in the same statement; PostgreSQL's
            // principals carry none, so it is read here.
            var current = context.principal.recordsState
            if current == nil { current = try await context.reads.changeState(userID: userID) }
            guard let state = current else { throw APIError.stateExpired }
            page = ChangesPage(oldState: state, newState: state, hasMoreChanges: false, created: [], updated: [], destroyed: [])
        }
        let body = Envelope.body(capacity: 160 + (page.created.count + page.updated.count) * 160 + page.destroyed.count * 20) {
            $0.changesPage(page)
        }
        return ConditionalGET.response(for: request, body: body)
    }
}

extension JSONWriter {
    /// A changes answer's `data`: the states, whether more remain, whole items in `created` and
    /// `updated` (as the list writes them) and ids in `destroyed`.
    mutating func changesPage(_ page: ChangesPage) {
        raw(#"{"old_state":""#)
        unescaped(page.oldState.description)
        raw(#"","new_state":""#)
        unescaped(page.newState.description)
        raw(page.hasMoreChanges ? #"","has_more_changes":true,"created":"# : #"","has_more_changes":false,"created":"#)
        orgasms(page.created)
        raw(#","updated":"#)
        orgasms(page.updated)
        raw(#","destroyed":["#)
        for (index, id) in page.destroyed.enumerated() {
            if index > 0 { raw(",") }
            integer(id)
        }
        raw("]}")
    }
}
