/// One item of the log, as stored and as returned by the API (the type is named after the API's
/// resource, the word for one of them is "item": docs/ARCHITECTURE.md, "Words").
public struct Orgasm: Sendable, Hashable {
    public var id: Int64
    public var date: LocalDate
    public var mode: Mode
    public var isPublic: Bool
    public var type: String?
    public var grantedBy: String?
    public var inserted: Timestamp

    public init(
        id: Int64, date: LocalDate, mode: Mode, isPublic: Bool,
        type: String?, grantedBy: String?, inserted: Timestamp
    ) {
        self.id = id
        self.date = date
        self.mode = mode
        self.isPublic = isPublic
        self.type = type
        self.grantedBy = grantedBy
        self.inserted = inserted
    }

    /// The stored form of `new` under the id the store gave it.
    public init(id: Int64, _ new: NewOrgasm) {
        self.init(
            id: id, date: new.date, mode: new.mode, isPublic: new.isPublic, type: new.type, grantedBy: new.grantedBy,
            inserted: new.inserted
        )
    }

    /// The same record with the dom rule applied: a `dom` item is never public and has no grantor.
    public var normalized: Orgasm {
        guard mode == .dom else { return self }
        var copy = self
        copy.isPublic = false
        copy.grantedBy = nil
        return copy
    }
}

/// An item to insert; the store assigns its id.
public struct NewOrgasm: Sendable, Hashable {
    public var date: LocalDate
    public var mode: Mode
    public var isPublic: Bool
    public var type: String?
    public var grantedBy: String?
    public var inserted: Timestamp

    /// Makes a record to insert, applying the dom rule.
    public init(date: LocalDate, mode: Mode, isPublic: Bool, type: String?, grantedBy: String?, inserted: Timestamp) {
        self.date = date
        self.mode = mode
        self.isPublic = mode == .dom ? false : isPublic
        self.type = type
        self.grantedBy = mode == .dom ? nil : grantedBy
        self.inserted = inserted
    }
}

/// A change to one field of a record: left alone, or set (to a value or, where allowed, null).
public enum FieldUpdate<Value: Sendable & Hashable>: Sendable, Hashable {
    case unchanged
    case set(Value)
}

/// The fields a PATCH changes; everything else stays.
public struct OrgasmChanges: Sendable, Hashable {
    public var date: FieldUpdate<LocalDate> = .unchanged
    public var mode: FieldUpdate<Mode> = .unchanged
    public var isPublic: FieldUpdate<Bool> = .unchanged
    public var type: FieldUpdate<String?> = .unchanged
    public var grantedBy: FieldUpdate<String?> = .unchanged

    public init() {}

    /// Whether the change names no field at all.
    public var isEmpty: Bool { self == OrgasmChanges() }

    /// The record after the change, with the dom rule applied to the result.
    public func applied(to orgasm: Orgasm) -> Orgasm {
        var result = orgasm
        if case .set(let value) = date { result.date = value }
        if case .set(let value) = mode { result.mode = value }
        if case .set(let value) = isPublic { result.isPublic = value }
        if case .set(let value) = type { result.type = value }
        if case .set(let value) = grantedBy { result.grantedBy = value }
        return result.normalized
    }
}
