import ChastityTrackerDomain
import Testing

@Suite("OrgasmChanges.applied")
struct OrgasmChangesTests {
    static let inserted = Timestamp(millisecondsSinceEpoch: 1_768_471_950_123)
    static let date = LocalDate(year: 2026, month: 1, day: 15)!

    static func item(_ mode: Mode, isPublic: Bool, type: String? = "Stroke", grantedBy: String?) -> Orgasm {
        Orgasm(id: 7, date: date, mode: mode, isPublic: isPublic, type: type, grantedBy: grantedBy, inserted: inserted)
    }

    static func changes(
        mode: Mode? = nil, isPublic: Bool? = nil, type: String?? = nil, grantedBy: String?? = nil, date: LocalDate? = nil
    ) -> OrgasmChanges {
        var changes = OrgasmChanges()
        if let mode { changes.mode = .set(mode) }
        if let isPublic { changes.isPublic = .set(isPublic) }
        if let type { changes.type = .set(type) }
        if let grantedBy { changes.grantedBy = .set(grantedBy) }
        if let date { changes.date = .set(date) }
        return changes
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var before: Orgasm
        var changes: OrgasmChanges
        var after: Orgasm
        var testDescription: String { name }
    }

    @Test(
        "the result of an update always keeps the dom invariant",
        arguments: [
            Case(
                name: "becoming dom drops public and grantor",
                before: item(.full, isPublic: true, grantedBy: "Mistress"), changes: changes(mode: .dom),
                after: item(.dom, isPublic: false, grantedBy: nil)),
            Case(
                name: "a dom item cannot be made public",
                before: item(.dom, isPublic: false, grantedBy: nil), changes: changes(isPublic: true),
                after: item(.dom, isPublic: false, grantedBy: nil)),
            Case(
                name: "a dom item cannot get a grantor",
                before: item(.dom, isPublic: false, grantedBy: nil), changes: changes(grantedBy: .some("Mistress")),
                after: item(.dom, isPublic: false, grantedBy: nil)),
            Case(
                name: "dom with public and grantor in the same update still drops both",
                before: item(.ruined, isPublic: false, grantedBy: nil), changes: changes(mode: .dom, isPublic: true, grantedBy: .some("X")),
                after: item(.dom, isPublic: false, grantedBy: nil)),
            Case(
                name: "leaving dom allows public and grantor again",
                before: item(.dom, isPublic: false, grantedBy: nil), changes: changes(mode: .full, isPublic: true, grantedBy: .some("X")),
                after: item(.full, isPublic: true, grantedBy: "X")),
            Case(
                name: "leaving dom alone keeps it private",
                before: item(.dom, isPublic: false, grantedBy: nil), changes: changes(mode: .milking),
                after: item(.milking, isPublic: false, grantedBy: nil)),
            Case(
                name: "a dom item keeps its type and may change it",
                before: item(.dom, isPublic: false, grantedBy: nil), changes: changes(type: .some("Edge")),
                after: item(.dom, isPublic: false, type: "Edge", grantedBy: nil)),
            Case(
                name: "an already broken dom row comes out normalised even by an unrelated change",
                before: item(.dom, isPublic: true, grantedBy: "Old"), changes: changes(type: .some(nil)),
                after: item(.dom, isPublic: false, type: nil, grantedBy: nil)),
            Case(
                name: "a non-dom item keeps public and grantor",
                before: item(.ted, isPublic: true, grantedBy: "Keyholder"), changes: changes(type: .some("Hands-free")),
                after: item(.ted, isPublic: true, type: "Hands-free", grantedBy: "Keyholder")),
            Case(
                name: "null clears type and grantedby on a non-dom item",
                before: item(.full, isPublic: true, grantedBy: "Keyholder"), changes: changes(type: .some(nil), grantedBy: .some(nil)),
                after: item(.full, isPublic: true, type: nil, grantedBy: nil)),
        ])
    func domInvariant(_ testCase: Case) {
        let result = testCase.changes.applied(to: testCase.before)
        #expect(result == testCase.after)
        if result.mode == .dom {
            #expect(result.isPublic == false)
            #expect(result.grantedBy == nil)
        }
    }

    @Test("an update changes only the fields it names; id and inserted never change")
    func untouchedFields() {
        let before = Self.item(.full, isPublic: true, grantedBy: "K")
        let newDate = LocalDate(year: 2024, month: 2, day: 29)!
        let result = Self.changes(date: newDate).applied(to: before)
        var expected = before
        expected.date = newDate
        #expect(result == expected)
        #expect(OrgasmChanges().applied(to: before) == before)
        #expect(OrgasmChanges().isEmpty)
        #expect(!Self.changes(isPublic: false).isEmpty)
    }
}
