import ChastityTrackerDomain
import ChastityTrackerServer
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The envelope's content type (docs/CONTRACT.md section 2).
let jsonContentType = "application/json; charset=utf-8"
/// The 401 challenge without a token, and with one (docs/CONTRACT.md section 2).
let bearerChallenge = #"Bearer realm="chastitytracker""#
let invalidTokenChallenge = #"Bearer realm="chastitytracker", error="invalid_token""#
let insufficientScopeChallenge = #"Bearer realm="chastitytracker", error="insufficient_scope", scope="write""#

extension TestResponse {
    /// The body parsed as JSON.
    func json() throws -> JSON { try JSON.parse(body.readableBytesView) }

    /// The body as text.
    var text: String { String(buffer: body) }
}

/// Asserts an error envelope with exactly this status, `error.code` and `error.field` (`nil`:
/// no `field` key at all), a non-empty message and `meta.version` 2; returns the `error` object.
@discardableResult
func expectError(
    _ response: TestResponse, _ status: HTTPResponse.Status, _ code: String, field: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> JSON {
    #expect(response.status == status, "body: \(response.text)", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType] == jsonContentType, sourceLocation: sourceLocation)
    let body = try response.json()
    #expect(body.keys == ["ok", "error", "meta"], sourceLocation: sourceLocation)
    #expect(body["ok"] == false, sourceLocation: sourceLocation)
    #expect(body["meta"]?["version"] == 2, sourceLocation: sourceLocation)
    let error = try #require(body["error"], sourceLocation: sourceLocation)
    #expect(error["code"] == .string(code), "body: \(response.text)", sourceLocation: sourceLocation)
    #expect(error["message"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(error["field"] == field.map(JSON.string), "body: \(response.text)", sourceLocation: sourceLocation)
    #expect(error.keys.isSubset(of: ["code", "message", "field"]), sourceLocation: sourceLocation)
    return error
}

/// Asserts a 400 `validation_error` naming `field`.
@discardableResult
func expectValidationError(
    _ response: TestResponse, field: String?, sourceLocation: SourceLocation = #_sourceLocation
) throws -> JSON {
    let error = try expectError(response, .badRequest, "validation_error", field: field, sourceLocation: sourceLocation)
    if let field {
        // docs/CONTRACT.md section 2: messages name the field and the rule broken.
        let message = error["message"]?.stringValue ?? ""
        #expect(message.contains(field), "message: \(message)", sourceLocation: sourceLocation)
    }
    return error
}

/// Asserts a success envelope with this status and returns its `data`.
func expectSuccess(
    _ response: TestResponse, _ status: HTTPResponse.Status = .ok, sourceLocation: SourceLocation = #_sourceLocation
) throws -> JSON {
    #expect(response.status == status, "body: \(response.text)", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType] == jsonContentType, sourceLocation: sourceLocation)
    let body = try response.json()
    #expect(body.keys == ["ok", "data", "meta"], sourceLocation: sourceLocation)
    #expect(body["ok"] == true, sourceLocation: sourceLocation)
    #expect(body["meta"]?["version"] == 2, sourceLocation: sourceLocation)
    return try #require(body["data"], sourceLocation: sourceLocation)
}

/// The wire form of a stored record (docs/CONTRACT.md section 4).
func itemJSON(_ item: Orgasm) -> JSON {
    [
        "id": .int(item.id), "date": .string(item.date.description), "mode": .string(item.mode.rawValue),
        "public": item.isPublic ? 1 : 0, "type": item.type.map(JSON.string) ?? .null,
        "grantedby": item.grantedBy.map(JSON.string) ?? .null, "inserted": .string(item.inserted.description),
    ]
}

/// Asserts that `item` has exactly the seven keys of docs/CONTRACT.md section 4 with their wire types.
func expectItemShape(_ item: JSON, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(item.keys == ["id", "date", "mode", "public", "type", "grantedby", "inserted"], sourceLocation: sourceLocation)
    #expect((item["id"]?.intValue ?? 0) > 0, sourceLocation: sourceLocation)
    #expect(item["date"]?.stringValue.flatMap(LocalDate.init) != nil, sourceLocation: sourceLocation)
    #expect(item["mode"]?.stringValue.flatMap(Mode.init(rawValue:)) != nil, sourceLocation: sourceLocation)
    #expect(item["public"] == 0 || item["public"] == 1, sourceLocation: sourceLocation)
    for key in ["type", "grantedby"] {
        #expect(item[key] == .null || item[key]?.stringValue != nil, sourceLocation: sourceLocation)
    }
    let inserted = item["inserted"]?.stringValue ?? ""
    #expect(inserted.wholeMatch(of: /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}/) != nil, "\(inserted)", sourceLocation: sourceLocation)
}
