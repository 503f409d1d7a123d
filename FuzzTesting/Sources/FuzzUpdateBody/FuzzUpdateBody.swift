import ChastityTrackerDomain

let rules = OrgasmRules(earliestDate: LocalDate("2000-01-01")!, latestDate: LocalDate("2026-12-07")!)

/// A PATCH body, any bytes, through the JSON reader and the update decoder: it is refused with an
/// error, or the update it makes names a field and keeps the field rules.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUpdateBody(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let json = try? JSONValue.parse(bytes), let update = try? UpdateBody(decoding: json, rules: rules) else { return 0 }
    if let date = update.date {
        precondition(date >= rules.earliestDate && date <= rules.latestDate, "a date outside the rules: \(date)")
    }
    if case .set(let type?) = update.type {
        precondition(!type.isEmpty && type.count <= OrgasmRules.maximumTypeLength, "a type out of its bounds")
    }
    if case .set(let grantedBy?) = update.grantedBy {
        precondition(!grantedBy.isEmpty && grantedBy.count <= OrgasmRules.maximumGrantedByLength, "a grantedby out of its bounds")
    }
    let namesNoField =
        update.date == nil && update.mode == nil && update.isPublic == nil && update.type == .unchanged && update.grantedBy == .unchanged
    precondition(!namesNoField, "an update that names no field was accepted")
    return 0
}
