public import ChastityTrackerDomain
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `chastity-tracker backup PATH` (docs/CONTRACT.md section 16): a consistent SQLite copy of a live
/// database, written to a temporary name beside `PATH`, checked (`PRAGMA integrity_check`, and the
/// counts the copy was taken with), fsynced and renamed over `PATH`, readable by its owner only.
public enum SQLiteBackup {
    /// Why a backup failed; ``message`` is one line for the operator.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// The temporary name a backup to `path` is written under: beside it, so that the rename is
    /// atomic, and unique.
    public static func temporaryPath(for path: String) -> String {
        path + ".tmp-" + UUID().uuidString.prefix(8).lowercased()
    }

    /// Copies the live SQLite database at `source` to `path` with the online backup API: one read
    /// transaction on the source gives the counts and the copy of the same snapshot, while the
    /// server goes on writing. Returns the counts.
    public static func copy(database source: String, to path: String) throws -> StoreCounts {
        guard FileManager.default.fileExists(atPath: source) else { throw Failure(message: "no database at \(source)") }
        try refuseToReplace(database: source, with: path)
        let temporary = temporaryPath(for: path)
        do {
            let counts = try snapshotCopy(from: source, to: temporary)
            try finish(temporary: temporary, at: path, expected: counts)
            return counts
        } catch {
            remove(temporary)
            throw error
        }
    }

    /// Refuses a `path` that is the database itself or one of its companions, however either is
    /// written (relative, through a symbolic link): renaming the copy over the live file would
    /// leave the server writing to an unlinked one.
    public static func refuseToReplace(database source: String, with path: String) throws {
        guard let sourceFile = resolved(source) else { return }
        let folder = resolved((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
        let target = folder.map { $0 + "/" + (path as NSString).lastPathComponent }
        let companions = ["", "-wal", "-shm", "-journal"].map { sourceFile + $0 }
        if let target, companions.contains(target) || resolved(target) == sourceFile {
            throw Failure(message: "the backup cannot replace the database it copies (or its -wal, -shm or -journal file)")
        }
    }

    /// The absolute path of `path` with every symbolic link resolved; `nil` when it does not exist.
    private static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    private static func snapshotCopy(from source: String, to temporary: String) throws -> StoreCounts {
        let reader = try SQLiteConnection(path: source, readOnly: true)
        try reader.execute("BEGIN")
        // The first read starts the transaction's snapshot: the schema, the counts and the copy
        // are of it. A database at another schema than this code's is refused, not copied: its
        // counts would be read with this schema's statements.
        let hasMigrations = try reader.first("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'") {
            $0.integer(0) > 0
        }
        let applied = hasMigrations == true ? try reader.first("SELECT max(version) FROM schema_migrations") { $0.optionalInteger(0) } ?? nil : nil
        if let refusal = SchemaVersion.backupRefusal(applied: applied.map(Int.init), current: SQLiteStore.currentSchemaVersion) {
            throw Failure(message: refusal)
        }
        let counts = try SQLiteStore.counts(on: reader)
        try createOwnerOnly(path: temporary)
        let target = try SQLiteConnection(path: temporary, readOnly: false)
        try reader.backup(into: target)
        try reader.execute("COMMIT")
        return counts
    }

    /// Makes the store file at `temporary` (the copy, written and closed) the backup at `path`:
    /// checks it (`PRAGMA integrity_check`, and `expected` counts), leaves WAL mode so that it is
    /// one self-contained file, fsyncs it, renames it over `path` and fsyncs the folder. The
    /// temporary file is removed on failure.
    public static func finish(temporary: String, at path: String, expected: StoreCounts) throws {
        do {
            try check(temporary, expected: expected)
            try sync(temporary)
            guard rename(temporary, path) == 0 else { throw Failure(message: "cannot rename the backup to \(path) (errno \(errno))") }
            try sync((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
        } catch {
            remove(temporary)
            throw error
        }
    }

    private static func check(_ file: String, expected: StoreCounts) throws {
        let connection = try SQLiteConnection(path: file, readOnly: false)
        let integrity = try connection.first("PRAGMA integrity_check") { $0.text(0) } ?? "no answer"
        guard integrity == "ok" else { throw Failure(message: "the backup fails SQLite's integrity check: \(integrity)") }
        let counts = try SQLiteStore.counts(on: connection)
        guard counts == expected else { throw Failure(message: "the backup holds \(counts), the database held \(expected)") }
        // One file: the copy's pages out of any write-ahead log (the server sets WAL again when it opens it).
        let mode = try connection.first("PRAGMA journal_mode = DELETE") { $0.text(0) }
        guard mode == "delete" else { throw Failure(message: "the backup could not leave WAL mode (\(mode ?? "no answer"))") }
    }

    /// fsync of a file or a folder.
    private static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(message: "cannot open \(path) to sync it (errno \(errno))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Failure(message: "cannot sync \(path) (errno \(errno))") }
    }

    /// Removes a temporary copy and any companion file SQLite made for it (a failed backup).
    public static func remove(_ temporary: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temporary + suffix) }
    }
}
