/// The body of an insert (docs/CONTRACT.md section 7): one object, or an array of 1 to
/// ``OrgasmRules/maximumBatch`` objects inserted all or none.
public struct InsertBody: Sendable, Hashable {
    /// The objects in the order sent.
    public var objects: [InsertObject]

    public init(objects: [InsertObject]) {
        self.objects = objects
    }

    /// Decodes a parsed body by hand. Throws ``InvalidJSON`` when the body, or an element of the
    /// array, is not an object (every element is looked at before any field), and
    /// ``ValidationError`` for an array of the wrong length or the first field that breaks a rule;
    /// in an array of several, the message starts with `element N: ` (counting from 0).
    public init(decoding body: JSONValue, rules: OrgasmRules) throws {
        let objects: [[String: JSONValue]]
        switch body {
        case .object(let object):
            objects = [object]
        case .array(let elements):
            guard (1...OrgasmRules.maximumBatch).contains(elements.count) else {
                throw ValidationError(field: nil, message: "an array body holds 1 to \(OrgasmRules.maximumBatch) objects, not \(elements.count)")
            }
            objects = try elements.enumerated().map { index, element throws(InvalidJSON) in
                guard case .object(let object) = element else {
                    throw InvalidJSON("element \(index) of the array is \(element.kind), not an object")
                }
                return object
            }
        default:
            throw InvalidJSON("the body must be a JSON object or an array of objects, not \(body.kind)")
        }
        self.objects = try objects.enumerated().map { index, object throws(ValidationError) in
            do throws(ValidationError) {
                return try InsertObject(decoding: object, rules: rules)
            } catch {
                throw objects.count == 1 ? error : ValidationError(field: error.field, message: "element \(index): \(error.message)")
            }
        }
    }

    /// Every record the body asks for, in order.
    public func items(inserted: Timestamp) -> [NewOrgasm] {
        objects.flatMap { $0.items(inserted: inserted) }
    }
}
