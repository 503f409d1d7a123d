import HTTPTypes
public import Hummingbird
import NIOCore

/// The seed's response envelope: `{"ok":…,"data"|"error":…,"meta":{"version":2}}`.
public enum Envelope {
    public static let contentType = "application/json; charset=utf-8"

    /// A success answer whose `data` is written by `data`.
    public static func response(
        status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], capacity: Int = 256, data: (inout JSONWriter) -> Void
    ) -> Response {
        let writer = body(capacity: capacity, data: data)
        var headers = headers
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: writer.buffer))
    }

    /// The success body whose `data` is written by `data`.
    public static func body(capacity: Int = 256, data: (inout JSONWriter) -> Void) -> JSONWriter {
        var writer = JSONWriter(capacity: capacity)
        writer.raw(#"{"ok":true,"data":"#)
        data(&writer)
        writer.raw(#","meta":{"version":2}}"#)
        return writer
    }

    /// The error body.
    public static func writeError(code: String, message: String, field: String?, to writer: inout JSONWriter) {
        writer.raw(#"{"ok":false,"error":{"code":"#)
        writer.string(code)
        writer.raw(#","message":"#)
        writer.string(message)
        if let field {
            writer.raw(#","field":"#)
            writer.string(field)
        }
        writer.raw(#"},"meta":{"version":2}}"#)
    }
}

extension JSONWriter {
    /// One item, exactly the keys of SPEC section 4 in a fixed order.
    public mutating func orgasm(_ item: Orgasm) {
        raw(#"{"id":"#)
        integer(item.id)
        raw(#","date":""#)
        date(item.date)
        raw(#"","mode":""#)
        unescaped(item.mode.rawValue)
        raw(item.isPublic ? #"","public":1,"type":"# : #"","public":0,"type":"#)
        optionalString(item.type)
        raw(#","grantedby":"#)
        optionalString(item.grantedBy)
        raw(#","inserted":""#)
        timestamp(item.inserted)
        raw(#""}"#)
    }

    /// A JSON array of items.
    public mutating func orgasms(_ items: [Orgasm]) {
        raw("[")
        for (index, item) in items.enumerated() {
            if index > 0 { raw(",") }
            orgasm(item)
        }
        raw("]")
    }
}
