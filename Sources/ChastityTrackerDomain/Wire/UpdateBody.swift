/// The body of an update (docs/CONTRACT.md section 8): a JSON object naming any of `date`,
/// `mode`, `public`, `type` and `grantedby`. An absent field stays as it is; `null` (or blank
/// text) clears `type` and `grantedby` and is refused for the others.
public struct UpdateBody: Sendable, Hashable {
    /// `nil` when absent.
    public var date: LocalDate?
    /// `nil` when absent.
    public var mode: Mode?
    /// `nil` when absent.
    public var isPublic: Bool?
    /// `.unchanged` when absent, `.set(nil)` for `null` or blank text.
    public var type: FieldUpdate<String?>
    /// `.unchanged` when absent, `.set(nil)` for `null` or blank text.
    public var grantedBy: FieldUpdate<String?>

    /// The field names a client may send, as they are written in messages.
    public enum Field: String, CaseIterable, Sendable {
        case date, mode
        case isPublic = "public"
        case type
        case grantedBy = "grantedby"

        static let updatableList = allCases.map(\.rawValue).joined(separator: ", ")
    }

    /// Fields of an item that no update may change.
    static let fixedFields: Set<String> = ["id", "number", "inserted"]

    /// Decodes a parsed body by hand. Throws ``InvalidJSON`` when it is not an object and
    /// ``ValidationError`` for, in this order: a fixed field (`id`, `number`, `inserted`), an
    /// unknown field (the first by name), an empty object, then the first field that breaks a
    /// rule in the order `date`, `mode`, `public`, `type`, `grantedby`.
    public init(decoding body: JSONValue, rules: OrgasmRules) throws {
        guard case .object(let object) = body else {
            throw InvalidJSON("the body must be a JSON object, not \(body.kind)")
        }
        if let fixed = object.keys.filter(Self.fixedFields.contains).sorted().first {
            throw ValidationError(field: fixed, message: "\(fixed) cannot be changed; updatable: \(Field.updatableList)")
        }
        if let unknown = object.keys.filter({ Field(rawValue: $0) == nil }).sorted().first {
            throw ValidationError(field: unknown, message: "unknown field '\(unknown)'; updatable: \(Field.updatableList)")
        }
        guard !object.isEmpty else {
            throw ValidationError(field: nil, message: "the update names no field; send at least one of \(Field.updatableList)")
        }
        date = try object[Field.date.rawValue].map { value throws(ValidationError) in try rules.date(value) }
        mode = try object[Field.mode.rawValue].map(OrgasmRules.mode)
        isPublic = try object[Field.isPublic.rawValue].map(OrgasmRules.isPublic)
        type =
            try object[Field.type.rawValue].map { value throws(ValidationError) in
                .set(try OrgasmRules.text(value, field: Field.type.rawValue, maximum: OrgasmRules.maximumTypeLength))
            } ?? .unchanged
        grantedBy =
            try object[Field.grantedBy.rawValue].map { value throws(ValidationError) in
                .set(try OrgasmRules.text(value, field: Field.grantedBy.rawValue, maximum: OrgasmRules.maximumGrantedByLength))
            } ?? .unchanged
    }

    /// The change to apply to the stored record.
    public var changes: OrgasmChanges {
        var changes = OrgasmChanges()
        if let date { changes.date = .set(date) }
        if let mode { changes.mode = .set(mode) }
        if let isPublic { changes.isPublic = .set(isPublic) }
        changes.type = type
        changes.grantedBy = grantedBy
        return changes
    }
}
