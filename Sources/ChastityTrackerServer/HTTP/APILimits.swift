import ChastityTrackerDomain

/// Fixed limits of the API.
public enum APILimits {
    /// The largest request body accepted: 65,536 bytes is accepted, one more is 413.
    public static let maximumBodySize = 65_536
}
