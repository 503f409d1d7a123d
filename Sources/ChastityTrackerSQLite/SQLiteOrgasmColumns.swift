import ChastityTrackerDomain

/// An item's columns in the `orgasms` table, in one place: every read selects ``selected`` and
/// decodes with ``orgasm(from:)`` (list, details, export, snapshot), every write names
/// ``written`` and binds ``values(of:)`` (insert, restore) or assigns ``editable`` (update).
/// A field added to the item is added here and in a migration (docs/ARCHITECTURE.md, "Where to
/// add a field to an item").
enum SQLiteOrgasmColumns {
    /// The columns a read selects, in ``orgasm(from:)``'s order.
    static let selected = "id, date, mode, public, type, grantedby, inserted_ms"

    /// The columns a PATCH may change, in ``values(of:)``'s order.
    private static let editableNames = ["date", "mode", "public", "type", "grantedby"]

    /// The columns a new item writes besides `id` and `user_id`, in ``values(of:)``'s order.
    static let written = (editableNames + ["inserted_ms"]).joined(separator: ", ")

    /// `?` for each of ``written``.
    static let writtenPlaceholders = Array(repeating: "?", count: editableNames.count + 1).joined(separator: ", ")

    /// The update's assignments, `date = ?, …`, bound with the first values of ``values(of:)``.
    static let editable = editableNames.map { "\($0) = ?" }.joined(separator: ", ")

    /// How many of ``values(of:)`` ``editable`` binds.
    static let editableCount = editableNames.count

    /// The values of ``written`` for an item: the editable ones first, then the insert time.
    static func values(of item: Orgasm) -> [SQLiteValue] {
        [
            .text(item.date.description), .text(item.mode.rawValue), .integer(item.isPublic ? 1 : 0),
            .optionalText(item.type), .optionalText(item.grantedBy), .integer(item.inserted.millisecondsSinceEpoch),
        ]
    }

    /// An item from a row of ``selected``.
    static func orgasm(from row: SQLiteRow) throws -> Orgasm {
        guard let date = row.date(1), let mode = row.mode(2) else {
            throw CorruptRow(table: "orgasms")
        }
        return Orgasm(
            id: row.integer(0), date: date, mode: mode, isPublic: row.integer(3) != 0,
            type: row.optionalText(4), grantedBy: row.optionalText(5),
            inserted: Timestamp(millisecondsSinceEpoch: row.integer(6))
        )
    }
}
