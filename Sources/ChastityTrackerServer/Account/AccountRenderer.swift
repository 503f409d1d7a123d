import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders the account pages from their embedded templates (``AccountTemplates``) into complete
/// responses, every value escaped byte-wise (``ByteWiseHTMLContentType``).
struct AccountRenderer: Sendable {
    private let library: MustacheLibrary

    // swift-mustache keeps content types in one process-wide table and looks a template's
    // CONTENT_TYPE pragma up while parsing it: ours is registered here, once (a static let runs
    // exactly once, thread-safely), before any renderer parses a template.
    private static let registration: Void = MustacheContentTypes.register(ByteWiseHTMLContentType(), named: ByteWiseHTMLContentType.name)

    init() {
        Self.registration
        var library = MustacheLibrary()
        for (name, bytes) in AccountTemplates.all {
            // The templates are files compiled into this binary; one that does not parse, or would
            // escape by Character (swift-mustache's HTML, the default), is a bug caught by every page test.
            guard bytes.starts(with: ByteWiseHTMLContentType.pragma.utf8) else {
                preconditionFailure("account template \(name) does not start with \(ByteWiseHTMLContentType.pragma)")
            }
            do {
                try library.register(String(decoding: bytes, as: UTF8.self), named: name)
            } catch {
                preconditionFailure("account template \(name) does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// The page `template` rendered with `view`, as an HTML response with `status`.
    func page(_ template: String, _ view: Any, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let html = library.render(view, withTemplate: template) ?? ""
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// A short message page.
    func message(_ view: AccountViews.Message, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        page("message", view, status: status, headers: headers)
    }

    /// A refusal the browser may retry: the message page with `status` (429 or 503) and
    /// `Retry-After: retryAfter`.
    func message(_ view: AccountViews.Message, status: HTTPResponse.Status, retryAfter: Int64) -> Response {
        message(view, status: status, headers: [.retryAfter: "\(retryAfter)"])
    }

    /// "Try again in N seconds." for a wait of `seconds`.
    static func tryAgain(in seconds: Int64) -> String {
        "Try again in \(seconds) second\(seconds == 1 ? "" : "s")."
    }
}
