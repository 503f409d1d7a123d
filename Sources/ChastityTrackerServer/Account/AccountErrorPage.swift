import HTTPTypes
import Hummingbird

/// What an account page answers when something below it fails (the database unreachable, an
/// unknown page, a body too large): the same status and headers as the API's answer, but as a
/// short HTML page, since these pages are HTML and never enveloped (docs/CONTRACT.md section 12).
/// A 5xx says nothing about its cause; the log has it with the request id.
enum AccountErrorPage {
    private static let renderer = AccountRenderer()

    static func response(for error: APIError) -> Response {
        let (heading, text) = wording(for: error)
        var headers = error.headers
        // The API's challenge means nothing to a browser on these pages.
        headers[.wwwAuthenticate] = nil
        return renderer.message(
            AccountViews.Message(heading: heading, text: text, link: AccountRoutes.overviewLocation, linkText: "Your account"),
            status: error.status, headers: headers
        )
    }

    private static func wording(for error: APIError) -> (String, String) {
        switch error.status {
        case .notFound: ("No such page", "There is no such page here.")
        case .methodNotAllowed: ("Not allowed", "This page does not take that kind of request.")
        case .contentTooLarge: ("Too large", "What was sent is too large.")
        case .forbidden where error.code == .httpsRequired:
            ("Use HTTPS", "These pages are served over HTTPS only. Open this address with https:// instead.")
        case .serviceUnavailable: ("Unavailable for a moment", "The service cannot answer right now. Please try again in a moment.")
        case let status where status.code >= 500: ("Something went wrong", "The server could not answer this request. Please try again later.")
        default: ("Not accepted", error.message)
        }
    }
}
