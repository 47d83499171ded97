"""Text a record should not carry: lone surrogates, a month with a newline, a NIK in another field."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import bsu_rules
from bsu_rules.cli import main
from bsu_rules.errors import InputError
from bsu_rules.members import parse_member

NIK = "3204125708940003"
BASE: dict[str, Any] = {"nik": NIK, "citizenship": "WNI", "participant_category": "PU",
                        "registered_on": "2021-01-01", "wages": [{"period": "2022-07", "amount": 3_400_000}]}


def test_a_lone_surrogate_is_an_error_line_and_the_run_goes_on(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    good = json.dumps(BASE)
    path = tmp_path / "members.jsonl"
    bad = json.dumps({"nik": NIK, "name": "SURROGATE"}).replace("SURROGATE", "\\ud800")
    path.write_text("\n".join([good, bad, good]) + "\n", "utf-8")
    code = main(["evaluate", "bsu-2022", str(path), "--on", "2022-10-01"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1 and len(lines) == 3
    assert "surrogate" in json.loads(lines[1])["error"]["message"]
    assert all("outcome" in json.loads(lines[i]) for i in (0, 2))


def test_a_lone_surrogate_from_python_is_an_input_error() -> None:
    with pytest.raises(InputError, match="surrogate"):
        bsu_rules.evaluate(bsu_rules.load_ruleset("bsu-2022"), {**BASE, "name": "\ud800"}, on="2022-10-01")


TEXT_FIELDS = [("name", {"name": "Rina \udc00"}), ("employer.npp", {"employer": {"npp": "\ud800"}}),
               ("employer.name", {"employer": {"name": "PT \udfff"}}),
               ("bank_account.bank", {"bank_account": {"bank": "BRI \ud800"}}),
               ("bank_account.holder_name", {"bank_account": {"holder_name": "\udc00"}})]


@pytest.mark.parametrize(("field", "change"), TEXT_FIELDS)
def test_a_lone_surrogate_in_free_text_is_refused_on_every_route(field: str, change: dict[str, Any]) -> None:
    """Past the mirror too: with ``ignore_unknown``, when the mirror leaves the record to the model (a tuple of
    wages), and by the model itself: a decision could not be written with it."""
    routes = [lambda r: parse_member(r, ignore_unknown=True),
              lambda r: parse_member({**r, "wages": tuple(r["wages"])})]
    for route in routes:
        with pytest.raises(InputError) as caught:
            route({**BASE, **change})
        assert caught.value.problems == [(field, "text with a lone UTF-16 surrogate (not a character)")]
    with pytest.raises(ValueError, match="surrogate"):
        bsu_rules.Member(**{**BASE, **change})


def test_ignore_unknown_leaves_an_unknown_field_unread() -> None:
    """A field left out is not judged, not even for text no output could hold."""
    member = parse_member({**BASE, "remarks": "\ud800", "employer": {"name": "PT A", "x": "\udc00"}},
                          ignore_unknown=True)
    assert member.employer is not None and member.employer.name == "PT A"
    decision = bsu_rules.evaluate(bsu_rules.load_ruleset("bsu-2022"), member, on="2022-10-01")
    assert json.loads(decision.to_json())["outcome"]


@pytest.mark.parametrize("period", ["2022-07\n", "2022-07 ", "\n2022-07"])
def test_a_month_with_a_newline_or_space_is_refused_on_every_path(period: str) -> None:
    record = {**BASE, "wages": [{"period": period, "amount": 9_000_000}]}
    with pytest.raises(InputError, match="not a month"):
        bsu_rules.evaluate(bsu_rules.load_ruleset("bsu-2022"), record, on="2022-10-01")
    with pytest.raises(InputError, match="not a month"):
        parse_member(record, ignore_unknown=True)


@pytest.mark.parametrize("record", [
    {**BASE, "citizenship": NIK},
    {**BASE, "citizenship": int(NIK)},
    {**BASE, NIK: "x"},
    {**BASE, "kpj": NIK + "0000000"},
])
def test_a_nik_in_the_wrong_place_is_never_echoed(record: dict[str, Any]) -> None:
    with pytest.raises(InputError) as caught:
        parse_member(record)
    text = str(caught.value)
    assert NIK not in text and " digits>" in text


@pytest.mark.parametrize("record", [{**BASE, "citizenship": "\ud800"}, {**BASE, "\ud800": "WNI"},
                                    {**BASE, "employer": {"\ud800": "x"}}, {**BASE, "employer": {"sector": "\udfff"}},
                                    {**BASE, "kpj": "\udfff"}, {**BASE, "work_regency_code": "\udfff"}])
def test_a_lone_surrogate_the_mirror_meets_is_an_input_error(record: dict[str, Any]) -> None:
    """Whichever field holds it, and whatever else is wrong: no message or page could be written quoting it."""
    with pytest.raises(InputError, match="surrogate") as caught:
        bsu_rules.evaluate(bsu_rules.load_ruleset("bsu-2022"), record, on="2022-10-01")
    assert len(caught.value.problems) == 1  # the surrogate alone: its field (below), or (record) for a key


SURROGATE_PLACES = [("name", lambda r: r.update(name="Siti SURROGATE Susilo")),
                    ("kpj", lambda r: r.update(kpj="SURROGATE")),
                    ("citizenship", lambda r: r.update(citizenship="SURROGATE")),
                    ("wages[0].period", lambda r: r["wages"][0].update(period="SURROGATE")),
                    ("bank_account.number", lambda r: r.update(bank_account={"bank": "BRI", "number": "SURROGATE"}))]


def test_a_lone_surrogate_names_its_field_in_batch_and_evaluate_alike(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    lines = []
    for _, change in SURROGATE_PLACES:
        record = json.loads(json.dumps(BASE))
        change(record)
        lines.append(json.dumps(record).replace("SURROGATE", "\\ud800"))
    path = tmp_path / "members.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    expected = [(field, f"{field}: text with a lone UTF-16 surrogate (not a character)")
                for field, _ in SURROGATE_PLACES]
    assert main(["evaluate", "bsu-2022", str(path), "--on", "2022-10-01"]) == 1
    errors = [json.loads(line)["error"] for line in capsys.readouterr().out.splitlines()]
    assert [(e["field"], e["message"]) for e in errors] == expected
    assert main(["evaluate", "bsu-2022", str(path), "--on", "2022-10-01", "--format", "text", "--lang", "en"]) == 1
    assert "  - Name holds text with a lone UTF-16 surrogate (not a character)." in capsys.readouterr().out
    out = tmp_path / "d.jsonl"
    assert main(["batch", "bsu-2022", str(path), "--out", str(out), "--on", "2022-10-01", "--quiet"]) == 1
    rejects = [json.loads(line) for line in (tmp_path / "d.jsonl.rejects.jsonl").read_text("utf-8").splitlines()]
    assert [(r["field"], r["message"]) for r in rejects] == expected
    for field, change in SURROGATE_PLACES:  # a record from Python says the same
        record = json.loads(json.dumps(BASE))
        change(record)
        with pytest.raises(InputError) as caught:
            parse_member(json.loads(json.dumps(record).replace("SURROGATE", "\\ud800")))
        assert caught.value.problems[0][0] == field


class _Text(str):
    """A str subclass, as a caller's own types (numpy.str_, a StrEnum) are."""


def _python_values() -> list[tuple[str, Any, str]]:
    """(field, a Python value JSON does not have, the message it gets)."""
    np = pytest.importorskip("numpy")
    when = datetime(2021, 1, 1)
    return [("wages[0].amount", np.int64(3_400_000), "expected an integer, got int64"),
            ("program_receipts[0].year", np.int32(2019), "expected an integer, got int32"),
            ("wages[0].amount", Decimal(3_400_000), "expected an integer, got Decimal"),
            ("wages[0].amount", np.bool_(True), "expected an integer, got bool"),
            ("registered_on", when, "expected text (YYYY-MM-DD) or a date, got datetime"),
            ("nik", NIK.encode(), "expected text, got bytes"),
            ("name", b"Rina", "expected text, got bytes")]


def _put(record: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    if field == "program_receipts[0].year":
        return {**record, "program_receipts": [{"program": "PKH", "year": value}]}
    if field == "wages[0].amount":
        return {**record, "wages": [{**record["wages"][0], "amount": value}]}
    return {**record, field: value}


def test_a_python_value_json_does_not_have_is_named_with_its_field_never_a_type_error() -> None:
    """numpy and Decimal numbers, datetimes and bytes are refused as the field's kind (a numpy integer
    is not an ``int``, as 3400000.0 is not one); text of a str subclass is text."""
    rs = bsu_rules.load_ruleset("bsu-2022")
    for field, value, message in _python_values():
        with pytest.raises(InputError) as caught:
            bsu_rules.evaluate(rs, _put(BASE, field, value), on="2022-10-01")
        assert caught.value.problems == [(field, message)]
    np = pytest.importorskip("numpy")
    for field, value, plain in (("nik", np.str_(NIK), NIK), ("kpj", _Text("22041870213"), "22041870213"),
                                ("registered_on", date(2021, 1, 1), "2021-01-01")):
        same = bsu_rules.evaluate(rs, {**BASE, field: plain}, on="2022-10-01")
        assert bsu_rules.evaluate(rs, {**BASE, field: value}, on="2022-10-01") == same
    pd = pytest.importorskip("pandas")
    for value, kind in ((pd.Timestamp("2021-01-01"), "Timestamp"), (pd.NaT, "NaTType")):
        with pytest.raises(InputError, match=f"deceased_on: expected text .* got {kind}"):
            bsu_rules.evaluate(rs, {**BASE, "deceased_on": value}, on="2022-10-01")
    with pytest.raises(InputError, match=r"^wages\[0\]: has a key that is an integer, not text$"):
        parse_member({**BASE, "wages": [{**BASE["wages"][0], 1: 2}]})


def test_a_container_json_does_not_have_is_refused_where_json_has_a_list() -> None:
    """A tuple, set, generator or dict view is not taken as a list, by the fast path or the model;
    ``hints`` is True or False, never a value that looks false."""
    rs = bsu_rules.load_ruleset("bsu-2022")
    rows = BASE["wages"]
    for field, value, kind in (("wages", tuple(rows), "tuple"), ("wages", set(), "set"),
                               ("contributions", frozenset(), "frozenset"), ("wages", (r for r in rows), "generator"),
                               ("program_receipts", dict(enumerate(rows)).values(), "dict_values")):
        with pytest.raises(InputError) as caught:
            bsu_rules.evaluate(rs, {**BASE, field: value}, on="2022-10-01")
        assert caught.value.problems == [(field, f"expected a list, got {kind}")]
    plan = rs.plan("2022-10-01")
    for hints in ("false", 0, None):
        with pytest.raises(TypeError, match=f"^hints is True or False, not {type(hints).__name__}$"):
            bsu_rules.evaluate(rs, BASE, on="2022-10-01", hints=hints)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"^hints is True or False"):
            plan.decide(parse_member(BASE), hints=hints)  # type: ignore[arg-type]


def test_what_keeps_a_record_from_being_read_is_named_at_its_field_in_batch_and_evaluate_alike(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = json.dumps(BASE)
    lines = [good.replace('"amount": 3400000', '"amount": NaN'),
             good[:-1] + ', "employer": {"npp": "JJ041102", "npp": "XY000000"}}',
             good[:-1] + ', "' + "k" * 5000 + '": 1}',
             '{"nik": Infinity, "nik": 1}']
    path = tmp_path / "members.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    expected = [("wages[0].amount", "wages[0].amount: NaN is not a JSON number"),
                ("employer", "employer: the key `npp` appears more than once in one object"),
                ("k" * 40 + "…", "k" * 40 + "…: unknown field"),  # a long key cut short
                ("(record)", "(record): the key `nik` appears more than once in one object")]
    assert main(["evaluate", "bsu-2022", str(path), "--on", "2022-10-01"]) == 1
    errors = [json.loads(line)["error"] for line in capsys.readouterr().out.splitlines()]
    assert [(e["field"], e["message"]) for e in errors] == expected
    out = tmp_path / "d.jsonl"
    assert main(["batch", "bsu-2022", str(path), "--out", str(out), "--on", "2022-10-01", "--quiet"]) == 1
    rejects = [json.loads(line) for line in (tmp_path / "d.jsonl.rejects.jsonl").read_text("utf-8").splitlines()]
    assert [(r["field"], r["message"]) for r in rejects] == expected
    assert main(["evaluate", "bsu-2022", str(path), "--on", "2022-10-01", "--format", "text", "--lang", "en"]) == 1
    said = capsys.readouterr().out
    assert "  - Wage amount in entry 1 of the wage reports from the employer: NaN is not a JSON number." in said
    assert "  - Employer: the key npp appears more than once in one object; give each key once." in said


def test_ignore_unknown_leaves_out_what_no_reader_could_judge_in_evaluate_and_batch_alike(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = json.dumps(BASE)
    extras = ['{"a": 1, "a": 2}', "NaN", "1" + "0" * 40, '"\\ud800"', "[" * 70 + "]" * 70]
    path = tmp_path / "members.jsonl"
    path.write_text("\n".join(f'{good[:-1]}, "extra": {x}}}' for x in extras) + "\n", "utf-8")
    assert main(["evaluate", "bsu-2022", str(path), "--on", "2022-10-01", "--ignore-unknown"]) == 1
    said = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert ["error" in d for d in said] == [False, False, False, False, True]  # too deep: refused by every reader
    out = tmp_path / "d.jsonl"
    assert main(["batch", "bsu-2022", str(path), "--out", str(out), "--on", "2022-10-01", "--quiet",
                 "--ignore-unknown"]) == 1
    rejects = [json.loads(line) for line in (tmp_path / "d.jsonl.rejects.jsonl").read_text("utf-8").splitlines()]
    assert [(r["row"], r["field"]) for r in rejects] == [(5, "extra")]


def test_a_device_is_refused_as_a_file_of_records_never_read_for_ever(tmp_path: Path) -> None:
    from bsu_rules.members.files import read_placed

    with pytest.raises(InputError, match="a device, not a file of records"):
        next(read_placed(["/dev/zero"]))
    (tmp_path / "log.jsonl").write_text("", "utf-8")
    with pytest.raises(InputError, match="a device"):  # a member snapshot too
        bsu_rules.replay(tmp_path / "log.jsonl", tmp_path, members="/dev/zero")
    with pytest.raises(FileNotFoundError):  # a log that is not there is not called a pipe
        bsu_rules.replay(tmp_path / "missing.jsonl", tmp_path, members="/dev/zero")


@pytest.mark.parametrize("forged", ["\n1 file: 0 errors, 0 warnings", "\r\nrules/bsu-2022.yaml:1:1: error [x]: y",
                                    "\u2028ok", "\x85ok"])
def test_a_rule_file_key_cannot_add_a_line_to_check_s_output(rules_copy: Path, forged: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A key quoted in a diagnostic (and in its suggestion) is written with its line breaks escaped: each
    diagnostic is one line, and the count line is the command's own."""
    path = rules_copy / "bsu-2022.yaml"
    key = json.dumps("x" + forged)
    path.write_text(path.read_text("utf-8").replace("  wage: last_wage", f"  {key}: 1\n  wage: last_wage", 1),
                    "utf-8")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) >= 2 and re.fullmatch(r"1 file: \d+ errors?, 0 warnings", lines[-1]), out
    assert all(line.startswith(f"{path}:") for line in lines[:-1]), out
    assert len(lines) == out.count("\n")  # no line break but the command's own
