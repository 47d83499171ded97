"""``bsu-rules impact``: what a reform does to a whole member file, as one HTML page and JSON."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from bsu_rules.batch.paths import distinct, writable
from bsu_rules.cli.batch import Progress, chunk_size, missing_extra
from bsu_rules.cli.exits import FAILED, OK, REJECTED, interrupted
from bsu_rules.cli.options import ON_HELP, add_reform_options, day, read_ruleset, reform_from, tell
from bsu_rules.diff_text import channel_name
from bsu_rules.errors import Code, InputError, RuleSetError, on_path
from bsu_rules.formatting import counted, rupiah
from bsu_rules.ruleset.override_checks import diag
from bsu_rules.ruleset.override_texts import split_assignments
from bsu_rules.ruleset.overrides import Reform, reform_of


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "impact", help="measure a reform (or another edition) over a member file: HTML report and JSON",
        description="Decide every member of INPUT under RULESET (with --set/--table overrides) and, when there are "
                    "overrides or --against, under the baseline too; write one self-contained HTML page "
                    "(headline, criteria funnel, flips, breakdowns, data quality) and, with --json, its numbers.")
    p.add_argument("ruleset", help="a rule file path or a bundled id such as bsu-2022")
    p.add_argument("input", help="members: .parquet, .jsonl or .csv (histories as JSON cells)")
    p.add_argument("--on", type=day, help=ON_HELP)
    add_reform_options(p)
    p.add_argument("--against", metavar="RULESET_OR_SETS", action="append",
                   help="the baseline: another rule set (path or id), or overrides of RULESET written "
                        "NAME=VALUE[,NAME=VALUE], --against repeated for more (default: RULESET without --set/--table)")
    p.add_argument("--against-on", type=day, metavar="DATE", help="decision date of the baseline (default: "
                   "for the same rule set, the reform's date: --on, else the later of the two latest dates; "
                   "for another edition, its latest date)")
    p.add_argument("--out", required=True, help="the HTML report (a name ending in .html or .htm)")
    p.add_argument("--json", metavar="FILE", help="also write every number of the report as JSON (a name ending "
                   "in .json)")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of the report")
    p.add_argument("--chunk-size", type=chunk_size, default=250_000, metavar="N", help="rows per chunk (250000)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        from bsu_rules.batch.read import Reader  # lazy: the impact extra (polars, pyarrow)
        from bsu_rules.batch.run import Counts  # lazy: the impact extra
        from bsu_rules.report.html import render_html  # lazy: the impact extra
        from bsu_rules.report.impact import impact, side_dates  # lazy: the impact extra
        from bsu_rules.report.warnings import same_sides  # lazy: with the report
    except ImportError as exc:
        return missing_extra("impact", exc)
    targets = {"--out": Path(args.out), **({"--json": Path(args.json)} if args.json else {})}
    if targets["--out"].suffix.lower() == ".json":  # the page written under the name of its numbers
        raise InputError([(args.out, "--out is the HTML report (such as report.html); give --json FILE for the "
                                     "numbers")])
    writable(targets)
    distinct(args.input, targets)
    reform = reform_from(args.ruleset, args)
    distinct(args.input, targets, reform.files())
    if targets["--out"].suffix.lower() not in (".html", ".htm"):  # never over a key, a decisions file …
        raise InputError([(args.out, "the report's name must end in .html (--out)")])
    if args.json and targets["--json"].suffix.lower() != ".json":
        raise InputError([(args.json, "the numbers' file name must end in .json (--json)")])
    given: list[str] = args.against or []
    baseline_named = False
    args.against = " ".join(given) or None  # as typed, for the messages
    if not given:
        baseline = reform.base if isinstance(reform, Reform) else None
    elif all("=" in each for each in given):  # every --against an override: all of them
        baseline = reform_of(read_ruleset(args.ruleset), [a for each in given for a in split_assignments(each)], [],
                             "against")
    elif len(given) == 1:
        baseline = read_ruleset(given[0])
        baseline_named = True  # a rule set of its own, by its own name
    else:
        raise RuleSetError([diag(f"--against {args.against}", Code.BAD_OVERRIDE, "the baseline is one rule set, or "
                                 "overrides of RULESET (NAME=VALUE, --against repeated for more), not both")])
    on, against_on = args.on, args.against_on
    if baseline is None and against_on is not None:  # nothing to date: said, not silently dropped
        raise InputError([("--against-on", "dates the baseline, and there is none: give --against, or --set/--table "
                                           "for a reform of RULESET measured against RULESET")])
    if baseline is not None:
        against_on, on = side_dates(baseline, reform, against_on, on)
    tell(reform, on, named=args.ruleset)
    if args.against is not None and baseline is not None:  # named as the reform is: its file, sha256, warnings
        tell(baseline, against_on, "baseline", "--against-on", named=given[0] if baseline_named else None,
             beside=reform)
    if baseline is not None and (same := same_sides(reform, on, baseline, against_on, f"--against {args.against}")):
        print(f"bsu-rules: warning: {same}", file=sys.stderr)
    reader = Reader(args.input, args.chunk_size)
    progress = None if args.quiet else Progress(reader.total, reader.unit, "bsu-rules impact")
    started = time.monotonic()
    read = [0]

    def count(done: int, rows: int) -> None:
        read[0] += rows
        if progress is not None:
            progress(done, rows)

    try:
        data = impact(reform, args.input, on=on, baseline=baseline, baseline_on=against_on,
                      chunk_size=args.chunk_size, progress=count, file_label=Path(args.input).name,
                      spill=Path(args.out).parent)
    except KeyboardInterrupt as exc:
        raise interrupted(exc, f"after {read[0]} rows read; no report was written") from None
    finally:
        if progress is not None:
            progress.close()
    if data["input"]["rows"] == 0:  # a report of no one measures nothing: not handed on as if it did
        print(f"bsu-rules: {args.input}: the file is empty: it holds no member record; there is nothing to measure "
              "and no report was written", file=sys.stderr)
        print(Counts(read=0, decided=0, rejected=0).line())
        return FAILED
    for warning in data["warnings"]:  # the others were said before the run
        if warning["side"] is None and warning["kind"] != "same":  # of both sides: a file, a diff
            print(f"bsu-rules: warning: {warning['text']}", file=sys.stderr)
    h = data["headline"]
    counts = Counts(read=data["input"]["rows"], decided=h["members"]["reform"], rejected=h["rejected"]["reform"])
    if not counts.holds:
        print(counts.line())
        print("bsu-rules: rows were lost: the counts do not add up; no report was written", file=sys.stderr)
        return FAILED
    _write({targets["--out"]: render_html(data, args.lang),
            **({targets["--json"]: json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"}
               if args.json else {})})

    def diff(key: str) -> str:
        if not data["baseline"]:
            return ""
        change = h[key]["difference"]
        return f" ({'+' if change >= 0 else ''}{rupiah(change) if key == 'budget' else change})"

    held = f" (an officer reviews {h['held']['reform']}{diff('held')} first)" \
        if h["held"]["reform"] or (data["baseline"] and h["held"]["baseline"]) else ""
    print(f"eligible {h['eligible']['reform']}{diff('eligible')} · paid {h['paid']['reform']}{diff('paid')}{held} · "
          f"budget {rupiah(h['budget']['reform'])}{diff('budget')} · undetermined {h['undetermined']['reform']}"
          f"{diff('undetermined')} · ineligible {h['ineligible']['reform']}{diff('ineligible')} · "
          f"rejected {h['rejected']['reform']}")
    moves = data["channel_moves"]
    if moves and moves["total"]:
        shown = ", ".join(f"{channel_name(m['from'])} → {channel_name(m['to'])} {m['count']}"
                          for m in moves["moves"][:3])
        more = f", and {len(moves['moves']) - 3} more" if len(moves["moves"]) > 3 else ""
        print(f"paid another way {moves['total']} ({shown}{more})")
    if data["record_moves"] and data["record_moves"]["total"]:
        print(f"paid under another record of the same NIK {data['record_moves']['total']}")
    warned = f" · {counted(len(data['warnings']), 'warning')} at its top" if data["warnings"] else ""  # they travel
    print(f"report: {args.out}{' · ' + args.json if args.json else ''}{warned} · {time.monotonic() - started:.1f} s")
    print(counts.line())
    return REJECTED if counts.rejected else OK


def _write(texts: dict[Path, str]) -> None:
    """Write every file whole or none at all: each to a temporary file beside it, renamed into
    place once all are written; the temporary files are removed whatever happens."""
    written: dict[Path, Path] = {}
    try:
        for path, text in texts.items():
            tmp = path.with_name(f".{path.name}.tmp")
            written[path] = tmp
            try:
                tmp.write_text(text, "utf-8", errors="replace")  # a file name in another encoding: shown as ?
            except OSError as exc:  # a full disk: named as the file asked for
                raise on_path(exc, path) from None
        for path, tmp in written.items():
            tmp.replace(path)
    finally:
        for tmp in written.values():
            if not tmp.is_dir():  # not ours
                tmp.unlink(missing_ok=True)
