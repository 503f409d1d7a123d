import ChastityTrackerDomain
import Synchronization

/// The hash that unknown names are checked against, made on first use rather than at start-up
/// (it costs a full scrypt run).
final class DecoyHash: Sendable {
    private let parameters: Password.Parameters
    private let made = Mutex<String?>(nil)

    init(parameters: Password.Parameters) {
        self.parameters = parameters
    }

    var hash: String {
        made.withLock { made in
            if let made { return made }
            let hash = (try? Password.hash("a password that no account has", parameters: parameters)) ?? ""
            made = hash
            return hash
        }
    }
}
