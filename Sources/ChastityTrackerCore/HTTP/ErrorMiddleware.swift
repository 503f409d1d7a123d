public import Hummingbird
public import HTTPTypes
import Logging
import NIOCore

/// Turns every error into the enveloped answer SPEC section 2 names; anything unexpected
/// becomes a generic 500, logged with the request id and never described to the client.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
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
        case StoreError.unavailable:
            return .unavailable
        case StoreError.quotaExceeded(let quota):
            return .quotaExceeded(quota: quota)
        case StoreError.overloaded:
            return .overloaded
        case is NIOTooManyBytesError:
            return .payloadTooLarge
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
