"""Hooks of scripts/schemathesis (loaded through scripts/schemathesis.toml): each shapes what
schemathesis sends where the document cannot state a rule, and says why."""

import os
import random

import schemathesis

# The list's parameters (docs/CONTRACT.md section 5).
LIST_PARAMETERS = ("from", "to", "public", "mode", "limit", "offset")


@schemathesis.hook
def map_case(context, case):
    # With `id`, GET answers that one item and ignores the list's parameters (docs/CONTRACT.md
    # section 6): an invalid `limit` beside a valid `id` is rightly not refused. A schema cannot
    # say that one parameter is ignored when another is present, so they are sent only without
    # `id`, where they are checked.
    operation = case.operation
    if operation.method.lower() == "get" and operation.path == "/api/v2/orgasms.php" and case.query and "id" in case.query:
        for name in LIST_PARAMETERS:
            case.query.pop(name, None)
    # A random `client_id` is unknown to the server, which then answers 401 `invalid_client` before
    # looking at anything else (docs/CONTRACT.md section 15): half of the token and revocation
    # requests name the client the script registered, so that the rest of their checks run too.
    client_id = os.environ.get("CT_SCHEMATHESIS_CLIENT_ID")
    if client_id and operation.path in ("/oauth/token", "/oauth/revoke") and isinstance(case.body, dict) and "client_id" in case.body:
        if random.Random(repr(sorted(case.body.items(), key=str))).random() < 0.5:
            case.body["client_id"] = client_id
    return case
