/// The role of a store that keeps the OAuth clients the operator registered (docs/CONTRACT.md
/// section 15). Every method may throw ``StoreError/unavailable`` when the database cannot be
/// reached.
public protocol OAuthClientStore: Sendable {
    /// Registers `client`; throws ``StoreError/conflict(_:)`` if its id is taken.
    func addClient(_ client: OAuthClient) async throws
    /// Every client, oldest first.
    func clients() async throws -> [OAuthClient]
    /// The client with this id, or `nil`.
    func client(id: String) async throws -> OAuthClient?
    /// Removes the client; `false` when there is none.
    func removeClient(id: String) async throws -> Bool
}
