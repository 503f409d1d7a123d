import Crypto
import Foundation

/// A bearer token's plain text and the hash that is stored in its place.
public struct TokenSecret: Sendable, Hashable {
    /// The prefix every token starts with, so secret scanners can spot a leaked one.
    public static let prefix = "ct_"

    /// The token as given to the client once; never stored or logged.
    public let plaintext: String

    public init(plaintext: String) {
        self.plaintext = plaintext
    }

    /// A new token from 256 random bits.
    public static func generate<R: RandomNumberGenerator>(using generator: inout R) -> TokenSecret {
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return TokenSecret(plaintext: prefix + encoded)
    }

    /// A new token from the system's secure random source.
    public static func generate() -> TokenSecret {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// The stored form: lowercase hex SHA-256 of the token. Tokens carry 256 random bits, so a
    /// fast hash is enough; a slow password hash would only slow every request.
    public var hash: String { TokenSecret.hash(of: plaintext) }

    /// The stored form of any presented token text.
    public static func hash(of text: some StringProtocol) -> String {
        hash(ofBytes: Array(text.utf8))
    }

    /// The stored form of a presented token (the hot path's overload: a generic function across
    /// modules is not specialized, and its collection calls cost metadata lookups; issue 24).
    public static func hash(of text: Substring) -> String {
        var text = text
        return text.withUTF8 { hash(ofBytes: $0) }
    }

    private static func hash(ofBytes bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).withUnsafeBytes(Hex.lowercase)
    }

    private static let prefixBytes: [UInt8] = Array(prefix.utf8)

    /// Whether a presented text has the shape of a token (prefix, 43 base64url characters).
    public static func isWellFormed(_ text: some StringProtocol) -> Bool {
        isWellFormed(Substring(text))
    }

    /// Whether a presented text has the shape of a token (prefix, 43 base64url characters); the
    /// hot path's overload, over contiguous bytes (issue 24).
    public static func isWellFormed(_ text: Substring) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count == prefixBytes.count + 43, bytes.starts(with: prefixBytes) else { return false }
            for byte in bytes[prefixBytes.count...] {
                let letter = byte | 0x20
                guard
                    (letter >= UInt8(ascii: "a") && letter <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                        || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                else { return false }
            }
            return true
        }
    }
}

/// Where new token secrets come from: injected like the clock, so a test can decide them.
public struct TokenGenerator: Sendable {
    private let make: @Sendable () -> TokenSecret

    public init(_ make: @escaping @Sendable () -> TokenSecret) {
        self.make = make
    }

    /// A new secret.
    public func next() -> TokenSecret { make() }

    /// 256 bits from the system's secure random source.
    public static let random = TokenGenerator { TokenSecret.generate() }
}
