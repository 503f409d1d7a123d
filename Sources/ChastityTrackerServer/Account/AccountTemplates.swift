/// The account pages' templates (mustache, HTML-escaped by default) and stylesheet, compiled into
/// the binary so there is nothing to install. Templates hold no rule and no query: each renders
/// one view model built by a handler.
enum AccountTemplates {
    /// Every template by name; pages fill the `layout`'s `title` and `body` blocks.
    static let all: [String: String] = [
        "layout": layout, "sign-in": signIn, "overview": overview, "tokens": tokens, "message": message, "settings": settings,
    ]

    static let layout = """
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
        {{<layout}}
        {{$title}}Overview{{/title}}
        {{$body}}
        <h1>{{name}}</h1>
        <dl>
        <dt>Time zone</dt>
        <dd>{{timeZone}}</dd>
        </dl>
        <p><a href="/account/tokens">Your tokens</a>: see which apps can read or write your record, and revoke or regenerate them.</p>
        {{/body}}
        {{/layout}}
        """

    static let tokens = """
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
        <td>{{label}}</td>
        <td>{{permission}}</td>
        <td>{{created}}</td>
        <td>{{lastUsed}}</td>
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

    static let message = """
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
          tr { padding: 0.5rem 0; border-bottom: 1px solid var(--line); }
        }

        """
}
