"""What a decision log keeps of a member record, NIK pseudonyms, and member snapshots.

A log line keeps only the member fields the rule set reads (so a replay needs nothing else);
a member snapshot is the full records, matched to logged decisions by their input hash.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import msgspec

from bsu_rules.audit.keys import FEW_BYTE_VALUES as FEW_BYTE_VALUES
from bsu_rules.audit.keys import KEY_ENV as KEY_ENV
from bsu_rules.audit.keys import PUBLISHED_KEYS as PUBLISHED_KEYS
from bsu_rules.audit.keys import SHORT_KEY as SHORT_KEY
from bsu_rules.audit.keys import key_bytes as key_bytes
from bsu_rules.audit.keys import key_id as key_id
from bsu_rules.audit.keys import new_key as new_key
from bsu_rules.audit.keys import pseudonym as pseudonym
from bsu_rules.audit.keys import published_key as published_key
from bsu_rules.audit.keys import published_words as published_words
from bsu_rules.audit.keys import warn_published as warn_published
from bsu_rules.audit.keys import weak_key as weak_key
from bsu_rules.decisions import mask_kpj, mask_nik, mask_typed
from bsu_rules.errors import InputError
from bsu_rules.members import Member, Record, parse_record
from bsu_rules.members.decode import BadRecord, decode_json
from bsu_rules.members.files import read_placed
from bsu_rules.members.parse import known_fields, parse_read, read_known, record_hash, record_json
from bsu_rules.ruleset.checker import PLACEHOLDER
from bsu_rules.ruleset.model import RuleSet

ALWAYS_KEPT = ("nik", "citizenship", "participant_category")
"""Required contract fields: kept in every log line even when no rule reads them."""


Members = str | Path | Iterable[str | Path] | Iterable[Member | dict[str, Any]] | Mapping[str, Member]


def kept_fields(ruleset: RuleSet) -> list[tuple[str, ...]]:
    """Member paths (without ``member.``) read by any fact, rule, channel or explanation."""
    reads: list[str] = []
    trees = [*ruleset.facts.values(), *(c.tree for c in ruleset.rules)]
    trees += [ruleset.channel] if ruleset.channel is not None else []
    for tree in trees:
        reads += ruleset.member_reads(tree)
    for checked in ruleset.rules:
        text = checked.rule.explain
        for match in PLACEHOLDER.finditer(f"{text.id} {text.en}" if text else ""):
            name = match.group(1)
            if name.startswith("member."):
                reads.append(name)
            elif name.startswith("fact.") and name[5:] in ruleset.facts:
                reads += ruleset.member_reads(ruleset.facts[name[5:]])
    paths = {tuple(r.split(".")[1:]) for r in reads} | {(f,) for f in ALWAYS_KEPT}
    return sorted(p for p in paths if not any(p[:i] in paths for i in range(1, len(p))))


def project(record: dict[str, Any], paths: Iterable[tuple[str, ...]]) -> dict[str, Any]:
    """The parts of a (JSON-dumped) record that ``paths`` name; a list or scalar is kept whole."""
    out: dict[str, Any] = {}
    for path in paths:
        src, dst = record, out
        for i, part in enumerate(path):
            if part not in src:
                break
            value = src[part]
            if i == len(path) - 1 or not isinstance(value, dict):
                dst[part] = value
                break
            src, dst = value, dst.setdefault(part, {})
    return out


def input_hash(record: Record | dict[str, Any], key: str | bytes | None = None) -> str:
    """The ``input_sha256`` of a decision about ``record``: without a key, the sha256 of the record as its
    decision shows it (``record_hash``: identifiers masked); for a decision logged with a pseudonymisation
    ``key``, HMAC-SHA256(key, its JSON whole, ``record_json``), which nobody without the key can check a
    guessed NIK against either. A record given as a dict is validated first (InputError if it is not a
    valid record)."""
    if not isinstance(record, (Member, msgspec.Struct)):
        record = parse_record(record).record
    return record_hash(record) if key is None else json_hash(record_json(record), key)


def json_hash(data: bytes, key: str | bytes | None) -> str:
    """The hash of a record already written as its JSON (``record_json``) that a log's decisions carry:
    HMAC-SHA256 under the log's ``key``, or (a log of full NIKs, which holds them anyway) its sha256."""
    if key is None:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key_bytes(key), data, hashlib.sha256).hexdigest()


def logged_inputs(record: dict[str, Any], paths: Iterable[tuple[str, ...]], key: str | bytes | None) -> dict[str, Any]:
    """What a log line keeps of a (JSON-dumped, validated) record: the read fields, a kept bank
    account number, KPJ and any identifier typed in a text masked as a decision masks them (which keeps
    what rules can ask of them: whether they are empty, an account number's length, so a replay from the
    line decides the same). With a key, the NIK's
    pseudonym alone: such a decision is replayed from a member snapshot, never from the line, and
    the other fields with the decision's input hash would confirm a guessed NIK (the masked NIK and
    the birth date leave two digits and the sex to guess)."""
    if key is not None:
        return {"nik": pseudonym(record["nik"], key)}
    inputs = project(record, paths)
    number = None
    account = inputs.get("bank_account")
    if isinstance(account, dict) and isinstance(account.get("number"), str) and account["number"]:
        number = mask_nik(account["number"])
    whole = record.get("bank_account")
    own = whole.get("number") if isinstance(whole, dict) else None  # the KPJ may be it, copied there
    inputs = {k: v if k == "nik" else mask_kpj(v, own if isinstance(own, str) else None) if k == "kpj" and
              isinstance(v, str) else _typed_masked(v) for k, v in inputs.items()}
    if number is not None:
        inputs["bank_account"]["number"] = number
    return inputs


def _typed_masked(value: Any) -> Any:
    """``value`` with every text in it as a decision shows typed text (``mask_typed``): an account number or
    a NIK written in a bank's or a person's name is never kept whole."""
    if isinstance(value, str):
        return mask_typed(value)
    if isinstance(value, dict):
        return {k: _typed_masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed_masked(v) for v in value]
    return value


def load_members(members: Members, wanted: set[str] | None = None, skipped: list[str] | None = None,
                 ignore_unknown: bool = False, key: str | bytes | None = None) -> dict[str, Member]:
    """Full member records by the input hash a logged decision carries (only the ``wanted`` hashes, when
    given): the sha256 of their JSON whole (``json_hash``, a log of full NIKs), and with a pseudonymisation
    ``key`` the keyed hash too.

    ``members`` is a JSON/JSONL file or several (read as ``bsu-rules evaluate`` reads its input:
    InputError for a Parquet or CSV file; TypeError for a path as bytes), records (dicts or
    Members), or a ready mapping. A record that cannot be read or is not valid is left out and said
    in ``skipped`` (``file:line: problem``), never a reason to stop: a decision that needs it finds
    no member. ``ignore_unknown``: the fields the contract does not know are left out, as
    ``evaluate --ignore-unknown`` leaves them out.
    """
    warn_published(key)
    return members_by_hash(members, wanted, skipped, ignore_unknown, key)


def members_by_hash(members: Members, wanted: set[str] | None, skipped: list[str] | None, ignore_unknown: bool,
                    key: str | bytes | None) -> dict[str, Member]:
    """``load_members`` without its warning of a published key: for a caller that warned of it already."""
    if isinstance(members, Mapping):
        return dict(members)
    items: Iterable[Any] = [members] if isinstance(members, (str, Path, *_BYTES)) else members
    out: dict[str, Member] = {}
    for item in items:
        if isinstance(item, _BYTES):  # iterated, its bytes would be read as records: numbers
            raise TypeError(f"members takes a file's path as a str or a Path, not {type(item).__name__}: "
                            "convert it (os.fsdecode(path))")
        placed = _records(item, ignore_unknown) if isinstance(item, (str, Path)) else [("(record)", item)]
        for where, record in placed:
            try:
                if isinstance(record, BadRecord):
                    raise record.error()
                parsed = parse_read(record, ignore_unknown)
            except InputError as exc:
                if skipped is None:
                    raise
                skipped.append(f"{where}: {exc}")
                continue
            data = record_json(parsed.record)
            digests = [json_hash(data, None)] + ([json_hash(data, key)] if key is not None else [])
            for digest in digests:
                if wanted is None or digest in wanted:
                    out[digest] = parsed.member
    return out


_BYTES = (bytes, bytearray, memoryview)


def _records(path: str | Path, ignore_unknown: bool = False) -> Iterable[tuple[str, Any]]:
    """(where, record or the BadRecord saying why it cannot be read) for each record of a file."""
    for _, place, record in read_placed([str(path)], read_known if ignore_unknown else decode_json,
                                       keep=known_fields if ignore_unknown else None):
        where = f"{place.file}:{place.number}" if place.kind == "line" else f"{place.file}: record {place.number}"
        yield where, record


