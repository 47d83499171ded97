"""``bsu-rules batch``: screen a whole member file (Parquet, JSONL or CSV) in bounded memory."""

from __future__ import annotations

import argparse
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
import time
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bsu_rules._lazy import uncollected
from bsu_rules.batch.paths import default_rejects, distinct, manifest_path, output_format
from bsu_rules.cli.exits import FAILED, OK, REJECTED, interrupted, settled
from bsu_rules.cli.options import (
    ON_HELP,
    add_key_options,
    add_reform_options,
    day,
    key_file,
    load_reform,
    positive_int,
    pseudonym_key,
)
from bsu_rules.formatting import counted
from bsu_rules.members.events import no_event_warning
from bsu_rules.members.redact import shortened

EXTRA = "pip install '.[batch]' in the project's folder"


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "batch", help="decide every member of a Parquet, JSONL or CSV file",
        description="Decide every member of a file, in chunks. Malformed rows go to the reject file; the run ends "
                    "with 'N read = D decided + R rejected'. The files appear at their final paths, with a manifest "
                    "beside the output, only when that line holds. Exit 0: all decided; 1: some rows rejected; "
                    "2: the run could not proceed (nothing written).")
    p.add_argument("ruleset", help="a rule file path or a bundled id such as bsu-2022")
    p.add_argument("input", help="members: .parquet, .jsonl or .csv (histories as JSON cells)")
    p.add_argument("--out", required=True, help="decisions: .parquet, .jsonl or .csv")
    p.add_argument("--on", type=day, help=ON_HELP)
    p.add_argument("--rejects", help="malformed rows: .jsonl (default OUT.rejects.jsonl, e.g. "
                   "decisions.parquet.rejects.jsonl), .csv or .parquet")
    p.add_argument("--chunk-size", type=chunk_size, metavar="N",
                   help="rows per chunk (250000, a Parquet file's rows shared evenly between the two chunks decided "
                        "at once; 50000 for a JSONL or CSV file; 5000 with the scalar engine, which is slower)")
    p.add_argument("--engine", choices=("columnar", "scalar"), help="columnar (default when installed) or scalar")
    p.add_argument("--ignore-unknown", action="store_true", help="drop fields the contract does not know")
    add_reform_options(p)
    p.add_argument("--strict", action="store_true", help=argparse.SUPPRESS)  # the default now: kept for scripts
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    add_key_options(p)
    p.set_defaults(run=run)


MAX_CHUNK = 10_000_000
"""The most rows a chunk may hold (a few GB of working memory; larger chunks gain nothing)."""


def chunk_size(text: str) -> int:
    """A ``--chunk-size``: a positive whole number, at most ``MAX_CHUNK``."""
    return at_most(text, MAX_CHUNK, "rows a chunk")


def at_most(text: str, most: int, what: str) -> int:
    """A positive whole number, at most ``most`` (``what``: the unit, as the message says it)."""
    value = positive_int(text)
    if value > most:
        raise argparse.ArgumentTypeError(f"{shortened(text)!r} is more than {most:,} {what}")
    return value


def missing_extra(command: str, exc: ImportError) -> int:
    print(f"bsu-rules {command} needs the batch extra ({exc.name} is not installed): {EXTRA}", file=sys.stderr)
    return 2


EVERY = 10.0
"""Seconds between progress lines when standard error is not a terminal."""


class Progress:
    """Progress on stderr: a tqdm bar on a terminal; otherwise a line every ``every`` seconds for as
    long as the run lasts (from a timer, so a long chunk is not silence): how far the input has
    been read (``doing``: or written) and, with ``counts`` (a run's ``Counts``), how many rows are written."""

    def __init__(self, total: int, unit: str, label: str = "bsu-rules batch", counts: Any = None,
                 every: float | None = None, doing: str = "read") -> None:
        self.total, self.unit, self.label, self.counts, self.doing = total, unit, label, counts, doing
        self.every = EVERY if every is None else every
        self.rows, self.position, self.start = 0, 0, time.monotonic()
        self.bar: Any = None
        self.stop = threading.Event()
        self.timer: threading.Thread | None = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=unit if unit == "rows" else "B", unit_scale=True, file=sys.stderr,
                            desc=label)
        else:
            self.timer = threading.Thread(target=self._report, name="bsu-progress", daemon=True)
            self.timer.start()

    def __call__(self, done: int, rows: int) -> None:
        """``rows`` more rows read, ``done`` of ``total`` (rows or bytes) through the input."""
        self.rows += rows
        self.position = done
        if self.bar is not None:
            self.bar.update(done - self.bar.n)

    def line(self) -> str:
        share = f" ({100 * self.position / self.total:.0f}%)" if self.total else ""
        written = f", {self.counts.read:,} written" if self.counts is not None else ""
        elapsed = time.monotonic() - self.start
        return f"{self.label}: {self.rows:,} rows {self.doing}{share}{written}, {elapsed:.0f} s"

    def _report(self) -> None:
        while not self.stop.wait(self.every):
            print(self.line(), file=sys.stderr, flush=True)

    def close(self) -> None:
        self.stop.set()
        if self.timer is not None:
            self.timer.join()
        if self.bar is not None:
            self.bar.close()


def run(args: argparse.Namespace) -> int:
    if "pandas" in sys.modules:
        return screen(args)
    # pyarrow imports pandas, when it is installed, the first time it is handed a Python list (to see
    # whether it is a pandas object): a quarter of a second of start-up for a library the batch never
    # uses. Importing it fails for the run (pyarrow then takes it as absent); afterwards it works again.
    sys.meta_path.insert(0, _WITHOUT_PANDAS)
    try:
        return screen(args)
    finally:
        sys.meta_path.remove(_WITHOUT_PANDAS)


class _WithoutPandas(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``pandas`` and fails to load it."""

    def find_spec(self, name: str, path: Sequence[str] | None, target: types.ModuleType | None = None
                  ) -> importlib.machinery.ModuleSpec | None:
        return importlib.util.spec_from_loader(name, self) if name == "pandas" else None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        raise ImportError("bsu-rules batch does not use pandas")


_WITHOUT_PANDAS = _WithoutPandas()


def screen(args: argparse.Namespace) -> int:
    try:
        with uncollected():
            import pyarrow as pa

            from bsu_rules.batch.run import Counts, engines, open_input, run_batch  # lazy: the batch extra
    except ImportError as exc:
        return missing_extra("batch", exc)
    # Arrow's default allocator (mimalloc) gave memory back to the system and took it again for every
    # chunk (on 1M members a third of the run's CPU went to the kernel); jemalloc keeps it, and peaks
    # lower than the C allocator (10M members: 1.9 GB against 2.5 GB).
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:  # a pyarrow built without it
        pa.set_memory_pool(pa.system_memory_pool())
    if args.engine and args.engine not in engines():
        print(f"bsu-rules: the {args.engine} engine is not installed", file=sys.stderr)
        return 2
    output_format(args.out)
    rejects = args.rejects or str(default_rejects(args.out))
    output_format(rejects)
    distinct(args.input, {"--out": Path(args.out), "--rejects": Path(rejects), "the manifest": manifest_path(args.out)},
             key_file(args))  # the key kept
    reader = open_input(args.input, args.chunk_size, args.engine, args.ignore_unknown)
    counts = Counts()
    progress = None if args.quiet else Progress(reader.total, reader.unit, counts=counts)
    started = time.monotonic()
    try:
        run_batch(lambda: load_reform(args.ruleset, args), args.input, args.out, on=args.on, rejects=rejects,
                  engine=args.engine, reader=reader, progress=progress, key=pseudonym_key(args), counts=counts)
    except KeyboardInterrupt as exc:
        if not counts.committed:
            raise interrupted(exc, f"{counts.so_far()}; nothing was written at {args.out}") from None
    finally:
        if progress is not None:
            with settled():
                progress.close()
    with settled():  # the run is over (its files complete, or nothing written): a Ctrl-C now changes nothing
        if reader.python_rows:  # once for the file, as well as in each record's rejection
            print(f"bsu-rules: {args.input}: {counted(reader.python_rows, 'record')} with history cells written as "
                  "Python, not JSON (as pandas' to_csv writes dicts and lists): write the cells with json.dumps "
                  "(pandas: df[col] = df[col].map(json.dumps))", file=sys.stderr)
        return _said(counts, args.input, args.out, rejects, manifest_path(args.out), time.monotonic() - started,
                     "key" if reader.format == ".jsonl" else "column")


def _said(counts: Any, source: str, out: str, rejects: str, manifest: Any, seconds: float,
          carrier: str = "column") -> int:
    """The run's summary and count line; its exit status (an empty input is a run of no members: 0).
    ``carrier`` is what holds a field in the input: a ``column`` (Parquet, CSV) or a JSON line's ``key``."""
    o = counts.outcomes
    if counts.read == 0 and counts.holds:
        print(f"bsu-rules: {source}: the file is empty: it holds no member record", file=sys.stderr)
    for name in counts.blank:  # a column left out of an export: every decision reading it waits on it
        print(f"bsu-rules: warning: {source}: no record holds {name} (the column is missing or empty): every member "
              "is decided without it, and a criterion that needs it is unknown", file=sys.stderr)
    for name in counts.no_event:  # an event date left out of an export: read as no event, so told
        print(no_event_warning(source, name, carrier), file=sys.stderr)
    held = f", an officer reviews {o['held']} of them first" if o.get("held") else ""
    print(f"eligible {o.get('eligible', 0)} (paid {o.get('paid', 0)}{held}, same NIK paid elsewhere "
          f"{o.get('duplicate', 0)}) · ineligible {o.get('ineligible', 0)} · undetermined {o.get('undetermined', 0)}")
    if not counts.holds:
        print(counts.line())
        print("bsu-rules: rows were lost: the counts do not add up; nothing was written", file=sys.stderr)
        return FAILED
    print(f"decisions: {out} · rejects: {rejects} · manifest: {manifest} · {seconds:.1f} s")
    print(counts.line())
    return REJECTED if counts.rejected else OK
