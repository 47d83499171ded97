"""A rejected record as people read it: each problem in the page's language, the field named in the
glossary's words, with the value to write where it is plain.

The problems (``InputError.problems``: a field path and a message) stay as they are for machines
(JSON error lines, the service); this reads the record itself, at each problem's path, against the
contract (``members.contract``) to say what is wrong. A NIK or an account number is never shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import Any

from bsu_rules.errors import InputError
from bsu_rules.formatting import format_date, format_month, rupiah
from bsu_rules.glossary import Glossary, join
from bsu_rules.members.contract import (
    DIGIT_RANGE,
    Group,
    Leaf,
    account_slip,
    blanks,
    contract,
    digits_in,
    ends,
    is_unknown,
    leaf_at,
    secret_slip,
    separated,
    spaced,
    stray,
    unseen,
    written_as,
)
from bsu_rules.members.decode import LONE_SURROGATE, MAX_DIGITS, TOO_LONG, Written, whole
from bsu_rules.members.model import (
    DAY,
    DAY_FIRST,
    MAX_RUPIAH,
    MONTH,
    ORDERS,
    PERIODIC,
    REGENCY_CODE,
    SECRET,
    TIMED,
    Order,
    day_fault,
)
from bsu_rules.members.model import digits as digits_pattern
from bsu_rules.members.redact import clipped, hide_identifiers, key_path, printable
from bsu_rules.ruleset.diagnostics import nearest
from bsu_rules.ruleset.spelling import GROUPED

_HEAD = {"id": "Catatan {n}{at} tidak dapat diputuskan karena datanya tidak sah:",
         "en": "Record {n}{at} cannot be decided because its data is not valid:"}
_AT = {"id": {"line": " ({file}, baris {number})", "item": " ({file}, butir {number})"},
       "en": {"line": " ({file}, line {number})", "item": " ({file}, item {number})"}}

_SAY: dict[str, dict[str, str]] = {
    "id": {
        "missing": "{label} belum diisi", "null": "{label} bernilai null (diisi tanpa nilai): isi nilainya",
        "unknown": "kolom {value} tidak dikenal{where}",
        "unknown_in": " pada {}", "list": "{label} harus berupa daftar", "object": "{label} harus berupa objek",
        "text": "{label} harus berupa teks", "length": "{label} terdiri atas {n} karakter, seharusnya 16 angka",
        "digit": "{label} memuat karakter selain angka 0-9 pada urutan ke-{at}",
        "not digits": "{label} memuat karakter selain angka 0-9",
        "lookalike": "{label} memuat karakter selain angka 0-9 pada urutan ke-{at} (huruf {letter}, mungkin maksudnya "
                     "angka {digit})",
        "grouped": "{label} ditulis berkelompok (dengan spasi atau tanda baca di antara angkanya): tulis "
                   "16 angkanya saja, tanpa pemisah",
        "grouped count": "{label} ditulis berkelompok (dengan spasi atau tanda baca di antara angkanya) dan "
                         "terdiri atas {n} angka, seharusnya 16",
        "account": "{label} tidak memuat satu angka pun, padahal nomor rekening ditulis dengan angka. Bila peserta "
                   'diketahui tidak punya rekening, isi dengan teks kosong (""); bila nomornya belum diketahui, hapus '
                   "isian nomor rekening",
        "scientific": "{label} tampak seperti angka yang diubah spreadsheet ke notasi ilmiah (dengan E+): format "
                      "kolomnya sebagai teks dan isi angkanya lagi",
        "decimals": "{label} tampak seperti angka yang diubah spreadsheet dengan desimal (.0): format kolomnya "
                    "sebagai teks dan isi angkanya lagi",
        "hidden": "{label} memuat karakter yang tidak tampak (misalnya spasi lebar nol) di antara angkanya: "
                  "hapus karakter itu",
        "account rewritten": "{label} tampak seperti angka yang diubah spreadsheet (ditulis seperti 4.18201E+14, "
                             "sebagai uang seperti Rp …,-, atau dengan desimal seperti ,00): format kolomnya sebagai "
                             "teks dan isi angkanya lagi",
        "other digits": "{label} ditulis dengan angka selain 0-9 (misalnya angka beraksara Arab atau angka lebar "
                        "penuh): tulis dengan angka 0-9",
        "apostrophe": "{label} diawali tanda petik, tanda teks dari lembar kerja: hapus tanda petiknya",
        "choice": "{label}: {value} tidak dikenal",
        "choices": "; yang dikenal: {}",
        "whole": "{label}: {value} harus berupa bilangan bulat yang ditulis dengan angka saja",
        "low": "{label}: {value}, seharusnya paling sedikit {low}",
        "high": "{label}: {value}, seharusnya paling banyak {high}",
        "month": "{label}: {value} bukan bulan yang ditulis TTTT-BB (misalnya 2022-07)",
        "no_month": "{label}: {value} bukan bulan yang ada: angka bulan harus 01 sampai 12 (misalnya 2022-07)",
        "no_year": "{label}: {value} bukan bulan yang ada: tahun 0000 tidak ada",
        "date": "{label}: {value} bukan tanggal yang ditulis TTTT-BB-HH (misalnya 2022-07-31)",
        "no_day": "{label}: {value} bukan tanggal yang ada: {why}",
        "no_day_year": "tahun 0000 tidak ada", "no_day_month": "angka bulan harus 01 sampai 12",
        "no_day_zero": "tanggal dimulai dari 01", "no_day_days": "{month} hanya punya {n} hari",
        "digits": "{label}: {value} harus berupa {n} angka (0-9)",
        "digits_range": "{label}: {value} harus berupa {low} sampai {high} angka (0-9)",
        "digits_alone": "; tulis angkanya saja, tanpa spasi, tanda hubung atau titik di antara atau di sekitarnya",
        "letter": "{label}: {value} harus berupa satu huruf besar, {low} sampai {high}",
        "twice": "{group} untuk bulan {month} tercatat lebih dari sekali dengan isi yang berbeda",
        "before": "{label}: {value} lebih awal dari {other_label}, {other}",
        "after": "{label}: {value} lebih lambat dari {other_label}, {other}",
        "membership_ended_on": "; kepesertaan tidak dapat berakhir sebelum dimulai",
        "registered_on": "; tidak seorang pun terdaftar sebelum lahir",
        "deceased_on": "; tidak seorang pun meninggal sebelum lahir",
        "invalid": "{label} tidak sah", "write": "; tulis {}",
        "regency": "{label}: {value} bukan kode kabupaten atau kota Kemendagri (misalnya 3273; atau dua angka kode "
                   "provinsi lalu 00, misalnya 3200, bila kabupaten atau kotanya tidak diketahui)",
        "remove": "; hapus kolom itu atau perbaiki ejaannya",
        "row_month": "{label} untuk bulan {month}", "row": "{label} pada isian ke-{n} {group}",
        "entry": "isian ke-{n} {group}",
        "surrogate": "{label} memuat teks dengan surrogate UTF-16 tunggal (bukan karakter)",
        "too_long": "{label} memuat angka yang lebih dari {n} digit",
        "more": "dan {n} masalah lain",
    },
    "en": {
        "missing": "{label} is missing", "null": "{label} is null (given with no value): give a value",
        "unknown": "{value} is not a known field{where}",
        "unknown_in": " of the {}", "list": "{label} must be a list", "object": "{label} must be an object",
        "text": "{label} must be text", "length": "{label} has {n} character{s}, not 16 digits",
        "digit": "{label} has a character that is not a digit 0-9 at position {at}",
        "not digits": "{label} has a character that is not a digit 0-9",
        "lookalike": "{label} has a character that is not a digit 0-9 at position {at} (the letter {letter}, typed "
                     "for the digit {digit}?)",
        "grouped": "{label} is written in groups (spaces or punctuation between its digits): write its 16 digits "
                   "only",
        "grouped count": "{label} is written in groups (spaces or punctuation between its digits) and has {n} digits, "
                         "not 16",
        "account": "{label} contains no digit, and an account number is written in digits. If the participant is "
                   'known to have no account, write it as empty text (""); if the number is not known yet, leave the '
                   "field out",
        "scientific": "{label} looks like a number a spreadsheet rewrote in scientific notation (with E+): format "
                      "the column as text and enter the digits again",
        "decimals": "{label} looks like a number a spreadsheet rewrote with decimals (.0): format the column as "
                    "text and enter the digits again",
        "hidden": "{label} has a character that is not shown (a zero-width space or a control character) among its "
                  "digits: remove it",
        "account rewritten": "{label} looks like a number a spreadsheet rewrote (written as 4.18201E+14, as money "
                             "such as Rp …,-, or with decimals such as .00): format the column as text and enter the "
                             "digits again",
        "other digits": "{label} is written in digits other than 0-9 (Arabic-Indic or full-width digits, for "
                        "instance): write it with 0-9",
        "apostrophe": "{label} starts with an apostrophe, a spreadsheet's mark for text: remove it",
        "choice": "{label}: {value} is not a known value",
        "choices": "; known values: {}", "whole": "{label}: {value} must be a whole number written in digits only",
        "low": "{label}: {value}, but it must be at least {low}",
        "high": "{label}: {value}, but it must be at most {high}",
        "month": "{label}: {value} is not a month written YYYY-MM (such as 2022-07)",
        "no_month": "{label}: {value} is not a real month: the month must be 01 to 12 (such as 2022-07)",
        "no_year": "{label}: {value} is not a real month: there is no year 0000",
        "date": "{label}: {value} is not a date written YYYY-MM-DD (such as 2022-07-31)",
        "no_day": "{label}: {value} is not a date in the calendar: {why}",
        "no_day_year": "there is no year 0000", "no_day_month": "the month must be 01 to 12",
        "no_day_zero": "days start at 01", "no_day_days": "{month} has {n} days",
        "digits": "{label}: {value} must be {n} digits (0-9)",
        "digits_range": "{label}: {value} must be {low} to {high} digits (0-9)",
        "digits_alone": "; write its digits alone, without the spaces, dashes or dots between or around them",
        "letter": "{label}: {value} must be one capital letter, {low} to {high}",
        "regency": "{label}: {value} is not a regency or city code of Kemendagri (such as 3273; or a "
                   "province's two digits and 00, such as 3200, where the regency or city is not known)",
        "twice": "{group} list {month} more than once, with different values", "invalid": "{label} is not valid",
        "before": "{label}: {value} is before the {other_label}, {other}",
        "after": "{label}: {value} is after the {other_label}, {other}",
        "membership_ended_on": "; a membership cannot end before it begins",
        "registered_on": "; no one is registered before being born",
        "deceased_on": "; no one dies before being born",
        "write": "; write {}", "remove": "; remove it or correct its spelling",
        "row_month": "{label} for {month}", "row": "{label} in entry {n} of the {group}",
        "entry": "entry {n} of the {group}",
        "surrogate": "{label} holds text with a lone UTF-16 surrogate (not a character)",
        "too_long": "{label} holds a number of more than {n} digits",
        "more": "and {n} more problems",
    },
}

_RECORD: list[tuple[re.Pattern[str], dict[str, str]]] = [(re.compile(p), said) for p, said in [
    (r"the lines end in CR only", {"id": "baris-baris berkasnya diakhiri CR saja (akhir baris Mac lama), jadi "
                                         "catatan-catatannya menyatu: ubah dulu (tr '\\r' '\\n' < lama.jsonl > "
                                         "baru.jsonl)",
                                   "en": "the file's lines end in CR only (old Mac line ends), so the records run "
                                         "together: convert them first (tr '\\r' '\\n' < old.jsonl > new.jsonl)"}),
    (r"not valid JSON \(.* at the end of the record", {"id": "catatannya bukan JSON yang sah: berakhir sebelum "
                                                           "selesai (terpotong?)", "en": "the record is not valid "
                                                           "JSON: it ends before it is complete (cut short?)"}),
    (r"not valid JSON \(.* at (?:line (?P<line>\d+) )?column (?P<col>\d+)\)",
     {"id": "catatannya bukan JSON yang sah (kesalahan pada {where})", "en": "the record is not valid JSON "
      "(a mistake at {where})"}),
    (r"not UTF-8 text \(byte (?P<byte>\d+)", {"id": "catatannya bukan teks UTF-8 (pada bita ke-{byte})",
                                               "en": "the record is not UTF-8 text (at byte {byte})"}),
    (r"nested too deeply", {"id": "isian catatannya bersarang terlalu dalam", "en": "the record is nested too deeply"}),
    (r"a number of more than (?P<n>\d+) digits", {"id": "catatannya memuat angka yang lebih dari {n} digit",
                                                   "en": "the record holds a number of more than {n} digits"}),
    (r"(?P<word>\S+) is not a JSON number", {"id": "{word} bukan angka JSON", "en": "{word} is not a JSON number"}),
    (r"lone UTF-16 surrogate", {"id": "catatannya memuat teks dengan surrogate UTF-16 tunggal (bukan karakter)",
                                "en": "the record holds text with a lone UTF-16 surrogate (not a character)"}),
    (r"larger than (?P<size>[\d,]+) bytes", {"id": "catatannya lebih besar dari {size} bita",
                                            "en": "the record is larger than {size} bytes"}),
    (r"the key `(?P<key>[^`]*)` appears more than once in one object",
     {"id": "kunci {key} muncul lebih dari sekali dalam satu objek; tulis setiap kunci sekali saja",
      "en": "the key {key} appears more than once in one object; give each key once"}),
    (r"expected an object, got (?P<kind>.+)", {"id": "catatannya harus berupa objek JSON ({{…}}), bukan {kind}",
                                                "en": "the record must be a JSON object ({{…}}), not {kind}"}),
]]
_KINDS = {"id": {"a list": "daftar", "text": "teks", "an integer": "angka", "a decimal number": "angka",
                 "true/false": "nilai benar/salah", "null": "null"},
          "en": {"a list": "a list", "text": "text", "an integer": "a number", "a decimal number": "a number",
                 "true/false": "true or false", "null": "null"}}
_UNREAD = {LONE_SURROGATE: "surrogate", TOO_LONG: "too_long"}
"""Problems of a field of a record that could not be read, and what each is said as."""

_ABSENT = object()
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_GROUP_PATH = re.compile(r"[a-z_]+(?:\[\d+\]|\.[a-z_]+)*")
_LETTER = re.compile(r"\^\[([A-Z])-([A-Z])\]\$")
_MONTH_FIRST = re.compile(r"(\d{1,2})[-/.](\d{4})")
_MONTH_SHAPE = re.compile(r"([0-9]{4})-([0-9]{2})")


Said = tuple[str, list[str]]
"""Why a record cannot be decided: the heading sentence, and one sentence per problem."""


def rejected(n: int, error: InputError, record: Any, lang: str, glossary: Glossary,
             place: tuple[str, str, int] | None = None) -> str:
    """The lines saying why record ``n`` (as read: a dict, another JSON value, or what could not be read)
    cannot be decided; ``place``: its file, "line" or "item", and its number there, said after ``n``."""
    head, problems = rejected_parts(n, error, record, lang, glossary, place)
    return "\n".join([head, *(f"  - {p}" for p in problems)])


def rejected_parts(n: int, error: InputError, record: Any, lang: str, glossary: Glossary,
                   place: tuple[str, str, int] | None = None) -> Said:
    """``rejected`` as its parts, for a page that lays them out itself."""
    at = _AT[lang][place[1]].format(file=printable(hide_identifiers(place[0])), number=place[2]) if place else ""
    lines, named = [], set[tuple[str, str]]()
    for path, message in error.problems:
        if path == "(record)":
            said = _record(message, lang)
        elif is_unknown(message):
            said = _unknown(_named(path, record, named), lang, glossary)
        elif (order := _order(path, message)) is not None and isinstance(record, dict):  # two fields disagree
            other = order.then if path == order.first else order.first
            said = _SAY[lang]["before" if path == order.then else "after"].format(
                label=glossary.label(f"member.{path}", lang), other_label=glossary.label(f"member.{other}", lang),
                value=_day(record.get(path), lang), other=_day(record.get(other), lang)) + _SAY[lang][order.then]
        elif message in _UNREAD or whole(message):  # the record could not be read: no value to look at
            names = [name for name, _ in _PART.findall(path) if name]
            label = _label(path, names, None, lang, glossary)
            said = _SAY[lang][_UNREAD[message]].format(label=label, n=MAX_DIGITS) if message in _UNREAD \
                else f"{label}: {_record(message, lang)}"  # said as the record's own problem is, after the field
        else:
            said = _field(path, record, lang, glossary)
        lines.append(printable(f"{said[:1].upper()}{said[1:]}."))  # a key or value never moves the line
    if error.more:
        said = _SAY[lang]["more"].format(n=error.more)
        lines.append(f"{said[:1].upper()}{said[1:]}.")
    return _HEAD[lang].format(n=n, at=at), lines


def _order(path: str, message: str) -> Order | None:
    """The order of two dates a problem at ``path`` says the record breaks, if it is one."""
    return next((o for o in ORDERS if o.at == path and message.endswith(o.reason)), None)


def _day(value: Any, lang: str) -> str:
    """A date of the record as a sentence says it (as written, where it is no date)."""
    try:
        return format_date(value if isinstance(value, date) else date.fromisoformat(value), lang)
    except (TypeError, ValueError):
        return _quote(value, lang)


def _record(message: str, lang: str) -> str:
    for pattern, said in _RECORD:
        if found := pattern.search(message):
            parts = {k: v for k, v in found.groupdict().items() if v is not None}
            if "col" in parts:
                col, line = parts["col"], parts.get("line")
                parts["where"] = (f"baris {line} kolom {col}" if line else f"kolom {col}") if lang == "id" else \
                    (f"line {line} column {col}" if line else f"column {col}")
            if "kind" in parts:
                parts["kind"] = _KINDS[lang].get(parts["kind"], parts["kind"])
            return said[lang].format(**parts)
    return "catatannya tidak dapat dibaca" if lang == "id" else f"the record cannot be read ({message})"


def _field(path: str, record: Any, lang: str, g: Glossary) -> str:
    """One field's problem, read from the record's value at ``path`` and the contract."""
    w = _SAY[lang]
    parts = _parts(path)
    names = _names(path)
    value, row = _at(record, parts)
    label = _label(path, names, row, lang, g)
    spec = _spec(names)
    if spec is None:  # not a field of the contract: the model says so of a field it has not (``_unknown``)
        return w["invalid"].format(label=label)
    if value is _ABSENT or value is None:  # null: the key is there, its value is not
        return w["missing" if value is _ABSENT else "null"].format(label=label)
    if isinstance(spec, Group):
        many = spec.many and path.endswith(names[-1])
        return w["list" if many else "object"].format(label=label)
    if path in SECRET:  # never the value: what is wrong with it
        if not isinstance(value, str):
            return w["text"].format(label=label)
        if path == "bank_account.number":  # as ``secret_problem`` says it
            return w[account_slip(value) or "account"].format(label=label)
        if (slip := secret_slip(value)) == "grouped" and (n := digits_in(value)) != 16:
            return w["grouped count"].format(label=label, n=n)
        if slip in ("scientific", "decimals", "hidden", "other digits", "apostrophe", "grouped"):
            return w[slip].format(label=label)
        if slip:  # white space around it: each blank named (a space, a tab, a line break)
            return _spaced(value, label, lang)
        if len(value) != 16:
            return w["length"].format(label=label, n=len(value), s="" if len(value) == 1 else "s")
        at, digit = stray(value)
        return w["lookalike" if digit else "digit" if at else "not digits"].format(
            label=label, at=at, letter=value[at - 1], digit=digit)
    return _value(spec, value, label, names, lang, g)


def _spaced(value: str, label: str, lang: str) -> str:
    """A text with white space around it, as ``spaced`` says it, in the page's language."""
    if lang == "en":
        return f"{label} {spaced(value)}"
    before, after = ends(value)

    def words(run: str) -> str:
        return " dan ".join(_BLANKS_ID[kind] for kind, _ in blanks(run))
    if before and after and blanks(before) == blanks(after):
        return f"{label} diawali dan diakhiri {words(before)}: hapus {words(before)}nya"
    if before and after:
        return f"{label} diawali {words(before)} dan diakhiri {words(after)}: hapus keduanya"
    run = before or after
    return f"{label} {'diawali' if before else 'diakhiri'} {words(run)}: hapus {words(run)}nya"


_BLANKS_ID = {"space": "spasi", "tab": "tab", "line break": "baris baru"}


def _named(path: str, record: Any, named: set[tuple[str, str]]) -> tuple[str, str]:
    """The field a record has that the contract has not, as (the path of the object holding it, its
    key): the path joins keys with "." and "[i]", which such a key, always its last step, may hold
    too ("a.b", "[0]"), so the record says which split is meant (the first not ``named`` yet, when
    two would do); a key the path hides (a NIK in it) is the whole path's, or the deepest group's."""
    splits = [("", path)] + [(path[:i], path[i + 1:]) for i in range(len(path)) if path[i] == "."
                             and _GROUP_PATH.fullmatch(path[:i]) and _fields(_names(path[:i])) is not None]
    for split in splits:
        if split not in named and (key := _key_in(_at(record, _parts(split[0]))[0], split[1])) is not None:
            named.add(split)
            return split[0], key
    named.add(splits[-1])
    return splits[-1]


def _unknown(found: tuple[str, str], lang: str, g: Glossary) -> str:
    """A key the contract does not have, as given, with the known one nearest to it."""
    w, (parent, key) = _SAY[lang], found
    names = _names(parent)
    where = w["unknown_in"].format(g.label("member." + ".".join(names), lang)) if names else ""
    known = _fields(names) if names else contract()
    hint = nearest(key, known) if known else None
    return w["unknown"].format(value=_quote(key, lang), where=where) + (_write(hint, lang) or w["remove"])


def _value(leaf: Leaf, value: Any, label: str, names: list[str], lang: str, g: Glossary) -> str:
    w, shown = _SAY[lang], _quote(value, lang)
    if leaf.kind == "enum":
        hint = nearest(value, leaf.choices) if isinstance(value, str) else None
        said = w["choice"].format(label=label, value=shown)
        field = "member." + ".".join(names)  # each code with its words: what a code such as `state_enterprise` means
        known = [f"{_quote(c)} ({word})" if (word := g.word(c, lang, field)) else _quote(c) for c in leaf.choices]
        return said + (_write(hint, lang) or w["choices"].format(join(known, lang, "or")))
    if leaf.kind == "int":
        if type(value) is not int:
            return w["whole"].format(label=label, value=shown) + _write(_whole(value), lang)
        if leaf.low is not None and value < leaf.low:
            return w["low"].format(label=label, value=shown, low=leaf.low)
        if leaf.high is not None and value > leaf.high:
            return w["high"].format(label=label, value=shown, high=rupiah(leaf.high) if leaf.high == MAX_RUPIAH
                                    else leaf.high)
    if not isinstance(value, str):
        return w["text"].format(label=label)
    if leaf.kind == "month":
        if names[0] in PERIODIC and names[-1] == "period" and MONTH.fullmatch(value):  # a month given twice
            group = g.label(f"member.{names[0]}", lang)
            return w["twice"].format(group=group[:1].upper() + group[1:], month=format_month(value, lang))
        if shaped := _MONTH_SHAPE.fullmatch(value):  # the form is right: no such month
            return w["no_month" if not 1 <= int(shaped[2]) <= 12 else "no_year"].format(label=label, value=shown)
        found = _MONTH_FIRST.fullmatch(value)
        return w["month"].format(label=label, value=shown) + _write(
            f"{found[2]}-{int(found[1]):02d}" if found else None, lang)
    if leaf.kind == "date":
        if DAY.fullmatch(value):  # the form is right: no such day
            return w["no_day"].format(label=label, value=shown, why=_no_day(value, w, lang))
        found, timed = DAY_FIRST.fullmatch(value), TIMED.match(value)  # a timestamp's date: the part before T
        return w["date"].format(label=label, value=shown) + _write(
            f"{found[3]}-{int(found[2]):02d}-{int(found[1]):02d}" if found else
            timed[1] if timed and day_fault(timed[1]) is None else None, lang)
    regency = leaf.pattern == REGENCY_CODE
    if regency and re.fullmatch("[0-9]{4}", value):  # four digits that name no place
        return w["regency"].format(label=label, value=shown)
    digits = DIGIT_RANGE.match(digits_pattern(4) if regency else leaf.pattern or "")
    if digits and secret_slip(value) == "scientific":  # as a NIK's: the digits a spreadsheet kept are not all
        return w["scientific"].format(label=label)
    if digits and unseen(value, leaf.pattern):
        return w["hidden"].format(label=label)
    meant = written_as(value, leaf.pattern)
    if digits and leaf.in_other_digits(value, meant):
        return w["other digits"].format(label=label)  # as every reader says it (``Leaf.mismatched``)
    if digits:
        said = w["digits_range"].format(label=label, value=shown, low=digits[1], high=digits[2]) if digits[2] else \
            w["digits"].format(label=label, value=shown, n=digits[1])
        if meant is not None and hide_identifiers(meant) != meant and separated(value, meant):  # hidden too
            return said + w["digits_alone"]
        return said + _write(meant, lang)  # what every reader says to write
    letters = _LETTER.fullmatch(leaf.pattern or "")
    if letters:
        upper = value.strip().upper()
        fits = len(upper) == 1 and letters[1] <= upper <= letters[2]
        return w["letter"].format(label=label, value=shown, low=letters[1], high=letters[2]) + _write(
            upper if fits else None, lang)
    return w["invalid"].format(label=label)


def _no_day(value: str, w: dict[str, str], lang: str) -> str:
    """Why ``value``, written YYYY-MM-DD, is no day of the calendar, in the words ``w``."""
    kind, days = day_fault(value) or ("days", 0)
    return w[f"no_day_{kind}"].format(month=format_month(value[:7], lang) if kind == "days" else "", n=days)


def _key_in(box: Any, key: str) -> str | None:
    """The key of ``box`` that a path names ``key`` (``key_path`` hides, escapes and quotes some), as a
    page may show it (a NIK in it hidden); None: ``box`` has none."""
    if isinstance(box, dict):
        for given in box:
            if isinstance(given, str) and (given == key or key_path("", given) == key):
                return hide_identifiers(given)
    return None


def _parts(path: str) -> list[tuple[str, int | None]]:
    return [(name, int(i) if i else None) for name, i in _PART.findall(path)]


def _names(path: str) -> list[str]:
    return [name for name, _ in _PART.findall(path) if name]


def _at(record: Any, parts: list[tuple[str, int | None]]) -> tuple[Any, Any]:
    """The value at a path (``_ABSENT`` if there is none) and the list row it is in, if any."""
    value, row = record, None
    for name, index in parts:
        if name:
            value = value.get(name, _ABSENT) if isinstance(value, dict) else _ABSENT
        elif index is not None:
            value = value[index] if isinstance(value, list) and index < len(value) else _ABSENT
            row = value
    return value, row


def _spec(names: list[str]) -> Leaf | Group | None:
    if len(names) == 1:
        return contract().get(names[0])
    leaf = leaf_at(".".join(names))
    if leaf is not None:
        return leaf
    fields = _fields(names[:-1])
    return fields.get(names[-1]) if fields else None


def _fields(names: list[str]) -> dict[str, Leaf | Group] | None:
    spec: Leaf | Group | None = contract().get(names[0])
    for name in names[1:]:
        spec = spec.fields.get(name) if isinstance(spec, Group) else None
    return spec.fields if isinstance(spec, Group) else None


def _label(path: str, names: list[str], row: Any, lang: str, g: Glossary) -> str:
    """A field as words; a field of a list row by the row's month (a history) or its place in the list."""
    w = _SAY[lang]
    label = g.label("member." + ".".join(names), lang)
    index = re.search(r"\[(\d+)\]", path)
    if index is None:
        return label
    group = g.label(f"member.{names[0]}", lang)
    if len(names) == 1:
        return w["entry"].format(n=int(index[1]) + 1, group=group)
    period = row.get("period") if isinstance(row, dict) else None
    if names[0] in PERIODIC and names[-1] != "period" and isinstance(period, str) and MONTH.fullmatch(period):
        return w["row_month"].format(label=label, month=format_month(period, lang))
    return w["row"].format(label=label, n=int(index[1]) + 1, group=group)


def _whole(value: Any) -> int | None:
    """The whole number a value was meant to be: "3.400.000" -> 3400000, 3400000.0 -> 3400000."""
    if isinstance(value, str) and (value.isdigit() or GROUPED.fullmatch(value)) and value.isascii():
        return int(re.sub("[.,]", "", value))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _write(suggestion: object, lang: str) -> str:
    """The clause naming the value meant ("; write 3400000"), where it is plain; else nothing."""
    return "" if suggestion is None else _SAY[lang]["write"].format(_quote(suggestion, lang))


@cache
def codes() -> frozenset[str]:
    """Each value a coded field of the contract takes, as a paragraph quotes it (``"WNI"``, ``"private"``): the
    contract's words, where a paragraph names the values a field knows, never the record's."""
    def leaves(fields: dict[str, Leaf | Group]) -> Iterator[Leaf]:
        for spec in fields.values():
            yield from leaves(spec.fields) if isinstance(spec, Group) else [spec]
    return frozenset(_quote(c) for leaf in leaves(contract()) if leaf.kind == "enum" for c in leaf.choices)


def _quote(value: Any, lang: str = "en") -> str:
    """A value as written in the record, quoted; a long run of digits (a NIK in the wrong field) left out."""
    if isinstance(value, str):
        text = json.dumps(clipped(value), ensure_ascii=False)  # text cut before it is quoted: the quote closed
    elif isinstance(value, Written):
        text = clipped(value.shown)
    else:
        text = clipped(json.dumps(value, ensure_ascii=False, default=str))
    hidden = hide_identifiers(text)
    return hidden.replace(" digits>", " angka>") if lang == "id" else hidden
