"""What the service tells about an edition: its criteria, its parameters with their dates, its articles."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import Basis, Text, Window


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class EditionSummary(_Out):
    """One edition as listed by ``GET /v1/editions``."""

    id: str
    version: str
    sha256: str
    title: Text
    in_force: Window
    as_of: date


class Criterion(_Out):
    id: str
    kind: str
    title: Text | None = None
    condition: str
    shows: list[str] = Field(default=[], description="names a decision's trace gives besides what the condition "
                                                     "reads (where a figure comes from)")
    source: str | None = None
    basis: Basis
    in_force: Window


class ParameterValue(_Out):
    from_: date | None = Field(default=None, alias="from", description="the date this value takes effect")
    value: JsonValue


class ParameterInfo(_Out):
    values: list[ParameterValue]
    unit: str | None = None
    source: str | None = None
    basis: Basis
    description: Text | None = None


class Edition(EditionSummary):
    """One edition in full, as ``GET /v1/editions/{id}`` gives it."""

    articles: dict[str, str] = Field(description="the legal texts the criteria cite, by key")
    criteria: list[Criterion]
    parameters: dict[str, ParameterInfo]


def summary(rs: RuleSet) -> EditionSummary:
    m = rs.model
    return EditionSummary(id=rs.id, version=rs.version, sha256=rs.sha256, title=m.title,
                          in_force=m.in_force, as_of=m.as_of)


def edition(rs: RuleSet) -> Edition:
    m = rs.model
    criteria = [Criterion(id=r.id, kind=r.kind.value, title=r.title, condition=r.condition, shows=r.shows,
                          source=r.source, basis=r.basis, in_force=r.in_force) for r in m.rules]
    parameters = {}
    for name, p in m.parameters.items():
        dated = {None: p.value} if p.values is None else p.values
        values = [ParameterValue(from_=day, value=_json(v)) for day, v in dated.items()]
        parameters[name] = ParameterInfo(values=values, unit=p.unit, source=p.source, basis=p.basis,
                                         description=p.description)
    return Edition(**summary(rs).model_dump(), articles=dict(m.legal_basis), criteria=criteria,
                   parameters=parameters)


def _json(value: Any) -> JsonValue:
    """Exact decimals and dates as text, as in a decision's trace."""
    if isinstance(value, (Decimal, date)):
        return str(value)
    return value  # type: ignore[no-any-return]
