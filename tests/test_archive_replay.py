"""The rule archive and replay: archived hashes keep their meaning, replays find exactly what changed."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bsu_rules import load_ruleset, parse_member, replay
from bsu_rules.audit import (
    ArchiveError,
    DecisionLog,
    MissingRuleSet,
    Status,
    archive_ruleset,
    entry_hash,
    key_id,
    load_archived,
    pseudonym,
    verify_log,
)
from bsu_rules.cli import main
from bsu_rules.decisions import canonical_json, mask_logged, mask_nik
from bsu_rules.errors import InputError, RuleSetError
from bsu_rules.evaluators.scalar import ENGINE
from bsu_rules.members.redact import clipped, hide_identifiers
from bsu_rules.ruleset.loader import bundled_rules, check_file
from bsu_rules.ruleset.overrides import reform_of

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
RECORDS = [json.loads(line) for line in EXAMPLES.read_text("utf-8").splitlines() if line.strip()]
KEY = "kunci-rahasia-audit"


def copy_rules(into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    shutil.copy(bundled_rules() / "bsu-2022.yaml", into / "bsu-2022.yaml")
    shutil.copytree(bundled_rules() / "tables", into / "tables", dirs_exist_ok=True)
    return into / "bsu-2022.yaml"


def write_log(path: Path, rule_file: str | Path, records: list[dict[str, Any]], on: date | None = None,
              key: str | None = None, hints: bool = False) -> None:
    ruleset = load_ruleset(rule_file)
    plan = ruleset.plan(on)
    with DecisionLog(path, key=key, full_nik=key is None, batch=7) as log:
        for record in records:
            member = parse_member(record)
            log.record(plan.decide(member, hints=hints, input_sha256=log.input_hash(member)), member, ruleset)


def rewrite(path: Path, change: Any) -> None:
    """Change every logged decision and recompute the chain (as someone with write access could)."""
    prev, lines = "0" * 64, []
    for line in path.read_text("utf-8").splitlines():
        env = json.loads(line)
        change(env["decision"])
        env["seq"], env["prev"] = len(lines) + 1, prev
        env["hash"] = prev = entry_hash(env)
        lines.append(canonical_json(env) + "\n")
    path.write_text("".join(lines), "utf-8")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archive")
    archive_ruleset(load_ruleset("bsu-2022"), folder)
    return folder


def test_archive_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    ruleset = load_ruleset(copy_rules(tmp_path / "rules"))
    first = archive_ruleset(ruleset, tmp_path / "arch")
    again = archive_ruleset(ruleset, tmp_path / "arch")
    assert first.created and not again.created
    assert first.folder == tmp_path / "arch" / ruleset.sha256
    manifest = json.loads((first.folder / "manifest.json").read_text("utf-8"))
    assert manifest["rule_file"] == "bsu-2022.yaml" and "tables/minimum-wage-2022.csv" in manifest["files"]
    assert (first.folder / "bsu-2022.yaml").read_bytes() == (tmp_path / "rules" / "bsu-2022.yaml").read_bytes()
    assert load_archived(tmp_path / "arch", ruleset.sha256).sha256 == ruleset.sha256
    assert [p.name for p in (tmp_path / "arch").iterdir()] == [ruleset.sha256]


def test_archive_refuses_a_file_changed_since_loading(tmp_path: Path) -> None:
    rule_file = copy_rules(tmp_path / "rules")
    ruleset = load_ruleset(rule_file)
    rule_file.write_text(rule_file.read_text("utf-8").replace("value: 3500000", "value: 3600000"), "utf-8")
    with pytest.raises(ArchiveError, match="changed since it was loaded"):
        archive_ruleset(ruleset, tmp_path / "arch")
    assert not (tmp_path / "arch" / ruleset.sha256).exists()


def test_a_damaged_archive_entry_is_an_error(tmp_path: Path) -> None:
    entry = archive_ruleset(load_ruleset(copy_rules(tmp_path / "rules")), tmp_path / "arch")
    with pytest.raises(MissingRuleSet):
        load_archived(tmp_path / "arch", "0" * 64)
    with pytest.raises(MissingRuleSet):
        load_archived(tmp_path / "arch", "../rules")
    table = entry.folder / "tables" / "minimum-wage-2022.csv"
    table.write_bytes(table.read_bytes() + b"9999,1\n")
    with pytest.raises(ArchiveError, match="changed after it was archived"):
        load_archived(tmp_path / "arch", entry.sha256)


@pytest.mark.parametrize(("key", "value"), [("ruleset", "bsu-2021"), ("version", "2021.1"), ("sha256", "e" * 64),
                                            ("glossary", "0" * 64)])
def test_a_manifest_edited_after_archiving_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str,
                                                       value: str) -> None:
    """What the manifest says of its entry (the rule set, its version, its hash, its glossary's) is checked
    against the entry: an auditor reads it, so it cannot say another rule set than the one that loads."""
    entry = archive_ruleset(load_ruleset(copy_rules(tmp_path / "rules")), tmp_path / "arch")
    manifest = json.loads((entry.folder / "manifest.json").read_text("utf-8"))
    (entry.folder / "manifest.json").write_text(json.dumps({**manifest, key: value}), "utf-8")
    with pytest.raises(ArchiveError, match=rf"manifest.json says `{key}` '{value}', not '.*': it was changed after "
                                           "it was archived"):
        load_archived(tmp_path / "arch", entry.sha256)
    assert main(["archive", str(tmp_path / "rules" / "bsu-2022.yaml"), "--into", str(tmp_path / "arch")]) == 2
    assert "it was changed after it was archived" in capsys.readouterr().err


def test_a_rule_file_read_from_an_archive_entry_is_checked_as_the_entry(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Evaluating the archived rule file by its path (the auditing guide's by-hand explanation) checks the
    entry as replay does: an edited archived file is refused, never decided as if it were the entry."""
    entry = archive_ruleset(load_ruleset(copy_rules(tmp_path / "rules")), tmp_path / "arch")
    member = tmp_path / "m.jsonl"
    member.write_text(EXAMPLES.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    assert main(["evaluate", str(entry.rule_file), str(member)]) == 0
    capsys.readouterr()
    entry.rule_file.write_text(entry.rule_file.read_text("utf-8").replace("value: 3500000", "value: 4300000"),
                               "utf-8")
    assert main(["evaluate", str(entry.rule_file), str(member), "--format", "text"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "bsu-2022.yaml was changed after it was archived" in err
    (tmp_path / "link").symlink_to(entry.folder)  # the entry reached another way: by a link, from inside it
    assert main(["evaluate", str(tmp_path / "link" / "bsu-2022.yaml"), str(member)]) == 2
    monkeypatch.chdir(entry.folder)
    for command in (["evaluate", "bsu-2022.yaml", str(member)], ["serve", "bsu-2022.yaml", "--port", "1"],
                    ["impact", "bsu-2022", str(member), "--against", "bsu-2022.yaml", "--out",
                     str(tmp_path / "i.html")]):
        assert main(command) == 2
        assert "bsu-2022.yaml was changed after it was archived" in capsys.readouterr().err


def test_an_entry_archived_with_an_explanation_over_two_lines_still_loads(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """An explanation written over two lines was taken before explanations had to be one line: its entry
    decided so and loads as it is (replay reads it), while the same file outside an archive is refused."""
    entry = archive_ruleset(load_ruleset(copy_rules(tmp_path / "rules")), tmp_path / "arch")
    text = entry.rule_file.read_text("utf-8")
    said = "The participant is recorded as a {member.citizenship}, and BSU is only for Indonesian citizens (WNI)"
    assert f'      en: "{said}"' in text
    entry.rule_file.write_text(text.replace(f'      en: "{said}"', "      en: |-\n        " + said.replace(
        ", and", ",\n        and")), "utf-8")
    sha = load_ruleset(entry.rule_file, logged=True).sha256  # the entry as an older version archived it
    manifest = json.loads((entry.folder / "manifest.json").read_text("utf-8"))
    manifest["files"][entry.rule_file.name] = hashlib.sha256(entry.rule_file.read_bytes()).hexdigest()
    manifest["sha256"] = sha
    (entry.folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    entry.folder.rename(entry.folder.parent / sha)
    loaded = load_archived(tmp_path / "arch", sha, logged=True)
    member = parse_member({**json.loads(EXAMPLES.read_text("utf-8").splitlines()[0]), "citizenship": "WNA"})
    explained = loaded.plan(None).decide(member).rule("citizen").explain
    assert explained is not None and "(WNA),\nand BSU" in explained.en
    outside = tmp_path / "rules" / "bsu-2022.yaml"
    outside.write_text((entry.folder.parent / sha / entry.rule_file.name).read_text("utf-8"), "utf-8")
    assert main(["check", str(outside)]) == 1
    assert "explain.en: a line break" in capsys.readouterr().out
    # deciding with it anew (by its path in the entry, or archiving it again) is writing under today's rules:
    # a folder anyone can make does not let a file in that `check` refuses
    member_file = tmp_path / "m.jsonl"
    member_file.write_text(EXAMPLES.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    for command in (["evaluate", str(tmp_path / "arch" / sha / entry.rule_file.name), str(member_file)],
                    ["archive", str(tmp_path / "arch" / sha / entry.rule_file.name), "--into", str(tmp_path / "a2")]):
        assert main(command) == 2
        assert "explain.en: a line break" in capsys.readouterr().err


@pytest.mark.parametrize(("edit", "says"), [
    (lambda m, _: {**m, "overrides": [{**m["overrides"][0], "value": 4300000}]}, "`overrides[0]` is not a value set"),
    (lambda m, _: {**m, "overrides": [{**m["overrides"][0], "since": "2022-13-01"}]},
     "`overrides[0]` is not a value set"),
    (lambda m, _: {**m, "overrides": [{k: v for k, v in m["overrides"][0].items() if k != "set"}]},
     "`overrides[0]` is not a value set"),
    (lambda m, _: {**m, "overrides": "x"}, "`overrides` is not a list"),
    (lambda m, _: {**m, "overrides": [*m["overrides"], {"table": "minimum_wage", "file": "../../mw.csv"}]},
     "`overrides[1]` replaces a table by no file the entry holds"),
    (lambda m, _: {**m, "base": 5}, "`base` is not a rule set hash"),
    (lambda m, _: {**m, "files": []}, "`files` is not a map"),
    (lambda m, sha: {**m, "base": sha}, "is made from this entry itself"),
    (lambda m, _: None, "unreadable (nested too deeply)"),  # "[" * 5000
])
def test_a_what_if_entry_whose_manifest_has_another_shape_is_said_to_be_damaged(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: Any, says: str) -> None:
    assert main(["archive", "bsu-2022", "--set", "wage_ceiling=4300000", "--into", str(tmp_path)]) == 0
    what_if = next(p for p in tmp_path.glob("*/manifest.json") if "base" in json.loads(p.read_text("utf-8")))
    edited = edit(json.loads(what_if.read_text("utf-8")), what_if.parent.name)
    what_if.write_text("[" * 5000 if edited is None else json.dumps(edited), "utf-8")
    with pytest.raises(ArchiveError, match=re.escape(says)):
        load_archived(tmp_path, what_if.parent.name)
    capsys.readouterr()
    assert main(["archive", "bsu-2022", "--set", "wage_ceiling=4300000", "--into", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert says in err and "internal error" not in err


@pytest.mark.parametrize("kind", ["fifo", "symlink-out", "directory", "manifest-fifo"])
def test_an_entry_file_that_is_not_a_regular_file_inside_the_entry_is_refused_unread(
        tmp_path: Path, archive: Path, kind: str) -> None:
    """A FIFO would block the reader for ever; a symbolic link leading out would make the hash check
    an oracle on any readable file."""
    import os
    import signal

    sha = load_ruleset("bsu-2022").sha256
    entry = tmp_path / "arch" / sha
    shutil.copytree(archive / sha, entry)
    manifest = json.loads((entry / "manifest.json").read_text("utf-8"))
    manifest["files"]["extra"] = "0" * 64
    (entry / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    expected = {"fifo": "names extra, which is not a regular file", "directory": "which is not a regular file",
                "symlink-out": "names extra, which leads outside",
                "manifest-fifo": "manifest.json is not a regular file"}
    if kind == "fifo":
        os.mkfifo(entry / "extra")
    elif kind == "directory":
        (entry / "extra").mkdir()
    elif kind == "symlink-out":
        (entry / "extra").symlink_to(EXAMPLES)
    else:
        (entry / "manifest.json").unlink()
        os.mkfifo(entry / "manifest.json")

    def stop(*_: object) -> None:
        raise AssertionError("reading the archive entry blocked")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(10)
    try:
        with pytest.raises(ArchiveError, match=expected[kind]) as caught:
            load_archived(tmp_path / "arch", sha)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert not isinstance(caught.value, MissingRuleSet)


def test_an_entry_folder_without_its_manifest_is_said_to_be_damaged(tmp_path: Path, archive: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Not a leftover temporary folder's error when archiving, nor "not in the archive" when replaying."""
    arch, log = tmp_path / "arch", tmp_path / "d.jsonl"
    sha = load_ruleset("bsu-2022").sha256
    shutil.copytree(archive / sha, arch / sha)
    (arch / sha / "manifest.json").unlink()
    damaged = f"{arch / sha}: a damaged archive entry: the folder is there but has no manifest.json; move the folder"
    for command in (["archive", "bsu-2022", "--into", str(arch)],
                    ["evaluate", "bsu-2022", str(EXAMPLES), "--archive", str(arch)]):
        assert main(command) == 2
        assert damaged in capsys.readouterr().err
    assert sorted(p.name for p in arch.iterdir()) == [sha]  # no temporary folder left behind
    with pytest.raises(ArchiveError, match="damaged") as caught:
        load_archived(arch, sha)
    assert not isinstance(caught.value, MissingRuleSet)
    write_log(log, "bsu-2022", RECORDS[:1])
    assert damaged in replay(log, arch).items[0].reason


def test_editing_the_rule_file_later_does_not_change_a_replay(tmp_path: Path, archive: Path) -> None:
    rule_file = copy_rules(tmp_path / "rules")
    log = tmp_path / "d.jsonl"
    assert main(["evaluate", str(rule_file), str(EXAMPLES), "--log", str(log), "--full-nik",
        "--archive", str(tmp_path / "a")]) == 0
    rule_file.write_text(rule_file.read_text("utf-8").replace("value: 3500000", "value: 9000000"), "utf-8")
    (tmp_path / "rules" / "tables" / "minimum-wage-2022.csv").unlink()
    report = replay(log, tmp_path / "a")
    assert report.ok and report.counts["identical"] == len(RECORDS), report.summary()


def test_the_glossary_is_part_of_the_rule_set_and_of_its_archive(tmp_path: Path) -> None:
    """Explanations are in the decision: a glossary edited after logging changes the hash, and a
    replay reads the archived glossary, not the edited one."""
    rule_file = copy_rules(tmp_path / "rules")
    shutil.copytree(bundled_rules() / "glossary", tmp_path / "rules" / "glossary")
    glossary = tmp_path / "rules" / "glossary" / "glossary.yaml"
    log = tmp_path / "d.jsonl"
    assert main(["evaluate", str(rule_file), str(EXAMPLES), "--log", str(log), "--full-nik",
        "--archive", str(tmp_path / "a")]) == 0
    before = load_ruleset(rule_file).sha256
    assert (tmp_path / "a" / before / "glossary" / "glossary.yaml").read_bytes() == glossary.read_bytes()
    glossary.write_text(glossary.read_text("utf-8").replace("reported by the employer", "on the employer report"))
    assert load_ruleset(rule_file).sha256 != before
    report = replay(log, tmp_path / "a")
    assert report.ok and report.counts["identical"] == len(RECORDS), report.summary()


def test_an_archive_written_before_the_glossary_was_hashed_replays_identical() -> None:
    """Entries archived before the glossary was part of a rule set's hash keep their name: the
    fixture is a log and archive written then (three example members, bsu-2022)."""
    old = Path(__file__).resolve().parent / "fixtures" / "archive-v1"
    report = replay(old / "decisions.jsonl", old / "archive")
    assert report.ok and report.counts["identical"] == 3, report.summary()
    vouched = replay(old / "decisions.jsonl", old / "archive", members=EXAMPLES)  # found by the hash of their day
    assert vouched.ok and vouched.counts["identical"] == 3, vouched.summary()


def test_a_replay_report_shows_what_a_line_holds_as_data_with_identifiers_masked(
        tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An edited line cannot draw a clean report over the real one with terminal escapes, nor put a NIK
    or an account number whole into the report (text or JSON): the log keeps them, the report masks."""
    log, nik, account = tmp_path / "d.jsonl", "3204125708940003", "418201004566507"
    write_log(log, "bsu-2022", RECORDS[:3])

    def edit(d: dict[str, Any]) -> None:
        d["member"]["nik"] = "\x1b[2K\rstatus identical\x1b[8m" + nik
        d["channel"], d["outcome"] = account, "eligible"
        d["ruleset"]["version"] = "2022.1\x9b8m"
    rewrite(log, edit)
    assert main(["replay", str(log), "--archive", str(archive)]) == 1
    text = capsys.readouterr().out
    assert "\x1b" not in text and "\x9b" not in text and "\r" not in text and "\\x1b[2K" in text
    assert nik not in text and account not in text and "3204********0003" in text
    assert main(["replay", str(log), "--archive", str(archive), "--format", "json"]) == 1
    data = capsys.readouterr().out
    assert nik not in data and account not in data and "different" in data


@pytest.mark.parametrize("where", ["id", "nik", "value", "key", "explain", "channel", "version", "ruleset", "sha256",
                                   "extra key"])
@pytest.mark.parametrize("written", [3204125708940003, 3204125708940003.0, "3204,1257,0894,0003",
                                     "3204:1257:0894:0003", "3204\t1257\t0894\t0003", "3204 - 1257 - 0894 - 0003",
                                     "3204\u00a01257\u00a00894\u00a00003", "3204\u200b1257\u200b0894\u200b0003",
                                     "3\u03012\u03010\u03014\u03011257 0894 0003", "³²⁰⁴¹²⁵⁷⁰⁸⁹⁴⁰⁰⁰³",
                                     "③②⓪④①②⑤⑦⓪⑧⑨④⓪⓪⓪③"])
def test_a_nik_an_edited_line_puts_anywhere_in_any_form_is_not_reported_whole(
        tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str], where: str, written: Any) -> None:
    """A NIK written as a number, grouped by commas, colons, tabs or invisible spaces, or in digits of other
    forms, as a criterion's id, a member's NIK, a traced value or its key, an explanation or the channel:
    neither report shows its digits whole (nor ``verify``'s)."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:2])
    text = written if isinstance(written, str) else str(written)

    def edit(d: dict[str, Any]) -> None:
        rule = d["rules"][1]
        if where == "id":
            rule["id"] = text
        elif where == "nik":
            d["member"]["nik"] = written
        elif where == "value":
            rule["values"]["member.nik"] = written
        elif where == "key":
            rule["values"][text] = 1
        elif where == "explain":
            rule["explain"] = {"en": f"x {text}", "id": "y"}
        elif where in ("version", "sha256"):
            d["ruleset"][where] = text
        elif where == "ruleset":
            d["ruleset"]["id"] = text
        elif where == "extra key":  # named by the invalid decision's first error
            d["benefit"][text] = 1
        else:
            d["channel"] = written
    rewrite(log, edit)
    said = ""
    for argv in (["replay", str(log), "--archive", str(archive)], ["verify", str(log)],
                 ["replay", str(log), "--archive", str(archive), "--format", "json"]):
        main(argv)
        said += capsys.readouterr().out
    digits = "".join(str(unicodedata.digit(c)) for c in said if unicodedata.digit(c, None) is not None)
    assert "3204125708940003" not in digits and ("different" in said or "missing-ruleset" in said)


@pytest.mark.parametrize("seq", [1234567890, 418201004566507, 3204125708940003])
def test_an_account_number_or_a_nik_put_in_seq_is_no_line_s_number(tmp_path: Path, archive: Path, seq: int,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A seq has at most nine digits (a billion decisions): ten or more, an account number's or a NIK's, is no
    line's number, said by its count of digits; it was repeated, and counted from, in the messages."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:3])
    lines = log.read_text("utf-8").splitlines()
    env = json.loads(lines[1])
    env["seq"] = seq
    env["hash"] = entry_hash(env)
    log.write_text("\n".join([lines[0], canonical_json(env), lines[2]]) + "\n", "utf-8")
    said = ""
    for argv in (["verify", str(log)], ["replay", str(log), "--archive", str(archive), "--format", "json"],
                 ["replay", str(log), "--archive", str(archive)]):
        main(argv)
        said += capsys.readouterr().out
    assert f"seq <{len(str(seq))} digits> is not a line's number, 1 to 999,999,999" in said
    assert str(seq) not in said and f"{seq:,}" not in said and str(seq)[:9] not in said


def test_logged_inputs_larger_than_a_member_record_are_refused_before_they_are_walked(tmp_path: Path,
                                                                                    archive: Path) -> None:
    """A line under the log's line limit may still hold inputs no member record can be (1 MiB): it is an
    error at once, not minutes and gigabytes spent validating a forged array."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:2])
    lines = log.read_text("utf-8").splitlines()
    env = json.loads(lines[1])
    env["inputs"]["junk"] = [0] * 600_000
    env["hash"] = hashlib.sha256(canonical_json({k: v for k, v in env.items() if k != "hash"}).encode()).hexdigest()
    log.write_text(lines[0] + "\n" + canonical_json(env) + "\n", "utf-8")
    report = replay(log, archive)
    item = report.items[1]
    assert item.status.value == "error" and "larger than a member record may be (1,048,576 bytes)" in item.reason


def test_replay_reports_exactly_the_changed_criteria(tmp_path: Path, archive: Path) -> None:
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS)
    changed = copy_rules(tmp_path / "changed")
    changed.write_text(changed.read_text("utf-8").replace("value: 3500000", "value: 4300000"), "utf-8")
    modified = load_ruleset(changed)
    archive_ruleset(modified, archive)
    rewrite(log, lambda d: d["ruleset"].update(sha256=modified.sha256))
    report = replay(log, archive)
    assert report.chain.ok and not report.ok
    assert report.counts["different"] == len(RECORDS)
    for item in report.items:
        assert [c.id for c in item.criteria] == ["wage-ceiling"], item
        assert "parameters.wage_ceiling.value" in item.fields
        assert item.fields["parameters.wage_ceiling.value"] == (3500000, 4300000)
    flipped = {i.nik: (i.old_outcome, i.new_outcome) for i in report.items if i.old_outcome != i.new_outcome}
    assert flipped == {mask_nik(RECORDS[4]["nik"]): ("ineligible", "eligible")}  # wage Rp4.200.000
    yusuf = next(i for i in report.items if i.seq == 5)
    change = yusuf.criteria[0]
    assert change.old is not None and change.new is not None
    assert (change.old["outcome"], change.new["outcome"]) == ("fail", "pass")
    assert change.new["values"]["param.wage_ceiling"] == 4300000
    rewrite(log, lambda d: d.update(engine="bsu-rules 0.5.0"))
    assert {i.status for i in replay(log, archive).items} == {Status.ENGINE_DRIFT}
    rewrite(log, lambda d: d.update(engine="bsu-rules 0.0.1"))  # never released: no engine's drift
    assert {i.status for i in replay(log, archive).items} == {Status.DIFFERENT}


def _forge_first_criterion_failed_before_it(d: dict[str, Any]) -> None:
    d["rules"].insert(0, {**d["rules"][0], "outcome": "fail", "explain": {"id": "Bukan WNI", "en": "Not a citizen"}})


def _swap_first_two_criteria(d: dict[str, Any]) -> None:
    d["rules"][0], d["rules"][1] = d["rules"][1], d["rules"][0]


@pytest.mark.parametrize("edit", [_forge_first_criterion_failed_before_it, _swap_first_two_criteria])
def test_a_criterion_listed_twice_or_out_of_order_is_no_identical_decision(tmp_path: Path, archive: Path,
                                                                           edit: Any) -> None:
    """A logged decision whose criteria are not the replay's list (a forged failing copy of one put before it,
    or two swapped), its chain rebuilt, is not the same decision: its JSON and sha256 differ, and a page
    rendered from the log would show the forged criterion. A criterion listed twice also breaks the chain check:
    no decision lists one twice."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:2])
    rewrite(log, edit)
    report = replay(log, archive)
    assert not report.ok
    twice = edit is _forge_first_criterion_failed_before_it
    assert report.chain.ok is not twice
    if twice:
        assert report.chain.problem is not None and report.chain.problem.line == 1
        assert "lists criterion `citizen` twice" in report.chain.problem.message
    assert report.counts["different"] == 2, report.summary()
    assert all("rules" in item.fields for item in report.items)
    old, new = report.items[0].fields["rules"]
    assert new == [r["id"] for r in json.loads(report.items[0].replayed.to_json())["rules"]] != old


def test_engine_version_alone_is_not_a_difference(tmp_path: Path, archive: Path) -> None:
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:4])
    rewrite(log, lambda d: d.update(engine="bsu-rules 0.4.0"))  # a release that decided the same
    assert replay(log, archive).ok
    rewrite(log, lambda d: d.update(engine="bsu-rules 0.0.1"))  # no release: no engine made these lines
    assert {i.status for i in replay(log, archive).items} == {Status.DIFFERENT}


def test_missing_ruleset_never_falls_back_to_todays_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:3])
    (tmp_path / "empty").mkdir()
    report = replay(log, tmp_path / "empty")
    assert [i.status for i in report.items] == [Status.MISSING_RULESET] * 3
    assert main(["replay", str(log), "--archive", str(tmp_path / "empty")]) == 1
    out = capsys.readouterr().out
    assert "missing-ruleset" in out and "is not in the archive" in out


def test_pseudonymised_log_replays_from_a_member_snapshot(tmp_path: Path, archive: Path) -> None:
    log = tmp_path / "p.jsonl"
    write_log(log, "bsu-2022", RECORDS, key=KEY)
    without = replay(log, archive)
    assert {i.status for i in without.items} == {Status.MISSING_INPUT}
    assert "pseudonymised" in without.items[0].reason
    keyless = replay(log, archive, members=EXAMPLES)  # the input hashes are keyed: no record matches without it
    assert {i.status for i in keyless.items} == {Status.MISSING_INPUT}
    assert "only with the key the log was written with" in keyless.items[0].reason
    assert keyless.notes == [f"16 pseudonymised decisions found no snapshot record: such a log's decisions carry the "
                             f"keyed hash of their record; give the key it was written with, fingerprint "
                             f"{key_id(KEY)} (--key-file or $BSU_RULES_PSEUDONYM_KEY)"]
    wrong = replay(log, archive, members=EXAMPLES, key="another")  # a stale key is named, as --nik names it
    assert wrong.notes == [f"16 pseudonymised decisions found no snapshot record: they were written with the key of "
                           f"fingerprint {key_id(KEY)}, and the key given is {key_id('another')}; give the key they "
                           "were written with"]
    report = replay(log, archive, members=EXAMPLES, key=KEY)
    assert report.ok and {i.source for i in report.items} == {"snapshot"}
    one = replay(log, archive, members=EXAMPLES, nik=RECORDS[4]["nik"], key=KEY)
    assert [i.seq for i in one.items] == [5]
    with pytest.raises(ValueError, match="key"):
        replay(log, archive, nik=RECORDS[4]["nik"])
    with pytest.raises(ValueError, match=f"not the one the log was written with: its fingerprint is "
                                         f"{key_id('another')}, the log's {key_id(KEY)}"):
        replay(log, archive, members=EXAMPLES, nik=RECORDS[4]["nik"], key="another")
    assert replay(log, archive, members=EXAMPLES, nik="3204125708940099", key=KEY).items == []  # the right key


def test_a_bad_snapshot_record_is_left_out_and_said(tmp_path: Path, archive: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    log, snapshot = tmp_path / "p.jsonl", tmp_path / "snap.jsonl"
    write_log(log, "bsu-2022", RECORDS, key=KEY)
    bad = '{"nik": "3204073012830099", "citizenship": null, "participant_category": "PU"}'
    snapshot.write_text(EXAMPLES.read_text("utf-8") + bad + "\nnot json\n", "utf-8")
    report = replay(log, archive, members=snapshot, key=KEY)
    assert report.ok and report.counts["identical"] == len(RECORDS)
    lines = [f"{snapshot}:{len(RECORDS) + 1}", f"{snapshot}:{len(RECORDS) + 2}"]
    assert [n.split(": ")[0] for n in report.notes] == lines
    monkeypatch.setenv("BSU_RULES_PSEUDONYM_KEY", KEY)
    assert main(["replay", str(log), "--archive", str(archive), "--members", str(snapshot)]) == 0
    err = capsys.readouterr().err
    assert f"warning: {snapshot}:{len(RECORDS) + 2}: (record): not valid JSON" in err and "citizenship" in err


def test_a_decision_whose_input_hash_no_snapshot_record_has_is_named(tmp_path: Path, archive: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The replayed decision takes its input hash from the logged one (the log does not hold the whole
    record): with a snapshot, a line it cannot vouch for is named, not passed over in silence."""
    log, snapshot = tmp_path / "p.jsonl", tmp_path / "snap.jsonl"
    write_log(log, "bsu-2022", RECORDS)
    snapshot.write_text("".join(json.dumps(r) + "\n" for r in RECORDS[1:]), "utf-8")
    assert main(["replay", str(log), "--archive", str(archive), "--members", str(snapshot)]) == 1  # unvouched
    err = capsys.readouterr().err
    assert "1 decision has an input sha256 that no record of the snapshot has (line 1)" in err
    assert main(["replay", str(log), "--archive", str(archive), "--members", str(EXAMPLES)]) == 0
    assert "no record of the snapshot" not in capsys.readouterr().err


def test_with_a_snapshot_a_decision_no_record_vouches_for_is_unvouched_not_identical(
        tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Audit finding M2: line 5 forged eligible (its logged wages lowered, decided on them, the chain intact)
    replayed identical from its logged inputs, ok and exit 0, although the auditor gave the snapshot that
    holds the member's real record, whose hash is not the line's. With a snapshot it is `unvouched`:
    counted, said with its reason, not ok, exit 1; without one the logged inputs are all there is."""
    forged = json.loads(json.dumps(RECORDS[4]))
    for wage in forged["wages"]:
        wage["amount"] = 3_400_000
    log = tmp_path / "forged.jsonl"
    write_log(log, "bsu-2022", [*RECORDS[:4], forged, *RECORDS[5:]])
    assert verify_log(log).ok
    assert json.loads(log.read_text("utf-8").splitlines()[4])["decision"]["outcome"] == "eligible"
    report = replay(log, archive, members=EXAMPLES)
    assert [i.status for i in report.items] == [Status.IDENTICAL] * 4 + [Status.UNVOUCHED] + [Status.IDENTICAL] * 11
    assert not report.ok and report.counts["unvouched"] == 1 and report.counts["identical"] == 15
    said = "no record of the snapshot has the decision's input sha256"
    assert said in report.items[4].reason and report.items[4].source == "log"
    args = ["replay", str(log), "--archive", str(archive), "--members", str(EXAMPLES)]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "line 5 (seq 5) 3204********0004, bsu-2022" in out and ": unvouched\n  " + said in out
    assert re.search(r"^unvouched +1$", out, re.M) and re.search(r"^identical +15$", out, re.M)
    assert main([*args, "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["summary"]["unvouched"] == 1 and data["summary"]["identical"] == 15
    (item,) = [d for d in data["decisions"] if d["status"] == "unvouched"]
    assert item["line"] == 5 and said in item["reason"] and item["source"] == "log"
    assert main(["replay", str(log), "--archive", str(archive)]) == 0  # no snapshot: as before
    assert re.search(r"^identical +16$", capsys.readouterr().out, re.M)
    assert replay(log, archive).ok


@pytest.mark.parametrize(("name", "kind"), [("snap.parquet", "Parquet"), ("snap.csv", "CSV"), ("snap", "Parquet")])
def test_a_parquet_or_csv_snapshot_is_refused_as_evaluate_refuses_it(tmp_path: Path, archive: Path, name: str,
                                                                     kind: str, capsys: pytest.CaptureFixture[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    log, snapshot = tmp_path / "p.jsonl", tmp_path / name
    write_log(log, "bsu-2022", RECORDS, key=KEY)
    snapshot.write_bytes(b"PAR1\x15\x04\x15\x80\x01\n\xff\xfe binary\n" if kind == "Parquet" else b"nik,kpj\n1,2\n")
    monkeypatch.setenv("BSU_RULES_PSEUDONYM_KEY", KEY)
    assert main(["replay", str(log), "--archive", str(archive), "--members", str(snapshot)]) == 2
    err = capsys.readouterr().err
    assert main(["evaluate", "bsu-2022", str(snapshot)]) == 2
    assert err.splitlines() == [f"bsu-rules: {snapshot}: a {kind} file: this command reads JSON (one record or a "
                                "list) or JSON lines; bsu-rules batch reads Parquet and CSV"]
    assert err.splitlines()[0] in capsys.readouterr().err
    with pytest.raises(InputError) as raised:  # the Python API reads snapshots as the command line does
        replay(log, archive, members=snapshot)
    assert f"bsu-rules: {raised.value}" == err.splitlines()[0]


def test_a_nik_asked_of_a_log_written_with_two_keys_says_what_it_cannot_see(tmp_path: Path, archive: Path) -> None:
    log, later = tmp_path / "p.jsonl", tmp_path / "later.jsonl"
    write_log(log, "bsu-2022", RECORDS[:3], key=KEY)
    write_log(later, "bsu-2022", RECORDS[:3], key="another-key-16-b", on=date(2022, 10, 1))
    with log.open("a", encoding="utf-8") as f:  # a log continued under another key (a writer now refuses to)
        f.write(later.read_text("utf-8"))
    rewrite(log, lambda decision: None)
    report = replay(log, archive, members=EXAMPLES, nik=RECORDS[1]["nik"], key=KEY)
    assert [i.seq for i in report.items] == [2]
    assert report.notes and key_id("another-key-16-b") in report.notes[0]


def test_replay_with_the_wrong_key_says_so(tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "p.jsonl"
    write_log(log, "bsu-2022", RECORDS, key=KEY)
    monkeypatch.setenv("BSU_RULES_PSEUDONYM_KEY", "another")
    assert main(["replay", str(log), "--archive", str(archive), "--members", str(EXAMPLES),
                 "--nik", RECORDS[4]["nik"]]) == 2
    err = capsys.readouterr().err
    assert "the key given is not the one the log was written with" in err and key_id(KEY) in err


def test_replay_cli(tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS)
    assert main(["replay", str(log), "--archive", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "identical               16" in out and "chain: 16 decisions, chain intact" in out
    assert main(["replay", str(log), "--archive", str(archive), "--seq", "4", "--explain", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"NIK {mask_nik(RECORDS[3]['nik'])}" in out and "NOT ELIGIBLE to receive BSU" in out
    assert "[wage-ceiling]" in out  # replay explains for auditors
    lines = log.read_text("utf-8").splitlines(keepends=True)
    log.write_text("".join(lines[:3] + lines[4:]), "utf-8")
    assert main(["replay", str(log), "--archive", str(archive), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["chain"].startswith("line 4: removed") and data["summary"]["identical"] == 15
    log.write_text("".join(lines[:3]) + lines[3][:-40], "utf-8")  # cut in the middle of a line
    assert main(["replay", str(log), "--archive", str(archive)]) == 1
    out = capsys.readouterr().out
    assert "line 4: error: a damaged line, not a decision\n  the last line has no newline" in out
    assert "None" not in out


@pytest.mark.parametrize("number", ["12345678", "1-2", "ABCD1234EFGH"])
def test_a_short_account_number_masked_to_stars_in_the_log_replays(tmp_path: Path, archive: Path,
                                                                   number: str) -> None:
    """The log masks an account number of eight characters or fewer (or one whose digits are all in its
    middle) to stars only: the masked record still reads as one with an account, and replays identical."""
    records = [RECORDS[0] | {"bank_account": RECORDS[0]["bank_account"] | {"number": number}}]
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", records)
    assert not any(c.isdigit() for c in json.loads(log.read_text("utf-8"))["inputs"]["bank_account"]["number"])
    report = replay(log, archive)
    assert report.ok and report.counts["identical"] == 1, report.summary()


@pytest.mark.parametrize("edition", ["bsu-2020", "bsu-2022"])
def test_a_full_nik_log_keeps_no_account_number_typed_elsewhere(tmp_path: Path, edition: str) -> None:
    """A log keeping full NIKs keeps an account number or a NIK typed in the bank's name, or written as the
    KPJ, masked as the decision shows it; and replays identical."""
    typed = [("Bank BRI no. rek 0123-01-000123-45-6", "22041870213"), ("BCA 418201004566507", "418201004566507"),
             ("3374050311890007", "3374050311890007")]
    records = [RECORDS[0] | {"kpj": kpj, "bank_account": RECORDS[0]["bank_account"] | {"bank": bank}}
               for bank, kpj in typed]
    log, archive = tmp_path / "d.jsonl", tmp_path / "a"
    on = "2020-09-01" if edition == "bsu-2020" else "2022-09-05"
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    assert main(["evaluate", edition, str(tmp_path / "in.jsonl"), "--on", on, "--log", str(log), "--full-nik",
                 "--archive", str(archive)]) == 0
    text = log.read_text("utf-8")
    assert RECORDS[0]["nik"] in text  # asked for
    for bank, kpj in typed:
        assert bank not in text and (len(kpj) < 12 or kpj not in text)
    assert '"kpj":"22041870213"' in text or edition == "bsu-2022"  # a KPJ's own 11 digits: kept
    report = replay(log, archive)
    assert report.ok and report.counts["identical"] == len(records), report.summary()


def test_a_log_written_ignoring_unknown_fields_replays_from_its_own_input(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`evaluate --ignore-unknown` decided the records without their unknown fields: `replay --ignore-unknown`
    reads the same input so, and finds every member; without it replay says to give it."""
    given = tmp_path / "in.jsonl"
    given.write_text("".join(json.dumps(r | {"extra_field": "x"}) + "\n" for r in RECORDS), "utf-8")
    log, archive, key = tmp_path / "d.jsonl", tmp_path / "a", tmp_path / "k"
    key.write_text(KEY, "utf-8")
    assert main(["evaluate", "bsu-2022", str(given), "--ignore-unknown", "--log", str(log), "--key-file", str(key),
                 "--archive", str(archive)]) == 0
    capsys.readouterr()
    assert main(["replay", str(log), "--archive", str(archive), "--members", str(given)]) == 1
    assert f"give the key it was written with, fingerprint {key_id(KEY)} (--key-file" in capsys.readouterr().err
    assert main(["replay", str(log), "--archive", str(archive), "--members", str(given), "--key-file", str(key)]) == 1
    assert "replay with --ignore-unknown" in capsys.readouterr().err
    report = replay(log, archive, given, key=KEY, ignore_unknown=True)
    assert report.ok and report.counts["identical"] == len(RECORDS), report.summary()
    plain = tmp_path / "plain.jsonl"  # most records have no unknown field: read by the fast reader, not re-read
    plain.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), "utf-8")
    assert main(["evaluate", "bsu-2022", str(plain), "--ignore-unknown", "--log", str(log), "--key-file", str(key),
                 "--archive", str(archive)]) == 0
    capsys.readouterr()
    assert main(["replay", str(log), "--archive", str(archive), "--members", str(plain), "--key-file", str(key),
                 "--ignore-unknown"]) == 0
    assert "expected an object" not in capsys.readouterr().err


def test_the_replay_summary_counts_the_what_if_decisions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What-if decisions logged beside the programme's are counted apart, per status and per overrides."""
    log, archive, n = tmp_path / "d.jsonl", tmp_path / "a", len(RECORDS)
    for sets in ([], ["--set", "wage_ceiling=4300000"]):
        assert main(["evaluate", "bsu-2022", str(EXAMPLES), *sets, "--log", str(log), "--full-nik",
                     "--archive", str(archive)]) == 0
    capsys.readouterr()
    assert main(["replay", str(log), "--archive", str(archive)]) == 0
    out = capsys.readouterr().out
    assert f"{'identical':<16} {2 * n:>9}  ({n} of them what-if: --set wage_ceiling=4300000)\n" in out
    assert f"{'total':<16} {2 * n:>9}  ({n} of them what-if: --set wage_ceiling=4300000)\n" in out
    assert "different                0\n" in out and out.endswith(f"chain: {2 * n} decisions, chain intact\n")
    assert main(["replay", str(log), "--archive", str(archive), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["identical"] == 2 * n and data["what_if"] == {"identical": {"--set wage_ceiling=4300000": n}}
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--set", "benefit.amount=700000", "--log", str(log),
                 "--full-nik", "--archive", str(archive)]) == 0
    report = replay(log, archive)
    assert report.what_if == {"identical": {"--set benefit.amount=700000": n, "--set wage_ceiling=4300000": n}}
    assert f"({2 * n} of them what-if: {n} with --set benefit.amount=700000; {n} with --set wage_ceiling=4300000)" \
        in report.summary()


def test_a_what_if_whose_own_entry_is_missing_is_counted_as_what_if_from_what_it_says(tmp_path: Path) -> None:
    """Its decision says it is a simulation (`ruleset.what_if`): a lost entry never makes it read as one of
    the programme's decisions whose rules were lost; a hash with a line end after it is no hash."""
    log, archive, n = tmp_path / "d.jsonl", tmp_path / "a", len(RECORDS)
    for sets in ([], ["--set", "wage_ceiling=4300000"]):
        assert main(["evaluate", "bsu-2022", str(EXAMPLES), *sets, "--log", str(log), "--full-nik",
                     "--archive", str(archive)]) == 0
    reform = reform_of(load_ruleset("bsu-2022"), ["wage_ceiling=4300000"], [])
    shutil.rmtree(archive / reform.sha256)
    report = replay(log, archive)
    assert report.counts["missing-ruleset"] == n and report.what_if == {
        "missing-ruleset": {"--set wage_ceiling=4300000": n}}, report.summary()
    assert f"({n} of them what-if: --set wage_ceiling=4300000)" in report.summary()
    base = load_ruleset("bsu-2022").sha256
    with pytest.raises(ArchiveError, match="not a rule set hash"):
        load_archived(archive, base + "\n")


@pytest.mark.parametrize("keyed", [False, True])
def test_a_line_whose_inputs_are_not_its_snapshot_record_is_named(tmp_path: Path, keyed: bool) -> None:
    """A forger who rebuilds the chain may put another NIK (the same mask, other hidden digits) or another key's
    fingerprint in a line: the snapshot record its input hash names shows it, and the line is not identical."""
    log, archive, members = tmp_path / "d.jsonl", tmp_path / "a", tmp_path / "m.jsonl"
    members.write_text("".join(json.dumps(r) + "\n" for r in RECORDS[:3]), "utf-8")
    key = tmp_path / "k.txt"
    key.write_text(KEY, "utf-8")
    who = ["--key-file", str(key)] if keyed else ["--full-nik"]
    assert main(["evaluate", "bsu-2022", str(members), "--log", str(log), *who, "--archive", str(archive)]) == 0
    lines = [json.loads(x) for x in log.read_text("utf-8").splitlines()]
    nik = RECORDS[1]["nik"]
    other = nik[:4] + ("99" if nik[4:6] != "99" else "98") + nik[6:]  # the same mask: 3204********0004
    lines[1]["inputs"]["nik"] = pseudonym(other, KEY) if keyed else other
    if keyed:
        lines[2]["pseudonym_key"] = key_id("another key")
    prev, out = "0" * 64, []
    for env in lines:
        env["prev"] = prev
        env["hash"] = prev = entry_hash(env)
        out.append(canonical_json(env) + "\n")
    log.write_text("".join(out), "utf-8")
    report = replay(log, archive, members, key=KEY if keyed else None)
    assert [i.status for i in report.items] == [Status.IDENTICAL, Status.ERROR, Status.ERROR if keyed else
                                                Status.IDENTICAL], report.summary()
    assert "another NIK than the snapshot's record" in report.items[1].reason and other not in report.items[1].reason
    if keyed:
        assert f"pseudonymised with key {key_id('another key')}, but its input hash is keyed with the key given" \
            in report.items[2].reason


def test_a_key_fingerprint_with_a_long_run_of_digits_is_named_whole(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The auditor fetches the key by its fingerprint: one with ten digits in a row is not masked as a NIK."""
    secret = next(k for k in (f"a-test-key-of-some-length-{i}" for i in range(10_000))
                  if re.search(r"[0-9]{10}", key_id(k)))
    key, log, archive = tmp_path / "k.txt", tmp_path / "d.jsonl", tmp_path / "a"
    key.write_text(secret, "utf-8")
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(log), "--key-file", str(key),
                 "--archive", str(archive)]) == 0
    capsys.readouterr()
    report = replay(log, archive)
    assert all(f"(key {key_id(secret)})" in i.reason for i in report.items), report.items[0].reason


def test_a_what_if_decision_says_so_itself_and_one_logged_before_it_did_replays_identical(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A consumer of the output or of the log tells a simulation from the programme's decision without the
    archive; the programme's decisions hold no `what_if`; a what-if logged without it replays as before."""
    log, archive = tmp_path / "d.jsonl", tmp_path / "a"
    member = tmp_path / "m.jsonl"
    member.write_text(EXAMPLES.read_text("utf-8").splitlines()[4] + "\n", "utf-8")
    for sets in ([], ["--set", "wage_ceiling=4300000"]):
        assert main(["evaluate", "bsu-2022", str(member), *sets, "--log", str(log), "--full-nik",
                     "--archive", str(archive)]) == 0
    printed = [json.loads(line)["ruleset"] for line in capsys.readouterr().out.splitlines()]
    assert "what_if" not in printed[0] and printed[1]["what_if"] == "--set wage_ceiling=4300000"
    assert [e["decision"]["ruleset"].get("what_if") for e in map(json.loads, log.read_text("utf-8").splitlines())] \
        == [None, "--set wage_ceiling=4300000"]
    rewrite(log, lambda d: d["ruleset"].pop("what_if", None) and d.update(engine="bsu-rules 0.1.0"))  # as it logged
    report = replay(log, archive)
    assert report.ok and report.counts["identical"] == 2, report.summary()
    assert "\n1 identical line names bsu-rules 0.1.0 and was not compared on ruleset.what_if (" in report.summary()


def _without(field: str) -> Any:
    def edit(d: dict[str, Any]) -> None:
        (d["ruleset"] if field == "ruleset.what_if" else d).pop(field.removeprefix("ruleset."), None)
    return edit


@pytest.mark.parametrize("field", ["channel_values", "ruleset.what_if"])
def test_a_later_field_removed_is_overlooked_only_in_a_line_of_an_engine_before_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str) -> None:
    """`channel_values` and a what-if's `ruleset.what_if` came while the engine said 0.1.0; every engine since
    0.2.0 writes them. A line of 0.1.0 without one replays identical (its engine may not have written it); a line
    of any other engine without one (a later one, or a version never released: 0.0.9), its chain rebuilt, was
    edited: it is `different`, and the report names the field. A line of 0.2.0 to 0.5.0 without one was
    `engine-drift`, as if those engines had not written it."""
    log, archive = tmp_path / "d.jsonl", tmp_path / "a"
    member = tmp_path / "m.jsonl"
    member.write_text(EXAMPLES.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    sets = ["--set", "wage_ceiling=4300000"] if field == "ruleset.what_if" else []
    assert main(["evaluate", "bsu-2022", str(member), *sets, "--log", str(log), "--full-nik",
                 "--archive", str(archive)]) == 0
    capsys.readouterr()
    logged = json.loads(log.read_text("utf-8"))["decision"]
    assert field.removeprefix("ruleset.") in (logged["ruleset"] if "." in field else logged)
    pristine = log.read_text("utf-8")
    for engine, status in ((None, Status.DIFFERENT), ("bsu-rules 0.2.0", Status.DIFFERENT),
                           ("bsu-rules 0.3.0", Status.DIFFERENT), ("bsu-rules 0.5.0", Status.DIFFERENT),
                           ("bsu-rules 0.1.0", Status.IDENTICAL), ("bsu-rules 0.0.9", Status.DIFFERENT),
                           ("bsu-rules 0.1.0 ", Status.DIFFERENT), ("bsu-rules 0.01.0", Status.DIFFERENT),
                           ("another engine", Status.DIFFERENT)):
        log.write_text(pristine, "utf-8")
        rewrite(log, lambda d, engine=engine: _without(field)(d) or d.update(engine=engine or d["engine"]))
        report = replay(log, archive)
        assert report.chain.ok and [i.status for i in report.items] == [status], (engine, report.summary())
        unknown = engine not in (None, *(f"bsu-rules 0.{n}.0" for n in (1, 2, 3, 5)))  # no release: named too
        if status is not Status.IDENTICAL:
            assert list(report.items[0].fields) == ["engine"] * unknown + [field]
            assert report.items[0].fields[field][0] is None
            if not unknown:  # why it is no engine's drift
                assert f"which wrote {field} (every release after bsu-rules 0.1.0 did)" in report.items[0].reason
        else:  # what it could not check, said
            assert f"which did not always write {field}: not compared" in report.items[0].reason
    log.write_text(pristine, "utf-8")
    rewrite(log, _without(field))
    assert main(["replay", str(log), "--archive", str(archive)]) == 1
    out = capsys.readouterr().out
    assert f": different\n  the line names engine {ENGINE}, which wrote {field} " in out
    assert f"\n  {field}: null -> " in out


def test_the_summary_counts_the_identical_lines_of_the_first_engine_not_compared_on_a_later_field(
        tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A line of a later engine, edited to name 0.1.0 and without `channel_values`, its chain rebuilt, replays
    identical as an honest 0.1.0 line does; only `--all` or the JSON said what was not compared: the summary counts
    such lines (an ineligible one has no `channel_values` to leave out, and is not counted)."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:2] + RECORDS[4:5])  # two eligible, one ineligible (Rp4.200.000)
    assert main(["replay", str(log), "--archive", str(archive)]) == 0
    assert "not compared" not in capsys.readouterr().out
    rewrite(log, lambda d: d.update(engine="bsu-rules 0.1.0") or d.pop("channel_values", None))
    assert main(["replay", str(log), "--archive", str(archive)]) == 0
    out = capsys.readouterr().out
    said = "2 identical lines name bsu-rules 0.1.0 and were not compared on channel_values (--all shows them)"
    assert re.search(r"^identical +3$", out, re.M) and f"\n{said}\nchain: 3 decisions, chain intact" in out, out
    assert said in replay(log, archive).summary()
    assert main(["replay", str(log), "--archive", str(archive), "--seq", "2"]) == 0
    assert "1 identical line names bsu-rules 0.1.0 and was not compared on channel_values (" in capsys.readouterr().out


@pytest.mark.parametrize("edit", ["top", "benefit", "member", "criterion", "values", "channel_values", "parameter"])
def test_a_field_added_to_a_decision_is_a_difference_even_null(tmp_path: Path, archive: Path, edit: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A key no engine writes, added to a logged decision with a null value and its chain rebuilt, replayed
    `identical` without a word (a missing key and a null one were read alike): it is `different`, naming it."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:1])
    path = {"top": "approved_override", "benefit": "benefit.approved", "member": "member.note",
            "channel_values": "channel_values.member.note", "parameter": "parameters.wage_ceiling.note"}.get(edit)

    def add(d: dict[str, Any]) -> None:
        if edit in ("criterion", "values"):
            rule = d["rules"][0]
            (rule if edit == "criterion" else rule["values"])["approved"] = None
        else:
            assert path is not None
            *parents, key = path.split(".", 1 if edit == "channel_values" else -1)
            for part in parents:
                d = d[part]
            d[key] = None

    rewrite(log, add)
    (item,) = replay(log, archive).items
    assert item.status is Status.DIFFERENT, item
    if path is not None:
        assert item.fields == {path: (None, None)} and not item.criteria, item
    else:
        assert not item.fields and len(item.criteria) == 1
        assert item.criteria[0].changed == ("approved" if edit == "criterion" else "values",)
    assert main(["replay", str(log), "--archive", str(archive)]) == 1
    shown = path if path is not None else "approved"
    assert re.search(rf"^ +{re.escape(shown)}: null -> absent$", capsys.readouterr().out, re.M)
    rewrite(log, lambda d: d.update(engine="bsu-rules 0.1.0"))  # nor under the first engine's name
    assert replay(log, archive).items[0].status is Status.ENGINE_DRIFT


def test_a_long_logged_engine_is_shown_cut(tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The engine a line names is shown as other logged texts are, cut to 40 characters: an edited line's
    100 000-character engine was printed whole."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:1])
    rewrite(log, lambda d: d.update(engine="bsu-rules 0.1." + "0" * 100_000, outcome="withdrawn"))  # none released
    assert main(["replay", str(log), "--archive", str(archive)]) == 1
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if line.startswith("  engine: ")]
    engine = clipped(mask_logged("bsu-rules 0.1." + "0" * 100_000))  # digits of ten or more masked, as logged
    assert line == f'  engine: "{engine}" -> "{ENGINE}"' and len(engine) == 41 and len(out) < 2000, line[:200]


_PAID = {"amount": 600000, "instalments": [600000], "monthly": None, "months": None}


@pytest.mark.parametrize("engine", ["bsu-rules 9.9.9", "bsu-rules 0.0.9", "", "hand-made", "bsu-rules 0.6"])
def test_a_line_whose_engine_no_release_is_never_replays_identical(tmp_path: Path, archive: Path, engine: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A line whose `engine` was edited to one no release of bsu-rules is (a later one, one never released, none),
    its chain rebuilt, replayed `identical` (the engine is left out of the comparison), and with its outcome edited
    too, `engine-drift`, as if an engine had changed. No engine made it: it is `different`, naming `engine` and
    saying why, whatever else differs; the chain is intact all the same (the forger rebuilt it)."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:5])
    fifth = mask_nik(RECORDS[4]["nik"])  # Rp4.200.000: ineligible
    rewrite(log, lambda d: d.update(engine=engine) if d["member"]["nik"] == fifth else None)
    report = replay(log, archive)
    (edited,) = [i for i in report.items if i.status is not Status.IDENTICAL]
    assert report.chain.ok and edited.seq == 5 and edited.status is Status.DIFFERENT
    assert edited.fields == {"engine": (engine, ENGINE)} and "no release" in edited.reason
    rewrite(log, lambda d: d.update(outcome="eligible", benefit=_PAID) if d["engine"] == engine else None)
    (edited,) = replay(log, archive).differences
    assert edited.status is Status.DIFFERENT and list(edited.fields) == ["engine", "benefit", "outcome"]
    assert main(["replay", str(log), "--archive", str(archive)]) == 1
    out = capsys.readouterr().out
    assert f'line 5 (seq 5) {mask_nik(RECORDS[4]["nik"])}, ' in out and f'  engine: "{engine}" -> "{ENGINE}"' in out
    assert re.search(r"^engine-drift +0$", out, re.M) and re.search(r"^identical +4$", out, re.M)


def test_an_edited_decision_under_an_earlier_engine_s_name_says_replay_cannot_tell_it_from_drift(
        tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A decision edited and its engine named as an earlier release's, its chain rebuilt, is `engine-drift`, as a
    decision that engine made and this one makes otherwise is: replay cannot tell the two apart, and now says so
    (and where it can be told) rather than leave the auditor to read the difference as the engine's."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:5])
    rewrite(log, lambda d: d.update(outcome="eligible", benefit=_PAID, engine="bsu-rules 0.5.0")
            if d["member"]["nik"] == mask_nik(RECORDS[4]["nik"]) else None)
    (edited,) = replay(log, archive).differences
    assert edited.status is Status.ENGINE_DRIFT and list(edited.fields) == ["benefit", "outcome"]
    assert "or an edit of the line" in edited.reason and "verify --public-key" in edited.reason
    assert main(["replay", str(log), "--archive", str(archive)]) == 1
    out = capsys.readouterr().out
    assert "engine-drift\n  the line names an earlier engine than this one: the difference may be" in out
    assert "  engine: bsu-rules 0.5.0 -> current" in out


def test_every_release_the_changelog_names_is_an_engine_replay_knows() -> None:
    """``RELEASED`` is the CHANGELOG's versions: a release left out would make its honest lines `different`."""
    from bsu_rules.audit.comparison import RELEASED

    changelog = (Path(__file__).resolve().parents[1] / "CHANGELOG.md").read_text("utf-8")
    assert set(RELEASED) == {f"bsu-rules {v}" for v in re.findall(r"^## (\d+\.\d+\.\d+)", changelog, re.M)}
    assert ENGINE in RELEASED or "## Unreleased" in changelog


def test_replay_explain_in_json_gives_each_page_and_a_changed_line_s_page_says_it_is_the_replay_s(
        tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Audit findings L2 and L3: `replay --explain --format json` dropped the explanation without a word, and the
    page of a line that does not replay identical (the log says eligible, the rules ineligible) did not say that it
    is the decision as replayed, not the one the log recorded."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS)
    lines = log.read_text("utf-8").splitlines(keepends=True)
    assert '"outcome":"ineligible"' in lines[4]
    log.write_text("".join([*lines[:4], lines[4].replace('"outcome":"ineligible"', '"outcome":"eligible"', 1),
                            *lines[5:]]), "utf-8")
    args = ["replay", str(log), "--archive", str(archive), "--seq", "4", "--seq", "5", "--explain", "--lang", "en"]
    assert main([*args, "--format", "json"]) == 1
    items = {d["seq"]: d for d in json.loads(capsys.readouterr().out)["decisions"]}
    assert items[4]["status"] == "identical" and items[5]["status"] == "different"
    for item in items.values():
        assert item["explanation"].startswith("Wage Subsidy (BSU) 2022 · Participant with NIK") and \
            "NOT ELIGIBLE to receive BSU" in item["explanation"]
    assert main(["replay", str(log), "--archive", str(archive), "--seq", "5", "--format", "json"]) == 1
    assert "explanation" not in json.loads(capsys.readouterr().out)["decisions"][0]  # not asked for
    assert main(args) == 1
    out = capsys.readouterr().out
    heading = ('The page below is the decision as replayed (different), not as logged: the log recorded outcome '
               '"eligible", the replay gives "ineligible"\n'
               'Wage Subsidy (BSU) 2022 · Participant with NIK 3204********0004\n')
    assert heading in out and out.count("The page below is the decision as replayed") == 1  # line 4 is identical
    assert out.count("Wage Subsidy (BSU) 2022 · Participant with NIK") == 2


def test_a_missing_rule_set_is_said_once_with_the_lines_it_leaves(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Audit finding L5: the same missing-ruleset reason was printed for every line (a million times for a
    production log): it is said once per rule set and reason, with the lines (runs of them, then a count)."""
    log, empty = tmp_path / "d.jsonl", tmp_path / "empty"
    empty.mkdir()
    write_log(log, "bsu-2022", RECORDS)
    sha = load_ruleset("bsu-2022").sha256
    assert main(["replay", str(log), "--archive", str(empty)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"lines 1-16 (16 decisions), bsu-2022 2022.9 [{sha[:12]}]: missing-ruleset\n"
                          f"  rule set {sha} is not in the archive {empty}\n\nstatus"), out
    assert out.count("is not in the archive") == 1 and re.search(r"^missing-ruleset +16$", out, re.M)
    assert main(["replay", str(log), "--archive", str(empty), *(f"--seq={n}" for n in (2, 3, 5, 9, 10, 11))]) == 1
    assert capsys.readouterr().out.startswith("lines 2-3, 5, 9-11 (6 decisions), bsu-2022")
    assert main(["replay", str(log), "--archive", str(empty), "--seq", "7"]) == 1  # one line: as any other
    assert capsys.readouterr().out.startswith("line 7 (seq 7) ")
    assert main(["replay", str(log), "--archive", str(empty), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)["decisions"]
    assert [d["line"] for d in data] == list(range(1, 17)) and all(d["status"] == "missing-ruleset" for d in data)


def test_a_what_if_whose_base_is_not_archived_is_still_named_what_if(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    log, archive, n = tmp_path / "d.jsonl", tmp_path / "a", len(RECORDS)
    table = tmp_path / "raise.csv"
    table.write_bytes((bundled_rules() / "tables" / "minimum-wage-2022.csv").read_bytes())
    sets = ["--set", "wage_ceiling=4300000", "--set", 'state_banks=["BRI"]', "--set", "as_of=2022-07-31",
            "--table", f"minimum_wage={table}"]
    for options in ([], sets):
        assert main(["evaluate", "bsu-2022", str(EXAMPLES), *options, "--log", str(log), "--full-nik",
                     "--archive", str(archive)]) == 0
    whole = replay(log, archive)
    named = {i.what_if for i in whole.items} - {""}
    base = next(p for p in archive.iterdir() if "base" not in (p / "manifest.json").read_text("utf-8"))
    shutil.rmtree(base)
    report = replay(log, archive)
    assert {i.what_if for i in report.items} - {""} == named and len(named) == 1
    assert report.what_if == {"missing-ruleset": {next(iter(named)): n}}
    told = next(i.reason for i in report.items if i.what_if)
    assert told.endswith(f"is a what-if made from rule set {base.name}, which is not in the archive {archive}: "
                         f"copy that entry too, or archive the base rule set (bsu-rules archive RULESET --into "
                         f"{archive})")
    capsys.readouterr()
    assert main(["replay", str(log), "--archive", str(archive)]) == 1
    out = capsys.readouterr().out
    assert re.search(rf"^lines {n + 1}-{2 * n} \({n} decisions\), bsu-2022 2022\.9 \[[0-9a-f]{{12}}\] what-if "
                     rf"{re.escape(next(iter(named)))}: missing-ruleset$", out, re.M), out


def test_a_what_if_line_is_explained_as_the_auditing_guide_says(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """docs/auditing.md §7: a what-if entry has no rule file; its base's, with the manifest's overrides, decides it."""
    guide = (Path(__file__).resolve().parents[1] / "docs" / "auditing.md").read_text("utf-8")
    explain = guide.split("## 7. Explain one decision")[1].split("\n## 8.")[0]
    assert "A what-if line" in explain and "--seq 17 --explain" in explain
    log, archive = tmp_path / "d.jsonl", tmp_path / "a"
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--set", "wage_ceiling=4300000", "--set", "as_of=2022-07-31",
                 "--log", str(log), "--full-nik", "--archive", str(archive)]) == 0
    what_if = next(p for p in archive.iterdir() if "base" in (p / "manifest.json").read_text("utf-8"))
    manifest = json.loads((what_if / "manifest.json").read_text("utf-8"))
    assert not (what_if / "bsu-2022.yaml").exists()
    options = [f"--set={o['set']}{'@' + o['since'] if o['since'] else ''}={o['value']}" for o in manifest["overrides"]]
    again = tmp_path / "b"
    assert main(["archive", str(archive / manifest["base"] / "bsu-2022.yaml"), *options, "--into", str(again)]) == 0
    assert (again / what_if.name / "manifest.json").exists()
    base = archive / manifest["base"]
    for folder, said in ((what_if, "archive entry of a what-if"), (base, "give the rule file in it, `bsu-2022.yaml`")):
        for command in (["evaluate", str(folder), str(EXAMPLES)], ["diff", str(base / "bsu-2022.yaml"), str(folder)]):
            assert main(command) == 2, command  # a folder given for a rule file: what to give instead
            assert said in capsys.readouterr().err
    ruleset, diagnostics = check_file(what_if)
    assert ruleset is None and "replay LOG --archive ARCHIVE --seq N --explain" in str(diagnostics[0])
    ruleset, diagnostics = check_file(base)
    assert ruleset is None and "give the rule file in it, `bsu-2022.yaml`" in diagnostics[0].message
    shown = hide_identifiers(str(base)) == str(base)  # a sha256 may hold ten digits in a row: never shown
    assert diagnostics[0].suggestion == (str(base / "bsu-2022.yaml") if shown else None)
    loop = tmp_path / "loop"
    loop.mkdir()
    (loop / "x.yaml").symlink_to("../loop")  # no folder inside is suggested as the rule file
    ruleset, diagnostics = check_file(loop)
    assert ruleset is None and diagnostics[0].suggestion is None and "give a rule file" in str(diagnostics[0])


EDITION = load_ruleset("bsu-2022")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.sampled_from(range(len(RECORDS))), min_size=1, max_size=12),
       on=st.dates(EDITION.model.in_force.from_ or date(2022, 9, 5), date(2023, 12, 31)),
       key=st.sampled_from([None, KEY]), hints=st.booleans())
def test_replay_of_a_fresh_log_is_identical(archive: Path, picks: list[int], on: date, key: str | None,
                                            hints: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "d.jsonl"
        write_log(log, "bsu-2022", [RECORDS[i] for i in picks], on=on, key=key, hints=hints)
        report = replay(log, archive, members=EXAMPLES if key else None, key=key)
        assert report.ok, [i.to_dict() for i in report.differences]
        assert [i.on for i in report.items] == [on.isoformat()] * len(set(picks))  # a repeat is logged once


@pytest.mark.parametrize(("edition", "on"), [("bsu-2020", date(2020, 9, 1)), ("bsu-2021", date(2021, 8, 10)),
                                          ("bsu-2025", date(2025, 7, 1))])
def test_a_log_of_every_edition_replays_identical(tmp_path: Path, edition: str, on: date) -> None:
    """2020's decisions show the account number (masked, as the log keeps it): masked again it is the same."""
    archive_ruleset(load_ruleset(edition), tmp_path / "archive")
    write_log(tmp_path / "d.jsonl", edition, RECORDS, on=on)
    report = replay(tmp_path / "d.jsonl", tmp_path / "archive")
    assert report.ok and {i.status for i in report.items} == {Status.IDENTICAL}, [i.to_dict() for i in report.items]


@pytest.mark.parametrize("hints", [False, True])
def test_a_log_replays_with_the_hints_it_was_written_with(tmp_path: Path, archive: Path, hints: bool) -> None:
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS, hints=hints)
    logged = [json.loads(line)["decision"] for line in log.read_text("utf-8").splitlines()]
    hinted = [r for d in logged for r in d["rules"] if r["hint"] is not None]
    assert bool(hinted) == hints  # the examples have failures with hints
    report = replay(log, archive)
    assert report.ok and {i.status for i in report.items} == {Status.IDENTICAL}
    for item in report.items:
        assert item.replayed is not None
        assert json.loads(item.replayed.to_json()) == {**item.logged, "engine": item.replayed.engine}


def test_replay_checks_the_chain_as_verify_does(tmp_path: Path, archive: Path) -> None:
    from test_audit_log import TAMPERING

    for name, (change, line, kind) in TAMPERING.items():
        log = tmp_path / f"{name}.jsonl"
        write_log(log, "bsu-2022", RECORDS)
        log.write_text("".join(change(log.read_text("utf-8").splitlines(keepends=True))), "utf-8")
        alone, chain = verify_log(log), replay(log, archive).chain
        assert chain == alone and chain.problem is not None, name
        assert (chain.problem.line, chain.problem.kind) == (line, kind), name


@pytest.mark.parametrize("at", [None, 5])  # appended at the end, or between two lines
def test_a_repeated_line_is_not_counted_as_one_more_identical_decision(tmp_path: Path, archive: Path, at: int | None,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS)
    lines = log.read_text("utf-8").splitlines(keepends=True)
    lines.insert(len(lines) if at is None else at, lines[3])
    log.write_text("".join(lines), "utf-8")
    report = replay(log, archive)
    where = len(lines) if at is None else at + 1
    assert report.counts["identical"] == len(RECORDS) and report.counts["inserted"] == 1
    assert [i.line for i in report.items if i.status == "inserted"] == [where]
    assert report.chain.problem is not None and report.chain.problem.line == where
    assert main(["replay", str(log), "--archive", str(archive), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["inserted"] == 1


@pytest.mark.parametrize("at", [None, 4])  # appended at the end, or in place of line 5
def test_a_line_from_another_log_is_not_counted_as_an_identical_decision(tmp_path: Path, archive: Path,
                                                                          at: int | None) -> None:
    """A decision logged elsewhere replays identical, but the chain does not vouch for it here: a
    log of 16 decisions never reports 17 identical, nor its fifth when another stands in its place."""
    log, other = tmp_path / "d.jsonl", tmp_path / "other.jsonl"
    write_log(log, "bsu-2022", RECORDS)
    write_log(other, "bsu-2022", [*RECORDS, {**RECORDS[0], "name": "Other"}], on=date(2022, 10, 1))
    lines, foreign = log.read_text("utf-8").splitlines(keepends=True), other.read_text("utf-8").splitlines(True)
    if at is None:
        lines.append(foreign[len(RECORDS)])
    else:
        lines[at] = foreign[at]
    log.write_text("".join(lines), "utf-8")
    report = replay(log, archive)
    assert report.counts["identical"] == len(RECORDS) - (at is not None) and report.counts["inserted"] == 1
    assert [i.line for i in report.items if i.status == "inserted"] == [len(lines) if at is None else at + 1]
    assert report.chain.problem is not None and report.chain.problem.kind == "rehashed"


def test_the_line_after_one_changed_and_re_hashed_still_replays_identical(tmp_path: Path, archive: Path) -> None:
    """The chain breaks at the line after the rewritten one; that line is the log's own, and is counted so."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS)
    lines = log.read_text("utf-8").splitlines(keepends=True)
    entries = [json.loads(x) for x in lines[:5]]
    entries[4]["decision"]["outcome"] = "eligible" if entries[4]["decision"]["outcome"] != "eligible" else "ineligible"
    prev = "0" * 64
    for e in entries:
        e["prev"] = prev
        e["hash"] = prev = hashlib.sha256(canonical_json({k: v for k, v in e.items() if k != "hash"})
                                          .encode("utf-8")).hexdigest()
    log.write_text("".join(canonical_json(e) + "\n" for e in entries) + "".join(lines[5:]), "utf-8")
    report = replay(log, archive)
    problem = report.chain.problem
    assert problem is not None and (problem.kind, problem.line, problem.since) == ("rehashed", 6, 5)
    assert [i.line for i in report.items if i.status != "identical"] == [5]
    assert report.counts["identical"] == len(RECORDS) - 1 and report.counts["inserted"] == 0
    alone = replay(log, archive, seqs=[6])  # the line before is replayed to judge this one, not shown
    assert [(i.line, i.status) for i in alone.items] == [(6, "identical")]


@pytest.mark.parametrize("picks", [(0, 1, 1, 1, 2), (0, 0, 1, 2, 2), (0, 1, "edited", 2)])
def test_every_repeat_of_a_seq_is_inserted_however_many_and_edited_or_not(
        tmp_path: Path, archive: Path, picks: tuple[int | str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    """Only the first repeat is where the chain check stops: the later ones, and a copy with only
    ``recorded_at`` changed (the chain says edited), are inserted too, never one more identical."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:3])
    lines = log.read_text("utf-8").splitlines(keepends=True)
    edited = re.sub(r'"recorded_at":"[^"]*"', '"recorded_at":"2026-01-01T00:00:00Z"', lines[1])
    log.write_text("".join(edited if p == "edited" else lines[int(p)] for p in picks), "utf-8")
    report = replay(log, archive)
    assert report.counts["identical"] == 3 and report.counts["inserted"] == len(picks) - 3
    assert main(["replay", str(log), "--archive", str(archive), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["summary"] == report.counts
    assert main(["replay", str(log), "--archive", str(archive)]) == 1
    assert re.search(r"^identical +3$", capsys.readouterr().out, re.M)


def test_a_rechained_float_is_read_as_python_reads_it(tmp_path: Path, archive: Path) -> None:
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:4])
    rewrite(log, lambda d: d.update(priority=1e16))  # canonical JSON writes it 1e+16
    assert "1e+16" in log.read_text("utf-8") and "not a valid decision" in str(verify_log(log))
    report = replay(log, archive)
    assert {i.status for i in report.items} == {Status.DIFFERENT}
    # read as the integer 10**16, which a report shows as it shows any number of ten digits or more: masked
    assert all(i.fields["priority"][0] == "1000*********0000" for i in report.items)


@pytest.mark.parametrize("sha256", ["../archive/" + "a" * 64, "A" * 64, "a" * 63])
def test_a_rule_set_hash_that_is_no_hash_is_not_a_valid_decision(tmp_path: Path, sha256: str) -> None:
    """verify gives the verdict replay gives: a decision whose rule set hash is no sha256 is invalid, named."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:2])
    rewrite(log, lambda d: d["ruleset"].update(sha256=sha256))
    problem = verify_log(log).problem
    assert problem is not None and problem.kind == "invalid" and problem.line == 1
    assert "ruleset.sha256" in problem.message and sha256 not in problem.message


@pytest.mark.parametrize("written", ["600000", 600000.0])
def test_an_amount_written_otherwise_is_not_the_same_decision(tmp_path: Path, written: object) -> None:
    """A rechained log whose amount is text or a float is neither intact nor identical, although a
    model would read it as the same number."""
    log, archive = tmp_path / "d.jsonl", tmp_path / "a"
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--log", str(log), "--full-nik",
        "--archive", str(archive)]) == 0
    rewrite(log, lambda d: d["benefit"].update(amount=written) if d.get("benefit") else None)
    assert "not a valid decision" in str(verify_log(log))
    report = replay(log, archive)
    changed = [i for i in report.items if i.status is Status.DIFFERENT]
    assert changed and all(i.fields["benefit.amount"] == (written, 600000) for i in changed)


def test_replay_says_when_an_asked_seq_or_nik_is_not_in_the_log(tmp_path: Path, archive: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS)
    assert main(["replay", str(log), "--archive", str(archive), "--seq", "99", "--seq", "3"]) == 1
    err = capsys.readouterr().err
    assert "has seq 99" in err and "has seq 3" not in err
    assert main(["replay", str(log), "--archive", str(archive), "--seq", "3"]) == 0
    for seq in ("\u0663", "\uff13", "0", "-3", "+3", "0_3"):  # Arabic-Indic and full-width 3: digits 0-9 only, as --nik
        assert main(["replay", str(log), "--archive", str(archive), "--seq", seq]) == 2
        assert "is not a positive whole number" in capsys.readouterr().err


@pytest.mark.parametrize(("given", "said"), [
    ("abc", "the value given has 3 characters"),
    (RECORDS[0]["nik"] + "1", "the value given has 17 characters"),
    (" ".join([RECORDS[0]["nik"][:8], RECORDS[0]["nik"][8:]]), "write it without spaces, dots or dashes"),
    (RECORDS[0]["nik"][:15] + "x", "the value given has a character that is not a digit"),
    ("3204********0003", "the value given is a NIK as decisions mask it: give the whole NIK"),
])
def test_replay_says_a_nik_asked_for_is_not_one(tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str],
                                                given: str, said: str) -> None:
    """Not "no decision is for that NIK" (exit 1): the value is not a NIK (exit 2), and is not repeated."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:2])
    assert main(["replay", str(log), "--archive", str(archive), "--nik", given]) == 2
    err = capsys.readouterr().err
    assert f"argument --nik: not a NIK: a NIK is 16 digits (0-9); {said}" in err
    assert RECORDS[0]["nik"] not in err.replace(" ", "") and "no decision" not in err


def test_a_snapshot_path_given_as_bytes_is_a_type_error(tmp_path: Path, archive: Path) -> None:
    """bytes are not iterated as records (each byte an integer): the path is asked for as text."""
    log = tmp_path / "p.jsonl"
    write_log(log, "bsu-2022", RECORDS, key=KEY)
    for members in (str(EXAMPLES).encode(), [str(EXAMPLES).encode()]):
        with pytest.raises(TypeError, match=r"^members takes a file's path as a str or a Path, not bytes"):
            replay(log, archive, members=members)  # type: ignore[arg-type]


def test_a_value_an_older_engine_logged_whole_is_reported_masked() -> None:
    """A 2020 decision logged before a NIK in the KPJ field was masked in the trace replays as different;
    the report says what changed without repeating the number."""
    import bsu_rules
    from bsu_rules.audit.comparison import compare

    first = json.loads(EXAMPLES.read_text("utf-8").splitlines()[0]) | {"kpj": "3204125708940003"}
    decision = bsu_rules.evaluate(load_ruleset("bsu-2020"), first, on="2020-09-10")
    logged = json.loads(decision.to_json())
    for rule in logged["rules"]:
        if "member.kpj" in (rule.get("values") or {}):
            rule["values"]["member.kpj"] = "3204125708940003"  # as the engine traced it before
    criteria, _ = compare(logged, decision)
    assert criteria and "3204125708940003" not in json.dumps([(c.old, c.new) for c in criteria])


def test_replay_told_a_file_as_its_archive_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text("", "utf-8")
    assert main(["replay", str(log), "--archive", str(EXAMPLES)]) == 2
    assert f"{EXAMPLES} is a file, not an archive folder" in capsys.readouterr().err
    assert main(["replay", str(log), "--archive", str(tmp_path / "none")]) == 2
    assert f"there is no archive folder {tmp_path / 'none'}" in capsys.readouterr().err


def test_a_key_given_for_nothing_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A key file a run would not read (no log to write, no NIK to find) is refused, so a mistyped path is seen."""
    log = tmp_path / "log.jsonl"
    log.write_text("", "utf-8")
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--key-file", str(tmp_path / "nofile")]) == 2
    assert "--key-file needs --log" in capsys.readouterr().err
    assert main(["replay", str(log), "--archive", str(tmp_path), "--key-file", str(tmp_path / "nofile")]) == 2
    assert "--key-file needs --nik" in capsys.readouterr().err


def test_an_entry_archived_before_a_check_became_an_error_still_loads(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """An entry decided as it was archived: a finding a later check calls an error (a criterion citing an
    unknown legal-basis key, once a warning) is only a warning when the entry is loaded, by replay or by the
    path of its rule file, so its decisions can still be replayed; the same file outside an archive is refused."""
    rules = copy_rules(tmp_path / "rules")
    text = rules.read_text("utf-8")
    old = "    source: pm-10-2022, Pasal 3 ayat (2) huruf d\n"
    assert text.count(old) == 1
    rules.write_text(text.replace(old, "    source: pm-cotoh, Pasal 1\n"), "utf-8")
    with pytest.raises(RuleSetError, match="unknown-source"):
        load_ruleset(rules)
    entry = archive_ruleset(load_ruleset(rules, archived=True), tmp_path / "arch")  # as an earlier engine did
    assert load_archived(tmp_path / "arch", entry.sha256).sha256 == entry.sha256
    member = tmp_path / "m.jsonl"
    member.write_text(EXAMPLES.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    assert main(["evaluate", str(entry.rule_file), str(member)]) == 0
    assert "warning [unknown-source]" in capsys.readouterr().err


@pytest.mark.parametrize(("damage", "says"), [
    (lambda folder: (folder / "manifest.json").write_text("{", "utf-8"), "manifest.json: unreadable"),
    (lambda folder: (folder / "manifest.json").write_text("[]", "utf-8"), "is not a JSON object"),
    (lambda folder: shutil.copy(folder / "bsu-2022.yaml", folder / "other.yaml"), "is not the rule file of the"),
])
def test_a_rule_file_in_a_damaged_entry_is_refused_by_its_path(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               damage: Any, says: str) -> None:
    """A rule file in a folder shaped as an entry is read as the entry, whatever is wrong with it: never
    decided on as a file of its own."""
    entry = archive_ruleset(load_ruleset(copy_rules(tmp_path / "rules")), tmp_path / "arch")
    damage(entry.folder)
    rule_file = entry.folder / ("other.yaml" if "rule file" in says else "bsu-2022.yaml")
    assert main(["evaluate", str(rule_file), str(EXAMPLES)]) == 2
    assert says in capsys.readouterr().err


def test_a_what_if_entry_or_a_folder_without_its_manifest_is_never_read_as_a_rule_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A what-if entry has no rule file of its own: a file put in its folder is refused, not decided as the
    what-if; a hash-named folder without its manifest is a damaged entry; a file that is not there is not found."""
    ruleset = reform_of(load_ruleset(copy_rules(tmp_path / "rules")), ["wage_ceiling=4300000"], [])
    entry = archive_ruleset(ruleset, tmp_path / "arch")
    stray = entry.folder / "bsu-2022.yaml"
    assert main(["evaluate", str(stray), str(EXAMPLES)]) == 2
    assert "file-not-found" in capsys.readouterr().err
    shutil.copy(bundled_rules() / "bsu-2022.yaml", stray)
    assert main(["evaluate", str(stray), str(EXAMPLES)]) == 2
    assert "is a what-if, which has no rule file of its own" in capsys.readouterr().err
    plain = archive_ruleset(load_ruleset(copy_rules(tmp_path / "rules")), tmp_path / "arch2")
    (plain.folder / "manifest.json").unlink()  # what is left is still the rule set its folder's name says
    assert main(["evaluate", str(plain.rule_file), str(EXAMPLES)]) != 2
    assert plain.folder.name in capsys.readouterr().err
    text = plain.rule_file.read_text("utf-8")
    plain.rule_file.write_text(text.replace("value: 3500000", "value: 9500000", 1), "utf-8")  # edited as well
    assert main(["evaluate", str(plain.rule_file), str(EXAMPLES)]) == 2
    said = capsys.readouterr().err
    assert "has no manifest.json, and the file is not the rule set that hash names" in said
    assert "remove" not in said  # perhaps never an entry: nothing is to be deleted on the tool's word


def test_rule_tests_in_an_archive_entry_run_against_the_entry_as_archived(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``bsu-rules test`` loads a rule set as every deciding command does: tests put in an entry run against the
    entry as archived, and one whose rule file was edited since is refused, not tested as edited."""
    entry = archive_ruleset(load_ruleset(copy_rules(tmp_path / "rules")), tmp_path / "arch")
    (entry.folder / "tests").mkdir()
    shutil.copy(bundled_rules() / "tests" / "bsu-2022.yaml", entry.folder / "tests" / "t.yaml")
    assert main(["test", str(entry.folder / "tests" / "t.yaml")]) == 0
    capsys.readouterr()
    text = entry.rule_file.read_text("utf-8")
    entry.rule_file.write_text(text.replace("value: 3500000", "value: 3000000", 1), "utf-8")
    assert main(["test", str(entry.folder / "tests" / "t.yaml")]) == 1
    out = capsys.readouterr()
    assert "was changed after it was archived" in out.out + out.err
    assert "\n0 passed, 0 failed" in out.out + out.err


@pytest.mark.parametrize(("part", "value", "said"), [
    ("member", "3204125708940003", "the decision's NIK is not masked, in a log that keeps none"),
    ("inputs", "3204125708940003", "the NIK in the inputs is not a pseudonym"),
    ("inputs", "3204125708940003" + "0" * 48, "inputs.nik holds a NIK"),  # shaped as a pseudonym, all digits
    ("kpj", "3204125708940003", "inputs.kpj holds a NIK, in a log that keeps none"),
    ("flags", "see 3204125708940003", "decision.flags[0] holds a NIK, in a log that keeps none"),
    ("deep", "3204125708940003", "holds a NIK, in a log that keeps none"),  # nested deeper than a recursive walk goes
])
def test_a_pseudonymised_log_holding_a_full_nik_is_not_intact(tmp_path: Path, part: str, value: str,
                                                              said: str) -> None:
    """A log written with a key keeps no NIK: one put back (and the chain re-hashed) is invalid, named."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:2], key=KEY)
    prev, lines = "0" * 64, []
    for line in log.read_text("utf-8").splitlines():
        env = json.loads(line)
        if env["seq"] == 2 and part == "kpj":
            env["inputs"]["kpj"] = value
        elif env["seq"] == 2 and part == "flags":
            env["decision"]["flags"] = [value]
        elif env["seq"] == 2 and part == "deep":
            nested: Any = value
            for _ in range(900):
                nested = [nested]
            env["inputs"]["extra"] = nested
        elif env["seq"] == 2:
            (env["decision"]["member"] if part == "member" else env["inputs"])["nik"] = value
        env["prev"] = prev
        env["hash"] = prev = entry_hash(env)
        lines.append(canonical_json(env) + "\n")
    log.write_text("".join(lines), "utf-8")
    problem = verify_log(log).problem
    assert problem is not None and (problem.kind, problem.line) == ("invalid", 2) and said in problem.message
    assert "3204125708940003" not in str(problem)


def test_replay_names_the_rule_set_by_its_whole_hash(tmp_path: Path, archive: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The hash an auditor opens `archive/<sha256>/` with: kept whole though ten of its digits stand in a row
    (bsu-2022's `…fcaff4325458865b1cc…`), in the report's rows, its JSON and its text."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:2])
    sha = "0123456789" + load_ruleset("bsu-2022").sha256[10:]  # a run a NIK-like mask would hide, as 1 in 6 has
    rewrite(log, lambda d: d["ruleset"].update(sha256=sha))
    shutil.copytree(archive, tmp_path / "archive")
    entry = next(p for p in (tmp_path / "archive").iterdir() if p.is_dir())
    entry.rename(entry.with_name(sha))  # the archive as it would hold a rule set of that hash
    assert {item.ruleset for item in replay(log, tmp_path / "archive").items} == {sha}
    assert main(["replay", str(log), "--archive", str(tmp_path / "archive"), "--format", "json"]) == 1
    assert {d["ruleset"] for d in json.loads(capsys.readouterr().out)["decisions"]} == {sha}
    assert main(["replay", str(log), "--archive", str(tmp_path / "archive"), "--all"]) == 1
    assert f"[{sha[:12]}]" in capsys.readouterr().out


def test_a_forged_input_hash_is_repeated_masked(tmp_path: Path, archive: Path) -> None:
    """A pseudonymised decision's input hash is named in the reason a snapshot is needed: a real sha256 as
    logged, anything else (a NIK put there, and the chain re-hashed) masked as any logged text."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:2], key=KEY)
    rewrite(log, lambda d: d["member"].update(input_sha256="NIK 3204125708940003 acct 418201004566507"))
    reasons = [item.reason for item in replay(log, archive).items]
    assert reasons and all("input hash" in r and "3204125708940003" not in r and "418201004566507" not in r
                           for r in reasons), reasons


def test_a_missing_snapshot_record_asks_for_the_key_only_when_it_was_not_given(tmp_path: Path, archive: Path) -> None:
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:1], key=KEY)
    (reason,) = [item.reason for item in replay(log, archive).items]
    assert reason.endswith("is needed (--members SNAPSHOT), and the key the log was written with (--key-file KEY "
                           "or $BSU_RULES_PSEUDONYM_KEY)")
    (reason,) = [item.reason for item in replay(log, archive, key=KEY).items]
    assert reason.endswith("is needed (--members SNAPSHOT)")
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps(RECORDS[1]) + "\n", "utf-8")
    (reason,) = [item.reason for item in replay(log, archive, other, key=KEY).items]
    assert re.search(r"the snapshot given holds no record with input hash [0-9a-f]{64}: give the one the "
                     r"decisions were made on$", reason)
    (reason,) = [item.reason for item in replay(log, archive, other).items]
    assert re.search(r"the record with input hash [0-9a-f]{64} can be found in the snapshot only with the key the "
                     r"log was written with \(--key-file KEY or \$BSU_RULES_PSEUDONYM_KEY\)$", reason)


def test_a_pseudonymised_log_replayed_without_its_snapshot_says_once_what_it_needs(
        tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every line of a pseudonymised log lacks its snapshot record for one reason: said once, naming the options
    that give what is needed, with the lines and their count; each line's input hash is in --format json, and
    a line replayed alone (--seq) is said with its own."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS, key=KEY)
    assert main(["replay", str(log), "--archive", str(archive)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"lines 1-{len(RECORDS)} ({len(RECORDS)} decisions), bsu-2022 ")
    assert out.count("missing-input") == 2 and out.count("--members SNAPSHOT") == 1  # and once in the counts
    assert f"\n  the NIKs are pseudonymised (key {key_id(KEY)}): the member snapshot holding the records with their " \
        "input hashes is needed (--members SNAPSHOT), and the key the log was written with (--key-file KEY or " \
        "$BSU_RULES_PSEUDONYM_KEY); each line's input hash is in --format json\n" in out
    assert not re.search(r"[0-9a-f]{64}", out)
    assert main(["replay", str(log), "--archive", str(archive), "--format", "json"]) == 1
    reasons = [d["reason"] for d in json.loads(capsys.readouterr().out)["decisions"]]
    assert len(reasons) == len(RECORDS) and all(re.search(r"input hash [0-9a-f]{64}", r) for r in reasons)
    assert main(["replay", str(log), "--archive", str(archive), "--seq", "3"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("line 3 (seq 3) ") and re.search(r"the record with input hash [0-9a-f]{64} is needed", out)


@pytest.mark.parametrize("form", ["text", "json"])
def test_a_lone_surrogate_an_edited_line_holds_is_reported_escaped_never_a_crash(
        tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str], form: str) -> None:
    """A ``\\ud83d`` escape put into a logged value, or a ``\\ud800`` key into a line, is a damaged log (exit 1,
    the line named), shown as its escape: standard output takes UTF-8 only, and a message quoting the character
    itself stopped ``verify`` and ``replay`` with an internal error (exit 2) before they reported anything."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:3])
    lines = log.read_bytes().split(b"\n")
    lines[0] = lines[0].replace(b'"outcome":"', b'"outcome":"\\ud83d', 1)
    lines[2] = lines[2].replace(b'"v":1', b'"v":1,"\\ud800":1', 1)
    log.write_bytes(b"\n".join(lines))
    assert main(["verify", str(log), "--format", form]) == 1
    said = capsys.readouterr().out
    assert "line 1" in said or '"line": 1' in said, said
    assert main(["replay", str(log), "--archive", str(archive), "--format", form]) == 1
    said = capsys.readouterr().out
    assert "\\ud83d" in said and "\ud83d" not in said, said
    lines[0] = lines[0].replace(b'"outcome":"\\ud83d', b'"outcome":"', 1)
    log.write_bytes(b"\n".join(lines))
    assert main(["verify", str(log), "--format", form]) == 1
    said = capsys.readouterr().out
    assert "\\ud800" in said and "\ud800" not in said and ("line 3" in said or '"line": 3' in said), said


@pytest.mark.parametrize("edit", ["wage", "added", "left out"])
def test_inputs_edited_and_the_chain_rebuilt_are_an_error_when_replayed_against_the_snapshot(
        tmp_path: Path, archive: Path, edit: str) -> None:
    """Replayed against a member snapshot, a line is decided from the snapshot's record with its input hash: inputs
    edited on the line (a wage lowered, a field added or left out), its chain rebuilt, were never looked at, and the
    falsified record of what was decided on replayed identical, exit 0. They are now compared with what the log
    keeps of that record: the line is an error."""
    log = tmp_path / "d.jsonl"
    write_log(log, "bsu-2022", RECORDS[:3])
    prev, lines = "0" * 64, []
    for i, line in enumerate(log.read_text("utf-8").splitlines()):
        env = json.loads(line)
        if i == 1:
            inputs = env["inputs"]
            if edit == "wage":
                inputs["wages"] = [{**w, "amount": 1_000_000} for w in inputs["wages"]]
            elif edit == "added":
                inputs["deceased_on"] = "2030-01-01"
            else:
                del inputs["birth_date"]
        env["seq"], env["prev"] = len(lines) + 1, prev
        env["hash"] = prev = entry_hash(env)
        lines.append(canonical_json(env) + "\n")
    log.write_text("".join(lines), "utf-8")
    report = replay(log, archive, members=EXAMPLES)
    assert not report.ok and report.counts["error"] == 1 and report.counts["identical"] == 2, report.summary()
    assert "the logged inputs are not what the log keeps" in " ".join(i.reason for i in report.items)
