import Synchronization

/// The state of a WAL database as its WAL-index header gives it: the header's 48 bytes (the
/// transaction counter, the WAL's last valid frame, its salts and checksums). Every commit, by any
/// connection of any process, writes a new header before its transaction ends, and no two
/// states of the database share one: a commit appends frames (the last frame moves) or, when
/// the WAL starts over, changes the first salt, and it always counts one more transaction.
struct DatabaseVersion: Equatable, Sendable, CustomStringConvertible {
    fileprivate let words: [12 of UInt32]

    static func == (lhs: Self, rhs: Self) -> Bool {
        (0..<12).allSatisfy { lhs.words[$0] == rhs.words[$0] }
    }

    /// The fields in hexadecimal (test failures print it).
    var description: String {
        (0..<12).map { String(words[$0], radix: 16) }.joined(separator: " ")
    }
}

/// SQLite's WAL-index header read straight from the shared memory (the `-shm` file) that SQLite
/// maps once per process and every connection uses, the way SQLite itself reads it when a read
/// transaction starts (`walIndexTryHdr`; its layout: https://sqlite.org/walformat.html): the
/// first copy, a barrier, the second copy; the copies must agree, be initialised and carry a
/// valid checksum, or the read is torn by a commit under way and says nothing.
///
/// It replaces `PRAGMA data_version` as the token memo's validation (issue 24): that pragma
/// starts and ends a read transaction, which locks and unlocks a read mark of the WAL with two
/// `fcntl` calls (2.5 µs of a cached GET's 55), where this is a read of 96 bytes of memory.
///
/// The mapping belongs to the connection it was taken from, and stays valid while that connection
/// is open (SQLite unmaps the shared memory when the process's last connection to the file
/// closes): the store takes it from its writer, which it keeps open for its whole life.
struct WALIndexHeader: @unchecked Sendable {
    /// The header's two copies, 48 bytes each, start the WAL-index's first region.
    private static let size = 48
    private let base: UnsafeRawPointer

    /// The header of `connection`'s database, or `nil` when the database is not in WAL mode or
    /// SQLite has not mapped its WAL-index (the caller then has no cheap validation: see
    /// ``SQLiteStore``). `connection` must have read the database since it was opened.
    init?(of connection: SQLiteConnection) throws {
        guard let base = try connection.walIndex() else { return nil }
        self.base = base
    }

    /// The database's state now, or `nil` when a commit was writing the header at that instant.
    func version() -> DatabaseVersion? {
        let first = copy(at: 0)
        // SQLite's walShmBarrier: the second copy is read after the first (writers write them in
        // the other order), so a header changed between the two reads shows as two copies that differ.
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        guard copy(at: Self.size) == first else { return nil }
        // isInit, the first byte of the fourth field (after the transaction counter): 0 until the
        // WAL-index is built (an all-zero header would pass the checksum). Read from the copy, in
        // memory order, whatever the byte order.
        guard withUnsafeBytes(of: first.words[3], { $0[0] }) != 0 else { return nil }
        guard Self.checksumHolds(first.words) else { return nil }
        return first
    }

    /// One copy of the header as SQLite's twelve 32-bit fields, in the machine's byte order (the
    /// WAL-index's own: it is never written to another machine).
    private func copy(at offset: Int) -> DatabaseVersion {
        DatabaseVersion(words: [12 of UInt32] { base.load(fromByteOffset: offset + $0 * 4, as: UInt32.self) })
    }

    /// SQLite's `walChecksumBytes` in native byte order over the first ten fields, against the
    /// checksum in the last two.
    private static func checksumHolds(_ words: [12 of UInt32]) -> Bool {
        var s1: UInt32 = 0
        var s2: UInt32 = 0
        for index in stride(from: 0, to: 10, by: 2) {
            s1 &+= words[index] &+ s2
            s2 &+= words[index + 1] &+ s1
        }
        return s1 == words[10] && s2 == words[11]
    }
}
