/// The OpenAPI 3.1 description of the API, kept beside the code it describes.
enum OpenAPIDocument {
    static let json = #"{"openapi":"3.1.0","info":{"title":"Chastity Tracker API","version":"2"},"paths":{}}"#
}
