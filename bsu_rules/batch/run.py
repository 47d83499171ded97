"""Batch screening: members in, decisions out, nothing lost.

``decide_batch`` is the unit of work: one Arrow table of member rows in (``read.py`` layout),
one row per input row out (``BATCH_SCHEMA``), malformed rows included as ``outcome = "rejected"``.
It is pure and its arguments pickle (a rule-file path and a date), so the same function runs on
a local chunk, a Dask partition or a Spark ``mapInArrow`` batch. ``run_batch`` finds the few rows
whose NIK repeats (``dedupe.py``) on a background thread while the rule file is loaded, then the
whole file streams once through ``decide_chunk`` in bounded chunks, two at a time (Polars and Arrow
work outside the GIL), which keeps the eligible decisions of those rows aside; one NIK, one payment
is settled from them once every chunk is decided, and each chunk's decisions are written once, at
their final place.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import os
import secrets
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bsu_rules._version import __version__
from bsu_rules.audit.keys import key_id, new_key, warn_published
from bsu_rules.batch.dedupe import Repeats, candidates, held, mark, record_hashes, settle
from bsu_rules.batch.fallback import ScalarTablePlan
from bsu_rules.batch.held import Held
from bsu_rules.batch.niks import RUN_KEY, mask_kpjs, mask_niks, nik_keys
from bsu_rules.batch.paths import (
    beside,
    claimed,
    clean_stale,
    default_rejects,
    distinct,
    file_sha256,
    manifest_path,
    temporary,
    writable,
)
from bsu_rules.batch.read import Chunk, Reader
from bsu_rules.batch.spool import Spool
from bsu_rules.batch.validate import REJECT_SCHEMA, ROW, unchecked, validate
from bsu_rules.batch.write import Writer
from bsu_rules.decisions import Outcome
from bsu_rules.errors import on_path
from bsu_rules.evaluators.scalar import Plan
from bsu_rules.members import contract
from bsu_rules.members.arrow import MEMBER_SCHEMA
from bsu_rules.members.model import EVENT_DATES
from bsu_rules.ruleset.loader import load_ruleset
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.override_texts import override_options
from bsu_rules.ruleset.overrides import Reform

REJECTED = "rejected"
T = TypeVar("T")
_LIST = pa.list_(pa.string())
DECISION_SCHEMA = pa.schema([
    ("row", pa.int64()), ("nik", pa.string()), ("nik_key", pa.string()), ("kpj", pa.string()),
    ("outcome", pa.string()), ("failed", _LIST), ("unknown", _LIST), ("priority", pa.int32()), ("flags", _LIST),
    ("benefit", pa.int64()), ("channel", pa.string()), ("duplicate_of", pa.string()),
    ("ruleset_sha256", pa.string()), ("on", pa.date32()),
])
"""The decisions file, one row per decided member."""
BATCH_SCHEMA = pa.schema([*DECISION_SCHEMA, ("record_hash", pa.uint64()), ("reject_field", pa.string()),
                          ("reject_message", pa.string())])
"""What ``decide_batch`` returns: decisions plus a content hash (the last dedupe tie-break) and,
for rejected rows, the first bad field and every problem."""
PARTIAL_SCHEMA = pa.schema([*DECISION_SCHEMA, ("record_hash", pa.uint64())])
HELD_OUT = ["duplicate_of", "ruleset_sha256", "on", "record_hash"]
"""Decision columns the same in every row of a run until one NIK, one payment is settled (null, or the
run's own): not made for each chunk, nor kept while the decided chunks wait (a third of their size)."""
HELD_SCHEMA = pa.schema([f for f in PARTIAL_SCHEMA if f.name not in HELD_OUT])


class TablePlan(Protocol):
    fields: frozenset[str]  # the member fields (dotted paths) ``decide`` reads

    def decide(self, table: pa.Table, rule_columns: bool = True) -> pa.Table: ...


def engines() -> dict[str, Callable[[Plan], TablePlan]]:
    """Available engines by name: ``columnar`` when its module is installed, ``scalar`` always."""
    found: dict[str, Callable[[Plan], TablePlan]] = {}
    with contextlib.suppress(ImportError):
        found["columnar"] = importlib.import_module("bsu_rules.evaluators.columnar").ColumnarPlan
    found["scalar"] = ScalarTablePlan
    return found


def default_engine() -> str:
    return next(iter(engines()))


def chunk_rows(engine: str) -> int:
    """The default rows per chunk: a few seconds of work for the engine, so that progress moves
    and an interrupted run stops soon (the scalar engine decides a few thousand rows a second)."""
    return 5_000 if engine == "scalar" else 250_000


def open_input(source: str | Path, chunk_size: int | None = None, engine: str | None = None,
               ignore_unknown: bool = False) -> Reader:
    """The reader of ``source``, in chunks of ``chunk_size`` rows; by default the engine's
    (``chunk_rows``), a Parquet file's rows shared evenly between the workers (``even_chunks``), a
    text file's at most ``TEXT_CHUNK``."""
    reader = Reader(source, chunk_size or chunk_rows(engine or default_engine()), ignore_unknown)
    if chunk_size is None:
        reader.chunk_size = even_chunks(reader.total, reader.chunk_size) if reader.unit == "rows" else \
            min(reader.chunk_size, TEXT_CHUNK)
    return reader


TEXT_CHUNK = 50_000
"""The most rows of a JSONL or CSV chunk by default: parsing text in Python holds several times its
size in objects (400 000 JSON lines: 0.70 GB peak against 1.23 GB with chunks of 250 000, 800 000
CSV records 1.29 GB against 2.36 GB), and progress moves every few seconds; the time was no worse."""


def even_chunks(rows: int, most: int) -> int:
    """Rows per chunk for a file of ``rows`` rows: at most ``most``, the file cut into a multiple of
    ``IN_FLIGHT`` chunks of about one size so that every worker has one to decide (200 000 rows: two
    chunks, not one), and at least ``LEAST_CHUNK``, below which a chunk is not worth a worker."""
    least = LEAST_CHUNK
    if rows < IN_FLIGHT * least:
        return most
    parts = -(-rows // most)
    parts = -(-parts // IN_FLIGHT) * IN_FLIGHT
    return min(most, max(least, -(-rows // parts)))


@functools.lru_cache(maxsize=8)
def table_plan(plan: Plan, engine: str) -> TablePlan:
    """The engine's table plan for a plan (built once per plan and engine)."""
    table_plans = engines()
    if engine not in table_plans:
        raise ValueError(f"engine {engine!r} is not available (have: {', '.join(table_plans)})")
    return table_plans[engine](plan)


@functools.lru_cache(maxsize=8)
def load_plan(ruleset_path: str, on: date | None) -> Plan:
    """The plan for a rule file and date, loaded once per process."""
    return load_ruleset(ruleset_path).plan(on)


def _arguments(rules: object, table: object, key: object) -> None:
    """TypeError for an argument of another type than ``decide_batch`` takes, saying what to pass."""
    if not isinstance(rules, Plan | str | os.PathLike):
        planned = ": a RuleSet gives its Plan with ruleset.plan(on)" if isinstance(rules, RuleSet) else ""
        raise TypeError(f"decide_batch takes a rule file's path or id, or a Plan, not {type(rules).__name__}{planned}")
    if not isinstance(table, pa.Table):
        raise TypeError(f"decide_batch takes a pyarrow Table of member rows, not {type(table).__name__}: a file "
                        "is decided with run_batch or `bsu-rules batch`; a pandas DataFrame converts with "
                        "pyarrow.Table.from_pandas(frame, preserve_index=False)")
    if key is not None and not isinstance(key, bytes):
        raise TypeError(f"decide_batch's key is bytes, not {type(key).__name__}"
                        + (": encode it (key.encode())" if isinstance(key, str) else ""))
    if key is not None:
        new_key(key)  # ValueError for a key too short to make ``nik_key`` with


def _plan(plan_or_ruleset_path: Plan | str | Path, on: date | None) -> Plan:
    return plan_or_ruleset_path if isinstance(plan_or_ruleset_path, Plan) else \
        load_plan(str(plan_or_ruleset_path), on)


def decide_parts(plan: Plan, table: pa.Table, engine: str | None = None, key: bytes | None = None,
                 hashes: bool = True) -> tuple[pa.Table, pa.Table]:
    """Decide a chunk: (decisions in ``PARTIAL_SCHEMA``, rejects in ``REJECT_SCHEMA``).

    ``nik_key`` is HMAC-SHA256(key, NIK), empty without ``key``; ``record_hash`` is empty unless
    ``hashes`` (only the dedupe ranking reads it)."""
    decisions, rejects, _ = decide_chunk(plan, table, engine, key, hashes)
    return decisions, rejects


def decide_chunk(plan: Plan, table: pa.Table, engine: str | None, key: bytes | None, hashes: bool,
                 repeats: np.ndarray | None = None, whole: pa.Table | None = None
                 ) -> tuple[pa.Table, pa.Table, pa.Table | None]:
    """``decide_parts``, and the ``dedupe.candidates`` among the rows numbered ``repeats`` (``whole``: those rows
    read whole, when ``table`` leaves fields unread); with ``repeats``, the decisions leave out the columns
    ``HELD_OUT`` (``HELD_SCHEMA``: a run adds them as it writes)."""
    schema = PARTIAL_SCHEMA if repeats is None else HELD_SCHEMA
    key = None if key is None else new_key(key)  # ValueError for a key too short to make ``nik_key`` with
    if ROW not in table.column_names:
        table = table.add_column(0, ROW, pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64)))
    members, rejects = validate(table)
    engine_plan = table_plan(plan, engine or default_engine())
    decided = engine_plan.decide(members.select(MEMBER_SCHEMA.names), rule_columns=False)
    if decided.num_rows != members.num_rows:
        raise RuntimeError(f"the engine returned {decided.num_rows} decisions for {members.num_rows} members")
    n = members.num_rows
    if n == 0:
        return schema.empty_table(), rejects, None
    eligible = pc.equal(decided["outcome"], "eligible")
    niks = members["nik"].combine_chunks()
    columns: dict[str, Any] = {
        "row": members[ROW], "nik": mask_niks(niks), "kpj": mask_kpjs(members["kpj"], members),
        "nik_key": nik_keys(niks, key) if key is not None else pa.nulls(n, pa.string()),
        **{c: decided[c] for c in ("outcome", "failed", "unknown", "priority", "flags")},
        "benefit": pc.if_else(eligible, decided["benefit"], pa.scalar(None, pa.int64())),
        "channel": pc.if_else(eligible, decided["channel"], pa.scalar(None, pa.string())),
    }
    if repeats is None:
        columns |= {"duplicate_of": pa.nulls(n, pa.string()), "ruleset_sha256": pa.repeat(plan.ruleset.sha256, n),
                    "on": pa.repeat(pa.scalar(plan.on, pa.date32()), n),
                    "record_hash": record_hashes(members) if hashes else pa.nulls(n, pa.uint64())}
    decisions = pa.table([columns[f.name] for f in schema], schema=schema)
    return decisions, rejects, None if repeats is None else candidates(members, decisions, repeats, whole)


def decide_batch(plan_or_ruleset_path: Plan | str | Path, on: date | None, table: pa.Table,
                 engine: str | None = None, key: bytes | None = None) -> pa.Table:
    """Decide one table of member rows; one output row per input row (``BATCH_SCHEMA``), by ``row``.

    ``table`` is a chunk from ``read.Reader`` (or any table with the contract's columns; ``_row``
    numbers rows from 1 when absent). Pass a rule-file path and a date (the plan is loaded once
    per process) or a ready ``Plan`` (``on`` is then ignored). ``nik_key`` uses ``key``, or this
    process's random key."""
    _arguments(plan_or_ruleset_path, table, key)
    good, rejects = decide_parts(_plan(plan_or_ruleset_path, on), table, engine, RUN_KEY if key is None else key)
    n, r = good.num_rows, rejects.num_rows
    good = good.append_column("reject_field", pa.nulls(n, pa.string())) \
        .append_column("reject_message", pa.nulls(n, pa.string()))
    if r == 0:
        return good
    bad = pa.table({f.name: (rejects["row"] if f.name == "row" else pa.repeat(REJECTED, r)
                             if f.name == "outcome" else rejects["field"] if f.name == "reject_field"
                             else rejects["message"] if f.name == "reject_message" else pa.nulls(r, f.type))
                    for f in BATCH_SCHEMA}, schema=BATCH_SCHEMA)
    out = pa.concat_tables([good, bad])
    return out.take(pc.sort_indices(out["row"]))


@dataclass
class Counts:
    """What a run read, decided and rejected; ``holds`` is the no-loss equation."""

    read: int = 0
    decided: int = 0
    rejected: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    committed: bool = False
    """Whether the manifest is in place: the run's files are complete, whatever comes after."""
    spooled: int | None = None
    """A text input's rows parsed so far, before any is decided (None: a Parquet input, read as decided)."""
    blank: list[str] = field(default_factory=list)
    """The optional fields the rules read that no row read held (null or absent in every one), when some
    row was decided: every member decided without it (never an event date, whose null means no event;
    a required field missing rejects its row)."""
    no_event: list[str] = field(default_factory=list)
    """The event dates the rules read that the input does not carry at all (``Reader.events``), when some row
    was decided: every member decided as without that event. One null in every row is not told (no one died)."""

    @property
    def holds(self) -> bool:
        return self.read == self.decided + self.rejected

    def line(self) -> str:
        sign = "=" if self.holds else "!="
        return f"{self.read} read {sign} {self.decided} decided + {self.rejected} rejected"

    def so_far(self) -> str:
        """What an interrupted run had done: how many rows it had read while none was decided yet
        (a text input is parsed whole first), that it was deciding the first chunk, else the count line so far."""
        if self.spooled is not None and self.read == 0:
            return f"while reading the input: {self.spooled} rows read, none decided yet"
        if self.read == 0:  # a Parquet file's first chunks are being decided
            return "while the first chunk was being decided, before any row was counted"
        return f"after {self.read} rows: {self.line()} so far"


def run_batch(ruleset: str | Path | RuleSet | Callable[[], RuleSet], source: str | Path, output: str | Path, *,
              on: date | None = None, rejects: str | Path | None = None, chunk_size: int | None = None,
              engine: str | None = None, ignore_unknown: bool = False,
              progress: Callable[[int, int], None] | None = None, reader: Reader | None = None,
              key: str | bytes | None = None, counts: Counts | None = None) -> Counts:
    """Decide every member of ``source`` into ``output``; malformed rows go to ``rejects``. With
    ``key``, ``nik_key`` holds HMAC-SHA256(key, NIK); without, it is empty. ``ruleset`` may be a
    function that loads it: it is then loaded while the input is being scanned. ``counts``, when
    given, is kept up to date chunk by chunk (what an interrupted run had done) and returned.

    Output and rejects are written to hidden temporary files beside them and renamed into place
    only when the count line holds, then a manifest (``paths.manifest_path``) naming both is moved
    beside the output, the old one having been removed first: the manifest is the commit point. A
    run that fails or is killed leaves nothing at the final paths (its temporary files are removed
    now, or by the next run for the same output)."""
    key = None if key is None else new_key(key)  # a wrong or short one told now, not deep in the first chunk
    warn_published(key)
    reader = reader or open_input(source, chunk_size, engine, ignore_unknown)
    output = Path(output)
    rejects = Path(rejects or default_rejects(output))
    finals = (output, rejects, manifest_path(output))
    targets = {"--out": output, "--rejects": rejects, "the manifest": finals[2]}
    writable(targets)
    distinct(source, targets)
    for target in finals:
        clean_stale(target)
    run_id = f"{os.getpid()}-{secrets.token_hex(4)}"
    kept = temporary(output, run_id).with_suffix(".held")
    spool, out_tmp, rejects_tmp, manifest_tmp = (temporary(output, run_id).with_suffix(".arrow"),
                                                 *(temporary(f, run_id) for f in finals))
    counts = Counts() if counts is None else counts
    stop = threading.Event()
    with claimed(finals, run_id):
        try:
            # The input is scanned for repeated NIKs (and text is spooled) in the background while the rule
            # file is loaded and compiled; then one NIK, one payment is settled there while the chunks are
            # decided, and each chunk is marked and written once the settlement is known.
            with ThreadPoolExecutor(1, thread_name_prefix="bsu-scan") as scanning:
                scan = scanning.submit(_scan, reader, spool, progress, stop, counts)
                try:
                    plan = _ruleset(ruleset).plan(on)
                    distinct(source, {"--out": output, "--rejects": rejects}, plan.ruleset.files())
                    read_fields = table_plan(plan, engine or default_engine()).fields  # compiled while scanning
                    unread, held = unchecked(read_fields), sorted({f.split(".")[0] for f in read_fields} - OPTIONAL_NOT)
                    input_sha256 = scanning.submit(file_sha256, source)  # for the manifest, meanwhile
                    scanned = _result(scan)
                    shared = scanned.shared
                    # a record's hash (the last tie-break) is of the whole record: the rows whose NIK repeats read whole
                    chunks = reader.chunks(unread, shared) if reader.format == ".parquet" else scanned.chunks
                    if reader.format != ".parquet":
                        progress = None  # reported while spooling
                    outcomes: Counter[str] = Counter()
                    nulls: Counter[str] = Counter()  # of the fields read, in the rows read
                    with Held(kept, HELD_SCHEMA) as decided:  # written once one NIK, one payment is settled, at the end
                        sides: list[pa.Table] = []
                        with Writer(rejects_tmp, REJECT_SCHEMA, shown=rejects) as rejected:
                            for chunk, (good, bad, side) in _decided(_reported(chunks, progress), plan, engine, key,
                                                                     shared):
                                decided.add(good)
                                if side is not None:
                                    sides.append(side)
                                rejected.write(bad)
                                counts.read += chunk.table.num_rows
                                nulls.update({name: chunk.table.column(name).null_count for name in held})
                                counts.decided, counts.rejected = counts.decided + good.num_rows, rejected.rows
                        resolution = settle(sides)
                        whole = _whole(plan, decided.most)
                        with Writer(out_tmp, DECISION_SCHEMA, DICTIONARY, shown=output) as final:
                            for held_back in decided:
                                good = mark(whole(held_back), resolution)
                                for item in pc.value_counts(good["outcome"]).to_pylist():
                                    outcomes[item["values"]] += item["counts"]
                                outcomes["held"] += _held(good)
                                final.write(good)
                    counts.decided = final.rows
                    counts.duplicates = resolution.num_rows
                    counts.blank = [name for name in held if counts.decided and nulls[name] == counts.read]
                    counts.no_event = sorted(EVENT_DATES & {f.split(".")[0] for f in read_fields} - reader.events
                                             if counts.decided else ())
                    _result(input_sha256)
                    reader.unchanged()  # every read done: from the file opened, or nothing is committed
                except BaseException:
                    stop.set()  # the scan stops at its next batch; the work queued behind it never starts
                    scanning.shutdown(wait=False, cancel_futures=True)
                    raise
            counts.outcomes = {**{o.value: outcomes[o.value] for o in Outcome}, "duplicate": counts.duplicates,
                               "paid": outcomes[Outcome.ELIGIBLE] - counts.duplicates,  # every one, 0 when none
                               "held": outcomes["held"]}
            if counts.holds:
                manifest = {
                    "engine": f"bsu-rules {__version__}",
                    "input": {"path": beside(source, finals[2]), "sha256": _result(input_sha256)},
                    "ruleset": {"id": plan.ruleset.id, "version": plan.ruleset.version, "sha256": plan.ruleset.sha256,
                                **_what_if(plan.ruleset)},
                    "on": plan.on.isoformat(),
                    "pseudonym_key": None if key is None else key_id(key),  # which key made nik_key (explain --nik)
                    "counts": {"read": counts.read, "decided": counts.decided, "rejected": counts.rejected,
                               "outcomes": dict(sorted(counts.outcomes.items()))},
                    "output": {"path": beside(output, finals[2]), "sha256": file_sha256(out_tmp)},
                    "rejects": {"path": beside(rejects, finals[2]), "sha256": file_sha256(rejects_tmp)},
                }
                manifest_tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", "utf-8")
                finals[2].unlink(missing_ok=True)  # the manifest is the commit: without one, the files are not a run
                try:
                    for tmp, final_path in ((rejects_tmp, rejects), (out_tmp, output), (manifest_tmp, finals[2])):
                        os.replace(tmp, final_path)
                finally:  # a Ctrl-C as the manifest moves: whether it moved
                    counts.committed = not manifest_tmp.exists() and finals[2].exists()
        except OSError as exc:  # the spool or the manifest could not be written (a full disk): named as the output
            if exc.filename is not None and exc.filename not in map(str, (spool, kept, manifest_tmp)):
                raise
            raise on_path(exc, output) from None
        finally:
            for tmp in (spool, kept, out_tmp, rejects_tmp, manifest_tmp):
                tmp.unlink(missing_ok=True)
    return counts



def _whole(plan: Plan, most: int) -> Callable[[pa.Table], pa.Table]:
    """Decisions in ``HELD_SCHEMA`` (at most ``most`` rows) -> the same in ``DECISION_SCHEMA``: the columns
    ``HELD_OUT`` made once for the run, and a slice of them given to each chunk."""
    same = {"duplicate_of": pa.nulls(most, pa.string()), "ruleset_sha256": pa.repeat(plan.ruleset.sha256, most),
            "on": pa.repeat(pa.scalar(plan.on, pa.date32()), most)}

    def whole(decisions: pa.Table) -> pa.Table:
        n = decisions.num_rows
        return pa.table([same[f.name].slice(0, n) if f.name in same else decisions[f.name] for f in DECISION_SCHEMA],
                        schema=DECISION_SCHEMA)
    return whole


def _held(decisions: pa.Table) -> int:
    """The rows paid (eligible, not another record's duplicate) whom an officer reviews first (a flag raised)."""
    paid = pc.and_(pc.equal(decisions["outcome"], "eligible"), pc.is_null(decisions["duplicate_of"]))
    return int(pc.sum(pc.and_(paid, held(decisions)["held"])).as_py() or 0)

OPTIONAL_NOT = EVENT_DATES | {name for name, spec in contract().items() if spec.required}
"""Fields whose absence from every record ``Counts.blank`` does not tell: an event date (null: no event),
a required field (its row is rejected, and told so)."""

DICTIONARY = ["outcome", "failed", "unknown", "priority", "flags", "benefit", "channel", "duplicate_of",
              "ruleset_sha256", "on"]
"""The decision columns written with Parquet dictionary encoding: those with few distinct values (the
row numbers, masked NIKs, pseudonyms and KPJs are nearly all distinct: trying a dictionary on them
cost a quarter of the writing time and saved nothing)."""


def _ruleset(ruleset: str | Path | RuleSet | Callable[[], RuleSet]) -> RuleSet:
    if isinstance(ruleset, RuleSet):
        return ruleset
    return load_ruleset(ruleset) if isinstance(ruleset, (str, Path)) else ruleset()


class _Stopped(Exception):
    """The run failed elsewhere: the scan stops."""


@dataclass
class _Scanned:
    chunks: Iterable[Chunk]
    """Every row, for the main pass (the spool for a text input; unused for Parquet, read again)."""
    shared: np.ndarray
    """The numbers of the rows whose NIK occurs more than once (at least), sorted (``dedupe.Repeats``)."""


def _scan(reader: Reader, spool: Path, progress: Callable[[int, int], None] | None,
          stop: threading.Event, counts: Counts) -> _Scanned:
    """Find the rows whose NIK repeats: Parquet by its ``nik`` column alone; text by parsing it once into
    ``spool`` (progress is reported then, and ``counts.spooled`` kept), read back in the main pass.
    ``stop`` ends it at the next chunk."""
    repeats = Repeats()
    if reader.format == ".parquet":
        for rows, niks in reader.niks():
            if stop.is_set():
                raise _Stopped
            repeats.add(rows, niks)
        return _Scanned(reader, repeats.rows())
    counts.spooled = 0
    chunks = Spool(_stoppable(_reported(reader, progress), stop, counts), spool, repeats.add)
    return _Scanned(chunks, repeats.rows())


def _stoppable(chunks: Iterable[Chunk], stop: threading.Event, counts: Counts) -> Iterator[Chunk]:
    """The chunks until ``stop`` is set; ``counts.spooled`` counts the rows of those taken."""
    for chunk in chunks:
        if stop.is_set():
            raise _Stopped
        yield chunk
        counts.spooled = (counts.spooled or 0) + chunk.table.num_rows


WAKE = 0.1
"""Seconds the main thread waits on another thread's work before it looks again: a Ctrl-C or SIGTERM
is acted on only when the main thread runs, and a signal the system hands to another thread does
not wake it."""


def _what_if(ruleset: RuleSet) -> dict[str, Any]:
    """A what-if's base rule set and its overrides as options (``--set wage_ceiling=4000000``), for the
    manifest: which reform made the decisions. Nothing for a rule set as its file has it."""
    if not isinstance(ruleset, Reform) or ruleset.base is None:
        return {}
    return {"base_sha256": ruleset.base.sha256, "overrides": override_options(ruleset)}


def _result(future: Future[T]) -> T:
    """``future.result()``, waited for in steps of ``WAKE`` seconds, so that a Ctrl-C or SIGTERM stops the wait."""
    while True:
        try:
            return future.result(timeout=WAKE)
        except TimeoutError:
            continue


IN_FLIGHT = 2
"""Chunks decided at once (one per core of a small machine; each holds a chunk's working memory)."""
LEAST_CHUNK = 20_000
"""Rows below which a chunk is not shared with another worker: the work would not pay for the chunk."""


Decided = tuple[pa.Table, pa.Table, pa.Table | None]


def _decided(chunks: Iterable[Chunk], plan: Plan, engine: str | None, key: bytes | None,
             shared: np.ndarray) -> Iterator[tuple[Chunk, Decided]]:
    """Each chunk with its decisions, rejects and ``dedupe.candidates`` among the rows numbered ``shared``,
    in input order; the next chunk is read and ``IN_FLIGHT`` chunks are decided in the background while
    the caller writes."""
    with ThreadPoolExecutor(1, thread_name_prefix="bsu-read") as reading, \
            ThreadPoolExecutor(IN_FLIGHT, thread_name_prefix="bsu-decide") as deciding:
        pending: deque[tuple[Chunk, Future[Decided]]] = deque()
        for chunk in _prefetch(iter(chunks), reading):
            pending.append((chunk, deciding.submit(decide_chunk, plan, chunk.table, engine, key, False, shared,
                                                   chunk.whole)))
            if len(pending) > IN_FLIGHT:
                done, decided = pending.popleft()
                yield done, _result(decided)
        while pending:
            done, decided = pending.popleft()
            yield done, _result(decided)


def _reported(chunks: Iterable[Chunk], progress: Callable[[int, int], None] | None) -> Iterator[Chunk]:
    for chunk in chunks:
        yield chunk
        if progress:
            progress(chunk.done, chunk.table.num_rows)


def _prefetch(chunks: Iterator[Chunk], pool: ThreadPoolExecutor) -> Iterator[Chunk]:
    """The chunks, the next one read in the background while the caller works on this one."""
    ahead = pool.submit(next, chunks, None)
    while (chunk := _result(ahead)) is not None:
        ahead = pool.submit(next, chunks, None)
        yield chunk
