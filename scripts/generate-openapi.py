import json
# Every error answer is described once, under components/responses, and referenced by name.
error_responses = {}
def err(desc):
    name = desc.split(":")[0].split(" ")[0]
    error_responses[name] = {"description": desc, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}}
    return {"$ref": f"#/components/responses/{name}"}
def ok(desc, data_ref):
    return {"description": desc, "content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/SuccessEnvelope"}, {"type": "object", "properties": {"data": data_ref}}]}}}}
common_errors = {
    "400": err("validation_error or invalid_json"),
    "401": err("unauthorized: token missing, malformed, unknown or revoked"),
    "429": err("rate_limited"),
    "500": err("internal_error"),
    "503": err("unavailable: the database cannot be reached"),
}
write_errors = dict(common_errors)
write_errors.update({"403": err("forbidden: the token may only read"), "413": err("payload_too_large"), "415": err("unsupported_media_type")})
id_param = {"name": "id", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 1}}
item_fields = {
    "date": {"type": "string", "format": "date", "description": "YYYY-MM-DD; not later than today in the owner's time zone, not earlier than the configured earliest date"},
    "mode": {"$ref": "#/components/schemas/Mode"},
    "public": {"oneOf": [{"type": "integer", "enum": [0, 1]}, {"type": "boolean"}], "default": 0},
    "type": {"type": ["string", "null"], "maxLength": 100},
    "grantedby": {"type": ["string", "null"], "maxLength": 50},
}
doc = {
  "openapi": "3.1.0",
  "info": {"title": "Chastity Tracker API v2: Orgasms", "version": "2",
           "description": "The Orgasms log of the Chastity Tracker API v2, as served by the self-hostable chastity-tracker server. Every response under /api/ except this document is the envelope {ok, data|error, meta:{version:2}}. /api/v2/orgasms is an alias of /api/v2/orgasms.php with the same operations."},
  "servers": [{"url": "/"}],
  "security": [{"bearer": []}],
  "paths": {
    "/api/v2/orgasms.php": {
      "get": {
        "operationId": "listOrDetails",
        "summary": "List the token owner's items, or one item with ?id=",
        "parameters": [
          {"name": "id", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}, "description": "Return one item; other filters are ignored"},
          {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
          {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
          {"name": "public", "in": "query", "schema": {"type": "integer", "enum": [0, 1]}},
          {"name": "mode", "in": "query", "schema": {"$ref": "#/components/schemas/Mode"}},
          {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
          {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}}
        ],
        "responses": dict({"200": ok("A page of items (or one item with ?id=)", {"oneOf": [{"$ref": "#/components/schemas/Page"}, {"$ref": "#/components/schemas/Item"}]}),
                           "304": {"description": "Not modified (If-None-Match matched the ETag)"},
                           "404": err("not_found")}, **common_errors)
      },
      "post": {
        "operationId": "insert",
        "summary": "Insert one item (number copies) or an array of 1 to 50, all or none",
        "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string", "minLength": 1, "maxLength": 255}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [
            {"$ref": "#/components/schemas/NewItem"},
            {"type": "array", "minItems": 1, "maxItems": 50, "items": {"$ref": "#/components/schemas/NewItem"}}]}}}},
        "responses": dict({"201": ok("Created", {"$ref": "#/components/schemas/Created"}),
                           "409": err("idempotency_in_progress"), "422": err("idempotency_conflict")}, **write_errors)
      },
      "patch": {
        "operationId": "update",
        "summary": "Update some fields of one item; the dom rule applies to the result",
        "parameters": [id_param],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Changes"}}}},
        "responses": dict({"200": ok("The updated item", {"$ref": "#/components/schemas/Item"}), "404": err("not_found")}, **write_errors)
      },
      "delete": {
        "operationId": "delete",
        "summary": "Delete one item",
        "parameters": [id_param],
        "responses": dict({"200": ok("Deleted", {"$ref": "#/components/schemas/Deleted"}), "404": err("not_found")}, **write_errors)
      },
      "options": {
        "operationId": "options", "security": [],
        "summary": "Allowed methods (no token needed)",
        "responses": {"204": {"description": "Allow header lists the methods"}}
      }
    },
    "/healthz": {"get": {"operationId": "health", "security": [], "summary": "Liveness and database reachability",
                         "responses": {"200": ok("Healthy", {"type": "object"}), "503": err("unavailable")}}}
  },
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A token starting with ct_, created with `chastity-tracker tokens create`"}},
    "schemas": {
      "Mode": {"type": "string", "enum": ["full", "ruined", "milking", "dom", "ted"]},
      "Item": {"type": "object", "additionalProperties": False,
               "required": ["id", "date", "mode", "public", "type", "grantedby", "inserted"],
               "properties": {"id": {"type": "integer"}, "date": {"type": "string", "format": "date"}, "mode": {"$ref": "#/components/schemas/Mode"},
                              "public": {"type": "integer", "enum": [0, 1]}, "type": {"type": ["string", "null"], "maxLength": 100},
                              "grantedby": {"type": ["string", "null"], "maxLength": 50},
                              "inserted": {"type": "string", "description": "UTC time of insertion, YYYY-MM-DD HH:MM:SS.mmm"}}},
      "NewItem": {"type": "object", "additionalProperties": False, "required": ["date", "mode"],
                  "properties": dict(item_fields, number={"type": "integer", "minimum": 1, "maximum": 50, "default": 1})},
      "Changes": {"type": "object", "additionalProperties": False, "minProperties": 1,
                  "properties": {k: (v if k not in ("date", "mode") else v) for k, v in item_fields.items()}},
      "Page": {"type": "object", "required": ["count", "total", "limit", "offset", "items"],
               "properties": {"count": {"type": "integer"}, "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"},
                              "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}},
      "Created": {"type": "object", "required": ["count", "items"],
                  "properties": {"count": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}},
      "Deleted": {"type": "object", "required": ["id", "deleted"], "properties": {"id": {"type": "integer"}, "deleted": {"const": True}}},
      "Meta": {"type": "object", "required": ["version"], "properties": {"version": {"const": 2}}},
      "SuccessEnvelope": {"type": "object", "required": ["ok", "data", "meta"],
                          "properties": {"ok": {"const": True}, "data": {}, "meta": {"$ref": "#/components/schemas/Meta"}}},
      "ErrorEnvelope": {"type": "object", "required": ["ok", "error", "meta"],
                        "properties": {"ok": {"const": False},
                                       "error": {"type": "object", "required": ["code", "message"],
                                                 "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}}},
                                       "meta": {"$ref": "#/components/schemas/Meta"}}}
    }
  }
}

doc["components"]["responses"] = error_responses
text = json.dumps(doc, indent=1, sort_keys=False)
# YAML-free: references to the same dict get duplicated by json.dumps, which is what we want.
swift = '/// The OpenAPI 3.1 description of the API, kept beside the code it describes.\n/// Generated by scripts/generate-openapi.py: edit that script, not this file.\nenum OpenAPIDocument {\n    static let json = #"""\n' + text + '\n"""#\n}\n'
open(__import__('os').path.join(__import__('os').path.dirname(__file__), '..', 'Sources/ChastityTrackerServer/HTTP/OpenAPIDocument.swift'), 'w').write(swift)
