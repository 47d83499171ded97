"""The benchmark's peers decide as the engine does, and the benchmark still runs (tiny sizes)."""

from __future__ import annotations

import csv
import json
import runpy
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import zen

from bsu_rules import parse_member
from bsu_rules.batch.generate import block, write_population
from bsu_rules.ruleset.model import RuleSet

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
GRAPH = json.loads((BENCHMARKS / "zen" / "bsu-2022.json").read_text("utf-8"))
TABLE = BENCHMARKS.parent / "rules" / "tables" / "minimum-wage-2022.csv"


@pytest.fixture(autouse=True)
def benchmarks_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))


@pytest.fixture(scope="module")
def population() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = block(1000, 7, 0, malformed=False)[0].to_pylist()
    return rows


def engine_outcomes(rs2022: RuleSet, rows: list[dict[str, Any]]) -> list[str]:
    plan = rs2022.plan(date(2022, 9, 5))
    return [plan.decide(parse_member(json.loads(json.dumps(r, default=str)))).outcome.value for r in rows]


def test_the_zen_graph_holds_the_2022_minimum_wage_table_row_for_row() -> None:
    table = next(n for n in GRAPH["nodes"] if n["type"] == "decisionTableNode")["content"]
    (area,), (amount, bound) = table["inputs"], table["outputs"]
    listed = {rule[area["id"]]: (Decimal(rule[amount["id"]]), json.loads(rule[bound["id"]]))
              for rule in table["rules"] if rule["_id"] not in ("no-area", "unlisted")}
    published = {(f'"{r["area_code"]}"' if len(r["area_code"]) == 4 else f'startsWith($, "{r["area_code"]}")'):
                 (Decimal(r["amount"]), r["bound"]) for r in csv.DictReader(TABLE.open(encoding="utf-8"))}
    assert listed == published
    assert table["hitPolicy"] == "first" and table["rules"][-1][area["id"]] == ""  # regencies before provinces


def test_the_peers_decide_every_generated_member_as_the_engine_does(
        rs2022: RuleSet, population: list[dict[str, Any]]) -> None:
    from handwritten import Handwritten

    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"bsu-2022": GRAPH}}})
    expected = engine_outcomes(rs2022, population)
    assert {"eligible", "ineligible", "undetermined"} <= set(expected)
    assert [Handwritten().decide(r) for r in population] == expected
    records = [json.loads(json.dumps({k: v for k, v in r.items() if v is not None}, default=str)) for r in population]
    assert [engine.evaluate("bsu-2022", r)["result"]["outcome"] for r in records] == expected


def test_the_polars_pipeline_decides_as_the_engine_does(rs2022: RuleSet, tmp_path: Path) -> None:
    from peers import POLARS_PIPELINES

    pipeline = runpy.run_path(str(next(p for p in POLARS_PIPELINES if p.exists())))
    source, out = tmp_path / "members.parquet", tmp_path / "decisions.parquet"
    write_population(source, 1000, 11, malformed=False)
    assert pipeline["run"](source, out) == 1000
    rows = pq.read_table(source).to_pylist()
    assert pq.read_table(out)["outcome"].to_pylist() == engine_outcomes(rs2022, rows)


@pytest.mark.slow
def test_the_peers_benchmark_runs_every_path(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, str(BENCHMARKS / "peers.py"), "--quick", "--folder", str(tmp_path)],
                         capture_output=True, text=True, check=False, timeout=600)
    assert run.returncode == 0, run.stderr
    rows = [line for line in run.stdout.splitlines() if line.startswith("| ") and "decisions/s" not in line]
    assert len(rows) == 12 and not [r for r in rows if "n/a" in r], run.stdout
    assert sum("agrees with hand-written on 100.00%" in r for r in rows) == 7, run.stdout
    assert "2000 read = 2000 decided + 0 rejected" in run.stdout and "agrees with batch on 100.00%" in run.stdout
    assert "200 lines logged" in run.stdout
    assert "identical 200 of 200; chain: 200 decisions, chain intact" in run.stdout
    assert "bsu-rules --help:" in run.stdout
