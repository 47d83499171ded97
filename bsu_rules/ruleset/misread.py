"""A rule file's reading problems in plain words: numbers YAML reads in a form a rule file does not
take, and schema errors (a name, a date, a parameter's value) with the form probably meant."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from decimal import Decimal
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from bsu_rules.errors import Code
from bsu_rules.members.redact import IDENTIFIER, clipped, hide_identifiers, holds_identifier
from bsu_rules.ruleset import schema
from bsu_rules.ruleset.checker import MAX_SPELT, PLACEHOLDER, parameter_arguments
from bsu_rules.ruleset.diagnostics import Diagnostic, nearest
from bsu_rules.ruleset.expressions import Name, Node, ParseError, Parses, walk
from bsu_rules.ruleset.schema import (
    LANGUAGE_WORD,
    MAX_NAME,
    NAME_TOO_LONG,
    PERSONAL_NUMBER,
    RULE_ID,
    WORDS,
    Kind,
    benefit_misfit,
    misfit,
)
from bsu_rules.ruleset.source import Located, dotted
from bsu_rules.ruleset.source import Path as DataPath
from bsu_rules.ruleset.spelling import as_month, bracketed, date_problem, digits_only

_MISREAD = re.compile(r"[-+]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|0[0-9_]+|\.(nan|NaN|NAN|inf|Inf|INF))")
"""Numbers YAML reads in a form a rule file does not take (hexadecimal, octal, binary, a leading 0,
not-a-number and infinity): they would be read as text."""


def misread_values(located: Located, parses: Parses | None = None) -> dict[DataPath, Diagnostic]:
    """A diagnostic for each parameter or benefit (keyed by its path) written as a number in a form a
    rule file does not take (``0x355``, ``035000000``, ``.nan``), a parameter written as a list
    without its brackets (``BRI, BNI``: one text to YAML), or a parameter misnamed or written as text
    where it is used as a number (:func:`misused_parameters`), where it is written. ``parses``: the file's
    expressions, parsed once for every pass that reads them."""
    data: dict[str, Any] = located.data
    found: list[tuple[DataPath, DataPath, str | None]] = []  # (what, the value's path, unit)
    params = data.get("parameters")
    for name, raw in params.items() if isinstance(params, dict) else ():
        if isinstance(raw, dict):
            unit = raw.get("unit") if isinstance(raw.get("unit"), str) else None
            values = raw.get("values")
            found.append((("parameters", name), ("parameters", name, "value"), unit))
            found += [(("parameters", name), ("parameters", name, "values", k), unit)
                      for k in (values if isinstance(values, dict) else ())]
    benefit = data.get("benefit")
    if isinstance(benefit, dict):
        found += [(("benefit", k), ("benefit", k), "IDR") for k in ("amount", "monthly", "months")]
        instalments = benefit.get("instalments")
        found += [(("benefit", "instalments"), ("benefit", "instalments", i), "IDR")
                  for i in range(len(instalments) if isinstance(instalments, list) else 0)]
    out = misused_parameters(located, parses)
    for what, at, unit in found:
        value = _lookup(data, at)
        if what in out or not isinstance(value, str) or located.styles.get(at, "'") is not None:
            continue
        if unit is None and (listed := _unbracketed(value)) is not None:
            shown = hide_identifiers(value[:80])
            out[what] = Diagnostic(located.file, *located.at(at), Code.INVALID_VALUE,
                                   f"{dotted(at)}: `{shown}` is one text: a list is written in brackets, `{listed}` "
                                   "(a text that holds a comma goes in quotes)",
                                   suggestion=listed if shown == value else None)
        if what in out or (problem := misread_number(value, unit)) is None:
            continue
        out[what] = Diagnostic(located.file, *located.at(at), Code.INVALID_VALUE, f"{dotted(at)}: {problem[0]}",
                               suggestion=problem[1])
    return out


def misused_parameters(located: Located, parses: Parses | None = None) -> dict[DataPath, Diagnostic]:
    """A diagnostic for each parameter (keyed by its path) whose mistake shows only where it is used, told
    once where it is written: a name never used, close to a ``param.NAME`` used but never declared (a
    name mistyped, ``wage_celing``), and a value written as text (``"2022"``, ``fifteen``) of a parameter
    without a ``unit`` that is passed to a function as a number. A name meant is sought for every name never
    used while at most ``MAX_SPELT`` names used are declared nowhere, else for the first ``MAX_SPELT`` (each
    against every such name: a file of thousands of both is checked in time linear in them)."""
    data: dict[str, Any] = located.data
    params = data.get("parameters")
    if not isinstance(params, dict):
        return {}
    trees, texts = _expressions(data, parses or Parses())
    used = {n.parts[1] for t in trees for n in walk(t) if isinstance(n, Name) and n.parts[0] == "param"
            and len(n.parts) > 1}
    used |= {m[1].split(".")[1] for text in texts for m in PLACEHOLDER.finditer(text) if m[1].startswith("param.")}
    undeclared = sorted(used - set(params))
    unused = [n for n in params if isinstance(n, str) and len(n) <= MAX_NAME and _NAME.fullmatch(n) and n not in used
              and hide_identifiers(n) == n]  # a name that is none is told by the schema
    out: dict[DataPath, Diagnostic] = {}
    back: dict[str, str | None] = {}  # the parameter nearest each name meant, sought once
    for name in unused if len(undeclared) <= MAX_SPELT else unused[:MAX_SPELT]:
        meant, why = nearest(name, undeclared), "the name is probably mistyped here"
        if meant is None and len(unused) == len(undeclared) == 1:  # one name declared, another used: renamed
            meant, why = undeclared[0], "was the parameter renamed here? Its uses still read the old name"
        elif meant is not None:
            if meant not in back:
                back[meant] = nearest(meant, map(str, params))
            meant = meant if back[meant] == name else None
        if meant is not None and hide_identifiers(meant) == meant:
            out[("parameters", name)] = Diagnostic(
                located.file, *located.at(("parameters", name), key=True), Code.UNKNOWN_NAME,
                f"parameter `{name}` is never used, while `param.{meant}` is used and declared nowhere: {why}",
                suggestion=meant)
    numbers = {(name, fn) for t in trees for name, fn, wanted in parameter_arguments(t)
               if wanted and all(w.numeric for w in wanted)}
    for name, fn in sorted(numbers):
        raw = params.get(name)
        if ("parameters", name) in out or not isinstance(raw, dict) or raw.get("unit") is not None:
            continue
        values = raw.get("values")
        written = [(("parameters", name, "value"), raw.get("value"))] + \
            [(("parameters", name, "values", k), v) for k, v in (values.items() if isinstance(values, dict) else ())]
        at, text = next(((at, v) for at, v in written if isinstance(v, str)), ((), None))
        if text is not None and not holds_identifier(text):  # a NIK-like text: the schema refuses it as such
            out[("parameters", name)] = _text_for_number(located, at, name, fn, text)
    return out


_NAME = re.compile(r"[a-z][a-z0-9_]*")


def _text_for_number(located: Located, at: DataPath, name: str, fn: str, text: str) -> Diagnostic:
    """Parameter ``name``'s value ``text`` (at ``at``), passed to function ``fn`` as a number."""
    shown = hide_identifiers(clipped(text))
    quoted = located.styles.get(at) is not None
    digits = text.strip() if text.strip().isascii() and text.strip().isdigit() else digits_only(text)
    how = "without quotes" if quoted and digits == text.strip() else "with digits only"
    if digits and len(digits) > 1 and digits.startswith("0"):  # `015`: YAML reads no leading 0 as a number
        digits, how = digits.lstrip("0") or "0", f"{'without quotes and ' if quoted else ''}without its leading 0"
    written = f'"{shown}"' if quoted else f"`{shown}`"
    return Diagnostic(located.file, *located.at(at), Code.INVALID_VALUE,
                      f"{written} is text, but `param.{name}` is passed to `{fn}` as a number: write it {how}"
                      + (f" ({digits})" if digits else ""), suggestion=digits)


def _expressions(data: dict[str, Any], parses: Parses) -> tuple[list[Node], list[str]]:
    """The expressions of a rule file as read from YAML that parse (facts, rules, the channel), and its
    rules' explanations."""
    texts: list[Any] = list(data["facts"].values()) if isinstance(data.get("facts"), dict) else []
    rules = [r for r in data.get("rules") or () if isinstance(r, dict)] if isinstance(data.get("rules"), list) else []
    texts += [r.get(k.value) for r in rules for k in Kind]
    channel = data.get("channel")
    texts += [channel.get("expression")] if isinstance(channel, dict) else []
    trees = []
    for text in (t for t in texts if isinstance(t, str)):
        try:
            trees.append(parses.shared(text))
        except ParseError:
            continue
    explained = [r["explain"].get(lang) for r in rules if isinstance(r.get("explain"), dict) for lang in ("id", "en")]
    return trees, [t for t in explained if isinstance(t, str)]


def misread_number(value: str, unit: str | None) -> tuple[str, str | None] | None:
    """What is wrong with a value written unquoted that YAML reads as text although it looks like a
    number (``0x355``, ``035000000``, ``.nan``), and the number probably meant; None for any other.
    ``unit``: the parameter's (None: a text parameter, whose text would go in quotes)."""
    if not _MISREAD.fullmatch(value):
        return None
    digits = value.lstrip("+-").replace("_", "")
    sign = "-" if value.startswith("-") else ""
    if digits[:2] in ("0x", "0o", "0b"):
        whole = sign + str(int(digits[2:], {"x": 16, "o": 8, "b": 2}[digits[1]]))
        message, fixed = f"`{value}` is not a number in decimal digits, as a rule file writes numbers", whole
    elif digits[0].isdigit():
        whole = sign + (digits.lstrip("0") or "0")
        message, fixed = f"`{value}`: a number cannot start with 0", whole
    else:
        message, fixed = f"`{value}` is not a number a rule can use: write one in digits", None
    return message + (" (a text goes in quotes)" if unit is None else ""), fixed


_ITEMS = re.compile(r"[^\s,\[\]{}'\"]+(?: *, *[^\s,\[\]{}'\"]+)+")
"""Words separated by commas, unquoted: a list whose brackets are left out."""


def _unbracketed(text: str) -> str | None:
    """``[BRI, BNI]`` for ``BRI, BNI`` (not for a number with thousands separators, ``3,500,000``)."""
    if not _ITEMS.fullmatch(text) or digits_only(text) is not None:
        return None
    return bracketed(text)


def _lookup(data: Any, path: DataPath) -> Any:
    for part in path:
        if not isinstance(data, dict | list) or (isinstance(data, dict) and part not in data) or \
                (isinstance(data, list) and not (isinstance(part, int) and 0 <= part < len(data))):
            return None
        data = data[part]  # type: ignore[index]
    return data


def schema_diagnostics(exc: ValidationError, located: Located,
                       root: type[BaseModel] = schema.RuleFile) -> list[tuple[DataPath, Diagnostic]]:
    """Each validation error in plain words, with the path of the value it is about (in a file of ``root``:
    a rule file, or a glossary)."""
    out: list[tuple[DataPath, Diagnostic]] = []
    for err in _value_shapes(exc.errors()):
        loc: DataPath = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        loc = tuple(p for p in loc if p not in ("str", "int", "bool", "decimal", "date", "list[str]"))
        rule = _rule_id(located, loc)
        if not loc and err["type"] in ("model_type", "dict_type"):
            keys, held = ", ".join(f"`{k}:`" for k in _fields_at(root, ())), _kind_of(err["input"])
            out.append((loc, Diagnostic(located.file, 1, 1, Code.INVALID_VALUE,
                                        f"the file holds {held}, not keys with their values ({keys})")))
            continue
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            fields = _fields_at(root, loc[:-1])
            out.append((loc, Diagnostic(located.file, *located.at(loc, key=True), Code.UNKNOWN_KEY,
                                        f"unknown key `{key}`", rule=rule, suggestion=nearest(key, fields))))
        elif err["type"] == "missing":
            out.append((loc, Diagnostic(located.file, *located.at(loc[:-1]), Code.MISSING_KEY,
                                        f"`{loc[-1]}` is required here", rule=rule)))
        else:
            is_key = loc[-1:] == ("[key]",)
            loc = loc[:-1] if is_key else loc
            msg, fixed = str(err["msg"]).removeprefix("Value error, "), None
            if err["type"].startswith("date") and isinstance(err["input"], str | int) \
                    and not isinstance(err["input"], bool):
                msg, fixed = date_problem(str(err["input"]), last=loc[-1:] in (("as_of",), ("until",)))
                if loc == ("as_of",) and fixed is not None and as_month(str(err["input"])) is not None:
                    msg = f"`{clipped(str(err['input']))}` is a month, but this is the day the member records are " \
                        f"read at (the data cut-off), written YYYY-MM-DD: for data as at the month's end, {fixed}"
            elif err["type"] == "value_error" and len(loc) == 2 and loc[0] == "parameters":
                loc, msg, fixed = _parameter_problem(located, loc) or (loc, msg, None)
            elif err["type"] == "value_error" and loc[:1] == ("benefit",) and len(loc) >= 2:
                fixed = (benefit_misfit(str(loc[1]), err["input"]) or (msg, None))[1]
            elif err["type"] == _SHAPE:
                msg, fixed = _parameter_shape(located, loc, err["input"])
            elif (shaped := _shape_problem(located, loc, err["type"], err["input"])) is not None:
                msg, fixed = shaped
            elif err["type"] in ("enum", "literal_error"):
                choices = re.findall(r"'([^']*)'", str(err["ctx"]["expected"]))
                shown = hide_identifiers(str(err["input"])[:60])
                listed = ", ".join(f"`{c}`" for c in choices[:-1]) + f" or `{choices[-1]}`" if len(choices) > 1 \
                    else "".join(f"`{c}`" for c in choices)
                msg = f"`{shown}` is not a value here: write {listed}"
                fixed = nearest(str(err["input"]), choices)
            elif err["type"] == "string_pattern_mismatch" and root is not schema.RuleFile:
                pattern = str(err["ctx"]["pattern"])
                msg = f"`{hide_identifiers(clipped(str(err['input'])))}` " + _FORMS.get(
                    pattern, f"does not have the form taken here (the pattern {pattern})")
            elif err["type"] == "string_pattern_mismatch":
                msg, fixed = _name_problem(str(err["input"]), str(err["ctx"]["pattern"]),
                                           "a rule-set id" if loc == ("ruleset",) else None)
            elif err["type"] == LANGUAGE_WORD:
                msg = f"`{err['input']}` is a word of the rule language ({', '.join(WORDS)}) and cannot be a " \
                    "name: it could be defined, never read; choose another"
            elif err["type"] == NAME_TOO_LONG:
                what = err["ctx"]["what"]
                msg = f"`{hide_identifiers(clipped(str(err['input'])))}` is {len(str(err['input'])):,} characters " \
                    f"long: {what} has at most {MAX_NAME} (it is repeated in every decision and message): shorten it"
            elif err["type"] == PERSONAL_NUMBER:
                what = err["ctx"]["what"]
                shown = "shown to everyone as written" if what == "a key" else "repeated in every decision as written"
                msg = f"`{_shown(str(err['input']))}` cannot be {what}: it holds a number of ten digits or more, " \
                    f"as a NIK or an account number does, and {what} is {shown} (leave personal numbers out)"
            where = hide_identifiers(dotted(loc[2:] if rule and loc[:1] == ("rules",) and len(loc) > 2 else loc))
            # a criterion's field by its own path: its id is said beside it, not its place counted from 0
            named = err["type"] in ("string_pattern_mismatch", PERSONAL_NUMBER, LANGUAGE_WORD, NAME_TOO_LONG)
            empty = err["type"].endswith("_type") and err["input"] is None  # told at its key
            out.append((loc, Diagnostic(located.file, *located.at(loc, key=is_key or empty), Code.INVALID_VALUE,
                                        msg if named else f"{where}: {msg}",
                                        rule=rule, suggestion=fixed)))
    return _misspelt_once(out)


_SHAPE = "parameter_shape"
_SCALARS = frozenset({"bool", "int", "decimal", "date", "str", "list[str]"})
"""How pydantic names, in an error's place, each shape a parameter's value (``schema.Scalar``) takes."""


def _value_shapes(errors: list[Any]) -> list[Any]:
    """``errors`` with those pydantic gives for a parameter's value of no shape it takes (one for each
    shape tried) made one, of type ``_SHAPE``: at the value, or at its first item that is not text."""
    out: list[Any] = []
    seen: set[DataPath] = set()
    for err in errors:
        loc = tuple(err["loc"])
        at = {"value": 3, "values": 4}.get(str(loc[2])) if len(loc) > 3 and loc[0] == "parameters" else None
        if at is None or len(loc) <= at or loc[at] not in _SCALARS:
            out.append(err)
        elif loc[:at] not in seen and len(loc) == at + 1:  # the whole value (each item's error follows)
            seen.add(loc[:at])
            value = err["input"]
            bad = next((i for i, v in enumerate(value) if not isinstance(v, str)), None) \
                if isinstance(value, list) else None
            out.append({"loc": loc[:at] + (() if bad is None else (bad,)), "type": _SHAPE, "msg": "",
                        "input": value if bad is None else value[bad]})
    return out


def _parameter_shape(located: Located, loc: DataPath, value: Any) -> tuple[str, str | None]:
    """A parameter's value (or, ``loc`` ending in an index, an item of its list) of a shape it does not
    take, in plain words."""
    takes = "a parameter's value is a number, a text, a date, true or false, or a list of texts in brackets"
    if not isinstance(loc[-1], int):
        dated = " (a value that changes on a date goes under `values:`, keyed by the date)" \
            if loc[-1] == "value" and isinstance(value, dict) else ""
        return f"the value is {'a mapping' if isinstance(value, dict) else 'a list'}: {takes}{dated}", None
    if value is None:
        return "an empty item (`null`, or nothing between two commas): a list of texts has none; leave it out", None
    if isinstance(value, int | Decimal | date) and not isinstance(value, bool) and isinstance(loc[-2], str) \
            and loc[-1] == 0 and (*loc[:-1], 1) not in located.values \
            and (written := _written(located, loc)) is not None:  # `value: [3500000]`: one number in brackets
        return f"`[{hide_identifiers(written)}]` is a list (in brackets), which holds texts only: one number or " \
            "date is written without brackets", f"{loc[-2]}: {written}" if hide_identifiers(written) == written \
            else None
    if (shaped := _shape_problem(located, loc, "string_type", value)) is not None:
        return shaped
    return f"the item is {'a mapping' if isinstance(value, dict) else 'a list'}: a list of texts holds texts only", \
        None


def _shape_problem(located: Located, loc: DataPath, kind: str, value: Any) -> tuple[str, str | None] | None:
    """A value written in another shape than its key takes, in plain words, with the line as it should
    read: a number or a date where text is taken (``version: 2022.10``, which YAML reads as 2022.1), a
    plain text where a text in both languages is (``title: Warga Negara Indonesia``), one value where a
    list is (``instalments: 600000``); None for any other problem."""
    key = loc[-1] if loc and isinstance(loc[-1], str) else None
    written = _written(located, loc)
    shown = hide_identifiers((written or str(value))[:60])
    scalar = isinstance(value, int | Decimal | date)
    if value is None and kind.endswith("_type") and kind not in ("model_type", "dict_type"):
        return "no value is written (nothing after the colon, or `null`): write one, or leave the key out where " \
            "it may be left out", None
    if kind == "string_type" and scalar:
        what = "a date" if isinstance(value, date) else "true or false" if isinstance(value, bool) else "a number"
        same = written.rstrip("0").rstrip(".") if written and "." in written and written.endswith("0") else None
        lost = f" (the same number as {same})" if same else ""
        return f"`{shown}` is read as {what}{lost}: text is written in quotes", \
            f'{key}: "{written}"' if key and written and shown == written else None
    if kind == "string_type" and isinstance(value, list):
        one = value[0] if len(value) == 1 and isinstance(value[0], str) and "\n" not in value[0] else None
        return f"a list (in brackets) where {f'`{key}`' if key else 'this'} takes one text: write it without the " \
            "brackets", f"{key}: {one}" if key and one is not None and hide_identifiers(one) == one else None
    if kind == "string_too_short":
        return "nothing is written here: write its text, or leave the key out where it may be left out", None
    if kind in ("bool_parsing", "bool_type"):
        yes = str(value).strip().lower() in ("ya", "y", "yes", "benar", "1", "on", "iya")
        return f"`{shown}` is not true or false: write `true` or `false` (not ya/tidak or yes/no)", \
            f"{key}: {'true' if yes else 'false'}" if key else None
    if kind in ("model_type", "dict_type") and key in _TEXTS and isinstance(value, str):
        fixed = json.dumps(value, ensure_ascii=False)
        return f"`{shown}` is one text: a {key} is written in both languages, `{{id: \"…\", en: \"…\"}}` (Bahasa " \
            "Indonesia, then English)", f'{key}: {{id: {fixed}, en: "…"}}' if hide_identifiers(value) == value else None
    if kind == "list_type" and (scalar or isinstance(value, str)):
        return f"`{shown}` is one value: a list is written in brackets, even of one item", \
            f"{key}: [{written}]" if key and written and shown == written and scalar else None
    if kind in ("model_type", "dict_type") and not isinstance(value, dict):
        return _mapping_problem(loc, key, shown, written, value)
    return None


def _mapping_problem(loc: DataPath, key: str | None, shown: str, written: str | None,
                     value: Any) -> tuple[str, str | None] | None:
    """One value where a mapping is taken: a parameter's bare value, a window's bare date, a benefit's
    bare amount, dated values written as a list; with the line as it should read."""
    digits_in_text = isinstance(value, str) and any(c.isdigit() for c in value)  # `3.500.000`: not to repeat
    plain = written if written and shown == written and not isinstance(value, list | None) and not digits_in_text \
        else None
    what = f"`{key}:` has no value" if value is None else "a list" if isinstance(value, list) else f"`{shown}` alone"
    if len(loc) == 2 and loc[0] == "parameters":
        return f"{what}: a parameter is a mapping, its value under `value:` (or dated `values:`) beside its " \
            "`source`", f"{key}: {{value: {plain}, source: …}}" if plain else None
    if loc[-1:] == ("values",) and loc[:1] == ("parameters",):
        return f"{what}: dated `values` map each date to the value from that date, one a line " \
            "(`YYYY-MM-DD: value`)", f"values: {{YYYY-MM-DD: {plain}}}" if plain else None
    if key == "in_force":
        return f"{what}: `in_force` is a mapping of the first day in force and, if it ends, the last", \
            f"in_force: {{from: {plain}}}" if plain and isinstance(value, date) else None
    if loc == ("benefit",):
        return f"{what}: the benefit is a mapping, the amount under `amount:`", \
            f"benefit: {{amount: {plain}}}" if plain else None
    return None


def _written(located: Located, loc: DataPath) -> str | None:
    """The text of the plain value at ``loc`` as its line writes it, if it is one (not quoted, a list,
    a mapping or over lines)."""
    if loc not in located.values or located.styles.get(loc) is not None:
        return None
    line, col = located.values[loc]
    whole = located.lines[line - 1] if line <= len(located.lines) else ""
    text = re.split(r"\s#", whole[col - 1:], maxsplit=1)[0]
    before = whole[:col - 1]
    if before.count("{") + before.count("[") > before.count("}") + before.count("]"):  # in `{…}` or `[…]`
        text = re.split(r"[,}\]]", text, maxsplit=1)[0]
    text = text.strip()
    return text if text and text[0] not in "[{'\"|>" and not text.endswith(":") else None


def _misspelt_once(found: list[tuple[DataPath, Diagnostic]]) -> list[tuple[DataPath, Diagnostic]]:
    """Without the missing key that a mistyped key beside it is meant to be (``eng`` for ``en``): one
    mistake, told once, at the mistyped key."""
    meant = {(*loc[:-1], d.suggestion) for loc, d in found if d.code == Code.UNKNOWN_KEY and d.suggestion}
    return [(loc, d) for loc, d in found if not (d.code == Code.MISSING_KEY and loc in meant)]


_LOOKALIKES = str.maketrans("аеорсухіјѕАВЕКМНОРСТХІЈЅοαικνρΑΒΕΗΙΚΜΝΟΡΤΥΧΖıłŁøØđĐħ",
                            "aeopcyxijsabekmhopctxijsoaikvpabehikmnoptyxzillooddh")
"""Cyrillic and Greek letters drawn as a Latin one (a name pasted from a document in another script), and the
Latin letters with a stroke or without a dot that no decomposition takes to a-z."""


def _folded(name: str) -> str:
    """``name`` with its lookalikes read as Latin letters and its accents dropped (``cítizen``, ``cıtizen`` ->
    ``citizen``)."""
    return "".join(c for c in unicodedata.normalize("NFKD", name.translate(_LOOKALIKES))
                   if not unicodedata.combining(c))


def _name_problem(name: str, pattern: str, what: str | None = None) -> tuple[str, str | None]:
    """What is wrong with a name or a rule id (``what``: the thing named, as a message says it), and
    how it is probably meant."""
    joiner = "_" if "_" in pattern else "-"
    what = what or ("a name" if joiner == "_" else "a rule id")
    meant = re.sub(f"[^a-z0-9{joiner}]+", joiner, _folded(name).lower()).strip(joiner)
    starts = "a letter or a digit" if joiner == "-" else "a letter"
    foreign = next((c for c in name if c.isalpha() and not c.isascii()), None)
    told = f" (`{foreign}` is {unicodedata.name(foreign, 'a letter').title()}, not a letter a-z)" if foreign else ""
    message = f"`{_shown(name)}` cannot be {what}: {what} is lower-case letters, digits and `{joiner}`, " \
        f"starting with {starts}{told}"
    return message, meant if meant and re.fullmatch(pattern, meant) else None


def _shown(name: str) -> str:
    """A name as a message shows it: its first 60 characters, control characters escaped, long digit runs
    left out."""
    return hide_identifiers("".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in name[:60]))


def _parameter_problem(located: Located, loc: DataPath) -> tuple[DataPath, str, str | None] | None:
    """The value of parameter ``loc`` that is wrong, what is wrong with it, and how to write it."""
    raw = located.data["parameters"][loc[1]]
    unit = raw.get("unit") if raw.get("unit") in ("IDR", "months", "days") else None
    values = {("value",): raw["value"]} if "value" in raw else \
        {("values", k): v for k, v in raw["values"].items()} if isinstance(raw.get("values"), dict) else {}
    for path, value in values.items():
        problem = misfit(value, unit)
        if problem is not None:
            return (*loc, *path), *problem
    return None


_TEXTS = frozenset({"title", "description", "note", "notes", "explain"})
"""The keys whose value is a text in both languages (``schema.Text``)."""


_FORMS = {"^[0-9]{4}$": "is not a regency or city code: write its 4 digits, such as 3273",
          "^[^0-9]*$": "holds a digit: a place's name is written in words"}
"""What a glossary's patterns take, in words."""


def _fields_at(root: type[BaseModel], path: DataPath) -> list[str]:
    """The keys a mapping at ``path`` of a ``root`` model takes (none when it is no model's)."""
    t: Any = root
    for part in path:
        t = _unwrapped(t)
        if isinstance(t, type) and issubclass(t, BaseModel):
            field = next((f for n, f in t.model_fields.items() if part in (n, f.alias)), None)
            t = field.annotation if field is not None else None
        elif get_origin(t) in (dict, list, tuple):
            t = get_args(t)[-1 if get_origin(t) is dict else 0]
        else:
            return []
    t = _unwrapped(t)
    return [f.alias or n for n, f in t.model_fields.items()] if isinstance(t, type) and issubclass(t, BaseModel) \
        else []


def _unwrapped(t: Any) -> Any:
    """A type without its ``Annotated`` and ``None`` (``X | None``: X)."""
    while get_origin(t) is Annotated or isinstance(t, UnionType) or get_origin(t) is Union:
        t = get_args(t)[0] if get_origin(t) is Annotated else next(a for a in get_args(t) if a is not type(None))
    return t


def _kind_of(value: Any) -> str:
    return "a list" if isinstance(value, list) else "nothing" if value is None else "a single value"


def _rule_id(located: Located, loc: DataPath) -> str | None:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = located.data.get("rules") if isinstance(located.data, dict) else None
        if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            rid = rules[loc[1]].get("id")
            return rid if isinstance(rid, str) and len(rid) <= MAX_NAME and RULE_ID.fullmatch(rid) \
                and not IDENTIFIER.search(rid) else None  # never a line break, nor a NIK, nor a page of text
    return None
