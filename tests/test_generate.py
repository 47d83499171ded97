"""The synthetic population: deterministic, structurally valid, realistic in the ways that matter."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyarrow")
pytest.importorskip("polars")

import polars as pl
import pyarrow as pa

from bsu_rules.batch.generate import CSV_NAMES, MALFORMED, TEXT_MALFORMED, block, write_population
from bsu_rules.batch.read import Reader
from bsu_rules.batch.validate import validate
from bsu_rules.cli import main
from bsu_rules.members import parse_member
from bsu_rules.members.redact import shortened
from bsu_rules.nik import nik_valid


@pytest.fixture(scope="module")
def clean() -> pa.Table:
    table, faults = block(20_000, seed=7, malformed=False)
    assert faults == []
    return table


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    a, fa = block(3000, seed=1)
    b, fb = block(3000, seed=1)
    c, _ = block(3000, seed=2)
    assert a.equals(b) and fa == fb
    assert not a.equals(c)


def test_file_is_deterministic(tmp_path: Path) -> None:
    for suffix in (".parquet", ".jsonl", ".csv"):
        write_population(tmp_path / f"a{suffix}", 1500, 3)
        write_population(tmp_path / f"b{suffix}", 1500, 3)
        assert (tmp_path / f"a{suffix}").read_bytes() == (tmp_path / f"b{suffix}").read_bytes()


def test_niks_are_structurally_valid_and_match_the_region(clean: pa.Table) -> None:
    rows = clean.select(["nik", "birth_date", "work_regency_code"]).to_pylist()
    assert all(nik_valid(r["nik"], r["birth_date"]) for r in rows)
    same_region = sum(r["nik"][:4] == r["work_regency_code"] for r in rows) / len(rows)
    assert 0.8 < same_region < 0.95
    women = [r for r in rows if int(r["nik"][6:8]) > 40]
    assert 0.35 < len(women) / len(rows) < 0.55


def test_population_mix(clean: pa.Table) -> None:
    df = pl.DataFrame(clean)
    regions = set(df["work_regency_code"].to_list())
    assert {"3215", "3171", "3175", "3275", "2171", "1571", "1171"} <= regions
    assert set(df["participant_category"].unique()) == {"PU", "BPU", "JAKON", "PMI"}
    assert {"pns", "pppk", "tni", "polri", "private"} <= set(df["employment_type"].drop_nulls().unique())
    assert df["deceased_on"].is_not_null().sum() > 10
    assert df.height - df["nik"].n_unique() > 100  # the same person under two KPJ
    wage = sorted(df.select(pl.col("wages").list.last().struct.field("amount")).to_series().drop_nulls().to_list())
    assert 2_500_000 < wage[len(wage) // 2] < 4_000_000
    assert wage[-1] > 10_000_000
    unpaid = df.select(pl.col("contributions").list.eval(pl.element().struct.field("paid_on").is_null().sum())
                       .list.first()).to_series()
    assert (unpaid >= 3).sum() > 100  # arrears
    receipts = df.select(pl.col("program_receipts").list.len()).to_series()
    assert (receipts > 0).sum() > 1000


def test_no_member_is_registered_after_the_data_date(clean: pa.Table) -> None:
    """A record read on 31 July 2022 (``as_of`` of bsu-2022) holds no later registration, nor a membership ended
    before it began; some registered in the cut-off month itself."""
    df = pl.DataFrame(clean).select(pl.col("registered_on").cast(pl.Date), pl.col("membership_ended_on").cast(pl.Date))
    assert df["registered_on"].max() <= date(2022, 7, 31)
    assert (df["registered_on"] >= date(2022, 7, 1)).sum() > 0.03 * df.height
    ended = df.drop_nulls("membership_ended_on")
    assert (ended["membership_ended_on"] >= ended["registered_on"]).all()


def test_clean_population_follows_the_contract(clean: pa.Table) -> None:
    members, rejects = validate(clean.add_column(0, "_row", pa.array(range(1, clean.num_rows + 1), pa.int64())))
    assert rejects.num_rows == 0 and members.num_rows == clean.num_rows
    for record in clean.slice(0, 500).to_pylist():
        parse_member({k: v for k, v in record.items() if v is not None})


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl", ".csv"])
def test_every_format_reads_back_the_same_members(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"m{suffix}"
    write_population(path, 2000, 5, malformed=False)
    table, _ = block(2000, 5, malformed=False)
    chunks = [validate(c.table) for c in Reader(path, chunk_size=600)]
    members = pa.concat_tables([m for m, _ in chunks]).drop_columns(["_row"])
    assert sum(r.num_rows for _, r in chunks) == 0
    assert members.equals(table)


def test_faults_of_every_kind(tmp_path: Path) -> None:
    parquet = write_population(tmp_path / "m.parquet", 5000, 1)
    jsonl = write_population(tmp_path / "m.jsonl", 5000, 1)
    assert set(parquet) == set(MALFORMED)
    assert set(jsonl) == set(MALFORMED + TEXT_MALFORMED)
    csv = write_population(tmp_path / "m.csv", 5000, 1)  # a CSV's "nik-number" row is one with a cell too many
    assert "nik-number" not in csv and csv == {CSV_NAMES.get(kind, kind): n for kind, n in jsonl.items()}


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--n", "300", "--seed", "4", "--out", str(tmp_path / "m.jsonl")]) == 0
    assert "wrote 300 members" in capsys.readouterr().out
    assert len((tmp_path / "m.jsonl").read_text().splitlines()) == 300
    assert main(["generate", "--n", "10", "--out", str(tmp_path / "m.txt")]) == 2
    assert ".parquet, .jsonl or .csv" in capsys.readouterr().err
    for seed in ("-1", "x"):
        assert main(["generate", "--n", "10", "--seed", seed, "--out", str(tmp_path / "s.jsonl")]) == 2
        assert f"argument --seed: '{seed}' is not a whole number of 0 or more" in capsys.readouterr().err
    assert Counter(write_population(tmp_path / "small.parquet", 100, 1)) == Counter()  # too few rows to break


def test_generate_has_a_bound_and_reports_progress(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """--n is at most 100,000,000 members, said so; a long run prints a progress line on stderr."""
    import bsu_rules.batch.generate as generate
    import bsu_rules.cli.batch as cli_batch

    for n in ("99999999999999", "100000001"):
        assert main(["generate", "--n", n, "--out", str(tmp_path / "m.parquet")]) == 2
        assert f"argument --n: '{shortened(n)}' is more than 100,000,000 members" in capsys.readouterr().err
    slow = generate.block

    def block(*a: Any, **k: Any) -> Any:
        time.sleep(0.02)  # a block as slow as a large run's
        return slow(*a, **k)
    monkeypatch.setattr(generate, "BLOCK", 100)
    monkeypatch.setattr(generate, "block", block)
    monkeypatch.setattr(cli_batch, "EVERY", 0.01)
    assert main(["generate", "--n", "2000", "--out", str(tmp_path / "m.parquet")]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines and all(re.fullmatch(r"bsu-rules generate: [\d,]+ rows written \(\d+%\), \d+ s", x) for x in lines)
    assert main(["generate", "--n", "2000", "--out", str(tmp_path / "m.parquet"), "--quiet"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("suffix", ["parquet", "jsonl"])
def test_an_interrupted_generate_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    import bsu_rules.batch.generate as generate

    def interrupted(*a: object, **k: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C (or a full disk) while the members are being written
    monkeypatch.setattr(generate, "block", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_population(tmp_path / f"m.{suffix}", 10, 1)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    write_population(tmp_path / f"m.{suffix}", 10, 1)
    assert [p.name for p in tmp_path.iterdir()] == [f"m.{suffix}"]
