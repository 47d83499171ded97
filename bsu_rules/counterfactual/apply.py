"""Applying a hint: the member record as it would be with the hint's changes made."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.decisions import Change, Hint
from bsu_rules.members import Member
from bsu_rules.members.model import replaced
from bsu_rules.ruleset.types import DATE, member_fields

__all__ = ["apply_changes", "apply_hint"]

_INVERSIONS = {f.inversion.field: f.inversion for f in FUNCTIONS.values() if f.inversion is not None}


def apply_hint(member: Member, hint: Hint) -> Member:
    """The member record with the hint's changes made (ValueError if no change can help)."""
    return apply_changes(member, hint.changes)


def apply_changes(member: Member, changes: Sequence[Change]) -> Member:
    """Make each change's patch (wage report, contributions paid, or a field set); ValueError if one has none."""
    for c in changes:
        patch = c.patch
        if not isinstance(patch, dict):
            raise ValueError(f"`{c.field}` cannot be changed")
        if c.field in _INVERSIONS:
            member = _INVERSIONS[c.field].apply(member, patch)
        else:
            value = patch["set"]
            is_day = member_fields().get(c.field) == DATE and isinstance(value, str)
            member = _set(member, c.field.split(".")[1:], date.fromisoformat(str(value)) if is_day else value)
    return member


def _set(model: Any, path: list[str], value: Any) -> Any:
    inner = getattr(model, path[0]) if len(path) > 1 else None
    if len(path) > 1 and inner is None:
        raise ValueError(f"`{path[0]}` is not in the record")
    return replaced(model, **{path[0]: _set(inner, path[1:], value) if len(path) > 1 else value})
