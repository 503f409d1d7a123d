extension Duration {
    /// The duration in whole milliseconds, rounded towards zero (the stores keep instants in ms).
    public var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
