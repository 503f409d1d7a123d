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
