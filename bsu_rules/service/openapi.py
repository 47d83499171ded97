"""The parts of the service's OpenAPI description: a path's request body, its answers, its errors."""

from __future__ import annotations

from typing import Any

from bsu_rules.service.http import NDJSON


def request_body(description: str, max_records: int) -> dict[str, Any]:
    """A POST's body: a record, or a list of at most ``max_records`` (the server's ``--max-records``)."""
    member = {"$ref": "#/components/schemas/Member"}
    return {"requestBody": {"required": True, "description": description + f": one JSON object or a list (at most "
                                                                           f"{max_records} records)",
                            "content": {"application/json": {"schema": {
                                "oneOf": [member, {"type": "array", "items": member, "maxItems": max_records}]}}}}}


ERROR_SCHEMA = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "record": {"type": "integer", "description": "the record's number in the request, from 1"},
        "field": {"type": "string", "description": "the field path or parameter at fault"}}}},
}
ERROR_LINE_SCHEMA = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "description": "a malformed record's line in an NDJSON answer: the error line evaluate prints",
    "properties": {"error": {"type": "object", "required": ["record", "field", "message"], "properties": {
        "record": {"type": "integer"}, "field": {"type": "string"}, "message": {"type": "string"}}}},
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_WHY = {
    400: "a query parameter missing, malformed, repeated or not one the path takes; for a POST, a body that is "
         "not JSON",
    403: "a request from a web page (its Origin) of a host the server does not answer to (host-not-allowed)",
    404: "no such edition",
    405: "a method the path does not take (e.g. GET /v1/decisions)",
    408: "over a time limit: the request's head or body did not arrive in time, or deciding took too long",
    413: "the body or the record count over the limit",
    421: "a request addressed (its Host) to a host the server does not answer to (host-not-allowed)",
    415: "a body not sent with Content-Type: application/json, or compressed (a Content-Encoding)",
    422: "a single record that is malformed, or a decision date outside the edition",
    500: "an unexpected failure, or (with --log) decisions the decision log could not take",
    503: "busy, try again (Retry-After): the service holds its most connections, or has been deciding other "
         "requests for the time limit; (with --log) the decision log cannot be written (/healthz), or was changed by "
         "another hand while the server ran (every path with a decision to log): a balancer should send no requests",
}


_HEADERS = {
    405: {"Allow": {"description": "the methods the path takes (e.g. POST)", "required": True,
                    "schema": {"type": "string"}}},
    503: {"Retry-After": {"description": "seconds to wait before trying again: given with `busy`, not with "
                                         "`log-unavailable`", "schema": {"type": "integer"}}},
}
"""The headers an error answer carries for a client to act on."""


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers of a path: these, and those every path may give (400, 403 and 421 for a request
    to another host, 405, 408 for a request head that does not arrive in time, 500, 503 when the service
    holds its most connections), with the headers a client acts on (``Allow``, ``Retry-After``)."""
    return {status: {"description": _WHY[status], "content": {"application/json": {"schema": _ERROR_REF}}}
            | ({"headers": _HEADERS[status]} if status in _HEADERS else {})
            for status in sorted({400, 403, 405, 408, 421, 500, 503, *statuses})}


def validated(operation: dict[str, Any]) -> None:
    """A GET whose answer changes only on restart, as ``http.Validated`` answers it: its 200 with an ``ETag``
    (and ``Cache-Control: no-cache``), and a ``304`` for an ``If-None-Match`` that names the tag."""
    operation.setdefault("parameters", []).append(
        {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
         "description": "an ETag this path gave (or a list of them, or `*`): answered 304 while it still holds"})
    tag = {"ETag": {"description": "the sha256 of the answer's bytes, quoted: they change only when the server "
                                   "restarts", "schema": {"type": "string"}}}
    operation["responses"]["200"].setdefault("headers", {}).update(tag)
    operation["responses"]["304"] = {"description": "Not Modified: If-None-Match named the answer's ETag (or `*`); "
                                                    "no body", "headers": tag}
    operation["responses"] = dict(sorted(operation["responses"].items()))


def one_or_list(model: str, description: str, ndjson: bool = False) -> dict[str, Any]:
    """A 200 answer: the model for one record; for a list, a list of the model or error objects."""
    one = {"$ref": f"#/components/schemas/{model}"}
    content: dict[str, Any] = {"application/json": {"schema": {
        "oneOf": [one, {"type": "array", "items": {"oneOf": [one, _ERROR_REF]}}]}}}
    if ndjson:
        content[NDJSON] = {"schema": {"type": "string", "description": f"one line per record: its {model} or its "
                                                                      "ErrorLine (each line's schema: x-item-schema)"},
                           "x-item-schema": {"oneOf": [one, {"$ref": "#/components/schemas/ErrorLine"}]}}
        # a line's schema, as OpenAPI 3.2's itemSchema gives it; a 3.1 document holds it as an extension
    return {"description": description, "content": content}
