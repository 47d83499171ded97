"""Batch screening: nothing lost, malformed rows rejected with their field, one NIK one payment,
the same output whatever the chunking, format or input order."""

from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import hmac
import io
import json
import lzma
import os
import re
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

pytest.importorskip("pyarrow")
pytest.importorskip("polars")

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bsu_rules.audit.snapshot import KEY_ENV, input_hash, key_id
from bsu_rules.batch import held as batch_held
from bsu_rules.batch import read as read_module
from bsu_rules.batch import run as batch_run
from bsu_rules.batch.dedupe import resolve
from bsu_rules.batch.generate import MALFORMED, TEXT_MALFORMED, block, write_population
from bsu_rules.batch.niks import mask_kpjs, mask_niks, nik_keys
from bsu_rules.batch.paths import claimed, clean_stale, manifest_path
from bsu_rules.batch.read import Reader
from bsu_rules.batch.run import decide_batch, engines, load_plan, run_batch
from bsu_rules.batch.validate import TEXT_SCHEMA, _false, _matches, unchecked
from bsu_rules.cli import main
from bsu_rules.decisions import mask_kpj, mask_nik
from bsu_rules.errors import InputError
from bsu_rules.members import contract, parse_member
from bsu_rules.members.arrow import MEMBER_SCHEMA
from bsu_rules.members.model import REGENCY_CODE
from bsu_rules.report.impact import impact
from bsu_rules.ruleset.loader import load_ruleset

N = 2500
# the field a reject names for each kind of fault (CSV: nik-number is a row with a cell too many)
FIELD = {"nik-15-digits": "nik", "nik-letter": "nik", "bad-month": "wages[2].period",
         "negative-wage": "wages[2].amount", "bad-category": "participant_category",
         "no-citizenship": "citizenship", "float-wage": "wages[0].amount", "unknown-field": "salary",
         "bad-date": "registered_on", "nik-number": "nik", "not-json": "(record)"}
CSV_FIELD = {**FIELD, "unknown-field": "employer.ceo", "nik-number": "(record)", "not-json": "wages"}


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("population")
    out: dict[str, Any] = {"folder": folder, "faults": block(N, 11)[1]}
    for suffix in ("parquet", "jsonl", "csv"):
        write_population(folder / f"m.{suffix}", N, 11)
    return out


def read_out(path: Path) -> pl.DataFrame:
    """A decisions file in any format as one comparable frame (lists as JSON text)."""
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path)
    elif path.suffix == ".jsonl":
        frame = pl.read_ndjson(path, schema=pl.read_parquet_schema(path.with_suffix(".parquet")))
    else:
        return pl.read_csv(path, infer_schema=False)
    return frame.with_columns(pl.col(pl.List(pl.String)).map_elements(lambda v: json.dumps(list(v)).replace(" ", ""),
                                                                        return_dtype=pl.String),
                              pl.all().exclude(pl.List(pl.String)).cast(pl.String))


def batch(source: Path, out: Path, **kw: Any) -> batch_run.Counts:
    kw.setdefault("key", b"test key of 16 bytes")
    kw.setdefault("engine", "scalar")
    return run_batch("bsu-2022", source, out, rejects=out.with_suffix(".rejects.jsonl"), **kw)


@pytest.mark.parametrize("suffix", ["parquet", "jsonl", "csv"])
def test_nothing_lost_and_every_fault_rejected_with_its_field(population: dict[str, Any], tmp_path: Path,
                                                              suffix: str) -> None:
    out = tmp_path / "d.parquet"
    counts = batch(population["folder"] / f"m.{suffix}", out, chunk_size=700)
    kinds = MALFORMED if suffix == "parquet" else MALFORMED + TEXT_MALFORMED
    faults = {f.index + 1: f.kind for f in population["faults"] if f.kind in kinds}
    rejects = [json.loads(line) for line in out.with_suffix(".rejects.jsonl").read_text().splitlines()]
    assert counts.holds and counts.read == N and counts.rejected == len(faults) == len(set(kinds))
    assert counts.line() == f"{N} read = {N - len(faults)} decided + {len(faults)} rejected"
    fields = CSV_FIELD if suffix == "csv" else FIELD
    assert {r["row"]: r["field"] for r in rejects} == {row: fields[kind] for row, kind in faults.items()}
    decided = pl.read_parquet(out)
    assert decided.height == counts.decided and not set(decided["row"]) & set(faults)
    assert sorted(decided["row"].to_list() + list(faults)) == list(range(1, N + 1))
    assert not any(re.search(r"\d{12}", r["message"]) for r in rejects if r["field"] == "nik")  # no NIK echoed


def test_vectorised_validation_agrees_with_the_contract(population: dict[str, Any]) -> None:
    """Every JSONL line: rejected by the batch exactly when parse_member refuses it."""
    lines = (population["folder"] / "m.jsonl").read_text().splitlines()
    rejected = set()
    for chunk in Reader(population["folder"] / "m.jsonl", chunk_size=1000):
        out = decide_batch("bsu-2022", None, chunk.table, "scalar")
        rejected |= set(out.filter(pc.equal(out["outcome"], "rejected"))["row"].to_pylist())
    refused = set()
    for number, line in enumerate(lines, 1):
        try:
            parse_member(json.loads(line))
        except (InputError, ValueError):
            refused.add(number)
    assert rejected == refused


@given(st.lists(st.one_of(st.none(), st.text("0123456789*a ٣-", max_size=22), st.from_regex(r"\A[0-9]{0,22}\Z"),
                          st.from_regex(r"\A[0-9*]{2,4}\*{6,12}[0-9]{2,5}\Z")), max_size=40))
def test_a_kpj_is_checked_as_its_regular_expression_says(values: list[str | None]) -> None:
    """The digits are checked by length and character class, the rest of the pattern only on the others."""
    kpj = contract()["kpj"].pattern
    column = pa.array(values, pa.string())
    assert _matches(column, kpj).equals(pc.match_substring_regex(column, kpj))


@given(st.lists(st.one_of(st.none(), st.booleans()), max_size=30))
def test_the_failing_positions_are_the_false_ones(mask: list[bool | None]) -> None:
    assert _false(pa.array(mask, pa.bool_())).tolist() == [i for i, ok in enumerate(mask) if ok is False]


_KPJS = st.one_of(st.none(), st.text("0123456789*", max_size=20), st.from_regex(r"\A0{0,2}[0-9]{7,12}\Z"))


@given(st.lists(st.tuples(_KPJS, st.one_of(st.none(), st.text("0123456789*- ", max_size=16))), max_size=20),
       st.booleans())
@example([("000000001", "1")], False)  # an account "1" is the KPJ's digits, leading zeros aside
def test_a_kpj_column_is_masked_as_each_kpj_is(rows: list[tuple[str | None, str | None]], same: bool) -> None:
    """The column's mask is ``mask_kpj``'s, row by row with the row's account number, and it shows any 11 characters
    or fewer than 10 that are not that number as they are."""
    rows = [(k, k if same and k else a) for k, a in rows]  # the account number copied into the KPJ, or not
    values, numbers = [k for k, _ in rows], [a for _, a in rows]
    accounts = pa.array([None if a is None else {"number": a} for a in numbers], pa.struct([("number", pa.string())]))
    shown = mask_kpjs(pa.array(values, pa.string()), pa.table({"bank_account": accounts})).to_pylist()
    assert shown == [None if v is None else mask_kpj(v, a) for v, a in rows]
    assert mask_kpjs(pa.array(values, pa.string())).to_pylist() == [None if v is None else mask_kpj(v)
                                                                            for v in values]
    assert all(s == v for s, (v, a) in zip(shown, rows, strict=True) if v is None or ((len(v) < 10 or len(v) == 11)
               and not _the_account(v, a)))


def _the_account(kpj: str, account: str | None) -> bool:
    """Whether a KPJ of 9 characters or more holds the account number's digits, leading zeros aside (``000000001``
    and an account ``1``, as a draw found)."""
    digits = "".join(c for c in account or "" if c.isdigit()).lstrip("0")
    return len(kpj) >= 9 and bool(digits) and kpj.lstrip("0") == digits


@pytest.mark.parametrize(("kpj", "shown"), [
    ("22041870213", "22041870213"), ("123456789", "123456789"),  # a KPJ; too short for an account number
    ("0123456789", "01******89"),  # a BNI or BCA account number (10 digits)
    ("1234567890123", "123*******123"),  # a Mandiri account number: no more of it shown than its own field shows
    ("3204125708940003", "3204********0003"), ("12345678901234567890", "1234************7890")])
def test_a_kpj_that_is_not_one_is_masked_as_an_account_number_is(kpj: str, shown: str) -> None:
    assert mask_kpj(kpj) == shown and mask_kpj(shown) == shown  # masking what is masked gives it back
    assert re.fullmatch(contract()["kpj"].pattern, shown)  # a decision log keeps it so, and replays it
    for account in (kpj, f"0{kpj}", f"{kpj[:3]}-{kpj[3:]}"):  # the record's own account number, however written
        masked = mask_kpj(kpj, account)
        assert masked == (kpj if len(kpj) < 9 else mask_nik(kpj)) and re.fullmatch(contract()["kpj"].pattern, masked)
    assert mask_kpj(kpj, "9" + kpj) == shown  # another number
    assert shown == (kpj if len(kpj) < 10 or len(kpj) == 11 else mask_nik(kpj))


def test_rows_picked_for_settling_are_the_rows_a_full_read_gives(population: dict[str, Any]) -> None:
    reader = Reader(population["folder"] / "m.parquet", chunk_size=97)
    full = pa.concat_tables(chunk.table for chunk in reader)
    rows = pa.array([1, 5, 96, 97, 98, 400, N], pa.int64())
    picked = pa.concat_tables(reader.picked(rows.to_numpy()))
    assert picked.equals(full.filter(pc.is_in(full["_row"], value_set=rows)))


def test_a_parquet_file_of_many_row_groups_reads_the_same_in_any_chunks(population: dict[str, Any],
                                                                      tmp_path: Path) -> None:
    """Its few-valued text (enumerations, history periods) is read as dictionaries where the chunks begin at
    its row groups, as plain text where a chunk spans two: the rows read are the same either way."""
    source = tmp_path / "groups.parquet"
    pq.write_table(pq.read_table(population["folder"] / "m.parquet"), source, row_group_size=100)
    reads = [pa.concat_tables(chunk.table for chunk in Reader(source, chunk_size=size)) for size in (N, 100, 50, 97)]
    assert all(read.equals(reads[0]) for read in reads[1:])
    assert [chunk.table.num_rows for chunk in Reader(source, chunk_size=150)][:2] == [150, 150]


def _decided_alike(plain: Path, other: Path, tmp_path: Path, **options: Any) -> None:
    """``run_batch`` decides ``other`` exactly as ``plain``: the same decisions file and the same rejects."""
    decided = []
    for name, path in (("plain", plain), ("other", other)):
        run_batch("bsu-2022", path, tmp_path / f"{name}.out.parquet", **options)
        decided.append((pq.read_table(tmp_path / f"{name}.out.parquet"),
                        (tmp_path / f"{name}.out.parquet.rejects.jsonl").read_bytes()))
    assert decided[1][0].equals(decided[0][0]) and decided[1][1] == decided[0][1]


@pytest.mark.parametrize("written", ["polars", "no dictionary pages"])
def test_a_parquet_file_written_otherwise_is_decided_the_same(population: dict[str, Any], tmp_path: Path,
                                                              written: str) -> None:
    """Text held as ``large_string`` (as polars writes it), or written without dictionary pages, is read as the
    file gives it: the same decisions and rejects as the file the generator wrote (a column of ``large_string``
    read as a dictionary came back as ``string`` and failed the run; one with no dictionary pages read as one cost
    more than it saved)."""
    table = pq.read_table(population["folder"] / "m.parquet")
    source = tmp_path / "other.parquet"
    if written == "polars":
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        frame.write_parquet(source, row_group_size=500)
    else:
        pq.write_table(table, source, use_dictionary=False, row_group_size=500)
        assert read_module._few_valued(pq.ParquetFile(source), 500) == []
    _decided_alike(population["folder"] / "m.parquet", source, tmp_path, chunk_size=500)  # a chunk a row group


def test_a_parquet_file_of_dictionary_columns_in_row_groups_is_decided_as_its_plain_text(
        population: dict[str, Any], tmp_path: Path) -> None:
    """Text columns stored as dictionaries (as pandas' categoricals are), in several row groups, in one chunk:
    Arrow cuts each batch of them at a row group, so the columns read again for the rows whose NIK repeats were
    cut elsewhere and the run failed; they are now taken row for row with the batch."""
    table = pq.read_table(population["folder"] / "m.parquet")
    coded = pa.schema([f.with_type(pa.dictionary(pa.int32(), pa.string()))
                       if f.name in ("citizenship", "participant_category", "employment_type") else f
                       for f in table.schema])
    pq.write_table(table.cast(coded), tmp_path / "coded.parquet", row_group_size=700)
    _decided_alike(population["folder"] / "m.parquet", tmp_path / "coded.parquet", tmp_path)


def _sector_coded(source: Path, out: Path, row_group_size: int | None) -> None:
    """``source`` written to ``out`` with ``employer.sector`` stored as a dictionary (a polars Categorical within a
    struct), in row groups of ``row_group_size`` rows."""
    table = pq.read_table(source)
    coded = pa.struct([f.with_type(pa.dictionary(pa.int32(), pa.string())) if f.name == "sector" else f
                       for f in table.schema.field("employer").type])
    pq.write_table(table.cast(table.schema.set(table.schema.get_field_index("employer"), pa.field("employer", coded))),
                   out, row_group_size=row_group_size)


@pytest.mark.parametrize("row_group_size", [None, 700, 7, 349])
def test_a_parquet_file_of_a_dictionary_field_in_a_struct_is_decided_as_its_plain_text(
        population: dict[str, Any], tmp_path: Path, row_group_size: int | None) -> None:
    """A field of a struct stored as a dictionary (a polars Categorical within a struct): the rows whose NIK repeats
    are read whole from the struct's fields read for the decision, taken plain, and the others read again, which
    kept the file's dictionary type; the struct put together of both mixed the two types and failed the run. In
    several row groups, such a file is read a row group at a time: Arrow reads no batch of a dictionary within a
    struct across row groups, and the run failed as if the file were damaged; the batches of small row groups are
    put together, so that the chunks are as long as for any other file (row groups of 349 rows made chunks of 698:
    twice the memory --chunk-size asks for, and two chunks decided at once no longer of one size)."""
    _sector_coded(population["folder"] / "m.parquet", tmp_path / "coded.parquet", row_group_size)
    _decided_alike(population["folder"] / "m.parquet", tmp_path / "coded.parquet", tmp_path)
    if row_group_size:  # in several chunks (run_batch's default is one), each row once, in order, counted as done
        chunks = list(Reader(tmp_path / "coded.parquet", chunk_size=350))
        assert [chunk.table.num_rows for chunk in chunks] == [350] * (N // 350) + [N % 350]  # as any other file's
        plain = pa.concat_tables([chunk.table for chunk in Reader(population["folder"] / "m.parquet", chunk_size=350)])
        assert pa.concat_tables([chunk.table for chunk in chunks]).equals(plain)
        assert [chunk.done for chunk in chunks] == list(np.cumsum([chunk.table.num_rows for chunk in chunks]))


def test_a_chunk_of_more_text_than_one_batch_holds_is_refused_naming_its_rows(
        population: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the batches of small row groups put together would hold more text than one batch does (2 GiB in a
    column: Arrow then splits it), the run says so and how to go on, never leaving out the rows past the split
    (nor calling the file damaged). The split is made to happen at once, as 2 GiB of text cannot be here."""
    _sector_coded(population["folder"] / "m.parquet", tmp_path / "coded.parquet", 7)
    joined = read_module._joined
    monkeypatch.setattr(read_module, "_joined", lambda batches: [b.slice(0, 1) for b in joined(batches)] * 2)
    with pytest.raises(InputError, match="after row 0 hold more text than one chunk takes: give a smaller"):
        list(Reader(tmp_path / "coded.parquet", chunk_size=350))


def test_a_file_of_many_one_row_row_groups_holding_a_nested_dictionary_is_read_in_linear_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Such a file is read a row group at a time and its batches put together to a chunk: the rows held were summed
    again at each batch, so that 100 000 one-row row groups took some 5 000 000 000 steps (minutes) before the first
    chunk. Each batch's rows are counted once."""
    class Batch:
        counted = 0

        @property
        def num_rows(self) -> int:
            Batch.counted += 1
            return 1

    class File:
        num_row_groups = 2000

        def iter_batches(self, **_: Any) -> Any:
            yield Batch()

    monkeypatch.setattr(read_module, "_plain", lambda batch: batch)
    monkeypatch.setattr(read_module, "_one_batch", lambda held: pa.record_batch([pa.array(range(len(held)))], ["n"]))
    assert [chunk.num_rows for chunk in read_module._batches(File(), 500, None, True)] == [500] * 4  # type: ignore[arg-type]
    assert Batch.counted <= 2 * File.num_row_groups


def test_a_chunk_of_many_small_row_groups_holding_a_nested_dictionary_is_put_together_as_it_is_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Such a file's batches, one a row group, were all held apart until the chunk was full: some 30 KB a batch of
    one row, a chunk of 20 000 one-row row groups 1.2 GB where the file's rows read plain take 0.6 GB. They are put
    together as they come, a thousand or so at a time, and the chunk is the same."""
    class Rows:
        def __init__(self, num_rows: int) -> None:
            self.num_rows = num_rows

    class File:
        num_row_groups = 3000

        def iter_batches(self, **_: Any) -> Any:
            yield Rows(1)

    joined: list[int] = []

    def one_batch(batches: list[Rows]) -> Rows:
        joined.append(len(batches))
        return Rows(sum(batch.num_rows for batch in batches))

    monkeypatch.setattr(read_module, "_plain", lambda batch: batch)
    monkeypatch.setattr(read_module, "_one_batch", one_batch)
    assert [chunk.num_rows for chunk in read_module._batches(File(), 5000, None, True)] == [3000]  # type: ignore[arg-type]
    assert max(joined) <= 1024, joined  # read_module.HELD_BATCHES


@pytest.mark.parametrize("flat", ["employer.sector", "bank_account.bank", "wages.list.element.period"])
def test_a_parquet_column_named_as_a_few_valued_field_within_a_struct_is_left_out_as_unknown(
        population: dict[str, Any], tmp_path: Path, flat: str) -> None:
    """A column whose own name holds dots (``employer.sector``, as pandas' json_normalize names a field of a struct)
    where the file has no struct of that name: its Parquet path is a few-valued field's, whose type was looked for
    in a struct the file lacks, and the run failed (KeyError) instead of leaving the column out as unknown."""
    table = pq.read_table(population["folder"] / "m.parquet").drop_columns([flat.split(".")[0]])
    pq.write_table(table, tmp_path / "plain.parquet")
    pq.write_table(table.append_column(flat, pa.array(["X"] * table.num_rows)), tmp_path / "flat.parquet")
    decided = []
    for name in ("plain", "flat"):
        run_batch("bsu-2022", tmp_path / f"{name}.parquet", tmp_path / f"{name}.out.parquet", ignore_unknown=True)
        decided.append((pq.read_table(tmp_path / f"{name}.out.parquet"),
                        (tmp_path / f"{name}.out.parquet.rejects.jsonl").read_bytes()))
    assert decided[1][0].equals(decided[0][0]) and decided[1][1] == decided[0][1]


@given(st.integers(0, 30_000_000), st.sampled_from([100_000, 250_000, 1_000_000]))
def test_a_parquet_file_is_shared_evenly_between_the_workers(rows: int, most: int) -> None:
    assert batch_run.even_chunks(rows, 5_000) == 5_000  # the scalar engine's chunks: already many
    size = batch_run.even_chunks(rows, most)
    parts = -(-rows // size)
    assert size <= most
    if rows >= 2 * batch_run.IN_FLIGHT * most:  # more than one round: each worker as many chunks, and full ones
        assert parts % batch_run.IN_FLIGHT == 0 and size >= most * 2 // 3
    if 40_000 <= rows <= 2 * most:  # 200 000 rows: two chunks of 100 000, not one
        assert parts == batch_run.IN_FLIGHT


def test_a_default_run_decides_a_small_parquet_file_in_a_chunk_per_worker(
        population: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    source = population["folder"] / "m.parquet"
    assert batch_run.open_input(source).chunk_size == 250_000  # too few rows to be worth sharing
    monkeypatch.setattr(batch_run, "LEAST_CHUNK", 500)
    assert [c.table.num_rows for c in batch_run.open_input(source)] == [N // 2, N // 2]
    assert batch_run.open_input(source, chunk_size=97).chunk_size == 97  # as asked
    assert batch_run.open_input(population["folder"] / "m.jsonl").chunk_size == batch_run.TEXT_CHUNK  # text


def test_same_output_whatever_the_chunking_and_format(population: dict[str, Any], tmp_path: Path) -> None:
    source = population["folder"] / "m.jsonl"
    batch(source, tmp_path / "one.parquet", chunk_size=100_000)
    batch(source, tmp_path / "many.parquet", chunk_size=97)
    assert pl.read_parquet(tmp_path / "one.parquet").equals(pl.read_parquet(tmp_path / "many.parquet"))
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "many.parquet").read_bytes()  # the manifest's sha256
    batch(source, tmp_path / "one.jsonl", chunk_size=500)
    batch(source, tmp_path / "one.csv", chunk_size=500)
    reference = read_out(tmp_path / "one.parquet")
    assert read_out(tmp_path / "one.jsonl").equals(reference)
    assert read_out(tmp_path / "one.csv").equals(reference)
    same_input = batch(population["folder"] / "m.csv", tmp_path / "from-csv.parquet")
    assert same_input.decided == pl.read_parquet(tmp_path / "one.parquet").height


def test_parquet_row_groups_are_cut_by_rows_not_by_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bsu_rules.batch import write

    monkeypatch.setattr(write, "ROW_GROUP", 100)
    table = pa.table({"row": pa.array(range(1, 451), pa.int64())})
    files = []
    for size in (450, 97, 1, 100):
        files.append(tmp_path / f"by-{size}.parquet")
        with write.Writer(files[-1], table.schema) as out:
            for start in range(0, table.num_rows, size):
                out.write(table.slice(start, size))
    groups = pq.ParquetFile(files[0]).metadata
    assert [groups.row_group(i).num_rows for i in range(groups.num_row_groups)] == [100, 100, 100, 100, 50]
    assert len({f.read_bytes() for f in files}) == 1 and pq.read_table(files[1]).equals(table)


def test_parquet_bytes_do_not_depend_on_chunks_where_a_dictionary_overflows(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A column of distinct keys (``nik_key``) outgrows its dictionary within a row group: where it gives way to
    plain encoding must not depend on the chunks the rows came in."""
    from bsu_rules.batch import write

    monkeypatch.setattr(write, "ROW_GROUP", 20_000)
    rows = 40_000
    table = pa.table({"row": pa.array(range(rows), pa.int64()),
                      "nik_key": pa.array([hashlib.sha256(str(i).encode()).hexdigest() for i in range(rows)])})
    files = []
    for size in (rows, 5000, 7001):
        files.append(tmp_path / f"by-{size}.parquet")
        with write.Writer(files[-1], table.schema) as out:
            for start in range(0, rows, size):
                out.write(table.slice(start, size))
    assert len({f.read_bytes() for f in files}) == 1 and pq.read_table(files[2]).equals(table)


def test_parquet_lists_of_rule_ids_are_dictionary_encoded(population: dict[str, Any], tmp_path: Path) -> None:
    """``failed``, ``unknown`` and ``flags`` hold a few rule ids over and over: their values are dictionary-encoded,
    as the other columns of few values are, and the row numbers are not."""
    batch(population["folder"] / "m.parquet", tmp_path / "d.parquet", key=None)
    group = pq.ParquetFile(tmp_path / "d.parquet").metadata.row_group(0)
    encoded = {group.column(i).path_in_schema: group.column(i).has_dictionary_page for i in range(group.num_columns)}
    assert all(encoded[f"{name}.list.element"] for name in ("failed", "unknown", "flags"))
    assert encoded["outcome"] and not encoded["row"]


def test_decision_columns(population: dict[str, Any], tmp_path: Path) -> None:
    batch(population["folder"] / "m.parquet", tmp_path / "d.parquet", key=None)
    d = pl.read_parquet(tmp_path / "d.parquet")
    members = pq.read_table(population["folder"] / "m.parquet")
    first = members.slice(int(d["row"][0]) - 1, 1).to_pylist()[0]
    assert d["nik"][0] == mask_nik(first["nik"]) and d["kpj"][0] == first["kpj"]
    assert d["nik_key"].is_null().all()  # no key given: no pseudonym written
    batch(population["folder"] / "m.parquet", tmp_path / "k.parquet", key=b"secret-of-16-bytes")
    keyed = pl.read_parquet(tmp_path / "k.parquet")
    assert keyed["nik_key"][0] == nik_keys(pa.array([first["nik"]]), b"secret-of-16-bytes")[0].as_py() == \
        hmac.new(b"secret-of-16-bytes", first["nik"].encode(), "sha256").hexdigest()
    plan = load_plan("bsu-2022", None)
    assert set(d["ruleset_sha256"]) == {plan.ruleset.sha256} and set(d["on"]) == {plan.on}
    eligible = d.filter(pl.col("outcome") == "eligible")
    assert eligible.filter(pl.col("duplicate_of").is_null())["benefit"].eq(600_000).all()
    assert d.filter(pl.col("outcome") != "eligible")["benefit"].is_null().all()
    assert (d.filter(pl.col("outcome") == "ineligible")["failed"].list.len() >= 1).all()
    assert (d.filter(pl.col("outcome") == "undetermined")["unknown"].list.len() >= 1).all()


def test_one_nik_one_payment_whatever_the_input_order(population: dict[str, Any], tmp_path: Path) -> None:
    members = pq.read_table(population["folder"] / "m.parquet")
    order = list(range(members.num_rows))
    __import__("random").Random(5).shuffle(order)
    pq.write_table(members.take(order), tmp_path / "shuffled.parquet")
    batch(population["folder"] / "m.parquet", tmp_path / "a.parquet", chunk_size=300)
    batch(tmp_path / "shuffled.parquet", tmp_path / "b.parquet", chunk_size=1000)
    a = pl.read_parquet(tmp_path / "a.parquet")
    b = pl.read_parquet(tmp_path / "b.parquet")
    place = {r: order[r - 1] + 1 for r in b["row"]}  # a row of b: the same row of a
    moved = b.with_columns(pl.Series("row", [place[r] for r in b["row"]]), pl.Series("duplicate_of", [
        f"row:{place[int(d[4:])]}" if d and d.startswith("row:") else d for d in b["duplicate_of"]])).sort("row")
    assert moved.equals(a)
    paid = a.filter((pl.col("outcome") == "eligible") & pl.col("duplicate_of").is_null())
    assert paid["nik_key"].n_unique() == paid.height
    dups = a.filter(pl.col("duplicate_of").is_not_null())
    assert dups.height > 5 and dups["benefit"].is_null().all() and dups["channel"].is_null().all()
    assert set(dups["duplicate_of"]) <= set(paid["kpj"]) | {f"row:{r}" for r in paid["row"]}
    assert not dups.filter(pl.col("duplicate_of") == pl.col("kpj")).height  # never the row's own KPJ


@pytest.mark.parametrize("engine", ["scalar", "columnar"])
def test_one_nik_one_payment_pays_a_record_no_officer_must_review_first(examples: list[dict[str, Any]],
                                                                        tmp_path: Path, engine: str) -> None:
    """Two employers report one worker: the record with the lower KPJ reports a wage of Rp0 (flagged for
    review), the other a wage. The NIK's one payment goes to the record paid at once, and ``impact`` agrees."""
    clean = examples[0] | {"kpj": "22000000002"}
    zero = clean | {"kpj": "11000000001", "wages": [w | {"amount": 0} for w in clean["wages"]]}
    source = tmp_path / "m.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in (zero, clean)), "utf-8")
    batch(source, tmp_path / "d.parquet", engine=engine)
    d = pl.read_parquet(tmp_path / "d.parquet").sort("row")
    assert d["flags"].to_list() == [["zero-wage-review"], []] and d["outcome"].to_list() == ["eligible"] * 2
    assert d["duplicate_of"].to_list() == ["22000000002", None] and d["benefit"].to_list() == [None, 600_000]
    report = impact(load_ruleset("bsu-2022"), source)
    assert (report["headline"]["paid"]["reform"], report["headline"]["held"]["reform"]) == (1, 0)
    source.write_text("".join(json.dumps(r | {"employment_type": "pppk"}) + "\n" for r in (zero, clean)), "utf-8")
    counts = batch(source, tmp_path / "e.parquet", engine=engine)  # both flagged: the lower KPJ paid, and held
    assert (counts.outcomes["paid"], counts.outcomes["held"], counts.outcomes["duplicate"]) == (1, 1, 1)
    assert pl.read_parquet(tmp_path / "e.parquet").sort("row")["duplicate_of"].to_list() == [None, "11000000001"]


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_decisions_held_back_in_a_file_beyond_a_bound_are_written_the_same(population: dict[str, Any], tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         suffix: str) -> None:
    """Past ``HELD_ROWS`` decided rows, the chunks wait for one NIK, one payment in a temporary file: the
    decisions written are the same, and the file is gone after the run."""
    source = population["folder"] / f"m.{suffix}"
    batch(source, tmp_path / "a.parquet", chunk_size=300)
    monkeypatch.setattr(batch_held, "HELD_ROWS", 500)
    (tmp_path / "b").mkdir()
    batch(source, tmp_path / "b" / "b.parquet", chunk_size=300)
    assert pq.read_table(tmp_path / "b" / "b.parquet").equals(pq.read_table(tmp_path / "a.parquet"))
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["b.parquet", "b.parquet.manifest.json",
                                                                   "b.rejects.jsonl"]


def test_records_alike_but_for_free_text_are_paid_by_the_whole_record_and_read_once(
        population: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two records of one NIK alike in every field the rules read, their names apart: the same one is
    paid whichever comes first (the hash of the whole record breaks the tie, the name the rules leave
    unread included), and the file is read once: the rows that share a NIK are not read again."""
    members = pq.read_table(population["folder"] / "m.parquet").slice(0, 300)
    decided = decide_batch("bsu-2022", None, members, "scalar")
    one = next(i for i, o in enumerate(decided["outcome"].to_pylist()) if o == "eligible")
    pair = pa.concat_tables([members.slice(one, 1)] * 2)
    pair = pair.set_column(pair.schema.get_field_index("name"), "name",
                           pa.array(["Ani", "Budi"], pair.schema.field("name").type))
    monkeypatch.setattr(Reader, "picked", None)  # never called
    paid = []
    for records in (pair, pair.take([1, 0])):
        pq.write_table(records, tmp_path / "two.parquet")
        batch(tmp_path / "two.parquet", tmp_path / "d.parquet", engine="columnar")
        d = pl.read_parquet(tmp_path / "d.parquet").sort("row")
        assert d["outcome"].to_list() == ["eligible"] * 2 and d["duplicate_of"].null_count() == 1
        row = d.filter(pl.col("duplicate_of").is_null())["row"].item()
        paid.append(records["name"][row - 1].as_py())
    assert paid[0] == paid[1]


TEXT_TYPES = [pa.string(), pa.large_string(), pa.string_view(), pa.binary(), pa.large_binary(), pa.int64(),
              pa.float64()]


@pytest.mark.parametrize("kind", TEXT_TYPES + [pa.dictionary(pa.int32(), t) for t in TEXT_TYPES[:5]])
def test_the_nik_scan_reads_exactly_the_nik_columns_the_full_read_reads(kind: pa.DataType) -> None:
    """The scan for repeated NIKs (``Reader.niks``) takes a NIK column's type exactly when the full
    read does, and reads the same NIKs: else one NIK, one payment is not settled."""
    from bsu_rules.batch.conform import as_text, conform, is_text

    values = ["3204125708940003", None, "3204125708940003"]
    plain = kind.value_type if pa.types.is_dictionary(kind) else kind
    column = pa.array(values).cast(plain)
    column = column.dictionary_encode() if pa.types.is_dictionary(kind) else column
    try:
        full = conform(pa.table({"nik": column}))["nik"].combine_chunks()
    except InputError:
        full = None
    scanned = as_text(column) if is_text(column.type) else None
    assert (scanned is None) == (full is None)
    assert scanned is None or scanned.equals(full)


@pytest.mark.parametrize("kind", [pa.string_view(), pa.large_string(), pa.dictionary(pa.int32(), pa.string())])
def test_one_nik_one_payment_whatever_the_nik_columns_text_type(population: dict[str, Any], tmp_path: Path,
                                                               kind: pa.DataType) -> None:
    members = pq.read_table(population["folder"] / "m.parquet")
    niks = members["nik"].cast(kind.value_type if pa.types.is_dictionary(kind) else kind)
    niks = niks.dictionary_encode() if pa.types.is_dictionary(kind) else niks
    pq.write_table(members.set_column(members.schema.get_field_index("nik"), "nik", niks), tmp_path / "v.parquet")
    assert pq.ParquetFile(tmp_path / "v.parquet").schema_arrow.field("nik").type == kind
    plain = batch(population["folder"] / "m.parquet", tmp_path / "a.parquet")
    other = batch(tmp_path / "v.parquet", tmp_path / "b.parquet")
    assert other.duplicates == plain.duplicates > 5 and other.outcomes == plain.outcomes
    assert pl.read_parquet(tmp_path / "b.parquet").equals(pl.read_parquet(tmp_path / "a.parquet"))


def test_a_nik_in_the_kpj_column_is_written_masked(tmp_path: Path) -> None:
    """The decisions file shows no NIK in full, in its own column or in another's (the KPJ, and the
    KPJ another row is told it was paid under)."""
    first = json.loads((Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_text("utf-8")
                       .splitlines()[0])
    rows = [first | {"kpj": "3204125708940003"}, first | {"kpj": "99999999999"}]
    (tmp_path / "m.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    assert main(["batch", "bsu-2022", str(tmp_path / "m.jsonl"), "--out", str(tmp_path / "d.jsonl"),
                 "--quiet"]) == 0
    written = (tmp_path / "d.jsonl").read_text("utf-8")
    assert "3204125708940003" not in written and written.count('"3204********0003"') == 3, written  # 2 NIKs, the KPJ
    assert '"99999999999"' in written  # a KPJ of the usual length as written
    rows = [first | {"kpj": "3204125708940003"}, first | {"kpj": "32041234567"},
            first | {"nik": "3204125708940004", "kpj": "1234567890123"}]  # an account number: 13 digits
    (tmp_path / "m.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    assert main(["batch", "bsu-2022", str(tmp_path / "m.jsonl"), "--out", str(tmp_path / "e.jsonl"),
                 "--quiet"]) == 0
    decided = [json.loads(line) for line in (tmp_path / "e.jsonl").read_text("utf-8").splitlines()]
    assert [(d["kpj"], d["duplicate_of"]) for d in decided] == [  # a KPJ before a NIK in its place
        ("3204********0003", "32041234567"), ("32041234567", None), ("123*******123", None)]
    rows = [first | {"kpj": "3204999999990003"}, first | {"kpj": "3204000000000003"}]  # alike once masked
    (tmp_path / "m.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    assert main(["batch", "bsu-2022", str(tmp_path / "m.jsonl"), "--out", str(tmp_path / "f.jsonl"),
                 "--quiet"]) == 0
    decided = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text("utf-8").splitlines()]
    assert sorted(str(d["duplicate_of"]) for d in decided) == ["None", "row:1"] or \
        sorted(str(d["duplicate_of"]) for d in decided) == ["None", "row:2"]  # a KPJ naming two rows is not told


def test_who_is_paid() -> None:
    rows = pl.DataFrame({"row": [1, 2, 3, 4, 5, 6, 7, 8, 9], "nik_key": ["a", "a", "a", "b", "b", "c", "c", "f", "f"],
                         "kpj": ["30", "10", "20", "50", "50", None, "90", "60", "70"],
                         "priority": [1, 0, 1, 1, 1, 1, 1, 1, 0], "record_hash": [5, 1, 9, 8, 2, 1, 1, 1, 2],
                         "channel": ["BRI"] * 9, "held": [False] * 7 + [True, False]},
                        schema_overrides={"record_hash": pl.UInt64, "priority": pl.Int32})
    result = resolve(rows)
    # a: priority first (rows 1, 3), then the lower KPJ (20); b: same KPJ, the lower record hash (row 5), named
    # by its row (its KPJ is row 4's own); c: a KPJ before none; f: a record no officer must review first, before
    # priority
    assert result.to_dicts() == [{"row": 1, "duplicate_of": "20"}, {"row": 2, "duplicate_of": "20"},
                                 {"row": 4, "duplicate_of": "row:5"}, {"row": 6, "duplicate_of": "90"},
                                 {"row": 8, "duplicate_of": "70"}]
    assert resolve(rows.reverse()).equals(result)


def test_a_paid_kpj_another_row_holds_too_is_named_by_row() -> None:
    """d: row 9 is paid; its KPJ 40 is row 10's too, so row 8 (no KPJ) is told the paid row, not a KPJ
    that names two rows (row 10 would read 'not paid under KPJ 40' beside it)."""
    rows = pl.DataFrame({"row": [8, 9, 10], "nik_key": ["d"] * 3, "kpj": [None, "40", "40"], "priority": [1, 1, 1],
                         "record_hash": [1, 2, 3], "channel": ["POS"] * 3, "held": [False] * 3},
                        schema_overrides={"record_hash": pl.UInt64, "priority": pl.Int32})
    assert resolve(rows).to_dicts() == [{"row": 8, "duplicate_of": "row:9"}, {"row": 10, "duplicate_of": "row:9"}]


def test_a_record_that_can_be_paid_is_paid_before_one_that_cannot(tmp_path: Path) -> None:
    """Of two eligible records of one NIK, the one whose payment channel is decided is paid, whatever
    the priority, the KPJ or the order: the other (no bank account on record) could not be paid."""
    rows = pl.DataFrame({"row": [1, 2], "nik_key": ["e", "e"], "kpj": ["10", "20"], "priority": [1, 0],
                         "record_hash": [1, 2], "channel": [None, "BRI"], "held": [False, True]},
                        schema_overrides={"record_hash": pl.UInt64, "priority": pl.Int32, "channel": pl.String})
    assert resolve(rows).to_dicts() == [{"row": 1, "duplicate_of": "20"}]
    assert resolve(rows.reverse()).to_dicts() == [{"row": 1, "duplicate_of": "20"}]
    examples = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    first = json.loads(examples.read_text("utf-8").splitlines()[0])
    for records in ([first, {**first, "bank_account": None}], [{**first, "bank_account": None}, first]):
        path = tmp_path / "two.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
        batch(path, tmp_path / "two.parquet")
        d = pl.read_parquet(tmp_path / "two.parquet").sort("row")
        paid = d.filter(pl.col("duplicate_of").is_null())
        assert d["outcome"].to_list() == ["eligible", "eligible"]
        assert paid.height == 1 and paid["channel"].to_list() == ["BRI"] and paid["benefit"].to_list() == [600_000]


def test_decide_batch_is_pure_and_numbers_rows(population: dict[str, Any]) -> None:
    members = pq.read_table(population["folder"] / "m.parquet").slice(0, 300)
    first = decide_batch("bsu-2022", None, members, "scalar")
    assert first.equals(decide_batch("bsu-2022", None, members, "scalar"))
    assert first["row"].to_pylist() == list(range(1, 301))


def test_decide_batch_says_what_it_takes_when_given_a_file_or_a_text_key(tmp_path: Path) -> None:
    """A file's name, a DataFrame or a RuleSet is a TypeError pointing to what takes it; a text key
    is told to encode itself."""
    from bsu_rules import load_ruleset

    table, _ = block(3, 1, malformed=False)
    files = "a file is decided with run_batch or `bsu-rules batch`"
    for wrong in ("members.parquet", tmp_path / "members.parquet", table.to_pandas()):
        with pytest.raises(TypeError, match=rf"^decide_batch takes a pyarrow Table of member rows, not \w+: {files}"):
            decide_batch("bsu-2022", None, wrong)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^decide_batch takes a rule file's path or id, or a Plan, not RuleSet: "):
        decide_batch(load_ruleset("bsu-2022"), None, table)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^decide_batch's key is bytes, not str: encode it \(key.encode\(\)\)$"):
        decide_batch("bsu-2022", None, table, key="k")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^a rule set is named by its id or its file's path .* not bytes: decode it"):
        load_ruleset(b"bsu-2022")  # type: ignore[arg-type]
    assert decide_batch("bsu-2022", None, table, key=b"kunci-batch-16-b!").num_rows == 3


def test_parquet_schema_problems(tmp_path: Path) -> None:
    table, _ = block(200, 3, malformed=False)
    extra = table.append_column("salary", pa.array([None] * 199 + [3_400_000], pa.int64()))
    pq.write_table(extra, tmp_path / "extra.parquet")
    with pytest.raises(InputError, match=r"the file has column\(s\) the contract does not know: salary \(rename"):
        batch(tmp_path / "extra.parquet", tmp_path / "d.parquet")  # once for the file, as a CSV header
    assert batch(tmp_path / "extra.parquet", tmp_path / "e.parquet", ignore_unknown=True).rejected == 0
    pq.write_table(table.rename_columns(["NIK", *table.column_names[1:]]), tmp_path / "renamed.parquet")
    with pytest.raises(InputError, match=re.escape("the file lacks the required column(s) nik; the file has "
                                                   "column(s) the contract does not know: NIK")):
        batch(tmp_path / "renamed.parquet", tmp_path / "r.parquet")
    floats = table.set_column(0, "nik", pa.array([3.5] * 200))
    pq.write_table(floats, tmp_path / "floats.parquet")
    with pytest.raises(InputError, match="nik: the column has type double"):
        batch(tmp_path / "floats.parquet", tmp_path / "f.parquet")



def test_a_parquet_column_of_the_wrong_type_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As a CSV header's mistakes do; a timestamp where a date is needed is told how to make it dates."""
    stamps = pa.table({"nik": ["3204125708940003"], "citizenship": ["WNI"], "participant_category": ["PU"],
                       "registered_on": pa.array([0], pa.timestamp("us"))})
    pq.write_table(stamps, tmp_path / "pd_ts.parquet")
    amounts = stamps.drop_columns(["registered_on"]).append_column(
        "wages", pa.array([[{"period": "2022-07", "amount": 1.5}]]))
    pq.write_table(amounts, tmp_path / "pd_w.parquet")
    for command in ("batch", "impact"):
        out = tmp_path / ("o.parquet" if command == "batch" else "o.html")
        assert main([command, "bsu-2022", str(tmp_path / "pd_ts.parquet"), "--out", str(out)]) == 2
        assert capsys.readouterr().err.endswith(
            f"bsu-rules: {tmp_path / 'pd_ts.parquet'}: registered_on: the column has type timestamp[us]; the contract "
            "needs date32[day]; convert it to dates (pandas: df[col] = df[col].dt.date)\n")
    assert main(["batch", "bsu-2022", str(tmp_path / "pd_w.parquet"), "--out", str(tmp_path / "o.parquet")]) == 2
    assert capsys.readouterr().err.endswith(f"bsu-rules: {tmp_path / 'pd_w.parquet'}: wages[].amount: the column "
                                            "has type double; the contract needs int64\n")

@pytest.mark.parametrize("engine", ["scalar", "columnar"])
def test_a_parquet_integer_the_contract_type_cannot_hold_rejects_its_row(tmp_path: Path, engine: str) -> None:
    """A year of 2**31 in an int64 column, an amount of 2**63 in a uint64 one: that row is rejected as
    JSON lines reject it, the run goes on; in-range values of the wider types are read."""
    lines = (Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[:4]
    records = [json.loads(line) for line in lines]
    records[0]["program_receipts"] = [{"program": "PKH", "year": 2**31}]
    records[1]["wages"][1]["amount"] = 2**63
    records[2]["wages"][0]["amount"] = 9_999_999_999  # the largest amount
    records[3]["program_receipts"] = [{"program": "PKH", "year": 2019}]
    (tmp_path / "m.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    wide = {"wages": pa.list_(pa.struct([("period", pa.string()), ("amount", pa.uint64())])),
            "program_receipts": pa.list_(pa.struct([("program", pa.string()), ("year", pa.int64())]))}
    schema = pa.schema([pa.field(f.name, wide.get(f.name, f.type)) for f in TEXT_SCHEMA])
    pq.write_table(pa.Table.from_pylist(records, schema=schema), tmp_path / "m.parquet")
    rejects = []
    for suffix in ("jsonl", "parquet"):
        out = tmp_path / f"{suffix}.parquet"
        counts = batch(tmp_path / f"m.{suffix}", out, engine=engine)
        assert (counts.read, counts.rejected) == (4, 2)
        rejects.append(out.with_suffix(".rejects.jsonl").read_text("utf-8"))
    assert rejects[0] == rejects[1] == (
        '{"row":1,"field":"program_receipts[0].year","message":"program_receipts[0].year: <10 digits> is not from '
        '2000 to 2100"}\n{"row":2,"field":"wages[1].amount","message":"wages[1].amount: <19 digits> is too large '
        'for an amount in rupiah (ten digits at most: a NIK, a KPJ or an account number in its place?)"}\n')


def test_a_parquet_date_outside_years_1_to_9999_rejects_its_row(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Arrow holds days Python has not (year -220, year 10183): such a row is rejected, naming the
    field as evaluate names a date it cannot read; explain says so of a decisions file that decided it."""
    records = [json.loads(line) for line in (Path(__file__).parents[1] / "examples" / "members.jsonl")
               .read_text("utf-8").splitlines()[:3]]
    table = pa.Table.from_pylist(records, schema=TEXT_SCHEMA).cast(MEMBER_SCHEMA)
    good = tmp_path / "good.parquet"
    pq.write_table(table, good)
    items = table["contributions"].combine_chunks()
    paid = pa.array([3_000_000] + [None] * (len(items.values) - 1), pa.date32())
    struct = items.values
    paid_struct = pa.StructArray.from_arrays([paid if f.name == "paid_on" else struct.field(f.name)
                                              for f in struct.type], fields=list(struct.type))
    table = table.set_column(table.schema.get_field_index("registered_on"), "registered_on",
                             pa.array([None, -800_000, None], pa.date32())) \
        .set_column(table.schema.get_field_index("contributions"), "contributions",
                    pa.ListArray.from_arrays(items.offsets, paid_struct))
    pq.write_table(table, tmp_path / "m.parquet")
    counts = batch(tmp_path / "m.parquet", tmp_path / "d.parquet")
    assert (counts.read, counts.decided, counts.rejected) == (3, 1, 2)
    said = "a day outside the years 0001 to 9999 is no date a record can give (a number that is not a day, " \
        "stored as one?)"
    assert (tmp_path / "d.rejects.jsonl").read_text("utf-8") == (
        f'{{"row":1,"field":"contributions[0].paid_on","message":"contributions[0].paid_on: {said}"}}\n'
        f'{{"row":2,"field":"registered_on","message":"registered_on: {said}"}}\n')  # not in Arrow's words
    batch(good, tmp_path / "old.parquet")  # decided: explained from the file with the dates Python cannot hold
    manifest_path(tmp_path / "old.parquet").unlink()  # which would refuse that file as not the one the batch read
    assert main(["explain", "bsu-2022", str(tmp_path / "old.parquet"), "--input", str(tmp_path / "m.parquet"),
                 "--row", "2"]) == 2
    assert "m.parquet: a date outside the years 0001-9999" in capsys.readouterr().err


def test_a_timestamp_for_a_date_is_told_its_date_as_evaluate_tells_it(tmp_path: Path) -> None:
    record = json.loads((Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    (tmp_path / "m.jsonl").write_text(json.dumps(record | {"registered_on": "2021-03-02 08:00"}) + "\n", "utf-8")
    assert batch(tmp_path / "m.jsonl", tmp_path / "d.parquet").rejected == 1
    assert json.loads((tmp_path / "d.rejects.jsonl").read_text("utf-8"))["message"] == (
        "registered_on: '2021-03-02 08:00' is a date and a time: write the date alone, YYYY-MM-DD (2021-03-02)")


def test_a_number_of_more_than_30_digits_is_named_at_its_field(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """By evaluate and by batch, from JSON lines and from a CSV JSON cell alike, never its digits;
    ``(record)`` only for a record that is no object."""
    record = json.loads((Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    line = json.dumps(record).replace(json.dumps(record["wages"][2]), json.dumps(record["wages"][2]).replace(
        str(record["wages"][2]["amount"]), "1" + "0" * 30))
    (tmp_path / "m.jsonl").write_text(f"{line}\n[{'9' * 31}]\n", "utf-8")
    with open(tmp_path / "m.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(record)
        writer.writerow(["" if v is None else json.dumps(json.loads(line)[k]) if isinstance(v, (dict, list))
                         else v for k, v in record.items()])
    said = '"wages[2].amount: a number of more than 30 digits"'
    assert main(["evaluate", "bsu-2022", str(tmp_path / "m.jsonl")]) == 1
    errors = [json.loads(out)["error"] for out in capsys.readouterr().out.splitlines()]
    assert [(e["field"], e["message"]) for e in errors] == [
        ("wages[2].amount", json.loads(said)), ("(record)", "(record): a number of more than 30 digits")]
    for suffix in ("jsonl", "csv"):
        batch(tmp_path / f"m.{suffix}", tmp_path / f"{suffix}.parquet")
        rejects = (tmp_path / f"{suffix}.rejects.jsonl").read_text("utf-8")
        assert rejects.startswith(f'{{"row":1,"field":"wages[2].amount","message":{said}}}\n')
        assert "0" * 30 not in rejects


@pytest.mark.parametrize("engine", ["scalar", "columnar"])
def test_a_record_with_several_problems_names_the_field_evaluate_names_first(tmp_path: Path, engine: str) -> None:
    """A type error found while reading (``wages[1]``) after a missing value at an earlier item
    (``wages[0]``): the problems in evaluate's order (by field path, items by index), so the same field."""
    record = json.loads((Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    del record["wages"][0]["amount"]
    record["wages"][1]["amount"] = "A"
    (tmp_path / "m.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    with pytest.raises(InputError) as refused:
        parse_member(record)
    batch(tmp_path / "m.jsonl", tmp_path / "d.parquet", engine=engine)
    [reject] = [json.loads(line) for line in (tmp_path / "d.rejects.jsonl").read_text("utf-8").splitlines()]
    assert reject["field"] == refused.value.problems[0][0] == "wages[0].amount"
    assert reject["message"] == str(refused.value)


def test_free_text_left_unread_is_still_checked(tmp_path: Path) -> None:
    """Names and account numbers, which no check and no rule reads, are not read from Parquet: their
    type is still checked, an unknown field beside them still rejects its row, the decisions are
    those of a full read."""
    table, _ = block(300, 4, malformed=False)
    employer = table["employer"].combine_chunks()
    fields = [employer.field(i) for i in range(employer.type.num_fields)]
    with_ceo = pa.StructArray.from_arrays([*fields, pa.array(["Budi"] + [None] * 299)],
                                          names=[*employer.type.names, "ceo"], mask=employer.is_null())
    pq.write_table(table.set_column(table.schema.get_field_index("employer"), "employer", with_ceo),
                   tmp_path / "ceo.parquet")
    counts = batch(tmp_path / "ceo.parquet", tmp_path / "c.parquet", engine="columnar")
    assert counts.rejected == 1 and '"field":"employer.ceo"' in (tmp_path / "c.rejects.jsonl").read_text()
    numbers = table.set_column(table.schema.get_field_index("name"), "name", pa.array(range(300), pa.int64()))
    pq.write_table(numbers, tmp_path / "numbers.parquet")
    with pytest.raises(InputError, match="name: the column has type int64"):
        batch(tmp_path / "numbers.parquet", tmp_path / "n.parquet", engine="columnar")
    pq.write_table(table, tmp_path / "m.parquet")
    unread = unchecked(batch_run.table_plan(load_plan("bsu-2022", None), "columnar").fields)
    assert {"name", "bank_account.holder_name"} <= unread
    assert all(chunk.table["name"].null_count == chunk.table.num_rows
               for chunk in Reader(tmp_path / "m.parquet", 128).chunks(unread))
    batch(tmp_path / "m.parquet", tmp_path / "columnar.parquet", engine="columnar")
    batch(tmp_path / "m.parquet", tmp_path / "scalar.parquet")
    assert pl.read_parquet(tmp_path / "columnar.parquet").equals(pl.read_parquet(tmp_path / "scalar.parquet"))


def test_cli_exit_codes(population: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    source = str(population["folder"] / "m.csv")
    out = str(tmp_path / "d.jsonl")
    args = ["batch", "bsu-2022", source, "--out", out, "--engine", "scalar", "--chunk-size", "1000"]
    monkeypatch.setattr("bsu_rules.cli.batch.EVERY", 3600)  # a slow machine's run past 10 s says how far it is
    assert main(args) == 1  # some rows rejected
    printed = capsys.readouterr()
    assert printed.out.splitlines()[-1] == f"{N} read = {N - 11} decided + 11 rejected"
    assert (tmp_path / "d.jsonl.rejects.jsonl").exists() and "rows read" not in printed.err
    manifest = json.loads((tmp_path / "d.jsonl.manifest.json").read_text())
    assert manifest["counts"]["read"] == N and manifest["counts"]["rejected"] == 11
    assert manifest["output"]["sha256"] == hashlib.sha256((tmp_path / "d.jsonl").read_bytes()).hexdigest()
    assert manifest["input"]["sha256"] == hashlib.sha256(Path(source).read_bytes()).hexdigest()
    assert manifest["ruleset"]["sha256"] == load_plan("bsu-2022", None).ruleset.sha256
    assert manifest["on"] and manifest["engine"].startswith("bsu-rules ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.jsonl", "d.jsonl.manifest.json",
                                                           "d.jsonl.rejects.jsonl"]
    assert main(["batch", "bsu-2022", source, "--out", str(tmp_path / "d.txt")]) == 2
    assert main(["batch", "bsu-2030", source, "--out", out]) == 2
    assert main(["batch", "bsu-2022", str(tmp_path / "missing.parquet"), "--out", out]) == 2
    capsys.readouterr()
    original: Callable[..., Any] = batch_run.decide_chunk

    def lossy(*a: Any, **k: Any) -> tuple[pa.Table, pa.Table, pa.Table | None]:
        good, bad, repeated = original(*a, **k)
        return good.slice(1), bad, repeated  # loses a row
    monkeypatch.setattr(batch_run, "decide_chunk", lossy)
    lost = ["batch", "bsu-2022", source, "--out", str(tmp_path / "lost.jsonl"), "--engine", "scalar"]
    assert main(lost) == 2
    assert "decided + 11 rejected" in capsys.readouterr().out
    assert not list(tmp_path.glob("*lost*"))  # nothing at the final paths, no partial files


def test_a_failed_run_leaves_no_files_and_the_next_cleans_stale_ones(population: dict[str, Any], tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    source = population["folder"] / "m.jsonl"
    out = tmp_path / "d.parquet"
    stale = tmp_path / ".d.parquet.partial-99999999-deadbeef.parquet"  # what a killed run leaves (no such process)
    stale.write_bytes(b"PAR1 half written")
    mine = tmp_path / ".d.parquet.partial-backup"  # a user's file, not named as a run names its files
    mine.write_bytes(b"keep")

    def crash(*a: Any, **k: Any) -> Any:
        raise OSError("No space left on device")
    monkeypatch.setattr(batch_run, "mark", crash)  # fails once some decisions are written
    with pytest.raises(OSError):
        run_batch("bsu-2022", source, out, engine="scalar", chunk_size=500)
    assert list(tmp_path.iterdir()) == [mine]  # the stale file cleaned, the failed run's files removed
    monkeypatch.undo()
    run_batch("bsu-2022", source, out, engine="scalar", chunk_size=500)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".d.parquet.partial-backup", "d.parquet",
                                                           "d.parquet.manifest.json", "d.parquet.rejects.jsonl"]


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_an_interrupted_run_writes_nothing_and_says_what_it_did(population: dict[str, Any], tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    marked: list[int] = []
    original = batch_run.mark

    def interrupted_after_a_chunk(*a: Any) -> Any:
        marked.append(1)
        if len(marked) == 2:
            raise KeyboardInterrupt  # Ctrl-C while the second chunk is being written (every row decided)
        return original(*a)
    monkeypatch.setattr(batch_run, "mark", interrupted_after_a_chunk)
    out = tmp_path / "d.parquet"
    source = population["folder"] / f"m.{suffix}"
    assert main(["batch", "bsu-2022", str(source), "--out", str(out), "--chunk-size", "1000", "--quiet"]) == 130
    kinds = MALFORMED if suffix == "parquet" else MALFORMED + TEXT_MALFORMED
    faults = sum(f.kind in kinds for f in population["faults"])
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"bsu-rules: interrupted after {N} rows: {N} read = {N - faults} decided + {faults} rejected so far; "
        f"nothing was written at {out}")
    assert list(tmp_path.iterdir()) == []


def test_a_run_interrupted_while_its_first_chunk_is_decided_says_so(population: dict[str, Any], tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A Parquet file's first chunks are decided before a row is counted: a Ctrl-C then said "after 0 rows: 0 read
    = 0 decided + 0 rejected so far", seconds into a run whose progress line had counted rows read."""
    from bsu_rules.evaluators.columnar import ColumnarPlan

    def interrupted(*a: Any, **k: Any) -> Any:
        raise KeyboardInterrupt
    monkeypatch.setattr(ColumnarPlan, "decide", interrupted)
    out = tmp_path / "d.parquet"
    assert main(["batch", "bsu-2022", str(population["folder"] / "m.parquet"), "--out", str(out), "--quiet"]) == 130
    assert capsys.readouterr().err.splitlines()[-1] == (
        "bsu-rules: interrupted while the first chunk was being decided, before any row was counted; nothing was "
        f"written at {out}")
    assert list(tmp_path.iterdir()) == []


def test_a_signal_while_a_text_input_is_read_stops_the_run_at_the_next_chunk(
        population: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The system may hand a Ctrl-C to the thread reading the input: the run still stops within
    about a chunk (not once the whole file is read), removes its files, and says how far it read."""
    import signal
    import threading

    original, after = Reader._csv, []

    def slow(self: Reader) -> Any:
        for i, chunk in enumerate(original(self)):
            if i == 1:
                signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # to this thread, not the main one
            if i >= 1:
                after.append(i)
                time.sleep(0.05)
            yield chunk
    monkeypatch.setattr(Reader, "_csv", slow)
    out = tmp_path / "d.parquet"
    source = population["folder"] / "m.csv"
    assert main(["batch", "bsu-2022", str(source), "--out", str(out), "--chunk-size", "25", "--quiet"]) == 130
    said = re.fullmatch(r"bsu-rules: interrupted while reading the input: (\d+) rows read, none decided yet; "
                        f"nothing was written at {re.escape(str(out))}", capsys.readouterr().err.splitlines()[-1])
    assert said and 25 <= int(said[1]) == 25 * len(after) and len(after) < 40  # of N // 25 = 100 chunks
    assert list(tmp_path.iterdir()) == []


def test_a_ctrl_c_once_the_manifest_is_in_place_ends_as_the_count_line_says(
        population: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    real_replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        real_replace(src, dst)
        if str(dst).endswith(".manifest.json"):  # the run is committed; Ctrl-C comes now
            os.kill(os.getpid(), signal.SIGINT)
    monkeypatch.setattr(os, "replace", replace)
    out = tmp_path / "d.parquet"
    code = main(["batch", "bsu-2022", str(population["folder"] / "m.parquet"), "--out", str(out), "--quiet"])
    printed = capsys.readouterr()
    assert code == 1 and printed.out.splitlines()[-1].endswith(" rejected") and "interrupted" not in printed.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.parquet", "d.parquet.manifest.json",
                                                           "d.parquet.rejects.jsonl"]


def test_progress_is_reported_while_a_chunk_is_being_decided(capsys: pytest.CaptureFixture[str]) -> None:
    from bsu_rules.cli.batch import Progress

    counts = batch_run.Counts(read=500)
    progress = Progress(2000, "rows", counts=counts, every=0.05)
    progress(1000, 1000)
    time.sleep(0.3)  # no chunk done meanwhile: still a line every 0.05 s
    progress.close()
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) >= 3 and lines[0].startswith("bsu-rules batch: 1,000 rows read (50%), 500 written, ")


def test_an_unknown_field_in_a_parquet_history_item_is_named_by_its_place(tmp_path: Path) -> None:
    record = json.loads((Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    for item in (record["wages"][0], record["wages"][2]):
        item["currency"] = "IDR"
    (tmp_path / "m.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    wages = pa.list_(pa.struct([("period", pa.string()), ("amount", pa.int64()), ("currency", pa.string())]))
    schema = pa.schema([pa.field("wages", wages) if f.name == "wages" else f for f in TEXT_SCHEMA])
    pq.write_table(pa.Table.from_pylist([record], schema=schema), tmp_path / "m.parquet")
    rejects = []
    for suffix in ("jsonl", "parquet"):
        out = tmp_path / f"{suffix}.parquet"
        assert batch(tmp_path / f"m.{suffix}", out).rejected == 1
        rejects.append(out.with_suffix(".rejects.jsonl").read_text("utf-8"))
    assert rejects[0] == rejects[1] == ('{"row":1,"field":"wages[0].currency","message":"wages[0].currency: unknown '
                                        'field; wages[2].currency: unknown field"}\n')


def test_a_long_unknown_field_in_a_parquet_struct_is_cut_as_in_json_lines(tmp_path: Path) -> None:
    """A struct field the contract does not know is named as the JSON reader names the same key:
    cut at 40 characters, an identifier in it hidden (left out whole where the cut goes through it)."""
    record = json.loads((Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    long, nik = "b" * 73, "k" * 30 + "3215014107900001" + "x" * 27
    record["bank_account"] |= {long: "v", nik: "v"}
    record["wages"][0][long] = "w"
    (tmp_path / "m.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    pq.write_table(pa.Table.from_pylist([record]), tmp_path / "m.parquet")
    rejects = []
    for suffix in ("jsonl", "parquet"):
        out = tmp_path / f"{suffix}.parquet"
        assert batch(tmp_path / f"m.{suffix}", out).rejected == 1
        rejects.append(json.loads(out.with_suffix(".rejects.jsonl").read_text("utf-8")))
    assert rejects[0] == rejects[1]
    assert rejects[1]["message"] == f"wages[0].{'b' * 40}…: unknown field; bank_account.{'b' * 40}…: unknown " \
                                    f"field; bank_account.{'k' * 30}…: unknown field"


def test_ignore_unknown_drops_nested_fields_in_parse_member_as_in_batch(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """``parse_member(ignore_unknown=True)`` leaves out unknown fields at every level, as ``batch
    --ignore-unknown`` and ``evaluate --ignore-unknown`` do; without it all name the same fields."""
    record = json.loads((Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    extra = json.loads(json.dumps(record))
    extra["wages"][0]["currency"], extra["employer"]["x"], extra["bank_account"]["iban"], extra["salary"] = \
        "IDR", 1, "ID00", 5
    (tmp_path / "m.jsonl").write_text(json.dumps(extra) + "\n", "utf-8")
    assert batch(tmp_path / "m.jsonl", tmp_path / "i.parquet", ignore_unknown=True).rejected == 0
    assert parse_member(extra, ignore_unknown=True) == parse_member(record)
    assert batch(tmp_path / "m.jsonl", tmp_path / "s.parquet").rejected == 1
    with pytest.raises(InputError) as caught:
        parse_member(extra)
    fields = re.findall(r"([\w.\[\]]+): unknown field", (tmp_path / "s.rejects.jsonl").read_text("utf-8"))
    assert sorted(path for path, _ in caught.value.problems) == sorted(fields) == \
        ["bank_account.iban", "employer.x", "salary", "wages[0].currency"]
    (tmp_path / "plain.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    assert main(["evaluate", "bsu-2022", str(tmp_path / "m.jsonl")]) == 1  # evaluate names them too ...
    assert '"field": "employer.x"' in capsys.readouterr().out
    assert main(["evaluate", "bsu-2022", str(tmp_path / "plain.jsonl")]) == 0
    plain = capsys.readouterr().out
    assert main(["evaluate", "bsu-2022", str(tmp_path / "m.jsonl"), "--ignore-unknown"]) == 0  # ... or drops them
    assert capsys.readouterr().out == plain  # the same decision, input hash and all
    text = json.dumps(extra)[:-1] + ', "note": {"x": ' + "1" * 31 + "}}"  # nothing in a field left out is judged
    (tmp_path / "m.jsonl").write_text(text + "\n", "utf-8")
    assert main(["evaluate", "bsu-2022", str(tmp_path / "m.jsonl"), "--ignore-unknown"]) == 0
    assert capsys.readouterr().out == plain
    assert batch(tmp_path / "m.jsonl", tmp_path / "n.parquet", ignore_unknown=True).rejected == 0



@pytest.mark.parametrize("hostile", ['"\\ud800"', "NaN", "1" + "0" * 40])
def test_ignore_unknown_reads_nothing_of_a_field_left_out_on_every_route(tmp_path: Path, hostile: str,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """What an unknown field holds (a lone surrogate, NaN, a number too long) is never judged with
    ``--ignore-unknown``: as a JSON line, a CSV's JSON cell, a JSON list and an indented record alike."""
    line = (Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0]
    record = json.loads(line)
    account = json.dumps(record["bank_account"])
    text = line.replace(json.dumps(record["bank_account"], separators=(", ", ": ")), account)
    hostile_line = text.replace(account, account[:-1] + ', "extra": ' + hostile + "}", 1)
    assert hostile_line != text and '"note"' not in hostile_line
    hostile_line = hostile_line[:-1] + ', "note": ' + hostile + "}"
    (tmp_path / "m.jsonl").write_text(hostile_line + "\n", "utf-8")
    (tmp_path / "m.json").write_text("[\n" + hostile_line + "\n]\n", "utf-8")
    (tmp_path / "pretty.jsonl").write_text(hostile_line.replace(", ", ",\n  ") + "\n", "utf-8")
    header = [k for k in record]
    cells = [json.dumps(v) if isinstance(v, (dict, list)) else "" if v is None else str(v) for v in record.values()]
    cells[header.index("bank_account")] = account[:-1] + ', "extra": ' + hostile + "}"
    with (tmp_path / "m.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, cells])
    for name in ("m.jsonl", "m.json", "pretty.jsonl"):
        assert main(["evaluate", "bsu-2022", str(tmp_path / name), "--ignore-unknown"]) == 0, name
        assert main(["evaluate", "bsu-2022", str(tmp_path / name)]) == 1, name
    capsys.readouterr()
    for name in ("m.jsonl", "m.csv"):
        assert batch(tmp_path / name, tmp_path / f"{name}.parquet", ignore_unknown=True).rejected == 0, name
        assert batch(tmp_path / name, tmp_path / f"{name}-s.parquet").rejected == 1, name


def test_parse_member_ignore_unknown_refuses_what_every_reader_refuses() -> None:
    """A record nested too deeply (even in a field left out, even a cycle) and a key that is not text are
    refused with ``ignore_unknown`` too."""
    record = json.loads((Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    deep: dict[str, Any] = {}
    for _ in range(100):
        deep = {"x": deep}
    cycle: dict[str, Any] = {}
    cycle["self"] = cycle
    for bad, field in (({**record, "note": deep}, "note"), ({**record, "employer": cycle}, "employer")):
        with pytest.raises(InputError, match="nested too deeply") as caught:
            parse_member(bad, ignore_unknown=True)
        assert caught.value.problems[0][0] == field
    with pytest.raises(InputError, match="not text"):
        parse_member({**record, 1: "x"}, ignore_unknown=True)


def test_explain_finds_the_row(population: dict[str, Any], tmp_path: Path,
                               capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    source = population["folder"] / "m.parquet"
    out = tmp_path / "d.csv"
    batch(source, out, key=b"k3y-of-16-bytes!")
    assert main(["explain", "bsu-2022", str(out), "--input", str(source), "--nik", "1" * 16]) == 2  # no key
    monkeypatch.setenv(KEY_ENV, "k3y-of-16-bytes!")
    d = pl.read_csv(out, infer_schema=False)
    dup = d.filter(pl.col("duplicate_of").is_not_null()).row(0, named=True)
    nik = pq.read_table(source).slice(int(dup["row"]) - 1, 1)["nik"][0].as_py()
    assert main(["explain", "bsu-2022", str(out), "--input", str(source), "--nik", nik, "--audience", "officer"]) == 0
    text = capsys.readouterr().out
    paid = dup["duplicate_of"].replace("row:", "row ") if dup["duplicate_of"].startswith("row:") else \
        f"KPJ {dup['duplicate_of']}"
    assert f"Row {dup['row']} of" in text and f"paid under {paid}" in text
    assert "MEMENUHI SYARAT sebagai penerima BSU" in text and "ELIGIBLE to receive BSU" in text
    assert text.count(f"NIK {nik[:4]}********{nik[-4:]}\nELIGIBLE") == 2  # both KPJ of the NIK
    assert main(["explain", "bsu-2022", str(out), "--input", str(source), "--row", "1", "--lang", "en",
                 "--audience", "auditor"]) == 0
    page = capsys.readouterr().out
    member = parse_member(pq.read_table(source).slice(0, 1).to_pylist()[0])
    assert page.startswith("Row 1 of") and f"input_sha256 {input_hash(member, 'k3y-of-16-bytes!')}" in page  # keyed
    capsys.readouterr()
    assert main(["explain", "bsu-2022", str(out), "--input", str(source), "--nik", "1" * 16]) == 1
    said = f"no decision for this NIK in {out}: {source} has no row with this NIK in its nik column"
    assert said in capsys.readouterr().err
    assert main(["explain", "bsu-2022", str(out), "--input", str(source), "--nik", "123"]) == 2
    assert main(["explain", "bsu-2021", str(out), "--input", str(source), "--row", "1"]) == 2
    assert json.loads(manifest_path(out).read_text("utf-8"))["pseudonym_key"] == key_id(b"k3y-of-16-bytes!")
    monkeypatch.setenv(KEY_ENV, "another")  # the batch's key, not this one, made its nik_key: said, with both
    capsys.readouterr()
    for which in (["--nik", nik], ["--row", "1"]):  # it could not proceed (2, as replay says it), not unfound (1)
        assert main(["explain", "bsu-2022", str(out), "--input", str(source), *which]) == 2
        err = capsys.readouterr().err
        assert f"the key given is not the one the batch used for {out}: its fingerprint is {key_id('another')}, " \
            f"the batch's {key_id(b'k3y-of-16-bytes!')}" in err and "is not this member" not in err


@pytest.mark.parametrize(("lang", "heading"), [
    ("en", "Row 1 of {}. KPJ starting 3204 and ending 0003. Batch outcome: eligible."),
    ("id", "Baris 1 pada {}. KPJ berawalan 3204 dan berakhiran 0003. Hasil batch: memenuhi syarat.")])
def test_explain_read_aloud_says_a_masked_kpj_in_words(lang: str, heading: str, examples: list[dict[str, Any]],
                                                       tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``explain --format speech`` reads its heading as the page below it: a KPJ masked as a NIK (the NIK typed
    into the KPJ) said as the digits it shows, never as eight stars, and each sentence opened in capitals (a
    voice reads "… 0003. hasil batch" as one sentence)."""
    record = examples[0]
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({**record, "kpj": record["nik"]}) + "\n", "utf-8")
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "out.jsonl")]) == 0
    capsys.readouterr()
    assert main(["explain", "bsu-2022", str(tmp_path / "out.jsonl"), "--input", str(source), "--row", "1",
                 "--format", "speech", "--lang", lang]) == 0
    said = capsys.readouterr().out
    assert said.splitlines()[0] == heading.format(source) and "*" not in said
    assert main(["explain", "bsu-2022", str(tmp_path / "out.jsonl"), "--input", str(source), "--row", "1",
                 "--lang", lang]) == 0
    assert " · KPJ 3204********0003 · " in capsys.readouterr().out  # the text page keeps the mask


def test_explain_shows_a_kpj_read_from_an_older_or_edited_decisions_file_masked(
        examples: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A decisions file made by 0.6.0 kept a 10-digit KPJ (an account number in its place) whole, in ``kpj`` and in
    the ``duplicate_of`` of the row left unpaid; one edited may hold a NIK there. ``explain`` shows each as a
    decision shows it, and ``row:N`` as it is."""
    record, account = examples[0], "0123456789"
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({**record, "kpj": account}) + "\n" + json.dumps({**record, "kpj": "22041870214"})
                      + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["batch", "bsu-2022", str(source), "--out", str(out), "--quiet"]) == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [(r["kpj"], r["duplicate_of"]) for r in rows] == [("01******89", "22041870214"), ("22041870214", None)]
    rows[0]["kpj"], rows[0]["duplicate_of"] = account, record["nik"]  # as 0.6.0 wrote the one, edited the other
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    manifest_path(out).unlink()  # which would refuse the file as changed
    capsys.readouterr()
    assert main(["explain", "bsu-2022", str(out), "--input", str(source), "--row", "1", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert account not in text and record["nik"] not in text, text
    assert "· KPJ 01******89 ·" in text and "already paid under KPJ 3204********0003" in text, text
    rows[0]["duplicate_of"] = "row:2"
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    assert main(["explain", "bsu-2022", str(out), "--input", str(source), "--row", "1", "--lang", "en"]) == 0
    assert "already paid under another membership record" in capsys.readouterr().out  # row:N, as a worker hears it


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_explain_says_why_a_row_has_no_decision(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                suffix: str) -> None:
    """A blank line is skipped (not rejected), a rejected row gets its reason, a row past the end is
    said to be."""
    lines = (Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[:2]
    source = tmp_path / f"m.{suffix}"
    if suffix == "jsonl":
        source.write_text(f"{lines[0]}\n\n{{\"nik\": \"123\"}}\n{lines[1]}\n", "utf-8")
    else:
        records = [json.loads(line) for line in lines]
        names = list(records[0])
        cells = [[json.dumps(r[k]) if isinstance(r[k], dict | list) else r[k] or "" for k in names] for r in records]
        with source.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([names, cells[0], [], ["123"] + [""] * (len(names) - 1), cells[1]])
    out = tmp_path / "d.jsonl"
    assert main(["batch", "bsu-2022", str(source), "--out", str(out), "--quiet"]) == 1
    capsys.readouterr()

    def said(row: int) -> str:
        assert main(["explain", "bsu-2022", str(out), "--input", str(source), "--row", str(row)]) == 1
        return capsys.readouterr().err.splitlines()[-1]
    assert said(2) == f"bsu-rules: row 2 of {source} is a blank line: batch skips blank lines (counting them), " \
                      "neither deciding nor rejecting them"
    assert said(3).startswith(f"bsu-rules: row 3 of {source} was rejected, not decided: nik: has 3 characters, "
                              "not 16;")
    assert said(5) == f"bsu-rules: {source} has 4 rows: there is no row 5"
    assert said(9_999_999_999) == f"bsu-rules: {source} has 4 rows: there is no row 9999999999"  # no one's number
    assert said(int("9" * 23)) == f"bsu-rules: {source} has 4 rows: there is no row {'9' * 20}… (23 digits)"
    assert said(3204125708940003) == f"bsu-rules: {source} has 4 rows: there is no row <16 digits>"  # a NIK typed
    assert said(320412570894000312345) == f"bsu-rules: {source} has 4 rows: there is no row <21 digits>"
    for decisions, members, wrong in ((tmp_path / "none.jsonl", source, "DECISIONS"), (out, tmp_path, "--input"),
                                      (out, tmp_path / "none.jsonl", "--input")):
        assert main(["explain", "bsu-2022", str(decisions), "--input", str(members), "--row", "1"]) == 2
        assert f"({wrong}): explain reads files the batch wrote and read" in capsys.readouterr().err


@pytest.mark.parametrize("absent", ["numpy", "pyarrow"])
def test_explain_without_the_batch_extra_says_how_to_install_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch, absent: str) -> None:
    """polars installed without the rest of the batch extra: explain was an internal error (the reading module,
    which imports numpy and pyarrow, was imported after the check that names the extra), as batch, impact and
    generate are not."""
    import sys

    monkeypatch.delitem(sys.modules, "bsu_rules.batch.read")  # imported again, as in a fresh process
    monkeypatch.setitem(sys.modules, absent, None)  # as if not installed
    out = tmp_path / "d.parquet"
    assert main(["explain", "bsu-2022", str(out), "--input", str(tmp_path / "m.parquet"), "--row", "1"]) == 2
    said = capsys.readouterr().err
    assert f"bsu-rules explain needs the batch extra ({absent} is not installed)" in said
    assert "internal error" not in said


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "parquet"])
def test_explain_by_nik_says_why_its_row_was_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """A NIK whose row batch rejected is told as its row is (`--row`), with the reason: the officer asking
    by NIK does not know the row."""
    monkeypatch.setenv(KEY_ENV, "k3y-of-16-bytes!")
    records = [json.loads(line) for line in
               (Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[:3]]
    records[1]["wages"][0]["period"] = "2022-13"
    source = tmp_path / f"m.{suffix}"
    if suffix == "jsonl":
        source.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    elif suffix == "csv":
        names = list(records[0])
        with source.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([names, *[[json.dumps(r[k]) if isinstance(r[k], dict | list) else r[k] or ""
                                               for k in names] for r in records]])
    else:  # dates as text, which batch reads as dates
        pl.read_ndjson(io.BytesIO("".join(json.dumps(r) + "\n" for r in records).encode())).write_parquet(source)
    out = tmp_path / "d.jsonl"
    assert main(["batch", "bsu-2022", str(source), "--out", str(out), "--quiet"]) == 1
    capsys.readouterr()
    assert main(["explain", "bsu-2022", str(out), "--input", str(source), "--nik", records[1]["nik"]]) == 1
    assert capsys.readouterr().err.splitlines()[-1].startswith(
        f"bsu-rules: row 2 of {source} was rejected, not decided: wages[0].period: ")
    assert main(["explain", "bsu-2022", str(out), "--input", str(source), "--nik", "3204125708949999"]) == 1
    said = {"jsonl": "has no row with this NIK written as 16 digits in quotes; if a row holds it written otherwise",
            "csv": "has no row with this NIK as its nik cell; if a row holds it written otherwise",
            "parquet": "has no row with this NIK in its nik column"}[suffix]
    assert capsys.readouterr().err.splitlines()[-1].startswith(
        f"bsu-rules: no decision for this NIK in {out}: {source} {said}")


@pytest.mark.parametrize("kind", ["bom", "long cell", "latin-1 cell"])
def test_explain_reads_a_csv_row_as_batch_reads_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   kind: str) -> None:
    """An Excel byte-order mark, a cell over csv's default 128 KiB before the row asked for, a cell
    not UTF-8 in another row: every row batch decided is explained, as it is from a plain file."""
    lines = (Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[:3]
    records = [json.loads(line) for line in lines]
    names = list(records[0])
    cells = [[json.dumps(r[k]) if isinstance(r[k], dict | list) else r[k] or "" for k in names] for r in records]
    plain, source = tmp_path / "plain.csv", tmp_path / "m.csv"
    with plain.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([names, *cells])
    if kind == "long cell":
        cells[0][names.index("name")] = "x" * 200_000
    with source.open("w", newline="", encoding="utf-8-sig" if kind == "bom" else "utf-8") as f:
        csv.writer(f).writerows([names, *cells])
    if kind == "latin-1 cell":
        source.write_bytes(source.read_bytes().replace(records[0]["name"].encode(),
                                                       records[0]["name"].encode() + b"\xe9", 1))
    explained = {}
    for path in (plain, source):
        out = tmp_path / f"{path.stem}.d.jsonl"
        main(["batch", "bsu-2022", str(path), "--out", str(out), "--quiet"])
        capsys.readouterr()
        csv.field_size_limit(128 << 10)  # as explain starts in a process of its own (batch raised it)
        for row in (1, 2, 3):
            code = main(["explain", "bsu-2022", str(out), "--input", str(path), "--row", str(row), "--lang", "en"])
            printed = capsys.readouterr()
            assert "internal error" not in printed.err
            explained[path, row] = code, printed.out.split("\n", 1)[-1]  # after "Row N of FILE"
        assert main(["explain", "bsu-2022", str(out), "--input", str(path), "--row", "4"]) == 1
        assert capsys.readouterr().err.endswith(f"{path} has 3 rows: there is no row 4\n")
    rejected = {1} if kind == "latin-1 cell" else set()
    assert all(explained[source, row] == explained[plain, row] for row in {1, 2, 3} - rejected)
    assert all(explained[plain, row][0] == 0 for row in (1, 2, 3))


def test_explain_of_a_row_left_unpaid_announces_no_benefit(population: dict[str, Any], tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A NIK eligible under two KPJ is paid once: the other row's explanation says so, not "Rp600.000"."""
    from bsu_rules.explain import Unpaid, page
    from bsu_rules.explain.html import to_html

    source, out = population["folder"] / "m.parquet", tmp_path / "d.parquet"
    batch(source, out)
    dup = pl.read_parquet(out).filter(pl.col("duplicate_of").is_not_null()).row(0, named=True)
    assert dup["benefit"] is None and dup["channel"] is None and dup["outcome"] == "eligible"
    for audience in ("worker", "officer", "auditor"):
        assert main(["explain", "bsu-2022", str(out), "--input", str(source), "--row", str(dup["row"]),
                     "--audience", audience]) == 0
        text = capsys.readouterr().out
        assert "Bantuan: Tidak dibayarkan untuk KPJ " in text and "Benefit: Not paid under KPJ " in text
        assert "NIK yang sama sudah dibayar melalui " in text and "the same NIK is already paid under " in text
        facts = [line for line in text.splitlines() if line.startswith(("Bantuan:", "Benefit:", "Penyaluran:",
                                                                         "Payment:", "channel:"))]
        channels = [line for line in facts if line.startswith("channel:")]
        assert len(facts) - len(channels) == 2 and channels == (["channel: -"] * 2 if audience == "auditor" else [])
        assert not any(re.search("Rp|sekaligus|at once|Penyaluran|Payment", line) for line in facts)
    record = parse_member(pq.read_table(source).slice(int(dup["row"]) - 1, 1).to_pylist()[0], ignore_unknown=True)
    plan = load_plan("bsu-2022", None)
    decision, unpaid = plan.decide(record), Unpaid(dup["kpj"], "row:7")
    html = to_html([page(decision, plan.ruleset, "en", "worker", unpaid)], "en")
    assert f"Not paid under KPJ {dup['kpj']}, because the same NIK is already paid under another membership" in html
    assert "Rp" not in html and "Payment" not in html
    officer = page(decision, plan.ruleset, "id", "officer", unpaid)
    assert ("Bantuan", f"Tidak dibayarkan untuk KPJ {dup['kpj']}, karena NIK yang sama sudah dibayar melalui baris 7 "
            "pada berkas yang sama: satu NIK hanya dibayar satu kali.") in officer.facts


def test_explain_a_reform_batch_with_its_overrides(population: dict[str, Any], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    source, out = population["folder"] / "m.parquet", tmp_path / "d.parquet"
    assert main(["batch", "bsu-2022", str(source), "--out", str(out), "--set", "wage_ceiling=9000000"]) == 1  # rejects
    capsys.readouterr()
    made = json.loads(manifest_path(out).read_text("utf-8"))["ruleset"]
    assert (made["base_sha256"], made["overrides"]) == (load_plan("bsu-2022", None).ruleset.sha256,
                                                        "--set wage_ceiling=9000000")
    assert main(["explain", "bsu-2022", str(out), "--input", str(source), "--row", "1"]) == 2
    assert "(and the same overrides the batch used: --set wage_ceiling=9000000)" in capsys.readouterr().err
    manifest_path(out).unlink()  # without the manifest, what the batch used is not known
    assert main(["explain", "bsu-2022", str(out), "--input", str(source), "--row", "1"]) == 2
    assert "(and the same --set/--table overrides, if the batch had any)" in capsys.readouterr().err
    assert main(["explain", "bsu-2022", str(out), "--input", str(source), "--row", "1", "--lang", "en",
                 "--audience", "auditor", "--set", "wage_ceiling=9000000"]) == 0
    assert "param.wage_ceiling = 9000000" in capsys.readouterr().out  # the ceiling read is the reform's


@pytest.mark.skipif("columnar" not in engines(), reason="the columnar evaluator is not installed")
def test_columnar_and_scalar_engines_agree(population: dict[str, Any], tmp_path: Path) -> None:
    source = population["folder"] / "m.parquet"
    batch(source, tmp_path / "scalar.parquet")
    run_batch("bsu-2022", source, tmp_path / "columnar.parquet", engine="columnar", key=b"test key of 16 bytes")
    assert pl.read_parquet(tmp_path / "columnar.parquet").equals(pl.read_parquet(tmp_path / "scalar.parquet"))


def test_a_line_that_is_not_an_object_is_rejected_alone(tmp_path: Path) -> None:
    good = json.dumps({"nik": "3215014107900001", "citizenship": "WNI", "participant_category": "PU"})
    (tmp_path / "m.jsonl").write_text("\n".join(["null", good, "  null ", f"  {good}", "7", good]) + "\n")
    counts = batch(tmp_path / "m.jsonl", tmp_path / "d.csv")  # a line `null` crashed Arrow's reader
    assert (counts.read, counts.decided, counts.rejected) == (6, 3, 3)
    assert pl.read_csv(tmp_path / "d.csv", infer_schema=False)["row"].to_list() == ["2", "4", "6"]


def test_a_key_given_twice_is_rejected_as_evaluate_rejects_it(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    good = (Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0]
    lines = [good, good.replace('{"nik"', '{"citizenship": "WNA", "nik"'),  # a value, then another: refused
             good.replace('{"npp"', '{"npp": "XY000000", "npp"'),
             good.replace('{"nik"', '{"citizenship": null, "nik"')]  # null, then a value: the value
    (tmp_path / "m.jsonl").write_text("\n".join(lines) + "\n")
    counts = batch(tmp_path / "m.jsonl", tmp_path / "d.parquet")
    assert (counts.read, counts.decided, counts.rejected) == (4, 2, 2)
    rejects = [json.loads(line) for line in (tmp_path / "d.rejects.jsonl").read_text().splitlines()]
    assert [(r["row"], r["message"]) for r in rejects] == [
        (2, "(record): the key `citizenship` appears more than once in one object"),
        (3, "employer: the key `npp` appears more than once in one object")]  # named where it is
    capsys.readouterr()
    main(["evaluate", "bsu-2022", str(tmp_path / "m.jsonl"), "--on", "2022-09-05"])
    said = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [d.get("error", {}).get("message") for d in said] == [None, *(r["message"] for r in rejects), None]
    assert said[0]["member"] == said[3]["member"]  # the same record, the same input hash


def test_small_text_files_line_by_line(tmp_path: Path) -> None:
    good = {"nik": "3215014107900001", "citizenship": "WNI", "participant_category": "PU"}
    lines = ["{bad", "", "[1]", json.dumps(good), json.dumps(good)]
    (tmp_path / "few.jsonl").write_text("\n".join(lines))  # a blank line, no final newline
    (tmp_path / "empty.jsonl").write_text("")
    (tmp_path / "header.csv").write_text("nik,kpj,citizenship,participant_category\n")
    (tmp_path / "empty.csv").write_text("")  # read as an empty JSONL file is, not as a header lacking every column
    few = batch(tmp_path / "few.jsonl", tmp_path / "few.csv", chunk_size=1)
    assert (few.read, few.decided, few.rejected) == (4, 2, 2)
    assert pl.read_csv(tmp_path / "few.csv", infer_schema=False)["row"].to_list() == ["4", "5"]
    for name in ("empty.jsonl", "header.csv", "empty.csv"):
        counts = batch(tmp_path / name, tmp_path / f"{name}.parquet")
        assert counts.line() == "0 read = 0 decided + 0 rejected"
        assert pl.read_parquet(tmp_path / f"{name}.parquet").height == 0


@pytest.mark.parametrize("key", [b"secret", b"k" * 100, "kunci-rahasia-\u00fc".encode(), b"\xff\x00not text", b""])
def test_nik_keys_are_hmac_sha256_whatever_the_key(key: bytes) -> None:
    niks = ["3215014107900001", None, "1171015203850002"]
    expected = [None if n is None else hmac.new(key, n.encode(), "sha256").hexdigest() for n in niks]
    assert nik_keys(pa.array(niks), key).to_pylist() == expected
    assert nik_keys(pa.chunked_array([pa.array(niks[:1]), pa.array(niks[1:])]), key).to_pylist() == expected


@pytest.mark.parametrize(("periods", "field"), [
    (["2022-05", "2022-06", "2022-07"], None), (["2022-07", "2022-06", "2022-05"], None),
    (["2022-06", "2022-07", "2022-06"], "wages[2].period"), (["2022-07", "2022-07"], "wages[1].period"),
    (["2022-07", "2022-05", "2022-06", "2022-05"], "wages[3].period"),
])
def test_a_period_named_twice_is_found_in_any_order(periods: list[str], field: str | None) -> None:
    table, _ = block(3, 5, malformed=False)
    wages = [[{"period": p, "amount": 3_000_000 + i} for i, p in enumerate(periods)]] * 3
    table = table.set_column(table.schema.get_field_index("wages"), "wages",
                             pa.array(wages, table.schema.field("wages").type))
    out = decide_batch("bsu-2022", None, table, "scalar")
    assert out["reject_field"].to_pylist() == [field] * 3


IDENTIFIERS = {"nik": "[0-9]{16}", "kpj": "[0-9]{1,20}", "work_regency_code": REGENCY_CODE.strip("^$"),
               "employer.sector": "[A-U]"}


@given(st.lists(st.tuples(*[st.one_of(st.sampled_from(["3215014107900001", "12", "3171", "A", "U", "V", "a"]),
                                      st.text(alphabet="0123456789AUZaz-\n \u0663\uff11\u00e9", max_size=21))
                            for _ in IDENTIFIERS]), min_size=1, max_size=20))
def test_identifiers_are_checked_as_their_patterns_say(values: list[tuple[str, ...]]) -> None:
    """A NIK, KPJ, regency code or sector is refused exactly when it does not match its pattern whole
    (ASCII digits only, no final newline)."""
    columns = list(zip(*values, strict=True))
    table = pa.table({"_row": pa.array(range(1, len(values) + 1), pa.int64()), "nik": columns[0],
                      "kpj": columns[1], "work_regency_code": columns[2],
                      "employer": pa.array([{"sector": sector} for sector in columns[3]],
                                           MEMBER_SCHEMA.field("employer").type),
                      "citizenship": ["WNI"] * len(values), "participant_category": ["PU"] * len(values)})
    out = decide_batch("bsu-2022", None, table, "scalar").sort_by("row")
    for row, message in zip(values, out["reject_message"].to_pylist(), strict=True):
        named = set(re.findall(r"(?:^|; )([\w.]+): ", message or ""))
        assert named == {name for name, value in zip(IDENTIFIERS, row, strict=True)
                         if not re.fullmatch(IDENTIFIERS[name], value)}


def test_masked_niks_are_as_mask_nik_gives_them() -> None:
    niks = pa.array(["3215014107900001", "1171015203850002", "3175014107900003", None, "1171015203850004"])
    for part in (niks, niks.slice(0, 2), niks.slice(1, 1), niks.slice(2), niks.slice(4)):
        assert mask_niks(part).to_pylist() == [None if n is None else mask_nik(n) for n in part.to_pylist()]


@pytest.mark.parametrize("clash", [("--out", "in.jsonl"), ("--rejects", "in.jsonl"), ("--rejects", "out.parquet"),
                                   ("--rejects", "./out.parquet")])
def test_a_run_never_writes_over_its_input_or_another_output(tmp_path: Path, clash: tuple[str, str],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes((Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_bytes())
    kept = source.read_bytes()
    out = tmp_path / "out.parquet"
    assert main(["batch", "bsu-2022", str(source), "--out", str(out), "--quiet"]) == 0
    decided = out.read_bytes()
    option, name = clash
    args = {"--out": str(out), "--rejects": str(tmp_path / "r.jsonl")} | {option: str(tmp_path / name)}
    assert main(["batch", "bsu-2022", str(source), *(x for kv in args.items() for x in kv), "--quiet"]) == 2
    assert "give each file a path of its own" in capsys.readouterr().err
    assert source.read_bytes() == kept and out.read_bytes() == decided


def test_rejects_never_show_a_nik_or_account_number_typed_in_the_wrong_place(tmp_path: Path) -> None:
    nik, account = "3204125708940003", "418201004566507"
    base = json.loads((Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_text().split("\n")[0])
    wrong = [base | {"work_regency_code": nik}, base | {"name": int(nik)}, base | {nik: 1},
             base | {"bank_account": {"bank": int(account)}}, base | {"wages": [{"period": nik, "amount": 1}]}]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in wrong))
    for rejects in ("r.jsonl", "r.csv"):
        assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "o.parquet"),
                     "--rejects", str(tmp_path / rejects), "--quiet"]) == 1
        text = (tmp_path / rejects).read_text()
        assert text.count("digits>") >= len(wrong) and nik not in text and account not in text


def test_a_rejects_csv_cell_is_never_a_spreadsheet_formula(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"nik": "3204125708940003", "citizenship": "WNI", "participant_category": "PU",
                                  '=HYPERLINK("http://x.example")': 1}) + "\n")
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "o.csv"), "--rejects",
                 str(tmp_path / "r.csv"), "--quiet"]) == 1
    rows = list(csv.DictReader((tmp_path / "r.csv").open()))
    assert rows and all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_the_manifest_counts_every_outcome_even_none(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("nik,citizenship,participant_category\n3215014107900001,WNA,PU\n", "utf-8")
    counts = batch(tmp_path / "m.csv", tmp_path / "d.parquet")
    written = json.loads(manifest_path(tmp_path / "d.parquet").read_text("utf-8"))["counts"]
    assert written["outcomes"] == counts.outcomes == {"duplicate": 0, "eligible": 0, "held": 0, "ineligible": 1,
                                                      "paid": 0, "undetermined": 0}
    assert written["decided"] == sum(counts.outcomes[o] for o in ("eligible", "ineligible", "undetermined"))


def test_a_value_under_an_unnamed_csv_column_rejects_its_row_unless_unknown_fields_are_ignored(tmp_path: Path) -> None:
    """Excel's trailing empty columns (a header ending in commas) are read and dropped when empty;
    a value under one rejects its row, saying what to do, and ``--ignore-unknown`` drops it."""
    nik = "3215014107900001"
    (tmp_path / "m.csv").write_text(f"nik,citizenship,participant_category,,,\n{nik},WNI,PU,,,\n{nik},WNI,PU,,x,\n")
    assert batch(tmp_path / "m.csv", tmp_path / "d.parquet").line() == "2 read = 1 decided + 1 rejected"
    assert json.loads((tmp_path / "d.rejects.jsonl").read_text("utf-8")) == {
        "row": 2, "field": "(column 5)", "message": "(column 5): a value in a column the header does not name: "
                                                     "name the column, or pass --ignore-unknown"}
    assert batch(tmp_path / "m.csv", tmp_path / "i.parquet", ignore_unknown=True).line() == \
        "2 read = 2 decided + 0 rejected"


def test_a_trailing_comma_on_the_header_alone_or_on_the_rows_alone_loses_no_record(tmp_path: Path) -> None:
    """A cell missing under an unnamed last column, or an empty one past the header, is an empty cell of an empty
    column (dropped): every record was rejected (``16 cells, the header has 17``). A missing named cell, or a value
    past the header, still rejects its record."""
    nik = "3215014107900001"
    files = {"header": f"nik,citizenship,participant_category,,\n{nik},WNI,PU\n{nik},WNI,PU,\n{nik},WNI\n",
             "rows": f"nik,citizenship,participant_category\n{nik},WNI,PU,\n{nik},WNI,PU,,\n{nik},WNI,PU,x\n"}
    (tmp_path / "clean.csv").write_text(f"nik,citizenship,participant_category\n{nik},WNI,PU\n", "utf-8")
    batch(tmp_path / "clean.csv", tmp_path / "clean.jsonl")
    alike = {k: v for k, v in json.loads((tmp_path / "clean.jsonl").read_text("utf-8")).items() if k != "row"}
    for name, text in files.items():
        (tmp_path / f"{name}.csv").write_text(text, "utf-8")
        for engine in ("columnar", "scalar"):
            out = tmp_path / f"{name}-{engine}.jsonl"
            assert batch(tmp_path / f"{name}.csv", out, engine=engine).line() == "3 read = 2 decided + 1 rejected"
            [reject] = [json.loads(line) for line in out.with_suffix(".rejects.jsonl").read_text("utf-8").splitlines()]
            assert reject["row"] == 3 and reject["field"] == "(record)"
            decided = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
            assert [{k: v for k, v in d.items() if k != "row"} for d in decided] == [alike] * 2  # as without a comma


@pytest.mark.parametrize(("end", "named"), [("\x85", "U+0085 (next line)"), ("\u2028", "U+2028 (line separator)"),
                                             ("\f", "form feeds")])
def test_csv_lines_ended_by_what_csv_does_not_take_are_told_as_run_together(
        end: str, named: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A CSV whose lines end in U+0085 (a file converted from EBCDIC) was read as one header holding every record,
    told as a header repeating a value and lacking a column."""
    source = tmp_path / "nel.csv"
    source.write_text(end.join(["nik,citizenship,participant_category", "3215014107900001,WNI,PU"]) + end, "utf-8")
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "o.jsonl"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"the header holds {named}, a line end CSV does not take: if the file's lines end so, the records run " \
           "together; end each line with a newline" in err and "repeats" not in err, err
    assert not (tmp_path / "o.jsonl").exists()
    source.write_text("nik,citizenship,participant_category" + end + "\n3215014107900001,WNI,PU\n", "utf-8")
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "o.jsonl"), "--quiet"]) == 2
    assert "a name has a space before or after it: write participant_category" in capsys.readouterr().err  # one stray


def test_a_csv_header_of_very_many_columns_is_refused_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                              ) -> None:
    """A header ending in a long run of commas was read column by column: 100 000 of them took minutes for one
    record. More than ``MAX_COLUMNS`` is refused before a record is read, saying what to remove."""
    from bsu_rules.batch.read_csv import MAX_COLUMNS

    source = tmp_path / "wide.csv"
    source.write_text("nik,citizenship,participant_category" + "," * MAX_COLUMNS + "\n3215014107900001,WNI,PU\n")
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "o.jsonl"), "--quiet"]) == 2
    assert f"the header has {MAX_COLUMNS + 3:,} columns, more than {MAX_COLUMNS:,}" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()
    source.write_text("nik,citizenship,participant_category" + "," * (MAX_COLUMNS - 3) + "\n3215014107900001,WNI,PU\n")
    assert batch(source, tmp_path / "o.jsonl").line() == "1 read = 1 decided + 0 rejected"


def test_a_csv_record_over_the_size_limit_is_rejected_alone(tmp_path: Path) -> None:
    header = "nik,citizenship,participant_category,name\n"
    rows = ["3204125708940003,WNI,PU,Rina\n", f"3204125708940011,WNI,PU,{'x' * (2 << 20)}\n",
            "3204125708940029,WNI,PU,Budi\n"]
    source = tmp_path / "in.csv"
    source.write_text(header + "".join(rows))
    counts = run_batch("bsu-2022", source, tmp_path / "o.jsonl")
    assert (counts.read, counts.decided, counts.rejected) == (3, 2, 1)
    [reject] = [json.loads(line) for line in (tmp_path / "o.jsonl.rejects.jsonl").read_text().splitlines()]
    assert reject["row"] == 2 and reject["field"] == "(record)" and "larger than" in reject["message"]


@pytest.mark.parametrize("engine", ["scalar", "columnar"])
def test_a_quote_never_closed_refuses_the_file_at_its_record(tmp_path: Path, engine: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The rest of the file would be one cell: the members after it were lost, and the count said nothing."""
    source = tmp_path / "q.csv"
    source.write_text("nik,citizenship,participant_category,name\n3204125708940003,WNI,PU,Ana\n"
                      '3204125708940011,WNI,PU,"Budi\n3204125708940029,WNI,PU,Cita\n3204125708940037,WNI,PU,Dewi\n')
    out = tmp_path / "o.jsonl"
    assert main(["batch", "bsu-2022", str(source), "--out", str(out), "--engine", engine]) == 2
    err = capsys.readouterr().err
    assert f"{source}: not readable CSV: the record at line 3 opens a quote (\") that is never closed" in err
    assert not out.exists()


@pytest.mark.parametrize("engine", ["scalar", "columnar"])
@pytest.mark.parametrize("fault", ["unclosed", "stray"])
def test_a_quote_out_of_place_refuses_the_file_at_its_record(tmp_path: Path, engine: str, fault: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Read leniently, a quote never closed before later quoted cells (history cells, each holding
    `""`) merged the records after it into one cell: a record vanished and the rows after it were
    numbered one too low, while the count line added up. A quote out of place is refused like it."""
    lines = (Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines[:6]]
    rows = [[r["nik"], r["citizenship"], r["participant_category"], r["name"], json.dumps(r["wages"])]
            for r in records]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["nik", "citizenship", "participant_category", "name", "wages"], *rows])
    text = buffer.getvalue().splitlines(keepends=True)
    name = records[2]["name"]
    text[3] = text[3].replace('"\r\n', "\r\n") if fault == "unclosed" else \
        text[3].replace(f",{name},", f',"{name}" x,')  # record 3: its last cell's closing quote lost, or text
    assert text[3] != buffer.getvalue().splitlines(keepends=True)[3]  # after a cell's closing quote
    source, out = tmp_path / "m.csv", tmp_path / "o.jsonl"
    source.write_text("".join(text), "utf-8")
    assert main(["batch", "bsu-2022", str(source), "--out", str(out), "--engine", engine, "--chunk-size", "2"]) == 2
    err = capsys.readouterr().err
    assert f"{source}: not readable CSV: the record at line 4 has a quote (\") out of place, or one that is never " \
        "closed before it" in err
    assert not out.exists()


def test_a_json_array_named_jsonl_is_refused_by_batch_and_read_by_evaluate(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "arr.jsonl"
    source.write_text(json.dumps([{"nik": "3204125708940003", "citizenship": "WNI", "participant_category": "PU"}]))
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert capsys.readouterr().err.endswith(f"bsu-rules: {source}: a JSON array, not JSON lines: write one record per "
                                            "line (bsu-rules evaluate reads an array too, whatever the file's name)\n")
    assert main(["evaluate", "bsu-2022", str(source)]) == 0
    assert capsys.readouterr().err.endswith("1 read = 1 decided + 0 rejected\n")


def test_an_output_over_the_key_file_is_refused_before_anything_is_written(tmp_path: Path,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The pseudonyms of every later run hang on that key: it was written over with the decisions."""
    key = tmp_path / "pseudonym.jsonl"
    key.write_text("a key\n")
    examples = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    assert main(["batch", "bsu-2022", examples, "--out", str(key), "--key-file", str(key)]) == 2
    assert f"bsu-rules: --out: {key} is also --key-file; give each file a path of its own" in capsys.readouterr().err
    assert key.read_text() == "a key\n"
    manifest = tmp_path / "d.jsonl.manifest.json"  # the manifest written over it, too
    manifest.write_text("a key\n")
    assert main(["batch", "bsu-2022", examples, "--out", str(tmp_path / "d.jsonl"), "--key-file", str(manifest)]) == 2
    assert f"{manifest} is also --key-file" in capsys.readouterr().err and manifest.read_text() == "a key\n"


def test_explain_tells_a_manifest_not_the_decisions_own_and_warns_without_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    source, other = tmp_path / "m.jsonl", tmp_path / "m3.jsonl"
    source.write_bytes(lines.read_bytes())
    other.write_text(source.read_text("utf-8").replace("4200000", "3000000"), "utf-8")  # row 5 becomes eligible
    decisions, copied = tmp_path / "d.jsonl", tmp_path / "e.jsonl"
    assert main(["batch", "bsu-2022", str(source), "--out", str(decisions), "--quiet"]) == 0
    assert main(["batch", "bsu-2022", str(other), "--out", str(copied), "--quiet"]) == 0
    decisions.write_bytes(copied.read_bytes())  # another run's decisions beside this run's manifest
    capsys.readouterr()
    assert main(["explain", "bsu-2022", str(decisions), "--input", str(source), "--row", "5"]) == 2
    assert f"{decisions} is not the output its manifest records (changed since the run, or the manifest is " \
        "another run's)" in capsys.readouterr().err
    alone = tmp_path / "alone.jsonl"
    alone.write_bytes(copied.read_bytes())
    assert main(["explain", "bsu-2022", str(alone), "--input", str(other), "--row", "5", "--lang", "en"]) == 0
    assert f"warning: no manifest beside {alone} records the input the batch read" in capsys.readouterr().err
    manifest_path(alone).write_text('{"input": {"sha2', "utf-8")  # cut short
    assert main(["explain", "bsu-2022", str(alone), "--input", str(other), "--row", "5", "--lang", "en"]) == 0
    assert f"warning: the manifest beside {alone} is damaged: that" in capsys.readouterr().err


def test_an_output_among_the_rule_files_tables_is_refused(rules_copy: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Another edition's table, which this run does not read, was written over with its rejects."""
    table = rules_copy / "tables" / "ppkm-areas-2021.csv"
    kept = table.read_bytes()
    examples = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    assert main(["batch", str(rules_copy / "bsu-2022.yaml"), examples, "--out", str(tmp_path / "d.jsonl"),
                 "--rejects", str(table)]) == 2
    assert f"--rejects: {table} is a table of the rule file {rules_copy / 'bsu-2021.yaml'}" in capsys.readouterr().err
    assert table.read_bytes() == kept and not (tmp_path / "d.jsonl").exists()
    assert main(["impact", str(rules_copy / "bsu-2022.yaml"), examples, "--set", "wage_ceiling=4000000",
                 "--out", str(rules_copy / "glossary" / "glossary.yaml")]) == 2
    assert "which holds the rule files' glossary" in capsys.readouterr().err
    other, tests = rules_copy / "bsu-2021.yaml", rules_copy / "tests" / "bsu-2022.yaml"
    tests.parent.mkdir(exist_ok=True)
    tests.write_text("ruleset: bsu-2022\ncases: []\n", "utf-8")
    kept = {p: p.read_bytes() for p in (other, tests)}
    assert main(["impact", str(rules_copy / "bsu-2022.yaml"), examples, "--set", "wage_ceiling=4000000",
                 "--out", str(other)]) == 2
    assert f"{other} is a rule file, or a rule file's tests; give the output another path" in capsys.readouterr().err
    assert main(["impact", str(rules_copy / "bsu-2022.yaml"), examples, "--set", "wage_ceiling=4000000",
                 "--out", str(tmp_path / "r.html"), "--json", str(tests)]) == 2
    assert f"{tests} is a rule file, or a rule file's tests; give the output another path" in capsys.readouterr().err
    assert all(p.read_bytes() == b for p, b in kept.items())
    assert main(["impact", str(rules_copy / "bsu-2022.yaml"), examples, "--set", "wage_ceiling=4000000",
                 "--out", str(rules_copy / "report.html")]) == 0  # a new report beside the copy it was made from


def test_a_parquet_file_with_a_column_twice_is_refused_by_name(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "dup.parquet"
    pq.write_table(pa.table([pa.array(["3204125708940003"])] * 2 + [pa.array(["WNI"]), pa.array(["PU"])],
                            names=["nik", "nik", "citizenship", "participant_category"]), source)
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "column(s) nik more than once" in err and "internal error" not in err
    bank = pa.StructArray.from_arrays([pa.array(["BRI"]), pa.array(["=NOTABANK"])], names=["bank", "bank"])
    pq.write_table(pa.table([pa.array(["3204125708940003"]), pa.array(["WNI"]), pa.array(["PU"]), bank],
                            names=["nik", "citizenship", "participant_category", "bank_account"]), source)
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "column(s) bank_account.bank more than once" in capsys.readouterr().err


def test_explain_given_a_members_file_for_the_decisions_says_so(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "m.parquet"
    write_population(source, 20, seed=3)
    assert main(["explain", "bsu-2022", str(source), "--input", str(source), "--row", "1"]) == 2
    err = capsys.readouterr().err
    assert "is not a decisions file" in err and "internal error" not in err
    lines = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    assert main(["explain", "bsu-2022", str(lines), "--input", str(lines), "--row", "1"]) == 2
    assert "is not a decisions file" in capsys.readouterr().err
    decisions, garbage = tmp_path / "d.jsonl", tmp_path / "garbage.jsonl"
    assert main(["batch", "bsu-2022", str(lines), "--out", str(decisions), "--quiet"]) == 0
    garbage.write_text("garbage\n")
    assert main(["explain", "bsu-2022", str(decisions), "--input", str(garbage), "--row", "1"]) == 2
    err = capsys.readouterr().err
    assert "garbage.jsonl is not the file the batch read" in err and "internal error" not in err
    manifest_path(decisions).unlink()  # nothing to compare with: the reading tells
    assert main(["explain", "bsu-2022", str(decisions), "--input", str(garbage), "--row", "1"]) == 2
    err = capsys.readouterr().err
    assert "a line that is not JSON" in err and "internal error" not in err


def test_explain_refuses_an_input_the_batch_did_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An input edited after the batch would be explained with data that was never decided: the
    manifest's sha256 tells, and explain refuses it rather than blame the evaluator."""
    lines = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    source, edited, decisions = tmp_path / "m.jsonl", tmp_path / "m2.jsonl", tmp_path / "d.parquet"
    source.write_bytes(lines.read_bytes())
    edited.write_text(source.read_text("utf-8").replace("4200000", "4100000"), "utf-8")
    assert main(["batch", "bsu-2022", str(source), "--out", str(decisions), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["explain", "bsu-2022", str(decisions), "--input", str(edited), "--row", "5", "--lang", "en"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "m2.jsonl is not the file the batch read" in err and "(m.jsonl)" in err
    assert main(["explain", "bsu-2022", str(decisions), "--input", str(source), "--row", "5", "--lang", "en"]) == 0
    assert "Row 5 of" in capsys.readouterr().out


@pytest.mark.parametrize(("encoding", "named"), [("utf-16", "UTF-16"), ("utf-32", "UTF-32"),
                                               ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16")])
def test_a_utf16_or_utf32_file_is_refused_once(tmp_path: Path, encoding: str, named: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """With a byte-order mark or without (then by its NUL bytes), by batch and evaluate alike."""
    source = tmp_path / "in.jsonl"
    examples = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    source.write_bytes(examples.read_text().encode(encoding))
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert f"the file is {named} text; save it as UTF-8" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()
    assert main(["evaluate", "bsu-2022", str(source)]) == 2
    assert f"the file is {named} text; save it as UTF-8" in capsys.readouterr().err



@pytest.mark.parametrize(("pack", "named", "told", "suffix"), [
    (gzip.compress, "a gzip-compressed file", "gunzip -c", ".gz"),
    (bz2.compress, "a bzip2-compressed file", "bunzip2 -c", ".bz2"),
    (lzma.compress, "an xz-compressed file", "unxz -c", ".xz"),
    (lambda data: b"PK\x03\x04" + data, "a zip archive", "unzip -p", ".zip"),
    (lambda data: b"\x28\xb5\x2f\xfd" + data, "a zstd-compressed file", "unzstd -c", ".zst")])
def test_a_compressed_file_is_refused_once(tmp_path: Path, pack: Callable[[bytes], bytes], named: str, told: str,
                                           suffix: str, capsys: pytest.CaptureFixture[str]) -> None:
    """By its first bytes, whatever its name, in batch (JSON lines, CSV), evaluate, verify and replay."""
    examples = (Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_bytes()
    for name in ("in.jsonl", "in.csv", "in.parquet"):
        source = tmp_path / name
        source.write_bytes(pack(examples))
        assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "o.jsonl")]) == 2
        assert f"{source}: {named}, not text: decompress it first (`{told} {source} > " in capsys.readouterr().err
        assert not (tmp_path / "o.jsonl").exists()
    packed = tmp_path / f"in.jsonl{suffix}"
    packed.write_bytes(pack(examples))
    (tmp_path / "in.jsonl.plain").write_bytes(examples)
    (tmp_path / "in.jsonl").unlink()  # batch's input above
    assert main(["evaluate", "bsu-2022", str(packed)]) == 2
    out, err = capsys.readouterr()
    assert f"{packed}: {named}, not text: decompress it first (`{told} {packed} > {tmp_path / 'in.jsonl'}`)" in err
    assert out == "" and "not UTF-8" not in err
    assert main(["batch", "bsu-2022", str(packed), "--out", str(tmp_path / "o.jsonl")]) == 2  # named as packed too
    assert f"{packed}: {named}, not text: decompress it first (`{told} {packed} > " in capsys.readouterr().err
    assert main(["verify", str(packed)]) == 2
    assert f"{packed}: {named}" in capsys.readouterr().err
    assert main(["replay", str(packed), "--archive", str(tmp_path)]) == 2
    assert f"{packed}: {named}" in capsys.readouterr().err
    log, archive = tmp_path / "log.jsonl", tmp_path / "archive"
    assert main(["archive", "--into", str(archive), "bsu-2022"]) == 0
    assert main(["evaluate", "bsu-2022", str(tmp_path / "in.jsonl.plain"), "--log", str(log), "--full-nik"]) == 0
    assert main(["replay", str(log), "--archive", str(archive), "--members", str(packed)]) == 2  # a snapshot
    assert f"{packed}: {named}" in capsys.readouterr().err
    (tmp_path / "in.jsonl").write_bytes(b"a live file")  # never told to decompress over a file that is there
    assert main(["evaluate", "bsu-2022", str(packed)]) == 2
    assert f"`{told} {packed} > {tmp_path / 'in-decompressed.jsonl'}`" in capsys.readouterr().err
    assert main(["verify", str(packed), "--format", "json"]) == 2  # a script reading the JSON gets JSON
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and named in out["error"]["message"]


def test_an_empty_bank_name_is_no_channel_in_every_evaluator(tmp_path: Path) -> None:
    """bsu-2020 pays to the member's bank, whatever it is: a bank given as "" names none."""
    import bsu_rules

    record = {"nik": "3204125708940003", "kpj": "22041870213", "birth_date": "1994-08-17", "citizenship": "WNI",
              "participant_category": "PU", "employment_type": "private", "work_regency_code": "3204",
              "registered_on": "2018-02-05", "wages": [{"period": "2020-06", "amount": 3000000}],
              "contributions": [{"period": "2020-06", "amount": 100000, "paid_on": "2020-06-30"}],
              "program_receipts": [], "bank_account": {"bank": "", "number": "418201004566507"}}
    decision = bsu_rules.evaluate(bsu_rules.load_ruleset("bsu-2020"), record)
    assert (decision.outcome, decision.channel, decision.missing) == ("eligible", None, ["member.bank_account.bank"])
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(record) + "\n")
    run_batch("bsu-2020", source, tmp_path / "o.jsonl")
    [row] = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert (row["outcome"], row["channel"]) == ("eligible", None)


def test_a_month_of_year_0000_is_no_month_on_either_path(tmp_path: Path) -> None:
    record = {"nik": "3204125708940003", "citizenship": "WNI", "participant_category": "PU",
              "wages": [{"period": "0000-07", "amount": 1}]}
    with pytest.raises(InputError, match=r"wages\[0\]\.period: '0000-07' is not a month"):
        parse_member(record)
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(record) + "\n")
    counts = run_batch("bsu-2022", source, tmp_path / "o.jsonl")
    assert (counts.decided, counts.rejected) == (0, 1)


def test_a_run_never_writes_over_its_rule_file_or_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[1] / "rules", rules)
    table = rules / "tables" / "minimum-wage-2022.csv"
    kept = table.read_bytes()
    members = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    assert main(["batch", str(rules / "bsu-2022.yaml"), members, "--out", str(table), "--quiet"]) == 2
    assert "is a table of the rule file" in capsys.readouterr().err and table.read_bytes() == kept
    assert sorted(p.name for p in table.parent.iterdir() if p.name.startswith(".")) == []  # nothing left behind


def _not_utf8(values: pa.Array, i: int) -> pa.Array:
    """The strings with byte 0xff put into value ``i`` (Arrow builds such an array without checking)."""
    data = [None if v is None else v.encode() for v in values.to_pylist()]
    data[i] = data[i][:3] + b"\xff" + data[i][3:]
    ends = np.cumsum([0] + [len(v or b"") for v in data]).astype(np.int32)
    return pa.Array.from_buffers(pa.string(), len(data), [None, pa.py_buffer(ends), pa.py_buffer(b"".join(
        v or b"" for v in data))])


@pytest.mark.parametrize("engine", ["columnar", "scalar"])
def test_text_that_is_not_utf8_in_a_parquet_file_rejects_its_row(tmp_path: Path, engine: str) -> None:
    write_population(tmp_path / "m.parquet", 12, 1, malformed=False)
    table = pq.read_table(tmp_path / "m.parquet")
    bank, wages = table["bank_account"].combine_chunks(), table["wages"].combine_chunks()
    columns = {
        "kpj": _not_utf8(table["kpj"].combine_chunks(), 2), "nik": _not_utf8(table["nik"].combine_chunks(), 4),
        "bank_account": pa.StructArray.from_arrays(
            [_not_utf8(bank.field(f.name), 6) if f.name == "bank" else bank.field(f.name) for f in bank.type],
            fields=list(bank.type)),
        "wages": pa.ListArray.from_arrays(wages.offsets, pa.StructArray.from_arrays(
            [_not_utf8(wages.values.field(f.name), 1) if f.name == "period" else wages.values.field(f.name)
             for f in wages.values.type], fields=list(wages.values.type))),
    }
    for name, column in columns.items():
        table = table.set_column(table.schema.get_field_index(name), name, column)
    pq.write_table(table, tmp_path / "bad.parquet")
    counts = batch(tmp_path / "bad.parquet", tmp_path / "d.parquet", engine=engine)
    assert (counts.read, counts.decided, counts.rejected) == (12, 8, 4)
    rejects = [json.loads(line) for line in (tmp_path / "d.rejects.jsonl").read_text("utf-8").splitlines()]
    assert [(r["row"], r["message"]) for r in rejects] == [
        (1, "wages[1].period: not UTF-8 text"), (3, "kpj: not UTF-8 text"), (5, "nik: not UTF-8 text"),
        (7, "bank_account.bank: not UTF-8 text")]


def test_free_text_no_rule_reads_is_unread_in_a_parquet_file_by_either_engine(tmp_path: Path) -> None:
    """A name whose bytes are not UTF-8 neither rejects its row nor changes its decision, with either engine: both
    read the same fields of a Parquet file."""
    write_population(tmp_path / "m.parquet", 12, 1, malformed=False)
    table = pq.read_table(tmp_path / "m.parquet")
    table = table.set_column(table.schema.get_field_index("name"), "name", _not_utf8(table["name"].combine_chunks(), 3))
    pq.write_table(table, tmp_path / "bad.parquet")
    outputs = []
    for engine in ("columnar", "scalar"):
        counts = batch(tmp_path / "bad.parquet", tmp_path / f"{engine}.parquet", engine=engine)
        assert (counts.read, counts.decided, counts.rejected) == (12, 12, 0), engine
        outputs.append(pq.read_table(tmp_path / f"{engine}.parquet"))
    assert outputs[0].equals(outputs[1])


def test_free_text_no_rule_reads_is_unread_in_a_row_whose_nik_repeats(tmp_path: Path) -> None:
    """A name whose bytes are not UTF-8 in a row that shares its NIK with another rejects neither row: the
    rows whose NIK repeats are read whole only for their records' hashes."""
    write_population(tmp_path / "m.parquet", 12, 1, malformed=False)
    table = pq.read_table(tmp_path / "m.parquet")
    table = pa.concat_tables([table, table.slice(3, 1)])
    table = table.set_column(table.schema.get_field_index("name"), "name", _not_utf8(table["name"].combine_chunks(), 3))
    pq.write_table(table, tmp_path / "bad.parquet")
    counts = batch(tmp_path / "bad.parquet", tmp_path / "d.parquet", engine="columnar")
    assert (counts.read, counts.decided, counts.rejected) == (13, 13, 0)


@pytest.mark.parametrize("bad", [0, 1])
def test_an_eligible_row_whose_nik_repeats_is_paid_once_though_its_unread_name_is_not_utf8(
        tmp_path: Path, bad: int) -> None:
    """Two copies of an eligible record, one with a name that is not UTF-8 (a field no rule reads): the NIK is paid
    once, whichever copy holds the bad bytes; the copy is ranked by the hash of the fields read."""
    write_population(tmp_path / "m.parquet", 40, 1, malformed=False)
    table = pq.read_table(tmp_path / "m.parquet")
    batch(tmp_path / "m.parquet", tmp_path / "first.parquet", engine="columnar")
    outcomes = pq.read_table(tmp_path / "first.parquet").sort_by("row")["outcome"].to_pylist()
    one = outcomes.index("eligible")
    pair = pa.concat_tables([table.slice(one, 1), table.slice(one, 1)])
    pair = pair.set_column(pair.schema.get_field_index("name"), "name", _not_utf8(pair["name"].combine_chunks(), bad))
    pq.write_table(pair, tmp_path / "pair.parquet")
    for engine in ("columnar", "scalar"):
        counts = batch(tmp_path / "pair.parquet", tmp_path / f"{engine}.parquet", engine=engine)
        assert (counts.read, counts.decided, counts.rejected) == (2, 2, 0), engine
        decided = pq.read_table(tmp_path / f"{engine}.parquet").sort_by("row")
        assert decided["outcome"].to_pylist() == ["eligible", "eligible"], engine
        assert sorted(decided["benefit"].to_pylist(), key=str) == [600000, None], engine
        assert decided["duplicate_of"].null_count == 1, engine


def test_a_csv_cell_that_is_not_utf8_rejects_its_row_at_that_cell(tmp_path: Path) -> None:
    """One Latin-1 byte used to stop the whole run; now its record is rejected at the cell, with the
    record's other problems, and the other records are decided."""
    write_population(tmp_path / "m.csv", 4, 1, malformed=False)
    lines = (tmp_path / "m.csv").read_bytes().splitlines(keepends=True)
    header = next(csv.reader([lines[0].decode()]))
    at = header.index("name")

    def with_byte(line: bytes, column: int) -> bytes:
        cells = next(csv.reader([line.decode()]))
        cells[column] = cells[column][:2] + "\udce9" + cells[column][2:]
        out = __import__("io").StringIO()
        csv.writer(out, lineterminator="\n").writerow(cells)
        return out.getvalue().encode("utf-8", "surrogateescape")

    lines[2] = with_byte(lines[2], at)
    lines[4] = with_byte(lines[4], header.index("participant_category"))
    (tmp_path / "bad.csv").write_bytes(b"".join(lines))
    counts = batch(tmp_path / "bad.csv", tmp_path / "d.parquet")
    assert (counts.read, counts.decided, counts.rejected) == (4, 2, 2)
    rejects = [json.loads(line) for line in (tmp_path / "d.rejects.jsonl").read_text("utf-8").splitlines()]
    assert [(r["row"], r["field"], r["message"]) for r in rejects] == [
        (2, "name", "name: not UTF-8 text (byte 3 of the cell); save the file as UTF-8"),
        (4, "participant_category",
         "participant_category: not UTF-8 text (byte 3 of the cell); save the file as UTF-8")]


def test_a_column_dropped_by_ignore_unknown_is_not_read_for_utf8(tmp_path: Path) -> None:
    """--ignore-unknown drops a column the contract does not know: a byte that is not UTF-8 there
    used to reject the record."""
    write_population(tmp_path / "m.csv", 2, 1, malformed=False)
    header, *rows = (tmp_path / "m.csv").read_bytes().splitlines(keepends=True)
    body = header.rstrip(b"\n") + b",comment\n" + b"".join(r.rstrip(b"\n") + b",Jos\xe9\n" for r in rows)
    (tmp_path / "extra.csv").write_bytes(body)
    counts = batch(tmp_path / "extra.csv", tmp_path / "d.parquet", ignore_unknown=True)
    assert (counts.read, counts.decided, counts.rejected) == (2, 2, 0)


def test_a_header_is_shown_without_identifiers_and_never_cut_mid_word(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    write_population(tmp_path / "m.csv", 3, 1, malformed=False)
    lines = (tmp_path / "m.csv").read_text("utf-8").splitlines(keepends=True)
    nik = next(iter(csv.reader(lines[1:2])))[0]
    (tmp_path / "headless.csv").write_text("".join(lines[1:]), "utf-8")
    write_population(tmp_path / "m.parquet", 3, 1, malformed=False)
    table = pq.read_table(tmp_path / "m.parquet")
    for name in [nik, *(f"a_column_the_contract_does_not_know_{i}" for i in range(20))]:
        table = table.append_column(name, pa.nulls(3, pa.string()))
    pq.write_table(table, tmp_path / "wide.parquet")
    for source, says in (("headless.csv", "the first row looks like data, not a header: it names no field of the "
                                          "contract as a column (such as nik, citizenship, participant_category)"),
                         ("wide.parquet", "the file has column(s) the contract does not know: <16 digits>, "
                                          "a_column_the_contract_does_not_know_0, ")):
        assert main(["batch", "bsu-2022", str(tmp_path / source), "--out", str(tmp_path / "d.parquet"), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert says in err and nik not in err and nik[:12] not in err
    assert re.search(r"does_not_know_\d+ and \d+ more \(rename them", err)


@pytest.mark.parametrize("taken", ["d.parquet", "d.parquet.rejects.jsonl", "d.parquet.manifest.json", "missing/",
                                   "fifo", "file/"])
def test_an_output_path_that_cannot_be_written_is_refused_before_any_work(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, taken: str) -> None:
    """A folder, a named pipe (a reader would wait on it for ever once a file took its place), a missing
    folder or a file where the folder goes: refused, and nothing made or replaced."""
    write_population(tmp_path / "m.parquet", 20, 1, malformed=False)
    out = tmp_path / {"missing/": "missing/d.parquet", "file/": "file/d.parquet"}.get(taken, "d.parquet")
    if taken == "fifo":
        os.mkfifo(out)
    elif taken == "file/":
        out.parent.write_text("a file", "utf-8")
    elif taken != "missing/":
        (tmp_path / taken).mkdir()
    monkeypatch.setattr(batch_run, "decide_chunk", None)  # never reached
    assert main(["batch", "bsu-2022", str(tmp_path / "m.parquet"), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    said = {"missing/": f"{out}: the folder {out.parent} does not exist (--out)",
            "file/": f"{out}: the folder {out.parent} is a file, not a folder (--out)",
            "fifo": f"{out}: is a named pipe (FIFO), not a regular file"}.get(
        taken, f"{tmp_path / taken}: is a folder, not a file")
    assert said in err and ".partial-" not in err
    made = {"missing/": set(), "file/": {"file"}, "fifo": {"d.parquet"}}.get(taken, {taken})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"m.parquet", *made})
    assert taken != "fifo" or stat.S_ISFIFO(out.stat().st_mode)


def test_an_output_folder_is_refused_as_docs_exit_codes_says(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The messages docs/exit-codes.md quotes for an --out that is a folder: batch asks for a name
    ending in its format first, and names a folder that has one; impact names the folder."""
    members = str(Path(__file__).parents[1] / "examples" / "members.jsonl")
    for name in ("reports", "decisions.parquet"):
        (tmp_path / name).mkdir()
    for command, name, said in (("batch", "reports", "the output name must end in .parquet, .jsonl or .csv"),
                                ("batch", "decisions.parquet", "is a folder, not a file (--out)"),
                                ("impact", "reports", "is a folder, not a file (--out)")):
        assert main([command, "bsu-2022", members, "--out", str(tmp_path / name), "--quiet"]) == 2
        assert capsys.readouterr().err.strip().endswith(f"bsu-rules: {tmp_path / name}: {said}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["decisions.parquet", "reports"]
    assert not any((tmp_path / "reports").iterdir()) and not any((tmp_path / "decisions.parquet").iterdir())


def test_a_second_run_to_the_same_output_leaves_a_live_run_alone(population: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "d.parquet"
    live = [tmp_path / f".{name}.partial-{os.getppid()}-0a1b2c3d.parquet"  # a run going on in another process
            for name in ("d.parquet", "d.parquet.rejects.jsonl", "d.parquet.manifest.json")]
    dead = tmp_path / ".d.parquet.partial-99999999-deadbeef.parquet"
    for path in (*live, dead):
        path.write_bytes(b"PAR1 being written")
    run_batch("bsu-2022", population["folder"] / "m.parquet", out, engine="scalar")
    assert all(path.exists() for path in live) and not dead.exists()


@pytest.mark.skipif(os.name != "posix", reason="runs are known by their locks where files can be locked")
def test_a_run_is_known_to_go_on_by_its_lock_not_its_process_number(tmp_path: Path) -> None:
    """In containers every run may be process 1, and a process number seen from another namespace
    names another process: the lock a run holds says whether its files are still being written."""
    final = tmp_path / "d.parquet"
    elsewhere = f"{os.getpid()}-0a1b2c3d"  # a number that looks alive, of a run killed in another container
    (tmp_path / f".d.parquet.partial-{elsewhere}.parquet").write_bytes(b"PAR1 half written")
    (tmp_path / f".d.parquet.partial-{elsewhere}.lock").write_bytes(b"")  # its lock, no longer held
    going = "99999999-deadbeef"  # a number no process has here: a run going on in another namespace
    with claimed([final], going):
        (tmp_path / f".d.parquet.partial-{going}.parquet").write_bytes(b"PAR1 being written")
        removed = clean_stale(final)
        assert sorted(p.name for p in removed) == [f".d.parquet.partial-{elsewhere}.lock",
                                                    f".d.parquet.partial-{elsewhere}.parquet"]
        assert sorted(p.name for p in tmp_path.iterdir()) == [f".d.parquet.partial-{going}.lock",
                                                               f".d.parquet.partial-{going}.parquet"]
    assert [p.name for p in clean_stale(final)] == [f".d.parquet.partial-{going}.parquet"]  # ended: its lock gone
    assert not list(tmp_path.iterdir())


@pytest.mark.skipif(os.name != "posix", reason="runs are known by their locks where files can be locked")
def test_a_cleaner_never_finds_a_run_s_lock_unlocked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lock is locked before it takes its place: a cleaner that looks while a run takes it finds
    nothing of the run's to remove, and what a run killed while taking it left is removed."""
    from bsu_rules.batch import paths

    final, going, locks = tmp_path / "d.parquet", "99999999-deadbeef", []
    killed = tmp_path / f".d.parquet{paths.CLAIM}12345678-0a1b2c3d-00000000"  # left by a run killed in between
    notes = tmp_path / f".d.parquet{paths.CLAIM}notes.txt"  # not named as a run names its claim: never touched
    for path in (killed, notes):
        path.write_bytes(b"")
        os.utime(path, (0, 0))  # long ago
    real = paths.fcntl

    class Between:  # a cleaner runs just before each lock is taken
        LOCK_EX, LOCK_NB = real.LOCK_EX, real.LOCK_NB

        @staticmethod
        def flock(fd: int, how: int) -> None:
            if how == real.LOCK_EX:
                locks.append(sorted(p.name for p in clean_stale(final)))
            real.flock(fd, how)

    monkeypatch.setattr(paths, "fcntl", Between)
    with claimed([final], going):
        monkeypatch.setattr(paths, "fcntl", real)
        (tmp_path / f".d.parquet.partial-{going}.parquet").write_bytes(b"PAR1 being written")
        assert clean_stale(final) == []  # the run is known to go on: by its lock, whatever its number
        assert sorted(p.name for p in tmp_path.iterdir()) == [notes.name, f".d.parquet.partial-{going}.lock",
                                                               f".d.parquet.partial-{going}.parquet"]
    assert locks[0] == [killed.name] and all(not removed for removed in locks[1:])


def test_a_lock_that_cannot_be_taken_is_told_of_the_file_given(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    name = "a" * (255 - len(".parquet.rejects.jsonl.partial-1234567890-0a1b2c3d.lock") + 20) + ".parquet"
    members = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    assert main(["batch", "bsu-2022", str(members), "--out", str(tmp_path / name), "--quiet"]) == 2
    said = capsys.readouterr().err.splitlines()[-1]
    assert said.startswith(f"bsu-rules: {tmp_path / name}") and said.endswith(": file name too long")
    assert ".claim-" not in said and not list(tmp_path.iterdir())  # a hidden name never shown, nothing left


def test_the_manifest_is_the_commit_point(population: dict[str, Any], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out, rejects, manifest = (tmp_path / name for name in ("d.parquet", "d.rejects.jsonl", "d.parquet.manifest.json"))
    batch(population["folder"] / "m.parquet", out)
    named = json.loads(manifest.read_text("utf-8"))
    assert named["output"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert named["rejects"]["sha256"] == hashlib.sha256(rejects.read_bytes()).hexdigest()
    replace, moved = os.replace, []

    def killed_after_one(source: Any, target: Any) -> None:
        if moved:
            raise KeyboardInterrupt  # killed between two renames
        moved.append(target)
        replace(source, target)
    monkeypatch.setattr(os, "replace", killed_after_one)
    with pytest.raises(KeyboardInterrupt):
        batch(population["folder"] / "m.jsonl", out)
    monkeypatch.undo()
    assert moved == [rejects] and not manifest.exists()  # the new rejects beside the old decisions: not a run


@pytest.mark.parametrize("suffix", ["parquet", "jsonl", "csv"])
def test_an_input_replaced_while_it_is_read_commits_nothing(population: dict[str, Any], tmp_path: Path,
                                                             suffix: str) -> None:
    """The file is read more than once (its NIKs, the rows sharing one, its sha256): a file moved into its
    place meanwhile would settle one NIK, one payment from other rows than those decided."""
    source, out = tmp_path / f"in.{suffix}", tmp_path / "d.parquet"
    source.write_bytes((population["folder"] / f"m.{suffix}").read_bytes())
    reader = batch_run.open_input(source)
    (tmp_path / "other").write_bytes(source.read_bytes())
    os.replace(tmp_path / "other", source)  # the same bytes, another file: an export moved into place
    with pytest.raises(InputError, match="replaced or changed while it was read"):
        run_batch("bsu-2022", source, out, reader=reader)
    assert sorted(p.name for p in tmp_path.iterdir()) == [source.name]  # nothing written, nothing left behind
    run_batch("bsu-2022", source, out)  # opened after the move: a run as any other
    assert out.exists() and manifest_path(out).exists()


def test_an_input_rewritten_in_place_with_its_time_restored_commits_nothing(population: dict[str, Any],
                                                                             tmp_path: Path) -> None:
    """The same size, the same inode, the modification time put back: its change time still moves."""
    import time

    source, out = tmp_path / "in.jsonl", tmp_path / "d.parquet"
    source.write_bytes((population["folder"] / "m.jsonl").read_bytes())
    reader = batch_run.open_input(source)
    before = source.stat()
    time.sleep(0.01)
    with source.open("r+b") as f:  # one digit of a wage changed, in place
        data = f.read()
        at = data.index(b'"amount": ') + len(b'"amount": ')
        f.seek(at)
        f.write(b"9" if data[at:at + 1] != b"9" else b"8")
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (source.stat().st_size, source.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    with pytest.raises(InputError, match="replaced or changed while it was read"):
        run_batch("bsu-2022", source, out, reader=reader)
    assert not out.exists()


def test_evaluate_and_batch_number_a_jsonl_record_by_its_line(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    good = (Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0]
    (tmp_path / "m.jsonl").write_text(f"\n{good}\n\n  \n{{\"nik\": \"12\"}}\n{good}\n", "utf-8")
    assert main(["evaluate", "bsu-2022", str(tmp_path / "m.jsonl")]) == 1
    errors = [json.loads(line)["error"] for line in capsys.readouterr().out.splitlines() if '"error"' in line]
    assert main(["batch", "bsu-2022", str(tmp_path / "m.jsonl"), "--out", str(tmp_path / "d.jsonl"), "--quiet"]) == 1
    rejects = [json.loads(line) for line in (tmp_path / "d.jsonl.rejects.jsonl").read_text("utf-8").splitlines()]
    assert [e["record"] for e in errors] == [r["row"] for r in rejects] == [5]  # the line in the file
    assert sorted(pl.read_ndjson(tmp_path / "d.jsonl")["row"].to_list()) == [2, 6]
    capsys.readouterr()
    (tmp_path / "one.json").write_text("\n\n" + json.dumps({**json.loads(good), "nik": "12"}, indent=1), "utf-8")
    assert main(["evaluate", "bsu-2022", str(tmp_path / "one.json")]) == 1
    assert json.loads(capsys.readouterr().out.splitlines()[0])["error"]["record"] == 1  # a document: its first record


def test_blank_csv_lines_are_skipped_and_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_population(tmp_path / "m.csv", 3, 1, malformed=False)
    header, *rows = (tmp_path / "m.csv").read_text("utf-8").splitlines(keepends=True)
    (tmp_path / "b.csv").write_text("".join(["\n", header, rows[0], "\n", "  \r\n", *rows[1:], "\n"]), "utf-8")
    counts = batch(tmp_path / "b.csv", tmp_path / "d.jsonl")
    assert (counts.read, counts.decided, counts.rejected) == (3, 3, 0)
    assert pl.read_ndjson(tmp_path / "d.jsonl")["row"].to_list() == [1, 4, 5]
    assert main(["explain", "bsu-2022", str(tmp_path / "d.jsonl"), "--input", str(tmp_path / "b.csv"), "--row", "4",
                 "--lang", "en"]) == 0
    assert "Row 4 of " in capsys.readouterr().out


def test_the_manifest_names_files_from_its_own_folder(population: dict[str, Any], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for folder in ("in", "out", "kept", "elsewhere"):
        (tmp_path / folder).mkdir()
    (tmp_path / "in" / "m.jsonl").write_bytes((population["folder"] / "m.jsonl").read_bytes())
    monkeypatch.chdir(tmp_path / "elsewhere")
    run_batch("bsu-2022", "../in/m.jsonl", "../out/d.parquet", rejects="../kept/r.jsonl", engine="scalar")
    manifest = json.loads((tmp_path / "out" / "d.parquet.manifest.json").read_text("utf-8"))
    assert [manifest[k]["path"] for k in ("input", "output", "rejects")] == ["../in/m.jsonl", "d.parquet",
                                                                             "../kept/r.jsonl"]


def test_a_csv_record_over_1_mib_is_rejected_as_the_docs_say(tmp_path: Path) -> None:
    from bsu_rules.members.decode import TOO_LARGE

    write_population(tmp_path / "m.csv", 2, 1, malformed=False)
    header, *rows = (tmp_path / "m.csv").read_text("utf-8").splitlines(keepends=True)
    names = next(csv.reader([header]))
    cells = next(csv.reader([rows[0]]))
    cells[names.index("name")] = "x" * (1 << 20)
    with (tmp_path / "big.csv").open("w", encoding="utf-8", newline="") as f:
        f.write(header)
        csv.writer(f, lineterminator="\n").writerow(cells)
        f.write(rows[1])
    counts = batch(tmp_path / "big.csv", tmp_path / "d.jsonl")
    assert (counts.read, counts.decided, counts.rejected) == (2, 1, 1)
    said = f"(record): {TOO_LARGE}"
    assert said in (tmp_path / "d.rejects.jsonl").read_text("utf-8")
    docs = " ".join((Path(__file__).parents[1] / "docs" / "batch.md").read_text("utf-8").split())
    assert "A record over 1 MiB is a rejected row" in docs and "or a cell over 1 MiB" not in docs


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, a device that is always full")
@pytest.mark.parametrize("suffix", ["parquet", "jsonl", "csv"])
def test_a_full_disk_names_the_file_asked_for(tmp_path: Path, suffix: str) -> None:
    from bsu_rules.batch.write import Writer

    full = tmp_path / f".d.partial.{suffix}"
    full.symlink_to("/dev/full")  # every write to it fails as on a full disk
    members = pa.table({"nik": ["3215014107900001"] * 100_000})
    with pytest.raises(OSError) as caught, Writer(full, members.schema, shown=f"d.{suffix}") as writer:
        writer.write(members)
    assert caught.value.filename == f"d.{suffix}" and caught.value.errno == 28


def test_batch_and_generate_say_a_full_disk_in_plain_words(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "m.parquet"
    write_population(source, 2000, seed=3)

    def full(*a: Any, **k: Any) -> None:  # as Arrow says it
        raise OSError(28, "Error writing bytes to file. Detail: [errno 28] No space left on device")
    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    full_disk = "the disk is full (no space left to write it)"
    out, made = tmp_path / "d.parquet", tmp_path / "g.parquet"
    assert main(["batch", "bsu-2022", str(source), "--out", str(out), "--quiet"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"bsu-rules: {out}: {full_disk}"
    assert main(["generate", "--n", "10", "--out", str(made)]) == 2
    assert capsys.readouterr().err == f"bsu-rules: {made}: {full_disk}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.parquet"]
    missing = tmp_path / "nothere.parquet"
    assert main(["batch", "bsu-2022", str(missing), "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"bsu-rules: {missing}: no such file or folder"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a file-size limit is set in the child before it runs")
def test_a_file_size_limit_is_told_as_one_not_as_a_full_disk(tmp_path: Path) -> None:
    """``ulimit -f`` stops the write (EFBIG): the run said the file was "larger than the disk allows"."""
    import resource

    source = tmp_path / "m.parquet"
    write_population(source, 300, seed=3)
    done = subprocess.run([sys.executable, "-m", "bsu_rules", "batch", "bsu-2022", str(source), "--out",
                           str(tmp_path / "d.jsonl"), "--quiet"], capture_output=True, text=True,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000)))
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-1] == f"bsu-rules: {tmp_path / 'd.jsonl'}: the file would be larger than one " \
        "file may be here (a limit on a file's size: `ulimit -f`, or the file system's)"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.parquet"]


def test_a_csv_cell_written_as_python_is_told_so(tmp_path: Path) -> None:
    """pandas' to_csv writes a history cell as Python (``{'npp': ...}``, ``None``): the rejection says so, and
    how to write JSON, fully once a record; a cell that is not JSON otherwise keeps the parser's words."""
    record = json.loads((Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_text().split("\n")[0])
    record["bank_account"] = {"bank": "BRI", "number": None}
    source = tmp_path / "pd.csv"
    with source.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(record)
        out.writerow(["" if v is None else v for v in record.values()])  # str() of a dict or list, as pandas writes
        out.writerow(["" if v is None else json.dumps(v) if k == "employer" else v for k, v in record.items()])
        out.writerow(['{"npp": x}' if k == "employer" else json.dumps(v) if isinstance(v, (dict, list)) else
                      "" if v is None else v for k, v in record.items()])
    counts = run_batch("bsu-2022", source, tmp_path / "o.jsonl")
    assert counts.rejected == 3
    rejects = [json.loads(line)["message"] for line in (tmp_path / "o.jsonl.rejects.jsonl").read_text().splitlines()]
    told = ("not valid JSON: the cell is written as Python (single quotes, None, True, False), not JSON; write the "
            "cells with json.dumps (pandas: df[col] = df[col].map(json.dumps))")
    assert rejects[0].startswith(f"employer: {told}; wages: not valid JSON: written as Python too; ")
    assert "bank_account: not valid JSON: written as Python too" in rejects[0]
    assert rejects[1].startswith(f"wages: {told}; ")
    assert rejects[2] == "employer: not valid JSON (Expecting value at column 9)"


def test_csv_cells_written_as_python_are_told_once_for_the_file(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    record = json.loads((Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_text().split("\n")[0])
    source = tmp_path / "pd.csv"
    with source.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(record)
        out.writerows([["" if v is None else v for v in record.values()]] * 2)  # str() of a dict or list
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "o.jsonl"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.count("written as Python") == 1
    assert f"bsu-rules: {source}: 2 records with history cells written as Python, not JSON (as pandas' to_csv " \
           "writes dicts and lists): write the cells with json.dumps (pandas: df[col] = df[col].map(json.dumps))" in err


def test_an_input_that_is_not_a_regular_file_is_refused_at_once(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A named pipe is refused (exit 2, saying how to make it a file), not waited on for ever: the
    input is read more than once, and a pipe opened again waits for a writer that has gone."""
    import threading

    fifo = tmp_path / "members.jsonl"
    os.mkfifo(fifo)
    codes: list[int] = []
    args = ["batch", "bsu-2022", str(fifo), "--out", str(tmp_path / "d.jsonl"), "--quiet"]
    worker = threading.Thread(target=lambda: codes.append(main(args)), daemon=True)
    worker.start()
    worker.join(30)
    if worker.is_alive():  # let the open waiting on the pipe return, so the thread ends
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert codes == [2]
    err = capsys.readouterr().err
    assert f"{fifo}: a named pipe (FIFO): batch reads its input more than once" in err
    assert "cat ... > members.jsonl" in err and not (tmp_path / "d.jsonl").exists()


@pytest.mark.parametrize("which", ["--input", "decisions"])
def test_explain_refuses_a_pipe_without_waiting_on_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      which: str) -> None:
    """A named pipe given as the member file or the decisions is said to be one: reading it would
    wait for a writer for ever (asked by NIK too, where no decision is found and the input is searched)."""
    import threading

    source = tmp_path / "m.jsonl"
    source.write_text((Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8"), "utf-8")
    out = tmp_path / "d.jsonl"
    assert main(["batch", "bsu-2022", str(source), "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)
    given = [str(out), "--input", str(fifo)] if which == "--input" else [str(fifo), "--input", str(source)]
    codes: list[int] = []
    worker = threading.Thread(target=lambda: codes.append(main(["explain", "bsu-2022", *given, "--row", "2"])),
                              daemon=True)
    worker.start()
    worker.join(30)
    if worker.is_alive():  # let the open waiting on the pipe return, so the thread ends
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(5)
    assert codes == [2]
    named = "--input" if which == "--input" else "DECISIONS"
    assert f"bsu-rules: {fifo}: a named pipe (FIFO) ({named}): explain reads files the batch wrote and read" \
        in capsys.readouterr().err


@pytest.mark.parametrize("command", [
    ["doc", "{rules}/bsu-2022.yaml", "--out", "{rules}/bsu-2021.yaml"],
    ["doc", "{rules}/bsu-2022.yaml", "--out", "{rules}/tables/banks.csv"],
    ["generate", "--n", "10", "--out", "{rules}/tables/minimum-wage-2021.csv"],
    ["evaluate", "{rules}/bsu-2022.yaml", "{members}", "--log", "{rules}/tables/banks.csv", "--full-nik"],
    ["evaluate", "{rules}/bsu-2022.yaml", "{members}", "--log", "{rules}/decisions.yaml", "--full-nik"],
    ["evaluate", "{rules}/bsu-2022.yaml", "{members}", "--log", "{tmp}/l.jsonl", "--archive", "{rules}/glossary/a"],
    ["archive", "{rules}/bsu-2022.yaml", "--into", "{rules}/tests/a"],
])
def test_no_command_writes_among_the_rule_files(rules_copy: Path, tmp_path: Path, command: list[str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Another edition's rule file or table, which the command does not read, was written over."""
    members = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    before = {p: p.read_bytes() for p in rules_copy.rglob("*") if p.is_file()}
    args = [a.format(rules=rules_copy, members=members, tmp=tmp_path) for a in command]
    assert main(args) == 2
    assert "give" in capsys.readouterr().err.splitlines()[-1]
    assert {p: p.read_bytes() for p in rules_copy.rglob("*") if p.is_file()} == before


def test_rule_files_are_found_by_what_they_hold_and_their_tables_by_the_file_they_name(tmp_path: Path) -> None:
    """A rule file with a long comment first, a quoted key, a name in capitals; tables in a folder of any
    name, or reached through a link; a pipe named like YAML is never opened. A new file of another kind
    beside a rule file, or in an empty tests folder, is left to be written."""
    import os

    from bsu_rules.batch.guard import among_rules

    rules = Path(__file__).resolve().parents[1] / "rules"
    text = (rules / "bsu-2022.yaml").read_text("utf-8")
    layouts = {"long": ("# a note\n" * 2000 + text, "tables"), "quoted": (text.replace("ruleset:", '"ruleset":', 1),
                                                                      "tables"),
               "upper": (text, "tables"), "flat": (text.replace("file: tables/", "file: data/"), "data")}
    for name, (written, folder) in layouts.items():
        (tmp_path / name / folder).mkdir(parents=True)
        (tmp_path / name / folder / "banks.csv").write_text("x\n", "utf-8")
        (tmp_path / name / ("BSU-2022.YAML" if name == "upper" else "bsu-2022.yaml")).write_text(written, "utf-8")
        assert among_rules(tmp_path / name / folder / "banks.csv"), name
    (tmp_path / "flat" / "tables").symlink_to(tmp_path / "flat" / "data")
    assert among_rules(tmp_path / "flat" / "tables" / "banks.csv")
    assert among_rules(tmp_path / "flat" / "new.yaml")  # serve and check would read it as a rule file
    assert among_rules(tmp_path / "flat" / "decisions.jsonl") is None
    (tmp_path / "flat" / "tests").mkdir()
    assert among_rules(tmp_path / "flat" / "tests" / "decisions.jsonl") is None
    os.mkfifo(tmp_path / "flat" / "feed.yaml")
    assert among_rules(tmp_path / "flat" / "tests" / "d.jsonl") is None  # the pipe is not opened: no hang


def test_a_table_named_in_braces_is_guarded_too(tmp_path: Path) -> None:
    from bsu_rules.batch.guard import among_rules

    (tmp_path / "banks.csv").write_text("alias,bank\n", "utf-8")
    (tmp_path / "mine.yaml").write_text("ruleset: mine\ntables:\n  banks: {key: alias, file: banks.csv, value: bank}\n",
                                        "utf-8")
    assert among_rules(tmp_path / "banks.csv") == f"is a table of the rule file {tmp_path / 'mine.yaml'}"


@pytest.mark.parametrize("field", ["name", "bank_account.holder_name"])
def test_a_parquet_name_not_utf8_is_decided_and_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          field: str) -> None:
    """Free text the rules neither read nor check is not read from a Parquet file: bytes that are not UTF-8 there
    change no decision, and ``explain`` explains that row (the bad byte shown as U+FFFD) as batch decided it."""
    records = [json.loads(line) for line in
               (Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()]
    table = pa.Table.from_pylist(records)
    top, _, child = field.partition(".")
    column = table[top].combine_chunks()
    texts = column.field(child) if child else column
    data = [(t or "").encode() for t in texts.to_pylist()]
    data[3] += b"\xe9"
    offsets = np.cumsum([0] + [len(d) for d in data]).astype(np.int32)
    broken = pa.Array.from_buffers(pa.string(), len(data), [None, pa.py_buffer(offsets.tobytes()),
                                                            pa.py_buffer(b"".join(data))])
    if child:
        broken = pa.StructArray.from_arrays([broken if f.name == child else column.field(f.name)
                                             for f in column.type], fields=list(column.type), mask=column.is_null())
    pq.write_table(table.set_column(table.schema.get_field_index(top), top, broken), tmp_path / "m.parquet")
    assert main(["batch", "bsu-2022", str(tmp_path / "m.parquet"), "--out", str(tmp_path / "d.parquet")]) == 0
    assert "16 read = 16 decided + 0 rejected" in capsys.readouterr().out
    assert main(["explain", "bsu-2022", str(tmp_path / "d.parquet"), "--input", str(tmp_path / "m.parquet"),
                 "--row", "4", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Row 4 of" in out and "batch outcome: not eligible" in out



@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_a_field_no_record_holds_is_warned_once(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                suffix: str) -> None:
    """An export that left out the wages column decides every member undetermined on the wage ceiling: the
    run says why, once; an event date (null: no such event) and a field held by some record are not warned."""
    write_population(tmp_path / "m.parquet", 300, 1, malformed=False)
    table = pq.read_table(tmp_path / "m.parquet").drop(["wages"])
    source = tmp_path / f"no-wages{suffix}"
    if suffix == ".parquet":
        pq.write_table(table, source)
    else:
        source.write_text("".join(json.dumps({k: v for k, v in r.items() if v is not None}, default=str) + "\n"
                                  for r in table.to_pylist()), "utf-8")
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "d.parquet"), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.count("warning") == 1
    assert f"{source}: no record holds wages (the column is missing or empty): every member is decided without it" \
        in err
    assert pc.sum(pc.equal(pq.read_table(tmp_path / "d.parquet")["outcome"], "eligible")).as_py() in (None, 0)
    assert main(["batch", "bsu-2022", str(tmp_path / "m.parquet"), "--out", str(tmp_path / "e.parquet"),
                 "--quiet"]) == 0
    assert "warning" not in capsys.readouterr().err


EVENT_DATES = ("deceased_on", "membership_ended_on")


def _event_input(path: Path, records: list[dict[str, Any]], carried: tuple[str, ...]) -> None:
    """``records`` written to ``path`` (Parquet, CSV or JSON lines) with only the event dates ``carried``:
    the others left out of the file (no column, no key on any line)."""
    records = [{k: v for k, v in r.items() if k not in EVENT_DATES or k in carried} for r in records]
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
        return
    table = pa.Table.from_pylist(records, schema=TEXT_SCHEMA).cast(MEMBER_SCHEMA)
    table = table.drop([name for name in EVENT_DATES if name not in carried])
    if path.suffix == ".parquet":
        pq.write_table(table, path)
        return
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(table.column_names)
        for r in records:
            writer.writerow(["" if r.get(k) is None else json.dumps(r[k]) if isinstance(r[k], (dict, list))
                             else r[k] for k in table.column_names])


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_an_event_date_the_input_does_not_carry_is_warned_once(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               suffix: str) -> None:
    """An export that left out `deceased_on` decides every member as living, and pays one who died: the run
    says so, once for each event date it lacks; a column there and null in every row (nobody died) is not
    warned, and the counts are the same."""
    examples = [json.loads(line) for line in
                (Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[:2]]
    records = [r | {"deceased_on": None, "membership_ended_on": None} for r in examples]
    carrier = "key" if suffix == ".jsonl" else "column"
    absent = "no record has the key {}" if suffix == ".jsonl" else "no column {}"
    outs = []
    for carried in ((), EVENT_DATES):
        source = tmp_path / f"m{len(carried)}{suffix}"
        _event_input(source, records, carried)
        assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / f"d{len(carried)}.parquet"),
                     "--quiet"]) == 0
        out, err = capsys.readouterr()
        outs.append(out.splitlines()[::2])  # the summary and the count line (not the timing)
        if carried:
            assert "warning" not in err
            continue
        assert err.count("warning") == 2
        for name, decided in (("deceased_on", "not deceased"), ("membership_ended_on", "still a member")):
            assert (f"bsu-rules: warning: {source}: {absent.format(name)}: every member is decided as {decided} "
                    f"(the contract reads a missing event date as no event); add the {carrier}, null where there "
                    "was no event\n") in err
    assert outs[0] == outs[1] == [outs[0][0], "2 read = 2 decided + 0 rejected"]


def test_an_event_date_one_json_line_holds_or_the_rules_do_not_read_is_not_warned(
        rules_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """In JSON lines a key one record holds, even null, is carried; an event date no criterion reads (a rule
    file without membership-not-ended) decides nothing, so its absence is not told."""
    examples = [json.loads(line) for line in
                (Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[:2]]
    source = tmp_path / "m.jsonl"
    first, second = ({k: v for k, v in r.items() if k not in EVENT_DATES} for r in examples)
    source.write_text(json.dumps(first | {"deceased_on": None}) + "\n" + json.dumps(
        second | {"name": '"membership_ended_on": x'}) + "\n", "utf-8")  # a name holding the key's text is no key
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "d.parquet"), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.count("warning") == 1 and "no record has the key membership_ended_on" in err
    edition = rules_copy / "bsu-2022.yaml"
    text = edition.read_text("utf-8")
    start = text.index("  - id: membership-not-ended")
    edition.write_text(text[:start] + text[text.index("  - id:", start + 1):], "utf-8")
    assert main(["batch", str(edition), str(source), "--out", str(tmp_path / "e.parquet"), "--quiet"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_an_event_key_is_the_records_own_however_it_is_spelt(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A key spelt with JSON escapes (`"\\u0064eceased_on"`) is the key, and carried, whatever else the line holds
    (the plain word in a name); the same names inside `employer` (dropped with --ignore-unknown) are not the
    record's, and their absence is told."""
    examples = [{k: v for k, v in json.loads(line).items() if k not in EVENT_DATES} for line in
                (Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[:2]]
    escaped, nested = tmp_path / "escaped.jsonl", tmp_path / "nested.jsonl"
    escaped.write_text("".join(json.dumps(r | {"name": "deceased_on"})[:-1]  # the plain word elsewhere on the line
                               + ', "\\u0064eceased_on": null, "membership_ended_\\u006Fn": null}\n' for r in examples),
                       "utf-8")
    nested.write_text("".join(json.dumps(r | {"employer": r["employer"] | dict.fromkeys(EVENT_DATES)}) + "\n"
                              for r in examples), "utf-8")
    assert main(["batch", "bsu-2022", str(escaped), "--out", str(tmp_path / "e.parquet"), "--quiet"]) == 0
    assert "warning" not in capsys.readouterr().err
    assert main(["batch", "bsu-2022", str(nested), "--out", str(tmp_path / "n.parquet"), "--quiet",
                 "--ignore-unknown"]) == 0
    err = capsys.readouterr().err
    assert err.count("warning") == 2 and "no record has the key deceased_on" in err


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_evaluate_warns_of_a_missing_event_date_as_batch_does(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """`evaluate` of a file whose records all lack `deceased_on` decides them all as alive, as `batch` does, and
    says so in the same words; the key in one record (null), even one rejected for another field, is enough
    (the export has the field); nested in `employer` it is not the record's."""
    lines = (Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[:3]
    records = [{k: v for k, v in json.loads(line).items() if k not in EVENT_DATES} | {"membership_ended_on": None}
               for line in lines]
    records[1]["employer"] = records[1]["employer"] | {"deceased_on": None}  # rejected: not a field of employer
    monkeypatch.chdir(tmp_path)
    source = tmp_path / f"m{suffix}"
    warning = (f"bsu-rules: warning: {source.name}: no record has the key deceased_on: every member is decided as not "
               "deceased (the contract reads a missing event date as no event); add the key, null where there was "
               "no event\n")
    for carried in (None, 1, 2):  # in no record; in the rejected one; in a decided one
        given = [r | {"deceased_on": None} if i == carried else r for i, r in enumerate(records)]
        source.write_text("".join(json.dumps(r) + "\n" for r in given) if suffix == ".jsonl" else
                          json.dumps(given), "utf-8")
        runs = [["evaluate", "bsu-2022", source.name, "--on", "2022-09-05"]] + (
            [["batch", "bsu-2022", source.name, "--out", "d.parquet", "--quiet"]] if suffix == ".jsonl" else [])
        for run in runs:
            assert main(run) == 1  # one rejected
            err = capsys.readouterr().err
            assert (err.count("warning"), warning in err) == ((1, True) if carried is None else (0, False)), run


def test_a_required_field_or_a_run_that_decided_nothing_is_not_warned_as_a_blank_field(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file without `citizenship` has every row rejected, and says so; a file of lines that are not JSON
    decides nothing: neither is a field every member is decided without."""
    record = json.loads((Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    del record["citizenship"]
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    (tmp_path / "b.jsonl").write_text("{not json\n" * 3, "utf-8")
    for name in ("a", "b"):
        assert main(["batch", "bsu-2022", str(tmp_path / f"{name}.jsonl"), "--out", str(tmp_path / f"{name}.parquet"),
                     "--quiet"]) == 1
        assert "warning" not in capsys.readouterr().err


def test_the_spool_of_a_text_input_is_readable_by_the_run_alone(tmp_path: Path) -> None:
    """A JSONL or CSV input is parsed into a spool beside the output that holds the records whole (full NIKs,
    account numbers): it is made 0600 whatever the umask (it was 0644, and a killed run left it there), and
    never written through a file or a link already at its name."""
    from bsu_rules.batch.spool import Spool

    source = tmp_path / "m.jsonl"
    source.write_text((Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8"), "utf-8")
    seen: list[int] = []
    old = os.umask(0o022)
    try:
        spool = Spool(Reader(source, chunk_size=5), tmp_path / ".out.partial.arrow", lambda rows, niks: seen.append(1))
    finally:
        os.umask(old)
    assert stat.S_IMODE(spool.path.stat().st_mode) == 0o600 and sum(c.table.num_rows for c in spool) == 16
    target = tmp_path / "elsewhere"
    (tmp_path / ".link.arrow").symlink_to(target)
    with pytest.raises(FileExistsError):
        Spool(Reader(source, chunk_size=5), tmp_path / ".link.arrow", lambda rows, niks: None)
    assert not target.exists()
