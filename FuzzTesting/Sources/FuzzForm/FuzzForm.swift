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
        // A pair comes from each non-empty `&`-separated part, no more.
        precondition(pairs.count <= text.utf8.count, "more pairs than bytes")
    }
    return 0
}
