public import ChastityTrackerDomain
import Foundation
public import HTTPTypes
public import Hummingbird
import Logging

/// Reads `Authorization: Bearer <token>`, looks the token up by its hash and puts the caller in
/// the context; answers 401 when the token is missing, malformed, unknown or revoked. Tokens in
/// the query string are never looked at.
public struct TokenAuthenticator<Store: ChastityStore>: RouterMiddleware {
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

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("a bearer token is required (Authorization: Bearer <token>)", tokenSent: false)
        }
        guard let token = Self.bearerCredential(in: header) else {
            throw APIError.unauthorized("the Authorization header must be 'Bearer <token>'", tokenSent: false)
        }
        guard TokenSecret.isWellFormed(token),
            let principal = try await store.principal(forTokenHash: TokenSecret.hash(of: token))
        else {
            throw APIError.unauthorized("the token is not valid (unknown, revoked or malformed)", tokenSent: true)
        }
        let now = Timestamp(clock.now())
        if principal.lastUsed.map({ now.millisecondsSinceEpoch - $0.millisecondsSinceEpoch >= Self.lastUsedResolutionMilliseconds }) ?? true {
            // Noted, not written here: a database that cannot be written must not fail a read.
            lastUsed.record(tokenID: principal.tokenID, at: now)
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "token_id"] = "\(principal.tokenID)"
        return try await next(request, context)
    }
}
