"""One override as given on the command line, and its value read and checked as the rule file's.

``Override`` is ``--set NAME[@DATE]=VALUE`` or ``--table NAME=FILE`` as typed (every problem is named
by the option as typed); ``read_value`` reads a value as the rule file reads one; ``checked_parameter``,
``checked_benefit`` and ``replacement_table`` give the parameter, benefit or table it makes, or None
with its problems told in the rule file's words; ``same_rows``, whether a replacement holds the rows of
the table it replaces. ``overrides`` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bsu_rules.errors import Code
from bsu_rules.members.redact import cut, hide_typed
from bsu_rules.ruleset.diagnostics import Diagnostic, nearest
from bsu_rules.ruleset.misread import misread_number
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.param_types import parameter_type, value_type
from bsu_rules.ruleset.schema import UNIT_WORDS, Benefit, Parameter, benefit_misfit, misfit
from bsu_rules.ruleset.source import read_yaml
from bsu_rules.ruleset.spelling import bracketed, meant_value
from bsu_rules.ruleset.tables import Table, read_table
from bsu_rules.ruleset.types import INT_LIMIT, Type, unify

BENEFIT_KEYS = ("amount", "monthly", "months", "instalments")


@dataclass(frozen=True)
class Override:
    """One override as given: ``set`` (a parameter or ``benefit.<key>``, optionally from a date) or ``table``."""

    kind: str  # "set" | "table"
    name: str
    text: str  # the value as written (a file path for a table)
    since: date | None = None
    flag: str | None = None  # the option it was typed in when not --KIND (``against``)

    @property
    def assignment(self) -> str:
        """``NAME[@DATE]=VALUE`` as given."""
        at = f"@{self.since}" if self.since else ""
        return f"{self.name}{at}={self.text}"

    @property
    def option(self) -> str:
        """The option as typed (``--set wage_ceiling=4000000``, ``--against wage_ceiling=3800000``)."""
        return f"--{self.flag or self.kind} {self.assignment}"

    def adding(self, assignment: str, lang: str = "en") -> str:
        """How to give ``assignment`` (``as_of=2022-06-30``) beside this override, in English or (``id``)
        Bahasa Indonesia."""
        if lang == "id":
            return f"tambahkan `,{assignment}` pada --{self.flag}" if self.flag else \
                f"tambahkan --{self.kind} {assignment}"
        return f"add `,{assignment}` to --{self.flag}" if self.flag else f"add --{self.kind} {assignment}"


class _Bad:
    pass


BAD: Any = _Bad()
"""What ``read_value`` gives for a value it could not read (its problem told)."""


def diag(where: str, code: Code, message: str, suggestion: str | None = None, *, typed: bool = True) -> Diagnostic:
    """A problem with an override, the option as given: a NIK-like number typed as a value is hidden
    (``typed``; else, for a message quoting a file, any the message holds). A value refused as a rule
    file's would be is told why on the command line: nothing is published, but the run's outputs carry it."""
    message = message.replace(_PUBLISHED, "a what-if's values are written into every decision and report it "
                                          "makes, which name no person")
    return Diagnostic(where, 1, 1, code, message, suggestion=suggestion, typed=typed)


_PUBLISHED = "a rule file is published as written, so it names no person"
"""Why a rule file refuses a NIK-like value (``schema.NIK_NUMBER``), as the schema's checks say it."""


def read_value(text: str, where: str, problems: list[Diagnostic], unit: str | None, *, listed: bool = True) -> Any:
    """A value read as the rule file reads one (a YAML scalar or a list); a number YAML reads as text
    (``04000000``, ``0x355``) is refused in the rule file's words (``unit``: the value's, if any); so is
    one carrying YAML syntax beyond plain data (``yaml_marks``), and a list written as YAML's block list
    (``- BRI``) where a list may be meant (``listed``: elsewhere it is told it is a list, as it is)."""
    marked, block = yaml_marks(text), block_list(text) if listed else None
    if block is not None and (block[1] is not None or marked is None):  # `- BRI # c`: in brackets, no comment
        marked = block
    elif block is not None and marked is not None:  # `- &a BRI\n- *a`: its lines run together are no value
        marked = (marked[0], None)
    if marked is not None:
        problems.append(diag(where, Code.INVALID_VALUE, *marked))
        return BAD
    located = read_yaml(text, where)
    huge = [d for d in located.diagnostics if d.code is Code.LITERAL_TOO_LARGE]
    if huge:  # told as the rule file tells it, not as "not a value"
        small = "after the decimal point" in huge[0].message  # `1e-400`: too small, not too large
        problems.append(diag(where, Code.LITERAL_TOO_LARGE, huge[0].message if small else
                             f"{huge[0].message}, larger than the engine computes with exactly (at most 2**63 - 1, "
                             "about 9.2 x 10**18, either side of 0)"))
        return BAD
    if located.diagnostics or isinstance(located.data, dict):
        opened = text.lstrip()[:1] == "[" and text.count("[") > text.count("]")
        problems.append(diag(where, Code.INVALID_VALUE, f"`{_said(text)}` is not a value (a number, "
                                                      "date, month, text or [list])" +
                              ("; the list's closing `]` is missing" if opened else ""),
                              text.rstrip() + "]" if opened and text.count("[") == text.count("]") + 1
                              and hide_typed(text) == text else None))
        return BAD
    if isinstance(located.data, str) and located.styles.get(()) is None and \
            (misread := misread_number(located.data, unit)) is not None:
        problems.append(diag(where, Code.INVALID_VALUE, *misread))
        return BAD
    return located.data


_MARKS: dict[type[yaml.Token], str] = {yaml.AnchorToken: "an anchor", yaml.AliasToken: "an alias",
                                        yaml.TagToken: "a tag", yaml.DirectiveToken: "a directive",
                                        yaml.DocumentStartToken: "a document marker",
                                        yaml.DocumentEndToken: "a document marker"}
"""YAML syntax that a value typed on the command line is refused for: YAML would read ``&a 5`` or
``!!int 5`` as 5, while the what-if's warnings, report and hash name the text as typed."""
_SCANNER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _said(text: str) -> str:
    """A value typed on the command line as a message quotes it: a NIK or account number in it hidden, then cut to
    40 characters (cut first, a number's first digits would be shown)."""
    return cut(hide_typed(text), 40)


def yaml_marks(text: str) -> tuple[str, str | None] | None:
    """What YAML syntax beyond plain data ``text`` holds (an anchor, an alias, a tag, a comment, a
    directive or a document marker), as a message and the value written without it (None when there
    is none left, or it would repeat a NIK); None for plain data, or a text YAML cannot read (told as
    it always was)."""
    try:
        tokens = list(yaml.scan(text, Loader=_SCANNER))
    except yaml.YAMLError:
        return None
    found: dict[str, str] = {}  # what, as the message names it: the first written
    kept: list[str] = []  # the text without it
    anchored: dict[str, str] = {}  # an anchor's scalar, for an alias to stand for
    end = 0
    for at, token in enumerate(tokens):
        start = token.start_mark.index
        gap = text[end:start]
        if "#" in gap:  # between tokens only blanks and comments: a `#` there starts one
            cut = gap.index("#")
            found.setdefault("a comment", text[end + cut:].split("\n", 1)[0].rstrip())
            gap = "\n".join(line.split("#", 1)[0].rstrip() for line in gap.split("\n"))
        kept.append(gap)
        end = max(end, token.end_mark.index)
        written = text[start:token.end_mark.index]
        what = _MARKS.get(type(token))
        if what is None:
            kept.append(written)
            continue
        found.setdefault(what, written)
        if isinstance(token, yaml.AnchorToken) and isinstance(tokens[at + 1], yaml.ScalarToken):
            anchored[str(token.value)] = text[tokens[at + 1].start_mark.index:tokens[at + 1].end_mark.index]
        elif isinstance(token, yaml.AliasToken):
            kept.append(anchored.get(str(token.value), "\x00"))  # none to stand for: no suggestion
        if end < len(text) and text[end] == " ":
            end += 1  # `&a 5`: the value alone, without the blank that parted it
    kept.append(text[end:])
    if not found:
        return None
    fixed = " ".join("".join(kept).split())
    kinds = " and ".join(f"{what} (`{_said(written)}`)" for what, written in found.items())
    quoted = "; to keep a ` #` in a text, quote it (\"a # b\")" if "a comment" in found else ""
    return (f"`{_said(text)}` holds YAML syntax, {kinds}, that a value given on the command line does "
            f"not take: YAML would read past it while the what-if's warnings, report and hash name the value "
            f"as typed{quoted}",
            fixed if fixed and "\x00" not in fixed and hide_typed(fixed) == fixed else None)


def block_list(text: str) -> tuple[str, str | None] | None:
    """A list ``text`` writes as YAML's block list, an item a line (``- BRI``, ``- BRI\\n- BNI``), as a message
    and the list in brackets, its items as written (``[BRI, BNI]``; None when an item is no text or number alone,
    or reads otherwise in brackets); None for any other text. A value given on the command line writes a list in
    brackets, as the rule file's parameters do."""
    try:
        tokens = list(yaml.scan(text, Loader=_SCANNER))
    except yaml.YAMLError:
        return None
    if not any(isinstance(t, yaml.BlockEntryToken) for t in tokens):
        return None
    inner = [t for t in tokens if not isinstance(t, yaml.StreamStartToken | yaml.StreamEndToken |
                                                  yaml.BlockSequenceStartToken | yaml.BlockEndToken)]
    flow: str | None = None
    entries, items = inner[::2], inner[1::2]
    if inner and len(entries) == len(items) and all(isinstance(e, yaml.BlockEntryToken) for e in entries) and \
            all(isinstance(item, yaml.ScalarToken) for item in items):
        flow = "[" + ", ".join(text[t.start_mark.index:t.end_mark.index] for t in items) + "]"
        try:
            same = yaml.safe_load(flow) == yaml.safe_load(text)
        except yaml.YAMLError:
            same = False
        flow = flow if same and hide_typed(flow) == flow else None
    shown = _said(text.strip()).replace("\n", "\\n")
    written = f", `{flow}`" if flow else ""
    return (f"`{shown}` is a list written as YAML's block list (`- item` a line), which a value given on the "
            f"command line does not take: write the list in brackets{written} (in quotes for the shell)", flow)


def unit_of(ruleset: RuleSet, name: str) -> str | None:
    """The unit of what ``--set NAME`` sets: the parameter's, rupiah for the benefit, None otherwise."""
    if name.startswith("benefit."):
        return "IDR"
    param = ruleset.model.parameters.get(name)
    return param.unit if param is not None else None


def checked_parameter(given: Override, old: Parameter, value: Any, ruleset: RuleSet,
               problems: list[Diagnostic]) -> Parameter | None:
    """The parameter ``old`` holding ``value`` (read from ``given``), or None with its problem told
    (named by the option as typed)."""
    name, since, where = given.name, given.since, given.option
    wanted = ruleset.param_types.get(name)
    if isinstance(value, list) and any(not isinstance(item, str) for item in value):  # `[1]`, `[[BRI]]`
        problems.append(diag(where, Code.TYPE_MISMATCH, _not_texts(given, old, wanted, value)))
        return None
    if since is None:
        update: dict[str, Any] = {"value": value, "values": None}
    else:  # a dated value, as `values:` in the file; an undated one holds from the edition's start
        start = ruleset.model.in_force.from_ or ruleset.model.as_of
        if value is None and since <= start:
            problems.append(diag(where, Code.INVALID_VALUE, f"`{name}` unset from {since}, on or before the "
                                 f"edition's start ({start}), has no value on any day the edition covers: give a "
                                 f"date after {start}"))
            return None
        earlier = dict(old.values) if old.values is not None else {min(start, since): old.value}
        update = {"value": None, "values": earlier | {since: value}}
    try:
        new = Parameter.model_validate(old.model_dump(by_alias=True) | update)
    except ValidationError as exc:
        problem = misfit(value, old.unit)  # the value as it should probably be written, as `check` suggests it
        problems.append(diag(where, Code.INVALID_VALUE, str(exc.errors()[0]["msg"]).removeprefix("Value error, "),
                              problem[1] if problem else None))
        return None
    got = parameter_type(new)
    if wanted is not None and wanted.name == "list" and isinstance(value, str):  # `BRI,BNI`: one text
        listed = hide_typed(bracketed(value))
        problems.append(diag(where, Code.TYPE_MISMATCH, f"`{name}` is a list, and `{hide_typed(value)}` one "
                              f"text: a list is written in brackets, `{listed}` (in quotes for the shell: --set "
                              f"'{name}={listed}')", listed if hide_typed(value) == value else None))
        return None
    if wanted is not None and (got is None or unify(wanted, got) != wanted):
        meant = meant_value(wanted.name, value)
        said = _said(str(value))
        problems.append(diag(where, Code.TYPE_MISMATCH, f"`{name}` is {_KINDS.get(wanted.name, wanted.name)}; "
                              f"`{said}` is {_KINDS.get(got.name, got.name) if got else 'of mixed kinds'}", meant))
        return None
    return new


def _not_texts(given: Override, old: Parameter, wanted: Type | None, value: list[Any]) -> str:
    """A list holding an item that is not text (``[1]``, ``[[BRI]]``), in words: what the parameter
    is, and what the list is (for a parameter of one value) or holds."""
    said = _said(given.text)
    if wanted is not None and wanted.name != "list":
        kind = _KINDS.get(wanted.name, wanted.name)
        return f"`{given.name}` is {f'{UNIT_WORDS[old.unit]} ({kind})' if old.unit else kind}; `{said}` is a list"
    item = next(item for item in value if not isinstance(item, str))
    if item is None or isinstance(item, list | dict):
        held = "an empty item (null)" if item is None else "a list" if isinstance(item, list) else "a mapping"
    else:
        held = f"{_KINDS[value_type(item).name]}: text is written in quotes"
    return f"`{given.name}` is a list of texts; `{said}` holds {held}"


_KINDS = {"int": "a whole number", "decimal": "a number", "str": "text", "date": "a date (YYYY-MM-DD)",
          "month": "a month (YYYY-MM)", "bool": "true or false", "list": "a list in brackets"}
"""A value's kind in words, as a message names it."""


def checked_benefit(old: Benefit, given: dict[str, tuple[Override, Any]], problems: list[Diagnostic]) -> Benefit | None:
    """The benefit ``old`` with the keys ``given`` (each with its override), or None with its problem
    told, named by the option(s) as typed."""
    values = {key: value for key, (_, value) in given.items()}
    data = old.model_dump() | values
    if "amount" not in given and ("monthly" in given or "months" in given):
        if data.get("monthly") is None or data.get("months") is None:
            problems.append(diag(next(given[k][0].option for k in ("monthly", "months") if k in given),
                                  Code.INVALID_VALUE, "benefit.monthly and benefit.months go together (set both, "
                                  "or set benefit.amount)"))
            return None
        if all(type(data[k]) is int and data[k] > 0 for k in ("monthly", "months")):  # else the model names the
            data["amount"] = data["monthly"] * data["months"]  # option given, not an amount made from it
    if "instalments" not in given and len(old.instalments) == 1:
        data["instalments"] = [data["amount"]]
    elif "instalments" not in given and not old.instalments:
        del data["instalments"]  # the rule file gives none: still none
    try:
        return Benefit.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else None
        where = given[key][0].option if key in given else ", ".join(o.option for o, _ in given.values())
        problem = benefit_misfit(key, first["input"]) if key is not None else None
        message = str(first["msg"]).removeprefix("Value error, ")
        advice = _adding_up(data, given) if key is None else None
        problems.append(diag(where, Code.INVALID_VALUE, f"{message}: {advice}" if advice else message,
                              problem[1] if problem else None))
        return None


def _adding_up(data: dict[str, Any], given: dict[str, tuple[Override, Any]]) -> str | None:
    """What makes a benefit add up again (its amount is monthly x months and the sum of its instalments):
    the options to add, keeping what was given, else what given to change; None when a value is not a
    whole number, or past 64 bits. Said in words, not as a list of amounts, which a message would hide
    as one long number."""
    amount, monthly, months = data.get("amount"), data.get("monthly"), data.get("months")
    instalments = data.get("instalments") or []
    if type(amount) is not int or not all(type(v) is int for v in instalments) or \
            not all(v is None or type(v) is int for v in (monthly, months)):
        return None
    add, change, made = [], [], "benefit.amount"
    if instalments and "instalments" in given and "amount" not in given:
        amount, made = sum(instalments), "the amount the instalments add up to"  # the instalments given decide it
        add.append(f"--set benefit.amount={amount}")
    if monthly is not None and months is not None and monthly * months != amount:
        if "monthly" not in given and months and amount % months == 0:
            add.append(f"--set benefit.monthly={amount // months}")
        elif "months" not in given and monthly and amount % monthly == 0:
            add.append(f"--set benefit.months={amount // monthly}")
        elif "monthly" in given or "months" in given:
            return f"benefit.monthly x benefit.months ({monthly * months}) must make {made} ({amount}): " \
                   "change one of them"
        else:
            return f"set benefit.monthly and benefit.months to make {amount}"
    if instalments and sum(instalments) != amount:
        n = len(instalments)
        each = f"{n} instalments adding up to {amount}" if amount % n else \
            f"{n} instalment{'s' * (n > 1)} of {amount // n}"
        if "instalments" in given:  # what was given is what to change
            change.append(f"--set benefit.instalments to {each}")
        else:
            add.append(f"--set \"benefit.instalments=[…]\" with {each}")
    said = ([f"add {' and '.join(add)}"] if add else []) + ([f"change {' and '.join(change)}"] if change else [])
    return ", and ".join(said) if said and amount <= INT_LIMIT else None  # past 64 bits: no advice


def replacement_table(ruleset: RuleSet, o: Override, base: Path, problems: list[Diagnostic]) -> Table | None:
    where = o.option
    old = ruleset.tables.get(o.name)
    if old is None:
        problems.append(diag(where, Code.UNKNOWN_NAME, f"unknown table `{o.name}` in {ruleset.id}",
                              nearest(o.name, ruleset.tables)))
        return None
    if not o.text:
        problems.append(diag(where, Code.TABLE, f"no table file after `=`: write --table {o.name}=FILE"))
        return None
    path = (base / o.text).resolve()  # named by the caller, not by a rule file: read from its own folder
    new, errors = read_table(o.name, old.ref.model_copy(update={"file": path.name}), path.parent, shown=o.text)
    if new is None:  # every one, at its row when there is one: `mw.csv:4:1: … (--table minimum_wage=mw.csv)`
        problems.extend(Diagnostic(o.text, exc.line, exc.column, Code.TABLE, f"{exc.message} ({where})",
                                   suggestion=exc.suggestion) if exc.line is not None
                        else diag(where, Code.TABLE, str(exc), typed=False) for exc in errors)
        return None
    new = replace(new, ref=new.ref.model_copy(update={"file": str(path)}))  # where the archive reads it from
    if new.type != old.type:
        problems.append(diag(where, Code.TYPE_MISMATCH, f"table `{o.name}` holds {_holds(old)} in the rule file; "
                                                      f"{o.text} gives {_holds(new)}"))
        return None
    return new


def _holds(table: Table) -> str:
    """What a table's values are, in a message."""
    if table.values is None:
        return "keys without values"
    return "numbers" if table.type.item is not None and table.type.item.name == "decimal" else "text values"


def same_rows(old: Table, new: Table) -> bool:
    """Whether two tables hold the same keys, values and bounds (their files may differ in layout)."""
    return (old.keys, old.values, old.bounds) == (new.keys, new.values, new.bounds)
