"""``bsu-rules serve``: the HTTP decision service (needs the ``serve`` extra)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import sys
from collections.abc import Callable
from typing import Any

from bsu_rules.audit.log import AuditError, DecisionLog
from bsu_rules.cli.archive import add_full_nik_option, check_log_path, log_key, warn
from bsu_rules.cli.exits import INTERRUPTED
from bsu_rules.cli.options import add_key_options, folder_copy, positive_int, read_ruleset, say_warned, used
from bsu_rules.members.redact import shortened
from bsu_rules.ruleset.editions import bundled_rules

SERVE_EXTRA = "pip install '.[serve]' in the project's folder"


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "serve", help="serve decisions over HTTP (POST /v1/decisions; /openapi.json)",
        description="Serve decisions, explanations and edition data over HTTP. Needs the serve extra.")
    p.add_argument("rulesets", nargs="*", metavar="RULESET", help="rule file paths or bundled ids (default: "
                   "every bundled edition)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=_port, default=8000, help="port to listen on, 1-65535 (default 8000)")
    p.add_argument("--allowed-host", action="append", type=_host, default=[], metavar="NAME",
                   help="a host name (or address) clients reach the server by, besides localhost, 127.0.0.1, ::1 "
                   "and --host; repeat it for more. A request whose Host header names any other host (an IP address "
                   "is always answered), or whose Origin does, is refused (421 or 403 host-not-allowed): a web "
                   "page whose name is pointed at this machine (DNS rebinding) could otherwise send decisions into "
                   "the log. Behind a proxy, name the host it sends: the public name, or its upstream's name")
    p.add_argument("--log", metavar="FILE", help="append every decision to a hash-chained decision log; "
                   "a decision is answered only once it is in the log")
    p.add_argument("--pseudonymize-key", metavar="KEY", help=argparse.SUPPRESS)  # shows in ps: warned about
    add_key_options(p)
    add_full_nik_option(p)
    p.add_argument("--max-body", type=_at_most(_GIB, "1 GiB"), default=1_048_576, metavar="BYTES",
                   help="largest request body, 1 GiB at most (default 1 MiB)")
    p.add_argument("--max-records", type=_at_most(1_000_000, "a million records"), default=1000, metavar="N",
                   help="most records in one request, a million at most (default 1000)")
    p.add_argument("--time-limit", type=_time_limit, default=10.0, metavar="SECONDS",
                   help="most time deciding one request, above 0 and an hour at most (default 10)")
    p.add_argument("--body-time-limit", type=_time_limit, default=30.0, metavar="SECONDS",
                   help="most time a request's body may take to arrive, above 0 and an hour at most (default 30)")
    p.add_argument("--head-time-limit", type=_time_limit, default=10.0, metavar="SECONDS",
                   help="most time a request's line and headers may take to arrive, above 0 and an hour at most "
                   "(default 10)")
    p.add_argument("--max-connections", type=positive_int, default=1000, metavar="N",
                   help="most connections held at once; more are answered 503 (default 1000, lowered to "
                   "what the process's open-file limit allows)")
    p.set_defaults(run=run)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{shortened(text)!r} is not a port (1-65535)")
    return int(text)


def _host(text: str) -> str:
    """A host name or address as ``--allowed-host`` takes it (a port given with it is not compared)."""
    try:
        from bsu_rules.service.http import host_name  # lazy: the serve extra (starlette)
    except ImportError:
        return text  # ``run`` says the extra is missing
    name = host_name(text)
    if name is None:
        raise argparse.ArgumentTypeError(f"{shortened(text)!r} is not a host name or address (e.g. "
                                         "bsu.example.org, 10.0.0.5 or [fd00::1])")
    return name


def _time_limit(text: str) -> float:
    """A number of seconds above 0, an hour at most: with 0, every request would be over the limit; with
    ``1e308``, a client sending nothing would hold a connection for ever, which the limit is there to stop."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= _HOUR:  # also refuses NaN
        raise argparse.ArgumentTypeError(f"{shortened(text)!r} is not a time limit (a number of seconds above 0, "
                                         f"{_HOUR} at most)")
    return value


_HOUR = 3600
_GIB = 1 << 30


def _at_most(most: int, what: str) -> Callable[[str], int]:
    """``positive_int`` of ``most`` at most, said as ``what`` (a body of petabytes would be read into memory)."""
    def parse(text: str) -> int:
        value = positive_int(text)
        if value > most:
            raise argparse.ArgumentTypeError(f"{shortened(text)!r} is more than {what}")
        return value
    return parse


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn  # lazy: the serve extra

        from bsu_rules.service import Limits, create_app  # lazy: the serve extra (fastapi)
        from bsu_rules.service.connections import (  # lazy: idem (uvicorn)
            LoopFaults,
            QuietRepeats,
            connection_cap,
            guarded_protocol,
        )
        from bsu_rules.service.http import served_hosts  # lazy: idem (starlette)
    except ImportError as exc:
        print(f"bsu-rules serve needs the serve extra ({exc.name} is not installed): {SERVE_EXTRA}", file=sys.stderr)
        return 2
    names = args.rulesets or sorted(p.stem for p in bundled_rules().glob("*.yaml"))
    rulesets = [read_ruleset(name) for name in names]
    for name, rs in zip(names, rulesets, strict=True):
        print(f"bsu-rules serve: {used(rs)}", file=sys.stderr)
        folder_copy(name, rs, "bsu-rules serve")  # on stderr as the service starts, never in a response
        say_warned(rs, "bsu-rules serve")
    if twice := sorted({rs.id for rs in rulesets if [r.id for r in rulesets].count(rs.id) > 1}):
        print(f"bsu-rules: {', '.join(twice)} would be served twice: give each edition once", file=sys.stderr)
        return 2
    if args.log is not None and not args.log.strip():
        print("bsu-rules: --log is empty: give the file the decisions are appended to", file=sys.stderr)
        return 2
    if (args.pseudonymize_key or args.key_file or args.full_nik) and not args.log:
        print(f"bsu-rules: {'--full-nik' if args.full_nik else 'a pseudonymisation key'} needs --log", file=sys.stderr)
        return 2
    log = None
    if args.log:
        try:  # a log keeping full NIKs nobody asked for, or a damaged or unwritable one, is refused before
            check_log_path(args.log)
            key = log_key(args)
            log = DecisionLog(args.log, key=key, full_nik=key is None, batch=args.max_records,  # before it listens
                              warn=warn)
            log.writable()
        except AuditError as exc:  # an OSError is said as for every command: `path: what is wrong`
            print(f"bsu-rules: {exc}", file=sys.stderr)
            return 2
    try:
        socket.getaddrinfo(args.host, args.port)
        with socket.create_server((args.host, args.port)):
            pass  # the address can be taken now: the service will take it
    except OSError as exc:
        print(f"bsu-rules: cannot listen on {args.host}:{args.port} ({exc.strerror or exc})", file=sys.stderr)
        return 2
    limits = Limits(max_body_bytes=args.max_body, max_records=args.max_records, max_seconds=args.time_limit,
                    body_seconds=args.body_time_limit)
    app = create_app(rulesets, log=log, limits=limits, allowed_hosts=served_hosts(args.host, args.allowed_host))
    print(f"bsu-rules serve: listening on http://{args.host}:{args.port} (POST /v1/decisions, GET /openapi.json)",
          file=sys.stderr)
    protocol = guarded_protocol(args.head_time_limit, connection_cap(args.max_connections))
    server = uvicorn.Server(uvicorn.Config(app, host=args.host, port=args.port, log_level="warning",
                                           access_log=False, http=protocol, ws="none"))
    logging.getLogger("uvicorn.error").addFilter(QuietRepeats())  # once its logging is configured

    async def serve() -> None:
        asyncio.get_running_loop().set_exception_handler(LoopFaults())
        await server.serve()

    asyncio.run(serve())
    return INTERRUPTED if server.should_exit and server.started else 0
