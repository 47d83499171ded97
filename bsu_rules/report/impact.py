"""Policy impact over a whole member file: one pass, in chunks, with the batch path's own functions.

Each chunk is read and validated as ``bsu-rules batch`` does (``batch.read``, ``batch.validate``),
decided by the columnar engine under the reform and, when there is one, the baseline, and reduced
to small counts at once (by group, by criterion, by flip); nothing per member is kept except the
60-bit key prefix of every NIK (duplicate counting) and, in a temporary Arrow file, the eligible
rows, so that one NIK, one payment is settled exactly as ``batch.dedupe`` settles it. Every
number of the report is a sum over the batch decisions of the same file (a property test).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from bsu_rules._version import __version__
from bsu_rules.batch.dedupe import held, prefixes, record_hashes
from bsu_rules.batch.niks import mask_kpjs, mask_niks, nik_keys
from bsu_rules.batch.read import Reader
from bsu_rules.batch.run import table_plan
from bsu_rules.batch.validate import ROW, validate
from bsu_rules.diff import compare, decision_dates
from bsu_rules.diff_text import render_text
from bsu_rules.explain.page_data import channel_named
from bsu_rules.glossary import Glossary, glossary_for
from bsu_rules.members.arrow import MEMBER_SCHEMA
from bsu_rules.members.redact import hidden_path
from bsu_rules.report.causes import DECIDING, Causes
from bsu_rules.report.changes import summary
from bsu_rules.report.groups import DIMENSIONS, PLAUSIBLE_WAGE, attributes
from bsu_rules.report.sides import SPILL, Side, spilled_channels, unpaid, unpaid_rows
from bsu_rules.report.summary import breakdowns, describe, first_int, headline, in_order
from bsu_rules.report.warnings import warnings
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.overrides import as_written
from bsu_rules.ruleset.schema import Kind

Json = dict[str, Any]
OUTCOMES = ("eligible", "ineligible", "undetermined")
EXAMPLES = 3


def side_dates(baseline: RuleSet, reform: RuleSet, baseline_on: date | None, on: date | None) -> tuple[date, date]:
    """The baseline's and the reform's decision dates, as ``diff.decision_dates`` gives them, except that a
    date given for the baseline alone is its own: the reform keeps the date it has without one, so that a
    baseline moved in time measures the calendar too."""
    if on is None and baseline_on is not None:
        on = decision_dates(baseline, reform)[1]
    return decision_dates(baseline, reform, baseline_on, on)


def impact(reform: RuleSet, source: str | Path, *, on: date | None = None, baseline: RuleSet | None = None,
           baseline_on: date | None = None, chunk_size: int = 250_000,
           progress: Callable[[int, int], None] | None = None, file_label: str | None = None,
           spill: Path | None = None) -> Json:
    """The impact report's data (JSON-ready) for ``reform`` over the members of ``source``; the two
    sides are decided on the dates ``side_dates`` gives (one date for a reform of the baseline by default).
    Each side's decisions are spilled to a temporary folder: the system's, else one in ``spill``."""
    reader = Reader(source, chunk_size)
    with _spill_folder(spill) as tmp:
        day = on
        if baseline is not None:
            baseline_on, day = side_dates(baseline, reform, baseline_on, on)
        sides = [Side("reform", reform.plan(day), Path(tmp, "reform.arrow"))]
        if baseline is not None:
            sides.append(Side("baseline", baseline.plan(baseline_on), Path(tmp, "baseline.arrow")))
        state = _State(sides)
        for chunk in reader:
            state.chunk(chunk.table)
            if progress:
                progress(chunk.done, chunk.table.num_rows)
        for side in sides:
            side.writer.close()
        report = state.report(hidden_path(file_label or Path(source).name))  # the report names no one
        unversioned: list[str] = []
        if baseline is not None:  # what the reform changes, as ``diff`` lists it
            assert baseline_on is not None and day is not None
            old, new = as_written(baseline), as_written(reform)
            compared = compare(old, new, baseline_on, day)
            report["change_summary"] = summary(compared, old, new)
            unversioned = [w for w in compared["warnings"]  # a version not bumped, a number lowered: carried with
                           if getattr(w, "kind", None) not in ("data-date", "unread")]  # the others (each side's: told)
            diff = render_text(compared)
            diff = diff[diff.index("") + 1:]  # the changes, after the two sides and any warning
            report["changes"] = [line for line in diff if not line.endswith(": no change")]
        report["warnings"] = warnings(report, reform, day or reform.default_on, baseline, baseline_on, unversioned)
        report["channel_names"] = _channel_names(report, glossary_for(reform.path))
        return report


def _channel_names(report: Json, glossary: Glossary) -> Json:
    """Each payment channel the report names, as the decision pages name it (``rekening Bank Rakyat
    Indonesia (BRI)``, ``pembayaran tunai melalui kantor PT Pos Indonesia``; a bank a member wrote, which
    bsu-2020 pays at, quoted and cut short as they quote it: ``rekening di bank yang tercatat, “Bank Sumut”``),
    in both languages."""
    moves = (report["channel_moves"] or {}).get("moves", [])
    codes = {c["channel"] for c in report["channels"]} | {m[k] for m in moves for k in ("from", "to")}
    return {code: {lang: channel_named(glossary, code, lang) for lang in ("id", "en")}
            for code in sorted(codes - {None, ""})}


def _spill_folder(spill: Path | None) -> tempfile.TemporaryDirectory[str]:
    try:
        return tempfile.TemporaryDirectory(prefix="bsu-impact-")
    except (FileNotFoundError, PermissionError):  # no usable temporary folder (a read-only /tmp)
        if spill is None:
            raise
        return tempfile.TemporaryDirectory(prefix=".bsu-impact-", dir=spill)


class _State:
    """What the chunks add up to: per side (``_Side``), and across sides (flips, data quality)."""

    def __init__(self, sides: list[Side]) -> None:
        self.sides = sides
        self.read = 0
        self.rejects: Counter[str] = Counter()
        self.all_keys: list[np.ndarray] = []
        self.flips: dict[tuple[str, str, str, str], Json] = {}
        self.moves: dict[tuple[str | None, str | None], Json] = {}  # eligible on both sides, paid another way
        self.flip_parts: list[pl.DataFrame] = []
        self.quality: list[pl.DataFrame] = []
        self.causes = Causes(sides[0].plan)
        self.latest: str | None = None  # the latest month of a contribution or wage in the file
        self.earliest: str | None = None  # and the earliest
        self.data_months = sorted({side.plan.as_of.isoformat()[:7] for side in sides})
        self.with_data = 0  # members with a contribution or wage
        self.reaching = dict.fromkeys(self.data_months, 0)  # of them, those with one in each data month or later
        self.preceding = dict.fromkeys(self.data_months, 0)  # and those with one in each data month or earlier

    def chunk(self, table: pa.Table) -> None:
        self.read += table.num_rows
        members, rejects = validate(table)
        self.rejects.update(rejects["field"].to_pylist())
        if members.num_rows == 0:
            return
        ends = [pc.min_max(pc.struct_field(pc.list_flatten(members[h]), "period")) for h in ("contributions", "wages")]
        highs = [e["max"].as_py() for e in ends] + [self.latest]
        lows = [e["min"].as_py() for e in ends] + [self.earliest]
        self.latest = max((m for m in highs if m is not None), default=None)
        self.earliest = min((m for m in lows if m is not None), default=None)
        self._reach(members)
        as_of = self.sides[0].plan.as_of
        used = ["_row", "nik", "birth_date", "work_regency_code", "employer", "wages"]
        frame = pl.from_arrow(members.select(used))
        assert isinstance(frame, pl.DataFrame)
        attrs = attributes(frame, as_of)
        niks = members["nik"].combine_chunks()
        keys = nik_keys(niks)
        self.all_keys.append(prefixes(keys))
        hashes = record_hashes(members)
        decided = {}
        for side in self.sides:
            d = table_plan(side.plan, "columnar").decide(members.select(MEMBER_SCHEMA.names))
            columns = ["outcome", "priority", "channel", "held", *(f"rule:{r}" for r, _ in side.rules)]
            out = pl.from_arrow(held(d).select(columns))
            assert isinstance(out, pl.DataFrame)
            s = pl.concat([attrs, out], how="horizontal")
            decided[side.name] = s
            self._side(side, s, members, keys, hashes)
        self._quality(attrs, decided["reform"], members)
        if len(self.sides) == 2:
            self._flips(decided["baseline"], decided["reform"], niks)
            self._moves(decided["baseline"], decided["reform"], niks)

    def _side(self, side: Side, s: pl.DataFrame, members: pa.Table, keys: pa.Array, hashes: pa.Array) -> None:
        side.add("groups", s.group_by(DIMENSIONS).agg(  # every combination once; each dimension at the end
            pl.len().alias("members"),
            *((pl.col("outcome") == o).sum().alias(o) for o in OUTCOMES),
            ((pl.col("outcome") == "eligible") & pl.col("held")).sum().alias("held"),
            *((pl.col(f"rule:{r}") == "fail").sum().alias(f"fail:{r}") for r, k in side.rules if k in DECIDING),
        ), list(DIMENSIONS))
        deciding = [r for r, k in side.rules if k in DECIDING]
        fails = s.select(*((pl.col(f"rule:{r}") == "fail").alias(f"f{i}") for i, r in enumerate(deciding)),
                         *((pl.col(f"rule:{r}") == "unknown").alias(f"u{i}") for i, r in enumerate(deciding)))
        fail = [pl.col(f"f{i}") for i in range(len(deciding))]
        first = pl.coalesce([pl.when(f).then(pl.lit(i)) for i, f in enumerate(fail)]) if fail else pl.lit(None)
        only = pl.sum_horizontal([f.cast(pl.Int32) for f in fail]) == 1 if fail else pl.lit(False)
        marks = fails.with_columns(first.alias("first"), only.alias("only"))
        stats = []
        for i, r in enumerate(deciding):  # remaining after criterion i: no failure among the first i + 1
            stats += [(pl.col("first").is_null() | (pl.col("first") > i)).sum().alias(f"remaining:{r}"),
                      fail[i].sum().alias(f"fail:{r}"), (fail[i] & pl.col("only")).sum().alias(f"only:{r}"),
                      pl.col(f"u{i}").sum().alias(f"unknown:{r}")]
        side.add("funnel", marks.select(pl.len().alias("members"), *stats))
        side.add("channels", s.filter(pl.col("outcome") == "eligible").group_by("channel").len("eligible"),
                 ["channel"])
        eligible = np.flatnonzero((s["outcome"] == "eligible").to_numpy())
        if eligible.size:
            idx = pa.array(eligible)
            accounts = members.select([c for c in ("bank_account",) if c in members.column_names])
            spill = pa.table({
                "outcome": pa.repeat("eligible", eligible.size), "row": members[ROW].take(idx),
                "nik_key": keys.take(idx), "kpj": mask_kpjs(members["kpj"].take(idx), accounts.take(idx)),
                "priority": s["priority"].to_arrow().take(idx).cast(pa.int32()),
                "record_hash": hashes.take(idx), "channel": s["channel"].to_arrow().take(idx).cast(pa.string()),
                "held": s["held"].to_arrow().take(idx),
                **{d: s[d].to_arrow().take(idx).cast(pa.string()) for d in DIMENSIONS}}, schema=SPILL)
            side.writer.write_table(spill)
            side.keys.add(spill)

    def _quality(self, attrs: pl.DataFrame, s: pl.DataFrame, members: pa.Table) -> None:
        low, high = PLAUSIBLE_WAGE
        wage = pl.col("wage")
        self.quality.append(attrs.select(
            "province", pl.col("nik_issue"),
            pl.when(wage < low).then(pl.lit("below")).when(wage > high).then(pl.lit("above"))
            .otherwise(pl.lit(None, pl.String)).alias("wage_issue"))
            .filter(pl.col("nik_issue").is_not_null() | pl.col("wage_issue").is_not_null())
            .group_by("province", "nik_issue", "wage_issue").len())
        self.causes.add(s, members)

    def _flips(self, base: pl.DataFrame, new: pl.DataFrame, niks: pa.Array) -> None:
        changed = (base["outcome"] != new["outcome"]).to_numpy()
        where = np.flatnonzero(changed)
        if where.size == 0:
            return
        b_side, r_side = self.sides[1], self.sides[0]
        b_fixed, r_fixed = b_side.results(), r_side.results()
        ids = list(b_fixed) + [r for r in r_fixed if r not in b_fixed]
        idx = pl.Series(where)

        def results(s: pl.DataFrame, fixed: dict[str, str | None], tag: str) -> list[pl.Series]:
            out = []
            for r in ids:
                if r in fixed and fixed[r] is None:
                    out.append(s[f"rule:{r}"].gather(idx).alias(f"{tag}:{r}"))
                else:
                    out.append(pl.Series(f"{tag}:{r}", [fixed.get(r)] * where.size, dtype=pl.String))
            return out

        frame = pl.DataFrame([
            pl.Series("i", where), new["row"].gather(idx), new["province"].gather(idx),
            base["outcome"].gather(idx).alias("from"), new["outcome"].gather(idx).alias("to"),
            *results(base, b_fixed, "a"), *results(new, r_fixed, "b")])
        masks, waits = _responsible(ids, b_side.kinds(), r_side.kinds())
        frame = frame.select("i", "row", "province", "from", "to", *masks, *waits)
        self.flip_parts.append(frame.group_by("province", "from", "to").len())
        by = ["from", "to", *(m.meta.output_name() for m in [*masks, *waits])]

        def named(bits: list[int]) -> list[str]:
            return [r for k, b in enumerate(bits) for j, r in enumerate(ids[k * _BITS:(k + 1) * _BITS])
                    if int(b) >> j & 1]

        for key, group in frame.group_by(by, maintain_order=True):
            old, to, *bits = key
            rules, still = named(bits[:len(masks)]), named(bits[len(masks):])
            entry = self.flips.setdefault((str(old), str(to), "+".join(rules), "+".join(still)), {
                "from": str(old), "to": str(to), "rules": rules, "still_unknown": still, "count": 0,
                "examples": []})
            entry["count"] += group.height
            room = EXAMPLES - len(entry["examples"])
            if room > 0:
                entry["examples"] += _examples(group.head(room), niks)

    def _moves(self, base: pl.DataFrame, new: pl.DataFrame, niks: pa.Array) -> None:
        """Members eligible on both sides whose payment channel differs, by the two channels."""
        moved = (base["outcome"] == "eligible") & (new["outcome"] == "eligible") & \
            base["channel"].ne_missing(new["channel"])
        where = np.flatnonzero(moved.to_numpy())
        if where.size == 0:
            return
        idx = pl.Series(where)
        frame = pl.DataFrame([pl.Series("i", where), new["row"].gather(idx), new["province"].gather(idx),
                              base["channel"].gather(idx).alias("from"), new["channel"].gather(idx).alias("to")])
        for (old, to), group in frame.group_by("from", "to", maintain_order=True):
            entry = self.moves.setdefault((old, to), {"from": old, "to": to, "count": 0, "examples": []})
            entry["count"] += group.height
            # spares beyond those shown: a row found later not to be paid is left out (``_move_report``)
            entry["examples"] += _examples(group.head(EXAMPLES + _SPARE - len(entry["examples"])), niks)

    def _reach(self, members: pa.Table) -> None:
        """Count the members with a contribution or wage, and of them those whose latest is in or after each
        side's data month."""
        frame = pl.from_arrow(members.select(["contributions", "wages"]))
        assert isinstance(frame, pl.DataFrame)
        periods = [pl.col(h).list.eval(pl.element().struct.field("period")) for h in ("contributions", "wages")]
        ends = frame.select(pl.max_horizontal(p.list.max() for p in periods).alias("latest"),
                            pl.min_horizontal(p.list.min() for p in periods).alias("earliest"))
        latest, earliest = ends["latest"], ends["earliest"]
        self.with_data += int(latest.is_not_null().sum())
        for month in self.data_months:
            self.reaching[month] += int((latest >= month).sum())
            self.preceding[month] += int((earliest <= month).sum())

    # --- the report ---------------------------------------------------------------------------

    def report(self, file_label: str) -> Json:
        reform = self.sides[0]
        sides = {side.name: self._side_report(side) for side in self.sides}
        out: Json = {
            "report": "impact", "engine": f"bsu-rules {__version__}", "input": {"file": file_label,
                                                                                "rows": self.read,
                                                                                "latest_month": self.latest,
                                                                                "earliest_month": self.earliest,
                                                                                "with_data": self.with_data,
                                                                                "reaching": self.reaching,
                                                                                "preceding": self.preceding},
            "reform": describe(reform.plan),
            "baseline": describe(self.sides[1].plan) if len(self.sides) == 2 else None,
            "headline": headline(sides),
            "funnel": {name: s["funnel"] for name, s in sides.items()},
            "breakdowns": breakdowns(sides),
            "flips": self._flip_report() if len(self.sides) == 2 else None,
            "channels": _channels(self.sides),
            "channel_moves": self._move_report() if len(self.sides) == 2 else None,
            "record_moves": self._record_move_report() if len(self.sides) == 2 else None,
            "data_quality": self._quality_report(),
        }
        return out

    def _side_report(self, side: Side) -> Json:
        amount = side.plan.benefit.amount
        lost_by, held_lost = unpaid(side), unpaid(side, held=True)
        groups: dict[str, list[Json]] = {}
        combined = side.total("groups")
        for dim in DIMENSIONS:
            if combined.height == 0:
                groups[dim] = []
                continue
            g = combined.group_by(dim).agg(pl.exclude(DIMENSIONS).sum()).rename({dim: "key"})
            lost = lost_by.get(dim, {})
            rows = []
            for row in in_order(dim, g):
                fails = {k.removeprefix("fail:"): v for k, v in row.items() if k.startswith("fail:")}
                paid = row["eligible"] - lost.get(row["key"], 0)
                rows.append({"key": row["key"], "members": row["members"], "eligible": row["eligible"],
                             "ineligible": row["ineligible"], "undetermined": row["undetermined"],
                             "paid": paid, "budget": paid * amount, "fails": fails,
                             "held": row["held"] - held_lost.get(dim, {}).get(row["key"], 0)})
            groups[dim] = rows
        totals = {o: sum(r[o] for r in groups["province"]) for o in (*OUTCOMES, "members", "paid", "held")}
        totals["rejected"] = sum(self.rejects.values())
        f = side.total("funnel")
        funnel = []
        titles = {c.rule.id: c.rule.title for c in side.ruleset.rules}
        for r, k in side.rules:
            if k not in DECIDING:
                continue
            title = titles.get(r)
            funnel.append({"rule": r, "kind": k.value, "title": title.model_dump() if title else {"id": r, "en": r},
                           "remaining": first_int(f, f"remaining:{r}"), "fail": first_int(f, f"fail:{r}"),
                           "fail_only": first_int(f, f"only:{r}"), "unknown": first_int(f, f"unknown:{r}")})
        return {"totals": totals, "amount": amount, "groups": groups,
                "funnel": {"members": totals["members"], "steps": funnel}}

    def _move_report(self) -> Json:
        """The moves between members paid on both sides: a row whose NIK is paid under another row,
        on either side, is taken back out (found in the spills, since few rows are)."""
        reform, base = self.sides
        gone = {int(r) for side in self.sides for r in unpaid_rows(side)["row"]}
        if gone:
            both = spilled_channels(base, gone).join(spilled_channels(reform, gone), on="row", suffix="_r")
            counted = both.filter(pl.col("channel").ne_missing(pl.col("channel_r")))
            for old, to, n in counted.group_by("channel", "channel_r").len().iter_rows():
                self.moves[old, to]["count"] -= n
        moves = []
        for m in sorted(self.moves.values(), key=lambda m: (-m["count"], m["from"] or "", m["to"] or "")):
            if m["count"]:
                moves.append(m | {"examples": [e for e in m["examples"] if e["row"] not in gone][:EXAMPLES]})
        return {"total": sum(m["count"] for m in moves), "moves": moves}

    def _record_move_report(self) -> Json:
        """The payments that move between the records of one NIK (two employers, two KPJ): rows paid under
        the baseline, eligible under the reform too, whose NIK the reform pays under another of its rows
        (its channel, a flag for review or its priority ranks them otherwise): the same count paid, to another
        record's account."""
        reform, base = self.sides
        kept = unpaid_rows(base)["row"]
        lost = unpaid_rows(reform).filter(~pl.col("row").is_in(kept.implode()))  # paid under the baseline, if eligible
        moved = lost.join(spilled_channels(base, set(lost["row"].to_list())).select("row"), on="row").sort("row")
        return {"total": moved.height, "examples": [{"row": r, "province": p} for r, p in
                                                    moved.select("row", "province").head(EXAMPLES).iter_rows()]}

    def _flip_report(self) -> Json:
        groups = sorted(self.flips.values(), key=lambda g: (-g["count"], g["from"], g["to"], g["rules"],
                                                            g["still_unknown"]))
        by_province: list[Json] = []
        if self.flip_parts:
            p = pl.concat(self.flip_parts).group_by("province", "from", "to").agg(pl.col("len").sum())
            per: dict[str, Json] = {}
            for prov, old, new, n in p.iter_rows():
                e = per.setdefault(prov, {"province": prov, "to_eligible": 0, "from_eligible": 0, "other": 0})
                kind = "to_eligible" if new == "eligible" else "from_eligible" if old == "eligible" else "other"
                e[kind] += n
            by_province = sorted(per.values(), key=lambda e: e["province"])
            for e in by_province:
                e["net"] = e["to_eligible"] - e["from_eligible"]
        return {"total": sum(g["count"] for g in groups), "groups": groups, "by_province": by_province}

    def _quality_report(self) -> Json:
        q = pl.concat(self.quality) if self.quality else pl.DataFrame(
            schema={"province": pl.String, "nik_issue": pl.String, "wage_issue": pl.String, "len": pl.UInt32})
        nik = q.filter(pl.col("nik_issue").is_not_null()).group_by("nik_issue").agg(pl.col("len").sum()) \
            .sort("len", "nik_issue", descending=[True, False])
        wage_rows = []
        for band in ("below", "above"):
            part = q.filter(pl.col("wage_issue") == band).group_by("province").agg(pl.col("len").sum())
            if part.height:
                wage_rows.append({"band": band, "count": int(part["len"].sum()),
                                  "limit": PLAUSIBLE_WAGE[0 if band == "below" else 1],
                                  "by_province": dict(sorted(part.iter_rows()))})
        keys = np.concatenate(self.all_keys) if self.all_keys else np.zeros(0, dtype=np.int64)
        _, counts = np.unique(keys, return_counts=True)
        repeated = counts[counts > 1]
        return {
            "undetermined": self.causes.report(),
            "invalid_nik": [{"reason": r, "count": int(n)} for r, n in nik.iter_rows()],
            "duplicate_nik": {"niks": int(repeated.size), "rows": int(repeated.sum()),
                              "unpaid": {s.name: sum(unpaid(s).get("province", {}).values()) for s in self.sides}},
            "rejects": [{"field": f, "count": n} for f, n in sorted(self.rejects.items(),
                                                                    key=lambda kv: (-kv[1], kv[0]))],
            "implausible_wages": wage_rows,
        }


def _examples(rows: pl.DataFrame, niks: pa.Array) -> list[Json]:
    """Example members of a flip or a move: row, masked NIK and province (``rows``: ``i``, the place
    in the chunk, ``row`` and ``province``)."""
    if rows.height == 0:
        return []
    shown = mask_niks(niks.take(rows["i"].to_arrow())).to_pylist()
    return [{"row": r, "nik": n, "province": p}
            for (r, p), n in zip(rows.select("row", "province").iter_rows(), shown, strict=True)]


def _channels(sides: list[Side]) -> list[Json]:
    """Members paid (one NIK, one payment) by payment channel on each side (a null channel: eligible,
    but the data to choose how is missing), most members under the reform first."""
    counts: dict[str, dict[str | None, int]] = {}
    for side in sides:
        total, lost = side.total("channels"), unpaid(side)["channel"]
        counts[side.name] = {k: int(n) - lost.get(k, 0) for k, n in total.iter_rows()} if total.height else {}
    keys = sorted({k for c in counts.values() for k in c},
                  key=lambda k: (-counts["reform"].get(k, 0), k is None, k or ""))
    out: list[Json] = []
    for k in keys:
        row: Json = {"channel": k, **{name: c.get(k, 0) for name, c in counts.items()}}
        if len(counts) == 2:
            row["difference"] = row["reform"] - row["baseline"]
        out.append(row)
    return out


def _responsible(ids: list[str], kinds_a: dict[str, Kind], kinds_b: dict[str, Kind]
                 ) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """The criteria responsible for each flip, as ``diff.responsible`` names them (the decisive changed
    criteria; else all changed), and apart from them, for a move to undetermined, those unknown on
    both sides that the member still waits for: bit ``j`` of mask ``k`` stands for ``ids[k * _BITS + j]``."""
    to = pl.col("to")
    picked, still, changed = [], [], []
    for r in ids:
        a, b = pl.col(f"a:{r}"), pl.col(f"b:{r}")
        ch = a.ne_missing(b)
        a_dec, b_dec = kinds_a.get(r) in DECIDING, kinds_b.get(r) in DECIDING
        a_fail = (a == "fail").fill_null(False) & a_dec
        a_unknown = (a == "unknown").fill_null(False) & a_dec
        b_fail = (b == "fail").fill_null(False) & b_dec
        b_unknown = (b == "unknown").fill_null(False) & b_dec
        pick = pl.when(to == "ineligible").then(b_fail).when(to == "eligible").then(a_fail | a_unknown) \
            .otherwise(b_unknown | a_fail)
        picked.append(ch & pick)
        still.append(~ch & a_unknown & b_unknown & (to == "undetermined"))  # what it still waits for
        changed.append(ch)

    def bits(flags: list[pl.Expr]) -> list[pl.Expr]:
        return [pl.sum_horizontal([f.cast(pl.Int64) * (1 << j) for j, f in enumerate(flags[k:k + _BITS])])
                for k in range(0, len(flags), _BITS)]

    some = pl.any_horizontal(picked)
    return ([pl.when(some).then(p).otherwise(c).alias(f"m{k}")
             for k, (p, c) in enumerate(zip(bits(picked), bits(changed), strict=True))],
            [pl.when(some).then(w).otherwise(0).alias(f"w{k}") for k, w in enumerate(bits(still))])


_BITS = 62
_SPARE = 8  # example rows kept beyond those shown, for rows found later not to be paid
