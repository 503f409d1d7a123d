import ChastityTrackerDomain
import Hummingbird

/// The account pages' forms are structs of optional strings, decoded by Hummingbird's
/// `URLEncodedFormDecoder` (a crash there is Hummingbird's: report it upstream with the input).
struct PageForm: Decodable {
    var name: String?
    var password: String?
    var next: String?
    var csrf: String?
    var id: String?
    var url: String?
    var timeZone: String?
}

/// A posted form body, any bytes, through Hummingbird's decoder (the account pages) and
/// `FormPairs` (the OAuth endpoints): decoded or refused, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzForm(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? URLEncodedFormDecoder().decode(PageForm.self, from: text)
    if let pairs = FormPairs.decode(text) {
        // What was decoded, encoded again (every byte but the unreserved ones as %XX), decodes to
        // the same pairs: nothing lost, nothing split or joined differently.
        let encoded = pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
        let again = FormPairs.decode(encoded)
        precondition(again?.map(\.0) == pairs.map(\.0) && again?.map(\.1) == pairs.map(\.1), "FormPairs does not read back what it read")
    }
    return 0
}

/// `text` with every byte outside RFC 3986's unreserved characters written as `%XX`.
func encode(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            out += "%" + String(byte, radix: 16, uppercase: true).leftPadded()
        }
    }
    return out
}

extension String {
    /// Two hexadecimal digits.
    fileprivate func leftPadded() -> String { count == 1 ? "0" + self : self }
}
