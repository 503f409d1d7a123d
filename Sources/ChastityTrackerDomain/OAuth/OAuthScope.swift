/// What an app asks to do with a person's records, and what the access tokens of its grant may do:
/// the OAuth face of a token's ``Permission``. One value, not a list: `write` already includes
/// reading, so a request for `read write` is refused rather than guessed.
public enum OAuthScope: String, Sendable, Hashable, CaseIterable {
    /// GET only.
    case read
    /// Everything a `write` token may do.
    case write

    /// The permission of the access tokens issued under this scope.
    public var permission: Permission {
        switch self {
        case .read: .read
        case .write: .write
        }
    }
}
