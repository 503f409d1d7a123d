import ChastityTrackerDomain
import ChastityTrackerServices
import Mustache

/// The server's content type, as `ByteWiseHTMLContentType` in the server module registers it.
struct HTMLBytes: MustacheContentType {
    func escapeText(_ text: String) -> String { HTMLEscaping.escape(text) }
}

let registered: Void = MustacheContentTypes.register(HTMLBytes(), named: "HTML_BYTES")
let template = try! MustacheTemplate(string: "{{% CONTENT_TYPE: HTML_BYTES }}\n<a title=\"{{value}}\" href='{{value}}'>{{value}}</a>")

/// Text, any bytes read as UTF-8 as a stored field is, through the pages' HTML escaping (alone
/// and through a mustache template as the pages render) and the export's CSV cell: the escaped
/// text holds no character that could end an element or an attribute, and reads back exactly;
/// the cell is one cell that reads back as the text (with `'` before a formula's first character).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEscaping(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    _ = registered
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)

    let escaped = HTMLEscaping.escape(text)
    precondition(!escaped.utf8.contains { "<>\"'".utf8.contains($0) }, "a raw <, >, \" or ' in escaped text")
    precondition(unescapeHTML(escaped) == Array(text.utf8), "escaped text does not read back")
    let rendered = template.render(["value": text])
    precondition(rendered == "<a title=\"\(escaped)\" href='\(escaped)'>\(escaped)</a>", "the template did not escape as the pages do")

    let cell = Array(Administration.csvCell(.string(text)).utf8)
    let formula = text.unicodeScalars.first.map { ["=", "+", "-", "@", "\t", "\r"].contains($0) } ?? false
    let expected = Array(((formula ? "'" : "") + text).utf8)
    precondition(readCSVCell(cell) == expected, "the CSV cell does not read back as one cell of the text")
    return 0
}

/// The five entities back to their characters; any other `&` is a failure (nil never equals).
func unescapeHTML(_ text: String) -> [UInt8]? {
    let entities: [(String, UInt8)] = [("&amp;", 0x26), ("&lt;", 0x3C), ("&gt;", 0x3E), ("&quot;", 0x22), ("&#39;", 0x27)]
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    var index = 0
    while index < bytes.count {
        guard bytes[index] == 0x26 else {
            out.append(bytes[index])
            index += 1
            continue
        }
        guard let (entity, byte) = entities.first(where: { bytes[index...].starts(with: $0.0.utf8) }) else { return nil }
        out.append(byte)
        index += entity.utf8.count
    }
    return out
}

/// One RFC 4180 field: unquoted (no `,`, `"`, CR or LF in it), or quoted with inner quotes doubled
/// and nothing after the closing quote; nil when it is not exactly one field.
func readCSVCell(_ cell: [UInt8]) -> [UInt8]? {
    let special: Set<UInt8> = [0x2C, 0x22, 0x0A, 0x0D]
    guard cell.first == 0x22 else { return cell.contains(where: special.contains) ? nil : cell }
    var out: [UInt8] = []
    var index = 1
    while index < cell.count {
        if cell[index] == 0x22 {
            if index + 1 < cell.count, cell[index + 1] == 0x22 {
                out.append(0x22)
                index += 2
                continue
            }
            return index == cell.count - 1 ? out : nil
        }
        out.append(cell[index])
        index += 1
    }
    return nil
}
