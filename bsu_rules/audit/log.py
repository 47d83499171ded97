"""The decision log: JSONL, one decision per line in a hash-chained envelope.

Each line is the canonical JSON (sorted keys, no spaces, UTF-8) of::

    {"decision": {...}, "hash": H, "inputs": {...}, "prev": P, "pseudonym_key": K | null,
     "recorded_at": "2022-09-05T08:00:00.000000+00:00", "seq": N, "v": 1}

``hash`` is the sha256 of the canonical JSON of the envelope *without* ``hash``, so it covers the
decision, the inputs, the sequence number, the link to the previous line and the recording time.
``prev`` is the ``hash`` of the line before (64 zeros on line 1). Writers hold an exclusive
``fcntl.flock`` (POSIX) on the file while they read the last line, append and fsync. Reading and
checking a log is ``chain``'s job.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from bsu_rules.audit.chain import GENESIS, MAX_LINE, VERSION, canonical_bytes, entry_hash, read_log
from bsu_rules.audit.snapshot import kept_fields, key_id, logged_inputs, record_json
from bsu_rules.decisions import Decision
from bsu_rules.errors import BsuRulesError, Code
from bsu_rules.members import Member, Record, parse_record
from bsu_rules.members.decode import bounded_lines
from bsu_rules.ruleset.model import RuleSet

_ENVELOPE = 512  # bytes of a line besides its decision and inputs (hashes, seq, time), with room to spare


class AuditError(BsuRulesError):
    """A decision log or rule archive is damaged, or cannot be used as asked."""

    code = Code.AUDIT


class LogError(AuditError):
    """A decision log cannot be continued."""


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
        self._pending: list[tuple[bytes, str, str]] = []  # identity, decision JSON, inputs JSON
        self._logged: set[bytes] | None = None
        self._read_to = 0  # the log's size when its identities were last read

    def writable(self) -> None:
        """LogError (or OSError) unless this log can be continued: the file can be opened for
        appending (it is created if absent) and its last line is intact. For a long-running writer,
        which should refuse to start rather than fail at its first decision."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            last_link(fd, self.path)
        finally:
            os.close(fd)

    def logged(self, decision: Decision) -> bool:
        """Whether the log already holds this decision (same input, rule set and date): a re-run
        after a failure does not log it twice."""
        if self._logged is None:
            self._logged = set()
            if self.path.exists():
                fd = os.open(self.path, os.O_RDONLY)
                try:
                    fcntl.flock(fd, fcntl.LOCK_SH)  # writers append under LOCK_EX: no line is read half-written
                    last_link(fd, self.path)  # a damaged log is refused before anything is printed
                    self._read_to = os.fstat(fd).st_size
                    for line in read_log(self.path):
                        d = (line.envelope or {}).get("decision")
                        if isinstance(d, dict):
                            self._logged.add(_identity(d))
                finally:
                    os.close(fd)  # and the lock with it
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
        text = decision_json or decision.to_json()
        room = MAX_LINE - _ENVELOPE - len(inputs)
        if len(text) > room // 4 and len(text.encode("utf-8")) > room:
            raise LogError(f"{self.path}: this decision's log line would be longer than the {MAX_LINE:,} bytes a "
                           "log line may hold (the member record is too large); it was not logged")
        key = _key(decision)
        self._pending.append((key, text, inputs.decode("utf-8")))
        assert self._logged is not None
        self._logged.add(key)
        if len(self._pending) >= self.batch:
            self.flush()
            return True
        return False

    def flush(self) -> int:
        """Write the buffered decisions under the file lock; the number written. If they cannot be
        written (the log is damaged, the disk is full) they are dropped, not kept for a later write:
        whoever recorded them learns it from the error, and recording them again logs them then."""
        if not self._pending:
            return 0
        pending, written = self._pending, False
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                seq, prev = last_link(fd, self.path)
                others = self._appended_since(fd)  # by another writer since this one last looked
                pending = [p for p in pending if p[0] not in others]
                at = self.clock().astimezone(UTC).isoformat(timespec="microseconds")
                kid = "null" if self.key_id is None else f'"{self.key_id}"'
                lines = []
                for _, decision, inputs in pending:
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
                    raise LogError(f"{self.path}: could not append ({exc.strerror or exc}); the log still ends at "
                                   "its last complete line and these decisions were not printed") from None
                written, self._read_to = True, os.fstat(fd).st_size
                if self.signer is not None and pending:
                    self.signer(seq, prev)
            finally:
                os.close(fd)  # closing releases the lock
        finally:
            if not written:
                self.discard()
            self._pending = []
        return len(pending)

    def discard(self) -> None:
        """Drop the buffered decisions unwritten; recording them again logs them."""
        if self._logged is not None:
            self._logged.difference_update(p[0] for p in self._pending)
        self._pending = []

    def _appended_since(self, fd: int) -> set[bytes]:
        """The identities of the lines appended after ``_read_to`` (the caller holds the lock)."""
        size = os.fstat(fd).st_size
        if size <= self._read_to:
            return set()
        found = set()
        with os.fdopen(os.dup(fd), "rb") as f:  # a line at a time, none longer than a log line may be
            f.seek(self._read_to)
            for raw in bounded_lines(f, MAX_LINE):
                try:
                    d = json.loads(raw or b"").get("decision")
                except (ValueError, AttributeError, RecursionError):
                    continue
                if isinstance(d, dict):
                    found.add(_identity(d))
        assert self._logged is not None
        self._logged |= found
        return found

    def close(self) -> None:
        self.flush()

    def __enter__(self) -> DecisionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _identity(decision: dict[str, Any]) -> bytes:
    """What makes a logged decision the same decision: its input hash, rule-set hash and date (as
    their sha256, 32 bytes: a log of millions keeps one for each line)."""
    member, ruleset = decision.get("member") or {}, decision.get("ruleset") or {}
    return _digest(str(member.get("input_sha256")), str(ruleset.get("sha256")), str(decision.get("on")))


def _key(decision: Decision) -> bytes:
    """``_identity`` of a decision, read without building the rest of it."""
    return _digest(decision.member.input_sha256, decision.ruleset.sha256, decision.on.isoformat())


def _digest(input_sha256: str, ruleset_sha256: str, on: str) -> bytes:
    return hashlib.sha256(f"{input_sha256} {ruleset_sha256} {on}".encode()).digest()


def last_link(fd: int, path: Path) -> tuple[int, str]:
    """The seq and hash of the last line (0 and 64 zeros for an empty log); LogError if damaged.

    Reads back from the end at most ``MAX_LINE`` bytes: a longer last line is no line a writer made.
    """
    size = os.fstat(fd).st_size
    if size == 0:
        return 0, GENESIS
    if os.pread(fd, 1, size - 1) != b"\n":
        raise LogError(f"{path}: the last line is incomplete (truncated: a writer was stopped, or the file was "
                       f"cut); the log was not continued; `bsu-rules verify {path}` says how to resume")
    pos, chunks = size - 1, [b"\n"]  # the chunks of the last line, last first
    while pos > 0:
        if size - pos > MAX_LINE:
            raise LogError(f"{path}: the last line is longer than the {MAX_LINE:,} bytes a log line may hold: "
                           f"it is not a log record; run `bsu-rules verify {path}`; the log was not continued")
        step = min(1 << 16, pos)
        pos -= step
        chunk = os.pread(fd, step, pos)
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            chunks.append(chunk[cut + 1:])
            break
        chunks.append(chunk)
    buf = b"".join(reversed(chunks))
    try:
        env = json.loads(buf)
        seq, digest = env["seq"], env["hash"]
        ok = isinstance(seq, int) and entry_hash(env) == digest
    except (ValueError, KeyError, TypeError, RecursionError):
        ok = False
    if not ok:
        raise LogError(f"{path}: the last line is not an intact log record; run `bsu-rules verify {path}`; "
                       "the log was not continued")
    return seq, str(digest)
