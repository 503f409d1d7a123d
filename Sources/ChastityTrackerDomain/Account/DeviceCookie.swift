import Crypto
import Foundation

/// A browser's proof that it has signed in to an account before, after OWASP's "Slow Down Online
/// Guessing Attacks with Device Cookies": the account name and a random nonce, signed with the
/// server's key. A sign-in for that account from a browser holding one is throttled on a counter
/// of its own (the nonce's), apart from everyone else's failures, so strangers guessing at a name
/// cannot lock its owner out (docs/CONTRACT.md section 12, "Under attack").
///
/// The value is `<name>.<nonce>.<mac>`, each part unpadded base64url: the name's UTF-8 bytes, 16
/// random bytes, and HMAC-SHA256 over the first two parts joined by the dot.
public struct DeviceCookie: Sendable, Hashable {
    /// The account the browser signed in to.
    public let account: String
    /// What tells this browser's cookie from the account's other devices'.
    public let nonce: String

    /// The key the cookie is signed with: at least 32 bytes, shared by every instance and kept
    /// across restarts (the store keeps it).
    public struct Key: Sendable {
        let key: SymmetricKey

        public init(_ bytes: [UInt8]) {
            key = SymmetricKey(data: bytes)
        }

        /// 32 new random bytes for a key, from the system's secure source.
        public static func generateBytes() -> [UInt8] {
            var generator = SystemRandomNumberGenerator()
            return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        }
    }

    /// A new cookie for `account`, with a fresh nonce.
    public static func issue(for account: String) -> DeviceCookie {
        var generator = SystemRandomNumberGenerator()
        let nonce = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return DeviceCookie(account: account, nonce: Self.base64URL(nonce))
    }

    private init(account: String, nonce: String) {
        self.account = account
        self.nonce = nonce
    }

    /// The cookie's value, signed with `key`.
    public func value(signedWith key: Key) -> String {
        let payload = Self.base64URL(Array(account.utf8)) + "." + nonce
        return payload + "." + Self.base64URL(Array(HMAC<SHA256>.authenticationCode(for: Array(payload.utf8), using: key.key)))
    }

    /// The cookie a value stands for, when its signature under `key` is right (compared in
    /// constant time); `nil` for anything else, which is then treated as no cookie at all.
    public init?(value: String, key: Key) {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard value.utf8.count <= 512, parts.count == 3, let name = Self.decode(parts[0]), let mac = Self.decode(parts[2]),
            parts[1].utf8.count == 22
        else { return nil }
        let payload = Array(value.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        let expected = Array(HMAC<SHA256>.authenticationCode(for: payload, using: key.key))
        guard ConstantTime.equal(mac, expected), let account = String(validating: name, as: UTF8.self) else { return nil }
        self.init(account: account, nonce: String(parts[1]))
    }

    /// The key its failed sign-ins are counted under, beside the account names' counts: `/` is no
    /// letter of a user name, so it cannot collide with one.
    public var failureKey: String { "\(account)/device/\(nonce)" }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func decode(_ text: Substring) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 < 128 && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "=") })
        else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.utf8.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map(Array.init)
    }
}
