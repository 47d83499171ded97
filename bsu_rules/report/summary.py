"""The impact report's figures assembled from the chunks' totals: the rule sets measured, the
headline, and each dimension's breakdown with its rates and four-fifths ratio (exact decimals)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import polars as pl

from bsu_rules.evaluators.scalar import Plan
from bsu_rules.report.groups import AGE_EDGES, DIMENSIONS, UNKNOWN, WAGE_EDGES, band_names
from bsu_rules.ruleset.overrides import Reform

Json = dict[str, Any]


def ratio(part: int, whole: int, places: int = 4) -> str | None:
    """``part / whole`` as exact decimal text (``"0.4123"``), None when ``whole`` is 0."""
    if whole == 0:
        return None
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN))


def in_order(dim: str, groups: pl.DataFrame) -> list[dict[str, Any]]:
    """Groups in reading order: bands from low to high, other keys as text, unknown last."""
    bands = {"wage_band": band_names(WAGE_EDGES), "age_band": band_names(AGE_EDGES)}.get(dim, [])

    def order(row: dict[str, Any]) -> tuple[int, str]:
        key = row["key"]
        return (2, key) if key == UNKNOWN else (1, f"{bands.index(key):04d}") if key in bands else (1, key)

    return sorted(groups.iter_rows(named=True), key=order)


def first_int(frame: pl.DataFrame, name: str) -> int:
    """The first value of column ``name`` (0 when the column or the frame is empty)."""
    return int(frame[name][0]) if name in frame.columns and frame.height else 0


def describe(plan: Plan) -> Json:
    rs = plan.ruleset
    base = rs.base if isinstance(rs, Reform) else None
    return {"ruleset": rs.id, "version": rs.version, "sha256": rs.sha256, "on": plan.on.isoformat(),
            "as_of": plan.as_of.isoformat(), "title": rs.model.title.model_dump(),
            "base_sha256": base.sha256 if base is not None else None,
            "overrides": list(rs.overrides) if isinstance(rs, Reform) else [], "benefit": plan.benefit.amount}


def headline(sides: dict[str, Json]) -> Json:
    out: Json = {}
    for key in ("members", "eligible", "paid", "held", "budget", "undetermined", "ineligible", "rejected"):
        values = {}
        for name, s in sides.items():
            t = s["totals"]
            values[name] = t["paid"] * s["amount"] if key == "budget" else t[key]
        if "baseline" in values:
            values["difference"] = values["reform"] - values["baseline"]
        out[key] = values
    return out


def breakdowns(sides: dict[str, Json]) -> Json:
    out: Json = {}
    reform = sides["reform"]
    base = sides.get("baseline")
    for dim in DIMENSIONS:
        rows = []
        base_rows = {r["key"]: r for r in base["groups"][dim]} if base else {}
        for r in reform["groups"][dim]:
            excluded = r["ineligible"]
            driver = max(r["fails"].items(), key=lambda kv: (kv[1], -list(r["fails"]).index(kv[0])),
                         default=(None, 0))
            item = {"key": r["key"], "members": r["members"], "eligible": r["eligible"], "paid": r["paid"],
                    "held": r["held"],
                    "budget": r["budget"], "undetermined": r["undetermined"], "ineligible": excluded,
                    "eligible_rate": ratio(r["eligible"], r["members"]),
                    "exclusion_rate": ratio(excluded, r["members"]),
                    "driver": driver[0] if driver[1] else None, "driver_fails": driver[1]}
            b = base_rows.get(r["key"])
            if base is not None:
                item["baseline"] = {k: (b or {}).get(k, 0) for k in ("members", "eligible", "paid", "held", "budget")}
                item["difference"] = {k: item[k] - item["baseline"][k] for k in ("eligible", "paid", "held", "budget")}
            rows.append(item)
        known = [r for r in rows if r["key"] != UNKNOWN and r["members"]]
        best = max(known, key=lambda r: Decimal(r["eligible"]) / r["members"], default=None)
        for r in rows:
            r["four_fifths"] = None
            if best is not None and r in known and best["eligible"]:
                value = (Decimal(r["eligible"]) * best["members"]) / (Decimal(best["eligible"]) * r["members"])
                if value < Decimal("0.8"):
                    r["four_fifths"] = str(value.quantize(Decimal("0.0001"), ROUND_HALF_EVEN))
        out[dim] = rows
    return out
