import ChastityTrackerDomain

/// A request body, any bytes, through the JSON reader every API write starts with
/// (`JSONValue.parse`): it returns a value or throws `InvalidJSON`, never traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard (try? JSONValue.parse(bytes)) != nil else { return 0 }
    // Only UTF-8 is read as JSON.
    precondition(String(validating: bytes, as: UTF8.self) != nil, "a body that is not UTF-8 was read as JSON")
    return 0
}
