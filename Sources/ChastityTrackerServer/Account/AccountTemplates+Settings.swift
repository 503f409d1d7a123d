extension AccountTemplates {
    /// The settings page: change the password, change the time zone, delete the account.
    static let settings = """
        {{% CONTENT_TYPE: HTML_BYTES }}
        {{<layout}}
        {{$title}}Settings{{/title}}
        {{$body}}
        <h1>Settings</h1>
        {{#saved}}
        <p class="notice" role="status">{{saved}}</p>
        {{/saved}}
        <section>
        <h2>Password</h2>
        <form method="post" action="/account/settings/password">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="current">Current password</label>
        <input id="current" name="current" type="password" autocomplete="current-password" required>
        {{#currentError}}<p class="error" role="alert">{{currentError}}</p>{{/currentError}}
        <label for="new">New password ({{passwordRule}})</label>
        <input id="new" name="new" type="password" autocomplete="new-password" required>
        {{#newError}}<p class="error" role="alert">{{newError}}</p>{{/newError}}
        <label for="confirm-password">New password again</label>
        <input id="confirm-password" name="confirm" type="password" autocomplete="new-password" required>
        {{#confirmError}}<p class="error" role="alert">{{confirmError}}</p>{{/confirmError}}
        <button type="submit">Change password</button>
        </form>
        <p>Changing it signs out every other browser.</p>
        </section>
        <section>
        <h2>Time zone</h2>
        <p>Your time zone decides which day is today for you: a record cannot be dated after it.</p>
        <form method="post" action="/account/settings/time-zone">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="time-zone">IANA time zone, for example Europe/Berlin or UTC</label>
        <input id="time-zone" name="timeZone" value="{{timeZoneField}}" autocapitalize="none" spellcheck="false" required>
        {{#timeZoneError}}<p class="error" role="alert">{{timeZoneError}}</p>{{/timeZoneError}}
        <button type="submit">Save time zone</button>
        </form>
        </section>
        <section>
        <h2>Delete account</h2>
        <p>This deletes your account with every record and token, at once and for good: apps using your tokens stop working.</p>
        <form method="post" action="/account/settings/delete">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="confirm-name">Type your account name, {{name}}, to confirm</label>
        <input id="confirm-name" name="confirm" autocomplete="off" autocapitalize="none" spellcheck="false" required>
        <label for="delete-password">Your password</label>
        <input id="delete-password" name="password" type="password" autocomplete="current-password" required>
        {{#deleteError}}<p class="error" role="alert">{{deleteError}}</p>{{/deleteError}}
        <button type="submit" class="danger">Delete my account</button>
        </form>
        </section>
        {{/body}}
        {{/layout}}
        """
}
