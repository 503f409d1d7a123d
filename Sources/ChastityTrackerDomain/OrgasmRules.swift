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
