import ChastityTrackerClient
import ChastityTrackerDomain
import Foundation
import Testing

extension ClientSuites {
    /// The SDK's changes feed against the real server over a real socket (docs/CONTRACT.md
    /// section 13), including the README's "keeping a copy in sync" example line for line.
    @Suite struct ClientChangesTests {
        @Test func theReadmeSyncExampleMirrorsTheItemsDeletionsIncluded() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: server.writeToken)
                let kept = try await client.insert(.init(date: "2026-03-01", mode: .full))[0]
                let doomed = try await client.insert(.init(date: "2026-03-02", mode: .ruined))[0]

                // Once: the current state, then every item.
                var state = try await client.changes().newState
                var mirror: [Int64: ChastityTrackerClient.Item] = [:]
                for try await item in client.items() { mirror[item.id] = item }
                #expect(Set(mirror.keys) == [kept.id, doomed.id])

                // Changes made elsewhere (another app, the operator) after the state.
                let other = server.client(token: server.writeToken)
                let edited = try await other.update(id: kept.id, type: .set("edited"))
                try await other.delete(id: doomed.id)
                let added = try await other.insert((1...5).map { _ in .init(date: "2026-03-03", mode: .milking) })

                // On every sync: each answer of the feed after the kept state, until none remain.
                var answers = 0
                for try await answer in client.sync(since: state, pageSize: 2) {
                    for item in answer.created + answer.updated { mirror[item.id] = item }
                    for id in answer.destroyed { mirror[id] = nil }
                    state = answer.newState
                    answers += 1
                }
                #expect(answers == 4)  // 7 ids, 2 per answer
                #expect(mirror == Dictionary(uniqueKeysWithValues: ([edited] + added).map { ($0.id, $0) }))
                #expect(try await client.changes(since: state).created.isEmpty)
                #expect(try await client.changes(since: state).newState == state)
            }
        }

        @Test func aStateTheServerCannotAnswerThrows410StateExpired() async throws {
            try await LiveServer.run { server in
                let client = server.client(token: server.readToken)
                let state = try await client.changes().newState
                let epoch = try #require(state.split(separator: "-").first)
                do {
                    _ = try await client.changes(since: "\(epoch)-12345")
                    Issue.record("a state from the future was answered")
                } catch let error as ChastityTrackerError {
                    #expect("\(error.status) \(error.code) \(error.field ?? "")" == "410 state_expired since")
                }
            }
        }
    }
}
