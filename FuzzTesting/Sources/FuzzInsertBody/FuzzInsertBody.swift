import ChastityTrackerDomain

let rules = OrgasmRules(earliestDate: LocalDate("2000-01-01")!, latestDate: LocalDate("2026-12-07")!)

/// A POST body, any bytes, through the JSON reader and the insert decoder (one object or a batch):
/// it is refused with an error, or every item it makes keeps the field rules.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInsertBody(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let json = try? JSONValue.parse(bytes), let body = try? InsertBody(decoding: json, rules: rules) else { return 0 }
    let items = body.items(inserted: Timestamp(millisecondsSinceEpoch: 1_796_000_000_000))
    precondition(!items.isEmpty, "an accepted body made no item")
    precondition(items.count <= OrgasmRules.maximumBatch * OrgasmRules.maximumNumber, "more items than a batch may make")
    for item in items {
        precondition(item.date >= rules.earliestDate && item.date <= rules.latestDate, "a date outside the rules: \(item.date)")
        precondition((item.type?.count ?? 0) <= OrgasmRules.maximumTypeLength, "a type over its length")
        precondition((item.grantedBy?.count ?? 0) <= OrgasmRules.maximumGrantedByLength, "a grantedby over its length")
    }
    return 0
}
