import Hummingbird

/// Reads a posted account form: the body, up to the context's upload limit, decoded as
/// URL-encoded fields. A body that does not decode counts as an empty form (`nil`), so every
/// field is then missing and the handler answers with its own message.
enum AccountForm {
    static func decode<Form: Decodable>(_ type: Form.Type, _ request: Request, context: some RequestContext) async throws -> Form? {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        return try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body))
    }
}
