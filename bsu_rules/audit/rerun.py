"""Replay: decide every logged decision again, under the archived rule set its hash names.

Never today's rule file: a rule set is found only in the archive, by the sha256 the decision
records, and loaded only if it still has that hash. The member is the logged inputs, or the full
record from a member snapshot with the same input hash (needed when the NIK is pseudonymised).
What a replay reports is ``replay_report``'s; how a replayed decision is compared with the logged
one, ``comparison``'s.
"""

from __future__ import annotations

import errno
import json
import operator
import os
import re
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from bsu_rules.audit.archive import ArchiveError, MissingBase, load_archived
from bsu_rules.audit.chain import Line, Problem, Verifier, read_log
from bsu_rules.audit.comparison import (
    FIRST_ENGINE,
    compare,
    known_engine,
    later_fields_dropped,
    later_fields_left,
    masked,
)
from bsu_rules.audit.replay_report import ReplayItem, ReplayReport, Status
from bsu_rules.audit.snapshot import (
    KEY_ENV,
    Members,
    kept_fields,
    key_id,
    logged_inputs,
    members_by_hash,
    pseudonym,
    warn_published,
)
from bsu_rules.decisions import Decision, mask_logged
from bsu_rules.errors import Code, InputError, OutOfForce
from bsu_rules.evaluators.scalar import ENGINE
from bsu_rules.members import Member, Record, parse_record
from bsu_rules.members.decode import MAX_RECORD
from bsu_rules.members.parse import record_json
from bsu_rules.members.redact import beside_hashes, clipped
from bsu_rules.ruleset.model import RuleSet


def replay(log: str | Path, archive: str | Path, members: Members | None = None, *,
           nik: str | None = None, key: str | bytes | None = None, seqs: Collection[int] | None = None,
           ignore_unknown: bool = False) -> ReplayReport:
    """Replay a whole log (or the decisions for one ``nik``, or some ``seqs``) against ``archive``."""
    warn_published(key)
    chain, notes = Verifier(), list[str]()
    items = list(_replayed(log, archive, members, nik, key, seqs, chain, notes, ignore_unknown))
    return ReplayReport(items, chain.result(log), notes)


def iter_replay(log: str | Path, archive: str | Path, members: Members | None = None, *,
                nik: str | None = None, key: str | bytes | None = None,
                seqs: Collection[int] | None = None, chain: Verifier | None = None,
                notes: list[str] | None = None, ignore_unknown: bool = False) -> Iterator[ReplayItem]:
    """Replay items one by one (for logs too large to hold every replayed decision).

    ``key``: the key a pseudonymised log was written with: it finds a ``nik``'s lines, and the snapshot's
    records by the keyed input hash such a log's decisions carry. ``chain``, if given, is handed every line
    as it is read: once the items are consumed, ``chain.result(log)`` is the log's verification, from the
    same single reading. ``notes``, if
    given, receives what the items do not say: snapshot records left out (unreadable or invalid;
    without ``notes`` one stops the replay) and, for a ``nik``, the lines another key pseudonymised.
    ``ignore_unknown``: the snapshot read as ``evaluate --ignore-unknown`` read it (the fields the contract does
    not know left out), for a log that command wrote.
    """
    warn_published(key)  # at the call, not when the first item is asked for
    return _replayed(log, archive, members, nik, key, seqs, chain, notes, ignore_unknown)


def _replayed(log: str | Path, archive: str | Path, members: Members | None, nik: str | None,
              key: str | bytes | None, seqs: Collection[int] | None, chain: Verifier | None,
              notes: list[str] | None, ignore_unknown: bool) -> Iterator[ReplayItem]:
    """``iter_replay``'s items, read as they are asked for."""
    if not Path(archive).is_dir():
        raise ArchiveError(f"{archive} is a file, not an archive folder" if Path(archive).exists() else
                           f"there is no archive folder {archive}")
    snapshot: dict[str, Member] = {}
    if members is not None:
        if not Path(log).exists():
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(log))  # as read_log says it
        if not Path(log).is_file():
            raise InputError([(str(log), "with a member snapshot the log is read twice (the inputs it needs, then "
                                         "its decisions): give it as a file, not a pipe")])
        wanted = {_get(ln.envelope, "decision", "member", "input_sha256") for ln in read_log(log)}
        snapshot = members_by_hash(members, {w for w in wanted if isinstance(w, str)}, notes, ignore_unknown, key)
    rulesets: dict[str, RuleSet | ArchiveError] = {}
    found, fingerprints = False, set()  # the keys the log's lines were pseudonymised with
    unmatched: Counter[object] = Counter()  # with a snapshot: the lines no record was found for, by their key
    chain = chain if chain is not None else Verifier()
    held: deque[ReplayItem] = deque()  # until the chain has judged their line and the one after
    recent: deque[tuple[Line, ReplayItem | None]] = deque(maxlen=3)  # a chain problem's suspect is among them
    seen = _Seqs()  # the seqs replayed identical so far
    keyed = key_id(key) if key is not None else None  # the fingerprint of the key given
    given = members is not None  # a snapshot given, whether or not it holds what a line needs

    def replayed(number: int) -> ReplayItem | None:
        """The replay of a line just read, replayed now if it was not asked for (``--seq``, ``--nik``)."""
        found = next(((ln, it) for ln, it in recent if ln.number == number), None)
        if found is None:
            return None
        return found[1] if found[1] is not None else \
            _replay_line(found[0], archive, snapshot, rulesets, keyed, given, key)

    for line in read_log(log):
        selected = _selected(line, nik, key, seqs)
        item = _replay_line(line, archive, snapshot, rulesets, keyed, given, key) if selected else None
        recent.append((line, item))
        chain.add(line, valid=item is not None and item.status is Status.IDENTICAL
                  and isinstance((item.logged or {}).get("engine"), str))
        held.extend([item] if item is not None else [])
        while held and (chain.problem is not None or held[0].line <= line.number - 2):
            yield _once(_in_chain(held.popleft(), chain.problem, replayed), seen)
        found = found or selected
        fingerprints.add((line.envelope or {}).get("pseudonym_key"))
        if members is not None and item is not None and item.status is Status.MISSING_INPUT:
            unmatched[(line.envelope or {}).get("pseudonym_key")] += 1
    problem = chain.result(log).problem if held else None
    while held:
        yield _once(_in_chain(held.popleft(), problem, replayed), seen)
    if notes is not None:
        notes.extend(_unmatched_keys(unmatched, key))
    if nik is not None and key is not None and not found and key_id(key) not in fingerprints:
        theirs = sorted(f for f in fingerprints if isinstance(f, str))
        if theirs:
            raise ValueError(f"the key given is not the one the log was written with: its fingerprint is "
                             f"{key_id(key)}, the log's {', '.join(theirs)}")
    if nik is not None and key is not None and notes is not None:
        others = sorted(f for f in fingerprints if isinstance(f, str) and f != key_id(key))
        if others:
            notes.append(f"some lines were pseudonymised with another key (fingerprint {', '.join(others)}): "
                         "the NIK cannot be found in them with this key; replay them with that key too")


def _unmatched_keys(unmatched: Counter[object], key: str | bytes | None) -> list[str]:
    """What a snapshot replay of pseudonymised lines that found no record says of the key: none was
    given, or another key wrote them (their input hashes are keyed: no record can match without it)."""
    given = key_id(key) if key is not None else None
    said = []
    for fingerprint, count in sorted(((f, c) for f, c in unmatched.items() if isinstance(f, str)), key=str):
        lines = f"{count} pseudonymised decision{'s' if count > 1 else ''} found no snapshot record"
        if given is None:
            said.append(f"{lines}: such a log's decisions carry the keyed hash of their record; give the key it "
                        f"was written with, fingerprint {fingerprint} (--key-file or ${KEY_ENV})")
        elif given != fingerprint:
            said.append(f"{lines}: they were written with the key of fingerprint {fingerprint}, and the key given "
                        f"is {given}; give the key they were written with")
    return said


def _in_chain(item: ReplayItem, problem: Problem | None,
              replayed: Callable[[int], ReplayItem | None]) -> ReplayItem:
    """``item``, or, if it replays identical but the chain check says its line is not part of the
    chain (a repeated or inserted line, or one that does not chain to the line before), the same as
    ``inserted``: never counted as one more identical decision. A line that does not chain to one
    the check suspects (``since``) stays identical when that line does not replay identical (it was
    changed, not this one), whether it was asked for or not."""
    if item.status is not Status.IDENTICAL or problem is None or problem.kind not in _UNCHAINED \
            or problem.line != item.line:
        return item
    suspect = replayed(problem.since) if problem.since is not None else None
    if suspect is not None and suspect.status is not Status.IDENTICAL:
        return item
    return replace(item, status=Status.INSERTED, reason="the decision replays identical, but the line is not part "
                   "of the chain (a repeated or inserted line, or one from another log: the chain check says which)")


_UNCHAINED = (Code.INSERTED, Code.REHASHED)
"""What the chain check finds of a line that keeps it out of the chain where it stands."""


def _once(item: ReplayItem, seen: _Seqs) -> ReplayItem:
    """``item``, or, if it replays identical but its seq already did on an earlier line (every later
    repeat, edited or not, wherever the chain check stopped), the same as ``inserted``."""
    if item.status is not Status.IDENTICAL or not isinstance(item.seq, int) or not seen.add(item.seq):
        return item
    return replace(item, status=Status.INSERTED, reason=f"the decision replays identical, but seq {item.seq} "
                   "already did on an earlier line: this line repeats it (edited or not), so it is not counted "
                   "as one more identical decision")


class _Seqs:
    """A set of seqs, one bit each (a seq below 1 or past ``BITS`` in a set): a log of millions of
    decisions takes a few hundred kilobytes."""

    BITS = 1 << 27

    def __init__(self) -> None:
        self.bits, self.rest = bytearray(), set[int]()

    def add(self, seq: int) -> bool:
        """Add ``seq``; whether it was there already."""
        if not 0 < seq <= self.BITS:
            had = seq in self.rest
            self.rest.add(seq)
            return had
        byte, bit = (seq - 1) >> 3, 1 << ((seq - 1) & 7)
        if byte >= len(self.bits):  # doubled at least: grown a few times in a whole log
            self.bits.extend(bytes(max(byte + 1 - len(self.bits), len(self.bits))))
        had = bool(self.bits[byte] & bit)
        self.bits[byte] |= bit
        return had


def _get(data: Any, *path: str) -> Any:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _selected(line: Line, nik: str | None, key: str | bytes | None, seqs: Collection[int] | None) -> bool:
    env = line.envelope or {}
    if seqs is not None and env.get("seq") not in seqs:
        return False
    if nik is None:
        return True
    if env.get("pseudonym_key") is not None:
        if key is None:
            raise ValueError("this log pseudonymises NIKs: give the key it was written with to find a NIK in it "
                             "(--key-file or $BSU_RULES_PSEUDONYM_KEY)")
        return bool(_get(env, "inputs", "nik") == pseudonym(nik, key))
    return bool(_get(env, "inputs", "nik") == nik)


def _needed(records: str, fingerprint: str, keyed: str | None, given: bool) -> str:
    """What replaying a pseudonymised line no snapshot record matched needs, and the options that give it:
    ``records``, "the record with input hash …" of one line, or "the records with their input hashes"."""
    key = f"the key the log was written with (--key-file KEY or ${KEY_ENV})"
    if not given:
        return f"the member snapshot holding {records} is needed (--members SNAPSHOT)" + \
            ("" if keyed == fingerprint else f", and {key}")
    if keyed != fingerprint:
        return f"{records} can be found in the snapshot only with {key}"
    return f"the snapshot given holds no {records.removeprefix('the ')}: give the one the decisions were made on"


def _replay_line(line: Line, archive: str | Path, snapshot: dict[str, Member],
                 rulesets: dict[str, RuleSet | ArchiveError], keyed: str | None = None,
                 given: bool = False, key: str | bytes | None = None) -> ReplayItem:
    """One line replayed; ``keyed``: the fingerprint of the key given (``key``), ``given``: whether a
    snapshot was."""
    env, n = line.envelope, line.number
    if env is None or line.error is not None:
        return ReplayItem(n, Status.ERROR, reason=line.error or "not a log record")
    old: dict[str, Any] = env["decision"]
    sha, on, digest = _get(old, "ruleset", "sha256"), old.get("on"), _get(old, "member", "input_sha256")
    head = dict(seq=env.get("seq"), nik=masked(_get(old, "member", "nik")), on=masked(on),
                engine=masked(old.get("engine")), old_outcome=masked(old.get("outcome")), logged=old)
    if not (isinstance(sha, str) and isinstance(on, str) and isinstance(digest, str)):
        return ReplayItem(n, Status.ERROR, reason="the decision names no rule set, date or input hash", **head)
    head["ruleset"] = beside_hashes(mask_logged, sha, [sha])  # a sha256 as logged: the archive folder's name
    if sha not in rulesets:
        try:
            rulesets[sha] = load_archived(archive, sha, logged=True)
        except ArchiveError as exc:
            rulesets[sha] = exc
    ruleset = rulesets[sha]
    if isinstance(ruleset, ArchiveError):
        said = "; ".join(str(ruleset).splitlines())  # names the logged hash, which an edit may fill, and the archive's
        why = beside_hashes(mask_logged, said, [sha, *re.findall(r"[0-9a-f]{64}", said)])
        logged = _get(old, "ruleset", "what_if")  # what the decision says of itself, when its entry cannot
        return ReplayItem(n, Status.MISSING_RULESET, reason=why, **head,
                          overrides=ruleset.what_if if isinstance(ruleset, MissingBase) else
                          masked(logged) if isinstance(logged, str) else "")
    member: Record | None = snapshot.get(digest)
    source = "snapshot"
    if member is None:
        if env.get("pseudonym_key") is not None:
            fingerprint = _fingerprint(env["pseudonym_key"])
            hashed = beside_hashes(mask_logged, digest, [digest])
            return ReplayItem(n, Status.MISSING_INPUT, reason=f"the NIK is pseudonymised (key {fingerprint}): "
                              + _needed(f"the record with input hash {hashed}", fingerprint, keyed, given),
                              common=f"the NIKs are pseudonymised (key {fingerprint}): "
                              + _needed("the records with their input hashes", fingerprint, keyed, given),
                              rules=ruleset, **head)
        if len(line.raw) > MAX_RECORD and _size(env["inputs"]) > MAX_RECORD:  # told before it is walked
            return ReplayItem(n, Status.ERROR, reason=f"the logged inputs are larger than a member record may be "
                              f"({MAX_RECORD:,} bytes): no decision was made on them", **head)
        try:
            member, source = parse_record(env["inputs"]).record, "log"
        except InputError as exc:
            return ReplayItem(n, Status.ERROR, reason=f"the logged inputs, which the decision was made on, do not "
                              f"validate under the contract of this engine (one that refuses what an earlier one "
                              f"took, such as a regency code that names no place, or a line edited): {exc}", **head)
    if source == "snapshot" and (forged := _not_the_record(env, member, keyed, key, ruleset,
                                                           len(line.raw) > MAX_RECORD)) is not None:
        return ReplayItem(n, Status.ERROR, reason=forged, **head)
    try:
        new = ruleset.plan(date.fromisoformat(on)).decide(member, input_sha256=digest, hints=_hinted(old))
    except (OutOfForce, ValueError) as exc:  # a logged date that is none: said as the log holds it, masked
        return ReplayItem(n, Status.ERROR, reason=masked(str(exc)), **head)
    criteria, fields = compare(old, new, line.plain)
    engine = old.get("engine")
    if not known_engine(engine, ENGINE):  # no engine made it: nothing drifted, and it is never identical
        fields = {"engine": (clipped(shown) if isinstance(shown := masked(engine), str) else shown, ENGINE), **fields}
    dropped = later_fields_dropped(old, new, ENGINE) if criteria or fields else []  # no engine's drift: an edit
    status = Status.IDENTICAL if not criteria and not fields else \
        Status.ENGINE_DRIFT if engine != ENGINE and known_engine(engine, ENGINE) and not dropped else Status.DIFFERENT
    reason = _unchecked(status, engine, old, new, dropped)
    if given and source == "log":  # the input hash replayed is the logged one: nothing vouches for the inputs
        status = Status.UNVOUCHED if status is Status.IDENTICAL else status
        reason = reason + ("; " if reason else "") + (f"no record of the snapshot has the decision's input sha256 "
                  f"{beside_hashes(mask_logged, digest, [digest])}: decided again from the logged inputs, with the "
                  "logged input sha256, which only a snapshot record can vouch for (the log does not hold the whole "
                  "record, and a line edited and its chain rebuilt replays identical from what it says)")
    return ReplayItem(n, status, source=source, reason=reason, new_outcome=new.outcome.value, criteria=criteria,
                      fields=fields, replayed=new, rules=ruleset, **head)


def _unchecked(status: Status, engine: object, old: dict[str, Any], new: Decision, dropped: list[str]) -> str:
    """What a replay could not check of a line: whose the difference is under another engine (it or an edit), the
    engine a line names that none is, the fields a line of the first engine is not compared on; or why a line of an
    engine that wrote the later fields it lacks (``dropped``) is no drift; "" for none."""
    if dropped:
        return (f"the line names engine {engine}, which wrote {' and '.join(dropped)} (every release after "
                f"{FIRST_ENGINE} did): a line of it without {'them' if len(dropped) > 1 else 'it'} was edited (its "
                "chain rebuilt), whatever else differs")
    if status is Status.ENGINE_DRIFT:
        return ("the line names an earlier engine than this one: the difference may be what changed between the two "
                "(CHANGELOG.md says) or an edit of the line, its engine named anew and its chain rebuilt, which replay "
                "cannot tell apart; the log's signatures (`verify --public-key`) or an anchor (`verify --anchor`) can")
    if not known_engine(engine, ENGINE):
        return ("the line names an engine of which this bsu-rules knows no release (`engine`, below): none made this "
                "decision as logged, unless a later release did (replay the log with it), so the line was edited (its "
                "chain rebuilt) and is compared as under this engine")
    if status is Status.IDENTICAL and (left := later_fields_left(old, new)):
        return (f"the line names engine {FIRST_ENGINE}, which did not always write {' or '.join(left)}: not compared "
                f"(a line of a later engine, edited to name {FIRST_ENGINE} and without "
                f"{'them' if len(left) > 1 else 'it'}, replays the same; the log's signatures or an anchor tell)")
    return ""


def _not_the_record(env: dict[str, Any], member: Record, keyed: str | None, key: str | bytes | None,
                    ruleset: RuleSet, big: bool = False) -> str | None:
    """Why a line cannot be about the snapshot record its input hash names (None if it can): it names
    another NIK (or pseudonym), or another key than the one its keyed hash was made with, or (a log of full NIKs)
    its inputs are not what the log keeps of that record (``big``: the line is larger than a record may be); only
    a line edited and its chain rebuilt says so."""
    claimed = env.get("pseudonym_key")
    if claimed is not None and keyed is not None and claimed != keyed:
        return (f"the line says its NIK was pseudonymised with key {_fingerprint(claimed)}, but its input hash is "
                f"keyed with the key given ({keyed}): the line was edited and its chain rebuilt")
    if claimed is None:
        kept = _NIK(member)
    elif key is None:  # a line from before hashes were keyed: its pseudonym needs the key
        return None
    else:
        kept = pseudonym(_NIK(member), key)
    if _get(env, "inputs", "nik") != kept:
        return ("the logged inputs name another NIK than the snapshot's record with the decision's input hash: "
                "the line was edited and its chain rebuilt")
    if claimed is None and not _kept_of(env["inputs"], member, ruleset, big):
        return ("the logged inputs are not what the log keeps of the snapshot's record with the decision's input hash "
                "(a value differs, or is added or left out): the line was edited and its chain rebuilt")
    return None


def _kept_of(inputs: Any, member: Record, ruleset: RuleSet, big: bool) -> bool:
    """Whether a log's inputs are what it keeps of ``member`` (``snapshot.logged_inputs``: the fields the rule set
    reads, identifiers masked): both masked as this engine masks them, so a line an earlier engine logged, which
    masked less, is still found to be of its record; ``big``: they are measured before they are read."""
    if not isinstance(inputs, dict) or (big and _size(inputs) > MAX_RECORD):
        return False
    fields = _KEPT.get(ruleset.sha256)
    if fields is None:
        fields = _KEPT[ruleset.sha256] = kept_fields(ruleset)
    try:
        return logged_inputs(inputs, fields, None) == logged_inputs(orjson.loads(record_json(member)), fields, None)
    except (AttributeError, KeyError, TypeError):  # an edited line's inputs, not of a record's shape
        return False


_KEPT: dict[str, list[tuple[str, ...]]] = {}
"""The member fields a log keeps under each rule set replayed (``snapshot.kept_fields``), by its sha256."""


_NIK = operator.attrgetter("nik")


def _hinted(logged: dict[str, Any]) -> bool:
    """Whether the logged decision was made with hints: some criterion carries one. (A decision
    whose failures have no hint has the same JSON either way.)"""
    rules = logged.get("rules")
    return isinstance(rules, list) and any(isinstance(r, dict) and r.get("hint") is not None for r in rules)


def _size(data: Any) -> int:
    """The length of ``data`` as JSON."""
    try:
        return len(orjson.dumps(data))
    except (orjson.JSONEncodeError, TypeError):  # an integer past 64 bits
        return len(json.dumps(data))


def _fingerprint(value: Any) -> str:
    """A logged key fingerprint as said: whole when it is one (16 hexadecimal digits, a letter among them:
    the auditor fetches the key by it), else masked as any logged text."""
    text = str(value)
    return text if _FINGERPRINT.fullmatch(text) and not text.isdigit() else str(masked(text))


_FINGERPRINT = re.compile(r"[0-9a-f]{16}")
