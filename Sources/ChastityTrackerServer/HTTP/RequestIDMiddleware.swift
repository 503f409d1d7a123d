import ChastityTrackerDomain
import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import Synchronization

/// Gives every request an id (the client's `X-Request-ID` when it is sane, else a new one),
/// puts it in every log line of the request and in the response, and logs one line per request
/// with its status and duration. Paths are logged without the query string; headers never.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    /// Inlined into ``FrontMiddleware``: an async call is a task switch (issue 24).
    @inline(__always)
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = request.headers[.xRequestID].flatMap { Self.isSane($0) ? $0 : nil } ?? Self.generate()
        var context = context
        // One id per request in the logs, the one the client sees in X-Request-ID: Hummingbird's
        // own `hb.request.id` would be a second, different one.
        context.logger[metadataKey: "hb.request.id"] = nil
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

    /// 16 hex digits: a process-wide counter from a random start, through SplitMix64's finalizer (a
    /// bijection, so no two requests of a process share an id before 2^64 of them), without the
    /// system call a random draw per request costs (`getrandom`; issue 24). An id names a request
    /// in the logs; it is no secret.
    static func generate() -> String {
        var value = idSeed &+ idCounter.wrappingAdd(1, ordering: .relaxed).newValue
        value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
        value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
        value ^= value >> 31
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.utf8.count) + digits
    }
}

/// Where this process's request ids start (drawn once).
private let idSeed: UInt64 = {
    var generator = SystemRandomNumberGenerator()
    return generator.next()
}()

/// Request ids made so far by this process.
private let idCounter = Atomic<UInt64>(0)

extension HTTPField.Name {
    static let xRequestID = HTTPField.Name("X-Request-ID")!
}
