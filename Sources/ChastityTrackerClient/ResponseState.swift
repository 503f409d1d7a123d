import Synchronization

/// What the last answer said about the rate limit and its request id, shared by the client and its
/// response middleware.
final class ResponseState: Sendable {
    private let storage = Mutex<(rateLimit: ChastityTrackerClient.RateLimit?, requestID: String?)>((nil, nil))

    var rateLimit: ChastityTrackerClient.RateLimit? { storage.withLock { $0.rateLimit } }
    var requestID: String? { storage.withLock { $0.requestID } }

    func record(rateLimit: ChastityTrackerClient.RateLimit?, requestID: String?) {
        storage.withLock { $0 = (rateLimit, requestID) }
    }
}
