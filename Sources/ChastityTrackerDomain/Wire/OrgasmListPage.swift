/// The `data` of a list answer (docs/CONTRACT.md section 5):
/// `{"count","total","limit","offset","items"}`, `count` being the items on this page.
///
/// The list handler writes it with the hand-written `JSONWriter.orgasmListPage` (the hot path);
/// a test holds that byte-identical to this type's encoding.
public struct OrgasmListPage: Sendable, Hashable, Encodable {
    /// The items on this page, in the list's order.
    public var items: [Orgasm]
    /// How many items match the filter in all.
    public var total: Int
    public var limit: Int
    public var offset: Int

    public init(items: [Orgasm], total: Int, limit: Int, offset: Int) {
        self.items = items
        self.total = total
        self.limit = limit
        self.offset = offset
    }

    /// The page a store answered for `query`.
    public init(_ page: OrgasmPage, query: OrgasmQuery) {
        self.init(items: page.items, total: page.total, limit: query.limit, offset: query.offset)
    }

    enum CodingKeys: String, CodingKey {
        case count, total, limit, offset, items
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items.count, forKey: .count)
        try container.encode(total, forKey: .total)
        try container.encode(limit, forKey: .limit)
        try container.encode(offset, forKey: .offset)
        try container.encode(items.map(OrgasmItem.init), forKey: .items)
    }
}
