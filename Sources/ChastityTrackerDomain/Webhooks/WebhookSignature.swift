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

/// The Standard Webhooks signature of a message: `v1,` and the base64 HMAC-SHA256 of
/// `{id}.{timestamp}.{body}`, keyed by the secret's decoded key.
///
/// The id and the timestamp are signed with the body so that a captured request cannot be
/// replayed later (the receiver checks the timestamp) or under another id (the receiver's
/// idempotency key). Both come from the sender, never from a user, and the id must contain no `.`.
public enum WebhookSignature {
    /// The header names, in the order ``headers(id:timestamp:body:secret:)`` gives them.
    public static let idHeader = "webhook-id"
    /// The attempt's time in unix seconds; a new one for every retry.
    public static let timestampHeader = "webhook-timestamp"
    /// One or more space-separated `v1,` signatures.
    public static let signatureHeader = "webhook-signature"

    /// The signature `v1,<base64>` of `body` sent as message `id` at `timestamp` (unix seconds).
    ///
    /// `body` must be the exact bytes sent: the receiver verifies the bytes it got, before any
    /// JSON decoding.
    public static func sign(id: String, timestamp: Int64, body: some Collection<UInt8>, secret: WebhookSecret) -> String {
        var hmac = HMAC<SHA256>(key: secret.key)
        hmac.update(data: Array("\(id).\(timestamp).".utf8))
        let contiguous: Void? = body.withContiguousStorageIfAvailable { hmac.update(data: UnsafeRawBufferPointer($0)) }
        if contiguous == nil { hmac.update(data: Array(body)) }
        return "v1," + Data(hmac.finalize()).base64EncodedString()
    }

    /// The three headers of a delivery attempt, in order: `webhook-id`, `webhook-timestamp`
    /// and `webhook-signature`.
    public static func headers(
        id: String, timestamp: Int64, body: some Collection<UInt8>, secret: WebhookSecret
    ) -> [(name: String, value: String)] {
        [
            (name: idHeader, value: id),
            (name: timestampHeader, value: String(timestamp)),
            (name: signatureHeader, value: sign(id: id, timestamp: timestamp, body: body, secret: secret)),
        ]
    }
}
