import ChastityTrackerDomain
import Foundation
import Testing

@Suite("WebhookSignature")
struct WebhookSignatureTests {
    /// The Standard Webhooks test vector, published with the reference libraries'
    /// "sign function works" tests (github.com/standard-webhooks/standard-webhooks,
    /// libraries/javascript/src/webhook.test.ts, libraries/python/tests/test_webhooks.py and
    /// libraries/go/webhook_test.go): a 24-byte key.
    enum Vector {
        static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
        static let timestamp: Int64 = 1_614_265_330
        static let body = #"{"test": 2432232314}"#
        static let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    }

    /// The vector's secret, parsed.
    func vectorSecret() throws -> WebhookSecret {
        try #require(WebhookSecret(Vector.secret))
    }

    @Test("signing the specification's test vector gives its published signature")
    func specificationVector() throws {
        let secret = try vectorSecret()
        let signature = WebhookSignature.sign(id: Vector.id, timestamp: Vector.timestamp, body: Array(Vector.body.utf8), secret: secret)
        #expect(signature == Vector.signature)
    }

    @Test("the body may be any byte collection: bytes, Data, a UTF-8 view or a lazy (non-contiguous) collection give the same signature")
    func bodyCollections() throws {
        let secret = try vectorSecret()
        func sign(_ body: some Collection<UInt8>) -> String {
            WebhookSignature.sign(id: Vector.id, timestamp: Vector.timestamp, body: body, secret: secret)
        }
        #expect(sign(Array(Vector.body.utf8)) == Vector.signature)
        #expect(sign(Data(Vector.body.utf8)) == Vector.signature)
        #expect(sign(Vector.body.utf8) == Vector.signature)
        #expect(sign(Array(Vector.body.utf8).lazy.map { $0 }) == Vector.signature)
    }

    @Test("the headers are webhook-id, webhook-timestamp and webhook-signature, in that order, with the vector's values")
    func headersOfTheVector() throws {
        let headers = WebhookSignature.headers(id: Vector.id, timestamp: Vector.timestamp, body: Array(Vector.body.utf8), secret: try vectorSecret())
        #expect(headers.map(\.name) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        #expect(headers.map(\.value) == [Vector.id, "1614265330", Vector.signature])
    }

    @Test("every signed part counts: another id, timestamp, body or key changes the signature")
    func everyPartIsSigned() throws {
        let secret = try vectorSecret()
        let body = Array(Vector.body.utf8)
        let other = try #require(WebhookSecret("whsec_" + Data(repeating: 7, count: 24).base64EncodedString()))
        let signatures = [
            WebhookSignature.sign(id: Vector.id, timestamp: Vector.timestamp, body: body, secret: secret),
            WebhookSignature.sign(id: Vector.id + "x", timestamp: Vector.timestamp, body: body, secret: secret),
            WebhookSignature.sign(id: Vector.id, timestamp: Vector.timestamp + 1, body: body, secret: secret),
            WebhookSignature.sign(id: Vector.id, timestamp: Vector.timestamp, body: body + [0x20], secret: secret),
            WebhookSignature.sign(id: Vector.id, timestamp: Vector.timestamp, body: body, secret: other),
        ]
        #expect(Set(signatures).count == signatures.count)
        for signature in signatures {
            #expect(signature.hasPrefix("v1,"))
            #expect(Data(base64Encoded: String(signature.dropFirst(3)))?.count == 32)
        }
    }

    /// `whsec_` and the base64 of `count` bytes `byte`.
    static func whsec(_ byte: UInt8, count: Int) -> String {
        "whsec_" + Data(repeating: byte, count: count).base64EncodedString()
    }

    /// Secret texts and whether they parse.
    static let parsingCases: [(String, Bool)] = [
        ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true),
        (whsec(1, count: 24), true),
        (whsec(0xFB, count: 32), true),  // "+" and "/" in the text
        (whsec(1, count: 64), true),
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false),  // no prefix
        ("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false),
        ("whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false),  // an asymmetric secret key's prefix
        ("whsec_", false),
        ("", false),
        ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!", false),  // not base64
        ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", false),  // not a multiple of four characters
        ("whsec_ MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false),
        ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n", false),
        (whsec(0xFB, count: 32).replacingOccurrences(of: "+", with: "-"), false),  // base64url
        (String(whsec(1, count: 32).dropLast()), false),  // padding dropped
        ("whsec_AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQF=", false),  // 32 bytes, but stray bits: not canonical
        (whsec(1, count: 23), false),  // too short
        (whsec(1, count: 16), false),
        (whsec(1, count: 65), false),  // too long
    ]

    @Test("parsing accepts whsec_ and canonical standard base64 of a 24 to 64 byte key, and nothing else", arguments: parsingCases)
    func parsing(_ text: String, _ accepted: Bool) {
        let secret = WebhookSecret(text)
        #expect((secret != nil) == accepted)
        #expect(secret.map(\.text) == (accepted ? text : nil))
    }

    @Test("the description, debug description and reflection of a secret never show its key")
    func redacted() throws {
        for secret in [try vectorSecret(), WebhookSecret.generate()] {
            let key = String(secret.text.dropFirst("whsec_".count))
            let renderings = [
                secret.description, secret.debugDescription, "\(secret)", String(describing: secret), String(reflecting: secret),
                String(describing: [secret]), String(describing: Optional(secret)), dumped(secret),
            ]
            for rendering in renderings {
                #expect(!rendering.contains(key))
                #expect(!rendering.contains(key.prefix(8)))
            }
            #expect(secret.description == "whsec_…")
        }
    }

    /// What `dump` prints for `value`, which walks its mirror.
    func dumped(_ value: some Any) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }

    @Test("a generated secret is whsec_ and the base64 of 32 bytes, parses back to itself, and differs every time")
    func generated() throws {
        let secrets = (0..<100).map { _ in WebhookSecret.generate() }
        #expect(Set(secrets.map(\.text)).count == 100)
        for secret in secrets {
            #expect(secret.text.hasPrefix("whsec_"))
            let key = try #require(Data(base64Encoded: String(secret.text.dropFirst("whsec_".count))))
            #expect(key.count == 32)
            #expect(WebhookSecret(secret.text) == secret)
        }
    }

    @Test("a secret from a fixed generator is the base64 of its bytes, and the same generator gives the same secret")
    func generatedFromAGenerator() throws {
        var generator = ConstantGenerator(byte: 0xFB)
        let secret = WebhookSecret.generate(using: &generator)
        #expect(secret.text == "whsec_" + Data(repeating: 0xFB, count: 32).base64EncodedString())
        var again = ConstantGenerator(byte: 0xFB)
        #expect(WebhookSecret.generate(using: &again) == secret)
    }
}
