import ChastityTrackerDomain
import ChastityTrackerServices
import Hummingbird
import NIOCore

extension PasswordGate {
    /// The attempt a request makes at `account`'s password (``attempt(at:address:device:)``):
    /// with the device cookie it holds, from the client address `proxies` find for it.
    func attempt(at account: String, request: Request, peer: SocketAddress?, proxies: ProxyTrust) async throws -> (SignInGuard.Attempt, DeviceCookie?)
    {
        let device = try await devices.cookie(in: request)
        return attempt(at: account, address: proxies.throttleKey(of: request, peer: peer), device: device)
    }
}

extension DeviceCookieKeys {
    /// The device cookie `request` holds, when its signature is right.
    func cookie(in request: Request) async throws -> DeviceCookie? {
        try await cookie(value: request.cookies[AccountCookies.device]?.value)
    }
}
