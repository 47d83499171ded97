"""HTTP below the routes: a request for a host the server does not answer to refused, a request framed two ways
refused, HEAD answered as GET, an answer that changes only on restart validated (ETag, 304), the headers every
answer carries, every unexpected failure contained in one log line, and the request's media types read (Accept
with its q-values, Content-Type and Content-Encoding)."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bsu_rules.members.redact import shortened

NDJSON = "application/x-ndjson"

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
"""The names a server answers to whatever its options: this machine's."""


def host_name(text: str) -> str | None:
    """A host as it is compared: in lower case, without its port, brackets or final dot, an IP address in its
    canonical form (``[0:0::1]:8000`` is ``::1``); None for text that is no host name or address."""
    text = text.strip().lower()
    if text.startswith("["):  # an IPv6 address, and perhaps a port
        inside, bracket, rest = text[1:].partition("]")
        return _address(inside) if bracket and _PORT.fullmatch(rest) else None
    if text.count(":") > 1:  # an IPv6 address without its brackets, as ``--host ::1`` gives it: no port
        return _address(text)
    name, colon, port = text.partition(":")
    if colon and not _PORT.fullmatch(colon + port):
        return None
    name = name.removesuffix(".")
    return _address(name) or (name if len(name) <= 253 and _NAME.fullmatch(name) else None)


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


_PORT = re.compile(r"(?::[0-9]{0,5})?")
_NAME = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*")
"""A DNS name's labels (an underscore too, as some internal names hold one)."""


def served_hosts(listen: str, allowed: Iterable[str] = ()) -> frozenset[str]:
    """The host names a server listening on ``listen`` answers to: this machine's, ``listen`` and ``allowed``
    (``serve --allowed-host``), each as ``host_name`` gives it."""
    named = (host_name(text) for text in (listen, *allowed))
    return LOCAL_HOSTS | {name for name in named if name is not None}


def _origin_host(origin: str) -> str | None:
    """The host of an Origin (``http://localhost:8000``: ``localhost``); None for any other text."""
    try:
        parts = urlsplit(origin)
    except ValueError:  # ``http://[::1``
        return None
    if parts.scheme not in ("http", "https") or "@" in parts.netloc or parts.path or parts.query or parts.fragment:
        return None
    return host_name(parts.netloc)


class AllowedHosts:
    """A request refused unless its ``Host`` (when it has one) and each ``Origin`` it carries name a host the
    server answers to, whatever the port: a web page whose name an attacker pointed at this machine (DNS
    rebinding) is same-origin to the browser, which would let it send JSON and push decisions into the
    decision log. A ``Host`` that is an IP address is answered (rebinding needs a name: a load balancer's or
    an orchestrator's probe sends the address), and a request without ``Host`` (an HTTP/1.0 health check)
    comes from no browser."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str], refused: Callable[[int, str, str], ASGIApp]) -> None:
        self.app, self.refused = app, refused  # ``refused``: the answer, given the status, the header and why
        self.allowed = {name for name in map(host_name, allowed) if name is not None}

    def answers(self, host: str | None) -> bool:
        return host is not None and host in self.allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (refusal := self.refusal(scope.get("headers", ()))) is not None:
            return await self.refused(*refusal)(scope, receive, send)
        await self.app(scope, receive, send)

    def refusal(self, headers: Iterable[tuple[bytes, bytes]]) -> tuple[int, str, str] | None:
        """The status, the header at fault and why, for a request this server does not answer; else None."""
        hosts: list[str] = []
        origins: list[str] = []
        for name, value in headers:
            if name.lower() in (b"host", b"origin"):
                (hosts if name.lower() == b"host" else origins).append(value.decode("latin-1"))
        if len(hosts) > 1:
            return 421, "Host", f"{len(hosts)} Host headers: send one"
        if hosts and not self.answers(host := host_name(hosts[0])) and _address(host or "") is None:
            # an address is no name an attacker can point here: a probe or a client reaching it by address
            return 421, "Host", (f"this server does not answer to the host `{shortened(hosts[0])}` (the Host "
                                 "header): a web page whose name was pointed at this machine may not send it "
                                 "requests; to reach it by that name, start it with --allowed-host and the name")
        for origin in (one for value in origins for one in value.split()):  # a list, RFC 6454 allows
            if not self.answers(_origin_host(origin)):  # ``null`` (a sandboxed page, a file) too
                return 403, "Origin", (f"a web page of `{shortened(origin)}` (the Origin header) may not send "
                                       "requests to this server: a page of another site could push decisions into "
                                       "its log; to let pages of that host, start it with --allowed-host and the "
                                       "host's name")
        return None


_ABSOLUTE = re.compile(rb"https?://[^/?#]*(/[^#]*)?", re.IGNORECASE)
"""A request target as the request line wrote it, in absolute form: a scheme first, never a ``/`` (a path
``/http://…`` is a path, whatever a gateway in front decided by its prefix)."""


class OriginForm:
    """A request target in absolute form (``GET http://host/healthz``, as a proxy sends it) read as its
    path, as HTTP/1.1 has a server accept it; the ``Host`` header is left as it came."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (absolute := _ABSOLUTE.fullmatch(scope.get("raw_path") or b"")):
            raw = absolute.group(1) or b"/"
            scope = {**scope, "path": unquote(raw.decode("latin-1")), "raw_path": raw}
        await self.app(scope, receive, send)


class OneFraming:
    """A request that gives both Content-Length and Transfer-Encoding answered ``400`` and its connection
    closed, as HTTP/1.1 asks: a front end framing its body by the one and this server by the other would
    read the rest of it as another request (request smuggling)."""

    def __init__(self, app: ASGIApp, refused: Callable[[str], ASGIApp]) -> None:
        self.app, self.refused = app, refused  # ``refused``: the 400 response to send, closing the connection

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            names = {name.lower() for name, _ in scope.get("headers", ())}
            if b"content-length" in names and b"transfer-encoding" in names:
                return await self.refused("the request gives both Content-Length and Transfer-Encoding: "
                                          "send one of them")(scope, receive, send)
        await self.app(scope, receive, send)


class HeadAsGet:
    """HEAD on a path that takes GET answered as GET is, without the body (a load balancer probes
    with HEAD); on any other path it is refused as any method the path does not take."""

    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app, self.routes = app, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        get = {**scope, "method": "GET"}
        if scope["type"] != "http" or scope["method"] != "HEAD" or not any(
                route.matches(get)[0] is Match.FULL for route in self.routes):
            return await self.app(scope, receive, send)

        async def head_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app(get, receive, head_only)


class Validated:
    """A GET answer that changes only when the server restarts (an edition, a schema, the OpenAPI document) given an
    ``ETag``, the sha256 of its bytes, and ``Cache-Control: no-cache`` (a cache keeps it, and asks before it reuses
    it); a request whose ``If-None-Match`` names that tag, or is ``*``, answered ``304 Not Modified`` without a
    body (RFC 9110, 13.1.2; tags compared weakly). Any other answer of such a path (an unknown edition's 404) is
    left as it is."""

    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app, self.routes = app, routes  # the paths validated

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not any(
                route.matches(scope)[0] is Match.FULL for route in self.routes):
            return await self.app(scope, receive, send)
        start: Message | None = None
        body = bytearray()

        async def held(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and start is not None:
                body.extend(message.get("body", b""))
                if not message.get("more_body"):
                    await self.answer(scope, start, bytes(body), send)
            else:
                await send(message)

        await self.app(scope, receive, held)

    @staticmethod
    async def answer(scope: Scope, start: Message, body: bytes, send: Send) -> None:
        if start["status"] == 200:
            tag = f'"{hashlib.sha256(body).hexdigest()}"'
            headers = MutableHeaders(scope=start)
            headers["ETag"], headers["Cache-Control"] = tag, "no-cache"
            if none_match([v.decode("latin-1") for k, v in scope.get("headers", ()) if k.lower() == b"if-none-match"],
                          tag):
                del headers["content-length"], headers["content-type"]  # no body: none described
                start, body = {**start, "status": 304}, b""
        await send(start)
        await send({"type": "http.response.body", "body": body})


def none_match(values: list[str], tag: str) -> bool:
    """Whether the ``If-None-Match`` header lines ``values`` name ``tag`` (a strong tag, quoted): ``*``, or a list
    of tags one of which is it, ``W/`` or not (the weak comparison RFC 9110 asks of If-None-Match)."""
    if any(value.strip() == "*" for value in values):
        return True
    return any(found == tag[1:-1] for value in values for found in _ENTITY_TAG.findall(value))


_ENTITY_TAG = re.compile(r'(?:W/)?"([\x21\x23-\x7e\x80-\xff]*)"')
"""An entity tag in a list (RFC 9110, 8.8.3): its opaque part, which may hold a comma, never a quote."""


class Marked:
    """Every answer marked ``X-Content-Type-Options: nosniff`` (an explanation quotes text from the record: no
    browser may read it as another type), and every answer to a POST ``Cache-Control: no-store``: a decision
    carries member data (a masked NIK, the record's hash, the bank the member named), which no cache between
    the client and the service may keep."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        posted = scope["method"] == "POST"

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                if posted:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, marked)


class Contained:
    """Every unexpected failure answered ``500 internal`` and logged as one bounded line on standard
    error: its type and where it was raised, never its message or traceback, which may quote a
    record's NIK or account number (the server would log the exception as it is, chained errors
    with their input values included)."""

    def __init__(self, app: ASGIApp, failed: Callable[[], ASGIApp]) -> None:
        self.app, self.failed = app, failed  # ``failed``: the 500 response to send

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:  # the one place every failure ends
            print(f"bsu-rules serve: internal error on {shortened(scope['method'])} {shortened(scope['path'])}: "
                  f"{failure(exc)}",
                  file=sys.stderr)
            if not started:
                await self.failed()(scope, receive, send)


def failure(exc: BaseException) -> str:
    """An exception as a log may say it without a value from the input: its type and the line of
    this package (and the last line, when that is elsewhere) it was raised at."""
    frames = [(Path(frame.f_code.co_filename), line, frame.f_code.co_name)
              for frame, line in traceback.walk_tb(exc.__traceback__)]
    ours = [f for f in frames if f[0].is_relative_to(_PACKAGE)]
    where = [f"{file.relative_to(_PACKAGE.parent) if file.is_relative_to(_PACKAGE) else file.name}:{line} ({name})"
             for file, line, name in dict.fromkeys(frames[-1:] + ours[-1:])]
    return f"{type(exc).__name__} at {' called from '.join(where) or 'an unknown place'}"


_PACKAGE = Path(__file__).resolve().parents[1]


def wants_ndjson(accept: str) -> bool:
    """Whether an Accept header asks for NDJSON: named, with a q-value above 0 and not below that of
    JSON (``application/json``, else ``application/*``, else ``*/*``; none named: 0); or JSON given
    q=0 and NDJSON not (a client that takes neither gets JSON, the default)."""
    weights: dict[str, float] = {}
    for part in accept.split(","):
        kind, *params = [p.strip().lower() for p in part.split(";")]
        q = next((p.partition("=")[2].strip() for p in params if p.partition("=")[0].strip() == "q"), "1")
        if _QVALUE.fullmatch(q):  # a range whose q-value HTTP does not allow (nan, 1e9, -1) is not read
            weights[kind] = float(q)

    def weight(kind: str) -> float | None:
        return next((weights[k] for k in (kind, "application/*", "*/*") if k in weights), None)

    json_q, ndjson_q = weight("application/json"), weight(NDJSON)
    if json_q == 0:  # JSON ruled out: NDJSON, unless it is ruled out too (then JSON, the default)
        return ndjson_q != 0
    return weights.get(NDJSON, 0.0) > 0 and weights[NDJSON] >= (json_q or 0.0)


_QVALUE = re.compile(r"0(?:\.\d{0,3})?|1(?:\.0{0,3})?")
"""A q-value as HTTP allows it: 0 to 1, at most three decimals (RFC 9110, 12.4.2)."""


def not_json(media_type: str | None, encoding: str | None) -> str | None:
    """Why a body is refused (415), or None: it is not declared ``application/json`` (UTF-8, the only charset taken) or
    declared compressed. A declared type is required: a web page can send ``text/plain``, a form's
    types or no type at all to another site without the browser asking it first, and so would push
    decisions into the decision log; curl's ``-d`` sends ``application/x-www-form-urlencoded``."""
    if encoding is not None and encoding.strip().lower() not in ("", "identity"):
        return (f"the body is sent with Content-Encoding `{shortened(encoding)}`: send it uncompressed "
                "(no Content-Encoding)")
    kind, *params = [part.strip().lower() for part in (media_type or "").split(";")]
    charset = [p.partition("=")[2].strip('"') for p in params if p.partition("=")[0].strip() == "charset"]
    if kind == "application/json" and all(c in ("utf-8", "utf8") for c in charset):
        return None
    given = f"`{shortened(media_type)}`" if media_type else "none"
    fix = ("; curl's -d and --data-binary send that type unless told: add -H 'Content-Type: application/json'"
           if kind == "application/x-www-form-urlencoded" else ": send the header Content-Type: application/json")
    return f"the body must be JSON sent with Content-Type: application/json (UTF-8), not {given}{fix}"

