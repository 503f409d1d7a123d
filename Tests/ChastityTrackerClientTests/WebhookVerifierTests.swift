import ChastityTrackerClient
import ChastityTrackerDomain
import Foundation
import Testing

/// The SDK's webhook check, against the Standard Webhooks test vector and the server's own signer.
/// Pure computation, so it needs no server and runs outside `ClientSuites`.
@Suite("WebhookVerifier")
struct WebhookVerifierTests {
    /// The Standard Webhooks test vector, published with the reference libraries'
    /// "sign function works" tests (github.com/standard-webhooks/standard-webhooks,
    /// libraries/javascript/src/webhook.test.ts, libraries/python/tests/test_webhooks.py and
    /// libraries/go/webhook_test.go).
    enum Vector {
        static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
        static let timestamp: Int64 = 1_614_265_330
        static let body = Data(#"{"test": 2432232314}"#.utf8)
        static let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        static let now = Date(timeIntervalSince1970: TimeInterval(timestamp))
        static let headers = [
            "webhook-id": id,
            "webhook-timestamp": String(timestamp),
            "webhook-signature": signature,
        ]
    }

    /// A signature of `Vector.secret` made by the server's signer (a different implementation).
    func serverSignature(id: String = Vector.id, timestamp: Int64 = Vector.timestamp, body: Data = Vector.body) throws -> String {
        WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: try #require(WebhookSecret(Vector.secret)))
    }

    /// The vector's headers with `signature` in `webhook-signature`.
    func headers(signature: String) -> [String: String] {
        var headers = Vector.headers
        headers["webhook-signature"] = signature
        return headers
    }

    @Test("the specification's test vector verifies, with or without the whsec_ prefix on the secret")
    func specificationVector() throws {
        try WebhookVerifier(secret: Vector.secret).verify(body: Vector.body, headers: Vector.headers, now: Vector.now)
        try WebhookVerifier(secret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").verify(body: Vector.body, headers: Vector.headers, now: Vector.now)
        try WebhookVerifier(secret: Vector.secret).verify(body: Array(Vector.body), headers: Vector.headers, now: Vector.now)
    }

    @Test("the server's signer gives the vector's signature, and what it signs at another time verifies too")
    func serverSignerAgrees() throws {
        #expect(try serverSignature() == Vector.signature)
        let secret = WebhookSecret.generate()
        let body = Data(#"{"state":"7"}"#.utf8)
        let sent = WebhookSignature.headers(id: "msg_1", timestamp: 1_800_000_000, body: body, secret: secret)
        let headers = Dictionary(uniqueKeysWithValues: sent.map { ($0.name, $0.value) })
        try WebhookVerifier(secret: secret.text).verify(body: body, headers: headers, now: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test("header names are matched ignoring case")
    func headerNamesIgnoreCase() throws {
        let headers = [
            "Webhook-Id": Vector.id,
            "WEBHOOK-TIMESTAMP": String(Vector.timestamp),
            "webhook-Signature": Vector.signature,
        ]
        try WebhookVerifier(secret: Vector.secret).verify(body: Vector.body, headers: headers, now: Vector.now)
    }

    @Test("a tampered body has no matching signature")
    func tamperedBody() throws {
        let verifier = try WebhookVerifier(secret: Vector.secret)
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try verifier.verify(body: Data(#"{"test": 2432232315}"#.utf8), headers: Vector.headers, now: Vector.now)
        }
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try verifier.verify(body: Data(#"{"test":2432232314}"#.utf8), headers: Vector.headers, now: Vector.now)
        }
    }

    @Test("a tampered id or timestamp has no matching signature")
    func tamperedMetadata() throws {
        let verifier = try WebhookVerifier(secret: Vector.secret)
        var otherID = Vector.headers
        otherID["webhook-id"] = "msg_p5jXN8AQM9LWM0D4loKWxJel"
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try verifier.verify(body: Vector.body, headers: otherID, now: Vector.now)
        }
        var otherTime = Vector.headers
        otherTime["webhook-timestamp"] = String(Vector.timestamp + 1)
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try verifier.verify(body: Vector.body, headers: otherTime, now: Vector.now)
        }
    }

    @Test("a signature made with another secret does not match")
    func wrongSecret() throws {
        let other = try WebhookVerifier(secret: "whsec_" + Data(repeating: 7, count: 24).base64EncodedString())
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try other.verify(body: Vector.body, headers: Vector.headers, now: Vector.now)
        }
    }

    @Test(
        "a timestamp more than 300 s from now either way is out of tolerance; 300 s is still accepted",
        arguments: [
            (-301.0, false), (301.0, false), (-300.0, true), (300.0, true), (300.9, true), (-3600.0, false), (86_400.0, false),
        ])
    func tolerance(_ nowOffset: TimeInterval, _ accepted: Bool) throws {
        let verifier = try WebhookVerifier(secret: Vector.secret)
        let now = Vector.now.addingTimeInterval(nowOffset)
        if accepted {
            try verifier.verify(body: Vector.body, headers: Vector.headers, now: now)
        } else {
            #expect(throws: WebhookVerificationError.timestampOutOfTolerance) {
                try verifier.verify(body: Vector.body, headers: Vector.headers, now: now)
            }
        }
    }

    @Test("a message signed 301 s ago or 301 s ahead of now is refused even though its signature matches")
    func signedOutsideTolerance() throws {
        let verifier = try WebhookVerifier(secret: Vector.secret)
        for offset: Int64 in [-301, 301] {
            let timestamp = Vector.timestamp + offset
            var headers = Vector.headers
            headers["webhook-timestamp"] = String(timestamp)
            headers["webhook-signature"] = try serverSignature(timestamp: timestamp)
            #expect(throws: WebhookVerificationError.timestampOutOfTolerance) {
                try verifier.verify(body: Vector.body, headers: headers, now: Vector.now)
            }
        }
    }

    @Test("a missing or empty header is named in the error", arguments: ["webhook-id", "webhook-timestamp", "webhook-signature"])
    func missingHeader(_ name: String) throws {
        let verifier = try WebhookVerifier(secret: Vector.secret)
        var without = Vector.headers
        without[name] = nil
        #expect(throws: WebhookVerificationError.missingHeader(name)) {
            try verifier.verify(body: Vector.body, headers: without, now: Vector.now)
        }
        var empty = Vector.headers
        empty[name] = ""
        #expect(throws: WebhookVerificationError.missingHeader(name)) {
            try verifier.verify(body: Vector.body, headers: empty, now: Vector.now)
        }
    }

    @Test(
        "a timestamp that is not a whole number of seconds is invalid",
        arguments: ["hello", "1614265330.0", "+1614265330", "-1614265330", " 1614265330", "1614265330 ", "1e9", "99999999999999999999"])
    func invalidTimestamp(_ text: String) throws {
        let verifier = try WebhookVerifier(secret: Vector.secret)
        var headers = Vector.headers
        headers["webhook-timestamp"] = text
        #expect(throws: WebhookVerificationError.invalidTimestamp) {
            try verifier.verify(body: Vector.body, headers: headers, now: Vector.now)
        }
    }

    @Test("of several signatures, one matching v1 signature is enough, wherever it stands")
    func severalSignatures() throws {
        let verifier = try WebhookVerifier(secret: Vector.secret)
        let wrong = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
        let lists = [
            "\(wrong) \(Vector.signature)",
            "\(wrong) \(Vector.signature) v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==",
            "v2,\(wrong.dropFirst(3)) \(wrong)  \(Vector.signature) \(wrong)",
            "v1,not-base64! \(Vector.signature)",
        ]
        for list in lists {
            try verifier.verify(body: Vector.body, headers: headers(signature: list), now: Vector.now)
        }
    }

    @Test(
        "signatures that are not a matching v1 signature are refused, even the right value under another version",
        arguments: [
            "v1a," + "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            "v2," + "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            "V1," + "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=",  // the last bits changed
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ",  // cut short
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=AAAA",  // too long
            "v1,",
            "v1",
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ])
    func refusedSignatures(_ signature: String) throws {
        let verifier = try WebhookVerifier(secret: Vector.secret)
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try verifier.verify(body: Vector.body, headers: headers(signature: signature), now: Vector.now)
        }
    }

    @Test(
        "a secret that is not base64 of a key is refused",
        arguments: ["", "whsec_", "whsec_!!!!", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", "whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
    func invalidSecret(_ secret: String) {
        #expect(throws: WebhookVerificationError.invalidSecret) {
            _ = try WebhookVerifier(secret: secret)
        }
    }
}
