/// Limits on a request's head (docs/CONTRACT.md section 2: 414 `uri_too_long`, 431
/// `headers_too_large`), checked by ``RequestHeadLimitMiddleware``.
public enum RequestHeadLimits {
    /// The longest request target (path and query) accepted, in bytes.
    public static let maximumTargetSize = 8_192
    /// The most bytes of header fields accepted, counted as on the wire in HTTP/1.1
    /// (`name: value` and CRLF per field, `Host` included).
    public static let maximumHeaderSize = 16_384
    /// The HTTP/1 parser's own limit for one field (the request line counts as one) and for the
    /// whole head. Above the limits checked in the middleware, so that those can be answered
    /// with an envelope; a head over this one gets Hummingbird's bare 400.
    public static let parserLimit = 65_536
}
