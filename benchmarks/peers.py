"""Every path of the 2022 decision against its peers, in one run (a script, not a test).

    python benchmarks/peers.py [--members M] [--n N] [--full] [--big] [--quick] [--folder DIR]

One seeded population (``bsu-rules generate --no-malformed``, Parquet) feeds every row: the
per-member paths decide its first M members (default 10,000), the columnar evaluator and the
end-to-end commands all N (default 200,000; ``--full``: 100,000 and 1,000,000). The audit rows
write the first M members (``--full``: all N) as JSON lines through ``evaluate --log`` and
replay the log that makes. ``bsu_rules`` is compiled to bytecode first, as an installed package is.
Each measurement runs in its own process, so its peak RSS is its own; in-process paths repeat their work until it
has run for at least a second. Printed per row: decisions/s, the ratio to the hand-written
function and to GoRules ZEN, peak RSS, and how often its outcomes agree with the hand-written
function's. Then the wall time of ``bsu-rules --help`` (median), and with ``--big`` the peak RSS
of ``generate`` and ``batch`` on 10 million members (a few minutes, several GB of disk).

What a row measures is its adapter in ``PATHS`` below: when an API changes, change the adapter.
A path whose package or API is missing prints ``n/a (reason)``.
"""

from __future__ import annotations

import argparse
import compileall
import gc
import importlib.metadata
import importlib.util
import json
import os
import platform
import resource
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
"""pyarrow loads numpy, whose OpenBLAS starts a thread per core that spins a while after loading: on a small
machine it takes turns with the measured path, and under cachegrind its spinning is counted as that path's
(2-8 M instructions a run, from one run to the next). No path here multiplies matrices."""

HERE = Path(__file__).resolve().parent
ZEN_GRAPH = HERE / "zen" / "bsu-2022.json"
POLARS_PIPELINES = (HERE / "polars_baseline.py",)
ON = date(2022, 9, 5)
CHUNK = 250_000


class NotAvailable(Exception):
    """A path that cannot run here (a package or an API is missing): printed as n/a."""


Work = Callable[[], Any]
"""Decides every member once; its result becomes outcomes through the path's ``outcomes``."""


# --- the measured paths: one adapter each -----------------------------------------------------
# Imports live in the adapters: a child process loads only what its path uses (its RSS is its own),
# and a missing package or API becomes n/a instead of a crash.

def handwritten(p: Population) -> Work:
    from handwritten import Handwritten

    decide, rows = Handwritten().decide, p.rows
    return lambda: [decide(r) for r in rows]


def zen(p: Population) -> Work:
    try:
        import zen
    except ImportError as exc:
        raise NotAvailable("zen-engine is not installed: pip install -e '.[bench]'") from exc
    graph = json.loads(ZEN_GRAPH.read_text("utf-8"))
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"bsu-2022": graph}}})
    records = p.records
    return lambda: [engine.evaluate("bsu-2022", r)["result"]["outcome"] for r in records]


def decide(p: Population) -> Work:
    plan, members = p.plan, p.members
    return lambda: [plan.decide(m).outcome.value for m in members]


def traced(p: Population) -> Work:
    """Every rule outcome of the trace read: values, missing inputs, explanation."""
    plan, members = p.plan, p.members

    def work() -> list[str]:
        out = []
        for m in members:
            d = plan.decide(m)
            for r in d.rules:
                r.values, r.missing, r.explain  # noqa: B018  (read: materialised if lazy)
            out.append(d.outcome.value)
        return out
    return work


def hinted(p: Population) -> Work:
    """The trace with the counterfactual hints, asked for."""
    plan, members = p.plan, p.members

    def work() -> list[str]:
        out = []
        for m in members:
            d = plan.decide(m, hints=True)
            for r in d.rules:
                r.values, r.explain, r.hint  # noqa: B018
            out.append(d.outcome.value)
        return out
    return work


def evaluate(p: Population) -> Work:
    import bsu_rules

    ruleset, records = p.ruleset, p.records
    return lambda: [bsu_rules.evaluate(ruleset, r, on=ON).outcome.value for r in records]


def json_lines(p: Population) -> Work:
    """A JSON line to a decision JSON line, as ``bsu-rules evaluate`` does it."""
    from bsu_rules.members import parse_line, parse_record
    from bsu_rules.members.decode import decode_json

    plan, lines = p.plan, [line.encode("utf-8") for line in p.lines]  # the command reads bytes

    def work() -> list[str]:
        out = []
        for line in lines:
            member, sha256 = parse_line(line) or parse_record(decode_json(line))
            out.append(plan.decide(member, input_sha256=sha256).to_json())
        return out
    return work


def columnar(p: Population) -> Work:
    """The columnar evaluator on ready Arrow columns, in chunks of 250k (no validation, no keys)."""
    from bsu_rules.evaluators.columnar import ColumnarPlan

    engine, table = ColumnarPlan(p.plan), p.table
    engine.decide(table.slice(0, 1000))  # one-time costs are not rates
    return lambda: [engine.decide(table.slice(o, CHUNK)) for o in range(0, table.num_rows, CHUNK)]


def batch_command(source: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "bsu_rules", "batch", "bsu-2022", str(source), "--out", str(out), "--quiet"]


def log_command(members: Path, log: Path) -> list[str]:
    """``evaluate --log``: each decision appended (and synced) to the log before it is printed."""
    return [sys.executable, "-m", "bsu_rules", "evaluate", "bsu-2022", str(members), "--on", ON.isoformat(),
            "--log", str(log), "--full-nik", "--archive", str(log.parent / "archive")]


def replay_command(log: Path, archive: Path) -> list[str]:
    return [sys.executable, "-m", "bsu_rules", "replay", str(log), "--archive", str(archive)]


def polars_command(source: Path, out: Path) -> list[str]:
    script = next((s for s in POLARS_PIPELINES if s.exists()), None)
    if script is None:
        raise NotAvailable(f"no {POLARS_PIPELINES[0].name}")
    return [sys.executable, __file__, "--pipeline", str(script), str(source), str(out)]


@dataclass(frozen=True)
class Peer:
    """One row: timed in-process (``build``: members -> work) or end to end (``command``)."""

    label: str
    build: Callable[[Population], Work] | None = None
    command: Callable[[Path, Path], list[str]] | None = None  # (input, output) -> argv
    outcomes: Callable[[Any], list[str]] = list  # the work's result -> outcomes, after timing
    columns: bool = False  # decides all N members (otherwise the first M)
    about: str = ""  # printed before its agreement
    audit: bool = False  # a command on the decision log (``audit_step``), not on the Parquet file


PATHS: dict[str, Peer] = {
    "handwritten": Peer("hand-written 2022 function (plain Python)", handwritten),
    "zen": Peer("GoRules ZEN engine.evaluate, JDM graph", zen,
                about="the 11 require/exclude criteria, outcome only (docs/performance.md)"),
    "decide": Peer("Plan.decide (validated member)", decide),
    "traced": Peer("Plan.decide + full trace read", traced),
    "hinted": Peer("Plan.decide + trace + hints", hinted),
    "evaluate": Peer("bsu_rules.evaluate(ruleset, dict, on=)", evaluate),
    "json": Peer("JSON line -> decision JSON line", json_lines,
                  outcomes=lambda lines: [json.loads(x)["outcome"] for x in lines]),
    "columnar": Peer("columnar, ready Arrow columns", columnar, columns=True,
                      outcomes=lambda tables: [o for t in tables for o in t["outcome"].to_pylist()]),
    "batch": Peer("bsu-rules batch, Parquet end to end", command=batch_command),
    "polars": Peer("minimal Polars pipeline, same file", command=polars_command),
    "log": Peer("bsu-rules evaluate --log, JSON lines to a decision log", command=log_command, audit=True),
    "replay": Peer("bsu-rules replay of that log", command=replay_command, audit=True),
}


class Population:
    """The generated members in the forms the paths start from (built before timing, never timed)."""

    def __init__(self, source: Path, n: int) -> None:
        self.source, self.n = source, n

    @cached_property
    def table(self) -> Any:
        import pyarrow as pa
        import pyarrow.parquet as pq

        batches, rows = [], 0
        for batch in pq.ParquetFile(self.source).iter_batches(batch_size=min(self.n, 65_536)):
            batches.append(batch)
            rows += batch.num_rows
            if rows >= self.n:
                break
        return pa.Table.from_batches(batches).slice(0, self.n)

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        """Row dicts as Arrow gives them (dates as ``datetime.date``)."""
        rows: list[dict[str, Any]] = self.table.to_pylist()
        return rows

    @cached_property
    def lines(self) -> list[str]:
        """The members as JSON lines, as ``bsu-rules evaluate`` reads them."""
        return [json.dumps({k: v for k, v in r.items() if v is not None}, default=str) for r in self.rows]

    @cached_property
    def records(self) -> list[dict[str, Any]]:
        """The members as decoded JSON (what a caller of the API holds)."""
        return [json.loads(line) for line in self.lines]

    @cached_property
    def ruleset(self) -> Any:
        import bsu_rules

        return bsu_rules.load_ruleset("bsu-2022")

    @cached_property
    def plan(self) -> Any:
        return self.ruleset.plan(ON)

    @cached_property
    def members(self) -> list[Any]:
        from bsu_rules import parse_member

        return [parse_member(r) for r in self.records]


# --- one measurement per process ---------------------------------------------------------------

def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def case(name: str, source: Path, n: int, min_seconds: float) -> dict[str, Any]:
    """Build one path's work on ``n`` members, run it for at least ``min_seconds``, check its outcomes."""
    path = PATHS[name]
    assert path.build is not None
    population = Population(source, n)
    try:
        work = path.build(population)
    except (NotAvailable, ImportError, AttributeError, TypeError) as exc:
        return {"na": str(exc) or type(exc).__name__}
    gc.collect()
    gc.freeze()
    runs, started = 0, time.perf_counter()
    while True:
        result = work()
        runs += 1
        seconds = time.perf_counter() - started
        if seconds >= min_seconds:
            break
    peak = peak_mb()
    got = path.outcomes(result)
    expected = handwritten(population)()
    n = len(expected)
    agree = sum(a == b for a, b in zip(got, expected, strict=True)) / n
    return {"n": n * runs, "seconds": seconds, "rss_peak": peak, "agree": agree}


def measure(command: list[str], discard: bool = False) -> dict[str, Any]:
    """Run a command as the only child of this fresh process: wall time, its peak RSS, its last lines
    (``discard``: its standard output is thrown away, as a long stream of decisions would be)."""
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL if discard else subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    lines = ((done.stdout or "").strip() or done.stderr.strip()).splitlines()
    return {"seconds": seconds, "code": done.returncode, "last": lines[-1] if lines else "", "tail": lines[-16:],
            "rss_peak": peak_mb(resource.RUSAGE_CHILDREN)}


def child(args: list[str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"na": f"failed: {last}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def end_to_end(name: str, source: Path, n: int, folder: Path) -> dict[str, Any]:
    path = PATHS[name]
    assert path.command is not None
    out = folder / f"{name}-{n}.parquet"
    try:
        command = path.command(source, out)
    except NotAvailable as exc:
        return {"na": str(exc)}
    result = child(["--measure", *command])
    if "na" in result or result["code"] not in (0, 1):
        return {"na": result.get("na") or f"exit {result['code']}: {result['last']}"}
    return {"n": n, **result, "output": str(out)}


def audit_step(name: str, source: Path, n: int, folder: Path) -> dict[str, Any]:
    """``log``: the first ``n`` members as JSON lines through ``evaluate --log``; ``replay``: that log."""
    members, log, archive = folder / f"members-{n}.jsonl", folder / f"decisions-{n}.log.jsonl", folder / "archive"
    if name == "log":
        write_lines(source, n, members)
        log.unlink(missing_ok=True)
        result = child(["--discard", "--measure", *log_command(members, log)])
    elif not log.exists():
        return {"na": "no decision log (the evaluate --log row did not run)"}
    else:
        result = child(["--measure", *replay_command(log, archive)])
    if "na" in result or result["code"] != 0:
        return {"na": result.get("na") or f"exit {result['code']}: {result['last']}"}
    if name == "log":
        lines, size = count_lines(log), log.stat().st_size
        return {"n": n, **result, "last": f"{lines:,} lines logged, {size / max(lines, 1) / 1024:.1f} KiB a line"}
    counts = {k: v for k, v in (line.split() for line in result["tail"][:-1] if len(line.split()) == 2)}
    return {"n": n, **result, "last": f"identical {counts.get('identical', '?')} of {counts.get('total', '?')}; "
                                      + result["last"]}


def write_lines(source: Path, n: int, out: Path) -> None:
    """The first ``n`` members of the Parquet file as JSON lines, as ``bsu-rules generate`` writes them."""
    import polars as pl

    pl.read_parquet(source, n_rows=n).write_ndjson(out)


def count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 24), b""))


def agreement(batch: dict[str, Any], polars: dict[str, Any]) -> str:
    """How often the Polars pipeline's outcomes agree with ``bsu-rules batch``'s, row by row."""
    import pyarrow.parquet as pq

    try:
        ours = pq.read_table(batch["output"], columns=["row", "outcome"]).sort_by("row")["outcome"].to_pylist()
        theirs = pq.read_table(polars["output"], columns=["outcome"])["outcome"].to_pylist()
    except (KeyError, OSError, ValueError) as exc:
        return f"outcomes not compared ({exc})"
    if len(ours) != len(theirs):
        return f"{len(theirs):,} rows against batch's {len(ours):,}"
    return f"agrees with batch on {sum(a == b for a, b in zip(ours, theirs, strict=True)) / len(ours):.2%}"


# --- the table ---------------------------------------------------------------------------------

def row(peer: Peer, r: dict[str, Any], base: float | None, zen_rate: float | None, note: str = "") -> str:
    label = peer.label
    if "na" in r:
        return f"| {label} | | n/a ({r['na']}) | | | | |"
    rate = r["n"] / r["seconds"]
    ratio: Callable[[float | None], str] = lambda ref: f"{rate / ref:.3g}" if ref else "—"
    note = note or (f"agrees with hand-written on {r['agree']:.2%}" if "agree" in r else r.get("last", ""))
    note = f"{peer.about}; {note}" if peer.about else note
    return (f"| {label} | {r['n']:,} | {rate:,.0f} | {ratio(base)} | {ratio(zen_rate)} "
            f"| {r['rss_peak']:,.0f} | {note} |")


def machine() -> str:
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")),
               platform.processor())
    import bsu_rules  # its own version: an editable install's package metadata keeps the one it was installed at

    versions = [f"bsu-rules {bsu_rules.__version__}"]
    for package in ("zen-engine", "polars", "pyarrow", "pydantic"):
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} not installed")
    return (f"{cpu}, {os.cpu_count()} logical CPUs; Python {platform.python_version()}; "
            + ", ".join(versions) + f"; {time.strftime('%Y-%m-%d %H:%M %Z')}")


def help_seconds(runs: int) -> float:
    script = Path(sys.executable).parent / "bsu-rules"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bsu_rules"]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*command, "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def generate(n: int, seed: int, out: Path) -> list[str]:
    return [sys.executable, "-m", "bsu_rules", "generate", "--n", str(n), "--seed", str(seed), "--no-malformed",
            "--out", str(out)]


def compiled() -> None:
    """The bytecode of ``bsu_rules`` written beside its sources, as ``pip install`` leaves an installed
    package: an editable install (or ``PYTHONDONTWRITEBYTECODE``) would have every command compile its
    sources anew on each start, which its installed peers (Polars, ZEN) never do."""
    spec = importlib.util.find_spec("bsu_rules")
    if spec is not None and spec.origin is not None:
        compileall.compile_dir(Path(spec.origin).parent, quiet=1)


def run(args: argparse.Namespace, folder: Path) -> None:
    compiled()
    source = folder / f"members-{args.n}-{args.seed}.parquet"
    if not source.exists():
        subprocess.run(generate(args.n, args.seed, source), check=True, capture_output=True)
    print(f"machine: {machine()}")
    logged = args.n if args.full else args.members
    print(f"members: bsu-rules generate --n {args.n:,} --seed {args.seed} --no-malformed; per-member paths "
          f"on the first {args.members:,}, columnar and end to end on all {args.n:,}, the decision log on "
          f"the first {logged:,}; decision date {ON}\n")
    results: dict[str, dict[str, Any]] = {}
    for name, peer in PATHS.items():
        print(f"measuring: {peer.label}", file=sys.stderr, flush=True)
        if peer.build is not None:
            n = args.n if peer.columns else args.members
            results[name] = child(["--case", name, "--source", str(source), "--n", str(n),
                                   "--min-seconds", str(args.min_seconds)])
        elif peer.audit:
            results[name] = audit_step(name, source, logged, folder)
        else:
            results[name] = end_to_end(name, source, args.n, folder)
    rate: Callable[[dict[str, Any]], float | None] = lambda r: r["n"] / r["seconds"] if "n" in r else None
    base, zen_rate = rate(results["handwritten"]), rate(results["zen"])
    print("| path | decisions | decisions/s | × hand-written | × ZEN | peak RSS MB | note |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, peer in PATHS.items():
        r, note = results[name], ""
        if name == "handwritten":
            note = "the ratio base"
        elif name == "polars" and "na" not in r and "na" not in results["batch"]:
            note = agreement(results["batch"], r)
        print(row(peer, r, base, zen_rate, note))
    print(f"\nbsu-rules --help: {help_seconds(args.help_runs):.3f} s (median of {args.help_runs} runs)")
    if args.big:
        big = folder / "members-10000000.parquet"
        for label, command in (("generate", generate(10_000_000, args.seed, big)),
                               ("batch", batch_command(big, folder / "decisions-10000000.parquet"))):
            r = child(["--measure", *command])
            print(f"10M members, bsu-rules {label}: " + (f"n/a ({r['na']})" if "na" in r else
                  f"{r['seconds']:.0f} s, peak RSS {r['rss_peak']:,.0f} MB, exit {r['code']} | {r['last']}"),
                  flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=10_000, help="members for the per-member paths (10,000)")
    ap.add_argument("--n", type=int, default=200_000, help="members for columnar and end to end (200,000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--full", action="store_true",
                    help="100,000 per member, 1,000,000 end to end and in the decision log")
    ap.add_argument("--big", action="store_true", help="also 10M members through generate and batch (peak RSS)")
    ap.add_argument("--quick", action="store_true", help="tiny sizes: checks that every path runs")
    ap.add_argument("--folder", help="where the generated files go (default: a temporary folder)")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--min-seconds", type=float, default=1.0, help=argparse.SUPPRESS)
    ap.add_argument("--measure", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    ap.add_argument("--discard", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--pipeline", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.discard)))
    elif args.pipeline:
        script, source, out = args.pipeline
        print(f"wrote {runpy.run_path(script)['run'](source, out):,} rows")
    elif args.case:
        print(json.dumps(case(args.case, args.source, args.n, args.min_seconds)))
    else:
        args.help_runs = 5
        if args.full:
            args.members, args.n = 100_000, 1_000_000
        if args.quick:
            args.members, args.n, args.min_seconds, args.help_runs = 200, 2_000, 0.0, 1
        if args.folder:
            Path(args.folder).mkdir(parents=True, exist_ok=True)
            run(args, Path(args.folder))
        else:
            with tempfile.TemporaryDirectory(prefix="bsu-peers-") as folder:
                run(args, Path(folder))


if __name__ == "__main__":
    main()
