import Hummingbird

/// The account pages' cookies, all `__Host-` prefixed with `Path=/`, `Secure`, no `Domain`,
/// `HttpOnly` and `SameSite=Strict` (docs/CONTRACT.md section 12). The prefix makes browsers
/// refuse such a cookie unless this very host set it over HTTPS, so a sibling subdomain cannot
/// plant a session of its choosing (login CSRF) or a pre-session token. Browsers treat
/// `http://localhost` and `http://127.0.0.1` as secure, so development over plain loopback works
/// too.
enum AccountCookies {
    /// The session id (its hash is what the store keeps).
    static let session = "__Host-ct_session"
    /// The sign-in form's pre-session token, submitted again in the form (double-submit).
    static let signIn = "__Host-ct_signin"
    /// The device cookie: this browser has signed in to an account before (``DeviceCookie``).
    static let device = "__Host-ct_device"

    /// A `Set-Cookie` value setting `name` to `value` for `maxAge` seconds.
    static func set(_ name: String, _ value: String, maxAge: Int64) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; Secure; SameSite=Strict"
    }

    /// A `Set-Cookie` value deleting `name`.
    static func clear(_ name: String) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"
    }

    /// The value of cookie `name` in `request`, when it has the shape of the 43-character tokens
    /// this server sets (anything else is ignored, never looked up).
    static func value(_ name: String, in request: Request) -> String? {
        guard let value = request.cookies[name]?.value, value.utf8.count == 43, value.utf8.allSatisfy(isBase64URL) else { return nil }
        return value
    }

    /// Whether `byte` is one of base64url's letters (`A-Z a-z 0-9 - _`).
    static func isBase64URL(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
