import ChastityTrackerDomain
import ChastityTrackerServices
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The records page (the user's records with the API's filters, a page at a time) and the
/// downloads of the whole record in the formats `export` writes (docs/CONTRACT.md section 12).
/// Every request here has passed the session middleware; it only ever reads the signed-in
/// user's records.
struct AccountRecordsController<Store: OrgasmStore>: Sendable {
    let store: Store
    let renderer: AccountRenderer

    /// Records per page.
    static var pageSize: Int { 50 }
    /// The highest page number asked for at all: its offset stays within the API's.
    static var maximumPage: Int { Int(Int32.max) / pageSize }

    /// The filter and page a request asks for.
    struct Filter: Equatable {
        var query: OrgasmQuery
        var page: Int
    }

    func addRoutes(to router: some RouterMethods<AccountContext>) {
        router.get(RouterPath(AccountRoutes.records)) { request, context in try await records(request, context: context) }
        router.get(RouterPath(AccountRoutes.exportJSON)) { _, context in download(.json, context: context) }
        router.get(RouterPath(AccountRoutes.exportCSV)) { _, context in download(.csv, context: context) }
    }

    private func records(_ request: Request, context: AccountContext) async throws -> Response {
        // The parameters as the API reads them (`QueryParameters.pairs(of:)`: names
        // percent-decoded like values), but for empty values: a form sends every field, and an
        // empty one means "any", where the API would refuse `from=`.
        let sent = QueryParameters.pairs(of: request).filter { !$0.value.isEmpty }
        var view = Self.form(csrf: context.account.secret.csrfToken, sent: sent)
        let filter: Filter
        do throws(ValidationError) {
            filter = try Self.filter(sent)
        } catch {
            view.error = error.message
            return renderer.page("records", view, status: .badRequest)
        }
        let page = try await store.orgasms(userID: context.account.user.id, matching: filter.query)
        let pages = max(1, (page.total + Self.pageSize - 1) / Self.pageSize)
        guard filter.page <= pages else {
            view.error = "page must be an integer from 1 to \(pages)"
            return renderer.page("records", view, status: .badRequest)
        }
        view.recordsTable = AccountViews.RecordsTable(page.items)
        if page.total == 0 {
            let filtered = filter.query.from != nil || filter.query.to != nil || filter.query.mode != nil || filter.query.isPublic != nil
            view.empty = filtered ? "No records match these filters." : "You have no records yet."
        } else {
            let first = filter.query.offset + 1
            view.summary = "Records \(first) to \(first + page.items.count - 1) of \(page.total), page \(filter.page) of \(pages)."
        }
        if filter.page > 1 { view.previous = Self.link(filter.query, page: filter.page - 1) }
        if filter.page < pages { view.next = Self.link(filter.query, page: filter.page + 1) }
        view.hasPages = pages > 1
        return renderer.page("records", view)
    }

    /// The filter and page of the sent parameters, by the API's rules (``QueryParameters``), so
    /// a bad value is refused with the API's message; `page` is a whole number from 1.
    static func filter(_ sent: [(name: String, value: String)]) throws(ValidationError) -> Filter {
        let parameters = try QueryParameters(sent)
        var query = try parameters.orgasmQuery()
        var page = 1
        if let text = try parameters.value("page") {
            guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), text.utf8.count <= 10,
                let number = Int(text), (1...maximumPage).contains(number)
            else {
                throw ValidationError(field: "page", message: "page must be an integer from 1 to \(maximumPage)")
            }
            page = number
        }
        query.limit = pageSize
        query.offset = (page - 1) * pageSize
        return Filter(query: query, page: page)
    }

    /// The link to `page` with the same filters.
    static func link(_ query: OrgasmQuery, page: Int) -> String {
        var items: [String] = []
        if let from = query.from { items.append("from=\(from)") }
        if let to = query.to { items.append("to=\(to)") }
        if let mode = query.mode { items.append("mode=\(mode.rawValue)") }
        if let isPublic = query.isPublic { items.append("public=\(isPublic ? 1 : 0)") }
        items.append("page=\(page)")
        return AccountRoutes.records + "?" + items.joined(separator: "&")
    }

    /// The form as sent: the dates as typed, the choices selected.
    static func form(csrf: String, sent: [(name: String, value: String)]) -> AccountViews.Records {
        func value(_ name: String) -> String { sent.first { $0.name == name }?.value ?? "" }
        let mode = value("mode")
        let isPublic = value("public")
        return AccountViews.Records(
            csrf: csrf, from: value("from"), to: value("to"),
            modes: [.init(value: "", label: "any", selected: Mode(rawValue: mode) == nil)]
                + Mode.allCases.map { .init(value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == mode) },
            publics: [
                .init(value: "", label: "any", selected: isPublic != "1" && isPublic != "0"),
                .init(value: "1", label: "public", selected: isPublic == "1"),
                .init(value: "0", label: "not public", selected: isPublic == "0"),
            ]
        )
    }

    /// The whole record in `format`, byte for byte what `chastity-tracker export` writes,
    /// streamed a page of records at a time so that memory stays bounded.
    private func download(_ format: ExportFormat, context: AccountContext) -> Response {
        let store = self.store
        let userID = context.account.user.id
        let headers: HTTPFields = [
            .contentType: format == .json ? "application/json; charset=utf-8" : "text/csv; charset=utf-8",
            .contentDisposition: "attachment; filename=\"chastity-tracker-records.\(format.rawValue)\"",
        ]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await Administration.export(from: store, userID: userID, format: format) { chunk in
                    try await writer.write(ByteBuffer(string: chunk))
                }
                try await writer.finish(nil)
            }
        )
    }
}
