"""Explanations in Bahasa Indonesia and English, rendered from decision data.

Rule authors write one sentence per language with placeholders (``{fact.wage:rp}``); a decision
stores the rendered sentence of every criterion that failed, is unknown or flags the member.
``render_text`` turns a whole decision into a readable page.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bsu_rules.bounds import AtLeast
from bsu_rules.decisions import trusted
from bsu_rules.formatting import format_date, format_month, format_value, number, rupiah
from bsu_rules.nik import NikIssue, describe_nik_issue
from bsu_rules.ruleset.checker import PLACEHOLDER
from bsu_rules.ruleset.schema import Text

if TYPE_CHECKING:
    from bsu_rules.decisions import Decision, RuleOutcome
    from bsu_rules.evaluators.compile import Fn
    from bsu_rules.evaluators.scalar import Plan, _Compiled
    from bsu_rules.ruleset.model import RuleSet

LANGS = ("id", "en")
_UNKNOWN = {"id": "Tidak dapat ditentukan: data {} tidak tersedia",
            "en": "Cannot be decided: {} is missing"}
_UNLISTED = {"id": "Tidak dapat ditentukan: tabel {} tidak lengkap dan tidak memuat nilai ini",
             "en": "Cannot be decided: the table {} is incomplete and does not list this value"}
_UNKNOWN_VALUE = {"id": "Tidak dapat ditentukan dari data yang ada", "en": "Cannot be decided from the data given"}


def format_as(value: Any, fmt: str | None, lang: str, member: Any = None) -> str:
    """One placeholder value, formatted for a language."""
    if value is None:
        return format_value(None, lang)
    if isinstance(value, AtLeast) or (isinstance(value, dict) and set(value) == {"at_least"}):
        least = value.value if isinstance(value, AtLeast) else value["at_least"]
        return ("paling sedikit " if lang == "id" else "at least ") + format_as(least, fmt, lang, member)
    if fmt == "rp" and isinstance(value, (int, float)) is not isinstance(value, bool):
        return rupiah(value)  # type: ignore[arg-type,unused-ignore]
    if fmt == "rp" and not isinstance(value, bool):
        from decimal import Decimal
        return rupiah(Decimal(str(value)))
    if fmt == "date" and isinstance(value, str):
        return format_date(date.fromisoformat(value), lang)
    if fmt == "month" and isinstance(value, str):
        return format_month(value, lang)
    if fmt == "number" and isinstance(value, int):
        return number(value, lang)
    if fmt == "nik" and member is not None and value:
        return describe_nik_issue(NikIssue(value), member.nik, lang)
    return format_value(value, lang)


class _Template:
    def __init__(self, text: str, plan: Plan) -> None:
        self.parts: list[str | tuple[Fn, str | None]] = []
        pos = 0
        for match in PLACEHOLDER.finditer(text):
            self.parts.append(text[pos:match.start()])
            self.parts.append((plan.getter(match.group(1)), match.group(2)))
            pos = match.end()
        self.parts.append(text[pos:])

    def render(self, lang: str, member: Any, facts: list[Any]) -> str:
        return "".join(p if isinstance(p, str) else format_as(p[0](member, facts), p[1], lang, member)
                       for p in self.parts)


class Renderer:
    """Renders the explanation of each criterion of a plan."""

    def __init__(self, plan: Plan) -> None:
        self.templates: dict[str, tuple[_Template, _Template]] = {}
        for r in plan.rules:
            if r.rule.explain is not None:
                self.templates[r.rule.id] = (_Template(r.rule.explain.id, plan), _Template(r.rule.explain.en, plan))

    def explain(self, r: _Compiled, result: str, member: Any, facts: list[Any], missing: list[str]) -> Text | None:
        if result == "unknown":
            tables = [m for m in missing if m.startswith("table.")]
            if tables and len(tables) == len(missing):
                names = ", ".join(f"`{t}`" for t in tables)
                return trusted(Text, {"id": _UNLISTED["id"].format(names), "en": _UNLISTED["en"].format(names)})
            if not missing:
                return trusted(Text, {"id": _UNKNOWN_VALUE["id"], "en": _UNKNOWN_VALUE["en"]})
            names = ", ".join(f"`{m}`" for m in missing)
            return trusted(Text, {"id": _UNKNOWN["id"].format(names), "en": _UNKNOWN["en"].format(names)})
        if result not in ("fail", "flagged"):
            return None
        pair = self.templates.get(r.rule.id)
        if pair is None:
            return None
        return trusted(Text, {"id": pair[0].render("id", member, facts), "en": pair[1].render("en", member, facts)})


_HEAD = {
    "eligible": {"id": "LAYAK menerima BSU", "en": "ELIGIBLE for BSU"},
    "ineligible": {"id": "TIDAK LAYAK menerima BSU", "en": "NOT ELIGIBLE for BSU"},
    "undetermined": {"id": "BELUM DAPAT DITENTUKAN", "en": "UNDETERMINED"},
}
_MARK = {"pass": "✓", "fail": "✗", "unknown": "?", "flagged": "!", "prioritized": "+",
         "not_prioritized": "·", "not_in_force": "–"}
_BASIS = {"regulation": {"id": "peraturan", "en": "regulation"},
          "policy": {"id": "kebijakan", "en": "policy"},
          "interpretation": {"id": "tafsiran", "en": "interpretation"}}
_WORDS = {
    "id": {"date": "Tanggal keputusan", "as_of": "data per", "benefit": "Bantuan", "channel": "Penyaluran",
           "priority": "Prioritas", "review": "Perlu diperiksa", "not_in_force": "tidak berlaku pada tanggal ini",
           "read": "nilai"},
    "en": {"date": "Decision date", "as_of": "data as of", "benefit": "Benefit", "channel": "Paid through",
           "priority": "Priority", "review": "Needs review", "not_in_force": "not in force on this date",
           "read": "values"},
}


def render_text(decision: Decision, ruleset: RuleSet | None, lang: str = "id") -> str:
    """A whole decision as readable text in one language."""
    w = _WORDS[lang]
    titles = {r.rule.id: r.rule.title for r in ruleset.rules} if ruleset else {}
    lines = [f"{decision.member.nik}: {_HEAD[decision.outcome][lang]}",
             f"{decision.ruleset.id} {decision.ruleset.version} · {w['date']} {format_date(decision.on, lang)}"
             f" · {w['as_of']} {format_date(decision.as_of, lang)}"]
    if decision.benefit:
        lines.append(f"{w['benefit']}: {rupiah(decision.benefit.amount)}"
                     + (f" · {w['channel']}: {decision.channel}" if decision.channel else ""))
    if decision.flags:
        lines.append(f"{w['review']}: {', '.join(decision.flags)}")
    lines.append(f"{w['priority']}: {decision.priority}")
    for r in decision.rules:
        lines.extend(_rule_lines(r, titles.get(r.id), lang))
    return "\n".join(lines)


def _rule_lines(r: RuleOutcome, title: Text | None, lang: str) -> list[str]:
    w = _WORDS[lang]
    name = getattr(title, lang) if title else r.id
    basis = _BASIS.get(r.basis, {}).get(lang, r.basis)
    out = [f"  {_MARK[r.outcome]} {name} [{r.id}]"]
    if r.explain is not None:
        out.append(f"      {getattr(r.explain, lang)}")
    if r.hint is not None:
        out.append(f"      → {getattr(r.hint.text, lang)}")
    if r.outcome == "not_in_force":
        out.append(f"      ({w['not_in_force']})")
    elif r.values:
        shown = "; ".join(f"{k} = {_show(k, v, lang)}" for k, v in r.values.items())
        out.append(f"      {w['read']}: {shown}")
    out.append(f"      {r.source or '-'} ({basis})")
    return out


_EVENTS = ("member.deceased_on", "member.membership_ended_on")
_NONE = {"id": "tidak tercatat", "en": "none recorded"}


def _show(label: str, value: Any, lang: str) -> str:
    if value is None and label in _EVENTS:
        return _NONE[lang]
    if isinstance(value, dict) and set(value) == {"at_least"}:
        return format_as(value, "rp", lang)
    if isinstance(value, int) and not isinstance(value, bool):
        return rupiah(value) if value >= 100000 else str(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return format_date(date.fromisoformat(value), lang)
    return format_value(value, lang)
