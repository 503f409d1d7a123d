import ChastityTrackerDomain
import ChastityTrackerServer
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// docs/CONTRACT.md section 2: `invalid_json`, 413 and 415 for the bodies of POST and PATCH.
@Suite struct RequestBodyTests {
    static let valid = #"{"date":"2026-03-01","mode":"full"}"#

    /// Bodies that are not UTF-8 JSON, or not an object or array of objects.
    static let invalidInsertBodies: [[UInt8]] = [
        Array("{".utf8), Array(#"{"date":}"#.utf8), Array(#"{"date":"2026-03-01","mode":"full",}"#.utf8), Array("".utf8),
        Array("nonsense".utf8), Array(#"{"date":"2026-03-01"}{"#.utf8),
        Array(#"{"date":"2026-03-01","mode":"full","type":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8),
        [0xC3, 0x28], Array(#"{"date":"2026-03-01","mode":"full","type":""#.utf8) + [0xE9] + Array(#""}"#.utf8),
        Array(#""a string""#.utf8), Array("42".utf8), Array("true".utf8), Array("null".utf8),
        Array("[\(valid),]".utf8), Array("[\(valid) ,\n ]".utf8), Array(#"{"date":"2026-03-01","mode":"full","type":["x",]}"#.utf8),
        Array("[1]".utf8), Array(#"[\#(valid),"x"]"#.utf8), Array("[[]]".utf8), Array("[null]".utf8),
    ]

    @Test(arguments: invalidInsertBodies)
    func insertWithBodyThatIsNotJSONObjectsIsInvalidJSON(body: [UInt8]) async throws {
        try await TestApp.run { app, client in
            let response = try await client.execute(uri: orgasmsPath, method: .post, headers: .json(app.writeToken), body: ByteBuffer(bytes: body))
            try expectError(response, .badRequest, "invalid_json")
            #expect(try await app.storedItems().isEmpty)
        }
    }

    @Test func commasAndBracketsInsideStringsAreNotMistakenForTrailingCommas() async throws {
        try await TestApp.run { app, client in
            let body = #"{"date":"2026-03-01","mode":"full","type":"a,}\",]","grantedby":",]"}"#
            let data = try expectSuccess(try await client.post(body, token: app.writeToken), .created)
            #expect(data["items"]?[0]?["type"] == #"a,}",]"#)
            #expect(data["items"]?[0]?["grantedby"] == ",]")
        }
    }

    @Test(arguments: [10_000, 30_000])
    func deeplyNestedBodyIsInvalidJSONNotACrash(depth: Int) async throws {
        try await TestApp.run { app, client in
            let body = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            try expectError(try await client.post(body, token: app.writeToken), .badRequest, "invalid_json")
            let inObject =
                #"{"date":"2026-03-01","mode":"full","type":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
            try expectError(try await client.post(inObject, token: app.writeToken), .badRequest, "invalid_json")
            #expect(try await app.storedItems().isEmpty)
        }
    }

    @Test func insertWithoutBodyIsInvalidJSON() async throws {
        try await TestApp.run { app, client in
            try expectError(try await client.execute(uri: orgasmsPath, method: .post, headers: .json(app.writeToken)), .badRequest, "invalid_json")
        }
    }

    @Test(arguments: ["[]", #""text""#, "7", "null", "true", "{", "[\(valid)]", #"{"type":"x",}"#])
    func updateWithBodyThatIsNotAnObjectIsInvalidJSON(body: String) async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-03-01")
            try expectError(try await client.patch(id: item.id, body, token: app.writeToken), .badRequest, "invalid_json")
            #expect(try await app.storedItems() == [item])
        }
    }

    @Test(
        arguments: [HTTPRequest.Method.post, .patch],
        [
            nil, "text/plain", "application/json; charset=latin1", "application/json; charset=iso-8859-1",
            "application/x-www-form-urlencoded", "application/jsonx", "application/problem+json", "multipart/form-data", "",
        ])
    func bodyWithoutJSONContentTypeIs415(method: HTTPRequest.Method, contentType: String?) async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-02-01")
            var headers: HTTPFields = .bearer(app.writeToken)
            if let contentType { headers[.contentType] = contentType }
            let uri = method == .patch ? "\(orgasmsPath)?id=\(item.id)" : orgasmsPath
            let response = try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: Self.valid))
            try expectError(response, .unsupportedMediaType, "unsupported_media_type")
            #expect(try await app.storedItems() == [item])
        }
    }

    @Test(arguments: [
        "application/json", "application/json; charset=UTF-8", "application/json; charset=utf-8", "Application/JSON",
        "application/json;charset=\"utf-8\"",
    ])
    func jsonContentTypeWithUTF8IsAccepted(contentType: String) async throws {
        try await TestApp.run { app, client in
            let response = try await client.execute(
                uri: orgasmsPath, method: .post, headers: .bearer(app.writeToken, contentType: contentType), body: ByteBuffer(string: Self.valid)
            )
            #expect(try expectSuccess(response, .created)["count"] == 1)
        }
    }

    /// A valid insert body padded with white space inside the object to exactly `size` bytes.
    static func paddedBody(size: Int) -> ByteBuffer {
        let head = #"{"date":"2026-03-01","mode":"full","#
        let tail = #""type":"big"}"#
        let padding = String(repeating: " ", count: size - head.utf8.count - tail.utf8.count)
        let body = head + padding + tail
        precondition(body.utf8.count == size)
        return ByteBuffer(string: body)
    }

    @Test func bodyOfExactly65536BytesIsAccepted() async throws {
        try await TestApp.run { app, client in
            let response = try await client.execute(
                uri: orgasmsPath, method: .post, headers: .json(app.writeToken), body: Self.paddedBody(size: 65_536))
            #expect(try expectSuccess(response, .created)["items"]?[0]?["type"] == "big")
        }
    }

    @Test func bodyOf65537BytesIs413AndWritesNothing() async throws {
        try await TestApp.run { app, client in
            let response = try await client.execute(
                uri: orgasmsPath, method: .post, headers: .json(app.writeToken), body: Self.paddedBody(size: 65_537))
            try expectError(response, .contentTooLarge, "payload_too_large")
            #expect(try await app.storedItems().isEmpty)
        }
    }

    @Test func patchBodyOf65537BytesIs413AndChangesNothing() async throws {
        try await TestApp.run { app, client in
            let item = try await app.seed(date: "2026-02-01")
            let head = #"{"type":"big""#
            let body = head + String(repeating: " ", count: 65_537 - head.utf8.count - 1) + "}"
            let response = try await client.patch(id: item.id, body, token: app.writeToken)
            try expectError(response, .contentTooLarge, "payload_too_large")
            #expect(try await app.storedItems() == [item])
        }
    }
}
