"""One error model: every problem is a code, a message and a location; every raised error a BsuRulesError."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from bsu_rules.audit.archive import ArchiveError
from bsu_rules.audit.chain import Problem
from bsu_rules.audit.checkpoints import CheckpointError
from bsu_rules.audit.log import AuditError
from bsu_rules.errors import BsuRulesError, Code, Diagnostic, InputError, OutOfForce, ParameterError, RuleSetError
from bsu_rules.glossary import GlossaryError
from bsu_rules.ruleset.loader import check_file


def test_codes_are_their_text() -> None:
    assert Code.UNKNOWN_NAME == "unknown-name" and f"[{Code.TYPE_MISMATCH}]" == "[type-mismatch]"
    assert len({c.value for c in Code}) == len(Code)


def test_a_diagnostic_takes_a_code_or_its_text_and_refuses_an_unknown_one() -> None:
    assert Diagnostic("f.yaml", 1, 2, "unknown-name", "m").code is Code.UNKNOWN_NAME
    with pytest.raises(ValueError):
        Diagnostic("f.yaml", 1, 2, "no-such-code", "m")


def test_every_error_is_a_bsu_rules_error_with_a_code() -> None:
    errors: list[BsuRulesError] = [
        InputError([("member.wages", "missing")]), RuleSetError([]),
        OutOfForce("bsu-2022", "2022", date(2030, 1, 1), []),
        AuditError("x"), ArchiveError("x"), CheckpointError("x"), GlossaryError("x"), ParameterError([("on", "x")]),
    ]
    for error in errors:
        assert isinstance(error, BsuRulesError) and isinstance(error.code, Code)
    assert isinstance(errors[0], ValueError) and isinstance(errors[2], ValueError)  # as before
    assert isinstance(errors[-1], InputError) and isinstance(errors[-1], ValueError)


def test_a_bad_record_and_a_bad_decision_date_have_codes_of_their_own(examples: list[dict[str, Any]]) -> None:
    """A caller tells a malformed record from a malformed date by the code (or the class), not by the field."""
    import bsu_rules

    rs = bsu_rules.load_ruleset("bsu-2022")
    with pytest.raises(InputError) as record:
        bsu_rules.evaluate(rs, {**examples[0], "nik": "1"})
    assert type(record.value) is InputError and record.value.code is Code.INVALID_RECORD == "invalid-record"
    assert [(d.code, d.field) for d in record.value.diagnostics] == [(Code.INVALID_RECORD, "nik")]
    for on in ("12/09/2022", datetime(2022, 9, 12), 20220912):
        with pytest.raises(ParameterError, match=r"^on: ") as day:
            bsu_rules.evaluate(rs, examples[0], on=on)
        assert isinstance(day.value, InputError) and isinstance(day.value, ValueError)  # caught as before
        assert day.value.code is Code.BAD_PARAMETER == "bad-parameter" and day.value.problems[0][0] == "on"
        assert [(d.code, d.field) for d in day.value.diagnostics] == [(Code.BAD_PARAMETER, "on")]
        with pytest.raises(ParameterError, match=r"^on: "):
            rs.plan(on)


def test_input_and_audit_problems_have_the_diagnostic_shape() -> None:
    [found] = InputError([("member.wages", "an integer is required")]).diagnostics
    assert (found.code, found.field, found.message) == (Code.INVALID_RECORD, "member.wages", "an integer is required")
    assert str(found) == "member.wages: error [invalid-record]: an integer is required"  # the field, not ":0:0"
    assert str(Diagnostic("", 0, 0, Code.INVALID_RECORD, "m", record=4, field="nik")) == \
        "record 4, nik: error [invalid-record]: m"
    problem = Problem(3, "edited", "its content does not match its hash")
    assert problem.kind is Code.EDITED and str(problem) == "line 3: edited: its content does not match its hash"
    shown = problem.diagnostic("log.jsonl")
    assert (shown.file, shown.line, shown.record, shown.code) == ("log.jsonl", 3, 3, Code.EDITED)


def test_rule_file_diagnostics_carry_codes() -> None:
    _, diagnostics = check_file("no-such-edition")
    assert diagnostics and all(isinstance(d.code, Code) for d in diagnostics)
    assert diagnostics[0].code is Code.FILE_NOT_FOUND
    assert "[file-not-found]" in str(diagnostics[0])
    _, [named] = check_file("3204125708940003")  # a NIK given for a rule file is not repeated, in any part
    assert "3204125708940003" not in str(named) and named.file == "<16 digits>"


def test_every_code_written_in_the_package_is_a_code() -> None:
    import ast
    import re
    from pathlib import Path

    from bsu_rules.ruleset.lint import CODES

    assert set(CODES) <= {c.value for c in Code}
    reporters = {"Diagnostic", "report", "warn", "_diag", "ServiceError", "Problem"}
    written = []
    for path in sorted((Path(__file__).resolve().parents[1] / "bsu_rules").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                written += [(path.name, node.lineno, a.value) for a in node.args if name in reporters
                            and isinstance(a, ast.Constant) and isinstance(a.value, str)
                            and re.fullmatch(r"[a-z]+(-[a-z]+)*", a.value)]
    assert written  # the scan sees the codes written as text
    assert [w for w in written if w[2] not in {c.value for c in Code}] == []
