extension ChastityTrackerClient {
    /// One page of a list (docs/CONTRACT.md section 5).
    public struct Page: Sendable, Hashable {
        /// The items on this page, by date descending, then id descending.
        public let items: [Item]
        /// Every item that matches the filters, on all pages.
        public let total: Int
        /// The page size used.
        public let limit: Int
        /// The items skipped before this page.
        public let offset: Int

        /// Creates a page (the client makes these from answers).
        public init(items: [Item], total: Int, limit: Int, offset: Int) {
            self.items = items
            self.total = total
            self.limit = limit
            self.offset = offset
        }

        init(_ page: Components.Schemas.Page) {
            self.init(items: page.items.map(Item.init), total: page.total, limit: page.limit, offset: page.offset)
        }
    }
}
