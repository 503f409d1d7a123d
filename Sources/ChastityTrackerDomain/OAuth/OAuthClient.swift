/// An app the operator registered for OAuth (docs/CONTRACT.md section 15): a public client (it
/// keeps no secret; PKCE protects its codes), known by its `client_id`, with the redirect URIs a
/// code may be sent to.
public struct OAuthClient: Sendable, Hashable {
    /// `ctc_` and 22 URL-safe characters (128 random bits): public, not a secret, but not
    /// guessable either, so that nobody can start a flow in another app's name by counting.
    public var id: String
    /// The name the consent page shows the person.
    public var name: String
    public var redirectURIs: [RedirectURI]
    public var created: Timestamp

    public init(id: String, name: String, redirectURIs: [RedirectURI], created: Timestamp) {
        self.id = id
        self.name = name
        self.redirectURIs = redirectURIs
        self.created = created
    }

    /// Whether `text` has the shape of a client id this server makes (`ctc_` and 22 base64url
    /// characters); anything else is unknown without a lookup (and never reaches the database,
    /// which would refuse some bytes, a NUL for one, with an error of its own).
    public static func isWellFormedID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 26 && text.hasPrefix("ctc_")
            && bytes.dropFirst(4).allSatisfy { byte in
                (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
    }

    /// A new client id.
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return "ctc_" + String((0..<22).map { _ in alphabet[Int(generator.next() % 64)] })
    }

    /// Checks a client's name: 1 to 100 characters, no control characters.
    public static func validate(name: String) throws(ValidationError) {
        guard !name.isEmpty, name.count <= 100, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValidationError(field: "name", message: "a client's name is 1 to 100 characters without control characters")
        }
    }

    /// The registered redirect URI that `requested` matches (RFC 8252's loopback port aside, an
    /// exact match), or `nil`.
    public func redirectURI(matching requested: String) -> RedirectURI? {
        redirectURIs.first { $0.matches(requested) }
    }
}
