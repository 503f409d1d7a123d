/// A body that is not valid UTF-8 JSON, or not the JSON shape a request needs; the API answers
/// 400 `invalid_json` with the message (docs/CONTRACT.md section 2).
public struct InvalidJSON: Error, Sendable, Hashable {
    /// What is wrong, for a human.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }
}
