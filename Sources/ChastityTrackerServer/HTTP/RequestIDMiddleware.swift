import ChastityTrackerDomain
import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import Synchronization

/// Gives every request an id (the client's `X-Request-ID` when it is sane, else a new one),
/// puts it in every log line of the request and in the response, and logs one line per request
/// with its status and duration. Paths are logged without the query string; headers never.
public struct RequestIDMiddleware<Context: RequestContext>: Sendable {
    public init() {}

    /// Inlined into ``FrontMiddleware``: an async call is a task switch (issue 24).
    @inline(__always)
    nonisolated(nonsending) public func handle(
        _ request: Request, context: Context, next: nonisolated(nonsending) (Request, Context) async throws -> Response
    ) async throws -> Response {
        let id = request.headers[.xRequestID].flatMap { Self.isSane($0) ? $0 : nil } ?? Self.generate()
        var context = context
        // One id per request in the logs, the one the client sees in X-Request-ID: Hummingbird's
        // own `hb.request.id` would be a second, different one. (`serve`'s handler never keeps
        // it; the check spares that handler a copy of the logger, issue 24.)
        let frameworkKey = LineLogHandler.frameworkRequestIDKey
        if context.logger[metadataKey: frameworkKey] != nil { context.logger[metadataKey: frameworkKey] = nil }
        context.logger[metadataKey: "request_id"] = .string(id)
        let start = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[.xRequestID] = id
        let elapsed = ContinuousClock.now - start
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "path": .string(request.uri.path),
                "status": .stringConvertible(response.status.code),
                "duration_ms": .string(
                    String(format: "%.3f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)),
            ]
        )
        return response
    }

    /// 1 to 128 characters of letters, digits, `-`, `_`, `.`, `:`.
    static func isSane(_ value: String) -> Bool {
        (1...128).contains(value.utf8.count)
            && value.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "-_.:".utf8.contains(byte)
            }
    }

    /// 16 hex digits: a process-wide counter hashed with a key drawn once (SipHash through
    /// `Hasher`, whose seed is random per process), without the system call a random draw per
    /// request costs (`getrandom`; issue 24). Keyed, so that two ids a client sees do not tell it
    /// how many requests others made in between (a public mixing function would be invertible).
    static func generate() -> String {
        var hasher = Hasher()
        hasher.combine(idKey)
        hasher.combine(idCounter.wrappingAdd(1, ordering: .relaxed).newValue)
        // Written big-endian as the number's 16 digits, zeros first, in one allocation.
        let id = UInt64(bitPattern: Int64(hasher.finalize())).bigEndian
        return withUnsafeBytes(of: id) { Hex.lowercase($0) }
    }
}

/// A key of this process's own for its request ids (besides `Hasher`'s seed, which a
/// `SWIFT_DETERMINISTIC_HASHING` environment would fix).
private let idKey: UInt64 = {
    var generator = SystemRandomNumberGenerator()
    return generator.next()
}()

/// Request ids made so far by this process.
private let idCounter = Atomic<UInt64>(0)

extension HTTPField.Name {
    static let xRequestID = HTTPField.Name("X-Request-ID")!
}
