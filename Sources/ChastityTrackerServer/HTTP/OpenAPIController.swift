import ChastityTrackerDomain
import HTTPTypes
public import Hummingbird
import NIOCore

/// `GET /api/v2/openapi.json`: the machine-readable description of this API. It is served as the
/// plain OpenAPI document, not inside the envelope, so that OpenAPI tools can read it.
public struct OpenAPIController: Sendable {
    /// The bytes of `Resources/openapi.json`, compiled into the binary by SwiftPM (`.embedInCode`).
    static let document = ByteBuffer(bytes: PackageResources.openapi_json)

    public init() {}

    public func addRoutes(to router: Router<AppRequestContext>, path: String) {
        router.get(RouterPath(path)) { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: Envelope.contentType, .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: Self.document)
            )
        }
    }
}
