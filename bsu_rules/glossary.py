"""The glossary: the words people read in place of the names rule files and records use.

It is data shipped beside the rules (``rules/glossary/glossary.yaml``), read as safe YAML. A rule file with a
``glossary/glossary.yaml`` in its folder is checked against it: every name the file introduces or reads
needs an entry (``missing_entries``, reported by ``bsu-rules check``). Renderers ask it for labels,
value words, channel names and regulation names, and never print an internal name to a worker.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from bsu_rules.errors import BsuRulesError, Code, Diagnostic
from bsu_rules.formatting import format_date, format_month, format_value, format_year, number, rupiah
from bsu_rules.members.redact import hide_identifiers
from bsu_rules.nik import PROVINCES
from bsu_rules.ruleset.diagnostics import nearest
from bsu_rules.ruleset.editions import bundled_rules
from bsu_rules.ruleset.expressions import Binary, Call, Cond, ListLit, Lit, Name, Node, ParseError, parse, walk
from bsu_rules.ruleset.files import RULE_FILE_LIMIT, UnsafePath, read_limited
from bsu_rules.ruleset.schema import Day, Key, Said, Text, Written
from bsu_rules.ruleset.source import Located, read_yaml
from bsu_rules.ruleset.sources import amended_text, source_parts
from bsu_rules.ruleset.types import HISTORIES

if TYPE_CHECKING:
    from bsu_rules.ruleset.model import RuleSet
    from bsu_rules.ruleset.source import Path as DataPath

FILE = "glossary/glossary.yaml"
Format = Literal["rp", "date", "month", "year", "months", "regency", "nik", "list", "text"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_Model):
    """What a name reads as, how its value is shown, what an empty value means, and what a sentence says
    for a value of 0 (``zero``: a limit of 0 months is "none" where "0 months" would read as a limit)."""

    id: Said
    en: Said
    format: Format = "text"
    none: Written | None = None
    zero: Written | None = None


class Amendment(_Model):
    """A later regulation that changed a regulation's text, from the day it took effect."""

    by: str
    from_: Day = Field(alias="from")


class Regulation(Written):
    """A regulation's full name, as a citation names it, and the amendments of its text by date: a
    decision dated on or after the first that applies the text as it was first written cites it as
    the text before that amendment. ``articles_unconfirmed``: the article numbers the rule files cite of
    it could not be checked against its text; every citation of an article of it says so."""

    amended: tuple[Amendment, ...] = ()
    articles_unconfirmed: bool = False


class GlossaryError(BsuRulesError, ValueError):
    """The glossary file itself is malformed; ``invalid``: its values that are not what the schema takes, and
    where they are in it; ``unread``: why it could not be read as YAML (a repeated key, a tab), each at its
    line in it, with its own code (both told at their lines by ``check``)."""

    code = Code.GLOSSARY
    invalid: tuple[ValidationError, Located] | None = None
    unread: tuple[Diagnostic, ...] = ()


RegencyCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
PlaceName = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"^[^0-9]*$")]


def _invalid(where: tuple[str, int, str], value: str, message: str) -> NoReturn:
    """A glossary amendment's problem at ``legal_basis.KEY.amended.N.FIELD``, where a file shows it."""
    key, n, field = where
    raise ValidationError.from_exception_data("Glossary", [{
        "type": PydanticCustomError("value_error", "{message}", {"message": message}),
        "loc": ("legal_basis", key, "amended", n, field), "input": value}])


class Glossary(_Model):
    """The words explanations use; shown to everyone as written, so no entry holds a NIK- or
    account-like number."""

    names: dict[Key, Label] = {}
    values: dict[Key, dict[Key, Written]] = {}
    channels: dict[Key, Written] = {}
    channel_reasons: dict[Key, Written] = {}  # why the rules pay through a channel other than the recorded bank
    functions: dict[Key, Written] = {}
    rules: dict[Key, Written] = {}
    legal_basis: dict[Key, Regulation] = {}  # the regulation's full name, as a citation names it
    steps: dict[Key, Written] = {}  # what to bring or update when an input is missing, and who keeps it
    unknown: dict[Key, Written] = {}  # why a function finds nothing in a member history on record, by name/arity
    places: dict[RegencyCode, PlaceName] = {}  # a regency/city code's name, said where no table names the code

    @model_validator(mode="after")
    def _amendments_are_known(self) -> Glossary:
        """Each amendment names another regulation listed, in date order; told at the amendment's own
        value (a check of the whole file would otherwise be placed at its first line)."""
        for key, regulation in self.legal_basis.items():
            for n, amendment in enumerate(regulation.amended):
                if amendment.by not in self.legal_basis:
                    near = nearest(amendment.by, [k for k in self.legal_basis if k != key])
                    _invalid((key, n, "by"), amendment.by, f"`{amendment.by}` is no key of `legal_basis`: list it "
                             "there with the regulation's name" + (f"; did you mean `{near}`?" if near else ""))
                if amendment.by == key:
                    _invalid((key, n, "by"), key, f"a regulation is amended by another one, not by `{key}` itself")
                if n and amendment.from_ < regulation.amended[n - 1].from_:
                    _invalid((key, n, "from"), str(amendment.from_), "list the amendments by date: this one is "
                             f"older than the one before it ({regulation.amended[n - 1].from_})")
        return self

    def label(self, name: str, lang: str) -> str:
        """A name as it reads inside a sentence; the name itself if it has no entry."""
        entry = self.names.get(name)
        return getattr(entry, lang) if entry else name

    def labels(self, names: list[str], lang: str) -> str:
        """Names as words joined in prose, each said once (two names may read alike)."""
        return join(list(dict.fromkeys(self.label(n, lang) for n in names)), lang)

    def unrecorded(self, names: list[str], lang: str) -> str:
        """That names are not on record, each said on its own, so that two never read as one ("the wage
        reports from the employer and regency or city of work"): "there is no record of the A, nor of the B"
        / "data A tidak tercatat, begitu pula data B"."""
        said = list(dict.fromkeys(self.label(n, lang) for n in names))
        if lang == "id":
            return f"data {said[0]} tidak tercatat" + (
                f", begitu pula {join([f'data {s}' for s in said[1:]], lang)}" if said[1:] else "")
        return "there is no record of the " + ", nor of the ".join(said)

    def word(self, value: str, lang: str, field: str | None = None) -> str | None:
        """The words for a value of ``field`` (of any field if not given); None if unknown."""
        tables = [self.values.get(field, {})] if field else list(self.values.values())
        for table in tables:
            if value in table:
                return str(getattr(table[value], lang))
        return None

    def channel(self, name: str, lang: str) -> str:
        """A payment channel the glossary names, in its words (a bank it does not name: ``page_data.channel_named``)."""
        return str(getattr(self.channels[name], lang))

    def step(self, name: str, lang: str) -> str | None:
        """What to bring or update when ``name`` (a member field, a table or a row of one) is missing, by
        its entry or the nearest enclosing one's (``member.bank_account.number`` -> ``member.bank_account``,
        ``table.minimum_wage[3273]`` -> ``table.minimum_wage``); None if it has none."""
        name = name.partition("[")[0]
        while name:
            entry = self.steps.get(name)
            if entry is not None:
                return str(getattr(entry, lang))
            name = name.rpartition(".")[0]
        return None

    def rule(self, rule_id: str, lang: str) -> str:
        entry = self.rules.get(rule_id)
        return getattr(entry, lang) if entry else rule_id

    def zero(self, name: str, value: Any, lang: str) -> str | None:
        """What an explanation's placeholder without a format says for a value of 0 of ``name``: the entry's
        ``zero`` words, where it has them (a data line or a banner still shows the count: ``0 bulan``)."""
        entry = self.names.get(name)
        if entry is None or entry.zero is None or isinstance(value, bool) or not isinstance(value, int | Decimal) \
                or value != 0:
            return None
        return str(getattr(entry.zero, lang))

    def show(self, name: str, value: Any, lang: str, places: Places | None = None) -> str:
        """A value of ``name`` for people, formatted as the glossary says; a regency by its name when
        ``places`` knows it."""
        entry = self.names.get(name)
        fmt = entry.format if entry else "text"
        if value is None:
            return getattr(entry.none, lang) if entry and entry.none else format_value(None, lang)
        if isinstance(value, dict) and set(value) == {"at_least"}:  # a lower bound, as the trace shows it
            return AT_LEAST[lang] + self.show(name, value["at_least"], lang, places)
        if isinstance(value, list):
            return ", ".join(self.show(name, v, lang, places) for v in value)
        if isinstance(value, bool):
            return format_value(value, lang)
        if fmt == "rp" and isinstance(value, int | Decimal | str):
            return rupiah(Decimal(str(value)) if isinstance(value, str) else value)
        if fmt == "date" and isinstance(value, str):
            return format_date(date.fromisoformat(value), lang)
        if fmt == "date" and isinstance(value, date):
            return format_date(value, lang)
        if fmt == "month" and isinstance(value, str):
            return format_month(value, lang)
        if fmt == "year" and isinstance(value, int):
            return format_year(value, lang)
        if fmt == "months" and isinstance(value, int):
            return months(value, lang)
        if fmt == "regency" and isinstance(value, str):
            return regency(value, lang, places)
        if isinstance(value, str):
            return self.word(value, lang, name) or value
        if isinstance(value, int | Decimal):
            return number(value, lang)
        return format_value(value, lang)

    def describe(self, label: str, parameters: dict[str, Any], lang: str) -> str:
        """A trace label (a name, or a call over a member history) as words."""
        call = _call(label) if "(" in label else None
        if call is None:
            return self.label(label, lang)
        template = self.functions.get(f"{call.func.dotted}/{len(call.args)}")
        return label if template is None else self._fill(template, call, parameters, lang)

    def call_words(self, section: Mapping[str, Text], tree: Node, parameters: dict[str, Any], lang: str) -> str | None:
        """The words ``section`` (``unknown`` or ``steps``) gives the first call in ``tree`` it has an entry for
        (by ``name/arity``), its arguments said in words ("{2}": "Juli 2022"); None if it has none."""
        for node in walk(tree):
            if isinstance(node, Call) and (entry := section.get(f"{node.func.dotted}/{len(node.args)}")) is not None:
                return self._fill(entry, node, parameters, lang)
        return None

    def _fill(self, template: Text, call: Call, parameters: dict[str, Any], lang: str) -> str:
        text = str(getattr(template, lang))
        for i, arg in enumerate(call.args, 1):
            text = text.replace(f"{{{i}}}", self._argument(arg, parameters, lang))
        return text

    def _argument(self, node: Node, parameters: dict[str, Any], lang: str) -> str:
        if isinstance(node, ListLit):
            return join([self._argument(item, parameters, lang) for item in node.items], lang, "or")
        if isinstance(node, Lit) and isinstance(node.value, str):
            return self.word(node.value, lang) or node.value
        if isinstance(node, Name) and node.parts[0] == "param" and node.parts[1] in parameters:
            return self.show(node.dotted, parameters[node.parts[1]], lang)
        return self.label(node.dotted, lang) if isinstance(node, Name) else str(getattr(node, "value", ""))


@cache
def _call(label: str) -> Call | None:
    """A traced call label parsed once (labels repeat across every decision)."""
    try:
        node = parse(label)
    except ParseError:
        return None
    return node if isinstance(node, Call) else None


def months(count: int, lang: str) -> str:
    """A count of months: "2 bulan" / "2 months" (one month: "1 month")."""
    if lang == "id":
        return f"{number(count, lang)} bulan"
    return f"{number(count, lang)} month" + ("" if count == 1 else "s")


AT_LEAST = {"id": "paling sedikit ", "en": "at least "}
"""How a lower bound (``bounds.AtLeast``) is read out before its value."""


@dataclass(frozen=True)
class Places:
    """The names of regency/city codes a rule set's tables give (``Places.of``), and whether a code is
    shown beside its name (an officer checks the record by it; a worker hears the name)."""

    names: Mapping[str, str]
    codes: bool = False

    @staticmethod
    def of(ruleset: RuleSet | None, glossary: Glossary, codes: bool = False) -> Places:
        """The names every table of ``ruleset`` gives, the first table naming a code winning, and the
        glossary's ``places`` for a code no table names."""
        names: dict[str, str] = {}
        for table in ruleset.tables.values() if ruleset else ():
            names = {**{code: spoken(name) for code, name in table.names.items()}, **names}
        return Places({**glossary.places, **names}, codes)


def spoken(name: str) -> str:
    """A table's place name as a sentence says it, as the glossary says places and as it is heard:
    "Kab. Bogor" (or "KAB. BOGOR", "Kab Bogor") is "Kabupaten Bogor" ("Kabupaten BOGOR")."""
    return _ABBREVIATED.sub("Kabupaten ", name)


_ABBREVIATED = re.compile(r"^kab\b\.?\s*", re.IGNORECASE)


def regency(code: str, lang: str, places: Places | None = None) -> str:
    """A Kemendagri regency/city code as said aloud: "Kota Bandung (Provinsi Jawa Barat)" where ``places``
    names it ("Kota Bandung (3273, Provinsi Jawa Barat)" with codes shown), else "3215 (Provinsi Jawa Barat)"; a
    province's own code, as a table of areas keys its row, as the province ("31": "Provinsi DKI Jakarta")."""
    province = PROVINCES.get(code[:2])
    if len(code) == 2 and province is not None:
        said = f"Provinsi {province}" if lang == "id" else f"{province} province"
        return f"{said} ({code})" if places is not None and places.codes else said
    name = places.names.get(code) if places else None
    where = [] if province is None or name == province else \
        [f"Provinsi {province}" if lang == "id" else f"{province} province"]
    if name is None:
        return f"{code} ({where[0]})" if where else code
    inside = ", ".join(([code] if places is not None and places.codes else []) + where)
    return f"{name} ({inside})" if inside else name


_WORDS = {"id": {"and": "dan", "or": "atau"}, "en": {"and": "and", "or": "or"}}


def join(items: list[str], lang: str, word: str = "and") -> str:
    """A list as prose, with the serial comma (EYD V): "PNS, TNI, atau Polri"."""
    conj = _WORDS[lang][word]
    if len(items) < 3:
        return f" {conj} ".join(items)
    return f"{', '.join(items[:-1])}, {conj} {items[-1]}"


def bundled_path() -> Path:
    return bundled_rules() / FILE


@cache
def load_glossary(path: Path | None = None) -> Glossary:
    """Read a glossary file (the bundled one by default); GlossaryError if it is malformed."""
    path = path or bundled_path()
    try:
        raw = read_limited(path, RULE_FILE_LIMIT)
    except UnsafePath as exc:
        raise GlossaryError(f"{path} {exc}") from None
    located = read_yaml(raw, str(path))
    if located.diagnostics:
        unread = GlossaryError("; ".join(str(d) for d in located.diagnostics))
        unread.unread = tuple(located.diagnostics)
        raise unread
    try:
        return Glossary.model_validate(located.data or {})
    except ValidationError as exc:  # what is wrong and where, never the values read (the file may be anything)
        found = "; ".join(f"{'.'.join(str(p)[:80] for p in e['loc']) or '(top)'}: "
                          f"{e['msg'].removeprefix('Value error, ')}" for e in exc.errors()[:5])
        error = GlossaryError(f"{path}: {hide_identifiers(found)}")
        error.invalid = exc, located
        raise error from None


def governing(rule_file: Path) -> Path | None:
    """The glossary beside a rule file, if there is one (the bundled rules have theirs); GlossaryError
    if it leads outside the rule file's folder (a rule file reads only what sits beside it)."""
    beside = rule_file.parent / FILE
    if not os.path.lexists(beside):
        return None
    if not beside.resolve().is_relative_to(rule_file.parent.resolve()):
        raise GlossaryError(f"{beside} leads outside the rule file's folder (through a symbolic link)")
    if not beside.is_file():
        raise GlossaryError(f"{beside} is not a regular file")
    return beside


def glossary_for(rule_file: Path | None) -> Glossary:
    """The glossary a rule file's explanations read: the one beside it, else the bundled one."""
    beside = governing(rule_file) if rule_file is not None else None
    return load_glossary(beside.resolve() if beside else None)


def glossary_sha256(rule_file: Path) -> str | None:
    """The sha256 of the glossary a rule file's explanations read (None: it cannot be read, which
    loading the rule file reports): part of the rule set's hash, since explanations are part of a decision."""
    try:
        path = governing(rule_file) or bundled_path()
        return hashlib.sha256(read_limited(path.resolve(), RULE_FILE_LIMIT)).hexdigest()
    except (GlossaryError, UnsafePath, OSError):
        return None


def misamended(rs: RuleSet, glossary: Glossary) -> Iterator[tuple[DataPath, str, str]]:
    """(where, rule id, message) for each source citing a text as amended by its part's regulation when
    ``glossary`` records no such amendment (``pm-14-2020, … Permenaker 14/2020 sebagaimana diubah``: a
    regulation amending itself; an audit report amending one): a page would state it."""
    for i, checked in enumerate(rs.rules):
        rule = checked.rule
        for at, source in ((("rules", i, "source"), rule.source), (("rules", i, "in_force", "source"),
                                                                    rule.in_force.source)):
            key = None
            for part, first, pin in source_parts(source or ""):
                key, pin = (first, pin) if first in rs.model.legal_basis else (key, part)
                amended = amended_text(pin)
                text = glossary.legal_basis.get(amended.key) if amended else None
                if amended is None or text is None or key is None or key in (a.by for a in text.amended):
                    continue
                by = ", ".join(f"`{a.by}`" for a in text.amended)
                yield at, rule.id, (f"cites `{amended.key}` as amended by `{key}`, which the glossary does not "
                                    "record: " + (f"`{amended.key}` is amended by {by}" if by else
                                                  f"`{amended.key}` has no `amended` entry") +
                                    " (cite the article of the regulation itself, or the amended text under "
                                    "the key of a regulation that amends it)")


def missing_entries(rs: RuleSet, glossary: Glossary, file: str = "the glossary"
                    ) -> Iterator[tuple[DataPath, str | None, str]]:
    """(where, rule id, message) for each name ``rs`` uses that ``glossary`` (named ``file`` in
    messages) has no entry for; the message says which entry to add where."""
    m = rs.model

    def add(entry: str) -> str:
        return f": add `{entry}: {{id: …, en: …}}` there"

    told: set[str] = set()  # a name is told once, where it is first met (its declaration, when it has one)

    def name(at: DataPath, rule: str | None, label: str) -> Iterator[tuple[DataPath, str | None, str]]:
        if label not in glossary.names and label not in told:
            told.add(label)
            shown = _format_of(rs, label)
            entry = f"{label}: {{id: …, en: …{f', format: {shown}' if shown else ''}}}"
            yield at, rule, f"`{label}` has no entry under `names` in {file}: add `{entry}` there"

    for key in m.legal_basis:
        if key not in glossary.legal_basis:
            yield ("legal_basis", key), None, f"legal-basis key `{key}` has no entry under `legal_basis` " \
                f"in {file}{add(key)}"
    for key in m.parameters:
        yield from name(("parameters", key), None, f"param.{key}")
    for key in m.tables:
        yield from name(("tables", key), None, f"table.{key}")
    for key, tree in rs.facts.items():
        yield from name(("facts", key), None, f"fact.{key}")
        yield from _tree(glossary, tree, ("facts", key), None, name, file, traced=False)
    for i, checked in enumerate(rs.rules):
        rule = checked.rule
        if rule.id not in glossary.rules:
            yield ("rules", i, "id"), rule.id, f"rule id `{rule.id}` has no entry under `rules` in " \
                f"{file}{add(rule.id)}"
        at: DataPath = ("rules", i, rule.kind.value)
        yield from _tree(glossary, checked.tree, at, rule.id, name, file)
        for label in checked.traced:
            if "(" not in label:
                yield from name(at, rule.id, label)
    if rs.channel is not None:
        at = ("channel", "expression")
        for node in walk(rs.channel):
            if isinstance(node, Lit) and isinstance(node.value, str) and not node.is_month \
                    and node.value and node.value not in glossary.channels and _is_result(rs.channel, node):
                yield at, None, f"payment channel `{node.value}` has no entry under `channels` in " \
                    f"{file}{add(node.value)}"


def _format_of(rs: RuleSet, label: str) -> str | None:
    """How a name's value is probably shown (``rp`` for a parameter in rupiah), None for text."""
    kind, _, key = label.partition(".")
    param = rs.model.parameters.get(key) if kind == "param" else None
    if param is not None and param.unit is not None:
        return {"IDR": "rp", "months": "months", "days": None}[param.unit]
    fact = rs.facts.get(key) if kind == "fact" else None
    known = rs.param_types.get(key) if kind == "param" else fact.type if fact is not None else None
    return known.name if known is not None and known.name in ("date", "month") else None


def _tree(glossary: Glossary, tree: Node, at: DataPath, rule: str | None, name: Any, file: str, *,
          traced: bool = True) -> Iterator[tuple[DataPath, str | None, str]]:
    """Member fields read, values compared with them, and (in rules) the traced calls over histories."""
    for node in walk(tree):
        if isinstance(node, Name) and node.parts[0] == "member":
            yield from name(at, rule, node.dotted)
        elif traced and isinstance(node, Call) and any(a.type in HISTORIES for a in node.args):
            key = f"{node.func.dotted}/{len(node.args)}"
            if key not in glossary.functions:
                yield at, rule, f"function `{key}` has no entry under `functions` in {file}: add " \
                    f"`{key}: {{id: …, en: …}}` there ({{1}}, {{2}} … stand for the arguments)"
        if isinstance(node, Lit) and isinstance(node.value, str) and node.value and not node.is_month \
                and _compared_with_member(tree, node) and glossary.word(node.value, "id") is None:
            yield at, rule, f"value `{node.value}` has no entry under `values` in {file}: add " \
                f"`{node.value}: {{id: …, en: …}}` there, below the field it is compared with"


def _compared_with_member(tree: Node, lit: Lit) -> bool:
    """A string literal that stands for a value of a member field (compared with one, or a programme)."""
    for node in walk(tree):
        if isinstance(node, Binary) and node.op in ("==", "!=", "in", "not in"):
            sides = [node.left, node.right]
            if any(isinstance(s, Name) and s.parts[0] == "member" for s in sides) and \
                    any(lit is s or (isinstance(s, ListLit) and any(lit is i for i in s.items)) for s in sides):
                return True
        if isinstance(node, Call) and node.func.dotted == "received" and \
                any(isinstance(a, ListLit) and any(lit is i for i in a.items) for a in node.args):
            return True
    return False


def _is_result(tree: Node, lit: Lit) -> bool:
    """A string literal a channel expression can give as its result (not one it compares with)."""
    for node in walk(tree):
        if isinstance(node, Binary) and (node.left is lit or node.right is lit):
            return False
        if isinstance(node, Call) and any(a is lit for a in node.args):
            return False
        if isinstance(node, Cond) and node.test is lit:
            return False
    return True
