"""The fast per-member path says exactly what the models say.

A decision is recorded flat and serialised from that record with orjson; a record is validated
through a msgspec mirror of the contract. Both must agree with the pydantic models byte for byte:
the decision JSON, the member, the input hash, and which records are rejected.
"""

from __future__ import annotations

import copy
import functools
import gc
import io
import json
import pickle
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from strategies import ANCHORS, members
from test_contract_parity import records

import bsu_rules
from bsu_rules.cli import evaluate as cli
from bsu_rules.decisions import Decision, Outcome, RuleOutcome
from bsu_rules.errors import BsuRulesError, InputError
from bsu_rules.evaluators.scalar import Plan, input_hash
from bsu_rules.members import Member, Parsed, as_member, decision_date, parse_line, parse_member, parse_record
from bsu_rules.members.decode import BadRecord, decode_json
from bsu_rules.members.model import ACCOUNT_NUMBER, PLAIN_NUMBER, REWRITTEN_NUMBER
from bsu_rules.ruleset.model import RuleSet

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = sorted(p.stem for p in (ROOT / "rules").glob("bsu-*.yaml"))
EXAMPLES = [json.loads(line) for line in (ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()]
SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@functools.cache
def planned(edition: str) -> tuple[RuleSet, Plan]:
    """An edition loaded and planned once for the members a property draws (as the engine decides many with one)."""
    ruleset = bsu_rules.load_ruleset(edition)
    return ruleset, ruleset.plan()


def model_json(decision: Decision) -> str:
    """The decision JSON as the models serialise it (every deferred field built first)."""
    return decision.model_dump_json()


@pytest.mark.parametrize("hints", [False, True])
@pytest.mark.parametrize("edition", EDITIONS)
def test_examples_serialise_as_the_models_do(edition: str, hints: bool) -> None:
    plan = bsu_rules.load_ruleset(edition).plan()
    seen = set()
    for record in EXAMPLES:
        member = parse_member(record)
        flat = plan.decide(member, hints=hints).to_json()
        assert flat == model_json(plan.decide(member, hints=hints))
        seen.add(json.loads(flat)["outcome"])
    if edition == "bsu-2022":  # the examples are written for it: every outcome occurs
        assert seen == {o.value for o in Outcome}


@SETTINGS
@given(st.data())
def test_generated_members_serialise_as_the_models_do(data: st.DataObject) -> None:
    edition = data.draw(st.sampled_from(EDITIONS))
    cutoff, as_of, _ = next((a for a in ANCHORS if a[0].startswith(edition.removeprefix("bsu-"))), ANCHORS[2])
    record = data.draw(members(cutoff, as_of))
    member = parse_member(record)
    ruleset, plan = planned(edition)
    hints = data.draw(st.booleans())
    first, second = plan.decide(member, hints=hints), plan.decide(member, hints=hints)
    assert first.to_json() == model_json(second)
    # a dict is decided through the contract's mirror, without building the Member model
    assert bsu_rules.evaluate(ruleset, record, hints=hints).to_json() == first.to_json()
    assert model_json(bsu_rules.evaluate(ruleset, record, hints=hints)) == first.to_json()
    assert first == second and first.sha256() == second.sha256()
    assert Decision.model_validate_json(first.to_json()).to_json() == first.to_json()


@SETTINGS
@given(st.data())
def test_without_hints_every_hint_is_null_and_none_is_found(data: st.DataObject) -> None:
    edition = data.draw(st.sampled_from(EDITIONS))
    cutoff, as_of, _ = next((a for a in ANCHORS if a[0].startswith(edition.removeprefix("bsu-"))), ANCHORS[2])
    member = parse_member(data.draw(members(cutoff, as_of)))
    _, plan = planned(edition)
    plain, hinted = plan.decide(member), plan.decide(member, hints=True)
    assert all(r.hint is None for r in plain.rules)
    assert all(r["hint"] is None for r in json.loads(plain.to_json())["rules"])
    assert all(r["hint"] is None for r in plain.model_dump()["rules"])
    # the same decision otherwise: the hinted JSON with its hints taken out
    without = json.loads(hinted.to_json())
    for r in without["rules"]:
        r["hint"] = None
    assert json.loads(plain.to_json()) == without
    assert {r.id: r.outcome for r in plain.rules} == {r.id: r.outcome for r in hinted.rules}


def test_a_plan_that_only_decides_never_builds_the_hint_solvers() -> None:
    plan = bsu_rules.load_ruleset("bsu-2022").plan()
    decisions = [plan.decide(parse_member(record)) for record in EXAMPLES]
    assert any(d.failed for d in decisions)
    for d in decisions:
        d.to_json(), d.model_dump_json(), [r.hint for r in d.rules]
    assert "counterfactuals" not in vars(plan)
    hinted = plan.decide(parse_member(EXAMPLES[3]), hints=True)
    assert any(r.hint is not None for r in hinted.rules)
    assert "counterfactuals" in vars(plan)


def test_a_read_decision_is_a_plain_model() -> None:
    plan = bsu_rules.load_ruleset("bsu-2022").plan()
    d = plan.decide(parse_member(EXAMPLES[3]), hints=True)
    assert d.failed and d.rules[0].values  # deferred fields are built on first read
    assert copy.deepcopy(d) == d and d.model_copy().to_json() == d.to_json()
    assert "rules=" in repr(d)


@pytest.mark.parametrize("hints", [False, True])
def test_an_outcome_the_engine_built_reads_as_one_validated(hints: bool) -> None:
    """The engine leaves pydantic's bookkeeping of its outcomes and decisions unset (every field set, no
    extra fields, nothing private): they read, compare, copy, pickle and serialise as models built whole."""
    plan = bsu_rules.load_ruleset("bsu-2022").plan()
    for record in EXAMPLES:
        d = plan.decide(parse_member(record), hints=hints)
        for r in d.rules:
            whole = RuleOutcome(**r.model_dump())
            assert r == whole and r.model_fields_set == whole.model_fields_set == set(RuleOutcome.model_fields)
            assert r.__pydantic_extra__ is None and r.model_dump(exclude_unset=True).keys() == whole.model_dump().keys()
            assert pickle.loads(pickle.dumps(r)) == r == copy.copy(r) and r.model_copy(update={"id": "x"}).id == "x"
            with pytest.raises(ValidationError):
                r.id = "x"  # type: ignore[misc]  # frozen, as a model built whole is
        assert d.model_fields_set == set(Decision.model_fields) and d.__pydantic_extra__ is None
        assert pickle.loads(pickle.dumps(d)) == d and d.model_dump_json() == d.to_json()


def test_an_outcome_reads_its_fields_as_a_plain_object_does() -> None:
    """No ``__getattr__`` on an outcome's class (pydantic's models have one): Python then reads its fields the
    quick way, which a full trace does a few dozen times a member."""
    plan = bsu_rules.load_ruleset("bsu-2022").plan()
    for hints in (False, True):
        for r in plan.decide(parse_member(EXAMPLES[3]), hints=hints).rules:
            assert not any("__getattr__" in vars(k) or "__getattribute__" in vars(k) for k in type(r).__mro__[:-1])


def test_an_outcome_is_validated_serialised_and_described_as_its_model() -> None:
    """``RuleOutcome`` is no ``BaseModel`` but validates, serialises and describes itself as the model of its
    fields does, inside a decision and alone; an outcome pickled as a model (an older engine's) unpickles."""
    from pydantic import BaseModel, TypeAdapter

    from bsu_rules.decisions import _RuleOutcomeFields, made_outcome

    given = {"id": "x", "kind": "require", "outcome": "fail", "values": {"member.age": 17, "a": [1, None, True]},
             "explain": {"id": "tidak", "en": "no"}}
    r, model = RuleOutcome(**given), _RuleOutcomeFields(**given)
    assert not isinstance(r, BaseModel) and r.outcome is model.outcome
    assert r.model_dump() == model.model_dump() and r.model_dump_json() == model.model_dump_json()
    assert r.model_dump(exclude_unset=True) == model.model_dump(exclude_unset=True)
    assert r.model_fields_set == model.model_fields_set and RuleOutcome.model_fields == _RuleOutcomeFields.model_fields
    assert repr(r) == repr(model).replace("_RuleOutcomeFields", "RuleOutcome") and str(r) == str(model)
    assert RuleOutcome.model_json_schema() == TypeAdapter(RuleOutcome).json_schema() == \
        {**_RuleOutcomeFields.model_json_schema(), "description": RuleOutcome.__doc__}
    for bad in ({"outcome": "maybe"}, {"extra": 1}, {"id": None}, {"values": {"a": 1.5j}}):
        with pytest.raises(ValidationError) as raised:
            RuleOutcome(**{**given, **bad})
        with pytest.raises(ValidationError) as expected:
            _RuleOutcomeFields(**{**given, **bad})
        assert raised.value.errors() == expected.value.errors() and raised.value.title == "RuleOutcome"
    assert RuleOutcome.model_validate(r.model_dump()) == r == RuleOutcome.model_validate_json(r.model_dump_json())
    assert RuleOutcome.model_validate(r) is r and Decision.model_validate(
        {**json.loads(bsu_rules.load_ruleset("bsu-2022").plan().decide(parse_member(EXAMPLES[3])).to_json()),
         "rules": [r]}).rules == [r]
    with pytest.raises(ValidationError):
        del r.id  # type: ignore[misc]  # frozen
    assert r != made_outcome({**r.__dict__, "id": "y"}) and r.model_copy(update={"id": "y"}).id == "y" != r.id
    assert hash(r) == hash(copy.deepcopy(r)) and {r: 1}[RuleOutcome(**given)] == 1
    unpickled = RuleOutcome.__new__(RuleOutcome)
    unpickled.__setstate__(model.__getstate__())  # what unpickling an outcome pickled as a model does
    assert unpickled == r and unpickled.model_fields_set == r.model_fields_set
    assert RuleOutcome.model_construct(**given).explain == given["explain"]


def test_an_outcome_serialises_by_every_route_pydantic_has() -> None:
    """A field typed ``Any``, ``TypeAdapter`` and ``pydantic_core.to_json`` serialise an outcome as the model of its
    fields did, its deferred hint found first; ``model_construct`` leaves a required field not given unset."""
    import pydantic_core
    from pydantic import BaseModel, TypeAdapter

    class Holder(BaseModel):
        held: Any

    failed = next(r for r in bsu_rules.load_ruleset("bsu-2022").plan().decide(parse_member(EXAMPLES[3]), hints=True)
                  .rules if r.outcome == "fail")  # its hint not read yet
    whole = json.loads(RuleOutcome(**failed.model_dump()).model_dump_json())
    assert whole["hint"] is not None
    for route in (lambda: pydantic_core.to_json(failed), lambda: TypeAdapter(Any).dump_json(failed),
                  lambda: TypeAdapter(RuleOutcome).dump_json(failed), lambda: Holder(held=failed).model_dump_json(),
                  lambda: failed.model_dump_json(serialize_as_any=True)):
        assert json.loads(route()) in (whole, {"held": whole})
    unset = RuleOutcome.model_construct(id="a")
    assert unset.model_dump() == {"basis": "regulation", "explain": None, "hint": None, "id": "a", "missing": [],
                                  "source": None, "values": {}}
    with pytest.raises(AttributeError):
        unset.kind  # noqa: B018


@pytest.mark.parametrize("hints", [False, True])
def test_a_decision_read_whole_is_freed_without_the_garbage_collector(hints: bool) -> None:
    """No reference cycle: a stream of decisions (a service asked for hints) frees each as it goes.

    The second pass is the one judged: the first may meet what happens once in a process (a lazy
    import, a cache filled by the tests before this one), which is not a decision's garbage; and only the
    engine's objects are: the collector also finds what another thread left meanwhile."""
    plan = bsu_rules.load_ruleset("bsu-2022").plan()
    members = [parse_member(record) for record in EXAMPLES]

    def read_all() -> None:
        for member in members:
            d = plan.decide(member, hints=hints)
            d.to_json(), [(r.hint, r.explain, r.values) for r in d.rules]

    read_all()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds stays in gc.garbage, to be named below
    try:
        read_all()
        gc.collect()
        ours = sorted({type(o).__name__ for o in gc.garbage if type(o).__module__.startswith("bsu_rules")})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert not ours, ours  # a cycle of the engine's objects (another thread's garbage, a test's event loop, is not)


def _repeats(record: dict[str, Any]) -> bool:
    """Whether a history names a period twice (the model keeps one exact repeat; the mirror leaves it to the model)."""
    for name in ("wages", "contributions"):
        rows = record.get(name)
        periods = [r.get("period") for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
        if len(set(periods)) < len(periods):
            return True
    return False


@SETTINGS
@given(records())
def test_the_fast_path_accepts_what_the_model_accepts(record: dict[str, Any]) -> None:
    try:
        model = Member.model_validate(copy.deepcopy(record))
    except ValidationError:
        with pytest.raises(InputError):  # the mirror and the period pass never let through what the model rejects
            parse_record(record)
        return
    parsed = parse_record(record)
    assert (parsed.input_sha256 is None) == _repeats(record)  # nor refuse it: the fast path unless a period repeats
    assert parsed.member == model
    assert parsed.member.model_dump_json() == model.model_dump_json()
    assert parsed.input_sha256 in (None, input_hash(model))  # None: the model's path, hashed later
    unhashed = parse_record(record, hashed=False)
    assert unhashed.input_sha256 is None and input_hash(unhashed.record) == input_hash(model)


@pytest.mark.parametrize("period", ["2022-13", "2022-7", "0000-07", "2022-07\n", " 2022-07", "２０２２-07"])
def test_a_period_not_a_month_is_left_to_the_model(period: str) -> None:
    record = {**EXAMPLES[0], "contributions": [{**EXAMPLES[0]["contributions"][0], "period": period}]}
    line = json.dumps(record).encode("utf-8")
    assert parse_line(line) is None  # the line goes to the model, which names the field
    with pytest.raises(InputError, match=r"contributions\[0\]\.period"):
        parse_record(record)


@pytest.mark.parametrize("period", ["2022-13", "2022-7 ", "１９９９-01"])
def test_months_already_seen_let_no_other_period_through(period: str) -> None:
    """The fast path remembers the months it has checked: a record naming them and one more that
    is not a month still goes to the model, also once the remembered months were cleared."""
    good = [{**EXAMPLES[0]["contributions"][0], "period": f"{1000 + year}-{month:02d}"}
            for year in range(400) for month in range(1, 13)]  # more than are remembered
    for start in range(0, len(good), 12):
        assert parse_record({**EXAMPLES[0], "contributions": good[start:start + 12]}).input_sha256 is not None
    bad = {**EXAMPLES[0], "contributions": [*good[-3:], {**good[0], "period": period}]}
    assert parse_line(json.dumps(bad).encode("utf-8")) is None
    with pytest.raises(InputError, match=r"contributions\[3\]\.period"):
        parse_record(bad)


def test_the_fast_path_is_taken_and_hashes_like_the_model() -> None:
    for record in EXAMPLES:
        parsed = parse_record(record)
        assert parsed.input_sha256 == input_hash(Member.model_validate(record))
        ruleset = bsu_rules.load_ruleset("bsu-2022")
        decision = bsu_rules.evaluate(ruleset, record)  # hashed when read
        assert decision.member.input_sha256 == parsed.input_sha256
        assert decision.to_json() == ruleset.plan().decide(parsed.record, input_sha256=parsed.input_sha256).to_json()


@pytest.mark.parametrize("text", ["3204010101900001\n", "٣٢٠٤٠١٠١٠١٩٠٠٠٠١", "3204010101900001 "])
def test_the_mirror_reads_patterns_as_the_model_does(text: str) -> None:
    record = {**EXAMPLES[0], "nik": text}
    with pytest.raises(InputError, match="nik"):
        parse_record(record)


ACCOUNT_NUMBERS = ["", "0012345678", "****5678", "1234 5678 90", "123-456-789", "4.18201E+14", "418201004566507.0",
                   "Rp 418.201.004.566.507,-", "418,201,004,566,507.00", "12345678\n", "-", " ", "٣٢٠٤",
                   "1234567890123456"]


@pytest.mark.parametrize("number", ACCOUNT_NUMBERS)
def test_the_mirror_takes_an_account_number_as_the_model_does(number: str) -> None:
    """Plain digits take the mirror's short branch; every other form its full pattern: both as the model."""
    record = {**EXAMPLES[0], "bank_account": {"bank": "BRI", "number": number}}
    try:
        model: Member | None = Member.model_validate(record)
    except ValidationError:
        model = None
    if model is None:
        with pytest.raises(InputError, match=r"bank_account\.number"):
            parse_record(record)
        return
    parsed = parse_record(record)
    assert as_member(parsed.record) == model
    assert parsed.input_sha256 is not None or re.fullmatch(PLAIN_NUMBER, number) is None  # plain: the mirror took it


@SETTINGS
@given(st.from_regex(f"\\A{PLAIN_NUMBER}\\Z"))
def test_a_plain_account_number_fits_and_is_never_a_rewritten_one(number: str) -> None:
    assert re.fullmatch(ACCOUNT_NUMBER, number) and not re.fullmatch(REWRITTEN_NUMBER, number)
    assert Member.model_validate({**EXAMPLES[0], "bank_account": {"number": number}}).bank_account is not None


def test_progress_goes_to_stderr_once_a_second_after_two(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter(float(t) for t in range(100))
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    progress = cli.Progress(stream, shown=True)  # t=0
    for number in range(64, 64 * 6, 64):  # one clock reading per 64 records: t=1..5
        progress.tick(number)
    progress.done()
    assert stream.getvalue().splitlines() == ["bsu-rules: 128 records, 64/s", "bsu-rules: 192 records, 64/s",
                                              "bsu-rules: 256 records, 64/s", "bsu-rules: 320 records, 64/s"]
    quiet = io.StringIO()
    cli.Progress(quiet, shown=None).tick(64)  # not a terminal, not asked for: nothing
    assert quiet.getvalue() == ""


def _as_before(line: bytes) -> tuple[Any, ...]:
    """A JSONL line as ``evaluate`` read it with two parses: decoded, then validated."""
    try:
        member, sha256 = parse_record(decode_json(line))
    except (BadRecord, InputError) as exc:
        return ("bad", str(exc))
    return ("ok", as_member(member).model_dump_json(), sha256 or input_hash(as_member(member)))


def _in_one_parse(line: bytes) -> tuple[Any, ...]:
    """The same line as ``evaluate`` reads it now: straight into the mirror when it can."""
    try:
        record = cli._line(line)
        member, sha256 = record if isinstance(record, Parsed) else parse_record(record)
    except (BadRecord, InputError) as exc:
        return ("bad", str(exc))
    return ("ok", as_member(member).model_dump_json(), sha256 or input_hash(as_member(member)))


@SETTINGS
@given(records())
def test_a_json_line_reads_in_one_parse_as_in_two(record: dict[str, Any]) -> None:
    line = json.dumps(record, ensure_ascii=False).encode("utf-8")
    assert _in_one_parse(line) == _as_before(line)
    if parse_line(line) is None:  # only what the mirror cannot take, and escapes, go the long way
        assert _as_before(line)[0] == "bad" or _repeats(record) or b"\\" in line


_GOOD = json.dumps(EXAMPLES[0])[1:-1].encode("utf-8")


@pytest.mark.parametrize("line", [
    b"{" + _GOOD + b"}\n", b"  {" + _GOOD + b"}\r\n",
    b'{"citizenship": "WNA", ' + _GOOD + b"}",  # a repeated key: refused, by either path
    b"{" + _GOOD + b', "citizenship": "WNA"}', b"{" + _GOOD + b', "citizenship": "XX"}',
    b'{"nik": "12", ' + _GOOD + b"}", b"{" + _GOOD + b', "nik": "12"}',
    b"{" + _GOOD + b', "name": "\\ud800"}', b"{" + _GOOD + b', "name": "\\ud83d\\ude00"}',
    b"{" + _GOOD + b', "name": "a\xffb"}', b"{" + _GOOD + b', "name": "a\tb"}', b"{" + _GOOD + b', "name": "\\u0000"}',
    b"{" + _GOOD + b', "wages": [{"period": "2022-01", "amount": NaN}]}',
    b"{" + _GOOD + b', "wages": [{"period": "2022-01", "amount": 1.0}]}',
    b"{" + _GOOD + b', "wages": [{"period": "2022-01", "amount": ' + b"9" * 40 + b"}]}",
    b"{" + _GOOD + b', "wages": [{"period": "2022-01", "amount": 1}, {"period": "2022-01", "amount": 1}]}',
    b"{" + _GOOD + b', "wages": [{"period": "2022-01", "amount": 1}, {"period": "2022-01", "amount": 2}]}',
    b"{" + _GOOD + b', "extra": 1}', b"{" + _GOOD + b"} x", b"[{" + _GOOD + b"}]", b"1", b"null", b"[" * 5000,
    b"\xef\xbb\xbf{" + _GOOD + b"}",
])
def test_a_hostile_json_line_is_named_as_before(line: bytes) -> None:
    assert _in_one_parse(line) == _as_before(line)


def _written(value: Any, repeat: list[str], first: str, spaces: str) -> str:
    """``value`` as JSON text (``spaces`` after each colon), each object at path ``repeat`` (keys,
    ``*`` for every list item) giving its first key twice: ``first``, then its own value."""
    def inner(key: str | int, v: Any) -> str:
        return _written(v, repeat[1:] if repeat[:1] in ([key], ["*"]) else ["-"], first, spaces)
    if isinstance(value, list):
        return "[" + ",".join(inner(i, v) for i, v in enumerate(value)) + "]"
    if not isinstance(value, dict):
        return json.dumps(value)
    parts = [json.dumps(k) + ":" + spaces + inner(k, v) for k, v in value.items()]
    if repeat == [] and value:
        parts.insert(0, json.dumps(next(iter(value))) + ":" + spaces + first)
    return "{" + ",".join(parts) + "}"


@SETTINGS
@given(st.sampled_from(EXAMPLES), st.sampled_from([[], ["employer"], ["wages", "*"], ["bank_account"]]),
       st.sampled_from(["null", '"x: null"', '"x"', "{}", '{"a": null}']), st.sampled_from(["", " ", "\t", "  "]))
def test_a_key_given_twice_is_refused_unless_first_null(record: dict[str, Any], repeat: list[str], first: str,
                                                        spaces: str) -> None:
    line = _written(record, repeat, first, spaces).encode("utf-8")
    said = _in_one_parse(line)
    assert said == _as_before(line)
    repeated = not repeat or bool(record.get(repeat[0]))
    if first == "null" or not repeated:  # null, then a value: as if the value were given once
        assert said == _as_before(json.dumps(record).encode("utf-8"))
    else:
        assert said[0] == "bad" and "appears more than once in one object" in said[1]


def test_the_examples_take_the_one_parse_path() -> None:
    for record in EXAMPLES:
        parsed = parse_line(json.dumps(record).encode("utf-8"))
        assert parsed is not None and parsed == parse_record(record)


def test_the_mirror_takes_each_code_and_letter_its_pattern_takes_and_no_other() -> None:
    """The regency code and the sector are choices in the mirror (checked in C): the very texts their patterns
    take, every four-digit code and every letter tried."""
    import msgspec

    from bsu_rules.members.contract import Group, contract
    from bsu_rules.members.mirror import MemberMirror

    employer = contract()["employer"]
    assert isinstance(employer, Group)
    region = re.compile(contract()["work_regency_code"].pattern or "")
    sector = re.compile(employer.fields["sector"].pattern or "")  # type: ignore[union-attr]
    decode = msgspec.json.Decoder(MemberMirror).decode
    base = {**EXAMPLES[0], "employer": {**EXAMPLES[0]["employer"]}}
    for code in (f"{n:04d}" for n in range(10_000)):
        line = json.dumps({**base, "work_regency_code": code}).encode("utf-8")
        try:
            decode(line)
            taken = True
        except msgspec.ValidationError:
            taken = False
        assert taken == (region.fullmatch(code) is not None), code
    for letter in map(chr, range(32, 127)):
        base["employer"]["sector"] = letter
        try:
            decode(json.dumps(base).encode("utf-8"))
            taken = True
        except msgspec.ValidationError:
            taken = False
        assert taken == (sector.fullmatch(letter) is not None), letter


@pytest.mark.parametrize(("field", "value", "fits"), [
    ("nik", "3204125708940003", True), ("nik", "320412570894000", False), ("nik", "32041257089400031", False),
    ("nik", "３２０４１２５７０８９４０００３", False), ("nik", "3204125708940003\n", False),
    ("kpj", "1", True), ("kpj", "1" * 20, True), ("kpj", "1" * 21, False), ("kpj", "3204********0003", True),
    ("kpj", "", False), ("kpj", "١٢", False),
    ("number", "9672284957125", True), ("number", "", True), ("number", "967-228 4957", True), ("number", "-", False),
    ("number", "١٢٣", False),
])
def test_a_text_left_to_fits_is_taken_as_its_pattern_takes_it(field: str, value: str, fits: bool) -> None:
    """A NIK, a KPJ and an account number are decoded as text and checked after (``fits``): digits alone by
    their count, anything else by the model's pattern."""
    from bsu_rules.members import mirror

    record = copy.deepcopy(EXAMPLES[0])
    if field == "number":
        record["bank_account"]["number"] = value
    else:
        record[field] = value
    assert mirror.fits(msgspec_view(record)) is fits
    try:
        parse_member(record)
        taken = True
    except InputError:
        taken = False
    assert taken is fits


def test_an_account_number_of_digits_alone_fits_without_its_regular_expression(monkeypatch: pytest.MonkeyPatch) -> None:
    """The account number's plain form takes any run of digits: those are taken by their count, as a NIK is, and
    its long pattern is never run for them."""
    from bsu_rules.members import mirror

    def refuse(text: str) -> None:
        raise AssertionError(f"the pattern was run for {text!r}")

    monkeypatch.setattr(mirror, "_GROUP_TEXTS", [(*t[:3], refuse, *t[4:]) for t in mirror._GROUP_TEXTS])
    for number in ("0", "9672284957125", "1" * 40):
        assert mirror.fits(msgspec_view({**EXAMPLES[0], "bank_account": {"bank": "BRI", "number": number}}))


def test_evaluate_validates_a_dict_straight_into_the_mirror(monkeypatch: pytest.MonkeyPatch) -> None:
    """``evaluate(ruleset, record)`` on a dict takes the fast path directly, not ``decide``'s general route; that
    route still refuses ``hints`` that is not True or False, and checks an ``input_sha256`` given."""
    from bsu_rules.evaluators import scalar

    ruleset = bsu_rules.load_ruleset("bsu-2022")
    record = EXAMPLES[0]
    expected = ruleset.plan().decide(parse_member(record)).to_json()
    general = scalar._record

    def route(*args: Any) -> Any:
        raise AssertionError("a dict went the general route")

    monkeypatch.setattr(scalar, "_record", route)
    assert bsu_rules.evaluate(ruleset, copy.deepcopy(record)).to_json() == expected
    with pytest.raises(InputError, match="nik"):
        bsu_rules.evaluate(ruleset, {**record, "nik": "320412570894000"})
    monkeypatch.setattr(scalar, "_record", general)
    with pytest.raises(TypeError, match="hints is True or False"):
        bsu_rules.evaluate(ruleset, record, hints="no")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="input_sha256 is not the sha256"):
        ruleset.plan().decide(record, input_sha256="0" * 64)


@pytest.mark.parametrize("on", [None, "2022-10-01", date(2022, 10, 1), "2022-13-01", "1 October 2022",
                                datetime(2022, 10, 1), 20221001, "2019-01-01"])
def test_evaluate_reads_the_decision_date_as_decision_date_does(on: Any) -> None:
    """``evaluate`` leaves ``on`` to ``RuleSet.plan``: the same plan, or the same error, as ``decision_date``."""
    ruleset = bsu_rules.load_ruleset("bsu-2022")
    try:
        plan = ruleset.plan(decision_date(on))
    except BsuRulesError as exc:
        with pytest.raises(type(exc)) as caught:
            bsu_rules.evaluate(ruleset, EXAMPLES[0], on=on)
        assert str(caught.value) == str(exc)
        return
    assert bsu_rules.evaluate(ruleset, EXAMPLES[0], on=on).to_json() == plan.decide(EXAMPLES[0]).to_json()


@SETTINGS
@given(records())
def test_evaluate_on_a_dict_decides_and_refuses_as_the_model(record: dict[str, Any]) -> None:
    """A dict given to ``evaluate``: the decision JSON of the model's Member, or the same problems (field and
    message, in the same order) as ``parse_member`` names."""
    ruleset = bsu_rules.load_ruleset("bsu-2022")
    try:
        member = parse_member(copy.deepcopy(record))
    except InputError as exc:
        with pytest.raises(InputError) as caught:
            bsu_rules.evaluate(ruleset, record, on="2022-10-01")
        assert caught.value.problems == exc.problems and str(caught.value) == str(exc)
        return
    decision = bsu_rules.evaluate(ruleset, record, on="2022-10-01")
    assert decision.to_json() == ruleset.plan("2022-10-01").decide(member).to_json()


def msgspec_view(record: dict[str, Any]) -> Any:
    import msgspec

    from bsu_rules.members.mirror import MemberMirror

    return msgspec.convert(record, MemberMirror)
