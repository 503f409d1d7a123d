import ChastityTrackerDomain
import HTTPTypes
import NIOConcurrencyHelpers
import NIOCore

/// The bodies of recent GET answers on the records (a list page, one record's details) with their
/// `ETag`, each kept under the owner's changes feed state it was built at, and used only by a
/// request whose token lookup read that very state (``Principal/recordsState``): every request
/// validates what it is served against the store, so a write made anywhere (this instance,
/// another one, the command line) is seen by the next request, as without the cache.
///
/// Why an answer kept under state S is current for a request that read S with its token: the
/// answer was read after some lookup that saw S, so it holds every write up to S and perhaps
/// later ones (never fewer). Had a later write been in it, that write committed after the
/// request's lookup (which saw S) and before the request is answered: the request overlaps it,
/// and may be answered either side of it. Every write to a user's records moves the user's
/// state (docs/CONTRACT.md section 13), and a state never comes back: its sequence only grows,
/// and a user made again (a reused id, a restore) draws a new epoch.
///
/// The list is the hot path (docs/BENCHMARKS.md, issue 24): a hit skips the read, the JSON and
/// the SHA-256 of the body. PostgreSQL's principals carry no state (they come from a cache that
/// record writes do not empty), so there nothing is kept or served.
///
/// Bounded by the bytes it holds: past `capacity` it starts afresh (entries of a state no request
/// will read again go that way too).
final class RecordReadCache: Sendable {
    /// What an answer depends on besides the owner's records.
    enum Key: Hashable, Sendable {
        case list(userID: Int64, query: OrgasmQuery)
        case item(userID: Int64, id: Int64)
    }

    /// A 200 answer's body and its strong validator, kept as its header field: made once (a
    /// field's value is checked when it is made), and its value is the text it was made from.
    struct Answer: Sendable {
        let body: ByteBuffer
        let etagField: HTTPField

        var etag: String { etagField.value }

        init(body: ByteBuffer, etag: String) {
            self.body = body
            self.etagField = HTTPField(name: .eTag, value: etag)
        }
    }

    private struct Entry {
        let state: ChangeState
        let answer: Answer
    }

    private struct Contents {
        var entries: [Key: Entry] = [:]
        var bytes = 0
    }

    /// 8 MiB: about 1,300 list pages of 50 records, well inside the server's RSS budget.
    static let defaultCapacity = 8 << 20

    /// The most body bytes held; zero turns the cache off.
    let capacity: Int
    private let contents = NIOLockedValueBox(Contents())

    init(capacity: Int = RecordReadCache.defaultCapacity) {
        precondition(capacity >= 0)
        self.capacity = capacity
    }

    /// The answer kept for `key` at exactly `state`, or `nil`.
    func answer(for key: Key, at state: ChangeState) -> Answer? {
        guard capacity > 0 else { return nil }
        return contents.withLockedValue { contents in
            guard let entry = contents.entries[key], entry.state == state else { return nil }
            return entry.answer
        }
    }

    /// Keeps `answer` for `key` under `state`, the state the request's lookup read: at most the
    /// state the answer was built at (see the type's note).
    func keep(_ answer: Answer, for key: Key, at state: ChangeState) {
        let size = answer.body.readableBytes
        guard size <= capacity else { return }
        contents.withLockedValue { contents in
            if let old = contents.entries.removeValue(forKey: key) { contents.bytes -= old.answer.body.readableBytes }
            if contents.bytes + size > capacity {
                contents.entries.removeAll(keepingCapacity: true)
                contents.bytes = 0
            }
            contents.entries[key] = Entry(state: state, answer: answer)
            contents.bytes += size
        }
    }

    /// The number of answers held (for the tests).
    var count: Int { contents.withLockedValue { $0.entries.count } }

    /// The body bytes held (for the tests).
    var bytes: Int { contents.withLockedValue { $0.bytes } }
}
