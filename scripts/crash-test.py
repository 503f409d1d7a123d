"""The crash test's client (scripts/crash-test runs it): writes through a live server while it is
killed with SIGKILL, and checks what the database holds after each restart.

    crash-test.py --binary PATH --database DB --cycles N --seed S --workdir DIR

Each cycle starts `serve` (its own process group), runs six writers for a random 0.5-2.5 s
(single inserts, batches of 2 to 5 items, PATCHes and DELETEs of items they own), kills the server
with SIGKILL at that random moment, starts it again and checks:
- every acknowledged write is there exactly as acknowledged (an insert's item with all its
  fields, a PATCH's new fields, a DELETE's absence);
- a write whose answer was lost in the kill is there entirely or not at all: a batch has all of
  its items or none, an unanswered PATCH left the item as before or as asked;
- nothing else is there (no item nobody wrote);
- the changes feed agrees with the table: read from the state taken before any write, the created
  and updated items are exactly the items present, and no present item is listed as destroyed;
- the webhook outbox agrees with the feed (with --webhook-port and --webhook-secret: a webhook of
  the user points at a receiver this script runs): within 45 s of the restart (a message whose
  attempt the kill cut waits for its 30 s lease) the receiver has a delivery of the feed's
  current state, every delivery is signed with the webhook's secret, and the states delivered
  never go back.
Exits non-zero with the first difference.
"""

import base64
import hashlib
import hmac
import http.server

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time


class Failed(Exception):
    pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, binary, database, workdir):
        self.binary, self.database, self.workdir = binary, database, workdir
        self.process = None
        self.port = None

    def start(self, cycle):
        self.port = free_port()
        log = open(os.path.join(self.workdir, f"serve-{cycle}.log"), "w")
        env = dict(os.environ, CT_DATABASE=self.database)
        self.process = subprocess.Popen(
            [self.binary, "serve", "--port", str(self.port), "--rate-limit", "0", "--record-quota", "0", "--log-level", "warning",
             "--webhooks-allow-private"],
            stdout=log, stderr=log, env=env, start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise Failed(f"serve exited at start (cycle {cycle}); see {log.name}")
            try:
                status, _ = request(self.port, "GET", "/readyz", None, None, timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise Failed("serve was not ready within 60 s")

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Receiver:
    """The webhook's receiver: answers 200 to every delivery and keeps (state, signed correctly)."""

    def __init__(self, port, secret):
        key = base64.b64decode(secret.removeprefix("whsec_"))
        self.deliveries, self.lock = [], threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                signed = f"{self.headers.get('webhook-id')}.{self.headers.get('webhook-timestamp')}.".encode() + body
                expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
                valid = hmac.compare_digest(expected, self.headers.get("webhook-signature", ""))
                try:
                    state = json.loads(body)["data"]["state"]
                except (ValueError, KeyError, TypeError):
                    state = None
                with receiver.lock:
                    receiver.deliveries.append((state, valid))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *arguments):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def check(self, port, token):
        """Waits for a delivery of the feed's current state; checks every signature and the order."""
        status, body = request(port, "GET", "/api/v2/orgasms/changes", token, None)
        if status != 200:
            raise Failed(f"the feed's state: {status} {body}")
        current = body["data"]["new_state"]
        deadline = time.time() + 45
        while time.time() < deadline:
            with self.lock:
                deliveries = list(self.deliveries)
            if any(state == current for state, _ in deliveries):
                break
            time.sleep(0.1)
        else:
            raise Failed(f"no webhook delivery of the feed's state {current} within 45 s (last: {deliveries[-1:] or 'none'})")
        if not all(valid for _, valid in deliveries):
            raise Failed("a webhook delivery was not signed with the webhook's secret")
        sequences = [int(state.rsplit("-", 1)[1]) for state, _ in deliveries if state]
        if any(later < earlier for earlier, later in zip(sequences, sequences[1:])):
            raise Failed(f"the states delivered went back: {sequences}")
        return len(deliveries)


def request(port, method, path, token, body, timeout=10):
    """(status, parsed JSON body); raises OSError (or http.client's errors) when the answer is lost."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        return response.status, (json.loads(payload) if payload else None)
    finally:
        connection.close()


FIELDS = ("date", "mode", "public", "type", "grantedby")


class Model:
    """What the database may hold: for each item id the acknowledged state, or a set of possible
    states when an answer was lost; batches whose answer was lost, by their tag."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items = {}  # id -> list of acceptable states (None: absent)
        self.lost_batches = {}  # tag -> size
        self.lost_inserts = set()  # tags of single inserts whose answer was lost

    def acknowledged(self, item):
        with self.lock:
            self.items[item["id"]] = [{k: item[k] for k in FIELDS}]

    def owned(self, rng, writer):
        """One of the items writer `writer` made (their type starts with its tag), known exactly:
        writers never touch each other's items, so no PATCH meets another's DELETE."""
        prefix = f"w{writer}-"
        with self.lock:
            certain = [
                i for i, states in self.items.items()
                if len(states) == 1 and states[0] is not None and (states[0]["type"] or "").startswith(prefix)
            ]
        return rng.choice(certain) if certain else None


def writer(number, port, token, model, stop, seed, errors):
    rng = random.Random(seed * 100 + number)
    counter = 0
    while not stop.is_set():
        counter += 1
        tag = f"w{number}-{seed}-{counter}"
        choice = rng.random()
        try:
            if choice < 0.4:
                item = {"date": f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}", "mode": rng.choice(["full", "ruined", "milking"]), "type": tag}
                try:
                    status, body = request(port, "POST", "/api/v2/orgasms", token, item)
                except ConnectionRefusedError:
                    continue  # the server is down: never sent
                except (OSError, http.client.HTTPException):
                    with model.lock:
                        model.lost_inserts.add(tag)
                    continue
                if status != 201:
                    errors.append(f"insert answered {status}: {body}")
                    continue
                for stored in body["data"]["items"]:
                    model.acknowledged(stored)
            elif choice < 0.6:
                size = rng.randint(2, 5)
                items = [{"date": "2026-02-02", "mode": "full", "type": f"{tag}-b{i}", "public": 1} for i in range(size)]
                try:
                    status, body = request(port, "POST", "/api/v2/orgasms", token, items)
                except ConnectionRefusedError:
                    continue
                except (OSError, http.client.HTTPException):
                    with model.lock:
                        model.lost_batches[tag] = size
                    continue
                if status != 201:
                    errors.append(f"batch answered {status}: {body}")
                    continue
                for stored in body["data"]["items"]:
                    model.acknowledged(stored)
            elif choice < 0.85:
                target = model.owned(rng, number)
                if target is None:
                    continue
                change = {"type": f"{tag}-p", "grantedby": rng.choice(["K", None])}
                with model.lock:
                    before = model.items[target][0]
                after = dict(before, **change)
                try:
                    status, body = request(port, "PATCH", f"/api/v2/orgasms?id={target}", token, change)
                except ConnectionRefusedError:
                    continue
                except (OSError, http.client.HTTPException):
                    with model.lock:
                        model.items[target] = [before, after]
                    continue
                if status != 200:
                    errors.append(f"PATCH answered {status}: {body}")
                    continue
                model.acknowledged(body["data"])
            else:
                target = model.owned(rng, number)
                if target is None:
                    continue
                with model.lock:
                    before = model.items[target][0]
                try:
                    status, body = request(port, "DELETE", f"/api/v2/orgasms?id={target}", token, None)
                except ConnectionRefusedError:
                    continue
                except (OSError, http.client.HTTPException):
                    with model.lock:
                        model.items[target] = [before, None]
                    continue
                if status != 200:
                    errors.append(f"DELETE answered {status}: {body}")
                    continue
                with model.lock:
                    model.items[target] = [None]
        except Exception as error:  # a bug of this script, not of the server
            errors.append(f"writer {number}: {error!r}")
            return


def everything(port, token):
    items, offset = {}, 0
    while True:
        status, body = request(port, "GET", f"/api/v2/orgasms?limit=200&offset={offset}", token, None)
        if status != 200:
            raise Failed(f"list answered {status}: {body}")
        for item in body["data"]["items"]:
            items[item["id"]] = {k: item[k] for k in FIELDS}
        offset += body["data"]["count"]
        if body["data"]["count"] == 0 or offset >= body["data"]["total"]:
            return items


def feed(port, token, since):
    created, updated, destroyed = {}, {}, set()
    state = since
    for _ in range(10_000):
        status, body = request(port, "GET", f"/api/v2/orgasms/changes?since={state}&limit=200", token, None)
        if status != 200:
            raise Failed(f"changes answered {status}: {body}")
        data = body["data"]
        for item in data["created"]:
            created[item["id"]] = {k: item[k] for k in FIELDS}
        for item in data["updated"]:
            updated[item["id"]] = {k: item[k] for k in FIELDS}
        destroyed.update(data["destroyed"])
        state = data["new_state"]
        if not data["has_more_changes"]:
            return created, updated, destroyed
    raise Failed("the feed never ended")


def check(port, token, model, start_state):
    present = everything(port, token)
    with model.lock:
        for item_id, states in model.items.items():
            state = present.get(item_id)
            if state not in states:
                raise Failed(f"item {item_id}: the database holds {state}, acknowledged {states}")
        known = set(model.items)
        batches = dict(model.lost_batches)
        inserts = set(model.lost_inserts)
    by_batch = {}
    for item_id, state in present.items():
        if item_id in known:
            continue
        tag = state["type"] or ""
        if tag in inserts:
            continue
        batch = tag.rsplit("-b", 1)[0]
        if batch in batches:
            by_batch.setdefault(batch, []).append(item_id)
            continue
        raise Failed(f"item {item_id} ({state}) was never written")
    for batch, ids in by_batch.items():
        if len(ids) != batches[batch]:
            raise Failed(f"batch {batch} is half applied: {len(ids)} of {batches[batch]} items")
    created, updated, destroyed = feed(port, token, start_state)
    listed = {**created, **updated}
    if set(listed) != set(present):
        raise Failed(f"the feed lists {len(listed)} items, the table holds {len(present)}: {sorted(set(listed) ^ set(present))[:10]}")
    for item_id, state in present.items():
        if listed[item_id] != state:
            raise Failed(f"the feed has item {item_id} as {listed[item_id]}, the table as {state}")
    if destroyed & set(present):
        raise Failed(f"present items listed as destroyed: {sorted(destroyed & set(present))[:10]}")
    # What is there now is what the next cycles start from, except what stays uncertain: on
    # PostgreSQL a COMMIT the killed server had sent may still be applied after this check, so a
    # write cut by a kill may yet appear (a batch still whole), and an uncut PATCH or DELETE's item
    # keeps both its states.
    with model.lock:
        items = {}
        for item_id, state in present.items():
            earlier = model.items.get(item_id)
            items[item_id] = earlier if earlier is not None and len(earlier) > 1 else [state]
        for item_id, states in model.items.items():
            if item_id not in present and len(states) > 1:
                items[item_id] = states
        model.items = items
    return len(present)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--webhook-port", type=int)
    parser.add_argument("--webhook-secret")
    arguments = parser.parse_args()
    receiver = Receiver(arguments.webhook_port, arguments.webhook_secret) if arguments.webhook_port else None
    rng = random.Random(arguments.seed)
    server = Server(arguments.binary, arguments.database, arguments.workdir)
    model = Model()
    try:
        server.start(0)
        status, body = request(server.port, "GET", "/api/v2/orgasms/changes", arguments.token, None)
        if status != 200:
            raise Failed(f"the feed's first state: {status} {body}")
        start_state = body["data"]["new_state"]
        for cycle in range(1, arguments.cycles + 1):
            stop, errors = threading.Event(), []
            threads = [
                threading.Thread(target=writer, args=(n, server.port, arguments.token, model, stop, arguments.seed * 1000 + cycle, errors))
                for n in range(6)
            ]
            for thread in threads:
                thread.start()
            time.sleep(rng.uniform(0.5, 2.5))
            server.kill()
            stop.set()
            for thread in threads:
                thread.join()
            if errors:
                raise Failed(f"cycle {cycle}: {errors[0]}")
            with model.lock:
                exact = sum(1 for states in model.items.values() if len(states) == 1)
                cut = sum(1 for states in model.items.values() if len(states) > 1) + len(model.lost_batches) + len(model.lost_inserts)
            server.start(cycle)
            count = check(server.port, arguments.token, model, start_state)
            delivered = f"; the webhook has the feed's state ({receiver.check(server.port, arguments.token)} deliveries)" if receiver else ""
            print(f"  cycle {cycle}: killed; {exact} items known exactly and {cut} writes cut by the kill checked; {count} items present, the feed agrees{delivered}")
        server.stop()
    except Failed as failure:
        server.stop()
        sys.exit(f"crash-test: FAILED: {failure}")
    except BaseException:
        server.stop()
        raise


if __name__ == "__main__":
    main()
