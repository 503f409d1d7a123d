import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders the account pages from their embedded templates into complete responses.
struct AccountRenderer: Sendable {
    private let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        for (name, text) in AccountTemplates.all {
            // The templates are constants of this binary; one that does not parse is a bug caught by every page test.
            do { try library.register(text, named: name) } catch { preconditionFailure("account template \(name) does not parse: \(error)") }
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
}
