public import HummingbirdCore
public import HummingbirdHTTP2
public import Logging
public import NIOCore
import NIOSSL

/// Hummingbird's TLS child channel (HTTP/2 or HTTP/1.1 by ALPN) with a bound on the TLS
/// handshake, which neither Hummingbird nor NIOSSL has: a ``TLSHandshakeTimeoutHandler`` is put
/// right behind the TLS handler that `HTTP2UpgradeChannel` installs.
public struct HandshakeTimedHTTP2UpgradeChannel: ServerChildChannel {
    public typealias Value = HTTP2UpgradeChannel.Value

    let upgrade: HTTP2UpgradeChannel
    let handshakeTimeout: Duration

    public init(upgrade: HTTP2UpgradeChannel, handshakeTimeout: Duration) {
        self.upgrade = upgrade
        self.handshakeTimeout = handshakeTimeout
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        // The upgrade channel adds its TLS handler synchronously; the timeout goes right after it,
        // before ALPN's handler, which swallows the handshake event. The channel is not yet
        // registered, so no byte can arrive before the handler is in place.
        upgrade.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let tls = try operations.handler(type: NIOSSLServerHandler.self)
            try operations.addHandler(
                TLSHandshakeTimeoutHandler(timeout: TimeAmount(handshakeTimeout), logger: logger), position: .after(tls)
            )
            return value
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await upgrade.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// TLS with HTTP/2 and HTTP/1.1 by ALPN, as `http2Upgrade(tlsConfiguration:configuration:)`,
    /// with handshakes that take longer than `handshakeTimeout` closed.
    public static func http2Upgrade(
        tlsConfiguration: TLSConfiguration, configuration: HTTP2UpgradeChannel.Configuration, handshakeTimeout: Duration
    ) -> HTTPServerBuilder {
        .init { responder in
            HandshakeTimedHTTP2UpgradeChannel(
                upgrade: try HTTP2UpgradeChannel(tlsConfiguration: tlsConfiguration, configuration: configuration, responder: responder),
                handshakeTimeout: handshakeTimeout
            )
        }
    }
}
