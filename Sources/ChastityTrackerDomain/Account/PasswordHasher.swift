/// Where passwords are hashed and checked: the most expensive work the server does (scrypt, about
/// 100 ms of a core and 32 MiB each), so it is done apart from the work of serving requests, with
/// a bound on how much of it may wait (docs/CONTRACT.md section 12, "Under attack").
public protocol PasswordHasher: Sendable {
    /// Whether `password` matches `stored` (``Password/verify(_:against:)``). Throws
    /// ``PasswordHasherBusy`` at once, having checked nothing, when as many checks as the hasher
    /// allows are already running or waiting.
    func verify(_ password: String, against stored: String) async throws -> Bool
    /// The stored form of `password` (``Password/hash(_:parameters:)``). Throws
    /// ``PasswordHasherBusy`` as ``verify(_:against:)`` does.
    func hash(_ password: String, parameters: Password.Parameters) async throws -> String
}

/// A password check or hash refused because the hasher is full; nothing was checked, and the
/// caller may try again after `retryAfter` seconds.
public struct PasswordHasherBusy: Error, Sendable, Hashable {
    public var retryAfter: Int64

    public init(retryAfter: Int64) {
        self.retryAfter = retryAfter
    }
}
