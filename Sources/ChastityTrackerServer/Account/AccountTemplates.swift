import NIOCore

/// The account pages' templates and stylesheet: the files in `Resources/Account/`, compiled into
/// the binary by SwiftPM (`.embedInCode` in Package.swift, as `openapi.json` is), so the server
/// stays one file with nothing to install beside it. `PackageResources` names each file's bytes
/// after the file, `-` and `.` written `_`. Templates hold no rule and no query: each renders one
/// view model (``AccountViews``) built by a handler. Each template's first line chooses byte-wise
/// HTML escaping (``ByteWiseHTMLContentType``) for itself: swift-mustache goes back to its own
/// `HTML` escaping in every partial and parent, so the layout and the records table need the
/// line as much as the pages.
enum AccountTemplates {
    /// Every template by the name pages and partials call it by; ``AccountRenderer`` registers
    /// them all. Pages fill the `layout`'s `title` and `body` blocks; `records-table` is the
    /// partial of the overview and the records page.
    static let all: [String: [UInt8]] = [
        "layout": PackageResources.layout_mustache,
        "sign-in": PackageResources.sign_in_mustache,
        "overview": PackageResources.overview_mustache,
        "records": PackageResources.records_mustache,
        "records-table": PackageResources.records_table_mustache,
        "tokens": PackageResources.tokens_mustache,
        "webhooks": PackageResources.webhooks_mustache,
        "settings": PackageResources.settings_mustache,
        "message": PackageResources.message_mustache,
        "authorize-continue": PackageResources.authorize_continue_mustache,
        "consent": PackageResources.consent_mustache,
    ]

    /// `style.css`, the one stylesheet (readable on a phone, dark when the system is), served at
    /// ``AccountRoutes/stylesheet``.
    static let stylesheet = ByteBuffer(bytes: PackageResources.style_css)
}
