extension ChastityTrackerClient {
    /// One answer of the changes feed (docs/CONTRACT.md section 13): what changed in the owner's
    /// items after ``oldState``, up to ``newState``.
    public struct Changes: Sendable, Hashable {
        /// The state asked about.
        public let oldState: String
        /// The state after these changes: keep it, and pass it as `since` next time.
        public let newState: String
        /// Whether changes after ``newState`` remain: call again with it.
        public let hasMoreChanges: Bool
        /// Items created after ``oldState``, as they are now.
        public let created: [Item]
        /// Items created up to ``oldState`` and changed after it, as they are now.
        public let updated: [Item]
        /// Ids of items deleted after ``oldState``.
        public let destroyed: [Int64]

        /// Creates an answer (the client makes these from answers).
        public init(oldState: String, newState: String, hasMoreChanges: Bool, created: [Item], updated: [Item], destroyed: [Int64]) {
            self.oldState = oldState
            self.newState = newState
            self.hasMoreChanges = hasMoreChanges
            self.created = created
            self.updated = updated
            self.destroyed = destroyed
        }

        init(_ changes: Components.Schemas.FeedChanges) {
            self.init(
                oldState: changes.oldState, newState: changes.newState, hasMoreChanges: changes.hasMoreChanges,
                created: changes.created.map(Item.init), updated: changes.updated.map(Item.init), destroyed: changes.destroyed
            )
        }
    }

    /// What changed in the owner's items after `since` (a ``Changes/newState`` this feed gave), at
    /// most `limit` ids (1 to 500; the server's default is 500). Without `since`: the current
    /// state and empty lists, where an app starts after listing the items. A state the server can
    /// no longer answer throws ``ChastityTrackerError`` with status 410 and code `state_expired`:
    /// list again and start over.
    public func changes(since: String? = nil, limit: Int? = nil) async throws -> Changes {
        let output = try await call { try await client.getChanges(query: .init(since: since, limit: limit)) }
        return Changes(try output.ok.body.json.data)
    }

    /// Every answer of the feed after `since`, one request per element, until one says no changes
    /// remain: the last element's ``Changes/newState`` is the state to keep.
    public func sync(since: String, pageSize: Int? = nil) -> ChangePages {
        ChangePages(since: since) { [self] since in try await changes(since: since, limit: pageSize) }
    }

    /// The answers of the changes feed after a state, fetched as the sequence is iterated, until
    /// one has no more changes after it. Made by ``ChastityTrackerClient/sync(since:pageSize:)``.
    public struct ChangePages: AsyncSequence, Sendable {
        /// Each answer.
        public typealias Element = Changes

        let since: String
        let fetch: @Sendable (_ since: String) async throws -> Changes

        init(since: String, fetch: @escaping @Sendable (String) async throws -> Changes) {
            self.since = since
            self.fetch = fetch
        }

        /// An iterator that asks for the answer after the last one's state.
        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(since: since, fetch: fetch)
        }

        /// Walks the answers of a ``ChangePages`` sequence.
        public struct AsyncIterator: AsyncIteratorProtocol {
            private var since: String
            private var finished = false
            let fetch: @Sendable (String) async throws -> Changes

            init(since: String, fetch: @escaping @Sendable (String) async throws -> Changes) {
                self.since = since
                self.fetch = fetch
            }

            /// The next answer; `nil` after the one without more changes.
            public mutating func next() async throws -> Changes? {
                guard !finished else { return nil }
                let answer = try await fetch(since)
                since = answer.newState
                finished = !answer.hasMoreChanges
                return answer
            }
        }
    }
}
