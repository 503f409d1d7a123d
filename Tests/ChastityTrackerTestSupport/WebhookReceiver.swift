import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A real HTTP receiver of webhooks on a free loopback port: it records every POST it gets (headers
/// with lower-cased names, and the body) and answers each as its script says, in order (200 once
/// the script is spent).
public final class WebhookReceiver: Sendable {
    /// One POST as received.
    public struct Delivery: Sendable {
        public var path: String
        public var headers: [String: String]
        public var body: [UInt8]

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// How the receiver answers one POST.
    public enum Answer: Sendable {
        case status(Int)
        /// Waits before answering `status`: a receiver that stalls.
        case stall(Duration, status: Int)
        /// 302 to `location`.
        case redirect(String)
        /// `status` at once, then a body of one byte a second for `duration`: a receiver that
        /// trickles its answer.
        case trickle(status: Int, duration: Duration)
    }

    private let state = Mutex<(deliveries: [Delivery], script: [Answer], port: Int?)>(([], [], nil))

    public var port: Int { state.withLock { $0.port ?? 0 } }
    public var deliveries: [Delivery] { state.withLock { $0.deliveries } }
    /// The URL of `path` on this receiver.
    public func url(_ path: String = "/hook") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Answers the next POSTs with `answers`, in order.
    public func script(_ answers: [Answer]) {
        state.withLock { $0.script += answers }
    }

    /// Waits until `count` deliveries have arrived or `timeout` passes; the deliveries so far.
    public func waitFor(_ count: Int, timeout: Duration = .seconds(20), path: String? = nil) async throws -> [Delivery] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let received = deliveries.filter { path == nil || $0.path == path }
            if received.count >= count { return received }
            try await Task.sleep(for: .milliseconds(50))
        }
        return deliveries.filter { path == nil || $0.path == path }
    }

    private init() {}

    /// Runs `body` with a receiver listening on `port` (0: a free one), then stops it.
    public static func run<T: Sendable>(port: Int = 0, _ body: @Sendable (WebhookReceiver) async throws -> T) async throws -> T {
        let receiver = WebhookReceiver()
        let router = Router()
        router.post("**") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let answer = receiver.state.withLock { state -> Answer in
                state.deliveries.append(Delivery(path: request.uri.path, headers: headers, body: Array(buffer: bytes)))
                return state.script.isEmpty ? .status(200) : state.script.removeFirst()
            }
            switch answer {
            case .status(let code):
                return Response(status: HTTPResponse.Status(code: code))
            case .stall(let wait, let code):
                try await Task.sleep(for: wait)
                return Response(status: HTTPResponse.Status(code: code))
            case .redirect(let location):
                return Response(status: .found, headers: [.location: location])
            case .trickle(let code, let duration):
                return Response(
                    status: HTTPResponse.Status(code: code),
                    body: ResponseBody { writer in
                        let end = ContinuousClock.now + duration
                        while ContinuousClock.now < end {
                            try await writer.write(ByteBuffer(string: "."))
                            try await Task.sleep(for: .seconds(1))
                        }
                        try await writer.finish(nil)
                    })
            }
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in receiver.state.withLock { $0.port = channel.localAddress?.port } }, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.run()
                return nil
            }
            // Long: with every suite starting at once on two cores, binding took over 10 s.
            let deadline = ContinuousClock.now + .seconds(60)
            while receiver.state.withLock({ $0.port }) == nil {
                guard ContinuousClock.now < deadline else { throw ReceiverFailure() }
                try await Task.sleep(for: .milliseconds(10))
            }
            defer { group.cancelAll() }
            return try await body(receiver)
        }
    }

    struct ReceiverFailure: Error, CustomStringConvertible {
        var description: String { "the webhook receiver did not start listening within 60 s" }
    }
}
