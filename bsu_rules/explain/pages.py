"""Three audiences, one decision: what a worker, an officer and an auditor each read.

Each audience is a function from a decision to a ``Page`` (plain data, ``page_data``), built of the
parts a ``page_context.Context`` works out; the text and HTML renderers lay a page out. A worker
reads the outcome in the regulation's words and only what failed or needs review, as full
sentences; an officer reads every criterion with its values under plain labels; an auditor reads
everything, internal names, hashes and parameter dates included.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bsu_rules.decisions import RuleResult
from bsu_rules.explain.page_context import Context, sentence
from bsu_rules.explain.page_data import MARKS, Line, Page, Unpaid
from bsu_rules.formatting import capital
from bsu_rules.glossary import join
from bsu_rules.unknowns import inputs

if TYPE_CHECKING:
    from bsu_rules.decisions import Decision, RuleOutcome
    from bsu_rules.ruleset.model import RuleSet

AUDIENCES = ("worker", "officer", "auditor")


def _mark(r: RuleOutcome) -> str:
    """A flag that did not fire reads "no review needed", not "met"."""
    return MARKS["clear"] if r.kind == "flag" and r.outcome is RuleResult.PASS else MARKS[r.outcome.value]


_SHOWN_TO_WORKER = (RuleResult.FAIL, RuleResult.UNKNOWN, RuleResult.FLAGGED)


def worker(decision: Decision, ruleset: RuleSet | None, lang: str, unpaid: Unpaid | None = None) -> Page:
    """The outcome in the regulation's words; only what failed or needs review, as full sentences (what
    cannot be decided yet only while it can still change the outcome; a review flag that cannot be decided
    for want of inputs a requirement shown already waits for, not again)."""
    c = Context(decision, ruleset, lang, unpaid)
    facts = c.dates() + c.payment("worker")  # the benefit's citation is the first footnote
    for r in decision.rules if decision.outcome.value == "eligible" and unpaid is None else ():
        if r.outcome is RuleResult.NOT_PRIORITIZED or (r.kind == "prioritize" and r.outcome is RuleResult.UNKNOWN):
            facts.append((c.w["priority"], c.later(r)))  # paid after those given priority, or perhaps: said why
    ineligible = decision.outcome.value == "ineligible"
    shown = (RuleResult.FAIL,) if ineligible else _SHOWN_TO_WORKER  # a review then changes nothing
    lines: list[Line] = []
    read_out: set[tuple[str, tuple[str, ...]]] = set()
    awaited = {i for r in decision.rules if r.outcome is RuleResult.UNKNOWN and r.outcome in shown
               and r.kind in ("require", "exclude") for m in r.missing for i in inputs(m, ruleset)}
    for r in decision.rules:
        if r.kind == "flag" and r.outcome is RuleResult.UNKNOWN and r.missing and \
                {i for m in r.missing for i in inputs(m, ruleset)} <= awaited:
            continue  # a review waiting for an input a requirement said already waits for: said once, as that
        if r.outcome in shown and r.kind != "prioritize":  # a priority orders payments, never decides
            said = c.sentences(r, every_hint=False)
            if (_mark(r), tuple(said)) not in read_out:  # two criteria waiting for one input are read out once
                read_out.add((_mark(r), tuple(said)))
                # what the line rests on when not the regulation's words, then what would help
                lines.append(Line(_mark(r), c.title(r.id), said[:1] + c.basis_for_worker(r) + said[1:],
                                  note=c.note(r.source, r.basis)))  # a footnote only for a line read out
    if not lines and decision.outcome.value == "eligible":
        facts.append((c.w["criteria"], c.w["all_met"]))
    section = c.w["flags"] if decision.outcome.value == "eligible" else c.w["reasons"]
    return c.page("worker", facts, section, lines, c.steps())


def officer(decision: Decision, ruleset: RuleSet | None, lang: str, unpaid: Unpaid | None = None) -> Page:
    """Every criterion, its values under plain labels, review flags and priority."""
    c = Context(decision, ruleset, lang, unpaid)
    facts = c.dates() + c.payment("officer")  # the benefit's citation is the first footnote
    lines = []
    for r in decision.rules:
        if r.outcome is RuleResult.NOT_IN_FORCE:
            sentences = [sentence(capital(c.w["not_in_force"]))]
        else:
            sentences = c.sentences(r, every_hint=True)
        if r.outcome is RuleResult.UNKNOWN and decision.outcome.value == "ineligible":
            sentences.append(c.w["moot"])
        lines.append(Line(_mark(r), c.title(r.id), sentences + c.basis(r), c.values(r), c.note(r.source, r.basis)))
    if decision.flags:
        facts.append((c.w["flags"], join([c.title(f) for f in decision.flags], lang)))
    prio = [r for r in decision.rules if r.kind == "prioritize" and r.outcome is not RuleResult.NOT_IN_FORCE]
    if prio and decision.outcome.value == "eligible":
        unknown = sum(r.outcome is RuleResult.UNKNOWN for r in prio)
        facts.append((c.w["priority"], c.w["prio"].format(met=decision.priority, all=len(prio))
                      + (c.w["prio_unknown"].format(n=unknown) if unknown else "")))
    return c.page("officer", facts, c.w["criteria"], lines, c.steps())


def auditor(decision: Decision, ruleset: RuleSet | None, lang: str, unpaid: Unpaid | None = None) -> Page:
    """Everything: internal names, raw values, sources, hashes, parameters and the dates they took effect."""
    c = Context(decision, ruleset, lang, unpaid)
    facts = c.dates() + c.payment("auditor")  # the benefit's citation is the first footnote
    d = decision
    lines = []
    for r in d.rules:
        details = [f"[{r.id}] {r.kind} → {r.outcome.value} · basis {r.basis} · source {r.source or '-'}"]
        if r.missing:
            details.append("missing: " + ", ".join(r.missing))
        sentences = c.sentences(r, every_hint=True) + details
        raw = [(k, _raw(v)) for k, v in r.values.items()]
        lines.append(Line(_mark(r), c.title(r.id), sentences, raw, c.note(r.source, r.basis)))
    facts += [
        ("outcome", d.outcome.value), ("ruleset", f"{d.ruleset.id} {d.ruleset.version} sha256 {d.ruleset.sha256}"),
        ("engine", d.engine), ("member", f"{d.member.nik} input_sha256 {d.member.input_sha256}"),
        ("decision sha256", d.sha256()), ("channel", "-" if unpaid else c.channel_code()),
        ("priority", str(d.priority)),
        ("flags", ", ".join(d.flags) or "-"), ("missing", ", ".join(d.missing) or "-"),
    ] + [(f"param.{k}", f"{_raw(p.value)} (since {p.since.isoformat() if p.since else '-'})")
         for k, p in d.parameters.items()]
    return c.page("auditor", facts, c.w["criteria"], lines)


def _raw(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


PAGES: dict[str, Callable[[Decision, RuleSet | None, str, Unpaid | None], Page]] = {
    "worker": worker, "officer": officer, "auditor": auditor}


def page(decision: Decision, ruleset: RuleSet | None, lang: str = "id", audience: str = "worker",
         unpaid: Unpaid | None = None) -> Page:
    """A decision laid out for an audience (worker, officer, auditor) in a language (id, en); ``unpaid``
    for a batch row left unpaid because its NIK is paid under another row."""
    if audience not in PAGES:
        raise ValueError(f"unknown audience {audience!r}; expected one of {', '.join(AUDIENCES)}")
    return PAGES[audience](decision, ruleset, lang, unpaid)
