import Crypto
import Foundation

/// Proof Key for Code Exchange (RFC 7636) with the `S256` method only.
///
/// A public client has no secret, so an intercepted authorization code would be enough to get
/// tokens; PKCE binds the code to a verifier that only the app that started the flow knows. RFC 9700
/// (section 2.1.1) allows `plain` only where S256 is impossible, which is never the case for a
/// client of this server, so `plain` is not implemented at all.
public enum PKCE {
    /// The lengths RFC 7636 section 4.1 allows for a verifier: enough for 256 bits of entropy at the
    /// low end, and a bound on what the token endpoint hashes at the high end.
    public static let verifierLengths = 43...128

    /// The length of an S256 challenge: 32 bytes of SHA-256 in unpadded base64url.
    public static let challengeLength = 43

    /// Whether `verifier` has RFC 7636 section 4.1's shape: 43 to 128 characters of ALPHA, DIGIT,
    /// `-`, `.`, `_` and `~`. A verifier of any other shape is refused before it is hashed, so that
    /// a client with a broken generator learns it at the first exchange.
    public static func isValidVerifier(_ verifier: String) -> Bool {
        let bytes = verifier.utf8
        return verifierLengths.contains(bytes.count) && bytes.allSatisfy(isUnreserved)
    }

    /// Whether `challenge` has the shape of an S256 challenge: exactly 43 base64url characters, no
    /// padding. Checked at the authorization endpoint, so that a malformed challenge is refused there
    /// (with `invalid_request`) instead of producing a code that no verifier can ever redeem.
    public static func isValidChallenge(_ challenge: String) -> Bool {
        challenge.utf8.count == challengeLength && challenge.utf8.allSatisfy(isBase64URL)
    }

    /// The S256 challenge for `verifier`: `BASE64URL-ENCODE(SHA256(ASCII(verifier)))` without
    /// padding (RFC 7636 section 4.2). What a client sends to `/oauth/authorize`; the server computes
    /// it again from the verifier presented at `/oauth/token`.
    public static func challenge(for verifier: String) -> String {
        let digest = SHA256.hash(data: Array(verifier.utf8))
        return Data(digest).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Whether `verifier` is well formed and its S256 challenge is `challenge` (RFC 7636 section
    /// 4.6). The comparison takes the same time wherever the two differ, so that the token endpoint
    /// leaks nothing about the stored challenge.
    public static func verify(verifier: String, challenge: String) -> Bool {
        guard isValidVerifier(verifier) else { return false }
        return ConstantTime.equal(Array(Self.challenge(for: verifier).utf8), Array(challenge.utf8))
    }

    /// RFC 3986's unreserved characters, the verifier's alphabet.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
    }

    /// The base64url alphabet (RFC 4648 section 5).
    private static func isBase64URL(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
