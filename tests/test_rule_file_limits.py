"""Rule files read only what sits beside them, and every limit gives a diagnostic, never a hang or traceback."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from bsu_rules.cli import main
from bsu_rules.ruleset.loader import check_file
from bsu_rules.ruleset.source import MAX_NODES

SECRET = "TOPSECRET-CONTENT-7f3a"
ROOT = Path(__file__).resolve().parents[1]


def _codes(path: Path) -> list[tuple[str, str]]:
    ruleset, diagnostics = check_file(path)
    assert ruleset is None
    return [(d.code, d.message) for d in diagnostics if d.severity.value == "error"]


def _with_table(rules_copy: Path, file: str) -> Path:
    text = (rules_copy / "bsu-2022.yaml").read_text("utf-8")
    path = rules_copy / "attack.yaml"
    path.write_text(text.replace("file: tables/minimum-wage-2022.csv", f"file: {file}"), "utf-8")
    return path


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.csv"
    secret.write_text(f"{SECRET},area_code,amount\n", "utf-8")
    return secret


@pytest.mark.parametrize("kind", ["absolute", "dotdot", "symlink", "symlinked-folder"])
def test_table_paths_cannot_leave_the_rule_folder(rules_copy: Path, outside: Path, kind: str) -> None:
    if kind == "absolute":
        name = str(outside)
    elif kind == "dotdot":
        name = "../secret.csv"
    elif kind == "symlink":
        (rules_copy / "tables" / "link.csv").symlink_to(outside)
        name = "tables/link.csv"
    else:
        (rules_copy / "elsewhere").symlink_to(outside.parent, target_is_directory=True)
        name = "elsewhere/secret.csv"
    problems = _codes(_with_table(rules_copy, name))
    assert problems[0][0] == "table"
    assert not any(SECRET in message for _, message in problems)
    assert SECRET not in problems[0][1]
    assert re.search(r"relative|inside|outside", problems[0][1])


def test_a_symlink_inside_the_folder_is_fine(rules_copy: Path) -> None:
    (rules_copy / "tables" / "alias.csv").symlink_to(rules_copy / "tables" / "minimum-wage-2022.csv")
    ruleset, _ = check_file(_with_table(rules_copy, "tables/alias.csv"))
    assert ruleset is not None


def test_special_files_are_refused_without_reading(rules_copy: Path) -> None:
    os.mkfifo(rules_copy / "tables" / "fifo.csv")  # reading it would block for ever
    (rules_copy / "tables" / "zero.csv").symlink_to("/dev/zero")
    (rules_copy / "tables" / "dir.csv").mkdir()
    assert "not a regular file" in _codes(_with_table(rules_copy, "tables/fifo.csv"))[0][1]
    assert "outside" in _codes(_with_table(rules_copy, "tables/zero.csv"))[0][1]
    assert "not a regular file" in _codes(_with_table(rules_copy, "tables/dir.csv"))[0][1]
    assert "relative" in _codes(_with_table(rules_copy, "/proc/self/environ"))[0][1]


def test_a_table_that_is_not_a_csv_file_is_told_so_not_read_as_one(rules_copy: Path) -> None:
    """A rule file (or a spreadsheet) named as a table: said whole, not its comment read as a column name."""
    (rules_copy / "tables" / "minimum-wage-2022.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)))
    for given in ("bsu-2021.yaml", "tables/minimum-wage-2022.xlsx"):
        ((code, message),) = _codes(_with_table(rules_copy, given))
        assert code == "table" and message.startswith(f"table file `{given}` is not a CSV file"), message


def test_table_size_limit(rules_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bsu_rules.ruleset.files.TABLE_LIMIT", 100)
    monkeypatch.setattr("bsu_rules.ruleset.tables.read_beside.__defaults__", (100,))
    assert "larger than the limit" in _codes(_with_table(rules_copy, "tables/minimum-wage-2022.csv"))[0][1]


def test_the_tables_of_a_rule_file_have_a_budget_in_all(rules_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each table under its own limit, many of them (or one file named by many) still load in seconds: past the
    budget a table is refused at its reference, unread."""
    monkeypatch.setattr("bsu_rules.ruleset.loader.TABLES_LIMIT", 8_000)  # the 2022 tables: 5 376 and 6 248 bytes
    found = check_file(rules_copy / "bsu-2022.yaml")[1]
    said = [d for d in found if "in all with table" in d.message]
    assert len(said) == 1 and said[0].code == "table" and said[0].file == str(rules_copy / "bsu-2022.yaml"), found
    text = (rules_copy / "bsu-2022.yaml").read_text("utf-8")
    assert said[0].line == text[:text.index("    file: tables/banks.csv")].count("\n") + 1, str(said[0])


def test_table_not_utf8(rules_copy: Path) -> None:
    (rules_copy / "tables" / "latin.csv").write_bytes(b"area_code,amount\n32\xe9,1\n")
    assert "not UTF-8" in _codes(_with_table(rules_copy, "tables/latin.csv"))[0][1]


def _rule_file(rules_copy: Path, text: str | bytes) -> Path:
    path = rules_copy / "attack.yaml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def _replace(rules_copy: Path, old: str, new: str) -> Path:
    text = (rules_copy / "bsu-2022.yaml").read_text("utf-8")
    assert old in text
    return _rule_file(rules_copy, text.replace(old, new, 1))


def test_alias_expansion_is_bounded(rules_copy: Path) -> None:
    levels = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    problems = _codes(_rule_file(rules_copy, "\n".join(levels) + "\n"))
    assert problems == [("too-large", f"more than {MAX_NODES:,} values once aliases are expanded")]


def test_yaml_nesting_is_bounded(rules_copy: Path) -> None:
    assert _codes(_rule_file(rules_copy, "x: " + "[" * 100 + "]" * 100 + "\n"))[0][0] == "too-deep"
    assert _codes(_rule_file(rules_copy, "x: " + "[" * 5000 + "]" * 5000 + "\n"))[0][0] == "too-deep"


def test_expression_depth_is_bounded(rules_copy: Path) -> None:
    deep = "(" * 80 + "member.citizenship == \"WNI\"" + ")" * 80
    problems = _codes(_replace(rules_copy, "require: member.citizenship == \"WNI\"", f"require: {deep}"))
    assert problems and problems[0][0] == "syntax" and "deeper than" in problems[0][1]
    nots = "not " * 200 + "true"
    assert "deeper than" in _codes(_replace(rules_copy, "require: member.citizenship == \"WNI\"",
                                            f"require: {nots}"))[0][1]


def test_a_chain_of_operators_is_bounded_once_grouped(rules_copy: Path) -> None:
    """``a + b + c`` is flat to the parser; grouped it nests one level per operator."""
    def attempt(terms: int) -> Path:
        chain = " + ".join(["fact.arrears"] + ["1"] * terms) + " >= 0"
        return _replace(rules_copy, "require: member.citizenship == \"WNI\"",
                        f"require: member.citizenship == \"WNI\" and {chain}")

    ruleset, diagnostics = check_file(attempt(100))
    assert ruleset is not None and ruleset.plan() is not None, diagnostics  # loads, plans and decides
    for terms in (400, 900):  # the checker's recursion stopped these with a traceback
        problems = _codes(attempt(terms))
        assert problems[0][0] == "syntax" and "once its operators are grouped" in problems[0][1]


@pytest.mark.parametrize("literal", ["1e999999999", "9" * 5000, "1." + "0" * 100])
def test_literal_size_is_bounded(rules_copy: Path, literal: str) -> None:
    problems = _codes(_replace(rules_copy, "value: 3500000", f"value: {literal}"))
    assert problems[0][0] == "literal-too-large"


@pytest.mark.parametrize("written", ["3_500_00", "35_00_000", "3_5000_00", "3500000_0"])
def test_a_number_grouped_with_underscores_other_than_in_threes_is_refused(rules_copy: Path, written: str) -> None:
    """`3_500_00` read as Rp350.000, with no word: a digit left out of a group is no amount to guess at."""
    problems = _codes(_replace(rules_copy, "value: 3500000", f"value: {written}"))
    assert problems == [("invalid-value", f"`{written}` groups its digits with `_` other than in threes, so the number "
                         f"meant is not clear (it reads as {written.replace('_', '')}): write its digits without `_`, "
                         "or in groups of three")]


@pytest.mark.parametrize(("old", "new", "said"), [
    ("as_of: 2022-07-31", "as_of: 2022_07_31", "`2022_07_31` is read as a number, not a date: a date is written with "
     "`-` (2022-07-31)"),
    ("value: 3500000", "value: 1_000_000e3", None)])
def test_a_date_written_with_underscores_is_told_the_date_and_an_exponent_is_no_group(
        rules_copy: Path, old: str, new: str, said: str | None) -> None:
    ruleset, diagnostics = check_file(_replace(rules_copy, old, new))
    assert ruleset is None
    told = [d.message for d in diagnostics if d.message.startswith(f"`{new.split(': ')[1]}`")]
    assert told == ([said] if said else []) and diagnostics


def test_a_number_grouped_with_underscores_in_threes_is_read(rules_copy: Path) -> None:
    ruleset, _ = check_file(_replace(rules_copy, "value: 3500000", "value: 3_500_000"))
    assert ruleset is not None and ruleset.model.parameters["wage_ceiling"].value == 3500000


def test_expression_number_size_is_bounded(rules_copy: Path) -> None:
    problems = _codes(_replace(rules_copy, "require: member.citizenship == \"WNI\"",
                               f"require: member.registered_on <= {'9' * 500}"))
    assert "a number of ten digits or more in it" in problems[0][1]


def test_encoding_and_control_characters(rules_copy: Path) -> None:
    text = (rules_copy / "bsu-2022.yaml").read_bytes()
    assert _codes(_rule_file(rules_copy, text.replace(b"Wage Subsidy", b"Wage \xff Subsidy")))[0][0] == "encoding"
    problems = _codes(_rule_file(rules_copy, text.replace(b"Wage Subsidy", b"Wage \x1b[2J Subsidy")))
    assert problems[0] == ("control-character", "control character U+001B (only tab and line breaks may appear)")
    flipped = "Wage \u202eSubsidy".encode()  # right-to-left override: "ydisbuS" shown to the worker
    problems = _codes(_rule_file(rules_copy, text.replace(b"Wage Subsidy", flipped)))
    assert problems[0][0] == "control-character" and "U+202E (an invisible direction mark" in problems[0][1]
    ruleset, _ = check_file(_rule_file(rules_copy, b"\xef\xbb\xbf" + text))  # a BOM is fine
    assert ruleset is not None


@pytest.mark.parametrize(("escape", "code"), [("\\x1b[2J", "U+001B"), ("\\u202e", "U+202E"), ("\\x00", "U+0000"),
                                             ("\\U000e0041", "U+E0041")])
def test_control_characters_written_as_escapes(rules_copy: Path, escape: str, code: str) -> None:
    """A double-quoted ``"\\x1b[2J"`` is a control character once YAML reads it: refused where it is
    written (a value, or a key), never printed to a terminal or a worker's page."""
    text = (rules_copy / "bsu-2022.yaml").read_text("utf-8")
    for edited in (text.replace("source: pm-10-2022, Pasal 3 ayat (2) huruf b",
                                f'source: "pm-10-2022, Pasal 3 {escape}"', 1),
                   text.replace("\nas_of:", f'\n"as_of{escape}": 1\nas_of:', 1)):
        assert edited != text
        problems = _codes(_rule_file(rules_copy, edited.encode()))
        assert problems[0][0] == "control-character" and f"{code} written as the escape" in problems[0][1], problems


def test_rule_file_itself_must_be_a_regular_file(rules_copy: Path) -> None:
    os.mkfifo(rules_copy / "fifo.yaml")
    assert _codes(rules_copy / "fifo.yaml")[0] == ("file", "the rule file is not a regular file")


def test_a_chain_of_facts_each_read_twice_stays_linear(rules_copy: Path) -> None:
    """Sixty facts, each the one before plus itself: read naively, 2**60 visits (a hang). A
    broken guard fails here through the alarm instead of hanging the run."""
    import json
    import shutil
    import signal

    import bsu_rules
    from bsu_rules.explain import render_text

    shutil.rmtree(rules_copy / "glossary")  # the facts have no glossary entries (their own error)
    chain = "".join(f"  f{i}: fact.f{i - 1} + fact.f{i - 1}\n" for i in range(1, 61))
    text = (rules_copy / "bsu-2022.yaml").read_text("utf-8").replace("facts:\n", f"facts:\n  f0: fact.wage\n{chain}", 1)
    path = _rule_file(rules_copy, text.replace('require: member.citizenship == "WNI"',
                                               'require: member.citizenship == "WNI" and fact.f60 >= 0', 1))
    record = json.loads((Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_text().split("\n")[0])

    def stop(*_: object) -> None:
        raise TimeoutError("a chain of facts took more than 60 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    try:
        ruleset = bsu_rules.load_ruleset(path)
        assert ruleset.member_reads(ruleset.facts["f60"]) == ruleset.member_reads(ruleset.facts["wage"])
        decision = bsu_rules.evaluate(ruleset, record)
        assert decision.outcome == bsu_rules.evaluate(bsu_rules.load_ruleset("bsu-2022"), record).outcome
        assert render_text(decision, ruleset, "id", "worker")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_glossary_beside_the_rule_file_stays_beside_it_and_is_never_echoed(rules_copy: Path) -> None:
    def problems() -> list[str]:
        return [d.message for d in check_file(rules_copy / "bsu-2022.yaml")[1] if d.code == "glossary"]

    glossary = rules_copy / "glossary" / "glossary.yaml"
    outside = rules_copy.parent / "outside.yaml"
    outside.write_text(f"names: {{x: {{id: {SECRET}, en: {SECRET}}}}}\n", "utf-8")
    glossary.unlink()
    glossary.symlink_to(outside)
    [message] = problems()
    assert "outside the rule file's folder" in message and SECRET not in message
    glossary.unlink()
    glossary.write_text(f"names: 5\nvalues:\n  x: {SECRET}\n", "utf-8")
    found = [d for d in check_file(rules_copy / "bsu-2022.yaml")[1] if d.file == str(glossary)]
    assert [(d.code, d.line) for d in found] == [("invalid-value", 1), ("invalid-value", 3)]  # told where they are
    assert not any(SECRET in d.message for d in found)


def test_a_table_whose_first_line_is_not_a_header_is_not_echoed(rules_copy: Path) -> None:
    (rules_copy / "tables" / "members.csv").write_text(f'{{"nik": "{SECRET}"}}\n', "utf-8")
    problems = _codes(_with_table(rules_copy, "tables/members.csv"))
    assert problems and problems[0][0] == "table" and SECRET not in problems[0][1]
    assert "not a header of column names" in problems[0][1]


def test_a_glossary_that_is_not_a_regular_file_is_refused(rules_copy: Path) -> None:
    glossary = rules_copy / "glossary" / "glossary.yaml"
    glossary.unlink()
    glossary.mkdir()
    messages = [d.message for d in check_file(rules_copy / "bsu-2022.yaml")[1] if d.code == "glossary"]
    assert messages and "is not a regular file" in messages[0]
    glossary.rmdir()
    glossary.write_text(f"names:\n  secret-{'3204125708940003'}: x\n  secret-{'3204125708940003'}: y\n", "utf-8")
    found = [d for d in check_file(rules_copy / "bsu-2022.yaml")[1] if d.code == "duplicate-key"]  # at its line there
    assert [(d.file, d.line) for d in found] == [(str(glossary), 3)]
    assert "is repeated" in found[0].message and "3204125708940003" not in str(found[0])


@pytest.mark.parametrize(("cell", "says", "bad"), [
    ('"Kota Jakarta \x1b[2J\x1b[31mSelatan\x07"', "control character U+001B", "\x1b"),
    ('"Kota Jakarta Selatan\nFAKE LINE"', 'a quote `"` is not closed: the cell runs on to line 4', '"'),
    ('"Kota Jakarta Selatan\rFAKE LINE"', "a line break inside a cell", "\r"),
    ('"Kota ""Jakarta""\x07"', "control character U+0007", "\x07")])
def test_a_table_cell_is_one_line_without_control_characters(rules_copy: Path, cell: str, says: str,
                                                             bad: str) -> None:
    """Refused at the CSV's line and column: a cell reaches explanations and pages."""
    table = rules_copy / "tables" / "ppkm-areas-2021.csv"
    text = table.read_text("utf-8")
    table.write_bytes(text.replace("3171,Kota Jakarta Pusat,", f"3171,{cell},", 1).encode())
    ruleset, diagnostics = check_file(rules_copy / "bsu-2021.yaml")
    assert ruleset is None and [(d.file, d.line, d.column, d.code) for d in diagnostics] == [
        (str(table), 3, len("3171,") + cell.index(bad) + 1, "table")], diagnostics
    assert says in diagnostics[0].message


@pytest.mark.parametrize(("old", "new"), [
    ('en: "Valid NIK"}', 'en: "Valid NIK\\r\\nFAKE LINE"}'),
    ('title: {id: "NIK valid"', 'title: {id: "NIK valid\\u2028FAKE"'),
    ("source: pm-10-2022, Pasal 3 ayat (2) huruf b", 'source: "pm-10-2022\\nFAKE LINE"'),
    ('version: "2022.9"', 'version: "2022.1\\rFAKE"'),
    ('version: "2022.9"', 'version: "2022.1\\tdraft"'),  # a decision refuses it: caught here, not mid-run
    ("  - id: valid-nik\n", '  - id: "valid-nik\\r\\nFAKE"\n'),
    ('en: "The participant is recorded', 'en: "The participant\\rELIGIBLE is recorded'),
    ('en: "The participant is recorded', 'en: "The participant\\n\\nELIGIBLE is recorded')])
def test_a_one_line_text_holds_no_line_break(rules_copy: Path, old: str, new: str) -> None:
    """A title, an explanation, a source, a version or an id is shown on one line: a line break could forge
    the next line of an officer's page, a worker's letter or `check`'s own output."""
    ruleset, diagnostics = check_file(_replace(rules_copy, old, new))
    assert ruleset is None and [d.code for d in diagnostics] == ["invalid-value"], diagnostics
    assert all("\n" not in str(d) and "\r" not in str(d) for d in diagnostics)
    assert diagnostics[0].line == (rules_copy / "attack.yaml").read_text("utf-8").split(new)[0].count("\n") + 1


def test_a_chain_of_facts_is_bounded_as_one_expression(rules_copy: Path) -> None:
    """``c1: fact.c0 + 1`` ... counts a level per fact: past 120 levels it is `too-deep` where the
    chain passes the limit (once), never a RecursionError in the checker or an evaluator."""
    import json
    import shutil

    import bsu_rules

    shutil.rmtree(rules_copy / "glossary")  # the facts have no glossary entries (their own error)

    def chain(n: int) -> Path:
        facts = "  c0: fact.wage\n" + "".join(f"  c{i}: fact.c{i - 1} + 1\n" for i in range(1, n))
        text = (rules_copy / "bsu-2022.yaml").read_text("utf-8").replace("facts:\n", f"facts:\n{facts}", 1)
        return _rule_file(rules_copy, text.replace('require: member.citizenship == "WNI"',
                                                   f'require: member.citizenship == "WNI" and fact.c{n - 1} > 0', 1))

    for n in (200, 300):
        ruleset, diagnostics = check_file(chain(n))
        assert ruleset is None and [(d.code, d.line) for d in diagnostics] == [
            ("too-deep", (rules_copy / "attack.yaml").read_text("utf-8").split("  c119:")[0].count("\n") + 1)]
        assert "nests 121 levels deep with the facts it reads (at most 120" in diagnostics[0].message
    ruleset = bsu_rules.load_ruleset(chain(117))  # the deepest this rule may read
    assert "too-deep" in [d.code for d in check_file(chain(118))[1]]
    pa = pytest.importorskip("pyarrow")
    from bsu_rules.evaluators.columnar import ColumnarPlan
    from bsu_rules.members.arrow import members_to_arrow

    records = [json.loads(line) for line in (Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
               .read_text("utf-8").splitlines() if line.strip()]
    plan = ruleset.plan()
    rows = ColumnarPlan(plan).decide(members_to_arrow(records)).column("outcome").to_pylist()
    assert rows == [plan.decide(bsu_rules.parse_member(r)).outcome.value for r in records] and pa


@pytest.mark.parametrize("bound", ["999999999 * 999999999 * 9 + 999999999 * 999999999 * 9",
                                   "999999999 * 999999999 * 999999999", "-999999999 * 999999999 * 99",
                                   " * ".join(["9"] * 22)])  # each literal under ten digits: no account number
def test_constants_that_add_up_past_64_bits_are_refused(rules_copy: Path, bound: str) -> None:
    """Each literal fits, their sum does not: refused at load (the columnar evaluator would stop)."""
    _, diagnostics = check_file(_replace(rules_copy, "require: fact.arrears <= param.max_arrears_months",
                                         f"require: fact.arrears <= {bound}"))
    errors = [(d.code, d.message) for d in diagnostics if d.severity.value == "error"]
    assert errors[0][0] == "literal-too-large" and "larger than the engine computes" in errors[0][1], errors
    assert len(errors) == 1, errors  # told once, where the constants first grow too wide (not at each product)


@pytest.mark.parametrize(("old", "new"), [
    ("source: pm-10-2022, Pasal 3 ayat (2) huruf b", "source: pm-10-2022 3204125708940003"),
    ('title: {id: "NIK valid"', 'title: {id: "NIK valid 0719204418"'),
    *[('title: {id: "NIK valid"', f'title: {{id: "NIK valid 32041257{mark}08940003"') for mark in
      ("\\u2060", "\\ufeff", "\\u200b", "\\u200c", "\\u200d", "\\u00ad", "\\u2062", "\\u180e", "\\u034f",
       "\\u115f", "\\u2060\\u2060\\u2060", "\u2060")],
    ('is only for Indonesian citizens (WNI)"', 'is only for Indonesian citizens (WNI), as 3204125708940003"'),
    ('source: pm-10-2022, Pasal 3 ayat (2) huruf b', 'source: "NIK 3204\\u200d1257\\u200d0894\\u200d0003"')])
def test_rule_text_holds_no_identifier_like_number(rules_copy: Path, old: str, new: str) -> None:
    """A title, a source or an explanation is shown to everyone as written: a NIK- or account-like number
    is refused, also with invisible characters (U+2060, U+FEFF, U+00AD …) between its digits."""
    ruleset, diagnostics = check_file(_replace(rules_copy, old, new))
    assert ruleset is None and [d.code for d in diagnostics] == ["invalid-value"], diagnostics
    assert "ten digits or more" in diagnostics[0].message and "3204125708940003" not in str(diagnostics[0])


@pytest.mark.parametrize(("old", "new", "at"), [
    ("    value: 2022\n", "    value: 3204125708940003\n", "3204125708940003\n"),
    ("    value: 2022\n", "    values: {2022-09-05: 2022, 2022-10-01: 3204125708940003}\n", "3204125708940003}"),
    ("  instalments: [600000]", "  instalments: [3204125708940003]", "3204125708940003]"),
    ("prioritize: not (received(", "prioritize: 3204125708940003 > 1 and not (received(", "3204125708940003 > 1"),
    ("prioritize: not (received(", "prioritize: 3204125708940003.5 > 1 and not (received(", "3204125708940003.5")])
def test_a_nik_written_as_a_number_is_refused_as_its_text_is(rules_copy: Path, old: str, new: str, at: str) -> None:
    """A parameter's value, a benefit amount or a literal in an expression of a NIK's 16 digits would go
    into every decision (``"param.fiscal_year": 3204125708940003``): refused where it is written, never shown."""
    path = _replace(rules_copy, old, new)
    ruleset, diagnostics = check_file(path)
    text = path.read_text("utf-8")
    errors = [d for d in diagnostics if d.severity.value == "error"]
    assert ruleset is None and len(errors) == 1, diagnostics
    line = text[:text.index(at)].count("\n") + 1
    assert errors[0].line == line and "a number of 16 digits" in errors[0].message, errors
    assert "names no person" in errors[0].message and "3204125708940003" not in str(errors[0])


@pytest.mark.parametrize(("old", "new", "column", "what"), [
    ("  - id: wage-earner", '  - id: "3204125708940003"', 9, "a rule id"),
    ("ruleset: bsu-2022", "ruleset: bsu-3204125708940003", 10, "a rule id"),
    ("  wage_ceiling:", "  wage_ceiling_3204125708940003:", 3, "a name"),
    ("  wage: last_wage", "  wage_3204_1257_0894_0003: last_wage", 3, "a name"),
    ("  minimum_wage:", "  minimum_wage_3204125708940003:", 3, "a name"),
    ("require: fact.wage <= param.wage_ceiling or", "require: fact.wage_3204125708940003 <= param.wage_ceiling or",
     14, "in it holds a number")])
def test_a_name_holds_no_identifier_like_number(rules_copy: Path, old: str, new: str, column: int,
                                                what: str) -> None:
    """A rule id, the ruleset id, a parameter, fact or table name is repeated in every decision as
    written: a NIK- or account-like number in one is refused where it is written, and never shown."""
    path = _replace(rules_copy, old, new)
    text = path.read_text("utf-8")
    line = text[:text.index(new)].count("\n") + 1  # where the edit is
    ruleset, diagnostics = check_file(path)
    errors = [d for d in diagnostics if d.severity.value == "error"]
    assert ruleset is None and [(d.line, d.column) for d in errors] == [(line, column)], errors
    assert "ten digits or more" in errors[0].message and what in errors[0].message
    assert not any(re.search(r"3204.?1257.?0894.?0003", str(d)) for d in diagnostics)


@pytest.mark.parametrize(("table", "old", "new", "says"), [
    ("banks.csv", None, "BANK 3204125708940003,BRI,yes,x\n", "ten digits or more"),
    ("banks.csv", None, "BANK 32041257\u206008940003,BRI,yes,x\n", "ten digits or more"),
    ("minimum-wage-2022.csv", "Kab. Karawang", "Kab.\u2028Karawang", "line separator U+2028"),
    ("minimum-wage-2022.csv", "4798312", "\u0664\u0667\u0669\u0668\u0663\u0661\u0662", "digits only")])
def test_a_table_cell_is_plain_text_or_a_plain_number(rules_copy: Path, table: str, old: str | None, new: str,
                                                      says: str) -> None:
    path = rules_copy / "tables" / table
    text = path.read_text("utf-8")
    path.write_text(text + new if old is None else text.replace(old, new, 1), "utf-8")
    ruleset, diagnostics = check_file(rules_copy / "bsu-2022.yaml")
    assert ruleset is None and diagnostics[0].file == str(path) and says in diagnostics[0].message, diagnostics
    assert "3204125708940003" not in str(diagnostics[0])


@pytest.mark.parametrize("command", [["check"], ["test"], ["doc", "--all"]])
def test_a_folder_scan_does_not_follow_a_link_out_of_the_folder(rules_copy: Path, tmp_path: Path, command: list[str],
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A `*.yaml` in a rules folder (or its tests) that links to a file elsewhere on the machine is an error
    naming the link, never read: its lines would otherwise be printed as unknown keys."""
    secret = tmp_path / "shadow"
    secret.write_text(f"{SECRET}: x\ncases: []\nruleset: bsu-2022\n", "utf-8")
    (rules_copy / "tests").mkdir()
    shutil.copy(ROOT / "rules" / "tests" / "bsu-2022.yaml", rules_copy / "tests")
    (rules_copy / "secrets.yaml").symlink_to(secret)
    (rules_copy / "tests" / "more.yaml").symlink_to(secret)
    (rules_copy / "current.yaml").symlink_to("bsu-2022.yaml")  # a link inside the folder is read
    extra = ["--out", str(tmp_path / "pages")] if command[0] == "doc" else []
    assert main([*command, str(rules_copy), *extra]) != 0
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err
    assert f"{rules_copy / 'secrets.yaml'}" in out.out + out.err
    assert "is a symbolic link that leads out of the folder" in out.out + out.err
    if command[0] == "test":
        assert f"{rules_copy / 'tests' / 'more.yaml'}:1:1: error [file]" in out.out
    (rules_copy / "secrets.yaml").unlink()
    (rules_copy / "tests" / "more.yaml").unlink()
    assert main([*command, str(rules_copy), *extra]) == 0, out  # without the links the same folder passes
    capsys.readouterr()


def test_a_test_file_does_not_find_its_rule_file_through_a_link_out(rules_copy: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "shadow"
    secret.write_text(f"{SECRET}: x\n", "utf-8")
    (rules_copy / "secrets.yaml").symlink_to(secret)
    (rules_copy / "tests").mkdir()
    test_file = rules_copy / "tests" / "t.yaml"
    test_file.write_text("ruleset: secrets\ncases:\n  - name: x\n    member: {nik: '3201010101900001'}\n"
                         "    expect: {outcome: ineligible}\n", "utf-8")
    assert main(["test", str(test_file)]) == 1
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err
    assert "error [unknown-ruleset]: no rule file `secrets`" in out.out


def test_a_glob_the_tool_expands_does_not_follow_a_link_out(rules_copy: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "shadow"
    secret.write_text(f"{SECRET}: x\n", "utf-8")
    (rules_copy / "secrets.yaml").symlink_to(secret)
    assert main(["check", str(rules_copy / "*.yaml")]) == 1  # quoted: the shell left the glob alone
    out = capsys.readouterr().out
    assert SECRET not in out
    assert f"{rules_copy / 'secrets.yaml'}:1:1: error [file]: the rule file is a symbolic link" in out


def test_the_names_in_scope_are_gathered_once_for_a_file() -> None:
    """A file of thousands of facts is checked in time linear in them: the names an expression may read are
    gathered once, kept up to date as each fact is typed, and a checker's own names stay its own."""
    from bsu_rules.ruleset.checker import Scope, TypeChecker
    from bsu_rules.ruleset.types import INT

    scope = Scope({"rounding": INT}, {}, {"a": "", "b": ""})
    names = scope.names()
    scope.typed("a", INT)
    assert scope.names() is names and names["fact.a"] == INT and names["fact.b"] is None
    checker = TypeChecker(scope, lambda *_: None)
    checker.names.update({"result": INT})
    assert checker.names["result"] == INT and "result" not in scope.names()


@pytest.mark.parametrize(("old", "new", "line", "column"), [
    ("  - id: citizen\n", "  - id: " + "c" * 100_000 + "\n", 105, 9),
    ("ruleset: bsu-2022\n", "ruleset: bsu-" + "x" * 60 + "-2022\n", 4, 10),
    ("facts:\n", "facts:\n  " + "d" * 500 + ": fact.wage + 1\n", 82, 3),
    ("parameters:\n", "parameters:\n  " + "p" * 65 + ": {value: 1}\n", 22, 3),
    ("  banks:\n", "  " + "t" * 65 + ":\n", 74, 3),
], ids=["rule", "ruleset", "fact", "parameter", "table"])
def test_a_name_is_at_most_64_characters(rules_copy: Path, old: str, new: str, line: int, column: int) -> None:
    """A name is repeated in every decision and message: a page of `c`s as a rule id is refused where it is
    written, shown cut short, not echoed whole in a warning."""
    diagnostics = check_file(_replace(rules_copy, old, new))[1]
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("invalid-value", line, column)]
    assert "characters long" in diagnostics[0].message and "at most 64" in diagnostics[0].message
    assert len(str(diagnostics[0])) < 300


def test_a_name_of_64_characters_is_taken(rules_copy: Path) -> None:
    name = "f" * 64
    path = _replace(rules_copy, "  - id: citizen\n", f"  - id: {'c' * 64}\n")
    assert [d.code for d in check_file(path)[1] if d.severity.value == "error"] == ["no-glossary-entry"]
    path = _replace(rules_copy, "facts:\n", f"facts:\n  {name}: fact.wage + 1\n")
    assert [d.code for d in check_file(path)[1] if d.severity.value == "error"] == ["no-glossary-entry"]


def test_a_spelling_is_sought_for_the_first_100_unknown_names(rules_copy: Path) -> None:
    """Each unknown name's spelling is sought against every name: a file of thousands of them would take
    minutes, so past 100 distinct names one is told without a suggestion (a name used again keeps its own)."""
    shutil.rmtree(rules_copy / "glossary")  # the facts have no glossary entries (their own error)
    facts = "".join(f"  d{i}: fact.x{i} + 1\n" for i in range(10, 160)) + "  again: fact.x10 + 1\n"
    diagnostics = check_file(_replace(rules_copy, "facts:\n", f"facts:\n{facts}"))[1]
    told = {d.message.split("`")[1]: d.suggestion for d in diagnostics if d.code == "unknown-name"}
    assert len(told) == 150 and [told[f"fact.x{i}"] for i in (10, 109)] == ["fact.d10", "fact.d109"]
    assert [told[f"fact.x{i}"] for i in (110, 159)] == [None, None]
    assert [d.suggestion for d in diagnostics if d.code == "unknown-name" and "`fact.x10`" in d.message] == \
        ["fact.d10", "fact.d10"]
    assert not any("is declared under" in d.message for d in diagnostics)


def test_each_expression_of_a_rule_file_is_parsed_once(rules_copy: Path) -> None:
    """Several passes read a rule file's expressions (its values misread, the parameters taken as months, the
    checker): each text is parsed once, one that does not parse too (the parser's own cache keeps none of
    those, and a bounded number of the others, which a file of thousands of facts passes)."""
    from bsu_rules.ruleset.expressions import _built

    shutil.rmtree(rules_copy / "glossary")  # the facts have no glossary entries (their own error)
    parsed = []
    for facts in ("", "".join(f"  good{i}: fact.wage + {i}\n  bad{i}: fact.wage + + {i}\n" for i in range(5))):
        _built.cache_clear()
        diagnostics = check_file(_replace(rules_copy, "facts:\n", f"facts:\n{facts}"))[1]
        parsed.append(_built.cache_info().misses)
    assert sum(d.code == "syntax" for d in diagnostics) == 5
    assert parsed[1] - parsed[0] == 10


def test_a_name_meant_is_sought_for_the_first_100_parameters_never_used(rules_copy: Path) -> None:
    """A parameter never used is told where it is declared when a name close to it is used and declared
    nowhere, each sought against every such name: with more than 100 of those, for the first 100 parameters
    only (a file of thousands of both would take minutes); with fewer, for every parameter."""
    shutil.rmtree(rules_copy / "glossary")  # the facts have no glossary entries (their own error)
    params = "".join(f"  p{i:03d}_declared: {{value: {i}, source: pm-10-2022}}\n" for i in range(102))

    def told(uses: range) -> list[str]:
        facts = "".join(f"  d{i:03d}: param.p{i:03d}_declard + 1\n" for i in uses)
        text = _replace(rules_copy, "parameters:\n", f"parameters:\n{params}").read_text("utf-8")
        diagnostics = check_file(_rule_file(rules_copy, text.replace("facts:\n", f"facts:\n{facts}", 1)))[1]
        return [d.suggestion or "" for d in diagnostics if "is never used, while" in d.message]

    assert told(range(102)) == [f"p{i:03d}_declard" for i in range(100)]
    assert told(range(2, 102)) == [f"p{i:03d}_declard" for i in range(2, 102)]


def test_rule_files_with_errors_checked_together_are_each_read_once_for_their_edition(
        rules_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file with errors is not loaded: its edition (for the gaps between editions) is read from it alone, not
    from every rule file beside it (a folder of many large ones checked together would read each once a file)."""
    from bsu_rules.ruleset import editions

    read: list[str] = []
    real = editions.read_yaml
    monkeypatch.setattr(editions, "read_yaml", lambda text, name: read.append(Path(name).name) or real(text, name))
    text = (rules_copy / "bsu-2022.yaml").read_text("utf-8").replace("facts:\n", "facts:\n  bad: fact.wage + +\n", 1)
    broken = [rules_copy / f"bsu-2022-{n}.yaml" for n in ("a", "b", "c")]
    for path in broken:
        path.write_text(text, "utf-8")
    assert main(["check", *map(str, broken)]) == 1
    assert sorted(read) == ["bsu-2022-a.yaml", "bsu-2022-b.yaml", "bsu-2022-c.yaml"]
