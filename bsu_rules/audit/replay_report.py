"""What a replay reports: each log line's status and differences, and the counts of a whole replay.

A ``ReplayItem`` is the replay of one line (``Status``: identical, different, engine drift, a rule
set or an input missing, unvouched by the snapshot given, inserted, error), with the criteria and fields that differ; a
``ReplayReport`` holds every item and the log's chain. ``tally`` and ``tally_what_if`` count items by
status (what-if decisions also by their overrides), ``tally_uncompared`` the identical ones of the first engine
not compared on a later field, and ``summary`` is the table ``replay`` prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bsu_rules.audit.chain import Verification
from bsu_rules.audit.comparison import FIRST_ENGINE, LATER_FIELDS, CriterionChange, later_fields_left
from bsu_rules.decisions import Decision
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.override_texts import override_options


class Status(StrEnum):
    IDENTICAL = "identical"
    DIFFERENT = "different"
    ENGINE_DRIFT = "engine-drift"  # the engine version differs and so does the result
    MISSING_RULESET = "missing-ruleset"
    MISSING_INPUT = "missing-input"
    UNVOUCHED = "unvouched"  # replays identical from the logged inputs, but no record of the snapshot given vouches
    INSERTED = "inserted"  # replays identical, but the line is not part of the chain, or repeats a seq already replayed
    ERROR = "error"  # the line is not a decision, or the replay itself failed


@dataclass(frozen=True)
class ReplayItem:
    """The replay of one log line."""

    line: int
    status: Status
    seq: int | None = None
    nik: str | None = None
    ruleset: str | None = None
    on: str | None = None
    reason: str = ""
    source: str | None = None  # where the member came from: "log" or "snapshot"
    old_outcome: str | None = None
    new_outcome: str | None = None
    criteria: tuple[CriterionChange, ...] = ()
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # other differences, dotted path
    engine: str | None = None  # the engine that made the logged decision
    logged: dict[str, Any] | None = field(default=None, repr=False)
    replayed: Decision | None = field(default=None, repr=False)
    rules: RuleSet | None = field(default=None, repr=False)
    overrides: str = ""  # a what-if's overrides, as its archive entry names them, when ``rules`` could not load
    common: str = ""  # the reason as said once for many lines (a pseudonymised line's without its input hash)

    @property
    def what_if(self) -> str:
        """The overrides a what-if decision was made under, as options; "" for the programme's decisions."""
        return override_options(self.rules) or self.overrides

    def row(self) -> dict[str, Any]:
        """A flat row (for a table or a DataFrame)."""
        return {"line": self.line, "seq": self.seq, "nik": self.nik, "ruleset": self.ruleset, "on": self.on,
                "what_if": self.what_if, "status": self.status.value,
                "old_outcome": self.old_outcome, "new_outcome": self.new_outcome,
                "criteria": ",".join(c.id for c in self.criteria), "fields": ",".join(self.fields),
                "source": self.source, "reason": self.reason}

    def to_dict(self) -> dict[str, Any]:
        out = self.row()
        out["criteria"] = [{"id": c.id, "changed": list(c.changed), "old": c.old, "new": c.new} for c in self.criteria]
        out["fields"] = {k: {"old": a, "new": b} for k, (a, b) in self.fields.items()}
        out["engine"] = self.engine
        return out


@dataclass(frozen=True)
class ReplayReport:
    """Every replayed decision, and the state of the log's chain."""

    items: list[ReplayItem]
    chain: Verification
    notes: list[str] = field(default_factory=list)  # snapshot records left out, lines another key hides

    @property
    def counts(self) -> dict[str, int]:
        return tally(self.items)

    @property
    def what_if(self) -> dict[str, dict[str, int]]:
        return tally_what_if(self.items)

    @property
    def ok(self) -> bool:
        return self.chain.ok and all(i.status is Status.IDENTICAL for i in self.items)

    @property
    def differences(self) -> list[ReplayItem]:
        return [i for i in self.items if i.status is not Status.IDENTICAL]

    def rows(self) -> list[dict[str, Any]]:
        return [i.row() for i in self.items]

    @property
    def uncompared(self) -> dict[str, int]:
        return tally_uncompared(self.items)

    def summary(self) -> str:
        return summary(self.counts, self.chain, self.what_if, self.uncompared)

    def __str__(self) -> str:
        return self.summary()


def tally(items: Iterable[ReplayItem], counts: dict[str, int] | None = None) -> dict[str, int]:
    """Decisions per status (added to ``counts`` if given)."""
    out = counts if counts is not None else {s.value: 0 for s in Status}
    for item in items:
        out[item.status.value] += 1
    return out


def tally_what_if(items: Iterable[ReplayItem],
                  counts: dict[str, dict[str, int]] | None = None) -> dict[str, dict[str, int]]:
    """What-if decisions (made under overrides) per status, then per the overrides' options
    (added to ``counts`` if given); the programme's decisions are not in it."""
    out = counts if counts is not None else {}
    for item in items:
        if options := item.what_if:
            by = out.setdefault(item.status.value, {})
            by[options] = by.get(options, 0) + 1
    return out


def tally_uncompared(items: Iterable[ReplayItem], counts: dict[str, int] | None = None) -> dict[str, int]:
    """The identical decisions whose line names ``FIRST_ENGINE`` and lacks a ``LATER_FIELDS`` field its replay has
    (not compared on it: a later engine's line edited so replays the same), per field (added to ``counts`` if
    given; "" counts the decisions)."""
    out = counts if counts is not None else {}
    for item in items:
        if item.status is Status.IDENTICAL and item.logged is not None and item.replayed is not None \
                and (left := later_fields_left(item.logged, item.replayed)):
            out[""] = out.get("", 0) + 1
            for name in left:
                out[name] = out.get(name, 0) + 1
    return out


def summary(counts: dict[str, int], chain: Verification, what_if: dict[str, dict[str, int]] | None = None,
            uncompared: dict[str, int] | None = None) -> str:
    """The summary table: decisions per status (and how many of them are what-if), the identical ones not compared
    on a later field (``tally_uncompared``), then the chain."""
    what_if = what_if or {}
    total: dict[str, int] = {}
    for by in what_if.values():
        for options, n in by.items():
            total[options] = total.get(options, 0) + n
    lines = [f"{'status':<16} {'decisions':>9}"]
    lines += [f"{k:<16} {v:>9}{_of_them(what_if.get(k, {}))}" for k, v in counts.items()]
    lines.append(f"{'total':<16} {sum(counts.values()):>9}{_of_them(total)}")
    if n := (uncompared or {}).get("", 0):
        fields = " or ".join(f for f in LATER_FIELDS if (uncompared or {}).get(f))
        lines.append(f"{n} identical line{' names' if n == 1 else 's name'} {FIRST_ENGINE} and "
                     f"{'was' if n == 1 else 'were'} not compared on {fields} (--all shows them)")
    return "\n".join([*lines, f"chain: {chain}"])


def _of_them(by: dict[str, int]) -> str:
    """``  (16 of them what-if: --set wage_ceiling=4300000)``, "" when none is."""
    if not by:
        return ""
    said = next(iter(by)) if len(by) == 1 else "; ".join(f"{n} with {o}" for o, n in sorted(by.items()))
    return f"  ({sum(by.values())} of them what-if: {said})"
