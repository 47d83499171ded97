"""The command line: evaluate, check, schema; bad input never gives a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from itertools import takewhile
from pathlib import Path
from typing import Any

import pytest

from bsu_rules.cli import main
from bsu_rules.explain.page_data import WORDS
from bsu_rules.ruleset.loader import bundled_rules

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = str(ROOT / "examples" / "members.jsonl")


def test_evaluate_jsonl_one_line_per_record_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "bsu-2022", EXAMPLES, "--on", "2022-09-12"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 16
    decisions = [json.loads(line) for line in lines]
    assert [d["outcome"] for d in decisions[:4]] == ["eligible", "eligible", "eligible", "ineligible"]
    assert all(d["on"] == "2022-09-12" for d in decisions)


def test_evaluate_json_list_and_single_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = [json.loads(line) for line in Path(EXAMPLES).read_text("utf-8").splitlines()[:3]]
    (tmp_path / "list.json").write_text(json.dumps(records, indent=2), "utf-8")
    (tmp_path / "one.json").write_text(json.dumps(records[0], indent=2), "utf-8")
    assert main(["evaluate", "bsu-2022", str(tmp_path / "list.json"), str(tmp_path / "one.json")]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4


def test_evaluate_says_when_one_nik_is_eligible_in_several_records(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    lines = Path(EXAMPLES).read_text("utf-8").splitlines()
    first = json.loads(lines[0])
    other_employer = json.dumps(first | {"kpj": "22041870999"})
    (tmp_path / "two.jsonl").write_text("\n".join([lines[0], lines[1], lines[3], other_employer]) + "\n", "utf-8")
    assert main(["evaluate", "bsu-2022", str(tmp_path / "two.jsonl")]) == 0
    out, err = capsys.readouterr()
    assert [json.loads(line)["outcome"] for line in out.splitlines()] == ["eligible", "eligible", "ineligible",
                                                                          "eligible"]  # each record alone
    masked = first["nik"][:4] + "********" + first["nik"][-4:]
    assert f"1 NIK eligible in more than one record ({masked} in records 1, 4)" in err
    assert first["nik"] not in err
    assert main(["evaluate", "bsu-2022", EXAMPLES]) == 0
    assert "one NIK, one payment" not in capsys.readouterr().err


def test_hints_in_json_are_asked_for_and_text_always_has_them(capsys: pytest.CaptureFixture[str]) -> None:
    from bsu_rules import load_ruleset, parse_member

    assert main(["evaluate", "bsu-2022", EXAMPLES]) == 0
    plain = capsys.readouterr().out.splitlines()
    assert main(["evaluate", "bsu-2022", EXAMPLES, "--hints"]) == 0
    hinted = capsys.readouterr().out.splitlines()
    assert all(r["hint"] is None for line in plain for r in json.loads(line)["rules"])
    plan = load_ruleset("bsu-2022").plan()
    members = [parse_member(json.loads(line)) for line in Path(EXAMPLES).read_text("utf-8").splitlines()]
    assert hinted == [plan.decide(m, hints=True).model_dump_json() for m in members]
    assert any(r["hint"] is not None for line in hinted for r in json.loads(line)["rules"])
    main(["evaluate", "bsu-2022", EXAMPLES, "--format", "text", "--lang", "en"])
    assert "The participant would be eligible if the wage the employer reported" in capsys.readouterr().out


def test_malformed_records_become_error_lines_and_exit_1(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    good = Path(EXAMPLES).read_text("utf-8").splitlines()[0]
    bad_month = good.replace('"2022-05"', '"2022-13"', 1)
    stdin = "\n".join([good, "{not json", bad_month, '"just a string"', good]) + "\n"
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO(stdin))
    assert main(["evaluate", "bsu-2022", "-"]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [("error" in line) for line in lines] == [False, True, True, True, False]
    assert lines[1]["error"]["record"] == 2 and "not valid JSON" in lines[1]["error"]["message"]
    assert lines[2]["error"] == {"record": 3, "field": "wages[0].period",  # standard input alone: as the service
                                 "message": "wages[0].period: '2022-13' is not a month (YYYY-MM, years 0001-9999, "
                                            "months 01-12)"}
    assert lines[3]["error"]["field"] == "(record)"


def test_an_error_line_names_its_file_and_its_line_there(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad, listed = tmp_path / "bad.jsonl", tmp_path / "listed.json"
    bad.write_text('\n{"nik": "12"}\n', "utf-8")
    listed.write_text('[{"nik": "12"}]', "utf-8")
    assert main(["evaluate", "bsu-2022", EXAMPLES, str(bad), str(bad), str(listed)]) == 1
    errors = [json.loads(line)["error"] for line in capsys.readouterr().out.splitlines() if '"error"' in line]
    assert [(e["record"], e["file"], e.get("line"), e.get("item")) for e in errors] == [
        (18, str(bad), 2, None), (20, str(bad), 2, None), (21, str(listed), None, 1)]


def test_standard_input_given_twice_is_a_usage_error_before_anything_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Standard input is read once: a second ``-`` decided the first record, then stopped with an internal
    error (evaluate) or "I/O operation on closed file" (replay), and no count line."""
    import io

    piped = Path(EXAMPLES).read_text("utf-8").splitlines()[0] + "\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(piped))
    said = "- (standard input) is given 2 times: standard input can be read only once, so give - once"
    for files in (["-", "-"], ["-", EXAMPLES, "-"]):
        assert main(["evaluate", "bsu-2022", *files]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.splitlines()[-1] == f"bsu-rules evaluate: error: argument FILE: {said}"
    assert main(["replay", str(tmp_path / "log.jsonl"), "--archive", str(tmp_path), "--members", "-", "-"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"bsu-rules replay: error: argument --members: {said}"
    assert sys.stdin.read() == piped  # nothing was read
    monkeypatch.setattr(sys, "stdin", io.StringIO(piped))
    assert main(["evaluate", "bsu-2022", "-", EXAMPLES]) == 0  # once is as before
    assert len(capsys.readouterr().out.splitlines()) == 17
    done = _shell(f"head -1 {EXAMPLES} | B evaluate bsu-2022 - -; echo $?", tmp_path)  # a pipe: its buffer was closed
    assert done.stdout == "2\n" and done.stderr.splitlines()[-1].endswith(said), done.stderr


def test_text_output_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    main(["evaluate", "bsu-2022", EXAMPLES, "--format", "text", "--lang", "en"])
    english = capsys.readouterr().out
    main(["evaluate", "bsu-2022", EXAMPLES, "--format", "text", "--lang", "id"])
    bahasa = capsys.readouterr().out
    assert "NOT ELIGIBLE to receive BSU" in english and "TIDAK MEMENUHI SYARAT sebagai penerima BSU" in bahasa
    assert "The wage for July 2022, Rp4.950.000, is above the wage ceiling of Rp4.700.000 for DKI Jakarta " \
        "province, its local minimum wage of Rp4.641.854 rounded up to a multiple of Rp100.000" in english
    assert "Upah bulan Juli 2022 sebesar Rp4.950.000 melebihi batas upah Rp4.700.000 untuk Provinsi DKI Jakarta, " \
        "yaitu upah minimum setempat Rp4.641.854 yang dibulatkan ke atas ke kelipatan Rp100.000" in bahasa
    assert "Article 3(2)(c) and Article 4 of Regulation of the Minister of Manpower Number 10 of 2022" in english
    assert "Pasal 3 ayat (2) huruf c dan Pasal 4 Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022" in bahasa
    assert "pm-10-2022" not in english + bahasa and "fact." not in english + bahasa


def test_speech_output_reads_the_text_page_aloud(capsys: pytest.CaptureFixture[str]) -> None:
    """--format speech: the pages of --format text without marks, footnote numbers or key, an outcome in words
    and the legal basis in place; the same count line; a record that cannot be decided said in sentences."""
    main(["evaluate", "bsu-2022", EXAMPLES, "--format", "speech", "--lang", "en"])
    english = capsys.readouterr().out
    assert "\nNot met: The wage for July 2022, 4,950,000 rupiah, " in english and "Rp" not in english
    assert " Legal basis: Article 3, paragraph 2, point c and Article 4 of Regulation of the Minister of Manpower " \
        "Number 10 of 2022.\n" in english
    assert not any(m in english for m in ("✗", "[1]", "Key:", "********"))
    assert re.fullmatch(r"16 decisions: 5 eligible, 10 not eligible, 1 not yet determined",
                        english.rstrip("\n").rsplit("\n", 1)[1])
    main(["evaluate", "bsu-2022", EXAMPLES, "--format", "speech", "--lang", "id", "--audience", "officer"])
    bahasa = capsys.readouterr().out
    assert "\nTidak terpenuhi: Upah paling banyak Rp3.500.000 atau batas upah minimum setempat. " in bahasa
    assert "Dasar hukum: Pasal 3 ayat 2 huruf c dan Pasal 4 Peraturan Menteri" in bahasa and "ayat (" not in bahasa


def test_speech_reads_a_kpj_digit_by_digit(capsys: pytest.CaptureFixture[str]) -> None:
    """A KPJ said as a card's number, digit by digit in groups, not as one large number a voice would read as
    "twenty-two billion …"; the text page keeps it as written, and an auditor's values too."""
    main(["evaluate", "bsu-2020", EXAMPLES, "--format", "speech", "--lang", "id", "--audience", "officer"])
    said = capsys.readouterr().out
    assert "Nomor kartu peserta BPJS Ketenagakerjaan (KPJ): 2 2 0 4, 1 8 7 0, 2 1 3. " in said
    assert not re.search(r"\(KPJ\): [0-9]{5}", said)
    main(["evaluate", "bsu-2020", EXAMPLES, "--format", "text", "--lang", "id", "--audience", "officer"])
    assert "(KPJ): 22041870213" in capsys.readouterr().out


def _rejected_twice() -> list[dict[str, Any]]:
    """Two records that cannot be decided: a NIK as a wage (above the highest amount), a NIK and a letter as a KPJ."""
    good = json.loads(Path(EXAMPLES).read_text("utf-8").splitlines()[0])
    nik = good["nik"]
    return [{**good, "wages": [{**good["wages"][0], "amount": int(nik)}, *good["wages"][1:]]},
            {**good, "kpj": nik + "x"}]


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", """\
Record 1 cannot be decided because its data is not valid:
Wage amount for May 2022: 16 digits left out, but it must be at most 9,999,999,999 rupiah.

Record 2 cannot be decided because its data is not valid:
BPJS Ketenagakerjaan participant card number (KPJ): quote, 16 digits left out, x, end quote must be 1 to 20 digits \
(0-9).

"""),
    ("id", """\
Catatan 1 tidak dapat diputuskan karena datanya tidak sah:
Jumlah upah untuk bulan Mei 2022: 16 angka tidak ditampilkan, seharusnya paling banyak Rp9.999.999.999.

Catatan 2 tidak dapat diputuskan karena datanya tidak sah:
Nomor kartu peserta BPJS Ketenagakerjaan (KPJ): buka kutip, 16 angka tidak ditampilkan, x, tutup kutip harus berupa \
1 sampai 20 angka (0-9).

""")])
def test_a_record_that_cannot_be_decided_is_read_aloud_as_a_page_is(lang: str, expected: str,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The paragraph on a rejected record, read aloud: an English amount in English (an English voice reads
    Rp9.999.999.999 as a decimal), a run of digits left out in words (not "less than 16 digits greater than"), a
    value of the record said as a quotation, each problem a sentence without the text page's list dash."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(json.dumps(r) + "\n" for r in _rejected_twice())))
    assert main(["evaluate", "bsu-2022", "-", "--format", "speech", "--lang", lang]) == 1
    said = capsys.readouterr().out
    assert said.rsplit("\n", 2)[0] + "\n" == expected  # the count line left out
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(json.dumps(r) + "\n" for r in _rejected_twice())))
    assert main(["evaluate", "bsu-2022", "-", "--format", "text", "--lang", lang]) == 1
    assert "  - " in capsys.readouterr().out  # the text page keeps its list
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(json.dumps(r) + "\n" for r in _rejected_twice())))
    assert main(["evaluate", "bsu-2022", "-", "--format", "html", "--lang", lang]) == 1
    page = capsys.readouterr().out  # a screen reader hears the HTML page's paragraphs so too
    said = {"en": "quote, 16 digits left out, x, end quote",
            "id": "buka kutip, 16 angka tidak ditampilkan, x, tutup kutip"}
    assert f'<span class="said">{said[lang]}</span>' in page and "&lt;16" in page
    assert ('<span class="said">9,999,999,999 rupiah</span>' in page) == (lang == "en")


@pytest.mark.parametrize(("lang", "said"), [
    ("id", "Kewarganegaraan: buka kutip, X, tutup kutip tidak dikenal; yang dikenal: WNI untuk Warga Negara Indonesia "
           "atau WNA untuk Warga Negara Asing."),
    ("en", "Citizenship: quote, X, end quote is not a known value; known values: WNI for Indonesian citizen or WNA for "
           "foreign national."),
    ("id", "Kewarganegaraan: buka kutip, wni, tutup kutip tidak dikenal; tulis WNI."),
    ("en", "known values: PKH for the Family Hope Programme, PRAKERJA for the pre-employment card, Kartu Prakerja, "),
])
def test_the_codes_a_field_knows_are_read_aloud_as_words(lang: str, said: str, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Read aloud, `"WNI" (Warga Negara Indonesia (WNI))` is quotation marks a voice says or runs together and
    brackets in brackets: each code is said with its words (the code once); the record's value stays a quotation."""
    value = "X" if "X" in said else "wni"
    record = {"nik": "3204125708940003", "citizenship": value, "participant_category": "PU",
              "program_receipts": [{"program": "KIP", "year": 2022}]}
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(record) + "\n"))
    assert main(["evaluate", "bsu-2022", "-", "--format", "speech", "--lang", lang]) == 1
    out = capsys.readouterr().out
    assert said in out and '"' not in out and "((" not in out and "))" not in out, out
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(record) + "\n"))
    assert main(["evaluate", "bsu-2022", "-", "--format", "text", "--lang", lang]) == 1
    assert '"WNI" (' in capsys.readouterr().out or value == "wni"  # the text page keeps the codes as written


@pytest.mark.parametrize("which", ["member", "decision", "ruleset"])
def test_schemas_are_json_schema(which: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", which]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object" and schema["additionalProperties"] is False


@pytest.mark.parametrize(("args", "message"), [
    (["evaluate", "bsu-2022", "no-such-file.jsonl"], "no-such-file.jsonl: no such file or folder"),
    (["evaluate", "bsu-20222", EXAMPLES], "did you mean `bsu-2022`"),
    (["evaluate", "bsu-2022", EXAMPLES, "--on", "2021-01-01"], "cannot use it"),
])
def test_bad_invocations_exit_2_without_traceback(args: list[str], message: str) -> None:
    run = subprocess.run([sys.executable, "-m", "bsu_rules", *args], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize(("lang", "said"), [
    ("id", "bsu-rules: bsu-2020 berlaku sejak 14 Agustus 2020 sampai 4 September 2022; keputusan bertanggal "
           "5 September 2022 tidak dapat memakainya: pada tanggal itu gunakan bsu-2022 (berlaku sejak 5 September 2022 "
           "sampai 1 Juni 2025)"),
    ("en", "bsu-rules: bsu-2020 is in force from 14 August 2020 until 4 September 2022; a decision dated "
           "5 September 2022 cannot use it: on that date use bsu-2022 (in force from 5 September 2022 until "
           "1 June 2025)"),
])
def test_a_date_out_of_force_is_refused_in_the_text_s_language(capsys: pytest.CaptureFixture[str], lang: str,
                                                                said: str) -> None:
    args = ["evaluate", "bsu-2020", EXAMPLES, "--on", "2022-09-05"]
    assert main([*args, "--format", "text", "--lang", lang]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == said
    assert main(args) == 2  # the JSON error keeps its dates as written in the command
    assert "a decision dated 2022-09-05 cannot use it" in capsys.readouterr().err


def test_bad_date_option_is_a_usage_error() -> None:
    run = subprocess.run([sys.executable, "-m", "bsu_rules", "evaluate", "bsu-2022", EXAMPLES, "--on", "12/09/2022"],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "is not a date" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize(("option", "says"), [
    (["--on", "31/12/2022"], "`31/12/2022` is not a date: write the date as YYYY-MM-DD (2022-12-31)"),
    (["--set", "wage_ceiling@1 Oktober 2022=4000000"], "--set wage_ceiling@1 Oktober 2022=4000000:1:1: error "
     "[bad-override]: `1 Oktober 2022` is not a date: write the date as YYYY-MM-DD (2022-10-01); did you mean "
     "`2022-10-01`?"),
    # a day no calendar has: why, and the day near it (as an expression's date is told)
    (["--on", "2022-02-30"], "`2022-02-30` is not a date in the calendar: February 2022 has 28 days (did you mean "
     "2022-02-28?)"),
    (["--on", "2022-13-01"], "`2022-13-01` is not a date in the calendar: a month is 01 to 12 (YYYY-MM-DD: the month "
     "before the day) (did you mean 2022-01-13?)"),
    (["--set", "wage_ceiling@2022-02-30=4000000"], "--set wage_ceiling@2022-02-30=4000000:1:1: error [bad-override]: "
     "`2022-02-30` is not a date in the calendar: February 2022 has 28 days; did you mean `2022-02-28`?"),
    (["--set", "wage_ceiling@2022-13-01=4000000"], "--set wage_ceiling@2022-13-01=4000000:1:1: error [bad-override]: "
     "`2022-13-01` is not a date in the calendar: a month is 01 to 12 (YYYY-MM-DD: the month before the day); did "
     "you mean `2022-01-13`?"),
    (["--set", "as_of=2022-02-30"], "--set as_of=2022-02-30:1:1: error [invalid-value]: as_of: `2022-02-30` is not a "
     "date in the calendar: February 2022 has 28 days; did you mean `2022-02-28`?"),
])
def test_a_date_in_another_form_is_told_with_the_date_meant(option: list[str], says: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(["evaluate", "bsu-2022", EXAMPLES, *option])
    except SystemExit as exc:  # argparse's usage error
        code = exc.code  # type: ignore[assignment]
    assert code == 2 and says in capsys.readouterr().err


def test_check_takes_folders_and_globs_and_tells_other_files_apart(capsys: pytest.CaptureFixture[str]) -> None:
    rules = ROOT / "rules"
    assert main(["check", str(rules)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "4 files: 0 errors, 0 warnings"
    assert sum(line.startswith("rule set bsu-") and " sha256 " in line for line in out) == 4
    assert main(["check", str(rules / "bsu-202[0-2].yaml")]) == 0  # a glob the shell did not expand
    assert capsys.readouterr().out.splitlines()[-1] == "3 files: 0 errors, 0 warnings"
    test_file = str(rules / "tests" / "bsu-2022.yaml")
    assert main(["check", test_file]) == 1
    out = capsys.readouterr().out
    assert f"run `bsu-rules test {test_file}`" in out and "missing-key" not in out
    assert main(["check", str(rules / "tables" / "minimum-wage-2022.csv")]) == 1
    out = capsys.readouterr().out
    assert "is a table, not a rule file" in out and "dictionary" not in out and "RuleFile" not in out


def test_check_of_a_missing_file_or_nothing_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An unknown rule file is exit 2, as in every command (1 is an error found in a rule file); the
    diagnostic line stays and the last line says nothing was checked."""
    missing = str(tmp_path / "nothere.yaml")
    assert main(["check", missing]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{missing}:1:1: error [file-not-found]: no rule file")
    assert out[-1] == "nothing was checked: no rule file at the names given"
    assert main(["check", missing, "--format", "json"]) == 2
    assert json.loads(capsys.readouterr().out)["diagnostics"][0]["code"] == "file-not-found"
    assert main(["check", "bsu-2022", missing]) == 2  # the others are still checked
    assert capsys.readouterr().out.splitlines()[-1] == "2 files: 1 error, 0 warnings"
    assert main(["check", str(tmp_path)]) == 2  # a folder without rule files: nothing to check
    assert "no rule files (*.yaml) in folder" in capsys.readouterr().out
    (tmp_path / "bad.yaml").write_text("ruleset: bsu-2022\n", "utf-8")
    assert main(["check", str(tmp_path / "bad.yaml")]) == 1  # an error in a rule file is still 1


def test_a_long_value_given_is_cut_with_a_mark_never_through_a_run_of_digits(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The command line cuts what it repeats as the service does (``…``, never half of ``<16 digits>``)."""
    long = "abcdefghijklmnopqrstuvwxyzabcdefghi3204125708940003"
    assert main(["evaluate", "bsu-2022", EXAMPLES, "--on", long]) == 2
    assert "--on: `abcdefghijklmnopqrstuvwxyzabcdefghi…` is not a date" in capsys.readouterr().err
    assert main(["batch", "bsu-2022", EXAMPLES, "--out", str(tmp_path / "d.parquet"),
                 "--chunk-size", "3204125708940003"]) == 2
    assert "--chunk-size: '<16 digits>' is more than 10,000,000 rows a chunk" in capsys.readouterr().err
    record = json.loads(Path(EXAMPLES).read_text("utf-8").splitlines()[0]) | {long: 1}
    (tmp_path / "m.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    assert main(["evaluate", "bsu-2022", str(tmp_path / "m.jsonl")]) == 1
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["field"] == "abcdefghijklmnopqrstuvwxyzabcdefghi…", error


def test_a_mistyped_id_names_no_invented_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "bsu-2023"]) == 2
    out = capsys.readouterr().out
    assert out.startswith("bsu-2023:1:1: error [file-not-found]: no rule file `bsu-2023`")
    assert "/" not in out.splitlines()[0]
    # no edition for 2023 (none was made): the one in force that year, not the nearest spelling (bsu-2025)
    assert "; none is for 2023: bsu-2022 is in force then (from 2022-09-05 until 2025-06-01); did you mean " \
        "`bsu-2022`?" in out
    assert main(["evaluate", "bsu-2023", EXAMPLES]) == 2
    assert "/" not in capsys.readouterr().err


def test_a_year_before_every_edition_is_told_the_first(capsys: pytest.CaptureFixture[str]) -> None:
    """`bsu-2019`: nothing was in force that year; the hint is the first edition, not the nearest spelling."""
    assert main(["check", "bsu-2019"]) == 2
    assert "; none is for 2019: the first edition is bsu-2020 (from 2020-08-14 until " in capsys.readouterr().out


@pytest.mark.parametrize(("typed", "meant"), [("mine/bsu-2022.yml", "mine/bsu-2022.yaml"),
                                              ("mine/bsu2022.yaml", "mine/bsu-2022.yaml"),
                                              ("mine/bsu-2022", "mine/bsu-2022.yaml"),
                                              ("elsewhere/bsu-2022.yml", "bsu-2022"),
                                              ("mines/bsu-2022.yaml", "mine/bsu-2022.yaml")])
def test_a_mistyped_path_is_told_the_rule_file_beside_it(rules_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str], typed: str,
                                                         meant: str) -> None:
    """An edited copy's path mistyped is told that copy, not the bundled edition (which decides otherwise);
    a folder with no rule file near it leaves the bundled one as the hint."""
    rules_copy.rename(rules_copy.parent / "mine")
    (rules_copy.parent / "elsewhere").mkdir()
    monkeypatch.chdir(rules_copy.parent)
    assert main(["check", typed]) == 2
    assert capsys.readouterr().out.splitlines()[0].endswith(f"; did you mean `{meant}`?")


def test_a_name_written_as_a_path_is_that_path_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """`./bsu-2022` where there is no such file was the bundled edition, decided with unseen: it is not found, as
    `nothere/bsu-2022` is, and told the bundled id, or the rule file of that name beside it."""
    from bsu_rules import check_file

    monkeypatch.chdir(tmp_path)
    known = "(bundled: bsu-2020, bsu-2021, bsu-2022, bsu-2025)"
    (tmp_path / "bsu-2021.yaml").write_text("ruleset: bsu-2021\n", "utf-8")  # a name near it: not the one meant
    for name in ("./bsu-2022", "../bsu-2022", "~/bsu-2022", ".bsu-2022"):
        for command in (["evaluate", name, EXAMPLES], ["check", name], ["diff", "bsu-2021", name],
                        ["batch", name, EXAMPLES, "--out", "d.parquet"], ["doc", name]):
            assert main(command) == 2, command
            out, err = capsys.readouterr()
            assert f"{name}:1:1: error [file-not-found]: no rule file `{name}` {known}" in out + err, command
            assert "did you mean `bsu-2022`?" in out + err and "read =" not in err, command
    (tmp_path / "bsu-2022.yaml").write_text("ruleset: bsu-2022\n", "utf-8")
    assert check_file("./bsu-2022")[1][0].suggestion == "bsu-2022.yaml"
    assert main(["evaluate", "bsu-2022", EXAMPLES]) == 0  # a bare id is the bundled edition, whatever is here


@pytest.mark.parametrize("name", ["bsu-0000", "myrules-2023", "x-9999"])
def test_an_id_of_no_edition_s_name_or_no_year_is_not_found_plainly(name: str,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Only a bundled edition's name with another year is told the edition in force then: another name is
    no edition of that year, and year 0000 no year at all (it once ended in an internal error)."""
    assert main(["evaluate", name, EXAMPLES]) == 2
    err = capsys.readouterr().err
    assert f"no rule file `{name}`" in err and "none is for" not in err and "internal error" not in err


def test_text_output_ends_with_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "bsu-2022", EXAMPLES, "--format", "text", "--lang", "en"]) == 0
    captured = capsys.readouterr()
    out = captured.out.splitlines()
    assert out[-1] == "16 decisions: 5 eligible, 10 not eligible, 1 not yet determined"
    assert any(line.startswith("Key: ") for line in out)  # each page carries the key to its marks
    assert "rule set bsu-2022 2022.9: " in captured.err and " sha256 " in captured.err


def test_the_summary_counts_in_the_language_s_grammar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = Path(EXAMPLES).read_text("utf-8").splitlines()[0]
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    one.write_text(good + "\n{not json\n", "utf-8")
    two.write_text("\n".join([good, good, "{not json", "[]"]) + "\n", "utf-8")
    said = {}
    for path in (one, two):
        for lang in ("en", "id"):
            main(["evaluate", "bsu-2022", str(path), "--format", "text", "--lang", lang])
            said[path.stem, lang] = capsys.readouterr().out.splitlines()[-1]
    assert said["one", "en"] == "1 decision: 1 eligible, 0 not eligible, 0 not yet determined; 1 record not valid"
    assert said["two", "en"] == "2 decisions: 2 eligible, 0 not eligible, 0 not yet determined; 2 records not valid"
    assert said["two", "id"] == ("2 keputusan: 2 memenuhi syarat, 0 tidak memenuhi syarat, 0 belum dapat ditentukan; "
                                 "2 catatan tidak sah")


def test_the_durable_engine_gives_the_same_bytes(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("durable")
    assert main(["evaluate", "bsu-2022", EXAMPLES]) == 0
    scalar = capsys.readouterr().out
    assert main(["evaluate", "bsu-2022", EXAMPLES, "--engine", "durable"]) == 0
    assert capsys.readouterr().out == scalar


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_evaluate_keeps_its_lines_whole_and_says_what_it_did(tmp_path: Path, signum: int,
                                                                            status: int) -> None:
    out = tmp_path / "out.jsonl"
    with out.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "bsu_rules", "evaluate", "bsu-2022", "-"], cwd=ROOT,
                                stdin=subprocess.PIPE, stdout=sink, stderr=subprocess.PIPE)
        assert proc.stdin is not None and proc.stderr is not None
        assert proc.stderr.readline().startswith(b"bsu-rules: rule set bsu-2022")  # loaded: reading stdin
        proc.stdin.write(Path(EXAMPLES).read_bytes() + b"{not json}\n")
        proc.stdin.flush()  # and left open: the run waits for more
        time.sleep(2)
        proc.send_signal(signum)
        assert proc.wait(timeout=60) == status
    err = proc.stderr.read().decode()
    proc.stdin.close()
    assert err == ("bsu-rules: interrupted after 17 records: 17 read = 16 decided + 1 rejected so far; the output "
                   "is incomplete\n")
    text = out.read_text("utf-8")
    assert text.endswith("\n") and len([json.loads(line) for line in text.splitlines()]) == 17


def test_a_member_file_where_the_rule_set_goes_is_told_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", EXAMPLES]) == 2
    assert capsys.readouterr().err.endswith(f"bsu-rules: {EXAMPLES} is a member file: the rule set comes first "
                                            f"(bsu-rules evaluate bsu-2022 {EXAMPLES} ...)\n")
    assert main(["evaluate", "bsu-2022", EXAMPLES, "--bogus"]) == 2
    assert "the rule set comes first" not in capsys.readouterr().err


@pytest.mark.parametrize(("given", "told"), [(["--set", "wage_ceiling", "4300000"], "--set wage_ceiling=4300000"),
                                            (["--table", "minimum_wage", "my table.csv"],
                                             "--table 'minimum_wage=my table.csv'")])
def test_an_override_written_as_two_words_is_told_how_it_is_written(capsys: pytest.CaptureFixture[str],
                                                                    given: list[str], told: str) -> None:
    assert main(["evaluate", "bsu-2022", EXAMPLES, *given]) == 2
    form = "NAME=FILE" if given[0] == "--table" else "NAME=VALUE"
    assert capsys.readouterr().err.endswith(f"bsu-rules: {given[0]} takes {form} as one word: {told}\n")
    assert main(["evaluate", "bsu-2022", given[0], given[1], given[2], EXAMPLES]) == 2  # its value read as a file
    assert f"write it as one word, `{given[0]} {given[1]}=…`" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["evaluate", "batch", "impact", "explain"])
def test_a_member_file_before_the_rule_set_is_told_so(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Not a rule file that does not parse (the YAML parser's words on a JSON line), but the order."""
    assert main([command, EXAMPLES, "bsu-2022", "--on", "2022-09-05"]) == 2
    kind = "decisions" if command == "explain" else "member"
    assert capsys.readouterr().err == (f"bsu-rules: {EXAMPLES} is a {kind} file and bsu-2022 a rule set: the rule set "
                                       f"comes first (bsu-rules {command} bsu-2022 {EXAMPLES} ...)\n")


def test_a_rule_file_warning_is_said_by_every_command_that_loads_it(rules_copy: Path, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A table key that reads as DKI's `31` but holds a dotless `ı` drops DKI's row: a warning in `check`,
    and said again by `evaluate` (and every command that loads the file), not only by `check`."""
    table = rules_copy / "tables" / "minimum-wage-2022.csv"
    table.write_text(table.read_text("utf-8").replace("\n31,DKI", "\n3\u0131,DKI", 1), "utf-8")
    one = tmp_path / "one.jsonl"
    one.write_text(Path(EXAMPLES).read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    assert main(["evaluate", str(rules_copy / "bsu-2022.yaml"), str(one)]) == 0
    err = capsys.readouterr().err
    assert "warning [unmatchable-key]" in err and "(`\u0131` is U+0131, not an ASCII letter or digit)" in err, err
    assert main(["evaluate", "bsu-2022", str(one)]) == 0
    assert "warning" not in capsys.readouterr().err  # the bundled file has none
    for command in (["doc", str(rules_copy / "bsu-2022.yaml")], ["archive", str(rules_copy / "bsu-2022.yaml"),
                                                                "--into", str(tmp_path / "archive")]):
        assert main(command) == 0
        assert "warning [unmatchable-key]" in capsys.readouterr().err, command


def test_a_rule_file_reached_through_a_link_is_the_file_it_leads_to(rules_copy: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """`current.yaml` deployed as a link to an edition's file is read as that file, tables beside it."""
    (rules_copy / "current.yaml").symlink_to("bsu-2022.yaml")
    assert main(["check", str(rules_copy / "current.yaml")]) == 0
    out = capsys.readouterr().out
    assert f"{rules_copy / 'bsu-2022.yaml'} sha256 " in out and "0 errors" in out
    (rules_copy / "gone.yaml").symlink_to("bsu-2030.yaml")
    assert main(["check", str(rules_copy / "gone.yaml")]) == 1
    assert "error [file]: the rule file is a symbolic link to `bsu-2030.yaml`, which leads to no file (not there, " \
        "or a loop of links)" in capsys.readouterr().out


def test_a_bundled_id_is_the_bundled_edition_whatever_the_working_folder_holds(
        rules_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A file or a folder named `bsu-2022` where the command runs does not stand in for the edition: the
    same documented command decides the same everywhere (`./bsu-2022` names the local one)."""
    (rules_copy / "bsu-2022.yaml").rename(rules_copy / "bsu-2022")  # an edited copy saved without its suffix
    monkeypatch.chdir(rules_copy)
    assert main(["check", "bsu-2022"]) == 0
    assert f"{bundled_rules() / 'bsu-2022.yaml'} sha256 " in capsys.readouterr().out
    assert main(["check", "./bsu-2022"]) == 0
    assert "bsu-2022 sha256 " in capsys.readouterr().out


def test_a_bundled_id_says_when_the_folder_s_rules_copy_of_it_differs(
        rules_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """An analyst edits rules/bsu-2022.yaml, then runs `doc bsu-2022`: the id is still the bundled edition (as
    services and archives rely on), but a note says the folder's copy differs and how to use it; it was unsaid,
    the bundled file's path in the `rule set` line the only clue. Nothing changes where the copy is the same."""
    from bsu_rules.ruleset.loader import load_ruleset

    monkeypatch.chdir(rules_copy.parent)
    edition = rules_copy / "bsu-2022.yaml"
    text = edition.read_text("utf-8")
    assert main(["doc", "bsu-2022", "--lang", "en"]) == 0  # the same copy: nothing to say
    page, err = capsys.readouterr()
    assert "note:" not in err
    edition.write_text(text.replace("value: 3500000", "value: 4000000", 1), "utf-8")
    note = ("bsu-rules: note: rules/bsu-2022.yaml in this folder differs from the bundled bsu-2022 used here; give "
            "its path (rules/bsu-2022.yaml) to use it")
    assert main(["doc", "bsu-2022", "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert out == page  # the bundled edition's page, as before
    bundled = load_ruleset("bsu-2022")
    assert err.splitlines()[:2] == [f"bsu-rules: rule set bsu-2022 {bundled.version}: "
                                    f"{bundled_rules() / 'bsu-2022.yaml'} sha256 {bundled.sha256}", note]
    for command in (["evaluate", "bsu-2022", EXAMPLES], ["evaluate", "bsu-2022", EXAMPLES, "--set", "rounding=1000"],
                    ["diff", "bsu-2021", "bsu-2022"], ["impact", "bsu-2022", EXAMPLES, "--out", "x.html", "--quiet"],
                    ["impact", "bsu-2021", EXAMPLES, "--against", "bsu-2022", "--out", "x.html", "--quiet"]):
        main(command)
        assert capsys.readouterr().err.splitlines().count(note) == 1, command
    main(["impact", "rules/bsu-2022.yaml", EXAMPLES, "--against", "bsu-2022", "--out", "x.html", "--quiet"])
    err = capsys.readouterr().err  # the edit measured against the edition as bundled: the path was given
    assert note not in err and "bsu-rules: note: the baseline is the bundled bsu-2022, not rules/bsu-2022.yaml: the " \
        "reform (its path) is measured against the edition as bundled\n" in err, err
    assert main(["doc", "rules/bsu-2022.yaml", "--lang", "en"]) == 0  # the copy, by its path: nothing to say
    assert "note:" not in capsys.readouterr().err
    load_ruleset("bsu-2022")  # the library says nothing
    assert capsys.readouterr().err == ""
    edition.write_text(text, "utf-8")
    banks = rules_copy / "tables" / "banks.csv"
    banks.write_text(banks.read_text("utf-8") + "JAGO,JAGO,no,x\n", "utf-8")
    assert main(["doc", "bsu-2022", "--lang", "en"]) == 0
    assert capsys.readouterr().err.splitlines()[1] == (
        "bsu-rules: note: rules/tables/banks.csv in this folder differs from the bundled bsu-2022's, which is read "
        "here; give the path of the folder's rule file (rules/bsu-2022.yaml) to use the folder's")


def test_main_in_a_script_leaves_ctrl_c_as_it_found_it() -> None:
    previous = signal.getsignal(signal.SIGINT)
    assert main(["check", str(ROOT / "rules" / "bsu-2022.yaml")]) == 0
    assert signal.getsignal(signal.SIGINT) is previous


def test_a_signal_after_the_work_is_done_changes_nothing(tmp_path: Path) -> None:
    """Once the command has said what it did, a Ctrl-C or SIGTERM before the process is gone leaves its
    exit status as it is, with no traceback from the interpreter's shutdown."""
    script = ("import os, signal, sys\nfrom bsu_rules.cli import program\n"
              "sys.argv = ['bsu-rules', 'check', 'rules/bsu-2022.yaml']\ncode = program()\n"
              "os.kill(os.getpid(), signal.SIGINT)\nos.kill(os.getpid(), signal.SIGTERM)\nsys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (done.returncode, "Traceback" in done.stderr, "KeyboardInterrupt" in done.stderr) == (0, False, False)
    assert "0 errors, 0 warnings" in done.stdout


def test_evaluate_refuses_a_parquet_or_csv_file_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "members.csv"
    table.write_text("nik,citizenship,participant_category\n3215014107900001,WNI,PU\n", "utf-8")
    disguised = tmp_path / "members.jsonl"  # Parquet, whatever its name says
    disguised.write_bytes(b"PAR1\x15\x04\x15\x80\x01" + b"\x00" * 200 + b"\nPAR1")
    for path, kind, before in ((table, "CSV", EXAMPLES), (tmp_path / "m.parquet", "Parquet", EXAMPLES),
                               (disguised, "Parquet", None)):
        assert main(["evaluate", "bsu-2022", *([before] if before else []), str(path)]) == 2
        printed = capsys.readouterr()
        assert printed.out == ""  # nothing decided: a file named so is refused before any is read
        assert printed.err.splitlines()[-1] == (
            f"bsu-rules: {path}: a {kind} file: this command reads JSON (one record or a list) or JSON lines; "
            "bsu-rules batch reads Parquet and CSV")


def test_output_is_utf8_whatever_the_locale() -> None:
    """An explanation in a locale whose encoding cannot say its characters is still written (as UTF-8)."""
    env = {**os.environ, "PYTHONIOENCODING": "ISO-8859-1", "LC_ALL": "C"}
    run = subprocess.run([sys.executable, "-m", "bsu_rules", "evaluate", "bsu-2022", EXAMPLES, "--format", "text",
                          "--lang", "id"], capture_output=True, cwd=ROOT, env=env, check=False)
    assert run.returncode == 0 and b"Traceback" not in run.stderr and b"internal error" not in run.stderr
    assert "16 keputusan" in run.stdout.decode("utf-8")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_count_line_names_outcomes_as_the_pages_head_them(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each count reads as the outcome's heading reads, in lower case ("tidak memenuhi syarat", not "tidak layak")."""
    assert main(["evaluate", "bsu-2022", EXAMPLES, "--format", "text", "--lang", lang]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    for outcome, count in (("eligible", 5), ("ineligible", 10), ("undetermined", 1)):
        words = " ".join(takewhile(str.isupper, WORDS[lang][outcome].split(" "))).lower()  # the heading's capitals
        assert f" {count} {words}" in last, (words, last)


def test_diff_members_in_parquet_points_to_the_impact_command_that_compares_over_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    disguised = tmp_path / "members.jsonl"  # Parquet, whatever its name says
    disguised.write_bytes(b"PAR1\x15\x04\x15\x80\x01" + b"\x00" * 200 + b"\nPAR1")
    for path in (tmp_path / "m.parquet", disguised):
        assert main(["diff", "bsu-2021", "bsu-2022", "--members", str(path), "--old-on", "2021-10-01"]) == 2
        assert capsys.readouterr().err.splitlines()[-1] == (
            f"bsu-rules: {path}: a Parquet file: this command reads JSON (one record or a list) or JSON lines; to "
            f"compare the rule sets over it: bsu-rules impact bsu-2022 {path} --against bsu-2021 --against-on "
            "2021-10-01 --out impact.html")


def _shell(command: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``command`` in bash, ``B`` standing for the ``bsu-rules`` of this checkout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(["bash", "-c", f"B() {{ {sys.executable} -m bsu_rules \"$@\"; }}; {command}"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_a_closed_output_is_not_success_and_closed_or_full_message_streams_stop_nothing(tmp_path: Path) -> None:
    members = ROOT / "examples" / "members.jsonl"
    many = tmp_path / "many.jsonl"
    many.write_text(members.read_text("utf-8") * 400, "utf-8")  # more than a pipe holds
    closed = _shell(f"B evaluate bsu-2022 {many} | head -c 10 > /dev/null; echo ${{PIPESTATUS[0]}}", tmp_path)
    assert closed.stdout.strip() == "141" and "the output was closed before the run ended" in closed.stderr
    for stderr in ("2>&-", "2>/dev/full"):  # no message is written, and none lands in the output
        done = _shell(f"B evaluate bsu-2022 {members} {stderr} > out.jsonl; echo $?", tmp_path)
        lines = (tmp_path / "out.jsonl").read_text("utf-8").splitlines()
        assert done.stdout.strip() == "0" and len(lines) == 16 and all(line.startswith('{"as_of"') for line in lines)
        done = _shell(f"B batch bsu-2022 {members} --out d.jsonl {stderr} > /dev/null; echo $?", tmp_path)
        assert done.stdout.strip() == "0" and len((tmp_path / "d.jsonl").read_text("utf-8").splitlines()) == 16
    assert _shell("B evaluate bsu-2022 - <&- > /dev/null; echo $?", tmp_path).stdout.strip() == "0"  # nothing to read


def test_a_product_printed_on_a_closed_standard_output_is_refused_at_once(tmp_path: Path) -> None:
    """``>&-``: every decision was thrown away and the run said `16 read = 16 decided`, exit 0; a command that
    writes its product to a file (batch --out, doc --out) still runs, its summary lost."""
    for command, what in (("evaluate bsu-2022 {}", "evaluate prints its decisions"),
                          ("example members", "example prints the example"), ("doc bsu-2022", "doc prints the page")):
        done = _shell(f"B {command.format(EXAMPLES)} >&-; echo $?", tmp_path)
        assert done.stdout == "2\n" and done.stderr == f"bsu-rules: standard output is closed, and {what} there: " \
            f"redirect it to a file (> FILE; > /dev/null to discard it){', or give --out FILE' * ('doc' in what)}\n"
    done = _shell(f"B batch bsu-2022 {EXAMPLES} --out d.jsonl >&-; B doc bsu-2022 --out p.md >&-; echo $?", tmp_path)
    assert done.stdout == "0\n" and len((tmp_path / "d.jsonl").read_text("utf-8").splitlines()) == 16
    assert (tmp_path / "p.md").read_text("utf-8").startswith("#")


def test_evaluate_checks_every_input_before_deciding_any(tmp_path: Path) -> None:
    members = ROOT / "examples" / "members.jsonl"
    (tmp_path / "folder").mkdir()
    (tmp_path / "cut.json").write_text('{"nik": "3204125708940003", "name": \n', "utf-8")  # a document cut short
    for other, said in (("nothere.jsonl", "nothere.jsonl: no such file or folder"), ("folder", "folder: is a folder"),
                        ("cut.json", "cut.json: not valid JSON")):
        done = _shell(f"B evaluate bsu-2022 {members} {other}; echo $?", tmp_path)
        assert done.stdout.strip() == "2" and said in done.stderr  # not a decision printed before it


def test_an_interrupted_html_evaluate_with_a_log_counts_only_what_the_log_holds(tmp_path: Path) -> None:
    """The page is written at the end; what the count line says was decided is what the log has."""
    log = tmp_path / "log.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "bsu_rules", "evaluate", "bsu-2022", "-", "--format", "html",
                             "--log", str(log), "--full-nik"], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stderr is not None
    assert proc.stderr.readline().startswith(b"bsu-rules: rule set bsu-2022")
    proc.stdin.write(Path(EXAMPLES).read_bytes())
    proc.stdin.flush()  # and left open: the run waits for more, its decisions not yet logged
    time.sleep(2)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 143
    err = proc.stderr.read().decode()
    proc.stdin.close()
    logged = len(log.read_text("utf-8").splitlines()) if log.exists() else 0
    assert f"= {logged} decided + 0 rejected so far" in err, err


@pytest.mark.skipif(sys.platform != "linux", reason="file names as bytes, and /dev/full")
def test_names_in_another_encoding_and_a_full_output_are_said_in_words(tmp_path: Path) -> None:
    members = ROOT / "examples" / "members.jsonl"
    (tmp_path / os.fsdecode(b"m\xff.jsonl")).write_bytes(members.read_bytes())
    done = _shell("B impact bsu-2022 $'m\\xff.jsonl' --set wage_ceiling=4000000 --out r.html; echo $?", tmp_path)
    assert done.stdout.strip().endswith("0") and (tmp_path / "r.html").exists()  # the name shown, not a failure
    done = _shell(f"B batch bsu-2022 {members} --out $'d\\xff.parquet'; echo $?", tmp_path)
    assert done.stdout.strip().endswith("2") and "internal error" not in done.stderr
    assert "a file name that is not UTF-8 text" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [os.fsdecode(b"m\xff.jsonl"), "r.html"]  # nothing left
    done = _shell(f"B evaluate bsu-2022 {members} > /dev/full; echo $?", tmp_path)
    assert done.stdout.strip() == "2" and done.stderr.endswith(
        "bsu-rules: the output could not be written: the disk is full (no space left to write it) after 0 records "
        "(0 read = 0 decided + 0 rejected so far)\n")  # how far it got, as a closed output says it


@pytest.mark.skipif(sys.platform != "linux", reason="/dev/full")
def test_help_and_version_that_cannot_be_written_are_not_success(tmp_path: Path) -> None:
    for asked in ("--help", "--version", "evaluate --help"):
        done = _shell(f"B {asked} > /dev/full; echo $?", tmp_path)
        assert done.stdout.strip() == "2" and done.stderr == \
            "bsu-rules: the output could not be written: the disk is full (no space left to write it)\n"
        for nowhere in (">&- 2>&-", ">&- 2>/dev/full"):  # no stream to say it on: said nowhere, not failed
            assert _shell(f"B {asked} {nowhere}; echo $?", tmp_path).stdout.strip() == "0"
    for stderr in ("2>/dev/full", ">&- 2>/dev/full"):  # a usage error is one, whether it can be said or not
        assert _shell(f"B evaluat {stderr}; echo $?", tmp_path).stdout.strip() == "2"
        assert _shell(f"B evaluate m.jsonl {stderr}; echo $?", tmp_path).stdout.strip() == "2"  # with its hint
    done = _shell("B evaluate bsu-2022 --bogus > out.jsonl 2>&-; echo $?; B --version >&- 2>err.txt", tmp_path)
    assert done.stdout == "2\n" and (tmp_path / "out.jsonl").read_text() == (tmp_path / "err.txt").read_text() == ""
    gone = subprocess.Popen([sys.executable, "-m", "bsu_rules", "--help"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert gone.stdout is not None and gone.stderr is not None
    gone.stdout.close()  # the reader goes away before the help is written
    assert gone.wait(timeout=60) == 141 and b"its reader went away" in gone.stderr.read()
    assert _shell("B --help | head -c 5; echo \" ${PIPESTATUS[0]}\"", tmp_path).stdout == "usage 0\n"  # read whole


def test_one_key_is_one_key_however_it_is_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key file saved with a byte order mark, or a secret made with `echo`, gives the pseudonyms of the key."""
    import argparse

    from bsu_rules.audit.snapshot import KEY_ENV
    from bsu_rules.cli.options import pseudonym_key

    given = tmp_path / "k.key"
    for text in (b"k3y-of-16-bytes!", b"k3y-of-16-bytes!\n", b"\xef\xbb\xbfk3y-of-16-bytes!\r\n# a comment\n"):
        given.write_bytes(text)
        assert pseudonym_key(argparse.Namespace(key_file=str(given))) == b"k3y-of-16-bytes!"
    for value in ("k3y-of-16-bytes!", "k3y-of-16-bytes!\n", "k3y-of-16-bytes!\r\n"):
        monkeypatch.setenv(KEY_ENV, value)
        assert pseudonym_key(argparse.Namespace()) == b"k3y-of-16-bytes!"
    monkeypatch.setenv(KEY_ENV, " k3y-of-16-bytes! ")  # spaces are the key's own
    assert pseudonym_key(argparse.Namespace()) == b" k3y-of-16-bytes! "


def test_ctrl_c_while_the_command_loads_is_said_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Before a command's own handlers are set (its modules still loading), Ctrl-C is said, never a traceback."""
    import bsu_rules.cli as cli

    def interrupted(arguments: list[str]) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "parser", interrupted)
    assert cli.main(["batch", "bsu-2022", "x.parquet", "--out", "y.parquet"]) == 130
    err = capsys.readouterr().err
    assert err == "bsu-rules: interrupted before the command began: nothing was read or written\n"


def _class_built_when_interrupted() -> None:
    """Ctrl-C met while a class is built, as a dataclass's field sets its name: Python 3.11 raises it as a
    RuntimeError from the KeyboardInterrupt."""

    class Interrupting:
        def __set_name__(self, owner: type, name: str) -> None:
            raise KeyboardInterrupt

    type("Line", (), {"sentences": Interrupting()})


def test_ctrl_c_met_while_a_class_is_built_is_an_interruption(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str],
                                                              tmp_path: Path) -> None:
    """In the modules a command loads before it begins, or once it runs: 130 and one line, no traceback."""
    import bsu_rules.cli as cli

    monkeypatch.setattr(cli, "parser", lambda arguments: _class_built_when_interrupted())
    assert cli.main(["evaluate", "bsu-2022", "x.jsonl"]) == 130
    assert capsys.readouterr().err == "bsu-rules: interrupted before the command began: nothing was read or written\n"
    monkeypatch.undo()
    (tmp_path / "m.jsonl").write_text("", "utf-8")
    import bsu_rules.cli.evaluate as evaluate

    monkeypatch.setattr(evaluate, "run", lambda args: _class_built_when_interrupted())
    assert cli.main(["evaluate", "bsu-2022", str(tmp_path / "m.jsonl")]) == 130
    assert capsys.readouterr().err == "bsu-rules: interrupted\n"


def test_sigterm_while_the_command_line_loads_is_said_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The program sets its SIGTERM handler first: a SIGTERM while the modules load is said, with status 143."""
    import signal

    import bsu_rules.cli as cli
    from bsu_rules.__main__ import program

    def terminated(arguments: list[str]) -> None:
        signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr(cli, "parser", terminated)
    monkeypatch.setattr(sys, "argv", ["bsu-rules", "evaluate", "bsu-2022", "x.jsonl"])
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")  # as the program sets it: unset again afterwards
    previous = signal.getsignal(signal.SIGTERM)
    try:
        assert program() == 143
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert capsys.readouterr().err == "bsu-rules: interrupted before the command began: nothing was read or written\n"


def test_an_error_while_the_command_loads_is_an_internal_error_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import bsu_rules.cli as cli

    def broken(arguments: list[str]) -> None:
        raise ValueError("a module that does not load")

    monkeypatch.setattr(cli, "parser", broken)
    assert cli.main(["evaluate", "bsu-2022", "x.jsonl"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bsu-rules: internal error (ValueError)") and "Traceback" not in err


def test_ctrl_c_while_the_command_line_itself_loads_is_said_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The program's first step (``bsu_rules.__main__``) loads the command line inside the same guard."""
    import importlib.abc

    from bsu_rules.__main__ import program

    class Interrupting(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, *args: object) -> None:
            if name == "bsu_rules.cli":
                raise KeyboardInterrupt

    monkeypatch.delitem(sys.modules, "bsu_rules.cli")
    monkeypatch.setattr(sys, "meta_path", [Interrupting(), *sys.meta_path])
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")  # as the program sets it: unset again afterwards
    assert program() == 130
    assert capsys.readouterr().err == "bsu-rules: interrupted before the command began: nothing was read or written\n"


@pytest.mark.parametrize("option", ["--log", "--key-file", "--table", "input"])
def test_a_loop_of_symbolic_links_is_named_not_an_internal_error(tmp_path: Path, option: str,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """``Path.resolve`` raises RuntimeError on a loop (Python 3.11, 3.12), from wherever a path is read."""
    loop = tmp_path / "loop.jsonl"
    loop.symlink_to(loop.name)
    given = {"--log": [EXAMPLES, "--log", str(loop), "--full-nik"],
             "--key-file": [EXAMPLES, "--log", str(tmp_path / "ok.jsonl"), "--key-file", str(loop)],
             "--table": [EXAMPLES, "--table", f"minimum_wage={loop}"], "input": [str(loop)]}[option]
    assert main(["evaluate", "bsu-2022", *given]) == 2
    err = capsys.readouterr().err
    said = "too many levels of symbolic links" if option == "input" else \
        "a symbolic link that leads round a loop of links, to no file"  # the system's words, where it reads one
    assert f"bsu-rules: {loop}: {said}" in err and "internal error" not in err, err


def test_an_unknown_option_is_told_by_its_command_keeping_a_key_hidden(capsys: pytest.CaptureFixture[str]) -> None:
    """The command's own usage, which lists the options it has (the top-level one does not); a key
    typed after a mistyped option is never repeated."""
    assert main(["verify", "x.jsonl", "--bogus"]) == 2
    err = capsys.readouterr().err
    assert "usage: bsu-rules verify" in err and "bsu-rules verify: error: unrecognized arguments: --bogus" in err
    assert main(["evaluate", "bsu-2022", EXAMPLES, "--pseudonym-key", "s3cr3t-value", "--key=s3cr3t2"]) == 2
    err = capsys.readouterr().err
    assert "bsu-rules evaluate: error: unrecognized arguments: --pseudonym-key … --key=…" in err and "s3cr3t" not in err
    assert main(["evaluate", "bsu-2022", EXAMPLES, "--pseudonym-key", "-s3cr3t", "--bogus"]) == 2  # a key led by -
    err = capsys.readouterr().err
    assert "unrecognized arguments: --pseudonym-key … --bogus" in err and "s3cr3t" not in err


@pytest.mark.parametrize("argv", [["evaluate", "3204125708940003.jsonl", "bsu-2022"],
                                  ["evaluate", "3204125708940003.jsonl"],
                                  ["impact", "bsu-2022", "m.parquet", "--set", "wage_ceiling", "418201004566507",
                                   "--out", "r.html"]])
def test_a_usage_hint_repeats_no_number_the_usage_error_hid(argv: list[str],
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "3204125708940003" not in err and "418201004566507" not in err
    assert "the rule set comes first (bsu-rules evaluate bsu-2022 <16 digits>.jsonl ...)" in err or \
        "--set takes NAME=VALUE as one word: --set wage_ceiling=<15 digits>" in err


@pytest.mark.parametrize(("name", "said"), [
    ("m.csv", "this is CSV text naming nik (member records), not a rule file: a command that decides takes the "
              "rule set first"),
    ("m.jsonl", "this is JSON naming nik (member records), not a rule file"),
    ("m.parquet", "this is a Parquet file (member records?), not a rule file"),
])
def test_a_member_file_in_the_rule_file_s_place_is_told_as_such(tmp_path: Path, name: str, said: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Not in YAML's words (`this file holds a single value`, `not UTF-8`): the member file was given first."""
    path = tmp_path / name
    record = Path(EXAMPLES).read_text("utf-8").splitlines()[0]
    if path.suffix == ".csv":
        path.write_text("nik,citizenship,participant_category\n3215014107900001,WNI,PU\n", "utf-8")
    elif path.suffix == ".jsonl":
        path.write_text(record + "\n", "utf-8")
    else:
        path.write_bytes(b"PAR1" + b"\x00" * 32 + b"PAR1")
    assert main(["evaluate", str(path), EXAMPLES]) == 2
    assert said in capsys.readouterr().err


def test_records_piped_without_a_dash_are_told_to_give_one(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "bsu_rules", "evaluate", "bsu-2022"], input=b"{}\n",
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 2
    assert b"to read the records piped in, give - as the file: bsu-rules evaluate bsu-2022 -" in done.stderr


def test_a_rule_file_whose_first_line_names_member_fields_is_a_rule_file(rules_copy: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A comment listing the fields read (`nik, birth_date`) looks like a CSV header: the file is YAML with
    rules, and is read as the rule file it is."""
    path = rules_copy / "bsu-2022.yaml"
    path.write_text("# Member fields read: wages, contributions, nik, birth_date\n" + path.read_text("utf-8"), "utf-8")
    assert main(["check", str(path)]) == 0
    assert "0 errors" in capsys.readouterr().out


def test_what_the_log_has_written_is_printed_and_counted_when_a_signal_comes_as_it_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A Ctrl-C arriving as the log wrote its buffer left those decisions in the log, never printed and not in the
    count line: it now waits, under the log's lock, until they are printed and counted."""
    from bsu_rules.audit.log import DecisionLog

    append = DecisionLog._append

    def appended(self: DecisionLog, *args: Any) -> int:
        os.kill(os.getpid(), signal.SIGINT)  # with the lock held, as the lines are written
        return append(self, *args)
    monkeypatch.setattr(DecisionLog, "_append", appended)
    monkeypatch.setattr("bsu_rules.cli.archive.BATCH", 4)  # a buffer written before the last record
    log = tmp_path / "log.jsonl"
    assert main(["evaluate", "bsu-2022", EXAMPLES, "--log", str(log), "--full-nik"]) == 130
    out, err = capsys.readouterr()
    logged = len(log.read_text("utf-8").splitlines())
    assert logged == 4 and len(out.splitlines()) == logged, (logged, out)
    assert f"{logged} read = {logged} decided + 0 rejected so far" in err, err


def test_ctrl_c_is_not_held_up_while_another_writer_holds_the_log(tmp_path: Path) -> None:
    """Waiting for another process's lock on a shared log, evaluate stops at Ctrl-C (signals were once deferred
    around the whole write, the wait included: only SIGKILL stopped it)."""
    import fcntl

    log = tmp_path / "log.jsonl"
    assert main(["evaluate", "bsu-2022", EXAMPLES, "--log", str(log), "--full-nik"]) == 0  # the log exists
    with log.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another writer, holding on
        proc = subprocess.Popen([sys.executable, "-m", "bsu_rules", "evaluate", "bsu-2022", "-", "--log", str(log),
                                 "--full-nik"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        assert proc.stdin is not None and proc.stderr is not None
        assert proc.stderr.readline().startswith(b"bsu-rules: rule set bsu-2022")
        first = Path(EXAMPLES).read_text("utf-8").splitlines()[0]
        proc.stdin.write(json.dumps({**json.loads(first), "name": "Lain"}).encode() + b"\n")
        proc.stdin.close()  # one new decision: the run ends by writing it, and waits for the lock
        time.sleep(3)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 130


@pytest.mark.parametrize("command", ["evaluate", "check", "schema", "test", "verify", "replay", "archive"])
def test_a_command_s_own_help_says_what_it_does_and_the_default_of_each_choice(
        command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with contextlib.suppress(SystemExit):
        main([command, "--help"])
    usage, _, rest = capsys.readouterr().out.partition("\n\n")
    summary = rest.splitlines()[0]
    assert summary[0].isupper() and summary.endswith(".") and "usage" not in summary
    if "--format {" in usage:
        option = rest.split("\n  --format", 1)[1].split("\n  -", 1)[0]
        assert "default" in option, option


def test_a_document_read_as_far_as_wanted_is_no_error_but_undecided_records_are_said(tmp_path: Path) -> None:
    quiet = _shell("B schema member | head -c 10 > /dev/null; echo ${PIPESTATUS[0]}", tmp_path)
    assert quiet.stdout.strip() in ("0", "141") and quiet.stderr == ""  # 0: written whole before head closed
    many = tmp_path / "many.jsonl"
    many.write_text((ROOT / "examples" / "members.jsonl").read_text("utf-8") * 400, "utf-8")
    cut = _shell(f"B evaluate bsu-2022 {many} 2>err.txt | head -c 10 > /dev/null", tmp_path)
    assert cut.returncode == 0
    said = (tmp_path / "err.txt").read_text("utf-8")
    assert "(its reader went away) after" in said and "the records after that were not decided" in said


def test_a_page_cut_short_after_every_record_is_decided_is_said_so(tmp_path: Path) -> None:
    """``--format html | head -c 10``: the page is written once every record is decided; what the closed
    pipe lost is the rest of the page, not records left undecided."""
    many = tmp_path / "many.jsonl"
    many.write_text((ROOT / "examples" / "members.jsonl").read_text("utf-8") * 130, "utf-8")
    cut = _shell(f"B evaluate bsu-2022 {many} --format html 2>err.txt | head -c 10 > /dev/null; "
                 "echo ${PIPESTATUS[0]}", tmp_path)
    assert cut.stdout.strip() == "141"
    said = (tmp_path / "err.txt").read_text("utf-8").splitlines()[-1]
    assert said.startswith("bsu-rules: the output was closed before the run ended (its reader went away) after "
                           "every record was read (2080 read = "), said
    assert said.endswith("): the page was cut short") and "not decided" not in said
