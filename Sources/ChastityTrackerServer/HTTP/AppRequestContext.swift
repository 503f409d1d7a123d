public import ChastityTrackerDomain
public import Hummingbird
import Logging
public import NIOCore

/// The context of every request: Hummingbird's core storage plus the caller, once a token has
/// been checked.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``TokenAuthenticator``; `nil` before it runs and on routes that need no token.
    public var principal: Principal?
    /// Set by ``AccountSessionMiddleware`` on the signed-in account pages; `nil` elsewhere.
    public var account: SignedInAccount?
    /// Set by ``TokenAuthenticator`` with ``principal``: where the handler reads, the unit of work
    /// the token was looked up in on a GET (one connection per request), the store on writes;
    /// `nil` elsewhere.
    public var reads: (any StoreReads)?
    /// The peer of the connection (the proxy, when there is one); `nil` when unknown (in tests).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.principal = nil
        self.account = nil
        self.reads = nil
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Bodies above 64 KiB are refused with 413 (docs/CONTRACT.md section 2).
    public var maxUploadSize: Int { APILimits.maximumBodySize }
}

/// The context of routes behind ``TokenAuthenticator``: the caller is always known here.
public struct AuthenticatedContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let principal: Principal
    /// Where the handler reads (see ``AppRequestContext/reads``).
    public let reads: any StoreReads

    /// Throws 401 when no authenticator ran before (a wiring mistake, never a client's).
    public init(context: AppRequestContext) throws {
        guard let principal = context.principal, let reads = context.reads else {
            throw APIError.unauthorized("a bearer token is required", tokenSent: false)
        }
        self.coreContext = context.coreContext
        self.principal = principal
        self.reads = reads
    }

    public var maxUploadSize: Int { APILimits.maximumBodySize }
}
