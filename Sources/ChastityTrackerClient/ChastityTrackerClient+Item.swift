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
