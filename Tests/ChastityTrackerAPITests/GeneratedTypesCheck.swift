import ChastityTrackerClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// A test client that passes every request on and decodes every JSON answer of the API with the
/// types swift-openapi-generator made from `openapi.json` (the SDK's `Components.Schemas`), so the
/// server's hand-written JSON and the document cannot drift apart: an answer that does not decode
/// is a test failure, wherever in the suite it came from.
struct GeneratedTypesCheckingClient: TestClientProtocol {
    let base: any TestClientProtocol

    var port: Int? { base.port }

    func executeRequest(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?
    ) async throws -> TestResponse {
        let response = try await base.executeRequest(uri: uri, method: method, headers: headers, body: body)
        expectDecodesWithGeneratedTypes(response, method: method, uri: uri)
        return response
    }
}

/// The generated envelope an answer to `method uri` with this status must decode as; `nil` for
/// answers the document does not describe as an envelope (the account pages, the document itself,
/// metrics, answers without a JSON body).
func generatedEnvelope(method: HTTPRequest.Method, uri: String, status: HTTPResponse.Status) -> (any Decodable.Type)? {
    // Spelled as the server reads it: repeated and trailing slashes do not count.
    let raw = uri.prefix { $0 != "?" && $0 != "#" }.lowercased()
    let path = "/" + raw.split(separator: "/").joined(separator: "/")
    if path.hasPrefix("/account") || path == "/api/v2/openapi.json" || path == "/metrics" { return nil }
    // OAuth answers in the RFCs' JSON, except the refusals every path shares (404 when OAuth is
    // off, 405, 414, 431).
    let oauth = path == "/oauth/token" || path == "/oauth/revoke"
    if oauth, status.code >= 400, ![404, 405, 414, 431].contains(status.code) { return Components.Schemas.OAuthError.self }
    if path == "/oauth/authorize" { return nil }
    if status.code >= 400 { return Components.Schemas.ErrorEnvelope.self }
    let orgasms = path == "/api/v2/orgasms.php" || path == "/api/v2/orgasms"
    switch (method, status.code) {
    case (.get, 200) where path == "/healthz": return Components.Schemas.HealthEnvelope.self
    case (.get, 200) where path == "/readyz": return Components.Schemas.ReadinessEnvelope.self
    case (.get, 200) where orgasms: return Components.Schemas.ListOrDetailsEnvelope.self
    case (.get, 200) where path == "/api/v2/orgasms/changes": return Components.Schemas.FeedChangesEnvelope.self
    case (.post, 201) where orgasms: return Components.Schemas.CreatedEnvelope.self
    case (.patch, 200) where orgasms: return Components.Schemas.ItemEnvelope.self
    case (.delete, 200) where orgasms: return Components.Schemas.DeletedEnvelope.self
    case (.post, 200) where path == "/oauth/token": return Components.Schemas.OAuthTokens.self
    case (.get, 200) where path == "/.well-known/oauth-authorization-server": return Components.Schemas.OAuthMetadata.self
    default: return nil
    }
}

/// Records an issue unless the JSON body of `response` decodes as the generated envelope the
/// document gives for it.
func expectDecodesWithGeneratedTypes(
    _ response: TestResponse, method: HTTPRequest.Method, uri: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    let body = Data(response.body.readableBytesView)
    if let mismatch = generatedTypesMismatch(
        method: method, uri: uri, status: response.status, contentType: response.headers[.contentType], body: body
    ) {
        Issue.record("\(mismatch)\nbody: \(String(decoding: body, as: UTF8.self))", sourceLocation: sourceLocation)
    }
}

/// Why a JSON answer does not decode as its generated envelope; `nil` when it does or when it is
/// not an envelope the document describes.
func generatedTypesMismatch(
    method: HTTPRequest.Method, uri: String, status: HTTPResponse.Status, contentType: String?, body: Data
) -> String? {
    guard !body.isEmpty, contentType?.hasPrefix("application/json") == true,
        let type = generatedEnvelope(method: method, uri: uri, status: status)
    else { return nil }
    do {
        _ = try JSONDecoder().decode(type, from: body)
        return nil
    } catch {
        return "\(method) \(uri) → \(status.code): the body does not decode as \(type): \(error)"
    }
}
