import ChastityTrackerDomain
import Testing

@testable import ChastityTrackerServer

/// The overview chart's geometry: counts per month and mode into the rectangles of stacked bars.
@Suite("Account overview: chart geometry")
struct RecordChartTests {
    static let today = LocalDate(year: 2026, month: 3, day: 10)!
    static let plotHeight = RecordChart.plotBottom - RecordChart.plotTop
    static let slot = (RecordChart.plotRight - RecordChart.plotLeft) / 12

    @Test("the twelve months end with the month of today and cross the year, oldest first; the range covers them whole")
    func twelveMonths() {
        let months = RecordChart.months(endingAt: Self.today)
        #expect(months.map { "\($0.year)-\($0.month)" } == (4...12).map { "2025-\($0)" } + (1...3).map { "2026-\($0)" })
        let range = RecordChart.range(endingAt: Self.today)
        #expect(range.from == LocalDate(year: 2025, month: 4, day: 1))
        #expect(range.to == LocalDate(year: 2026, month: 3, day: 31))
        #expect(RecordChart.range(endingAt: LocalDate(year: 2024, month: 2, day: 1)!).to == LocalDate(year: 2024, month: 2, day: 29))
        #expect(RecordChart.range(endingAt: LocalDate(year: 2026, month: 12, day: 31)!).from == LocalDate(year: 2026, month: 1, day: 1))
        #expect(RecordChart.range(endingAt: LocalDate(year: 2026, month: 12, day: 31)!).to == LocalDate(year: 2026, month: 12, day: 31))
    }

    @Test("no records: twelve empty months, an axis of 0 and no bars")
    func zeroRecords() {
        let chart = RecordChart(today: Self.today, counts: [])
        #expect(chart.months.count == 12)
        #expect(chart.months.allSatisfy { $0.total == 0 && $0.counts == [0, 0, 0, 0, 0] })
        #expect(chart.maximum == 0)
        #expect(chart.bars == [])
    }

    @Test("one month only: its bar fills the plot's height in its own slot, stacked by mode from the bottom")
    func oneMonthOnly() {
        let chart = RecordChart(
            today: Self.today,
            counts: [
                MonthlyCount(year: 2025, month: 6, mode: .ted, count: 1), MonthlyCount(year: 2025, month: 6, mode: .full, count: 3),
            ])
        #expect(chart.maximum == 4)
        #expect(chart.months[2].counts == [3, 0, 0, 0, 1])
        #expect(chart.bars.map(\.mode) == [.full, .ted])
        #expect(chart.bars.allSatisfy { $0.month == 2 })
        let x = RecordChart.plotLeft + 2 * Self.slot + Self.slot * (1 - RecordChart.barShare) / 2
        #expect(chart.bars.allSatisfy { abs($0.x - x) < 1e-9 && abs($0.width - Self.slot * RecordChart.barShare) < 1e-9 })
        // full: the bottom three quarters; ted: the top quarter, reaching the top of the plot.
        #expect(abs(chart.bars[0].y + chart.bars[0].height - RecordChart.plotBottom) < 1e-9)
        #expect(abs(chart.bars[0].height - Self.plotHeight * 0.75) < 1e-9)
        #expect(abs(chart.bars[1].y + chart.bars[1].height - chart.bars[0].y) < 1e-9)
        #expect(chart.bars[1].y == RecordChart.plotTop)
    }

    @Test("the tallest month reaches the top exactly; others are in proportion; counts outside the twelve months are ignored")
    func tallestAtFullHeight() {
        let chart = RecordChart(
            today: Self.today,
            counts: [
                MonthlyCount(year: 2026, month: 3, mode: .full, count: 2), MonthlyCount(year: 2026, month: 3, mode: .ruined, count: 3),
                MonthlyCount(year: 2026, month: 3, mode: .milking, count: 1), MonthlyCount(year: 2026, month: 3, mode: .dom, count: 1),
                MonthlyCount(year: 2025, month: 4, mode: .dom, count: 7), MonthlyCount(year: 2026, month: 1, mode: .milking, count: 2),
                MonthlyCount(year: 2025, month: 3, mode: .full, count: 50), MonthlyCount(year: 2026, month: 4, mode: .full, count: 50),
            ])
        #expect(chart.maximum == 7)
        #expect(chart.months.map(\.total) == [7, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 7])
        #expect(chart.bars.map(\.month) == [0, 9, 11, 11, 11, 11])
        let tops = Dictionary(grouping: chart.bars, by: \.month).mapValues { $0.map(\.y).min()! }
        #expect(tops[0] == RecordChart.plotTop)
        #expect(tops[11] == RecordChart.plotTop)
        #expect(abs(chart.bars[1].height - Self.plotHeight * 2 / 7) < 1e-9)
        #expect(chart.bars.allSatisfy { $0.height > 0 && $0.y >= RecordChart.plotTop && $0.y + $0.height <= RecordChart.plotBottom + 1e-9 })
    }

    @Test("coordinates are written with at most two decimals and no trailing zeros")
    func coordinateText() {
        #expect(RecordChart.text(12) == "12")
        #expect(RecordChart.text(12.5) == "12.5")
        #expect(RecordChart.text(12.05) == "12.05")
        #expect(RecordChart.text(0.004) == "0")
        #expect(RecordChart.text(53.666_666) == "53.67")
    }
}
