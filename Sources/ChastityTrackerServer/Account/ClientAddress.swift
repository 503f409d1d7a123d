import HTTPTypes
import Hummingbird
import NIOCore

/// The address a sign-in is throttled by: behind a proxy, the address the proxy saw (the last
/// entry of `X-Forwarded-For`, the one our proxy appended; earlier entries are the client's
/// word); otherwise the connection's peer.
enum ClientAddress {
    static func of(_ request: Request, context: AppRequestContext, behindProxy: Bool) -> String {
        if behindProxy {
            let forwarded = request.headers[values: .xForwardedFor].joined(separator: ",")
            if let last = forwarded.split(separator: ",").last?.trimmingWhitespace(), !last.isEmpty {
                return String(last)
            }
        }
        return context.remoteAddress?.ipAddress ?? "unknown"
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
