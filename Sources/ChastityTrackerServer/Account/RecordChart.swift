import ChastityTrackerDomain

/// The overview's chart: a user's records per month over twelve months (the month of "today" in
/// their time zone and the eleven before it), one stacked bar per month with a segment per mode,
/// as rectangles in the coordinates of an SVG drawing. The page draws them and gives the same
/// numbers as a table.
struct RecordChart: Sendable, Equatable {
    /// The drawing's size in SVG user units (its `viewBox`); the page scales it to its width.
    static let width = 600.0
    static let height = 240.0
    /// The plot area: room on the left for the axis numbers and below for the month names.
    static let plotLeft = 40.0
    static let plotRight = 592.0
    static let plotTop = 12.0
    static let plotBottom = 212.0
    /// The share of a month's slot its bar takes.
    static let barShare = 0.6

    /// One month: its counts per mode, in `Mode.allCases` order.
    struct Month: Sendable, Equatable {
        var year: Int
        var month: Int
        var counts: [Int]

        var total: Int { counts.reduce(0, +) }
    }

    /// One segment of a stacked bar.
    struct Bar: Sendable, Equatable {
        var mode: Mode
        /// The month it belongs to, an index into ``months``.
        var month: Int
        var x: Double
        var y: Double
        var width: Double
        var height: Double
    }

    /// The twelve months, oldest first.
    let months: [Month]
    /// The tallest month's total (the top of the axis), 0 without records.
    let maximum: Int
    /// The segments with a count above zero, month by month, each month's stacked from the
    /// bottom in `Mode.allCases` order; the tallest month reaches the top of the plot.
    let bars: [Bar]

    /// The chart of the twelve months ending with the one `today` falls in; counts outside them
    /// are ignored.
    init(today: LocalDate, counts: [MonthlyCount]) {
        var months = Self.months(endingAt: today).map {
            Month(year: $0.year, month: $0.month, counts: Array(repeating: 0, count: Mode.allCases.count))
        }
        for count in counts {
            guard let index = months.firstIndex(where: { $0.year == count.year && $0.month == count.month }),
                let mode = Mode.allCases.firstIndex(of: count.mode)
            else { continue }
            months[index].counts[mode] += count.count
        }
        let maximum = months.map(\.total).max() ?? 0
        var bars: [Bar] = []
        if maximum > 0 {
            let slot = (Self.plotRight - Self.plotLeft) / Double(months.count)
            let width = slot * Self.barShare
            let scale = (Self.plotBottom - Self.plotTop) / Double(maximum)
            for (index, month) in months.enumerated() {
                let x = Self.plotLeft + Double(index) * slot + (slot - width) / 2
                var stacked = 0
                for (mode, count) in zip(Mode.allCases, month.counts) where count > 0 {
                    // From the stacked counts rather than by adding heights, so that the top of
                    // the tallest bar is exactly the top of the plot.
                    let bottom = Self.plotBottom - Double(stacked) * scale
                    stacked += count
                    let top = Self.plotBottom - Double(stacked) * scale
                    bars.append(Bar(mode: mode, month: index, x: x, y: top, width: width, height: bottom - top))
                }
            }
        }
        self.months = months
        self.maximum = maximum
        self.bars = bars
    }

    /// The twelve months ending with the one `today` falls in, oldest first.
    static func months(endingAt today: LocalDate) -> [(year: Int, month: Int)] {
        (0..<12).reversed().map { back in
            let index = today.year * 12 + (today.month - 1) - back
            return (index / 12, index % 12 + 1)
        }
    }

    /// The first and last day of the twelve months ending with the one `today` falls in.
    static func range(endingAt today: LocalDate) -> (from: LocalDate, to: LocalDate) {
        let first = months(endingAt: today)[0]
        // The day before the next month starts; December ends on the 31st (and 9999 has no next year).
        let last =
            today.month == 12
            ? LocalDate(year: today.year, month: 12, day: 31)!
            : LocalDate(daysSinceEpoch: LocalDate(year: today.year, month: today.month + 1, day: 1)!.daysSinceEpoch - 1)!
        // Before year 1 there are no dates; the range starts at the earliest one.
        return (LocalDate(year: first.year, month: first.month, day: 1) ?? LocalDate(year: 1, month: 1, day: 1)!, last)
    }

    /// The x at the middle of month `index`'s slot, where its name goes.
    static func labelX(_ index: Int) -> Double {
        plotLeft + (Double(index) + 0.5) * (plotRight - plotLeft) / 12
    }

    /// A coordinate as SVG text: at most two decimals, no trailing zeros.
    static func text(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let whole = String(hundredths / 100)
        let fraction = hundredths % 100
        guard fraction != 0 else { return whole }
        return fraction % 10 == 0 ? "\(whole).\(fraction / 10)" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
