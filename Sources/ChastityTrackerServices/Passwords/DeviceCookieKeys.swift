public import ChastityTrackerDomain
import Foundation
import Synchronization

/// The key device cookies are signed with, read from the store once (made there on first use,
/// so every instance shares it and it survives restarts).
public final class DeviceCookieKeys<Store: ServerKeyStore>: Sendable {
    private let store: Store
    private let loaded = Mutex<DeviceCookie.Key?>(nil)
    static var name: String { "device-cookie" }

    public init(store: Store) {
        self.store = store
    }

    /// The key; throws what the store throws, and ``CorruptRow`` for a stored key that is not one.
    public func key() async throws -> DeviceCookie.Key {
        if let key = loaded.withLock({ $0 }) { return key }
        let candidate = Data(DeviceCookie.Key.generateBytes()).base64EncodedString()
        let text = try await store.serverKey(named: Self.name, orStore: candidate)
        guard let bytes = Data(base64Encoded: text), bytes.count >= 32 else { throw CorruptRow(table: "server_keys") }
        let key = DeviceCookie.Key(Array(bytes))
        loaded.withLock { $0 = key }
        return key
    }

    /// The device cookie a cookie's `value` stands for, when its signature is right.
    public func cookie(value: String?) async throws -> DeviceCookie? {
        guard let value, !value.isEmpty else { return nil }
        return DeviceCookie(value: value, key: try await key())
    }
}
