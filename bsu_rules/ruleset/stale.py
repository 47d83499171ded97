"""``stale-title``: a criterion's title that states an amount, a count or a date the rule set no longer holds.

Titles are fixed text ("Upah paling banyak Rp3.500.000", "Terdaftar paling lambat 31 Juli 2022",
"Tunggakan iuran paling lama 2 bulan"); an author who changes ``wage_ceiling``, ``cutoff_month`` or
``max_arrears_months`` and not the title leaves a page that contradicts itself ("Registered by 31 July
2022 — cut-off date: 31 January 2026"). Every amount in rupiah, day and month a title states must be
a value of the rule set: a parameter's (any of its dated values), the benefit's, ``as_of``, a window's
dates, or the first or last day of a month the rule set holds; a count of months or days ("2 bulan",
"1 month", "14 hari") must be a value of what the criterion reads in that unit (a parameter with
``unit: months`` or ``days``, or a number compared with a value of that unit), when it reads one (a count
in a title over no such value is not judged). An amount or a count a parameter the criterion reads holds on
some days of the edition only (a dated value replaced during it) is warned of as well: the title is shown
on every day. The figures a title states are read once (``figures``), by this check and by a what-if that
restates a title (``restated``): a limit it puts at 0 ("at most 2 months of unpaid contributions in a row" under
``max_arrears_months=0``) is said in words, not as "at most 0 months" (``said_as_none``).

``stale-explain``: a criterion's explanation showing a member field, fact or parameter that the
criterion neither reads nor shows (a condition rewritten, its old reason left): it would tell a worker
why they failed in words about something else.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, NamedTuple, TypeGuard

from bsu_rules.formatting import format_date, format_month
from bsu_rules.ruleset.checker import PLACEHOLDER
from bsu_rules.ruleset.expressions import Binary, Lit, Node, walk
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import RuleFile, Window
from bsu_rules.ruleset.units import Units

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
_COUNT = re.compile(r"(?<![\d.,/-])\b(\d{1,4}) (bulan|months?|hari|days?)\b", re.IGNORECASE)
"""A count of months or days a title states in digits ("2 bulan", "2 months", "1 month", "14 hari"), not
the end of an amount or a date in figures."""
COUNT_UNITS = {"bulan": "months", "month": "months", "months": "months", "hari": "days", "day": "days",
               "days": "days"}
"""The unit (a parameter's ``unit``) each word of a count stands for."""


class Count(NamedTuple):
    """A count of a unit (``months``, ``days``): a value a criterion reads in that unit, which a title
    states as "2 bulan" or "2 months"."""

    unit: str
    n: int


def figures(text: str) -> list[re.Match[str]]:
    """The figures ``text`` (a title) states, in order and none inside another: each amount in rupiah
    (``_AMOUNT``), count of months or days (``_COUNT``) and date or month (``_DATE``)."""
    found = sorted([*_AMOUNT.finditer(text), *_COUNT.finditer(text), *_DATE.finditer(text)], key=lambda m: m.start())
    out: list[re.Match[str]] = []
    for m in found:
        if not out or m.start() >= out[-1].end():
            out.append(m)
    return out


def said_count(n: int, word: str) -> str:
    """``n`` of the unit a title writes ``word`` for, as it writes it: "1 bulan", "2 bulan" (Indonesian has
    no plural), "1 month", "2 months"."""
    if word.lower() in ("month", "months", "day", "days"):  # English: one month, two months
        word = word.rstrip("sS") + ("" if n == 1 else "s")
    return f"{n} {word}"

Warn = Callable[[tuple[str | int, ...], str, str, str | None], None]


def stale_titles(rs: RuleSet, warn: Warn) -> None:
    """Warn (at the title, with the rule id) of each amount or date a title states that the rule set
    does not hold; and of a year the edition's own title states that none of its dates or parameters
    hold (a copy of the 2022 file made for 2023 would head every letter "... 2022"), unless it dates
    a regulation the title cites ("Nomor 10 Tahun 2022", "No. 10/2022")."""
    held_all = _held(rs.model, None, [c.rule.in_force for c in rs.rules])
    amounts, _, months, _ = held_all
    years = {y for y, _ in months} | {a for a in amounts if 1900 <= a <= 2100}
    for lang in ("id", "en"):
        heading: str = getattr(rs.model.title, lang)
        alone = [(m.group(), int(m.group()) in years) for m in _YEAR.finditer(heading)]
        for said, held in [*_stated(heading, held_all), *alone]:
            if not held:
                warn(("title", lang), "stale-title",
                     f"the edition's title says {said}, a value the rule set does not hold (its dates, parameters "
                     "and benefit): update the title", None)
    units = Units(rs.model.parameters, rs.facts)
    reads: dict[str, set[str]] = {}  # what each fact reads, walked once for every rule
    for i, checked in enumerate(rs.rules):
        title = checked.rule.title
        read = rs.names_read(checked.tree, reads)
        dated = _dated_amounts(rs, read)
        own = _held(rs.model, read, [checked.rule.in_force])
        for tree in (checked.tree, *(rs.facts[f] for f in rs.facts_read([checked.tree]))):
            _add_literals(tree, own, units)  # a value the criterion states itself (`registered_on <= 2022-07-31`)
        for lang in ("id", "en") if title is not None else ():
            text: str = getattr(title, lang)
            for stated, held in _stated(text, own):
                if not held:
                    meant = _meant(stated, own, lang)
                    warn(("rules", i, "title", lang), "stale-title",
                         f"the title says {stated}, a value the criterion does not read (its parameters, as_of "
                         "or its window's dates): update the title to the value the rule reads" +
                         (f": {text.replace(stated, meant)}" if meant else ""), checked.rule.id)
                elif (name := _dated_name(rs, stated, dated)) is not None:
                    what = "amount" if _AMOUNT.fullmatch(stated) else "count"
                    warn(("rules", i, "title", lang), "stale-title",
                         f"the title says {stated}, which `param.{name}` holds on some days of the edition only: "
                         f"a title is shown on every day; leave the {what} out of it, or give each value its own "
                         "criterion with an `in_force` window", checked.rule.id)


_WORDS = r"(?:\s*\([^\W\d_]+(?:\s[^\W\d_]+)*\))?"
"""A figure said again in words, in brackets, as a regulation writes it ("4 (empat)", "Rp150.000,00 (seratus lima
puluh ribu rupiah)")."""
_PER_MONTH = re.compile(
    r"\bRp\.?\s?(\d{1,3}(?:[.,]\d{3}){1,6}|\d{1,19})(?:[.,]00|,-)?(?![.,]?\d)" + _WORDS +
    r"\s*(?:(?:/\s*|per\s+|tiap\s+|setiap\s+|a\s+)(?:bulan|month)\s*(?:[x×]|kali|selama|untuk|for)|[x×]|kali)\s*"
    r"(\d{1,2})" + _WORDS + r"\s*(bulan|months?)\b", re.IGNORECASE)
"""A benefit stated as a monthly amount times a count of months, as a regulation or a note writes it ("Rp300.000 x 2
bulan", "Rp150.000,00 (seratus lima puluh ribu rupiah) per bulan selama 4 (empat) bulan", "Rp. 300.000/bulan x 2
bulan", "Rp300.000 kali 2 bulan", "Rp500,000 a month for 2 months"); an amount alone for some months ("Rp800.000
untuk 2 bulan") is a total, not read."""
_ONCE = re.compile(
    r"\bRp\.?\s?(\d{1,3}(?:[.,]\d{3}){1,6}|\d{1,19})(?:[.,]00|,-)?(?![.,]?\d)" + _WORDS +
    r"\s*,?\s*(?:(?:di)?(?:bayar|berikan)(?:kan)?\s+|paid\s+)?(?:sekaligus|sekali|satu\s+kali|1\s+kali|once|at\s+once|"
    r"in\s+one\s+payment)\b(?!\s*(?:(?:a|per|tiap|setiap|each)\s+)?(?:se)?(?:bulan|month|tahap|stage|tahun|year))",
    re.IGNORECASE)
"""A benefit stated as one payment of an amount ("Rp600.000 sekali", "Rp600.000,00 (enam ratus ribu rupiah) dibayarkan
satu kali", "Rp600,000 once"): the whole benefit, judged against ``amount``; "Rp300.000 x 2 bulan, dibayar
sekaligus" is a monthly amount times months (``_PER_MONTH``), not this, nor is an amount paid once a month or a
stage ("Rp600.000 sekali sebulan", "Rp1.200.000 sekali tiap tahap")."""
_STAGE = re.compile(r"\b(?:tahap|stages?|termin|instal+ments?)\b", re.IGNORECASE)
"""A part of a source naming a stage ("tahap 1 Rp1.200.000 sekaligus"): its amount paid once is a stage's, not
the benefit's."""


_LIMIT = re.compile(r"\b(?:upah|gaji|wages?|salary|salaries|paling\s+(?:banyak|tinggi)|maksimal|maksimum|at\s+most|"
                    r"(?:no|not)\s+more\s+than|tidak\s+lebih\s+dari)\b", re.IGNORECASE)
"""What makes a figure a wage limit, said before it in its part of the source ("upah paling banyak Rp3.500.000 per
bulan"), not the benefit."""
_LAST = re.compile(r"\s*(?:terakhir|sebelumnya|last|previous)\b", re.IGNORECASE)
"""What makes a count of months the months a wage is taken over ("selama 3 bulan terakhir"), not the benefit's."""
_PART = re.compile(r"[;()]|,\s")
"""Where a part of a source begins ("…; Rp300.000 x 2 bulan")."""


def stale_benefit(rs: RuleSet) -> Iterator[tuple[tuple[str, ...], str, str]]:
    """Where, why and what to write, for each of the benefit's ``monthly``, ``months`` and ``amount`` that its
    own ``source`` contradicts where it states the benefit as a monthly amount times a count of months
    ("Rp300.000 x 2 bulan", ``_PER_MONTH``) or as an amount paid once ("Rp600.000 sekali", ``_ONCE``: ``amount``
    alone is judged): the amount paid to every eligible member changed and its citation not (``check``
    takes any amount the three agree on). A source stating one figure alone, not said to be paid once, is not
    judged: it may be the total, the monthly amount, an instalment or another figure of the article. Nor is a
    wage limit ("upah paling banyak Rp3.500.000 per bulan selama 3 bulan terakhir") or a benefit of nothing
    ("Rp0 x 2 bulan"). A source with a statement the benefit agrees with is not judged by its others (an earlier
    year's "tahun 2020 Rp600.000 x 4 bulan"); one with several different statements and none agreeing is not
    judged either: which of them is this edition's cannot be told, and a warning suggesting the wrong one would be
    followed."""
    benefit, source = rs.model.benefit, rs.model.benefit.source or ""
    stated: dict[tuple[int, int | None], str] = {}  # (monthly, months), or (amount, None) paid once
    for m in sorted([*_PER_MONTH.finditer(source), *_ONCE.finditer(source)], key=lambda m: m.start()):
        before = source[:m.start()]
        part = before[max((p.end() for p in _PART.finditer(before)), default=0):]
        paid = int(re.sub(r"[.,]", "", m.group(1)))
        months = int(m.group(2)) if m.re is _PER_MONTH else None
        if _LIMIT.search(part) or _LAST.match(source, m.end()) or not paid or months == 0 or \
                (months is None and _STAGE.search(part)):
            continue
        stated.setdefault((paid, months), m.group())
    told = {figures: [(field, held, meant) for field, held, meant in _judged(figures, benefit.monthly, benefit.months,
                                                                             benefit.amount)
                      if held is not None and held != meant] for figures in stated}
    if len(told) != 1 or not all(told.values()):
        return
    ((figures, wrong),) = told.items()
    for field, held, meant in wrong:
        yield ("benefit", field), (
            f"the benefit's source says {stated[figures]}, and `{field}` is {held}: every eligible member would be "
            f"paid what its own citation contradicts; if `{field}` is right, update the figures of the source"), \
            str(meant)


def _judged(figures: tuple[int, int | None], monthly: int | None, months: int | None,
            amount: int) -> list[tuple[str, int | None, int]]:
    """Each field of the benefit a statement's ``figures`` judge, as held and as stated: a monthly amount times
    months judges ``monthly``, ``months`` and ``amount``; an amount paid once (months None) ``amount`` alone."""
    paid, count = figures
    if count is None:
        return [("amount", amount, paid)]
    return [("monthly", monthly, paid), ("months", months, count), ("amount", amount, paid * count)]


def stale_explanations(rs: RuleSet, warn: Warn) -> None:
    """Warn (at the explanation, with the rule id) of each ``member.``, ``fact.`` or ``param.`` placeholder
    naming what the criterion does not read (its condition, through its facts) nor show (``shows``); a
    fact of what it reads (``nik_issue(member.nik, member.birth_date)`` beside ``nik_valid`` of both) is read."""
    reads: dict[str, set[str]] = {}  # what each fact reads, walked once for every rule
    for i, checked in enumerate(rs.rules):
        explain = checked.rule.explain
        if explain is None:
            continue
        read = rs.names_read(checked.tree, reads)
        for shown in checked.shown:
            read |= {".".join(shown.parts[:2]), *rs.names_read(shown, reads)}
        for lang in ("id", "en"):
            for name in dict.fromkeys(m[1] for m in PLACEHOLDER.finditer(getattr(explain, lang))):
                if name.startswith(("member.", "fact.", "param.")) and not _read(rs, name, read, reads):
                    warn(("rules", i, "explain", lang), "stale-explain",
                         f"the explanation shows `{name}`, which the criterion does not read (its condition, "
                         "through its facts) nor show (`shows`): a reason about something else, told to a worker "
                         "who failed for another; update the explanation to the condition", checked.rule.id)


def _read(rs: RuleSet, name: str, read: set[str], reads: dict[str, set[str]]) -> bool:
    kind, own = name.split(".")[:2]
    if f"{kind}.{own}" in read:
        return True
    fact = rs.facts.get(own) if kind == "fact" else None
    inputs = {n for n in rs.names_read(fact, reads) if n.startswith(("member.", "param."))} if fact is not None \
        else set()
    return bool(inputs) and inputs <= read


def _add_literals(tree: Node, held: Held, units: Units) -> None:
    """Add to ``held`` each value ``tree`` states itself: a number (an amount; a count too when it is
    compared with, added to or taken from a value of months or days: ``fact.arrears <= 2``), a date, a month."""
    amounts, days, months, counts = held
    for node in walk(tree):
        if isinstance(node, Binary) and node.op in ("<", "<=", ">", ">=", "==", "!=", "+", "-"):
            for number, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(number, Lit) and _number(number.value) and (unit := units.of(other)) in COUNTED:
                    counts.add(Count(unit, number.value))
        if isinstance(node, Lit):
            value = node.value
            if isinstance(value, date):
                days.add(value)
                months.add((value.year, value.month))
            elif isinstance(value, int) and not isinstance(value, bool):
                amounts.add(value)
            elif node.is_month and isinstance(value, str) and (found := _YEAR_MONTH.match(value)):
                months.add((int(found[1]), int(found[2])))


def _stated(text: str, held: Held) -> Iterator[tuple[str, bool]]:
    """Each figure ``text`` states (``figures``), and whether ``held`` holds it; a count of a unit of which
    ``held`` holds no count is not judged (a title over no value of months saying "2 bulan")."""
    amounts, days, months, counts = held
    for m in figures(text):
        if m.re is _AMOUNT:
            yield m.group(), int(re.sub(r"[.,]", "", m.group(1))) in amounts
            continue
        if m.re is _COUNT:
            unit = COUNT_UNITS[m.group(2).lower()]
            if any(c.unit == unit for c in counts):
                yield m.group(), Count(unit, int(m.group(1))) in counts
            continue
        day, month, year = m.group(1), MONTHS[m.group(2).lower()], int(m.group(3))
        if day is None:
            yield m.group(), (year, month) in months
        else:
            try:
                yield m.group(), date(year, month, int(day)) in days
            except ValueError:
                yield m.group(), False


def _meant(stated: str, held: Held, lang: str) -> str | None:
    """The one value of its kind a criterion reads that a stale ``stated`` amount, count, date or month was
    probably meant to become (an amount of as many digits, written as the title writes it; a count of the
    same unit, in the title's word for it, "1 month", "2 months"; a last day of a month for a last day, a
    first for a first), in the title's language; None when there is not exactly one."""
    amounts, days, months, counts = held
    if (count := _COUNT.fullmatch(stated)) is not None:
        unit = COUNT_UNITS[count.group(2).lower()]
        same = {c.n for c in counts if c.unit == unit}
        return said_count(same.pop(), count.group(2)) if len(same) == 1 else None
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


def _dated_name(rs: RuleSet, stated: str, dated: dict[int, str]) -> str | None:
    """The parameter (of ``dated``) that holds the amount or count ``stated`` on some days of the edition
    only: any such parameter for an amount, one of the count's unit for a count; None for a date."""
    if (amount := _AMOUNT.fullmatch(stated)) is not None:
        return dated.get(int(re.sub(r"\D", "", amount.group())))
    if (count := _COUNT.fullmatch(stated)) is None or (name := dated.get(int(count.group(1)))) is None:
        return None
    return name if rs.model.parameters[name].unit == COUNT_UNITS[count.group(2).lower()] else None


def _dated_amounts(rs: RuleSet, read: set[str]) -> dict[int, str]:
    """Each amount or count a parameter in ``read`` holds on some days of the edition but not on others,
    with the parameter's name."""
    out: dict[int, str] = {}
    edition = rs.model.in_force
    for name, param in rs.model.parameters.items():
        if f"param.{name}" not in read or not param.values:
            continue
        inside = param.within(edition)
        if len(set(map(repr, inside))) > 1:
            out |= {v: name for v in inside if isinstance(v, int) and not isinstance(v, bool)}
    return out


Held = tuple[set[int], set[date], set[tuple[int, int]], set[Count]]
"""Amounts, days, months (year, month) and counts of months or days."""
COUNTED = ("months", "days")
"""The units a title states a count of."""


def restated(text: str, lang: str, changes: dict[Any, Any]) -> str:
    """``text`` (a criterion's title) with each figure it states (``figures``) that ``changes`` maps (a
    value a parameter the criterion reads held, or ``as_of``, to the value a what-if gives it; a count,
    by its ``Count``: a value of a parameter in that unit) put as the new one, in one pass: "Rp3.500.000"
    becomes "Rp4.000.000", "2 months" "1 month", "Juli 2022" "Juni 2022", and "31 Juli 2022" "30 Juni
    2022" when the month changed (the first or last day of a month stays the first or last). A figure no
    change maps is left as stated. A limit a count states put at 0 is said as none (``said_as_none``)."""
    restate = {_AMOUNT: _amount_restated, _COUNT: _count_restated, _DATE: _date_restated}
    out, at = [], 0
    for m in figures(text):
        out += [text[at:m.start()], restate[m.re](m, changes, lang)]
        at = m.end()
    return said_as_none("".join([*out, text[at:]]), lang)


_NONE = "\x00"
"""Marks a count a what-if puts at 0 in a restated title, until ``said_as_none`` says it (a title the file
writes with "0 months" is the author's, and left as written)."""
_AT_MOST = {"en": re.compile(rf"\b(at most|no more than|not more than|up to) {_NONE}0 (months?|days?)( of )?",
                             re.IGNORECASE),
            "id": re.compile(rf"\b(paling lama|paling banyak|maksimal|maksimum|tidak lebih dari) {_NONE}0 (bulan|hari)",
                             re.IGNORECASE)}
"""A limit of a count a what-if puts at 0 ("at most 0 months of", "paling lama 0 bulan")."""
_IN_A_ROW = {"en": re.compile(r",? (?:in a row|consecutively)\b"), "id": re.compile(r",? (?:secara )?berturut-turut\b")}
"""What a count of months in a row adds, which a limit of none drops (no run of none is in a row)."""
_CLAUSE = re.compile(r"[;:,(]")
"""Where a part of a title begins ("…; tunggakan iuran paling lama 2 bulan"): what a limit is of is said within it."""
_PART_ENDS = re.compile(r"[;:(]")
"""Where the part of a title with a limit ends after it (a comma may join what it is of: "fees, fines")."""
_NOTHING = {"en": {"month": "no months", "day": "no days"},
            "id": {"bulan": "tidak satu bulan pun", "hari": "tidak satu hari pun"}}
"""A limit of none where the title does not say what it is of, as ``said_as_none`` says it."""


def said_as_none(text: str, lang: str) -> str:
    """A restated title with each limit put at 0 said in words, as a listener hears it, never "at most 0
    months": what is limited, said before the limit in Indonesian ("Tunggakan iuran paling lama 0 bulan
    berturut-turut") or after it in English ("At most 0 months of unpaid contributions in a row"), is
    what there is none of ("Tidak ada tunggakan iuran", "No unpaid contributions"); "in a row"
    ("berturut-turut") is left out with the count (a run of none is no run). Where the title does not say
    what the limit is of, it is "no months" ("tidak satu bulan pun"). A 0 that is no such limit ("within
    0 days") keeps its figure."""
    while (m := _AT_MOST[lang].search(text)) is not None:
        before, after = text[:m.start()], text[m.end():]
        row = _IN_A_ROW[lang].search(after)
        if row is not None and not _PART_ENDS.search(after[:row.start()]):  # in the part of the title with the limit
            after = after[:row.start()] + after[row.end():]
        start = max((c.end() for c in _CLAUSE.finditer(before)), default=0)
        limited = before[start:].strip()
        capital = not before.strip()
        if lang == "en":
            said = "no " if m.group(3) else _NOTHING["en"][m.group(2).lower().rstrip("s")]
            capital = m.group(1)[0].isupper()
        elif limited:  # "Tunggakan iuran paling lama …": what there is none of
            before = before[:start] + before[start:][:len(before[start:]) - len(before[start:].lstrip())]
            capital = not before.strip()
            said = f"tidak ada {_lower(limited)}"
        else:
            said = _NOTHING["id"][m.group(2).lower()]
        text = before + (said[0].upper() + said[1:] if capital else said) + after
    return text.replace(_NONE, "")


def _lower(words: str) -> str:
    """A noun that opened a title, as it reads after "tidak ada": a capital only where its word is not a name
    or an abbreviation ("Tunggakan iuran" -> "tunggakan iuran"; "BSU", "PPKM" stay)."""
    first = words.split(" ", 1)[0]
    return words[0].lower() + words[1:] if first[:1].isupper() and first[1:].islower() else words


def _number(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _amount_restated(m: re.Match[str], changes: dict[Any, Any], lang: str) -> str:
    new = changes.get(int(re.sub(r"[.,]", "", m.group(1))))
    if not _number(new):
        return m.group()
    mark = next((c for c in m.group(1) if c in ".,"), "")
    return m.group()[:m.start(1) - m.start()] + (f"{new:,}".replace(",", mark) if mark else str(new))


def _count_restated(m: re.Match[str], changes: dict[Any, Any], lang: str) -> str:
    new = changes.get(Count(COUNT_UNITS[m.group(2).lower()], int(m.group(1))))
    if not _number(new):
        return m.group()
    return (_NONE if new == 0 else "") + said_count(new, m.group(2))  # a limit of none: ``said_as_none``


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
    """The amounts, days, months and counts the rule file holds; or (``read``) those a criterion reading
    these names holds: its parameters' values (a count for each of a parameter in months or days), ``as_of``
    when it reads it, its ``windows``' dates."""
    values: list[Any] = [model.as_of, model.in_force.from_, model.in_force.until] if read is None else \
        [model.as_of] if "as_of" in read else []
    counts: set[Count] = set()
    for name, param in model.parameters.items():
        if read is None or f"param.{name}" in read:
            values += [param.value, *(param.values or {}).values(), *(param.values or {})]
            if param.unit in COUNTED:
                counts |= {Count(param.unit, v) for v in [param.value, *(param.values or {}).values()] if _number(v)}
    if read is None:
        benefit = model.benefit
        values += [benefit.amount, benefit.monthly, *(benefit.instalments or [])]
        if benefit.months is not None:
            counts.add(Count("months", benefit.months))
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
    return amounts, days, months, counts
