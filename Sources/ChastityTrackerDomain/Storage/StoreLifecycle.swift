/// The role of a store as a running service: whether its database answers and can be written
/// (for `/healthz` and `/readyz`), and closing it.
public protocol StoreLifecycle: Sendable {
    /// Whether the database answers (for `/healthz`). Throws ``StoreError/unavailable`` when it
    /// does not.
    func ping() async throws
    /// Whether the database can be written now (for `/readyz`): a real, committed write of a
    /// row the store keeps for this, so a full disk, a read-only file system or a held writer
    /// lock shows. Throws ``StoreError/unavailable`` when it cannot.
    func checkWritable() async throws
    /// Closes connections; the store is unusable afterwards.
    func close() async throws
}
