import ChastityTrackerDomain
import PostgresNIO

/// An item's columns in the `orgasms` table, in one place: the reads select ``selected`` and
/// decode with ``orgasm(_:)`` (details, export, snapshot, the locking update) or, for the list's
/// page, aggregate them as ``aggregated`` into ``Arrays``; the batch insert unnests
/// ``Arrays``-shaped bindings (``insertSQL(where:)``), the compare-and-set update assigns and
/// compares ``editable`` (``ConditionalUpdateStatement``), and a restore names ``written``.
/// A field added to the item is added here and in a migration (docs/ARCHITECTURE.md, "Where to
/// add a field to an item").
enum PostgresOrgasmColumns {
    /// The columns a read selects, in ``orgasm(_:)``'s order. The date travels as days since
    /// 1970-01-01, which no DateStyle setting changes.
    static let selected = "id, (date - DATE '1970-01-01')::bigint, mode, public, type, grantedby, inserted_ms"

    /// The stored columns, as a subquery selects them for ``aggregated``.
    static let stored = "id, date, mode, public, type, grantedby, inserted_ms"

    /// The columns of ``stored`` as parallel arrays, in ``Arrays``' order. Arrays cannot carry
    /// NULL here, so a nullable text comes with a "present" flag.
    static let aggregated = """
        array_agg(id), array_agg((date - DATE '1970-01-01')::bigint), array_agg(mode), array_agg(public),
        array_agg(coalesce(type::text, '')), array_agg(type IS NOT NULL),
        array_agg(coalesce(grantedby::text, '')), array_agg(grantedby IS NOT NULL), array_agg(inserted_ms)
        """

    /// An item from the next cells of a row of ``selected``.
    static func orgasm(_ cells: inout Cells) throws -> Orgasm {
        try orgasm(
            id: cells.next(Int64.self), days: cells.next(Int64.self), mode: cells.next(String.self), isPublic: cells.next(Bool.self),
            type: cells.next(String?.self), grantedBy: cells.next(String?.self), inserted: cells.next(Int64.self)
        )
    }

    /// An item from a row of ``selected``.
    static func orgasm(from row: PostgresRow) throws -> Orgasm {
        var cells = Cells(row, table: "orgasms")
        return try orgasm(&cells)
    }

    /// An item from its columns as stored (the date as days since 1970-01-01).
    private static func orgasm(
        id: Int64, days: Int64, mode modeText: String, isPublic: Bool, type: String?, grantedBy: String?, inserted: Int64
    ) throws -> Orgasm {
        guard let date = LocalDate(daysSinceEpoch: Int(days)), let mode = Mode(rawValue: modeText) else {
            throw CorruptRow(table: "orgasms")
        }
        return Orgasm(
            id: id, date: date, mode: mode, isPublic: isPublic,
            type: type, grantedBy: grantedBy, inserted: Timestamp(millisecondsSinceEpoch: inserted)
        )
    }

    /// Items as parallel arrays: a list page's columns (``aggregated``) on the way out, a batch
    /// insert's values on the way in (without ids).
    struct Arrays {
        var ids: [Int64] = []
        var days: [Int64] = []
        var modes: [String] = []
        var publics: [Bool] = []
        var types: [String] = []
        var hasTypes: [Bool] = []
        var grantedBys: [String] = []
        var hasGrantedBys: [Bool] = []
        var inserted: [Int64] = []

        /// The next cells of a row, as ``aggregated`` selects them.
        init(_ cells: inout Cells) throws {
            ids = try cells.nextArray(of: .int8) { $0.readInteger(as: Int64.self) }
            days = try cells.nextArray(of: .int8) { $0.readInteger(as: Int64.self) }
            modes = try cells.nextArray(of: .text) { $0.readString(length: $0.readableBytes) }
            publics = try cells.nextArray(of: .bool) { $0.readInteger(as: UInt8.self).map { $0 != 0 } }
            types = try cells.nextArray(of: .text) { $0.readString(length: $0.readableBytes) }
            hasTypes = try cells.nextArray(of: .bool) { $0.readInteger(as: UInt8.self).map { $0 != 0 } }
            grantedBys = try cells.nextArray(of: .text) { $0.readString(length: $0.readableBytes) }
            hasGrantedBys = try cells.nextArray(of: .bool) { $0.readInteger(as: UInt8.self).map { $0 != 0 } }
            inserted = try cells.nextArray(of: .int8) { $0.readInteger(as: Int64.self) }
        }

        /// The items, in the arrays' order; arrays of different lengths are a corrupt row.
        func orgasms() throws -> [Orgasm] {
            let count = ids.count
            guard
                [days.count, modes.count, publics.count, types.count, hasTypes.count, grantedBys.count, hasGrantedBys.count, inserted.count]
                    .allSatisfy({ $0 == count })
            else { throw CorruptRow(table: "orgasms") }
            var items: [Orgasm] = []
            items.reserveCapacity(count)
            for index in 0..<count {
                items.append(
                    try PostgresOrgasmColumns.orgasm(
                        id: ids[index], days: days[index], mode: modes[index], isPublic: publics[index],
                        type: hasTypes[index] ? types[index] : nil, grantedBy: hasGrantedBys[index] ? grantedBys[index] : nil,
                        inserted: inserted[index]
                    ))
            }
            return items
        }

        /// A batch insert's arrays, bound by ``PostgresOrgasmColumns/appendInsertArrays(of:to:)``.
        static let insertCount = 8

        /// The insert's unnested arrays, from parameter `$first` on, and the alias naming their
        /// elements (`position` last, from `WITH ORDINALITY`).
        /// With `leading`, that array (its argument and its element's name) comes first.
        static func unnest(from first: Int, leading: (argument: String, name: String)? = nil) -> (arguments: String, alias: String) {
            let types = ["text", "text", "boolean", "text", "boolean", "text", "boolean", "bigint"]
            let arguments = types.enumerated().map { "$\(first + $0.offset)::\($0.element)[]" }.joined(separator: ", ")
            let elements = "date, mode, public, type, has_type, grantedby, has_grantedby, inserted_ms, position"
            guard let leading else { return (arguments, "item(\(elements))") }
            return ("\(leading.argument), \(arguments)", "item(\(leading.name), \(elements))")
        }

        /// The stored columns a batch insert writes besides `user_id`, and the expressions over
        /// ``unnest(from:)``'s elements that give them.
        static let insertColumns = "date, mode, public, type, grantedby, inserted_ms"
        static let insertValues = """
            item.date::date, item.mode, item.public,
            CASE WHEN item.has_type THEN item.type END,
            CASE WHEN item.has_grantedby THEN item.grantedby END,
            item.inserted_ms
            """
    }

    /// Appends a batch insert's ``Arrays/insertCount`` arrays for `items`.
    static func appendInsertArrays(of items: [NewOrgasm], to bindings: inout PostgresBindings) {
        bindings.append(items.map(\.date.description))
        bindings.append(items.map(\.mode.rawValue))
        bindings.append(items.map(\.isPublic))
        bindings.append(items.map { $0.type ?? "" })
        bindings.append(items.map { $0.type != nil })
        bindings.append(items.map { $0.grantedBy ?? "" })
        bindings.append(items.map { $0.grantedBy != nil })
        bindings.append(items.map(\.inserted.millisecondsSinceEpoch))
    }

    /// The columns a PATCH may change, with the cast each bound value takes, its type, and
    /// whether the column may be NULL.
    private static let editableColumns: [(name: String, cast: String, type: PostgresDataType, nullable: Bool)] = [
        ("date", "::date", .text, false), ("mode", "::text", .text, false), ("public", "::boolean", .bool, false),
        ("type", "::text", .text, true), ("grantedby", "::text", .text, true),
    ]

    /// How many values ``appendEditable(of:to:)`` binds.
    static var editableCount: Int { editableColumns.count }

    /// The data types of ``appendEditable(of:to:)``'s values.
    static var editableTypes: [PostgresDataType] { editableColumns.map(\.type) }

    /// `date = $first::date, mode = …`: the editable columns set from parameters `$first` on.
    static func assignments(from first: Int) -> String {
        editableColumns.enumerated().map { "\($0.element.name) = $\(first + $0.offset)\($0.element.cast)" }.joined(separator: ", ")
    }

    /// `date = $first::date AND …`: whether the editable columns still hold the values bound
    /// from `$first` on (a nullable column compared with `IS NOT DISTINCT FROM`).
    static func unchanged(from first: Int) -> String {
        editableColumns.enumerated().map { offset, column in
            let comparison = column.nullable ? "IS NOT DISTINCT FROM" : "="
            return "\(column.name) \(comparison) $\(first + offset)\(column.cast)"
        }.joined(separator: " AND ")
    }

    /// Appends an item's editable values, in ``editableColumns``' order.
    static func appendEditable(of item: Orgasm, to bindings: inout PostgresBindings) {
        bindings.append(item.date.description)
        bindings.append(item.mode.rawValue)
        bindings.append(item.isPublic)
        bindings.append(item.type)
        bindings.append(item.grantedBy)
    }

    /// The restore of one item with its own id: `$1` the id, `$2` the user, then the editable
    /// values and the insert time.
    static let restoreSQL: String = {
        let names = editableColumns.map(\.name) + ["inserted_ms"]
        let values = ["$1", "$2"] + editableColumns.enumerated().map { "$\(3 + $0.offset)\($0.element.cast)" } + ["$\(3 + editableCount)::bigint"]
        return
            "INSERT INTO orgasms (id, user_id, \(names.joined(separator: ", "))) OVERRIDING SYSTEM VALUE VALUES (\(values.joined(separator: ", ")))"
    }()

    /// ``restoreSQL`` with `item`'s values bound.
    static func restore(_ item: Orgasm, userID: Int64) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: 3 + editableCount)
        bindings.append(item.id)
        bindings.append(userID)
        appendEditable(of: item, to: &bindings)
        bindings.append(item.inserted.millisecondsSinceEpoch)
        return PostgresQuery(unsafeSQL: restoreSQL, binds: bindings)
    }
}
