/// The PATCH body, written by hand so that a cleared field is sent as `null` and an unchanged one
/// not at all (docs/CONTRACT.md section 7).
struct ChangesBody: Encodable {
    let date: String?
    let mode: ChastityTrackerClient.Mode?
    let isPublic: Bool?
    let type: ChastityTrackerClient.FieldChange<String>
    let grantedBy: ChastityTrackerClient.FieldChange<String>

    private enum CodingKeys: String, CodingKey {
        case date, mode, `public`, type, grantedby
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(date, forKey: .date)
        try container.encodeIfPresent(mode, forKey: .mode)
        try container.encodeIfPresent(isPublic, forKey: .public)
        try Self.encode(type, forKey: .type, in: &container)
        try Self.encode(grantedBy, forKey: .grantedby, in: &container)
    }

    private static func encode(
        _ change: ChastityTrackerClient.FieldChange<String>, forKey key: CodingKeys,
        in container: inout KeyedEncodingContainer<CodingKeys>
    ) throws {
        switch change {
        case .unchanged: break
        case .set(let value): try container.encode(value, forKey: key)
        case .clear: try container.encodeNil(forKey: key)
        }
    }
}
