/// Input that breaks a rule; becomes 400 `validation_error` naming the field.
public struct ValidationError: Error, Sendable, Hashable {
    /// The offending parameter or field, when there is one.
    public var field: String?
    /// What rule was broken, for a human.
    public var message: String

    public init(field: String?, message: String) {
        self.field = field
        self.message = message
    }
}
