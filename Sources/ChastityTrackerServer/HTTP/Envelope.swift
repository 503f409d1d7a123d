public import ChastityTrackerDomain
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
    /// One item, exactly the keys of docs/CONTRACT.md section 4 in a fixed order, in one reservation:
    /// byte for byte ``OrgasmItem``'s encoding (a test holds them equal), written by hand for the hot path.
    public mutating func orgasm(_ item: Orgasm) {
        let strings =
            JSONCursor.maximumStringLength(item.type?.utf8.count ?? 2)
            + JSONCursor.maximumStringLength(item.grantedBy?.utf8.count ?? 2)
        write(reserving: Self.orgasmFixedLength + strings) { cursor in
            cursor.raw(#"{"id":"#)
            cursor.integer(item.id)
            cursor.raw(#","date":""#)
            cursor.date(item.date)
            cursor.raw(#"","mode":""#)
            cursor.raw(item.mode.literal)
            cursor.raw(item.isPublic ? #"","public":1,"type":"# : #"","public":0,"type":"#)
            cursor.optionalString(item.type)
            cursor.raw(#","grantedby":"#)
            cursor.optionalString(item.grantedBy)
            cursor.raw(#","inserted":""#)
            cursor.timestamp(item.inserted)
            cursor.raw(#""}"#)
        }
    }

    /// The bytes of an item other than its two strings, at their longest.
    private static let orgasmFixedLength =
        #"{"id":,"date":"","mode":"","public":0,"type":,"grantedby":,"inserted":""}"#.utf8.count
        + JSONCursor.maximumIntegerLength + JSONCursor.dateLength + 7 /* milking */ + JSONCursor.timestampLength

    /// A list answer's `data`, byte for byte ``OrgasmListPage``'s encoding (a test holds them equal),
    /// written by hand because the list is the hot path.
    public mutating func orgasmListPage(_ page: OrgasmListPage) {
        raw(#"{"count":"#)
        integer(page.items.count)
        raw(#","total":"#)
        integer(page.total)
        raw(#","limit":"#)
        integer(page.limit)
        raw(#","offset":"#)
        integer(page.offset)
        raw(#","items":"#)
        orgasms(page.items)
        raw("}")
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

extension JSONCursor {
    /// A string literal, or `null`.
    mutating func optionalString(_ value: String?) {
        guard var value else { return raw("null") }
        value.withUTF8 { string($0) }
    }
}

extension Mode {
    /// The raw value as a static string, written without touching a `String`.
    var literal: StaticString {
        switch self {
        case .full: "full"
        case .ruined: "ruined"
        case .milking: "milking"
        case .dom: "dom"
        case .ted: "ted"
        }
    }
}
