/// How an orgasm happened; the seed's closed set of values.
public enum Mode: String, CaseIterable, Sendable, Hashable {
    case full, ruined, milking, dom, ted

    /// The accepted spellings, for error messages.
    static let allowedList = allCases.map(\.rawValue).joined(separator: ", ")
}
