import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// docs/CONTRACT.md section 10: strong ETags on GET, `Cache-Control: private, no-cache`, `Vary: Authorization`,
/// and 304 without a body when `If-None-Match` matches.
@Suite
struct ConditionalGETTests {
    static func get(_ uri: String, token: String, ifNoneMatch: String? = nil, method: HTTPRequest.Method = .get, client: any TestClientProtocol)
        async throws -> TestResponse
    {
        var headers: HTTPFields = .bearer(token)
        if let ifNoneMatch { headers[.ifNoneMatch] = ifNoneMatch }
        return try await client.execute(uri: uri, method: method, headers: headers)
    }

    /// Asserts the caching headers of a 200 or 304 and returns the ETag.
    @discardableResult
    static func expectValidators(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let etag = try #require(response.headers[.eTag], "headers: \(response.headers)", sourceLocation: sourceLocation)
        // Strong (no W/), quoted, 128 bits in hex.
        #expect(etag.wholeMatch(of: /"[0-9a-f]{32}"/) != nil, "\(etag)", sourceLocation: sourceLocation)
        #expect(response.headers[values: .cacheControl] == ["private, no-cache"], sourceLocation: sourceLocation)
        #expect(response.headers[values: .vary] == ["Authorization"], sourceLocation: sourceLocation)
        return etag
    }

    @Test func listAndDetailsCarryAStrongETagWithExactCacheHeaders() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-03-01")
            let list = try await Self.get(orgasmsPath, token: app.readToken, client: client)
            #expect(list.status == .ok)
            let listTag = try Self.expectValidators(list)
            let details = try await Self.get("\(orgasmsPath)?id=\(item.id)", token: app.readToken, client: client)
            #expect(details.status == .ok)
            let detailsTag = try Self.expectValidators(details)
            #expect(listTag != detailsTag)
            // The same representation gets the same tag every time, for every token of the owner.
            #expect(try await Self.get(orgasmsPath, token: app.writeToken, client: client).headers[.eTag] == listTag)
        }
    }

    @Test func matchingIfNoneMatchIs304WithoutBodyAndWithTheSameValidators() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-03-01")
            for uri in [orgasmsPath, "\(orgasmsPath)?id=\(item.id)", "/api/v2/orgasms?limit=5"] {
                let first = try await Self.get(uri, token: app.readToken, client: client)
                let etag = try Self.expectValidators(first)
                let second = try await Self.get(uri, token: app.readToken, ifNoneMatch: etag, client: client)
                #expect(second.status == .notModified, "\(uri)")
                #expect(second.body.readableBytes == 0)
                #expect(try Self.expectValidators(second) == etag)
                #expect(second.headers[.contentType] == nil)
            }
        }
    }

    @Test(arguments: [
        "W/{etag}", #""0123", {etag}"#, #""a","b" , W/{etag}"#, "*", " {etag} ",
    ])
    func ifNoneMatchMatchesWeakListsAndStar(template: String) async throws {
        try await TestApp.run { app, client in
            try await app.seed(date: "2026-03-01")
            let etag = try #require(try await Self.get(orgasmsPath, token: app.readToken, client: client).headers[.eTag])
            let condition = template.replacingOccurrences(of: "{etag}", with: etag)
            let response = try await Self.get(orgasmsPath, token: app.readToken, ifNoneMatch: condition, client: client)
            #expect(response.status == .notModified, "If-None-Match: \(condition)")
            #expect(response.body.readableBytes == 0)
            #expect(response.headers[.eTag] == etag)
        }
    }

    @Test(arguments: [#""00000000000000000000000000000000""#, "W/\"x\"", #""a", "b""#])
    func ifNoneMatchThatDoesNotMatchGivesTheFull200(condition: String) async throws {
        try await TestApp.run { app, client in
            try await app.seed(date: "2026-03-01")
            let response = try await Self.get(orgasmsPath, token: app.readToken, ifNoneMatch: condition, client: client)
            #expect(response.status == .ok)
            try Self.expectValidators(response)
            #expect(try expectSuccess(response)["total"] == 1)
        }
    }

    @Test func anUnquotedCopyOfTheTagDoesNotMatch() async throws {
        try await TestApp.run { app, client in
            let etag = try #require(try await Self.get(orgasmsPath, token: app.readToken, client: client).headers[.eTag])
            let bare = String(etag.dropFirst().dropLast())
            let response = try await Self.get(orgasmsPath, token: app.readToken, ifNoneMatch: bare, client: client)
            #expect(response.status == .ok)
        }
    }

    @Test func everyWriteChangesTheListETagAndTheOldTagNoLongerMatches() async throws {
        try await TestApp.run { app, client in
            var tags: [String] = []
            func currentTag() async throws -> String {
                try Self.expectValidators(try await Self.get(orgasmsPath, token: app.readToken, client: client))
            }
            tags.append(try await currentTag())

            let created = try await client.post(#"{"date":"2026-03-01","mode":"full"}"#, token: app.writeToken)
            let id = try #require(try expectSuccess(created, .created)["items"]?[0]?["id"]?.intValue)
            tags.append(try await currentTag())

            let detailsBefore = try Self.expectValidators(try await Self.get("\(orgasmsPath)?id=\(id)", token: app.readToken, client: client))
            #expect(try await client.patch(id: id, #"{"type":"Stroke"}"#, token: app.writeToken).status == .ok)
            tags.append(try await currentTag())
            let detailsAfter = try Self.expectValidators(try await Self.get("\(orgasmsPath)?id=\(id)", token: app.readToken, client: client))
            #expect(detailsAfter != detailsBefore)
            // The details' old tag no longer matches.
            #expect(try await Self.get("\(orgasmsPath)?id=\(id)", token: app.readToken, ifNoneMatch: detailsBefore, client: client).status == .ok)

            let deleted = try await client.execute(uri: "\(orgasmsPath)?id=\(id)", method: .delete, headers: .bearer(app.writeToken))
            #expect(deleted.status == .ok)
            tags.append(try await currentTag())

            #expect(Set(tags.dropLast()).count == 3)
            // Deleting the only record gives back the empty list's representation, and its tag.
            #expect(tags.last == tags.first)
            #expect(try await Self.get(orgasmsPath, token: app.readToken, ifNoneMatch: tags[2], client: client).status == .ok)
        }
    }

    @Test func headCarriesTheSameETagAsGetAndAnswers304ToAMatch() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-03-01")
            for uri in [orgasmsPath, "\(orgasmsPath)?id=\(item.id)"] {
                let get = try await Self.get(uri, token: app.readToken, client: client)
                let head = try await Self.get(uri, token: app.readToken, method: .head, client: client)
                #expect(head.status == .ok)
                #expect(head.body.readableBytes == 0)
                let etag = try Self.expectValidators(head)
                #expect(etag == get.headers[.eTag])
                let conditional = try await Self.get(uri, token: app.readToken, ifNoneMatch: etag, method: .head, client: client)
                #expect(conditional.status == .notModified)
                #expect(conditional.headers[.eTag] == etag)
            }
        }
    }

    @Test func writesAndErrorsCarryNoETag() async throws {
        try await TestApp.run { app, client in
            let created = try await client.post(#"{"date":"2026-03-01","mode":"full"}"#, token: app.writeToken)
            #expect(created.status == .created)
            #expect(created.headers[.eTag] == nil)
            let missing = try await Self.get("\(orgasmsPath)?id=999999", token: app.readToken, ifNoneMatch: "*", client: client)
            try expectError(missing, .notFound, "not_found")
            #expect(missing.headers[.eTag] == nil)
        }
    }

    @Test func anotherOwnersIdenticalRepresentationDoesNotLeakThroughTheCacheBecauseOfVary() async throws {
        try await TestApp.run { app, client in
            let other = try await app.makeOtherUser()
            let mine = try await Self.get(orgasmsPath, token: app.readToken, client: client)
            let theirs = try await Self.get(orgasmsPath, token: other.writeToken, client: client)
            // Both lists are empty, so the tags are equal; Vary: Authorization keeps caches apart.
            #expect(mine.headers[.eTag] == theirs.headers[.eTag])
            #expect(theirs.headers[.vary] == "Authorization")
        }
    }
}
