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
