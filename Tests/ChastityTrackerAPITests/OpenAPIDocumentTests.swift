import ChastityTrackerDomain
import ChastityTrackerServer
import ChastityTrackerTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

/// The OpenAPI document (`Sources/ChastityTrackerServer/Resources/openapi.json`) against the code:
/// the routes the router serves, the limits the code enforces and the error catalogue. What the
/// running server answers is checked against it by `scripts/schemathesis`.
@Suite struct OpenAPIDocumentTests {
    /// The committed file, read from the source tree.
    static let file = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/ChastityTrackerServer/Resources/openapi.json")

    static func document() throws -> JSON { try JSON.parse(Data(contentsOf: file)) }

    /// What the router serves but the document leaves out: HEAD and OPTIONS (answered for every
    /// path by the router itself, from GET and the route table, described in the document's
    /// prose), and the paths the route table marks undocumented, each with its reason there (the
    /// account pages, `/metrics`, the alias). A served path missing from the table is not excluded.
    static func isExcluded(path: String, method: String) -> Bool {
        method == "HEAD" || method == "OPTIONS" || undocumentedPaths.contains(path)
    }

    private static let undocumentedPaths = Set(RouteTable(metrics: true, oauth: true).routes.filter { !$0.isDocumented }.map(\.path))

    /// Every path and method the router built by `buildRouter` serves, with `/metrics` and OAuth on.
    static func servedRoutes() async throws -> [String: Set<String>] {
        let (store, cleanup) = try await TestBackend.sqlite.makeStore()
        defer { cleanup() }
        var configuration = Configuration()
        configuration.publicURL = "https://tracker.example"
        let router = buildRouter(
            configuration: configuration, store: store, clock: FixedWallClock(TestApp.defaultNow),
            metrics: PrometheusCollectorRegistry(), lastUsed: LastUsedRecorder(store: store, logger: Logger(label: "test"))
        )
        var served: [String: Set<String>] = [:]
        for route in router.router.routes { served["\(route.path)", default: []].insert(route.method.rawValue) }
        // HEAD is generated from GET (`autoGenerateHeadEndpoints`), not registered.
        for (path, methods) in served where methods.contains("GET") { served[path]!.insert("HEAD") }
        try await store.close()
        return served
    }

    /// The operations of the document: path → upper-cased methods.
    static func operations(of document: JSON) throws -> [String: Set<String>] {
        let paths = try #require(document["paths"])
        var described: [String: Set<String>] = [:]
        for path in paths.keys { described[path] = Set(paths[path]!.keys.map { $0.uppercased() }) }
        return described
    }

    @Test("Every route the router serves is an operation of the document, and every operation is served (named exclusions aside)")
    func documentMatchesRouter() async throws {
        var served: [String: Set<String>] = [:]
        for (path, methods) in try await Self.servedRoutes() {
            let kept = methods.filter { !Self.isExcluded(path: path, method: $0) }
            if !kept.isEmpty { served[path] = kept }
        }
        #expect(served == (try Self.operations(of: Self.document())))
        // The route table's own mark agrees with the document.
        var listed: [String: Set<String>] = [:]
        for route in RouteTable(metrics: true, oauth: true).routes where route.isDocumented {
            listed[route.path] = Set(route.methods.map(\.rawValue).filter { $0 != "HEAD" && $0 != "OPTIONS" })
        }
        #expect(listed == (try Self.operations(of: Self.document())))
    }

    @Test("The alias /api/v2/orgasms serves exactly the documented path's methods, and the document says so in prose")
    func aliasServesTheDocumentedOperations() async throws {
        let served = try await Self.servedRoutes()
        let canonical = try #require(served[RouteTable.orgasmsPaths[0]])
        #expect(served[RouteTable.orgasmsPaths[1]] == canonical)
        let document = try Self.document()
        #expect(try Self.operations(of: document)[RouteTable.orgasmsPaths[1]] == nil)
        let description = try #require(document["info"]?["description"]?.stringValue)
        #expect(description.contains("**The alias `\(RouteTable.orgasmsPaths[1])`.**"))
    }

    @Test("The served document is the committed file, byte for byte, without a token, as plain JSON")
    func servedDocumentIsTheFile() async throws {
        let file = try Data(contentsOf: Self.file)
        try await TestApp.run { _, client in
            let response = try await client.execute(uri: RouteTable.openAPIPath, method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.headers[.cacheControl] == "public, max-age=3600")
            #expect(Data(response.body.readableBytesView) == file)
            #expect(try response.json()["openapi"] == "3.1.0")
        }
    }

    // MARK: Bounds

    /// Follows a local `$ref` (`#/components/…`) to what it names.
    static func resolve(_ node: JSON, in document: JSON) throws -> JSON {
        guard let reference = node["$ref"]?.stringValue else { return node }
        var target = document
        for part in reference.dropFirst(2).split(separator: "/") {
            target = try #require(target[String(part)], "\(reference) does not resolve")
        }
        return try resolve(target, in: document)
    }

    static func parameter(_ name: String, of method: String, in document: JSON) throws -> JSON {
        let operation = try #require(document["paths"]?[RouteTable.orgasmsPaths[0]]?[method])
        for parameter in operation["parameters"]?.elements ?? [] {
            let resolved = try resolve(parameter, in: document)
            if resolved["name"]?.stringValue == name { return resolved }
        }
        Issue.record("\(method) has no parameter \(name)")
        return .null
    }

    static func schema(_ name: String, in document: JSON) throws -> JSON {
        try #require(document["components"]?["schemas"]?[name])
    }

    @Test("The query parameters' bounds are the code's: limit, offset, id, mode")
    func queryBoundsMatchTheCode() throws {
        let document = try Self.document()
        let limit = try Self.parameter("limit", of: "get", in: document)["schema"]
        #expect(limit?["minimum"] == 1)
        #expect(limit?["maximum"] == .int(Int64(OrgasmQuery.maximumLimit)))
        #expect(limit?["default"] == .int(Int64(OrgasmQuery.defaultLimit)))
        let offset = try Self.parameter("offset", of: "get", in: document)["schema"]
        #expect(offset?["minimum"] == 0)
        #expect(offset?["maximum"] == .int(Int64(OrgasmQuery.maximumOffset)))
        #expect(offset?["default"] == 0)
        for method in ["get", "patch", "delete"] {
            let id = try Self.parameter("id", of: method, in: document)
            #expect(id["required"] == .bool(method != "get"), "\(method)")
            #expect(id["schema"]?["minimum"] == 1)
            #expect(id["schema"]?["maximum"] == .int(Int64.max))
        }
        let modes = try Self.schema("Mode", in: document)["enum"]
        #expect(modes == .array(Mode.allCases.map { .string($0.rawValue) }))
        let known = try Set(
            #require(document["paths"]?[RouteTable.orgasmsPaths[0]]?["get"]?["parameters"]).elements.compactMap { parameter in
                let resolved = try Self.resolve(parameter, in: document)
                return resolved["in"] == "query" ? resolved["name"]?.stringValue : nil
            })
        #expect(known == QueryParameters.known)
    }

    @Test("The body's and answers' bounds are the code's: number, batch size, page size, body size, Idempotency-Key length")
    func bodyBoundsMatchTheCode() throws {
        let document = try Self.document()
        let number = try Self.schema("NewItem", in: document)["properties"]?["number"]
        #expect(number?["minimum"] == 1)
        #expect(number?["maximum"] == .int(Int64(OrgasmRules.maximumNumber)))
        let batch = try Self.schema("NewItems", in: document)
        #expect(batch["minItems"] == 1)
        #expect(batch["maxItems"] == .int(Int64(OrgasmRules.maximumBatch)))
        // An answer holds at most a page, or every copy of every object of one insert.
        let page = try Self.schema("Page", in: document)["properties"]
        #expect(page?["limit"]?["maximum"] == .int(Int64(OrgasmQuery.maximumLimit)))
        #expect(page?["items"]?["maxItems"] == .int(Int64(OrgasmQuery.maximumLimit)))
        let created = try Self.schema("Created", in: document)["properties"]
        #expect(created?["count"]?["maximum"] == .int(Int64(OrgasmRules.maximumBatch * OrgasmRules.maximumNumber)))
        #expect(created?["items"]?["maxItems"] == .int(Int64(OrgasmRules.maximumBatch * OrgasmRules.maximumNumber)))
        let key = try Self.parameter("Idempotency-Key", of: "post", in: document)["schema"]
        #expect(key?["minLength"] == 1)
        #expect(key?["maxLength"] == .int(Int64(IdempotencyPolicy.maximumKeyLength)))
        // JSON Schema cannot bound a body's bytes: the prose says it, with the code's number.
        for method in ["post", "patch"] {
            let description = try #require(document["paths"]?[RouteTable.orgasmsPaths[0]]?[method]?["requestBody"]?["description"]?.stringValue)
            #expect(description.contains("at most \(APILimits.maximumBodySize) bytes"), "\(method)")
        }
        let responses = try #require(document["components"]?["responses"])
        #expect(responses["PayloadTooLarge"]?["description"]?.stringValue?.contains("larger than \(APILimits.maximumBodySize) bytes") == true)
        #expect(responses["URITooLong"]?["description"]?.stringValue?.contains("longer than \(RequestHeadLimits.maximumTargetSize) bytes") == true)
        #expect(
            responses["HeadersTooLarge"]?["description"]?.stringValue?.contains("larger than \(RequestHeadLimits.maximumHeaderSize) bytes") == true)
    }

    /// Whether `text` matches `pattern`, an ECMA-262 expression anchored with `^` and `$` as the
    /// document writes them. ICU reads the same `\uXXXX` escapes and classes, but its `$` also
    /// matches before a final line break (U+0085 included), where ECMA-262's matches only at the
    /// end: so the match must span the whole text.
    static func matches(_ pattern: String, _ text: String) throws -> Bool {
        let expression = try NSRegularExpression(pattern: pattern)
        let whole = NSRange(text.startIndex..., in: text)
        return expression.firstMatch(in: text, range: whole)?.range == whole
    }

    @Test(
        "The free-text fields' rules are the code's: at most N characters after trimming, no control characters",
        arguments: [("type", OrgasmRules.maximumTypeLength), ("grantedby", OrgasmRules.maximumGrantedByLength)]
    )
    func textBoundsMatchTheCode(field: String, maximum: Int) throws {
        let document = try Self.document()
        // Answers hold the trimmed text: a plain length bound.
        #expect(try Self.schema("Item", in: document)["properties"]?[field]?["maxLength"] == .int(Int64(maximum)))
        for body in ["NewItem", "Changes"] {
            let schema = try #require(try Self.schema(body, in: document)["properties"]?[field])
            #expect(schema["type"] == ["string", "null"])
            let pattern = try #require(schema["pattern"]?.stringValue)
            let longest = String(repeating: "é", count: maximum)
            #expect(try Self.matches(pattern, longest), "\(body).\(field): \(maximum) characters")
            #expect(try !Self.matches(pattern, longest + "x"), "\(body).\(field): \(maximum + 1) characters")
            #expect(try Self.matches(pattern, " \u{3000}" + longest + " \u{00A0}"), "\(body).\(field): trimmed before counting")
            #expect(try Self.matches(pattern, "a b"))
            #expect(try Self.matches(pattern, ""), "\(body).\(field): empty means null")
            #expect(try !Self.matches(pattern, "a\u{7}b"), "\(body).\(field): a control character")
            #expect(try !Self.matches(pattern, "a\u{85}"), "\(body).\(field): a C1 control character")
            #expect(try !Self.matches(pattern, "a\nb"), "\(body).\(field): a line break")
            #expect(try !Self.matches(pattern, "a\n"), "\(body).\(field): a final line break")
        }
    }

    // MARK: Errors

    /// `(status, code)` of every error example the document gives, per operation and for the
    /// 405 that no operation lists (the answer to a method that is not an operation).
    static func documentedErrors(in document: JSON) throws -> [(status: Int, code: String, at: String)] {
        var found: [(status: Int, code: String, at: String)] = []
        func collect(_ response: JSON, status: Int, at place: String) throws {
            let resolved = try resolve(response, in: document)
            let examples = resolved["content"]?["application/json"]?["examples"]
            for name in examples?.keys ?? [] {
                let value = try #require(examples?[name]?["value"])
                #expect(value["ok"] == false, "\(place) \(name)")
                let code = try #require(value["error"]?["code"]?.stringValue)
                #expect(code == name, "\(place): the example is named after its code")
                found.append((status, code, place))
            }
        }
        let paths = try #require(document["paths"])
        for path in paths.keys {
            for method in paths[path]!.keys {
                let responses = try #require(paths[path]?[method]?["responses"])
                for status in responses.keys where !status.hasPrefix("2") && !status.hasPrefix("3") {
                    try collect(responses[status]!, status: try #require(Int(status)), at: "\(method.uppercased()) \(path) \(status)")
                }
            }
        }
        let methodNotAllowed = try #require(document["components"]?["responses"]?["MethodNotAllowed"])
        try collect(methodNotAllowed, status: 405, at: "components.responses.MethodNotAllowed")
        return found
    }

    @Test("Every code of the ErrorCode catalogue is documented with its status, and every documented code is the catalogue's at that status")
    func errorCodesMatchTheCatalogue() throws {
        let document = try Self.document()
        let enumerated = try Self.schema("ErrorCode", in: document)["enum"]
        #expect(enumerated == .array(ErrorCode.allCases.map { .string($0.rawValue) }))
        let found = try Self.documentedErrors(in: document)
        for entry in found {
            let code = ErrorCode(rawValue: entry.code)
            #expect(code != nil, "\(entry.at): \(entry.code) is not in the catalogue")
            #expect(code.map { Int($0.status.code) } == entry.status, "\(entry.at): \(entry.code)")
        }
        #expect(Set(found.map(\.code)) == Set(ErrorCode.allCases.map(\.rawValue)))
    }

    @Test("Every bearer-token operation documents 401, 403, 414, 429, 431, 500 and 503; every GET of items 304")
    func commonAnswersAreDocumented() throws {
        let document = try Self.document()
        let orgasms = try #require(document["paths"]?[RouteTable.orgasmsPaths[0]])
        for method in orgasms.keys {
            let statuses = orgasms[method]?["responses"]?.keys ?? []
            #expect(statuses.isSuperset(of: ["400", "401", "403", "414", "429", "431", "500", "503"]), "\(method): \(statuses)")
            #expect(statuses.contains("304") == (method == "get"), "\(method)")
            let unauthorized = try Self.resolve(try #require(orgasms[method]?["responses"]?["401"]), in: document)
            #expect(unauthorized["headers"]?["WWW-Authenticate"] != nil)
            let limited = try Self.resolve(try #require(orgasms[method]?["responses"]?["429"]), in: document)
            #expect(try Self.resolve(try #require(limited["headers"]?["Retry-After"]), in: document)["required"] == true)
        }
        let allow = try Self.resolve(try #require(document["components"]?["responses"]?["MethodNotAllowed"]?["headers"]?["Allow"]), in: document)
        #expect(allow["required"] == true)
        let scheme = document["components"]?["securitySchemes"]?["bearerToken"]
        #expect(scheme?["type"] == "http")
        #expect(scheme?["scheme"] == "bearer")
        #expect(document["security"] == [["bearerToken": []], ["oauth2": []]])
        let oauth = document["components"]?["securitySchemes"]?["oauth2"]?["flows"]?["authorizationCode"]
        #expect(oauth?["authorizationUrl"] == "/oauth/authorize")
        #expect(oauth?["tokenUrl"] == "/oauth/token")
    }
}
