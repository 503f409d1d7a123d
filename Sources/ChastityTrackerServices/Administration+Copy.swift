public import ChastityTrackerDomain

extension Administration {
    /// Copies everything in `source` (the OAuth clients, then users with their password hashes,
    /// token hashes, records with their ids and times, idempotency state, webhooks and app grants,
    /// ``UserSnapshot``) into the empty store `target`, a user per transaction, then checks that
    /// both hold the same counts. Sessions and failed sign-in counts
    /// are transient and stay behind: people sign in again on the copy, with the same password.
    /// Throws when the target is not empty or the counts differ.
    public static func copy(from source: any ChastityStore, to target: any ChastityStore) async throws -> StoreCounts {
        let existing = try await target.counts()
        guard existing == .empty else {
            throw AdminError("the target database is not empty (\(existing)); copy only fills an empty one")
        }
        for client in try await source.clients() {
            try await target.addClient(client)
        }
        for user in try await source.users() {
            try await target.restore(try await source.snapshot(of: user))
        }
        let expected = try await source.counts()
        let copied = try await target.counts()
        guard expected == copied else {
            throw AdminError("the copy does not match: the source holds \(expected), the target \(copied)")
        }
        return copied
    }
}
