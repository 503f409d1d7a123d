public import ChastityTrackerDomain
import NIOPosix
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the address a webhook delivery connects to, and refuses the delivery when the URL's host
/// leads anywhere but the public internet (server-side request forgery). The check happens at
/// every delivery, not only at registration, because a name's DNS answers change; the caller
/// connects to the address returned instead of looking the name up again, so that a second answer
/// (DNS rebinding) cannot swap a private address in after the check.
public struct WebhookResolver: Sendable {
    /// How long a lookup may take before the delivery gives up on it, so that a slow or silent
    /// name server (one an attacker may run for their own name) cannot hold a delivery.
    public let timeout: Duration
    private let lookup: @Sendable (String) async -> [IPAddress]?

    /// A resolver that asks the system (`getaddrinfo`, so `/etc/hosts` and the configured name
    /// servers) on `pool`'s threads, never on Swift's cooperative threads or NIO's event loops,
    /// since `getaddrinfo` blocks (deliveries' pool by default).
    public init(timeout: Duration = .seconds(5), pool: WebhookLookupPool = .deliveries) {
        self.init(timeout: timeout) { host in await pool.lookUp(host) }
    }

    /// A resolver whose answers come from `lookup` (the host's addresses, none when it has none,
    /// `nil` when it cannot look now): for tests, which need answers no real name gives (one
    /// public and one private address).
    public init(timeout: Duration, lookup: @escaping @Sendable (String) async -> [IPAddress]?) {
        self.timeout = timeout
        self.lookup = lookup
    }

    /// The address to connect to for `url`: its IP literal, or the first address its host
    /// resolves to.
    ///
    /// Unless `allowPrivate`, the URL is first checked again as a ``WebhookURL`` that does not
    /// allow private targets (it may have been parsed with a laxer setting), and a host name is
    /// refused when any of its addresses is not a public unicast address: a name that answers
    /// with one public and one private address would otherwise reach the private one whenever
    /// the client picked it.
    ///
    /// - Throws: ``WebhookURLError/resolvesToPrivateAddress(host:address:)`` for a name with a
    ///   private address, ``WebhookURLError/unresolvable(host:)`` for a name without addresses,
    ///   ``WebhookURLError/lookupTimedOut(host:)`` after ``timeout``, or the error of the URL's
    ///   own check.
    public func address(of url: WebhookURL, allowPrivate: Bool) async throws(WebhookURLError) -> IPAddress {
        if !allowPrivate { _ = try WebhookURL(url.text, allowPrivate: false) }
        if let literal = url.ipLiteral { return literal }
        guard let answer = await Self.withDeadline(timeout, { [lookup] in await lookup(url.host) }), let addresses = answer else {
            throw .lookupTimedOut(host: url.host)
        }
        guard let first = addresses.first else { throw .unresolvable(host: url.host) }
        if !allowPrivate, let blocked = addresses.first(where: { $0.webhookBlockReason != nil }) {
            throw .resolvesToPrivateAddress(host: url.host, address: blocked)
        }
        return first
    }

    /// The result of `work`, or `nil` when it has not finished within `timeout`. `work` is not
    /// waited for past that (a blocked `getaddrinfo` cannot be cancelled; it finishes on its own
    /// thread and its answer is dropped).
    private static func withDeadline<T: Sendable>(_ timeout: Duration, _ work: @escaping @Sendable () async -> T) async -> T? {
        await withCheckedContinuation { continuation in
            let once = Once(continuation)
            let timer = Task {
                try? await Task.sleep(for: timeout)
                once.resume(with: nil)
            }
            Task {
                once.resume(with: await work())
                timer.cancel()
            }
        }
    }

    /// A continuation resumed by whichever of the work and the timer finishes first.
    private final class Once<T: Sendable>: Sendable {
        private let continuation: Mutex<CheckedContinuation<T?, Never>?>

        init(_ continuation: CheckedContinuation<T?, Never>) {
            self.continuation = Mutex(continuation)
        }

        func resume(with value: T?) {
            continuation.withLock { $0.take() }?.resume(returning: value)
        }
    }

    /// Every address `getaddrinfo` gives for `host` (any family, stream sockets), in its order
    /// and without repeats; none when the lookup fails.
    static func systemLookup(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var cursor = list
        while let entry = cursor {
            if let address = ipAddress(entry.pointee), !addresses.contains(address) { addresses.append(address) }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    /// The address of one `getaddrinfo` answer, from the bytes of its `sockaddr_in` or
    /// `sockaddr_in6` (network order); `nil` for another family.
    private static func ipAddress(_ entry: addrinfo) -> IPAddress? {
        guard let socketAddress = entry.ai_addr else { return nil }
        switch entry.ai_family {
        case AF_INET:
            let bytes = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) } }
            return IPAddress(bytes.map(String.init).joined(separator: "."))
        case AF_INET6:
            let bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }
            }
            let groups = (0..<8).map { String(UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]), radix: 16) }
            return IPAddress(groups.joined(separator: ":"))
        default:
            return nil
        }
    }
}

/// Threads of their own for the blocking name lookups of webhooks, with a bound on the lookups
/// waiting for them or running (a lookup past its deadline keeps its thread until `getaddrinfo`
/// gives up, so the bound counts it until then). Deliveries and registrations (the page, the
/// command line) have a pool each, so that a flood of additions naming a silent name server
/// cannot starve the deliveries' lookups.
public final class WebhookLookupPool: Sendable {
    private let threads: NIOThreadPool
    private let limit: Int
    private let busy = Mutex(0)

    /// `threads` lookups at once, `limit` in all (running and waiting); the threads start now.
    public init(threads: Int, limit: Int) {
        let pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        self.threads = pool
        self.limit = limit
    }

    /// The deliveries' lookups.
    public static let deliveries = WebhookLookupPool(threads: 4, limit: 64)
    /// The lookups of a webhook being added.
    public static let registrations = WebhookLookupPool(threads: 2, limit: 16)

    /// The addresses of `host`, or `nil` when the pool has `limit` lookups already.
    func lookUp(_ host: String) async -> [IPAddress]? {
        let admitted = busy.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard admitted else { return nil }
        defer { busy.withLock { $0 -= 1 } }
        return (try? await threads.runIfActive { WebhookResolver.systemLookup(host) }) ?? []
    }
}
