extension ChastityTrackerClient {
    /// Every item matching a list's filters, one page fetched per `pageSize` items as it is
    /// iterated. Made by ``ChastityTrackerClient/items(from:to:mode:isPublic:pageSize:)``.
    public struct Items: AsyncSequence, Sendable {
        /// Each item.
        public typealias Element = Item

        let pageSize: Int
        let fetch: @Sendable (_ limit: Int, _ offset: Int) async throws -> Page

        init(pageSize: Int, fetch: @escaping @Sendable (Int, Int) async throws -> Page) {
            self.pageSize = pageSize
            self.fetch = fetch
        }

        /// An iterator that fetches the next page when the current one is used up.
        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(pageSize: pageSize, fetch: fetch)
        }

        /// Walks the pages of an ``Items`` sequence.
        public struct AsyncIterator: AsyncIteratorProtocol {
            let pageSize: Int
            let fetch: @Sendable (Int, Int) async throws -> Page
            private var buffer: [Item] = []
            private var offset = 0
            private var finished = false

            init(pageSize: Int, fetch: @escaping @Sendable (Int, Int) async throws -> Page) {
                self.pageSize = pageSize
                self.fetch = fetch
            }

            /// The next item, fetching the next page when needed; `nil` after the last.
            public mutating func next() async throws -> Item? {
                if buffer.isEmpty && !finished {
                    let page = try await fetch(pageSize, offset)
                    buffer = page.items
                    offset += page.items.count
                    finished = page.items.isEmpty || offset >= page.total
                }
                return buffer.isEmpty ? nil : buffer.removeFirst()
            }
        }
    }
}
