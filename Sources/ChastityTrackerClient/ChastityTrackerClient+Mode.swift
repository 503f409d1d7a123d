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
