extension ChastityTrackerClient {
    /// What an update does to a field that can be `null`: leave it, set it, or clear it.
    public enum FieldChange<Value: Sendable & Hashable>: Sendable, Hashable {
        /// Not sent: the field keeps its value.
        case unchanged
        /// Sent with this value.
        case set(Value)
        /// Sent as `null`: the field is cleared.
        case clear
    }
}
