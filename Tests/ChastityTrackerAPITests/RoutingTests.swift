import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// docs/CONTRACT.md section 1 (surface) and the envelope of section 2 on answers that are not about items.
@Suite struct RoutingTests {
    static let orgasmsMethods: Set<String> = ["GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS"]

    static func methods(inAllow allow: String?) -> Set<String> {
        Set((allow ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    @Test(arguments: ["/api/v2/nothing", "/api/v1/orgasms.php", "/api/v2/orgasms.php/1", "/api/", "/", "/index.html", "/healthz/x"])
    func unknownPathIsEnvelopedNotFound(path: String) async throws {
        try await TestApp.run { app, client in
            for headers: HTTPFields in [[:], .bearer(app.writeToken)] {
                let response = try await client.execute(uri: path, method: .get, headers: headers)
                try expectError(response, .notFound, "not_found")
            }
        }
    }

    @Test(arguments: [HTTPRequest.Method.put, .trace, HTTPRequest.Method("PROPFIND")!], ["/api/v2/orgasms.php", "/api/v2/orgasms"])
    func otherMethodOnOrgasmsPathIs405WithAllow(method: HTTPRequest.Method, path: String) async throws {
        try await TestApp.run { app, client in
            let response = try await client.execute(
                uri: path, method: method, headers: .json(app.writeToken), body: ByteBuffer(string: #"{"date":"2026-03-01","mode":"full"}"#)
            )
            try expectError(response, .methodNotAllowed, "method_not_allowed")
            #expect(Self.methods(inAllow: response.headers[.allow]) == Self.orgasmsMethods)
            #expect(try await app.storedItems().isEmpty)
        }
    }

    @Test func postToHealthzIs405WithAllow() async throws {
        try await TestApp.run { _, client in
            let response = try await client.execute(uri: "/healthz", method: .post)
            #expect(response.status == .methodNotAllowed)
            #expect(Self.methods(inAllow: response.headers[.allow]).contains("GET"))
            #expect(!Self.methods(inAllow: response.headers[.allow]).contains("POST"))
        }
    }

    @Test(arguments: ["/api/v2/orgasms.php", "/api/v2/orgasms"])
    func optionsNeedsNoTokenAndAnswers204WithAllow(path: String) async throws {
        try await TestApp.run { _, client in
            let response = try await client.execute(uri: path, method: .options)
            #expect(response.status == .noContent)
            #expect(Self.methods(inAllow: response.headers[.allow]) == Self.orgasmsMethods)
            #expect(response.body.readableBytes == 0)
        }
    }

    @Test func headOnListAnswersLikeGetWithoutBody() async throws {
        try await TestApp.run { app, client in
            try await app.seed(date: "2026-03-01")
            let get = try await client.get(orgasmsPath, token: app.readToken)
            let head = try await client.execute(uri: orgasmsPath, method: .head, headers: .bearer(app.readToken))
            #expect(get.status == .ok)
            #expect(get.body.readableBytes > 0)
            #expect(head.status == .ok)
            #expect(head.headers[.contentType] == jsonContentType)
            #expect(head.body.readableBytes == 0)
        }
    }

    @Test func headOnDetailsAnswersLikeGetWithoutBody() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-03-01")
            let head = try await client.execute(uri: "\(orgasmsPath)?id=\(item.id)", method: .head, headers: .bearer(app.readToken))
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            let missing = try await client.execute(uri: "\(orgasmsPath)?id=\(item.id + 1)", method: .head, headers: .bearer(app.readToken))
            #expect(missing.status == .notFound)
            #expect(missing.body.readableBytes == 0)
        }
    }

    @Test func headWithoutTokenIs401WithoutBody() async throws {
        try await TestApp.run { _, client in
            let response = try await client.execute(uri: orgasmsPath, method: .head)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate] == bearerChallenge)
            #expect(response.body.readableBytes == 0)
        }
    }

    @Test func aliasPathServesListInsertUpdateAndDelete() async throws {
        try await TestApp.run { app, client in
            let alias = "/api/v2/orgasms"
            let created = try await client.send(.post, alias, token: app.writeToken, json: #"{"date":"2026-03-01","mode":"full"}"#)
            let id = try #require(try expectSuccess(created, .created)["items"]?[0]?["id"]?.intValue)
            let list = try expectSuccess(try await client.get(alias, token: app.readToken))
            #expect(list["total"] == 1)
            #expect(list["items"]?[0]?["id"] == .int(id))
            let details = try expectSuccess(try await client.get("\(alias)?id=\(id)", token: app.readToken))
            #expect(details["id"] == .int(id))
            let patched = try expectSuccess(try await client.send(.patch, "\(alias)?id=\(id)", token: app.writeToken, json: #"{"mode":"ruined"}"#))
            #expect(patched["mode"] == "ruined")
            let deleted = try await client.execute(uri: "\(alias)?id=\(id)", method: .delete, headers: .bearer(app.writeToken))
            #expect(try expectSuccess(deleted) == ["id": .int(id), "deleted": true])
            #expect(try await app.storedItems().isEmpty)
        }
    }

    @Test func healthzAnswers200WithoutToken() async throws {
        try await TestApp.run { _, client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
        }
    }
}
