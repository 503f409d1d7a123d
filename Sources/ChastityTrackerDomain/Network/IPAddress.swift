/// An IPv4 or IPv6 address, parsed strictly from its text. IPv4 is kept in its IPv4-mapped IPv6
/// form (`::ffff:a.b.c.d`), so `127.0.0.1` and `::ffff:127.0.0.1`, which a server bound to `::`
/// sees for the same IPv4 peer, are one address.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address's 16 bytes, network order.
    public let bytes: [UInt8]

    /// Parses dotted IPv4 (`192.0.2.1`: four decimal octets, no leading `+`, at most three
    /// digits each) or IPv6 (`2001:db8::1`, with `::` and an embedded IPv4 tail, brackets and a
    /// `%zone` allowed); `nil` for anything else.
    public init?(_ text: some StringProtocol) {
        var address = Substring(text)
        if address.hasPrefix("["), address.hasSuffix("]") { address = address.dropFirst().dropLast() }
        if let zone = address.firstIndex(of: "%") { address = address[..<zone] }
        if let v4 = Self.ipv4(address) {
            bytes = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] + v4
        } else if let v6 = Self.ipv6(address) {
            bytes = v6
        } else {
            return nil
        }
    }

    /// Whether this is an IPv4 address (or IPv4-mapped IPv6, which is the same).
    public var isIPv4: Bool { bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff }

    /// The text a person reads: dotted for IPv4, else the eight groups in hexadecimal (the
    /// longest run of zero groups shortened to `::`).
    public var description: String {
        if isIPv4 { return bytes[12...].map(String.init).joined(separator: ".") }
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        var best: Range<Int>?
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > 1, end - index > (best?.count ?? 0) { best = index..<end }
            index = end
        }
        func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
        guard let best else { return hex(0..<8) }
        return hex(0..<best.lowerBound) + "::" + hex(best.upperBound..<8)
    }

    /// What throttles count this address as: IPv4 per address (/32), IPv6 per /64, the block a
    /// single subscriber is usually given, so that one client cannot walk through its own
    /// addresses to escape a throttle.
    public var throttleKey: String {
        if isIPv4 { return description }
        return IPAddress(unchecked: Array(bytes[0..<8]) + Array(repeating: 0, count: 8)).description + "/64"
    }

    private init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    private static func ipv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let value = UInt8(part)
            else { return nil }
            octets.append(value)
        }
        return octets
    }

    private static func ipv6(_ text: Substring) -> [UInt8]? {
        guard text.contains(":") else { return nil }
        // An embedded IPv4 tail (`::ffff:192.0.2.1`) stands for the last two groups.
        var head = text
        var tail: [UInt8] = []
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = ipv4(text[text.index(after: lastColon)...]) else { return nil }
            tail = v4
            head = text[...lastColon]
            // `::192.0.2.1` leaves `::`; `1::192.0.2.1` leaves `1::`; `1:2:3:4:5:6:192.0.2.1` leaves `1:2:3:4:5:6:`.
            if !head.hasSuffix("::") { head = head.dropLast() }
        }
        func groups(_ part: Substring) -> [UInt8]? {
            if part.isEmpty { return [] }
            var result: [UInt8] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16),
                    group.utf8.allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") })
                else { return nil }
                result += [UInt8(value >> 8), UInt8(value & 0xff)]
            }
            return result
        }
        let wanted = 16 - tail.count
        let halves = head.split(separator: "::", maxSplits: 2, omittingEmptySubsequences: false)
        switch halves.count {
        case 1:
            guard let all = groups(halves[0]), all.count == wanted else { return nil }
            return all + tail
        case 2:
            guard let left = groups(halves[0]), let right = groups(halves[1]), left.count + right.count < wanted else { return nil }
            return left + Array(repeating: 0, count: wanted - left.count - right.count) + right + tail
        default:
            return nil
        }
    }
}

/// A block of addresses written `address/prefix` (`10.0.0.0/8`, `2001:db8::/32`), or one address
/// alone (a /32 for IPv4, a /128 for IPv6). IPv4 blocks are IPv4-mapped, so `127.0.0.0/8` holds
/// `::ffff:127.0.0.1` too.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    /// The prefix length in the 128-bit space (an IPv4 /8 is 104).
    public let prefixLength: Int
    public let description: String

    /// Parses `address/prefix` or an address alone; `nil` when either part is not valid (a prefix
    /// beyond 32 for IPv4 or 128 for IPv6, or bits set past the prefix, which usually mean a typo).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPAddress(parts[0]) else { return nil }
        let width = address.isIPv4 && !parts[0].contains(":") ? 32 : 128
        var length = width
        if parts.count == 2 {
            guard (1...3).contains(parts[1].count), parts[1].allSatisfy({ ("0"..."9").contains($0) }), let value = Int(parts[1]), value <= width
            else {
                return nil
            }
            length = value
        }
        self.prefixLength = 128 - width + length
        self.address = address
        guard Self.masked(address.bytes, prefixLength) == address.bytes else { return nil }
        self.description = String(text)
    }

    /// Whether `other` lies in this block.
    public func contains(_ other: IPAddress) -> Bool {
        Self.masked(other.bytes, prefixLength) == address.bytes
    }

    private static func masked(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = min(max(length - index * 8, 0), 8)
            return bits == 8 ? byte : byte & ~(0xff >> UInt8(bits))
        }
    }

    /// The loopback blocks, `127.0.0.0/8` (which holds `::ffff:127.0.0.0/104` as well) and `::1`:
    /// the proxies trusted unless told otherwise.
    public static let loopback: [IPNetwork] = [IPNetwork("127.0.0.0/8")!, IPNetwork("::1")!]
}
