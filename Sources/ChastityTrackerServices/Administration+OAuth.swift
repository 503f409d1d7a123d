public import ChastityTrackerDomain

extension Administration {
    /// Registers an OAuth client (a public client: no secret) named `name` with its redirect URIs,
    /// each checked as a ``RedirectURI``; throws an ``AdminError`` naming what is wrong.
    public func addClient(name: String, redirectURIs texts: [String]) async throws -> OAuthClient {
        do throws(ValidationError) {
            try OAuthClient.validate(name: name)
        } catch {
            throw AdminError(error.message)
        }
        guard !texts.isEmpty else { throw AdminError("a client needs at least one --redirect-uri") }
        var uris: [RedirectURI] = []
        for text in texts {
            do throws(OAuthRegistrationError) {
                let uri = try RedirectURI(text)
                if !uris.contains(uri) { uris.append(uri) }
            } catch {
                throw AdminError("redirect URI '\(text)': \(error.message)")
            }
        }
        let client = OAuthClient(id: OAuthClient.newID(), name: name, redirectURIs: uris, created: Timestamp(clock.now()))
        try await store.addClient(client)
        return client
    }

    /// Removes a client; throws when there is none.
    public func removeClient(id: String) async throws {
        guard try await store.removeClient(id: id) else { throw AdminError("no client with id \(id)") }
    }
}
