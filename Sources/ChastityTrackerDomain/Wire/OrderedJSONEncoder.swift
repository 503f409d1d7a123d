/// Encodes an `Encodable` value as JSON with object keys in the order they are encoded.
///
/// Foundation's `JSONEncoder` on Linux does not keep that order, and the contract's item has a
/// fixed key order (docs/CONTRACT.md section 4); `outputFormatting: .sortedKeys` would keep a
/// stable order, but the wrong one. A key encoded twice keeps its first place and its last value;
/// an optional encoded with `encode` (not `encodeIfPresent`) is an explicit `null`.
public struct OrderedJSONEncoder: Sendable {
    public init() {}

    /// The value as an ordered JSON tree; throws `EncodingError.invalidValue` for a non-finite
    /// floating-point number.
    public func tree<Value: Encodable>(_ value: Value) throws -> OrderedJSON {
        let root = EncodingSlot()
        try value.encode(to: SlotEncoder(slot: root, codingPath: []))
        return root.resolved()
    }

    /// The value as compact UTF-8 JSON (see ``OrderedJSON/bytes``).
    public func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        try tree(value).bytes
    }
}

/// Where one value is being encoded: containers hold their children's slots, so a nested
/// container can still be written after its parent moved on, as `Encoder` allows.
private final class EncodingSlot {
    enum Content {
        case empty
        case value(OrderedJSON)
        case object(keys: [String], slots: [String: EncodingSlot])
        case array([EncodingSlot])
    }

    var content = Content.empty

    /// The object's child slot for `key`, made on first use (keeping its first place).
    func member(_ key: String) -> EncodingSlot {
        guard case .object(var keys, var slots) = content else {
            let slot = EncodingSlot()
            content = .object(keys: [key], slots: [key: slot])
            return slot
        }
        if let slot = slots[key] {
            slot.content = .empty
            return slot
        }
        let slot = EncodingSlot()
        keys.append(key)
        slots[key] = slot
        content = .object(keys: keys, slots: slots)
        return slot
    }

    /// A new last element of the array.
    func appendElement() -> EncodingSlot {
        let slot = EncodingSlot()
        if case .array(let elements) = content {
            content = .array(elements + [slot])
        } else {
            content = .array([slot])
        }
        return slot
    }

    var elementCount: Int {
        if case .array(let elements) = content { return elements.count }
        return 0
    }

    func makeObject() {
        if case .object = content { return }
        content = .object(keys: [], slots: [:])
    }

    func makeArray() {
        if case .array = content { return }
        content = .array([])
    }

    /// An empty slot (a value whose `encode(to:)` wrote nothing) is `{}`, as with `JSONEncoder`.
    func resolved() -> OrderedJSON {
        switch content {
        case .empty: .object([])
        case .value(let value): value
        case .object(let keys, let slots): .object(keys.map { OrderedJSON.Member(key: $0, value: slots[$0]!.resolved()) })
        case .array(let elements): .array(elements.map { $0.resolved() })
        }
    }
}

private struct SlotEncoder: Encoder {
    let slot: EncodingSlot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        slot.makeObject()
        return KeyedEncodingContainer(KeyedSlotContainer<Key>(slot: slot, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        slot.makeArray()
        return UnkeyedSlotContainer(slot: slot, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleSlotContainer(slot: slot, codingPath: codingPath)
    }
}

/// A key of an array element, for coding paths.
private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.intValue = intValue }
}

/// The one way a value gets into a slot, shared by the three containers.
private func encode<Value: Encodable>(_ value: Value, into slot: EncodingSlot, codingPath: [any CodingKey]) throws {
    if let scalar = try scalar(value, codingPath: codingPath) {
        slot.content = .value(scalar)
    } else {
        try value.encode(to: SlotEncoder(slot: slot, codingPath: codingPath))
    }
}

/// The JSON of a standard-library scalar; `nil` for any other type.
private func scalar<Value: Encodable>(_ value: Value, codingPath: [any CodingKey]) throws -> OrderedJSON? {
    switch value {
    case let value as String: return .string(value)
    case let value as Bool: return .bool(value)
    case let value as Double: return try finite(value, codingPath: codingPath)
    case let value as Float: return try finite(Double(value), codingPath: codingPath)
    case let value as any BinaryInteger: return integer(value)
    default: return nil
    }
}

private func integer(_ value: some BinaryInteger) -> OrderedJSON {
    if let signed = Int64(exactly: value) { return .integer(signed) }
    return .unsignedInteger(UInt64(value))
}

private func finite(_ value: Double, codingPath: [any CodingKey]) throws -> OrderedJSON {
    guard value.isFinite else {
        throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "JSON has no \(value)"))
    }
    return .number(value)
}

private struct KeyedSlotContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: EncodingSlot
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        slot.member(key.stringValue).content = .value(.null)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try put(value, forKey: key) }

    private func put(_ value: some Encodable, forKey key: Key) throws {
        try ChastityTrackerDomain.encode(value, into: slot.member(key.stringValue), codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        SlotEncoder(slot: slot.member(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        SlotEncoder(slot: slot.member(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        SlotEncoder(slot: slot.member("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        SlotEncoder(slot: slot.member(key.stringValue), codingPath: codingPath + [key])
    }
}

private struct UnkeyedSlotContainer: UnkeyedEncodingContainer {
    let slot: EncodingSlot
    let codingPath: [any CodingKey]
    var count: Int { slot.elementCount }

    private var nextKey: any CodingKey { IndexKey(count) }

    mutating func encodeNil() throws {
        slot.appendElement().content = .value(.null)
    }

    mutating func encode<T: Encodable>(_ value: T) throws { try put(value) }
    mutating func encode(_ value: Bool) throws { try put(value) }
    mutating func encode(_ value: String) throws { try put(value) }
    mutating func encode(_ value: Double) throws { try put(value) }
    mutating func encode(_ value: Float) throws { try put(value) }
    mutating func encode(_ value: Int) throws { try put(value) }
    mutating func encode(_ value: Int8) throws { try put(value) }
    mutating func encode(_ value: Int16) throws { try put(value) }
    mutating func encode(_ value: Int32) throws { try put(value) }
    mutating func encode(_ value: Int64) throws { try put(value) }
    mutating func encode(_ value: UInt) throws { try put(value) }
    mutating func encode(_ value: UInt8) throws { try put(value) }
    mutating func encode(_ value: UInt16) throws { try put(value) }
    mutating func encode(_ value: UInt32) throws { try put(value) }
    mutating func encode(_ value: UInt64) throws { try put(value) }

    private func put(_ value: some Encodable) throws {
        let path = codingPath + [nextKey]
        try ChastityTrackerDomain.encode(value, into: slot.appendElement(), codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [nextKey]
        return SlotEncoder(slot: slot.appendElement(), codingPath: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [nextKey]
        return SlotEncoder(slot: slot.appendElement(), codingPath: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let path = codingPath + [nextKey]
        return SlotEncoder(slot: slot.appendElement(), codingPath: path)
    }
}

private struct SingleSlotContainer: SingleValueEncodingContainer {
    let slot: EncodingSlot
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws {
        slot.content = .value(.null)
    }

    mutating func encode<T: Encodable>(_ value: T) throws { try put(value) }
    mutating func encode(_ value: Bool) throws { try put(value) }
    mutating func encode(_ value: String) throws { try put(value) }
    mutating func encode(_ value: Double) throws { try put(value) }
    mutating func encode(_ value: Float) throws { try put(value) }
    mutating func encode(_ value: Int) throws { try put(value) }
    mutating func encode(_ value: Int8) throws { try put(value) }
    mutating func encode(_ value: Int16) throws { try put(value) }
    mutating func encode(_ value: Int32) throws { try put(value) }
    mutating func encode(_ value: Int64) throws { try put(value) }
    mutating func encode(_ value: UInt) throws { try put(value) }
    mutating func encode(_ value: UInt8) throws { try put(value) }
    mutating func encode(_ value: UInt16) throws { try put(value) }
    mutating func encode(_ value: UInt32) throws { try put(value) }
    mutating func encode(_ value: UInt64) throws { try put(value) }

    private func put(_ value: some Encodable) throws {
        try ChastityTrackerDomain.encode(value, into: slot, codingPath: codingPath)
    }
}
