"""The HTTP decision service (FastAPI): the same decisions as ``bsu-rules evaluate``, byte for byte.

Every error a client sees has one shape, ``{"error": {"code", "message", "record"?, "field"?}}``
(a malformed record gets the same object as an ``evaluate`` error line, plus a ``code``). Nothing
the engine raises reaches a client as a traceback: an unexpected failure is ``500 internal``.
Here are the routes; a request's body and query are read in ``request``, and ``openapi`` holds the
parts of the OpenAPI description.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

import anyio
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
from bsu_rules.audit.log import AuditError, DecisionLog, LogChanged
from bsu_rules.decisions import Decision, Outcome
from bsu_rules.errors import Code, InputError, OutOfForce
from bsu_rules.explain import render_speech, render_text
from bsu_rules.explain.rejected import rejected, rejected_parts
from bsu_rules.explain.speech import rejected_said
from bsu_rules.glossary import glossary_for
from bsu_rules.members import Member, parse_member
from bsu_rules.members.decode import BadRecord
from bsu_rules.members.redact import shortened
from bsu_rules.ruleset.diagnostics import nearest
from bsu_rules.ruleset.editions import in_force_during, none_for_year, window_text
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.schemas import schema
from bsu_rules.service.editions import Edition, EditionSummary, edition, summary
from bsu_rules.service.http import (
    NDJSON,
    AllowedHosts,
    Contained,
    HeadAsGet,
    Marked,
    OneFraming,
    OriginForm,
    Validated,
    wants_ndjson,
)
from bsu_rules.service.openapi import (
    ERROR_LINE_SCHEMA,
    ERROR_SCHEMA,
    error_responses,
    one_or_list,
    request_body,
    validated,
)
from bsu_rules.service.request import Limits, ServiceError, plain_query, records, shown_path
from bsu_rules.unknowns import Need, needed


class Questions(BaseModel):
    """What to ask next about one record (``POST /v1/needed``)."""

    outcome: Outcome
    needed: list[Need]


class Health(BaseModel):
    """``GET /healthz`` while the service can decide (and, with ``--log``, log): its version and editions."""

    status: Literal["ok"]
    version: str
    editions: list[str]


CACHED = ("/v1/editions", "/v1/editions/{edition_id}", "/v1/schemas/{name}", "/openapi.json")
"""The GET paths whose answers change only when the server restarts: validated (ETag, 304)."""


@dataclass(frozen=True)
class Rejected:
    """A record of the request that cannot be decided: its number (from 1), why, and the record as read."""

    number: int
    error: InputError
    record: Any

    def json(self) -> str:
        """Its error object in a JSON response (the NDJSON one carries ``error.line``, as ``evaluate`` prints),
        with the code the library's ``InputError`` carries (``invalid-record``)."""
        return json.dumps({"error": {"code": self.error.code, "field": self.error.problems[0][0],
                                     "message": str(self.error), "record": self.number}},
                          ensure_ascii=False, separators=(",", ":"))


Page = Callable[[Decision | Rejected], str]
"""What a path answers for a record in place of its JSON (``/v1/explanations``: its page)."""


def _error(exc: ServiceError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(exc.body, status_code=exc.status, headers=headers or exc.headers)


_STATUS_CODES = {404: Code.NOT_FOUND, 405: Code.METHOD_NOT_ALLOWED, 413: Code.BODY_TOO_LARGE}


def _mounted(request: Request) -> tuple[str, str]:
    """The prefix the service is served under (``/bsu``, mounted there in another ASGI app; ``""`` when not) and
    the request's path within it (``/v1/nope`` for ``/bsu/v1/nope``), the path its routes are matched against."""
    root, path = str(request.scope.get("root_path", "")).rstrip("/"), request.url.path
    if root and (path == root or path.startswith(root + "/")):
        path = path[len(root):]
    return root, path or "/"


def _without_slash(path: str, routes: list[APIRoute]) -> str | None:
    """``path`` without its trailing slash(es) when a route serves that (``/v1/editions/bsu-2022/``:
    ``/v1/editions/bsu-2022``, its path parameter kept; the route's own path when showing it would
    hide part of it, as a NIK in it)."""
    bare = path.rstrip("/")
    route = next((r for r in routes if bare != path and r.path_regex.match(bare)), None)
    if route is None:
        return None
    return bare if shown_path(bare) == bare else route.path


def create_app(rulesets: Sequence[RuleSet], *, log: DecisionLog | None = None,
               limits: Limits = Limits(),  # noqa: B008 (a frozen dataclass)
               allowed_hosts: Collection[str] | None = None) -> FastAPI:
    """The service for these editions; with ``log``, a decision is answered only once it is logged. With
    ``allowed_hosts`` (``bsu_rules.service.http.served_hosts``, as ``serve`` always gives it), a request
    whose Host, or Origin, names another host is refused (``host-not-allowed``); without, any host is taken."""
    by_id = {rs.id: rs for rs in rulesets}
    glossaries = {rs.id: glossary_for(rs.path) for rs in rulesets}  # what a rejected record's page reads
    log_lock = threading.Lock()  # one writer: requests take turns appending to the log
    app = FastAPI(title="bsu-rules", version=__version__, openapi_url=None, docs_url=None,
                  redoc_url=None, description="Decide and explain BSU (wage subsidy) eligibility. Every GET path "
                  "also answers HEAD (the same status and headers, no body); GET /openapi.json gives this document.",
                  dependencies=[Depends(plain_query)],
                  redirect_slashes=False)  # a redirect would be built from the client's Host header

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return _error(exc)

    @app.exception_handler(RequestValidationError)
    async def bad_query(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"][1:]) or str(first["loc"][0])
        choices = re.findall(r"'([^']*)'", str(first.get("ctx", {}).get("expected", "")))
        message = f"{field}: `{shortened(str(first.get('input')))}` is not a value here: write " + \
            " or ".join(f"`{c}`" for c in choices) if first["type"] in ("literal_error", "enum") and choices \
            else f"{field}: missing: give an edition (served: {', '.join(by_id)})" \
            if first["type"] == "missing" and field == "ruleset" else f"{field}: {first['msg']}"
        return _error(ServiceError(400, Code.BAD_PARAMETER, message, field=field))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, Code.HTTP_ERROR)
        headers, message = dict(exc.headers or {}), str(exc.detail)
        root, inner = _mounted(request)  # mounted under a prefix: the paths a client gives are under it
        root = shortened(root, 60)
        path, method = root + shown_path(inner), request.method
        if exc.status_code == 405:
            allowed = [m.strip() for m in headers.get("Allow", "").split(",") if m.strip()]
            allowed += ["HEAD"] if "GET" in allowed and "HEAD" not in allowed else []  # as ``HeadAsGet`` answers it
            headers["Allow"] = ", ".join(allowed)
            message = f"{path} does not take {shortened(method)}; it takes {' or '.join(allowed)}"
        elif exc.status_code == 404:
            routes = [route for route in app.routes if isinstance(route, APIRoute)]
            served = {route.path: sorted(route.methods or ()) for route in routes}
            hint = _without_slash(inner, routes) or nearest(inner, served)
            message = (f"no path {path} here" + (f"; did you mean {root}{hint}?" if hint else "") + " (the paths: "
                       + ", ".join(f"{' '.join(methods)} {root}{p}" for p, methods in sorted(served.items())) + ")")
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
            then = in_force_during(name, [(e, r.model.in_force) for e, r in by_id.items()])
            hint = then[0][0] if then else nearest(name, sorted(by_id)) or next(  # for a year: one in force
                (e for e in sorted(by_id) if name.startswith(e) and not name[len(e)].isalnum()), None)  # bsu-2022;on=
            raise ServiceError(404, Code.UNKNOWN_EDITION, f"no edition `{shortened(name)}` here (served: "
                               f"{', '.join(by_id)}){none_for_year(name, then)}"
                               + (f"; did you mean `{hint}`?" if hint else "")
                               + ("; query parameters are separated by `&`, not `;`" if ";" in name and
                                  field == "ruleset" else "")
                               + ("; query parameters are separated by `&`: a second `?` is read as part of the "
                                  "value" if "?" in name and field == "ruleset" else ""),
                               field=field)
        return rs

    deciding = anyio.CapacityLimiter(1)  # the process's one core of Python: requests decide in turn

    async def decide(rs: RuleSet, on: date | None, items: list[Any], hints: bool = False,
                     page: Page | None = None) -> list[tuple[Decision | Rejected, str]]:
        """Decided in a thread, one request at a time: the event loop keeps answering other requests
        (``/healthz``) meanwhile, and a request's time limit runs from its turn. Requests deciding side by
        side would share one core, each run to its limit and none be answered; one that waits longer than
        the time limit for its turn is answered ``503 busy`` instead."""
        turned = False
        try:
            deciding.acquire_nowait()
            turned = True
        except anyio.WouldBlock:
            with anyio.move_on_after(limits.max_seconds):
                await deciding.acquire()
                turned = True
        if not turned:
            error = ServiceError(503, Code.BUSY, f"the service has been deciding other requests for "
                                 f"{limits.max_seconds:g} s: try again shortly")
            error.headers["Retry-After"] = "1"
            raise error
        try:
            return await run_in_threadpool(decide_all, rs, on, items, hints, page)
        finally:
            deciding.release()

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
        except OutOfForce as exc:  # naming only the editions a client can ask for here, as served here
            served = [(other.id, window_text(other.model.in_force)) for other in by_id.values()
                      if other.model.in_force.contains(exc.day)]
            raise ServiceError(422, Code.OUT_OF_FORCE, str(exc.instead(served, " here")), field="on") from None
        deadline = time.monotonic() + limits.max_seconds
        out: list[tuple[Decision | Rejected, str]] = []
        decided: list[tuple[Decision, Member, str]] = []
        for number, record in enumerate(items, 1):
            if number > 1 and time.monotonic() > deadline:
                raise _too_long(f"deciding took longer than {limits.max_seconds:g} s (stopped at record {number}): "
                                "send fewer records per request")
            try:
                if isinstance(record, BadRecord):
                    raise record.error()
                member = parse_member(record)
            except InputError as exc:
                refused = Rejected(number, exc, record)
                out.append((refused, refused.json() if page is None else _utf8(page(refused))))
                continue
            decision = plan.decide(member, hints=hints, input_sha256=None if log is None else log.input_hash(member))
            text = decision.to_json()
            out.append((decision, text if page is None else _utf8(page(decision))))
            decided.append((decision, member, text))
        if time.monotonic() > deadline:  # the last record, or the only one, counts too
            raise _too_long(f"deciding took longer than {limits.max_seconds:g} s: "
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
                    if isinstance(exc, LogChanged):  # no request succeeds until someone looks at the log
                        raise ServiceError(503, Code.LOG_UNAVAILABLE, _LOG_CHANGED) from None
                    raise ServiceError(500, Code.INTERNAL, "the decisions could not be written to the decision "
                                       "log; send the request again later") from None
        return out

    @app.post("/v1/decisions", tags=["decisions"], operation_id="decide",
              openapi_extra=request_body("member records to decide", limits.max_records),
              responses={200: one_or_list("Decision", "The decision; for a list of records, each record's "
                                           "decision or error object, in order; with Accept: " + NDJSON + ", "
                                           "a line per record as evaluate prints it: its decision or its ErrorLine",
                                           ndjson=True), **error_responses(404, 408, 413, 415, 422)})
    async def decisions(request: Request, ruleset: Annotated[str, Query(description="edition id, e.g. bsu-2022")],
                        on: Annotated[date | None, Query(description="decision date (default: the "
                                                                     "latest date the edition describes)")] = None,
                        hints: Annotated[bool, Query(description="give each failed criterion its "
                                                     "counterfactual hint (what would make it pass); without "
                                                     "it every `hint` is null. `true` or `false` in any letter "
                                                     "case, or `1` or `0`")] = False,
                        ) -> Response:
        """Decide one member record (a JSON object) or many (a JSON list): the canonical decision JSON."""
        rs = ruleset_for(ruleset)
        items, many = await records(request, limits)
        out = await decide(rs, on, items, hints)
        if not many:
            decision, text = out[0]
            return Response(text, status_code=422 if isinstance(decision, Rejected) else 200,
                            media_type="application/json")
        if wants_ndjson(", ".join(request.headers.getlist("accept"))):  # two Accept lines are one list; NDJSON: exactly
            # what evaluate prints, error lines included
            return Response("".join((d.error.line(d.number) if isinstance(d, Rejected) else text) + "\n"
                                    for d, text in out), media_type=NDJSON)
        return Response("[" + ",".join(text for _, text in out) + "]", media_type="application/json")

    @app.post("/v1/explanations", tags=["decisions"], operation_id="explain",
              openapi_extra=request_body("member records to explain", limits.max_records),
              response_class=PlainTextResponse,
              responses={200: {"description": "Each record's page, as evaluate --format text prints it"},
                         **error_responses(404, 408, 413, 415, 422)})
    async def explanations(request: Request, ruleset: Annotated[str, Query()],
                           lang: Annotated[Literal["id", "en"], Query()] = "id",
                           audience: Annotated[Literal["worker", "officer", "auditor"], Query(
                               description="worker: what failed, in plain words; officer: every criterion; "
                                           "auditor: everything, internal names and hashes included")] = "worker",
                           on: Annotated[date | None, Query()] = None,
                           format: Annotated[Literal["text", "speech"], Query(
                               description="text: the page as evaluate --format text prints it; speech: as it is "
                                           "read aloud (evaluate --format speech)")] = "text") -> PlainTextResponse:
        """Each record's decision as readable text (as ``evaluate --format text``, or ``speech``), blank-line
        separated."""
        rs = ruleset_for(ruleset)
        items, many = await records(request, limits)

        def page(d: Decision | Rejected) -> str:
            if isinstance(d, Rejected):
                if not many:
                    return d.json()
                if format == "speech":  # as evaluate --format speech reads it
                    return rejected_said(rejected_parts(d.number, d.error, d.record, lang, glossaries[rs.id]), lang)
                return rejected(d.number, d.error, d.record, lang, glossaries[rs.id])
            return (render_speech if format == "speech" else render_text)(d, rs, lang, audience)

        out = await decide(rs, on, items, hints=True, page=page)
        if not many and isinstance(out[0][0], Rejected):
            return PlainTextResponse(out[0][1], status_code=422, media_type="application/json")
        return PlainTextResponse("\n\n".join(text for _, text in out) + "\n" if out else "")  # no record: no page

    @app.post("/v1/needed", tags=["decisions"], operation_id="needed",
              openapi_extra=request_body("member records", limits.max_records),
              responses={200: one_or_list("Questions", "What to ask next; for a list of records, each record's "
                                           "questions or error object, in order"),
                         **error_responses(404, 408, 413, 415, 422)})
    async def questions(request: Request, ruleset: Annotated[str, Query()],
                        on: Annotated[date | None, Query()] = None) -> Response:
        """The unknown inputs that could still change each record's outcome, most decisive first, each
        with the criteria (and articles) that wait for it; for an eligible record whose payment channel
        cannot be chosen, the inputs the payment waits for (reason ``channel``); none otherwise."""
        rs = ruleset_for(ruleset)
        items, many = await records(request, limits)
        decided = await decide(rs, on, items)
        out = [text if isinstance(d, Rejected) else Questions(outcome=d.outcome, needed=needed(d, rs)).model_dump_json()
               for d, text in decided]
        if not many:
            return Response(out[0], status_code=422 if isinstance(decided[0][0], Rejected) else 200,
                            media_type="application/json")
        return Response("[" + ",".join(out) + "]", media_type="application/json")

    @app.get("/v1/editions", tags=["editions"], operation_id="listEditions", responses=error_responses())
    async def editions() -> list[EditionSummary]:
        """The editions this service decides under."""
        return [summary(rs) for rs in by_id.values()]

    @app.get("/v1/editions/{edition_id}", tags=["editions"], operation_id="getEdition",
             responses=error_responses(404))
    async def one_edition(edition_id: str) -> Edition:
        """One edition: its criteria, its parameters with the dates they take effect, the articles cited."""
        return edition(ruleset_for(edition_id, "edition_id"))

    @app.get("/v1/schemas/{name}", tags=["schemas"], operation_id="getSchema", responses=error_responses())
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

    @app.get("/healthz", tags=["service"], operation_id="getHealth", responses=error_responses(503))
    async def healthz() -> Health:
        """ok, or 503 while the decision log cannot be written (every decision would fail)."""
        if log is not None and await run_in_threadpool(log_broken):
            raise ServiceError(503, Code.LOG_UNAVAILABLE, "the decision log cannot be written (its chain is broken, "
                               "it was changed by another hand while the server ran, or the file cannot be "
                               "opened): every request with a decision to log fails until it is repaired; the server "
                               "says why on its standard error")
        return Health(status="ok", version=__version__, editions=sorted(by_id))

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi_json(request: Request) -> JSONResponse:
        doc, root = app.openapi(), request.scope.get("root_path", "").rstrip("/")
        if root:  # mounted in another app, or served under a prefix: the paths are under it
            doc = {"openapi": doc["openapi"], "info": doc["info"], "servers": [{"url": root}], **doc}
        return JSONResponse(doc)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            components = doc.setdefault("components", {}).setdefault("schemas", {})
            for model in (Member, Decision, Questions):  # what is sent, and what is answered
                found = model.model_json_schema(ref_template="#/components/schemas/{model}",
                                                mode="validation" if model is Member else "serialization")
                components.update(found.pop("$defs", {}))
                components[model.__name__] = found
            components["Error"] = ERROR_SCHEMA
            components["ErrorLine"] = ERROR_LINE_SCHEMA
            for operation in (o for operations in doc["paths"].values() for o in operations.values()):
                if "HTTPValidationError" in json.dumps(operation["responses"].get("422", {})):
                    del operation["responses"]["422"]  # a query refused is a 400 bad-parameter, never this
            components.pop("HTTPValidationError", None)
            components.pop("ValidationError", None)
            for path in CACHED:  # the answers Validated gives an ETag, and a 304
                for operation in doc["paths"].get(path, {}).values():
                    validated(operation)
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(Validated, routes=[r for r in app.routes if isinstance(r, APIRoute) and r.path in CACHED])
    app.add_middleware(HeadAsGet, routes=app.routes)
    app.add_middleware(OriginForm)
    if allowed_hosts is not None:  # before anything but the request's framing is read
        app.add_middleware(AllowedHosts, allowed=allowed_hosts,
                           refused=lambda status, header, why: _error(
                               ServiceError(status, Code.HOST_NOT_ALLOWED, why, field=header), {"connection": "close"}))
    app.add_middleware(OneFraming, refused=lambda why: _error(ServiceError(400, Code.HTTP_ERROR, why),
                                                              {"connection": "close"}))
    app.add_middleware(Contained, failed=lambda: _error(ServiceError(500, Code.INTERNAL, "the service failed on "
                                                                     "this request; it was logged")))
    app.add_middleware(Marked)  # outermost: every answer, a refusal's and a failure's too
    return app


_LOG_CHANGED = ("the decision log was changed by another hand while the server ran (removed, replaced, cut back or "
                "rewritten): no decision is logged or answered until it is as the server left it; the server says "
                "what changed on its standard error")


def _utf8(text: str) -> str:
    """``text``, once it is known to be writable as UTF-8 (UnicodeEncodeError otherwise)."""
    text.encode("utf-8")
    return text


def _too_long(message: str) -> ServiceError:
    """A 408 for a request that took too long to decide, closing its connection as every 408 does."""
    error = ServiceError(408, Code.TIME_LIMIT, message)
    error.headers["Connection"] = "close"
    return error
