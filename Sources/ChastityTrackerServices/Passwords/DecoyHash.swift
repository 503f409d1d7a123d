public import ChastityTrackerDomain
import Synchronization

/// The hash that unknown names are checked against, made on first use rather than at start-up
/// (it costs a full scrypt run, made on the password hasher like any other).
public final class DecoyHash: Sendable {
    private let parameters: Password.Parameters
    private let made = Mutex<String?>(nil)

    public init(parameters: Password.Parameters) {
        self.parameters = parameters
    }

    /// The decoy, made with `hasher` the first time (two first callers may both make one; either
    /// serves). Throws what the hasher throws.
    public func hash(using hasher: any PasswordHasher) async throws -> String {
        if let made = made.withLock({ $0 }) { return made }
        let hash = try await hasher.hash("a password that no account has", parameters: parameters)
        made.withLock { $0 = $0 ?? hash }
        return hash
    }
}
