public import ChastityTrackerDomain
import Foundation

/// The use cases the operator's command line and the person's account pages share (users,
/// tokens, passwords, export, import, copy), over the same store the HTTP handlers use: the
/// command and the page controller are thin adapters over these functions. Secrets come from the
/// injected token generator and passwords are hashed by the injected hasher (the pages' bounded
/// pool, or ``InlinePasswordHasher`` on the command line).
public struct Administration: Sendable {
    let store: any ChastityStore
    let configuration: Configuration
    let clock: any WallClock
    let tokens: TokenGenerator
    let hasher: any PasswordHasher
    let passwordParameters: Password.Parameters

    /// The configuration is the same one `serve` is given (the earliest date `import` accepts,
    /// say), so an action cannot quietly use defaults the server does not.
    public init(
        store: any ChastityStore, configuration: Configuration, clock: any WallClock = SystemWallClock(), tokens: TokenGenerator = .random,
        hasher: any PasswordHasher = InlinePasswordHasher(), passwordParameters: Password.Parameters = .standard
    ) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.tokens = tokens
        self.hasher = hasher
        self.passwordParameters = passwordParameters
    }

    // MARK: Users

    /// Creates a user; throws when the name or time zone is invalid or the name is taken.
    public func addUser(name: String, timeZone: String) async throws -> User {
        do throws(ValidationError) {
            try User.validate(name: name)
            _ = try TimeZones.zone(named: timeZone)
        } catch {
            throw AdminError(error.message)
        }
        do {
            return try await store.createUser(name: name, timeZone: timeZone, at: Timestamp(clock.now()))
        } catch StoreError.conflict {
            throw AdminError("a user named '\(name)' already exists")
        }
    }

    /// The user with this name; throws when there is none.
    public func user(named name: String) async throws -> User {
        guard let user = try await store.user(named: name) else { throw AdminError("no user named '\(name)'") }
        return user
    }

    /// Sets a user's password for the account pages (stored only as its scrypt hash) and ends
    /// all of their sessions; throws when the user does not exist or the password breaks the rule
    /// (``Password/validate(_:)``).
    public func setPassword(userName: String, password: String) async throws {
        let user = try await user(named: userName)
        do {
            guard try await setPassword(userID: user.id, to: password) else { throw AdminError("no user named '\(userName)'") }
        } catch let error as ValidationError {
            throw AdminError(error.message)
        }
    }

    /// Sets the password of the user with `userID` (checked by ``Password/validate(_:)``, hashed
    /// by the hasher) and ends all of the user's sessions. Returns `false` when the user does not
    /// exist. Throws the rule's ``ValidationError``, and ``PasswordHasherBusy`` when the hasher
    /// is full (nothing is changed then).
    public func setPassword(userID: Int64, to password: String) async throws -> Bool {
        try Password.validate(password)
        let hash = try await hasher.hash(password, parameters: passwordParameters)
        return try await store.setPasswordHash(userID: userID, hash: hash)
    }

    /// Deletes a user with all their tokens, records and sessions.
    public func deleteUser(named name: String) async throws {
        let user = try await user(named: name)
        _ = try await deleteUser(id: user.id)
    }

    /// Deletes the user with `userID` with all their tokens, records, sessions and failed sign-in
    /// counts. Returns whether the user existed.
    public func deleteUser(id: Int64) async throws -> Bool {
        try await store.deleteUser(id: id)
    }

    // MARK: Tokens

    /// Creates a token for a user; the secret is returned once and stored only as a hash.
    public func createToken(userName: String, permission: Permission, label: String) async throws -> (TokenInfo, TokenSecret) {
        let user = try await user(named: userName)
        do {
            return try await createToken(userID: user.id, permission: permission, label: label)
        } catch let error as ValidationError {
            throw AdminError(error.message)
        }
    }

    /// Creates a token for the user with `userID`, its secret from the injected generator; the
    /// secret is returned once and stored only as a hash. Throws the label's ``ValidationError``,
    /// and ``StoreError/missing`` when the user does not exist.
    public func createToken(userID: Int64, permission: Permission, label: String) async throws -> (TokenInfo, TokenSecret) {
        try TokenInfo.validate(label: label)
        let secret = tokens.next()
        let info = try await store.createToken(userID: userID, label: label, permission: permission, hash: secret.hash, at: Timestamp(clock.now()))
        return (info, secret)
    }

    /// The token with `id`; with `owner`, only when it is that user's (someone else's token is
    /// answered exactly like a missing one).
    public func token(id: Int64, ownedBy owner: Int64? = nil) async throws -> TokenInfo? {
        guard let token = try await store.token(id: id), owner == nil || token.userID == owner else { return nil }
        return token
    }

    /// Revokes a token: the very next request with it is refused.
    public func revokeToken(id: Int64) async throws {
        guard let token = try await token(id: id), try await revoke(token) else { throw AdminError("no token with id \(id)") }
    }

    /// Revokes `token` (its first revocation time stays); returns `false` when it no longer exists.
    public func revoke(_ token: TokenInfo) async throws -> Bool {
        try await store.revokeToken(id: token.id, at: Timestamp(clock.now()))
    }

    /// Gives a token a new secret (same id, label and permission); the old secret stops working.
    public func regenerateToken(id: Int64) async throws -> TokenSecret {
        guard let token = try await token(id: id) else { throw AdminError("no token with id \(id)") }
        guard let secret = try await regenerate(token) else { throw AdminError("token \(id) is revoked; create a new one instead") }
        return secret
    }

    /// A new secret for `token` from the injected generator, the old one refused from now on;
    /// `nil` when the token is revoked or gone (a revoked token stays revoked).
    public func regenerate(_ token: TokenInfo) async throws -> TokenSecret? {
        guard token.revoked == nil else { return nil }
        let secret = tokens.next()
        guard try await store.replaceTokenHash(id: token.id, hash: secret.hash) else { return nil }
        return secret
    }
}
