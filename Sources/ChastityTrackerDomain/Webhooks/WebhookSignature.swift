import Crypto
import Foundation

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
