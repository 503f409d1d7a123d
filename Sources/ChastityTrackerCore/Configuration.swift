/// Everything `serve` can be told, as one value; the command line builds it (flag > environment
/// variable > default) and tests build it directly.
public struct Configuration: Sendable {
    /// Address to bind; loopback by default.
    public var host: String
    /// Port to bind; 0 picks a free one.
    public var port: Int
    /// No record may be dated earlier than this.
    public var earliestDate: LocalDate

    public init(host: String = "127.0.0.1", port: Int = 8080, earliestDate: LocalDate = LocalDate(year: 1900, month: 1, day: 1)!) {
        self.host = host
        self.port = port
        self.earliestDate = earliestDate
    }
}
