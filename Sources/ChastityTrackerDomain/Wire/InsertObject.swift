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
    /// How many identical records to insert.
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

    /// The records the object asks for: `number` copies, with the dom rule applied.
    public func records(inserted: Timestamp) -> [NewOrgasm] {
        let record = NewOrgasm(date: date, mode: mode, isPublic: isPublic, type: type, grantedBy: grantedBy, inserted: inserted)
        return Array(repeating: record, count: number)
    }
}
