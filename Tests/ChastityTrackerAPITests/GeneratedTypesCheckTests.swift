import Foundation
import HTTPTypes
import Testing

/// The check that every JSON answer decodes with the generated types is not vacuous: it picks the
/// envelope the document gives for each answer and refuses a body that breaks it.
@Suite struct GeneratedTypesCheckTests {
    static let item = #"{"id":1,"date":"2026-03-01","mode":"full","public":0,"type":null,"grantedby":null,"inserted":"2026-03-10 12:00:00.000"}"#

    func mismatch(_ status: HTTPResponse.Status, _ body: String, method: HTTPRequest.Method = .patch) -> String? {
        generatedTypesMismatch(
            method: method, uri: "/api/v2/orgasms.php?id=1", status: status, contentType: jsonContentType, body: Data(body.utf8)
        )
    }

    @Test func eachAnswerIsCheckedAgainstItsOperationsEnvelope() {
        #expect(generatedEnvelope(method: .get, uri: "/api/v2/orgasms.php?id=1", status: .ok).map { "\($0)" } == "ListOrDetailsEnvelope")
        #expect(generatedEnvelope(method: .post, uri: "//api/v2/orgasms/", status: .created).map { "\($0)" } == "CreatedEnvelope")
        #expect(generatedEnvelope(method: .patch, uri: "/api/v2/orgasms.php?id=1", status: .ok).map { "\($0)" } == "ItemEnvelope")
        #expect(generatedEnvelope(method: .delete, uri: "/api/v2/orgasms.php?id=1", status: .ok).map { "\($0)" } == "DeletedEnvelope")
        #expect(generatedEnvelope(method: .get, uri: "/healthz", status: .ok).map { "\($0)" } == "HealthEnvelope")
        #expect(generatedEnvelope(method: .get, uri: "/readyz", status: .ok).map { "\($0)" } == "ReadinessEnvelope")
        #expect(generatedEnvelope(method: .put, uri: "/healthz", status: .methodNotAllowed).map { "\($0)" } == "ErrorEnvelope")
        #expect(generatedEnvelope(method: .get, uri: "/api/v2/openapi.json", status: .ok) == nil)
        #expect(generatedEnvelope(method: .get, uri: "/account/records", status: .ok) == nil)
    }

    @Test func aConformingAnswerPasses() {
        let body = #"{"ok":true,"data":"# + Self.item + #","meta":{"version":2}}"#
        #expect(mismatch(.ok, body) == nil)
    }

    @Test(arguments: [
        // A key the document does not have (Item is `additionalProperties: false`).
        Self.item.replacingOccurrences(of: #""id":1,"#, with: #""id":1,"extra":true,"#),
        // A value outside the document's enum.
        Self.item.replacingOccurrences(of: #""public":0"#, with: #""public":2"#),
        // A required key missing. (A missing *nullable* key, `grantedby`, decodes: the generated
        // optionals are decoded if present; `expectItemShape` checks every key instead.)
        Self.item.replacingOccurrences(of: #","inserted":"2026-03-10 12:00:00.000""#, with: ""),
    ])
    func anAnswerThatBreaksTheDocumentIsAFailure(item: String) {
        let body = #"{"ok":true,"data":"# + item + #","meta":{"version":2}}"#
        #expect(mismatch(.ok, body)?.contains("does not decode as ItemEnvelope") == true)
    }

    @Test func anErrorWithACodeOutsideTheCatalogueIsAFailure() {
        let body = #"{"ok":false,"error":{"code":"teapot","message":"no"},"meta":{"version":2}}"#
        #expect(mismatch(.badRequest, body, method: .get)?.contains("does not decode as ErrorEnvelope") == true)
    }
}
