import ChastityTrackerDomain

/// A request body, any bytes, through the JSON reader every API write starts with
/// (`JSONValue.parse`): it returns a value or throws `InvalidJSON`, never traps; and where its own
/// reader answers without Foundation, the answer is Foundation's (issue 24's reader is a shortcut,
/// not a second dialect).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    // Only UTF-8 is read as JSON.
    precondition(String(validating: bytes, as: UTF8.self) != nil, "a body that is not UTF-8 was read as JSON")
    if let own = JSONValue.parseWithoutFoundation(bytes) {
        precondition(own == value, "the reader and parse disagree")
        precondition((try? JSONValue.parseWithFoundation(bytes)) == own, "the reader answered unlike Foundation")
    }
    return 0
}
