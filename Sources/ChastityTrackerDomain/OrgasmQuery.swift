/// The filter and page of a list request.
public struct OrgasmQuery: Sendable, Hashable {
    public static let defaultLimit = 50
    public static let maximumLimit = 200
    /// The largest `offset` accepted.
    public static let maximumOffset = Int(Int32.max)

    /// Inclusive lower bound on `date`.
    public var from: LocalDate?
    /// Inclusive upper bound on `date`.
    public var to: LocalDate?
    public var isPublic: Bool?
    public var mode: Mode?
    public var limit: Int
    public var offset: Int

    public init(
        from: LocalDate? = nil, to: LocalDate? = nil, isPublic: Bool? = nil, mode: Mode? = nil,
        limit: Int = OrgasmQuery.defaultLimit, offset: Int = 0
    ) {
        self.from = from
        self.to = to
        self.isPublic = isPublic
        self.mode = mode
        self.limit = limit
        self.offset = offset
    }
}

/// One page of a list: the items on it and how many match in all.
public struct OrgasmPage: Sendable, Hashable {
    public var total: Int
    public var items: [Orgasm]

    public init(total: Int, items: [Orgasm]) {
        self.total = total
        self.items = items
    }
}
