"""Criterion sentences, rendered from a rule's explanation template when a member is decided.

Rule authors write one sentence per language with placeholders (``{fact.wage:rp}``); a decision
stores the rendered sentence of every criterion that failed, is unknown or flags the member. A
placeholder without a format is shown as the glossary says (a year as a year, a code as its words; a
0 as the glossary's ``zero`` words for the name, where it gives them). A range of two months or two
dates (``{fact.arrears_from:month} sampai dengan {fact.arrears_to:month}``) reads as the one month
when both are the same month (``_Range``). A part in square brackets (``[, upah terakhir … sampai dengan
bulan {param.cutoff_month:month},]``) is said only when it adds something (``_Optional``): when every value it
shows is known and not empty, and no month or date in it is one the sentence already says.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from bsu_rules.bounds import AtLeast
from bsu_rules.catalogue.areas import unlisted_floor
from bsu_rules.decisions import PRIVATE, mask_nik, mask_typed, trusted
from bsu_rules.formatting import format_date, format_month, format_value, number, rupiah
from bsu_rules.glossary import AT_LEAST, Glossary, Places, glossary_for, join, regency
from bsu_rules.nik import PROVINCES, NikIssue, describe_nik_issue, nik_issue
from bsu_rules.ruleset.checker import PLACEHOLDER, optional_spans
from bsu_rules.ruleset.expressions import Name, Node, walk
from bsu_rules.ruleset.schema import Text

if TYPE_CHECKING:
    from bsu_rules.evaluators.scalar import CompiledRule, Plan
    from bsu_rules.ruleset.model import RuleSet

LANGS = ("id", "en")
_BECAUSE = {"id": "Belum dapat ditentukan karena {}.", "en": "This cannot be decided yet because {}."}
_AND = {"id": ", dan ", "en": ", and "}
_UNUSABLE = {"id": "data {} yang tercatat belum dapat dipakai untuk syarat ini",
             "en": "the {} on record cannot be used for this requirement"}
_GAP = {"id": "aturan program belum menetapkan {} untuk tanggal {}",
        "en": "the programme's rules do not yet set the {} for {}"}
_UNLISTED = {"id": "{} yang tersedia belum lengkap", "en": "the available {} is incomplete"}
_UNLISTED_AREA = {"id": "{1} yang tersedia belum lengkap dan tidak mencantumkan {0}",
                  "en": "the available {1} is incomplete and does not list {0}"}
_BOUND = {"id": "besaran untuk {} pada {} belum diketahui pasti; yang diketahui hanya paling sedikit {}",
          "en": "the figure for {} in the {} is not known exactly, only that it is at least {}"}
_BOUND_PROVINCE = {
    "id": "besaran tertinggi untuk kabupaten atau kota di {} pada {} belum diketahui pasti; yang diketahui hanya "
          "paling sedikit {}",
    "en": "the highest figure for a regency or city of {} in the {} is not known exactly, only that it is at least {}"}
_ROW_UNSET = {"id": "besaran untuk {} pada {} dalam data program belum pasti",
              "en": "the exact figure for {} in the {} is not yet confirmed in the programme's data"}
_ROW_UNSET_PROVINCE = {
    "id": "besaran tertinggi untuk kabupaten atau kota di {} pada {} dalam data program belum pasti",
    "en": "the exact highest figure for a regency or city of {} in the {} is not yet confirmed in the programme's data"}
_DEPENDS = {"id": " Hasilnya bergantung pada besaran itu.", "en": " The result depends on that figure."}
_SO_FAR = {"id": " Yang sudah diketahui: {}.", "en": " Known so far: {}."}
_SO_FAR_ITEM = {"id": "{} {}", "en": "the {} is {}"}
_ROW = re.compile(r"^(table\.[a-z0-9_]+)\[(.+)\]$")
_UNKNOWN_VALUE = {"id": "Belum dapat ditentukan dari data yang tercatat.",
                  "en": "This cannot be decided yet from the data on record."}


def _area(key: str, lang: str, places: Places) -> str:
    """A table row's area as said aloud: a province by its name, a regency by the name a table gives it
    (else by its code and province)."""
    if len(key) == 2 and key in PROVINCES:
        return f"Provinsi {PROVINCES[key]}" if lang == "id" else f"{PROVINCES[key]} province"
    if key in places.names:
        return regency(key, lang, places)
    if key.isdigit():
        return ("wilayah " if lang == "id" else "area ") + regency(key, lang)
    return key


def format_as(value: Any, fmt: str | None, lang: str, member: Any = None, label: str | None = None,
              glossary: Glossary | None = None, places: Places | None = None) -> str:
    """One placeholder value, formatted for a language (by the glossary when no format is given)."""
    if isinstance(value, str):  # an explanation is read aloud: never a whole NIK or account number,
        value = mask_nik(value) if label in PRIVATE else mask_typed(value)  # nor free text or a fact holding one
    if value is None and fmt == "nik" and member is not None and (issue := nik_issue(member.nik)) is not None:
        return describe_nik_issue(issue, member.nik, lang)  # unknown for want of a birth date: the NIK's own flaw
    if value is None:
        return glossary.show(label, None, lang) if glossary and label else format_value(None, lang)
    if isinstance(value, AtLeast):
        return AT_LEAST[lang] + format_as(value.value, fmt, lang, member, label, glossary, places)
    if fmt == "rp" and not isinstance(value, bool) and isinstance(value, int | Decimal | str):
        return rupiah(value if isinstance(value, int | Decimal) else Decimal(str(value)))
    if fmt == "date" and isinstance(value, str):
        return format_date(date.fromisoformat(value), lang)
    if fmt == "month" and isinstance(value, str):
        return format_month(value, lang)
    if fmt == "number" and isinstance(value, int):
        return number(value, lang)
    if fmt == "nik" and member is not None and value:
        return describe_nik_issue(NikIssue(value), member.nik, lang)
    if glossary is not None and label is not None:
        return glossary.zero(label, value, lang) or glossary.show(label, value, lang, places)
    return format_value(value, lang)


_JOINERS = {"id": ("sampai dengan", "hingga", "s.d."), "en": ("to", "through")}
"""The words a template writes between the first and the last month (or day) of a range: ``{a:month}
sampai dengan {b:month}``, ``{a:month} to {b:month}`` (an en dash, ``–``, in either language)."""
_LEADS = {"id": re.compile(r"(?:^|(?<=\s))([Dd]ari|[Aa]ntara) (?=(?:bulan |tanggal )?$)"),
          "en": re.compile(r"(?:^|(?<=\s))([Ff]rom|[Bb]etween) $")}
"""A word opening a range (``dari bulan {a:month} sampai dengan …``, ``from {a:month} to …``), said otherwise
of one month or day: ``pada bulan Juni 2022``, ``in June 2022`` (``on 1 July 2022``)."""
_BETWEEN = {"id": ("antara", "dan"), "en": ("between", "and")}
"""A range said as ``antara bulan {a:month} dan {b:month}`` (``between {a:month} and {b:month}``): ``dan`` (``and``)
joins a range only after the word opening it, and the one month is said as any other range's."""
_SINGLE_LEADS = {"id": {"month": "pada", "date": "pada"}, "en": {"month": "in", "date": "on"}}
_RANGED = ("month", "date")


@dataclass(frozen=True, slots=True)
class _Range:
    """Two placeholders of months (or of days) joined as a range, with the word opening it, if any: read as
    the range, or as the one month (day) when both show the same (``Juni 2022 sampai dengan Juni 2022`` is
    ``Juni 2022``; ``from June 2022 to June 2022`` is ``in June 2022``)."""

    lead: str
    first: tuple[int, str | None, str]
    joiner: str
    last: tuple[int, str | None, str]
    single: str


@dataclass(frozen=True, slots=True)
class _Optional:
    """A part of a sentence written in square brackets: said only when every value it shows is known and not
    empty text, and no month or date in it is one the sentence says before it or in it (``Upah bulan Juli
    2022[, upah terakhir … sampai dengan bulan Juli 2022,] sebesar …`` reads ``Upah bulan Juli 2022 sebesar …``)."""

    parts: tuple[str | tuple[int, str | None, str] | _Range, ...]
    slots: tuple[int, ...] = ()
    """The index of every value the part shows."""
    shows: tuple[tuple[int, str | None, str] | _Range, ...] = ()
    """Its placeholders and ranges, in order."""

    @classmethod
    def of(cls, parts: Iterable[_Part]) -> _Optional:
        inside = tuple(p for p in parts if not isinstance(p, _Optional))  # never nested
        return cls(inside, tuple(dict.fromkeys(q[0] for q in _flat(inside) if isinstance(q, tuple))),
                   tuple(q for q in inside if not isinstance(q, str)))


_Part = str | tuple[int, str | None, str] | _Range | _Optional


def _joiner(text: str, lang: str, before: str = "") -> bool:
    """Whether the text between two placeholders joins them as a range (``dan``, ``and``: only after ``antara``,
    ``between``, the end of ``before``, the text before the first)."""
    if text.strip() == "–" or (text[:1] == text[-1:] == " " and text.strip() in _JOINERS[lang]):
        return True
    lead, word = _BETWEEN[lang]
    match = _LEADS[lang].search(before)
    return text == f" {word} " and match is not None and match[1].lower() == lead


def parse_template(source: str, lang: str, slot: Callable[[str], int]) -> list[_Part]:
    """A template's parts: text, placeholders (``slot`` gives a name its index), ranges and optional parts."""
    spans = optional_spans(source)
    if isinstance(spans, int):  # the checker refuses such a template; read its brackets as text
        spans = []
    out: list[_Part] = []
    pos = 0
    for start, end in [*spans, (len(source), len(source))]:
        out += _ranges(_placeholders(source[pos:start], slot), lang)
        if end > start:
            inside = _ranges(_placeholders(source[start + 1:end - 1], slot), lang)
            out.append(_Optional.of(inside))
        pos = end
    return out


def _placeholders(source: str, slot: Callable[[str], int]) -> list[_Part]:
    parts: list[_Part] = []
    pos = 0
    for match in PLACEHOLDER.finditer(source):
        parts.append(source[pos:match.start()])
        parts.append((slot(match.group(1)), match.group(2), match.group(1)))
        pos = match.end()
    parts.append(source[pos:])
    return parts


def _ranges(parts: list[_Part], lang: str) -> list[_Part]:
    """``parts`` with each placeholder, joiner, placeholder of one ranged format (``month``, ``date``) made
    one ``_Range``, the word opening it (``dari``, ``from``) taken from the text before it."""
    out: list[_Part] = []
    i = 0
    while i < len(parts):
        match parts[i:i + 3]:
            case [tuple() as first, str() as between, tuple() as last] if first[1] in _RANGED \
                    and last[1] == first[1] and _joiner(between, lang, out[-1] if out and isinstance(out[-1], str)
                                                        else ""):
                before = out.pop() if out and isinstance(out[-1], str) else ""
                assert isinstance(before, str)
                lead = _LEADS[lang].search(before)
                word = _SINGLE_LEADS[lang][str(first[1])]
                if lead is None:
                    out += [before, _Range("", first, between, last, "")]
                else:
                    word = word.capitalize() if lead[1][0].isupper() else word
                    out += [before[:lead.start(1)], _Range(before[lead.start(1):], first, between, last,
                                                           word + before[lead.end(1):])]
                i += 3
            case _:
                out.append(parts[i])
                i += 1
    return out


_SCALARS = frozenset({type(None), bool, int, str, date})
"""Placeholder values a sentence is remembered by: immutable, and equal only when shown alike
(not Decimal: 5.0 and 5.00 are equal but written differently)."""
_KEYED = _SCALARS | {Decimal}
"""Placeholder values a sentence is remembered by when a decimal (a minimum wage) is among them, by its text."""
_REMEMBERED = 4096
"""Sentences (or unknown-reasons) a renderer keeps per criterion before it starts afresh."""


class _Sentence:
    """A criterion's explanation in both languages, with a placeholder per distinct name it shows.

    A rendered sentence depends only on its placeholder values (unless it describes the member's
    NIK), so one is remembered by them: members who fail for the same reason share one Text.
    """

    def __init__(self, text: Text, plan: Plan, glossary: Glossary, places: Places,
                 known: dict[tuple[Any, ...], str] | None = None) -> None:
        self.glossary, self.places = glossary, places
        self.known = {} if known is None else known  # values as formatted, shared by a plan's sentences
        names: dict[str, int] = {}

        def slot(label: str) -> int:
            return names.setdefault(label, len(names))

        self.parts: dict[str, list[_Part]] = {lang: parse_template(getattr(text, lang), lang, slot)
                                              for lang in ("id", "en")}
        self.read = plan.names_reader(list(names))  # the value of each placeholder, by its index
        self.dated = {lang: dated_in(parts, glossary) for lang, parts in self.parts.items()}
        self.memo: dict[tuple[Any, ...], Text] | None = None if any(
            p[1] == "nik" for parts in self.parts.values() for p in _flat(parts) if isinstance(p, tuple)) else {}

    def render(self, member: Any, facts: list[Any]) -> Text:
        values = self.read(member, facts)
        memo = self.memo
        if memo is None:
            return self._text(values, member)
        types = tuple(map(type, values))
        if not _SCALARS.issuperset(types):
            if not _KEYED.issuperset(types):
                return self._text(values, member)
            values_key = [str(v) if type(v) is Decimal else v for v in values]  # 5.0 and 5.00 apart
            key = (*values_key, *types)
        else:
            key = (*values, *types)
        text = memo.get(key)
        if text is None:
            if len(memo) >= _REMEMBERED:
                memo.clear()
            text = memo[key] = self._text(values, member)
        return text

    def _text(self, values: list[Any], member: Any) -> Text:
        return trusted(Text, {lang: say(parts, values, lang, self.glossary, self.places, member, self.known,
                                   self.dated[lang])
                               for lang, parts in self.parts.items()})


def _flat(parts: Iterable[_Part]) -> Iterator[str | tuple[int, str | None, str]]:
    """The text and placeholders of parts, those of ranges and optional parts among them."""
    for p in parts:
        if isinstance(p, _Optional):
            yield from _flat(p.parts)
        elif isinstance(p, _Range):
            yield from (p.first, p.last)
        else:
            yield p


def say(parts: list[_Part], values: list[Any], lang: str, glossary: Glossary, places: Places,
        member: Any = None, known: dict[tuple[Any, ...], str] | None = None,
        dated: frozenset[tuple[int, str | None, str]] | None = None) -> str:
    """A parsed template said with ``values`` (by placeholder index): ranges of one month said once, an optional
    part left out where it adds nothing (``_Optional``). ``known`` remembers each value as formatted, by its type and
    value (a decimal by its text), across calls: a ceiling, a month shared by many members is formatted once;
    ``dated``: the placeholders showing a month or a date (``dated_in``), if known."""
    if dated is None:
        dated = dated_in(parts, glossary)
    said_dated: set[str] = set()  # the months and dates said so far

    def shown(p: tuple[int, str | None, str]) -> str:
        value = values[p[0]]
        kind = type(value)
        if known is None or p[1] == "nik" or kind not in _KEYED:  # as the member's NIK is: not remembered
            return format_as(value, p[1], lang, member, p[2], glossary, places)
        key = (p[1], p[2], lang, kind, str(value) if kind is Decimal else value)  # 5.0 and 5.00 apart
        text = known.get(key)
        if text is None:
            if len(known) >= _REMEMBERED:
                known.clear()
            text = known[key] = format_as(value, p[1], lang, member, p[2], glossary, places)
        return text

    def said(p: _Part) -> str:
        if type(p) is tuple:
            text = shown(p)
            if p in dated:
                said_dated.add(text)
            return text
        if isinstance(p, _Range):
            first, last = shown(p.first), shown(p.last)
            said_dated.update((first, last))
            return p.single + first if first == last else p.lead + first + p.joiner + last
        assert isinstance(p, _Optional)
        if any(values[i] is None or values[i] == "" for i in p.slots):
            return ""
        seen = set(said_dated)
        for q in p.shows:
            if isinstance(q, _Range):
                first, last = shown(q.first), shown(q.last)
                if first in seen or (last != first and last in seen):  # a range of one month says it once
                    return ""
                seen.update((first, last))
            elif q in dated:
                if (text := shown(q)) in seen:
                    return ""
                seen.add(text)
        return "".join([q if q.__class__ is str else said(q) for q in p.parts])

    return "".join([p if p.__class__ is str else said(p) for p in parts])  # text as it is, without a call


def dated_in(parts: Iterable[_Part], glossary: Glossary) -> frozenset[tuple[int, str | None, str]]:
    """The placeholders of parts that show a month or a date: by their format, else by the glossary's."""
    def is_dated(p: tuple[int, str | None, str]) -> bool:
        entry = glossary.names.get(p[2]) if p[1] is None else None
        return p[1] in _RANGED or (entry is not None and entry.format in _RANGED)

    return frozenset(p for p in _flat(parts) if isinstance(p, tuple) and is_dated(p))


def fill(template: str, values: Mapping[str, Any], lang: str, glossary: Glossary, places: Places) -> str:
    """A glossary text with placeholders (a failed criterion's step, ``rules.wage-ceiling``) said with the values
    a decision read, by name (a name it did not read is unknown): as an explanation is, optional parts and all."""
    names: list[str] = []

    def slot(label: str) -> int:
        if label not in names:
            names.append(label)
        return names.index(label)

    parts = parse_template(template, lang, slot)
    return say(parts, [values.get(n) for n in names], lang, glossary, places).strip()


class Renderer:
    """Renders the explanation of each criterion of a plan."""

    def __init__(self, plan: Plan) -> None:
        self.plan, self.glossary = plan, glossary_for(plan.ruleset.path)
        self.places = Places.of(plan.ruleset, self.glossary)
        known: dict[tuple[Any, ...], str] = {}
        self.sentences = {r.rule.id: _Sentence(r.rule.explain, plan, self.glossary, self.places, known)
                          for r in plan.rules if r.rule.explain is not None}
        self.unknowns: dict[tuple[tuple[str, ...], tuple[tuple[str, Any], ...], tuple[tuple[str, int], ...]], Text] = {}

    @cached_property
    def tabled(self) -> frozenset[str]:
        """``tabled_facts`` of the plan's rule set, found when a bound is first explained."""
        return tabled_facts(self.plan.ruleset)

    def explain(self, r: CompiledRule, result: str, member: Any, facts: list[Any], missing: list[str]) -> Text | None:
        if result == "unknown":
            tables = all(m.startswith("table.") for m in missing)  # a table's gap: name the member's area
            known = _known(r, member, facts, shown=_only_rows(missing, self.plan.ruleset) is None) if tables else ()
            calls = [*r.unusable, *(c for found in r.unusable_in.values() for c in found)]  # in the condition first
            unread: dict[str, Node] = {}
            for p, get, fn, call in calls:  # a field on record that the call reading it leaves unknown
                if p in missing and get(member) is not None and fn(member, facts) is None:
                    unread.setdefault(p, call)
            key = (tuple(missing), known, tuple((p, id(call)) for p, call in unread.items()))  # the call: its words
            text = self.unknowns.get(key)
            if text is None:
                if len(self.unknowns) >= _REMEMBERED:
                    self.unknowns.clear()
                text = self.unknowns[key] = trusted(Text, {lang: self.unknown(missing, lang, known, unread)
                                                           for lang in ("en", "id")})
            return text
        if result not in ("fail", "flagged"):
            return None
        sentence = self.sentences.get(r.rule.id)
        return None if sentence is None else sentence.render(member, facts)

    def unknown(self, missing: list[str], lang: str, known: tuple[tuple[str, Any], ...] = (),
                unread: Mapping[str, Node] | None = None) -> str:
        """Why a criterion cannot be decided, naming what is missing in words: a value the rules do not
        set for the decision date, or a table the programme has not completed, is the programme's gap,
        not the member's record. A table's gap names the member's area and what is ``known`` so far
        (the values the criterion read, from ``_known``). A field on record that a call cannot read
        (``unread``: the field and the call) is said in the glossary's ``unknown`` words for the call."""
        g, rs = self.glossary, self.plan.ruleset
        if (row := _only_rows(missing, rs)) is not None:
            table, key = row
            floor = _floor(rs, table.removeprefix("table."), key)
            at_least = g.show(table, floor, lang) if floor is not None else "?"
            bound, area = (_BOUND_PROVINCE, key[:2]) if _province_floor(rs, table, key) else (_BOUND, key)
            return _BECAUSE[lang].format(bound[lang].format(_area(area, lang, self.places), g.label(table, lang),
                                                           at_least)) + _so_far(known, lang, g, self.places,
                                                                                self.tabled)
        tables = list(dict.fromkeys(m.partition("[")[0] for m in missing if m.startswith("table.")))  # a row's table
        if tables and all(m.startswith("table.") for m in missing):
            areas = [_area(value, lang, self.places) for label, value in known
                     if isinstance(value, str) and label in g.names and g.names[label].format == "regency"]
            if areas:
                return _BECAUSE[lang].format(_UNLISTED_AREA[lang].format(join(areas, lang), g.labels(tables, lang)))
            return _BECAUSE[lang].format(_UNLISTED[lang].format(g.labels(tables, lang)))
        if not missing:
            return _UNKNOWN_VALUE[lang]
        gaps = {m for m in missing if m.startswith("param.")}
        unset = [m for m in missing if m in gaps]
        unrecorded = [m for m in missing if m not in gaps and not (gaps and m.startswith("fact.")
                                                                  and _reads(rs, m.removeprefix("fact."), gaps))]
        found_nothing = {m: s for m in unrecorded if (s := self.found_nothing(m, lang, (unread or {}).get(m)))
                         is not None}
        unrecorded = [m for m in unrecorded if m not in found_nothing]
        unusable = [m for m in unrecorded if unread and m in unread]  # on record: never "no record of"
        unrecorded = [m for m in unrecorded if m not in unusable]
        said = [_GAP[lang].format(g.labels(unset, lang), format_date(self.plan.on, lang))] if unset else []
        said += [g.unrecorded(unrecorded, lang)] if unrecorded else []
        said += [_UNUSABLE[lang].format(g.labels(unusable, lang))] if unusable else []
        said += list(dict.fromkeys(found_nothing.values()))
        return _BECAUSE[lang].format(_AND[lang].join(said))

    def found_nothing(self, label: str, lang: str, call: Node | None = None) -> str | None:
        """Why a fact is unknown although what it reads is on record, in the glossary's ``unknown`` words
        for the function computing it or a fact it reads, or for ``call``, the call that cannot read a field
        on record (``last_wage``: no wage reported for the cut-off month or earlier; ``regency``: the regency
        of work not given); None when the glossary has none."""
        rs = self.plan.ruleset
        tree = call or (rs.facts.get(label.removeprefix("fact.")) if label.startswith("fact.") else None)
        if tree is None:
            return None
        parameters = {k: p.value for k, p in self.plan.parameters.items()}
        for node in (tree, *(rs.facts[f] for f in rs.facts_read([tree]))):
            if (words := self.glossary.call_words(self.glossary.unknown, node, parameters, lang)) is not None:
                return words
        return None


def _only_rows(missing: list[str], rs: RuleSet | None) -> tuple[str, str] | None:
    """The first (table, key) when every missing label is a table row known only as a lower bound (``_floor``),
    else None (a row an incomplete table does not list, ``table.ppkm_areas[3204]``, is no figure to say, unless
    ``highest_for`` reads the table as at least the province's rows there; without the rule set, every row is
    taken for a bound)."""
    rows = [row for m in missing if (row := _ROW.match(m))]
    if rs is not None:
        rows = [row for row in rows if _floor(rs, row[1].removeprefix("table."), row[2]) is not None]
    return (rows[0][1], rows[0][2]) if rows and len(rows) == len(missing) else None


def _floor(rs: RuleSet, name: str, key: str) -> int | Decimal | None:
    """What a table's row is known to be at least: a row marked ``lower``, its figure; a row an incomplete table
    of minimum wages (one ``highest_for`` reads) does not list under a province it does, its province's row (for
    a code naming the province only, the highest of the province's rows: ``unlisted_floor``); else None."""
    table = rs.tables[name]
    values = table.values or {}
    if key in table.bounds:
        value = values[key]
        return value if isinstance(value, int | Decimal) else None
    if not table.unlisted_unknown or not values or key in table.keys or name not in rs.area_tables:
        return None
    floor = unlisted_floor(key, table)
    return None if floor is None else floor.value


def _province_floor(rs: RuleSet | None, table: str, key: str) -> bool:
    """Whether a row ``_floor`` gives is a code naming a province only (``3200``) of an incomplete table of minimum
    wages: its figure is the highest of the province's regencies' known so far, not one regency's (the member's may
    be lower), and is said so."""
    return rs is not None and len(key) == 4 and key.endswith("00") and key[:2] in PROVINCES and \
        key not in rs.tables[table.removeprefix("table.")].bounds


def _so_far(known: Iterable[tuple[str, Any]], lang: str, g: Glossary, places: Places,
            tabled: frozenset[str] = frozenset()) -> str:
    """The facts a criterion read that are known, as a sentence ("" if none); a lower bound the same as one
    said before it ("the highest wage ceiling that can apply is at least Rp3.800.000" after "the wage ceiling
    that applies is at least Rp3.800.000"), or a figure read from a table (``tabled``: such facts) not above
    one ("the lowest wage ceiling in the province is Rp3.500.000": a floor under a ceiling already known to
    be higher), tells nothing more and is left out; a figure of the member's (the wage) is always said."""
    said, bounds = [], []
    for label, value in known:
        if not label.startswith("fact."):
            continue
        if isinstance(value, AtLeast) or (isinstance(value, dict) and "at_least" in value):  # decided, or as stored
            if (at_least := value.value if isinstance(value, AtLeast) else value["at_least"]) in bounds:
                continue
            bounds.append(at_least)
        elif label in tabled and (number := _number(value)) is not None and not isinstance(value, str) and any(
                number <= floor for b in bounds if (floor := _number(b)) is not None):
            continue
        shown = format_as(value, None, lang, None, label, g, places)
        said.append(_SO_FAR_ITEM[lang].format(g.label(label, lang), shown))
    return _SO_FAR[lang].format(join(said, lang)) if said else ""


def _number(value: Any) -> int | Decimal | None:
    """A bound's figure as a number (a stored trace writes a decimal as text)."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    try:
        return Decimal(value) if isinstance(value, str) else None
    except ArithmeticError:
        return None


def tabled_facts(rs: RuleSet | None) -> frozenset[str]:
    """The facts (``fact.NAME``) computed from a table, directly or through other facts."""
    if rs is None:
        return frozenset()
    return frozenset(f"fact.{name}" for name, tree in rs.facts.items()
                     if any(read.startswith("table.") for read in rs.names_read(tree)))


def row_unset(missing: list[str], known: Iterable[tuple[str, Any]], lang: str, glossary: Glossary,
              places: Places, rs: RuleSet | None = None) -> str | None:
    """Why a criterion waiting only for a table row the programme has not completed cannot be decided,
    as a worker hears it: the place, the table and the ``known`` facts, not the row's figure known so
    far (a lower bound, perhaps with sen, that the officer reads in the decision's sentence); None for
    any other criterion."""
    row = _only_rows(missing, rs)
    if row is None:
        return None
    table, key = row
    said, area = (_ROW_UNSET_PROVINCE, key[:2]) if _province_floor(rs, table, key) else (_ROW_UNSET, key)
    return _BECAUSE[lang].format(said[lang].format(_area(area, lang, places), glossary.label(table, lang))) + \
        _so_far(known, lang, glossary, places, tabled_facts(rs)) + _DEPENDS[lang]


_KNOWN_TYPES = (str, int, Decimal, AtLeast)


def _known(r: CompiledRule, member: Any, facts: list[Any], shown: bool = False) -> tuple[tuple[str, Any], ...]:
    """The values a criterion's condition read that are known (a number, a bound, a code), by label, in
    reading order (and those it only shows, if ``shown``: the work area a table lacks)."""
    values = ((label, get(member, facts)) for label, get in r.trace if shown or label not in r.shown_only)
    return tuple((label, v) for label, v in values if isinstance(v, _KNOWN_TYPES) and not isinstance(v, bool))


def _reads(rs: RuleSet, fact: str, names: set[str]) -> bool:
    """Whether a fact reads any of ``names``, directly or through other facts."""
    if fact not in rs.facts:
        return False
    trees = [rs.facts[fact], *(rs.facts[f] for f in rs.facts_read([rs.facts[fact]]))]
    return any(isinstance(n, Name) and n.dotted in names for tree in trees for n in walk(tree))
