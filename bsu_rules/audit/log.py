"""The decision log: JSONL, one decision per line in a hash-chained envelope.

Each line is the canonical JSON (sorted keys, no spaces, UTF-8) of::

    {"decision": {...}, "hash": H, "inputs": {...}, "prev": P, "pseudonym_key": K | null,
     "recorded_at": "2022-09-05T08:00:00.000000+00:00", "seq": N, "v": 1}

``hash`` is the sha256 of the canonical JSON of the envelope *without* ``hash``, so it covers the
decision, the inputs, the sequence number, the link to the previous line and the recording time.
``prev`` is the ``hash`` of the line before (64 zeros on line 1). Writers hold an exclusive
``fcntl.flock`` (POSIX) on the file while they read the last line, append and fsync.

A line is read with msgspec and its canonical form made with orjson; both give exactly what
``json.loads`` and ``canonical_json`` give for JSON without floats, which is every line a writer
makes. A line holding a float (or any JSON msgspec refuses) takes the slower standard path.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import orjson
from pydantic import ValidationError

from bsu_rules.audit.snapshot import kept_fields, key_id, logged_inputs, record_json
from bsu_rules.decisions import Decision, canonical_json, mask_nik
from bsu_rules.errors import BsuRulesError, Code, Diagnostic
from bsu_rules.members import Member, Record, parse_record
from bsu_rules.ruleset.model import RuleSet

VERSION = 1
GENESIS = "0" * 64
FIELDS = ("decision", "hash", "inputs", "prev", "pseudonym_key", "recorded_at", "seq", "v")


class AuditError(BsuRulesError):
    """A decision log or rule archive is damaged, or cannot be used as asked."""

    code = Code.AUDIT


class LogError(AuditError):
    """A decision log cannot be continued."""


def entry_hash(envelope: dict[str, Any]) -> str:
    """The hash a log line must carry: sha256 of its canonical JSON without ``hash``."""
    body = {k: v for k, v in envelope.items() if k != "hash"}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def canonical_bytes(data: Any, plain: bool = False) -> bytes | None:
    """``canonical_json(data)`` as UTF-8, or None where it has none (NaN, a lone surrogate).

    ``plain``: ``data`` holds no float (as decoded by ``read_log``'s fast path), so orjson, whose
    output is then the same byte for byte, makes it.
    """
    if plain:
        try:
            return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
        except (orjson.JSONEncodeError, TypeError):  # an integer beyond 64 bits
            pass
    try:
        return canonical_json(data).encode("utf-8")
    except ValueError:  # NaN or infinity, a lone surrogate: no writer makes them
        return None


def _now() -> datetime:
    return datetime.now(UTC)


class DecisionLog:
    """Appends decisions to a hash-chained JSONL log; safe to share between processes.

    ``record`` buffers a decision and writes the buffer when it holds ``batch`` decisions
    (1: every decision is on disk when ``record`` returns). With ``key``, the NIK kept in the
    inputs is replaced by its pseudonym (HMAC-SHA256). Use as a context manager, or call
    ``flush``/``close``.
    """

    def __init__(self, path: str | Path, *, key: str | bytes | None = None, batch: int = 1,
                 fsync: bool = True, clock: Callable[[], datetime] = _now,
                 signer: Callable[[int, str], None] | None = None) -> None:
        self.path, self.key, self.batch, self.fsync, self.clock = Path(path), key, max(1, batch), fsync, clock
        self.key_id = key_id(key) if key is not None else None
        self.signer = signer
        self._fields: dict[str, list[tuple[str, ...]]] = {}
        self._pending: list[tuple[str, str]] = []
        self._logged: set[tuple[str, str, str]] | None = None

    def logged(self, decision: Decision) -> bool:
        """Whether the log already holds this decision (same input, rule set and date): a re-run
        after a failure does not log it twice."""
        if self._logged is None:
            self._logged = set()
            if self.path.exists():
                fd = os.open(self.path, os.O_RDONLY)
                try:
                    last_link(fd, self.path)  # a damaged log is refused before anything is printed
                finally:
                    os.close(fd)
                for line in read_log(self.path):
                    d = (line.envelope or {}).get("decision")
                    if isinstance(d, dict):
                        self._logged.add(_identity(d))
        return _key(decision) in self._logged

    def record(self, decision: Decision, member: Record | dict[str, Any], ruleset: RuleSet,
               decision_json: str | None = None) -> bool:
        """Add one decision (made for ``member`` under ``ruleset``); True when the buffer was written.

        ``member`` is a record as given to ``decide`` (a Member, the view ``parse_record`` gives, or
        a dict, validated here). ``decision_json`` is ``decision.to_json()`` when the caller has
        made it already.
        """
        if not isinstance(member, (Member, msgspec.Struct)):
            member = parse_record(member).record
        if self.logged(decision):
            return not self._pending
        if decision.ruleset.sha256 != ruleset.sha256:
            raise ValueError("the decision was made under another rule set")
        data = record_json(member)
        if decision.member.input_sha256 != hashlib.sha256(data).hexdigest():
            raise ValueError("the decision was made for another member record")
        fields = self._fields.get(ruleset.sha256)
        if fields is None:
            fields = self._fields[ruleset.sha256] = kept_fields(ruleset)
        inputs = canonical_bytes(logged_inputs(msgspec.json.decode(data), fields, self.key), plain=True)
        assert inputs is not None  # a validated record is plain JSON
        self._pending.append((decision_json or decision.to_json(), inputs.decode("utf-8")))
        assert self._logged is not None
        self._logged.add(_key(decision))
        if len(self._pending) >= self.batch:
            self.flush()
            return True
        return False

    def flush(self) -> int:
        """Write the buffered decisions under the file lock; the number written."""
        if not self._pending:
            return 0
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            seq, prev = last_link(fd, self.path)
            at = self.clock().astimezone(UTC).isoformat(timespec="microseconds")
            kid = "null" if self.key_id is None else f'"{self.key_id}"'
            lines = []
            for decision, inputs in self._pending:
                seq += 1
                body = (f'"inputs":{inputs},"prev":"{prev}","pseudonym_key":{kid},'
                        f'"recorded_at":"{at}","seq":{seq},"v":{VERSION}}}')
                prev = hashlib.sha256(f'{{"decision":{decision},{body}'.encode()).hexdigest()
                lines.append(f'{{"decision":{decision},"hash":"{prev}",{body}\n')
            data = "".join(lines).encode("utf-8")
            size = os.fstat(fd).st_size
            try:
                while data:
                    data = data[os.write(fd, data):]
                if self.fsync:
                    os.fsync(fd)
            except OSError as exc:  # disk full, quota, I/O error: take back the part written
                os.ftruncate(fd, size)
                raise LogError(f"{self.path}: could not append ({exc.strerror or exc}); the log still ends at its "
                               "last complete line and these decisions were not printed") from None
            if self.signer is not None:
                self.signer(seq, prev)
        finally:
            os.close(fd)  # closing releases the lock
        written, self._pending = len(self._pending), []
        return written

    def close(self) -> None:
        self.flush()

    def __enter__(self) -> DecisionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _identity(decision: dict[str, Any]) -> tuple[str, str, str]:
    """A logged decision's input hash, rule-set hash and date: what makes it the same decision."""
    member, ruleset = decision.get("member") or {}, decision.get("ruleset") or {}
    return str(member.get("input_sha256")), str(ruleset.get("sha256")), str(decision.get("on"))


def _key(decision: Decision) -> tuple[str, str, str]:
    """``_identity`` of a decision, read without building the rest of it."""
    return decision.member.input_sha256, decision.ruleset.sha256, decision.on.isoformat()


def last_link(fd: int, path: Path) -> tuple[int, str]:
    """The seq and hash of the last line (0 and 64 zeros for an empty log); LogError if damaged."""
    size = os.fstat(fd).st_size
    if size == 0:
        return 0, GENESIS
    pos, buf = size, b""
    while pos > 0:
        step = min(1 << 16, pos)
        pos -= step
        buf = os.pread(fd, step, pos) + buf
        cut = buf.rfind(b"\n", 0, len(buf) - 1)
        if cut >= 0:
            buf = buf[cut + 1:]
            break
    if not buf.endswith(b"\n"):
        raise LogError(f"{path}: the last line is incomplete (truncated: a writer was stopped, or the file was "
                       f"cut); the log was not continued; `bsu-rules verify {path}` says how to resume")
    try:
        env = json.loads(buf)
        seq, digest = env["seq"], env["hash"]
        ok = isinstance(seq, int) and entry_hash(env) == digest
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise LogError(f"{path}: the last line is not an intact log record; run `bsu-rules verify {path}`; "
                       "the log was not continued")
    return seq, str(digest)


@dataclass(frozen=True)
class Line:
    """One physical line of a log: its number, bytes, and envelope (None if unreadable).

    ``plain``: the envelope holds no float (read by the fast path): ``canonical_bytes`` may use orjson.
    """

    number: int
    raw: bytes
    envelope: dict[str, Any] | None
    error: str | None = None
    plain: bool = False


def _no_float(text: str) -> Any:
    raise ValueError("a float")  # read again by json.loads, which gives it as Python does


_DECODE = msgspec.json.Decoder(float_hook=_no_float).decode


def read_log(path: str | Path) -> Iterator[Line]:
    """Every line of a log, parsed; a line that is not a log record carries the reason."""
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            if not raw.endswith(b"\n"):
                yield Line(number, raw, None, "the last line has no newline at its end: the write was cut off "
                           "or the file was cut")
                continue
            plain = True
            try:
                env = _DECODE(raw)
            except msgspec.DecodeError:  # a float, or what json.loads must judge (a lone surrogate, NaN, ...)
                plain = False
                try:
                    env = json.loads(raw)
                except (ValueError, RecursionError) as exc:
                    yield Line(number, raw, None, f"not JSON ({exc})")
                    continue
            yield Line(number, raw, env if isinstance(env, dict) else None, _shape_error(env), plain)


def _shape_error(env: Any) -> str | None:
    if not isinstance(env, dict):
        return "not a log record (expected a JSON object)"
    missing = [k for k in FIELDS if k not in env]
    if missing:
        return f"not a log record (missing {', '.join(missing)})"
    types = {"decision": dict, "inputs": dict, "seq": int, "prev": str, "hash": str, "recorded_at": str}
    wrong = [k for k, t in types.items() if not isinstance(env[k], t) or isinstance(env[k], bool)]
    if wrong:
        return f"not a log record (wrong type: {', '.join(wrong)})"
    if env["v"] != VERSION:
        return f"log format version {env['v']!r} is not supported (expected {VERSION})"
    return None


@dataclass(frozen=True)
class Problem:
    """The first thing wrong with a log: a physical line number, a kind and a sentence."""

    line: int
    kind: str  # a Code: truncated, malformed, edited, reformatted, removed, reordered, inserted, rehashed, invalid
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Code(self.kind))

    def __str__(self) -> str:
        return f"line {self.line}: {self.kind}: {self.message}"

    def diagnostic(self, log: str | Path) -> Diagnostic:
        """The problem in the one error shape: the log file, the line (which is also the record)."""
        return Diagnostic(str(log), self.line, 1, self.kind, self.message, record=self.line)


@dataclass(frozen=True)
class Verification:
    """The result of checking a whole log: how many decisions, the head of the chain, any problem."""

    decisions: int
    head_seq: int
    head_hash: str
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        if self.problem is not None:
            return str(self.problem)
        return f"{self.decisions} decisions, chain intact"


class Verifier:
    """Checks a log line by line as it is read (``add`` each line in order, then ``result``).

    A line is judged when the next one arrives (what kind a problem is can depend on it); after the
    first problem the rest is not checked. ``heads``, if given, receives seq -> hash.
    """

    def __init__(self, anchor: str | None = None, heads: dict[int, str] | None = None) -> None:
        self.anchor, self.heads = anchor, heads
        self.seq, self.head, self.anchored = 0, GENESIS, anchor is None
        self.problem: Problem | None = None
        self._before: Line | None = None
        self._waiting: tuple[Line, bool] | None = None

    def add(self, line: Line, valid: bool = False) -> None:
        """The next line. ``valid``: its decision is known to be valid (a replay made it again, byte
        for byte, and decisions round-trip), so it is not validated again."""
        if self._waiting is not None:
            self._judge(line)
        self._waiting = (line, valid) if self.problem is None else None

    def result(self) -> Verification:
        if self._waiting is not None:
            self._judge(None)
            self._waiting = None
        if self.problem is not None:
            return Verification(self.seq, self.seq, self.head, self.problem)
        if not self.anchored:
            return Verification(self.seq, self.seq, self.head, Problem(
                self.seq + 1, Code.REMOVED, f"the anchor {self.anchor} is not in the log: "
                "lines were cut off its end or the log was rewritten"))
        return Verification(self.seq, self.seq, self.head)

    def _judge(self, after: Line | None) -> None:
        assert self._waiting is not None
        cur, valid = self._waiting
        self.problem = _check(cur, self._before, after, self.seq + 1, self.head, valid)
        if self.problem is not None:
            return
        assert cur.envelope is not None
        self.seq, self.head, self._before = self.seq + 1, cur.envelope["hash"], cur
        if self.heads is not None:
            self.heads[self.seq] = self.head
        self.anchored = self.anchored or self.head == self.anchor


def verify_log(path: str | Path, anchor: str | None = None, heads: dict[int, str] | None = None) -> Verification:
    """Check every line's hash, sequence and link, and each decision's shape; stop at the first problem.

    ``anchor`` is a head hash recorded earlier elsewhere: the log must still contain it (a chain
    alone cannot show that lines were cut off its end). ``heads``, if given, receives seq -> hash.
    """
    verifier = Verifier(anchor, heads)
    for line in read_log(path):
        verifier.add(line)
        if verifier.problem is not None:
            break
    return verifier.result()


def _check(cur: Line, before: Line | None, after: Line | None, seq: int, prev: str,
           valid: bool = False) -> Problem | None:
    n, env = cur.number, cur.envelope
    if cur.error is not None or env is None:
        kind = "truncated" if not cur.raw.endswith(b"\n") else "malformed"
        return Problem(n, kind, cur.error or "not a log record")
    body = canonical_bytes({k: v for k, v in env.items() if k != "hash"}, cur.plain)
    if body is None or hashlib.sha256(body).hexdigest() != env["hash"]:
        return Problem(n, Code.EDITED, "its content does not match its hash")
    if cur.raw != (canonical_bytes(env, cur.plain) or b"") + b"\n":
        return Problem(n, Code.REFORMATTED, "its content matches its hash but the line is not in canonical form")
    bef = before.envelope if before is not None else None
    if before is not None and cur.raw == before.raw:
        return Problem(n, Code.INSERTED, f"it repeats line {before.number}")
    if env["prev"] != prev and before is not None and bef is not None and env["prev"] == bef["prev"]:
        return Problem(before.number, Code.INSERTED, f"line {n} continues the chain from the line before "
                                                  f"line {before.number}, which is not part of the chain")
    if env["seq"] > seq:
        nxt = after.envelope if after is not None and after.error is None else None
        if nxt is not None and nxt["seq"] == seq:
            return Problem(n, Code.REORDERED, f"seq {env['seq']} where {seq} was expected, and line {n + 1} "
                                           f"has seq {seq}: this line is out of order")
        return Problem(n, Code.REMOVED, f"seq {env['seq']} where {seq} was expected: "
                                     f"{env['seq'] - seq} decision(s) missing before this line")
    if env["seq"] < seq:
        return Problem(n, Code.REORDERED, f"seq {env['seq']} where {seq} was expected: "
                                       "this line repeats or moves an earlier decision")
    if env["prev"] != prev:
        nxt = after.envelope if after is not None and after.error is None else None
        if before is None or (nxt is not None and nxt["prev"] != env["hash"]):
            return Problem(n, Code.REHASHED, "its prev does not match the hash of the line before: "
                                          "it was rewritten and re-hashed")
        return Problem(before.number, Code.REHASHED, f"line {n}'s prev does not match this line's hash: "
                                                  "this line was changed and re-hashed")
    return _decision_problem(n, env, valid)


def _decision_problem(n: int, env: dict[str, Any], valid: bool) -> Problem | None:
    if not valid:
        try:
            Decision.model_validate(env["decision"])
        except ValidationError as exc:
            return Problem(n, Code.INVALID, f"the decision is not a valid decision ({exc.error_count()} error(s))")
    nik = env["inputs"].get("nik")
    if not isinstance(nik, str):
        return Problem(n, Code.INVALID, "the inputs have no NIK")
    plain = env["pseudonym_key"] is None
    if (mask_nik(nik) != env["decision"]["member"]["nik"]) if plain else len(nik) != 64:
        return Problem(n, Code.INVALID, "the NIK in the inputs does not match the decision")
    return None
