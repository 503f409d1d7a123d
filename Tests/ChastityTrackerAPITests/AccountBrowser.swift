import ChastityTrackerDomain
import ChastityTrackerServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

extension AccountSettings {
    /// The defaults, with cheap hashes (the decoy and a changed password's) and no pause before
    /// a refusal, so that the suite stays fast.
    static let forTests = AccountSettings(decoyParameters: .cheap, passwordParameters: .cheap, refusalPause: .zero)
}

extension Password.Parameters {
    /// scrypt at N = 2^4: the same code path as the standard cost, in microseconds.
    static let cheap = Password.Parameters(logRounds: 4, blockSize: 8, parallelism: 1)
}

extension TestApp {
    /// The password every test user gets from ``setPassword(_:for:)``.
    static let password = "correct horse battery staple"

    /// Gives `userID` (the owner by default) a password, hashed cheaply.
    func setPassword(_ password: String = TestApp.password, for userID: Int64? = nil) async throws {
        let hash = try Password.hash(password, parameters: .cheap)
        #expect(try await store.setPasswordHash(userID: userID ?? owner.id, hash: hash))
    }
}

/// A browser over the router test client: it keeps the cookies the server sets (and sends back
/// those whose path matches, as a browser does), sends `Origin` with form POSTs, and reads the
/// CSRF token out of the last page's forms.
final class AccountBrowser: @unchecked Sendable {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]
    private(set) var lastPage = ""

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    /// A GET of `path`, with the cookies.
    @discardableResult
    func get(_ path: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(path, method: .get, headers: headers, body: nil)
    }

    /// A form POST of `fields` to `path`, with the cookies and `Origin: http://localhost`; the
    /// CSRF token of the last page is added unless `csrf` says otherwise (`nil`: none at all).
    @discardableResult
    func post(
        _ path: String, _ fields: [(String, String)] = [], csrf: String?? = .some(.none), origin: String? = "http://localhost",
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var all = fields
        switch csrf {
        case .some(.none): if let token = csrfToken { all.append(("csrf", token)) }
        case .some(.some(let token)): all.append(("csrf", token))
        case .none: break
        }
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        if let origin { headers[.origin] = origin }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// Signs in through the form: GET the page, then POST name and password.
    @discardableResult
    func signIn(_ name: String, _ password: String = TestApp.password, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await get("/account/sign-in")
        return try await post("/account/sign-in", [("name", name), ("password", password)], headers: headers)
    }

    /// The CSRF token in the last page's forms.
    var csrfToken: String? { Self.value(of: "csrf", in: lastPage) }

    /// The secret shown in `id="new-token"` on the last page.
    var newToken: String? {
        guard let start = lastPage.range(of: #"<code id="new-token">"#), let end = lastPage[start.upperBound...].range(of: "</code>") else {
            return nil
        }
        return String(lastPage[start.upperBound..<end.lowerBound])
    }

    /// The value of the first hidden input named `name` in `html`.
    static func value(of name: String, in html: String) -> String? {
        guard let start = html.range(of: #"name="\#(name)" value=""#), let end = html[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(html[start.upperBound..<end])
    }

    /// The key under which the store counts this browser's failed password checks for
    /// `account`: its device cookie's (set when it signed in to that account), or `nil`.
    func deviceCounter(for account: String) -> String? {
        guard let value = cookies["__Host-ct_device"] else { return nil }
        let parts = value.split(separator: ".")
        guard parts.count == 3 else { return nil }
        return "\(account)/device/\(parts[1])"
    }

    /// Forgets one cookie, as a browser does when it expires.
    func drop(_ name: String) { cookies[name] = nil }

    /// Sets a cookie by hand (another browser's, say).
    func set(_ name: String, _ value: String) { cookies[name] = value }

    private func send(_ path: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = headers
        // Every cookie of ours has Path=/ (the __Host- prefix requires it): sent with every request.
        if !cookies.isEmpty {
            headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body)
        for field in response.headers[values: .setCookie] {
            let pair = field.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0])
            if field.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = String(pair[1]) }
        }
        let text = String(buffer: response.body)
        if response.headers[.contentType]?.hasPrefix("text/html") == true { lastPage = text }
        return response
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
