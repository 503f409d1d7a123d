import ChastityTrackerDomain
import Mustache

/// The account pages' escaping as a mustache content type: ``HTMLEscaping/escape(_:)``, byte by
/// byte over UTF-8 (swift-mustache's `HTML` type compares `Character`s, and `"` followed by a
/// combining mark is one `Character` that is not `"`). Every template chooses this type in its
/// first line, `{{% CONTENT_TYPE: HTML_BYTES }}`; ``AccountRenderer`` registers it.
struct ByteWiseHTMLContentType: MustacheContentType {
    /// The name the templates' `CONTENT_TYPE` pragma gives.
    static let name = "HTML_BYTES"

    /// The first line of every template, choosing this type.
    static let pragma = "{{% CONTENT_TYPE: \(name) }}\n"

    func escapeText(_ text: String) -> String { Self.escape(text) }

    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by their entities.
    static func escape(_ text: String) -> String { HTMLEscaping.escape(text) }
}
