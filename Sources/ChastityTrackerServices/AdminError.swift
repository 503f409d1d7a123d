import ChastityTrackerDomain

/// A command-line request that cannot be carried out; its message is one line for the operator.
public struct AdminError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
