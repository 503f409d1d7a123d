import ChastityTrackerDomain
import PostgresNIO

// The reads of an API request, on a leased connection: the store's own methods lease one per
// call, a unit of work (PostgresUnitOfWork) runs several on one lease.
extension PostgresSession {
    /// One page of a user's records matching `query` and the number of all matches.
    func orgasms(userID: Int64, matching query: OrgasmQuery) async throws -> OrgasmPage {
        // The SQL holds only placeholders; every value is bound.
        var bindings = PostgresBindings(capacity: 7)
        var filters = 0
        bindings.append(userID)
        if let from = query.from {
            filters |= 1
            bindings.append(from.description)
        }
        if let to = query.to {
            filters |= 2
            bindings.append(to.description)
        }
        if let isPublic = query.isPublic {
            filters |= 4
            bindings.append(isPublic)
        }
        if let mode = query.mode {
            filters |= 8
            bindings.append(mode.rawValue)
        }
        bindings.append(Int64(query.limit))
        bindings.append(Int64(query.offset))
        guard let row = try await listFilterSet(filters).list(on: self, bindings).first else { throw CorruptRow(table: "orgasms") }
        var items = try row.page.orgasms()
        // An aggregate promises no order; the page almost always comes in order already.
        items.sort { ($0.date, $0.id) > ($1.date, $1.id) }
        return OrgasmPage(total: Int(row.total), items: items)
    }

    /// One of a user's records, or `nil`.
    func orgasm(id: Int64, userID: Int64) async throws -> Orgasm? {
        try await execute(DetailsStatement(id: id, userID: userID)).first
    }

    /// The caller behind an unrevoked token with this hash, or `nil`.
    func principal(forTokenHash hash: String) async throws -> Principal? {
        try await execute(PrincipalStatement(hash: hash)).first.map { columns in
            let (tokenID, userID, timeZone, permission, lastUsed, expires, grantID) = columns
            return Principal(
                tokenID: tokenID, userID: userID, timeZone: timeZone,
                permission: try Permission.stored(permission),
                lastUsed: lastUsed.map(Timestamp.init(millisecondsSinceEpoch:)),
                expires: expires.map(Timestamp.init(millisecondsSinceEpoch:)), grantID: grantID
            )
        }
    }
}
