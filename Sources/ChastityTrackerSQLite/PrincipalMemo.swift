import ChastityTrackerDomain

/// The token lookups the store answered, each kept under the database's version read just
/// before it (``WALIndexHeader``), and served only while that version holds (issue 24: the
/// lookup's three-table read was 4 µs of a cached GET's 57).
///
/// Why this serves what the lookup would read: the version is read first, then the lookup in a
/// read transaction of its own, which starts at that version or a later one, so what is kept is
/// at least as new as the database at that version. A later request reads the version again,
/// and the same version means no connection (of this process or of another, the command line
/// included) committed anything in between: the database is the one the kept answer was read
/// from, and a revoked token, a new permission or a record write (which moves the principal's
/// changes feed state) is seen at once, as without the memo. Any commit at all empties it, so
/// under writes it only costs the version's read. `Version` is ``DatabaseVersion`` in the store
/// (any equatable version for the tests).
struct PrincipalMemo<Version: Equatable & Sendable>: Sendable {
    /// The most lookups kept; past it the memo starts afresh.
    static var capacity: Int { 4096 }

    private var version: Version?
    private var principals: [String: Principal] = [:]

    /// The principal kept for `hash`, if the database is still at `version`; forgets everything
    /// kept at another version.
    mutating func principal(for hash: String, at version: Version) -> Principal? {
        guard self.version == version else {
            principals.removeAll(keepingCapacity: true)
            self.version = version
            return nil
        }
        return principals[hash]
    }

    /// Keeps `principal` for `hash`, read after the version was `version`.
    mutating func keep(_ principal: Principal, for hash: String, at version: Version) {
        guard self.version == version else { return }
        if principals.count >= Self.capacity { principals.removeAll(keepingCapacity: true) }
        principals[hash] = principal
    }

    /// The lookups kept (for the tests).
    var count: Int { principals.count }
}
