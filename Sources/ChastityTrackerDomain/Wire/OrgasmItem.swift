/// The item as the API writes it (docs/CONTRACT.md section 4): exactly these keys, in this order,
/// always all present (`null` where a text is absent), `public` as `0` or `1`.
///
/// Export writes it; the HTTP application's hand-written `JSONWriter.orgasm` is its fast twin,
/// and a test holds the two byte-identical.
public struct OrgasmItem: Sendable, Hashable, Encodable {
    public var id: Int64
    public var date: LocalDate
    public var mode: Mode
    public var isPublic: Bool
    public var type: String?
    public var grantedBy: String?
    public var inserted: Timestamp

    /// The wire form of a stored record.
    public init(_ orgasm: Orgasm) {
        id = orgasm.id
        date = orgasm.date
        mode = orgasm.mode
        isPublic = orgasm.isPublic
        type = orgasm.type
        grantedBy = orgasm.grantedBy
        inserted = orgasm.inserted
    }

    /// The keys in the order they are written; CSV export's header and columns follow it.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, date, mode
        case isPublic = "public"
        case type
        case grantedBy = "grantedby"
        case inserted
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(date.description, forKey: .date)
        try container.encode(mode.rawValue, forKey: .mode)
        try container.encode(isPublic ? 1 : 0, forKey: .isPublic)
        // `encode`, not `encodeIfPresent`: an absent text is an explicit null.
        try container.encode(type, forKey: .type)
        try container.encode(grantedBy, forKey: .grantedBy)
        try container.encode(inserted.description, forKey: .inserted)
    }
}
