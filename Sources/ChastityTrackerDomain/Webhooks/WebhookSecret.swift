import Crypto
import Foundation

/// A webhook's signing secret in the Standard Webhooks form: `whsec_` and the standard base64 of
/// the HMAC key.
///
/// The value prints as `whsec_…` (in `description`, `debugDescription` and reflection), so a log
/// line, an error message or a failed test's output never carries the key by accident; only
/// ``text`` gives it, for the one page that shows it and for the store.
public struct WebhookSecret: Sendable, Hashable {
    /// The prefix of every secret, so secret scanners and people can tell it from other keys.
    public static let prefix = "whsec_"

    /// The key sizes accepted, in bytes. The specification asks for at least 24 bytes (its own test
    /// vector uses 24) and at most 512 bits; ``generate()`` makes 32.
    public static let keySizes = 24...64

    /// The full secret, `whsec_` and the base64 key, as given to the receiver once and stored.
    public let text: String

    /// The decoded key; kept beside `text` so signing does not decode it again.
    private let keyBytes: [UInt8]

    /// Parses a secret; `nil` unless `text` is `whsec_` followed by canonical standard base64
    /// (padded, `+` and `/`) of a key of 24 to 64 bytes.
    ///
    /// Non-canonical base64 (stray bits in the last character) is refused so that one key has
    /// exactly one text and equal secrets compare equal.
    public init?(_ text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let encoded = String(text.dropFirst(Self.prefix.count))
        guard let decoded = Data(base64Encoded: encoded), Self.keySizes.contains(decoded.count),
            decoded.base64EncodedString() == encoded
        else { return nil }
        self.text = text
        self.keyBytes = Array(decoded)
    }

    private init(keyBytes: [UInt8]) {
        self.text = Self.prefix + Data(keyBytes).base64EncodedString()
        self.keyBytes = keyBytes
    }

    /// A new secret of 32 bytes (256 bits) from `generator`; tests pass a fixed generator.
    public static func generate<R: RandomNumberGenerator>(using generator: inout R) -> WebhookSecret {
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max, using: &generator) }
        return WebhookSecret(keyBytes: bytes)
    }

    /// A new secret of 32 bytes from the system's secure random source.
    public static func generate() -> WebhookSecret {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// The HMAC-SHA256 key: the decoded base64 after the prefix (not the text's bytes).
    var key: SymmetricKey { SymmetricKey(data: keyBytes) }
}

extension WebhookSecret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `whsec_…`: never the key, so interpolating a secret into a log line is harmless.
    public var description: String { Self.prefix + "…" }

    /// `WebhookSecret(whsec_…)`: never the key.
    public var debugDescription: String { "WebhookSecret(\(description))" }

    /// No children, so `dump` and test failure output do not list the stored key.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
