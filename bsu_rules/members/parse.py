"""Validating a record: the mirror when it takes the record, the model otherwise (naming every
problem in the contract's words), and the sha256 of the record's canonical JSON as its decision shows it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

import msgspec
from pydantic import ValidationError

from bsu_rules.errors import InputError, ParameterError
from bsu_rules.members import model
from bsu_rules.members.contract import (
    MISSING,
    NULL,
    UNKNOWN,
    Group,
    Leaf,
    contract,
    hinted,
    json_kind,
    kind_at,
    leaf_at,
    of_kind,
    path_order,
    secret_problem,
    wrong_kind,
)
from bsu_rules.members.decode import LONE_SURROGATE, TOO_DEEP, decode_json, lone_surrogate, too_deep
from bsu_rules.members.mirror import MemberMirror, Record, as_member, checker, encode
from bsu_rules.members.model import DAY, SECRET, Member
from bsu_rules.members.redact import (
    clipped,
    few_digits,
    hide_identifiers,
    key_path,
    mask_kpj,
    mask_nik,
    mask_typed,
    shown,
)
from bsu_rules.ruleset.spelling import not_a_date


class Parsed(NamedTuple):
    """A validated record (a view when the fast path took it) and its input hash (``record_hash``), when
    the fast path computed it."""

    record: Record
    input_sha256: str | None

    @property
    def member(self) -> Member:
        return as_member(self.record)


def _fast(record: Any, hashed: bool = True) -> Parsed | None:
    """The record through the mirror, or None: the model must decide (and name what is wrong)."""
    if type(record) is not dict:
        return None
    for name in _LISTS:  # the mirror would take a tuple or a set as a list (a loop: no generator per record)
        if type(record.get(name)) not in _LIST_OR_NULL:
            return None
    try:
        struct = msgspec.convert(record, MemberMirror)
        encoded = encode(struct)
    except UnicodeEncodeError:  # in a value or a key, met while converting or encoding
        raise InputError([(lone_surrogate(record) or "(record)", LONE_SURROGATE)]) from None
    except (msgspec.ValidationError, TypeError):  # TypeError: a str subclass (numpy.str_) it cannot encode
        return None
    return _hashed(struct, encoded if hashed else None)


def _hashed(struct: Any, encoded: bytes | None) -> Parsed | None:
    """The view, and its ``record_hash`` (when ``encoded``), once its texts fit their patterns, no two of its dates
    contradict each other and each history's periods are months given once each (``mirror.checker``: the mirror
    leaves these to one pass); None: the model decides."""
    if not _check(struct):
        return None  # the model says what is wrong, or what contradicts what
    return _tuple(Parsed, (struct, None if encoded is None else _sha256(_shown_encoded(struct, encoded)).hexdigest()))


def _first_check(view: Any) -> bool:
    """``mirror.checker``'s function, generated on the first record checked (then called at once)."""
    global _check
    _check = checker()
    return _check(view)


_check: Callable[[Any], bool] = _first_check
_sha256 = hashlib.sha256
_tuple = tuple.__new__


_LISTS = tuple(name for name, spec in contract().items() if isinstance(spec, Group) and spec.many)
_LIST_OR_NULL = (list, type(None))

_DECODE = msgspec.json.Decoder(MemberMirror).decode


def parse_line(line: bytes) -> Parsed | None:
    """A JSON record (a JSONL line) decoded straight into the contract's mirror, in one parse; None
    when it is not a plain valid record: ``decode_json`` and ``parse_record`` then say what is wrong.

    The mirror takes only what they take, with the same values: invalid UTF-8, lone surrogates,
    ``NaN``, floats and out-of-range integers fail to decode; a line that may repeat a key, and a
    repeated period, are left to them.
    """
    try:
        struct = _DECODE(line)
    except msgspec.DecodeError:  # also a ValidationError
        return None
    encoded = encode(struct)
    if not _each_key_once(line, encoded):
        return None  # the decoder keeps the last of two values for one key: ``decode_json`` refuses them
    return _hashed(struct, encoded)


def _each_key_once(line: bytes, encoded: bytes) -> bool:
    """Whether a record gives each key once (but perhaps null and then a value), by its colons
    less its ``:null`` and ``: null``: its encoding, which leaves nulls out and holds the same
    strings, has as many unless a key is repeated. A backslash (a ``\\u003a`` hides a colon)
    leaves the line to ``decode_json`` too."""
    if line.find(b"\\") >= 0:
        return False
    colons = line.count(b":")
    if colons == encoded.count(b'":'):  # a colon for each key of the encoding (its ``":``, unescaped strings
        return True  # holding no quote) and none more: no key repeated, none null, no colon in a text
    more = colons - encoded.count(b":")  # the record's nulls, and any key repeated
    if more == 0:
        return True
    if encoded.find(b"null") >= 0:  # in a string, which the record holds too
        more += encoded.count(b":null") + encoded.count(b": null")
    return more == line.count(b":null") + line.count(b": null")


def parse_record(record: Any, *, hashed: bool = True) -> Parsed:
    """``parse_member``, with the sha256 of the record's canonical JSON when it comes free (and
    ``hashed``: otherwise whoever needs it computes it, ``record_hash``)."""
    return _fast(record, hashed) or Parsed(_validate(record), None)


def validated(record: Any) -> Record:
    """``parse_record(record, hashed=False).record``: a view when the fast path takes it, else the model."""
    parsed = _fast(record, False)
    return _validate(record) if parsed is None else parsed[0]


def parse_read(record: Any, ignore_unknown: bool = False) -> Parsed:
    """A record as ``read_placed`` gave it (already Parsed where the fast reader settled it) parsed:
    ``parse_record``, or with ``ignore_unknown`` the fields the contract does not know left out."""
    if isinstance(record, Parsed):
        return record
    return Parsed(parse_member(record, ignore_unknown=True), None) if ignore_unknown else parse_record(record)


def record_json(record: Record) -> bytes:
    """A validated record as its compact JSON, identifiers whole (contract field order, nulls left out),
    from the model or from the contract's mirror alike: what a log's hash of it is taken of."""
    if isinstance(record, Member):
        return record.model_dump_json(exclude_none=True).encode("utf-8")
    return encode(record)


def record_hash(record: Record) -> str:
    """The input hash of a validated record, as a decision made without a key carries it: the sha256 of
    ``shown_json``."""
    return _sha256(shown_json(record)).hexdigest()


def shown_json(record: Record) -> bytes:
    """A validated record's compact JSON (contract field order, nulls left out) as its decision shows it:
    the NIK, the bank account number and a KPJ that is not one (``mask_kpj``) masked as a decision masks them,
    and a NIK or account number typed into a name (a person's, an employer's, a bank's, an account
    holder's: the record's only free text) too. A decision shows every value its rules read, so a hash
    of those identifiers whole would confirm a guess of their hidden digits (of a NIK, with the birth
    date shown, some 200 guesses); of the record as shown it confirms nothing more than is shown."""
    if isinstance(record, msgspec.Struct):
        return encode(_shown_struct(record))
    return msgspec.json.encode(shown_record(msgspec.json.decode(record.model_dump_json(exclude_none=True))))


def shown_record(data: dict[str, Any]) -> dict[str, Any]:
    """A valid record's JSON data as a decision shows it (``shown_json``), in a new dict: the NIK, the
    bank account number and a KPJ that is not one masked, a NIK or account number typed into a name too."""
    data = dict(data)
    if isinstance(data.get("nik"), str):
        data["nik"] = mask_nik(data["nik"])
    if isinstance(data.get("kpj"), str):
        account = data.get("bank_account")
        number = account.get("number") if isinstance(account, dict) else None
        data["kpj"] = mask_kpj(data["kpj"], number if isinstance(number, str) else None)
    if isinstance(data.get("name"), str):
        data["name"] = mask_typed(data["name"])
    for group, texts in _TEXTS.items():
        if isinstance(data.get(group), dict):
            data[group] = {k: mask_nik(v) if k == "number" and v else mask_typed(v) if k in texts and v else v
                           for k, v in data[group].items()}
    return data


def _shown_encoded(struct: Any, encoded: bytes) -> bytes:
    """``shown_json`` of a view from its compact JSON, ``encoded``: for most records (a KPJ of 11 digits, names
    without ten digits between them, an account number of digits only) its NIK and account number masked in
    place (no string holds an unescaped quote, so ``"number":"…"`` is the account's alone); else as
    ``shown_json`` masks it."""
    kpj, employer, account = struct.kpj, struct.employer, struct.bank_account
    if kpj is not None and mask_kpj(kpj, None if account is None else account.number) != kpj:
        return encode(_shown_struct(struct))
    number = None
    if employer is None:
        if account is None:
            free = f"{struct.name}"
        else:
            free = f"{struct.name} {account.bank} {account.holder_name}"  # a None is written "None": no digit
            number = account.number
    elif account is None:
        free = f"{struct.name} {employer.npp} {employer.name}"
    else:
        free = f"{struct.name} {employer.npp} {employer.name} {account.bank} {account.holder_name}"
        number = account.number
    if not few_digits(free) or not encoded.startswith(b'{"nik":"'):
        return encode(_shown_struct(struct))
    if not number:
        return b"".join((encoded[:12], b"********", encoded[20:]))  # a NIK is 16 ASCII digits: ``mask_nik``'s own cut
    if not (number.isascii() and number.isdigit()):
        return encode(_shown_struct(struct))  # grouped, or masked already: written with escapes perhaps
    at = encoded.rfind(b'"number":"' + number.encode("ascii") + b'"') + 10  # past the NIK: where it is once masked
    if at < 20:  # not found (a NIK of 16 digits comes first)
        return encode(_shown_struct(struct))
    return b"".join((encoded[:12], b"********", encoded[20:at], mask_nik(number).encode("ascii"),
                     encoded[at + len(number):]))


def _shown_struct(struct: Any) -> Any:
    """``shown_json``'s masking of a record in the contract's mirror, the fields it changes replaced: most records'
    free texts (names) hold too few digits between them to change, seen at once, and only the identifiers do."""
    changed: dict[str, Any] = {"nik": mask_nik(struct.nik)}
    employer, account = struct.employer, struct.bank_account
    if struct.kpj is not None and (kpj := mask_kpj(struct.kpj, None if account is None else account.number)) \
            != struct.kpj:
        changed["kpj"] = kpj
    free = [struct.name]
    if employer is not None:
        free += (employer.npp, employer.name)
    if account is not None:
        free += (account.bank, account.holder_name)
    if few_digits(" ".join(filter(None, free))):
        if account is not None and account.number:
            changed["bank_account"] = _replace(account, number=mask_nik(account.number))
        return _replace(struct, **changed)
    if (name := _typed(struct.name)) is not None:
        changed["name"] = name
    for group, texts in _TEXTS.items():
        value = getattr(struct, group)
        if value is None:
            continue
        fields = {}
        for k in texts:
            if (masked := _typed(getattr(value, k))) is not None:
                fields[k] = masked
        if group == "bank_account" and value.number:
            fields["number"] = mask_nik(value.number)
        if fields:
            changed[group] = _replace(value, **fields)
    return _replace(struct, **changed)


def _typed(text: str | None) -> str | None:
    """``text`` masked (``mask_typed``) when that changes it, else None (most names: fewer than ten digits)."""
    if text is None or len(text) < 10:
        return None
    masked = mask_typed(text)
    return None if masked == text else masked


_TEXTS = {"employer": ("npp", "name"), "bank_account": ("bank", "holder_name")}
"""The record's groups and their free-text fields (a bank account's number is masked as a number)."""
_replace = msgspec.structs.replace


def parse_member(record: Any, *, ignore_unknown: bool = False) -> Member:
    """Validate one record (a dict or Member); raise InputError naming every bad field path. With
    ``ignore_unknown`` the fields the contract does not know are left out first, unread (but a record nested
    too deeply is refused, as every reader refuses it)."""
    if ignore_unknown:
        if (at := too_deep(record)) is not None:
            raise InputError([(at, TOO_DEEP)])
        record = _known(record, contract())
    fast = _fast(record)
    return fast.member if fast is not None else _validate(record, ignore_unknown)


model.validate = parse_member  # how a Member's model_copy(update=...) validates the new record


def _validate(record: Any, ignore_unknown: bool = False) -> Member:
    """The model's validation, and its problems in the contract's words."""
    if isinstance(record, Member):
        return record
    if isinstance(record, Mapping) and not isinstance(record, dict):
        record = dict(record)  # a read-only mapping (``MappingProxyType``), taken as its fields are, nested or not
    if not isinstance(record, dict):
        raise InputError([("(record)", wrong_kind("(record)", record, "an object"))])
    try:
        return Member.model_validate(record)
    except ValidationError as exc:
        errors = exc.errors()
    # read outside the handler: nothing raised from here on carries pydantic's error, whose text
    # quotes the record's values (a NIK, an account number) into any traceback that is logged
    if (at := too_deep(record)) is not None:  # before anything walks it
        raise InputError([(at, TOO_DEEP)])
    if (at := lone_surrogate(record)) is not None:  # a message or a page quoting it could not be written
        raise InputError([(at, LONE_SURROGATE)])
    problems: dict[tuple[str, str], None] = {}  # each once, in the order found
    beyond = 0  # found after the first ``_WORDED``: counted, not worded
    for e in errors:
        if ignore_unknown and e["type"] == "extra_forbidden":
            continue
        if len(problems) >= _WORDED:
            beyond += 1
            continue
        loc = tuple(e["loc"])[:-1] if e["type"] == "invalid_key" else tuple(e["loc"])  # the object's path
        path = e["ctx"]["path"] if e["type"] in _CUSTOM else _path(loc)
        problems[path, _message(e, path)] = None
    if not problems:
        return _validate(_known(record, contract()))
    raise InputError(hinted(sorted(problems, key=lambda p: path_order(p[0]))), beyond)


_WORDED = 20 * InputError.MAX_PROBLEMS
"""Problems of one record worded and ordered before the rest are only counted: a message shows the first
``MAX_PROBLEMS`` in the contract's order, which the model's order of validation follows (a record of
500 000 bad wage entries is told in the seconds the model takes to find them, not half a minute more)."""


def read_known(line: bytes) -> Any:
    """A JSONL record with the fields the contract does not know left out before anything in them is judged
    (a number too long in one rejects nothing), as batch leaves them out (``--ignore-unknown``)."""
    return parse_line(line) or decode_json(line, keep=known_fields)


def known_fields(record: Any) -> Any:
    """A record with the fields the contract does not know left out, at every level (``_known``)."""
    return _known(record, contract())


def _known(value: Any, fields: dict[str, Leaf | Group]) -> Any:
    """An object with the keys the contract does not know left out, at every level (``employer.x``,
    ``wages[0].currency``), as ``batch --ignore-unknown`` leaves them out; other values as given."""
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        spec = fields.get(key)
        if not isinstance(key, str):  # a key no JSON has: kept, for the model to name
            out[key] = item
        elif isinstance(spec, Group):
            many = spec.many and isinstance(item, list)
            out[key] = [_known(x, spec.fields) for x in item] if many else _known(item, spec.fields)
        elif spec is not None:
            out[key] = item
    return out


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out = f"{out}[{part}]" if isinstance(part, int) else key_path(out, part)
    return out or "(record)"


_CUSTOM = ("duplicate_period", "contradiction")
"""The model's own problems, each with its path and message."""


def _message(err: Any, path: str) -> str:
    """A problem pydantic found, in the words the batch checks use for it."""
    if err["type"] == "extra_forbidden":
        return UNKNOWN
    if err["type"] == "missing":
        return MISSING
    if err["type"] in _CUSTOM:
        return str(err["ctx"]["message"])
    if err["type"] == "invalid_key":
        return f"has a key that is {json_kind(err['input'])}, not text"
    value, kind = err["input"], kind_at(path)
    if value is None:  # null is no value: the key is there, its value is not
        return "expected an object, got null" if path.endswith("]") else NULL
    leaf = leaf_at(path)
    if leaf is not None and leaf.kind == "date" and isinstance(value, datetime):  # also pandas' Timestamp, NaT
        return f"expected text (YYYY-MM-DD) or a date, got {json_kind(value)}"
    if kind is not None and not of_kind(value, kind):
        return wrong_kind(path, value, kind)
    if path in SECRET:  # never echo a NIK or an account number: say what is wrong with it
        return secret_problem(path, value)
    if leaf is not None and err["type"] in ("enum", "literal_error"):
        return f"{shown(value)} is not one of {', '.join(leaf.choices)}"
    if leaf is not None and err["type"] in ("greater_than_equal", "less_than_equal"):
        return leaf.outside(value)
    if leaf is not None and err["type"] == "string_pattern_mismatch":
        return f"{shown(value)} {leaf.mismatched(value)}"  # as the batch checks say it
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] in ("string_pattern_mismatch", "int_type", "int_parsing"):
        return f"{shown(value) if isinstance(value, str) else hide_identifiers(clipped(repr(value)))}: {msg}"
    return msg


def decision_date(on: object) -> date | None:
    """A decision date given as a date or ``YYYY-MM-DD`` text; ParameterError (an InputError) for anything else."""
    if on is None or (isinstance(on, date) and not isinstance(on, datetime)):
        return on
    day = _iso_day(on) if isinstance(on, str) else None
    if day is not None:
        return day
    if isinstance(on, str):
        raise ParameterError([("on", not_a_date(on))])
    raise ParameterError([("on", f"{type(on).__name__} is not a date (YYYY-MM-DD)")])


@lru_cache(maxsize=256)  # a caller asks about few dates, again and again
def _iso_day(text: str) -> date | None:
    if DAY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return None

