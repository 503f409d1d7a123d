import Crypto
import Foundation

/// A session id as the browser holds it, the hash the store keeps in its place, and the CSRF
/// token tied to it.
public struct SessionSecret: Sendable, Hashable {
    /// The id as set in the cookie; never stored or logged.
    public let plaintext: String

    public init(plaintext: String) {
        self.plaintext = plaintext
    }

    /// A new id from 256 bits of the system's secure random source.
    public static func generate() -> SessionSecret {
        var generator = SystemRandomNumberGenerator()
        return SessionSecret(plaintext: randomText(using: &generator))
    }

    /// 256 random bits as 43 base64url characters (for session ids and pre-session tokens).
    public static func randomText<R: RandomNumberGenerator>(using generator: inout R) -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Whether `text` has the shape of an id this server makes: 43 base64url characters. Anything
    /// else is refused before it is hashed or looked up.
    public static func isWellFormed(_ text: some StringProtocol) -> Bool {
        TokenSecret.isWellFormed(TokenSecret.prefix + text)
    }

    /// The stored form: lowercase hex SHA-256 of the id. The id carries 256 random bits, so a
    /// fast hash is enough; a leaked table does not let anyone present a session.
    public var hash: String { TokenSecret.hash(of: plaintext) }

    /// The CSRF token every form of this session carries: an HMAC of a fixed label keyed by the
    /// session id, so it needs no storage, changes with every sign-in, and cannot be computed
    /// without the cookie, which another site's page cannot read.
    public var csrfToken: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("chastity-tracker csrf".utf8), using: SymmetricKey(data: Array(plaintext.utf8)))
        return Data(mac).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Whether `presented` is this session's CSRF token, compared in constant time.
    public func acceptsCSRFToken(_ presented: String) -> Bool {
        ConstantTime.equal(Array(presented.utf8), Array(csrfToken.utf8))
    }
}
