import Foundation
import Hummingbird
import NIOCore
import NIOPosix

/// The framework's own ceiling for bench/run (issue 24): Hummingbird, the same version as the
/// server, with no middleware, answering `GET /list` and `GET /details` with the exact bytes of
/// the server's list and details answers, held in memory. Swift Concurrency runs on the event
/// loops as in `chastity-tracker serve`, so the two differ only by what the server does per
/// request.
///
///     hummingbird-ceiling PORT LIST_FILE DETAILS_FILE
@main
struct HummingbirdCeiling {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 4, let port = Int(arguments[1]) else {
            FileHandle.standardError.write(Data("usage: hummingbird-ceiling PORT LIST_FILE DETAILS_FILE\n".utf8))
            exit(64)
        }
        let list = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: arguments[2])))
        let details = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: arguments[3])))
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let router = Router()
        let headers: HTTPFields = [.contentType: "application/json"]
        router.get("list") { _, _ in Response(status: .ok, headers: headers, body: .init(byteBuffer: list)) }
        router.get("details") { _, _ in Response(status: .ok, headers: headers, body: .init(byteBuffer: details)) }
        router.get("healthz") { _, _ in HTTPResponse.Status.ok }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
