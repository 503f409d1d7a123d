public import ChastityTrackerDomain
import Foundation

/// The operator's actions (users, tokens, export, import) over the same store the HTTP handlers
/// use; the command line is a thin shell around this.
public struct Administration: Sendable {
    let store: any ChastityStore
    let configuration: Configuration
    let clock: any WallClock
    let tokens: TokenGenerator

    /// The configuration is the same one `serve` is given (the earliest date `import` accepts,
    /// say), so an action cannot quietly use defaults the server does not.
    public init(store: any ChastityStore, configuration: Configuration, clock: any WallClock = SystemWallClock(), tokens: TokenGenerator = .random) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.tokens = tokens
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
        do throws(ValidationError) {
            try Password.validate(password)
        } catch {
            throw AdminError(error.message)
        }
        let user = try await user(named: userName)
        let hash = try Password.hash(password)
        guard try await store.setPasswordHash(userID: user.id, hash: hash) else { throw AdminError("no user named '\(userName)'") }
    }

    /// Deletes a user with all their tokens, records and sessions.
    public func deleteUser(named name: String) async throws {
        let user = try await user(named: name)
        _ = try await store.deleteUser(id: user.id)
    }

    // MARK: Tokens

    /// Creates a token for a user; the secret is returned once and stored only as a hash.
    public func createToken(userName: String, permission: Permission, label: String) async throws -> (TokenInfo, TokenSecret) {
        do throws(ValidationError) {
            try TokenInfo.validate(label: label)
        } catch {
            throw AdminError(error.message)
        }
        let user = try await user(named: userName)
        let secret = tokens.next()
        let info = try await store.createToken(
            userID: user.id, label: label, permission: permission, hash: secret.hash, at: Timestamp(clock.now())
        )
        return (info, secret)
    }

    /// Revokes a token: the very next request with it is refused.
    public func revokeToken(id: Int64) async throws {
        guard try await store.revokeToken(id: id, at: Timestamp(clock.now())) else { throw AdminError("no token with id \(id)") }
    }

    /// Gives a token a new secret (same id, label and permission); the old secret stops working.
    public func regenerateToken(id: Int64) async throws -> TokenSecret {
        guard let token = try await store.token(id: id) else { throw AdminError("no token with id \(id)") }
        guard token.revoked == nil else { throw AdminError("token \(id) is revoked; create a new one instead") }
        let secret = tokens.next()
        guard try await store.replaceTokenHash(id: id, hash: secret.hash) else {
            throw AdminError("token \(id) is revoked; create a new one instead")
        }
        return secret
    }
}
