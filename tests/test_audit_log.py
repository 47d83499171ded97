"""The decision log: envelope and hash, what it keeps, pseudonyms, appending, tampering, concurrency."""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import hmac
import json
import multiprocessing
import os
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import members

import bsu_rules
from bsu_rules import InputError, Member, load_ruleset, parse_member
from bsu_rules.audit import DecisionLog, LogError, entry_hash, kept_fields, key_id, pseudonym, verify_log
from bsu_rules.audit.chain import canonical_bytes, read_log
from bsu_rules.audit.snapshot import KEY_ENV, PUBLISHED_KEYS, logged_inputs, project
from bsu_rules.cli import main
from bsu_rules.cli.options import pseudonym_key
from bsu_rules.decisions import canonical_json, mask_nik
from bsu_rules.members import parse_record, record_hash
from bsu_rules.members.redact import hidden_path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
RECORDS = [json.loads(line) for line in EXAMPLES.read_text("utf-8").splitlines() if line.strip()]
RULESET = load_ruleset("bsu-2022")
KEY = "kunci-rahasia-audit"


def write_log(path: Path, records: list[dict[str, Any]] = RECORDS, key: str | None = None, batch: int = 1) -> None:
    plan = RULESET.plan()
    with DecisionLog(path, key=key, full_nik=key is None, batch=batch) as log:
        for record in records:
            member = parse_member(record)
            log.record(plan.decide(member, input_sha256=log.input_hash(member)), member, RULESET)


def whole(member: Member) -> str:
    """The input hash a decision logged in a log of full NIKs carries: the sha256 of its record whole."""
    return hashlib.sha256(member.model_dump_json(exclude_none=True).encode()).hexdigest()


def envelopes(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").split("\n") if line]  # a bank name may hold U+0085


def rechain(entries: list[dict[str, Any]]) -> list[str]:
    """Lines whose seq, prev and hash are recomputed, as a forger with the format would."""
    prev, out = "0" * 64, []
    for seq, env in enumerate(entries, 1):
        env = {**env, "seq": seq, "prev": prev}
        env["hash"] = prev = entry_hash(env)
        out.append(canonical_json(env) + "\n")
    return out


@pytest.fixture()
def log(tmp_path: Path) -> Path:
    path = tmp_path / "decisions.jsonl"
    write_log(path)
    return path


def test_envelope_is_canonical_and_chained(log: Path) -> None:
    lines = log.read_text("utf-8").splitlines()
    assert len(lines) == len(RECORDS)
    prev = "0" * 64
    for seq, line in enumerate(lines, 1):
        env = json.loads(line)
        assert line == canonical_json(env)
        assert set(env) == {"decision", "hash", "inputs", "prev", "pseudonym_key", "recorded_at", "seq", "v"}
        assert (env["seq"], env["prev"], env["v"], env["pseudonym_key"]) == (seq, prev, 1, None)
        body = {k: v for k, v in env.items() if k != "hash"}
        assert env["hash"] == entry_hash(env) == hashlib.sha256(
            canonical_json(body).encode()).hexdigest()
        datetime.fromisoformat(env["recorded_at"])
        prev = env["hash"]
    assert str(verify_log(log)) == f"{len(RECORDS)} decisions, chain intact"


def test_a_decision_explaining_an_amount_of_ten_digits_is_valid_and_verifies(tmp_path: Path) -> None:
    """A wage of Rp1.250.000.000 is read out in the explanation: a decision the engine wrote always
    validates (the rule for NIK-like numbers is for the texts a rule file gives, not for this one)."""
    from bsu_rules.decisions import Decision

    record = {**RECORDS[0], "wages": [{**w, "amount": 1_250_000_000} for w in RECORDS[0]["wages"]]}
    decision = RULESET.plan().decide(parse_member(record))
    assert "Rp1.250.000.000" in decision.rule("wage-ceiling").explain.id  # type: ignore[union-attr]
    assert Decision.model_validate_json(decision.to_json()).to_json() == decision.to_json()
    path = tmp_path / "big.jsonl"
    write_log(path, [record])
    assert verify_log(path).ok


def test_inputs_keep_what_the_rules_read_and_no_more(log: Path) -> None:
    fields = {".".join(p) for p in kept_fields(RULESET)}
    assert {"nik", "citizenship", "participant_category", "wages", "contributions", "birth_date",
            "bank_account.bank", "work_regency_code", "registered_on"} <= fields
    assert not fields & {"name", "kpj", "employer", "bank_account"}
    first = envelopes(log)[0]
    assert first["inputs"]["nik"] == RECORDS[0]["nik"]
    account = RECORDS[0]["bank_account"]  # its number is read (an empty one is no account), and kept masked
    assert first["inputs"]["bank_account"] == {"bank": account["bank"], "number": mask_nik(account["number"])}
    assert "name" not in first["inputs"] and "kpj" not in first["inputs"]
    assert first["decision"]["member"]["input_sha256"] == hashlib.sha256(
        parse_member(RECORDS[0]).model_dump_json(exclude_none=True).encode()).hexdigest()  # of the record whole


def test_recording_time_is_in_the_envelope_only(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    member = parse_member(RECORDS[0])
    decision = RULESET.plan().decide(member, input_sha256=whole(member))
    for path, day in ((a, 1), (b, 2)):
        with DecisionLog(path, clock=partial(datetime, 2022, 9, day, tzinfo=UTC), full_nik=True) as log_:
            log_.record(decision, member, RULESET)
    ea, eb = envelopes(a)[0], envelopes(b)[0]
    assert ea["decision"] == eb["decision"] and ea["hash"] != eb["hash"]
    assert ea["recorded_at"] == "2022-09-01T00:00:00.000000+00:00"


def test_pseudonymised_nik(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    write_log(path, key=KEY)
    for env, record in zip(envelopes(path), RECORDS, strict=True):
        assert env["inputs"]["nik"] == pseudonym(record["nik"], KEY)
        assert record["nik"] not in path.read_text("utf-8")
        assert env["pseudonym_key"] == key_id(KEY)
    assert verify_log(path).ok
    assert pseudonym("3204125708940003", KEY) != pseudonym("3204125708940003", KEY + "x")


def test_with_a_key_the_log_keeps_the_nik_s_pseudonym_alone(tmp_path: Path) -> None:
    """A pseudonymised decision is replayed from a member snapshot: the line keeps no other input.
    The birth date and the masked NIK leave two digits and the sex to guess, and the other inputs
    with the decision's input hash would confirm a guess, so none of them is kept (bsu-2020 reads
    the account number too: it is not kept either)."""
    ruleset, path = load_ruleset("bsu-2020"), tmp_path / "2020.jsonl"
    assert ("bank_account", "number") in kept_fields(ruleset)
    with DecisionLog(path, key=KEY) as log:
        for record in RECORDS:
            member = parse_member(record)
            log.record(ruleset.plan().decide(member, input_sha256=log.input_hash(member)), record, ruleset)
    text = path.read_text("utf-8")
    for env, record in zip(envelopes(path), RECORDS, strict=True):
        assert env["inputs"] == {"nik": pseudonym(record["nik"], KEY)}
        number = (record.get("bank_account") or {}).get("number")
        assert not number or number not in text
    assert verify_log(path).ok


def test_a_log_keeps_a_full_nik_only_when_asked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="full_nik=True"):
        DecisionLog(tmp_path / "x.jsonl")
    with pytest.raises(ValueError, match="opposite"):
        DecisionLog(tmp_path / "x.jsonl", key=KEY, full_nik=True)
    assert not (tmp_path / "x.jsonl").exists()


@pytest.mark.parametrize(("first", "then", "said"), [
    (KEY, None, f"the log keeps the NIK pseudonyms of key {key_id(KEY)}, and this run would add full NIKs"),
    (None, KEY, f"the log keeps full NIKs, and this run would add the NIK pseudonyms of key {key_id(KEY)}"),
    (KEY, "another key, 16 b", f"this run would add the NIK pseudonyms of key {key_id('another key, 16 b')}"),
])
def test_a_log_keeps_nik_s_one_way(tmp_path: Path, first: str | None, then: str | None, said: str) -> None:
    """A pseudonymised log continued with full NIKs (or another key) would hold what it promised not to."""
    path = tmp_path / "d.jsonl"
    write_log(path, RECORDS[:2], key=first)
    before = path.read_bytes()
    with pytest.raises(LogError, match=re.escape(said)):
        DecisionLog(path, key=then, full_nik=then is None).writable()
    assert path.read_bytes() == before
    write_log(path, RECORDS[2:4], key=first)  # the way it was started: continued
    assert verify_log(path).decisions == 4


def test_record_refuses_a_mismatched_member(tmp_path: Path) -> None:
    decision = RULESET.plan().decide(parse_member(RECORDS[0]), input_sha256=whole(parse_member(RECORDS[0])))
    with pytest.raises(InputError, match=r"^member: the decision was made for another member record$"):
        DecisionLog(tmp_path / "x.jsonl", full_nik=True).record(decision, RECORDS[1], RULESET)


def test_record_refuses_a_decision_or_rule_set_of_another_kind_or_edition(tmp_path: Path) -> None:
    """A rule set id or a decision's JSON is a TypeError saying what to pass; a decision made under
    another rule set is an InputError saying so; nothing is logged."""
    log, decision = DecisionLog(tmp_path / "x.jsonl", full_nik=True), RULESET.plan().decide(parse_member(RECORDS[0]))
    with pytest.raises(TypeError, match=r"^DecisionLog.record takes a RuleSet, not str: .*load_ruleset\('bsu-2022'\)"):
        log.record(decision, RECORDS[0], "bsu-2022")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^DecisionLog.record takes a Decision, not str \(its JSON\)"):
        log.record(decision.to_json(), RECORDS[0], RULESET)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^ruleset: the decision was made under bsu-2022 .*, not under this bsu-2021"):
        log.record(decision, RECORDS[0], load_ruleset("bsu-2021"))
    assert not (tmp_path / "x.jsonl").exists()


@pytest.mark.parametrize("key", [None, KEY])
def test_a_record_is_logged_alike_as_a_model_a_view_or_a_dict(tmp_path: Path, key: str | None) -> None:
    plan, logs = RULESET.plan(), []
    for form in ("model", "view", "dict"):
        path = tmp_path / f"{form}.jsonl"
        clock = partial(datetime, 2022, 9, 1, tzinfo=UTC)
        with DecisionLog(path, key=key, full_nik=key is None, clock=clock, batch=5) as log_:
            for record in RECORDS:
                given_ = {"model": parse_member(record), "view": parse_record(record).record, "dict": record}[form]
                member = parse_member(record)
                log_.record(plan.decide(member, input_sha256=log_.input_hash(member)), given_, RULESET)
        logs.append(path.read_bytes())
    assert logs[0] == logs[1] == logs[2]
    assert verify_log(tmp_path / "view.jsonl").decisions == len(RECORDS)
    with pytest.raises(InputError, match="another member"):
        DecisionLog(tmp_path / "x.jsonl", full_nik=True).record(
            plan.decide(parse_member(RECORDS[0]), input_sha256=whole(parse_member(RECORDS[0]))),
            parse_record(RECORDS[1]).record, RULESET)


@settings(max_examples=50, deadline=None)
@given(members())
def test_the_inputs_kept_are_the_same_from_a_view_and_from_the_model(tmp_path_factory: pytest.TempPathFactory,
                                                                     record: dict[str, Any]) -> None:
    try:
        parsed = parse_record(record)
    except ValueError:
        return  # not a valid record: nothing is logged
    folder, plan = tmp_path_factory.mktemp("forms"), RULESET.plan()
    for name, given_ in (("view", parsed.record), ("model", parsed.member)):
        with DecisionLog(folder / name, clock=partial(datetime, 2022, 9, 1, tzinfo=UTC), full_nik=True) as log_:
            log_.record(plan.decide(parsed.member, input_sha256=log_.input_hash(parsed.member)), given_, RULESET)
    assert (folder / "view").read_bytes() == (folder / "model").read_bytes()
    dumped = parsed.member.model_dump(mode="json", exclude_none=True)
    assert envelopes(folder / "view")[0]["inputs"] == logged_inputs(dumped, kept_fields(RULESET), None)
    assert envelopes(folder / "view")[0]["inputs"].keys() == project(dumped, kept_fields(RULESET)).keys()


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                    max_leaves=25)


@given(JSON)
def test_canonical_bytes_are_the_canonical_json(data: Any) -> None:
    assert canonical_bytes(data, plain=True) == canonical_bytes(data) == canonical_json(data).encode("utf-8")


@pytest.mark.parametrize("data", [float("nan"), {"a": [float("inf")]}, "\ud800", {"\udfff": 1}])
def test_json_without_a_canonical_form_has_no_canonical_bytes(data: Any) -> None:
    assert canonical_bytes(data) is None
    if "nan" not in repr(data) and "inf" not in repr(data):  # plain promises no float
        assert canonical_bytes(data, plain=True) is None


@given(st.lists(st.dictionaries(st.text(max_size=3), JSON | st.floats(allow_nan=False), max_size=4), max_size=5),
       st.booleans())
def test_lines_are_read_as_json_loads_reads_them(tmp_path_factory: pytest.TempPathFactory,
                                                 objects: list[dict[str, Any]], ascii_: bool) -> None:
    path = tmp_path_factory.mktemp("read") / "lines.jsonl"
    path.write_text("".join(json.dumps(o, ensure_ascii=ascii_) + "\n" for o in objects), "utf-8")
    for line, expected in zip(read_log(path), objects, strict=True):
        assert line.envelope == json.loads(line.raw) == expected
        if line.plain:  # read by the fast path: no float, so orjson makes the canonical form
            assert canonical_bytes(line.envelope, plain=True) == canonical_json(expected).encode("utf-8")
        else:
            assert "float" in repr([type(v) for v in _leaves(expected)])


def _leaves(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [leaf for v in data.values() for leaf in _leaves(v)]
    if isinstance(data, list):
        return [leaf for v in data for leaf in _leaves(v)]
    return [data]


def test_appending_continues_the_chain(log: Path) -> None:
    write_log(log, [{**r, "name": "Another"} for r in RECORDS[:3]], batch=2)  # new decisions: logged
    entries = envelopes(log)
    assert [e["seq"] for e in entries] == list(range(1, len(RECORDS) + 4))
    assert entries[len(RECORDS)]["prev"] == entries[len(RECORDS) - 1]["hash"]
    assert verify_log(log).ok


def test_a_truncated_log_is_not_continued(log: Path) -> None:
    data = log.read_bytes()
    log.write_bytes(data[:-200])
    with pytest.raises(LogError, match="truncated"):
        write_log(log, [{**RECORDS[0], "name": "Another"}])
    assert log.read_bytes() == data[:-200]
    log.write_bytes(data[:-1])  # only the final newline is missing
    with pytest.raises(LogError, match="truncated"):
        write_log(log, [{**RECORDS[0], "name": "Another"}])


def test_a_damaged_last_line_is_not_continued(log: Path) -> None:
    lines = log.read_text("utf-8").splitlines(keepends=True)
    lines[-1] = lines[-1].replace('"as_of":"2022-07-31"', '"as_of":"2022-07-30"')
    log.write_text("".join(lines), "utf-8")
    with pytest.raises(LogError, match=r"line 16: edited: .*not continued"):
        write_log(log, [{**RECORDS[0], "name": "Another"}])


def _edit(lines: list[str]) -> list[str]:
    lines[4] = lines[4].replace('"outcome":"ineligible"', '"outcome":"eligible"', 1)
    return lines


def _forged_insert(lines: list[str]) -> list[str]:
    entries = [json.loads(x) for x in lines]
    fake = json.loads(json.dumps(entries[2]))
    fake["decision"]["outcome"] = "eligible"
    forged = rechain([*entries[:6], fake])
    return [*forged, *lines[6:]]


def _rehash(lines: list[str]) -> list[str]:
    entries = [json.loads(x) for x in lines]
    entries[4]["decision"]["outcome"] = "eligible"
    return [*rechain(entries[:5]), *lines[5:]]


def _relabelled(seq: int) -> Callable[[list[str]], list[str]]:
    """Line 6's seq changed and the line re-hashed: no decision is missing or out of order."""
    def change(lines: list[str]) -> list[str]:
        env = {**json.loads(lines[5]), "seq": seq}
        env["hash"] = entry_hash(env)
        return [*lines[:5], canonical_json(env) + "\n", *lines[6:]]
    return change


def _invalid(lines: list[str]) -> list[str]:
    entries = [json.loads(x) for x in lines]
    entries[4]["decision"]["outcome"] = "maybe"
    return [*rechain(entries[:5]), *lines[5:]]


TAMPERING = {
    "edited": (_edit, 5, "edited"),
    "removed": (lambda ls: ls[:4] + ls[5:], 5, "removed"),
    "first removed": (lambda ls: ls[1:], 1, "removed"),
    "swapped": (lambda ls: [*ls[:4], ls[5], ls[4], *ls[6:]], 5, "reordered"),
    "moved far": (lambda ls: ls[:2] + ls[9:10] + ls[2:9] + ls[10:], 3, "reordered"),
    "moved back": (lambda ls: ls[:2] + ls[3:9] + ls[2:3] + ls[9:], 3, "reordered"),
    "swapped far": (lambda ls: [*ls[:2], ls[9], *ls[3:9], ls[2], *ls[10:]], 3, "reordered"),
    "reversed": (lambda ls: ls[::-1], 1, "reordered"),
    "moved back and one removed": (lambda ls: ls[:2] + ls[4:9] + ls[2:3] + ls[9:], 3, "removed"),
    "copy inserted": (lambda ls: [*ls[:7], ls[2], *ls[7:]], 8, "inserted"),
    "copy appended": (lambda ls: [*ls, ls[3]], 17, "inserted"),
    "duplicated": (lambda ls: [*ls[:7], ls[6], *ls[7:]], 8, "inserted"),
    "forged insert": (_forged_insert, 7, "inserted"),
    "edited and re-hashed": (_rehash, 6, "rehashed"),  # where the chain breaks; line 5 is named as suspect
    "not a decision, re-hashed": (_invalid, 5, "invalid"),
    "seq relabelled, re-hashed": (_relabelled(7), 6, "rehashed"),  # not "removed": it chains to line 5
    "seq relabelled far, re-hashed": (_relabelled(999_999), 6, "rehashed"),
    "seq relabelled back, re-hashed": (_relabelled(2), 6, "rehashed"),
    "reformatted": (lambda ls: [*ls[:3], json.dumps(json.loads(ls[3]), sort_keys=True) + "\n", *ls[4:]], 4,
                    "reformatted"),
    "truncated": (lambda ls: [*ls[:-1], ls[-1][:300]], 16, "truncated"),
    "blank line": (lambda ls: [*ls[:9], "\n", *ls[9:]], 10, "malformed"),
    "a float": (lambda ls: [*ls[:2], ls[2].replace('"v":1}', '"v":1.0}'), *ls[3:]], 3, "edited"),
    "NaN": (lambda ls: [*ls[:2], ls[2].replace('"as_of":"2022-07-31"', '"as_of":NaN', 1), *ls[3:]], 3, "edited"),
    "lone surrogate": (lambda ls: [*ls[:5], ls[5].replace('"as_of":"2022', '"as_of":"\\ud800', 1), *ls[6:]], 6,
                       "edited"),
}


@pytest.mark.parametrize("name", list(TAMPERING))
def test_verify_finds_the_tampered_line(log: Path, name: str) -> None:
    change, line, kind = TAMPERING[name]
    lines = log.read_text("utf-8").splitlines(keepends=True)
    log.write_text("".join(change(lines)), "utf-8")
    result = verify_log(log)
    assert result.problem is not None, name
    assert (result.problem.line, result.problem.kind) == (line, kind), str(result.problem)
    # the lines before the first that may be at fault are the intact chain, and its head is the last of
    # them (never a forgery)
    first = result.problem.since or line
    assert result.decisions == first - 1
    assert result.head_hash == (json.loads(lines[first - 2])["hash"] if first > 1 else "0" * 64)


def _rehashed_raw(at: int, edit: Callable[[str], str]) -> Callable[[list[str]], list[str]]:
    """Line ``at`` (1-based) edited as text, then it and every later line re-hashed over their own bytes (the
    sha256 of the line without its hash field, as a forger who copies a writer's line would), ``prev`` relinked:
    a line not in canonical form whose hash matches its bytes."""
    def change(lines: list[str]) -> list[str]:
        out, prev = list(lines[:at - 1]), json.loads(lines[at - 2])["hash"] if at > 1 else "0" * 64
        for i, line in enumerate(lines[at - 1:]):
            text = edit(line.rstrip("\n")) if i == 0 else line.rstrip("\n")
            text = re.sub(r'"prev":"[0-9a-f]{64}"', f'"prev":"{prev}"', text, count=1)
            found = re.search(r',"hash":"[0-9a-f]{64}"', text)
            assert found is not None
            prev = hashlib.sha256((text[:found.start()] + text[found.end():]).encode()).hexdigest()
            out.append(f'{text[:found.start()]},"hash":"{prev}"{text[found.end():]}\n')
        return out
    return change


def _rechained(at: int, change: Callable[[dict[str, Any]], None]) -> Callable[[list[str]], list[str]]:
    """Line ``at``'s envelope changed, then the chain rebuilt canonically from there (a forger with the format)."""
    def rewrite(lines: list[str]) -> list[str]:
        entries = [json.loads(x) for x in lines]
        change(entries[at - 1])
        return rechain(entries)
    return rewrite


UNSEEN_BY_THE_WRITER = {  # damage a writer continued once (it checked each line's hash over its bytes and its link)
    "spaced, re-hashed over its bytes": (_rehashed_raw(5, lambda s: s.replace('{"decision":{', '{"decision":{ ', 1)),
                                         5, "edited"),
    "a key twice, re-hashed over its bytes": (_rehashed_raw(5, lambda s: s.replace(
        '"outcome":', '"outcome":"eligible","outcome":', 1)), 5, "edited"),
    "another NIK in the inputs, re-chained": (_rechained(5, lambda e: e["inputs"].update(nik="3204125708940003")), 5,
                                              "invalid"),
    "a version 2 line, re-chained": (_rechained(3, lambda e: e.update(v=2)), 3, "malformed"),
    "recorded at no time, re-chained": (_rechained(3, lambda e: e.update(recorded_at="yesterday")), 3, "malformed"),
    "the last line not a decision, re-chained": (_rechained(16, lambda e: e["decision"].update(outcome="maybe")), 16,
                                                 "invalid"),
    "a criterion listed twice, re-chained": (_rechained(5, lambda e: e["decision"]["rules"].append(
        e["decision"]["rules"][3])), 5, "invalid"),
}


@pytest.mark.parametrize("name", [*TAMPERING, *UNSEEN_BY_THE_WRITER])
def test_a_writer_refuses_what_verify_does_not_call_intact(log: Path, name: str) -> None:
    """docs/auditing.md §1, §5: a log that `verify` would not call intact is not continued. The writer once
    checked each line's hash over its raw bytes and its link alone, and continued a line not in canonical
    form hashed over its bytes, or a re-chained line `verify` calls invalid (audit finding M1); it now
    makes `verify`'s checks, and names the line and the kind `verify` names."""
    change, line, kind = {**TAMPERING, **UNSEEN_BY_THE_WRITER}[name]
    log.write_text("".join(change(log.read_text("utf-8").splitlines(keepends=True))), "utf-8")
    problem = verify_log(log).problem
    assert problem is not None and (problem.line, problem.kind) == (line, kind), problem
    before = log.read_bytes()
    with pytest.raises(LogError) as refused:
        write_log(log, [{**RECORDS[0], "name": "Another"}])
    assert f"{log}: {problem}" in str(refused.value)
    assert log.read_bytes() == before


def test_a_writer_refuses_a_damaged_line_another_writer_appended(log: Path) -> None:
    """The lines another writer appends while this one runs are checked as `verify` checks them too."""
    plan = RULESET.plan()
    with DecisionLog(log, full_nik=True) as writer:
        member = parse_member({**RECORDS[0], "name": "First"})
        writer.record(plan.decide(member, input_sha256=writer.input_hash(member)), member, RULESET)
        lines = log.read_text("utf-8").splitlines(keepends=True)
        extra = {**json.loads(lines[-1]), "seq": len(lines) + 1}
        with log.open("a", encoding="utf-8") as f:  # another hand appends a line hashed over its own spacing
            f.write(_rehashed_raw(len(lines) + 1, lambda s: s.replace('{"decision":{', '{"decision":{ ', 1))(
                [*lines, canonical_json(extra) + "\n"])[-1])
        problem = verify_log(log).problem
        assert problem is not None and problem.kind == "edited", problem
        member = parse_member({**RECORDS[1], "name": "Second"})
        with pytest.raises(LogError, match=f"line {len(lines) + 1}: edited: "):
            writer.record(plan.decide(member, input_sha256=writer.input_hash(member)), member, RULESET)
        writer.discard()


def test_two_logs_spliced_at_the_same_seq_are_told_where_the_chain_breaks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Lines 1-8 of one log, 9 on of another: line 8 is untouched, line 9 is the first foreign line.
    From the chain alone that is the same as line 8 edited and re-hashed: both readings are said."""
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_log(first)
    write_log(second, RECORDS[::-1])  # another log: its lines differ from the first's
    spliced = tmp_path / "spliced.jsonl"
    spliced.write_text("".join(first.read_text("utf-8").splitlines(keepends=True)[:8]
                               + second.read_text("utf-8").splitlines(keepends=True)[8:]), "utf-8")
    result = verify_log(spliced)
    assert result.problem is not None and (result.problem.line, result.problem.since) == (9, 8)
    assert "line 8 was changed and re-hashed, or this line and those after it come from another log" \
        in result.problem.message
    assert result.decisions == 7
    assert main(["verify", str(spliced)]) == 1
    assert capsys.readouterr().out.splitlines()[1:] == ["lines 1-7 are intact"]
    last = len(first.read_text("utf-8").splitlines())  # the other log's last line alone, in place of this one's
    spliced.write_text("".join(first.read_text("utf-8").splitlines(keepends=True)[:last - 1]
                               + second.read_text("utf-8").splitlines(keepends=True)[last - 1:]), "utf-8")
    told = verify_log(spliced).problem
    assert told is not None and told.message.endswith(
        f"hash of line {last - 1}: either line {last - 1} was changed and re-hashed, or this line comes from "
        "another log")


def test_anchor_catches_lines_cut_off_the_end(log: Path) -> None:
    head = verify_log(log).head_hash
    assert verify_log(log, anchor=head).ok
    lines = log.read_text("utf-8").splitlines(keepends=True)
    log.write_text("".join(lines[:-2]), "utf-8")
    assert verify_log(log).ok  # a chain alone cannot tell
    problem = verify_log(log, anchor=head).problem
    assert problem is not None and "anchor" in problem.message


def test_lines_moved_far_are_reordered_and_only_what_is_nowhere_is_missing(log: Path) -> None:
    lines = log.read_text("utf-8").splitlines(keepends=True)
    log.write_text("".join([*lines[:2], lines[9], *lines[3:9], lines[2], *lines[10:]]), "utf-8")
    assert str(verify_log(log).problem) == ("line 3: reordered: seq 10 where 3 was expected: seqs 3-9 come later "
                                            "in the file: the lines are out of order")
    log.write_text("".join(lines[::-1]), "utf-8")
    assert "seqs 1-15 come later in the file" in str(verify_log(log).problem)
    log.write_text("".join([*lines[:2], *lines[4:9], lines[2], *lines[9:]]), "utf-8")
    assert str(verify_log(log).problem) == ("line 3: removed: seq 5 where 3 was expected: 1 decision missing: of "
                                            "seqs 3-4, 1 comes later in the file (out of order) and 1 is nowhere "
                                            "in the log")
    log.write_text("".join([*lines[:6], *lines[9:]]), "utf-8")
    assert str(verify_log(log).problem) == ("line 7: removed: seq 10 where 7 was expected: 3 decisions missing: "
                                            "seqs 7-9 are nowhere in the log")


def test_verify_says_which_line_the_anchor_vouches_up_to_and_how_many_come_after(
        log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Audit finding L1: an anchor that is seq 14's hash left lines 15-16 unvouched for, and nothing in the
    output said where the anchor was found."""
    hashes = [e["hash"] for e in envelopes(log)]
    assert verify_log(log, anchor=hashes[13]).anchored_seq == 14 and verify_log(log).anchored_seq is None
    assert main(["verify", str(log), "--anchor", hashes[13]]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == ("anchor: seq 14: it vouches for lines 1-14; lines 15-16 "
                                                        "come after it, which it does not vouch for")
    assert main(["verify", str(log), "--anchor", hashes[14]]) == 0
    assert "; line 16 comes after it, which it does not vouch for" in capsys.readouterr().out
    assert main(["verify", str(log), "--anchor", hashes[15]]) == 0
    assert "anchor: seq 16, the head: it vouches for every line" in capsys.readouterr().out
    assert main(["verify", str(log), "--anchor", hashes[13], "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["anchor"] == {"hash": hashes[13], "seq": 14, "after": 2}
    log.write_text("".join(log.read_text("utf-8").splitlines(keepends=True)[:10]), "utf-8")
    assert main(["verify", str(log), "--anchor", hashes[13], "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["anchor"] == {"hash": hashes[13], "seq": None, "after": None}
    assert main(["verify", str(log), "--format", "json"]) == 0
    assert "anchor" not in json.loads(capsys.readouterr().out)


def test_an_anchor_in_capitals_is_the_same_anchor(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = verify_log(log).head_hash
    assert main(["verify", str(log), "--anchor", head.upper()]) == 0
    assert "chain intact" in capsys.readouterr().out


def test_an_anchor_missing_from_a_rewritten_log_vouches_for_no_line(log: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    head = verify_log(log).head_hash
    entries = [json.loads(x) for x in log.read_text("utf-8").splitlines()]
    entries[4]["decision"]["outcome"] = "eligible"
    log.write_text("".join(rechain(entries)), "utf-8")
    assert verify_log(log).ok  # a chain alone cannot tell
    assert main(["verify", str(log), "--anchor", head]) == 1
    out = capsys.readouterr().out
    assert f"{log}: after line 16 (the end of the log): unanchored: the anchor {head} is not in the log" in out
    assert main(["verify", str(log), "--anchor", head, "--format", "json"]) == 1  # the line the anchor was looked
    assert json.loads(capsys.readouterr().out)["problem"]["line"] == 17  # for last: the one after the end
    assert "none of its lines can be vouched for" in out and "intact" not in out


def test_a_line_longer_than_a_log_line_can_be_is_skipped_unheld(log: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("bsu_rules.audit.chain.MAX_LINE", 65536)
    lines = log.read_text("utf-8").splitlines(keepends=True)
    log.write_text("".join([*lines[:3], "a" * 1_000_000 + "\n", *lines[3:]]), "utf-8")
    read = list(read_log(log))
    assert [len(line.raw) for line in read[2:5]] == [len(lines[2]), 0, len(lines[3])]
    assert read[3].error is not None and "longer than the 65,536 bytes a log line may hold" in read[3].error
    assert main(["verify", str(log)]) == 1
    out = capsys.readouterr().out
    assert "line 4: malformed: longer than the 65,536 bytes" in out and "lines 1-3 are intact" in out
    assert main(["replay", str(log), "--archive", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "line 4: error: a damaged line, not a decision" in out and "lines 1-3, 5-17 (16 decisions)" in out
    assert main(["replay", str(log), "--archive", str(tmp_path), "--seq", "4"]) == 1
    assert "line 5 (seq 4)" in capsys.readouterr().out


def test_verify_cli(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(log)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{len(RECORDS)} decisions, chain intact\nhead: seq {len(RECORDS)} hash ")
    log.write_text("".join(_edit(log.read_text("utf-8").splitlines(keepends=True))), "utf-8")
    assert main(["verify", str(log)]) == 1
    out = capsys.readouterr().out
    assert "line 5: edited: its content does not match its hash" in out and "lines 1-4 are intact" in out
    assert main(["verify", str(log), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["problem"]["line"] == 5


def test_evaluate_with_log_prints_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["evaluate", "bsu-2022", str(EXAMPLES)]) == 0
    plain = capsys.readouterr().out
    monkeypatch.setenv("BSU_RULES_PSEUDONYM_KEY", KEY)
    path = tmp_path / "cli.jsonl"
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(path)]) == 0
    keyed = capsys.readouterr().out
    assert [envelope["decision"] for envelope in envelopes(path)] == [json.loads(line) for line in keyed.splitlines()]
    for line, before, record in zip(keyed.splitlines(), plain.splitlines(), RECORDS, strict=True):
        member = parse_member(record)  # the same decisions, but for the keyed input hash: no guess can be checked
        digest = hmac.new(KEY.encode(), member.model_dump_json(exclude_none=True).encode(), "sha256").hexdigest()
        assert line == before.replace(record_hash(member), digest) != before
    assert envelopes(path)[0]["inputs"]["nik"] == pseudonym(RECORDS[0]["nik"], KEY)
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--pseudonymize-key", "k"]) == 2
    path.write_bytes(path.read_bytes()[:-10])
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "truncated" in captured.err


def test_evaluate_says_how_many_decisions_the_log_held_already(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Audit finding L4: a decision printed twice but logged once (the log held it already) left the count line
    `2 read = 2 decided + 0 rejected` and a log of one line, an unexplained gap for whoever reconciles them."""
    members, log = tmp_path / "m.jsonl", tmp_path / "d.jsonl"
    first = EXAMPLES.read_text("utf-8").splitlines()[0]
    members.write_text(f"{first}\n{first}\n", "utf-8")
    assert main(["evaluate", "bsu-2022", str(members), "--log", str(log), "--full-nik"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 2 and len(log.read_text("utf-8").splitlines()) == 1
    assert err.splitlines()[-1] == ("bsu-rules: 2 read = 2 decided + 0 rejected; 1 decision already in the log, not "
                                    "logged again")
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(log), "--full-nik"]) == 0
    assert capsys.readouterr().err.splitlines()[-1].endswith("; 1 decision already in the log, not logged again")
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(log), "--full-nik"]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == ("bsu-rules: 16 read = 16 decided + 0 rejected; 16 decisions "
                                                        "already in the log, not logged again")
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(tmp_path / "new.jsonl"), "--full-nik"]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == "bsu-rules: 16 read = 16 decided + 0 rejected"


@pytest.mark.parametrize("key", ["a", "rahasia", "x" * 15, "kunci-acak-16-b!"])
def test_a_short_key_is_refused_for_a_new_log_and_a_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    """Every line carries the key's fingerprint: a key shorter than 16 bytes is tried offline, and with it every
    NIK. ``evaluate --log`` and ``batch`` refuse it (exit 2, nothing written), by file and from the environment,
    saying how to make a good one; 16 bytes is taken without a word."""
    (tmp_path / "k").write_text(key, "utf-8")
    (tmp_path / "k").chmod(0o600)
    short = len(key) < 16
    log = tmp_path / "l.jsonl"
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(log), "--key-file", str(tmp_path / "k")]) == \
        (2 if short else 0)
    err = capsys.readouterr().err
    assert log.exists() is not short and (len(key) == 1 or key not in err)
    size = f"{len(key)} byte{'s' if len(key) > 1 else ''}"
    said = f"the key is {size}, shorter than 16: every log line carries its fingerprint"
    assert (said in err) is short and ("head -c 32 /dev/urandom" in err) is short and "warning" not in err
    monkeypatch.setenv("BSU_RULES_PSEUDONYM_KEY", key)
    out = tmp_path / "o.jsonl"
    assert main(["batch", "bsu-2022", str(EXAMPLES), "--out", str(out)]) == (2 if short else 0)
    err = capsys.readouterr().err
    assert (f"bsu-rules: $BSU_RULES_PSEUDONYM_KEY: {said}" in err) is short and out.exists() is not short


def test_a_short_key_a_log_was_made_with_is_warned_of_when_it_is_read(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A log made with a short key before short keys were refused is still replayed with it: warned of, once."""
    (tmp_path / "k").write_text("a", "utf-8")
    (tmp_path / "k").chmod(0o600)
    args = argparse.Namespace(key_file=str(tmp_path / "k"), files=[], input=None, members=None)
    assert pseudonym_key(args, reading=True) == b"a"
    assert "warning: " + str(tmp_path / "k") + ": the key is 1 byte: every log line" in capsys.readouterr().err


API_KEY = b"contoh-kunci-run-batch-jangan-dipakai"
"""docs/api.md's key for ``run_batch``."""


@pytest.mark.parametrize("key", ["contoh-kunci-jangan-dipakai", "another", API_KEY.decode()])
def test_a_key_the_documentation_gives_is_warned_of_and_the_run_goes_on(tmp_path: Path, key: str,
                                                                        capsys: pytest.CaptureFixture[str],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/auditing.md prints the example key, `contoh-kunci-jangan-dipakai` ("example key, do not use"), and its
    fingerprint 262cfcbc1906fa05: whoever has read it can undo a log made with it. Every command that takes a key
    says so, by the fingerprint (the key is never repeated), and goes on: the guide's own steps start a log with
    it, and a log made with it is replayed with it. One shorter than 16 bytes is refused for a new log all the same."""
    (tmp_path / "k").write_text(key + "\n", "utf-8")
    log = tmp_path / "l.jsonl"
    made = main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(log), "--key-file", str(tmp_path / "k"),
                 "--archive", str(tmp_path / "archive")])
    if len(key) < 16:
        assert made == 2 and f"the key is {len(key)} bytes, shorter than 16" in capsys.readouterr().err
        return
    assert made == 0
    err = capsys.readouterr().err
    said = f"the key is one the project's documentation gives ({PUBLISHED_KEYS[key_id(key)]}, fingerprint " \
        f"{key_id(key)}): whoever has read it can undo the pseudonyms and keyed input hashes made with it"
    assert said in err and f"'{key}'" not in err and err.count("warning") == 1
    assert len(log.read_text("utf-8").splitlines()) == len(RECORDS)  # the run went on
    monkeypatch.setenv(KEY_ENV, key)
    assert main(["replay", str(log), "--archive", str(tmp_path / "archive"), "--members", str(EXAMPLES),
                 "--nik", RECORDS[0]["nik"]]) == 0  # a log made with it is replayed with it
    assert f"$BSU_RULES_PSEUDONYM_KEY: {said}" in capsys.readouterr().err
    (tmp_path / "own").write_text("kunci-acak-16-b!-x", "utf-8")  # any other key: no word of it
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(tmp_path / "m.jsonl"), "--key-file",
                 str(tmp_path / "own")]) == 0
    assert "warning" not in capsys.readouterr().err


def test_a_key_the_documentation_gives_is_warned_of_by_the_library_once_a_call_and_by_a_command_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A library caller given the guide's example key was told nothing (the commands said it on stderr): each
    function that takes a key warns once (``PublishedKeyWarning``, a ``UserWarning``), at the caller's line, by
    the fingerprint; replay reading a snapshot with it warns once, not once more for the snapshot; a command says
    it once, on stderr, and no Python warning follows it. Another key: no warning."""
    import warnings

    import pyarrow.parquet as pq

    from bsu_rules.audit import iter_replay, load_members, replay
    from bsu_rules.batch.dask import run_dask
    from bsu_rules.batch.generate import block
    from bsu_rules.batch.run import run_batch

    key, log, archive = "contoh-kunci-jangan-dipakai", tmp_path / "l.jsonl", tmp_path / "archive"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(log), "--archive", str(archive),
                     "--pseudonymize-key", key]) == 0
    assert caught == [] and capsys.readouterr().err.count("documentation gives") == 1
    pq.write_table(block(20, seed=1)[0], tmp_path / "m.parquet")
    calls: list[Callable[[], object]] = [
        lambda: DecisionLog(tmp_path / "m.jsonl", key=key.encode()),
        lambda: replay(log, archive, EXAMPLES, key=key),
        lambda: iter_replay(log, archive, EXAMPLES, key=key),  # at the call: no item asked for yet
        lambda: load_members(EXAMPLES, key=key),
        lambda: run_batch("bsu-2022", EXAMPLES, tmp_path / "d.parquet", key=API_KEY),  # docs/api.md's
        lambda: run_dask(tmp_path / "m.parquet", "bsu-2022", key=API_KEY),
    ]
    for call in calls:
        with pytest.warns(bsu_rules.PublishedKeyWarning) as warned:
            call()
        (one,) = [w for w in warned.list if w.category is bsu_rules.PublishedKeyWarning]  # dask's own aside
        assert issubclass(one.category, UserWarning) and one.filename == __file__
        said = str(one.message)
        assert "the key is one the project's documentation gives" in said and key not in said
        assert key_id(key) in said or key_id(API_KEY) in said
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DecisionLog(tmp_path / "n.jsonl", key="kunci-acak-16-b!-x")
        load_members(EXAMPLES, key="kunci-acak-16-b!-x")


@pytest.mark.parametrize(("key", "said"), [(b"\x00" * 64, "64 bytes of only 1 distinct value (not shown)"),
                                           (b"abab" * 8, "32 bytes of only 2 distinct values (not shown)"),
                                           (b"abc" * 6, "18 bytes of only 3 distinct values (not shown)")])
def test_a_key_of_a_few_repeated_bytes_is_refused_as_a_short_one_and_a_device_too(
        tmp_path: Path, key: bytes, said: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A key of NUL bytes, or of a few characters repeated, is as guessable as a short one: refused for a new log
    or batch by the commands and the library alike, its bytes never shown, and warned of when what it made before
    is read; four distinct values are taken. `--key-file /dev/zero` (65 536 NUL bytes) is refused as the device it
    is."""
    from bsu_rules.batch.run import run_batch

    (tmp_path / "k").write_bytes(key)
    (tmp_path / "k").chmod(0o600)
    log = str(tmp_path / "l.jsonl")
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", log, "--key-file", str(tmp_path / "k")]) == 2
    err = capsys.readouterr().err
    assert f"the key is {said}: it is guessed at once" in err and "make a key of 32 random bytes" in err
    assert "0x" not in err and "abab" not in err and "abc" not in err and not Path(log).exists()
    for make in (lambda: DecisionLog(tmp_path / "api.jsonl", key=key),
                 lambda: run_batch("bsu-2022", EXAMPLES, tmp_path / "o.parquet", key=key)):
        with pytest.raises(ValueError, match=f"the key is {said.replace('(', '[(]').replace(')', '[)]')}") as raised:
            make()
        assert key.decode("latin-1") not in str(raised.value)
    args = argparse.Namespace(key_file=str(tmp_path / "k"), files=[], input=None, members=None)
    assert pseudonym_key(args, reading=True) == key  # what such a key made before is read with it
    assert f"warning: {tmp_path / 'k'}: the key is {said}: it is guessed at once" in capsys.readouterr().err
    DecisionLog(tmp_path / "four.jsonl", key=b"abcd" * 4)
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", log, "--key-file", "/dev/zero"]) == 2
    assert "/dev/zero: a device, not a regular file: give the file holding the key" in capsys.readouterr().err
    with pytest.raises(TypeError, match="a pseudonymisation key is str or bytes, not int"):
        DecisionLog(tmp_path / "api.jsonl", key=123)  # type: ignore[arg-type]


def test_a_pem_file_given_as_the_key_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A PEM file (the signing key of ``--signing-key``, a certificate) given to ``--key-file``: its first line,
    ``-----BEGIN PRIVATE KEY-----``, long enough and of many byte values, was taken as the key, and it is the same in
    every such file. It is refused for new keyed output, by the commands and the library alike, and warned of when
    what it made before is read."""
    from bsu_rules.batch.run import run_batch

    pem = tmp_path / "signing.pem"
    pem.write_bytes(b"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIDPsmXdt4G0ncm5Jn8xYbbf1oJCOIJ9lkD3QT6ZnpqjW\n"
                    b"-----END PRIVATE KEY-----\n")
    pem.chmod(0o600)
    said = "the key begins as a PEM file does"
    log = str(tmp_path / "l.jsonl")
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", log, "--key-file", str(pem)]) == 2
    assert said in capsys.readouterr().err and not Path(log).exists()
    assert main(["batch", "bsu-2022", str(EXAMPLES), "--out", str(tmp_path / "o.parquet"), "--key-file", str(pem),
                 "--quiet"]) == 2
    assert said in capsys.readouterr().err and not (tmp_path / "o.parquet").exists()
    for make in (lambda: DecisionLog(tmp_path / "api.jsonl", key=b"-----BEGIN PRIVATE KEY-----"),
                 lambda: run_batch("bsu-2022", EXAMPLES, tmp_path / "api.parquet", key="-----BEGIN CERTIFICATE-----")):
        with pytest.raises(ValueError, match=said):
            make()
    args = argparse.Namespace(key_file=str(pem), files=[], input=None, members=None)
    assert pseudonym_key(args, reading=True) == b"-----BEGIN PRIVATE KEY-----"  # what it made before is read
    assert said in capsys.readouterr().err


def test_a_key_file_whose_first_line_is_a_comment_is_refused(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A comment put before the key (``# pseudonymisation key…`` then the key): the first line, the same in every
    file written from one example, was taken as the key. Such a file is refused for new keyed output and warned of
    when what it made before is read; a comment after the key, and a key that merely begins with ``#``, are keys."""
    key = b"6f1c0b2e9a8d4f7e3b5a1c9d0e8f7a6b"
    files = {"before": b"\xef\xbb\xbf# pseudonymisation key for the 2022 batch\n" + key + b"\n",
             "after": key + b"\n# pseudonymisation key for the 2022 batch\n", "hash": b"#" + key + b"\n"}
    for name, text in files.items():
        (tmp_path / name).write_bytes(text)
        (tmp_path / name).chmod(0o600)
    said = "the key file's first line begins with '#', as a comment does"
    log = str(tmp_path / "l.jsonl")
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", log, "--key-file", str(tmp_path / "before")]) == 2
    assert said in capsys.readouterr().err and not Path(log).exists()
    out = tmp_path / "o.parquet"
    assert main(["batch", "bsu-2022", str(EXAMPLES), "--out", str(out), "--key-file", str(tmp_path / "before"),
                 "--quiet"]) == 2
    assert said in capsys.readouterr().err and not out.exists()
    args = argparse.Namespace(key_file=str(tmp_path / "before"), files=[], input=None, members=None)
    assert pseudonym_key(args, reading=True) == b"# pseudonymisation key for the 2022 batch"  # read, as it was made
    assert said in capsys.readouterr().err
    for name, expected in (("after", key), ("hash", b"#" + key)):
        args = argparse.Namespace(key_file=str(tmp_path / name), files=[], input=None, members=None)
        assert pseudonym_key(args) == expected
        assert said not in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix", reason="a file's mode says who can read it on POSIX only")
def test_a_key_file_others_can_read_is_warned_of_once_and_used(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """As ssh warns of an open private key: a key file that group or others can read (0644) is named (its
    path masked as every path a message names), with the fix, once, and the run goes on; one that only its
    owner can read, or a key from the environment, is not warned of."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    key = tmp_path / "3204125708940003.key"
    key.write_text(KEY + "-16-bytes\n", "utf-8")
    key.chmod(0o644)
    log = tmp_path / "l.jsonl"
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(log), "--key-file", str(key)]) == 0
    err = capsys.readouterr().err
    shown = hidden_path(str(key))  # as every message names a path: no NIK in it
    assert err.count("warning") == 1 and "3204125708940003" not in err
    assert f"bsu-rules: warning: {shown}: the key file's permissions 0644 let other users read it: whoever reads " \
        f"it can undo every pseudonym and keyed input hash made with it; make it readable by you alone: chmod 600 " \
        f"{shown}\n" in err
    assert len(log.read_text("utf-8").splitlines()) == len(RECORDS)  # used
    key.chmod(0o620)
    assert main(["replay", str(log), "--archive", str(tmp_path), "--nik", RECORDS[0]["nik"],
                 "--key-file", str(key)]) == 1  # found (its rule set is not archived here)
    assert "permissions 0620 let other users change it" in capsys.readouterr().err
    key.chmod(0o600)
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(log), "--key-file", str(key)]) == 0
    assert "warning" not in capsys.readouterr().err
    monkeypatch.setenv(KEY_ENV, KEY + "-16-bytes")  # not a file: nothing to say of its mode
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(log)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_a_writer_reads_the_log_between_appends(tmp_path: Path) -> None:
    """Another writer's append in progress (its line half-written, under its lock) is waited for,
    not taken for a truncated log."""
    whole = tmp_path / "whole.jsonl"
    write_log(whole, RECORDS[:3])
    lines = whole.read_bytes().splitlines(keepends=True)
    path = tmp_path / "shared.jsonl"
    path.write_bytes(b"".join(lines[:2]) + lines[2][:40])
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    fcntl.flock(fd, fcntl.LOCK_EX)
    plan, errors = RULESET.plan(), []
    log = DecisionLog(path, full_nik=True)
    reader = threading.Thread(target=lambda: errors.extend(
        [log.logged(plan.decide(parse_member(RECORDS[0]), input_sha256=log.input_hash(RECORDS[0])))]))
    reader.start()
    reader.join(0.3)
    assert reader.is_alive()  # waiting for the lock
    os.write(fd, lines[2][40:])
    os.close(fd)
    reader.join(10)
    assert errors == [True]  # the first record is in the log, and nothing was refused


def _writer(path: str, start: int, count: int, batch: int, barrier: Any) -> None:
    barrier.wait()
    write_log(Path(path), [{**RECORDS[(start + i) % len(RECORDS)], "name": f"writer {start} record {i}"}
                           for i in range(count)], batch=batch)  # distinct decisions: a repeat is logged once


def test_concurrent_writers_make_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "shared.jsonl"
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(4)
    procs = [ctx.Process(target=_writer, args=(str(path), i * 4, 40, 1 if i % 2 else 3, barrier)) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    result = verify_log(path)
    assert result.ok and result.decisions == 160, str(result)
    niks = [e["inputs"]["nik"] for e in envelopes(path)]
    expected = [RECORDS[(i * 4 + j) % len(RECORDS)]["nik"] for i in range(4) for j in range(40)]
    assert sorted(niks) == sorted(expected)


def test_a_malformed_anchor_is_a_usage_error_not_tampering(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(log), "--anchor", "xyz"]) == 2
    err = capsys.readouterr().err
    assert "64 hex digits" in err and "removed" not in err


def test_a_whole_last_line_without_its_newline_is_told_apart(log: Path) -> None:
    data = log.read_bytes()
    log.write_bytes(data[:-1])
    problem = verify_log(log).problem
    assert problem is not None and problem.kind == "truncated" and "whole record whose hash matches" in problem.message
    log.write_bytes(data[:-10])
    problem = verify_log(log).problem
    assert problem is not None and "whole record" not in problem.message


def test_two_writers_that_both_decided_a_member_log_it_once(tmp_path: Path) -> None:
    """Each writer checks what is logged when it opens the log; one that finds, under the lock, that
    another writer logged the same decision since, does not log it again."""
    path = tmp_path / "shared.jsonl"
    plan = RULESET.plan()
    first, second = DecisionLog(path, batch=100, full_nik=True), DecisionLog(path, batch=100, full_nik=True)
    decisions = [(plan.decide(parse_member(r), input_sha256=whole(parse_member(r))), r) for r in RECORDS[:4]]
    for log in (first, second):
        assert not log.logged(decisions[0][0])  # both look before either writes
    for decision, record in decisions[:3]:
        first.record(decision, record, RULESET)
    for decision, record in decisions[1:]:
        second.record(decision, record, RULESET)
    assert first.flush() == 3 and second.flush() == 1
    logged = [env["decision"]["member"]["input_sha256"] for env in envelopes(path)]
    assert sorted(logged) == sorted(d.member.input_sha256 for d, _ in decisions) and verify_log(path).ok


def test_a_line_longer_than_a_log_line_can_be_is_refused(log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Wherever it is (another hand appended it after this writer's last look), and without holding it."""
    monkeypatch.setattr("bsu_rules.audit.chain.MAX_LINE", 1 << 20)
    writer = DecisionLog(log, full_nik=True)
    writer.writable()
    with log.open("ab") as f:
        f.write(b"a" * (8 << 20) + b"\n")
    before = log.read_bytes()
    with pytest.raises(LogError, match="line 17: malformed: longer than the 1,048,576 bytes a log line may hold"):
        another = parse_member(RECORDS[0] | {"name": "Another"})
        writer.record(RULESET.plan().decide(another, input_sha256=writer.input_hash(another)), another, RULESET)
    assert log.read_bytes() == before


def test_a_decision_too_large_for_a_log_line_is_not_logged(log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bsu_rules.audit.log.MAX_LINE", 2000)
    before = log.read_bytes()
    with pytest.raises(LogError, match="would be longer than the 2,000 bytes a log line may hold"):
        write_log(log, [{**RECORDS[0], "name": "Another"}])
    assert log.read_bytes() == before


def test_a_key_file_gives_its_first_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BSU_RULES_PSEUDONYM_KEY", raising=False)
    key_file, path = tmp_path / "two.key", tmp_path / "k.jsonl"
    key_file.write_text(f"{KEY}\n# rotated 2026-11\n")
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(path), "--key-file", str(key_file)]) == 0
    assert {e["pseudonym_key"] for e in envelopes(path)} == {key_id(KEY)}
    assert envelopes(path)[0]["inputs"]["nik"] == pseudonym(RECORDS[0]["nik"], KEY)
    capsys.readouterr()
    assert main(["replay", str(path), "--archive", str(tmp_path), "--nik", RECORDS[4]["nik"],
                 "--key-file", str(key_file)]) == 1  # found (its rule set is not archived here)
    assert "(seq 5)" in capsys.readouterr().out


@pytest.mark.parametrize("text", ["", "   \n", "\n" + KEY + "\n", " \t\r\n"])
def test_a_key_file_whose_first_line_is_empty_or_spaces_is_refused(tmp_path: Path, text: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    key_file, path = tmp_path / "bad.key", tmp_path / "k.jsonl"
    key_file.write_text(text)
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(path), "--key-file", str(key_file)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "bad.key:" in captured.err and "empty" in captured.err
    assert not path.exists() or path.read_bytes() == b""


def test_a_key_of_spaces_in_the_environment_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BSU_RULES_PSEUDONYM_KEY", "   ")
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(tmp_path / "k.jsonl"), "--full-nik"]) == 2
    assert "$BSU_RULES_PSEUDONYM_KEY: the key is empty or only spaces" in capsys.readouterr().err
    with pytest.raises(ValueError, match="only spaces"):
        DecisionLog(tmp_path / "k.jsonl", key=" \n")


@pytest.mark.parametrize("length", [1, 15, 16])
def test_the_library_refuses_a_short_key_for_new_keyed_output_as_the_commands_do(
        tmp_path: Path, length: int, capsys: pytest.CaptureFixture[str]) -> None:
    """A key shorter than 16 bytes was refused by `evaluate --log`, `serve --log` and `batch` but taken by
    `DecisionLog`, `run_batch`, `run_dask`, `decide_batch` and `decide_parts`: a log whose every line carries the
    fingerprint of a key tried offline in moments. Each refuses it now, by the commands' rule (the same boundary),
    before anything is written; 16 bytes are taken by both."""
    import pyarrow.parquet as pq

    from bsu_rules.batch.dask import run_dask
    from bsu_rules.batch.generate import block
    from bsu_rules.batch.run import decide_batch, decide_parts, run_batch

    key = "0123456789abcdef"[:length - 1] + "!"  # of distinct bytes: no other warning
    (tmp_path / "k").write_text(key, "utf-8")
    (tmp_path / "k").chmod(0o600)
    args = argparse.Namespace(key_file=str(tmp_path / "k"), files=[], input=None, members=None)
    table = block(3, seed=1)[0]
    pq.write_table(table, tmp_path / "m.parquet")
    log, out = tmp_path / "l.jsonl", tmp_path / "d.parquet"
    makers: list[Callable[[], object]] = [
        lambda: DecisionLog(log, key=key), lambda: DecisionLog(log, key=key.encode()).writable(),
        lambda: run_batch("bsu-2022", EXAMPLES, out, key=key.encode()),
        lambda: run_dask(tmp_path / "m.parquet", "bsu-2022", key=key.encode()),
        lambda: decide_batch("bsu-2022", None, table, key=key.encode()),
        lambda: decide_parts(RULESET.plan(None), table, key=key.encode())]
    if length < 16:
        with pytest.raises(InputError, match=f"the key is {length} bytes?, shorter than 16"):
            pseudonym_key(args)
        for make in makers:
            with pytest.raises(ValueError, match=f"the key is {length} bytes?, shorter than 16: every log line "
                                                 r"carries its fingerprint.*secrets\.token_bytes\(32\)") as raised:
                make()
            assert key not in str(raised.value)
        assert not log.exists() and not out.exists()
        return
    assert pseudonym_key(args) == key.encode() and "warning" not in capsys.readouterr().err
    for make in makers:
        make()
    assert log.exists() and out.exists()


def test_a_log_made_with_a_short_key_before_is_read_with_it_still(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A log written with a short key while one was taken is replayed, and its NIKs found, with that key."""
    from bsu_rules.audit import keys, replay

    with monkeypatch.context() as old:  # the engine that took a short key for a new log
        old.setattr(keys, "SHORT_KEY", 1)
        write_log(tmp_path / "l.jsonl", RECORDS[:3], key="pendek")
    with pytest.raises(ValueError, match="shorter than 16"):
        write_log(tmp_path / "new.jsonl", RECORDS[:3], key="pendek")
    report = replay(tmp_path / "l.jsonl", tmp_path, EXAMPLES, nik=RECORDS[1]["nik"], key="pendek")
    assert [item.seq for item in report.items] == [2] and report.chain.ok
    assert envelopes(tmp_path / "l.jsonl")[1]["inputs"]["nik"] == pseudonym(RECORDS[1]["nik"], "pendek")


def test_a_log_keeps_full_niks_only_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """No key and no ``--full-nik``: the log is refused before anything is decided or written."""
    monkeypatch.delenv("BSU_RULES_PSEUDONYM_KEY", raising=False)
    path = tmp_path / "d.jsonl"
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and not path.exists() and "--full-nik" in captured.err
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(path), "--full-nik"]) == 0
    assert envelopes(path)[0]["inputs"]["nik"] == RECORDS[0]["nik"]
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--full-nik"]) == 2  # needs --log
    monkeypatch.setenv("BSU_RULES_PSEUDONYM_KEY", KEY)
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(path), "--full-nik"]) == 2  # one or the other
    assert "opposite" in capsys.readouterr().err


def test_a_line_that_does_not_belong_is_inserted_wherever_it_stands(log: Path, tmp_path: Path) -> None:
    """A copy is said to repeat its line, next to it or far from it; a line of another log is no line of this one."""
    lines = log.read_text("utf-8").splitlines(keepends=True)
    other = tmp_path / "other.jsonl"
    with DecisionLog(other, clock=partial(datetime, 2022, 9, 6, tzinfo=UTC), full_nik=True) as log_:
        plan = RULESET.plan()
        for record in RECORDS:
            log_.record(plan.decide(parse_member(record), input_sha256=log_.input_hash(record)), record, RULESET)
    foreign = other.read_text("utf-8").splitlines(keepends=True)[3]
    said = {}
    for name, changed in {"next to it": [*lines[:4], lines[3], *lines[4:]], "at the end": [*lines, lines[3]],
                          "from another log": [*lines, foreign]}.items():
        log.write_text("".join(changed), "utf-8")
        problem = verify_log(log).problem
        assert problem is not None and problem.kind == "inserted", (name, str(problem))
        said[name] = problem.message
    assert said["next to it"] == "seq 4 where 5 was expected: it repeats line 4"
    assert said["at the end"] == "seq 4 where 17 was expected: it repeats line 4"
    assert said["from another log"].startswith("seq 4 where 17 was expected: it is no line of this log")


@pytest.mark.parametrize(("change", "says"), [
    ({"note": {"nik": "3204073012830004"}}, "a key it does not have: note"),
    ({"v": True}, "log format version true is not supported"),
    ({"recorded_at": "yesterday"}, "recorded_at 'yesterday' is not a date and time with its zone"),
    ({"recorded_at": "2022-09-05T08:00:00"}, "is not a date and time with its zone: it has no offset from UTC"),
    ({"recorded_at": "2026-19-07T21:13:29.123456+00:00"}, "'<24 digits>' is not a date and time with its zone: its "
                                                          "month is 19, not 1 to 12"),
    ({"recorded_at": "2022-02-30T08:00:00.000000+00:00"}, "zone: 2022-02-30 is no day of the calendar"),
    ({"recorded_at": "2022-02-30T08:00:00"}, "zone: 2022-02-30 is no day of the calendar)"),
    ({"pseudonym_key": 5}, "wrong type: pseudonym_key"),
    ({"pseudonym_key": "3204073012830004x"}, "wrong type: pseudonym_key")])
def test_every_envelope_key_is_checked_even_in_a_rechained_log(tmp_path: Path, log: Path, change: dict[str, Any],
                                                               says: str) -> None:
    """A writer's bug or a forger's line that adds a key (a full NIK beside the pseudonyms) or writes one
    of another type is no log record, even where its chain holds."""
    entries = envelopes(log)
    entries[2] = {**entries[2], **change}
    forged = tmp_path / "forged.jsonl"
    forged.write_text("".join(rechain(entries)), "utf-8")
    result = verify_log(forged)
    assert not result.ok and result.problem is not None and result.problem.line == 3, result
    assert says in result.problem.message and "3204073012830004" not in str(result.problem)


@pytest.mark.parametrize("at", [0, 3, -1])
def test_a_criterion_listed_twice_is_refused_by_verify(tmp_path: Path, log: Path, at: int,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A decision that lists a criterion twice (a failing copy put before the real one, or the same one again),
    its chain rebuilt, is no decision the engine made: `verify` names its line and the criterion (`replay`
    calls it `different` too, by the criteria's ids in order)."""
    entries = envelopes(log)
    rules = entries[6]["decision"]["rules"]
    copy = {**rules[at], "outcome": "fail"} if at == 0 else dict(rules[at])
    rules.insert(0 if at == 0 else len(rules), copy)
    forged = tmp_path / "forged.jsonl"
    forged.write_text("".join(rechain(entries)), "utf-8")
    problem = verify_log(forged).problem
    assert problem is not None and (problem.line, problem.kind) == (7, "invalid"), problem
    assert f"lists criterion `{copy['id']}` twice" in problem.message
    assert main(["verify", str(forged)]) == 1
    out = capsys.readouterr().out
    assert f"line 7: invalid: the decision lists criterion `{copy['id']}` twice" in out
    assert "lines 1-6 are intact" in out


def test_a_key_written_twice_is_an_edit_not_a_reformatting(tmp_path: Path, log: Path) -> None:
    """The hash covers the last value of a key written twice; a reader keeping the first reads another
    decision: named as the edit it is, not as spacing."""
    lines = log.read_text("utf-8").splitlines(keepends=True)
    env = json.loads(lines[4])
    outcome = env["decision"]["outcome"]
    other = "eligible" if outcome != "eligible" else "ineligible"
    lines[4] = lines[4].replace(f'"outcome":"{outcome}"', f'"outcome":"{other}","outcome":"{outcome}"', 1)
    (tmp_path / "twice.jsonl").write_text("".join(lines), "utf-8")
    result = verify_log(tmp_path / "twice.jsonl")
    assert result.problem is not None and (result.problem.line, result.problem.kind) == (5, "edited"), result
    assert "the key `outcome` is written twice in one object" in result.problem.message


@pytest.mark.parametrize(("field", "value"), [("version", "2022.1\x1b[8m"), ("id", "bsu-2022\x9b8m"),
                                              ("id", "BSU 2022")])
def test_a_rule_set_named_with_terminal_escapes_is_no_decision(tmp_path: Path, log: Path, field: str,
                                                                value: str) -> None:
    """A decision's rule set is an id and a line of printable text: a rechained line that hides escapes there
    (to draw over a report) is invalid, not intact."""
    entries = envelopes(log)
    entries[2]["decision"]["ruleset"][field] = value
    forged = tmp_path / "forged.jsonl"
    forged.write_text("".join(rechain(entries)), "utf-8")
    result = verify_log(forged)
    assert result.problem is not None and (result.problem.line, result.problem.kind) == (3, "invalid"), result
    assert "\x1b" not in str(result.problem) and "\x9b" not in str(result.problem)


def test_a_key_file_that_is_the_standard_input_the_members_come_from_is_refused(tmp_path: Path) -> None:
    """`cat m.jsonl | evaluate - --key-file /dev/stdin` took the first record as the key, and the count
    line no longer added up to the records given; a key piped in with the members in a file still works."""
    import subprocess
    import sys

    members = EXAMPLES.read_bytes()
    command = [sys.executable, "-m", "bsu_rules", "evaluate", "bsu-2022"]
    both = subprocess.run([*command, "-", "--log", str(tmp_path / "a.jsonl"), "--key-file", "/dev/stdin"],
                          input=members, capture_output=True, check=False)
    assert both.returncode == 2 and both.stdout == b""
    assert b"/dev/stdin: standard input, which the members are read from (`-`)" in both.stderr
    piped = subprocess.run([*command, str(EXAMPLES), "--log", str(tmp_path / "b.jsonl"), "--key-file", "/dev/stdin"],
                           input=b"k3y-random-abcdef0123\n", capture_output=True, check=False)
    assert piped.returncode == 0 and b"16 read = 16 decided + 0 rejected" in piped.stderr


@pytest.mark.parametrize("command", ["evaluate", "batch"])
def test_a_key_file_that_is_the_input_itself_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        command: str) -> None:
    """`--key-file m.jsonl` with `m.jsonl` the input made a member's record (a NIK, an account) the key,
    known to all who hold the input: refused, however the two paths are written."""
    members = tmp_path / "m.jsonl"
    members.write_bytes(EXAMPLES.read_bytes())
    out = ["--log", str(tmp_path / "log.jsonl")] if command == "evaluate" else ["--out", str(tmp_path / "o.parquet")]
    assert main([command, "bsu-2022", str(members), *out, "--key-file", f"{tmp_path}/./m.jsonl"]) == 2
    said = capsys.readouterr()
    assert "also the input: give the key in a file of its own" in said.err and "3578" not in said.err + said.out
    assert not (tmp_path / "log.jsonl").exists() and not (tmp_path / "o.parquet").exists()


def test_replay_refuses_a_key_file_that_is_its_snapshot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    members, log, key = tmp_path / "m.jsonl", tmp_path / "log.jsonl", tmp_path / "key.txt"
    members.write_bytes(EXAMPLES.read_bytes())
    key.write_text(KEY + "\n", "utf-8")
    assert main(["evaluate", "bsu-2022", str(members), "--log", str(log), "--key-file", str(key),
                 "--archive", str(tmp_path / "a")]) == 0
    capsys.readouterr()
    assert main(["replay", str(log), "--archive", str(tmp_path / "a"), "--members", str(members),
                 "--key-file", str(members)]) == 2
    assert "also the input: give the key in a file of its own" in capsys.readouterr().err


def test_a_key_is_taken_whole_or_refused_and_the_same_bytes_however_given(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A first line over 64 KiB was cut short without a word (another key than the environment's);
    bytes that are not UTF-8 in the environment were blamed on a file name; a str key to run_batch
    failed deep in the first chunk."""
    from bsu_rules.batch.run import run_batch

    long_key = tmp_path / "long.key"
    long_key.write_bytes(b"ab" * 40_000 + b"\n")
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(tmp_path / "a.jsonl"), "--key-file",
                 str(long_key)]) == 2
    assert "the key's first line is longer than 65,536 bytes" in capsys.readouterr().err
    raw = b"k\xffey-random-abcdef0123"
    (tmp_path / "raw.key").write_bytes(raw)
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(tmp_path / "f.jsonl"), "--key-file",
                 str(tmp_path / "raw.key")]) == 0
    monkeypatch.setenv(KEY_ENV, os.fsdecode(raw))
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(tmp_path / "e.jsonl")]) == 0
    capsys.readouterr()
    assert envelopes(tmp_path / "f.jsonl")[0]["pseudonym_key"] == envelopes(tmp_path / "e.jsonl")[0]["pseudonym_key"]
    counts = run_batch("bsu-2022", EXAMPLES, tmp_path / "o.parquet", key="kunci-acak-16-b!")
    assert counts.decided == 16
    with pytest.raises(TypeError, match="a pseudonymisation key is str or bytes, not int"):
        run_batch("bsu-2022", EXAMPLES, tmp_path / "p.parquet", key=123)  # type: ignore[arg-type]


@pytest.mark.parametrize("given", ["folder", "missing.jsonl"])
def test_a_run_refused_before_its_first_decision_leaves_no_empty_log(tmp_path: Path, given: str) -> None:
    (tmp_path / "folder").mkdir()
    log = tmp_path / "log.jsonl"
    assert main(["evaluate", "bsu-2022", str(tmp_path / given), "--log", str(log), "--full-nik"]) != 0
    assert not log.exists()
    write_log(log)  # a log that was there stays, whatever the run
    kept = log.read_bytes()
    assert main(["evaluate", "bsu-2022", str(tmp_path / given), "--log", str(log), "--full-nik"]) != 0
    assert log.read_bytes() == kept


def test_verify_says_one_intact_line_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "log.jsonl"
    write_log(log)
    lines = log.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b'"outcome"', b'"outcomE"', 1)  # the second line edited
    log.write_bytes(b"\n".join(lines))
    assert main(["verify", str(log)]) == 1
    assert capsys.readouterr().out.splitlines()[1:] == ["line 1 is intact"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.parametrize("command", [["verify", "/dev/zero"], ["replay", "/dev/zero", "--archive", "{archive}"]])
def test_a_device_is_refused_as_a_log_before_it_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       command: list[str]) -> None:
    archive = tmp_path / "archive"
    log = tmp_path / "log.jsonl"
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(log), "--archive", str(archive),
                 "--full-nik"]) == 0
    capsys.readouterr()
    assert main([part.format(archive=archive) for part in command]) == 2
    assert "/dev/zero: a device, not a decision log" in capsys.readouterr().err


def test_members_whose_niks_differ_only_where_masked_are_logged_and_replayed_apart(tmp_path: Path) -> None:
    """Two records alike but for the NIK's hidden digits show alike (a decision made without a log carries the hash
    of the record as shown): a log of full NIKs keeps both, each decision with the hash of its record whole, and a
    replay from a snapshot holding both finds each one's own record."""
    from bsu_rules.audit import replay

    first = RECORDS[0]
    second = {**first, "nik": first["nik"][:4] + "99" + first["nik"][6:]}
    assert bsu_rules.evaluate(RULESET, first).to_json() == bsu_rules.evaluate(RULESET, second).to_json()
    given = tmp_path / "members.jsonl"
    given.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n", "utf-8")
    log, archive = tmp_path / "d.jsonl", tmp_path / "archive"
    main(["evaluate", "bsu-2022", str(given), "--log", str(log), "--full-nik", "--archive", str(archive)])
    lines = envelopes(log)
    assert [env["inputs"]["nik"] for env in lines] == [first["nik"], second["nik"]]
    assert [env["decision"]["member"]["input_sha256"] for env in lines] == [whole(parse_member(r)) for r in
                                                                           (first, second)]
    report = replay(log, archive, members=given)
    assert report.ok and report.counts["identical"] == 2, report.summary()


def test_a_key_the_documentation_gave_before_is_still_known_as_published() -> None:
    """The run_batch example key of docs/api.md up to 0.6.0 (``b"a key"``) made batches that are still read: it
    stays among the published keys when the example changes."""
    from bsu_rules.audit.snapshot import published_words

    assert key_id(b"a key") in PUBLISHED_KEYS and published_words(b"a key") is not None


def test_an_empty_key_variable_is_as_unset_where_no_key_is_made_with(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """``BSU_RULES_PSEUDONYM_KEY=`` is a secret that did not arrive where new keyed output is made, and no key
    at all where none is: full NIKs asked for, or a key only read."""
    monkeypatch.setenv(KEY_ENV, "")
    log = tmp_path / "full.jsonl"
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(log), "--full-nik"]) == 0
    assert len(log.read_text("utf-8").splitlines()) == len(RECORDS)
    assert pseudonym_key(argparse.Namespace(key_file=None), reading=True) is None
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(tmp_path / "k.jsonl")]) == 2
    assert "$BSU_RULES_PSEUDONYM_KEY: the key is empty or only spaces" in capsys.readouterr().err
