import ChastityTrackerDomain
import ChastityTrackerSQLite
import ChastityTrackerTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The SQLite files hold intimate records: a new database, its `-wal` and its `-shm` are readable
/// by their owner only, whatever the umask. (The tests run as root, which ignores modes, so they
/// check the mode bits, not access.)
@Suite("SQLite file modes", .serialized)
struct SQLiteFileModeTests {
    /// The permission bits of the file at `path`.
    static func mode(_ path: String) throws -> mode_t {
        var status = stat()
        guard stat(path, &status) == 0 else { throw TestSetupError("cannot stat \(path): errno \(errno)") }
        return status.st_mode & 0o777
    }

    /// Opens the store at `path`, writes a user and a record, and returns the modes of the
    /// database, `-wal` and `-shm` files while the store is open (closing removes the last two).
    static func modesAfterAWrite(_ path: String) async throws -> [mode_t] {
        let store = try await SQLiteStore.open(path: path, logger: TestBackend.logger)
        do {
            let alice = try await store.makeUser("alice")
            _ = try await store.insert([record("2026-01-01")], userID: alice.id)
            let modes = try [path, path + "-wal", path + "-shm"].map(mode)
            try await store.close()
            return modes
        } catch {
            try? await store.close()
            throw error
        }
    }

    @Test("a new database and its -wal and -shm files are created 0600, even under umask 022")
    func newDatabaseIsOwnerOnly() async throws {
        // The usual umask, which left the files 0644 (readable by every local user) before.
        let previous = umask(0o022)
        defer { umask(previous) }
        try await TestBackend(kind: .sqlite).withDatabase { path in
            let modes = try await Self.modesAfterAWrite(path)
            #expect(modes == [0o600, 0o600, 0o600])
        }
    }

    @Test("an existing database keeps the mode its operator gave it, and its -wal and -shm follow it")
    func existingDatabaseKeepsItsMode() async throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        try await TestBackend(kind: .sqlite).withDatabase { path in
            #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o640]))
            let before = try Self.mode(path)
            #expect(before == 0o640)
            let modes = try await Self.modesAfterAWrite(path)
            #expect(modes == [0o640, 0o640, 0o640])
        }
    }
}
