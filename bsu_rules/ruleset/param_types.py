"""The type of a rule file's parameter, read from the values written for it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.ruleset.checker import PLACEHOLDER, parse_checked
from bsu_rules.ruleset.expressions import Call, Name, Parses, walk
from bsu_rules.ruleset.schema import Parameter, RuleFile
from bsu_rules.ruleset.types import BOOL, DATE, DECIMAL, INT, MONTH, STR, Type, list_of, unify


def parameter_type(param: Parameter) -> Type | None:
    """The one type all of a parameter's values have, or None when they mix types."""
    values = [param.value] if param.values is None else [v for v in param.values.values() if v is not None]
    out: Type | None = None
    for value in values:
        t = value_type(value)
        out = t if out is None else unify(out, t)
        if out is None:
            return None
    return out


def value_type(value: Any) -> Type:
    """The type of one value of a parameter as read (a list is a list of texts)."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, Decimal):
        return DECIMAL
    if isinstance(value, date):
        return DATE
    if isinstance(value, list):
        return list_of(STR)
    if len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit():
        return MONTH
    return STR


def months_wanted(model: RuleFile, parses: Parses | None = None) -> set[str]:
    """The parameters a rule file takes as months: passed where only a month is taken
    (``last_wage(member.wages, param.cutoff_month)``) or shown as one (``{param.cutoff_month:month}``).
    ``parses``: the file's expressions, parsed once for every pass that reads them."""
    texts = [*model.facts.values(), *(r.condition for r in model.rules)]
    out: set[str] = set()
    parsed = (parses or Parses()).shared
    for tree in (t for text in texts if (t := parse_checked(text, lambda *_: None, parsed)) is not None):
        for call in (n for n in walk(tree) if isinstance(n, Call) and n.func.dotted in FUNCTIONS):
            wanted = FUNCTIONS[call.func.dotted].params
            out |= {a.parts[1] for i, a in enumerate(call.args) if isinstance(a, Name) and len(a.parts) == 2
                    and a.parts[0] == "param" and wanted and wanted[min(i, len(wanted) - 1)] == (MONTH,)}
    explained = [getattr(r.explain, lang) for r in model.rules if r.explain is not None for lang in ("id", "en")]
    return out | {m[1].removeprefix("param.") for text in explained for m in PLACEHOLDER.finditer(text)
                  if m[2] == "month" and m[1].startswith("param.")}
