public import ChastityTrackerDomain
public import Foundation

/// The formats `export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    case json, csv
}

extension Administration {
    static var exportPageSize: Int { 500 }

    /// Writes all of a user's records in `format`, page by page, so memory stays bounded.
    /// JSON is an array of items exactly as the API returns them (``OrgasmItem``), one per line;
    /// CSV has a header of the item's keys and a line per item with its values in the same order.
    public func export(userName: String, format: ExportFormat, write: (String) throws -> Void) async throws {
        let user = try await user(named: userName)
        try await Self.export(from: store, userID: user.id, format: format, write: write)
    }

    /// Writes all records of the user with `userID` in `format`, page by page (as ``export(userName:format:write:)``
    /// describes); the account pages' downloads stream it to the browser.
    public static func export(from store: any OrgasmStore, userID: Int64, format: ExportFormat, write: (String) async throws -> Void) async throws {
        let encoder = OrderedJSONEncoder()
        var afterID: Int64 = 0
        var first = true
        switch format {
        case .json: try await write("[")
        case .csv: try await write(OrgasmItem.CodingKeys.allCases.map(\.stringValue).joined(separator: ",") + "\n")
        }
        while true {
            let page = try await store.orgasms(userID: userID, afterID: afterID, limit: Self.exportPageSize)
            var chunk = ""
            for item in page {
                let encoded = try encoder.tree(OrgasmItem(item))
                switch format {
                case .json:
                    chunk += (first ? "\n" : ",\n") + encoded.text
                case .csv:
                    chunk += Self.csvLine(encoded)
                }
                first = false
            }
            if !chunk.isEmpty { try await write(chunk) }
            guard let last = page.last, page.count == Self.exportPageSize else { break }
            afterID = last.id
        }
        if format == .json { try await write(first ? "]\n" : "\n]\n") }
    }

    /// The first characters that make a spreadsheet read a cell as a formula (OWASP, CSV
    /// injection); such a cell is written with a leading `'`, which shows it as text.
    /// Scalars, not `Character`s: "\r\n" or "=" with a combining mark is one `Character`.
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// One CSV line of an encoded item: its values in key order, `null` as an empty cell.
    static func csvLine(_ item: OrderedJSON) -> String {
        guard case .object(let members) = item else { preconditionFailure("an item encodes as a JSON object") }
        return members.map { csvCell($0.value) }.joined(separator: ",") + "\n"
    }

    /// One CSV cell: `null` empty; text that a spreadsheet would read as a formula with a leading
    /// `'`; quoted (inner quotes doubled) when it holds `,`, `"`, a line feed or a carriage return.
    public static func csvCell(_ value: OrderedJSON) -> String {
        let text: String
        switch value {
        case .null:
            return ""
        case .string(let string):
            // Only text can be read as a formula; numbers are written as JSON writes them.
            text = string.unicodeScalars.first.map(Self.formulaStarts.contains) == true ? "'" + string : string
        default:
            text = value.text
        }
        // Scalars again: "\r\n" is one Character, equal to neither "\r" nor "\n", and a quote
        // followed by a combining mark is one Character that is not a quote (so neither
        // `contains` nor `replacingOccurrences` over Characters would see it).
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        var cell = String.UnicodeScalarView()
        cell.append("\"")
        for scalar in text.unicodeScalars {
            cell.append(scalar)
            if scalar == "\"" { cell.append(scalar) }
        }
        cell.append("\"")
        return String(cell)
    }

    /// Imports the JSON that `export` writes into a user's log, all or nothing: every item is
    /// checked by the API's insert rules first, then all are inserted in one transaction with new
    /// ids and their original `inserted` times. Returns how many were imported.
    public func importJSON(userName: String, data: Data) async throws -> Int {
        let user = try await user(named: userName)
        guard case .success(.array(let elements)) = Result(catching: { () throws(InvalidJSON) in try JSONValue.parse(Array(data)) }) else {
            throw AdminError("the file must hold a JSON array of items, as export writes")
        }
        let zone = (try? TimeZones.zone(named: user.timeZone)) ?? TimeZone(identifier: "UTC")!
        let input = OrgasmRules(earliestDate: configuration.earliestDate, latestDate: TimeZones.today(at: clock.now(), in: zone))
        let now = Timestamp(clock.now())
        var items: [NewOrgasm] = []
        for (index, element) in elements.enumerated() {
            guard case .object(let fields) = element else { throw AdminError("item \(index) is not an object") }
            var object = fields
            object["id"] = nil
            var inserted = now
            if let value = object.removeValue(forKey: "inserted") {
                guard case .string(let text) = value, let timestamp = Timestamp(text) else {
                    throw AdminError("item \(index): inserted must be written YYYY-MM-DD HH:MM:SS.mmm")
                }
                inserted = timestamp
            }
            do throws(ValidationError) {
                items += try InsertObject(decoding: object, rules: input).items(inserted: inserted)
            } catch {
                throw AdminError("item \(index): \(error.message)")
            }
        }
        guard !items.isEmpty else { return 0 }
        return try await store.insert(items, userID: user.id).count
    }
}
