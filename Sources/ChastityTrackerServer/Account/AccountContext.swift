public import ChastityTrackerDomain
public import Hummingbird
public import NIOCore

/// Who is signed in to the account pages, and the session they use.
public struct SignedInAccount: Sendable {
    public let user: User
    /// The session id from the cookie; its CSRF token goes into every form.
    public let secret: SessionSecret
}

/// The context of the signed-in account pages: the user is always known here.
public struct AccountContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let account: SignedInAccount
    /// The peer of the connection, as ``AppRequestContext/remoteAddress``.
    public let remoteAddress: SocketAddress?

    /// Throws when no session middleware ran before (a wiring mistake, never a visitor's).
    public init(context: AppRequestContext) throws {
        guard let account = context.account else { throw HTTPError(.internalServerError) }
        self.coreContext = context.coreContext
        self.account = account
        self.remoteAddress = context.remoteAddress
    }

    public var maxUploadSize: Int { APILimits.maximumBodySize }
}
