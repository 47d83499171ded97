"""``bsu-rules serve``: the HTTP decision service (needs the ``serve`` extra)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from bsu_rules.audit.log import DecisionLog
from bsu_rules.audit.snapshot import KEY_ENV
from bsu_rules.cli.batch import positive_int
from bsu_rules.cli.options import used
from bsu_rules.ruleset.editions import bundled_rules
from bsu_rules.ruleset.loader import load_ruleset

SERVE_EXTRA = "pip install 'bsu-rules[serve]'"


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "serve", help="serve decisions over HTTP (POST /v1/decisions; /openapi.json)",
        description="Serve decisions, explanations and edition data over HTTP. Needs the serve extra.")
    p.add_argument("rulesets", nargs="*", metavar="RULESET", help="rule file paths or bundled ids (default: "
                   "every bundled edition)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--log", metavar="FILE", help="append every decision to a hash-chained decision log; "
                   "a decision is answered only once it is in the log")
    p.add_argument("--pseudonymize-key", metavar="KEY",
                   help=f"with --log: store HMAC-SHA256(KEY, NIK) instead of the NIK (default: ${KEY_ENV})")
    p.add_argument("--max-body", type=positive_int, default=1_048_576, metavar="BYTES",
                   help="largest request body (default 1 MiB)")
    p.add_argument("--max-records", type=positive_int, default=1000, metavar="N",
                   help="most records in one request (default 1000)")
    p.add_argument("--time-limit", type=float, default=10.0, metavar="SECONDS",
                   help="most time deciding one request (default 10)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn  # lazy: the serve extra

        from bsu_rules.service import Limits, create_app  # lazy: the serve extra (fastapi)
    except ImportError as exc:
        print(f"bsu-rules serve needs the serve extra ({exc.name} is not installed): {SERVE_EXTRA}", file=sys.stderr)
        return 2
    names = args.rulesets or sorted(p.stem for p in bundled_rules().glob("*.yaml"))
    rulesets = [load_ruleset(name) for name in names]
    for rs in rulesets:
        print(f"bsu-rules serve: {used(rs)}", file=sys.stderr)
    key = args.pseudonymize_key or os.environ.get(KEY_ENV) or None
    if key and not args.log:
        print("bsu-rules: --pseudonymize-key needs --log", file=sys.stderr)
        return 2
    log = DecisionLog(args.log, key=key, batch=args.max_records) if args.log else None
    limits = Limits(max_body_bytes=args.max_body, max_records=args.max_records, max_seconds=args.time_limit)
    app = create_app(rulesets, log=log, limits=limits)
    print(f"bsu-rules serve: listening on http://{args.host}:{args.port} (POST /v1/decisions, GET /openapi.json)",
          file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0
