import ChastityTrackerDomain
import Testing

/// The device cookie: signed, bound to one account, and nothing when tampered with.
@Suite struct DeviceCookieTests {
    let key = DeviceCookie.Key(DeviceCookie.Key.generateBytes())

    @Test("a cookie's value reads back under its key as the same account and nonce")
    func roundTrip() throws {
        let cookie = DeviceCookie.issue(for: "ålice@example")
        let read = try #require(DeviceCookie(value: cookie.value(signedWith: key), key: key))
        #expect(read == cookie)
        #expect(read.failureKey == "ålice@example/device/\(cookie.nonce)")
        #expect(DeviceCookie.issue(for: "ålice@example").nonce != cookie.nonce)
    }

    @Test("another key, a changed name, nonce or signature, or a malformed value is no cookie")
    func tampering() throws {
        let value = DeviceCookie.issue(for: "alice").value(signedWith: key)
        #expect(DeviceCookie(value: value, key: DeviceCookie.Key(DeviceCookie.Key.generateBytes())) == nil)
        let parts = value.split(separator: ".").map(String.init)
        let other = DeviceCookie.issue(for: "mallory").value(signedWith: key).split(separator: ".").map(String.init)
        for forged in [
            [other[0], parts[1], parts[2]], [parts[0], other[1], parts[2]], [parts[0], parts[1], other[2]], [parts[0], parts[1]],
            [parts[0], parts[1], parts[2], ""], [parts[0] + "=", parts[1], parts[2]],
        ] {
            #expect(DeviceCookie(value: forged.joined(separator: "."), key: key) == nil)
        }
        #expect(DeviceCookie(value: "", key: key) == nil)
        #expect(DeviceCookie(value: String(repeating: "A", count: 600), key: key) == nil)
    }
}
