/// The account pages' templates (mustache) and stylesheet, compiled into the binary so there is
/// nothing to install. Templates hold no rule and no query: each renders one view model built by
/// a handler. Each template's first line chooses byte-wise HTML escaping
/// (``ByteWiseHTMLContentType``) for itself: swift-mustache goes back to its own `HTML` escaping
/// in every partial and parent, so the layout needs the line as much as the pages.
enum AccountTemplates {
    /// Every template by name; pages fill the `layout`'s `title` and `body` blocks.
    static let all: [String: String] = [
        "layout": layout, "sign-in": signIn, "overview": overview, "tokens": tokens, "message": message, "records": records, "settings": settings,
    ]

    static let layout = """
        {{% CONTENT_TYPE: HTML_BYTES }}
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$title}}{{/title}} · Chastity Tracker</title>
        <link rel="stylesheet" href="/account/style.css">
        </head>
        <body>
        <header>
        <p class="brand">Chastity Tracker</p>
        {{#signedIn}}
        <nav>
        <a href="/account/">Overview</a>
        <a href="/account/records">Records</a>
        <a href="/account/tokens">Tokens</a>
        <a href="/account/settings">Settings</a>
        <form method="post" action="/account/sign-out">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">Sign out</button>
        </form>
        </nav>
        {{/signedIn}}
        </header>
        <main>
        {{$body}}{{/body}}
        </main>
        </body>
        </html>

        """

    static let signIn = """
        {{% CONTENT_TYPE: HTML_BYTES }}
        {{<layout}}
        {{$title}}Sign in{{/title}}
        {{$body}}
        <h1>Sign in</h1>
        {{#error}}
        <p class="error" role="alert">{{error}}</p>
        {{/error}}
        <form method="post" action="/account/sign-in">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="name">Name</label>
        <input id="name" name="name" value="{{name}}" autocomplete="username" autocapitalize="none" required>
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
        </form>
        {{/body}}
        {{/layout}}
        """

    static let overview = """
        {{% CONTENT_TYPE: HTML_BYTES }}
        {{<layout}}
        {{$title}}Overview{{/title}}
        {{$body}}
        <h1>{{name}}</h1>
        <dl>
        <dt>Time zone</dt>
        <dd>{{timeZone}}</dd>
        </dl>
        {{#chart}}
        <h2>The last twelve months</h2>
        <figure class="chart">
        <svg viewBox="{{viewBox}}" role="img" aria-labelledby="chart-title">
        <title id="chart-title">{{title}}</title>
        {{#hasRecords}}
        <line class="chart-grid" x1="{{plotLeft}}" y1="{{plotTop}}" x2="{{plotRight}}" y2="{{plotTop}}"/>
        <text class="chart-text" x="{{axisLabelX}}" y="{{plotTop}}" text-anchor="end" dominant-baseline="middle" font-size="12">{{maximum}}</text>
        {{/hasRecords}}
        <text class="chart-text" x="{{axisLabelX}}" y="{{plotBottom}}" text-anchor="end" dominant-baseline="middle" font-size="12">0</text>
        {{#bars}}
        <rect class="mode-{{mode}}" x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}"/>
        {{/bars}}
        <line class="chart-axis" x1="{{plotLeft}}" y1="{{plotBottom}}" x2="{{plotRight}}" y2="{{plotBottom}}"/>
        {{#monthLabels}}
        <text class="chart-text" x="{{x}}" y="{{monthLabelY}}" text-anchor="middle" font-size="12">{{text}}</text>
        {{/monthLabels}}
        </svg>
        <figcaption>
        <ul class="legend">
        {{#modes}}
        <li><span class="swatch mode-{{mode}}"></span>{{mode}}</li>
        {{/modes}}
        </ul>
        </figcaption>
        </figure>
        {{^hasRecords}}
        <p>No records in these twelve months.</p>
        {{/hasRecords}}
        <div class="visually-hidden">
        <table class="numbers">
        <caption>{{title}}</caption>
        <thead><tr><th scope="col">Month</th>{{#modes}}<th scope="col">{{mode}}</th>{{/modes}}<th scope="col">Total</th></tr></thead>
        <tbody>
        {{#rows}}
        <tr><th scope="row">{{month}}</th>{{#counts}}<td>{{.}}</td>{{/counts}}<td>{{total}}</td></tr>
        {{/rows}}
        </tbody>
        <tfoot><tr><th scope="row">Total</th>{{#totals}}<td>{{.}}</td>{{/totals}}<td>{{total}}</td></tr></tfoot>
        </table>
        </div>
        {{/chart}}
        <h2>Latest records</h2>
        {{#hasLatest}}
        <table>
        <thead><tr><th scope="col">Date</th><th scope="col">Mode</th><th scope="col">Public</th><th scope="col">Type</th><th scope="col">Granted by</th></tr></thead>
        <tbody>
        {{#latest}}
        <tr><td data-label="Date">{{date}}</td><td data-label="Mode">{{mode}}</td><td data-label="Public">{{isPublic}}</td><td data-label="Type">{{type}}</td><td data-label="Granted by">{{grantedBy}}</td></tr>
        {{/latest}}
        </tbody>
        </table>
        {{/hasLatest}}
        {{^hasLatest}}
        <p>You have no records yet.</p>
        {{/hasLatest}}
        <p><a href="/account/records">All your records</a>: filter them, page through them, and download them as JSON or CSV.</p>
        <p><a href="/account/tokens">Your tokens</a>: see which apps can read or write your record, and revoke or regenerate them.</p>
        {{/body}}
        {{/layout}}
        """

    static let tokens = """
        {{% CONTENT_TYPE: HTML_BYTES }}
        {{<layout}}
        {{$title}}Tokens{{/title}}
        {{$body}}
        <h1>Tokens</h1>
        {{#newToken}}
        <section class="secret">
        <h2>{{heading}}</h2>
        <p>Copy it now: it will not be shown again.</p>
        <p><code id="new-token">{{secret}}</code></p>
        </section>
        {{/newToken}}
        {{#hasTokens}}
        <table>
        <thead><tr><th scope="col">Label</th><th scope="col">Permission</th><th scope="col">Created (UTC)</th><th scope="col">Last used (UTC)</th><th scope="col">Actions</th></tr></thead>
        <tbody>
        {{#rows}}
        <tr>
        <td data-label="Label">{{label}}</td>
        <td data-label="Permission">{{permission}}</td>
        <td data-label="Created (UTC)">{{created}}</td>
        <td data-label="Last used (UTC)">{{lastUsed}}</td>
        <td>
        {{#revoked}}revoked {{revoked}}{{/revoked}}
        {{^revoked}}
        <form method="post" action="/account/tokens/revoke">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="id" value="{{id}}">
        <button type="submit">Revoke</button>
        </form>
        <form method="post" action="/account/tokens/regenerate">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="id" value="{{id}}">
        <button type="submit">Regenerate</button>
        </form>
        {{/revoked}}
        </td>
        </tr>
        {{/rows}}
        </tbody>
        </table>
        {{/hasTokens}}
        {{^hasTokens}}
        <p>You have no tokens yet.</p>
        {{/hasTokens}}
        <h2>Create a token</h2>
        <form method="post" action="/account/tokens">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="label">Label</label>
        <input id="label" name="label" value="{{label}}" maxlength="100">
        {{#labelError}}<p class="error" role="alert">{{labelError}}</p>{{/labelError}}
        <label for="permission">Permission</label>
        <select id="permission" name="permission">
        <option value="read">read: look only</option>
        <option value="write">write: add, change and delete records</option>
        </select>
        {{#permissionError}}<p class="error" role="alert">{{permissionError}}</p>{{/permissionError}}
        <button type="submit">Create</button>
        </form>
        {{/body}}
        {{/layout}}
        """

    static let records = """
        {{% CONTENT_TYPE: HTML_BYTES }}
        {{<layout}}
        {{$title}}Records{{/title}}
        {{$body}}
        <h1>Records</h1>
        <form method="get" action="/account/records" class="filters">
        {{#error}}
        <p class="error" role="alert">{{error}}</p>
        {{/error}}
        <label for="from">From</label>
        <input id="from" name="from" type="date" value="{{from}}">
        <label for="to">To</label>
        <input id="to" name="to" type="date" value="{{to}}">
        <label for="mode">Mode</label>
        <select id="mode" name="mode">
        {{#modes}}
        <option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>
        {{/modes}}
        </select>
        <label for="public">Public</label>
        <select id="public" name="public">
        {{#publics}}
        <option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>
        {{/publics}}
        </select>
        <button type="submit">Show</button>
        </form>
        {{#summary}}
        <p>{{summary}}</p>
        {{/summary}}
        {{#hasRows}}
        <table>
        <thead><tr><th scope="col">Date</th><th scope="col">Mode</th><th scope="col">Public</th><th scope="col">Type</th><th scope="col">Granted by</th></tr></thead>
        <tbody>
        {{#rows}}
        <tr><td data-label="Date">{{date}}</td><td data-label="Mode">{{mode}}</td><td data-label="Public">{{isPublic}}</td><td data-label="Type">{{type}}</td><td data-label="Granted by">{{grantedBy}}</td></tr>
        {{/rows}}
        </tbody>
        </table>
        {{/hasRows}}
        {{#empty}}
        <p>{{empty}}</p>
        {{/empty}}
        {{#hasPages}}
        <p class="pages">
        {{#previous}}<a href="{{previous}}" rel="prev">Previous page</a>{{/previous}}
        {{#next}}<a href="{{next}}" rel="next">Next page</a>{{/next}}
        </p>
        {{/hasPages}}
        <h2>Download</h2>
        <p>Your whole record, as the <code>export</code> command writes it: <a href="/account/records/export.json">JSON</a> or <a href="/account/records/export.csv">CSV</a>.</p>
        {{/body}}
        {{/layout}}
        """

    static let message = """
        {{% CONTENT_TYPE: HTML_BYTES }}
        {{<layout}}
        {{$title}}{{heading}}{{/title}}
        {{$body}}
        <h1>{{heading}}</h1>
        <p>{{text}}</p>
        <p><a href="{{link}}">{{linkText}}</a></p>
        {{/body}}
        {{/layout}}
        """

    /// The one stylesheet: readable on a phone, dark when the system is.
    static let stylesheet = """
        :root { color-scheme: light dark; --fg: #1b1b1f; --bg: #fafafa; --muted: #5f6068; --line: #d0d0d7; --accent: #2952cc; --error: #b3261e; }
        @media (prefers-color-scheme: dark) {
          :root { --fg: #e6e6ea; --bg: #16161a; --muted: #a4a4ad; --line: #3a3a42; --accent: #8fa8ff; --error: #ff8a80; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
        header, main { max-width: 48rem; margin: 0 auto; padding: 0.75rem 1rem; }
        header { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; justify-content: space-between; border-bottom: 1px solid var(--line); }
        .brand { margin: 0; font-weight: 600; }
        nav { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; }
        a { color: var(--accent); }
        label { display: block; margin-top: 0.75rem; }
        input, select, button { font: inherit; color: inherit; }
        input, select { width: 100%; max-width: 24rem; padding: 0.4rem; border: 1px solid var(--line); border-radius: 4px; background: transparent; }
        button { margin-top: 0.75rem; padding: 0.4rem 0.9rem; border: 1px solid var(--accent); border-radius: 4px; background: transparent; color: var(--accent); cursor: pointer; }
        td form, nav form { display: inline; }
        td button, nav button { margin: 0.1rem 0; }
        .error { color: var(--error); }
        .secret { padding: 0.75rem; border: 2px solid var(--accent); border-radius: 6px; }
        .notice { padding: 0.5rem 0.75rem; border-left: 4px solid var(--accent); }
        button.danger { border-color: var(--error); color: var(--error); }
        code { overflow-wrap: anywhere; font-size: 0.95rem; }
        table { width: 100%; border-collapse: collapse; }
        th, td { padding: 0.4rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        @media (max-width: 40rem) {
          thead { display: none; }
          tr, td { display: block; border: 0; padding: 0.15rem 0; }
          td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); }
          tr { padding: 0.5rem 0; border-bottom: 1px solid var(--line); }
          .numbers thead { display: table-header-group; }
          .numbers tr { display: table-row; }
          .numbers td { display: table-cell; }
        }
        :root { --mode-full: #2952cc; --mode-ruined: #c2410c; --mode-milking: #0f766e; --mode-dom: #7e22ce; --mode-ted: #a16207; }
        @media (prefers-color-scheme: dark) {
          :root { --mode-full: #8fa8ff; --mode-ruined: #fb923c; --mode-milking: #2dd4bf; --mode-dom: #c084fc; --mode-ted: #facc15; }
        }
        .mode-full { fill: var(--mode-full); background: var(--mode-full); }
        .mode-ruined { fill: var(--mode-ruined); background: var(--mode-ruined); }
        .mode-milking { fill: var(--mode-milking); background: var(--mode-milking); }
        .mode-dom { fill: var(--mode-dom); background: var(--mode-dom); }
        .mode-ted { fill: var(--mode-ted); background: var(--mode-ted); }
        .chart { margin: 0; }
        .chart svg { display: block; width: 100%; height: auto; }
        .chart-text { fill: var(--muted); }
        .chart-axis, .chart-grid { stroke: var(--line); stroke-width: 1; }
        .legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; margin: 0.5rem 0; padding: 0; list-style: none; }
        .swatch { display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.35rem; border-radius: 2px; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
        .pages { display: flex; gap: 1rem; }

        """
}
