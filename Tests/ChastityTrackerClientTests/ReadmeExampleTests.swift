import ChastityTrackerClient
import Foundation
import Testing

extension ClientSuites {
    /// The README's "Swift SDK" example, line for line except for the server's URL and the token, so
    /// the documented code compiles and does what the comments say.
    @Suite struct ReadmeExampleTests {
        @Test func theReadmeExampleRunsAsDocumented() async throws {
            try await LiveServer.run { server in
                let client = ChastityTrackerClient(
                    serverURL: server.url,
                    token: server.writeToken,
                    retry: .standard
                )

                let item = try await client.insert(.init(date: "2026-03-01", mode: .ruined, type: "edge", grantedBy: "K"))[0]

                var seen: [String] = []
                for try await past in client.items(from: "2026-01-01", mode: .ruined) {
                    seen.append("\(past.date) \(past.type ?? "-")")
                }
                #expect(seen == ["2026-03-01 edge"])

                let updated = try await client.update(id: item.id, mode: .full, grantedBy: .clear)
                #expect(updated.grantedBy == nil)
                #expect(updated.mode == .full)
                #expect(client.lastRateLimit?.remaining == 597)  // three requests so far

                do {
                    _ = try await client.insert(.init(date: "2026-02-30", mode: .full))
                    Issue.record("2026-02-30 was accepted")
                } catch let error as ChastityTrackerError {
                    #expect("\(error.status) \(error.code) \(error.field ?? "")" == "400 validation_error date")
                    #expect(error.requestID?.isEmpty == false)
                }
                try await client.delete(id: item.id)
                #expect(try await server.storedItems().isEmpty)
            }
        }
    }
}
