public import ChastityTrackerDomain
public import Foundation
import NIOCore

/// The formats `export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    case json, csv
}

extension Administration {
    static var exportPageSize: Int { 500 }

    /// Writes all of a user's records in `format`, page by page, so memory stays bounded.
    /// JSON is an array of items exactly as the API returns them, one per line; CSV has a header.
    public func export(userName: String, format: ExportFormat, write: (String) throws -> Void) async throws {
        let user = try await user(named: userName)
        var afterID: Int64 = 0
        var first = true
        switch format {
        case .json: try write("[")
        case .csv: try write("id,date,mode,public,type,grantedby,inserted\n")
        }
        while true {
            let page = try await store.orgasms(userID: user.id, afterID: afterID, limit: Self.exportPageSize)
            var chunk = ""
            for item in page {
                switch format {
                case .json:
                    var writer = JSONWriter()
                    writer.orgasm(item)
                    chunk += (first ? "\n" : ",\n") + writer.text
                case .csv:
                    chunk += Self.csvLine(item)
                }
                first = false
            }
            if !chunk.isEmpty { try write(chunk) }
            guard let last = page.last, page.count == Self.exportPageSize else { break }
            afterID = last.id
        }
        if format == .json { try write(first ? "]\n" : "\n]\n") }
    }

    /// The first characters that make a spreadsheet read a cell as a formula (OWASP, CSV
    /// injection); such a cell is written with a leading `'`, which shows it as text.
    /// Scalars, not `Character`s: "\r\n" or "=" with a combining mark is one `Character`.
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    static func csvLine(_ item: Orgasm) -> String {
        // Only the free-text columns can start with one of them; the others are numbers, dates,
        // modes and times the service writes.
        func field(_ text: String?) -> String {
            guard let text else { return "" }
            let value = text.unicodeScalars.first.map(Self.formulaStarts.contains) == true ? "'" + text : text
            // Scalars again: "\r\n" is one Character, equal to neither "\r" nor "\n".
            guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return [String(item.id), item.date.description, item.mode.rawValue, item.isPublic ? "1" : "0",
                field(item.type), field(item.grantedBy), item.inserted.description].joined(separator: ",") + "\n"
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
        let input = OrgasmInput(earliestDate: earliestDate, latestDate: TimeZones.today(at: clock.now(), in: zone))
        let now = Timestamp(clock.now())
        var records: [NewOrgasm] = []
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
                records += try InsertObject(decoding: object, rules: input).records(inserted: inserted)
            } catch {
                throw AdminError("item \(index): \(error.message)")
            }
        }
        guard !records.isEmpty else { return 0 }
        return try await store.insert(records, userID: user.id).count
    }
}
