"""Proofs over every member: the bundled editions, a file with known defects, the encoding's
parity with the scalar evaluator, and the symbolic diff 2021 -> 2022."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

z3 = pytest.importorskip("z3")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bsu_rules.cli import main  # noqa: E402
from bsu_rules.members import parse_member  # noqa: E402
from bsu_rules.prove import ProveError, Prover  # noqa: E402
from bsu_rules.prove.authored import check, load, path_for  # noqa: E402
from bsu_rules.prove.functions import EXACT  # noqa: E402
from bsu_rules.prove.realize import EDITS, member_value  # noqa: E402
from bsu_rules.prove.regions import SymbolicDiff  # noqa: E402
from bsu_rules.ruleset.catalogue import FUNCTIONS  # noqa: E402
from bsu_rules.ruleset.expressions import Node  # noqa: E402
from bsu_rules.ruleset.loader import load_ruleset  # noqa: E402
from bsu_rules.testing.runner import run_paths  # noqa: E402
from tests.strategies import members  # noqa: E402

EDITIONS = ("bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025")
FIXTURES = Path(__file__).parent / "fixtures" / "prove"


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_builtin_and_authored_property_holds_for_each_edition(edition: str) -> None:
    ruleset = load_ruleset(edition)
    props = load(path_for(ruleset), ruleset) if path_for(ruleset).exists() else []
    prover = Prover(ruleset, extra=[p.tree for p in props])
    verdicts = [*prover.builtin(), *(check(prover, p) for p in props)]
    assert {v.name: v.status for v in verdicts if v.status != "proved"} == {}
    assert any(v.name == "monotone-raise_wage" for v in verdicts)


def test_defects_are_refuted_with_members_the_scalar_evaluator_confirms() -> None:
    ruleset = load_ruleset(FIXTURES / "defects.yaml")
    props = load(FIXTURES / "defects.properties.yaml", ruleset)
    prover = Prover(ruleset, extra=[p.tree for p in props])
    verdicts = {v.name: v for v in [*prover.builtin(), *(check(prover, p) for p in props)]}
    raise_wage = verdicts["monotone-raise_wage"]
    assert raise_wage.status == "refuted"
    before, after = raise_wage.members
    assert after["wages"][-1]["amount"] > before["wages"][-1]["amount"]
    ranks = {"ineligible": 0, "undetermined": 1, "eligible": 2}
    assert ranks[prover.decide(after).outcome.value] > ranks[prover.decide(before).outcome.value]
    assert verdicts["live:impossible"].status == "refuted"  # the exclusion never holds
    assert verdicts["not-vacuous:vacuous"].status == "refuted"  # the requirement always holds
    assert verdicts["live:wage-floor"].status == "proved"
    false_claim = verdicts["nobody below Rp2.000.000 is paid (false)"]
    assert false_claim.status == "refuted"
    (member,) = false_claim.members
    assert prover.decide(member).outcome.value == "eligible"
    assert parse_member(member).wages[-1].amount < 2_000_000  # type: ignore[index]
    assert verdicts["a soldier can be paid"].status == "proved"


def test_every_catalogue_function_has_an_encoding() -> None:
    for name, function in FUNCTIONS.items():
        assert (name in EXACT) != (function.abstract is not None), name
        if function.abstract is not None:
            assert name in EDITS, name


def test_an_unknown_node_kind_is_refused() -> None:
    class Strange(Node):
        pass
    prover = Prover(load_ruleset("bsu-2022"))
    with pytest.raises(ProveError, match="node kind Strange"):
        prover.encoder.encode(Strange(0, 0))


def test_a_property_that_does_not_type_check_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text('ruleset: bsu-2022\nproperties:\n  - name: x\n    always: member.wage_amount > 1\n')
    with pytest.raises(ProveError, match="unknown name"):
        load(path, load_ruleset("bsu-2022"))


_PARITY = {e: Prover(load_ruleset(e)) for e in ("bsu-2021", "bsu-2022")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(_PARITY)), st.data())
def test_the_encoding_gives_the_scalar_outcome_for_a_concrete_member(edition: str, data: Any) -> None:
    """Fix every input to a generated member's (texts the rules do not name become their
    representative): exactly the scalar outcome is satisfiable, together with every declared
    relation of the abstracted functions (so the relations hold for real members)."""
    prover = _PARITY[edition]
    rs = prover.ruleset
    record = data.draw(members(rs.model.parameters["cutoff_month"].value, rs.model.as_of))
    member = parse_member(record)
    expected = prover.decide(record).outcome.value
    inputs, e = prover.inputs, prover.encoder
    fixed = []
    for path, (sym, _) in inputs.fields.items():
        value = member_value(member, path)
        fixed.append(sym.known == (value is not None))
        if value is not None:
            fixed.append(sym.term == (value.toordinal() if hasattr(value, "toordinal") else
                                      inputs.code_of(path, value)))
    for path, sym in inputs.histories.items():
        fixed.append(sym.known == (member_value(member, path) is not None))
    for call in inputs.calls.values():
        got = call.function.impl(*[member_value(member, a) for a in call.args])
        fixed.append(call.sym.known == (got is not None))
        if got is not None:
            fixed.append(call.sym.term == (inputs.strings.codes.get(str(got), -99) if call.sym.kind == "str" else got))
    for outcome in ("eligible", "undetermined", "ineligible"):
        solver = z3.Solver()
        solver.add(*inputs.domain, *fixed, e.outcome(outcome))
        assert (solver.check() == z3.sat) == (outcome == expected), (outcome, expected, record)


def test_symbolic_diff_2021_2022_regions_are_confirmed_and_become_passing_tests(tmp_path: Path,
                                                                               capsys: Any) -> None:
    out = tmp_path / "witnesses.yaml"
    code = main(["diff", "bsu-2021", "bsu-2022", "--symbolic", "--write-tests", str(out), "--format", "json"])
    assert code == 1
    report = json.loads(capsys.readouterr().out)["symbolic"]
    assert report["complete"]
    regions = report["regions"]
    confirmed = [r for r in regions if r["confirmed"]]
    assert len(confirmed) == len(regions) >= 20
    assert all(r["witness"]["nik"].count("*") == 8 for r in confirmed)  # masked on screen
    registered = next(r for r in regions if r["words"] == "ineligible → eligible: registered-by-cutoff fail → pass")
    assert registered["bounds"] == [{"quantity": "member.registered_on", "lowest": "2021-07-01",
                                     "highest": "2022-07-31"}]
    pppk = next(r for r in regions if r["words"] == "ineligible → eligible: not-asn fail → pass")
    assert pppk["values"] == [{"field": "member.employment_type", "values": ["pppk"]}]
    summary = run_paths([tmp_path])
    assert summary.failed == 0 and summary.passed == 2 * len(confirmed)


def test_a_criterion_that_can_only_be_unknown_is_reported_as_such() -> None:
    prover = Prover(load_ruleset("bsu-2021"), on=date(2021, 8, 10))  # the partial PPKM table is in force
    verdict = prover.fires(prover.encoder.rule("ppkm-area"))
    assert verdict.status == "refuted" and "only make a member undetermined" in verdict.detail


def test_symbolic_diff_of_an_edition_with_itself_is_empty() -> None:
    rs = load_ruleset("bsu-2022")
    regions, complete, _ = SymbolicDiff(rs, rs).regions()
    assert regions == [] and complete


def test_prove_command_text_and_exit_status(capsys: Any) -> None:
    assert main(["prove", "bsu-2025"]) == 0
    text = capsys.readouterr().out
    assert "properties proved" in text and "monotone-pay_contribution" in text
    assert main(["prove", str(FIXTURES / "defects.yaml")]) == 1
    assert "refuted    monotone-raise_wage" in capsys.readouterr().out
