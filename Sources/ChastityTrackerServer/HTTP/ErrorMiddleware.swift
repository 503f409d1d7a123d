import ChastityTrackerDomain
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Turns every error into the enveloped answer docs/CONTRACT.md section 2 names; anything unexpected
/// becomes a generic 500, logged with the request id and never described to the client. Under
/// `/account/` the same status comes as a short HTML page instead (section 12: not enveloped).
public struct ErrorMiddleware<Context: RequestContext>: Sendable {
    public init() {}

    /// Inlined into ``FrontMiddleware``: an async call is a task switch (issue 24).
    @inline(__always)
    nonisolated(nonsending) public func handle(
        _ request: Request, context: Context, next: nonisolated(nonsending) (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = Self.apiError(for: error, logger: context.logger)
            return try apiError.response(from: request, context: context)
        }
    }

    static func apiError(for error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ValidationError:
            return .validation(error)
        case let error as InvalidJSON:
            return .invalidJSON(error.message)
        case StoreError.unavailable:
            return .unavailable
        case StoreError.quotaExceeded(let quota):
            return .quotaExceeded(quota: quota)
        case StoreError.overloaded:
            return .overloaded
        case StoreError.missing:
            // The only row a request's write refers to that it does not check itself is its
            // user's: deleted (through another instance or the command line) after the request's
            // token was looked up, a cached lookup included. The token went with the user; this is
            // what the next request with it gets.
            return .invalidToken
        case is NIOTooManyBytesError:
            return .payloadTooLarge
        case let error as HTTPParserError:
            // The client's broken framing while its body was read (bad chunk sizes, a body cut
            // short before EOF): its fault, not the server's, so a 400 and a debug line.
            logger.debug("malformed request body", metadata: ["error": .string(String(describing: error))])
            return .malformedRequest
        case let error as any HTTPResponseError where error.status == .notFound:
            return .notFound
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return .payloadTooLarge
        default:
            logger.error("unexpected error", metadata: ["error": .string(String(reflecting: error))])
            return .internalError
        }
    }
}
