/// A position in one user's changes feed (docs/CONTRACT.md section 13): the feed's epoch and the
/// number of changes made to the user's items in it.
///
/// The epoch is drawn at random when the user's feed starts (the user is created, or restored by
/// `copy`), so a state from another database, or from before a restore, names another epoch and
/// is answered 410. The sequence moves by one for every item a write creates, changes or deletes,
/// inside the write's transaction and in commit order (the user's feed row is locked by the write),
/// so a state is never passed by a change that commits later.
///
/// Clients see it as opaque text: 16 hexadecimal digits of the epoch, `-`, the sequence in decimal.
public struct ChangeState: Sendable, Hashable, CustomStringConvertible {
    /// 16 lower-case hexadecimal digits.
    public var epoch: String
    /// The number of item changes in this epoch up to this state (0 before the first).
    public var sequence: Int64

    public init(epoch: String, sequence: Int64) {
        self.epoch = epoch
        self.sequence = sequence
    }

    /// Parses the text form; `nil` for anything else (a malformed state, answered 400).
    public init?(_ text: String) {
        let parts = text.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 16,
            parts[0].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }),
            (1...19).contains(parts[1].count), parts[1].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            parts[1].count == 1 || parts[1].first != UInt8(ascii: "0"),
            let sequence = Int64(String(decoding: parts[1], as: UTF8.self))
        else { return nil }
        self.init(epoch: String(decoding: parts[0], as: UTF8.self), sequence: sequence)
    }

    public var description: String { "\(epoch)-\(sequence)" }
}

/// One answer of the changes feed: what changed in a user's items after `oldState`, up to
/// `newState` (docs/CONTRACT.md section 13, JMAP's `/changes`).
public struct ChangesPage: Sendable, Hashable {
    public var oldState: ChangeState
    public var newState: ChangeState
    /// Whether changes after `newState` remain: call again with it.
    public var hasMoreChanges: Bool
    /// Items created after `oldState` (and changed since, if so), as they are now.
    public var created: [Orgasm]
    /// Items created up to `oldState` and changed after it, as they are now.
    public var updated: [Orgasm]
    /// Ids of items created up to `oldState` and deleted after it.
    public var destroyed: [Int64]

    public init(
        oldState: ChangeState, newState: ChangeState, hasMoreChanges: Bool, created: [Orgasm], updated: [Orgasm], destroyed: [Int64]
    ) {
        self.oldState = oldState
        self.newState = newState
        self.hasMoreChanges = hasMoreChanges
        self.created = created
        self.updated = updated
        self.destroyed = destroyed
    }
}

/// What the feed answers for a state: a page, or that the state cannot be answered (another
/// epoch, later than the feed, or older than a deletion the feed has forgotten): 410.
public enum ChangesAnswer: Sendable, Hashable {
    case page(ChangesPage)
    case expired
}

/// A user's feed as a store reads it, in the same snapshot as its changes: the epoch, the current
/// sequence, and the latest sequence of a deletion it has forgotten (purged).
public struct FeedHead: Sendable, Hashable {
    public var epoch: String
    public var sequence: Int64
    public var forgotten: Int64

    public init(epoch: String, sequence: Int64, forgotten: Int64) {
        self.epoch = epoch
        self.sequence = sequence
        self.forgotten = forgotten
    }

    /// The feed's current state.
    public var current: ChangeState { ChangeState(epoch: epoch, sequence: sequence) }

    /// Whether the feed can answer `since`: its epoch, not later than the feed, and not older than
    /// a deletion it has forgotten (else 410).
    public func answers(_ since: ChangeState) -> Bool {
        since.epoch == epoch && since.sequence <= sequence && since.sequence >= forgotten
    }

    /// Whether the answer to `since` needs the changed rows: it can be answered and is not current.
    public func hasChanges(after since: ChangeState) -> Bool {
        answers(since) && since.sequence < sequence
    }
}

extension ChangesAnswer {
    /// The answer to `since` from the feed's `head` and the first changes after `since` (see
    /// ``ChangesPage/cut(since:current:items:deletions:limit:)``; empty when there are none).
    public init(since: ChangeState, head: FeedHead, items: [FeedChange], deletions: [FeedChange], limit: Int) {
        guard head.answers(since) else {
            self = .expired
            return
        }
        self = .page(ChangesPage.cut(since: since, current: head.current, items: items, deletions: deletions, limit: limit))
    }
}

/// One change of the feed as a store reads it, before it is cut into a page: an item (as it is
/// now, with the sequence of its creation and of its last change) or a deletion.
public enum FeedChange: Sendable, Hashable {
    case item(Orgasm, created: Int64, changed: Int64)
    case deletion(id: Int64, created: Int64, destroyed: Int64)

    /// The sequence that orders the feed: the item's last change, or the deletion.
    public var sequence: Int64 {
        switch self {
        case .item(_, _, let changed): changed
        case .deletion(_, _, let destroyed): destroyed
        }
    }
}

extension ChangesPage {
    /// The page after `since` from the first changes after it: `items` (ascending by their last
    /// change) and `deletions` (ascending; only of items created up to `since`: the others the
    /// client never saw), each read with at most `limit + 1` entries, and the feed's current
    /// state. Holds at most `limit` ids; when more remain, the page ends at the last change it
    /// holds, so every change up to `newState` is in this page or an earlier one and none after
    /// it is (the first `limit + 1` changes of the feed are among the first `limit + 1` of each
    /// kind).
    ///
    /// An item created after `since` is in `created` (as it is now), else in `updated`.
    public static func cut(
        since: ChangeState, current: ChangeState, items: [FeedChange], deletions: [FeedChange], limit: Int
    ) -> ChangesPage {
        var created: [Orgasm] = []
        var updated: [Orgasm] = []
        var destroyed: [Int64] = []
        var itemIndex = items.startIndex
        var deletionIndex = deletions.startIndex
        var last = since.sequence
        while created.count + updated.count + destroyed.count < limit, itemIndex < items.endIndex || deletionIndex < deletions.endIndex {
            let next: FeedChange
            if deletionIndex == deletions.endIndex
                || (itemIndex < items.endIndex && items[itemIndex].sequence < deletions[deletionIndex].sequence)
            {
                next = items[itemIndex]
                itemIndex += 1
            } else {
                next = deletions[deletionIndex]
                deletionIndex += 1
            }
            switch next {
            case .item(let item, let createdAt, _):
                if createdAt > since.sequence { created.append(item) } else { updated.append(item) }
            case .deletion(let id, _, _):
                destroyed.append(id)
            }
            last = next.sequence
        }
        let more = itemIndex < items.endIndex || deletionIndex < deletions.endIndex
        return ChangesPage(
            oldState: since, newState: more ? ChangeState(epoch: since.epoch, sequence: last) : current, hasMoreChanges: more,
            created: created, updated: updated, destroyed: destroyed
        )
    }
}
