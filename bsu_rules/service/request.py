"""What a request may carry: its body's records within the ``Limits``, its query parameters as the
path takes them, and ``ServiceError``, the one error shape a client sees (``{"error": {...}}``).
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute

from bsu_rules.errors import BsuRulesError, Code, ParameterError
from bsu_rules.members import decision_date
from bsu_rules.members.decode import BadRecord, decode_records, first_record_ends, unreadable
from bsu_rules.members.redact import cut, hidden_path, shortened
from bsu_rules.ruleset.diagnostics import nearest
from bsu_rules.ruleset.spelling import not_a_date
from bsu_rules.service.http import not_json


@dataclass(frozen=True)
class Limits:
    """What one request may ask for."""

    max_body_bytes: int = 1_048_576
    max_records: int = 1000
    max_seconds: float = 10.0  # deciding
    body_seconds: float = 30.0  # receiving the body


class ServiceError(BsuRulesError):
    """An error a client caused (4xx) or may retry (5xx), in the one error shape."""

    def __init__(self, status: int, code: Code, message: str, **where: Any) -> None:
        super().__init__(message)
        self.code = code
        self.status, self.body = status, {"error": {"code": code, "message": message, **where}}
        self.headers: dict[str, str] = {}


async def records(request: Request, limits: Limits) -> tuple[list[Any], bool]:
    """The JSON body (one record, or a list of them) within ``limits``; and whether it was a list."""
    if len(types := request.headers.getlist("content-type")) > 1:
        raise ServiceError(415, Code.UNSUPPORTED_MEDIA_TYPE, f"{len(types)} Content-Type headers: send one, "
                           "application/json")  # which one a server reads differs: none is taken
    if refused := not_json(request.headers.get("content-type"), request.headers.get("content-encoding")):
        raise ServiceError(415, Code.UNSUPPORTED_MEDIA_TYPE, refused)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise _declared_too_large(limits)  # before a byte is read: no 100 Continue, no wait for the body
    body = bytearray()
    try:
        async with asyncio.timeout(limits.body_seconds):  # a body that never arrives holds no connection
            async for chunk in request.stream():  # never more than the limit and one chunk
                body += chunk
                if len(body) > limits.max_body_bytes:
                    raise _too_large(limits, body)
    except TimeoutError:
        of = f" of {declared}" if declared is not None and declared.isdigit() else ""
        slow = ServiceError(408, Code.TIME_LIMIT, f"the body did not arrive within {limits.body_seconds:g} s "
                            f"({len(body)}{of} bytes arrived): send it whole, at once")
        slow.headers["Connection"] = "close"
        raise slow from None
    try:
        text = bytes(body).decode("utf-8").removeprefix("\ufeff")  # UTF-8 only, as every input is
    except UnicodeDecodeError as exc:
        raise ServiceError(400, Code.BAD_JSON, f"the body is not UTF-8 text (byte {exc.start + 1})") from None
    if not text.strip():
        raise ServiceError(400, Code.BAD_JSON, "the body is empty: send a record (a JSON object) or a JSON "
                           "list of records")
    try:  # a record holding what no record may (a number too long, NaN, a key twice) is refused alone
        data = decode_records(text)
    except BadRecord as exc:
        said = str(exc).replace("not valid JSON", "the body is not JSON").replace("nested", "the body is nested")
        if "(Extra data at " in said:  # JSON lines, most likely
            said += ": send one record (a JSON object) or a JSON list of records, not one record per line"
        raise ServiceError(400, Code.BAD_JSON, said) from None
    many = isinstance(data, list)
    items = [unreadable(item) or item for item in (data if many else [data])]
    if len(items) > limits.max_records:
        raise ServiceError(413, Code.TOO_MANY_RECORDS, f"{len(items)} records in one request; at most "
                           f"{limits.max_records}: split the request")
    return items, many


def _too_large(limits: Limits, head: bytes | bytearray) -> ServiceError:
    """The 413 of a body over the limit, by its first ``max_body_bytes`` and more: a record (alone,
    or first in a list) that does not end in them is too large on its own; else there are too many."""
    first = bytes(head[:limits.max_body_bytes]).removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    if not first_record_ends(first):
        return ServiceError(413, Code.BODY_TOO_LARGE, f"the record is over {limits.max_body_bytes} bytes, the "
                            "most one request may carry (the server's --max-body): this one record is too large")
    return ServiceError(413, Code.BODY_TOO_LARGE, f"the body is over {limits.max_body_bytes} bytes: "
                        "send fewer records per request")


def _declared_too_large(limits: Limits) -> ServiceError:
    """The 413 of a body whose Content-Length is over the limit, answered before any of it is read
    (so without ``100 Continue``), and the connection closed: the body's bytes would follow."""
    refused = ServiceError(413, Code.BODY_TOO_LARGE, f"the body is over {limits.max_body_bytes} bytes by its "
                           "Content-Length, the most one request may carry (the server's --max-body): send fewer "
                           "records per request (a single record of that size is too large on its own)")
    refused.headers["Connection"] = "close"
    return refused


def shown_path(path: str) -> str:
    """A request's path for a message: digits that could be a NIK or an account number, however the
    path splits them (``/v1/32041257/08940003``, ``/32041257/08940003``, ``32041257%0008940003``), are
    left out; a control character or direction mark is written as its escape; cut to 60 characters."""
    head, slash, rest = path.removeprefix("/").partition("/")
    if _VERSION.fullmatch(head):  # the version apart: its digit is no NIK's
        return cut(f"/{head}{slash}{hidden_path(rest)}", 60)
    return cut(hidden_path(path), 60)  # digits across the first segment and the rest too


_VERSION = re.compile(r"v[0-9]{1,2}")
"""A path's first segment that is an API version (``v1``)."""


def plain_query(request: Request) -> None:
    """Each query parameter one the path takes, given once, a decision date as ``YYYY-MM-DD`` only (as
    ``evaluate --on`` takes it), and ``hints`` as ``true``, ``false`` (in any letter case), ``1`` or ``0``:
    ``?On=…``, ``?ruleset=a&ruleset=b``, ``?on=1662336000`` or ``?hints=yes`` is a bad parameter, not a guess."""
    names = [name for name, _ in request.query_params.multi_items()]
    route = request.scope.get("route")
    if isinstance(route, APIRoute):
        known = sorted(p.alias for p in route.dependant.query_params)
        if (unknown := next((n for n in names if n not in known), None)) is not None:  # ``?=x`` too
            hint = nearest(unknown, known) if unknown else None
            raise ServiceError(400, Code.BAD_PARAMETER, (f"`{shortened(unknown)}` is not a parameter here" if unknown
                                                         else "a parameter with no name (`=…`) is refused")
                               + (f"; did you mean `{hint}`?" if hint else "")
                               + f" (this path takes: {', '.join(known) or 'no parameters'})",
                               field=shortened(unknown))
    if twice := sorted(n for n, times in Counter(names).items() if times > 1):  # linear: a query may be long
        raise ServiceError(400, Code.BAD_PARAMETER, f"{twice[0]}: given more than once", field=twice[0])
    on = request.query_params.get("on")
    if on is not None:
        try:
            decision_date(on)
        except ParameterError as exc:  # 2022-02-30 too: a day the calendar has; bad-parameter, as the library's
            raise ServiceError(400, exc.code, f"on: {not_a_date(on)}", field="on") from None
    hints = request.query_params.get("hints")
    if hints is not None and hints.lower() not in _BOOLEAN:  # not yes, on, t or y, which pydantic would take
        raise ServiceError(400, Code.BAD_PARAMETER, f"hints: `{shortened(hints)}` is neither true nor false "
                           "(hints takes true or false, in any letter case, or 1 or 0)", field="hints")


_BOOLEAN = ("true", "false", "1", "0")
"""What a boolean query parameter takes, in any letter case: what clients send for one (Python's requests
sends ``True``)."""
