/// A stored row that does not decode into a domain value (an unknown permission or mode, a
/// missing column): it should never happen, and both backends refuse it the same way rather than
/// guessing a value.
public struct CorruptRow: Error, Sendable, Hashable {
    public let table: String

    public init(table: String) {
        self.table = table
    }
}
