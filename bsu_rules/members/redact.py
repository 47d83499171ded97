"""What a message may show of a value someone gave: every NIK- or account-like run of digits left
out (``<16 digits>``), control and direction characters escaped, long values cut."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from bsu_rules.nik import nik_issue

IDENTIFIER = re.compile(r"\d(?:[ ./_\-]{0,2}\d){9,}")
"""A NIK or an account number, wherever it was put: ten or more digits of any script, which may be
grouped by one or two spaces, dots, dashes, slashes or underscores (``3204 1257 0894 0003``,
``3204/1257/0894/0003``, ``３２０４…``)."""


_FILLERS = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]")
"""Characters shown as nothing that are not format characters: fillers and variation selectors."""


def visible(text: str) -> str:
    """``text`` without the characters shown as nothing: format characters (Unicode category Cf: U+00AD,
    U+200B-U+200D, U+2060, U+FEFF …) and fillers (U+034F, U+115F, U+3164 …)."""
    if text.isascii():
        return text
    return "".join(c for c in _FILLERS.sub("", text) if unicodedata.category(c) != "Cf")


def holds_identifier(text: str) -> bool:
    """Whether ``text`` holds a NIK- or account-like number (``IDENTIFIER``) as a reader sees it: an
    invisible character between its digits (``32041257\u206008940003``) does not break the run."""
    return IDENTIFIER.search(visible(text)) is not None


_MONTH, _DAY = r"(?:0[1-9]|1[0-2])", r"(?:0[1-9]|[12][0-9]|3[01])"
_DAY_FIRST = rf"{_DAY}-{_MONTH}-[0-9]{{4}}|{_DAY}/{_MONTH}/[0-9]{{4}}"
_AS_WRITTEN = (rf"(?<![0-9]:)(?:[0-9]{{4}}-{_MONTH}-{_DAY}|[0-9]{{4}}/{_MONTH}/{_DAY}|{_DAY_FIRST})"
               r"[ T](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?(?![ ./_\-:]{0,2}\d)")
"""What a message shows as written although it is ten digits or more: a date and time of day
(``2019-03-01 00:00:00``, as a spreadsheet writes a date, or ``01/03/2019 00:00``; at most 14 digits,
never a NIK's 16)."""
_IN_MESSAGE = re.compile(r"(?<!\d)(?<!\d[ ./_\-])(?<!\d[ ./_\-]{2})(?!" + _AS_WRITTEN + ")" + IDENTIFIER.pattern)
"""``IDENTIFIER`` from the first digit of a run, unless the run is written as ``_AS_WRITTEN``."""
_DECIMAL = re.compile(r"(\d+)\.(\d{1,2})")


def hide_identifiers(text: str) -> str:
    """Text for a message with every long run of digits (a NIK in the wrong column) left out; a date
    and time is shown as written, and a number written with a short decimal part keeps it
    (``22041870213.0`` reads ``<11 digits>.0``: the part that makes it wrong). Ten digits or more
    split by other short gaps (a tab, a no-break or thin space, a dash between spaces, a comma, a
    colon, an escape such as ``\\u200b`` in quoted text) are left out too, unless they are dates,
    months or times of day."""
    return _QUOTED.sub(_quoted_out, _IN_MESSAGE.sub(_left_out, _SPLIT.sub(_split_out, text)))


_VALUE_MARKS = re.compile(r"(\[|\]|,(?=[^\[\]]*\])|(?<=[^\W\d])[=@]|(?<=\d{4}-\d\d-\d\d)=|(?<=\d\d[-/]\d\d[-/]\d{4})=)")
"""What parts the values of an override as typed: the ``@`` and ``=`` after a name, the ``=`` after a date
(``NAME@DATE=VALUE``), a list's brackets and the commas inside them; never an ``=`` or a comma between
digits outside a list (``3204=1257=0894=0003`` is one value, hidden where a message quotes it)."""


def hide_typed(text: str) -> str:
    """An override the caller typed (``--set wage_ceiling@2022-10-01=4000000``), or a message about one,
    with each value masked on its own (``hide_identifiers``): a NIK or an account number typed as a value
    is left out, while a date and an amount beside it (``2022-10-01=4000000``) or the amounts of a list
    (``[300000, 200000]``) are not read as one long number; a word holding ten digits or more whatever
    parts them (``3204=1257=0894=0003``) is left out, as a quoted value is."""
    parts = _VALUE_MARKS.split(text)
    for i in range(2, len(parts), 2):  # NAME@DATE=VALUE: the date ends at its `=`, however it is written
        if parts[i - 1] == "@" and "=" in parts[i] and not parts[i].partition("=")[0].isdigit():  # digits: one run
            parts[i:i + 1] = list(parts[i].partition("="))
    return "".join(_WORD.sub(_word_out, hide_identifiers(part)) for part in parts)


_WORD = re.compile(r"\S+")


def _word_out(found: re.Match[str]) -> str:
    count = _hidden_count(found.group())
    return found.group() if count is None else f"<{count} digits>"


_STAND_IN = "\ue000"
"""What stands for a hash while the text beside it is masked: no digit, and nothing a mask matches."""


def beside_hashes(mask: Callable[[str], str], text: str, hashes: Iterable[str]) -> str:
    """``mask`` applied to ``text`` with ``hashes``, sha256s the engine made (a rule set's, as a log or an
    archive names it), kept as they are where each stands alone: a sixth of all hashes hold ten
    decimal digits in a row, no one's number. A value that is no sha256, or holds a NIK's sixteen
    digits, is masked as any text is; so is all of it, should ``mask`` leave out a hash's place. Only
    for text the engine writes about its hashes: a member's text holding a 64-hexadecimal word is
    masked as any text."""
    kept = [h for h in dict.fromkeys(hashes) if _SHA256.fullmatch(h) and not holds_nik(h)]
    words = re.compile("|".join(rf"(?<![0-9A-Za-z]){h}(?![0-9A-Za-z])" for h in kept) or "(?!)")
    found = list(words.finditer(text))
    if not found or _STAND_IN in text:
        return mask(text)
    shown = mask(words.sub(_STAND_IN, text))
    if shown.count(_STAND_IN) != len(found):
        return mask(text)
    said = iter(m.group() for m in found)
    return re.sub(_STAND_IN, lambda _: next(said), shown)


_ESCAPE = r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[tnrfvab])"
_OURS = re.compile(r"(?<!\\)" + _ESCAPE)
"""A character as ``repr`` or JSON writes it in quoted text (``\\t``, ``\\xa0``, ``\\u2009``)."""
_GAP = ("[\\s.,/_:;|'*+\u00b7\u2019\\-\u00ad\u2010-\u2015\u2212\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff"
        "\u0300-\u036f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uff0d\uffa0"
        "\U000e0100-\U000e01ef]")
"""A character that groups digits: a space of any width, a dot, comma, slash, underscore, colon,
semicolon, bar, apostrophe, asterisk, plus, middle dot, dash (full-width too), a combining mark, or one
shown as nothing (a format character, a filler, a variation selector, a blank braille cell)."""
_SPLIT = re.compile(rf"(?<!\d)\d++(?:(?:{_ESCAPE}|{_GAP}|[T@]){{1,4}}\d++)+")
"""Runs of digits parted by gaps of one to four such characters, the ``T`` of a date and time or an ``@`` (each
run taken whole, from its first digit: a long run costs time in proportion to its length, not its square)."""
_PLAIN_GAPS = re.compile(r"\d++(?:[ ./_\-]{1,2}+\d++)*+")
"""A run ``IDENTIFIER`` reads as it is (grouped by one or two spaces, dots, dashes, slashes or underscores)."""
_CLOCK = r"(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?"
_STAMP = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.0{1,6})?)?(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])?"
"""A time of day after a date, as JavaScript writes it (``T00:00:00.000Z``): a fraction of zeros and a time
zone; never after a bare time, and no other fraction (digits there could carry a NIK's)."""
_TIME_WORDS = (rf"(?:{_DAY_FIRST}|[0-9]{{4}}-{_MONTH}-{_DAY}|[0-9]{{4}}/{_MONTH}/{_DAY})(?:[ T]{_STAMP})?"
               rf"|[0-9]{{4}}-{_MONTH}|[0-9]{{4}}/{_MONTH}|{_CLOCK}")
_DATES = rf"(?>{_TIME_WORDS})(?:(?:{_GAP}|@){{1,4}}+(?>{_TIME_WORDS}))*+"
"""Dates, months and times of day, one after another (``2022-05, 2022-06``; ``2019-03-01 00:00:00``; a
mistyped ``--set NAME@2022-09-05@2022-09-06``; a date as JavaScript writes it, ``2019-03-01T00:00:00.000Z``,
or day first, ``01/03/2019 00:00``); each taken whole, as far as it goes (``2022-05 12:30`` is one), so
that a list that is not one fails at once. (Months, days and hours in range, a fraction only of zeros; whether
a run of them may be shown whole is ``_dates``'s to say: a NIK fits some.)"""


@functools.cache
def _time_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """``_TIME_WORDS`` and ``_DATES`` compiled, when a run of digits in a message is first looked at (the two
    longest patterns here: most commands hide no such run)."""
    return re.compile(_TIME_WORDS), re.compile(_DATES)


def _dates(text: str) -> bool:
    """Whether ``text`` is dates, months and times of day (``_DATES``) that cannot be a NIK's or an account
    number's digits written so: from ten digits on, years 1899-2099 (or a placeholder, 0001 or 9999) and no
    time of day but after a date (``4182-01 0:04 5665-07`` is an account number); from 16 digits on, also no
    time but midnight and no 16 digits in a row that make a NIK (``3204-10-25 08:40, 00:03`` and
    ``1971-05-12, 08-11-0001`` are NIKs)."""
    time_words, dates = _time_patterns()
    if not dates.fullmatch(text):
        return False
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) < 10:
        return True
    days = [m.group() for m in _DAY_DIGITS.finditer(text)]
    years = [day[:4] if day[4] in "-/" else day[-4:] for day in days]
    if any(not ("1899" <= year <= "2099" or year in ("0001", "9999")) for year in years) or \
            any(_BARE_CLOCK.fullmatch(m.group()) for m in time_words.finditer(text)):
        return False
    if len(digits) < 16:
        return True
    if holds_nik(digits):
        return False
    return ":" not in text or not any(c in "123456789" for c in _DAY_DIGITS.sub("", text))  # ``…T00:00:00.000Z``


_BARE_CLOCK = re.compile(_CLOCK)


_DAY_DIGITS = re.compile(r"[0-9]{4}[-/][0-9]{2}(?:[-/][0-9]{2})?|[0-9]{2}[-/][0-9]{2}[-/][0-9]{4}")


def _split_out(found: re.Match[str]) -> str:
    run = found.group()
    if _PLAIN_GAPS.fullmatch(run) or _dates(run):
        return run  # for ``_IN_MESSAGE``, which keeps a date and time and a short decimal part; or dates
    every = sum(c.isdigit() for c in run)  # escapes' too: unquoted, ``\\x20`` may be what a client typed
    count = _digits(run)
    return run if every < 10 else f"<{count if count >= 10 else every} digits>"


def _digits(text: str) -> int:
    """The digits of ``text`` as written, not those of an escape ``repr`` or ``printable`` writes for a character
    (a control or format character, a space other than ASCII's); an escape ``repr`` shows after a backslash
    (``\\\\x20``) is what a client typed, and its digits count."""
    return sum(c.isdigit() for c in _OURS.sub(_unless_hidden, text))


def _unless_hidden(found: re.Match[str]) -> str:
    escape = found.group()
    code = int(escape[2:], 16) if escape[1] in "xuU" else 0
    return escape if code > 0x10FFFF or unicodedata.category(chr(code)) not in _ESCAPED else ""


_ESCAPED = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs"})
"""The characters a message writes as escapes (``printable``, ``repr``): their escapes' digits are not a value's."""


_QUOTED = re.compile(r""""(?:[^"\\\n]|\\.)*"|(?<![^\W\d_])'(?:[^'\\\n]|\\.)*'(?![^\W\d_])|`[^`\n]*`""")
"""A value as a message quotes it: ``"…"``, ``'…'`` (as ``repr`` writes it; not an apostrophe in a word,
``participant's``) or ```…```."""


def _quoted_out(found: re.Match[str]) -> str:
    """A quoted value holding ten digits or more, whatever parts them (``"3204=1257=0894=0003"``, letters,
    brackets) and however they are written (``³²⁰⁴``: what reads as a digit counts), as its count of
    digits; dates, months and times of day stay as written."""
    quoted = found.group()
    count = _hidden_count(quoted[1:-1])
    return quoted if count is None else f"{quoted[0]}<{count} digits>{quoted[-1]}"


def _hidden_count(value: str) -> int | None:
    """The count of digits a value is said as, when it holds ten or more and is not dates; else None (the
    digits of an escape count as ``_digits`` says)."""
    inner = _LEFT_OUT.sub("", value)  # a run already left out is not counted again
    count = _digits(inner)
    return None if count < 10 or _dates(inner.strip()) else count


def _left_out(found: re.Match[str]) -> str:
    run = found.group()
    if decimal := _DECIMAL.fullmatch(run):
        whole, fraction = decimal.groups()
        return run if len(whole) < 10 else f"<{len(whole)} digits>.{fraction}"
    return f"<{sum(c.isdigit() for c in run)} digits>"


def printable(text: str) -> str:
    """``text`` with every control or invisible formatting character (an escape sequence, a direction
    mark, a line separator) written out as its escape (``\\x1b``): a record's free text reaches a page
    as data, never as commands to a terminal or a reordering of the line."""
    if text.isprintable():
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in _HIDDEN else c
                   for c in text)


_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})  # control and format characters, lone surrogates, line and
# paragraph separators


_LEFT_OUT = re.compile(r"<([0-9]+) digits>")
_WHOLE = re.compile(rf"{_LEFT_OUT.pattern}|{_ESCAPE}")
"""What a cut never goes through: a run of digits left out (``<16 digits>``) or an escape (``\\u202e``)."""


def shortened(text: str, most: int = 40) -> str:
    """Text given (a query value, a key, a name) as a message repeats it: a control character or
    direction mark escaped, every long run of digits left out (``hide_identifiers``), and the whole
    value said as its count of digits when ten or more are left whatever parts them, as a quoted value
    is (``3204=1257=0894=0003``), then ``cut`` to ``most`` characters."""
    shown = hide_identifiers(printable(text))  # escaped first: ``\x00`` does not part digits
    count = _hidden_count(shown)
    typed = sum(c.isdigit() for c in text)  # as given: a control character is no digit, a typed ``\x20`` two
    left = typed - _marked(shown) + _marked(text)  # those not left out here (a mark the client typed: no)
    if count is None and left >= 10 and not _dates(visible(text).strip()):
        count = typed
    return cut(shown if count is None else f"<{count} digits>", most)


def hidden_path(path: str) -> str:
    """A file name or a request's path as a message names it: where its digits, however parted (``a3204b/1257c…``,
    ``3204=1257=…``, ``³²⁰⁴…``), are ten or more besides years and dates (``bsu-2022-members-2022-10-01.jsonl``
    stays), or hold a NIK's, every part holding a digit is said as its count of digits."""
    hashes = [found for found in _HASHED.finditer(path) if not _near_identifier(path, found)]
    if not hashes:
        return _hidden_parts(path)
    pieces, start = [], 0  # each hash said as it is, the rest of the path as any path is
    for found in hashes:
        pieces += [_hidden_parts(path[start:found.start()]), found.group()]
        start = found.end()
    return "".join(pieces) + _hidden_parts(path[start:])


def given_identifiers(arguments: Sequence[str]) -> list[tuple[str, str]]:
    """Each command-line argument, each part of one (a folder, a file name, what follows ``=``) and each run
    of ten digits or more in one, that ``hidden_path`` says otherwise (a NIK in a file name, one given to
    ``--row``), with how it says it; the longest first, so that a path is said whole before its parts. A row
    number given to ``--row`` is said as given unless it holds a NIK."""
    found: dict[str, str] = {}
    for before, argument in zip(["", *arguments], arguments, strict=False):
        option, equals, value = argument.partition("=")
        row = value if equals and option == "--row" else argument if before == "--row" else None
        if row is not None and row.isascii() and row.isdigit() and not holds_nik(row):  # a row number: no one's
            continue
        typed = value if equals and option in _OVERRIDES else argument if before in _OVERRIDES else ""
        if "=" in typed:  # an override, not a path: each value masked on its own (``hide_typed``)
            if (shown := hide_typed(typed)) != typed:
                found[typed] = shown
            continue
        for part in (argument, *re.split(r"[/\\=]", argument)):
            if part and not _SHA256.fullmatch(part) and (shown := hidden_path(part)) != part:  # ``--anchor`` kept
                found[part] = shown
                found |= {run: hidden_path(run) for run in re.findall(r"[0-9]{10,}", part)}
    return sorted(found.items(), key=lambda item: -len(item[0]))


_OVERRIDES = ("--set", "--against")
"""The options given an override as typed (``NAME=VALUE``; ``--against`` a rule set's path too)."""
_SHA256 = re.compile(r"[0-9a-f]{64}")
"""A sha256 given as an argument (``verify --anchor``): a hash the caller quotes, said as it is."""


def _hidden_parts(path: str) -> str:
    pieces = _STAMPED.split(path)  # a run across parts said whole first; a time stamp is no one's number
    shown = "".join(piece if i % 2 else hide_identifiers(printable(piece)) for i, piece in enumerate(pieces))
    if sum(c.isdigit() for c in _DATED.sub("", _STAMPED.sub("", path))) < 10 and \
            not holds_nik("".join(filter(str.isdigit, path))):
        return shown
    return "/".join(f"<{_marked(part) + n} digits>" if (n := sum(c.isdigit() for c in _LEFT_OUT.sub("", part)))
                    else part for part in shown.split("/"))


_HASHED = re.compile(r"(?<![^/])[0-9a-f]{64}(?![^/])")
"""A part of a path that is a sha256 in hexadecimal (an archive entry's folder): no one's number, unless ten
digits of one stand in it or run into it from the parts beside it (``_near_identifier``)."""


def _near_identifier(path: str, found: re.Match[str]) -> bool:
    """Whether a NIK-like run of digits lies in the part ``found``, or a NIK- or account-like run
    (``IDENTIFIER``) runs into it across a slash: then the part is a path's part like any other. A run
    within the hash that makes no NIK is the hash's own (``beside_hashes``)."""
    return any(m.start() < found.end() + 1 and found.start() - 1 < m.end()
               and not (found.start() <= m.start() and m.end() <= found.end() and not holds_nik(m.group()))
               for m in IDENTIFIER.finditer(path))


_DATED = re.compile(r"(?<![0-9])(?:18|19|20)[0-9]{2}(?:[-_.](?:0[1-9]|1[0-2])(?:[-_.](?:0[1-9]|[12][0-9]|3[01]))?)?"
                    r"(?![0-9])")
"""A year from 1800 to 2099, alone or with its month and day, as file names hold them (``2022-10-01``)."""
_STAMPED = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])(?:[01][0-9]|2[0-3])"
                      r"[0-5][0-9](?:[0-5][0-9])?)(?![0-9])")
"""A date and time of day as an export's file name holds it, ``YYYYMMDDhhmm(ss)`` (12 or 14 digits, never a
NIK's 16; years 1900-2099)."""


def holds_nik(digits: str) -> bool:
    """Whether 16 digits in a row of ``digits`` make a structurally valid NIK."""
    return any(nik_issue(digits[i:i + 16]) is None for i in range(len(digits) - 15))


def _marked(text: str) -> int:
    """The digits ``<N digits>`` marks in ``text`` say were left out."""
    return sum(int(m.group(1)) for m in _LEFT_OUT.finditer(text))


def cut(shown: str, most: int) -> str:
    """Text already made safe to show, cut to ``most`` characters and ``…`` put where it was cut,
    never through a ``<16 digits>`` or an escape (one the cut would go through is left out whole)."""
    if len(shown) <= most:
        return shown
    end = next((m.start() for m in _WHOLE.finditer(shown, 0, most + 20) if m.start() < most < m.end()), most)
    return f"{shown[:end]}…"


def clipped(text: str, most: int = 40) -> str:
    """The first ``most`` characters of a value a message quotes, ``…`` where more was cut off."""
    return text if len(text) <= most else f"{text[:most]}…"


def key_path(parent: str, key: str) -> str:
    """The path of field ``key`` of ``parent`` in a message: ``shortened`` (an identifier in the key
    hidden, a key longer than 40 characters cut there, ``…``), an empty key written ``""``."""
    name = shortened(key) if key else '""'
    return f"{parent}.{name}" if parent else name


def shown(value: Any) -> str:
    """A text value as a message quotes it: ``clipped``, quoted (the quote closed), no NIK."""
    return hide_identifiers(repr(clipped(value))) if isinstance(value, str) else type(value).__name__


def mask_identifiers(text: str) -> str:
    """``text`` with every NIK- or account-like run of digits masked as ``mask_nik`` masks a NIK:
    for a value that may carry one although it is not the field itself (a fact copying it)."""
    return IDENTIFIER.sub(lambda m: _hide_digits(m.group()), text)


_TEN_DIGITS = re.compile(r"(?:\D*\d){10}")


def mask_typed(text: str) -> str:
    """``mask_identifiers``, and then, in text a person typed, the digits ``mask_nik`` would hide when
    ten or more are left however they are grouped (tabs, commas, other spaces, invisible
    characters) and however they are written (``³²⁰⁴``, ``③②⓪④``: what reads as a digit counts as
    one, and so does a letter typed for the digit it looks like in a word of digits, ``35O7``): no bank
    or person name holds ten digits, a NIK or an account number does."""
    if len(text) < 10 or (text.isascii() and text.encode("ascii").translate(_SHAPE).count(32) > len(text) - 10):
        return text  # most names hold no digit: looked at once, in C
    view = _LOOKALIKE_RUN.sub(_as_digits, text) if _LOOKALIKE.search(text) else text
    if not _TEN_DIGITS.match(view) if view.isascii() else sum(map(str.isdigit, view)) < 10:
        return text  # fewer than ten digits, the letters typed for one read as one
    masked = mask_identifiers(view)
    if sum(map(str.isdigit, masked)) >= 10:
        masked = _hide_digits(masked)
    if view is text:
        return masked
    return "".join(typed if shown == read else shown for typed, read, shown in zip(text, view, masked, strict=True))


_LOOKALIKE = re.compile(r"[0-9][OoIl]|[OoIl][0-9]")
_LOOKALIKE_RUN = re.compile(r"\b(?=[0-9OoIl]*[0-9])[0-9OoIl]++\b")  # possessive: a word is read once
"""A word of ASCII digits with letters typed for the digits they look like (``35O71OO1O19OOOO3``), which
``mask_typed`` reads as digits: a NIK typed so keeps no more of itself than one typed right."""
_READ_AS = str.maketrans("OoIl", "0011")
_SHAPE = bytes(ord("0") if c in b"0123456789" else ord("O") if c in b"OoIl" else ord(" ") for c in range(256))
"""Each ASCII character as ``0`` (a digit), ``O`` (a letter typed for one) or a space."""


def _as_digits(found: re.Match[str]) -> str:
    return found.group().translate(_READ_AS)


def few_digits(text: str) -> bool:
    """Whether ``text`` is ASCII with fewer than ten digits, letters that may have been typed for one counted as
    one: ``mask_typed`` leaves it, and any part of it, as it is (several texts, joined, looked at once)."""
    if not text.isascii():
        return False
    shape = text.encode("ascii").translate(_SHAPE)  # counted in C
    if shape.count(32) > len(shape) - 10:  # spaces: neither a digit nor a letter like one
        return True
    if b"0O" in shape or b"O0" in shape:  # a letter beside a digit: perhaps typed for one (``_LOOKALIKE``)
        shape = _LOOKALIKE_RUN.sub(_as_digits, text).encode("ascii").translate(_SHAPE)
    return shape.count(48) < 10  # "0": the digits


def mask_logged(text: str) -> str:
    """A text read from a log line (which whoever can write the log may have edited) as a report shows it: a NIK
    or an account number masked as a decision masks one (``3204********0003``), one grouped otherwise (commas,
    colons, tabs, other spaces, invisible characters) left out (``hide_identifiers``), and in a text holding
    digits of other forms (``³²⁰⁴``, ``③``) or marks over digits, every digit ``mask_typed`` hides: no text of
    a decision holds such characters, an edited line may."""
    shown = hide_identifiers(mask_identifiers(text))
    if shown.isascii() or not any(unicodedata.category(c) in _OTHER_FORMS for c in shown):
        return shown
    return mask_typed(shown)


_OTHER_FORMS = frozenset({"No", "Mn", "Me"})
"""Unicode categories of digits in other forms (superscript, circled) and of marks over a character."""


def _hide_digits(text: str, masked: str = "") -> str:
    """``text`` with the digits ``mask_nik`` would hide hidden, whatever stands between them (a ``masked``
    character counted as the digit it hides)."""
    digits = [i for i, c in enumerate(text) if c.isdigit() or c in masked]
    keep = _kept(len(digits))
    hidden = set(digits[keep:len(digits) - keep])
    return "".join("*" if i in hidden else c for i, c in enumerate(text))


def mask_kpj(kpj: str, account: str | None = None) -> str:
    """A KPJ as every output shows it: as it is when it has 11 characters (a KPJ has 11 digits) or fewer than 10
    (no NIK or bank account number is that short), unless it is the record's own bank account number, ``account``
    (its digits, leading zeros aside); any other, a NIK or an account number written in its place, masked as
    ``mask_nik`` masks the account number of its length, ``3204********0003``, ``01******89``: the KPJ never shows
    more of a number than the account field shows of it."""
    if (len(kpj) < 10 or len(kpj) == 11) and not (account and len(kpj) >= 9 and same_number(kpj, account)):
        return kpj
    return mask_nik(kpj)


def same_number(kpj: str, account: str) -> bool:
    """Whether a KPJ is the account number ``account`` copied into its field: the same digits, whatever groups the
    account's (``0123-456-789``) and whatever zeros lead either (a spreadsheet drops them)."""
    plain = account.isascii() and account.isdigit()  # most are written so: no character looked at in Python
    digits = (account if plain else "".join(c for c in account if "0" <= c <= "9")).lstrip("0")
    return bool(digits) and digits == kpj.lstrip("0")


def mask_nik(nik: str) -> str:
    """Keep the region (4) and the serial (4) of a NIK, ``3215********0001``; of a shorter identifier
    (a 10-digit account number) a quarter at each end, so at least half is always hidden. An account
    number written with spaces or dashes is masked by its digits, not its characters: a stray space
    never shows one digit more."""
    if len(nik) == 16 and nik.isdigit():  # a NIK: the common case, spelled out
        return nik[:4] + "********" + nik[12:]
    if not nik.isdigit():  # a masked digit counts as one: masking a masked number gives it back
        return _hide_digits(nik, masked="*")
    keep = _kept(len(nik))
    return nik[:keep] + "*" * (len(nik) - 2 * keep) + nik[len(nik) - keep:]


def _kept(length: int) -> int:
    """The characters a mask shows at each end of an identifier ``length`` long (none of one of 8 or fewer)."""
    return min(4, length // 4) if length > 8 else 0
