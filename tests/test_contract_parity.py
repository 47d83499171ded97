"""One member contract: ``evaluate`` and ``batch`` accept and reject the same records, name the same
field, and decide the accepted ones the same way."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import members

import bsu_rules
from bsu_rules.batch.read import Reader
from bsu_rules.batch.run import decide_batch
from bsu_rules.errors import InputError
from bsu_rules.members import contract, parse_member
from bsu_rules.members.arrow import MEMBER_SCHEMA

RULESET = bsu_rules.load_ruleset("bsu-2022")
PLAN = RULESET.plan(None)
CUTOFF, AS_OF = str(RULESET.model.parameters["cutoff_month"].value), RULESET.model.as_of


def _set(record: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    """Set ``path`` in the record when its parents exist."""
    target: Any = record
    for part in path[:-1]:
        if (isinstance(part, int) and isinstance(target, list) and len(target) > part) or \
                (isinstance(part, str) and isinstance(target, dict) and target.get(part) is not None):
            target = target[part]
        else:
            return
    last = path[-1]
    if (isinstance(last, int) and isinstance(target, list) and len(target) > last) or \
            (isinstance(last, str) and isinstance(target, dict)):
        target[last] = value


DEFECTS: list[tuple[tuple[str | int, ...], Any]] = [
    (("nik",), "３２１５０１４１０７９００００１"), (("nik",), "321501410790000٣"), (("nik",), "321501410790001"),
    (("nik",), 3215014107900001), (("kpj",), "２１０１"), (("work_regency_code",), "٣٢١٥"),
    (("work_regency_code",), "32150"), (("registered_on",), 0), (("registered_on",), "2022-W36-1"),
    (("registered_on",), "2022/01/01"), (("birth_date",), "1990-02-30"), (("birth_date",), 19900701),
    (("citizenship",), "wni"), (("participant_category",), None), (("employment_type",), "asn"),
    (("wages", 0, "amount"), 2**63), (("wages", 0, "amount"), -1), (("wages", 0, "amount"), 3400000.0),
    (("wages", 0, "amount"), "3400000"), (("wages", 0, "period"), "2022-13"), (("wages", 0, "period"), "２０２２-07"),
    (("contributions", 0, "period"), "2022-07\n"), (("contributions", 0, "period"), 202207),
    (("wages", 0, "period"), "0000-07"), (("contributions", 0, "paid_on"), 20220701),
    (("contributions", 0, "amount"), 2**64),
    (("program_receipts", 0, "year"), 1999), (("employer", "sector"), "Z"), (("shoe_size",), 42),
    (("employer", "ceo"), "Budi"), (("wages", 0), None), (("",), 1), (("employer", ""), "x"),
    (("deceased_on",), "2022-13-01"), (("membership_ended_on",), "2022-07-32"), (("registered_on",), "2022-00-10"),
    (("contributions", 0, "paid_on"), "0000-00-00"), (("registered_on",), "0000-01-01"),
    (("contributions", 0, "paid_on"), "0000-02-29"), (("birth_date",), "0000-12-31"), (("deceased_on",), "0000-01-01"),
]


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """A member, sometimes with one or two defects, sometimes with a period repeated (same row or not)."""
    record = draw(members(CUTOFF, AS_OF))
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2]))):
        path, value = draw(st.sampled_from(DEFECTS))
        _set(record, path, copy.deepcopy(value))
    history = draw(st.sampled_from([None, "wages", "contributions"]))
    rows = record.get(history) if history else None
    if rows and isinstance(rows[0], dict):  # a repeated period: the same row (counts once) or another one
        repeat = dict(rows[0])
        if draw(st.booleans()) and isinstance(repeat.get("amount"), int):
            repeat["amount"] += 1
        rows.insert(draw(st.integers(1, len(rows))), repeat)
    return record


def _scalar(record: dict[str, Any]) -> tuple[str, Any]:
    try:
        member = parse_member(record)
    except InputError as exc:
        return "rejected", exc.problems[0][0]
    decision = PLAN.decide(member)
    return decision.outcome.value, (decision.failed, decision.priority, decision.benefit.amount
                                    if decision.benefit else None)


def _batch(table: pa.Table) -> list[tuple[str, Any]]:
    out = decide_batch(PLAN, None, table, "scalar").to_pylist()
    return [(r["outcome"], r["reject_field"]) if r["outcome"] == "rejected" else
            (r["outcome"], (r["failed"], r["priority"], r["benefit"])) for r in out]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(records(), min_size=1, max_size=8))
def test_evaluate_and_batch_read_the_same_contract(tmp_path_factory: pytest.TempPathFactory,
                                                   cases: list[dict[str, Any]]) -> None:
    folder = tmp_path_factory.mktemp("parity")
    lines = [json.dumps(record, ensure_ascii=False) for record in cases]
    (folder / "m.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    expected = [_scalar(json.loads(line)) for line in lines]
    got = [row for chunk in Reader(folder / "m.jsonl", chunk_size=3) for row in _batch(chunk.table)]
    assert got == expected


def test_the_arrow_schema_is_the_contract() -> None:
    assert MEMBER_SCHEMA.names == list(contract())
    assert MEMBER_SCHEMA.field("wages").type.value_type.field("amount").type == pa.int64()
    assert MEMBER_SCHEMA.field("program_receipts").type.value_type.field("year").type == pa.int32()


@pytest.mark.parametrize(("record", "field"), [
    ({"work_regency_code": "３２１５"}, "work_regency_code"),
    ({"registered_on": 0}, "registered_on"),
    ({"wages": [{"period": "2022-06", "amount": 2**63}]}, "wages[0].amount"),
    ({"wages": [{"period": "2022-06", "amount": 1}, {"period": "2022-07", "amount": 1},
                {"period": "2022-06", "amount": 1}, {"period": "2022-06", "amount": 2}]}, "wages[3].period"),
])
def test_known_gaps_are_closed(record: dict[str, Any], field: str) -> None:
    base = {"nik": "3215014107900001", "citizenship": "WNI", "participant_category": "PU"}
    with pytest.raises(InputError) as info:
        parse_member({**base, **record})
    assert info.value.problems[0][0] == field


@pytest.mark.parametrize("day", ["2022-13-01", "2022-07-32", "2022-00-10", "0000-00-00", "2022-02-30", "0000-01-01",
                                 "0000-02-29", "-001-01-01"])
@pytest.mark.parametrize("field", ["deceased_on", "membership_ended_on", "registered_on", "birth_date"])
def test_a_day_that_is_none_is_rejected_by_batch_as_by_evaluate(tmp_path: Path, field: str, day: str) -> None:
    """Batch read a day no calendar holds (2022-13-01) as unknown: a death dated so was no death, and paid."""
    record = {"nik": "3215014107900001", "citizenship": "WNI", "participant_category": "PU", field: day}
    (tmp_path / "m.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    (chunk,) = Reader(tmp_path / "m.jsonl")
    assert _batch(chunk.table) == [_scalar(record)] == [("rejected", field)]


@pytest.mark.parametrize(("day", "why"), [
    ("2022-02-29", "is not a date in the calendar (February 2022 has 28 days)"),
    ("2024-02-30", "is not a date in the calendar (February 2024 has 29 days)"),
    ("2022-06-31", "is not a date in the calendar (June 2022 has 30 days)"),
    ("2022-13-01", "is not a date in the calendar (months are 01 to 12)"),
    ("2022-06-00", "is not a date in the calendar (days start at 01)"),
    ("0000-01-01", "is not a date in the calendar (there is no year 0000)"),
    ("1991-5-9", "is not a date (YYYY-MM-DD)"),
    ("05/02/2018", "is not a date (YYYY-MM-DD): write 2018-02-05, reading it as day/month/year"),
    ("17-08-1994", "is not a date (YYYY-MM-DD): write 1994-08-17, reading it as day/month/year"),
    ("31/02/2018", "is not a date (YYYY-MM-DD)"),  # no day of the calendar read either way: no date offered
])
def test_a_day_written_right_but_not_in_the_calendar_is_told_so_alike(tmp_path: Path, day: str, why: str) -> None:
    """A clerk told that 2022-02-29 "is not a date (YYYY-MM-DD)" would look for a fault in its form."""
    record = {"nik": "3215014107900001", "citizenship": "WNI", "participant_category": "PU", "birth_date": day}
    with pytest.raises(InputError) as info:
        parse_member(record)
    assert info.value.problems[0] == ("birth_date", f"{day!r} {why}")
    (tmp_path / "m.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    (chunk,) = Reader(tmp_path / "m.jsonl")
    [row] = decide_batch(PLAN, None, chunk.table, "scalar").to_pylist()
    assert row["reject_message"] == f"birth_date: {day!r} {why}"


ENDED = {"registered_on": "2018-02-05", "membership_ended_on": "2017-01-01"}
BORN_LATE = {"registered_on": "2018-02-05", "birth_date": "2030-01-01"}  # born after registering
DIED_UNBORN = {"birth_date": "1990-07-01", "deceased_on": "1989-12-31"}


@pytest.mark.parametrize(("dates", "extra", "field", "message"), [
    (ENDED, {}, "membership_ended_on", "'2017-01-01' is before registered_on, '2018-02-05': a membership cannot end "
     "before it begins"),
    (BORN_LATE, {}, "birth_date", "'2030-01-01' is after registered_on, '2018-02-05': no one is registered before "
     "being born"),
    (DIED_UNBORN, {}, "birth_date", "'1990-07-01' is after deceased_on, '1989-12-31': no one dies before being born"),
    ({**ENDED, "birth_date": "2030-01-01"}, {}, "membership_ended_on", None),  # two broken: the first said, by all
    (ENDED, {"citizenship": "X"}, "citizenship", None),  # another field wrong: that one alone is said, as the model
    (BORN_LATE, {"citizenship": "X"}, "citizenship", None),
])
def test_a_record_whose_dates_contradict_each_other_is_refused_alike(
        tmp_path: Path, dates: dict[str, str], extra: dict[str, Any], field: str, message: str | None) -> None:
    """The record contradicts itself: no decision (ineligible for an ended membership, or eligible for a
    member born in 2030, before) rests on it."""
    record = {"nik": "3215014107900001", "citizenship": "WNI", "participant_category": "PU", **dates, **extra}
    with pytest.raises(InputError) as info:
        parse_member(record)
    assert [p[0] for p in info.value.problems] == [field]
    assert message is None or info.value.problems[0][1] == message
    (tmp_path / "m.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    (chunk,) = Reader(tmp_path / "m.jsonl")
    [row] = decide_batch(PLAN, None, chunk.table, "scalar").to_pylist()
    assert row["reject_field"] == field and row["reject_message"] == str(info.value)


@pytest.mark.parametrize("dates", [{"registered_on": "2018-02-05", "membership_ended_on": "2018-02-05"},
                                   {"birth_date": "2000-01-01", "registered_on": "2000-01-01"},
                                   {"birth_date": "2000-01-01", "deceased_on": "2000-01-01"}])
def test_two_dates_on_one_day_hold_together(dates: dict[str, str]) -> None:
    record = parse_member({"nik": "3215014107900001", "citizenship": "WNI", "participant_category": "PU", **dates})
    assert {name: getattr(record, name).isoformat() for name in dates} == dates


OTHER = "' is written in digits other than 0-9 (Arabic-Indic or full-width digits, for instance): write it with 0-9"
ALONE = "; write its digits alone, without the spaces, dashes or dots between or around them"


@pytest.mark.parametrize(("field", "value", "write"), [
    ("work_regency_code", " 3273", "; write 3273"), ("work_regency_code", "３２７３", "; write 3273"),
    ("work_regency_code", "32 73\n", "; write 3273"), ("work_regency_code", "3299", ""),
    ("kpj", "2204 187", "; write 2204187"), ("kpj", "12345678.0", "; write 12345678"),
    ("work_regency_code", "320.0", ""),  # 320, not 3200: a spreadsheet's .0 is no digit
    ("kpj", "1.5", ""), ("kpj", "12,5", ""), ("kpj", "1.50", ""), ("kpj", "12,50", ""),  # fractions, not codes
    ("kpj", "22.041.870.213", ALONE),  # thousands grouped
    ("kpj", "2.2041870213E+10", "' looks like a number a spreadsheet rewrote in scientific notation (with E+): "
     "format the column as text and enter the digits again"),
    ("kpj", "22041870213\t", ALONE),  # a tab is a space, told as one
    ("kpj", "22041\u200b870213", "' has a character that is not shown (a zero-width space or a control character) "
     "among its digits: remove it"),
    ("kpj", "22041 \u200b870213", "' has a character that is not shown (a zero-width space or a control character) "
     "among its digits: remove it"),  # the hidden character first, then the space
    ("kpj", "\u0662\u0662\u0660\u0664\u0661\u0668\u0667\u0660\u0662\u0661\u0663", OTHER),  # Arabic-Indic
    ("kpj", "２２０４１８７０２１３", OTHER),  # full-width, the number "; write" would hide
    ("kpj", " ２２０４１８７０２１３", OTHER),  # and a space: told next
    ("work_regency_code", " ３２７３", "; write 3273"),  # a code "; write" shows whole
    ("work_regency_code", "\u0663\u0662\u0667\u0663", OTHER),
    ("kpj", "x" * 41, "(0-9)"),  # a long value quoted cut, and said to be cut
    ("kpj", " 22041870213", ALONE),  # what to drop: the number to write would be hidden
    ("kpj", "3215014107900001.0", "; write <16 digits>"),  # a spreadsheet's .0 after a NIK: the NIK hidden
    ("kpj", "22041870213.0", "; write <11 digits>"),
])
def test_a_code_written_with_spaces_or_wide_digits_is_told_what_to_write_alike(tmp_path: Path, field: str, value: str,
                                                                              write: str) -> None:
    record = {"nik": "3215014107900001", "citizenship": "WNI", "participant_category": "PU", field: value}
    with pytest.raises(InputError) as info:
        parse_member(record)
    [(path, message)] = info.value.problems
    assert path == field and message.endswith(write or ("(0-9)" if field == "kpj" else "such as 3200"))
    assert ("…" in message) == (len(value) > 40)
    (tmp_path / "m.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    (chunk,) = Reader(tmp_path / "m.jsonl")
    [row] = decide_batch(PLAN, None, chunk.table, "scalar").to_pylist()
    assert row["reject_message"] == str(info.value)


def test_an_exact_repeat_counts_once() -> None:
    row = {"period": "2022-06", "amount": 3_000_000}
    member = parse_member({"nik": "3215014107900001", "citizenship": "WNI", "participant_category": "PU",
                           "wages": [row, {"period": "2022-07", "amount": 1}, dict(row)]})
    assert member.wages is not None and [w.period for w in member.wages] == ["2022-06", "2022-07"]


def test_decision_date_as_text(examples: list[dict[str, Any]]) -> None:
    assert bsu_rules.evaluate(RULESET, examples[0], on="2022-09-12").on.isoformat() == "2022-09-12"
    for bad in ("12/09/2022", "2022-09-31", 20220912):
        with pytest.raises(InputError, match="is not a date"):
            bsu_rules.evaluate(RULESET, examples[0], on=bad)  # type: ignore[arg-type]


def _with(**changes: Any) -> str:
    record = json.loads(EXAMPLE)
    record.update(changes)
    return json.dumps(record)


EXAMPLE = (Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0]
WORDED = [
    _with(citizenship=None), '"str"', "null", "[1, 2]", "true", _with(nik=3204125708940003), _with(nik=None),
    _with(wages=[{"period": "2022-05", "amount": 1}, None]), _with(wages=[[1]]), _with(wages="x"),
    _with(citizenship=5), _with(citizenship="wni"), _with(employer="x"), _with(employer={"sector": 5}),
    _with(wages=[{"period": "2022-05", "amount": "12"}]), _with(wages=[{"period": "2022-05", "amount": 1.5}]),
    _with(wages=[{"period": "2022-05", "amount": -1}]), _with(wages=[{"period": None, "amount": 1}]),
    _with(birth_date=19940817), _with(kpj=3204125708940003), _with(bank_account={"bank": "BRI", "number": 12345}),
    _with(name=["a"]), _with(employment_type="x"), '{"nik": "32041257089400\x01"}',
    _with(**{"": 1}), _with(employer={"sector": "C", "": 1}),  # an empty key, named "" by both
    _with(program_receipts=[{"program": "PKH", "year": 3204125708940003}]),  # a NIK where a number goes: hidden
    _with(wages=[{"period": "2022-05", "amount": -3204125708940003}]),
    _with(wages=[{"period": "2022-05", "amount": 2**63}]), _with(program_receipts=[{"program": "PKH", "year": 2**31}]),
    _with(employer={"sector": "C", "x\u202e": 1}),  # a direction mark in a key: escaped, never reorders a line
    _with(employment_tipe="private", employer={"Sector": "C"}, wages=[{"period": "2022-07", "amount": 1, "amout": 1}]),
    '{"nik": "3171014107900001"',  # cut short: said at its end, whether or not a newline follows
]


def test_evaluate_says_each_problem_as_batch_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bsu_rules.cli import main

    source = tmp_path / "m.jsonl"
    source.write_text("\n".join(WORDED) + "\n", "utf-8")
    assert main(["evaluate", "bsu-2022", str(source)]) == 1
    said = [json.loads(line)["error"] for line in capsys.readouterr().out.splitlines()]
    assert main(["batch", "bsu-2022", str(source), "--out", str(tmp_path / "d.jsonl"), "--quiet"]) == 1
    rejects = [json.loads(line) for line in (tmp_path / "d.jsonl.rejects.jsonl").read_text("utf-8").splitlines()]
    assert [(e["field"], e["message"]) for e in said] == [(r["field"], r["message"]) for r in rejects]
    messages = "\n".join(e["message"] for e in said)
    assert not [words for words in ("Input should", "NoneType", "got str", "got int", "at at") if words in messages]
    assert "kpj: <16 digits>: expected text, got an integer" in messages  # a NIK is never shown
    assert "3204125708940003" not in messages and "year: <16 digits> is not from 2000 to 2100" in messages
    assert "amount: <19 digits> is too large for an amount in rupiah" in messages
    assert '"": unknown field' in messages and 'employer."": unknown field' in messages
    assert "employer.x\\u202e: unknown field" in messages and "\u202e" not in messages
    for typed, meant in [("employment_tipe", "employment_type"), ("employer.Sector", "sector"),
                         ("wages[0].amout", "amount")]:  # a field name mistyped: the one meant, named
        assert f"{typed}: unknown field (did you mean {meant}?)" in messages


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(members(), st.sampled_from([
    ("nik", "3215 0145 0967 0001"), ("nik", "32150145096700"), ("kpj", "x" * 30), ("registered_on", "1900-01-01"),
    ("deceased_on", "1900-01-01"), ("membership_ended_on", "1900-01-01"), ("bank_account", {"number": "12-34"}),
    ("wages", [{"period": "2022-13", "amount": 1}]), ("contributions", [{"period": "2022-05", "amount": 1},
                                                                        {"period": "2022-05", "amount": 2}]),
    (None, None)]))
def test_the_generated_check_of_a_view_is_the_mirror_s_checks(record: dict[str, Any], change: tuple[str, Any]) -> None:
    """The one generated function the fast path checks a view with takes what the checks it stands for take."""
    from msgspec import ValidationError, convert

    from bsu_rules.members import mirror

    field, value = change
    record = copy.deepcopy(record)
    if field is not None:
        record[field] = value
    try:
        view = convert(record, mirror.MemberMirror)
    except ValidationError:
        return
    check = mirror.checker()
    assert "def core(m):" in check.source  # type: ignore[attr-defined]
    assert check(view) is (mirror.fits(view) and mirror.out_of_order(view) is None and all(
        mirror.periods_once(rows) for rows in (view.wages, view.contributions) if rows))
