import ChastityTrackerDomain
import Testing

/// The claim rule both backends apply to the key row they hold locked (docs/CONTRACT.md section 7).
@Suite struct IdempotencyPolicyTests {
    static let now = Timestamp(millisecondsSinceEpoch: 100 * 3_600_000)
    static let answer = StoredResponse(status: 201, body: "{}", location: nil)

    static func stored(hash: String = "h", ageMilliseconds: Int64, response: StoredResponse? = nil) -> IdempotencyRecord {
        IdempotencyRecord(
            requestHash: hash, created: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - ageMilliseconds), response: response)
    }

    @Test(
        "What a claim finds",
        arguments: [
            (nil, nil),  // a new key: take it
            (stored(ageMilliseconds: 1_000, response: answer), IdempotencyClaim.replay(answer)),
            (stored(hash: "other", ageMilliseconds: 1_000, response: answer), .conflict),
            (stored(hash: "other", ageMilliseconds: 1_000), .conflict),
            (stored(ageMilliseconds: 59_999), .inProgress),
            (stored(ageMilliseconds: 60_000), .inProgress),
            (stored(ageMilliseconds: 60_001), nil),  // an abandoned claim: take it over
            (stored(hash: "other", ageMilliseconds: 24 * 3_600_000 + 1, response: answer), nil),  // past retention: a new key
            (stored(ageMilliseconds: 24 * 3_600_000, response: answer), .replay(answer)),
        ] as [(IdempotencyRecord?, IdempotencyClaim?)])
    func decide(stored: IdempotencyRecord?, expected: IdempotencyClaim?) {
        #expect(IdempotencyPolicy.decide(stored: stored, requestHash: "h", now: Self.now) == expected)
    }
}
