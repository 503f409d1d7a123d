"""The account pages in a real browser (headless Chromium over WebDriver), against a running server.

    account_flow.py --base-url http://127.0.0.1:PORT --user alice --screenshots DIR
    (the password comes from the CT_BROWSER_PASSWORD environment variable, never an argument)

It signs in through the form, creates tokens on /account/tokens, uses them against the API with
real HTTP requests, revokes one and regenerates another on the page and proves the API's answer
changes at once (docs/CONTRACT.md sections 3 and 12), adds a webhook on /account/webhooks that
points at a receiver of its own, sends a test and sees it arrive, signed (checked here with
Python's hmac, independently of the server's code), and its status on the page (section 14),
signs out, and saves a screenshot of each account page at a desktop and a phone width. The server
must run with --webhooks-allow-private, since the receiver is on loopback. scripts/browser-test starts the server and runs this.

With --client-id (an app registered with `clients add ... --redirect-uri http://127.0.0.1/callback`,
the server run with --public-url), it then connects that app by OAuth (section 15) as a person
would, signed out at first: from the app's own page on another site, through the consent page, to
the app's loopback redirect with code, state and iss; exchanges the code, reads with the read-scope
token and is refused a write, refreshes, disconnects the app on the tokens page, and sees the next
API call refused.
Exits non-zero with the failed check's message on any difference.
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import http.server
import json
import os
import secrets
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# The pages screenshotted after signing in, one line each: (file name, path, optional). An optional
# page answering 404 is skipped with a note (it is being built); every other page must answer 200.
# The sign-in page and the tokens page with a new token shown are shot in the flow itself.
ACCOUNT_PAGES = [
    ("overview", "/account/", False),
    ("tokens", "/account/tokens", False),
    ("records", "/account/records", False),
    ("settings", "/account/settings", False),
]

# (name, width, height, mobile): a desktop window and a phone (mobile emulation, so the page's
# viewport meta tag applies as on a phone).
SIZES = [("desktop", 1280, 900, False), ("phone", 390, 844, True)]

# A few records so that the overview is not empty: (days before today, mode, public, type, grantedby).
DEMO_RECORDS = [
    (3, "full", 1, "Stroke", None),
    (11, "ruined", 0, None, "Mistress"),
    (40, "full", 0, "Toy", None),
    (75, "milking", 0, None, None),
    (130, "dom", 0, None, None),
    (190, "full", 1, None, None),
    (260, "ted", 0, None, None),
]

ITEM_KEYS = {"id", "date", "mode", "public", "type", "grantedby", "inserted"}


def is_stale(element):
    """Whether `element` has left the document. Chromium says so either as a stale element or, when
    asked in the middle of the navigation, as "Node with given id does not belong to the
    document", which selenium's own staleness_of does not catch."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


class CheckFailed(Exception):
    """A difference between what the pages or the API did and what they must do."""


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def equal(actual, expected, what):
    if actual != expected:
        raise CheckFailed(f"{what}: expected {expected!r}, got {actual!r}")


class Api:
    """Real HTTP requests to the API (urllib, a socket of its own: not the browser)."""

    def __init__(self, base_url):
        self.base_url = base_url

    def request(self, method, path, token, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.headers, json.loads(error.read())

    def expect_unauthorized(self, token, what):
        status, headers, body = self.request("GET", "/api/v2/orgasms", token)
        equal(status, 401, f"{what}: status")
        equal(body["ok"], False, f"{what}: ok")
        equal(body["error"]["code"], "unauthorized", f"{what}: error code")
        equal(body["meta"]["version"], 2, f"{what}: meta.version")
        equal(
            headers.get("WWW-Authenticate"),
            'Bearer realm="chastitytracker", error="invalid_token"',
            f"{what}: WWW-Authenticate",
        )

    def expect_list(self, token, what):
        status, _, body = self.request("GET", "/api/v2/orgasms", token)
        equal(status, 200, f"{what}: status")
        equal(body["ok"], True, f"{what}: ok")
        return body["data"]


class Browser:
    """Headless Chromium, with the status of every page it loads read from its network log."""

    def __init__(self, base_url, driver_path, chromium_path):
        self.base_url = base_url
        options = webdriver.ChromeOptions()
        options.binary_location = chromium_path
        for argument in [
            "--headless=new",
            "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--hide-scrollbars",
            "--force-color-profile=srgb",
            "--lang=en-US",
            "--window-size=1280,900",
            "--no-first-run",
            "--disable-extensions",
        ]:
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        # The driver is Debian's chromium-driver, given by path: Selenium Manager downloads nothing.
        self.driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
        self.driver.set_page_load_timeout(20)
        self.driver.execute_cdp_cmd("Network.enable", {})

    def quit(self):
        self.driver.quit()

    def documents(self):
        """The (method, path, status) of each document response since the last call, redirects included."""
        seen = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message["method"] == "Network.requestWillBeSent" and params.get("type") == "Document":
                redirect = params.get("redirectResponse")
                if redirect:
                    seen.append(("redirect", self.path(redirect["url"]), redirect["status"]))
                seen.append(("request", params["request"]["method"], self.path(params["request"]["url"])))
            elif message["method"] == "Network.responseReceived" and params.get("type") == "Document":
                seen.append(("response", self.path(params["response"]["url"]), params["response"]["status"]))
        # Pair each response with its request: [(method, path, status), ...] in order.
        result, pending = [], []
        for kind, a, b in seen:
            if kind == "request":
                pending.append(a)
            elif pending:
                result.append((pending.pop(0), a, b))
        return result

    def path(self, url):
        return url[len(self.base_url):] if url.startswith(self.base_url) else url

    def get(self, path):
        self.documents()  # forget earlier loads
        self.driver.get(self.base_url + path)
        return self.documents()

    def submit(self, button):
        """Clicks a form's button and waits until the next page has loaded; the documents loaded."""
        self.documents()
        old = self.driver.find_element(By.TAG_NAME, "html")
        button.click()
        WebDriverWait(self.driver, 15).until(lambda _: is_stale(old))
        WebDriverWait(self.driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")
        return self.documents()

    def expect(self, loads, expected, what):
        """Checks the documents loaded; on a difference, says what the page shows."""
        if loads != expected:
            shown = " / ".join(e.text for e in self.driver.find_elements(By.CSS_SELECTOR, "main h1, main p")[:3])
            raise CheckFailed(f"{what}: expected {expected!r}, got {loads!r}; the page says: {shown!r}")

    def text(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def screenshot(self, name, directory):
        """Saves the page at each size, the whole page where it is longer than the screen."""
        for size, width, height, mobile in SIZES:
            metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            full = self.driver.execute_script("return document.documentElement.scrollHeight")
            if full > height:
                self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": full})
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})
            path = os.path.join(directory, f"{name}-{size}.png")
            with open(path, "wb") as file:
                file.write(base64.b64decode(shot["data"]))
            print(f"  screenshot {path}")
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def token_row(browser, label):
    rows = [
        row
        for row in browser.driver.find_elements(By.CSS_SELECTOR, "table tbody tr")
        if row.find_elements(By.TAG_NAME, "td") and row.find_elements(By.TAG_NAME, "td")[0].text == label
    ]
    equal(len(rows), 1, f"rows labelled {label!r} on the tokens page")
    return rows[0]


def row_button(row, text):
    buttons = [button for button in row.find_elements(By.TAG_NAME, "button") if button.text == text]
    equal(len(buttons), 1, f"{text} buttons in the row")
    return buttons[0]


def create_token(browser, label, permission):
    """Fills the create form; the new secret shown in id="new-token"."""
    browser.driver.find_element(By.ID, "label").send_keys(label)
    browser.driver.find_element(By.CSS_SELECTOR, f'#permission option[value="{permission}"]').click()
    button = browser.driver.find_element(By.XPATH, '//form[@action="/account/tokens"]//button[text()="Create"]')
    browser.expect(browser.submit(button), [("POST", "/account/tokens", 201)], f"creating token {label!r}")
    equal(browser.text("section.secret h2"), "Your new token", "the new token's heading")
    check(
        "it will not be shown again" in browser.text("section.secret"),
        "the new token's note says it will not be shown again",
    )
    secret = browser.text("#new-token")
    check(secret.startswith("ct_") and len(secret) > 20, f"the new token has the ct_ prefix and some length ({len(secret)})")
    row = token_row(browser, label)
    cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
    equal(cells[1], permission, f"permission of {label!r}")
    equal(cells[3], "never", f"last used of {label!r}")
    return secret


class Receiver:
    """A webhook receiver on a free loopback port: records every POST (headers, body), answers 204."""

    def __init__(self):
        self.deliveries = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.deliveries.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait(self, count, seconds=15):
        deadline = time.time() + seconds
        while time.time() < deadline and len(self.deliveries) < count:
            time.sleep(0.1)
        return self.deliveries

    def close(self):
        self.server.shutdown()


def verify_standard_webhook(secret, headers, body):
    """The Standard Webhooks check, written from the specification: HMAC-SHA256 with the base64 key
    after whsec_ over "id.timestamp.body", one of the space-separated v1 signatures, and a
    timestamp within five minutes."""
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        check(headers.get(name), f"the delivery has a {name} header")
    timestamp = headers["webhook-timestamp"]
    check(abs(time.time() - int(timestamp)) <= 300, f"the webhook-timestamp {timestamp} is within five minutes")
    key = base64.b64decode(secret[len("whsec_"):])
    signed = f"{headers['webhook-id']}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    given = [part.split(",", 1)[1] for part in headers["webhook-signature"].split(" ") if part.startswith("v1,")]
    check(any(hmac.compare_digest(expected, signature) for signature in given), "a v1 signature matches the body")


def webhook_flow(browser, screenshots):
    """Adds a webhook on the page, sends a test, and sees it arrive signed and its status shown."""
    receiver = Receiver()
    try:
        browser.expect(browser.get("/account/webhooks"), [("GET", "/account/webhooks", 200)], "the webhooks page")
        equal(browser.text("main h1"), "Webhooks", "webhooks page heading")
        browser.driver.find_element(By.ID, "url").send_keys(receiver.url)
        button = browser.driver.find_element(By.XPATH, '//form[@action="/account/webhooks"]//button[text()="Add"]')
        browser.expect(browser.submit(button), [("POST", "/account/webhooks", 201)], "adding a webhook")
        secret = browser.text("#new-secret")
        check(secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32, "the signing secret is whsec_ and 32 bytes")
        rows = browser.driver.find_elements(By.CSS_SELECTOR, "table tbody tr")
        equal(len(rows), 1, "webhooks listed")
        equal(rows[0].find_elements(By.TAG_NAME, "td")[0].text, receiver.url, "the webhook's URL")

        print("send a test to the webhook")
        browser.expect(
            browser.submit(row_button(rows[0], "Send test")),
            [("POST", "/account/webhooks/test", 303), ("GET", "/account/webhooks", 200)],
            "sending a test",
        )
        deliveries = receiver.wait(1)
        equal(len(deliveries), 1, "test deliveries received")
        headers, body = deliveries[0]
        verify_standard_webhook(secret, headers, body)
        message = json.loads(body)
        equal(message["type"], "webhook.test", "the test message's type")
        check("-" in message["data"]["state"], "the test message carries the feed's state")

        # The delivery is recorded a moment after the receiver answered: reload until it shows.
        deadline = time.time() + 15
        status = ""
        while time.time() < deadline:
            browser.expect(browser.get("/account/webhooks"), [("GET", "/account/webhooks", 200)], "the webhooks page again")
            status = browser.text("td.delivery")
            if "delivered" in status:
                break
            time.sleep(0.3)
        check(status.endswith("delivered (HTTP 204)"), f"the page shows the test's delivery (got {status!r})")
        browser.screenshot("webhooks", screenshots)
    finally:
        receiver.close()


class App:
    """The app's side of OAuth on a free loopback port: its start page (served as `localhost`, another
    site than the server's 127.0.0.1) links to the authorization request, and its redirect URI
    (`http://127.0.0.1:PORT/callback`) records the query it is sent."""

    def __init__(self, base_url, client_id):
        self.callbacks = []
        self.verifier = secrets.token_urlsafe(32)
        self.state = secrets.token_urlsafe(16)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest()).rstrip(b"=").decode()
        app = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path.startswith("/callback"):
                    app.callbacks.append(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query))
                    page = b"<!doctype html><title>Connected</title><h1>Connected</h1>"
                else:
                    link = f'<a id="connect" href="{app.authorize_url}">Connect your Chastity Tracker</a>'
                    page = f"<!doctype html><title>Diary App</title><h1>Diary App</h1><p>{link}</p>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *_):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        port = self.server.server_address[1]
        self.redirect_uri = f"http://127.0.0.1:{port}/callback"
        self.start_url = f"http://localhost:{port}/start"
        query = urllib.parse.urlencode(
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": self.redirect_uri,
                "scope": "read",
                "state": self.state,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        self.authorize_url = f"{base_url}/oauth/authorize?{query}"

    def close(self):
        self.server.shutdown()


def token_request(base_url, fields):
    """POSTs a form to /oauth/token: (status, headers, JSON body)."""
    request = urllib.request.Request(base_url + "/oauth/token", data=urllib.parse.urlencode(fields).encode(), method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def oauth_flow(browser, api, arguments, password):
    """Connects the app by OAuth from signed out, uses, refreshes and disconnects it (section 15)."""
    base_url = arguments.base_url
    app = App(base_url, arguments.client_id)
    try:
        print("an app asks to connect: from its own page on another site")
        browser.driver.get(app.start_url)
        link = browser.driver.find_element(By.ID, "connect")
        browser.documents()
        link.click()
        # The step page moves on by itself (a <meta> refresh): wait for where it leads.
        WebDriverWait(browser.driver, 15).until(lambda d: "/account/sign-in" in d.current_url)
        WebDriverWait(browser.driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")
        loads = browser.documents()
        request_path = [path for _, path, _ in loads if path.startswith("/account/authorize?request=")]
        check(len(request_path) == 1, f"the step page leads to the consent page's request id (got {loads!r})")
        consent_path = request_path[0]
        browser.expect(
            loads,
            [
                ("GET", app.authorize_url[len(base_url):], 200),
                ("GET", consent_path, 303),
                ("GET", "/account/sign-in?next=" + urllib.parse.quote(consent_path, safe="/"), 200),
            ],
            "the app's request while signed out",
        )
        equal(browser.text("h1"), "Sign in", "signed out: the sign-in page first")

        print("sign in: back to the consent page")
        browser.driver.find_element(By.ID, "name").send_keys(arguments.user)
        browser.driver.find_element(By.ID, "password").send_keys(password)
        button = browser.driver.find_element(By.XPATH, '//form[@action="/account/sign-in"]//button')
        browser.expect(browser.submit(button), [("POST", "/account/sign-in", 303), ("GET", consent_path, 200)], "signing in to connect")
        equal(browser.text("main h1"), "Connect Diary App?", "the consent page names the app")
        page = browser.text("main")
        check("127.0.0.1" in page, "the consent page shows the redirect's host")
        check("read your records" in page, "the consent page shows the scope")
        browser.screenshot("consent", arguments.screenshots)

        print("approve: the app's loopback redirect gets code, state and iss")
        button = browser.driver.find_element(By.XPATH, '//form[@action="/account/authorize"]//button[text()="Approve"]')
        loads = browser.submit(button)
        equal(loads[0][:2], ("POST", "/account/authorize"), "the approval's request")
        equal(loads[0][2], 303, "the approval's status")
        equal(browser.text("h1"), "Connected", "the app's redirect page")
        equal(len(app.callbacks), 1, "redirects the app received")
        callback = app.callbacks[0]
        equal(callback.get("state"), [app.state], "the redirect's state")
        equal(callback.get("iss"), [base_url], "the redirect's iss")
        code = callback["code"][0]

        print("exchange the code")
        status, headers, tokens = token_request(
            base_url,
            {"grant_type": "authorization_code", "code": code, "redirect_uri": app.redirect_uri, "client_id": arguments.client_id, "code_verifier": app.verifier},
        )
        equal(status, 200, "the exchange's status")
        equal(headers.get("Cache-Control"), "no-store", "the exchange's Cache-Control")
        equal((tokens["token_type"], tokens["expires_in"], tokens["scope"]), ("Bearer", 3600, "read"), "the exchange's token type, lifetime and scope")
        access = tokens["access_token"]
        api.expect_list(access, "GET with the app's read token")
        status, _, body = api.request("POST", "/api/v2/orgasms", access, {"date": datetime.date.today().isoformat(), "mode": "full"})
        equal((status, body["error"]["code"]), (403, "forbidden"), "POST with the app's read token")

        print("refresh")
        status, _, refreshed = token_request(
            base_url, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": arguments.client_id}
        )
        equal(status, 200, "the refresh's status")
        check(refreshed["refresh_token"] != tokens["refresh_token"], "the refresh token rotates")
        api.expect_list(refreshed["access_token"], "GET with the refreshed token")

        print("disconnect the app on the tokens page")
        browser.expect(browser.get("/account/tokens"), [("GET", "/account/tokens", 200)], "the tokens page with the app")
        rows = browser.driver.find_elements(By.XPATH, '//form[@action="/account/apps/disconnect"]/ancestor::tr')
        equal(len(rows), 1, "connected apps listed")
        cells = [cell.text for cell in rows[0].find_elements(By.TAG_NAME, "td")]
        equal((cells[0], cells[1]), ("Diary App", "read"), "the connected app's name and scope")
        check(cells[3] != "never", f"the app's last use is shown (got {cells[3]!r})")
        browser.screenshot("tokens-connected-app", arguments.screenshots)
        browser.expect(
            browser.submit(row_button(rows[0], "Disconnect")),
            [("POST", "/account/apps/disconnect", 303), ("GET", "/account/tokens", 200)],
            "disconnecting",
        )
        check("No app is connected." in browser.text("main"), "the app is gone from the tokens page")
        api.expect_unauthorized(refreshed["access_token"], "GET with the disconnected app's token")

        print("signed in, from the app's page on another site: the step page leads straight to the consent page; deny")
        browser.driver.get(app.start_url)
        link = browser.driver.find_element(By.ID, "connect")
        browser.documents()
        link.click()
        # The session cookie is SameSite=Strict: it is left out of the cross-site request, and sent
        # with the step page's same-site navigation, so the consent page shows without a sign-in.
        WebDriverWait(browser.driver, 15).until(lambda d: "/account/authorize?request=" in d.current_url)
        WebDriverWait(browser.driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")
        loads = browser.documents()
        equal([(method, status) for method, _, status in loads], [("GET", 200), ("GET", 200)], "the step page, then the consent page")
        equal(browser.text("main h1"), "Connect Diary App?", "the consent page, signed in")
        button = browser.driver.find_element(By.XPATH, '//form[@action="/account/authorize"]//button[text()="Deny"]')
        browser.submit(button)
        equal(len(app.callbacks), 2, "redirects the app received")
        denied = app.callbacks[1]
        equal((denied.get("error"), denied.get("state"), denied.get("iss")), (["access_denied"], [app.state], [base_url]), "the denial's error, state and iss")
        check("code" not in denied, "a denial carries no code")
    finally:
        app.close()


def run(arguments, password):
    os.makedirs(arguments.screenshots, exist_ok=True)
    api = Api(arguments.base_url)
    browser = Browser(arguments.base_url, arguments.driver, arguments.chromium)
    try:
        print("sign-in page")
        browser.expect(browser.get("/account/"), [("GET", "/account/", 303), ("GET", "/account/sign-in", 200)], "the overview without a session")
        equal(browser.text("h1"), "Sign in", "sign-in heading")
        browser.screenshot("sign-in", arguments.screenshots)

        print("sign in")
        browser.driver.find_element(By.ID, "name").send_keys(arguments.user)
        browser.driver.find_element(By.ID, "password").send_keys(password)
        button = browser.driver.find_element(By.XPATH, '//form[@action="/account/sign-in"]//button')
        browser.expect(browser.submit(button), [("POST", "/account/sign-in", 303), ("GET", "/account/", 200)], "signing in")
        equal(browser.text("main h1"), arguments.user, "overview heading (the user's name)")

        print("create a read token and a write token")
        browser.expect(browser.get("/account/tokens"), [("GET", "/account/tokens", 200)], "the tokens page")
        check(browser.driver.find_elements(By.ID, "new-token") == [], "no secret on the tokens page before one is created")
        backup_secret = create_token(browser, "Backup script", "read")
        phone_secret = create_token(browser, "Phone app", "write")
        check(phone_secret != backup_secret, "two tokens have different secrets")
        browser.screenshot("tokens-new-token", arguments.screenshots)

        print("use the write token against the API")
        today = datetime.date.today()
        item = {"date": (today - datetime.timedelta(days=1)).isoformat(), "mode": "full", "type": "Stroke"}
        status, headers, body = api.request("POST", "/api/v2/orgasms", phone_secret, item)
        equal(status, 201, "POST /api/v2/orgasms with the new write token: status")
        equal(body["ok"], True, "POST: ok")
        equal(body["meta"]["version"], 2, "POST: meta.version")
        equal(body["data"]["count"], 1, "POST: data.count")
        created = body["data"]["items"][0]
        equal(set(created), ITEM_KEYS, "POST: the item's keys")
        equal(
            (created["date"], created["mode"], created["public"], created["type"], created["grantedby"]),
            (item["date"], "full", 0, "Stroke", None),
            "POST: the item",
        )
        equal(headers.get("Location"), f"/api/v2/orgasms.php?id={created['id']}", "POST: Location")
        records = [
            {"date": (today - datetime.timedelta(days=days)).isoformat(), "mode": mode, "public": public, "type": kind, "grantedby": by}
            for days, mode, public, kind, by in DEMO_RECORDS
        ]
        status, _, body = api.request("POST", "/api/v2/orgasms", phone_secret, records)
        equal(status, 201, "POST of the demo records: status")
        equal(body["data"]["count"], len(records), "POST of the demo records: data.count")
        equal(api.expect_list(backup_secret, "GET with the read token")["total"], len(records) + 1, "records listed")

        for name, path, optional in ACCOUNT_PAGES:
            print(f"page {path}")
            loads = browser.get(path)
            if optional and loads == [("GET", path, 404)]:
                print(f"  skipped: {path} answers 404 (not built yet)")
                continue
            browser.expect(loads, [("GET", path, 200)], f"GET {path}")
            if path == "/account/":
                charts = browser.driver.find_elements(By.CSS_SELECTOR, 'svg[role="img"]')
                equal(len(charts), 1, "the overview's chart")
            if path == "/account/records":
                rows = browser.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
                equal(len(rows), len(records) + 1, "the records page lists every record")
            browser.screenshot(name, arguments.screenshots)

        browser.expect(browser.get("/account/tokens"), [("GET", "/account/tokens", 200)], "the tokens page again")
        equal(browser.text("main h1"), "Tokens", "tokens page heading")
        check(browser.driver.find_elements(By.ID, "new-token") == [], "the secret is not shown again on the next load")
        last_used = token_row(browser, "Phone app").find_elements(By.TAG_NAME, "td")[3].text
        check(last_used != "never", f"the write token's last use is shown after using it (got {last_used!r})")

        print("revoke the write token on the page")
        row = token_row(browser, "Phone app")
        browser.expect(
            browser.submit(row_button(row, "Revoke")),
            [("POST", "/account/tokens/revoke", 303), ("GET", "/account/tokens", 200)],
            "revoking",
        )
        row = token_row(browser, "Phone app")
        check(row.find_elements(By.TAG_NAME, "button") == [], "a revoked token's row has no buttons")
        check(row.find_elements(By.TAG_NAME, "td")[4].text.startswith("revoked "), "the row says revoked")
        api.expect_unauthorized(phone_secret, "GET with the revoked token")
        status, _, body = api.request("POST", "/api/v2/orgasms", phone_secret, item)
        equal((status, body["error"]["code"]), (401, "unauthorized"), "POST with the revoked token")

        print("regenerate the read token on the page")
        equal(api.expect_list(backup_secret, "GET with the read token before regenerating")["total"], len(records) + 1, "total")
        row = token_row(browser, "Backup script")
        browser.expect(browser.submit(row_button(row, "Regenerate")), [("POST", "/account/tokens/regenerate", 200)], "regenerating")
        equal(browser.text("section.secret h2"), "New secret for Backup script", "the regenerated token's heading")
        new_secret = browser.text("#new-token")
        check(new_secret.startswith("ct_") and new_secret != backup_secret, "regenerating gives a different ct_ secret")
        api.expect_unauthorized(backup_secret, "GET with the old secret after regenerating")
        equal(api.expect_list(new_secret, "GET with the new secret")["total"], len(records) + 1, "total with the new secret")

        print("add a webhook on the page")
        webhook_flow(browser, arguments.screenshots)

        print("sign out")
        button = browser.driver.find_element(By.XPATH, '//form[@action="/account/sign-out"]//button')
        browser.expect(browser.submit(button), [("POST", "/account/sign-out", 303), ("GET", "/account/sign-in", 200)], "signing out")
        equal(browser.text("h1"), "Sign in", "heading after signing out")
        browser.expect(
            browser.get("/account/tokens"),
            [("GET", "/account/tokens", 303), ("GET", "/account/sign-in", 200)],
            "the tokens page after signing out",
        )

        if arguments.client_id:
            oauth_flow(browser, api, arguments, password)
    finally:
        browser.quit()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--screenshots", required=True, help="folder for the PNGs")
    parser.add_argument("--driver", default="/usr/bin/chromedriver")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--client-id", help="an OAuth client to connect (the server runs with --public-url)")
    arguments = parser.parse_args()
    password = os.environ.get("CT_BROWSER_PASSWORD")
    if not password:
        sys.exit("account_flow.py: set CT_BROWSER_PASSWORD to the user's password")
    # scripts/browser-test stops us with SIGTERM on its way out: quit the browser on the way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        run(arguments, password)
    except CheckFailed as failure:
        sys.exit(f"account_flow.py: FAILED: {failure}")
    print("account_flow.py: every check passed")


if __name__ == "__main__":
    main()
