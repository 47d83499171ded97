"""Decoding one JSON member record safely: never a traceback, whatever the bytes.

Not UTF-8, not JSON, nested too deeply, a number too long for any field, ``NaN``, a key given
twice in one object: each is a ``BadRecord`` whose message says what is wrong without echoing the
record. A key may repeat only where its earlier values are null (null is no value): otherwise one
of the values would be dropped unseen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from bsu_rules.errors import InputError
from bsu_rules.members.redact import key_path, shortened


class BadRecord(ValueError):
    """A record that could not even be decoded (not UTF-8, not JSON, too large, too deep); ``field``:
    where in it, when that is known (``name`` for text that is not text)."""

    def __init__(self, message: str, field: str = "(record)") -> None:
        super().__init__(message)
        self.field = field

    def error(self) -> InputError:
        """The record's rejection, as a record that decodes but is not valid is rejected."""
        return InputError([(self.field, str(self))])


MAX_RECORD = 1 << 20
"""Bytes one JSONL record may hold (a member with twenty years of history needs under 20 KiB)."""
TOO_LARGE = f"the record is larger than {MAX_RECORD:,} bytes"
"""Why a longer record is refused."""
MAX_DIGITS = 30
"""Digits a JSON number may have (rupiah in int64 need 19)."""


LONE_SURROGATE = "text with a lone UTF-16 surrogate (not a character)"
"""Why a record holding a lone surrogate (``"\\ud800"``, which no UTF-8 output can hold) is refused."""
TOO_LONG = f"a number of more than {MAX_DIGITS} digits"
"""Why a record holding a longer number is refused."""
MAX_DEPTH = 64
"""Levels of objects and lists a record may nest (a member record needs three): a deeper one is
refused, whichever reader or caller meets it, before anything walks it."""
TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels of objects and lists)"
"""Why a deeper record is refused."""

NOT_A_NUMBER = " is not a JSON number"
"""How the message on ``NaN`` or ``Infinity`` ends."""
GIVEN_TWICE = "` appears more than once in one object"
"""How the message on a key given twice ends."""


def whole(message: str) -> bool:
    """Whether a problem found in decoding keeps the whole record from being read, wherever it is
    named (nothing else is said of the record): all but a lone surrogate, whose text alone is left out."""
    return message in (TOO_DEEP, TOO_LONG) or message.endswith((NOT_A_NUMBER, GIVEN_TWICE))


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_ESCAPED_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")


def surrogate(text: bytes | str) -> bool:
    """Whether the text escapes a UTF-16 surrogate; a pair is one character, one alone is none."""
    if isinstance(text, bytes):
        return _ESCAPED_SURROGATE_BYTES.search(text) is not None
    return _ESCAPED_SURROGATE.search(text) is not None


def too_deep(record: Any) -> str | None:
    """Where a record nests objects and lists more than ``MAX_DEPTH`` levels deep: the field holding
    the deep value (``note``), ``(record)`` for a record that is no object; None if it does not."""
    if not isinstance(record, _NESTS) or not _inside_deeper(record, MAX_DEPTH - 1):
        return None
    if isinstance(record, dict):
        return next(key_path("", str(key)) for key, item in record.items()
                    if isinstance(item, _NESTS) and _inside_deeper(item, MAX_DEPTH - 2))
    return "(record)"


_NESTS = (dict, list)


def _inside_deeper(value: dict[Any, Any] | list[Any], limit: int) -> bool:
    """Whether an object's values or a list's items nest objects and lists more than ``limit``
    levels deep; the recursion stops at ``limit``, so it is never deeper than ``MAX_DEPTH``."""
    for item in value.values() if isinstance(value, dict) else value:
        if isinstance(item, _NESTS) and (limit == 0 or _inside_deeper(item, limit - 1)):
            return True
    return False


def _bounded(value: Any, data: bytes | str) -> Any:
    """What ``decode_records`` decoded, each record too deep standing as the BadRecord saying so (a
    document with no more brackets than the limit cannot be: it is not searched)."""
    brackets = (b"[", b"{") if isinstance(data, bytes) else ("[", "{")
    if data.count(brackets[0]) + data.count(brackets[1]) <= MAX_DEPTH:  # type: ignore[arg-type]
        return value
    if isinstance(value, list):
        return [BadRecord(TOO_DEEP, at) if (at := too_deep(item)) else item for item in value]
    return BadRecord(TOO_DEEP, at) if (at := too_deep(value)) else value


def lone_surrogate(value: Any) -> str | None:
    """Where a decoded record first holds text that cannot be written as UTF-8 (``name``,
    ``wages[0].period``; ``(record)`` for a key that cannot, or a record that is no object), or None."""
    where = _first_lone(value, "")
    return None if where is None else where if isinstance(value, dict) and where else "(record)"


def _first_lone(value: Any, path: str) -> str | None:
    """Where ``lone_surrogates`` finds its first text, found without copying the value (a list of half a
    million numbers is looked through, not rebuilt)."""
    if isinstance(value, str):
        return None if _utf8(value) else path
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, _TEXT_OR_NESTS) and (at := _first_lone(item, f"{path}[{i}]")) is not None:
                return at
    elif isinstance(value, dict):
        if not all(_utf8(key) for key in value if isinstance(key, str)):
            return path
        for key, item in value.items():
            if isinstance(item, _TEXT_OR_NESTS) and (at := _first_lone(item, key_path(path, str(key)))) is not None:
                return at
    return None


_TEXT_OR_NESTS = (str, dict, list)


def lone_surrogates(value: Any, path: str = "") -> tuple[Any, list[str]]:
    """The value with each text that cannot be written as UTF-8 made null (an object with such a
    key: null as a whole), and where each was (``path`` is the value's own), in document order."""
    if isinstance(value, str):
        return (value, []) if _utf8(value) else (None, [path])
    if isinstance(value, list):
        pairs = [lone_surrogates(item, f"{path}[{i}]") for i, item in enumerate(value)]
        return [item for item, _ in pairs], [at for _, found in pairs for at in found]
    if isinstance(value, dict):
        if not all(_utf8(key) for key in value if isinstance(key, str)):  # a key not text: the model says so
            return None, [path]
        out, where = {}, []
        for key, item in value.items():
            out[key], found = lone_surrogates(item, key_path(path, str(key)))
            where += found
        return out, where
    return value, []


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def decode_json(data: bytes | str, path: str = "", keep: Callable[[Any], Any] | None = None) -> Any:
    """One JSON value; BadRecord saying why it cannot be read (never echoing it). ``path``: the
    value's own field (a CSV cell's column), which the BadRecord names where it names a field;
    ``keep``: what of the value is judged (the fields the contract knows, for ``--ignore-unknown``)."""
    value = decode_records(data)
    if keep is not None:
        value = keep(value)
    if (bad := judged(value, surrogate(data), path)) is not None:
        raise bad
    return value


def judged(value: Any, escaped: bool, path: str = "") -> BadRecord | None:
    """What makes a decoded record unreadable (``unreadable``; with ``escaped``, its text escaping a
    surrogate, a lone one), or None."""
    if (bad := unreadable(value, path)) is not None:
        return bad
    return BadRecord(LONE_SURROGATE, at) if escaped and (at := lone_surrogate(value)) is not None else None


def continues(line: bytes) -> bool:
    """Whether a first line is the start of one JSON value written over several lines (a record
    printed with indents, a list): read alone, it runs out before it ends. A line wrong in any
    other way (cut short inside a text, a key given twice, ``NaN``) is a JSON line to reject on its own."""
    text = line.decode("utf-8", "replace").strip()
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc.pos >= len(text)
    except (ValueError, RecursionError):
        return False
    return False


def decode_records(data: bytes | str) -> Any:
    """A JSON document of records (one, or a list) in which what no record may hold (a number too
    long, ``NaN``, a key given twice, nesting too deep) stands as the ``BadRecord`` saying so, for ``unreadable`` to
    find: a list is refused record by record, not whole. BadRecord (raised) if it is not JSON at all."""
    try:
        if isinstance(data, bytes):  # UTF-8 only: json would read a line with a NUL among its first bytes as UTF-16
            data = data.decode("utf-8-sig")
        try:
            value = json.loads(data, parse_int=_number, parse_float=Written, parse_constant=_constant,
                               object_pairs_hook=_object)
        except RecursionError:
            value = _one_by_one(data)
        return _bounded(value, data)
    except json.JSONDecodeError as exc:
        where = "the end of the record: is it cut short?" if exc.pos >= len(exc.doc.rstrip(JSON_SPACE)) else \
            f"line {exc.lineno} column {exc.colno}" if exc.lineno > 1 else f"column {exc.colno}"  # a line's end alike
        said = exc.msg.removesuffix(" at")
        if said.startswith("Unexpected UTF-8 BOM"):  # json's own advice is for Python programmers
            said = "Unexpected byte-order mark (U+FEFF)"
        elif said in ("Extra data", "Expecting value") and not exc.doc[exc.pos:exc.pos + 1].isprintable():
            said += f" (U+{ord(exc.doc[exc.pos]):04X}, a character JSON does not take there)"
        raise BadRecord(f"not valid JSON ({said} at {where}){_cr_only(exc)}") from None
    except UnicodeDecodeError as exc:
        raise BadRecord(f"not UTF-8 text (byte {exc.start + 1} of the record)") from None
    except RecursionError:
        raise BadRecord(TOO_DEEP) from None


JSON_SPACE = " \t\r\n"
"""What JSON takes between values (Python's own whitespace has more: a vertical tab, a form feed)."""
CR_ONLY = ("; the lines end in CR only (old Mac line ends), so the records run together: convert them "
           "(tr '\\r' '\\n' < old.jsonl > new.jsonl)")
"""Added when the text after a record is parted from it by a bare CR."""


SEPARATORS = {"\u2028": "U+2028 (line separator)", "\u2029": "U+2029 (paragraph separator)",
              "\x85": "U+0085 (next line)", "\v": "vertical tabs", "\f": "form feeds"}
"""Characters some tools end a line with that JSON Lines does not: records parted by one run together."""


def _cr_only(exc: json.JSONDecodeError) -> str:
    """``CR_ONLY`` for more text after a whole value, parted from it by a carriage return with no newline;
    the like for a record after it parted by a line end JSON Lines does not take (``SEPARATORS``)."""
    if exc.msg != "Extra data":
        return ""
    before = exc.doc[:exc.pos]
    gap = before[len(before.rstrip(" \t\r\n")):]
    if "\r" in gap and "\n" not in gap:
        return CR_ONLY
    parted = SEPARATORS.get(exc.doc[exc.pos:exc.pos + 1])
    another = exc.doc[exc.pos + 1:].lstrip(JSON_SPACE + "".join(SEPARATORS)).startswith("{")  # not one stray
    return "" if parted is None or not another else (f"; the records are parted by {parted}, not by newlines, so "
                                                     "they run together: end each record with a newline")


def _one_by_one(text: str) -> list[Any] | BadRecord:
    """A list too deep to decode whole, read record by record: a record nested too deeply stands as
    the BadRecord saying so (one record alone: that BadRecord). RecursionError if it is neither, or a
    record too deep does not end."""
    i = _space(text, 0)
    if text[i:i + 1] == "{" and _space(text, _past(text, i)) == len(text):
        return BadRecord(TOO_DEEP, _deep_field(text, i))
    if text[i:i + 1] != "[":
        raise RecursionError
    items: list[Any] = []
    i = _space(text, i + 1)
    while True:
        try:
            value, i = _DECODER.raw_decode(text, i)
        except RecursionError:
            value, i = BadRecord(TOO_DEEP, _deep_field(text, i)), _past(text, i)
        items.append(value)
        i = _space(text, i)
        if text[i:i + 1] != ",":
            break
        i = _space(text, i + 1)
    if text[i:i + 1] != "]":
        raise json.JSONDecodeError("Expecting ',' delimiter", text, i)
    if (end := _space(text, i + 1)) != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return items


def _deep_field(text: str, i: int) -> str:
    """The field of the record at ``i`` (too deep to decode whole) holding the value nested too
    deeply, as ``too_deep`` names it: its values are decoded one at a time, the first too deep to
    decode, or decoded but too deep, is it. ``(record)`` for a record that is no object, or whose
    text goes wrong before that field."""
    if text[i:i + 1] != "{":
        return "(record)"
    i = _space(text, i + 1)
    try:
        while text[i:i + 1] == '"':
            key, i = _DECODER.raw_decode(text, i)
            i = _space(text, i)
            if text[i:i + 1] != ":":
                break
            try:
                value, i = _DECODER.raw_decode(text, _space(text, i + 1))
            except RecursionError:
                return key_path("", str(key))
            if isinstance(value, _NESTS) and _inside_deeper(value, MAX_DEPTH - 2):
                return key_path("", str(key))
            i = _space(text, i)
            if text[i:i + 1] != ",":
                break
            i = _space(text, i + 1)
    except ValueError:
        pass
    return "(record)"


def _space(text: str, i: int) -> int:
    """Where the JSON white space from ``i`` ends."""
    while text[i:i + 1] in (" ", "\t", "\n", "\r"):
        i += 1
    return i


def _past(text: str, i: int) -> int:
    """Where the JSON array or object starting at ``i`` ends (counted, not decoded); RecursionError
    if it does not end."""
    depth, string, escaped = 0, False, False
    for j in range(i, len(text)):
        c = text[j]
        if string:
            escaped, string = (not escaped and c == "\\"), escaped or c != '"'
        elif c == '"':
            string = True
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return j + 1
    raise RecursionError


def first_record_ends(text: str) -> bool:
    """Whether the text of a body cut short (one record or a list) holds the whole of its first
    record (an object that does not end in it: false)."""
    i = _space(text, 0)
    if text[i:i + 1] == "[":
        i = _space(text, i + 1)
    if text[i:i + 1] != "{":
        return True
    try:
        _DECODER.raw_decode(text, i)
    except json.JSONDecodeError as exc:  # cut short (at its end, or in a text or token running to it), or wrong before
        return (exc.pos < len(text.rstrip()) and not exc.msg.startswith("Unterminated string")
                and not _cut_in_token(text, exc))
    except RecursionError:
        try:
            _past(text, i)
        except RecursionError:
            return False
    return True


_TOKEN_TAIL = re.compile(r"[-+.\w]*\Z")
"""The characters of a number or literal (``null``, ``true``, ``NaN``…) the text ends with."""
_NUMBER_CUT = re.compile(r"-?(?:(?:0|[1-9]\d*)(?:\.\d*)?(?:[eE][-+]?\d*)?)?")
"""A JSON number, or its beginning."""
_LITERALS = ("null", "true", "false", "NaN", "Infinity", "-Infinity")
_ESCAPE_CUT = re.compile(r"\\(?:u[0-9a-fA-F]{0,4})?\Z")
"""A ``\\uXXXX`` escape the text ends in (or just after: a surrogate's pair may follow)."""


def _cut_in_token(text: str, exc: json.JSONDecodeError) -> bool:
    """Whether a JSON error is the text ending inside a number, a literal or a ``\\u`` escape
    (``[1, nul``, ``-3.``, ``"\\u00``), not a mistake before its end."""
    if exc.msg.startswith("Invalid \\uXXXX escape"):
        return _ESCAPE_CUT.search(text) is not None
    tail = _TOKEN_TAIL.search(text)
    assert tail is not None  # it matches the empty end at least
    if not tail.group() or exc.pos < tail.start() or (exc.pos == tail.start() and exc.msg != "Expecting value"):
        return False  # a mistake before the end, or a token where a delimiter was due (``[1 2``)
    return bool(_NUMBER_CUT.fullmatch(tail.group())) or any(word.startswith(tail.group()) for word in _LITERALS)


def unreadable(value: Any, path: str = "") -> BadRecord | None:
    """The first ``BadRecord`` inside a value ``decode_records`` gave, in document order (searched
    without recursion), named at the field holding it (``wages[2].amount`` for a number too long or
    ``NaN``, ``employer`` for a key given twice in it; ``path``: the value's own), ``(record)`` when
    the record is no object or the record itself gives a key twice."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, BadRecord):
            if not (path or isinstance(value, dict)):
                return item
            return BadRecord(str(item), _place(value, item, path) or "(record)")
        if isinstance(item, dict):
            stack.extend(reversed(item.values()))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return None


def _place(value: Any, found: BadRecord, path: str) -> str:
    """The path of ``found`` inside ``value`` (whose own path is ``path``; searched without recursion,
    only for a value known to hold it: paths are made for no other)."""
    stack = [(value, path)]
    while stack:
        item, at = stack.pop()
        if item is found:
            return at
        if isinstance(item, dict):
            stack.extend((v, key_path(at, str(k))) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{at}[{i}]") for i, v in enumerate(item))
    return path


def _number(text: str) -> int | BadRecord:
    return BadRecord(TOO_LONG) if len(text.lstrip("-")) > MAX_DIGITS else int(text)


class Written(float):
    """A JSON number with a fraction or an exponent, remembering how the record wrote it: no field
    takes one, and the message refusing ``3.5e6`` quotes that, not Python's ``3500000.0``."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> Written:
        number = super().__new__(cls, text)
        number.text = text
        return number

    @property
    def shown(self) -> str:
        """How a message quotes it: as written, unless that holds ten digits or more (a NIK's, perhaps, split by
        an exponent: ``3204.1257e-08940003``); then as Python reads it, whose long runs are hidden as any are."""
        return self.text if sum(c.isdigit() for c in self.text) < 10 else json.dumps(float(self))


def _constant(text: str) -> BadRecord:
    return BadRecord(f"{text}{NOT_A_NUMBER}")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any] | BadRecord:
    """A JSON object's pairs as a dict, or why not: a key given a value and then another (a key may
    repeat where its earlier values are null: null is no value)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        given: set[str] = set()
        for key, value in pairs:
            if key in given:
                shown = shortened(key).replace("`", "'")  # short, no NIK, hidden characters escaped
                return BadRecord(f"the key `{shown}{GIVEN_TWICE}")
            if value is not None:
                given.add(key)
    return obj


_DECODER = json.JSONDecoder(parse_int=_number, parse_float=Written, parse_constant=_constant,
                            object_pairs_hook=_object)
