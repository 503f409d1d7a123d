"""Hooks of scripts/schemathesis (loaded through scripts/schemathesis.toml): each shapes what
schemathesis sends where the document cannot state a rule, and says why."""

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
    return case
