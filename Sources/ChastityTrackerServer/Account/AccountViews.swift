import ChastityTrackerDomain

/// The view models the account templates render: plain values built by the handlers, so that a
/// template only places text (escaped) and never decides anything.
enum AccountViews {
    /// `sign-in`: the form, with the one failure message when there was one.
    struct SignIn {
        let signedIn = false
        var csrf: String
        var name: String
        var error: String?
        /// Where to go once signed in (a pending app request's consent page), if not the overview.
        var next: String?
    }

    /// `overview`: who is signed in, the chart of their last twelve months, their latest records.
    struct Overview {
        let signedIn = true
        var csrf: String
        var name: String
        var timeZone: String
        var chart: Chart
        /// The latest records; nil when there are none.
        var recordsTable: RecordsTable?

        init(csrf: String, name: String, timeZone: String, chart: RecordChart, latest: [Orgasm]) {
            self.csrf = csrf
            self.name = name
            self.timeZone = timeZone
            self.chart = Chart(chart)
            self.recordsTable = RecordsTable(latest)
        }
    }

    /// The overview's chart as SVG text (coordinates already written out) and as table rows.
    struct Chart {
        var title: String
        var viewBox: String
        var hasRecords: Bool
        var bars: [Bar]
        var monthLabels: [Label]
        /// The axis: its top (the tallest month's total) and its bottom line.
        var top: String
        var maximum: String
        var plotLeft: String
        var plotRight: String
        var plotTop: String
        var plotBottom: String
        var axisLabelX: String
        var monthLabelY: String
        var modes: [ModeName]
        var rows: [Row]
        var totals: [String]
        var total: String

        struct Bar {
            var mode: String
            var x: String
            var y: String
            var width: String
            var height: String
        }

        struct Label {
            var x: String
            var text: String
        }

        struct ModeName {
            var mode: String
        }

        struct Row {
            var month: String
            var counts: [String]
            var total: String
        }

        static let monthNames = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        ]

        init(_ chart: RecordChart) {
            let first = chart.months[0]
            let last = chart.months[chart.months.count - 1]
            func name(_ month: RecordChart.Month) -> String { "\(Self.monthNames[month.month - 1]) \(month.year)" }
            title = "Records per month by mode, \(name(first)) to \(name(last))"
            viewBox = "0 0 \(RecordChart.text(RecordChart.width)) \(RecordChart.text(RecordChart.height))"
            hasRecords = chart.maximum > 0
            bars = chart.bars.map {
                Bar(
                    mode: $0.mode.rawValue, x: RecordChart.text($0.x), y: RecordChart.text($0.y), width: RecordChart.text($0.width),
                    height: RecordChart.text($0.height)
                )
            }
            monthLabels = chart.months.enumerated().map { index, month in
                Label(x: RecordChart.text(RecordChart.labelX(index)), text: String(Self.monthNames[month.month - 1].prefix(3)))
            }
            top = RecordChart.text(RecordChart.plotTop)
            maximum = String(chart.maximum)
            plotLeft = RecordChart.text(RecordChart.plotLeft)
            plotRight = RecordChart.text(RecordChart.plotRight)
            plotTop = RecordChart.text(RecordChart.plotTop)
            plotBottom = RecordChart.text(RecordChart.plotBottom)
            axisLabelX = RecordChart.text(RecordChart.plotLeft - 6)
            monthLabelY = RecordChart.text(RecordChart.plotBottom + 18)
            modes = Mode.allCases.map { ModeName(mode: $0.rawValue) }
            rows = chart.months.map { Row(month: name($0), counts: $0.counts.map(String.init), total: String($0.total)) }
            totals = Mode.allCases.indices.map { mode in String(chart.months.reduce(0) { $0 + $1.counts[mode] }) }
            total = String(chart.months.reduce(0) { $0 + $1.total })
        }
    }

    /// `records-table`, the partial that writes records as a table, on the overview (the latest)
    /// and on the records page (one page of them): its rows. A page shows it only when there is
    /// a row (`{{#recordsTable}}`), and says otherwise in its own words (`{{^recordsTable}}`).
    struct RecordsTable {
        /// One row per record: the item's keys as the API writes them (``OrgasmItem``: `date`,
        /// `mode`, `public`, `type`, `grantedby`, …), each value as text: an absent text as "–",
        /// `public` as "yes" or "no". The partial `records-table` chooses the columns, so a field
        /// added to the item reaches the page by an edit of the partial alone.
        var rows: [[String: String]]

        /// The table of `orgasms`, or nil when there are none.
        init?(_ orgasms: [Orgasm]) {
            guard !orgasms.isEmpty else { return nil }
            let encoder = OrderedJSONEncoder()
            rows = orgasms.map { orgasm in
                // An item has no floating-point number, the one thing the encoder refuses.
                guard case .object(let members) = try? encoder.tree(OrgasmItem(orgasm)) else { return [:] }
                return Dictionary(uniqueKeysWithValues: members.map { ($0.key, Self.text($0.value, key: $0.key)) })
            }
        }

        private static func text(_ value: OrderedJSON, key: String) -> String {
            switch value {
            case .null: "–"
            case .string(let text): text
            case .integer(let number) where key == OrgasmItem.CodingKeys.isPublic.stringValue: number == 0 ? "no" : "yes"
            default: value.text
            }
        }
    }

    /// `records`: the filter form, one page of the user's records, links to the other pages and
    /// the downloads.
    struct Records {
        let signedIn = true
        var csrf: String
        var from: String
        var to: String
        var modes: [Option]
        var publics: [Option]
        var error: String?
        /// The page's records; nil when none match.
        var recordsTable: RecordsTable?
        var summary: String?
        var empty: String?
        var previous: String?
        var next: String?
        var hasPages = false

        struct Option {
            var value: String
            var label: String
            var selected: Bool
        }
    }

    /// `tokens`: every token of the user, the create form, and a secret to show once.
    struct Tokens {
        let signedIn = true
        var csrf: String
        var rows: [Row]
        // Stored, not computed: templates see stored properties only (they read values by reflection).
        var hasTokens: Bool
        var newToken: NewToken?
        var label: String = ""
        var labelError: String?
        var permissionError: String?
        var apps: [App] = []
        var hasApps = false

        /// A connected app (an OAuth grant), with its Disconnect form.
        struct App {
            var grant: Int64
            var name: String
            var scope: String
            var connected: String
            var lastUsed: String
        }

        struct Row {
            var id: Int64
            var label: String
            var permission: String
            var created: String
            var lastUsed: String
            var revoked: String?
        }

        struct NewToken {
            var heading: String
            var secret: String
        }

        init(csrf: String, tokens: [TokenInfo]) {
            self.csrf = csrf
            self.rows = tokens.map {
                Row(
                    id: $0.id, label: $0.label.isEmpty ? "(no label)" : $0.label, permission: $0.permission.rawValue,
                    created: Self.minutes($0.created), lastUsed: $0.lastUsed.map(Self.minutes) ?? "never",
                    revoked: $0.revoked.map(Self.minutes)
                )
            }
            self.hasTokens = !rows.isEmpty
        }

        /// The page with the person's connected apps listed too.
        init(csrf: String, tokens: [TokenInfo], apps: [ConnectedApp]) {
            self.init(csrf: csrf, tokens: tokens)
            self.apps = apps.map {
                App(
                    grant: $0.grantID, name: $0.clientName, scope: $0.scope.rawValue, connected: Self.minutes($0.connected),
                    lastUsed: $0.lastUsed.map(Self.minutes) ?? "never")
            }
            self.hasApps = !self.apps.isEmpty
        }

        /// `YYYY-MM-DD HH:MM` in UTC.
        static func minutes(_ instant: Timestamp) -> String { String(instant.description.prefix(16)) }
    }

    /// `authorize-continue`: the step from an app's request to its consent page on this site (see
    /// ``OAuthController``), followed at once by the browser.
    struct Continue {
        let signedIn = false
        var location: String
    }

    /// `consent`: what an app asks for, with Approve and Deny.
    struct Consent {
        let signedIn = true
        var csrf: String
        var name: String
        var app: String
        var scopeText: String
        var destination: String
        /// The pending request's id, sent back with the decision.
        var requestID: String
    }

    /// `message`: a short page for refusals (CSRF, throttling, a missing token).
    struct Message {
        var signedIn = false
        var csrf = ""
        var heading: String
        var text: String
        var link: String
        var linkText: String
    }
}
