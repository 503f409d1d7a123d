public import HummingbirdCore
public import HummingbirdHTTP2
public import Logging
public import NIOCore
import NIOSSL

/// Hummingbird's TLS child channel (HTTP/2 or HTTP/1.1 by ALPN) with the bounds it lacks: a
/// ``TLSTimeoutHandler`` right behind the TLS handler that `HTTP2UpgradeChannel` installs closes
/// connections whose handshake is too slow and HTTP/2 connections that fall silent.
public struct TimedTLSUpgradeChannel: ServerChildChannel {
    public typealias Value = HTTP2UpgradeChannel.Value

    let upgrade: HTTP2UpgradeChannel
    let handshakeTimeout: Duration
    let http2SilenceTimeout: Duration

    public init(upgrade: HTTP2UpgradeChannel, handshakeTimeout: Duration, http2SilenceTimeout: Duration) {
        self.upgrade = upgrade
        self.handshakeTimeout = handshakeTimeout
        self.http2SilenceTimeout = http2SilenceTimeout
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        // The upgrade channel adds its TLS handler synchronously; ours goes right after it,
        // before ALPN's handler, which swallows the handshake event. The channel is not yet
        // registered, so no byte can arrive before the handler is in place.
        upgrade.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let tls = try operations.handler(type: NIOSSLServerHandler.self)
            let timeouts = TLSTimeoutHandler(
                handshakeTimeout: TimeAmount(handshakeTimeout), http2SilenceTimeout: TimeAmount(http2SilenceTimeout), logger: logger
            )
            try operations.addHandler(timeouts, position: .after(tls))
            return value
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await upgrade.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// TLS with HTTP/2 and HTTP/1.1 by ALPN, as `http2Upgrade(tlsConfiguration:configuration:)`,
    /// with handshakes slower than `handshakeTimeout` and HTTP/2 connections silent (no byte
    /// either way) for `http2SilenceTimeout` closed.
    public static func http2Upgrade(
        tlsConfiguration: TLSConfiguration, configuration: HTTP2UpgradeChannel.Configuration,
        handshakeTimeout: Duration, http2SilenceTimeout: Duration
    ) -> HTTPServerBuilder {
        .init { responder in
            TimedTLSUpgradeChannel(
                upgrade: try HTTP2UpgradeChannel(tlsConfiguration: tlsConfiguration, configuration: configuration, responder: responder),
                handshakeTimeout: handshakeTimeout, http2SilenceTimeout: http2SilenceTimeout
            )
        }
    }
}
