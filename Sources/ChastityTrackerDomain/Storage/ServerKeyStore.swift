/// The role of a store that keeps the server's own keys by name, shared by every instance and
/// kept across restarts.
///
/// Every method may throw ``StoreError/unavailable`` when the database cannot be reached.
public protocol ServerKeyStore: Sendable {
    /// The server's own key named `name` (text, e.g. base64): the one already stored, or else
    /// `candidate`, stored now. Concurrent callers, on every instance, get the same key; it
    /// outlives restarts. (The device cookies' signing key.)
    func serverKey(named name: String, orStore candidate: String) async throws -> String
}
