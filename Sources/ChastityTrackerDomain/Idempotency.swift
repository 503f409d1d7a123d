/// The answer stored for an `Idempotency-Key`, replayed byte for byte to a retry.
public struct StoredResponse: Sendable, Hashable {
    public var status: Int
    public var body: String
    public var location: String?

    public init(status: Int, body: String, location: String?) {
        self.status = status
        self.body = body
        self.location = location
    }
}

/// What claiming an `Idempotency-Key` found (docs/CONTRACT.md section 7).
public enum IdempotencyClaim: Sendable, Hashable {
    /// The key is new (or expired, or abandoned by a crashed request): go ahead.
    case claimed
    /// The same request already completed: replay this answer.
    case replay(StoredResponse)
    /// The same key's first request is still running.
    case inProgress
    /// The key was used with a different request body.
    case conflict
}

/// Completes a claimed key in the same transaction as the insert, so a crash can never leave
/// records without their stored answer or an answer without its records.
///
/// With `claimedAt`, the completion only succeeds while the claim made at that instant is still
/// the key's open claim: a request that outlived its lease and was taken over by a retry fails
/// with ``StoreError/conflict`` and its insert is rolled back, so the records exist once.
public struct IdempotencyCompletion: Sendable {
    public var key: String
    /// When this request claimed the key (the `at:` of its claim).
    public var claimedAt: Timestamp?
    /// Renders the answer from the created records.
    public var render: @Sendable ([Orgasm]) -> StoredResponse

    public init(key: String, claimedAt: Timestamp? = nil, render: @escaping @Sendable ([Orgasm]) -> StoredResponse) {
        self.key = key
        self.claimedAt = claimedAt
        self.render = render
    }
}

/// Time rules of idempotency keys.
public enum IdempotencyPolicy {
    /// A key is remembered this long.
    public static let retentionMilliseconds: Int64 = 24 * 3_600_000
    /// A claim whose request has not completed after this long is taken to be abandoned (its
    /// request crashed: as completion is atomic with the insert, it wrote nothing).
    public static let leaseMilliseconds: Int64 = 60_000

    /// The longest `Idempotency-Key` accepted, in characters.
    public static let maximumKeyLength = 255

    /// 1 to ``maximumKeyLength`` printable ASCII characters.
    public static func validate(key: String) throws(ValidationError) {
        guard (1...maximumKeyLength).contains(key.utf8.count), key.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw ValidationError(field: "Idempotency-Key", message: "Idempotency-Key must be 1 to \(maximumKeyLength) printable ASCII characters")
        }
    }
}

/// A key as a backend found it stored, for ``IdempotencyPolicy/decide(stored:requestHash:now:)``.
public struct IdempotencyRecord: Sendable, Hashable {
    public var requestHash: String
    public var created: Timestamp
    /// The completed answer, `nil` while the first request runs.
    public var response: StoredResponse?

    public init(requestHash: String, created: Timestamp, response: StoredResponse?) {
        self.requestHash = requestHash
        self.created = created
        self.response = response
    }
}

extension IdempotencyPolicy {
    /// What a claim of a key finds, the rule both backends apply to the row they hold locked:
    /// `nil` means the caller takes the key (it is new, past its retention, or an uncompleted claim
    /// past its lease) and writes its own claim; otherwise the answer to give.
    public static func decide(stored: IdempotencyRecord?, requestHash: String, now: Timestamp) -> IdempotencyClaim? {
        guard let stored, stored.created.millisecondsSinceEpoch >= now.millisecondsSinceEpoch - retentionMilliseconds else { return nil }
        guard stored.requestHash == requestHash else { return .conflict }
        if let response = stored.response { return .replay(response) }
        guard stored.created.millisecondsSinceEpoch < now.millisecondsSinceEpoch - leaseMilliseconds else { return .inProgress }
        return nil
    }
}
