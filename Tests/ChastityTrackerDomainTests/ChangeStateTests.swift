import ChastityTrackerDomain
import Testing

@Suite("The changes feed's state and answer")
struct ChangeStateTests {
    static let epoch = "0123456789abcdef"

    static func item(_ id: Int64, created: Int64, changed: Int64) -> FeedChange {
        .item(
            Orgasm(
                id: id, date: LocalDate(year: 2026, month: 1, day: 15)!, mode: .full, isPublic: false, type: nil, grantedBy: nil,
                inserted: Timestamp(millisecondsSinceEpoch: 1_768_471_950_123)),
            created: created, changed: changed)
    }

    @Test("The text form is 16 lower-case hex digits, '-', a decimal sequence without leading zeros; anything else is nil")
    func textForm() {
        #expect(ChangeState("\(Self.epoch)-0") == ChangeState(epoch: Self.epoch, sequence: 0))
        #expect(ChangeState("\(Self.epoch)-9223372036854775807")?.sequence == Int64.max)
        #expect(ChangeState(epoch: Self.epoch, sequence: 42).description == "\(Self.epoch)-42")
        for text in [
            "", "-", "\(Self.epoch)", "\(Self.epoch)-", "\(Self.epoch)-01", "\(Self.epoch)--1", "\(Self.epoch)-1-2",
            "0123456789ABCDEF-1", "0123456789abcde-1", "0123456789abcdef0-1", "\(Self.epoch)-9223372036854775808", "\(Self.epoch)- 1",
        ] {
            #expect(ChangeState(text) == nil, "\(text)")
        }
    }

    @Test("A feed answers a state of its epoch from its forgotten deletion up to its current state, both included")
    func headAnswers() {
        let head = FeedHead(epoch: Self.epoch, sequence: 10, forgotten: 4)
        #expect(head.answers(ChangeState(epoch: Self.epoch, sequence: 4)))
        #expect(head.answers(ChangeState(epoch: Self.epoch, sequence: 10)))
        #expect(!head.answers(ChangeState(epoch: Self.epoch, sequence: 3)))
        #expect(!head.answers(ChangeState(epoch: Self.epoch, sequence: 11)))
        #expect(!head.answers(ChangeState(epoch: "fedcba9876543210", sequence: 5)))
        #expect(head.hasChanges(after: ChangeState(epoch: Self.epoch, sequence: 9)))
        #expect(!head.hasChanges(after: ChangeState(epoch: Self.epoch, sequence: 10)))
        #expect(!head.hasChanges(after: ChangeState(epoch: Self.epoch, sequence: 3)))
    }

    @Test("A state the feed cannot answer is expired, whatever rows come with it")
    func expiredAnswer() {
        let head = FeedHead(epoch: Self.epoch, sequence: 10, forgotten: 4)
        let answer = ChangesAnswer(
            since: ChangeState(epoch: Self.epoch, sequence: 2), head: head, items: [Self.item(1, created: 1, changed: 5)], deletions: [],
            limit: 10)
        #expect(answer == .expired)
    }

    @Test("A current state answers an empty page at the same state, with no more changes")
    func currentState() {
        let head = FeedHead(epoch: Self.epoch, sequence: 10, forgotten: 0)
        let since = ChangeState(epoch: Self.epoch, sequence: 10)
        #expect(
            ChangesAnswer(since: since, head: head, items: [], deletions: [], limit: 10)
                == .page(ChangesPage(oldState: since, newState: since, hasMoreChanges: false, created: [], updated: [], destroyed: [])))
    }

    @Test("A page cut by the limit merges items and deletions in feed order and ends at the last change it holds")
    func cutByLimit() throws {
        let head = FeedHead(epoch: Self.epoch, sequence: 9, forgotten: 0)
        let since = ChangeState(epoch: Self.epoch, sequence: 3)
        // Item 1 was created before the state and changed at 4; item 5 created at 5; deletions at 6 and 8; item 2 changed at 7.
        let items = [Self.item(1, created: 1, changed: 4), Self.item(5, created: 5, changed: 5), Self.item(2, created: 2, changed: 7)]
        let deletions: [FeedChange] = [.deletion(id: 3, created: 3, destroyed: 6), .deletion(id: 4, created: 2, destroyed: 8)]
        guard case .page(let first) = ChangesAnswer(since: since, head: head, items: items, deletions: deletions, limit: 3) else {
            Issue.record("expired")
            return
        }
        #expect(first.newState == ChangeState(epoch: Self.epoch, sequence: 6))
        #expect(first.hasMoreChanges)
        #expect(first.updated.map(\.id) == [1])
        #expect(first.created.map(\.id) == [5])
        #expect(first.destroyed == [3])
        guard case .page(let whole) = ChangesAnswer(since: since, head: head, items: items, deletions: deletions, limit: 10) else {
            Issue.record("expired")
            return
        }
        #expect(whole.newState == head.current)
        #expect(!whole.hasMoreChanges)
        #expect(whole.updated.map(\.id) == [1, 2])
        #expect(whole.created.map(\.id) == [5])
        #expect(whole.destroyed == [3, 4])
    }
}
