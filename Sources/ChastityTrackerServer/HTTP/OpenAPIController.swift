public import ChastityTrackerDomain
public import Hummingbird
public import HTTPTypes
import NIOCore

/// `GET /api/v2/openapi.json`: the machine-readable description of this API. It is served as the
/// plain OpenAPI document, not inside the envelope, so that OpenAPI tools can read it.
public struct OpenAPIController: Sendable {
    static let path = "/api/v2/openapi.json"

    public init() {}

    public func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(Self.path)) { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: Envelope.contentType, .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json))
            )
        }
        router.on(RouterPath(Self.path), method: .options) { _, _ in
            Response(status: .noContent, headers: [.allow: "GET, HEAD, OPTIONS"])
        }
    }
}
