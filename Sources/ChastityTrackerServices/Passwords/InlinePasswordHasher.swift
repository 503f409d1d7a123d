public import ChastityTrackerDomain

/// Hashes and checks passwords on the calling task: for the command line, where nothing else
/// waits for the thread. The server uses its bounded pool instead.
public struct InlinePasswordHasher: PasswordHasher {
    public init() {}

    public func verify(_ password: String, against stored: String) async throws -> Bool {
        Password.verify(password, against: stored)
    }

    public func hash(_ password: String, parameters: Password.Parameters) async throws -> String {
        try Password.hash(password, parameters: parameters)
    }
}
