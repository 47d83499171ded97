"""``stale-title``: a criterion's title that states an amount or a date the rule set no longer holds.

Titles are fixed text ("Upah paling banyak Rp3.500.000", "Terdaftar paling lambat 31 Juli 2022");
an author who changes ``wage_ceiling`` or ``cutoff_month`` and not the title leaves a page that
contradicts itself ("Registered by 31 July 2022 — cut-off date: 31 January 2026"). Every amount
in rupiah, day and month a title states must be a value of the rule set: a parameter's (any of
its dated values), the benefit's, ``as_of``, a window's dates, or the first or last day of a
month the rule set holds; an amount a parameter the criterion reads holds on some days of the
edition only (a dated value replaced during it) is warned of as well: the title is shown on every day.

``stale-explain``: a criterion's explanation showing a member field, fact or parameter that the
criterion neither reads nor shows (a condition rewritten, its old reason left): it would tell a worker
why they failed in words about something else.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from bsu_rules.formatting import format_date, format_month
from bsu_rules.ruleset.checker import PLACEHOLDER
from bsu_rules.ruleset.expressions import Lit, Node, walk
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import RuleFile, Window

MONTHS = {name: i for names in (
    ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober",
     "november", "desember"),
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december")) for i, name in enumerate(names, 1)}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = re.compile(rf"\b(?:(\d{{1,2}}) )?({_MONTH}) (\d{{4}})\b", re.IGNORECASE)
_AMOUNT = re.compile(r"\bRp ?(\d{1,3}(?:[.,]\d{3}){1,6}|\d{1,19})(?!\d|[.,]\d|\s*(?:juta|jt|ribu|rb|miliar|million|"
                     r"thousand|billion)\b)", re.IGNORECASE)
"""An amount in rupiah written out in digits, as far as a 64-bit number goes ("Rp3,5 juta" is not read)."""
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"(?<![\d.,/-])(?<!tahun )(?<!year )(?:19|20)\d{2}(?![\d.,/-]\d)", re.IGNORECASE)
"""A year written alone ("Upah 2022"), not part of an amount, a date in figures or a regulation's
number ("Nomor 10 Tahun 2022", "10/2022")."""

Warn = Callable[[tuple[str | int, ...], str, str, str | None], None]


def stale_titles(rs: RuleSet, warn: Warn) -> None:
    """Warn (at the title, with the rule id) of each amount or date a title states that the rule set
    does not hold; and of a year the edition's own title states that none of its dates or parameters
    hold (a copy of the 2022 file made for 2023 would head every letter "... 2022"), unless it dates
    a regulation the title cites ("Nomor 10 Tahun 2022", "No. 10/2022")."""
    amounts, days, months = _held(rs.model, None, [c.rule.in_force for c in rs.rules])
    years = {y for y, _ in months} | {a for a in amounts if 1900 <= a <= 2100}
    for lang in ("id", "en"):
        heading: str = getattr(rs.model.title, lang)
        alone = [(m.group(), int(m.group()) in years) for m in _YEAR.finditer(heading)]
        for said, held in [*_stated(heading, amounts, days, months), *alone]:
            if not held:
                warn(("title", lang), "stale-title",
                     f"the edition's title says {said}, a value the rule set does not hold (its dates, parameters "
                     "and benefit): update the title", None)
    for i, checked in enumerate(rs.rules):
        title = checked.rule.title
        read = rs.names_read(checked.tree)
        dated = _dated_amounts(rs, read)
        own = _held(rs.model, read, [checked.rule.in_force])
        for tree in (checked.tree, *(rs.facts[f] for f in rs.facts_read([checked.tree]))):
            _add_literals(tree, *own)  # a value the criterion states itself (`registered_on <= 2022-07-31`)
        for lang in ("id", "en") if title is not None else ():
            text: str = getattr(title, lang)
            for stated, held in _stated(text, *own):
                if not held:
                    meant = _meant(stated, *own, lang)
                    warn(("rules", i, "title", lang), "stale-title",
                         f"the title says {stated}, a value the criterion does not read (its parameters, as_of "
                         "or its window's dates): update the title to the value the rule reads" +
                         (f": {text.replace(stated, meant)}" if meant else ""), checked.rule.id)
                elif _AMOUNT.fullmatch(stated) and (name := dated.get(int(re.sub(r"\D", "", stated)))) is not None:
                    warn(("rules", i, "title", lang), "stale-title",
                         f"the title says {stated}, which `param.{name}` holds on some days of the edition only: "
                         "a title is shown on every day; leave the amount out of it, or give each value its own "
                         "criterion with an `in_force` window", checked.rule.id)


def stale_explanations(rs: RuleSet, warn: Warn) -> None:
    """Warn (at the explanation, with the rule id) of each ``member.``, ``fact.`` or ``param.`` placeholder
    naming what the criterion does not read (its condition, through its facts) nor show (``shows``); a
    fact of what it reads (``nik_issue(member.nik, member.birth_date)`` beside ``nik_valid`` of both) is read."""
    for i, checked in enumerate(rs.rules):
        explain = checked.rule.explain
        if explain is None:
            continue
        read = rs.names_read(checked.tree)
        for shown in checked.shown:
            read |= {".".join(shown.parts[:2]), *rs.names_read(shown)}
        for lang in ("id", "en"):
            for name in dict.fromkeys(m[1] for m in PLACEHOLDER.finditer(getattr(explain, lang))):
                if name.startswith(("member.", "fact.", "param.")) and not _read(rs, name, read):
                    warn(("rules", i, "explain", lang), "stale-explain",
                         f"the explanation shows `{name}`, which the criterion does not read (its condition, "
                         "through its facts) nor show (`shows`): a reason about something else, told to a worker "
                         "who failed for another; update the explanation to the condition", checked.rule.id)


def _read(rs: RuleSet, name: str, read: set[str]) -> bool:
    kind, own = name.split(".")[:2]
    if f"{kind}.{own}" in read:
        return True
    fact = rs.facts.get(own) if kind == "fact" else None
    inputs = {n for n in rs.names_read(fact) if n.startswith(("member.", "param."))} if fact is not None else set()
    return bool(inputs) and inputs <= read


def _add_literals(tree: Node, amounts: set[int], days: set[date], months: set[tuple[int, int]]) -> None:
    for node in walk(tree):
        if isinstance(node, Lit):
            value = node.value
            if isinstance(value, date):
                days.add(value)
                months.add((value.year, value.month))
            elif isinstance(value, int) and not isinstance(value, bool):
                amounts.add(value)
            elif node.is_month and isinstance(value, str) and (found := _YEAR_MONTH.match(value)):
                months.add((int(found[1]), int(found[2])))


def _stated(text: str, amounts: set[int], days: set[date], months: set[tuple[int, int]]
            ) -> Iterator[tuple[str, bool]]:
    for m in _AMOUNT.finditer(text):
        yield m.group(), int(re.sub(r"[.,]", "", m.group(1))) in amounts
    for m in _DATE.finditer(text):
        day, month, year = m.group(1), MONTHS[m.group(2).lower()], int(m.group(3))
        if day is None:
            yield m.group(), (year, month) in months
        else:
            try:
                yield m.group(), date(year, month, int(day)) in days
            except ValueError:
                yield m.group(), False


def _meant(stated: str, amounts: set[int], days: set[date], months: set[tuple[int, int]], lang: str) -> str | None:
    """The one value of its kind a criterion reads that a stale ``stated`` amount, date or month was
    probably meant to become (an amount of as many digits, written as the title writes it; a last day
    of a month for a last day, a first for a first), in the title's language; None when there is not
    exactly one."""
    if (amount := _AMOUNT.fullmatch(stated)) is not None:
        width = len(re.sub(r"\D", "", amount[1]))
        large = [a for a in amounts if len(str(a)) == width]
        if len(large) != 1:
            return None
        grouped = re.search(r"[.,]", amount[1])
        digits = f"{large[0]:,}".replace(",", grouped[0]) if grouped else str(large[0])
        return stated[:amount.start(1)] + digits
    found = _DATE.fullmatch(stated)
    if found is None:
        return None
    if found.group(1) is None:
        if len(months) != 1:
            return None
        (year, month), = months
        return format_month(f"{year:04d}-{month:02d}", lang)
    month, year = MONTHS[found.group(2).lower()], int(found.group(3))
    last = int(found.group(1)) == calendar.monthrange(year, month)[1]
    alike = sorted(d for d in days if (d.day == calendar.monthrange(d.year, d.month)[1]) == last)
    return format_date(alike[0], lang) if len(alike) == 1 else None


def _dated_amounts(rs: RuleSet, read: set[str]) -> dict[int, str]:
    """Each amount a parameter in ``read`` holds on some days of the edition but not on others, with
    the parameter's name."""
    out: dict[int, str] = {}
    edition = rs.model.in_force
    for name, param in rs.model.parameters.items():
        if f"param.{name}" not in read or not param.values:
            continue
        inside = param.within(edition)
        if len(set(map(repr, inside))) > 1:
            out |= {v: name for v in inside if isinstance(v, int) and not isinstance(v, bool)}
    return out


Held = tuple[set[int], set[date], set[tuple[int, int]]]
"""Amounts, days and months (year, month)."""
_COUNT = re.compile(r"\b(\d{1,4}) (bulan|months?|hari|days?)\b", re.IGNORECASE)
"""A count of months or days a title states ("2 bulan", "2 months")."""


def restated(text: str, lang: str, changes: dict[Any, Any]) -> str:
    """``text`` (a criterion's title) with each figure it states that ``changes`` maps (a value a
    parameter the criterion reads held, or ``as_of``, to the value a what-if gives it) put as the new
    one, in one pass: "Rp3.500.000" becomes "Rp4.000.000", "2 months" "1 month", "Juli 2022" "Juni
    2022", and "31 Juli 2022" "30 Juni 2022" when the month changed (the first or last day of a month
    stays the first or last). A figure no change maps is left as stated."""
    found = [(m, _amount_restated) for m in _AMOUNT.finditer(text)] + \
        [(m, _count_restated) for m in _COUNT.finditer(text)] + [(m, _date_restated) for m in _DATE.finditer(text)]
    out, at = [], 0
    for m, restate in sorted(found, key=lambda f: f[0].start()):
        if m.start() >= at:
            out += [text[at:m.start()], restate(m, changes, lang)]
            at = m.end()
    return "".join([*out, text[at:]])


def _number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _amount_restated(m: re.Match[str], changes: dict[Any, Any], lang: str) -> str:
    new = changes.get(int(re.sub(r"[.,]", "", m.group(1))))
    if not _number(new):
        return m.group()
    mark = next((c for c in m.group(1) if c in ".,"), "")
    return m.group()[:m.start(1) - m.start()] + (f"{new:,}".replace(",", mark) if mark else str(new))


def _count_restated(m: re.Match[str], changes: dict[Any, Any], lang: str) -> str:
    new, unit = changes.get(int(m.group(1))), m.group(2)
    if not _number(new):
        return m.group()
    if unit.lower() in ("month", "months", "day", "days"):  # English: one month, two months
        unit = unit.rstrip("sS") + ("" if new == 1 else "s")
    return f"{new} {unit}"


def _date_restated(m: re.Match[str], changes: dict[Any, Any], lang: str) -> str:
    day, month, year = m.group(1), MONTHS[m.group(2).lower()], int(m.group(3))
    new_month = changes.get(f"{year:04d}-{month:02d}")
    if day is None:
        return format_month(new_month, lang) if isinstance(new_month, str) else m.group()
    try:
        stated = date(year, month, int(day))
    except ValueError:
        return m.group()
    if isinstance(new_day := changes.get(stated), date):
        return format_date(new_day, lang)
    if not (isinstance(new_month, str) and _YEAR_MONTH.match(new_month)):
        return m.group()
    y, mo = int(new_month[:4]), int(new_month[5:])
    last = calendar.monthrange(y, mo)[1]
    if stated.day == 1:
        return format_date(date(y, mo, 1), lang)
    if stated.day == calendar.monthrange(year, month)[1]:
        return format_date(date(y, mo, last), lang)
    return m.group()


def _held(model: RuleFile, read: set[str] | None, windows: list[Window]) -> Held:
    """The amounts, days and months the rule file holds; or (``read``) those a criterion reading these
    names holds: its parameters' values, ``as_of`` when it reads it, its ``windows``' dates."""
    values: list[Any] = [model.as_of, model.in_force.from_, model.in_force.until] if read is None else \
        [model.as_of] if "as_of" in read else []
    for name, param in model.parameters.items():
        if read is None or f"param.{name}" in read:
            values += [param.value, *(param.values or {}).values(), *(param.values or {})]
    if read is None:
        benefit = model.benefit
        values += [benefit.amount, benefit.monthly, *(benefit.instalments or [])]
    values += [d for w in windows for d in (w.from_, w.until)]
    amounts = {v for v in values if isinstance(v, int) and not isinstance(v, bool)}
    days = {v for v in values if isinstance(v, date)}
    months = {(d.year, d.month) for d in days}
    for v in values:
        if isinstance(v, str) and (m := _YEAR_MONTH.match(v)):
            year, month = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12:
                months.add((year, month))
                days |= {date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])}
    return amounts, days, months
