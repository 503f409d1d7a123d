import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A plain TCP connection to a loopback port, for sending what no HTTP client would: broken
/// framing, half a request, a head one byte at a time. Reads never block the caller's thread
/// for long: they poll and sleep.
final class RawConnection: @unchecked Sendable {
    private let fd: Int32
    private(set) var received: [UInt8] = []
    /// Whether the server closed (or reset) the connection.
    private(set) var closedByServer = false

    init(port: Int) throws {
        #if os(Linux)
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ServerFailure("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw ServerFailure("connect() to port \(port) failed: errno \(errno)")
        }
    }

    deinit { close(fd) }

    /// Sends all of `bytes`; `false` when the server has closed the connection.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { buffer in
                #if os(Linux)
                    Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
                #else
                    Darwin.send(fd, buffer.baseAddress, buffer.count, 0)
                #endif
            }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Ends this side's sending (the server reads EOF) while still reading its answer.
    func shutdownWrite() {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// Reads what has arrived without waiting; notes a close or reset.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !closedByServer {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { return }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                received += buffer[..<count]
            } else {
                closedByServer = true
            }
        }
    }

    /// Forgets what has been received so far, to read the next response.
    func discardReceived() {
        received.removeAll()
    }

    /// Waits up to `limit` for the server to close the connection; whether it did.
    func waitForClose(within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            drain()
            if closedByServer { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Blocks the calling thread up to `limit` for one whole response; for ``onOwnThread(_:)``.
    func blockingResponse(within limit: Duration) -> RawResponse? {
        let deadline = ContinuousClock.now + limit
        while true {
            drain()
            if let response = RawResponse(parsing: received) { return response }
            let left = deadline - ContinuousClock.now
            if closedByServer || left <= .zero { return nil }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)))
        }
    }

    /// Runs `body` on a thread of its own, so that its pauses are kept even when the test
    /// process's concurrency pool is busy with other tests.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// Waits up to `limit` for one whole response (head and `Content-Length` body) and returns
    /// its status, head and body, or `nil` when none came.
    func response(within limit: Duration) async throws -> RawResponse? {
        let deadline = ContinuousClock.now + limit
        while true {
            drain()
            if let response = RawResponse(parsing: received) { return response }
            if closedByServer || ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// One HTTP/1.1 response as the bytes came off the wire.
struct RawResponse {
    var status: Int
    var head: String
    var body: String
    /// Bytes after this response (another response, when there should be none).
    var rest: [UInt8]

    init?(parsing bytes: [UInt8]) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else { return nil }
        head = String(decoding: bytes[..<end], as: UTF8.self)
        let statusLine = head.prefix { $0 != "\r" }.split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        self.status = status
        let length =
            head.lowercased().split(separator: "\r\n")
            .first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        let bodyStart = end + 4
        guard bytes.count >= bodyStart + length else { return nil }
        body = String(decoding: bytes[bodyStart..<bodyStart + length], as: UTF8.self)
        rest = Array(bytes[(bodyStart + length)...])
    }

    /// The envelope's `error.code`, when the body is an error envelope.
    var errorCode: String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else { return nil }
        return error["code"] as? String
    }
}
