"""A logged decision compared with its replay: which criteria came out differently, and which fields.

``compare`` finds nothing when the replayed decision's canonical JSON is the logged one's (the
engine aside, and a field added since the line was logged); otherwise it gives a
``CriterionChange`` for each criterion that differs, with both forms, the criteria's ids in order
(``rules``) where the logged list is not the replay's (one listed twice, left out or moved), and every
other field that differs, by its dotted path: different as JSON (``600000.0`` is not ``600000``), or a key the
logged decision has and the replay has not (even null: no engine wrote it). What it reports is
``masked`` as a replay report shows logged data: NIK- and account-like numbers hidden.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from bsu_rules.audit.chain import canonical_bytes
from bsu_rules.decisions import Decision, mask_logged


@dataclass(frozen=True)
class CriterionChange:
    """One criterion that came out differently: its logged and replayed form, and the fields that differ."""

    id: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    changed: tuple[str, ...]


LATER_FIELDS = ("channel_values", "ruleset.what_if")
"""Decision fields added after decisions were first logged: a decision logged without one by ``FIRST_ENGINE`` is
compared without it (what the channel read is new information, not a different decision; a what-if's archive
entry names the same overrides as its ``ruleset.what_if``). Both came while the engine said 0.1.0
(``channel_values`` on 2026-11-30, ``what_if`` on 2026-12-02); a line of any other engine (0.2.0 on, or a version
never released, "bsu-rules 0.0.9") without one was edited (its chain may have been rebuilt): the field is
compared as any other, and the line is ``different`` whichever engine it names (``later_fields_dropped``)."""
FIRST_ENGINE = "bsu-rules 0.1.0"
"""The engine, as a decision names it, that logged decisions before it wrote the ``LATER_FIELDS``."""
RELEASED = (FIRST_ENGINE, "bsu-rules 0.2.0", "bsu-rules 0.3.0", "bsu-rules 0.4.0", "bsu-rules 0.5.0",
            "bsu-rules 0.6.0", "bsu-rules 0.7.0", "bsu-rules 0.8.0")
"""Every engine, as its decisions name it, that has been released (CHANGELOG.md's versions; every build before
0.2.0 called itself 0.1.0): a logged decision naming another engine than these and the running one was not made by
any (a line edited, its chain rebuilt), and a difference under it is no engine's drift."""


def known_engine(engine: object, running: str) -> bool:
    """Whether ``engine``, as a logged decision names it, is one that decided: a released one, or ``running``."""
    return isinstance(engine, str) and (engine == running or engine in RELEASED)


def later_fields_left(old: dict[str, Any], new: Decision) -> list[str]:
    """The ``LATER_FIELDS`` a logged decision of ``FIRST_ENGINE`` lacks that ``compare`` left uncompared for that
    (its replay ``new`` has them): what a line of a later engine, edited to name ``FIRST_ENGINE`` and without them,
    would hide as well."""
    return _lacked(old, new) if old.get("engine") == FIRST_ENGINE else []


def later_fields_dropped(old: dict[str, Any], new: Decision, running: str) -> list[str]:
    """The ``LATER_FIELDS`` a logged decision naming a known engine other than ``FIRST_ENGINE`` (a later release,
    or ``running``) lacks while its replay ``new`` has them, and the line says what gives them (``channel_values``:
    the logged outcome is the replay's, eligible; ``ruleset.what_if``: the what-if entry its hash names): every such
    engine wrote them, so the line was edited, whatever else drifted."""
    engine = old.get("engine")
    if engine == FIRST_ENGINE or not known_engine(engine, running):
        return []
    return [f for f in _lacked(old, new) if f != "channel_values" or old.get("outcome") == new.outcome.value]


def _lacked(old: dict[str, Any], new: Decision) -> list[str]:
    """The ``LATER_FIELDS`` the replay ``new`` has and the logged decision ``old`` does not."""
    ruleset = old.get("ruleset")
    left = ["channel_values"] if "channel_values" not in old and new.channel_values else []
    if isinstance(ruleset, dict) and "what_if" not in ruleset and new.ruleset.what_if is not None:
        left.append("ruleset.what_if")
    return left


def compare(old: dict[str, Any], new: Decision,
            plain: bool = False) -> tuple[tuple[CriterionChange, ...], dict[str, tuple[Any, Any]]]:
    """Criteria that differ, and every other field that differs (dotted paths), ignoring ``engine``
    (and a ``LATER_FIELDS`` field the logged decision does not have, where ``FIRST_ENGINE`` logged it).

    ``plain``: ``old`` holds no float (see ``canonical_bytes``).
    """
    text = new.to_json()
    ruleset, first = old.get("ruleset"), old.get("engine") == FIRST_ENGINE
    if first and isinstance(ruleset, dict) and "what_if" not in ruleset and new.ruleset.what_if is not None:
        old = {**old, "ruleset": {**ruleset, "what_if": new.ruleset.what_if}}  # logged before decisions said it
    if canonical_bytes({**old, "engine": new.engine}, plain) == text.encode("utf-8"):
        return (), {}
    after = json.loads(text)
    try:
        before = json.loads(Decision.model_validate(old).to_json())  # fields older engines left out, filled in
    except ValidationError:
        before = old
    later = frozenset(f for f in LATER_FIELDS if first and "." not in f and f not in old)
    found = _differences(before, after, later)
    if not found[0] and not found[1]:  # the same once read as a decision, not the same text: "600000", 600000.0
        found = _differences(old, after, later)
    return found


def _differences(before: dict[str, Any], after: dict[str, Any], later: frozenset[str]
                 ) -> tuple[tuple[CriterionChange, ...], dict[str, tuple[Any, Any]]]:
    """``later``: the fields the logged decision lacks as its engine did not write them yet, not compared."""
    a_rules = {r.get("id"): r for r in before.get("rules") or [] if isinstance(r, dict)}
    b_rules = {r["id"]: r for r in after["rules"]}
    criteria = []
    for rid in [*b_rules, *(r for r in a_rules if r not in b_rules)]:
        a, b = a_rules.get(rid), b_rules.get(rid)
        if _unlike(a, b):
            keys = sorted(set(a or {}) | set(b or {}))
            changed = tuple(k for k in keys if _unlike((a or {}).get(k), (b or {}).get(k))
                            or (a is not None and b is not None and k in a and k not in b))
            criteria.append(CriterionChange(mask_logged(str(rid)), _shown(a), _shown(b),
                                            tuple(map(mask_logged, changed))))
    fields: dict[str, tuple[Any, Any]] = {}
    listed = before.get("rules")
    order = [r.get("id") if isinstance(r, dict) else r for r in listed] if isinstance(listed, list) else listed
    if order != [r["id"] for r in after["rules"]]:  # the list: one listed twice or moved, unseen by id
        fields["rules"] = (masked(order), [r["id"] for r in after["rules"]])
    for k in sorted((set(before) | set(after)) - {"rules", "engine"} - later):
        _diff(k, before.get(k), after.get(k, _ABSENT), fields)
    return tuple(criteria), fields


def _shown(rule: dict[str, Any] | None) -> dict[str, Any] | None:
    """A criterion as a replay report shows it: a text in it that holds a NIK or an account number (one an
    older engine logged whole, or a line edited) masked."""
    shown: dict[str, Any] | None = masked(rule)
    return shown


def masked(value: Any) -> Any:
    """Logged data as a report shows it: every NIK- or account-like run of digits masked, in its texts
    and its keys, and a number of ten digits or more (one written in place of a text) as masked text (a
    report is pasted into tickets; the log is what keeps a number whole)."""
    if isinstance(value, str):
        return mask_logged(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = mask_logged(text := str(value))
        return value if shown == text else shown
    if isinstance(value, dict):
        return {masked(k) if isinstance(k, str) else k: masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


_ABSENT = object()
"""A key the replay has not: one the logged decision has there is a difference, null or not (no engine wrote it)."""


def _diff(path: str, a: Any, b: Any, out: dict[str, tuple[Any, Any]]) -> None:
    if b is _ABSENT:  # (null, null) when the logged value is null
        out[masked(path)] = (masked(a), None)
    elif isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            _diff(f"{path}.{k}", a.get(k), b.get(k, _ABSENT), out)
    elif _unlike(a, b):
        out[masked(path)] = (masked(a), masked(b))


def _unlike(a: Any, b: Any) -> bool:
    """Different as JSON: ``600000.0`` is not ``600000``, nor ``true`` ``1``."""
    return a != b or json.dumps(a, sort_keys=True, default=str) != json.dumps(b, sort_keys=True, default=str)
