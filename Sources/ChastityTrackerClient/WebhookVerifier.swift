import Crypto
public import Foundation

/// Why a webhook request was refused by ``WebhookVerifier``.
public enum WebhookVerificationError: Error, Sendable, Hashable {
    /// The request lacks this header (`webhook-id`, `webhook-timestamp` or `webhook-signature`),
    /// or it is empty.
    case missingHeader(String)
    /// `webhook-timestamp` is not an integer number of seconds.
    case invalidTimestamp
    /// `webhook-timestamp` is more than the tolerance (five minutes) before or after now: an old
    /// request replayed, or a clock far off.
    case timestampOutOfTolerance
    /// No `v1` signature of the header matches the body, id and timestamp under the secret: the
    /// request was altered, or signed with another secret.
    case noMatchingSignature
    /// The secret given to ``WebhookVerifier/init(secret:)`` is not base64 of a key (after an
    /// optional `whsec_`).
    case invalidSecret
}

/// Checks that a webhook request came from the Chastity Tracker server, as the Standard Webhooks
/// specification describes: its `webhook-signature` header must hold a `v1` HMAC-SHA256 signature
/// of `{webhook-id}.{webhook-timestamp}.{body}` under the webhook's secret, and its timestamp must
/// be within five minutes of now, so a captured request cannot be replayed later.
///
/// Verify the body exactly as received, before decoding it: JSON decoded and encoded again may
/// differ by a space, and then no signature matches. Use `webhook-id` to drop a message already
/// handled, since a retry carries the same id.
///
/// ```swift
/// let verifier = try WebhookVerifier(secret: "whsec_…")  // shown once, when the webhook was added
///
/// // In the receiving route, with the raw body and the request's headers:
/// do {
///     try verifier.verify(body: body, headers: headers)
/// } catch {
///     return .unauthorized  // not from the server, or replayed
/// }
/// let change = try JSONDecoder().decode(Change.self, from: body)
/// ```
public struct WebhookVerifier: Sendable {
    /// How far `webhook-timestamp` may be from now, in seconds, either way.
    public static let tolerance: Int64 = 300

    private let key: SymmetricKey

    /// Makes a verifier for one webhook's secret.
    ///
    /// - Parameter secret: The secret shown when the webhook was added: `whsec_` and standard
    ///   base64. The prefix may be left out, as the Standard Webhooks libraries allow.
    /// - Throws: ``WebhookVerificationError/invalidSecret`` when the rest is not base64 of a
    ///   non-empty key.
    public init(secret: String) throws {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst("whsec_".count)) : secret
        guard let key = Data(base64Encoded: encoded), !key.isEmpty else { throw WebhookVerificationError.invalidSecret }
        self.key = SymmetricKey(data: key)
    }

    /// Checks a request's signature and timestamp; returns when the request is authentic.
    ///
    /// - Parameters:
    ///   - body: The request body, exactly as received.
    ///   - headers: The request's headers; names are matched ignoring case.
    ///   - now: The current time, to which `webhook-timestamp` is compared.
    /// - Throws: ``WebhookVerificationError``: ``WebhookVerificationError/missingHeader(_:)`` when
    ///   a header is missing or empty, ``WebhookVerificationError/invalidTimestamp`` when the
    ///   timestamp is not an integer, ``WebhookVerificationError/timestampOutOfTolerance`` when it
    ///   is more than five minutes from `now`, and ``WebhookVerificationError/noMatchingSignature``
    ///   when no `v1` signature matches.
    public func verify(body: some DataProtocol, headers: [String: String], now: Date = Date()) throws {
        let id = try Self.header("webhook-id", in: headers)
        let timestampText = try Self.header("webhook-timestamp", in: headers)
        let signatures = try Self.header("webhook-signature", in: headers)

        // Digits only: `Int64` would also take a sign, and the header is unix seconds.
        guard timestampText.utf8.count <= 18, timestampText.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let timestamp = Int64(timestampText)
        else { throw WebhookVerificationError.invalidTimestamp }
        // In whole seconds like the header; as `Double`, so no `Date` can overflow an integer.
        let nowSeconds = now.timeIntervalSince1970.rounded(.down)
        guard abs(Double(timestamp) - nowSeconds) <= Double(Self.tolerance) else { throw WebhookVerificationError.timestampOutOfTolerance }

        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: Array("\(id).\(timestampText).".utf8))
        hmac.update(data: body)
        let expected = hmac.finalize()

        // Several signatures when the server rotates its secret; other versions (`v1a`, the
        // asymmetric scheme) are not ours to check.
        for candidate in signatures.split(separator: " ") {
            let parts = candidate.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == "v1", let presented = Data(base64Encoded: String(parts[1])) else { continue }
            // The MAC's `==` with bytes compares in constant time.
            if expected == presented { return }
        }
        throw WebhookVerificationError.noMatchingSignature
    }

    /// The value of header `name` (lowercase), whatever the case of its name in `headers`.
    private static func header(_ name: String, in headers: [String: String]) throws -> String {
        let value = headers[name] ?? headers.first(where: { $0.key.lowercased() == name })?.value
        guard let value, !value.isEmpty else { throw WebhookVerificationError.missingHeader(name) }
        return value
    }
}
