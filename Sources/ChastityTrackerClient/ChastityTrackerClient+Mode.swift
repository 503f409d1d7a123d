extension ChastityTrackerClient {
    /// The kind of an item. A `dom` item is always private, with no `grantedBy`.
    public enum Mode: String, Sendable, Hashable, CaseIterable, Codable {
        /// A full orgasm.
        case full
        /// A ruined orgasm.
        case ruined
        /// Milking.
        case milking
        /// Granted by a dom (always private, never `grantedBy`).
        case dom
        /// Ted.
        case ted
    }
}

extension ChastityTrackerClient.Mode {
    /// The mode of a generated answer (both enums list the API's five modes; the switch is checked
    /// by the compiler, so a mode added to one must be added to the other).
    init(_ mode: Components.Schemas.Mode) {
        switch mode {
        case .full: self = .full
        case .ruined: self = .ruined
        case .milking: self = .milking
        case .dom: self = .dom
        case .ted: self = .ted
        }
    }

    /// The generated type's case, for a request.
    var generated: Components.Schemas.Mode {
        switch self {
        case .full: .full
        case .ruined: .ruined
        case .milking: .milking
        case .dom: .dom
        case .ted: .ted
        }
    }
}
