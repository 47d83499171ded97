"""One error model: every problem is a code, a message and a location; every raised error a BsuRulesError."""

from __future__ import annotations

from datetime import date

import pytest

from bsu_rules.audit.archive import ArchiveError
from bsu_rules.audit.chain import Problem
from bsu_rules.audit.checkpoints import CheckpointError
from bsu_rules.audit.log import AuditError
from bsu_rules.errors import BsuRulesError, Code, Diagnostic, InputError, OutOfForce, RuleSetError
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
        AuditError("x"), ArchiveError("x"), CheckpointError("x"), GlossaryError("x"),
    ]
    for error in errors:
        assert isinstance(error, BsuRulesError) and isinstance(error.code, Code)
    assert isinstance(errors[0], ValueError) and isinstance(errors[2], ValueError)  # as before


def test_input_and_audit_problems_have_the_diagnostic_shape() -> None:
    [found] = InputError([("member.wages", "an integer is required")]).diagnostics
    assert (found.code, found.field, found.message) == (Code.INVALID_MEMBER, "member.wages", "an integer is required")
    assert str(found) == "member.wages: error [invalid-member]: an integer is required"  # the field, not ":0:0"
    assert str(Diagnostic("", 0, 0, Code.INVALID_MEMBER, "m", record=4, field="nik")) == \
        "record 4, nik: error [invalid-member]: m"
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
