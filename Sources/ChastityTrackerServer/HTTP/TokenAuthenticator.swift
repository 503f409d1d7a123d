public import ChastityTrackerDomain
import Foundation
import HTTPTypes
public import Hummingbird
import Logging

/// Reads `Authorization: Bearer <token>`, looks the token up by its hash and puts the caller in
/// the context; answers 401 when the token is missing, malformed, unknown or revoked. Tokens in
/// the query string are never looked at.
public struct TokenAuthenticator<Store: UnitOfWorkStore>: Sendable {
    public typealias Context = AppRequestContext

    let store: Store
    let clock: any WallClock
    /// Where uses are noted; it writes them off the request's path.
    let lastUsed: LastUsedRecorder
    /// `last used` is written at most this often per token, so reads stay reads.
    static var lastUsedResolutionMilliseconds: Int64 { 60_000 }

    public init(store: Store, clock: any WallClock, lastUsed: LastUsedRecorder) {
        self.store = store
        self.clock = clock
        self.lastUsed = lastUsed
    }

    /// Inlined into ``AuthenticatedResponder``, on its caller's executor: a call into a concurrent function is a task switch (issue 24).
    @inline(__always)
    nonisolated(nonsending) public func handle(
        _ request: Request, context: Context, next: nonisolated(nonsending) @Sendable (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers.combinedValue(of: .authorization) else {
            throw APIError.unauthorized("a bearer token is required (Authorization: Bearer <token>)", tokenSent: false)
        }
        guard let token = Self.bearerCredential(in: header) else {
            throw APIError.unauthorized("the Authorization header must be 'Bearer <token>'", tokenSent: false)
        }
        guard TokenSecret.isWellFormed(token) else { throw APIError.invalidToken }
        let hash = TokenSecret.hash(of: token)
        guard request.method == .get || request.method == .head, store.unitOfWorkSharesConnection else {
            // A write reads its body before it touches the store and runs its own transaction:
            // holding a connection while a client sends the body would let slow clients take
            // the pool, so only the lookup and the write itself lease one. And a store whose unit
            // of work shares nothing (SQLite) is read directly, saving its async calls.
            return try await authenticated(request, context, hash: hash, reads: store, next: next)
        }
        // A read: the token lookup and the handler's query share one connection lease.
        return try await store.withUnitOfWork { reads in
            try await authenticated(request, context, hash: hash, reads: reads, next: next)
        }
    }

    /// Looks the token up in `reads` (a GET's unit of work, or the store) and runs the rest of the
    /// chain as its caller, reading there. Inlined: an async call is a task switch (issue 24).
    @inline(__always)
    nonisolated(nonsending) private func authenticated(
        _ request: Request, _ context: Context, hash: String, reads: any StoreReads,
        next: nonisolated(nonsending) @Sendable (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let principal = try await reads.principal(forTokenHash: hash) else { throw APIError.invalidToken }
        let now = Timestamp(clock.now())
        // An OAuth access token past its hour: refused like an unknown one, saying why (RFC 6750's
        // `invalid_token`), so the app refreshes.
        if let expires = principal.expires, expires <= now { throw APIError.expiredToken }
        if principal.lastUsed.map({ now.millisecondsSinceEpoch - $0.millisecondsSinceEpoch >= Self.lastUsedResolutionMilliseconds }) ?? true {
            // Noted, not written here: a database that cannot be written must not fail a read.
            lastUsed.record(tokenID: principal.tokenID, at: now)
        }
        var context = context
        context.principal = principal
        context.reads = reads
        return try await next(request, context)
    }
}
