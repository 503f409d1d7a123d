import ChastityTrackerDomain
import Testing

/// Webhook URLs as a person registers them, and the addresses a webhook may never reach.
@Suite struct WebhookTargetTests {
    @Test(
        "public https URLs are accepted and normalised",
        arguments: [
            ("https://example.com/hook", "https://example.com/hook", "example.com", 443),
            ("https://EXAMPLE.com:8443/a?b=c", "https://example.com:8443/a?b=c", "example.com", 8443),
            ("HTTPS://Hooks.Example.COM.", "https://hooks.example.com/", "hooks.example.com", 443),
            ("https://example.com:443?x=1", "https://example.com/?x=1", "example.com", 443),
            ("  https://example.com/a%20b  ", "https://example.com/a%20b", "example.com", 443),
            ("https://8.8.8.8/", "https://8.8.8.8/", "8.8.8.8", 443),
            ("https://[2606:4700::1111]/", "https://[2606:4700::1111]/", "2606:4700::1111", 443),
            ("https://[2606:4700:0:0:0:0:0:1111]:8443/x", "https://[2606:4700::1111]:8443/x", "2606:4700::1111", 8443),
            ("https://[::ffff:8.8.8.8]/", "https://8.8.8.8/", "8.8.8.8", 443),
            ("https://1password.com/", "https://1password.com/", "1password.com", 443),
        ])
    func accepts(text: String, normalised: String, host: String, port: Int) throws {
        let url = try WebhookURL(text, allowPrivate: false)
        #expect(url.text == normalised)
        #expect(url.host == host)
        #expect(url.port == port)
        #expect(url.scheme == "https")
    }

    @Test("an IP literal is kept as the address to connect to; a name is not")
    func ipLiteral() throws {
        #expect(try WebhookURL("https://8.8.8.8/", allowPrivate: false).ipLiteral == IPAddress("8.8.8.8"))
        #expect(try WebhookURL("https://[2606:4700::1111]/", allowPrivate: false).ipLiteral == IPAddress("2606:4700::1111"))
        #expect(try WebhookURL("https://example.com/", allowPrivate: false).ipLiteral == nil)
        #expect(try WebhookURL("https://example.com/x?y", allowPrivate: false).pathAndQuery == "/x?y")
    }

    @Test(
        "URLs that could reach this server or a private network are refused without allowPrivate",
        arguments: [
            ("http://example.com/", WebhookURLError.notHTTPS),
            ("https://127.0.0.1/", .privateAddress(IPAddress("127.0.0.1")!)),
            ("https://localhost/", .localhost),
            ("https://LOCALHOST./", .localhost),
            ("https://api.localhost/", .localhost),
            ("https://10.1.2.3/", .privateAddress(IPAddress("10.1.2.3")!)),
            ("https://[::1]/", .privateAddress(IPAddress("::1")!)),
            ("https://169.254.169.254/", .privateAddress(IPAddress("169.254.169.254")!)),
            ("https://[::ffff:127.0.0.1]/", .privateAddress(IPAddress("127.0.0.1")!)),
            ("https://[64:ff9b::a9fe:a9fe]/", .privateAddress(IPAddress("64:ff9b::a9fe:a9fe")!)),
            ("https://[fd00::1]/", .privateAddress(IPAddress("fd00::1")!)),
            ("https://100.64.0.1/", .privateAddress(IPAddress("100.64.0.1")!)),
            ("https://0.0.0.0/", .privateAddress(IPAddress("0.0.0.0")!)),
            ("https://[::]/", .privateAddress(IPAddress("::")!)),
            ("https://224.0.0.1/", .privateAddress(IPAddress("224.0.0.1")!)),
            ("https://2130706433/", .numericHost),
            ("https://0x7f.0.0.1/", .numericHost),
            ("https://0x7f.1/", .numericHost),
            ("https://0177.0.0.1/", .numericHost),
            ("https://127.1/", .numericHost),
            ("https://example.0x7f/", .numericHost),
            ("https://user:pw@example.com/", .credentials),
            ("https://example.com@127.0.0.1/", .credentials),
            ("https://intranet/", .unqualifiedHost),
        ])
    func refusesPrivate(text: String, error: WebhookURLError) {
        #expect(throws: error) { try WebhookURL(text, allowPrivate: false) }
    }

    @Test(
        "malformed or ambiguous URLs are refused, with or without allowPrivate",
        arguments: [
            ("", WebhookURLError.malformed),
            ("example.com/hook", .notHTTPS),
            ("ftp://example.com/", .notHTTPS),
            ("https:example.com", .notHTTPS),
            ("https://", .missingHost),
            ("https:///path", .missingHost),
            ("https://:443/", .missingHost),
            ("https://example.com/#top", .fragment),
            ("https://example.com:0/", .invalidPort),
            ("https://example.com:65536/", .invalidPort),
            ("https://example.com:/", .invalidPort),
            ("https://example.com:8a/", .invalidPort),
            ("https://exa mple.com/", .invalidCharacters),
            ("https://exämple.com/", .invalidCharacters),
            ("https://example.com\\@127.0.0.1/", .invalidCharacters),
            ("https://example.com/a[1]", .invalidCharacters),
            ("https://example.com/%zz", .malformed),
            ("https://example.com/%4", .malformed),
            ("https://%31%32%37.0.0.1/", .invalidHost),
            ("https://exa_mple.com/", .invalidHost),
            ("https://-example.com/", .invalidHost),
            ("https://example..com/", .invalidHost),
            ("https://2001:db8::1/", .invalidHost),
            ("https://[1.2.3.4]/", .invalidHost),
            ("https://[fe80::1%25eth0]/", .invalidHost),
            ("https://[::1/", .invalidHost),
            ("https://[::1]x/", .invalidHost),
            ("https://\(String(repeating: "a", count: 64)).com/", .invalidHost),
            ("https://example.com/\(String(repeating: "a", count: 2048))", .tooLong),
        ])
    func refusesMalformed(text: String, error: WebhookURLError) {
        #expect(throws: error) { try WebhookURL(text, allowPrivate: false) }
        #expect(throws: error) { try WebhookURL(text, allowPrivate: true) }
    }

    @Test("with allowPrivate, http, localhost and private literals are accepted")
    func allowPrivate() throws {
        let local = try WebhookURL("http://127.0.0.1:8080/x", allowPrivate: true)
        #expect(local.text == "http://127.0.0.1:8080/x")
        #expect(local.scheme == "http")
        #expect(local.port == 8080)
        #expect(local.ipLiteral == IPAddress("127.0.0.1"))
        let name = try WebhookURL("https://localhost/", allowPrivate: true)
        #expect(name.host == "localhost")
        #expect(name.ipLiteral == nil)
        #expect(try WebhookURL("http://localhost/", allowPrivate: true).port == 80)
        #expect(try WebhookURL("https://[::1]:9000/", allowPrivate: true).text == "https://[::1]:9000/")
        #expect(try WebhookURL("http://receiver/", allowPrivate: true).host == "receiver")
    }

    @Test("the longest URL accepted is 2048 bytes")
    func length() throws {
        let prefix = "https://example.com/"
        let longest = prefix + String(repeating: "a", count: WebhookURL.maximumLength - prefix.utf8.count)
        #expect(try WebhookURL(longest, allowPrivate: false).text == longest)
        #expect(throws: WebhookURLError.tooLong) { try WebhookURL(longest + "a", allowPrivate: false) }
    }

    @Test(
        "public unicast addresses have no block reason",
        arguments: [
            "8.8.8.8", "1.1.1.1", "93.184.216.34", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0", "192.0.1.1", "192.169.0.1",
            "198.17.255.255", "198.20.0.0", "223.255.255.255", "2606:4700::1111", "2001:4860:4860::8888", "2a00:1450::1",
            "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8",
        ])
    func publicAddresses(text: String) throws {
        #expect(try #require(IPAddress(text)).webhookBlockReason == nil)
    }

    @Test(
        "special-purpose addresses are blocked, each with its reason",
        arguments: [
            ("0.0.0.0", "an unspecified (\"this network\") address"),
            ("0.255.255.255", "an unspecified (\"this network\") address"),
            ("10.0.0.1", "a private address (RFC 1918)"),
            ("100.64.0.1", "a carrier-grade NAT address (RFC 6598)"),
            ("100.127.255.255", "a carrier-grade NAT address (RFC 6598)"),
            ("127.0.0.1", "a loopback address"),
            ("127.255.255.254", "a loopback address"),
            ("169.254.169.254", "a link-local address (where cloud metadata services answer)"),
            ("172.16.0.1", "a private address (RFC 1918)"),
            ("172.31.255.255", "a private address (RFC 1918)"),
            ("192.0.0.8", "an IETF protocol address"),
            ("192.0.2.1", "a documentation address"),
            ("192.88.99.1", "a 6to4 relay address"),
            ("192.168.1.1", "a private address (RFC 1918)"),
            ("198.18.0.1", "a benchmarking address"),
            ("198.19.255.255", "a benchmarking address"),
            ("198.51.100.7", "a documentation address"),
            ("203.0.113.9", "a documentation address"),
            ("224.0.0.1", "a multicast address"),
            ("239.255.255.250", "a multicast address"),
            ("240.0.0.1", "a reserved address"),
            ("255.255.255.255", "the broadcast address"),
            ("::ffff:10.0.0.1", "a private address (RFC 1918)"),
            ("::", "the unspecified address"),
            ("::1", "a loopback address"),
            ("::7f00:1", "an IPv4-compatible address (deprecated)"),
            ("::ffff:0:808:808", "an IPv4-translated address"),
            ("64:ff9b::7f00:1", "a NAT64 address for 127.0.0.1, a loopback address"),
            ("64:ff9b::a9fe:a9fe", "a NAT64 address for 169.254.169.254, a link-local address (where cloud metadata services answer)"),
            ("64:ff9b:1::808:808", "a local-use NAT64 address"),
            ("2002:a00:1::1", "a 6to4 address for 10.0.0.1, a private address (RFC 1918)"),
            ("2002:7f00:1::", "a 6to4 address for 127.0.0.1, a loopback address"),
            ("100::1", "a discard address"),
            ("2001::1", "a Teredo address"),
            ("2001:2::1", "an IETF protocol address"),
            ("2001:db8::1", "a documentation address"),
            ("3fff::1", "a documentation address"),
            ("5f00::1", "a segment routing address"),
            ("fc00::1", "a unique local address"),
            ("fd12:3456::1", "a unique local address"),
            ("fe80::1", "a link-local address"),
            ("febf::1", "a link-local address"),
            ("fec0::1", "a site-local address (deprecated)"),
            ("ff02::1", "a multicast address"),
            ("1::1", "a reserved IPv6 address"),
            ("4000::1", "a reserved IPv6 address"),
        ])
    func blockedAddresses(text: String, reason: String) throws {
        #expect(try #require(IPAddress(text)).webhookBlockReason == reason)
    }

    @Test("an error's message is one line naming a literal address and why; a name's answers are never shown, nor whether it has any")
    func messages() throws {
        let error = WebhookURLError.privateAddress(try #require(IPAddress("10.0.0.1")))
        #expect(error.message == "10.0.0.1 is a private address (RFC 1918); a webhook must reach a public address.")
        let resolved = WebhookURLError.resolvesToPrivateAddress(host: "evil.example", address: try #require(IPAddress("127.0.0.1")))
        #expect(
            resolved.message == "evil.example does not lead to public addresses only; check the name (a webhook must reach a public host).")
        #expect(WebhookURLError.unresolvable(host: "evil.example").message == resolved.message)
        #expect(WebhookURLError.notHTTPS.message == "The URL must start with https://.")
        #expect(!WebhookURLError.invalidCharacters.message.contains("\n"))
    }
}
