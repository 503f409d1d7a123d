import HTTPTypes
public import Hummingbird

/// Refuses a request whose target or header fields are over the server's limits with the
/// enveloped 414 `uri_too_long` or 431 `headers_too_large` (docs/CONTRACT.md section 2).
///
/// NIO's HTTP/1 parser can only refuse an oversized head as a whole (a long target and long
/// headers are the same `headerOverflow`), and Hummingbird answers that with a bare 400; so the
/// parser gets the higher ``RequestHeadLimits/parserLimit`` and the real limits
/// (``RequestHeadLimits``) are checked here, where the request is known. A head over the
/// parser's limit still gets the bare 400.
public struct RequestHeadLimitMiddleware<Context: RequestContext>: Sendable {
    public init() {}

    /// Inlined into ``FrontMiddleware``: an async call is a task switch (issue 24).
    @inline(__always)
    nonisolated(nonsending) public func handle(
        _ request: Request, context: Context, next: nonisolated(nonsending) (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let error = Self.refusal(for: request.head) {
            return try error.response(from: request, context: context)
        }
        return try await next(request, context)
    }

    /// The error for a head over a limit, or `nil`.
    static func refusal(for head: HTTPRequest) -> APIError? {
        if (head.path?.utf8.count ?? 0) > RequestHeadLimits.maximumTargetSize {
            return .uriTooLong
        }
        var size = head.authority.map { "Host: ".utf8.count + $0.utf8.count + 2 } ?? 0
        for field in head.headerFields {
            size += field.name.rawName.utf8.count + field.value.utf8.count + 4
        }
        return size > RequestHeadLimits.maximumHeaderSize ? .headersTooLarge : nil
    }
}
