"""The impact report's numbers are sums of the batch decisions of the same file, under the reform
and under the baseline; its flips name the criteria ``diff --members`` names."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("polars")

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bsu_rules.batch.generate import write_population
from bsu_rules.batch.run import run_batch
from bsu_rules.cli import main
from bsu_rules.diff import flips
from bsu_rules.evaluators.scalar import evaluate
from bsu_rules.members.files import read_records
from bsu_rules.nik import PROVINCES
from bsu_rules.report.html import render_html
from bsu_rules.report.impact import impact
from bsu_rules.ruleset.loader import load_ruleset
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.overrides import reform_of
from tests.strategies import ANCHORS, members

BASE = load_ruleset("bsu-2022")
REFORM = reform_of(BASE, ["wage_ceiling=4000000", "benefit.amount=700000"], [])
CUTOFF, AS_OF, _ = ANCHORS[2]


def batch_sums(ruleset: RuleSet, source: Path, tmp: Path, name: str) -> tuple[pl.DataFrame, dict[str, int]]:
    """The decisions of ``bsu-rules batch`` (with each member's province) and their totals."""
    out = tmp / f"{name}.parquet"
    counts = run_batch(ruleset, source, out, rejects=tmp / f"{name}.rejects.jsonl", chunk_size=7)
    d = pl.read_parquet(out)
    totals = {o: d.filter(pl.col("outcome") == o).height for o in ("eligible", "ineligible", "undetermined")}
    paid = pl.col("benefit").is_not_null()
    totals |= {"members": d.height, "paid": d.filter(paid).height, "budget": int(d["benefit"].sum() or 0),
               "held": d.filter(paid & (pl.col("flags").list.len() > 0)).height,  # an officer reviews them first
               "rejected": counts.rejected, "unpaid": counts.duplicates}
    return d, totals


def provinces(source: Path) -> dict[int, str]:
    """Each record's province (the first two digits of a known work regency code, else ``?``)."""
    out = {}
    for number, record in read_records([str(source)]):
        code = record.get("work_regency_code") if isinstance(record, dict) else None
        out[number] = code[:2] if isinstance(code, str) and code[:2] in PROVINCES else "?"
    return out


@st.composite
def populations(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Members around the 2022 cut-off, some of them again under another KPJ (one NIK, two rows)."""
    people = draw(st.lists(members(CUTOFF, AS_OF), min_size=1, max_size=30))
    again = draw(st.lists(st.integers(0, len(people) - 1), max_size=5))
    return people + [people[i] | {"kpj": f"9{i:010d}"} for i in again]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                  HealthCheck.function_scoped_fixture])
@given(populations())
def test_report_numbers_are_sums_of_batch_decisions(tmp_path_factory: pytest.TempPathFactory,
                                                    people: list[dict[str, Any]]) -> None:
    tmp = tmp_path_factory.mktemp("impact")
    source = tmp / "members.jsonl"
    lines = [json.dumps(p) for p in people] + ['{"nik": "12"}']  # and one malformed row
    source.write_text("\n".join(lines) + "\n", "utf-8")
    report = impact(REFORM, source, baseline=BASE, chunk_size=7)
    decided = {}
    where = provinces(source)
    for side, ruleset in (("reform", REFORM), ("baseline", BASE)):
        d, totals = batch_sums(ruleset, source, tmp, side)
        decided[side] = d
        for key in ("members", "eligible", "ineligible", "undetermined", "paid", "held", "budget", "rejected"):
            assert report["headline"][key][side] == totals[key], (side, key)
        assert report["data_quality"]["duplicate_nik"]["unpaid"][side] == totals["unpaid"]
        # every decision carries the hash of the rule set it was made under
        assert set(d["ruleset_sha256"].to_list()) <= {ruleset.sha256}
        # by province: the same sums, group by group
        d = d.with_columns(pl.col("row").replace_strict(where, return_dtype=pl.String).alias("province"))
        rows = report["breakdowns"]["province"] if side == "reform" else [
            r["baseline"] | {"key": r["key"]} for r in report["breakdowns"]["province"]]
        for r in rows:
            part = d.filter(pl.col("province") == r["key"])
            assert r["eligible"] == part.filter(pl.col("outcome") == "eligible").height
            assert r["paid"] == part.filter(pl.col("benefit").is_not_null()).height
            assert r["budget"] == int(part["benefit"].sum() or 0)
        assert sum(r["members"] for r in rows) == d.height
        # the funnel: fail and fail-only counts from the failed criteria of each decision
        failed = [tuple(f) for f in d["failed"].to_list()]
        for step in report["funnel"][side]["steps"]:
            assert step["fail"] == sum(step["rule"] in f for f in failed)
            assert step["fail_only"] == sum(f == (step["rule"],) for f in failed)
        if report["funnel"][side]["steps"]:
            assert report["funnel"][side]["steps"][-1]["remaining"] == totals["eligible"] + totals["undetermined"]
    pair = decided["baseline"].join(decided["reform"], on="row", suffix="_r")
    assert report["flips"]["total"] == pair.filter(pl.col("outcome") != pl.col("outcome_r")).height
    assert report["record_moves"]["total"] == pair.filter(
        (pl.col("outcome") == "eligible") & pl.col("duplicate_of").is_null() & (pl.col("outcome_r") == "eligible")
        & pl.col("duplicate_of_r").is_not_null()).height
    assert report["headline"]["budget"]["difference"] == \
        report["headline"]["budget"]["reform"] - report["headline"]["budget"]["baseline"]


def test_members_an_officer_reviews_before_payment_are_counted_among_those_paid(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An eligible member with a flag (PPPK, 2022) is paid only after an officer's review: counted once per
    NIK paid, never for a row another record of the NIK is paid under, never for an ineligible member."""
    pppk = OK | {"employment_type": "pppk"}
    rows = [pppk, pppk | {"kpj": "90000000001"}, pppk | {"nik": "3215014107900002", "citizenship": "WNA"},
            OK | {"nik": "3215014107900003"}]
    source = tmp_path / "m.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    report = impact(BASE, source)
    assert (report["headline"]["paid"]["reform"], report["headline"]["held"]["reform"]) == (2, 1)
    assert [(r["key"], r["paid"], r["held"]) for r in report["breakdowns"]["province"]] == [("32", 2, 1)]
    assert main(["impact", "bsu-2022", str(source), "--out", str(tmp_path / "r.html")]) == 0
    assert "eligible 3 · paid 2 (an officer reviews 1 first) · " in capsys.readouterr().out
    page = (tmp_path / "r.html").read_text("utf-8")
    assert 'id="headline-held"' in page and "Di antaranya diperiksa petugas dahulu" in page


def test_payment_channels_and_moves_are_those_of_batch(tmp_path: Path) -> None:
    """A what-if that changes only how members are paid (the state banks written in lower case, so
    no bank name matches) flips no decision, and the report still shows who is paid another way."""
    source = tmp_path / "m.parquet"
    write_population(source, 800, seed=4)
    reform = reform_of(BASE, ["state_banks=[bri, bni, mandiri, btn]"], [])
    report = impact(reform, source, baseline=BASE, chunk_size=300)
    decided = {side: batch_sums(ruleset, source, tmp_path, side)[0]
               for side, ruleset in (("reform", reform), ("baseline", BASE))}
    assert report["flips"]["total"] == 0
    for row in report["channels"]:
        for side, d in decided.items():
            paid = d.filter((pl.col("outcome") == "eligible") & pl.col("duplicate_of").is_null())
            assert row[side] == paid.filter(pl.col("channel").eq_missing(row["channel"])).height, (row, side)
        assert row["difference"] == row["reform"] - row["baseline"]
    pair = decided["baseline"].join(decided["reform"], on="row", suffix="_r").filter(
        (pl.col("outcome") == "eligible") & (pl.col("outcome_r") == "eligible") & pl.col("duplicate_of").is_null()
        & pl.col("duplicate_of_r").is_null() & pl.col("channel").ne_missing(pl.col("channel_r")))
    want = Counter(zip(pair["channel"].to_list(), pair["channel_r"].to_list(), strict=True))
    got = Counter({(m["from"], m["to"]): m["count"] for m in report["channel_moves"]["moves"]})
    assert got == want and report["channel_moves"]["total"] == pair.height > 0
    assert {m["to"] for m in report["channel_moves"]["moves"]} == {"POS"}
    page = render_html(report, "en")
    assert "Paid another way" in page and f'data-json="channel_moves.total">{pair.height:,}<' in page
    alone = impact(BASE, source)
    assert alone["channel_moves"] is None and [set(r) for r in alone["channels"]] == [{"channel", "reform"}] * \
        len(alone["channels"])


def test_flips_name_the_criteria_diff_names(tmp_path: Path) -> None:
    source = tmp_path / "m.jsonl"
    write_population(source, 600, seed=5)
    old = load_ruleset("bsu-2021")
    report = impact(BASE, source, baseline=old)
    expected = flips(old, BASE, read_records([str(source)]), old_on=old.default_on, new_on=BASE.default_on)
    got = Counter({(g["from"], g["to"], tuple(g["rules"]), tuple(g["still_unknown"])): g["count"]
                   for g in report["flips"]["groups"]})
    want = Counter({(g["old"], g["new"], tuple(g["rules"]), tuple(g["still_unknown"])): g["count"]
                    for g in expected["flips"]})
    assert got == want and any(g["still_unknown"] for g in report["flips"]["groups"])
    assert all(g["to"] == "undetermined" and not set(g["rules"]) & set(g["still_unknown"])
               for g in report["flips"]["groups"] if g["still_unknown"])
    for g in report["flips"]["groups"]:
        assert 1 <= len(g["examples"]) <= 3
        assert all("*" in e["nik"] and len(e["nik"]) == 16 for e in g["examples"])


def test_data_quality_names_missing_fields_and_invalid_niks(tmp_path: Path) -> None:
    ok = {"nik": "3215014107900001", "citizenship": "WNI", "participant_category": "PU",
          "employment_type": "private", "work_regency_code": "3215", "registered_on": "2019-03-01",
          "birth_date": "1990-07-01", "wages": [{"period": "2022-07", "amount": 3_000_000}],
          "contributions": [{"period": "2022-07", "amount": 100, "paid_on": "2022-08-10"}],
          "program_receipts": [], "membership_ended_on": None, "deceased_on": None}
    rows = [ok, ok | {"nik": "3215014107900002", "employment_type": None},
            ok | {"nik": "3215014107900003", "employment_type": None, "wages": None},
            ok | {"nik": "3215019907900004"}, ok | {"wages": [{"period": "2022-07", "amount": 100}]}]
    source = tmp_path / "m.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    q = impact(BASE, source)["data_quality"]
    causes = {c["cause"]: c for c in q["undetermined"]}
    assert causes["member.employment_type"]["count"] == 2
    assert causes["member.wages"]["count"] == 1
    assert causes["member.employment_type"]["by_province"] == {"32": 2}
    assert q["invalid_nik"] == [{"reason": "day", "count": 1}]
    assert q["duplicate_nik"]["niks"] == 1 and q["duplicate_nik"]["rows"] == 2
    assert [w["band"] for w in q["implausible_wages"]] == ["below"]


OK = {"nik": "3215014107900001", "citizenship": "WNI", "participant_category": "PU", "employment_type": "private",
      "work_regency_code": "3215", "registered_on": "2019-03-01", "birth_date": "1990-07-01",
      "wages": [{"period": "2022-07", "amount": 3_000_000}],
      "contributions": [{"period": "2022-07", "amount": 100, "paid_on": "2022-08-10"}],
      "program_receipts": [], "membership_ended_on": None, "deceased_on": None}


def bandung(nik: str, **more: Any) -> dict[str, Any]:
    return OK | {"nik": nik, "work_regency_code": "3273", "wages": [{"period": "2022-07", "amount": 3_800_001}]} | more


@pytest.mark.parametrize(("ruleset", "on", "rows"), [
    ("bsu-2022", "2022-09-12", [  # rows known only as lower bounds, no wage at all, an empty field, both
        bandung("3273014107900002"), bandung("3273014107900003", employment_type=None),
        OK | {"nik": "2171014107900004", "work_regency_code": "2171",
              "wages": [{"period": "2022-07", "amount": 4_200_001}]},
        OK | {"nik": "2101014107900008", "work_regency_code": "2101",
              "wages": [{"period": "2022-07", "amount": 3_700_001}]},
        OK | {"nik": "3215014107900005", "wages": []}, OK | {"nik": "3215014107900006", "employment_type": None}]),
    ("bsu-2021", "2021-08-10", [  # an area the incomplete PPKM table does not list
        OK | {"nik": "3204014107900007", "work_regency_code": "3204", "registered_on": "2019-03-01",
              "wages": [{"period": "2021-06", "amount": 3_000_000}],
              "contributions": [{"period": "2021-06", "amount": 100, "paid_on": "2021-07-10"}]}]),
])
def test_data_quality_names_what_each_decision_misses(tmp_path: Path, ruleset: str, on: str,
                                                       rows: list[dict[str, Any]]) -> None:
    rs = load_ruleset(ruleset)
    source = tmp_path / "m.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    data = impact(rs, source, on=date.fromisoformat(on), chunk_size=2)
    causes = {c["cause"]: c for c in data["data_quality"]["undetermined"]}
    decisions = [evaluate(rs, r, on) for r in rows]
    assert all(d.outcome == "undetermined" for d in decisions)
    assert {k: c["count"] for k, c in causes.items()} == Counter(m for d in decisions for m in d.missing)
    if ruleset == "bsu-2021":
        unlisted = causes["table.ppkm_areas[3204]"]  # a row the incomplete table lacks, no bound: named by its area
        assert (unlisted["kind"], unlisted["name"]) == ("unlisted-row", "Kabupaten Bandung"), unlisted
        for lang, words in (("id", "tabel belum lengkap dan tidak memuat baris untuk wilayah ini"),
                            ("en", "the incomplete table lists no row for this area")):
            assert f"<code>table.ppkm_areas[3204]</code> Kabupaten Bandung · {words}" in render_html(data, lang)
        return
    bound = causes["table.minimum_wage[3273]"]
    assert (bound["kind"], bound["name"], bound["count"], bound["by_province"]) == ("row", "Kota Bandung", 2, {"32": 2})
    assert causes["table.minimum_wage[2171]"]["name"] == "Kota Batam"
    assert causes["table.minimum_wage[2101]"]["name"] == "Kabupaten Bintan"  # as the decisions say it (not "Kab.")
    assert causes["member.employment_type"]["count"] == 2 and causes["fact.wage"]["kind"] == "value"
    for lang, words in (("id", "hanya batas bawah"), ("en", "only a lower bound")):
        page = render_html(data, lang)
        assert "<code>table.minimum_wage[3273]</code> Kota Bandung · " in page and words in page


def test_a_field_on_record_that_cannot_be_used_is_not_counted_as_empty(tmp_path: Path) -> None:
    """`3300` names a province only: the PPKM annex needs the regency. The to-do list says the field is
    filled but unusable, apart from a member whose field is empty."""
    row = OK | {"wages": [{"period": "2021-06", "amount": 3_000_000}],
                "contributions": [{"period": "2021-06", "amount": 100, "paid_on": "2021-07-10"}]}
    rows = [row | {"nik": "3204014107900007", "work_regency_code": "3300"},
            row | {"nik": "3204014107900008", "work_regency_code": None}]
    source = tmp_path / "m.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    data = impact(load_ruleset("bsu-2021"), source, on=date(2021, 8, 10))
    assert [(c["cause"], c["kind"], c["count"]) for c in data["data_quality"]["undetermined"]] == [
        ("member.work_regency_code", "field", 1), ("member.work_regency_code", "unusable", 1)]
    assert "on record but not usable (such as a province only)" in render_html(data, "en")


@pytest.mark.parametrize("key", ["member.nik", "regency(member.nik, table.ppkm_areas)", "member.kpj", "member.name",
                                 "member.employer.npp", "member.bank_account.holder_name"])
def test_a_table_keyed_by_a_nik_never_lists_the_nik(tmp_path: Path, key: str) -> None:
    """A rule file may look a NIK up in an incomplete table, or a KPJ or a name, where a NIK is sometimes typed: the
    keys it lacks are not counted, so no report says the NIK."""
    root = Path(__file__).resolve().parents[1] / "rules"
    text = (root / "bsu-2021.yaml").read_text("utf-8").replace(
        "require: regency(member.work_regency_code, table.ppkm_areas) in table.ppkm_areas", f"require: {key} in "
        "table.ppkm_areas")
    for folder in ("tables", "glossary"):
        (tmp_path / folder).mkdir()
        for f in (root / folder).iterdir():
            (tmp_path / folder / f.name).write_bytes(f.read_bytes())
    (tmp_path / "bsu-2021.yaml").write_text(text, "utf-8")
    row = OK | {"nik": "3204014107900007", "kpj": "3204014107900007", "name": "Rina 3204014107900007",
                "employer": {"npp": "3204014107900007"},
                "bank_account": {"number": "", "holder_name": "3204014107900007"},
                "wages": [{"period": "2021-06", "amount": 3_000_000}],
                "contributions": [{"period": "2021-06", "amount": 100, "paid_on": "2021-07-10"}]}
    source = tmp_path / "m.jsonl"
    source.write_text(json.dumps(row) + "\n", "utf-8")
    data = impact(load_ruleset(tmp_path / "bsu-2021.yaml"), source, on=date(2021, 8, 10))
    assert [c["cause"] for c in data["data_quality"]["undetermined"]] == ["table.ppkm_areas"]
    assert "3204014107900007" not in json.dumps(data) and "3204014107900007" not in render_html(data, "en")


def test_cli_writes_html_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "m.parquet"
    write_population(source, 3000, seed=2)
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    status = main(["impact", "bsu-2022", str(source), "--set", "wage_ceiling=4000000", "--out", str(html),
                   "--json", str(js), "--quiet"])
    data = json.loads(js.read_text("utf-8"))
    assert data["headline"]["rejected"]["reform"] > 0 and status == 1  # the population holds malformed rows
    assert data["reform"]["base_sha256"] == BASE.sha256
    assert data["reform"]["sha256"] == reform_of(BASE, ["wage_ceiling=4000000"], []).sha256 != BASE.sha256
    assert data["reform"]["overrides"] == [{"set": "wage_ceiling", "since": None, "value": 4000000}]
    assert data["headline"]["eligible"]["difference"] > 0
    page = html.read_text("utf-8")
    assert data["reform"]["sha256"] in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    out = capsys.readouterr().out.splitlines()
    assert "budget" in out[0]
    rejected = data["headline"]["rejected"]["reform"]
    assert data["input"]["rows"] == 3000 == data["headline"]["members"]["reform"] + rejected
    assert out[-1] == f"3000 read = {3000 - rejected} decided + {rejected} rejected"  # as batch ends
    assert main(["impact", "bsu-2022", str(source), "--against", "bsu-2021", "--out", str(html), "--lang", "en",
                 "--quiet"]) == 1
    assert "Policy impact report" in html.read_text("utf-8")
    assert main(["impact", "bsu-2022", str(source), "--set", "wage_celing=1", "--out", str(html)]) == 2
    assert "did you mean `wage_ceiling`" in capsys.readouterr().err


def test_cli_interrupted_writes_no_report_and_progress_is_labelled_impact(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from bsu_rules.cli import batch as cli_batch
    from bsu_rules.report import impact as report

    source = tmp_path / "m.parquet"
    write_population(source, 1500, seed=2)
    html = tmp_path / "r.html"
    monkeypatch.setattr(cli_batch, "EVERY", 0.01)
    original = report._State.chunk

    def slow(self: Any, table: Any) -> None:
        time.sleep(0.2)
        original(self, table)
    monkeypatch.setattr(report._State, "chunk", slow)
    assert main(["impact", "bsu-2022", str(source), "--out", str(html), "--chunk-size", "500"]) == 1
    err = capsys.readouterr().err
    assert "bsu-rules impact: " in err and "bsu-rules batch" not in err

    def interrupted(self: Any, table: Any) -> None:
        if self.read:
            raise KeyboardInterrupt
        original(self, table)
    monkeypatch.setattr(report._State, "chunk", interrupted)
    html.unlink()
    assert main(["impact", "bsu-2022", str(source), "--out", str(html), "--json", str(tmp_path / "r.json"),
                 "--chunk-size", "500", "--quiet"]) == 130
    assert capsys.readouterr().err.splitlines()[-1] == ("bsu-rules: interrupted after 500 rows read; no report was "
                                                        "written")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.parquet"]


def test_render_is_deterministic_and_bilingual(tmp_path: Path) -> None:
    source = tmp_path / "m.parquet"
    write_population(source, 500, seed=3)
    data = impact(REFORM, source, baseline=BASE)
    assert render_html(data, "id") == render_html(json.loads(json.dumps(data)), "id")
    assert 'lang="id"' in render_html(data) and 'lang="en"' in render_html(data, "en")
    with pytest.raises(ValueError):
        render_html(data, "fr")
    page = render_html(data, "en")  # a higher ceiling: more eligible (green), fewer ineligible (green too)
    h = data["headline"]
    assert h["eligible"]["difference"] > 0 > h["ineligible"]["difference"]
    for key in ("eligible", "ineligible"):
        card = page[page.index(f'id="headline-{key}"'):]
        assert card.index('<span class="good">') < card.index("</div></div>")
    budget = page[page.index('id="headline-budget"'):]
    assert budget.index('<span class="">') < budget.index("</div></div>")  # neither good nor bad news as such


def test_a_dated_reform_is_measured_on_one_date_with_its_baseline(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    rows = [OK | {"nik": "3204014107900011", "work_regency_code": "3204",
                  "wages": [{"period": "2022-07", "amount": 3_800_000}]},
            OK | {"nik": "3215014107900012", "deceased_on": "2022-09-20"}]  # dies after 5 September, before 1 October
    source = tmp_path / "m.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    data = impact(reform_of(BASE, ["wage_ceiling@2022-10-01=4000000"], []), source, baseline=BASE)
    assert data["reform"]["on"] == data["baseline"]["on"] == "2022-10-01"  # the calendar alone flips no one
    assert [(g["from"], g["to"], g["rules"], g["count"]) for g in data["flips"]["groups"]] == \
        [("ineligible", "eligible", ["wage-ceiling"], 1)]
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    assert main(["impact", "bsu-2022", str(source), "--set", "wage_ceiling@2030-01-01=4000000", "--out", str(html),
                 "--json", str(js), "--quiet"]) == 0
    data = json.loads(js.read_text("utf-8"))
    assert data["reform"]["on"] == data["baseline"]["on"] == "2022-09-05" and data["flips"]["total"] == 0
    assert ("warning: --set wage_ceiling@2030-01-01=4000000: the value dated 2030-01-01 is never read: the edition "
            "ends on 2025-06-01") in capsys.readouterr().err
    assert main(["impact", "bsu-2022", str(source), "--set", "wage_ceiling@2022-10-01=4000000", "--on", "2022-09-10",
                 "--out", str(html), "--quiet"]) == 0
    assert "takes effect after the decision date 2022-09-10" in capsys.readouterr().err


def test_an_impact_against_another_file_names_both_files_on_stderr(tmp_path: Path, rules_copy: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Each rule file read, with its sha256: the reform's and the baseline's (as `diff` names both)."""
    edited = rules_copy / "bsu-2022.yaml"
    edited.write_text(edited.read_text("utf-8").replace("value: 3500000", "value: 4000000", 1), "utf-8")
    examples = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    bundled = load_ruleset("bsu-2022")
    for against in ("bsu-2022", str(bundled.path)):
        assert main(["impact", str(edited), examples, "--against", against, "--out", str(tmp_path / "r.html"),
                     "--quiet"]) == 0
        err = capsys.readouterr().err.splitlines()
        assert f"bsu-rules: baseline rule set bsu-2022 2022.9: {bundled.path} sha256 {bundled.sha256}" in err, err
    assert main(["impact", str(edited), examples, "--against", "wage_ceiling=3800000", "--out",
                 str(tmp_path / "r.html"), "--quiet"]) == 0
    assert any(line.startswith("bsu-rules: baseline rule set bsu-2022 2022.9: ") and
               "what-if --set wage_ceiling=3800000: sha256 " in line for line in capsys.readouterr().err.splitlines())


def test_an_impact_s_rule_changes_are_those_diff_lists_and_name_no_folder(tmp_path: Path, rules_copy: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A what-if's "(simulasi: …)" after a rule's title is display, not a rule change: the changes are those
    of an edited copy; a replacement table is named by its hash, so the report is the same from any folder."""
    examples = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    edited = rules_copy / "bsu-2022.yaml"
    edited.write_text(edited.read_text("utf-8").replace("value: 3500000", "value: 4000000", 1), "utf-8")
    by_set = impact(reform_of(BASE, ["wage_ceiling=4000000"], []), examples, baseline=BASE)["changes"]
    assert by_set == impact(load_ruleset(edited), examples, baseline=BASE)["changes"] == [
        "Parameters", "  ~ wage_ceiling: values: Rp3.500.000 → Rp4.000.000; on: Rp3.500.000 → Rp4.000.000"]
    moved = reform_of(BASE, ["cutoff_month=2022-06", "as_of=2022-06-30"], [])
    assert "Rules" not in impact(moved, examples, baseline=BASE)["changes"]
    table = (rules_copy / "tables" / "minimum-wage-2022.csv").read_text("utf-8").replace("4798312", "5000000")
    pages = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "raise.csv").write_text(table, "utf-8")
        monkeypatch.chdir(tmp_path / folder)
        assert main(["impact", "bsu-2022", str(examples), "--table", "minimum_wage=raise.csv", "--out", "r.html",
                     "--json", "r.json", "--quiet"]) == 0
        pages.append(((tmp_path / folder / "r.html").read_bytes(), (tmp_path / folder / "r.json").read_bytes()))
    assert pages[0] == pages[1]
    changes = json.loads(pages[0][1])["changes"]
    assert any(line.endswith("file: tables/minimum-wage-2022.csv → --table minimum_wage=<sha256 "
                             f"{hashlib.sha256(table.encode()).hexdigest()[:12]}>") for line in changes), changes


def test_an_impact_between_two_files_says_what_changed(tmp_path: Path, rules_copy: Path) -> None:
    """The first screen used to say "Overrides: none" for both files and nothing of their difference."""
    edited = rules_copy / "bsu-2022.yaml"
    text = edited.read_text("utf-8").replace("value: 3500000", "value: 4000000", 1)
    text = text.replace("(Rp600.000 sekali)", "(Rp700.000 sekali)")  # its source's figure too: no stale-benefit
    edited.write_text(text.replace("amount: 600000", "amount: 700000").replace("instalments: [600000]",
                                                                                "instalments: [700000]"), "utf-8")
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    examples = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    assert main(["impact", str(edited), examples, "--against", "bsu-2022", "--out", str(html), "--json", str(js),
                 "--lang", "en", "--quiet"]) == 0
    changes = json.loads(js.read_text("utf-8"))["changes"]
    assert "  ~ wage_ceiling: values: Rp3.500.000 → Rp4.000.000; on: Rp3.500.000 → Rp4.000.000" in changes
    assert "  benefit.amount: Rp600.000 → Rp700.000" in changes
    assert not any(line.endswith("no change") for line in changes)
    page = html.read_text("utf-8")
    assert "The full list (bsu-rules diff)" in page and "wage_ceiling: values: Rp3.500.000 → Rp4.000.000" in page
    said = json.loads(js.read_text("utf-8"))["change_summary"]  # the changes that decide, in words, first
    assert said == [{"what": "benefit.amount", "old": 600000, "new": 700000},
                    {"what": "parameter", "name": "wage_ceiling", "title": {"id": "Batas upah", "en": "Wage ceiling"},
                     "unit": "IDR", "change": "value", "old": 3500000, "new": 4000000}]
    assert "<li>Benefit: Rp600.000 → Rp700.000</li><li>Wage ceiling <code>wage_ceiling</code>: Rp3.500.000 → " \
           "Rp4.000.000</li>" in page
    assert main(["impact", str(edited), examples, "--against", "bsu-2022", "--out", str(html), "--quiet"]) == 0
    assert "<li>Besar bantuan: Rp600.000 → Rp700.000</li>" in html.read_text("utf-8")
    told = json.loads(js.read_text("utf-8"))["warnings"]  # the copy kept its version: as diff warns, so does impact
    assert [(t["kind"], t["side"]) for t in told] == [("rule-file", "reform")] * 2 + [("version", None)]
    assert told[0]["text"].startswith("bsu-2022.yaml:")  # its folder left out: the same report from any folder
    assert "warning [stale-title] (rule wage-ceiling): the title says Rp3.500.000" in told[0]["text"]
    assert told[2]["text"].startswith("the two rule sets differ but both are bsu-2022 2022.9: give the changed one")
    assert main(["impact", "bsu-2022", examples, "--out", str(html), "--json", str(js), "--quiet"]) == 0
    assert json.loads(js.read_text("utf-8")).get("changes") is None  # no baseline: nothing to compare


def test_cli_checks_every_output_path_before_deciding_and_leaves_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from bsu_rules.report import impact as report

    source = tmp_path / "m.parquet"
    write_population(source, 300, seed=2)
    (tmp_path / "adir").mkdir()
    (tmp_path / "hd.html").mkdir()
    decided: list[int] = []
    original = report._State.chunk
    monkeypatch.setattr(report._State, "chunk", lambda self, table: decided.append(1) or original(self, table))
    monkeypatch.chdir(tmp_path)
    for out, more, said in (("adir", [], "adir: is a folder, not a file (--out)"),
                            ("r.html", ["--json", "hd.html"], "hd.html: is a folder, not a file (--json)"),
                            ("nope/r.html", [], "nope/r.html: the folder nope does not exist (--out)")):
        assert main(["impact", "bsu-2022", "m.parquet", "--out", out, *more, "--quiet"]) == 2
        assert capsys.readouterr().err.strip() == f"bsu-rules: {said}"
        assert not decided  # nothing decided before the paths were known to be good
        assert sorted(p.name for p in tmp_path.iterdir()) == ["adir", "hd.html", "m.parquet"]


def test_an_against_baseline_takes_lists_and_is_named_and_warned_as_typed(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """``--against`` is cut at the commas outside brackets; its problems and warnings name ``--against``."""
    examples = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    out = ["--out", str(tmp_path / "r.html"), "--quiet"]
    assert main(["impact", "bsu-2022", examples, "--against", "state_banks=[BRI, BNI],wage_ceiling=3800000",
                 *out]) == 0
    assert "what-if --set 'state_banks=[\"BRI\", \"BNI\"]' --set wage_ceiling=3800000: " in capsys.readouterr().err
    assert main(["impact", "bsu-2022", examples, "--set", "wage_ceiling=4000000", "--against",
                 "wage_celing=3800000", *out]) == 2
    assert "--against wage_celing=3800000:1:1: error [unknown-name]" in capsys.readouterr().err
    assert main(["impact", "bsu-2022", examples, "--against", "state_banks=[BRI BNI BTN]", *out]) == 0
    assert "warning: --against state_banks=[BRI BNI BTN]:1:24: warning [unknown-value]" in capsys.readouterr().err
    assert main(["impact", "bsu-2022", examples, "--against", "cutoff_month=2022-06", *out]) == 0
    assert "--against cutoff_month=2022-06: `param.cutoff_month` is 2022-06" in capsys.readouterr().err


def test_a_repeated_against_applies_every_override_and_an_amount_with_commas_is_diagnosed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--against`` given twice, as its own error message suggests for two overrides, applies both whatever
    their order (it kept only the last); ``3,800,000`` is said to be written without separators (it was cut
    at its commas: "expected NAME=VALUE, got `800`"); a rule set and overrides together are refused."""
    examples = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    report = tmp_path / "r.json"
    out = ["--out", str(tmp_path / "r.html"), "--json", str(report), "--quiet", "--set", "wage_ceiling=4000000"]
    seen = []
    for pair in (["wage_ceiling=3800000", "cutoff_month=2022-06"], ["cutoff_month=2022-06", "wage_ceiling=3800000"]):
        assert main(["impact", "bsu-2022", examples, "--against", pair[0], "--against", pair[1], *out]) == 0
        seen.append(json.loads(report.read_text("utf-8"))["baseline"]["overrides"])
    assert seen[0] == seen[1] and {o["set"] for o in seen[0]} == {"wage_ceiling", "cutoff_month"}
    capsys.readouterr()
    assert main(["impact", "bsu-2022", examples, "--against", "wage_ceiling=3,800,000", *out]) == 2
    assert "`3,800,000` is text: an amount in rupiah is written with digits only (3800000)" in capsys.readouterr().err
    assert main(["impact", "bsu-2022", examples, "--against", "bsu-2021", "--against", "wage_ceiling=3800000",
                 *out]) == 2
    assert "the baseline is one rule set, or overrides of RULESET" in capsys.readouterr().err


def test_an_html_report_is_not_written_under_a_json_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    examples = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    assert main(["impact", "bsu-2022", examples, "--set", "wage_ceiling=4000000", "--out", str(tmp_path / "r.json"),
                 "--quiet"]) == 2
    assert "--out is the HTML report (such as report.html); give --json FILE for the numbers" in \
        capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_a_dated_baseline_value_after_the_baseline_s_date_is_warned(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    examples = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    assert main(["impact", "bsu-2022", examples, "--against", "wage_ceiling@2022-10-01=3800000", "--against-on",
                 "2022-09-05", "--out", str(tmp_path / "r.html"), "--quiet"]) == 0
    assert ("warning: --against wage_ceiling@2022-10-01=3800000 takes effect after the decision date 2022-09-05 and "
            "is not read in this run; give --against-on 2022-10-01 to read it") in capsys.readouterr().err


@pytest.mark.parametrize(("options", "reform_on", "baseline_on"), [
    (["--against-on", "2022-10-01"], "2022-09-05", "2022-10-01"),  # the baseline's date is the baseline's alone
    (["--on", "2022-10-01"], "2022-10-01", "2022-10-01"),  # the reform's is the baseline's too
    (["--on", "2022-10-01", "--against-on", "2022-09-20"], "2022-10-01", "2022-09-20")])
def test_each_side_is_decided_on_the_date_given_for_it(tmp_path: Path, options: list[str], reform_on: str,
                                                       baseline_on: str) -> None:
    examples = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    numbers = tmp_path / "r.json"
    assert main(["impact", "bsu-2022", examples, "--set", "wage_ceiling=4000000", *options, "--out",
                 str(tmp_path / "r.html"), "--json", str(numbers), "--quiet"]) == 0
    report = json.loads(numbers.read_text("utf-8"))
    assert (report["reform"]["on"], report["baseline"]["on"]) == (reform_on, baseline_on)


def test_a_baseline_that_is_the_reform_is_warned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    examples = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    assert main(["impact", "bsu-2022", examples, "--set", "wage_ceiling=4000000", "--against", "wage_ceiling=4000000",
                 "--out", str(tmp_path / "r.html"), "--quiet"]) == 0
    assert "warning: --against wage_ceiling=4000000 is the rule set measured (sha256 " in capsys.readouterr().err


def test_a_member_file_that_does_not_reach_the_cut_off_month_is_warned(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    examples = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    js = tmp_path / "r.json"
    assert main(["impact", "bsu-2025", examples, "--against", "bsu-2022", "--out", str(tmp_path / "r.html"),
                 "--json", str(js), "--quiet"]) == 0
    latest = json.loads(js.read_text("utf-8"))["input"]["latest_month"]
    assert latest is not None and latest < "2025-04"
    (warned,) = [line for line in capsys.readouterr().err.splitlines() if "contribution or wage" in line]
    assert warned == (f"bsu-rules: warning: no member in members.jsonl has a contribution or wage for 2025-04 (the "
                      f"month bsu-2025 reads its data as at) or later (latest: {latest}): the file may not cover this "
                      "edition's cut-off month")
    assert main(["impact", "bsu-2022", examples, "--set", "wage_ceiling=4000000", "--out", str(tmp_path / "r.html"),
                 "--quiet"]) == 0
    assert "contribution or wage" not in capsys.readouterr().err


def test_a_member_file_that_begins_after_an_earlier_editions_cut_off_month_is_warned(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Compared against an earlier edition, a file extracted for a later cut-off holds nothing for the earlier
    one's months: its baseline of 0 eligible is an artefact of the file, and said so."""
    records = [json.loads(line) for line in (Path(__file__).resolve().parents[1] / "examples" /
                                             "members.jsonl").read_text("utf-8").splitlines() if line.strip()]
    js = tmp_path / "r.json"
    (tmp_path / "m.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    assert main(["impact", "bsu-2022", str(tmp_path / "m.jsonl"), "--against", "bsu-2021", "--out",
                 str(tmp_path / "r.html"), "--json", str(js), "--quiet"]) == 0
    held = json.loads(js.read_text("utf-8"))["input"]
    assert held["earliest_month"] > "2021-06" and held["preceding"]["2021-06"] == 0
    (warned,) = [line for line in capsys.readouterr().err.splitlines() if "contribution or wage" in line]
    assert warned == (f"bsu-rules: warning: no member in m.jsonl has a contribution or wage for 2021-06 (the month "
                      f"bsu-2021 reads its data as at) or earlier (earliest: {held['earliest_month']}): the file may "
                      "not cover this edition's cut-off month")


def test_a_member_file_few_of_whose_members_reach_the_cut_off_month_is_warned(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file extracted for July, a few early payers' August in it: moving the cut-off to August is warned, as
    the others are decided as if they had paid nothing; the counts are in the JSON."""
    records = [json.loads(line) for line in (Path(__file__).resolve().parents[1] / "examples" /
                                             "members.jsonl").read_text("utf-8").splitlines() if line.strip()]
    early = dict(records[0], contributions=[*records[0]["contributions"],
                                            {"period": "2022-08", "amount": 314160, "paid_on": "2022-08-20"}])
    given, js = tmp_path / "m.jsonl", tmp_path / "r.json"
    given.write_text("".join(json.dumps(r) + "\n" for r in [early, *records[1:]]), "utf-8")
    assert main(["impact", "bsu-2022", str(given), "--set", "cutoff_month=2022-08", "--set", "as_of=2022-08-31",
                 "--out", str(tmp_path / "r.html"), "--json", str(js), "--quiet"]) == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if "contribution or wage" in line]
    held = json.loads(js.read_text("utf-8"))["input"]
    reach = sum(any(e["period"] >= "2022-08" for e in [*(r.get("contributions") or []), *(r.get("wages") or [])])
                for r in [early, *records[1:]])
    assert held["reaching"]["2022-08"] == reach and 0 < 2 * reach < held["with_data"] < 2 * held["reaching"]["2022-07"]
    assert warned == [f"bsu-rules: warning: only {reach} of the {held['with_data']} members in m.jsonl with a "
                      "contribution or wage have one for 2022-08 (the month bsu-2022 reads its data as at) or later: "
                      "the file may not cover this edition's cut-off month, and the others are decided as if they had "
                      "none"]


def test_impact_runs_without_a_usable_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a container whose /tmp is read-only, the sides spill beside the report, and nothing is left there."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    out = tmp_path / "report" / "r.html"
    out.parent.mkdir()
    members = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    assert main(["impact", "bsu-2022", str(members), "--set", "wage_ceiling=4000000", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.parent.iterdir()) == ["r.html"]


def test_a_payment_that_moves_to_another_record_of_the_same_nik_is_shown(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two records of one NIK (two KPJ): the baseline pays the one without a PKH receipt this fiscal year
    (it has priority); a reform counting receipts of 2021 gives both priority, and the lower KPJ is paid.
    The count of paid members does not change, yet the payment goes to another record's account: the report
    counts it, as the batch decisions of both sides show it."""
    record = json.loads((Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_text("utf-8")
                        .splitlines()[0])
    with_pkh = {**record, "kpj": "11111111111", "program_receipts": [{"program": "PKH", "year": 2022}]}
    without = {**record, "kpj": "22222222222", "program_receipts": []}
    source = tmp_path / "m.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in (with_pkh, without)), "utf-8")
    reform = reform_of(BASE, ["fiscal_year=2021"], [])
    report = impact(reform, source, baseline=BASE, chunk_size=1)
    decided = {side: batch_sums(ruleset, source, tmp_path, side)[0].sort("row")
               for side, ruleset in (("reform", reform), ("baseline", BASE))}
    paid = {side: d.filter(pl.col("duplicate_of").is_null() & (pl.col("outcome") == "eligible"))["row"].to_list()
            for side, d in decided.items()}
    assert paid == {"baseline": [2], "reform": [1]}  # the same count, row 2's payment now row 1's
    assert report["record_moves"] == {"total": 1, "examples": [{"row": 2, "province": "32"}]}
    assert report["channel_moves"]["total"] == 0 and report["flips"]["total"] == 0
    page = render_html(report, "en")
    assert 'Paid under another record of the same NIK (<span data-json="record_moves.total">1</span>)' in page
    assert "<p>row 2, works in 32 Jawa Barat</p>" in page
    assert impact(BASE, source)["record_moves"] is None
    capsys.readouterr()
    assert main(["impact", "bsu-2022", str(source), "--set", "fiscal_year=2021", "--out",
                 str(tmp_path / "r.html")]) == 0
    assert "paid under another record of the same NIK 1\n" in capsys.readouterr().out


@pytest.mark.parametrize(("options", "kind", "side"), [
    (["--set", "wage_ceiling=3000000"], "partial-table", "reform"),  # rows below the file's ceiling not collected
    (["--set", "cutoff_month=2022-06"], "data-date", "reform"),  # the data still read as at 31 July
    (["--set", "wage_ceiling@2020-01-01=4000000"], "early", "reform"),  # a year before the edition: read from its start
    (["--set", "wage_ceiling=3500000"], "no-change", "reform"),  # the rule file's own value
    (["--set", "benefit.amount=600000"], "no-change", "reform"),
    (["--set", "as_of=2022-06-30"], "data-date", "reform"),  # read as at a day before the cut-off month's end
    (["--set", "wage_ceiling@2030-01-01=4000000"], "unread", "reform"),  # after the edition ends
    (["--on", "2022-09-05", "--set", "wage_ceiling@2022-12-01=4000000"], "unread", "reform"),  # after the date
    (["--set", "wage_ceiling=4000000", "--against", "wage_ceiling=3000000"], "partial-table", "baseline"),
    (["--set", "wage_ceiling=4000000", "--against", "wage_ceiling=4000000"], "same", None),
])
def test_a_what_ifs_warnings_travel_with_its_report(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    options: list[str], kind: str, side: str | None) -> None:
    """What the command warns of on stderr is on the report's first screen and in its JSON too, in both
    languages: a number handed on never loses its caveat."""
    examples = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    js, html = tmp_path / "r.json", tmp_path / "r.html"
    main(["impact", "bsu-2022", examples, *options, "--out", str(html), "--json", str(js), "--quiet"])
    out, err = capsys.readouterr()
    assert f"report: {html} · {js} · 1 warning at its top · " in out  # where the report is named
    data = json.loads(js.read_text("utf-8"))
    told = data["warnings"]
    assert [(t["kind"], t["side"]) for t in told] == [(kind, side)]
    said = told[0]["text"].removeprefix("the baseline")  # on stderr named as typed: `--against …`
    assert f"warning: {'--against ' + options[-1] if kind == 'same' else ''}{said}" in err  # the very words
    for lang, page in (("id", html.read_text("utf-8")), ("en", render_html(data, "en"))):
        box = page[page.index('<section class="warnings"'):page.index("</section>")]
        shown = told[0].get("text_id", told[0]["text"]) if lang == "id" else told[0]["text"]  # Indonesian if written
        assert ("Peringatan" if lang == "id" else "Warnings") in box and escape(shown) in box
        assert page.index('id="warnings"') < page.index('id="headline-members"')  # before any number
    said_id = told[0]["text_id"]  # every what-if warning is written in Indonesian too: no English word in it
    assert said_id.startswith("pembanding " if kind == "same" else "--") and \
        not re.search(r"\b(the|is|are|of|and|to|give|add)\b", said_id), said_id
    if kind == "partial-table":  # the caveat that moves numbers most
        assert said_id.endswith(" dengan --table minimum_wage=BERKAS") and "tabel tidak lengkap" in said_id
    if kind == "no-change":  # once: a report with nothing to warn of has no box
        main(["impact", "bsu-2022", examples, "--set", "wage_ceiling=4000000", "--out", str(html), "--json", str(js),
              "--quiet"])
        assert json.loads(js.read_text("utf-8"))["warnings"] == []
        assert 'class="warnings"' not in html.read_text("utf-8")


@pytest.mark.parametrize("content", ["", "\n\n", "nik,citizenship,participant_category\n"])
@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_an_empty_member_file_is_said_and_writes_no_report(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           content: str, suffix: str) -> None:
    """A report of no one measures nothing: the file is said to be empty (as ``batch`` says it), no report
    is written, and the status is not 0; the cut-off-month warning, about a file of members, is not given."""
    if suffix == ".jsonl" and "," in content:
        content = ""
    given = tmp_path / f"empty{suffix}"
    given.write_text(content, "utf-8")
    html = tmp_path / "r.html"
    assert main(["impact", "bsu-2022", str(given), "--set", "wage_ceiling=4000000", "--out", str(html),
                 "--quiet"]) == 2
    out, err = capsys.readouterr()
    assert f"{given}: the file is empty: it holds no member record; there is nothing to measure and no report " \
           "was written" in err
    assert "contribution or wage" not in err and out.splitlines() == ["0 read = 0 decided + 0 rejected"]
    assert not html.exists()


def test_channels_and_examples_are_named_in_words(tmp_path: Path) -> None:
    """A payment channel is named as the decision pages name it (not a bare ``POS``), and an example's
    work province by its name (a bare ``13`` beside a NIK of Jakarta read as an error)."""
    source = tmp_path / "m.parquet"
    write_population(source, 400, seed=5)
    report = impact(reform_of(BASE, ["wage_ceiling=4000000"], []), source, baseline=BASE)
    names = report["channel_names"]
    assert names["POS"] == {"id": "pembayaran tunai melalui kantor PT Pos Indonesia",
                            "en": "cash at a PT Pos Indonesia office"}
    assert set(names) == {c["channel"] for c in report["channels"]} - {None, ""}
    page = render_html(report, "id")
    assert "Pembayaran tunai melalui kantor PT Pos Indonesia <code>POS</code>" in page
    example = report["flips"]["groups"][0]["examples"][0]
    province = f"{example['province']} {PROVINCES[example['province']]}"
    assert f"{example['nik']} (baris {example['row']}, bekerja di {province})" in page


def test_the_summary_of_changes_names_what_can_move_a_decision_on_the_dates_compared(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A criterion and its table in force on neither side's decision date (2021's PPKM areas, ended on
    7 November 2021) move no decision there and are not in the summary, only in the full list; every
    part of the benefit is (2020's instalments); a baseline date without a baseline is an error."""
    examples = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    js, html = tmp_path / "r.json", tmp_path / "r.html"
    assert main(["impact", "bsu-2022", examples, "--against", "bsu-2021", "--out", str(html), "--json", str(js),
                 "--quiet"]) in (0, 1)
    data = json.loads(js.read_text("utf-8"))
    assert data["baseline"]["on"] > "2021-11-07"
    said = {(c["what"], c.get("rule") or c.get("name")) for c in data["change_summary"]}
    assert ("criterion", "ppkm-area") not in said and ("table", "ppkm_areas") not in said
    assert any("ppkm-area" in line for line in data["changes"])  # the full list still has it
    assert ("criterion", "not-pns-tni-polri") in said and ("table", "minimum_wage") in said
    (wages,) = [c for c in data["change_summary"] if c.get("name") == "minimum_wage"]
    assert wages["changed"] == len(wages["rows"]) + wages["more"]
    assert wages["rows"] == ["Kab. Bintan", "Kab. Kepulauan Anambas", "Kota Batam"]  # by area code
    assert main(["impact", "bsu-2020", examples, "--on", "2020-09-01", "--set",
                 "benefit.instalments=[600000, 600000, 600000, 600000]", "--out", str(html), "--json", str(js),
                 "--quiet"]) in (0, 1)
    (paid,) = [c for c in json.loads(js.read_text("utf-8"))["change_summary"] if c["what"] == "benefit.instalments"]
    assert (paid["old"], paid["new"]) == ([1200000, 1200000], [600000] * 4)
    assert "<li>Termin pembayaran: Rp1.200.000, Rp1.200.000 → Rp600.000, Rp600.000, Rp600.000, Rp600.000</li>" \
        in html.read_text("utf-8")
    capsys.readouterr()
    assert main(["impact", "bsu-2022", examples, "--against-on", "2022-10-01", "--out", str(html)]) == 2
    assert "--against-on: dates the baseline, and there is none" in capsys.readouterr().err


@pytest.mark.parametrize(("out", "numbers", "says"), [
    ("pseudonym.key", None, "pseudonym.key: the report's name must end in .html (--out)"),
    ("r.html", "decisions.parquet", "decisions.parquet: the numbers' file name must end in .json (--json)"),
])
def test_impact_writes_only_files_named_for_what_they_hold(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          out: str, numbers: str | None, says: str) -> None:
    for name in (out, numbers):
        if name:
            (tmp_path / name).write_bytes(b"kept")
    examples = str(Path(__file__).parents[1] / "examples" / "members.jsonl")
    given = ["--json", str(tmp_path / numbers)] if numbers else []
    assert main(["impact", "bsu-2022", examples, "--out", str(tmp_path / out), *given, "--quiet"]) == 2
    assert says in capsys.readouterr().err
    assert all((tmp_path / n).read_bytes() == b"kept" for n in (out, numbers) if n)


def test_the_indonesian_report_names_the_what_if_and_the_undecided_in_one_plain_wording(tmp_path: Path) -> None:
    """The Indonesian page called the what-if "Reformasi" (a loaded word), and the undecided "Belum dapat
    diputus", "belum diputus" and, as decisions do, "belum dapat ditentukan"; a row rejected as a whole was
    "(record)". It now says "Skenario perubahan", "belum dapat ditentukan" throughout, and "(seluruh baris)"."""
    source = tmp_path / "m.jsonl"
    rows = [json.dumps(OK), json.dumps(bandung("3273014107900002")), json.dumps(OK | {"employment_type": None,
                                                                                      "nik": "3215014107900003"})]
    source.write_text("\n".join([*rows, "not json"]) + "\n", "utf-8")
    data = impact(REFORM, source, baseline=BASE)
    assert data["data_quality"]["rejects"] == [{"field": "(record)", "count": 1}]
    assert [(g["from"], g["to"]) for g in data["flips"]["groups"]] == [("undetermined", "eligible")]
    page = render_html(data, "id")
    text = re.sub(r"<[^>]+>", " ", page)
    assert "Skenario perubahan" in text and "skenario perubahan" in text
    assert "Belum dapat ditentukan" in text and "Penyebab belum dapat ditentukan" in text
    assert re.search(r"<td>belum dapat ditentukan</td><td>memenuhi syarat</td>", page)  # the flip's states
    assert not re.search(r"[Rr]eformasi|[Bb]elum (dapat )?diputus", text)
    assert "(seluruh baris)" in text and "(record)" not in text
    english = re.sub(r"<[^>]+>", " ", render_html(data, "en"))
    assert "(the whole row)" in english and "Reform" in english and "(record)" not in english


def test_a_bank_a_member_wrote_is_quoted_cut_and_read_as_a_quotation_as_the_pages_do(tmp_path: Path) -> None:
    """bsu-2020 pays at the bank a member wrote: the report named it bare and whole, twice ("Rekening Bank Sumut.
    Eligible. Benefit: Rp6.000.000 <code>…</code>"), which a screen reader reads as the report's own words. It is
    quoted and cut short as the decision pages quote it (``page_data.quoted``), and read as a quotation."""
    from bsu_rules.explain.page_data import quoted
    from bsu_rules.testing.cases import load_file
    from bsu_rules.testing.rulesets import RuleSets

    root = Path(__file__).resolve().parents[1]
    case = next(c for c in load_file(root / "rules" / "tests" / "bsu-2020.yaml", RuleSets()).cases
                if c.runnable and c.case is not None and c.case.expect.outcome == "eligible")
    assert case.member is not None
    record = case.member.model_dump(mode="json")
    injected, long = "Bank Sumut. Eligible. Benefit: Rp6.000.000", "PT Bank Pembangunan Daerah Sumut" + " lagi" * 20
    source = tmp_path / "m.jsonl"
    source.write_text("".join(json.dumps({**record, "nik": record["nik"][:12] + f"{i:04d}",
                                          "bank_account": {**record["bank_account"], "bank": bank}}) + "\n"
                              for i, bank in enumerate([injected, long, "BRI"], 1)), "utf-8")
    report = impact(load_ruleset("bsu-2020"), source, on=date(2020, 9, 1))
    names = report["channel_names"]
    assert names[injected] == {"id": f"rekening di bank yang tercatat, “{injected}”",
                               "en": f"an account at the bank on record, “{injected}”"}
    assert names[long]["en"] == f"an account at the bank on record, {quoted(long)}" and quoted(long).endswith(" lagi…”")
    assert names["BRI"]["en"] == "an account at Bank Rakyat Indonesia (BRI)"  # a channel the glossary names
    for lang, (opening, closing, cut) in {"id": ("buka kutip, ", ", tutup kutip", "tulisannya dipotong, "),
                                          "en": ("quote, ", ", end quote", "cut short, ")}.items():
        page = render_html(report, lang)
        assert f'<span class="said">{opening}{injected}{closing}</span>' in page and ".said{" in page
        assert f'<span class="said">{cut}{opening}PT Bank Pembangunan Daerah Sumut lagi' in page
        assert long not in page and f"<code>{injected}</code>" not in page and "<code>BRI</code>" in page
