import Crypto
import CryptoExtras
import Foundation

/// An account password: the rule it must meet, and the slow, salted hash stored in its place.
///
/// The stored form describes itself, `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (salt and hash in
/// unpadded base64), so the parameters can be raised later while old hashes keep verifying.
/// scrypt comes from swift-crypto (BoringSSL); it reads every byte of the password, unlike
/// bcrypt, which stops at 72 bytes or a NUL.
public enum Password {
    /// The fewest characters a password may have.
    public static let minimumLength = 10
    /// The most characters a password may have (bounds the work of hashing it).
    public static let maximumLength = 256

    /// scrypt's cost parameters: N = 2^`logRounds`, block size `r`, parallelism `p`.
    public struct Parameters: Sendable, Hashable {
        public var logRounds: Int
        public var blockSize: Int
        public var parallelism: Int

        public init(logRounds: Int, blockSize: Int, parallelism: Int) {
            self.logRounds = logRounds
            self.blockSize = blockSize
            self.parallelism = parallelism
        }

        /// N = 2^15, r = 8, p = 1: 32 MiB and on the order of 100 ms per hash, the interactive
        /// setting recommended for scrypt.
        public static let standard = Parameters(logRounds: 15, blockSize: 8, parallelism: 1)
    }

    /// Checks a new password: 10 to 256 characters, no control characters (a line break would
    /// not survive `set-password`'s one line).
    public static func validate(_ password: String) throws(ValidationError) {
        guard password.count >= minimumLength, password.count <= maximumLength else {
            throw ValidationError(
                field: "password", message: "a password is \(minimumLength) to \(maximumLength) characters"
            )
        }
        guard !password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValidationError(field: "password", message: "a password has no control characters")
        }
    }

    /// The stored form of `password` with a fresh random salt.
    public static func hash(_ password: String, parameters: Parameters = .standard) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = UInt8.random(in: .min ... .max, using: &generator) }
        let derived = try derive(password, salt: salt, parameters: parameters)
        return "$scrypt$ln=\(parameters.logRounds),r=\(parameters.blockSize),p=\(parameters.parallelism)$"
            + base64(salt) + "$" + base64(derived)
    }

    /// Whether `password` matches `stored`, compared in constant time. A stored string this code
    /// cannot read matches nothing.
    public static func verify(_ password: String, against stored: String) -> Bool {
        guard let parsed = StoredHash(stored),
            let derived = try? derive(password, salt: parsed.salt, parameters: parsed.parameters, length: parsed.hash.count)
        else { return false }
        return ConstantTime.equal(derived, parsed.hash)
    }

    private static func derive(_ password: String, salt: [UInt8], parameters: Parameters, length: Int = 32) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: length,
            rounds: 1 << parameters.logRounds, blockSize: parameters.blockSize, parallelism: parameters.parallelism
        )
        return key.withUnsafeBytes { Array($0) }
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    /// A stored string taken apart; `nil` when it is not one this code wrote.
    private struct StoredHash {
        var parameters: Parameters
        var salt: [UInt8]
        var hash: [UInt8]

        init?(_ text: String) {
            let parts = text.split(separator: "$", omittingEmptySubsequences: false)
            guard parts.count == 5, parts[0].isEmpty, parts[1] == "scrypt" else { return nil }
            var values: [String: Int] = [:]
            for pair in parts[2].split(separator: ",") {
                let keyValue = pair.split(separator: "=")
                guard keyValue.count == 2, let value = Int(keyValue[1]) else { return nil }
                values[String(keyValue[0])] = value
            }
            // Bounds keep a corrupt or hostile row from asking for gigabytes or hours.
            guard let logRounds = values["ln"], (1...20).contains(logRounds),
                let blockSize = values["r"], (1...32).contains(blockSize),
                let parallelism = values["p"], (1...16).contains(parallelism),
                let salt = StoredHash.decode(parts[3]), !salt.isEmpty,
                let hash = StoredHash.decode(parts[4]), (16...64).contains(hash.count)
            else { return nil }
            self.parameters = Parameters(logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
            self.salt = salt
            self.hash = hash
        }

        static func decode(_ text: Substring) -> [UInt8]? {
            var padded = String(text)
            while padded.count % 4 != 0 { padded.append("=") }
            return Data(base64Encoded: padded).map(Array.init)
        }
    }
}
