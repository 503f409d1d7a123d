import ChastityTrackerDomain

/// A date from its `YYYY-MM-DD` text; the tests only write real dates.
func day(_ text: String) -> LocalDate {
    guard let date = LocalDate(text) else { preconditionFailure("not a date: \(text)") }
    return date
}

/// An instant from milliseconds since the epoch.
func at(_ milliseconds: Int64) -> Timestamp {
    Timestamp(millisecondsSinceEpoch: milliseconds)
}

/// A record to insert, with the defaults most tests want.
func record(
    _ date: String, _ mode: Mode = .full, public isPublic: Bool = false,
    type: String? = nil, grantedBy: String? = nil, inserted: Int64 = 1_768_471_950_123
) -> NewOrgasm {
    NewOrgasm(date: day(date), mode: mode, isPublic: isPublic, type: type, grantedBy: grantedBy, inserted: at(inserted))
}

extension StoreError {
    /// Whether this is ``StoreError/conflict``, whatever its backend-specific detail.
    var isConflict: Bool {
        if case .conflict = self { return true }
        return false
    }
}

extension ChastityStore {
    /// Makes a user named `name` created at a fixed instant.
    func makeUser(_ name: String, timeZone: String = "UTC") async throws -> User {
        try await createUser(name: name, timeZone: timeZone, at: at(1_700_000_000_000))
    }

    /// All of a user's records, newest first, as the list returns them.
    func all(_ userID: Int64) async throws -> OrgasmPage {
        try await orgasms(userID: userID, matching: OrgasmQuery(limit: OrgasmQuery.maximumLimit))
    }
}
