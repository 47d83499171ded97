"""Lint warnings: each code is triggered by its fixture in tests/fixtures/lint/, at the right place.

A fixture marks what it expects with comments: ``# expect: CODE`` on the line the diagnostic
must point at (``CODE@COLUMN`` to pin the column too), or ``# expect: CODE at FILE:LINE`` for a
diagnostic in another file (a table).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from bsu_rules.cli import main
from bsu_rules.members.model import REGENCY_CODE
from bsu_rules.ruleset.diagnostics import Code, Diagnostic, Severity
from bsu_rules.ruleset.editions import gaps, overlapping
from bsu_rules.ruleset.folding import _fits
from bsu_rules.ruleset.lint import CODES
from bsu_rules.ruleset.loader import bundled_rules, check_file, load_ruleset
from bsu_rules.ruleset.overrides import reform_of

FIXTURES = Path(__file__).parent / "fixtures" / "lint"
EXPECT = re.compile(r"# expect: ([a-z-]+)(?:@(\d+))?(?: at (\S+):(\d+))?")


def expectations(path: Path) -> set[tuple[str, str, int, int | None]]:
    out = set()
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        for code, column, other, other_line in EXPECT.findall(line):
            file = str(path.parent / other) if other else str(path)
            out.add((code, file, int(other_line) if other else number, int(column) if column else None))
    return out


def linted(path: Path) -> list[Diagnostic]:
    """A fixture's diagnostics, less the names the bundled glossary lacks (the fixtures have no glossary
    beside them: ``test_a_file_without_a_glossary_is_checked_against_the_bundled_one``), and a rule's missing
    explanation but in the fixture of that code (the others' rules, written for their own code, explain nothing)."""
    return [d for d in check_file(path)[1] if d.code != Code.NO_GLOSSARY_ENTRY
            and (d.code != Code.MISSING_EXPLAIN or path.stem == Code.MISSING_EXPLAIN)]


def found(path: Path) -> set[tuple[str, str, int, int | None]]:
    return {(d.code, d.file, d.line, d.column) for d in linted(path)}


@pytest.mark.parametrize(("amended", "column", "said"), [
    ("[{by: pm-5-2025, from: 2025-06-02}, {by: pm-5-2O25, from: 2025-07-01}]", 55,
     "amended[1].by: `pm-5-2O25` is no key of `legal_basis`: list it there with the regulation's name; did you "
     "mean `pm-5-2025`?"),
    ("[{by: pm-10-2022, from: 2025-06-02}]", 20, "amended[0].by: a regulation is amended by another one"),
    ("[{by: pm-5-2025, from: 2025-06-02}, {by: pm-5-2025, from: 2024-01-01}]", 72,
     "amended[1].from: list the amendments by date: this one is older than the one before it (2025-06-02)"),
])
def test_a_glossary_amendment_s_mistake_is_told_at_its_value(tmp_path: Path, amended: str, column: int,
                                                             said: str) -> None:
    shutil.copytree(bundled_rules(), tmp_path, dirs_exist_ok=True)
    glossary = tmp_path / "glossary" / "glossary.yaml"
    lines = glossary.read_text("utf-8").splitlines()
    (number,) = [n for n, line in enumerate(lines, 1) if line == "    amended: [{by: pm-5-2025, from: 2025-06-02}]"]
    lines[number - 1] = f"    amended: {amended}"
    glossary.write_text("\n".join(lines) + "\n", "utf-8")
    (d,) = check_file(tmp_path / "bsu-2022.yaml")[1]
    assert (d.line, d.column, d.code) == (number, column, Code.INVALID_VALUE)
    assert d.message.startswith(f"legal_basis.pm-10-2022.{said}")


def test_a_file_without_a_glossary_is_checked_against_the_bundled_one(tmp_path: Path) -> None:
    """Its pages read the bundled glossary: a citation or a name it lacks is warned, not lost unsaid."""
    shutil.copytree(bundled_rules() / "tables", tmp_path / "tables")
    text = (bundled_rules() / "bsu-2022.yaml").read_text("utf-8").replace(
        "  bpjs-tk: Ketentuan", "  pm-contoh: Peraturan Menteri Contoh\n  bpjs-tk: Ketentuan")
    (tmp_path / "bsu-2022.yaml").write_text(text, "utf-8")
    (d,) = check_file(tmp_path / "bsu-2022.yaml")[1]
    assert (d.code, d.severity) == (Code.NO_GLOSSARY_ENTRY, Severity.WARNING)
    assert "`pm-contoh` has no entry under `legal_basis` in the bundled glossary" in d.message
    shutil.copytree(bundled_rules() / "glossary", tmp_path / "glossary")  # its own glossary: an error there
    (d,) = check_file(tmp_path / "bsu-2022.yaml")[1]
    assert (d.code, d.severity) == (Code.NO_GLOSSARY_ENTRY, Severity.ERROR)


@pytest.mark.parametrize("code", CODES)
def test_each_code_has_a_fixture(code: str) -> None:
    assert (FIXTURES / f"{code}.yaml").is_file()


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.stem)
def test_fixture_gives_exactly_what_it_marks(path: Path) -> None:
    expected = expectations(path)
    got = found(path)
    for code, file, line, column in expected:
        assert any(g[:3] == (code, file, line) and column in (None, g[3]) for g in got), \
            f"{code} expected at {file}:{line}{f':{column}' if column else ''}; got {sorted(got)}"
    assert {g[:3] for g in got} == {e[:3] for e in expected}, "unexpected diagnostics"
    if path.stem in CODES:
        assert any(e[0] == path.stem for e in expected)


def test_a_file_with_a_lint_error_is_not_called_loaded(capsys: pytest.CaptureFixture[str]) -> None:
    """`check` prints a rule set's sha256 line only for a file `evaluate` would load."""
    ruleset, diagnostics = check_file(FIXTURES / "invalid-argument.yaml")
    assert ruleset is None and any(d.severity == Severity.ERROR for d in diagnostics)
    assert main(["check", str(FIXTURES / "invalid-argument.yaml")]) == 1
    assert "sha256" not in capsys.readouterr().out


@pytest.mark.parametrize(("edition", "year"), [("bsu-2022", "20222"), ("bsu-2021", "2201"), ("bsu-2020", "1999")])
def test_a_fiscal_year_no_receipt_can_be_for_is_warned_at_its_value(tmp_path: Path, edition: str, year: str) -> None:
    """A receipt's year is 2000-2100 in the data contract: `received` (or `received_by`) given a fiscal year
    outside it (a digit too many) matches no record, so an exclusion by it would never fire, unsaid."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / f"{edition}.yaml"
    text = path.read_text("utf-8")
    written = f"  fiscal_year:\n    value: {edition[-4:]}\n"
    assert text.count(written) == 1
    path.write_text(text.replace(written, f"  fiscal_year:\n    value: {year}\n"), "utf-8")
    ruleset, diagnostics = check_file(path)
    found = [d for d in diagnostics if d.code == "unknown-value"]
    assert ruleset is not None and len(found) == 1 and found[0].severity == Severity.WARNING
    assert text[:text.index(written)].count("\n") + 2 == found[0].line
    assert f"a receipt's year is 2000-2100 in the data contract (no receipt matches another), got {year} from " \
        "`param.fiscal_year`" in found[0].message


def test_a_year_past_the_contract_s_given_to_received_by_is_said_to_match_every_receipt(tmp_path: Path) -> None:
    """``received_by`` is a receipt in or before its year: one past 2100 matches every receipt of its programmes,
    whatever its year (not none, as for ``received``), and the warning says so."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2021.yaml"
    text = path.read_text("utf-8")
    call = 'received_by(member.program_receipts, ["PRAKERJA"], param.fiscal_year)'
    assert text.count(call) == 1
    path.write_text(text.replace(call, call.replace("param.fiscal_year", "20212")), "utf-8")
    ruleset, diagnostics = check_file(path)
    found = [d for d in diagnostics if d.code == "unknown-value"]
    assert ruleset is not None and len(found) == 1 and found[0].severity == Severity.WARNING
    assert "`received_by`: a receipt's year is 2000-2100 in the data contract (a year before it matches no " \
        "receipt, a year after it every receipt of the programmes), got 20212" in found[0].message
    assert "no receipt matches another" not in found[0].message


def test_a_bank_alias_not_written_as_bank_key_writes_it_can_never_match(tmp_path: Path) -> None:
    """The bank table is looked up with ``bank_key(...)``: an alias in another form is a dead row."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    banks = tmp_path / "rules" / "tables" / "banks.csv"
    banks.write_text(banks.read_text("utf-8") + "Bank BRI,BNI,yes,x\nJAGO,JAGO,no,x\n", "utf-8")
    found = [d for d in linted(tmp_path / "rules" / "bsu-2022.yaml") if d.code == "unmatchable-key"]
    assert [(Path(d.file).name, d.message.split(" of ")[0]) for d in found] == [("banks.csv", "key `Bank BRI`")]
    assert "list the key as bank_key writes it" in found[0].message


def test_a_table_of_text_said_to_be_rupiah_is_refused_at_its_unit(tmp_path: Path) -> None:
    """`unit: IDR` says the values are amounts: on the bank table (names) it is the author's mistake."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace("    value: bank\n", "    value: bank\n    unit: IDR\n"), "utf-8")
    (d,) = linted(path)
    assert (d.code, d.severity, d.line) == ("type-mismatch", Severity.ERROR, path.read_text("utf-8").split(
        "    unit: IDR\n    source: Names")[0].count("\n") + 1), d
    assert "`table.banks` holds text" in d.message and "leave `unit` out" in d.message


def test_a_table_that_says_nowhere_where_its_figures_come_from_is_warned(tmp_path: Path) -> None:
    """A table needs a `source:` or a `source` column: either is enough, neither is warned at the table."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    lines = text.splitlines(keepends=True)
    (at,) = [n for n, line in enumerate(lines) if line.startswith("    source: Published UMK/UMP 2022")]
    path.write_text("".join(lines[:at] + lines[at + 1:]), "utf-8")
    assert not [d for d in linted(path) if d.code == "missing-source"]  # each row has its source
    table = tmp_path / "rules" / "tables" / "minimum-wage-2022.csv"
    rows = list(csv.reader(io.StringIO(table.read_text("utf-8"))))
    with table.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(row[:-1] for row in rows)  # the `source` column, last, cut
    (found,) = [d for d in linted(path) if d.code == "missing-source"]
    assert (found.line, found.column) == (text.splitlines().index("  minimum_wage:") + 1, 3)
    assert "`table.minimum_wage` says nowhere where its figures come from" in found.message
    assert "`tables/minimum-wage-2022.csv`" in found.message and found.severity == Severity.WARNING


def test_warnings_carry_rule_ids_and_severity() -> None:
    diagnostics = linted(FIXTURES / "never-fires.yaml")
    assert {d.rule for d in diagnostics} == {"literal", "empty-list", "enum-values", "constant-fact"}
    assert all(d.severity == Severity.WARNING for d in diagnostics)
    diagnostics = linted(FIXTURES / "empty-window.yaml")
    assert [(d.code, d.severity) for d in diagnostics] == [("empty-window", Severity.ERROR)]


def test_messages_say_what_to_do() -> None:
    diagnostics = linted(FIXTURES / "unmatchable-key.yaml")
    by_key = {d.message.split("`")[1]: d.message for d in diagnostics}
    assert "(a regency or city code of Kemendagri such as 3273, or a province's two digits and 00 such as 3200)" \
        in by_key["3l16"], by_key["3l16"]
    assert "a province code: two digits, such as 32" in by_key["3l16"] and "\\d" not in by_key["3l16"]
    assert "one of A, B" in by_key["Z"]
    diagnostics = linted(FIXTURES / "unknown-source.yaml")
    assert {d.suggestion for d in diagnostics} == {"pm-1", None}  # a mistyped key; the benefit in words: no key
    diagnostics = linted(FIXTURES / "gapped-parameter.yaml")
    assert any("from 2022-11-01 onwards" in d.message for d in diagnostics)
    assert not any("old_rounding" in d.message for d in diagnostics)


@pytest.mark.parametrize(("source", "code", "severity", "says", "suggestion"), [
    ("pm-10-2022", "missing-source", Severity.WARNING, "`pm-10-2022` names the regulation but no article", None),
    ("pm-10-2O22, Pasal 3 ayat (2) huruf d", "unknown-source", Severity.ERROR, "this file's `legal_basis`",
     "pm-10-2022"),
    ("pm-cotoh, Pasal 1", "unknown-source", Severity.ERROR, "`pm-cotoh` is not a key of this file's", None),
    ("pm-10-2022, Pasal 3; uu-24-2011, Pasal 15", "unknown-source", Severity.ERROR, "`uu-24-2011` is not a key",
     None),  # a page would cite it as an article of pm-10-2022
    ("pm-10-2022, Pasal 3; Lampiran I", None, None, "", None),
    ("pm-10-2022 (Permenaker 10/2022); bpjs-tk", "missing-source", Severity.WARNING, "but no article", None),
    ("pm-10-2022 (catatan), Pasal 3; Pasal 4", None, None, "", None),  # read as a page cites it: no finding
    ("pm-10-2022; bpjs-tk, Pasal 1", None, None, "", None),
    ("pm-10-2022;", "missing-source", Severity.WARNING, "but no article", None),  # an empty part is none
    ("pm-10-2022, Pasal 3 ayat (2a)", None, None, "", None),  # an inserted paragraph is a pinpoint, not a remark
    ("pm-10-2022, Pasal 3; pm-10-2O22, Pasal 4", "unknown-source", Severity.ERROR, "`pm-10-2O22` is not a key",
     "pm-10-2022"),  # a mistyped key is not cited as an article
    ("(lihat pm-10-2022, Pasal 3)", "unknown-source", Severity.ERROR, "cites no legal-basis key", None),
    # a later part a page would cite as an article of the regulation before it
    ("pm-10-2022, Pasal 3; uu-24-2011 Pasal 15", "unknown-source", Severity.ERROR, "`uu-24-2011` is not a key", None),
    ("pm-10-2022, Pasal 3; pm 10-2022, Pasal 4", "unknown-source", Severity.ERROR, "`pm 10-2022` is not a key",
     "pm-10-2022"),
    ("pm-10-2022, Pasal 3; pm-1O-2022 Pasal 4", "unknown-source", Severity.ERROR, "`pm-1O-2022` is not a key",
     "pm-10-2022"),
    ("pm-10-2022, Pasal 3; UU 24/2011, Pasal 15", "unknown-source", Severity.ERROR, "`UU 24/2011` is not a key",
     None),
    ("pm-10-2022, Pasal 3; bpjs-tk Pasal 2", "unknown-source", Severity.ERROR, "write a comma after the key",
     "bpjs-tk, Pasal 2"),
    ("pm-10-2022 Pasal 3", "unknown-source", Severity.ERROR, "write a comma after the key", "pm-10-2022, Pasal 3"),
    ("pm-10-2022, Pasal 3; ayat (4); Penjelasan Pasal 3; Paragraf 2", None, None, "", None),
    ("pm-10-2022, Pasal 3; Pasal 15 UU 24/2011", "unknown-source", Severity.ERROR,
     "names a regulation inside an article", None),  # cited as an article of pm-10-2022 otherwise
    ("pm-10-2022, Pasal 3 Permenaker 5/2025", "unknown-source", Severity.ERROR, "names a regulation inside", None),
    ("pm-10-2022, Pasal 3; Pasal-4", "unknown-source", Severity.ERROR, "`Pasal-4` is not a key", None),
    ("pm-10-2022, Pasal 3; Pasal 15, UU 24/2011", "unknown-source", Severity.ERROR, "names a regulation", None),
    ("pm-10-2022, Pasal 3; Pasal 2 bpjs-tk", "unknown-source", Severity.ERROR, "names a regulation", None),
    ("pm-10-2022, Pasal 3 Undang-undang Nomor 24 Tahun 2011", "unknown-source", Severity.ERROR, "names a regulation",
     None),
    ("pm-10-2022, Pasal 3 tentang upah", "unknown-source", Severity.WARNING, "a page in English cites it as written",
     None),
    ("pm-10-2022, Pasal 3 Permenaker 99/2020 sebagaimana diubah", "unknown-source", Severity.ERROR,
     "cites the text of `pm-99-2020`, which `legal_basis` does not list", None),
    ("pm-10-2022, Pasal 3 Peraturan Menteri ini", None, None, "", None),  # cited as `Pasal 3` of the key's
    ("pm-10-2022, Pasal 3 Undang-Undang ini", "unknown-source", Severity.ERROR, "names a regulation", None),
    ("pm-10-2022, Pasal 3 sebagaimana diubah dan Pasal 4", "unknown-source", Severity.WARNING, "cites it as written",
     None),
    ("pm-10-2022, Pasal 3 Permenaker 10/2022 sebagaimana diubah", "unknown-source", Severity.ERROR,
     "cites `pm-10-2022` as amended by `pm-10-2022`, which the glossary does not record", None),  # by itself
    ("bpjs-tk, Pasal 3 Permenaker 10/2022 sebagaimana diubah", "unknown-source", Severity.ERROR,
     "`pm-10-2022` is amended by `pm-5-2025`", None),
    ("pm-10-2022, Pasal 3 Permenaker 14/2020 sebagaimana diubah dan Pasal 4", "unknown-source", Severity.ERROR,
     "goes on after the text it amends", None),
    ("pm-10-2022, Pasal" + " " * 30_000 + "3", None, None, "", None),  # in time linear in the spaces
    ("pm-10-2022, Pasal 1, angka 5", None, None, "", None), ("pm-10-2022, Bab II, Pasal 4", None, None, "", None),
    ("pm-10-2022, Lampiran II, Bagian Kedua", None, None, "", None), ("pm-10-2022, Pasal 3, (2)", "unknown-source",
                                                            Severity.WARNING, "cites it as written", None),
])
def test_a_criterion_cites_an_article_of_a_known_regulation(tmp_path: Path, source: str, code: str | None,
                                                            severity: Severity | None, says: str,
                                                            suggestion: str | None) -> None:
    """A refusal cites the article its criterion names: one citing the whole regulation is warned, and one whose
    legal-basis key is unknown (the page would cite nothing) is refused, at the source."""
    shutil.copytree(bundled_rules() / "tables", tmp_path / "tables")
    shutil.copytree(bundled_rules() / "glossary", tmp_path / "glossary")
    text = (bundled_rules() / "bsu-2022.yaml").read_text("utf-8")
    old = "    source: pm-10-2022, Pasal 3 ayat (2) huruf d\n"
    assert text.count(old) == 1
    (tmp_path / "bsu-2022.yaml").write_text(text.replace(old, f"    source: {source}\n"), "utf-8")
    found = check_file(tmp_path / "bsu-2022.yaml")[1]
    if code is None:
        assert found == []
        return
    [d] = found
    line = text[:text.index(old)].count("\n") + 1
    assert (d.code, d.severity, d.line, d.column, d.rule) == (code, severity, line, 13, "not-pns-tni-polri")
    assert says in d.message and d.suggestion == suggestion


def test_a_benefit_cited_in_free_text_is_warned_its_letter_would_cite_nothing(tmp_path: Path) -> None:
    """A letter cites the benefit's article by its regulation's key: a source written as free text
    (``Permenaker 10/2022 Pasal 6 ayat (1)``) cites nothing there, and `check` says so."""
    shutil.copytree(bundled_rules() / "tables", tmp_path / "tables")
    text = (bundled_rules() / "bsu-2022.yaml").read_text("utf-8")
    old = "  source: pm-10-2022, Pasal 6 ayat (1) (Rp600.000 sekali)\n"
    assert text.count(old) == 1
    (tmp_path / "bsu-2022.yaml").write_text(
        text.replace(old, "  source: Permenaker 10/2022 Pasal 6 ayat (1) (Rp600.000 sekali)\n"), "utf-8")
    [d] = check_file(tmp_path / "bsu-2022.yaml")[1]
    assert (d.code, d.severity, d.line) == ("unknown-source", Severity.WARNING, text[:text.index(old)].count("\n") + 1)
    assert "`Permenaker` is not a key of `legal_basis`" in d.message and "`pm-10-2022, Pasal 6 ayat (1)`" in d.message


@pytest.mark.parametrize("path", sorted(bundled_rules().glob("*.yaml")), ids=lambda p: p.stem)
def test_bundled_rule_files_are_clean(path: Path) -> None:
    _, diagnostics = check_file(path)
    assert [str(d) for d in diagnostics] == []


def test_a_cut_off_month_moved_without_as_of_is_warned_as_impact_warns(tmp_path: Path) -> None:
    shutil.copytree(bundled_rules() / "tables", tmp_path / "tables")
    text = (bundled_rules() / "bsu-2022.yaml").read_text("utf-8")
    path = tmp_path / "bsu-2022.yaml"
    path.write_text(text.replace("    value: 2022-07\n", "    value: 2022-08\n"), "utf-8")
    d, *titles = check_file(path)[1]
    # the titles stating July 2022 are stale too, although as_of still holds 31 July: the criteria read the cut-off
    assert {(t.code, t.rule) for t in titles} == {("stale-title", r) for r in (
        "registered-by-cutoff", "membership-not-ended", "not-deceased-by-cutoff", "contribution-billed")}
    said = {t.message.rsplit("reads: ", 1)[-1] for t in titles}  # each title as it should now read
    assert {"Registered as a participant by 31 August 2022", "Contribution billed for August 2022",
            "Terdaftar sebagai peserta paling lambat 31 Agustus 2022"} <= said, said
    assert (d.code, d.line, d.severity) == ("data-date", text[:text.index("value: 2022-07")].count("\n") + 1,
                                            Severity.WARNING)
    assert d.message.endswith("set `as_of: 2022-08-31` (its last day); if as_of is, set the month to 2022-07")
    (said,) = reform_of(load_ruleset("bsu-2022"), ["cutoff_month=2022-08"], []).warnings  # type: ignore[attr-defined]
    assert said.startswith("--set cutoff_month=2022-08: " + d.message.split(" but as_of")[0] + " but as_of stays")


def _editions_with_2022_until(tmp_path: Path, until: str) -> tuple[Path, int]:
    """The bundled editions in a folder of their own, bsu-2022 ending on ``until``; and the line of its ``until``."""
    folder = tmp_path / "rules"
    shutil.copytree(bundled_rules() / "tables", folder / "tables")
    for edition in bundled_rules().glob("*.yaml"):
        shutil.copy(edition, folder)
    text = (folder / "bsu-2022.yaml").read_text("utf-8")
    (folder / "bsu-2022.yaml").write_text(text.replace("  until: 2025-06-01\n", f"  until: {until}\n"), "utf-8")
    return folder, text[:text.index("  until: 2025-06-01")].count("\n") + 1


def test_editions_in_force_on_one_day_are_warned_when_checked_together(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder, line = _editions_with_2022_until(tmp_path, "2025-12-31")
    assert main(["check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"bsu-2022.yaml:{line}:10: warning [overlapping-editions]: bsu-2022 (" in out
    assert ("bsu-2025.yaml, in force from 2025-06-02, with no end date) are both in force from 2025-06-02 until "
            "2025-12-31: a decision dated then could be made under either; end bsu-2022 on 2025-06-01") in out
    assert out.endswith("4 files: 0 errors, 1 warning\n")
    assert main(["check", str(folder / "bsu-2022.yaml")]) == 0  # one file: no other edition to meet
    assert capsys.readouterr().out.endswith("1 file: 0 errors, 0 warnings\n")
    bundled = [load_ruleset(p) for p in sorted(bundled_rules().glob("*.yaml"))]
    assert overlapping(bundled) == []  # 2020 and 2021, revoked together on one day, run alongside by design


def test_days_between_editions_that_no_edition_covers_are_warned_when_checked_together(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, line = _editions_with_2022_until(tmp_path, "2022-10-01")
    assert main(["check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert (f"bsu-2022.yaml:{line}:10: warning [gap-between-editions]: no edition is in force from 2022-10-02 until "
            "2025-06-01: bsu-2022 ends on 2022-10-01 and bsu-2025 (") in out
    assert out.endswith("4 files: 0 errors, 1 warning\n")
    bundled = [load_ruleset(p) for p in sorted(bundled_rules().glob("*.yaml"))]
    assert gaps(bundled) == []  # 2021 starts within 2020's window; each edition ends the day before the next


def test_a_gap_left_by_an_edition_whose_window_is_empty_advises_correcting_that_edition(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """bsu-2022 ending before it starts is not loaded: the days it would cover are a gap, and the fix is its
    window, not bsu-2020 run on for three years."""
    folder, _ = _editions_with_2022_until(tmp_path, "2022-09-01")
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert ("so a decision dated between them is refused; bsu-2022 (" + str(folder / "bsu-2022.yaml") + "), which "
            "would cover these days, has an empty window (it starts on 2022-09-05, after it ends on 2022-09-01): "
            "correct its `in_force` rather than run bsu-2020 on\n") in out, out
    assert "end it on" not in out and "error [empty-window]: the edition starts on 2022-09-05" in out


def test_a_copied_edition_that_keeps_the_id_it_was_copied_from_is_refused_when_checked_together(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 2026 file copied from 2025 with its `ruleset:` line left as it was would be decided, and tested, as
    bsu-2025."""
    folder = tmp_path / "rules"
    shutil.copytree(bundled_rules(), folder)
    text = (folder / "bsu-2025.yaml").read_text("utf-8")
    (folder / "bsu-2026.yaml").write_text(text.replace("  from: 2025-06-02\n", "  from: 2026-06-01\n"), "utf-8")
    assert main(["check", str(folder)]) == 1
    line = text[:text.index("ruleset: bsu-2025")].count("\n") + 1
    assert f"bsu-2026.yaml:{line}:10: error [duplicate-edition]: `ruleset: bsu-2025` is also the id of " \
        f"{folder / 'bsu-2025.yaml'}" in capsys.readouterr().out
    assert main(["check", str(folder / "bsu-2026.yaml")]) == 0  # alone: no other file to meet


def test_an_edition_s_file_declaring_another_edition_is_warned_at_its_ruleset_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`bsu-2022.yaml` copied and its `ruleset:` line edited to `bsu-2023` passed `check` unsaid: a test naming
    bsu-2022 reads it, and its decisions carry bsu-2023. A file whose name is no edition's is not compared."""
    folder = tmp_path / "rules"
    shutil.copytree(bundled_rules(), folder)
    text = (folder / "bsu-2022.yaml").read_text("utf-8")
    assert text.count("ruleset: bsu-2022\n") == 1
    edited = text.replace("ruleset: bsu-2022\n", "ruleset: bsu-2023\n")
    (folder / "bsu-2022.yaml").write_text(edited, "utf-8")
    (d,) = check_file(folder / "bsu-2022.yaml")[1]
    line = text[:text.index("ruleset: bsu-2022")].count("\n") + 1
    assert (d.code, d.severity, d.file, d.line, d.column) == (Code.ID_NOT_FILE_NAME, Severity.WARNING,
                                                              str(folder / "bsu-2022.yaml"), line, 10)
    assert d.message == ("this file is named `bsu-2022.yaml` but declares the edition `bsu-2023`: a test naming "
                         "`bsu-2022` reads this file, and its decisions carry `bsu-2023`; rename the file "
                         "(`bsu-2023.yaml`) or the id (`ruleset: bsu-2022`)")
    assert main(["check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"bsu-2022.yaml:{line}:10: warning [id-not-file-name]: " in out
    assert out.endswith("4 files: 0 errors, 1 warning\n")
    (folder / "bsu-2022.yaml").write_text(text, "utf-8")
    for name in ("what-if.yaml", "rules.yaml", "bsu2022-copy.yaml"):  # no edition's name: a copy to try things in
        (folder / name).write_text(edited, "utf-8")
        assert check_file(folder / name)[1] == [], name
        (folder / name).unlink()


@pytest.mark.parametrize(("banks", "written", "meant"), [("[BRI, BNI, MANDRI, BTN]", "MANDRI", "MANDIRI"),
                                                       ("[bri, BNI, MANDIRI, BTN]", "bri", "BRI")])
def test_a_state_bank_that_is_no_code_of_the_bank_table_is_warned(tmp_path: Path, banks: str, written: str,
                                                                   meant: str) -> None:
    """`fact.bank in param.state_banks` compares the list with the bank table's canonical codes: a code
    mistyped there never matches, and its members would quietly be paid another way."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace("value: [BRI, BNI, MANDIRI, BTN]", f"value: {banks}"), "utf-8")
    (d,) = linted(path)
    assert (d.code, d.severity, d.suggestion) == (Code.UNKNOWN_VALUE, Severity.WARNING, meant), str(d)
    assert f"`{written}` of `param.state_banks` is none of the values of `table.banks`" in d.message
    line = path.read_text("utf-8").splitlines()[d.line - 1]
    assert line[d.column - 1:].startswith(written)


def test_an_as_of_inside_the_cut_off_month_but_not_its_last_day_is_warned(tmp_path: Path) -> None:
    shutil.copytree(bundled_rules() / "tables", tmp_path / "tables")
    path = tmp_path / "bsu-2022.yaml"
    path.write_text((bundled_rules() / "bsu-2022.yaml").read_text("utf-8").replace("as_of: 2022-07-31", "as_of: "
                                                                                   "2022-07-15"), "utf-8")
    (d,) = check_file(path)[1]
    assert d.code == "data-date" and "but as_of is 2022-07-15" in d.message
    assert d.message.endswith("if the month is the one meant, set `as_of: 2022-07-31` (its last day); if as_of is, "
                              "set the month to 2022-07")


def test_a_criterion_never_known_is_an_error_at_the_part_never_known(tmp_path: Path) -> None:
    """A province-only code written as a literal makes the PPKM criterion unknown for every member:
    ``check`` refuses it where the code is read, and does not blame the table's rows."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2021.yaml"
    text = path.read_text("utf-8")
    written = "regency(member.work_regency_code, table.ppkm_areas) in table.ppkm_areas"
    path.write_text(text.replace(written, 'regency("3200", table.ppkm_areas) in table.ppkm_areas'), "utf-8")
    (d,) = [d for d in linted(path) if d.code != "stale-explain"]  # the area it shows is not read either
    line = text[:text.index(written)].count("\n") + 1
    assert (d.code, d.severity, d.rule, d.file, d.line, d.column) == (
        "never-known", Severity.ERROR, "ppkm-area", str(path), line, text.splitlines()[line - 1].index(written) + 1)
    assert d.message == ("this rule is unknown for every member, so while it is in force no one can be found "
                         'eligible: `regency("3200", table.ppkm_areas)` is never known')


def test_a_field_never_listed_in_an_incomplete_table_is_never_known(tmp_path: Path) -> None:
    """No part of the condition is one unknown value: the whole condition is named."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2021.yaml"
    written = "regency(member.work_regency_code, table.ppkm_areas) in table.ppkm_areas"
    path.write_text(path.read_text("utf-8").replace(written, "member.employment_type in table.ppkm_areas"), "utf-8")
    [known] = [d for d in linted(path) if d.code == "never-known"]
    assert known.message.endswith("`member.employment_type in table.ppkm_areas` is never known")


def test_a_lookup_never_known_in_a_fact_is_warned_at_its_key(tmp_path: Path) -> None:
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    written = "regency(member.work_regency_code, table.minimum_wage)"
    path.write_text(text.replace(written, 'regency("3200", table.minimum_wage)', 1), "utf-8")
    found = [d for d in linted(path) if d.file == str(path) and "more rows of" not in d.message]  # its key alone
    line = text[:text.index(written)].count("\n") + 1
    assert [(d.code, d.line, d.column) for d in found] == [
        ("unmatchable-key", line, text.splitlines()[line - 1].index(written) + 1)]
    assert found[0].message == ('`regency("3200", table.minimum_wage)` is never known: this lookup of '
                                "`table.minimum_wage` never finds a row, for any member")


def test_a_month_in_a_title_is_no_amount_of_a_dated_parameter(tmp_path: Path) -> None:
    """"Juli 2022" states a month, not the amount 2022 of a parameter dated twice in the edition."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    assert "  fiscal_year:\n    value: 2022\n" in text
    text = text.replace("  fiscal_year:\n    value: 2022\n",
                        "  fiscal_year:\n    values: {2022-09-05: 2022, 2022-11-01: 2023}\n")
    read = "require: contribution_billed(member.contributions, param.cutoff_month)\n"  # titled "… Juli 2022"
    assert read in text
    path.write_text(text.replace(read, read.replace(")\n", ") and param.fiscal_year > 0\n")), "utf-8")
    assert [d.message for d in linted(path) if d.code == "stale-title"] == []


@pytest.mark.parametrize(("edition", "edits"), [
    ("bsu-2025", {"  - id: citizen\n": "  - id: citizen\n    in_force: {until: 9999-12-31}\n"}),  # "no end"
    ("bsu-2022", {"  - id: citizen\n": "  - id: citizen\n    in_force: {until: 9999-12-31}\n",
                  "  - id: wage-earner\n": "  - id: wage-earner\n    in_force: {from: 9999-12-31}\n"}),
    ("bsu-2022", {"  - id: citizen\n": "  - id: citizen\n    in_force: {until: 0001-01-01}\n",
                  "  - id: wage-earner\n": "  - id: wage-earner\n    in_force: {from: 0001-01-01}\n"}),
    ("bsu-2022", {"    value: 3500000\n": "    values: {0001-01-01: 3500000}\n"}),  # "from the start"
])
def test_the_first_and_last_days_of_the_calendar_load_and_decide(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], edition: str, edits: dict[str, str]) -> None:
    """A date at either end of the calendar (an author's "no end" or "from the start") is checked and decided
    with, never a day past it computed (an OverflowError before)."""
    shutil.copytree(bundled_rules() / "tables", tmp_path / "tables")
    shutil.copytree(bundled_rules() / "glossary", tmp_path / "glossary")
    text = (bundled_rules() / f"{edition}.yaml").read_text("utf-8")
    for old, new in edits.items():
        assert text.count(old) == 1
        text = text.replace(old, new)
    (tmp_path / f"{edition}.yaml").write_text(text, "utf-8")
    assert not any(d.severity == Severity.ERROR for d in check_file(tmp_path / f"{edition}.yaml")[1])
    examples = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    assert main(["evaluate", str(tmp_path / f"{edition}.yaml"), str(examples)]) in (0, 1)
    assert main(["evaluate", "bsu-2022", str(examples), "--set", "wage_ceiling@0001-01-01=4000000"]) in (0, 1)
    assert "internal error" not in capsys.readouterr().err


def test_a_warning_about_many_rows_of_a_table_is_told_at_ten_and_counts_the_rest(tmp_path: Path) -> None:
    """A table exported wrong warns at its first rows' lines and counts the rest in one more warning at the
    table's `file:`: half a million rows do not give half a million lines."""
    shutil.copy(FIXTURES / "unmatchable-key.yaml", tmp_path / "r.yaml")
    shutil.copytree(FIXTURES / "tables", tmp_path / "tables")
    rows = [f"9{n:02d}X,Area {n},{4000000 + n}" for n in range(25)]  # no key has a regency code's shape
    (tmp_path / "tables" / "minimum-wage.csv").write_text("area_code,area_name,amount\n" + "\n".join(rows) + "\n")
    told = [d for d in linted(tmp_path / "r.yaml") if d.code == "unmatchable-key" and "minimum_wage" in d.message]
    assert [d.line for d in told if d.file.endswith("minimum-wage.csv")] == list(range(2, 12))
    [rest] = [d for d in told if d.file == str(tmp_path / "r.yaml")]
    assert rest.message.startswith("15 more rows of `table.minimum_wage` can never match either")


@pytest.mark.parametrize(("written", "stale"), [("2022-07-31", False), ("2022-06-30", True)])
def test_a_date_the_criterion_states_itself_is_a_value_it_reads(tmp_path: Path, written: str, stale: bool) -> None:
    """"Terdaftar paling lambat 31 Juli 2022" over `registered_on <= 2022-07-31` is not stale; over another date
    it is."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    read = "require: member.registered_on <= fact.cutoff_day\n"
    assert read in text
    path.write_text(text.replace(read, f"require: member.registered_on <= {written}\n"), "utf-8")
    told = [d for d in linted(path) if d.code == "stale-title"]
    assert bool(told) == stale and all(d.rule == "registered-by-cutoff" for d in told)


def test_a_stale_amount_in_a_title_is_told_the_amount_the_criterion_reads(tmp_path: Path) -> None:
    """The one amount of as many digits the criterion reads (the ceiling, not the rounding), as the title writes it."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace("value: 3500000", "value: 4000000", 1), "utf-8")
    told = sorted(d.message.rsplit(": ", 1)[1] for d in linted(path) if d.code == "stale-title")
    assert told == ["Upah paling banyak Rp4.000.000 atau batas upah minimum setempat",
                    "Wage at most Rp4.000.000 or the local minimum-wage ceiling"]


@pytest.mark.parametrize(("limit", "said"), [
    (0, ["At most 0 months of unpaid contributions in a row", "Tunggakan iuran paling lama 0 bulan berturut-turut"]),
    (1, ["At most 1 month of unpaid contributions in a row", "Tunggakan iuran paling lama 1 bulan berturut-turut"]),
    (24, ["At most 24 months of unpaid contributions in a row",
          "Tunggakan iuran paling lama 24 bulan berturut-turut"]),
])
def test_a_stale_count_of_months_in_a_title_is_told_the_count_the_criterion_reads(tmp_path: Path, limit: int,
                                                                                   said: list[str]) -> None:
    """"paling lama 2 bulan" over `max_arrears_months` (`unit: months`) set to another count is stale, as an
    amount is: at the title, in each language, with the title as it should read ("1 month", "2 months";
    Indonesian has no plural), and only in the criterion that reads it."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    old = "    value: 2\n    unit: months\n"
    assert text.count(old) == 1
    path.write_text(text.replace(old, f"    value: {limit}\n    unit: months\n"), "utf-8")
    told = [d for d in linted(path) if d.code == "stale-title"]
    line = text[:text.index('title: {id: "Tunggakan iuran')].count("\n") + 1
    assert {(d.rule, d.line, d.severity) for d in told} == {("arrears", line, Severity.WARNING)}
    assert sorted(d.column for d in told) == [17, text.splitlines()[line - 1].index('"At most') + 1]
    assert sorted(d.message.rsplit(": ", 1)[1] for d in told) == said
    assert {d.message.split(",")[0] for d in told} == {"the title says 2 bulan", "the title says 2 months"}


def test_a_count_of_months_a_title_states_is_checked_against_months_only(tmp_path: Path) -> None:
    """A count is a value of what the criterion reads in its unit: not a number of another unit it reads (the
    due day 2 does not hold "2 bulan"), nor a value held on some days only without saying so; a title over
    nothing in months ("Contribution billed for July 2022", a count beside no such value) is not judged."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    limit, due = "    value: 2\n    unit: months\n", "    value: 15\n"
    assert text.count(limit) == 1 and text.count(due) == 1
    path.write_text(text.replace(limit, "    value: 3\n    unit: months\n").replace(due, "    value: 2\n"), "utf-8")
    assert {d.rule for d in linted(path) if d.code == "stale-title"} == {"arrears"}  # 2 is a day, not months
    dated = "    values: {2022-09-05: 2, 2022-11-01: 3}\n    unit: months\n"
    path.write_text(text.replace(limit, dated), "utf-8")
    told = [d for d in linted(path) if d.code == "stale-title"]
    assert [d.rule for d in told] == ["arrears", "arrears"]
    assert all("which `param.max_arrears_months` holds on some days of the edition only" in d.message
               and "leave the count out of it" in d.message for d in told), told
    billed = 'title: {id: "Ada tagihan iuran untuk bulan Juli 2022", en: "Contribution billed for July 2022"}'
    assert billed in text  # a criterion reading no months: a count in its title is no value of it
    path.write_text(text.replace(billed, billed.replace("Juli 2022", "Juli 2022 (3 bulan)")
                                 .replace("July 2022", "July 2022 (for 3 months)")), "utf-8")
    assert [d.message for d in linted(path) if d.code == "stale-title"] == []


def test_a_count_the_criterion_states_itself_is_a_value_it_reads(tmp_path: Path) -> None:
    """"paling lama 2 bulan" over `fact.arrears <= 2` (a number compared with a count of months) is held; over
    `<= 3` it is stale, and told "3 bulan"."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    read = "require: fact.arrears <= param.max_arrears_months\n"
    assert read in text
    path.write_text(text.replace(read, "require: fact.arrears <= 2\n"), "utf-8")
    assert [d.message for d in linted(path) if d.code == "stale-title"] == []
    path.write_text(text.replace(read, "require: fact.arrears <= 3\n"), "utf-8")
    told = sorted(d.message.rsplit(": ", 1)[1] for d in linted(path) if d.code == "stale-title")
    assert told == ["At most 3 months of unpaid contributions in a row",
                    "Tunggakan iuran paling lama 3 bulan berturut-turut"]


@pytest.mark.parametrize(("condition", "stale"), [
    ('member.employment_type in ["pns", "tni", "polri"]', False),
    ("fact.wage < 1000000", True),  # rewritten, its old reason (the employment status) left
])
def test_an_explanation_about_what_the_criterion_does_not_read_is_stale(tmp_path: Path, condition: str,
                                                                       stale: bool) -> None:
    """A condition rewritten and its explanation left would tell a worker failed for a low wage that they
    are excluded for their employment status: warned at the explanation, in each language."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    read = 'exclude: member.employment_type in ["pns", "tni", "polri"]\n'
    assert read in text
    path.write_text(text.replace(read, f"exclude: {condition}\n"), "utf-8")
    told = [d for d in linted(path) if d.code == "stale-explain"]
    rule = text.index("  - id: not-pns-tni-polri\n")
    lines = [text[:text.index(said, rule)].count("\n") + 1 for said in ('      id: "Peserta tercatat berstatus',
                                                                         '      en: "The participant is recorded as')]
    assert [(d.rule, d.line) for d in told] == ([("not-pns-tni-polri", line) for line in lines] if stale else [])
    assert all("shows `member.employment_type`, which the criterion does not read" in d.message for d in told)


def test_a_table_key_a_spreadsheet_wrote_as_a_number_is_told_the_key_meant(tmp_path: Path) -> None:
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    table = tmp_path / "rules" / "tables" / "minimum-wage-2022.csv"
    table.write_text(table.read_text("utf-8").replace("\n3273,", "\n3273.0,"), "utf-8")
    [d] = [d for d in linted(tmp_path / "rules" / "bsu-2022.yaml") if d.code == "unmatchable-key"]
    assert d.suggestion == "3273" and "a spreadsheet may have written it as a number" in d.message


@pytest.mark.parametrize("key", ["3100", "3200"])
def test_a_province_s_row_keyed_with_its_code_and_00_is_told_its_province_code(tmp_path: Path, key: str) -> None:
    """DKI Jakarta's UMP keyed `3100` (or Jawa Barat's `3200`), not `31`: a worker of a Jakarta city reads the
    province's row `31`, so the table's row applied to nobody and every Jakarta worker was held to the national
    ceiling, and `check` said nothing (Jawa Barat's said the key was both allowed and not)."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    table = tmp_path / "rules" / "tables" / "minimum-wage-2022.csv"
    rows = table.read_text("utf-8").splitlines(keepends=True)
    province = key[:2]
    if province == "32":  # Jawa Barat has no row of its own: give it one under the wrong key
        rows.insert(at := 1, f"{key},Jawa Barat,UMP,1841487,exact,x\n")
    else:
        (at,) = [n for n, row in enumerate(rows) if row.startswith(f"{province},")]
        rows[at] = key + rows[at][len(province):]
    table.write_text("".join(rows), "utf-8")
    [d] = [d for d in linted(tmp_path / "rules" / "bsu-2022.yaml") if d.code == "unmatchable-key"]
    assert (Path(d.file).name, d.line, d.column, d.severity) == ("minimum-wage-2022.csv", at + 1, 1, Severity.WARNING)
    assert f"key `{key}` of `table.minimum_wage` is a province's code and 00" in d.message
    assert d.message.endswith(f"reads the province's row, `{province}`, which the table lacks, never this one")
    assert d.suggestion == province and "not ending in 00" not in d.message


@pytest.mark.parametrize(("written", "said", "meant"), [
    ('province(member.work_regency_code) == "1"', '"1" is never a value of `province(member.work_regency_code)` (a '
     'province code: two digits, such as 32): `province(member.work_regency_code) == "1"` is the same for every '
     'member', None),
    ('member.work_regency_code in ["3204", "3299"]', '"3299", compared with `member.work_regency_code`, names no '
     "regency or city in Kemendagri's list of codes", "3209"),
    ('member.work_regency_code == "32"', '"32" is never a value of `member.work_regency_code`', None),
    ('province(member.work_regency_code) in ["11", "99"]', '"99", compared with `province(member.work_regency_code)`, '
     "names no province in Kemendagri's list of codes (11 to 96): no record carries it, so the comparison never "
     "holds; the closest are 19, 91, 92", "19")])
def test_a_code_compared_with_a_text_it_can_never_be_is_refused(tmp_path: Path, written: str, said: str,
                                                               meant: str | None) -> None:
    """A channel or criterion comparing a code with a text of another shape (a province's code with "1", a
    regency's with a province's) or with four digits Kemendagri gives no place: the same for every member,
    so Aceh's workers were paid at BRI, not BSI, with no word from `check`."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    old = 'exclude: member.employment_type in ["pns", "tni", "polri"]'
    path.write_text(text.replace(old, f"{old} or {written}", 1), "utf-8")
    ruleset, diagnostics = check_file(path)
    (d,) = [d for d in diagnostics if d.code == "unknown-value"]
    line = text[:text.index(old)].count("\n")
    assert ruleset is None and d.severity == Severity.ERROR and said in d.message, d
    assert (d.line, d.rule, d.suggestion) == (line + 1, "not-pns-tni-polri", meant)
    literal = '"' + said.split('"')[1] + '"'
    assert d.column == len(text.splitlines()[line].split(old)[0] + old + " or ") + written.index(literal) + 1


@pytest.mark.parametrize("written", ['member.kpj != "1234"', 'member.bank_account.number == "0001"',
                                     'member.work_regency_code == "3100"', 'province(member.work_regency_code) == "31"',
                                     'member.employer.sector in ["C", "F"]', 'member.kpj != ""', 'member.kpj == "10"'])
def test_a_code_compared_with_a_text_it_can_be_is_not_told(tmp_path: Path, written: str) -> None:
    """Four digits compared with a KPJ or an account number are no regency code to look up in Kemendagri's list."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    old = 'exclude: member.employment_type in ["pns", "tni", "polri"]'
    path.write_text(path.read_text("utf-8").replace(old, f"{old} or {written}", 1), "utf-8")
    diagnostics = check_file(path)[1]  # a value compared with needs its glossary words: not asked of this test
    assert not [d for d in diagnostics if d.code not in ("no-glossary-entry", "never-fires")], diagnostics


def test_a_replacement_table_with_a_regency_below_its_province_is_warned(tmp_path: Path) -> None:
    """An analyst's ``--table`` is checked as the rule file's own table is."""
    rows = (bundled_rules() / "tables" / "minimum-wage-2022.csv").read_text("utf-8")
    table = tmp_path / "mw.csv"
    table.write_text(rows + "9104,Kab. Nabire,UMK,3400000,exact,an analyst's row\n", "utf-8")
    reform = reform_of(load_ruleset("bsu-2022"), [], [f"minimum_wage={table}"])
    said = [w for w in reform.warnings if "[below-province]" in w]  # type: ignore[attr-defined]
    assert len(said) == 1 and "row `9104` of `table.minimum_wage` is 3400000, below its province's row `91` " \
        "(3561932)" in said[0]


@pytest.mark.parametrize(("row", "says", "meant"), [
    ("3240,Kab. Bandung,UMK,4000000,exact,x", "; Kab. Bandung is 3204; did you mean `3204`?", "3204"),  # swapped
    ("3299,,UMK,4000000,exact,x", "; the closest codes are 3209 (Kabupaten Cirebon), 3279 (Kota Banjar); did you "
     "mean `3209`?", "3209"),  # no name: one digit off, in the key's province first
])
def test_a_regency_code_that_names_no_place_is_an_error_with_the_code_meant(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, says: str, meant: str) -> None:
    """A minimum wage keyed by a code Kemendagri never gave (3240 typed for Kab. Bandung's 3204) is a row no
    record can reach: an error at its code cell that says so, with the code of its `area_name` or the closest."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    table = tmp_path / "rules" / "tables" / "minimum-wage-2022.csv"
    table.write_text(table.read_text("utf-8") + row + "\n", "utf-8")
    line = table.read_text("utf-8").count("\n")
    assert main(["check", str(tmp_path / "rules" / "bsu-2022.yaml")]) == 1
    out = capsys.readouterr().out
    key = row.split(",")[0]
    assert f"{table}:{line}:1: error [unmatchable-key] (rule wage-ceiling): key `{key}` of `table.minimum_wage` " \
        "names no regency or city in Kemendagri's list of codes (the glossary's `places`): no record carries it, " \
        f"so the row never applies{says}\n" in out, out
    assert "1 file: 1 error, 0 warnings" in out
    [d] = [d for d in linted(tmp_path / "rules" / "bsu-2022.yaml") if d.code == "unmatchable-key"]
    assert d.suggestion == meant and d.severity == Severity.ERROR


def test_a_code_that_names_no_place_is_told_at_its_cell_and_an_archived_entry_still_loads(tmp_path: Path) -> None:
    """The code's own cell, where the key column is not the first; an archive entry that held such a row when it
    was archived (a warning then) still loads, with the finding as a warning."""
    shutil.copy(FIXTURES / "unmatchable-key.yaml", tmp_path / "r.yaml")
    shutil.copytree(FIXTURES / "tables", tmp_path / "tables")
    table = tmp_path / "tables" / "minimum-wage.csv"
    rows = table.read_text("utf-8").splitlines()
    table.write_text("\n".join(f"{r.split(',')[1]},{r.split(',')[0]},{r.split(',')[2]}" for r in rows[:3])
                     + "\nKota Bandung,3237,4000000\n", "utf-8")
    [d] = [d for d in linted(tmp_path / "r.yaml") if d.code == "unmatchable-key" and "minimum_wage" in d.message]
    assert (d.line, d.column, d.severity, d.suggestion) == (4, len("Kota Bandung,") + 1, Severity.ERROR, "3273")
    assert "Kota Bandung is 3273" in d.message
    ruleset, found = check_file(tmp_path / "r.yaml", archived=True)
    assert ruleset is not None and {x.severity for x in found if x.code == "unmatchable-key"} == {Severity.WARNING}


_BSU_2022_BENEFIT = ("  amount: 600000\n  instalments: [600000]\n"
                     "  source: pm-10-2022, Pasal 6 ayat (1) (Rp600.000 sekali)\n")
_BSU_2025_BENEFIT = ("  amount: 600000\n  monthly: 300000\n", "  amount: 800000\n  monthly: 400000\n")


@pytest.mark.parametrize(("edition", "source"), [
    ("bsu-2022", "Rp150.000,00 (seratus lima puluh ribu rupiah) per bulan selama 4 (empat) bulan"),
    ("bsu-2022", "Rp150.000,00 per bulan selama 4 bulan"),
    ("bsu-2022", "Rp 150.000/bulan x 4 bulan"),
    ("bsu-2025", "Rp 300.000,00 per bulan selama 2 bulan"),
    ("bsu-2025", "Rp.300.000 x 2 bulan"),
    ("bsu-2025", "Rp300.000 per bulan selama 2 (dua) bulan"),
    ("bsu-2025", "Rp\u00a0300.000 x 2 bulan"),
    ("bsu-2025", "Rp300.000 kali 2 bulan"),
    ("bsu-2025", "Rp300,000 a month for 2 months"),
])
def test_a_benefit_is_read_as_the_regulation_words_it(tmp_path: Path, edition: str, source: str) -> None:
    """The source stating the benefit in the regulation's own words (decimals `,00`, the amount and the count
    said again in words, `Rp.`, a non-breaking space, `/bulan x`, `kali`, English) is read: a benefit it
    contradicts is warned of, with the source's figure."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / f"{edition}.yaml"
    text = path.read_text("utf-8")
    if edition == "bsu-2022":
        assert _BSU_2022_BENEFIT in text
        text = text.replace(_BSU_2022_BENEFIT, "  amount: 800000\n  instalments: [800000]\n  source: \"pm-10-2022, "
                            f"Pasal 6 ayat (1) ({source})\"\n")
        told = {"amount": "600000"}
    else:
        assert _BSU_2025_BENEFIT[0] in text and "(Rp300.000 x 2 bulan" in text
        text = text.replace(*_BSU_2025_BENEFIT).replace("  instalments: [600000]\n", "  instalments: [800000]\n")
        text = text.replace("(Rp300.000 x 2 bulan", f"({source}")
        told = {"monthly": "300000", "amount": "600000"}
    path.write_text(text, "utf-8")
    ruleset, diagnostics = check_file(path)
    assert ruleset is not None, [str(d) for d in diagnostics]
    found = {d.message.split("`")[1]: d.suggestion for d in diagnostics if d.code == "stale-benefit"}
    assert found == told, [str(d) for d in diagnostics]


@pytest.mark.parametrize(("source", "told"), [
    ("Rp600.000 sekali", {"amount": "600000"}),
    ("Rp600.000,00 (enam ratus ribu rupiah) dibayarkan satu kali", {"amount": "600000"}),
    ("Rp 600.000, diberikan sekaligus", {"amount": "600000"}),
    ("Rp600,000 once", {"amount": "600000"}),
    ("Rp800.000 sekali", {}),  # the source agrees
    ("Rp600.000", {}),  # a figure alone, not said to be paid once: not judged
    ("upah paling banyak Rp3.500.000 sekali", {}),  # a wage limit, not the benefit
    ("Rp0 sekali", {}),  # a benefit of nothing is not suggested
    ("Rp600.000 sekali; tahun 2020 Rp600.000 x 4 bulan", {}),  # two statements, none agreeing: which is meant?
    ("Rp800.000 sekali; tahun 2020 Rp600.000 x 4 bulan", {}),  # one agreeing: the others not judged
    ("Rp600.000 sekali sebulan selama 4 bulan", {}),  # paid once a month: not the whole benefit
    ("Rp600.000 once a month for four months", {}),
    ("Rp600.000 sekali per bulan", {}),
    ("Rp 600.000 satu kali setiap bulan selama 4 bulan", {}),
    ("Rp1.200.000 sekali tiap tahap", {}),  # a stage's amount
    ("tahap 1 Rp1.200.000 sekaligus, tahap 2 Rp1.200.000 sekaligus", {}),
])
def test_a_benefit_paid_once_is_judged_by_its_amount(tmp_path: Path, source: str, told: dict[str, str]) -> None:
    """A source stating the benefit as one payment ("Rp600.000 sekali", as the 2022 regulation gives it, with no
    monthly amount) is read as the benefit's `amount`: an amount changed and its citation not is warned of, with
    the source's figure as the suggestion."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    assert _BSU_2022_BENEFIT in text
    path.write_text(text.replace(_BSU_2022_BENEFIT, "  amount: 800000\n  instalments: [800000]\n  source: "
                                 f"\"pm-10-2022, Pasal 6 ayat (1) ({source})\"\n"), "utf-8")
    ruleset, diagnostics = check_file(path)
    assert ruleset is not None, [str(d) for d in diagnostics]
    found = {d.message.split("`")[1]: d for d in diagnostics if d.code == "stale-benefit"}
    assert {k: d.suggestion for k, d in found.items()} == told, [str(d) for d in diagnostics]
    assert all(d.message.startswith(f"the benefit's source says {source.split(';')[0]}, ") for d in found.values())


@pytest.mark.parametrize(("monthly", "source", "told"), [
    # a wage limit is no benefit: the benefit stated beside it is judged, alone
    (400000, "upah paling banyak Rp3.500.000 per bulan selama 3 bulan terakhir; Rp300.000 x 2 bulan",
     {"monthly": "300000", "amount": "600000"}),
    (300000, "upah paling banyak Rp3.500.000 per bulan selama 3 bulan terakhir; Rp300.000 x 2 bulan", {}),
    (300000, "Rp3.500.000 per bulan selama 3 bulan terakhir", {}),
    # a benefit the source states among others is not told another; none agreeing, which is meant is not told
    (300000, "Rp300.000 x 2 bulan; tahun 2020 Rp600.000 x 4 bulan", {}),
    (400000, "Rp300.000 x 2 bulan; tahun 2020 Rp600.000 x 4 bulan", {}),
    (400000, "Rp300.000 x 2 bulan; Rp 300.000/bulan x 2 bulan", {"monthly": "300000", "amount": "600000"}),
    # a benefit of nothing is not suggested
    (400000, "Rp0 x 2 bulan", {}),
])
def test_a_benefit_is_judged_by_the_benefit_its_source_states_only(tmp_path: Path, monthly: int, source: str,
                                                                   told: dict[str, str]) -> None:
    """A wage limit ("upah paling banyak Rp3.500.000 per bulan selama 3 bulan terakhir") is not the benefit; a
    source stating two benefits is not told both at once; "Rp0 x 2 bulan" does not suggest 0."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2025.yaml"
    text = path.read_text("utf-8").replace("(Rp300.000 x 2 bulan", f"({source}")
    amount = monthly * 2
    text = text.replace(_BSU_2025_BENEFIT[0], f"  amount: {amount}\n  monthly: {monthly}\n")
    text = text.replace("  instalments: [600000]\n", f"  instalments: [{amount}]\n")
    path.write_text(text, "utf-8")
    ruleset, diagnostics = check_file(path)
    assert ruleset is not None, [str(d) for d in diagnostics]
    found = {d.message.split("`")[1]: d for d in diagnostics if d.code == "stale-benefit"}
    assert {k: d.suggestion for k, d in found.items()} == told, [str(d) for d in diagnostics]
    assert all(d.message.startswith("the benefit's source says Rp300.000 x 2 bulan, ") for d in found.values())


@pytest.mark.parametrize(("edition", "edits", "told"), [
    ("bsu-2025", [("  monthly: 300000\n", "  monthly: 3000000\n"), ("  amount: 600000\n", "  amount: 6000000\n"),
                  ("  instalments: [600000]\n", "  instalments: [6000000]\n")],
     {"amount": "600000", "monthly": "300000"}),
    ("bsu-2021", [("  months: 2\n", "  months: 3\n"), ("  amount: 1000000\n", "  amount: 1500000\n"),
                  ("  instalments: [1000000]\n", "  instalments: [1500000]\n")], {"amount": "1000000", "months": "2"}),
    ("bsu-2021", [("(Rp500.000 x 2 bulan", "(Rp500.000 per bulan selama 3 bulan")], {"months": "3",
                                                                                      "amount": "1500000"}),
    ("bsu-2021", [("(Rp500.000 x 2 bulan", "(Rp500.000 per 2 bulan")], {}),  # no monthly figure said: not judged
    ("bsu-2025", [("(Rp300.000 x 2 bulan", "(Rp3.500.000")], {}),  # a figure alone: total, month or limit?
    # the 2020 and 2022 sources state their figures: a benefit changed and its citation not is told
    ("bsu-2022", [("  amount: 600000\n", "  amount: 6000000\n"), ("  instalments: [600000]\n",
                                                                 "  instalments: [6000000]\n")], {"amount": "600000"}),
    ("bsu-2020", [("  monthly: 600000\n", "  monthly: 700000\n"), ("  amount: 2400000\n", "  amount: 2800000\n"),
                  ("  instalments: [1200000, 1200000]\n", "  instalments: [1400000, 1400000]\n")],
     {"monthly": "600000", "amount": "2400000"}),
    ("bsu-2020", [("  months: 4\n", "  months: 2\n"), ("  amount: 2400000\n", "  amount: 1200000\n"),
                  ("  instalments: [1200000, 1200000]\n", "  instalments: [1200000]\n")],
     {"months": "4", "amount": "2400000"}),
])
def test_a_benefit_its_own_source_states_otherwise_is_warned_at_the_figure(
        tmp_path: Path, edition: str, edits: list[tuple[str, str]], told: dict[str, str]) -> None:
    """A benefit changed with its figures agreeing (`monthly` x `months` = `amount` = the instalments) passed
    `check`, though its own source states another ("Rp300.000 x 2 bulan"): every eligible member would be paid
    it. Each figure the source contradicts is warned at its value, with the source's figure as the suggestion;
    a source that states no monthly amount times months is not judged."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / f"{edition}.yaml"
    text = path.read_text("utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, "utf-8")
    ruleset, diagnostics = check_file(path)
    found = {d.message.split("`")[1]: d for d in diagnostics if d.code == "stale-benefit"}
    assert ruleset is not None and {k: d.suggestion for k, d in found.items()} == told
    lines = text.splitlines()
    for field, d in found.items():
        assert d.severity == Severity.WARNING
        assert lines[d.line - 1][d.column - 1:] == text.split(f"\n  {field}: ", 1)[1].split("\n", 1)[0]
        assert d.message.startswith("the benefit's source says Rp")


@pytest.mark.parametrize("key", ["3273", "3200", "1100", "3299", "9999", "32", "327", "32730", "3273\n", "3273\n\n",
                                 "\n3273", " 3273", "3273 ", "", "\u0663\u0662\u0667\u0663", "3273\r"])
def test_a_key_fits_the_pattern_of_regency_codes_as_the_pattern_finds_it(key: str) -> None:
    """The codes of the pattern are looked up, not matched: the same keys fit (`$` also before a final break)."""
    assert _fits(REGENCY_CODE)(key) is (re.search(REGENCY_CODE, key) is not None)
    assert _fits(r"^[0-9]{4}$")(key) is (re.search(r"^[0-9]{4}$", key) is not None)
