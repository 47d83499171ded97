"""Edition windows: a decision dated outside an edition is refused the same way everywhere,
naming the edition in force on that date (or saying that none is)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

import bsu_rules
from bsu_rules.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "members.jsonl"


@pytest.mark.parametrize(("edition", "day", "applies"), [
    ("bsu-2020", date(2020, 8, 13), []),
    ("bsu-2020", date(2022, 9, 5), ["bsu-2022"]),
    ("bsu-2021", date(2021, 7, 27), ["bsu-2020"]),
    ("bsu-2021", date(2022, 9, 5), ["bsu-2022"]),
    ("bsu-2022", date(2022, 9, 4), ["bsu-2020", "bsu-2021"]),
    ("bsu-2022", date(2025, 6, 2), ["bsu-2025"]),
    ("bsu-2025", date(2025, 6, 1), ["bsu-2022"]),
])
def test_the_api_refuses_and_names_the_edition_that_applies(
        edition: str, day: date, applies: list[str], examples: list[dict[str, Any]]) -> None:
    with pytest.raises(bsu_rules.OutOfForce) as refused:
        bsu_rules.evaluate(bsu_rules.load_ruleset(edition), examples[0], on=day)
    assert refused.value.applies == applies
    message = str(refused.value)
    assert f"a decision dated {day}" in message and "open" not in message
    assert all(name in message for name in applies) and (applies or "no edition is in force" in message)


@pytest.mark.parametrize(("edition", "last"), [("bsu-2020", date(2022, 9, 4)), ("bsu-2021", date(2022, 9, 4)),
                                               ("bsu-2022", date(2025, 6, 1))])
def test_the_last_day_in_force_is_decided(edition: str, last: date, examples: list[dict[str, Any]]) -> None:
    assert bsu_rules.evaluate(bsu_rules.load_ruleset(edition), examples[0], on=last).on == last


def test_the_default_decision_date_stays_inside_the_window() -> None:
    for edition in ("bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025"):
        rs = bsu_rules.load_ruleset(edition)
        assert rs.model.in_force.contains(rs.default_on)


def test_evaluate_and_batch_refuse_with_the_same_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "bsu-2022", str(EXAMPLES), "--on", "2025-07-01"]) == 2
    evaluate = capsys.readouterr().err
    assert "on that date use bsu-2025" in evaluate and "Traceback" not in evaluate
    pytest.importorskip("polars")
    assert main(["batch", "bsu-2022", str(EXAMPLES), "--out", str(tmp_path / "d.parquet"), "--on", "2025-07-01"]) == 2
    batch = capsys.readouterr().err
    assert evaluate.strip().splitlines()[-1] in batch
    assert not (tmp_path / "d.parquet").exists()


CASES = """\
ruleset: bsu-2022
bases:
  worker: {nik: "3204125708940003", citizenship: WNI, participant_category: PU}
cases:
  - name: refused, as expected
    base: worker
    on: 2025-06-02
    expect: {outcome: refused, applies: bsu-2025}
  - name: refused, but the wrong edition is expected
    base: worker
    on: 2025-06-02
    expect: {outcome: refused, applies: bsu-2021}
  - name: decided, but a refusal is expected
    base: worker
    on: 2022-09-05
    expect: {outcome: refused}
  - name: refused, yet a decision is checked
    base: worker
    on: 2025-06-02
    expect: {outcome: refused, benefit: 600000}
  - name: applies without a refusal
    base: worker
    on: 2022-09-05
    expect: {outcome: undetermined, applies: bsu-2022}
"""


def test_rule_author_cases_can_expect_a_refusal(tmp_path: Path) -> None:
    from bsu_rules.testing.runner import run_paths

    (tmp_path / "cases.yaml").write_text(CASES, "utf-8")
    results = {r.name: r for r in run_paths([tmp_path / "cases.yaml"]).results}
    assert results["refused, as expected"].passed
    wrong = results["refused, but the wrong edition is expected"]
    assert not wrong.passed and [d.criterion for d in wrong.differences] == ["applies"]
    assert [d.criterion for d in results["decided, but a refusal is expected"].differences] == ["outcome"]
    for name in ("refused, yet a decision is checked", "applies without a refusal"):
        assert [d.code for d in results[name].diagnostics] == ["contradictory-expectation"], name


@pytest.mark.parametrize("kind", ["fifo", "device", "symlink-out", "directory"])
def test_a_sibling_the_rule_set_may_not_read_is_skipped_unread(rules_copy: Path, kind: str,
                                                               examples: list[dict[str, Any]]) -> None:
    """The out-of-force message reads the rule files beside this one as loading does: a FIFO (which
    would block for ever), a device, a directory or a symbolic link leading out names no edition."""
    import os
    import signal

    sibling, outside = rules_copy / "zz.yaml", rules_copy.parent / "secret.yaml"
    outside.write_text('ruleset: "db_password=hunter2"\nin_force: {from: 2019-01-01}\n', "utf-8")
    if kind == "fifo":
        os.mkfifo(sibling)
    elif kind == "device":
        sibling.symlink_to("/dev/zero")
    elif kind == "directory":
        sibling.mkdir()
    else:
        sibling.symlink_to(outside)

    def stop(*_: object) -> None:
        raise AssertionError("reading the rule files beside this one blocked")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(10)
    try:
        with pytest.raises(bsu_rules.OutOfForce) as refused:
            bsu_rules.evaluate(bsu_rules.load_ruleset(rules_copy / "bsu-2022.yaml"), examples[0], on=date(2020, 1, 1))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert refused.value.applies == [] and "hunter2" not in str(refused.value)


def test_a_sibling_whose_id_holds_a_nik_names_no_edition(rules_copy: Path, examples: list[dict[str, Any]]) -> None:
    """A sibling's ``ruleset`` is held to the rule file's own rule before a refusal repeats it."""
    (rules_copy / "zz.yaml").write_text('ruleset: "bsu-3204125708940003"\nin_force: {from: 2019-01-01}\n', "utf-8")
    with pytest.raises(bsu_rules.OutOfForce) as refused:
        bsu_rules.evaluate(bsu_rules.load_ruleset(rules_copy / "bsu-2022.yaml"), examples[0], on=date(2020, 1, 1))
    assert refused.value.applies == [] and "3204125708940003" not in str(refused.value)


def test_a_folders_own_copy_of_an_edition_replaces_the_bundled_one(
        rules_copy: Path, examples: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    """An edition the folder ended (or started later) is not brought back from the package on the days the
    folder's copy leaves out: the refusal names the folder's editions only, as its tests resolve them."""
    own = rules_copy / "bsu-2025.yaml"
    own.write_text(own.read_text("utf-8").replace("  from: 2025-06-02\n", "  from: 2025-06-02\n  until: 2026-05-31\n",
                                                  1), "utf-8")
    with pytest.raises(bsu_rules.OutOfForce) as refused:
        bsu_rules.evaluate(bsu_rules.load_ruleset(own), examples[0], on=date(2026, 7, 1))
    assert refused.value.applies == [] and "no edition is in force on that date" in str(refused.value)
    later = own.read_text("utf-8").replace("ruleset: bsu-2025", "ruleset: bsu-2026", 1).replace(
        "  from: 2025-06-02\n  until: 2026-05-31\n", "  from: 2026-06-01\n", 1)
    (rules_copy / "bsu-2026.yaml").write_text(later, "utf-8")
    assert main(["evaluate", str(own), str(EXAMPLES), "--on", "2026-07-01", "--format", "text", "--lang", "en"]) == 2
    said = capsys.readouterr().err
    assert "use bsu-2026 (in force from 1 June 2026 with no end date)" in said and "use bsu-2025" not in said
