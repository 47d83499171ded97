"""The decision log: JSONL, one decision per line in a hash-chained envelope.

Each line is the canonical JSON (sorted keys, no spaces, UTF-8) of::

    {"decision": {...}, "hash": H, "inputs": {...}, "prev": P, "pseudonym_key": K | null,
     "recorded_at": "2022-09-05T08:00:00.000000+00:00", "seq": N, "v": 1}

``hash`` is the sha256 of the canonical JSON of the envelope *without* ``hash``, so it covers the
decision, the inputs, the sequence number, the link to the previous line and the recording time.
``prev`` is the ``hash`` of the line before (64 zeros on line 1). Writers hold an exclusive
``fcntl.flock`` (POSIX) on the file while they read what was appended since they last looked
(checking each line as ``verify`` does, with ``chain``'s ``Verifier``), append and fsync; a writer
that finds the file not as it left it (removed, replaced, cut back, its last line changed) appends
nothing more. Reading and checking a log is ``chain``'s job.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shlex
import stat
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from bsu_rules.audit.chain import GENESIS, MAX_LINE, VERSION, Line, Problem, Verifier, canonical_bytes, read_lines
from bsu_rules.audit.checkpoints import checkpoints_path, unsigned_writer
from bsu_rules.audit.snapshot import json_hash, kept_fields, key_id, logged_inputs, new_key, warn_published
from bsu_rules.decisions import Decision
from bsu_rules.errors import AuditError as AuditError
from bsu_rules.errors import BsuRulesError, InputError, why_stopped
from bsu_rules.members import Member, Record, parse_record
from bsu_rules.members.parse import record_hash, record_json
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.unknowns import made_under

_ENVELOPE = 512  # bytes of a line besides its decision and inputs (hashes, seq, time), with room to spare


class LogError(AuditError):
    """A decision log cannot be continued."""


class LogChanged(LogError):
    """A decision log is not as this writer left it: removed, replaced, cut back or rewritten by another
    hand while the writer ran. The writer appends nothing more to it; a new writer reads it afresh."""


def _now() -> datetime:
    return datetime.now(UTC)


class DecisionLog:
    """Appends decisions to a hash-chained JSONL log; safe to share between processes.

    ``record`` buffers a decision and writes the buffer when it holds ``batch`` decisions
    (1: every decision is on disk when ``record`` returns). With ``key``, the NIK kept in the
    inputs is replaced by its pseudonym (HMAC-SHA256), and a decision logged carries the keyed hash
    of its record; with ``full_nik``, the sha256 of its record whole (a decision made without a log
    carries that of its record as shown, identifiers masked, which two records differing only in a
    NIK's hidden digits share). Either way decide with ``input_sha256=log.input_hash(member)``. Use as
    a context manager, or call ``flush``/``close``.

    A decision already in the log, its JSON byte for byte, is not logged again. The log is read
    whole, every line checked as ``verify`` checks it, the first time it is used; after that only what
    other writers appended since is read (and checked alike), and a log that is not as this writer last
    left it (removed or renamed, replaced by another file, cut back, its last line changed) is not
    continued: ``LogChanged``, on every use, until it is as it was left. A log that ``verify`` would not
    call intact is not continued. Without a ``signer``, a log kept with signed checkpoints is said to
    ``warn`` once, when the log is first opened: what this writer appends is not signed.
    """

    def __init__(self, path: str | Path, *, key: str | bytes | None = None, full_nik: bool = False, batch: int = 1,
                 fsync: bool = True, clock: Callable[[], datetime] = _now,
                 signer: Callable[[int, str, tuple[int, str]], None] | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
        if (key is None) != full_nik:  # a log keeps a full NIK only when asked to, as the commands' --full-nik
            raise ValueError("give a pseudonymisation key (key=...) or full_nik=True: a decision log keeps a full "
                             "NIK only when asked to" if key is None else "key= and full_nik=True say opposite things")
        if key is not None:
            new_key(key)  # a key too short to write with is refused, as the commands refuse it
        self.path, self.key, self.batch, self.fsync, self.clock = Path(path), key, max(1, batch), fsync, clock
        self.key_id = key_id(key) if key is not None else None
        warn_published(key)
        self.signer, self._warn = signer, warn
        self._fields: dict[str, list[tuple[str, ...]]] = {}
        self._pending: list[tuple[bytes, str, str]] = []  # digest of the decision JSON, it, the inputs JSON
        self._logged: set[bytes] = set()  # the digests of the decisions in the log
        self._left: _End | None = None  # where this writer last left the log (None: not read yet)
        self.already = 0
        """The decisions recorded and not logged, the log holding them already (their JSON byte for byte): logged
        before, by this writer or another, or recorded twice."""
        self.holding: Callable[[], AbstractContextManager[Any]] = nullcontext
        """Entered once the file lock is held, around a write and ``written``, never while waiting for another
        writer's lock: ``evaluate`` has Ctrl-C wait there until what the log wrote is printed."""
        self.written: Callable[[], None] | None = None
        """Called under the lock once a write is in the log (``evaluate`` prints the decisions it held)."""

    def writable(self) -> None:
        """LogError (or OSError) unless this log can be continued: the file can be opened for
        appending (it is created if absent) and its chain is intact. Read before any decision is
        made, so a damaged log is refused before anything is printed or served."""
        self._read(os.O_RDWR | os.O_APPEND)
        self._warn_unsigned()

    def _warn_unsigned(self) -> None:
        """Say (once) that this writer, without a signing key, extends a signed log."""
        if self._warn is not None and self.signer is None and (said := unsigned_writer(self.path)):
            self._warn(said)
        self._warn = None

    def logged(self, decision: Decision, decision_json: str | None = None) -> bool:
        """Whether the log holds this decision, its JSON (``decision.to_json()``) byte for byte; LogChanged
        if the log is not as this writer left it."""
        if self._left is not None or self.path.exists():  # a log this writer read is there still, or refused
            self._read(os.O_RDONLY, create=False)
        return _digest(decision_json or decision.to_json()) in self._logged

    def input_hash(self, member: Record | dict[str, Any]) -> str:
        """The ``input_sha256`` a decision about the record ``member`` (validated, or a dict validated here)
        carries in this log: HMAC-SHA256 of the record under the log's key, else the sha256 of the record
        whole (``bsu_rules.audit.snapshot.json_hash``)."""
        if not isinstance(member, (Member, msgspec.Struct)):
            member = parse_record(member).record
        return json_hash(record_json(member), self.key)

    def record(self, decision: Decision, member: Record | dict[str, Any], ruleset: RuleSet,
               decision_json: str | None = None) -> bool:
        """Add one decision (made for ``member`` under ``ruleset``); True when the buffer was written.

        ``member`` is a record as given to ``decide`` (a Member, the view ``parse_record`` gives, or
        a dict, validated here). ``decision_json`` is ``decision.to_json()`` when the caller has
        made it already. TypeError for a decision or rule set of another type; InputError for a
        decision made under another rule set or for another record.
        """
        made_under(decision, ruleset, "DecisionLog.record")
        if not isinstance(member, (Member, msgspec.Struct)):
            member = parse_record(member).record
        data = record_json(member)
        if decision.member.input_sha256 != json_hash(data, self.key):
            raise InputError([("member", "the decision was made for another member record"
                               if decision.member.input_sha256 != record_hash(member) else
                               "a log that pseudonymises NIKs keeps decisions that carry the keyed hash of their "
                               "record, which no one without the key can check a guessed NIK against: decide with "
                               "input_sha256=log.input_hash(member)" if self.key is not None else
                               "a log of full NIKs keeps decisions that carry the sha256 of their whole record (a "
                               "decision made without a log carries that of the record as shown, which records "
                               "differing only in a NIK's hidden digits share): decide with "
                               "input_sha256=log.input_hash(member)")])
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
        self._pending.append((_digest(text), text, inputs.decode("utf-8")))
        if len(self._pending) >= self.batch:
            self.flush()
            return True
        return False

    def flush(self) -> int:
        """Write the buffered decisions not yet in the log, under the file lock; the number written.
        If they cannot be written (the log is damaged or not as this writer left it, the disk is full) they
        are dropped, not kept for a later write: whoever recorded them learns it from the error, and
        recording them again logs them then."""
        if not self._pending:
            return 0
        pending, self._pending = self._pending, []
        self._warn_unsigned()
        fd = self._open(os.O_RDWR | os.O_APPEND)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            with self.holding():
                return self._append(fd, pending)
        finally:
            os.close(fd)  # closing releases the lock

    def _append(self, fd: int, pending: list[tuple[bytes, str, str]]) -> int:
        """``flush`` with the lock held: the lines appended, checked against what the log holds."""
        left = self._sync(fd)
        seq, prev, new = left.seq, left.head, set()
        at = self.clock().astimezone(UTC).isoformat(timespec="microseconds")
        kid = "null" if self.key_id is None else f'"{self.key_id}"'
        lines = []
        for digest, decision, inputs in pending:
            if digest in self._logged or digest in new:
                continue
            new.add(digest)
            seq += 1
            body = (f'"inputs":{inputs},"prev":"{prev}","pseudonym_key":{kid},'
                    f'"recorded_at":"{at}","seq":{seq},"v":{VERSION}}}')
            prev = hashlib.sha256(f'{{"decision":{decision},{body}'.encode()).hexdigest()
            lines.append(f'{{"decision":{decision},"hash":"{prev}",{body}\n')
        if not lines:
            self.already += len(pending)
            return 0
        data = "".join(lines).encode("utf-8")
        try:
            while data:
                data = data[os.write(fd, data):]
            if self.fsync:
                os.fsync(fd)
        except OSError as exc:  # disk full, quota, I/O error: take back the part written
            os.ftruncate(fd, left.size)
            kept = "the log still ends at its last complete line" if left.size else "nothing was written to the log"
            raise LogError(f"{self.path}: could not append: {why_stopped(exc)}; {kept} and these decisions were "
                           "not printed") from None
        if self.signer is not None:
            try:
                self.signer(seq, prev, (left.seq, left.head))
            except (BsuRulesError, OSError) as exc:  # not signed: take the lines back
                os.ftruncate(fd, left.size)
                said = exc if isinstance(exc, BsuRulesError) else \
                    f"{checkpoints_path(self.path)}: could not append the checkpoint: {why_stopped(exc)}"
                raise LogError(f"{said}; the decisions of this write were taken back and not printed") from None
        self._logged |= new
        self.already += len(pending) - len(lines)
        self._left = _End(left.file, os.fstat(fd).st_size, seq, prev, lines[-1].encode("utf-8"))
        if self.written is not None:
            self.written()
        return len(lines)

    def discard(self) -> None:
        """Drop the buffered decisions unwritten; recording them again logs them."""
        self._pending = []

    def _open(self, flags: int, create: bool = True) -> int:
        """The log's file descriptor; created if absent (and ``create``) only while this writer has not read
        it: a log removed under a running writer is refused, never started afresh in its place."""
        if self._left is None:
            return os.open(self.path, flags | (os.O_CREAT if create else 0), 0o600)
        try:
            return os.open(self.path, flags)
        except FileNotFoundError:
            raise self._changed("the log is gone: it was removed or renamed") from None

    def _read(self, flags: int, create: bool = True) -> None:
        fd = self._open(flags, create)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)  # writers append under LOCK_EX: no line is read half-written
            self._sync(fd)
        finally:
            os.close(fd)  # and the lock with it

    def _sync(self, fd: int) -> _End:
        """Where the log ends, its decisions read into ``_logged`` (the caller holds a lock): the whole
        log the first time, then only the lines appended since this writer last looked. LogChanged if
        the file is not as this writer left it; LogError if its chain is broken, which leaves this
        writer where it was (the log is read from there again next time)."""
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise LogError(f"{self.path}: not a regular file: a decision log is a file decisions are appended to")
        before, file = self._left, (st.st_dev, st.st_ino)
        if before is None:
            left, self._logged = _End(file, 0, 0, GENESIS, b""), set()
        elif before.file != file:
            raise self._changed("the log was replaced", " (another file is at its path now)")
        elif st.st_size < before.size:
            raise self._changed("the log was cut back", f" (it holds {st.st_size:,} bytes; this writer left "
                                f"{before.size:,}, ending at seq {before.seq})")
        elif os.pread(fd, len(before.last), before.size - len(before.last)) != before.last:
            raise self._changed("the log was rewritten", f" (its line with seq {before.seq}, the last this "
                                "writer left, is not there as it was)")
        else:
            left = before
        if st.st_size == left.size:
            self._left = left
            return left
        verifier = Verifier()  # every line read is checked as `verify` checks it: the writer continues no log
        verifier.resume(left.seq, left.head, left.last)  # that `verify` would not call intact
        first, last = None, left.last  # line 1 while its key is not compared yet; the last line read
        read: set[bytes] = set()  # the digests this reading adds
        with os.fdopen(os.dup(fd), "rb") as f:  # a line at a time, none longer than a log line may be
            f.seek(left.size)
            lines = read_lines(f, left.seq + 1)
            for line in lines:
                verifier.add(line)
                if verifier.problem is not None:
                    break
                if left.seq == 0 and line.number == 1:
                    first = line.raw
                if first is not None and verifier.seq:  # line 1 is intact: the NIKs are kept as this writer keeps them
                    self._same_key(first)
                    first = None
                last = line.raw
                if (digest := _decision_digest(line)) is not None and digest not in self._logged:
                    read.add(digest)
                    self._logged.add(digest)
            problem = verifier.problem
            if problem is None:
                problem = verifier.result().problem  # the last line, judged with nothing after it
            if problem is None and first is not None:
                self._same_key(first)
            if problem is not None:
                self._logged -= read  # lines a repair may take away with the broken one
                for line in lines:  # the rest read only while it can change what is said (seqs skipped)
                    if verifier.done:
                        break
                    verifier.add(line)
                raise self._broken(fd, left.seq, verifier.result(self.path).problem or problem)
        self._left = _End(file, st.st_size, verifier.seq, verifier.head, last)
        return self._left

    def _changed(self, what: str, detail: str = "") -> LogChanged:
        """The log is not as this writer left it: said with what changed (never a line's content)."""
        return LogChanged(f"{self.path}: {what} while this writer ran{detail}; nothing more is appended to it: "
                          f"keep the file as it is and check it (`bsu-rules verify {shlex.quote(str(self.path))}`); "
                          "a writer started anew continues the log as it then stands")

    def _same_key(self, first: bytes) -> None:
        """LogError unless the log keeps NIKs as this writer would (one log, one way: full, or the
        pseudonyms of one key), read from its first line."""
        at = first.rfind(_KEY_AT)  # the envelope's: quotes inside the decision and inputs are escaped
        if at < 0:
            return
        given = first[at + len(_KEY_AT):].split(b",", 1)[0].decode("ascii", "replace")
        mine = "null" if self.key_id is None else f'"{self.key_id}"'
        if given != mine:
            def kept(kid: str) -> str:
                return "full NIKs" if kid == "null" else f"the NIK pseudonyms of key {kid.strip(chr(34))}"
            raise LogError(f"{self.path}: the log keeps {kept(given)}, and this run would add {kept(mine)}: a log "
                           "keeps NIKs one way; give the --key-file (or --full-nik) the log was started with, or "
                           "start a new log")

    def _broken(self, fd: int, after: int, problem: Problem) -> LogError:
        """The log's chain is broken after seq ``after``: ``problem`` (as ``bsu-rules verify`` says it)."""
        if after == 0 and _no_log(fd):  # a member file, printed decisions, a CSV or Parquet file
            return LogError(f"{self.path}: {problem}: the file is no decision log (decisions `evaluate` printed, or a "
                            "member file?); --log appends to a log, or starts one in a new file")
        return LogError(f"{self.path}: {problem}; the log was not continued (its chain is broken): "
                        f"`bsu-rules verify {shlex.quote(str(self.path))}` says more, and how to resume after a cut "
                        "last line")

    def close(self) -> None:
        self.flush()

    def __enter__(self) -> DecisionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_START = b'{"decision":'
_KEY_AT = b',"pseudonym_key":'


def _no_log(fd: int) -> bool:
    """Whether a file's first line is no log record at all: not a JSON object with any of a log record's
    ``seq``, ``prev`` and ``hash`` (a first line cut short by a writer killed while writing it is one)."""
    with os.fdopen(os.dup(fd), "rb") as f:
        f.seek(0)
        first = f.readline(1 << 20)
        if not first.endswith(b"\n") and not f.read(1):  # one line, not ended: perhaps a log's first, cut
            return False
    try:
        data = json.loads(first)
    except ValueError:
        return True
    return not isinstance(data, dict) or not {"seq", "prev", "hash"} & data.keys()


@dataclass(frozen=True)
class _End:
    """Where a writer left a log: the file (device, inode), its size, the last seq and hash, the last line."""

    file: tuple[int, int]
    size: int
    seq: int
    head: str
    last: bytes


def _decision_digest(line: Line) -> bytes | None:
    """The ``_digest`` of the decision a log line holds, read from its bytes (a canonical line holds
    ``{"decision":`` its JSON ``,"hash":"``...), or None if the line is no log record."""
    env = line.envelope
    kept = env.get("hash") if env is not None and line.error is None else None
    if not isinstance(kept, str) or len(kept) != 64 or not kept.isascii() or not line.raw.startswith(_START):
        return None
    cut = line.raw.find(f',"hash":"{kept}","inputs":'.encode())  # the decision cannot hold its own line's hash
    return hashlib.sha256(line.raw[len(_START):cut]).digest() if cut > 0 else None


def _digest(decision_json: str) -> bytes:
    """What tells a logged decision: the sha256 of its JSON (32 bytes: a log of millions keeps one a line)."""
    return hashlib.sha256(decision_json.encode("utf-8")).digest()
