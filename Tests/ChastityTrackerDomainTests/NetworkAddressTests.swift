import ChastityTrackerDomain
import Testing

/// IP addresses and blocks as the throttles and the trusted-proxy check read them.
@Suite struct NetworkAddressTests {
    @Test(
        "valid addresses parse to their canonical text",
        arguments: [
            ("192.0.2.1", "192.0.2.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"), ("::ffff:192.0.2.1", "192.0.2.1"),
            ("::FFFF:c000:0201", "192.0.2.1"), ("::1", "::1"), ("[::1]", "::1"), ("2001:DB8::1", "2001:db8::1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("fe80::1%eth0", "fe80::1"), ("::", "::"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
            ("::192.0.2.1", "::c000:201"), ("1:2:3:4:5:6:192.0.2.1", "1:2:3:4:5:6:c000:201"),
        ])
    func parses(text: String, canonical: String) throws {
        #expect(try #require(IPAddress(text)).description == canonical)
    }

    @Test(
        "anything else is no address",
        arguments: [
            "", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01234.0.0.1", "+1.2.3.4", "1.2.3.-4", " 1.2.3.4", "1::2::3", ":::", "1:2:3:4:5:6:7:8:9",
            "12345::", "g::1", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "localhost", "127.0.0.1.nip.io", "::+1",
        ])
    func refuses(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test(
        "throttles count IPv4 (and IPv4-mapped IPv6) per address and IPv6 per /64",
        arguments: [
            ("192.0.2.1", "192.0.2.1"), ("::ffff:192.0.2.1", "192.0.2.1"), ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
            ("2001:db8:1:2::ffff", "2001:db8:1:2::/64"), ("::1", "::/64"),
        ])
    func throttleKeys(text: String, key: String) throws {
        #expect(try #require(IPAddress(text)).throttleKey == key)
    }

    @Test("blocks hold the addresses under their prefix; IPv4 blocks hold the IPv4-mapped forms too")
    func blocks() throws {
        let loopback = try #require(IPNetwork("127.0.0.0/8"))
        #expect(loopback.contains(try #require(IPAddress("127.1.2.3"))))
        #expect(loopback.contains(try #require(IPAddress("::ffff:127.0.0.1"))))
        #expect(!loopback.contains(try #require(IPAddress("128.0.0.1"))))
        #expect(!loopback.contains(try #require(IPAddress("::1"))))
        let mapped = try #require(IPNetwork("::ffff:127.0.0.0/104"))
        #expect(mapped.contains(try #require(IPAddress("127.0.0.1"))))
        let v6 = try #require(IPNetwork("2001:db8::/32"))
        #expect(v6.contains(try #require(IPAddress("2001:db8:ffff::1"))))
        #expect(!v6.contains(try #require(IPAddress("2001:db9::1"))))
        let one = try #require(IPNetwork("10.0.0.1"))
        #expect(one.contains(try #require(IPAddress("10.0.0.1"))))
        #expect(!one.contains(try #require(IPAddress("10.0.0.2"))))
        #expect(IPNetwork.loopback.contains { $0.contains(IPAddress("::1")!) })
    }

    @Test(
        "malformed blocks are refused", arguments: ["10.0.0.0/33", "::/129", "10.0.0.1/8", "10.0.0.0/", "10.0.0.0/-1", "/8", "10.0.0.0/8/8", "x/8"])
    func refusesBlocks(text: String) {
        #expect(IPNetwork(text) == nil)
    }

    @Test("--trusted-proxy and CT_TRUSTED_PROXIES set the trusted blocks; a bad one is one line naming the flag")
    func trustedProxiesFlag() throws {
        #expect(try Configuration(flags: .init(), environment: [:]).trustedProxies == IPNetwork.loopback)
        var flags = Configuration.Flags()
        flags.trustedProxies = ["10.0.0.0/8", "fd00::/8"]
        #expect(
            try Configuration(flags: flags, environment: ["CT_TRUSTED_PROXIES": "192.0.2.1"]).trustedProxies.map(\.description) == [
                "10.0.0.0/8", "fd00::/8",
            ])
        #expect(
            try Configuration(flags: .init(), environment: ["CT_TRUSTED_PROXIES": "192.0.2.1, 198.51.100.0/24"]).trustedProxies.map(\.description)
                == [
                    "192.0.2.1", "198.51.100.0/24",
                ])
        flags.trustedProxies = ["10.0.0.1/8"]
        #expect(throws: ConfigurationError("--trusted-proxy must be an IP address or a block such as 10.0.0.0/8 or fd00::/8, not '10.0.0.1/8'")) {
            try Configuration(flags: flags, environment: [:])
        }
    }

    @Test("--password-checks and --sign-in-failures-per-minute take whole numbers within their bounds")
    func passwordFlags() throws {
        var flags = Configuration.Flags()
        flags.passwordChecks = "3"
        flags.signInFailuresPerMinute = "0"
        let configuration = try Configuration(flags: flags, environment: [:])
        #expect(configuration.passwordChecks == 3)
        #expect(configuration.signInFailuresPerMinute == 0)
        #expect(try Configuration(flags: .init(), environment: [:]).signInFailuresPerMinute == 60)
        #expect(try Configuration(flags: .init(), environment: [:]).passwordChecks >= 1)
        flags.passwordChecks = "0"
        #expect(throws: ConfigurationError("--password-checks must be a whole number of checks at once, 1 or more, not '0'")) {
            try Configuration(flags: flags, environment: [:])
        }
    }
}

/// User names are bounded in bytes as well as characters.
@Suite struct UserNameBytesTests {
    @Test("a name of at most 64 characters but more than 256 bytes is refused")
    func bytes() throws {
        let jamo = "a" + String(repeating: "\u{1100}", count: 200)
        #expect(jamo.count <= 64)
        #expect(throws: ValidationError.self) { try User.validate(name: jamo) }
        try User.validate(name: String(repeating: "ä", count: 64))
    }
}
