import Logging
import NIOCore
import NIOTLS

/// Bounds what neither NIOSSL nor Hummingbird bounds on a TLS connection. Sits right behind the
/// TLS handler, so it sees the handshake's outcome and the plaintext both ways.
///
/// - The handshake: unless it completes within `handshakeTimeout`, the connection is closed, so
///   a client that never sends a ClientHello (or stops half way) cannot hold it.
/// - HTTP/2: Hummingbird's idle timeout only sends GOAWAY and a PING and closes when the PING is
///   answered, so a client that never answers holds the connection forever. Once h2 is
///   negotiated, the connection is closed when no byte has moved either way for
///   `http2SilenceTimeout`. With HTTP/1.1, Hummingbird's own idle timeout suffices and this
///   handler removes itself after the handshake.
final class TLSTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer

    private enum Phase {
        case handshake
        case http2
    }

    private let handshakeTimeout: TimeAmount
    private let http2SilenceTimeout: TimeAmount
    private let logger: Logger
    private var phase = Phase.handshake
    private var lastActivity = NIODeadline.now()
    private var timer: Scheduled<Void>?

    init(handshakeTimeout: TimeAmount, http2SilenceTimeout: TimeAmount, logger: Logger) {
        self.handshakeTimeout = handshakeTimeout
        self.http2SilenceTimeout = http2SilenceTimeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive, timer == nil { schedule(context: context, at: .now() + handshakeTimeout) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        if timer == nil { schedule(context: context, at: .now() + handshakeTimeout) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActivity = .now()
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        lastActivity = .now()
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard phase == .handshake, case .handshakeCompleted(let negotiated) = event as? TLSUserEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        cancel()
        context.fireUserInboundEventTriggered(event)
        if negotiated == "h2" {
            phase = .http2
            lastActivity = .now()
            schedule(context: context, at: lastActivity + http2SilenceTimeout)
        } else {
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    private func schedule(context: ChannelHandlerContext, at deadline: NIODeadline) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            handler.fire(context: context)
        }
    }

    private func fire(context: ChannelHandlerContext) {
        switch phase {
        case .handshake:
            // A client that is slow or gone, not a server fault: debug, not error.
            logger.debug("TLS handshake not completed in time; closing the connection")
            context.close(promise: nil)
        case .http2:
            let due = lastActivity + http2SilenceTimeout
            if NIODeadline.now() >= due {
                logger.debug("HTTP/2 connection silent for too long; closing it")
                context.close(promise: nil)
            } else {
                schedule(context: context, at: due)
            }
        }
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
    }
}

@available(*, unavailable)
extension TLSTimeoutHandler: Sendable {}
