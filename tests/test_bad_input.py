"""The bad-input corpus: every command on every case gives a clear message or the right result,
the documented exit status, and never a traceback (nor an internal error)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bsu_rules import InputError, RuleSet
from bsu_rules import evaluate as decide
from bsu_rules.cli import main
from bsu_rules.members import parse_record

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES_FILE = str(ROOT / "examples" / "members.jsonl")
EXAMPLES = Path(EXAMPLES_FILE).read_text("utf-8").splitlines()
GOOD = json.loads(EXAMPLES[0])
HEADER = "nik,citizenship,participant_category,wages"


def _jsonl(*lines: bytes | str) -> bytes:
    return b"".join((line.encode() if isinstance(line, str) else line) + b"\n" for line in lines)


def _record(**changes: object) -> str:
    return json.dumps({**GOOD, **changes}, ensure_ascii=False)


Case = tuple[str, Callable[[Path], list[str]], set[int], str]


def _file(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path
    return make


def evaluate(name: str, data: bytes | str, *extra: str) -> Callable[[Path], list[str]]:
    return lambda tmp: ["evaluate", "bsu-2022", str(_file(name, data)(tmp)), *extra]


def batch(name: str, data: bytes | str, *extra: str) -> Callable[[Path], list[str]]:
    return lambda tmp: ["batch", "bsu-2022", str(_file(name, data)(tmp)), "--out", str(tmp / "d.jsonl"), "--quiet",
                        *extra]


def _parquet(tmp: Path) -> list[str]:
    path = tmp / "m.parquet"
    pq.write_table(pa.table({"nik": ["3215014107900001"] * 50, "citizenship": ["WNI"] * 50,
                             "participant_category": ["PU"] * 50}), path)
    data = bytearray(path.read_bytes())
    data[10:60] = b"\x00" * 50
    path.write_bytes(bytes(data))
    return ["batch", "bsu-2022", str(path), "--out", str(tmp / "d.jsonl"), "--quiet"]


def _fifo_table(tmp: Path) -> list[str]:
    rules = tmp / "rules"
    rules.mkdir()
    os.mkfifo(rules / "fifo.csv")
    text = (ROOT / "rules" / "bsu-2022.yaml").read_text("utf-8")
    (rules / "r.yaml").write_text(text.replace("tables/minimum-wage-2022.csv", "fifo.csv"), "utf-8")
    return ["check", str(rules / "r.yaml")]


def _rule(text: str) -> Callable[[Path], list[str]]:
    return lambda tmp: ["check", str(_file("r.yaml", text)(tmp))]


GOODS = [EXAMPLES[i] for i in range(5)]
INDENTED = len(json.dumps(GOOD, indent=2).splitlines())  # the lines of one record printed with indents
CASES: list[Case] = [
    ("evaluate: a non-UTF-8 line among good ones", evaluate("m.jsonl", _jsonl(*GOODS, b'{"nik": "\xff"}', *GOODS[:3])),
     {1}, "not UTF-8"),
    ("evaluate: JSON nested 100k deep", evaluate("m.jsonl", _jsonl(GOODS[0], "[" * 100_000 + "]" * 100_000)),
     {1}, "nested too deeply"),
    ("evaluate: a 5000-digit integer", evaluate("m.jsonl", _jsonl(GOODS[0], '{"nik": ' + "9" * 5000 + "}")),
     {1}, "more than 30 digits"),
    ("evaluate: NaN", evaluate("m.jsonl", _jsonl('{"nik": NaN}')), {1}, "not a JSON number"),
    ("evaluate: a record over 1 MiB", evaluate("m.jsonl", _jsonl(_record(name="x" * (1 << 20)), GOODS[0])),
     {1}, "larger than"),
    ("evaluate: UTF-8 BOM", evaluate("m.jsonl", b"\xef\xbb\xbf" + _jsonl(*GOODS)), {0}, ""),
    ("evaluate: UTF-16 file", evaluate("m.jsonl", "\n".join(GOODS).encode("utf-16")), {2}, "UTF-16"),
    ("evaluate: a JSON array in .jsonl", evaluate("m.jsonl", json.dumps([GOOD, GOOD])), {0}, ""),
    ("evaluate: a broken JSON document", evaluate("m.json", '{\n "nik": '), {2}, "not valid JSON"),
    ("evaluate: a first line giving a key twice, not .jsonl", evaluate("m.json", _jsonl(
        GOODS[0].replace('"kpj"', '"nik": "3204125708940099", "kpj"'), *GOODS[1:])), {1},
     "5 read = 4 decided + 1 rejected"),
    ("evaluate: a first line cut short, not .jsonl", evaluate("m.txt", _jsonl(GOODS[0][:50], *GOODS[1:])), {1},
     "5 read = 4 decided + 1 rejected"),
    ("evaluate: a lone line cut short, not .jsonl", evaluate("m.txt", _jsonl(GOODS[0][:50])), {1},
     "1 read = 0 decided + 1 rejected"),  # a record, as in a .jsonl file: not a failed run without a count
    ("evaluate: a list on one line cut short", evaluate("m.txt", json.dumps([GOOD] * 3)[:-30]), {2},
     "not valid JSON"),  # its records are not one rejected record
    ("evaluate: a record printed with indents", evaluate("m.json", json.dumps(GOOD, indent=2)), {0},
     "1 read = 1 decided"),
    ("evaluate: a record printed with indents, saved as .jsonl", evaluate("m.jsonl", json.dumps(GOOD, indent=2)),
     {0}, "1 read = 1 decided + 0 rejected"),  # as from a .json file or standard input: not 55 lines rejected
    ("evaluate: a record printed with indents giving a key twice, in .jsonl", evaluate("m.jsonl", json.dumps(
        GOOD, indent=2).replace('"kpj"', '"nik": "3204125708940099",\n  "kpj"')), {1},
     "1 read = 0 decided + 1 rejected"),
    ("evaluate: a record printed with indents after a JSON line", evaluate("m.jsonl", _jsonl(
        GOODS[0], json.dumps(GOOD, indent=2))), {1}, f"{1 + INDENTED} read = 1 decided + {INDENTED} rejected"),
    ("evaluate: a first line cut short in .jsonl", evaluate("m.jsonl", _jsonl(GOODS[0][:50], *GOODS[1:])), {1},
     "5 read = 4 decided + 1 rejected"),
    ("evaluate: a first line cut short and a broken line in .jsonl", evaluate("m.jsonl", _jsonl("{", "{", GOODS[1])),
     {1}, "3 read = 1 decided + 2 rejected"),
    ("evaluate: a list over 1 MiB on one line", evaluate("m.json", json.dumps([GOOD] * 1500)), {0},
     "1500 read = 1500 decided"),
    ("evaluate: a list with a record giving a key twice", evaluate("m.json", "[" + ",".join(
        [GOODS[0], GOODS[1].replace('"kpj"', '"kpj": "1", "kpj"'), GOODS[2], _record(wages=float("nan"))]) + "]"),
     {1}, "4 read = 2 decided + 2 rejected"),
    ("evaluate: a list with a record nested too deeply", evaluate("m.json", "[" + ",".join(
        [GOODS[0], '{"nik": ' + "[" * 1200 + "]" * 1200 + "}", GOODS[1]]) + "]"),
     {1}, "3 read = 2 decided + 1 rejected"),
    ("evaluate: a list with a record nested 600 deep", evaluate("m.json", "[" + ",".join(
        [GOODS[0], GOODS[1][:-1] + ', "note": ' + "[" * 600 + "]" * 600 + "}", GOODS[2]]) + "]"),
     {1}, "3 read = 2 decided + 1 rejected"),
    ("evaluate: a line nested 600 deep", evaluate("m.jsonl", _jsonl(
        GOODS[1][:-1] + ', "note": ' + "[" * 600 + "]" * 600 + "}", GOODS[2])), {1}, "nested too deeply"),
    ("evaluate: full-width regency code", evaluate("m.jsonl", _jsonl(_record(work_regency_code="３２１５"))),
     {1}, "work_regency_code"),
    ("evaluate: a regency code of no province", evaluate("m.jsonl", _jsonl(_record(work_regency_code="9999"))),
     {1}, "'9999' is not a regency or city code of Kemendagri"),
    ("batch: a regency code of no province", batch("m.jsonl", _jsonl(_record(work_regency_code="0012"))), {1},
     "0 decided + 1 rejected"),
    ("evaluate: Arabic-Indic NIK digit", evaluate("m.jsonl", _jsonl(_record(nik="321501410790000٣"))), {1}, "nik"),
    ("evaluate: a timestamp for a date", evaluate("m.jsonl", _jsonl(_record(
        registered_on="2021-03-02T08:00:00+07:00"))), {1},
     "registered_on: '<18 digits>' is a date and a time: write the date alone, YYYY-MM-DD (2021-03-02)"),
    ("evaluate: a date as a number", evaluate("m.jsonl", _jsonl(_record(registered_on=0))), {1}, "registered_on"),
    ("evaluate: 2**63 rupiah", evaluate("m.jsonl", _jsonl(_record(wages=[{"period": "2022-07", "amount": 2**63}]))),
     {1}, "wages[0].amount"),
    ("evaluate: a NIK in a wage's place", evaluate("m.jsonl", _jsonl(_record(wages=[
        {"period": "2022-07", "amount": 3204125708940003}]))), {1}, "wages[0].amount: <16 digits> is too large"),
    ("evaluate: the largest amount", evaluate("m.jsonl", _jsonl(_record(wages=[
        {"period": "2022-07", "amount": 9_999_999_999}]))), {0}, "1 read = 1 decided"),  # ineligible, decided
    ("evaluate: a period twice, different rows", evaluate("m.jsonl", _jsonl(_record(wages=[
        {"period": "2022-07", "amount": 1}, {"period": "2022-07", "amount": 2}]))), {1}, "wages[1].period"),
    ("evaluate: an empty file", evaluate("m.jsonl", b""), {0}, "m.jsonl: the file is empty: no member record in it"),
    ("evaluate: binary garbage", evaluate("m.jsonl", bytes(range(256)) * 40), {1}, "not"),
    ("evaluate: a folder", lambda tmp: ["evaluate", "bsu-2022", str(tmp)], {2}, "is a folder, not a file"),
    ("batch: a folder", lambda tmp: ["batch", "bsu-2022", str(EXAMPLES_FILE.rsplit("/", 1)[0]), "--out",
                                     str(tmp / "d.parquet")], {2},
     "is a folder, not a file: give a member file (.parquet, .jsonl or .csv), such as "),
    ("evaluate: --log a folder",
     lambda tmp: ["evaluate", "bsu-2022", EXAMPLES_FILE, "--log", str(tmp), "--full-nik"], {2},
     "is a folder: give the file the decisions are appended to"),
    ("evaluate: CSV saved as .jsonl", evaluate("m.jsonl", f"\ufeff{HEADER}\n3215014107900001,WNI,PU,[]\n"), {2},
     "m.jsonl: CSV text (its first line is a header naming nik): this command reads JSON"),
    ("evaluate: semicolon CSV saved as .jsonl", evaluate("m.jsonl", "nik;citizenship\n3215014107900001;WNI\n"), {2},
     "m.jsonl: CSV text (its first line is a header naming nik)"),
    ("batch: CSV saved as .jsonl", batch("m.jsonl", '"nik","citizenship"\n3215014107900001,WNI\n'), {2},
     "not JSON lines: name the file .csv"),
    ("evaluate: --log a member file", lambda tmp: ["evaluate", "bsu-2022", EXAMPLES_FILE, "--full-nik", "--log",
                                                   str(_file("m.jsonl", Path(EXAMPLES_FILE).read_text("utf-8"))(tmp))],
     {2}, "the file is no decision log (decisions `evaluate` printed, or a member file?)"),
    ("batch: an Excel workbook", batch("m.xlsx", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 20
                                       + b"[Content_Types].xml" + b"\x00" * 40), {2},
     "m.xlsx: a spreadsheet workbook or another office document, not text: save the members from the spreadsheet"),
    ("batch: an old Excel workbook saved as .csv", batch("m.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
     {2}, "m.csv: a spreadsheet workbook or another office document, not text"),
    ("evaluate: --log empty", lambda tmp: ["evaluate", "bsu-2022", EXAMPLES_FILE, "--log", ""], {2},
     "--log is empty: give the file the decisions are appended to"),
    ("evaluate: --archive empty", lambda tmp: ["evaluate", "bsu-2022", EXAMPLES_FILE, "--archive", " "], {2},
     "--archive is empty: give the folder"),
    ("evaluate: --log a CSV file", lambda tmp: ["evaluate", "bsu-2022", EXAMPLES_FILE, "--full-nik", "--log",
                                                str(_file("m.csv", f"{HEADER}\n3215014107900001,WNI,PU,[]\n")(tmp))],
     {2}, "m.csv: line 1: malformed: not JSON (expecting value at column 1): the file is no decision log"),
    ("evaluate: --log in a folder not there, archived before",
     lambda tmp: ["evaluate", "bsu-2022", EXAMPLES_FILE, "--log", str(tmp / "nodir" / "d.jsonl"), "--full-nik",
                  "--archive", str(tmp / "archive")], {2}, "nodir does not exist (--log): make it"),
    ("evaluate: --log the input, not there yet",
     lambda tmp: ["evaluate", "bsu-2022", str(tmp / "new.jsonl"), "--log", str(tmp / "new.jsonl"), "--full-nik"],
     {2}, "new.jsonl is also an input: give the log a path of its own"),
    ("evaluate: --log the key file", lambda tmp: ["evaluate", "bsu-2022", EXAMPLES_FILE, "--log",
                                                  str(_file("k.txt", "a key")(tmp)), "--key-file", str(tmp / "k.txt")],
     {2}, "k.txt is also --key-file: give the log a path of its own"),
    ("evaluate: --archive a file", lambda tmp: ["evaluate", "bsu-2022", EXAMPLES_FILE, "--archive",
                                                str(_file("a.txt", "x")(tmp))], {2}, "is a file: give the folder"),
    ("evaluate: an impossible date", lambda tmp: ["evaluate", "bsu-2022", "-", "--on", "2022-02-30"], {2}, "date"),
    ("batch: non-UTF-8 CSV", batch("m.csv", f"{HEADER}\n3215014107900001,WNI,PU,\xe9\n".encode("latin-1")),
     {1}, "1 read = 0 decided + 1 rejected"),
    ("batch: non-UTF-8 CSV, record 1500", batch("m.csv", (HEADER + "\n" + "3215014107900001,WNI,PU,[]\n" * 1499
                                                          + "3215014107900001,WNI,PU,\xe9\n").encode("latin-1")),
     {1}, "1500 read = 1499 decided + 1 rejected"),
    ("batch: non-UTF-8 CSV header", batch("m.csv", f"{HEADER},n\xe9\n".encode("latin-1")), {2},
     "the header is not UTF-8 text"),
    ("batch: a chunk size beyond any machine", batch("m.jsonl", _jsonl(GOODS[0]), "--chunk-size", "9" * 20), {2},
     "is more than 10,000,000 rows a chunk"),
    ("batch: semicolon CSV", batch("m.csv", HEADER.replace(",", ";") + "\n"), {2}, "commas"),
    ("batch: repeated header", batch("m.csv", HEADER + ",nik\n"), {2}, "repeats nik"),
    ("batch: missing column", batch("m.csv", "nik,citizenship\n3215014107900001,WNI\n"), {2}, "participant_category"),
    ("batch: a header in upper case", batch("m.csv", HEADER.upper() + "\n3215014107900001,WNI,PU,[]\n"), {2},
     "the header lacks the required column(s) nik, citizenship, participant_category; the header has column(s) the "
     "contract does not know: NIK, CITIZENSHIP, PARTICIPANT_CATEGORY, WAGES (the contract's names are lower case: "
     "write nik, citizenship, participant_category, wages)"),
    ("batch: an extra column", batch("m.csv", HEADER + ",salary\n3215014107900001,WNI,PU,,5\n"), {2}, "salary"),
    ("batch: a direction mark in a column name", batch("m.csv", HEADER + ",x\u202e\n3215014107900001,WNI,PU,,5\n"),
     {2}, "the contract does not know: x\\u202e (rename"),
    ("batch: a trailing comma", batch("m.csv", HEADER + ",\n3215014107900001,WNI,PU,,\n"), {0},
     "1 read = 1 decided + 0 rejected"),
    ("batch: an empty CSV", batch("m.csv", b""), {0}, "m.csv: the file is empty: it holds no member record"),
    ("batch: a CSV of a header alone", batch("m.csv", HEADER + "\n"), {0}, "the file is empty"),
    ("batch: a CSV of blank lines", batch("m.csv", "\n \r\n\n"), {0}, "m.csv: the file is empty: it holds no member"),
    ("batch: an empty JSONL", batch("m.jsonl", b""), {0}, "m.jsonl: the file is empty: it holds no member record"),
    ("batch: a Parquet file of no bytes", batch("m.parquet", b""), {0}, "m.parquet: the file is empty: it holds no "
     "member record"),
    ("batch: a space before a header name", batch("m.csv", " " + HEADER + "\n3215014107900001,WNI,PU,[]\n"), {2},
     "' nik' (a name has a space before or after it: write nik)"),
    ("batch: a pandas index column", batch("m.csv", "," + HEADER + "\n0,3215014107900001,WNI,PU,[]\n"), {2},
     "the header's first column is unnamed (a pandas index?): write the file without it (to_csv(..., "
     "index=False)), or pass --ignore-unknown"),
    ("batch: a pandas index column, --ignore-unknown", batch(
        "m.csv", "," + HEADER + "\n0,3215014107900001,WNI,PU,[]\n", "--ignore-unknown"), {0}, "1 read = 1 decided"),
    ("batch: Excel's trailing empty columns", batch("m.csv", HEADER + ",,,\n3215014107900001,WNI,PU,,,,\n"), {0},
     "1 read = 1 decided + 0 rejected"),
    ("batch: a value under an unnamed column", batch("m.csv", HEADER + ",,\n3215014107900001,WNI,PU,,,x\n"
                                                     "3215014107900002,WNI,PU,,,\n"), {1},
     "2 read = 1 decided + 1 rejected"),
    ("batch: a value under an unnamed column, --ignore-unknown", batch(
        "m.csv", HEADER + ",,\n3215014107900001,WNI,PU,,,x\n3215014107900002,WNI,PU,,,\n", "--ignore-unknown"), {0},
     "2 read = 2 decided + 0 rejected"),
    ("batch: rows of empty cells below the data, as a spreadsheet writes them", batch(
        "m.csv", HEADER + "\r\n3215014107900001,WNI,PU,[]\r\n,,,\r\n , ,,\r\n,,,\r\n"), {0},
     "1 read = 1 decided + 0 rejected"),
    ("batch: Excel BOM", batch("m.csv", "\ufeff" + HEADER + "\n3215014107900001,WNI,PU,[]\n"), {0}, ""),
    ("batch: a JSON cell over 128 KiB", batch("m.csv", HEADER + '\n3215014107900001,WNI,PU,"['
                                              + ",".join(['{""period"":""2022-07"",""amount"":1}'] * 5000) + ']"\n'),
     {0, 1}, "1 read = "),
    ("batch: corrupt Parquet", _parquet, {2}, "Parquet"),
    ("batch: a JSON array saved as .jsonl", batch("m.jsonl", json.dumps([GOOD])), {2}, "JSON array"),
    ("batch: a JSON array over several lines in .jsonl", batch("m.jsonl", json.dumps([GOOD, GOOD], indent=1)), {2},
     "JSON array"),
    ("batch: a record printed with indents, saved as .jsonl", batch("m.jsonl", json.dumps(GOOD, indent=2)), {2},
     "m.jsonl: JSON records written over several lines, not JSON lines (one record a line): write each on one "
     "line (`jq -c . "),
    ("batch: records printed with indents, one after another, as .jsonl",
     batch("m.jsonl", json.dumps(GOOD, indent=2) + "\n" + json.dumps(GOOD) + "\n"), {2},
     "m.jsonl: JSON records written over several lines, not JSON lines"),
    ("evaluate: records printed with indents, one after another, as .jsonl",
     evaluate("m.jsonl", "".join(json.dumps(g, indent=2) + "\n" for g in (GOOD, GOOD, GOOD))), {0},
     "3 read = 3 decided + 0 rejected"),
    ("evaluate: records printed with indents, the second not a record", evaluate("m.json", json.dumps(
        GOOD, indent=2) + "\n[1]\n"), {2}, "not valid JSON (Extra data"),
    ("batch: a first line cut short", batch("m.jsonl", _jsonl(GOODS[0][:50], *GOODS[1:])), {1},
     "5 read = 4 decided + 1 rejected"),
    ("batch: a first line holding a JSON array", batch("m.jsonl", _jsonl(f"[{GOODS[0]}]", *GOODS[1:])), {1},
     "5 read = 4 decided + 1 rejected"),
    ("batch: a first line that is []", batch("m.jsonl", _jsonl("[]", *GOODS[1:])), {1},
     "5 read = 4 decided + 1 rejected"),
    ("evaluate: a first line holding a JSON array", evaluate("m.jsonl", _jsonl(f"[{GOODS[0]}]", *GOODS[1:])), {1},
     "5 read = 4 decided + 1 rejected"),
    ("batch: a non-UTF-8 JSONL line", batch("m.jsonl", _jsonl(*GOODS, b'{"nik": "\xff"}')), {1}, ""),
    ("batch: deep JSONL line", batch("m.jsonl", _jsonl(GOODS[0], "[" * 100_000 + "]" * 100_000)), {1}, ""),
    ("batch: a record over 1 MiB", batch("m.jsonl", _jsonl(GOODS[0], _record(name="x" * (2 << 20)), GOODS[1])),
     {1}, "2 decided + 1 rejected"),
    ("batch: a 5000-digit number", batch("m.jsonl", _jsonl(GOODS[0], '{"nik": ' + "9" * 5000 + "}")), {1}, ""),
    ("evaluate: an amount past what a number holds", evaluate("m.jsonl", _jsonl(GOODS[0].replace(
        '"amount": 3400000', '"amount": 1e400', 1))), {1}, "amount: a number too large to hold (written as 1e400"),
    ("check: a table that is a FIFO", _fifo_table, {1}, "not a regular file"),
    ("check: 80 nested parentheses", _rule((ROOT / "rules" / "bsu-2022.yaml").read_text("utf-8").replace(
        'require: member.citizenship == "WNI"', "require: " + "(" * 80 + "true" + ")" * 80)), {1}, "deeper"),
    ("check: a non-UTF-8 rule file", _rule("ruleset: \udcff".encode("utf-8", "surrogateescape").decode("latin-1")),
     {1}, ""),
    ("verify: a binary file", lambda tmp: ["verify", str(_file("log", bytes(range(256)))(tmp))], {1}, ""),
    ("explain: --nik without a key", lambda tmp: ["explain", "bsu-2022", str(_file("d.jsonl", "")(tmp)), "--input",
                                                  str(tmp / "d.jsonl"), "--nik", "3215014107900001"], {2}, "key"),
]


@pytest.mark.parametrize(("name", "make", "codes", "says"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_gives_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch, name: str,
                                         make: Callable[[Path], list[str]], codes: set[int], says: str) -> None:
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO(""))
    monkeypatch.delenv("BSU_RULES_PSEUDONYM_KEY", raising=False)
    code = main(make(tmp_path))
    printed = capsys.readouterr()
    text = printed.out + printed.err
    assert "Traceback" not in text and "internal error" not in text
    assert code in codes, text[-500:]
    assert says in text


def test_an_internal_error_is_one_line_and_a_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import bsu_rules.cli.schema as schema

    def broken(*a: object) -> int:
        raise ZeroDivisionError("a bug")
    monkeypatch.setattr(schema, "run", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert main(["schema", "member"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error (ZeroDivisionError)" in err and "Traceback" not in err
    report = Path(err.split("the full report is in ")[1].strip())
    assert "ZeroDivisionError: a bug" in report.read_text("utf-8")


def test_an_internal_error_report_hides_identifiers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from bsu_rules.cli.exits import report_internal_error
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    said = report_internal_error(ValueError("nik 3204125708940003, account 418201004566507"))
    report = Path(said.split("the full report is in ")[1].strip()).read_text("utf-8")
    assert "ValueError: nik <16 digits>, account <15 digits>" in report and "3204125708940003" not in report


def test_no_traceback_through_the_real_entry_point(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_bytes(b'{"nik": "\xff"}\n' + b"[" * 100_000 + b"\n")
    run = subprocess.run([sys.executable, "-m", "bsu_rules", "evaluate", "bsu-2022", str(tmp_path / "bad.jsonl")],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1 and "Traceback" not in run.stderr and run.stdout.count('"error"') == 2


@pytest.mark.parametrize("depth", [65, 600, 950, 3000])
def test_a_record_nested_too_deeply_is_an_input_error(rs2022: RuleSet, depth: int) -> None:
    note: list[Any] = []
    for _ in range(depth - 1):
        note = [note]
    record = {**json.loads(GOODS[0]), "note": note}
    with pytest.raises(InputError, match=r"note: nested too deeply \(more than 64"):
        decide(rs2022, record)


@pytest.mark.parametrize(("field", "value", "said"), [
    ("wages", [{"period": "2022-07", "amount": 10 ** 5000}],
     "wages[0].amount: a number of about 5001 digits is too large for an amount in rupiah"),
    ("program_receipts", [{"program": "PKH", "year": -10 ** 5000}],
     "program_receipts[0].year: a number of about 5001 digits is not from 2000 to 2100"),
])
def test_an_integer_past_what_python_writes_is_an_input_error(rs2022: RuleSet, field: str, value: Any,
                                                              said: str) -> None:
    """Python refuses to write an integer of over 4 300 digits as text: the message gives its size."""
    with pytest.raises(InputError) as raised:
        decide(rs2022, {**json.loads(GOODS[0]), field: value})
    assert said in str(raised.value)


@pytest.mark.parametrize("ignore", [[], ["--ignore-unknown"]])
def test_a_deep_note_is_refused_alike_at_every_depth(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     ignore: list[str]) -> None:
    """A value nested too deeply is refused by batch and evaluate alike, naming its field alone at
    every depth (past json's recursion limit too), with or without --ignore-unknown."""
    depths = [70, 600, 1000, 100_000]
    lines = [GOODS[0][:-1] + ', "note": ' + "[" * d + "]" * d + "}" for d in depths]
    source = tmp_path / "m.jsonl"
    source.write_text("".join(f"{line}\n" for line in [GOODS[1], *lines]), "utf-8")
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "d.jsonl"), "--quiet", *ignore]) == 1
    rejects = [json.loads(line) for line in (tmp_path / "d.jsonl.rejects.jsonl").read_text("utf-8").splitlines()]
    expected = "note: nested too deeply (more than 64 levels of objects and lists)"
    assert rejects == [{"row": row, "field": "note", "message": expected} for row in range(2, 2 + len(depths))]
    capsys.readouterr()
    assert main(["evaluate", "bsu-2022", str(source)]) == 1
    errors = [json.loads(line)["error"] for line in capsys.readouterr().out.splitlines() if '"error"' in line]
    assert [(e["field"], e["message"]) for e in errors] == [("note", expected)] * len(depths)
    for row in range(2, 2 + len(depths)):
        assert main(["explain", "bsu-2022", str(tmp_path / "d.jsonl"), "--input", str(source), "--row", str(row),
                     "--lang", "en"]) == 1
        assert f"row {row} of {source} was rejected, not decided: {expected}" in capsys.readouterr().err


def test_batch_lists_fifty_problems_of_a_record_and_counts_the_rest(tmp_path: Path) -> None:
    """A record's reject lists its first 50 problems and says how many more, as evaluate does."""
    record = {**GOOD, **{f"k{i}": 1 for i in range(60_000)}}
    wages = {**GOOD, "wages": [{"period": "2022-13", "amount": -1}] * 15_000}
    (tmp_path / "m.jsonl").write_text(json.dumps(record) + "\n" + json.dumps(wages) + "\n", "utf-8")
    assert main(["batch", "bsu-2022", str(tmp_path / "m.jsonl"), "--out", str(tmp_path / "d.jsonl"), "--quiet"]) == 1
    rejects = [json.loads(line) for line in (tmp_path / "d.jsonl.rejects.jsonl").read_text("utf-8").splitlines()]
    assert [r["message"].count(": ") for r in rejects] == [50, 50]
    assert rejects[0]["message"].endswith("k49: unknown field; and 59950 more problems")
    assert rejects[1]["message"].endswith("; and 29950 more problems") and len(rejects[1]["message"]) < 8000


def test_a_record_of_thousands_of_bad_entries_lists_fifty_and_counts_every_other() -> None:
    """Past the problems a message can show, the rest are counted, not worded one by one: the count is
    that of every problem, and a lone surrogate deep in a long list is still found where it is."""
    with pytest.raises(InputError) as caught:
        parse_record({**GOOD, "wages": [0] * 3_000})
    assert str(caught.value).endswith("wages[49]: expected an object, got an integer; and 2950 more problems")
    assert caught.value.more == 2_950 and len(caught.value.problems) == 50
    with pytest.raises(InputError) as caught:
        parse_record({**GOOD, "wages": [0] * 2_000 + [{"period": "2022-07\ud800", "amount": 1}]})
    assert [p for p, _ in caught.value.problems] == ["wages[2000].period"]


SLIPS = [("3.20412570894E+15", "nik: looks like a number a spreadsheet rewrote in scientific notation (with E+): "
                               "format the column as text and enter the digits again"),
         (GOOD["nik"] + ".0", "nik: looks like a number a spreadsheet rewrote with decimals (.0): format the column as "
                              "text and enter the digits again"),
         (" " + GOOD["nik"], "nik: has a space before it: remove it"),
         (GOOD["nik"] + "\t", "nik: has a tab after it: remove it"),
         (GOOD["nik"] + "\n", "nik: has a line break after it: remove it"),
         ("\t" + GOOD["nik"] + "\r\n", "nik: has a tab before it and a line break after it: remove them"),
         (" " + GOOD["nik"] + " ", "nik: has a space before and after it: remove them"),
         (" 12345", "nik: has 6 characters, not 16"),
         ("'" + GOOD["nik"], "nik: starts with an apostrophe, a spreadsheet's mark for text: remove it"),
         (" '" + GOOD["nik"] + " ", "nik: starts with an apostrophe, a spreadsheet's mark for text: remove it"),
         (GOOD["nik"][:8] + "\u200b" + GOOD["nik"][8:], "nik: has a character that is not shown (a zero-width space or "
                                                      "a control character) among its digits: remove it"),
         (GOOD["nik"][:8] + " \u200b" + GOOD["nik"][8:], "nik: has a character that is not shown (a zero-width space "
                                                        "or a control character) among its digits: remove it"),
         ("".join(chr(0xFF10 + int(c)) for c in GOOD["nik"]) + " ", "nik: is written in digits other than 0-9 "
                                                                    "(Arabic-Indic or full-width digits, for "
                                                                    "instance): write it with 0-9"),
         ("".join(chr(0x0660 + int(c)) for c in GOOD["nik"]), "nik: is written in digits other than 0-9 "
                                                             "(Arabic-Indic or full-width digits, for instance): write "
                                                             "it with 0-9"),
         (" ".join(GOOD["nik"][i:i + 4] for i in range(0, 16, 4)), "nik: is written in groups (spaces or punctuation "
                                                                  "between its digits): write its 16 digits only"),
         (GOOD["nik"][:6] + ".\t" + GOOD["nik"][6:12] + "\u00a0" + GOOD["nik"][12:],
          "nik: is written in groups (spaces or punctuation between its digits): write its 16 digits only"),
         (" ".join(GOOD["nik"][i:i + 4] for i in range(0, 16, 4)) + "1", "nik: is written in groups (spaces or "
                                                                        "punctuation between its digits) and has 17 "
                                                                        "digits, not 16"),
         (GOOD["nik"][:8] + "O" + GOOD["nik"][9:], "nik: has a character that is not a digit 0-9 at position 9 (the "
                                                   "letter O, typed for the digit 0?)"),
         (GOOD["nik"][:15] + "#", "nik: has a character that is not a digit 0-9 at position 16")]


@pytest.mark.parametrize(("nik", "says"), SLIPS, ids=["scientific", "decimals", "before", "after-tab",
                                                      "after-line-break", "tab-and-line-break", "both", "short",
                                                      "apostrophe", "apostrophe-and-spaces", "hidden",
                                                      "hidden-and-space", "wide-and-space",
                                                      "other-digits", "grouped", "mixed-separators", "grouped-17",
                                                      "letter-o", "stray"])
def test_a_nik_a_spreadsheet_or_a_space_changed_is_told_so_alike(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                  rs2022: RuleSet, nik: str, says: str) -> None:
    """In evaluate, batch (JSON lines and CSV) and the API, the NIK never shown."""
    with pytest.raises(InputError) as raised:
        decide(rs2022, {**GOOD, "nik": nik})
    assert str(raised.value) == says
    assert main(["evaluate", "bsu-2022", str(_file("m.jsonl", _jsonl(_record(nik=nik)))(tmp_path))]) == 1
    out = capsys.readouterr().out
    assert json.loads(out)["error"]["message"] == says and GOOD["nik"] not in out
    cells = {k: json.dumps(v) if isinstance(v, (dict, list)) else "" if v is None else v
             for k, v in {**GOOD, "nik": nik}.items()}
    with (tmp_path / "m.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, list(cells))
        writer.writeheader()
        writer.writerow(cells)
    for source in ("m.jsonl", "m.csv"):
        assert main(["batch", "bsu-2022", str(tmp_path / source), "--out", str(tmp_path / "d.jsonl"), "--quiet"]) == 1
        rejects = (tmp_path / "d.jsonl.rejects.jsonl").read_text()
        assert json.loads(rejects)["message"] == says and GOOD["nik"] not in rejects
    capsys.readouterr()
    assert main(["evaluate", "bsu-2022", str(tmp_path / "m.jsonl"), "--format", "text", "--lang", "en"]) == 1
    assert f"  - NIK (national identity number) {says.removeprefix('nik: ')}" in capsys.readouterr().out


@pytest.mark.parametrize(("change", "says"), [
    ({"citizenship": None}, "citizenship: is null: give a value"),
    ({"wages": [{"period": "2022-07", "amount": None}]}, "wages[0].amount: is null: give a value"),
    ({"contributions": [{"period": None, "amount": 1}]}, "contributions[0].period: is null: give a value"),
    ({"citizenship": ...}, "citizenship: required field is missing"),
], ids=["null", "null-in-a-history", "null-period", "left-out"])
def test_a_required_field_given_null_is_told_null_not_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               rs2022: RuleSet, change: dict[str, Any],
                                                               says: str) -> None:
    """The key is there, its value is not: "missing" would send a reader looking for the key. The same
    words in evaluate, batch (its JSON lines read by Arrow, which reads a null as a key left out, or line
    by line) and the page; a CSV cell left empty is a value left out."""
    record = {k: v for k, v in {**GOOD, **change}.items() if v is not ...}
    with pytest.raises(InputError) as raised:
        decide(rs2022, record)
    assert str(raised.value) == says
    good = json.dumps(GOOD)
    for before, after in ((0, 0), (1, 1), (40, 0)):  # alone, among others, late in a block Arrow reads whole
        lines = [good] * before + [json.dumps(record)] + [good] * after
        (tmp_path / "m.jsonl").write_text("\n".join(lines) + "\n")
        assert main(["batch", "bsu-2022", str(tmp_path / "m.jsonl"), "--out", str(tmp_path / "d.jsonl"),
                     "--quiet"]) == 1
        (reject,) = [json.loads(line) for line in (tmp_path / "d.jsonl.rejects.jsonl").read_text().splitlines()]
        assert reject["message"] == says and reject["row"] == before + 1
    capsys.readouterr()
    assert main(["evaluate", "bsu-2022", str(tmp_path / "m.jsonl"), "--format", "text", "--lang", "en"]) == 1
    page = capsys.readouterr().out
    assert ("is null (given with no value): give a value." in page) == ("null" in says)
    assert ("is missing." in page) == ("missing" in says)


def test_a_csv_cell_left_empty_is_a_value_left_out(tmp_path: Path) -> None:
    """A CSV cell has no null: an empty one leaves the value out, however its row is read."""
    (tmp_path / "m.csv").write_text(f"{HEADER}\n{GOOD['nik']},,PU,[]\n"
                                    f"{GOOD['nik']},WNI,PU,\"[{{\"\"period\"\": null, \"\"amount\"\": 1}}]\"\n")
    assert main(["batch", "bsu-2022", str(tmp_path / "m.csv"), "--out", str(tmp_path / "d.jsonl"), "--quiet"]) == 1
    rejects = [json.loads(line)["message"] for line in (tmp_path / "d.jsonl.rejects.jsonl").read_text().splitlines()]
    assert rejects == ["citizenship: required field is missing", "wages[0].period: is null: give a value"]


def test_lines_ending_in_cr_only_are_told_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Old Mac line ends make one line of records run together: the rejection says why and how to
    convert, in evaluate and batch; other text after a record is not told so."""
    told = ("(record): not valid JSON (Extra data at column {}); the lines end in CR only (old Mac line ends), so "
            "the records run together: convert them (tr '\\r' '\\n' < old.jsonl > new.jsonl)")
    source = _file("cr.jsonl", "\r".join(GOODS[:3]) + "\r")(tmp_path)
    assert main(["evaluate", "bsu-2022", str(source)]) == 1
    message = json.loads(capsys.readouterr().out)["error"]["message"]
    assert message == told.format(len(GOODS[0]) + 2)
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "d.jsonl"), "--quiet"]) == 1
    assert json.loads((tmp_path / "d.jsonl.rejects.jsonl").read_text())["message"] == message
    assert main(["evaluate", "bsu-2022", str(_file("two.jsonl", GOODS[0] + " " + GOODS[1] + "\n")(tmp_path))]) == 1
    assert "CR only" not in capsys.readouterr().out
    assert main(["evaluate", "bsu-2022", str(_file("crlf.jsonl", "\r\n".join(GOODS[:3]) + "\r\n")(tmp_path))]) == 0


@pytest.mark.parametrize(("separator", "named"), [("\u2028", "U+2028 (line separator)"), ("\x0b", "vertical tabs")])
def test_records_parted_by_a_line_end_json_lines_does_not_take_are_told_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], separator: str, named: str) -> None:
    """Records run together by U+2028 or a vertical tab were told only "Extra data" at a column."""
    source = _file("sep.jsonl", separator.join(GOODS[:3]) + "\n")(tmp_path)
    assert main(["evaluate", "bsu-2022", str(source)]) == 1
    message = json.loads(capsys.readouterr().out)["error"]["message"]
    assert message.endswith(f"; the records are parted by {named}, not by newlines, so they run together: end "
                            "each record with a newline"), message


OTHER_DIGITS = {"en": "is written in digits other than 0-9 (Arabic-Indic or full-width digits, for instance): write "
                       "it with 0-9",
                "id": "ditulis dengan angka selain 0-9 (misalnya angka beraksara Arab atau angka lebar penuh): tulis "
                      "dengan angka 0-9"}


@pytest.mark.parametrize("number", [" ", "-", "n/a", "\n", "\u0661\u0662\u0663", "\uff11"])
def test_an_account_number_without_a_digit_is_refused_not_paid_to(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                   rs2022: RuleSet, number: str) -> None:
    """A blank or a dash is no account: every reader refuses the record at the field, never pays to it
    (2020 requires an account; later editions pick the bank by its name), and says how to write none;
    digits of another script are told as such."""
    record = {**GOOD, "bank_account": {"bank": "BRI", "number": number, "holder_name": "Rina"}}
    other = not number.isascii()
    says = "bank_account.number: " + (OTHER_DIGITS["en"] if other else 'has no digit 0-9: an account number is '
                                      'written in digits; write "" when the member has no account, or leave it out '
                                      "(or null) when the number is not known")
    with pytest.raises(InputError) as raised:
        decide(rs2022, record)
    assert str(raised.value) == says
    (tmp_path / "m.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    pq.write_table(pa.Table.from_pylist([record]), tmp_path / "m.parquet")
    for source in ("m.jsonl", "m.parquet"):
        assert main(["batch", "bsu-2022", str(tmp_path / source), "--out", str(tmp_path / "d.jsonl"), "--quiet"]) == 1
        assert json.loads((tmp_path / "d.jsonl.rejects.jsonl").read_text())["message"] == says
    for edition in ("bsu-2020", "bsu-2022"):
        capsys.readouterr()
        assert main(["evaluate", edition, str(tmp_path / "m.jsonl"), "--format", "text", "--lang", "en"]) == 1
        out = capsys.readouterr().out  # the two ways to write it decide differently: each is said
        assert (f"  - Bank account number {OTHER_DIGITS['en']}." if other else
                "  - Bank account number contains no digit, and an account number is written in digits. If the "
                'participant is known to have no account, write it as empty text (""); if the number is not known '
                "yet, leave the field out.") in out
        assert json.dumps(number) not in out  # the field is secret: its value is never shown
    capsys.readouterr()
    assert main(["evaluate", "bsu-2022", str(tmp_path / "m.jsonl"), "--format", "text", "--lang", "id"]) == 1
    assert (f"  - Nomor rekening bank {OTHER_DIGITS['id']}." if other else
            "  - Nomor rekening bank tidak memuat satu angka pun, padahal nomor rekening ditulis dengan angka. Bila "
            'peserta diketahui tidak punya rekening, isi dengan teks kosong (""); bila nomornya belum diketahui, '
            "hapus isian nomor rekening.") in capsys.readouterr().out
    ok = {**record, "bank_account": {"bank": "BRI", "number": "0123-01 000123", "holder_name": "Rina"}}
    assert decide(rs2022, ok).channel == "BRI"


@pytest.mark.parametrize(("line", "says"), [
    (b'{"nik": "1"}\x0b', "not valid JSON (Extra data (U+000B, a character JSON does not take there) at column 13)"),
    (b'{"nik": "1"}\xe2\x80\xa8 ', "not valid JSON (Extra data (U+2028, a character JSON does not take there) at "
                                  "column 13)"),  # one stray: no record run together
    (b'{"nik": "1"}\x00', "not valid JSON (Extra data (U+0000, a character JSON does not take there) at column 13)"),
    (b'\x00{"nik": "1"}', "not valid JSON (Expecting value (U+0000, a character JSON does not take there) at "
                          "column 1)"),
    (b'{"nik": "1"}\xc2\xa0', "not valid JSON (Extra data (U+00A0, a character JSON does not take there) at "
                              "column 13)"),
    (b'\xef\xbb\xbf\xef\xbb\xbf{"nik": "1"}', "not valid JSON (Unexpected byte-order mark (U+FEFF) at column 1)"),
])
def test_a_control_character_beside_a_whole_record_is_named_not_a_cut(line: bytes, says: str) -> None:
    from bsu_rules.members.decode import BadRecord, decode_records

    with pytest.raises(BadRecord) as refused:
        decode_records(line)
    assert str(refused.value) == says


@pytest.mark.parametrize("given", ["\x1c\u2028\n2022-07", "\x1b[2J2022-02-30", "2022-07\u202e"])
def test_a_date_given_with_control_characters_is_repeated_escaped(given: str) -> None:
    """A month or impossible date read through surrounding controls reached a client raw (``?on=``, ``--on``)."""
    from bsu_rules.ruleset.spelling import not_a_date

    said = not_a_date(given)
    assert said.isprintable() and ("\\x1" in said or "\\u202e" in said), said


def test_every_character_not_shown_may_stand_around_a_rewritten_account_number() -> None:
    """What counts as not shown around a number (spaces, control and format characters) is what ``unseen``
    takes out of one: a NUL or a bidi mark pasted around ``4.18201E+14`` does not make it an account."""
    import unicodedata

    from bsu_rules.members.model import REWRITTEN_NUMBER

    unshown = [c for c in map(chr, range(0x10000)) if c.isspace() or unicodedata.category(c) in ("Cc", "Cf")]
    assert len(unshown) > 120
    assert [c for c in unshown if not re.fullmatch(REWRITTEN_NUMBER, f"{c}4.18201E+14{c}")] == []


@pytest.mark.parametrize("number", ["4.18201E+14", "4.18201004566507E+14", "418201004566507.0", " 4.18201e14 ",
                                    "418201004566507.00", "418201004566507,00", "4.18201E+14\u00a0",
                                    "\u20034.18201E+14", "4.18201E+14\x0b", "4.18201E+14\u200b",
                                    "418,201,004,566,507.00", "418.201.004.566.507,00", "Rp 418201004566507.00",
                                    "418201004566507.000", "418,201,004,566,507.0", "IDR 418201004566507.00",
                                    "Rp\u00a0418.201.004.566.507,00", "418\u00a0201\u00a0004\u00a0566\u00a0507,00",
                                    "\u202a4.18201E+14\u202c", "4.18201E+14\x00", "418201004566507.00\u061c",
                                    "\u034f4.18201E+14\x7f", "Rp 418.201.004.566.507", "idr 418201004566507",
                                    "418,201,004,566,507.000", "418.201.004.566.507,000", "0.00",
                                    "418\u2009201\u2009004\u2009566\u2009507,00", "Rp 418.201.004.566.507,-",
                                    "418.201.004.566.507 IDR", "418.201.004.566.507,-", "Rp 418.201.004.566.507.",
                                    "Rp. 418.201.004.566.507.-", "418.201.004.566.507 ,-", "418.201.004.566.507 IDR.",
                                    "418.201.004.566.507  ,-", "Rp 418.201.004.566.507, -", "418.201.004.566.507,--",
                                    "418.201.004.566.507,\u2014", "418.201.004.566.507,-.",
                                    "Rp 418.201.004.566.507,00 IDR", "418.201.004.566.507 rupiah"])
def test_an_account_number_a_spreadsheet_rewrote_is_refused_not_paid_to(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str],
                                                                         rs2022: RuleSet, number: str) -> None:
    """A long number a spreadsheet wrote as 4.18201E+14 (its digits past the sixth lost) or with a ``.0`` names
    no account: every reader refuses it at the field, as it refuses a NIK so rewritten, and never pays to it."""
    record = {**GOOD, "bank_account": {"bank": "BRI", "number": number, "holder_name": "Rina"}}
    says = "bank_account.number: looks like a number a spreadsheet rewrote (written as 4.18201E+14, as money such " \
           "as Rp …,-, or with decimals such as .00): format the column as text and enter the digits again"
    with pytest.raises(InputError) as raised:
        decide(rs2022, record)
    assert str(raised.value) == says
    (tmp_path / "m.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    pq.write_table(pa.Table.from_pylist([record]), tmp_path / "m.parquet")
    with (tmp_path / "m.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, list(record))
        writer.writeheader()
        writer.writerow({k: json.dumps(v) if isinstance(v, dict | list) else "" if v is None else v
                         for k, v in record.items()})
    for source in ("m.jsonl", "m.parquet", "m.csv"):
        assert main(["batch", "bsu-2020", str(tmp_path / source), "--out", str(tmp_path / "d.jsonl"), "--quiet"]) == 1
        assert json.loads((tmp_path / "d.jsonl.rejects.jsonl").read_text())["message"] == says
    capsys.readouterr()
    assert main(["evaluate", "bsu-2020", str(tmp_path / "m.jsonl"), "--format", "text", "--lang", "en"]) == 1
    assert "  - Bank account number looks like a number a spreadsheet rewrote" in capsys.readouterr().out
    for kept in ("4182*******6507", "0012345678,0", "123.456.000", "12.345.678.0",  # masked; grouped all alike
                 "0123-01-000123-30-1"):
        assert decide(rs2022, {**record, "bank_account": {**record["bank_account"], "number": kept}}).channel == "BRI"
    with pytest.raises(InputError):  # a rewritten number masked as a log keeps it: refused when replayed
        decide(rs2022, {**record, "bank_account": {**record["bank_account"], "number": "*.*****E+**"}})


@pytest.mark.parametrize("written", ["3.5e6", "3.4E+6", "3500000.0", "35e5"])
def test_a_decimal_amount_is_quoted_as_the_record_wrote_it(written: str, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A wage written ``3.5e6`` is refused quoting ``3.5e6`` (the text to search the file for), not the
    ``3500000.0`` Python reads it as; in text and JSON, from evaluate and from batch."""
    line = _record(wages=[{"period": "2022-07", "amount": 0}]).replace('"amount": 0', f'"amount": {written}')
    members = tmp_path / "m.jsonl"
    members.write_bytes(_jsonl(line))
    meant = f"; write {round(float(written))}"
    assert main(["evaluate", "bsu-2022", str(members)]) == 1
    said = json.loads(capsys.readouterr().out)["error"]["message"]
    assert said == f"wages[0].amount: {written}: expected an integer, got a decimal number"
    assert main(["evaluate", "bsu-2022", str(members), "--format", "text", "--lang", "en"]) == 1
    assert f"Wage amount for July 2022: {written} must be a whole number written in digits only{meant}." \
        in capsys.readouterr().out
    assert main(["batch", "bsu-2022", str(members), "--out", str(tmp_path / "d.jsonl")]) == 1
    rejected = json.loads((tmp_path / "d.jsonl.rejects.jsonl").read_text("utf-8"))
    assert rejected["message"] == said


def test_a_decimal_amount_whose_exponent_parts_a_nik_is_not_quoted_as_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``3204.1257e-08940003`` holds a NIK's sixteen digits split by its exponent: quoted as Python reads it."""
    line = _record(wages=[{"period": "2022-07", "amount": 0}]).replace('"amount": 0',
                                                                      '"amount": 3204.1257e-08940003')
    members = tmp_path / "m.jsonl"
    members.write_bytes(_jsonl(line))
    assert main(["evaluate", "bsu-2022", str(members)]) == 1
    out = capsys.readouterr().out
    assert "wages[0].amount: 0.0: expected an integer" in out and "1257" not in out


def test_a_log_that_cannot_be_made_stops_the_run_before_it_archives(tmp_path: Path) -> None:
    assert main(["evaluate", "bsu-2022", EXAMPLES_FILE, "--log", str(tmp_path / "nodir" / "d.jsonl"), "--full-nik",
                 "--archive", str(tmp_path / "archive")]) == 2
    assert not (tmp_path / "archive").exists()


def test_a_log_whose_first_line_lost_a_field_is_a_broken_chain(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A log record edited on line 1 is still a log: told as a broken chain (verify says more), not as no log."""
    log = tmp_path / "d.jsonl"
    assert main(["evaluate", "bsu-2022", EXAMPLES_FILE, "--full-nik", "--log", str(log)]) == 0
    lines = log.read_text("utf-8").splitlines()
    first = json.loads(lines[0])
    del first["recorded_at"]
    log.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", "utf-8")
    capsys.readouterr()
    assert main(["evaluate", "bsu-2022", EXAMPLES_FILE, "--full-nik", "--log", str(log)]) == 2
    err = capsys.readouterr().err
    assert "the log was not continued (its chain is broken)" in err and "no decision log" not in err


def test_a_folder_of_parts_is_not_answered_with_one_part(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A dataset written in parts: following a hint to one part would decide a fraction of the members."""
    for n in range(3):
        (tmp_path / f"part-0000{n}.jsonl").write_text(Path(EXAMPLES_FILE).read_text("utf-8"), "utf-8")
    assert main(["batch", "bsu-2022", str(tmp_path), "--out", str(tmp_path / "d.parquet")]) == 2
    err = capsys.readouterr().err
    assert "is a folder of 3 member files (part-00000.jsonl …), not a file" in err and "such as" not in err


def test_each_empty_input_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A monthly run over two exports, one of them empty, says which; so does empty standard input."""
    (tmp_path / "feb.jsonl").write_bytes(b"\n\n")
    assert main(["evaluate", "bsu-2022", EXAMPLES_FILE, str(tmp_path / "feb.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "feb.jsonl: the file is empty: no member record in it" in err and "members.jsonl: the file" not in err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["evaluate", "bsu-2022", "-"]) == 0
    assert "standard input held no member record" in capsys.readouterr().err
