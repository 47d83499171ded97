"""The HTTP decision service (FastAPI): the same decisions as ``bsu-rules evaluate``, byte for byte.

Every error a client sees has one shape, ``{"error": {"code", "message", "record"?, "field"?}}``
(a malformed record gets the same object as an ``evaluate`` error line, plus a ``code``). Nothing
the engine raises reaches a client as a traceback: an unexpected failure is ``500 internal``.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from bsu_rules._version import __version__
from bsu_rules.audit.log import AuditError, DecisionLog
from bsu_rules.decisions import Decision, Outcome
from bsu_rules.errors import BsuRulesError, Code, InputError, OutOfForce
from bsu_rules.explain import render_text
from bsu_rules.explain.rejected import rejected
from bsu_rules.glossary import glossary_for
from bsu_rules.members import Member, decision_date, parse_member
from bsu_rules.members.decode import BadRecord, decode_records, first_record_ends, unreadable
from bsu_rules.members.model import hide_identifiers, printable
from bsu_rules.ruleset.diagnostics import nearest
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.spelling import not_a_date
from bsu_rules.schemas import schema
from bsu_rules.service.editions import Edition, EditionSummary, edition, summary
from bsu_rules.service.http import NDJSON, Contained, HeadAsGet, echo, not_json, wants_ndjson
from bsu_rules.unknowns import Need, needed


class Questions(BaseModel):
    """What to ask next about one record (``POST /v1/needed``)."""

    outcome: Outcome
    needed: list[Need]


@dataclass(frozen=True)
class Rejected:
    """A record of the request that cannot be decided: its number (from 1), why, and the record as read."""

    number: int
    error: InputError
    record: Any

    def json(self) -> str:
        """Its error object in a JSON response (the NDJSON one carries ``error.line``, as ``evaluate`` prints)."""
        return json.dumps({"error": {"code": Code.INVALID_RECORD, "field": self.error.problems[0][0],
                                     "message": str(self.error), "record": self.number}},
                          ensure_ascii=False, separators=(",", ":"))


Page = Callable[[Decision | Rejected], str]
"""What a path answers for a record in place of its JSON (``/v1/explanations``: its page)."""


@dataclass(frozen=True)
class Limits:
    """What one request may ask for."""

    max_body_bytes: int = 1_048_576
    max_records: int = 1000
    max_seconds: float = 10.0


class ServiceError(BsuRulesError):
    """An error a client caused (4xx) or may retry (5xx), in the one error shape."""

    def __init__(self, status: int, code: Code, message: str, **where: Any) -> None:
        super().__init__(message)
        self.code = code
        self.status, self.body = status, {"error": {"code": code, "message": message, **where}}
        self.headers: dict[str, str] = {}


def _error(exc: ServiceError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(exc.body, status_code=exc.status, headers=headers or exc.headers)


_STATUS_CODES = {404: Code.NOT_FOUND, 405: Code.METHOD_NOT_ALLOWED, 413: Code.BODY_TOO_LARGE}


def create_app(rulesets: Sequence[RuleSet], *, log: DecisionLog | None = None, limits: Limits = Limits()) -> FastAPI:
    """The service for these editions; with ``log``, a decision is answered only once it is logged."""
    by_id = {rs.id: rs for rs in rulesets}
    glossaries = {rs.id: glossary_for(rs.path) for rs in rulesets}  # what a rejected record's page reads
    log_lock = threading.Lock()  # one writer: requests take turns appending to the log
    app = FastAPI(title="bsu-rules", version=__version__, openapi_url=None, docs_url=None,
                  redoc_url=None, description="Decide and explain BSU (wage subsidy) eligibility.",
                  dependencies=[Depends(_plain_query)],
                  redirect_slashes=False)  # a redirect would be built from the client's Host header

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return _error(exc)

    @app.exception_handler(RequestValidationError)
    async def bad_query(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"][1:]) or str(first["loc"][0])
        return _error(ServiceError(400, Code.BAD_PARAMETER, f"{field}: {first['msg']}", field=field))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, Code.HTTP_ERROR)
        headers, message = dict(exc.headers or {}), str(exc.detail)
        path, method = _shown_path(request.url.path), request.method
        if exc.status_code == 405:
            allowed = [m.strip() for m in headers.get("Allow", "").split(",") if m.strip()]
            allowed += ["HEAD"] if "GET" in allowed and "HEAD" not in allowed else []  # as ``HeadAsGet`` answers it
            headers["Allow"] = ", ".join(allowed)
            message = f"{path} does not take {method}; it takes {' or '.join(allowed)}"
        elif exc.status_code == 404:
            served = {route.path: sorted(route.methods or ()) for route in app.routes if isinstance(route, APIRoute)}
            hint = nearest(request.url.path, served)
            message = (f"no path {path} here" + (f"; did you mean {hint}?" if hint else "") + " (the paths: "
                       + ", ".join(f"{' '.join(methods)} {p}" for p, methods in sorted(served.items())) + ")")
        return _error(ServiceError(exc.status_code, code, message), headers)

    @app.exception_handler(ClientDisconnect)
    async def gone(request: Request, exc: ClientDisconnect) -> Response:
        return Response(status_code=400)  # the client left mid-body: routine, and nobody reads this

    def ruleset_for(name: str, field: str = "ruleset") -> RuleSet:
        """The edition a query parameter or path parameter (``field``) names."""
        if not name.strip():
            raise ServiceError(400, Code.BAD_PARAMETER, f"{field}: empty: give an edition (served: "
                               f"{', '.join(by_id)})", field=field)
        rs = by_id.get(name)
        if rs is None:
            hint = nearest(name, sorted(by_id))
            raise ServiceError(404, Code.UNKNOWN_EDITION, f"no edition `{echo(name)}` here (served: "
                               f"{', '.join(by_id)})" + (f"; did you mean `{hint}`?" if hint else ""), field=field)
        return rs

    async def records(request: Request) -> tuple[list[Any], bool]:
        """The JSON body (one record, or a list of them) within the limits; and whether it was a list."""
        if refused := not_json(request.headers.get("content-type"), request.headers.get("content-encoding")):
            raise ServiceError(415, Code.UNSUPPORTED_MEDIA_TYPE, refused)
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limits.max_body_bytes:
            raise _declared_too_large(limits)  # before a byte is read: no 100 Continue, no wait for the body
        body = bytearray()
        async for chunk in request.stream():  # never more than the limit and one chunk
            body += chunk
            if len(body) > limits.max_body_bytes:
                raise _too_large(limits, body)
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

    async def decide(rs: RuleSet, on: date | None, items: list[Any], hints: bool = False,
                     page: Page | None = None) -> list[tuple[Decision | Rejected, str]]:
        """Decided in a thread: a record with long histories takes a large part of a second, and the event
        loop keeps answering other requests (``/healthz``) meanwhile."""
        return await run_in_threadpool(decide_all, rs, on, items, hints, page)

    said = [""]  # the log's fault last said on standard error

    def tell_log_fault(exc: BaseException) -> None:
        """Why the decision log cannot be written, on standard error once until the fault changes."""
        if said[0] != str(exc):
            said[0] = str(exc)
            print(f"bsu-rules: the decision log cannot be written: {exc}", file=sys.stderr)

    def decide_all(rs: RuleSet, on: date | None, items: list[Any], hints: bool,
                   page: Page | None) -> list[tuple[Decision | Rejected, str]]:
        """Each record's decision and its JSON (or its error object), in order, within the time limit;
        with ``hints``, each failed criterion's counterfactual hint; with ``page``, its page instead of
        its JSON. Each page is written (and known to be UTF-8) before any decision is logged: a request
        that fails has logged nothing."""
        try:
            plan = rs.plan(on)
        except OutOfForce as exc:
            raise ServiceError(422, Code.OUT_OF_FORCE, str(exc), field="on") from None
        deadline = time.monotonic() + limits.max_seconds
        out: list[tuple[Decision | Rejected, str]] = []
        decided: list[tuple[Decision, Member, str]] = []
        for number, record in enumerate(items, 1):
            if number > 1 and time.monotonic() > deadline:
                raise ServiceError(408, Code.TIME_LIMIT, f"deciding took longer than {limits.max_seconds:g} s "
                                   f"(stopped at record {number}): send fewer records per request")
            try:
                if isinstance(record, BadRecord):
                    raise record.error()
                member = parse_member(record)
            except InputError as exc:
                refused = Rejected(number, exc, record)
                out.append((refused, refused.json() if page is None else _utf8(page(refused))))
                continue
            decision = plan.decide(member, hints=hints)
            text = decision.to_json()
            out.append((decision, text if page is None else _utf8(page(decision))))
            decided.append((decision, member, text))
        if time.monotonic() > deadline:  # the last record, or the only one, counts too
            raise ServiceError(408, Code.TIME_LIMIT, f"deciding took longer than {limits.max_seconds:g} s: "
                               + ("send fewer records per request" if len(items) > 1 else
                                  "the record has too many problems to check within the limit"
                                  if isinstance(out[-1][0], Rejected) else
                                  "the record's histories are too long to decide within the limit"))
        if log is not None:
            with log_lock:  # all of the request's decisions are written and synced, or none is
                try:
                    for decision, member, text in decided:
                        log.record(decision, member, rs, text)
                    log.flush()
                    said[0] = ""
                except BaseException as exc:
                    log.discard()
                    if not isinstance(exc, (AuditError, OSError)):
                        raise
                    tell_log_fault(exc)
                    raise ServiceError(500, Code.INTERNAL, "the decisions could not be written to the decision "
                                       "log; send the request again later") from None
        return out

    @app.post("/v1/decisions", tags=["decisions"], openapi_extra=_body("member records to decide"),
              responses={200: _one_or_list("Decision", "The decision; for a list of records, each record's "
                                           "decision or error object, in order; with Accept: " + NDJSON + ", "
                                           "a line per record as evaluate prints it: its decision or its ErrorLine",
                                           ndjson=True), **_errors(404, 408, 413, 415, 422)})
    async def decisions(request: Request, ruleset: Annotated[str, Query(description="edition id, e.g. bsu-2022")],
                        on: Annotated[date | None, Query(description="decision date (default: the "
                                                                     "latest date the edition describes)")] = None,
                        hints: Annotated[bool, Query(description="give each failed criterion its "
                                                     "counterfactual hint (what would make it pass); without "
                                                     "it every `hint` is null")] = False,
                        ) -> Response:
        """Decide one member record (a JSON object) or many (a JSON list): the canonical decision JSON."""
        rs = ruleset_for(ruleset)
        items, many = await records(request)
        out = await decide(rs, on, items, hints)
        if not many:
            decision, text = out[0]
            return Response(text, status_code=422 if isinstance(decision, Rejected) else 200,
                            media_type="application/json")
        if wants_ndjson(request.headers.get("accept", "")):  # exactly what evaluate prints, error lines included
            return Response("".join((d.error.line(d.number) if isinstance(d, Rejected) else text) + "\n"
                                    for d, text in out), media_type=NDJSON)
        return Response("[" + ",".join(text for _, text in out) + "]", media_type="application/json")

    @app.post("/v1/explanations", tags=["decisions"], openapi_extra=_body("member records to explain"),
              response_class=PlainTextResponse,
              responses={200: {"description": "Each record's page, as evaluate --format text prints it"},
                         **_errors(404, 408, 413, 415, 422)})
    async def explanations(request: Request, ruleset: Annotated[str, Query()],
                           lang: Annotated[Literal["id", "en"], Query()] = "id",
                           audience: Annotated[Literal["worker", "officer", "auditor"], Query(
                               description="worker: what failed, in plain words; officer: every criterion; "
                                           "auditor: everything, internal names and hashes included")] = "worker",
                           on: Annotated[date | None, Query()] = None) -> PlainTextResponse:
        """Each record's decision as readable text (as ``evaluate --format text``), blank-line separated."""
        rs = ruleset_for(ruleset)
        items, many = await records(request)

        def page(d: Decision | Rejected) -> str:
            if isinstance(d, Rejected):
                return rejected(d.number, d.error, d.record, lang, glossaries[rs.id]) if many else d.json()
            return render_text(d, rs, lang, audience)

        out = await decide(rs, on, items, hints=True, page=page)
        if not many and isinstance(out[0][0], Rejected):
            return PlainTextResponse(out[0][1], status_code=422, media_type="application/json")
        return PlainTextResponse("\n\n".join(text for _, text in out) + "\n")

    @app.post("/v1/needed", tags=["decisions"], openapi_extra=_body("member records"),
              responses={200: _one_or_list("Questions", "What to ask next; for a list of records, each record's "
                                           "questions or error object, in order"), **_errors(404, 408, 413, 415, 422)})
    async def questions(request: Request, ruleset: Annotated[str, Query()],
                        on: Annotated[date | None, Query()] = None) -> Response:
        """The unknown inputs that could still change each record's outcome, most decisive first, each
        with the criteria (and articles) that wait for it; none once the outcome is settled."""
        rs = ruleset_for(ruleset)
        items, many = await records(request)
        decided = await decide(rs, on, items)
        out = [text if isinstance(d, Rejected) else Questions(outcome=d.outcome, needed=needed(d, rs)).model_dump_json()
               for d, text in decided]
        if not many:
            return Response(out[0], status_code=422 if isinstance(decided[0][0], Rejected) else 200,
                            media_type="application/json")
        return Response("[" + ",".join(out) + "]", media_type="application/json")

    @app.get("/v1/editions", tags=["editions"], responses=_errors())
    async def editions() -> list[EditionSummary]:
        """The editions this service decides under."""
        return [summary(rs) for rs in by_id.values()]

    @app.get("/v1/editions/{edition_id}", tags=["editions"], responses=_errors(404))
    async def one_edition(edition_id: str) -> Edition:
        """One edition: its criteria, its parameters with the dates they take effect, the articles cited."""
        return edition(ruleset_for(edition_id, "edition_id"))

    @app.get("/v1/schemas/{name}", tags=["schemas"], responses=_errors())
    async def schemas(name: Literal["member", "decision", "ruleset"]) -> dict[str, Any]:
        """The JSON Schema of the member record, the decision or the rule file."""
        return schema(name)

    def log_broken() -> bool:
        """Whether the decision log cannot take a decision now (why is said on standard error, once)."""
        assert log is not None
        with log_lock:
            try:
                log.writable()
            except (AuditError, OSError) as exc:
                tell_log_fault(exc)
                return True
        said[0] = ""
        return False

    @app.get("/healthz", tags=["service"], responses=_errors(503))
    async def healthz() -> dict[str, Any]:
        """ok, or 503 while the decision log cannot be written (every decision would fail)."""
        if log is not None and await run_in_threadpool(log_broken):
            raise ServiceError(503, Code.LOG_UNAVAILABLE, "the decision log cannot be written (its chain is broken "
                               "or the file cannot be opened): every request with a decision to log fails until it "
                               "is repaired; the server says why on its standard error")
        return {"status": "ok", "version": __version__, "editions": sorted(by_id)}

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi_json() -> JSONResponse:
        return JSONResponse(app.openapi())

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            components = doc.setdefault("components", {}).setdefault("schemas", {})
            for model in (Member, Decision, Questions):  # what is sent, and what is answered
                found = model.model_json_schema(ref_template="#/components/schemas/{model}",
                                                mode="validation" if model is Member else "serialization")
                components.update(found.pop("$defs", {}))
                components[model.__name__] = found
            components["Error"] = _ERROR_SCHEMA
            components["ErrorLine"] = _ERROR_LINE_SCHEMA
            for operation in (o for operations in doc["paths"].values() for o in operations.values()):
                if "HTTPValidationError" in json.dumps(operation["responses"].get("422", {})):
                    del operation["responses"]["422"]  # a query refused is a 400 bad-parameter, never this
            components.pop("HTTPValidationError", None)
            components.pop("ValidationError", None)
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(HeadAsGet, routes=app.routes)
    app.add_middleware(Contained, failed=lambda: _error(ServiceError(500, Code.INTERNAL, "the service failed on "
                                                                     "this request; it was logged")))
    return app


def _utf8(text: str) -> str:
    """``text``, once it is known to be writable as UTF-8 (UnicodeEncodeError otherwise)."""
    text.encode("utf-8")
    return text


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


def _shown_path(path: str) -> str:
    """A request's path for a message: digits that could be a NIK or an account number, however the
    path splits them (``/v1/32041257/08940003``, ``/32041257/08940003``, ``32041257%0008940003``), are
    left out; a control character or direction mark is written as its escape."""
    shown = printable(path)  # escaped first: ``\x00`` between digits does not part them
    head, slash, rest = shown.removeprefix("/").partition("/")
    if _VERSION.fullmatch(head):  # the version apart: its digit is no NIK's
        return f"/{head}{slash}{hide_identifiers(rest)}"[:60]
    return hide_identifiers(shown)[:60]  # digits across the first segment and the rest too


_VERSION = re.compile(r"v[0-9]{1,2}")
"""A path's first segment that is an API version (``v1``)."""


def _plain_query(request: Request) -> None:
    """Each query parameter one the path takes, given once, and a decision date as ``YYYY-MM-DD``
    only (as ``evaluate --on`` takes it): ``?On=…``, ``?ruleset=a&ruleset=b`` or ``?on=1662336000``
    is a bad parameter, not a guess."""
    names = [name for name, _ in request.query_params.multi_items()]
    route = request.scope.get("route")
    if isinstance(route, APIRoute):
        known = sorted(p.alias for p in route.dependant.query_params)
        if (unknown := next((n for n in names if n not in known), None)) is not None:  # ``?=x`` too
            hint = nearest(unknown, known) if unknown else None
            raise ServiceError(400, Code.BAD_PARAMETER, (f"`{echo(unknown)}` is not a parameter here" if unknown
                                                         else "a parameter with no name (`=…`) is refused")
                               + (f"; did you mean `{hint}`?" if hint else "")
                               + f" (this path takes: {', '.join(known) or 'no parameters'})",
                               field=echo(unknown) or '""')
    if twice := sorted({n for n in names if names.count(n) > 1}):
        raise ServiceError(400, Code.BAD_PARAMETER, f"{twice[0]}: given more than once", field=twice[0])
    on = request.query_params.get("on")
    if on is not None:
        try:
            decision_date(on)
        except InputError:  # 2022-02-30 too: a day the calendar has
            raise ServiceError(400, Code.BAD_PARAMETER, f"on: {not_a_date(echo(on))}", field="on") from None
    hints = request.query_params.get("hints")
    if hints is not None and hints not in ("true", "false"):  # not yes, on, 1 or TRUE, which pydantic would take
        raise ServiceError(400, Code.BAD_PARAMETER, f"hints: `{echo(hints)}` is neither true nor false "
                           "(hints takes true or false, in lower case)", field="hints")


def _body(description: str) -> dict[str, Any]:
    member = {"$ref": "#/components/schemas/Member"}
    return {"requestBody": {"required": True, "description": description + ": one JSON object or a list",
                            "content": {"application/json": {"schema": {
                                "oneOf": [member, {"type": "array", "items": member}]}}}}}


_ERROR_SCHEMA = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "record": {"type": "integer", "description": "the record's number in the request, from 1"},
        "field": {"type": "string", "description": "the field path or parameter at fault"}}}},
}
_ERROR_LINE_SCHEMA = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "description": "a malformed record's line in an NDJSON answer: the error line evaluate prints",
    "properties": {"error": {"type": "object", "required": ["record", "field", "message"], "properties": {
        "record": {"type": "integer"}, "field": {"type": "string"}, "message": {"type": "string"}}}},
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_WHY = {
    400: "a query parameter missing, malformed, repeated or not one the path takes; for a POST, a body that is "
         "not JSON",
    404: "no such edition",
    405: "a method the path does not take (e.g. GET /v1/decisions)",
    408: "over the time limit",
    413: "the body or the record count over the limit",
    415: "a body not sent with Content-Type: application/json, or compressed (a Content-Encoding)",
    422: "a single record that is malformed, or a decision date outside the edition",
    500: "an unexpected failure, or (with --log) decisions the decision log could not take",
    503: "(with --log) the decision log cannot be written: a balancer should send no requests",
}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers of a path: these, and those every path may give (400, 405, 500)."""
    return {status: {"description": _WHY[status], "content": {"application/json": {"schema": _ERROR_REF}}}
            for status in sorted({400, 405, 500, *statuses})}


def _one_or_list(model: str, description: str, ndjson: bool = False) -> dict[str, Any]:
    """A 200 answer: the model for one record; for a list, a list of the model or error objects."""
    one = {"$ref": f"#/components/schemas/{model}"}
    content: dict[str, Any] = {"application/json": {"schema": {
        "oneOf": [one, {"type": "array", "items": {"oneOf": [one, _ERROR_REF]}}]}}}
    if ndjson:
        content[NDJSON] = {"schema": {"type": "string", "description": f"one line per record: its {model} or its "
                                                                      "ErrorLine"}}
    return {"description": description, "content": content}
