import AsyncHTTPClient
import ChastityTrackerDomain
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Makes one attempt of a webhook message: checks the URL, resolves its host and checks every
/// address (unless private addresses are allowed), connects to the checked address (the TLS name
/// and certificate are still the URL's host), and POSTs the signed body. Redirects are not
/// followed, nothing comes from the environment's proxy settings, the connection and the whole
/// attempt are bounded in time, and at most ``bodyLimit`` bytes of the answer are read.
struct WebhookSender: Sendable {
    /// What an attempt produced: the answer's status (none without an answer), why it failed
    /// (for the page) and the receiver's `Retry-After`.
    struct Result: Sendable, Equatable {
        var status: Int?
        var error: String
        var retryAfter: Duration?
    }

    let allowPrivate: Bool
    var resolver = WebhookResolver()
    var connectTimeout: Duration = .seconds(5)
    var totalTimeout: Duration = .seconds(15)
    /// The most bytes of an answer read: the status is all that counts.
    static let bodyLimit = 64 * 1024

    func send(_ message: WebhookMessage, at now: Timestamp) async -> Result {
        let url: WebhookURL
        let address: IPAddress
        do throws(WebhookURLError) {
            url = try WebhookURL(message.url, allowPrivate: allowPrivate)
            address = try await resolver.address(of: url, allowPrivate: allowPrivate)
        } catch {
            return Result(status: nil, error: error.message, retryAfter: nil)
        }
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: TimeAmount(connectTimeout), read: TimeAmount(totalTimeout))
        configuration.proxy = nil
        configuration.decompression = .disabled
        // Pinned: the connection goes to the address just checked, never to a second lookup's
        // answer (DNS rebinding); TLS still sends and verifies the URL's host name.
        if url.ipLiteral == nil { configuration.dnsOverride = [url.host: address.description] }
        let client = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: configuration)
        // One bound on the whole attempt, the answer's body included: AsyncHTTPClient's deadline
        // ends with the answer's head, and its read timeout restarts with every byte, so a
        // receiver sending a byte every few seconds would otherwise hold the attempt for days.
        let totalTimeout = totalTimeout
        let result = await withTaskGroup(of: Result?.self) { group in
            group.addTask { await post(message, to: url, with: client, at: now) }
            group.addTask {
                try? await Task.sleep(for: totalTimeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? Result(status: nil, error: "no answer within the time allowed", retryAfter: nil)
        }
        try? await client.shutdown()
        return result
    }

    private func post(_ message: WebhookMessage, to url: WebhookURL, with client: HTTPClient, at now: Timestamp) async -> Result {
        var request = HTTPClientRequest(url: url.text)
        request.method = .POST
        let timestamp = now.millisecondsSinceEpoch / 1000
        let body = Array(message.body.utf8)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "chastity-tracker-webhooks")
        for header in WebhookSignature.headers(id: message.messageID, timestamp: timestamp, body: body, secret: message.secret) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, deadline: .now() + TimeAmount(totalTimeout))
            var read = 0
            for try await chunk in response.body {
                read += chunk.readableBytes
                if read > Self.bodyLimit { break }
            }
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return Result(status: status, error: "", retryAfter: nil) }
            let reason =
                (300..<400).contains(status) ? "the receiver answered \(status) (a redirect, not followed)" : "the receiver answered \(status)"
            return Result(
                status: status, error: reason, retryAfter: response.headers.first(name: "Retry-After").flatMap { Self.retryAfter($0, now: now) })
        } catch {
            return Result(status: nil, error: Self.reason(error), retryAfter: nil)
        }
    }

    /// A failure without an answer, in words for the page (never the error's own description,
    /// which can carry addresses and internals).
    static func reason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "no connection within the connect timeout"
            case .deadlineExceeded, .readTimeout: return "no answer within the time allowed"
            case .remoteConnectionClosed: return "the receiver closed the connection"
            default: return "the request failed (\(error.shortDescription))"
            }
        }
        switch error {
        case is NIOConnectionError: return "could not connect"
        case let error as IOError where error.errnoCode == ECONNREFUSED: return "connection refused"
        case is NIOSSLError, is BoringSSLError: return "the TLS handshake failed"
        default: return "the request failed (\(String(describing: type(of: error))))"
        }
    }

    /// `Retry-After` as seconds or an HTTP date; `nil` when it is neither.
    static func retryAfter(_ value: String, now: Timestamp) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(trimmed), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        let milliseconds = Timestamp(date).millisecondsSinceEpoch - now.millisecondsSinceEpoch
        return .milliseconds(max(0, milliseconds))
    }
}
