import Hummingbird

/// Rewrites the request path to the one form the router resolves it by, before anything else
/// looks at it, so that every decision made on the path (the HTTPS rule, the method guard, CORS,
/// metrics, the request log, OPTIONS) is made on the path the router actually serves.
///
/// Hummingbird's router splits the path at every `/` and skips empty segments, so
/// `//api/v2//orgasms.php/` reaches the same route as `/api/v2/orgasms.php`; a middleware that
/// compared the raw path would judge the first as some other path (docs/CONTRACT.md sections 1
/// and 10). The router does no other normalisation (no percent-decoding, no `.` or `..`
/// segments, no case folding), so neither does this: such paths match no route and answer 404.
enum PathNormalization {
    /// The request with its path normalized, and that path, for ``FrontMiddleware`` to give
    /// every later stage: `path` is the request's `uri.path`, read once (each read makes a new
    /// string, issue 24).
    @inline(__always)
    static func normalizing(_ request: Request, path: String) -> (request: Request, path: String) {
        let normalized = Self.normalized(path)
        guard normalized != path else { return (request, path) }
        var head = request.head
        head.path = normalized + (request.uri.query.map { "?" + $0 } ?? "")
        return (Request(head: head, body: request.body), normalized)
    }

    /// `/` followed by the path's non-empty segments joined by single slashes: the segments the
    /// router matches, split exactly as it splits them (at the `/` character).
    static func normalized(_ path: String) -> String {
        // Nearly every request's path is already in that form: check it without allocating.
        if isNormalized(path) { return path }
        return "/" + path.split(separator: "/").joined(separator: "/")
    }

    /// Starts with `/`, has no empty segment (`//`) and no trailing `/` (unless it is `/`).
    static func isNormalized(_ path: String) -> Bool {
        let bytes = path.utf8
        guard bytes.first == UInt8(ascii: "/") else { return false }
        guard bytes.count > 1 else { return true }
        var previousWasSlash = false
        for byte in bytes {
            let isSlash = byte == UInt8(ascii: "/")
            if isSlash && previousWasSlash { return false }
            previousWasSlash = isSlash
        }
        return !previousWasSlash
    }
}
