"""Reading and checking a decision log: each line's hash, form and link, one line at a time.

A line is read with msgspec and its canonical form made with orjson; for JSON without floats,
which is every line a writer makes, both give exactly what ``json.loads`` and ``canonical_json``
give. A line holding a float (or any JSON msgspec refuses) takes the standard, slower path.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import msgspec
import orjson
from pydantic import ValidationError

from bsu_rules.decisions import Decision, canonical_json, mask_logged, mask_nik
from bsu_rules.errors import Code, Diagnostic, InputError, is_device
from bsu_rules.formatting import counted
from bsu_rules.members.raw import bounded_lines, compressed
from bsu_rules.members.redact import holds_nik, shortened

VERSION = 1
GENESIS = "0" * 64
MAX_LINE = 64 << 20
"""Bytes a log line may hold, its newline included: a writer refuses a longer one (a member record
of tens of megabytes), and a reader takes a longer one for damage without holding it."""
FIELDS = ("decision", "hash", "inputs", "prev", "pseudonym_key", "recorded_at", "seq", "v")


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
    """Every line of a log, parsed; a line that is not a log record carries the reason. A compressed
    log is refused whole (InputError), and so is a device (``/dev/zero`` may never end, nor hold a line end)."""
    with open(path, "rb") as f:  # looked at without reading: a pipe (``<(…)``, /dev/stdin) is read once
        if is_device(os.fstat(f.fileno()).st_mode):
            raise InputError([(str(path), "a device, not a decision log: save the log to a file first")])
        if packed := compressed(f.peek(64)[:64], str(path)):
            raise InputError([(str(path), packed)])
        yield from read_lines(f)


def read_lines(f: BinaryIO, first: int = 1) -> Iterator[Line]:
    """``read_log`` from where ``f`` stands, the line there numbered ``first``."""
    for number, raw in enumerate(bounded_lines(f, MAX_LINE), first):
        if raw is None:
            yield Line(number, b"", None, f"longer than the {MAX_LINE:,} bytes a log line may hold: not a log "
                       "record (the rest of it was skipped)")
            continue
        if not raw.endswith(b"\n"):
            reason = "the last line has no newline at its end: the write was cut off or the file was cut"
            if _whole(raw):
                reason = ("the last line is a whole record whose hash matches, but the newline at its end is "
                          "missing: the write was cut off just before it ended (a writer prints a decision "
                          "only after its newline), or the newline was removed")
            yield Line(number, raw, None, reason)
            continue
        plain = True
        try:
            env = _DECODE(raw)
        except (msgspec.DecodeError, RecursionError):  # a float, or what json.loads must judge (NaN, ...)
            plain = False
            try:
                env = json.loads(raw)
            except (ValueError, RecursionError) as exc:
                yield Line(number, raw, None, f"not JSON ({_why(exc, raw)})")
                continue
        yield Line(number, raw, env if isinstance(env, dict) else None, _shape_error(env), plain)


def _why(exc: Exception, raw: bytes) -> str:
    """Why a line is not JSON, in words about the line, not the parser."""
    if not raw.strip():
        return "an empty line"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if not raw.rstrip(b"\r\n").strip(b"\x00"):
        return "only NUL bytes, which a file system leaves where a write was lost (a crash or a power cut)"
    if raw.decode("utf-8", "replace").encode() != raw:  # by the bytes: with a NUL the parser guesses UTF-16 or 32
        return "not UTF-8 text"
    if b"\x00" in raw:  # a control character, which the parser (guessing UTF-16 from it) does not say
        at = raw.index(b"\x00")
        return f"invalid control character at column {len(raw[:at].decode('utf-8')) + 1}"
    if isinstance(exc, json.JSONDecodeError):  # past the line's own newline: at its end
        line = exc.doc.split("\n", 1)[0]
        if exc.lineno > 1 or exc.pos >= len(line.rstrip("\r")):
            return "it ends before its record does: cut short?"
        return f"{exc.msg.lower().removesuffix(' at')} at column {exc.colno}"  # "Invalid control character at"
    return "a number too long" if "digits" in str(exc) else "unreadable"


def _whole(raw: bytes) -> bool:
    """Whether a line without its newline is otherwise a complete record with a matching hash."""
    try:
        env = json.loads(raw)
        return isinstance(env, dict) and _shape_error(env) is None and entry_hash(env) == env["hash"]
    except (ValueError, RecursionError, TypeError):
        return False


def _shape_error(env: Any) -> str | None:
    if not isinstance(env, dict):
        return "not a log record (expected a JSON object)"
    missing = [k for k in FIELDS if k not in env]
    if missing:
        return f"not a log record (missing {', '.join(missing)})"
    if isinstance(env["v"], bool) or env["v"] != VERSION:  # 1.0: the hash tells it was edited
        return f"log format version {shortened(json.dumps(env['v']))} is not supported (expected {VERSION})"
    if extra := sorted(k for k in env if k not in FIELDS):
        return f"not a log record (a key it does not have: {', '.join(shortened(k) for k in extra[:3])})"
    types = {"decision": dict, "inputs": dict, "seq": int, "prev": str, "hash": str, "recorded_at": str}
    wrong = [k for k, t in types.items() if not isinstance(env[k], t) or isinstance(env[k], bool)]
    if not (env["pseudonym_key"] is None or (isinstance(env["pseudonym_key"], str) and _KEY_ID(env["pseudonym_key"]))):
        wrong.append("pseudonym_key")
    if wrong:
        return f"not a log record (wrong type: {', '.join(wrong)})"
    if not 1 <= env["seq"] <= MAX_SEQ:  # a NIK put there is not repeated, nor counted from in the messages after
        return f"not a log record (seq {shortened(str(env['seq']))} is not a line's number, 1 to {MAX_SEQ:,})"
    if not _moment(env["recorded_at"]):
        return (f"not a log record (recorded_at {shortened(env['recorded_at'])!r} is not a date and time with its zone"
                f"{_moment_fault(env['recorded_at'])})")
    return None


MAX_SEQ = 999_999_999
"""The largest ``seq`` a line may have (a billion decisions, terabytes of log): nine digits, fewer than any
NIK's or account number's, so that a number put there is never repeated, nor counted from, in a message."""
_KEY_ID = re.compile("[0-9a-f]{16}").fullmatch  # a key's public fingerprint (``key_id``)


def _moment(text: str) -> bool:
    """Whether ``text`` is a date and time with its offset from UTC (as a writer records it)."""
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def _moment_fault(text: str) -> str:
    """What is wrong with a ``recorded_at`` of the writer's shape (``2022-09-05T08:00:00.000000+00:00``), said
    without its digits, which a message hides when there are many: the part out of range, or the zone missing;
    "" for any other text."""
    shape = _MOMENT.fullmatch(text)
    if shape is None:
        return ""
    for part, (low, high) in zip(("month", "day", "hour", "minute", "second"), _RANGES, strict=True):
        if not low <= int(shape[part]) <= high:
            return f": its {part} is {int(shape[part])}, not {low} to {high}"
    try:
        date(int(shape["year"]), int(shape["month"]), int(shape["day"]))
    except ValueError:
        return f": {shape['year']}-{shape['month']}-{shape['day']} is no day of the calendar"
    return ": it has no offset from UTC (+00:00)" if shape["zone"] is None else ""


_MOMENT = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})T(?P<hour>\d{2}):(?P<minute>\d{2}):"
                     r"(?P<second>\d{2})(?:\.\d{1,6})?(?P<zone>Z|[+-]\d{2}:\d{2})?")
_RANGES = ((1, 12), (1, 31), (0, 23), (0, 59), (0, 59))


@dataclass(frozen=True)
class Problem:
    """The first thing wrong with a log: a physical line number, a kind and a sentence."""

    line: int
    kind: str  # a Code: truncated, malformed, edited, reformatted, removed, reordered, inserted, rehashed, invalid,
    # unanchored
    message: str
    since: int | None = None
    """An earlier line that may be the one at fault (the chain breaks at ``line`` either way): the
    lines before ``since`` are the intact ones."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Code(self.kind))

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""  # 0: the log holds no line (an empty log, unsigned)
        if self.kind == Code.UNANCHORED:  # found on no line: looked for up to the end, the line after the last
            where = f"after line {self.line - 1} (the end of the log): " if self.line > 1 else ""
        return f"{where}{self.kind}: {self.message}"

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
    anchored_seq: int | None = None
    """The seq of the line whose hash is the anchor given (None: none given, or not found): it vouches for the
    lines up to it, not for the ``head_seq - anchored_seq`` after it."""

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        if self.problem is not None:
            return str(self.problem)
        return f"{self.decisions} decision{'' if self.decisions == 1 else 's'}, chain intact"


class Verifier:
    """Checks a log line by line as it is read (``add`` each line in order, then ``result``).

    A line is judged when the next one arrives (what kind a problem is can depend on it); after the
    first problem the rest is not checked, except for the seqs a line skipped over: whether they come
    later (``done`` says when nothing more can change the result). ``heads``, if given, receives
    seq -> hash.
    """

    def __init__(self, anchor: str | None = None, heads: dict[int, str] | None = None) -> None:
        self.anchor, self.heads = anchor, heads
        self.seq, self.head, self.anchored = 0, GENESIS, anchor is None
        self.anchored_seq: int | None = None  # the seq of the line whose hash is the anchor
        self.problem: Problem | None = None
        self._before: Line | None = None
        self._waiting: tuple[Line, bool] | None = None
        self._gap: _Gap | None = None
        self._extra: tuple[int, str] | None = None  # the seq and hash of a line with an earlier seq
        self._undo: tuple[int, str, bool, int | None] = self.seq, self.head, self.anchored, self.anchored_seq
        """As they were before the last line was taken as intact."""

    def resume(self, seq: int, head: str, last: bytes) -> None:
        """Go on from a log known intact up to seq ``seq`` (hash ``head``), whose last line is ``last``."""
        self.seq, self.head, self.anchored = seq, head, self.anchored or head == self.anchor
        if head == self.anchor:
            self.anchored_seq = seq
        self._before = Line(seq, last, None) if seq else None
        self._undo = self.seq, self.head, self.anchored, self.anchored_seq  # known intact: never taken back

    @property
    def done(self) -> bool:
        """Whether the lines still to come cannot change the result."""
        return self.problem is not None and self._gap is None

    def add(self, line: Line, valid: bool = False) -> None:
        """The next line. ``valid``: its decision is known to be valid (a replay made it again, byte
        for byte, and decisions round-trip), so it is not validated again."""
        if self._waiting is not None:
            self._judge(line)
        self._waiting = (line, valid) if self.problem is None else None
        if self._gap is not None:
            self._gap.see(line)

    def result(self, path: str | Path | None = None) -> Verification:
        """The verification; with the log's ``path``, a line with an earlier seq is told apart as a
        copy of the line holding that seq, or a line of no line's hash (the log is read up to there)."""
        if self._waiting is not None:
            self._judge(None)
            self._waiting = None
        if self._gap is not None and self.problem is not None:
            self.problem, self._gap = self._gap.problem(self.problem.line), None
        if self.problem is not None and self._extra is not None and path is not None:
            seq, digest = self._extra  # lines 1 to seq are intact: line seq holds seq
            same = next((ln.envelope["hash"] == digest for ln in read_log(path) if ln.number == seq and ln.envelope),
                        False)
            told = self.problem.message.replace(_EXTRA, _repeats(seq) if same else _FOREIGN)
            self.problem, self._extra = replace(self.problem, message=told), None
        if self.problem is not None:
            return Verification(self.seq, self.seq, self.head, self.problem, self.anchored_seq)
        if not self.anchored:
            return Verification(self.seq, self.seq, self.head, Problem(
                self.seq + 1, Code.UNANCHORED, f"the anchor {self.anchor} is not in the log: lines were cut off "
                "its end or the log was rewritten, so none of its lines can be vouched for"))
        return Verification(self.seq, self.seq, self.head, anchored_seq=self.anchored_seq)

    def _judge(self, after: Line | None) -> None:
        assert self._waiting is not None
        cur, valid = self._waiting
        self.problem = _check(cur, self._before, after, self.seq + 1, self.head, valid)
        if self.problem is not None and self.problem.message.endswith(_EXTRA) and cur.envelope is not None:
            self._extra = cur.envelope["seq"], cur.envelope["hash"]
        at_fault = self.problem.since or self.problem.line if self.problem is not None else None
        if self._before is not None and at_fault == self._before.number:
            self.seq, self.head, self.anchored, self.anchored_seq = self._undo  # the line before may be at fault
            if self.heads is not None:
                self.heads.pop(self._before.number, None)
        if self.problem is not None:
            if self.problem.kind == Code.REMOVED and cur.envelope is not None:
                self._gap = _Gap(self.seq + 1, cur.envelope["seq"] - 1)
            return
        assert cur.envelope is not None
        self._undo = self.seq, self.head, self.anchored, self.anchored_seq
        self.seq, self.head, self._before = self.seq + 1, cur.envelope["hash"], cur
        if self.heads is not None:
            self.heads[self.seq] = self.head
        self.anchored = self.anchored or self.head == self.anchor
        if self.head == self.anchor:
            self.anchored_seq = self.seq


def verify_log(path: str | Path, anchor: str | None = None, heads: dict[int, str] | None = None) -> Verification:
    """Check every line's hash, sequence and link, and each decision's shape; stop at the first problem.

    ``anchor`` is a head hash recorded earlier elsewhere: the log must still contain it (a chain
    alone cannot show that lines were cut off its end). ``heads``, if given, receives seq -> hash.
    """
    verifier = Verifier(anchor, heads)
    for line in read_log(path):
        verifier.add(line)
        if verifier.done:
            break
    return verifier.result(path)


class _Gap:
    """The seqs ``first`` to ``last`` that a line skipped over, and how many of them later lines hold.

    One bit a seq (at most 8 MiB); later lines whose seq lies past the bits are counted, not told apart.
    """

    BITS = 1 << 26

    def __init__(self, first: int, last: int) -> None:
        self.first, self.last = first, last
        self.seen = bytearray((min(last - first + 1, self.BITS) + 7) // 8)
        self.found = 0

    def see(self, line: Line) -> None:
        seq = (line.envelope or {}).get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or not self.first <= seq <= self.last:
            return
        i = seq - self.first
        if i >= self.BITS:
            self.found += 1
        elif not self.seen[i >> 3] & (1 << (i & 7)):
            self.seen[i >> 3] |= 1 << (i & 7)
            self.found += 1

    def problem(self, line: int) -> Problem:
        count = self.last - self.first + 1
        found = min(self.found, count)
        missing = count - found
        head = f"seq {self.last + 1} where {self.first} was expected: "
        seqs = f"seq {self.first}" if count == 1 else f"seqs {self.first}-{self.last}"
        if not missing:
            return Problem(line, Code.REORDERED, f"{head}{seqs} {_verb(count, 'come')} later in the file: "
                                                 "the lines are out of order")
        if not found:
            return Problem(line, Code.REMOVED, f"{head}{counted(missing, 'decision')} missing: {seqs} "
                                               f"{_verb(count, 'be')} nowhere in the log")
        return Problem(line, Code.REMOVED, f"{head}{counted(missing, 'decision')} missing: of {seqs}, {found:,} "
                                           f"{_verb(found, 'come')} later in the file (out of order) and "
                                           f"{missing:,} {_verb(missing, 'be')} nowhere in the log")


def _twice(raw: bytes) -> str | None:
    """A key written twice in one object of a line (the writer never does; a decoder keeps the last)."""
    found: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        kept = dict(items)
        seen: set[str] = set()
        for key, _ in items if len(kept) < len(items) else ():
            if key in seen:
                found.append(key)
                break
            seen.add(key)
        return kept
    try:
        json.loads(raw.removeprefix(b"\xef\xbb\xbf"), object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return None
    return found[0] if found else None


def _reformatted(raw: bytes, canonical: bytes) -> str:
    """How a line differs from its canonical form, when in a way an editor saving it would make it."""
    how = [said for said, found in (("a byte order mark (BOM) before it", raw.startswith(b"\xef\xbb\xbf")),
                                    ("a Windows line end (CRLF)", raw.endswith(b"\r\n")))
           if found]
    rest = raw.removeprefix(b"\xef\xbb\xbf").removesuffix(b"\r\n").removesuffix(b"\n") + b"\n"
    if how and rest == canonical:
        return f": {' and '.join(how)}, as an editor saving the file adds (the decision itself is unchanged)"
    return f" (its spacing, key order or escapes differ{', and ' + ' and '.join(how) if how else ''})"


def _verb(n: int, verb: str) -> str:
    """The verb agreeing with ``n`` things: is/are, comes/come."""
    if verb == "be":
        return "is" if n == 1 else "are"
    return f"{verb}s" if n == 1 else verb


def _check(cur: Line, before: Line | None, after: Line | None, seq: int, prev: str,
           valid: bool = False) -> Problem | None:
    n, env = cur.number, cur.envelope
    if cur.error is not None or env is None:
        kind = "truncated" if cur.raw and not cur.raw.endswith(b"\n") else "malformed"  # b"": too long
        return Problem(n, kind, cur.error or "not a log record")
    body = canonical_bytes({k: v for k, v in env.items() if k != "hash"}, cur.plain)
    if body is None or hashlib.sha256(body).hexdigest() != env["hash"]:
        return Problem(n, Code.EDITED, "its content does not match its hash")
    if cur.raw != (canonical_bytes(env, cur.plain) or b"") + b"\n":
        if (twice := _twice(cur.raw)) is not None:
            return Problem(n, Code.EDITED, f"the key `{shortened(twice)}` is written twice in one object: its hash "
                           "covers only the last value, and a reader keeping the first reads another decision")
        return Problem(n, Code.REFORMATTED, "its content matches its hash but the line is not in canonical form"
                       + _reformatted(cur.raw, (canonical_bytes(env, cur.plain) or b"") + b"\n"))
    bef = before.envelope if before is not None else None
    if before is not None and cur.raw == before.raw:
        return Problem(n, Code.INSERTED, f"seq {env['seq']} where {seq} was expected: {_repeats(before.number)}")
    if env["prev"] != prev and before is not None and bef is not None and env["prev"] == bef["prev"]:
        return Problem(before.number, Code.INSERTED, f"line {n} continues the chain from the line before "
                                                  f"line {before.number}, which is not part of the chain")
    if env["seq"] != seq and env["prev"] == prev:  # no line is missing or extra before it: it chains here
        return Problem(n, Code.REHASHED, f"seq {shortened(str(env['seq']))} where {seq} was expected, though it "
                       "chains to the line before: its seq was changed and the line re-hashed")
    if env["seq"] > seq:
        nxt = after.envelope if after is not None and after.error is None else None
        if nxt is not None and nxt["seq"] == seq:
            return Problem(n, Code.REORDERED, f"seq {env['seq']} where {seq} was expected, and line {n + 1} "
                                           f"has seq {seq}: this line is out of order")
        return Problem(n, Code.REMOVED, f"seq {env['seq']} where {seq} was expected")  # ``_Gap`` says more
    if env["seq"] < seq:  # the lines before are the chain up to here: this one is extra
        return Problem(n, Code.INSERTED, f"seq {env['seq']} where {seq} was expected: {_EXTRA}")
    if env["prev"] != prev:
        nxt = after.envelope if after is not None and after.error is None else None
        if before is None or (nxt is not None and nxt["prev"] != env["hash"]):
            return Problem(n, Code.REHASHED, "its prev does not match the hash of the line before: "
                                          "it was rewritten and re-hashed")
        chained, rest = (", and the line after it chains to it", "this line and those after it") if nxt is not None \
            else ("", "this line")
        return Problem(n, Code.REHASHED, f"its prev does not match the hash of line {before.number}{chained}: "
                       f"either line {before.number} was changed and re-hashed, or {rest} come"
                       f"{'s' if nxt is None else ''} from another log", since=before.number)
    return _decision_problem(n, env, valid, cur.raw, cur.plain)


_EXTRA = "it is not part of the chain here (a copy of an earlier line, or a line from another log)"
_FOREIGN = "it is no line of this log (its hash is that of none: a line from another log, or forged)"


def _repeats(line: int) -> str:
    return f"it repeats line {line}"


def _decision_json(env: dict[str, Any], raw: bytes, plain: bool) -> str | bytes:
    """The JSON of a line's decision: read from the line itself when it holds no float and is canonical, as it
    is once its hash and form are checked (``{"decision":`` the decision's canonical JSON ``,"hash":"``...)."""
    cut = raw.find(f',"hash":"{env["hash"]}","inputs":'.encode()) if plain and raw.startswith(b'{"decision":') else -1
    return raw[12:cut] if cut > 0 else json.dumps(env["decision"], allow_nan=False)


def _decision_problem(n: int, env: dict[str, Any], valid: bool, raw: bytes, plain: bool = False) -> Problem | None:
    if not valid:
        try:  # strictly, as JSON: an amount written "600000" or 600000.0 is not a decision's
            Decision.model_validate_json(_decision_json(env, raw, plain), strict=True)
        except (ValidationError, ValueError) as exc:
            if not isinstance(exc, ValidationError):
                return Problem(n, Code.INVALID, "the decision is not a valid decision (NaN or Infinity)")
            first = exc.errors(include_input=False, include_url=False)[0]  # where and what, never the value
            where = mask_logged(".".join(str(p) for p in first["loc"])) or "(decision)"  # a key is data too
            errors = counted(exc.error_count(), "error")
            return Problem(n, Code.INVALID, f"the decision is not a valid decision ({errors}; "
                                            f"first: {where}: {first['msg']})")
    if (repeated := _listed_twice(env["decision"])) is not None:
        return Problem(n, Code.INVALID, f"the decision lists criterion `{mask_logged(shortened(repeated))}` twice: "
                                        "a decision lists each criterion once (a copy put before or after the one "
                                        "the engine decided changes what the decision shows)")
    nik = env["inputs"].get("nik")
    if not isinstance(nik, str):
        return Problem(n, Code.INVALID, "the inputs have no NIK")
    plain, member = env["pseudonym_key"] is None, env["decision"].get("member")
    shown = member.get("nik") if isinstance(member, dict) else None  # a valid decision always has one
    if plain:
        return Problem(n, Code.INVALID, "the NIK in the inputs does not match the decision") \
            if mask_nik(nik) != shown else None
    if _PSEUDONYM.fullmatch(nik) is None:
        return Problem(n, Code.INVALID, "the NIK in the inputs is not a pseudonym (64 hexadecimal digits), in a log "
                                        "that keeps none")
    if not isinstance(shown, str) or mask_nik(shown) != shown:  # masking a masked NIK gives it back
        return Problem(n, Code.INVALID, "the decision's NIK is not masked, in a log that keeps none")
    if _LONG_RUN.search(raw) and (found := _nik_in(env["decision"], "decision") or
                                  _nik_in(env["inputs"], "inputs")) is not None:  # a line without such a run: none
        return Problem(n, Code.INVALID, f"{mask_logged(found)} holds a NIK, in a log that keeps none")
    return None


def _listed_twice(decision: dict[str, Any]) -> str | None:
    """The id of the first criterion a decision lists a second time, or None (the engine lists each once)."""
    seen: set[Any] = set()
    for rule in decision.get("rules") or ():
        rid = rule.get("id") if isinstance(rule, dict) else None
        if isinstance(rid, str) and rid in seen:
            return rid
        seen.add(rid)
    return None


_SIXTEEN = re.compile(r"[0-9]{16,}")
_LONG_RUN = re.compile(rb"[0-9]{16}")


def _nik_in(value: Any, at: str) -> str | None:
    """Where in a pseudonymised line's ``value`` a key, text or number holds sixteen digits in a row that
    make a valid NIK (a sha256 aside: a hash is hexadecimal, the engine's own), or None. Walked without
    recursion: an edited line may nest as deep as it likes."""
    stack: list[tuple[Any, str]] = [(value, at)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if _nik_held(key):
                    return f"{where} (a key)"
                stack.append((inner, f"{where}.{key}"))
        elif isinstance(item, list):
            stack.extend((inner, f"{where}[{i}]") for i, inner in enumerate(item))
        elif _nik_held(item):
            return where
    return None


def _nik_held(value: Any) -> bool:
    text = value if isinstance(value, str) else str(value) if isinstance(value, int | float) else None
    if text is None or isinstance(value, bool) or (_PSEUDONYM.fullmatch(text) and not text.isdigit()):
        return False  # a sha256 of 64 decimal digits is never one the engine made
    return any(holds_nik(run) for run in _SIXTEEN.findall(text))


_PSEUDONYM = re.compile(r"[0-9a-f]{64}")
