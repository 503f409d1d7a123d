import Foundation

extension IPAddress {
    /// Why a webhook may not be delivered to this address (`a loopback address`, `a private
    /// address (RFC 1918)`, …), or `nil` for a public unicast address. An IPv6 address that
    /// carries an IPv4 address (IPv4-mapped, NAT64's `64:ff9b::/96`, 6to4's `2002::/16`) is judged
    /// by the IPv4 address it reaches. Every IPv6 address outside `2000::/3`, the only block IANA
    /// allocates for global unicast, is refused.
    public var webhookBlockReason: String? {
        if isIPv4 { return firstReason(in: Self.ipv4Blocks) }
        let isNAT64 = bytes[0..<12].elementsEqual([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])
        if isNAT64, let embedded = Self.ipv4(bytes[12..<16]), let reason = embedded.webhookBlockReason {
            return "a NAT64 address for \(embedded), \(reason)"
        }
        if bytes[0] == 0x20, bytes[1] == 0x02, let embedded = Self.ipv4(bytes[2..<6]), let reason = embedded.webhookBlockReason {
            return "a 6to4 address for \(embedded), \(reason)"
        }
        if let reason = firstReason(in: Self.ipv6Blocks) { return reason }
        // 2000::/3 is the only block IANA allocates for global unicast; everything else is reserved.
        if isNAT64 || bytes[0] & 0xe0 == 0x20 { return nil }
        return "a reserved IPv6 address"
    }

    private func firstReason(in blocks: [(IPNetwork, String)]) -> String? {
        blocks.first { $0.0.contains(self) }?.1
    }

    private static func ipv4(_ octets: ArraySlice<UInt8>) -> IPAddress? {
        IPAddress(octets.map(String.init).joined(separator: "."))
    }

    /// The IANA special-purpose blocks (RFC 6890 and its updates), most specific first where they
    /// nest. The tests name an address in each, so a block whose text failed to parse (and so
    /// were dropped here) would fail them.
    private static let ipv4Blocks = blocks([
        ("0.0.0.0/8", "an unspecified (\"this network\") address"),
        ("10.0.0.0/8", "a private address (RFC 1918)"),
        ("100.64.0.0/10", "a carrier-grade NAT address (RFC 6598)"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address (where cloud metadata services answer)"),
        ("172.16.0.0/12", "a private address (RFC 1918)"),
        ("192.0.0.0/24", "an IETF protocol address"),
        ("192.0.2.0/24", "a documentation address"),
        ("192.88.99.0/24", "a 6to4 relay address"),
        ("192.168.0.0/16", "a private address (RFC 1918)"),
        ("198.18.0.0/15", "a benchmarking address"),
        ("198.51.100.0/24", "a documentation address"),
        ("203.0.113.0/24", "a documentation address"),
        ("224.0.0.0/4", "a multicast address"),
        ("255.255.255.255", "the broadcast address"),
        ("240.0.0.0/4", "a reserved address"),
    ])

    private static let ipv6Blocks = blocks([
        ("::/128", "the unspecified address"),
        ("::1/128", "a loopback address"),
        ("::/96", "an IPv4-compatible address (deprecated)"),
        ("::ffff:0:0:0/96", "an IPv4-translated address"),
        ("64:ff9b:1::/48", "a local-use NAT64 address"),
        ("100::/64", "a discard address"),
        ("2001::/32", "a Teredo address"),
        ("2001::/23", "an IETF protocol address"),
        ("2001:db8::/32", "a documentation address"),
        ("3fff::/20", "a documentation address"),
        ("5f00::/16", "a segment routing address"),
        ("fc00::/7", "a unique local address"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address (deprecated)"),
        ("ff00::/8", "a multicast address"),
    ])

    private static func blocks(_ table: [(String, String)]) -> [(IPNetwork, String)] {
        table.compactMap { text, reason in IPNetwork(text).map { ($0, reason) } }
    }
}
