public import ChastityTrackerDomain
import HTTPTypes
public import Hummingbird
public import NIOCore

/// Whose word about a request counts (docs/CONTRACT.md sections 10 and 12). Behind a
/// TLS-terminating proxy (`--behind-proxy`), only a peer in the trusted blocks (`--trusted-proxy`,
/// loopback by default) may say where a request came from (`X-Forwarded-For`) and how
/// (`X-Forwarded-Proto`); anyone else's forwarded headers are ignored, so a client that reaches
/// the server past the proxy can neither pick the address it is throttled by nor pass plain HTTP
/// off as HTTPS.
public struct ProxyTrust: Sendable {
    public let behindProxy: Bool
    public let trusted: [IPNetwork]

    public init(behindProxy: Bool, trusted: [IPNetwork]) {
        self.behindProxy = behindProxy
        self.trusted = trusted
    }

    /// The connection's peer; `nil` when unknown (HummingbirdTesting's router tests).
    func peer(_ remoteAddress: SocketAddress?) -> IPAddress? {
        remoteAddress?.ipAddress.flatMap { IPAddress($0) }
    }

    /// Whether the forwarded headers of a request from `peer` count: behind a proxy, and from one
    /// of the trusted blocks. An unknown peer is not trusted.
    func believesForwardedHeaders(from peer: IPAddress?) -> Bool {
        guard behindProxy, let peer else { return false }
        return isTrusted(peer)
    }

    private func isTrusted(_ address: IPAddress) -> Bool {
        trusted.contains { $0.contains(address) }
    }

    /// The client a request came from: from a trusted proxy, the right-most `X-Forwarded-For`
    /// entry that is not itself a trusted proxy (entries left of it are the client's own word);
    /// otherwise the peer. `nil` when unknown.
    public func client(of request: Request, peer remoteAddress: SocketAddress?) -> IPAddress? {
        let peer = peer(remoteAddress)
        guard believesForwardedHeaders(from: peer) else { return peer }
        var client = peer
        let entries = request.headers[values: .xForwardedFor].flatMap { $0.split(separator: ",") }
        for entry in entries.reversed() {
            // An entry that is no address ends the walk: what stands left of it cannot be trusted.
            guard let address = Self.address(forwarded: Substring(entry.trimmingWhitespace())) else { break }
            client = address
            if !isTrusted(address) { break }
        }
        return client
    }

    /// The address of an `X-Forwarded-For` entry, with or without a port (`192.0.2.1:5678`,
    /// `[2001:db8::1]:443`, as some proxies write them).
    static func address(forwarded entry: Substring) -> IPAddress? {
        if let address = IPAddress(entry) { return address }
        if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
            let port = entry[entry.index(after: close)...]
            guard port.hasPrefix(":"), port.dropFirst().allSatisfy(\.isASCIIDigit) else { return nil }
            return IPAddress(entry[entry.index(after: entry.startIndex)..<close])
        }
        let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].contains("."), !parts[1].isEmpty, parts[1].allSatisfy(\.isASCIIDigit) else { return nil }
        return IPAddress(parts[0])
    }

    /// What throttles count a request's client as (``IPAddress/throttleKey``); `unknown` when
    /// the client is unknown.
    func throttleKey(of request: Request, peer: SocketAddress?) -> String {
        client(of: request, peer: peer)?.throttleKey ?? "unknown"
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
