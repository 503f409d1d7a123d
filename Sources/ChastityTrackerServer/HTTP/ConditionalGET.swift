import ChastityTrackerDomain
import Crypto
import HTTPTypes
import Hummingbird
import NIOCore

/// Strong validators for GET answers (docs/CONTRACT.md section 10): an `ETag` computed from the exact body
/// bytes, `Cache-Control: private, no-cache`, `Vary: Authorization`, and 304 with no body when
/// `If-None-Match` matches.
enum ConditionalGET {
    static let cacheControl = "private, no-cache"

    /// The 200 answer for `body`, or 304 when the client already holds it.
    static func response(for request: Request, body writer: JSONWriter) -> Response {
        response(for: request, answer: answer(writer.buffer))
    }

    /// `body` with its ETag.
    static func answer(_ body: ByteBuffer) -> RecordReadCache.Answer {
        RecordReadCache.Answer(body: body, etag: etag(of: body))
    }

    /// The 200 answer for `answer`, or 304 when the client already holds it.
    static func response(for request: Request, answer: RecordReadCache.Answer) -> Response {
        // Appended, not from a dictionary literal (which checks each name against the others),
        // with room for the request id and the server's own fields; the fixed fields built once,
        // the ETag's once per answer (issue 24: a field's value is checked when it is made).
        var headers = HTTPFields()
        headers.reserveCapacity(8)
        headers.append(answer.etagField)
        headers.append(cacheControlField)
        headers.append(varyField)
        if let condition = request.headers.combinedValue(of: .ifNoneMatch)?.nonEmpty, matches(condition, etag: answer.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers.append(contentTypeField)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: answer.body))
    }

    private static let cacheControlField = HTTPField(name: .cacheControl, value: cacheControl)
    private static let varyField = HTTPField(name: .vary, value: "Authorization")
    private static let contentTypeField = HTTPField(name: .contentType, value: Envelope.contentType)

    /// `"` + the first 128 bits of the body's SHA-256 in hex + `"`.
    static func etag(of buffer: ByteBuffer) -> String {
        let digest = buffer.withUnsafeReadableBytes { SHA256.hash(data: $0) }
        return "\"" + digest.withUnsafeBytes { Hex.lowercase(UnsafeRawBufferPointer(rebasing: $0.prefix(16))) } + "\""
    }

    /// `If-None-Match` uses weak comparison (RFC 9110 13.1.2): `*` or any listed tag equal to
    /// ours once a `W/` prefix is dropped.
    static func matches(_ condition: String, etag: String) -> Bool {
        condition.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingWhitespace()
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

extension Substring {
    func trimmingWhitespace() -> String { String(self).trimmingWhitespace() }
}
