import ChastityTrackerDomain
import NIOCore
import PostgresNIO
import Testing

@testable import ChastityTrackerPostgres

/// The list's page arrives as binary arrays (array_send's format) that the store reads itself
/// (docs/BENCHMARKS.md, issue 12); anything but a one-dimensional array of the expected type
/// without NULLs is a corrupt row, never a crash or a wrong record.
@Suite("PostgreSQL binary array cells")
struct PostgresArrayCellTests {
    /// A binary array cell: the header, then each element as its length and bytes.
    private func cell(
        dimensions: Int32 = 1, hasNulls: Int32 = 0, type: PostgresDataType = .int8, count: Int32? = nil, elements: [[UInt8]],
        trailing: [UInt8] = [], format: PostgresFormat = .binary
    ) -> PostgresCell {
        var buffer = ByteBuffer()
        buffer.writeMultipleIntegers(dimensions, hasNulls, type.rawValue)
        if dimensions > 0 { buffer.writeMultipleIntegers(count ?? Int32(elements.count), Int32(1)) }
        for element in elements {
            buffer.writeInteger(Int32(element.count))
            buffer.writeBytes(element)
        }
        buffer.writeBytes(trailing)
        return PostgresCell(bytes: buffer, dataType: .int8Array, format: format, columnName: "a", columnIndex: 0)
    }

    private func int64(_ value: Int64) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(value)
        return Array(buffer.readableBytesView)
    }

    private func read(_ cell: PostgresCell) throws -> [Int64] {
        try Cells.array(cell, of: .int8, table: "orgasms") { $0.readInteger(as: Int64.self) }
    }

    @Test("A one-dimensional array of the expected type reads as its elements, in order; NULL and zero dimensions are empty")
    func readsWellFormedArrays() throws {
        #expect(try read(cell(elements: [int64(7), int64(-1), int64(Int64.max)])) == [7, -1, Int64.max])
        #expect(try read(cell(dimensions: 0, elements: [])) == [])
        #expect(try read(PostgresCell(bytes: nil, dataType: .int8Array, format: .binary, columnName: "a", columnIndex: 0)) == [])
        let texts = try Cells.array(cell(type: .text, elements: [Array("full".utf8), [], Array("Grüße".utf8)]), of: .text, table: "orgasms") {
            $0.readString(length: $0.readableBytes)
        }
        #expect(texts == ["full", "", "Grüße"])
    }

    @Test(
        "Anything else is a corrupt row",
        arguments: [
            "text format", "NULLs", "another element type", "two dimensions", "a negative count", "more elements announced than sent",
            "an element longer than its type", "bytes after the last element", "a NULL element",
        ])
    func refusesMalformedArrays(shape: String) throws {
        let malformed: PostgresCell
        switch shape {
        case "text format": malformed = cell(elements: [int64(1)], format: .text)
        case "NULLs": malformed = cell(hasNulls: 1, elements: [int64(1)])
        case "another element type": malformed = cell(type: .int4, elements: [int64(1)])
        case "two dimensions": malformed = cell(dimensions: 2, elements: [int64(1)])
        case "a negative count": malformed = cell(count: -1, elements: [])
        case "more elements announced than sent": malformed = cell(count: Int32.max, elements: [int64(1)])
        case "an element longer than its type": malformed = cell(elements: [int64(1) + [0]])
        case "bytes after the last element": malformed = cell(elements: [int64(1)], trailing: [0])
        default:
            // A NULL element is length -1 with no bytes.
            var buffer = ByteBuffer()
            buffer.writeMultipleIntegers(Int32(1), Int32(0), PostgresDataType.int8.rawValue, Int32(1), Int32(1), Int32(-1))
            malformed = PostgresCell(bytes: buffer, dataType: .int8Array, format: .binary, columnName: "a", columnIndex: 0)
        }
        #expect(throws: CorruptRow(table: "orgasms")) { try read(malformed) }
    }
}
