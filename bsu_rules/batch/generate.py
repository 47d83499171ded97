"""A synthetic, deterministic population of BPJS Ketenagakerjaan members for batch runs.

Rows are drawn with numpy in blocks of ``BLOCK`` (block ``k`` uses the generator seeded
``(seed, k)``), so one ``n`` and ``seed`` always give the same file and ten million rows stream to
disk in bounded memory. A few rows per block are deliberately malformed (``MALFORMED`` in every
format, ``TEXT_MALFORMED`` only in JSONL and CSV). CSV files carry the nested fields
(``employer``, ``wages``, ``contributions``, ``program_receipts``, ``bank_account``) as JSON cells.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bsu_rules.batch.paths import claimed, clean_stale, temporary, writable
from bsu_rules.errors import on_path
from bsu_rules.members.arrow import MEMBER_SCHEMA

BLOCK = 250_000
_EPOCH = np.datetime64("1970-01-01", "D")

# (regency code, weight, wage level against the national median); high-minimum-wage areas first
REGIONS = [
    ("3171", 3, 1.35), ("3172", 3, 1.35), ("3173", 3, 1.35), ("3174", 4, 1.35), ("3175", 3, 1.35),
    ("3215", 4, 1.45), ("3216", 4, 1.45), ("3275", 3, 1.45), ("3276", 2, 1.30), ("3201", 3, 1.25),
    ("3671", 3, 1.30), ("3603", 2, 1.25), ("3578", 4, 1.30), ("3525", 2, 1.30), ("3515", 2, 1.30),
    ("2171", 3, 1.25), ("1571", 1, 1.00), ("1171", 1, 1.05), ("1101", 1, 0.90), ("3273", 3, 1.10),
    ("3204", 3, 0.95), ("3374", 3, 0.90), ("3471", 2, 0.75), ("3404", 1, 0.75), ("3573", 2, 0.90),
    ("3302", 1, 0.70), ("1271", 3, 1.00), ("1671", 2, 1.00), ("7371", 2, 1.05), ("6471", 1, 1.10),
    ("5171", 2, 0.95), ("1371", 1, 0.95), ("6171", 1, 0.95), ("9171", 1, 1.10),
]
GIVEN_F = ["Siti", "Dewi", "Sri", "Rina", "Fitri", "Nur", "Putri", "Ayu", "Wulan", "Indah", "Lestari", "Rahma"]
GIVEN_M = ["Agus", "Budi", "Dedi", "Joko", "Andi", "Yusuf", "Hendra", "Slamet", "Rizki", "Eko", "Bambang", "Fajar"]
FAMILY = ["Aminah", "Santoso", "Wijaya", "Hidayat", "Setiawan", "Kurniawan", "Lestari", "Pratama", "Handayani",
          "Susilo", "Wahyudi", "Anggraini", "Siregar", "Nasution", "Saputra", "Rahayu"]
WORDS = ["Maju", "Jaya", "Sejahtera", "Abadi", "Makmur", "Sentosa", "Karya", "Mandiri", "Nusantara", "Sinar",
         "Mulia", "Prima", "Tekstil", "Otomotif", "Logistik", "Pangan"]
LETTERS = [chr(65 + i) for i in range(26)]
Weights = tuple[tuple[str | None, int], ...]
SECTORS: Weights = (("C", 30), ("G", 20), ("H", 8), ("F", 8), ("I", 6), ("K", 5), ("N", 6), ("A", 5), ("P", 4),
                    ("Q", 4), ("J", 2), ("L", 2))
BANKS: Weights = (("BRI", 34), ("BNI", 15), ("Mandiri", 15), ("BTN", 5), ("BCA", 16), ("BSI", 6), ("CIMB", 5),
                  ("Danamon", 4))
EMPLOYMENT: Weights = (("private", 850), ("state_enterprise", 40), ("government_honorary", 30), ("pns", 20),
                       ("pppk", 15), ("tni", 5), ("polri", 5), (None, 35))
CATEGORIES: Weights = (("PU", 80), ("BPU", 12), ("JAKON", 5), ("PMI", 3))
PROGRAMS: Weights = (("PKH", 45), ("PRAKERJA", 25), ("BPUM", 15), ("BSU", 12), ("BSU_TEACHER", 3))
MONTHS = [f"2022-{m:02d}" for m in range(1, 14)]  # index 12 is "2022-13", used only by the bad-month fault

MALFORMED = ("nik-15-digits", "nik-letter", "bad-month", "negative-wage", "bad-category", "no-citizenship")
"""Faults every format carries: values the contract forbids."""
TEXT_MALFORMED = ("float-wage", "unknown-field", "bad-date", "nik-number", "not-json")
"""Faults of text files only: JSON types, field names and syntax (CSV: ``nik-number`` is a row
with one cell too many, ``not-json`` a history cell that is not JSON)."""
CSV_NAMES = {"nik-number": "extra-cell"}
"""A fault's name in a CSV file's summary, where it is another fault."""


@dataclass(frozen=True)
class Fault:
    """A deliberately malformed row: 0-based index in its block, and the kind."""

    index: int
    kind: str


def _days(d: str) -> int:
    return int((np.datetime64(d, "D") - _EPOCH).astype(int))


def _pick(rng: np.random.Generator, pairs: Weights, n: int) -> pl.Series:
    weights = np.array([w for _, w in pairs], dtype=float)
    return pl.Series([v for v, _ in pairs], dtype=pl.String).gather(
        rng.choice(len(pairs), size=n, p=weights / weights.sum()))


def _choose(rng: np.random.Generator, values: list[str], n: int) -> pl.Series:
    return pl.Series(values).gather(rng.integers(0, len(values), n))


def _digits(rng: np.random.Generator, n: int, width: int) -> pl.Series:
    return pl.Series(rng.integers(0, 10**width, n, dtype=np.int64)).cast(pl.String).str.zfill(width)


def _cat(parts: list[pl.Series], separator: str = "") -> pl.Series:
    return pl.select(pl.concat_str(parts, separator=separator)).to_series()


def _not_before(registered: np.ndarray, ended: np.ndarray) -> np.ndarray:
    """End days drawn, each one before its registration reflected after it (a membership cannot end
    before it begins, and the contract refuses a record that says so)."""
    return np.where(ended < registered, 2 * registered - ended, ended)


def _dates(days: np.ndarray, null: np.ndarray | None = None) -> pl.Series:
    out = pl.Series(days.astype(np.int32)).cast(pl.Date)
    return out if null is None else _nulls(out, null)


def _nulls(values: pl.Series, null: np.ndarray) -> pl.Series:
    return pl.select(pl.when(pl.lit(pl.Series(~null))).then(pl.lit(values))).to_series().alias(values.name)


def _lists(lengths: np.ndarray, fields: dict[str, pa.Array], null: np.ndarray) -> pa.Array:
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32))
    return pa.ListArray.from_arrays(offsets, pa.StructArray.from_arrays(list(fields.values()), names=list(fields)),
                                    mask=pa.array(null))


def _faults(rng: np.random.Generator, n: int) -> list[Fault]:
    kinds = MALFORMED + TEXT_MALFORMED
    per_kind = max(1, n // 100_000) if n >= 200 else 0
    rows = rng.choice(n, size=min(n, per_kind * len(kinds)), replace=False)
    return [Fault(int(r), kinds[i % len(kinds)]) for i, r in enumerate(rows)]


def block(n: int, seed: int, k: int = 0, malformed: bool = True) -> tuple[pa.Table, list[Fault]]:
    """Block ``k`` of the population (``n`` rows) and its deliberately malformed rows."""
    rng = np.random.default_rng([seed, k])
    faults = _faults(rng, n) if malformed else []
    kinds: dict[str, np.ndarray] = {}
    for f in faults:
        kinds.setdefault(f.kind, np.zeros(n, dtype=bool))[f.index] = True

    def fault(kind: str) -> np.ndarray:
        return kinds.get(kind, np.zeros(n, dtype=bool))
    w = np.array([r[1] for r in REGIONS], dtype=float)
    region = rng.choice(len(REGIONS), size=n, p=w / w.sum())
    codes = pl.Series([r[0] for r in REGIONS])
    home = codes.gather(np.where(rng.random(n) < 0.85, region, rng.integers(0, len(REGIONS), n)))

    # one person: NIK = home regency, district, birth day (+40 for women), month, year, serial
    female = rng.random(n) < 0.45
    born = rng.integers(_days("1964-01-01"), _days("2004-07-31"), n)
    ymd = pl.Series((_EPOCH + born.astype("timedelta64[D]")).astype(str))
    index = k * BLOCK + np.arange(n, dtype=np.int64)
    day = (ymd.str.slice(8, 2).cast(pl.Int64) + np.where(female, 40, 0)).cast(pl.String).str.zfill(2)
    nik = _cat([home, pl.Series((index // 9999) % 99 + 1).cast(pl.String).str.zfill(2), day,
                         ymd.str.slice(5, 2), ymd.str.slice(2, 2),
                         pl.Series(index % 9999 + 1).cast(pl.String).str.zfill(4)])
    given = _choose(rng, GIVEN_F, n).zip_with(pl.Series(female), _choose(rng, GIVEN_M, n))
    name = _cat([given, _choose(rng, FAMILY, n)], separator=" ")
    kpj = _cat([pl.Series(rng.integers(10, 23, n)).cast(pl.String), _digits(rng, n, 9)])

    # ~1.1% of rows are a person already drawn: a second employer (new KPJ), a tenth of them the same KPJ
    target = np.flatnonzero(rng.random(n) < 0.011)
    source = (target + rng.integers(1, max(n, 2), target.size)) % max(n, 1)
    person, card = np.arange(n), np.arange(n)
    person[target] = source
    same_card = rng.random(target.size) < 0.1
    card[target[same_card]] = source[same_card]
    nik, name, born, kpj = nik.gather(person), name.gather(person), born[person], kpj.gather(card)

    category = _pick(rng, CATEGORIES, n)
    # ~4% registered in the cut-off month itself; none after the data date (31 July 2022): a record read then
    # cannot hold a later registration (the registration criterion fails only for a record read later)
    recent = rng.random(n) < 0.04
    registered = np.where(recent, rng.integers(_days("2022-07-01"), _days("2022-08-01"), n),
                          rng.integers(_days("2005-01-01"), _days("2022-07-31"), n))
    employer = pl.DataFrame({
        "npp": _cat([_choose(rng, LETTERS, n), _choose(rng, LETTERS, n), _digits(rng, n, 6)]),
        "name": _cat([pl.Series(np.where(rng.random(n) < 0.85, "PT", "CV")), _choose(rng, WORDS, n),
                               _choose(rng, WORDS, n)], separator=" "),
        "sector": _pick(rng, SECTORS, n)}).to_struct("employer")
    employer = _nulls(employer, (category == "BPU").to_numpy() & (rng.random(n) < 0.8))

    # wages: three monthly reports ending July 2022; a long tail
    level = np.array([r[2] for r in REGIONS])[region]
    wage = np.exp(rng.normal(np.log(2_850_000 * level), 0.28))
    wage = np.where(rng.random(n) < 0.08, wage * (1.0 + rng.pareto(2.2, n)), wage)
    wage = np.where(rng.random(n) < 0.03, 3_500_000, np.maximum(np.round(wage, -4), 1_500_000)).astype(np.int64)
    months = np.tile(4 + np.arange(3), n)
    amounts = np.repeat(wage, 3)
    raised = np.repeat(rng.random(n) < 0.2, 3) & (np.tile(np.arange(3), n) == 2)
    amounts = np.where(raised, amounts * 105 // 100 // 1000 * 1000, amounts)
    w_months, w_amounts = months.copy(), amounts.copy()
    w_months[3 * np.flatnonzero(fault("bad-month")) + 2] = 12
    bad = 3 * np.flatnonzero(fault("negative-wage")) + 2
    w_amounts[bad] = -w_amounts[bad]
    wages = _lists(np.full(n, 3), {"period": pl.Series(MONTHS).gather(w_months).to_arrow(),
                                   "amount": pa.array(w_amounts)},
                   (rng.random(n) < 0.01) & ~fault("bad-month") & ~fault("negative-wage"))

    # contributions: the same months, paid on the 10th-15th of the next month; arrears for some
    billed = np.where(rng.random(n) < 0.02, 2, 3)  # 2: July not billed
    keep = (np.arange(3)[None, :] < billed[:, None]).ravel()
    c_months = months[keep]
    first_of_next = np.array([_days(f"2022-{m + 2:02d}-01") if m < 11 else _days("2023-01-01") for m in range(13)])
    paid = first_of_next[c_months] + rng.integers(9, 15, c_months.size)
    arrears = rng.choice([0, 2, 3, 4], size=n, p=[0.94, 0.025, 0.025, 0.01])
    position = np.tile(np.arange(3), n)[keep]
    unpaid = position >= np.repeat(billed - arrears, billed)
    contributions = _lists(billed, {"period": pl.Series(MONTHS).gather(c_months).to_arrow(),
                                    "amount": pa.array(amounts[keep] * 924 // 10_000),
                                    "paid_on": pa.array(paid.astype(np.int32), pa.date32(), mask=unpaid)},
                           rng.random(n) < 0.005)
    counts = rng.choice([0, 1, 2], size=n, p=[0.85, 0.13, 0.02])
    total = int(counts.sum())
    receipts = _lists(counts, {"program": _pick(rng, PROGRAMS, total).to_arrow(),
                               "year": pa.array(rng.integers(2020, 2023, total).astype(np.int32))},
                      rng.random(n) < 0.03)
    bank = pl.DataFrame({"bank": _pick(rng, BANKS, n), "number": _digits(rng, n, 13),
                         "holder_name": name}).to_struct("bank_account")
    bank = _nulls(bank, rng.random(n) < 0.08)

    flat = pl.DataFrame({
        "nik": nik, "kpj": kpj, "name": name, "birth_date": _dates(born),
        "citizenship": pl.Series(np.where(rng.random(n) < 0.995, "WNI", "WNA")),
        "participant_category": category, "employment_type": _pick(rng, EMPLOYMENT, n),
        "work_regency_code": codes.gather(region), "employer": employer, "registered_on": _dates(registered),
        "membership_ended_on": _dates(_not_before(registered, rng.integers(_days("2019-01-01"), _days("2023-06-30"),
                                                                           n)), rng.random(n) >= 0.02),
        "deceased_on": _dates(rng.integers(_days("2020-01-01"), _days("2022-12-31"), n), rng.random(n) >= 0.003),
    })
    flat = _break(flat, kinds)
    arrays = {**{c: flat[c].to_arrow() for c in flat.columns}, "wages": wages, "contributions": contributions,
              "program_receipts": receipts, "bank_account": bank.to_arrow()}
    return pa.table({f.name: arrays[f.name].cast(f.type) for f in MEMBER_SCHEMA}), faults


def _break(flat: pl.DataFrame, kinds: dict[str, np.ndarray]) -> pl.DataFrame:
    """Scalar values the contract forbids, for the faults every format carries."""
    def at(kind: str) -> np.ndarray:
        return np.flatnonzero(kinds.get(kind, np.zeros(flat.height, dtype=bool)))
    nik = flat["nik"]
    nik = nik.scatter(at("nik-15-digits"), nik.gather(at("nik-15-digits")).str.slice(0, 15))
    nik = nik.scatter(at("nik-letter"), nik.gather(at("nik-letter")).str.replace(r"^(\d{9})\d", "${1}O"))
    return flat.with_columns(nik, flat["participant_category"].scatter(at("bad-category"), "PPU"),
                             flat["citizenship"].scatter(at("no-citizenship"), None))


# --- files ---------------------------------------------------------------------------------------

NESTED = ("employer", "wages", "contributions", "program_receipts", "bank_account")


def _text_fault(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """A JSON record with a fault of the kind only text can carry (except ``not-json``)."""
    if kind == "float-wage":
        amount = float((record.get("wages") or [{"amount": 3_400_000}])[-1]["amount"])
        record["wages"] = [{"period": "2022-07", "amount": amount}]
    elif kind == "unknown-field":
        record["salary"] = 3_400_000
    elif kind == "bad-date":
        record["registered_on"] = "2022-02-30"
    elif kind == "nik-number":
        record["nik"] = int(record["nik"]) if str(record["nik"]).isdigit() else 3215014107900001
    return record


def _jsonl(table: pa.Table, faults: list[Fault]) -> bytes:
    buffer = io.BytesIO()
    pl.from_arrow(table).write_ndjson(buffer)  # type: ignore[union-attr]
    lines = buffer.getvalue().split(b"\n")
    for f in faults:
        if f.kind == "not-json":
            lines[f.index] = lines[f.index][: len(lines[f.index]) // 2]
        elif f.kind in TEXT_MALFORMED:
            lines[f.index] = json.dumps(_text_fault(f.kind, json.loads(lines[f.index]))).encode()
    return b"\n".join(lines)


def _csv(table: pa.Table, faults: list[Fault], header: bool) -> bytes:
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    df = df.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    df = df.with_columns(pl.struct(c).struct.json_encode().str.slice(len(c) + 4).str.strip_suffix("}")
                         .replace("null", None).alias(c) for c in NESTED)
    edits: dict[str, Callable[[str | None], str]] = {
        "float-wage": lambda _: '[{"period":"2022-07","amount":3400000.0}]',
        "unknown-field": lambda cell: json.dumps({**json.loads(cell or "{}"), "ceo": "Budi"}),
        "bad-date": lambda _: "2022-02-30", "not-json": lambda _: "[{period: 2022-07}]"}
    column = {"float-wage": "wages", "unknown-field": "employer", "bad-date": "registered_on",
              "not-json": "wages"}
    for f in faults:
        if f.kind in edits:
            name = column[f.kind]
            df = df.with_columns(df[name].scatter(f.index, edits[f.kind](df[name][f.index])))
    buffer = io.BytesIO()
    df.write_csv(buffer, include_header=header, date_format="%Y-%m-%d")
    lines = buffer.getvalue().split(b"\n")
    for f in faults:
        if f.kind == "nik-number":  # CSV has no types: one cell too many instead
            lines[f.index + header] += b",extra"
    return b"\n".join(lines)


def write_population(path: str | Path, n: int, seed: int, malformed: bool = True,
                     progress: Callable[[int, int], None] | None = None) -> Counter[str]:
    """Write ``n`` members to ``.parquet``, ``.jsonl`` or ``.csv``; return the faults by kind.
    ``progress`` is told of each block written: the rows written so far, and the block's.

    The file is written under a hidden temporary name beside ``path`` and renamed into place when
    complete: interrupted, or out of disk space, nothing is left at ``path``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".jsonl", ".csv"):
        raise ValueError(f"{path}: the output must end in .parquet, .jsonl or .csv")
    writable({"--out": path})
    clean_stale(path)
    run = f"{os.getpid()}-{secrets.token_hex(4)}"
    partial = temporary(path, run)
    made: Counter[str] = Counter()
    with claimed([path], run):
        try:
            with contextlib.ExitStack() as stack:
                writer = stack.enter_context(pq.ParquetWriter(partial, MEMBER_SCHEMA, compression="zstd")) \
                    if suffix == ".parquet" else None
                text = None if writer else stack.enter_context(partial.open("wb"))
                for k in range((n + BLOCK - 1) // BLOCK):
                    table, faults = block(min(BLOCK, n - k * BLOCK), seed, k, malformed)
                    if writer is not None:
                        faults = [f for f in faults if f.kind in MALFORMED]
                        writer.write_table(table, row_group_size=BLOCK)
                    elif text is not None:
                        text.write(_jsonl(table, faults) if suffix == ".jsonl" else _csv(table, faults, header=k == 0))
                    made.update(CSV_NAMES.get(f.kind, f.kind) if suffix == ".csv" else f.kind for f in faults)
                    if progress is not None:
                        progress(k * BLOCK + table.num_rows, table.num_rows)
            os.replace(partial, path)
        except OSError as exc:  # a full disk: named as the file asked for
            raise on_path(exc, path) from None
        finally:
            partial.unlink(missing_ok=True)
    return made
