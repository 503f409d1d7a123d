import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback port no one listens on, for a server that must know its port before it starts (an
/// OAuth issuer names it, a process is told it). Picked from 20000–32767, below Linux's
/// ephemeral range: a port from that range (bind to port 0) could be taken by any outgoing
/// connection of the suite, a PostgreSQL client's for instance, between this check and the
/// server's bind.
public enum FreePort {
    /// A free port, or `nil` after 100 taken ones. Never one this process handed out before: the
    /// suites run in parallel in one process, and a port checked free and released can be handed
    /// out again before its first taker binds it (two servers then raced for one port, and one
    /// exited with "Address already in use" in CI).
    public static func loopback() throws -> Int? {
        for _ in 0..<100 {
            let port = Int.random(in: 20_000..<32_768)
            guard handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            if isFree(port) { return port }
        }
        return nil
    }

    /// Every port this process has handed out (a test run hands out a few hundred of 12,768).
    private static let handedOut = Mutex<Set<Int>>([])

    private static func isFree(_ port: Int) -> Bool {
        #if os(Linux)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        return bound == 0
    }
}
