// The SDK's item types, one home per field: the stored item, the item to insert, and the PATCH
// body of a change.

extension ChastityTrackerClient {
    /// One stored item (docs/CONTRACT.md section 4).
    public struct Item: Sendable, Hashable {
        /// The item's id.
        public let id: Int64
        /// The day, `YYYY-MM-DD`, in the owner's time zone.
        public let date: String
        /// The kind.
        public let mode: Mode
        /// Whether the item is public.
        public let isPublic: Bool
        /// Free text, or `nil`.
        public let type: String?
        /// Who granted it, or `nil`.
        public let grantedBy: String?
        /// When it was inserted, UTC, `YYYY-MM-DD HH:MM:SS.mmm`.
        public let inserted: String

        /// Creates an item value (the client makes these from answers).
        public init(
            id: Int64, date: String, mode: Mode, isPublic: Bool, type: String?, grantedBy: String?, inserted: String
        ) {
            self.id = id
            self.date = date
            self.mode = mode
            self.isPublic = isPublic
            self.type = type
            self.grantedBy = grantedBy
            self.inserted = inserted
        }

        init(_ item: Components.Schemas.Item) {
            self.init(
                id: item.id, date: item.date, mode: Mode(item.mode), isPublic: item._public == ._1, type: item._type,
                grantedBy: item.grantedby, inserted: item.inserted
            )
        }
    }
}

extension ChastityTrackerClient {
    /// An item to insert.
    public struct NewItem: Sendable, Hashable {
        /// The day, `YYYY-MM-DD`: a real date, not later than today in the owner's time zone.
        public var date: String
        /// The kind.
        public var mode: Mode
        /// Whether the item is public (`nil`: the server's default, private). A `dom` item is always private.
        public var isPublic: Bool?
        /// Free text, at most 100 characters after trimming.
        public var type: String?
        /// Who granted it, at most 50 characters after trimming.
        public var grantedBy: String?

        /// Creates an item to insert.
        public init(date: String, mode: Mode, isPublic: Bool? = nil, type: String? = nil, grantedBy: String? = nil) {
            self.date = date
            self.mode = mode
            self.isPublic = isPublic
            self.type = type
            self.grantedBy = grantedBy
        }

        var generated: Components.Schemas.NewItem {
            Components.Schemas.NewItem(
                date: date, mode: mode.generated,
                _public: isPublic.map { .case2($0) }, _type: type, grantedby: grantedBy
            )
        }
    }
}

/// The PATCH body, written by hand so that a cleared field is sent as `null` and an unchanged one
/// not at all (docs/CONTRACT.md section 7).
struct ChangesBody: Encodable {
    let date: String?
    let mode: ChastityTrackerClient.Mode?
    let isPublic: Bool?
    let type: ChastityTrackerClient.FieldChange<String>
    let grantedBy: ChastityTrackerClient.FieldChange<String>

    private enum CodingKeys: String, CodingKey {
        case date, mode, `public`, type, grantedby
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(date, forKey: .date)
        try container.encodeIfPresent(mode, forKey: .mode)
        try container.encodeIfPresent(isPublic, forKey: .public)
        try Self.encode(type, forKey: .type, in: &container)
        try Self.encode(grantedBy, forKey: .grantedby, in: &container)
    }

    private static func encode(
        _ change: ChastityTrackerClient.FieldChange<String>, forKey key: CodingKeys,
        in container: inout KeyedEncodingContainer<CodingKeys>
    ) throws {
        switch change {
        case .unchanged: break
        case .set(let value): try container.encode(value, forKey: key)
        case .clear: try container.encodeNil(forKey: key)
        }
    }
}
