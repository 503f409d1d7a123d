// What clients send for an item, in one place: the rules for each field's value
// (``OrgasmRules``), an insert's objects (``InsertObject``) and an update's body (``UpdateBody``),
// decoded and checked field by field.

/// The rules for the fields a client sends on insert and update (docs/CONTRACT.md sections 7 and 8),
/// one value at a time; ``InsertObject`` and ``UpdateBody`` apply them while they decode a body.
public struct OrgasmRules: Sendable {
    public static let maximumTypeLength = 100
    public static let maximumGrantedByLength = 50
    public static let maximumNumber = 50
    public static let maximumBatch = 50

    /// No date may be earlier than this.
    public var earliestDate: LocalDate
    /// No date may be later than this: today in the owner's time zone.
    public var latestDate: LocalDate

    public init(earliestDate: LocalDate, latestDate: LocalDate) {
        self.earliestDate = earliestDate
        self.latestDate = latestDate
    }

    func date(_ value: JSONValue) throws(ValidationError) -> LocalDate {
        guard case .string(let text) = value, let date = LocalDate(text) else {
            throw ValidationError(field: "date", message: "date must be a real calendar date written YYYY-MM-DD")
        }
        guard date >= earliestDate else {
            throw ValidationError(field: "date", message: "date may not be earlier than \(earliestDate)")
        }
        guard date <= latestDate else {
            throw ValidationError(field: "date", message: "date may not be in the future (today is \(latestDate) in the owner's time zone)")
        }
        return date
    }

    static func mode(_ value: JSONValue) throws(ValidationError) -> Mode {
        guard case .string(let text) = value, let mode = Mode(rawValue: text) else {
            throw ValidationError(field: "mode", message: "mode must be one of \(Mode.allowedList)")
        }
        return mode
    }

    static func isPublic(_ value: JSONValue) throws(ValidationError) -> Bool {
        switch value {
        case .integer(0), .bool(false): return false
        case .integer(1), .bool(true): return true
        default: throw ValidationError(field: "public", message: "public must be 0, 1, true or false")
        }
    }

    /// A free-text field: a string (trimmed; empty means null) or null, without control
    /// characters, at most `maximum` characters (Unicode code points).
    static func text(_ value: JSONValue, field: String, maximum: Int) throws(ValidationError) -> String? {
        switch value {
        case .null:
            return nil
        case .string(let text):
            if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw ValidationError(field: field, message: "\(field) may not contain control characters")
            }
            let trimmed = text.trimmingWhitespace()
            guard trimmed.unicodeScalars.count <= maximum else {
                throw ValidationError(field: field, message: "\(field) may be at most \(maximum) characters")
            }
            return trimmed.isEmpty ? nil : trimmed
        default:
            throw ValidationError(field: field, message: "\(field) must be a string or null")
        }
    }

    static func number(_ value: JSONValue) throws(ValidationError) -> Int {
        guard case .integer(let number) = value, (1...Int64(maximumNumber)).contains(number) else {
            throw ValidationError(field: "number", message: "number must be an integer from 1 to \(maximumNumber)")
        }
        return Int(number)
    }
}

extension String {
    /// The string without leading and trailing white space (Unicode `White_Space`).
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}

/// One object of an insert body (docs/CONTRACT.md section 7), its fields checked by the rules:
/// `date` and `mode` required, `public` (default 0), `type`, `grantedby` and `number` (default 1).
public struct InsertObject: Sendable, Hashable {
    public var date: LocalDate
    public var mode: Mode
    public var isPublic: Bool
    /// Trimmed; `nil` for null, blank or absent.
    public var type: String?
    /// Trimmed; `nil` for null, blank or absent.
    public var grantedBy: String?
    /// How many identical items to insert.
    public var number: Int

    public init(date: LocalDate, mode: Mode, isPublic: Bool = false, type: String? = nil, grantedBy: String? = nil, number: Int = 1) {
        self.date = date
        self.mode = mode
        self.isPublic = isPublic
        self.type = type
        self.grantedBy = grantedBy
        self.number = number
    }

    /// The field names a client may send, as they are written in messages.
    public enum Field: String, CaseIterable, Sendable {
        case date, mode
        case isPublic = "public"
        case type
        case grantedBy = "grantedby"
        case number

        static let allowedList = allCases.map(\.rawValue).joined(separator: ", ")
    }

    /// Decodes one object by hand, so that an unknown field is refused (the first by name) and
    /// every field is checked in a fixed order: unknown, `date`, `mode`, `public`, `type`,
    /// `grantedby`, `number`.
    public init(decoding object: [String: JSONValue], rules: OrgasmRules) throws(ValidationError) {
        if let unknown = object.keys.filter({ Field(rawValue: $0) == nil }).sorted().first {
            throw ValidationError(field: unknown, message: "unknown field '\(unknown)'; allowed: \(Field.allowedList)")
        }
        guard let dateValue = object[Field.date.rawValue] else { throw ValidationError(field: "date", message: "date is required") }
        date = try rules.date(dateValue)
        guard let modeValue = object[Field.mode.rawValue] else { throw ValidationError(field: "mode", message: "mode is required") }
        mode = try OrgasmRules.mode(modeValue)
        isPublic = try object[Field.isPublic.rawValue].map(OrgasmRules.isPublic) ?? false
        type =
            try object[Field.type.rawValue].map { value throws(ValidationError) in
                try OrgasmRules.text(value, field: Field.type.rawValue, maximum: OrgasmRules.maximumTypeLength)
            } ?? nil
        grantedBy =
            try object[Field.grantedBy.rawValue].map { value throws(ValidationError) in
                try OrgasmRules.text(value, field: Field.grantedBy.rawValue, maximum: OrgasmRules.maximumGrantedByLength)
            } ?? nil
        number = try object[Field.number.rawValue].map(OrgasmRules.number) ?? 1
    }

    /// The items the object asks for: `number` copies, with the dom rule applied.
    public func items(inserted: Timestamp) -> [NewOrgasm] {
        let item = NewOrgasm(date: date, mode: mode, isPublic: isPublic, type: type, grantedBy: grantedBy, inserted: inserted)
        return Array(repeating: item, count: number)
    }
}

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

    /// The change to apply to the stored item.
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
