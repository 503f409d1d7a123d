import Hummingbird

/// The account pages' two cookies, both `HttpOnly; Secure; SameSite=Strict; Path=/account/`
/// (browsers accept `Secure` cookies from `http://localhost` too).
enum AccountCookies {
    /// The session id (its hash is what the store keeps).
    static let session = "ct_session"
    /// The sign-in form's pre-session token, submitted again in the form (double-submit).
    static let signIn = "ct_signin"

    /// A `Set-Cookie` value setting `name` to `value` for `maxAge` seconds.
    static func set(_ name: String, _ value: String, maxAge: Int64) -> String {
        "\(name)=\(value); Path=/account/; Max-Age=\(maxAge); HttpOnly; Secure; SameSite=Strict"
    }

    /// A `Set-Cookie` value deleting `name`.
    static func clear(_ name: String) -> String {
        "\(name)=; Path=/account/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"
    }

    /// The value of cookie `name` in `request`, when it has the shape of the 43-character tokens
    /// this server sets (anything else is ignored, never looked up).
    static func value(_ name: String, in request: Request) -> String? {
        guard let value = request.cookies[name]?.value, value.utf8.count == 43,
            value.utf8.allSatisfy({ byte in
                (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            })
        else { return nil }
        return value
    }
}
