import ChastityTrackerDomain
import ChastityTrackerTestSupport
import Foundation
import Testing

@Suite("Store conformance: OAuth clients")
struct StoreOAuthClientsTests {
    @Test("a client is kept with its redirect URIs exactly as registered, listed oldest first, found by id, and removed", arguments: TestBackend.all)
    func clientsRoundTrip(backend: TestBackend) async throws {
        try await backend.withStore { store in
            let uris = try ["https://app.example/cb?x=1", "http://127.0.0.1/cb", "com.example.app:/oauth"].map { try RedirectURI($0) }
            let first = OAuthClient(id: OAuthClient.newID(), name: "Tracker <App> & Co", redirectURIs: uris, created: at(1_800_000_000_000))
            let second = OAuthClient(
                id: OAuthClient.newID(), name: "Second", redirectURIs: [try RedirectURI("https://b.example/")], created: at(1_800_000_000_001))
            try await store.addClient(second)
            try await store.addClient(first)
            #expect(try await store.clients() == [first, second])
            #expect(try await store.client(id: first.id) == first)
            #expect(try await store.client(id: "ctc_missing") == nil)
            await #expect(throws: StoreError.self) { try await store.addClient(first) }
            #expect(try await store.removeClient(id: first.id))
            #expect(!(try await store.removeClient(id: first.id)))
            #expect(try await store.clients() == [second])
        }
    }
}
