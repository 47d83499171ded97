"""Explanations as people read them: every audience, both languages, every rule-author case.

A worker or an officer never reads an internal name (``member.wages``, ``fact.wage``, a rule id, a
legal-basis key, a raw code such as ``state_enterprise`` or ``POS``), a year with a thousands
separator ("2.022"), or a glossary word left in the other language. The reviewer's cases are
snapshots below, written out so that a native speaker can read what a worker is told.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from bsu_rules.batch.run import decide_batch
from bsu_rules.batch.validate import TEXT_SCHEMA
from bsu_rules.decisions import Decision
from bsu_rules.errors import InputError
from bsu_rules.evaluators.scalar import evaluate
from bsu_rules.explain import AUDIENCES, Renderer, render_html, render_speech, render_text
from bsu_rules.explain.page_data import WORDS
from bsu_rules.formatting import format_date, rupiah
from bsu_rules.glossary import Glossary, Places, load_glossary, missing_entries, regency
from bsu_rules.members import Member, parse_member
from bsu_rules.members.arrow import MEMBER_SCHEMA
from bsu_rules.nik import PROVINCES
from bsu_rules.regencies import REGENCIES
from bsu_rules.ruleset.loader import bundled_rules, check_file, load_ruleset
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.testing.cases import load_file
from bsu_rules.testing.rulesets import RuleSets

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [json.loads(line) for line in (ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()]
TEST_FILES = sorted((ROOT / "rules" / "tests").glob("*.yaml"))

INTERNAL = re.compile(r"\b(member|fact|param|table)\.[a-z_]+|\bas_of\b|\bdecision_date\b")
SNAKE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\b[A-Z]+_[A-Z0-9_]+\b")
RAW_CODES = re.compile(r"\b(pns|pppk|tni|polri|private|POS|MANDIRI)\b(?![-/])")
YEAR_GROUPED = re.compile(r"(?<![\d.,])(?<!Rp)(19|20)\d?[.,]\d{3}(?![\d.,])|(?<![\d.,])[12][.,]\d{3}(?![\d.,])")


@cache
def decisions() -> tuple[tuple[str, Decision, RuleSet], ...]:
    """Every runnable rule-author case of every edition, decided."""
    out = []
    rulesets = RuleSets()
    for path in TEST_FILES:
        for case in load_file(path, rulesets).cases:
            if case.runnable and case.case is not None and case.case.expect.outcome != "refused":
                assert case.ruleset is not None and case.case is not None and case.member is not None
                decision = case.ruleset.plan(case.case.on).decide(case.member, hints=True)
                out.append((f"{path.stem}: {case.name}", decision, case.ruleset))
    return tuple(out)


def _untranslated(glossary: Glossary, lang: str) -> list[str]:
    """Glossary words of the other language, long enough not to occur by chance."""
    other = "en" if lang == "id" else "id"
    entries = [*glossary.names.values(), *glossary.channels.values(), *glossary.rules.values(),
               *glossary.legal_basis.values(), *(t for table in glossary.values.values() for t in table.values())]
    words = []
    for e in entries:
        theirs, ours = getattr(e, other), getattr(e, lang)
        if len(theirs) > 12 and theirs not in ours and ours not in theirs:
            words.append(theirs)
    return words


def test_every_case_is_decided() -> None:
    assert len(decisions()) > 150
    assert {d.ruleset.id for _, d, _ in decisions()} == {"bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025"}


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("audience", ["worker", "officer"])
def test_no_internal_name_reaches_a_worker_or_an_officer(audience: str, lang: str) -> None:
    glossary = load_glossary()
    foreign = _untranslated(glossary, lang)
    for name, decision, ruleset in decisions():
        text = render_text(decision, ruleset, lang, audience)
        where = f"{name} ({audience}, {lang}):\n{text}"
        assert not INTERNAL.search(text), where
        assert not SNAKE.search(text), where
        assert not RAW_CODES.search(text), where
        assert not YEAR_GROUPED.search(text), where
        for rule_id in (r.rule.id for r in ruleset.rules if "-" in r.rule.id):  # "arrears" is also a word
            assert not re.search(rf"(?<![\w-]){re.escape(rule_id)}(?![\w-])", text), where
        for key in ruleset.model.legal_basis:
            assert key not in text, where
        for word in foreign:
            assert word not in text, f"untranslated {word!r} in {where}"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_auditor_reads_everything(lang: str) -> None:
    for name, decision, ruleset in decisions():
        text = render_text(decision, ruleset, lang, "auditor")
        assert decision.ruleset.sha256 in text and decision.member.input_sha256 in text, name
        assert all(f"[{r.id}]" in text for r in decision.rules), name
        assert not YEAR_GROUPED.search(text.split("\n", 1)[1].replace(decision.ruleset.sha256, "")), name


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("audience", AUDIENCES)
def test_html_page_of_every_case(audience: str, lang: str) -> None:
    from html.parser import HTMLParser

    by_edition: dict[str, tuple[list[Decision], RuleSet]] = {}
    for _, decision, ruleset in decisions():
        by_edition.setdefault(decision.ruleset.id, ([], ruleset))[0].append(decision)
    for found, ruleset in by_edition.values():
        page = render_html(found, ruleset, lang, audience)
        assert page.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in page
        assert "<script" not in page and "http" not in page  # self-contained
        assert page.count("<section") == len(found)
        HTMLParser().feed(page)
        if audience != "auditor":
            visible = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S))
            assert not INTERNAL.search(visible) and not SNAKE.search(visible)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_html_page_is_read_aloud_right(lang: str) -> None:
    """A screen reader hears each criterion's mark as its words, and on an English page reads each
    amount in rupiah (written Rp4.950.000 in either language) in English ("4,950,000 rupiah"), not as a
    decimal nor in an Indonesian voice, the sentence's stop outside it; a masked NIK is read in words."""
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member(EXAMPLES[3]))
    page = render_html([d], rs, lang, "worker")
    (item,) = re.findall(r'<li><span class="mark" aria-hidden="true">✗</span>(.*?)</li>', page)
    said = "syarat tidak terpenuhi" if lang == "id" else "requirement not met"
    assert item.startswith(f'<span class="said">{said}: </span>')
    amounts = re.findall(r"Rp[0-9.]*[0-9]", page)
    read = re.findall(r'<span aria-hidden="true">(Rp[0-9.]+)</span><span class="said">([0-9,]+) rupiah</span>', page)
    assert "Rp4.950.000" in amounts and 'lang="id"' not in page.split("<body>")[1]
    assert read == ([] if lang == "id" else [(a, a[2:].replace(".", ",")) for a in amounts])
    assert (re.search(r"Rp100\.000\.", page) is not None) == (lang == "id")  # the stop, outside in English
    assert ("Rp100.000</span><span class=\"said\">100,000 rupiah</span>." in page) == (lang == "en")
    heading = "berawalan 3171 dan berakhiran 0001" if lang == "id" else "starting 3171 and ending 0001"
    assert re.search(f"<h2>[^<]*{heading}</h2>", page)  # the worker's heading says it in words
    officer = render_html([d], rs, lang, "officer")  # the officer's shows the mask, and a reader says the words
    assert f'<span aria-hidden="true">3171********0001</span><span class="said">{heading}</span></h2>' in officer


def test_glossary_covers_the_contract() -> None:
    from bsu_rules.members import Citizenship, EmploymentType, ParticipantCategory, Program

    g = load_glossary()
    for field, enum in (("member.citizenship", Citizenship), ("member.participant_category", ParticipantCategory),
                        ("member.employment_type", EmploymentType), ("member.program_receipts.program", Program)):
        assert field in g.names and set(g.values[field]) == {e.value for e in enum}
    from bsu_rules.ruleset.types import member_fields

    assert set(member_fields()) <= set(g.names)


def test_bundled_rule_files_have_every_glossary_entry() -> None:
    g = load_glossary()
    for path in sorted(bundled_rules().glob("*.yaml")):
        assert list(missing_entries(load_ruleset(path), g)) == [], path


def test_a_missing_glossary_entry_is_a_check_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    (rules / "glossary").mkdir(parents=True)
    (rules / "tables").mkdir()
    for table in [*(ROOT / "rules" / "tables").glob("*-2022.csv"), ROOT / "rules" / "tables" / "banks.csv"]:
        (rules / "tables" / table.name).write_bytes(table.read_bytes())
    glossary = (ROOT / "rules" / "glossary" / "glossary.yaml").read_text("utf-8")
    for key in ("  pppk-review:", "  fact.arrears:", "  bpjs-tk:", "  POS:", "  PKH:"):
        assert key in glossary
        glossary = glossary.replace(key, key.replace(":", "-gone:"))
    (rules / "glossary" / "glossary.yaml").write_text(glossary, "utf-8")
    (rules / "bsu-2022.yaml").write_text((ROOT / "rules" / "bsu-2022.yaml").read_text("utf-8"), "utf-8")
    _, found = check_file(rules / "bsu-2022.yaml")
    errors = {(d.code, d.rule, d.message) for d in found if d.severity == "error"}
    assert {e[0] for e in errors} == {"no-glossary-entry"}
    where = f"the glossary {rules / 'glossary' / 'glossary.yaml'}"
    add = ": add `{}: {{id: …, en: …}}` there"
    assert {(rule, message) for _, rule, message in errors} >= {
        ("pppk-review", f"rule id `pppk-review` has no entry under `rules` in {where}" + add.format("pppk-review")),
        (None, f"`fact.arrears` has no entry under `names` in {where}" + add.format("fact.arrears")),
        (None, f"legal-basis key `bpjs-tk` has no entry under `legal_basis` in {where}" + add.format("bpjs-tk")),
        (None, f"payment channel `POS` has no entry under `channels` in {where}" + add.format("POS")),
        ("no-other-aid", f"value `PKH` has no entry under `values` in {where}: add `PKH: {{id: …, en: …}}` there, "
         "below the field it is compared with"),
    }
    told = f"`fact.arrears` has no entry under `names` in {where}" + add.format("fact.arrears")
    assert [e for e in errors if "`fact.arrears`" in e[2]] == [("no-glossary-entry", None, told)]  # once: declared
    assert load_glossary() is not load_glossary((rules / "glossary" / "glossary.yaml").resolve())


def _with_glossary_edited(folder: Path, old: str, new: str) -> str:
    """``folder`` holding bsu-2022.yaml, its tables and the glossary with ``old`` (written once there) replaced by
    ``new``; the glossary as it was."""
    shutil.copytree(ROOT / "rules" / "tables", folder / "tables")
    (folder / "glossary").mkdir()
    glossary = (ROOT / "rules" / "glossary" / "glossary.yaml").read_text("utf-8")
    assert glossary.count(old) == 1
    (folder / "glossary" / "glossary.yaml").write_text(glossary.replace(old, new), "utf-8")
    shutil.copy(ROOT / "rules" / "bsu-2022.yaml", folder / "bsu-2022.yaml")
    return glossary


@pytest.mark.parametrize(("old", "new", "says", "suggestion"), [
    ("\nchannels:", "\nchanels:", "unknown key `chanels`", "channels"),
    ("member.name: {id: nama, en: name, format: text}", "member.name: {id: nama, en: name, format: txt}",
     "names.member.name.format: `txt` is not a value here", "text"),
])
def test_a_glossary_mistake_is_told_at_its_line_in_the_glossary(tmp_path: Path, old: str, new: str, says: str,
                                                                 suggestion: str) -> None:
    """A key or value the glossary's schema does not take is told where it is in the glossary, in the words a
    rule file's mistake is told (not at the rule file's first line in pydantic's)."""
    glossary = _with_glossary_edited(tmp_path, old, new)
    [found] = check_file(tmp_path / "bsu-2022.yaml")[1]
    line = glossary[:glossary.index(old) + (old[0] == "\n")].count("\n") + 1
    assert (found.file, found.line) == (str(tmp_path / "glossary" / "glossary.yaml"), line)
    assert says in found.message and found.suggestion == suggestion
    (tmp_path / "glossary" / "glossary.yaml").write_text("- names\n", "utf-8")
    [found] = check_file(tmp_path / "bsu-2022.yaml")[1]
    assert (found.line, found.column) == (1, 1) and found.message.startswith("the file holds a list, not keys")


@pytest.mark.parametrize(("old", "new", "code", "column"), [
    ("    C: {id: industri pengolahan, en: manufacturing}\n",
     "    C: {id: industri pengolahan, en: manufacturing}\n    C: {id: industri, en: industry}\n", "duplicate-key", 5),
    ("  member.name: {id: nama", "\tmember.name: {id: nama", "yaml-syntax", 1),
], ids=["repeated-key", "tab"])
def test_a_glossary_that_is_no_yaml_is_told_at_its_line_in_the_glossary(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, code: str, column: int) -> None:
    """A repeated key or a tab in the glossary is told at its line there, with its own code, in text and JSON:
    it was told at the rule file's `ruleset:` line (4:1) as `glossary`, the glossary's line only in the message."""
    from bsu_rules.cli import main

    glossary = _with_glossary_edited(tmp_path, old, new)
    line = glossary[:glossary.index(old)].count("\n") + 1 + (code == "duplicate-key")
    where = str(tmp_path / "glossary" / "glossary.yaml")
    ruleset, [found] = check_file(tmp_path / "bsu-2022.yaml")
    assert ruleset is None and (found.file, found.line, found.column, found.code, found.severity) == \
        (where, line, column, code, "error"), str(found)
    assert main(["check", "--format", "json", str(tmp_path / "bsu-2022.yaml")]) == 1
    [shown] = json.loads(capsys.readouterr().out)["diagnostics"]
    assert (shown["file"], shown["line"], shown["column"], shown["code"]) == (where, line, column, code)
    assert "glossary.yaml" not in shown["message"]
    assert main(["check", str(tmp_path / "bsu-2022.yaml")]) == 1
    assert capsys.readouterr().out.startswith(f"{where}:{line}:{column}: error [{code}]: ")
    shutil.copy(ROOT / "rules" / "bsu-2021.yaml", tmp_path / "bsu-2021.yaml")  # two rule files, one glossary
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.count(f"{where}:{line}:{column}: error [{code}]: ") == 1 and out.endswith("1 error, 0 warnings\n"), out


@pytest.mark.parametrize("written", ["nama 3204125708940003", "name 3204-1257-0894-0003",
                                     "nama 32041257\u200b08940003"])
def test_a_glossary_entry_holding_a_nik_is_a_check_error(tmp_path: Path, written: str) -> None:
    """Glossary words are shown to everyone as written: a NIK- or account-like number in one is refused
    when the rule file is checked, as in a rule's own text, never printed by diff or a page."""
    rules = tmp_path / "rules"
    (rules / "glossary").mkdir(parents=True)
    (rules / "tables").mkdir()
    for table in (ROOT / "rules" / "tables").glob("*"):
        (rules / "tables" / table.name).write_bytes(table.read_bytes())
    glossary = (ROOT / "rules" / "glossary" / "glossary.yaml").read_text("utf-8")
    old = "member.name: {id: nama, en: name, format: text}"
    assert old in glossary
    (rules / "glossary" / "glossary.yaml").write_text(glossary.replace(old, f'member.name: {{id: "{written}", en: '
                                                                          'name, format: text}'), "utf-8")
    (rules / "bsu-2022.yaml").write_text((ROOT / "rules" / "bsu-2022.yaml").read_text("utf-8"), "utf-8")
    ruleset, found = check_file(rules / "bsu-2022.yaml")
    line = glossary[:glossary.index(old)].count("\n") + 1
    assert ruleset is None and [(d.code, d.file, d.line) for d in found] == [
        ("invalid-value", str(rules / "glossary" / "glossary.yaml"), line)]  # at its line in the glossary
    assert "names.member.name.id: a number of ten digits or more" in found[0].message
    assert "3204" not in found[0].message


def test_years_are_never_grouped() -> None:
    from bsu_rules.formatting import format_year

    assert (format_year(2022, "id"), format_year(2022, "en")) == ("2022", "2022")
    teacher = {**EXAMPLES[0], "program_receipts": [{"program": "BSU_TEACHER", "year": 2022}]}
    d = load_ruleset("bsu-2022").plan().decide(parse_member(teacher), hints=True)
    explain = d.rule("no-teacher-subsidy").explain
    assert explain is not None and "pada tahun 2022;" in explain.id and "in 2022;" in explain.en


@pytest.mark.parametrize(("edition", "on", "program", "rule"), [
    ("bsu-2020", "2020-08-14", "PRAKERJA", "no-prakerja"),
    ("bsu-2020", "2020-08-14", "BSU_TEACHER", "no-teacher-subsidy"),
    ("bsu-2021", "2021-08-10", "BSU_TEACHER", "no-teacher-subsidy"),
    ("bsu-2022", "2022-09-05", "BSU_TEACHER", "no-teacher-subsidy"),
    ("bsu-2025", "2025-06-02", "BSU_TEACHER", "no-teacher-subsidy")])
def test_an_exclusion_says_that_it_excludes(edition: str, on: str, program: str, rule: str) -> None:
    """Aid received is said with why it matters, as a civil servant's exclusion is."""
    year = int(on[:4])
    member = {**EXAMPLES[0], "program_receipts": [{"program": program, "year": year}]}
    explain = load_ruleset(edition).plan(date.fromisoformat(on)).decide(parse_member(member)).rule(rule).explain
    assert explain is not None and "dikecualikan dari penerima BSU" in explain.id and "excluded from" in explain.en


@pytest.mark.parametrize(("edition", "on", "id_heading", "en_heading"), [
    ("bsu-2021", "2021-08-10", "Dasar hukum dan sumber kebijakan:", "Legal basis and policy sources:"),
    ("bsu-2022", "2022-09-05", "Dasar hukum:", "Legal basis:")])
def test_a_policy_s_source_is_not_called_law(edition: str, on: str, id_heading: str, en_heading: str) -> None:
    """2021 excludes civil servants on an audit finding, not on an article: the notes' heading says a
    policy source is among them; 2022 excludes them by an article of its regulation."""
    member = {**EXAMPLES[0], "employment_type": "pns"}
    ruleset = load_ruleset(edition)
    decision = ruleset.plan(date.fromisoformat(on)).decide(parse_member(member))
    for audience in AUDIENCES:
        for lang, heading in (("id", id_heading), ("en", en_heading)):
            text = render_text(decision, ruleset, lang, audience).splitlines()
            assert heading in text, (audience, lang)
            assert f'<p>{heading}</p>' in render_html([decision], ruleset, lang, audience), (audience, lang)


# --- the reviewer's cases, as a worker is told them -------------------------------------------------

def _worker(n: int, lang: str) -> str:
    rs = load_ruleset("bsu-2022")
    return render_text(rs.plan().decide(parse_member(EXAMPLES[n - 1]), hints=True), rs, lang)


DECEASED_ID = """\
Bantuan Subsidi Gaji/Upah (BSU) 2022 · Peserta dengan NIK berawalan 3671 dan berakhiran 0006
TIDAK MEMENUHI SYARAT sebagai penerima BSU
Tanggal keputusan: 5 September 2022
Data per: 31 Juli 2022
Alasan:
  ✗ Peserta tercatat meninggal dunia pada 20 Juni 2022, yaitu pada atau sebelum batas kepesertaan 31 Juli 2022; \
peserta yang telah meninggal dunia tidak lagi aktif. [1]
      Ini penafsiran program atas peraturan yang menjadi dasar syarat ini, bukan bunyi pasalnya.
  ✗ Tidak ada tagihan iuran untuk bulan Juli 2022, sehingga kepesertaan aktif pada bulan itu tidak terbukti. [1]
      Ini penafsiran program atas peraturan yang menjadi dasar syarat ini, bukan bunyi pasalnya.
Keterangan: ✗ syarat tidak terpenuhi
Dasar hukum:
  [1] Pasal 3 ayat (2) huruf b Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022."""

DECEASED_EN = """\
Wage Subsidy (BSU) 2022 · Participant with NIK starting 3671 and ending 0006
NOT ELIGIBLE to receive BSU
Decision date: 5 September 2022
Data as of: 31 July 2022
Reasons:
  ✗ The participant is recorded as having died on 20 June 2022, which is on or before the \
membership cut-off of 31 July 2022; a participant who has died is no longer active. [1]
      This is the programme's reading of the regulation behind this requirement, not its exact wording.
  ✗ No contribution is billed for July 2022, so active membership in that month is not shown. [1]
      This is the programme's reading of the regulation behind this requirement, not its exact wording.
Key: ✗ requirement not met
Legal basis:
  [1] Article 3(2)(b) of Regulation of the Minister of Manpower Number 10 of 2022."""

BPU_ID = """\
Bantuan Subsidi Gaji/Upah (BSU) 2022 · Peserta dengan NIK berawalan 3404 dan berakhiran 0003
TIDAK MEMENUHI SYARAT sebagai penerima BSU
Tanggal keputusan: 5 September 2022
Data per: 31 Juli 2022
Alasan:
  ✗ Peserta terdaftar dalam kategori Bukan Penerima Upah (BPU), sedangkan BSU hanya untuk peserta \
Penerima Upah (PU). [1]
      Ini penafsiran program atas peraturan yang menjadi dasar syarat ini, bukan bunyi pasalnya.
Keterangan: ✗ syarat tidak terpenuhi
Dasar hukum:
  [1] Pasal 3 ayat (2) Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022."""

PNS_ID = """\
Bantuan Subsidi Gaji/Upah (BSU) 2022 · Peserta dengan NIK berawalan 3273 dan berakhiran 0005
TIDAK MEMENUHI SYARAT sebagai penerima BSU
Tanggal keputusan: 5 September 2022
Data per: 31 Juli 2022
Alasan:
  ✗ Peserta tercatat berstatus Pegawai Negeri Sipil (PNS), yang dikecualikan dari penerima BSU. [1]
Langkah selanjutnya:
  - Jika status pekerjaan yang tercatat keliru, minta pemberi kerja membetulkannya di BPJS Ketenagakerjaan.
Keterangan: ✗ syarat tidak terpenuhi
Dasar hukum:
  [1] Pasal 3 ayat (2) huruf d Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022."""

PPPK_ID = """\
Bantuan Subsidi Gaji/Upah (BSU) 2022 · Peserta dengan NIK berawalan 3276 dan berakhiran 0002
MEMENUHI SYARAT sebagai penerima BSU — perlu diperiksa petugas sebelum bantuan disalurkan
Tanggal keputusan: 5 September 2022
Data per: 31 Juli 2022
Bantuan: Rp600.000, dibayarkan sekaligus [1]
Penyaluran: rekening Bank Tabungan Negara (BTN)
Perlu diperiksa:
  ! Peserta tercatat sebagai Pegawai Pemerintah dengan Perjanjian Kerja (PPPK). Peraturan tidak menyebut apakah \
PPPK dikecualikan, sehingga petugas akan memeriksanya sebelum bantuan disalurkan.
      Ini penafsiran atas peraturannya, bukan bunyi pasalnya.
Keterangan: ! perlu diperiksa petugas
Dasar hukum:
  [1] Pasal 6 ayat (1) Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022."""

ARREARS_ID = """\
Bantuan Subsidi Gaji/Upah (BSU) 2022 · Peserta dengan NIK berawalan 3515 dan berakhiran 0004
TIDAK MEMENUHI SYARAT sebagai penerima BSU
Tanggal keputusan: 5 September 2022
Data per: 31 Juli 2022
Alasan:
  ✗ Per 31 Juli 2022, ada tunggakan iuran 3 bulan antara bulan April 2022 dan Juni 2022, sedangkan yang \
diperbolehkan 2 bulan. [1]
      Ini penafsiran program atas peraturan yang menjadi dasar syarat ini, bukan bunyi pasalnya.
      Peserta akan memenuhi syarat seandainya iuran bulan Juni 2022 telah dibayar paling lambat 31 Juli 2022.
Keterangan: ✗ syarat tidak terpenuhi
Dasar hukum:
  [1] Pasal 3 ayat (2) huruf b Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022; ketentuan kepesertaan BPJS Ketenagakerjaan."""  # noqa: E501

REGIONAL_CEILING_ID = """\
Bantuan Subsidi Gaji/Upah (BSU) 2022 · Peserta dengan NIK berawalan 3171 dan berakhiran 0001
TIDAK MEMENUHI SYARAT sebagai penerima BSU
Tanggal keputusan: 5 September 2022
Data per: 31 Juli 2022
Alasan:
  ✗ Upah bulan Juli 2022 sebesar Rp4.950.000 melebihi batas upah Rp4.700.000 untuk Provinsi DKI Jakarta, yaitu \
upah minimum setempat Rp4.641.854 yang dibulatkan ke atas ke kelipatan Rp100.000. [1]
      Peserta akan memenuhi syarat seandainya upah yang dilaporkan pemberi kerja untuk bulan Juli 2022 paling banyak \
Rp4.700.000 (yang tercatat: Rp4.950.000).
Keterangan: ✗ syarat tidak terpenuhi
Dasar hukum:
  [1] Pasal 3 ayat (2) huruf c dan Pasal 4 Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022."""

REGIONAL_CEILING_EN = """\
Wage Subsidy (BSU) 2022 · Participant with NIK starting 3171 and ending 0001
NOT ELIGIBLE to receive BSU
Decision date: 5 September 2022
Data as of: 31 July 2022
Reasons:
  ✗ The wage for July 2022, Rp4.950.000, is above the wage ceiling of Rp4.700.000 for DKI Jakarta province, its \
local minimum wage of Rp4.641.854 rounded up to a multiple of Rp100.000. [1]
      The participant would be eligible if the wage the employer reported for July 2022 had been at most Rp4.700.000 \
(on record: Rp4.950.000).
Key: ✗ requirement not met
Legal basis:
  [1] Article 3(2)(c) and Article 4 of Regulation of the Minister of Manpower Number 10 of 2022."""

MISSING_WAGE_ID = """\
Bantuan Subsidi Gaji/Upah (BSU) 2022 · Peserta dengan NIK berawalan 3471 dan berakhiran 0001
BELUM DAPAT DITENTUKAN apakah memenuhi syarat sebagai penerima BSU
Tanggal keputusan: 5 September 2022
Data per: 31 Juli 2022
Alasan:
  ? Belum dapat ditentukan karena data laporan upah dari pemberi kerja tidak tercatat. [1]
Langkah selanjutnya:
  - Minta pemberi kerja melaporkan upah peserta kepada BPJS Ketenagakerjaan; upah yang dipakai adalah upah yang \
dilaporkan pemberi kerja.
Keterangan: ? belum dapat ditentukan
Dasar hukum:
  [1] Pasal 3 ayat (2) huruf c dan Pasal 4 Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022."""

MISSING_WAGE_EN = """\
Wage Subsidy (BSU) 2022 · Participant with NIK starting 3471 and ending 0001
NOT YET DETERMINED whether eligible to receive BSU
Decision date: 5 September 2022
Data as of: 31 July 2022
Reasons:
  ? This cannot be decided yet because there is no record of the wage reports from the employer. [1]
What to do next:
  - Ask the employer to report the participant's wage to BPJS Ketenagakerjaan; the wage used is the one the \
employer reports.
Key: ? cannot be decided yet
Legal basis:
  [1] Article 3(2)(c) and Article 4 of Regulation of the Minister of Manpower Number 10 of 2022."""

PPKM_INCOMPLETE_ID = """\
Bantuan Subsidi Gaji/Upah (BSU) 2021 · Peserta dengan NIK berawalan 3374 dan berakhiran 0007
BELUM DAPAT DITENTUKAN apakah memenuhi syarat sebagai penerima BSU
Tanggal keputusan: 10 Agustus 2021
Data per: 30 Juni 2021
Alasan:
  ? Belum dapat ditentukan karena daftar wilayah PPKM level 3 dan 4 dalam Lampiran I yang tersedia belum lengkap \
dan tidak mencantumkan Kabupaten Bandung (Provinsi Jawa Barat). [1]
Langkah selanjutnya:
  - Daftar wilayah PPKM dalam data program belum lengkap; peserta tidak perlu membawa atau memperbarui apa pun, dan \
keputusan dibuat kembali setelah data itu lengkap.
Keterangan: ? belum dapat ditentukan
Dasar hukum:
  [1] Pasal 3 ayat (2) huruf d Peraturan Menteri Ketenagakerjaan Nomor 14 Tahun 2020 sebagaimana telah diubah \
dengan Peraturan Menteri Ketenagakerjaan Nomor 16 Tahun 2021; Lampiran I Peraturan Menteri Ketenagakerjaan Nomor 16 \
Tahun 2021."""


@pytest.mark.parametrize(("n", "lang", "expected"), [
    (11, "id", DECEASED_ID), (11, "en", DECEASED_EN), (9, "id", BPU_ID), (6, "id", PNS_ID), (8, "id", PPPK_ID),
    (13, "id", ARREARS_ID), (4, "id", REGIONAL_CEILING_ID), (4, "en", REGIONAL_CEILING_EN),
    (14, "id", MISSING_WAGE_ID), (14, "en", MISSING_WAGE_EN),
], ids=["deceased-id", "deceased-en", "bpu", "pns", "pppk-review", "arrears", "regional-ceiling-id",
        "regional-ceiling-en", "missing-wage-id", "missing-wage-en"])
def test_reviewer_cases_read_as_a_worker_is_told(n: int, lang: str, expected: str) -> None:
    assert _worker(n, lang) == expected


@pytest.mark.parametrize(("n", "lang", "reason"), [
    (13, "id", "Per 30 April 2025, ada tunggakan iuran 4 bulan antara bulan April 2022 dan Juli 2022, sedangkan "
               "yang diperbolehkan 2 bulan. [2]"),
    (13, "en", "As of 30 April 2025, contributions are unpaid for 4 months between April 2022 and July 2022, while "
               "the rules allow 2 months. [2]"),
    (5, "id", "Upah bulan Juli 2022 sebesar Rp4.200.000, upah terakhir yang dilaporkan pemberi kerja sampai dengan "
              "bulan April 2025, melebihi batas upah Rp3.800.000 untuk Kabupaten Bandung (Provinsi Jawa Barat), "
              "yaitu upah minimum setempat Rp3.757.284,86 yang dibulatkan ke atas ke kelipatan Rp100.000. [2]"),
    (5, "en", "The wage for July 2022, Rp4.200.000, the latest the employer reported up to April 2025, is above the "
              "wage ceiling of Rp3.800.000 for Kabupaten Bandung (Jawa Barat province), its local minimum wage of "
              "Rp3.757.284,86 rounded up to a multiple of Rp100.000. [2]"),
])
def test_old_data_is_dated_where_it_decides(n: int, lang: str, reason: str) -> None:
    """A wage or arrears three years old decides a 2025 case: the worker hears the months they are for, never
    only the cut-off (which would make a 2022 report read as current), and the decision carries those months."""
    rs = load_ruleset("bsu-2025")
    d = rs.plan(date(2025, 7, 1)).decide(parse_member(EXAMPLES[n - 1]), hints=True)
    assert reason in [line[4:] for line in render_text(d, rs, lang).splitlines() if line.startswith("  ✗ ")]
    if n == 13:
        assert d.rule("arrears").values["fact.arrears_from"] == "2022-04"
        assert d.rule("arrears").values["fact.arrears_to"] == "2022-07"
    else:
        assert d.rule("wage-ceiling").values["fact.wage_month"] == "2022-07"
        officer = render_text(d, rs, lang, "officer")
        assert ("Bulan upah terakhir yang dilaporkan: Juli 2022" if lang == "id"
                else "Month of the latest wage reported: July 2022") in officer


def test_ppkm_table_incomplete_reads_as_a_worker_is_told() -> None:
    (case,) = [c for c in load_file(ROOT / "rules" / "tests" / "bsu-2021.yaml", RuleSets()).cases
               if c.name.startswith("an area the partial PPKM table")]
    assert case.ruleset is not None and case.case is not None and case.member is not None
    decision = case.ruleset.plan(case.case.on).decide(case.member, hints=True)
    assert render_text(decision, case.ruleset, "id") == PPKM_INCOMPLETE_ID
    assert _line(render_text(decision, case.ruleset, "en"), "? ") == (  # the list's gap, never the member's
        "This cannot be decided yet because the available list of areas under community activity restrictions "
        "(PPKM) at level 3 or 4 in Annex I is incomplete and does not list Kabupaten Bandung (Jawa Barat "
        "province). [1]")
    named = case.ruleset.plan(case.case.on).decide(case.member.model_copy(update={"work_regency_code": "3215"}))
    assert named.outcome.value == "eligible"  # Kab. Karawang is listed: decided, no gap said


def test_the_officer_reads_every_criterion_under_plain_labels() -> None:
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member(EXAMPLES[7]), hints=True)  # PPPK: eligible, flagged
    text = render_text(d, rs, "id", "officer")
    marks = re.findall(r"^  (\S) ", text, flags=re.M)
    assert len(marks) == len(d.rules) and marks.count("!") == 1 and "✗" not in marks
    assert "  ! Pemeriksaan status PPPK" in text and "Perlu diperiksa: Pemeriksaan status PPPK" in text
    assert "Status pekerjaan: Pegawai Pemerintah dengan Perjanjian Kerja (PPPK)" in text
    assert "Ada tagihan iuran untuk bulan Juli 2022: ya" in text
    assert "Prioritas: 1 dari 1 kriteria prioritas terpenuhi" in text
    ineligible = rs.plan().decide(parse_member(EXAMPLES[3]), hints=True)
    assert "Prioritas" not in render_text(ineligible, rs, "id", "officer")  # no "Prioritas: 0" when not paid


def test_the_guide_shows_the_three_audiences_of_one_member() -> None:
    import html

    doc = (ROOT / "docs" / "explanations.md").read_text("utf-8")
    cells = [html.unescape(c) for c in re.findall(r"<td valign=\"top\"><pre>(.*?)</pre></td>", doc, flags=re.S)]
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member(EXAMPLES[3]), hints=True)
    assert len(cells) == 3
    assert cells[0] == render_text(d, rs, "id", "worker"), "refresh the worker column of docs/explanations.md"
    for cell, audience in zip(cells[1:], ("officer", "auditor"), strict=True):
        assert cell.splitlines()[:2] == render_text(d, rs, "id", audience).splitlines()[:2]
        assert "[wage-ceiling]" in cell if audience == "auditor" else "[wage-ceiling]" not in cell


@pytest.mark.parametrize(("source", "lang", "expected"), [
    ("pm-10-2022, Pasal 3 ayat (2) huruf c; Pasal 4", "id",
     "Pasal 3 ayat (2) huruf c dan Pasal 4 Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022"),
    ("pm-10-2022, Pasal 3 ayat (2) huruf c; Pasal 4", "en",
     "Article 3(2)(c) and Article 4 of Regulation of the Minister of Manpower Number 10 of 2022"),
    ("pm-14-2020, Pasal 3 ayat (2) huruf b dan d", "en",
     "Article 3(2)(b) and (d) of Regulation of the Minister of Manpower Number 14 of 2020"),
    ("pm-5-2025, Pasal 3 ayat (2) huruf a Permenaker 10/2022 sebagaimana diubah", "id",
     "Pasal 3 ayat (2) huruf a Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022 sebagaimana telah diubah "
     "dengan Peraturan Menteri Ketenagakerjaan Nomor 5 Tahun 2025 (nomor pasal belum dapat dipastikan)"),
    ("pm-5-2025, Pasal 6 ayat (1) Permenaker 10/2022 sebagaimana diubah (Rp300.000 x 2 bulan)", "en",
     "Article 6(1) of Regulation of the Minister of Manpower Number 10 of 2022 as amended by Regulation of the "
     "Minister of Manpower Number 5 of 2025 (article number not confirmed)"),
    ("pm-16-2021, Pasal 3 ayat (2) huruf d; Lampiran I (dihapus oleh pm-21-2021 mulai 8 November 2021)", "en",
     "Article 3(2)(d) and Annex I of Regulation of the Minister of Manpower Number 16 of 2021"),
    ("pm-16-2021 (penyaluran melalui Bank Himbara)", "id", "Peraturan Menteri Ketenagakerjaan Nomor 16 Tahun 2021"),
    ("pm-10-2022, Pasal 3, ayat (2); Pasal 4, ayat (1), huruf a", "en",  # commas a rule author may write
     "Article 3(2) and Article 4(1)(a) of Regulation of the Minister of Manpower Number 10 of 2022"),
    ("pm-10-2022, Pasal 3; Pasal 4, ayat (1)", "id",
     "Pasal 3 dan Pasal 4 ayat (1) Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022"),
    ("pm-10-2022, Pasal 3; pm-10-2022", "en",  # the key again, with no pinpoint: nothing more to cite
     "Article 3 of Regulation of the Minister of Manpower Number 10 of 2022"),
    ("pm-5-2025, Pasal 3 ayat (2) huruf d Permenaker 10/2022 sebagaimana diubah; pm-5-2025", "en",
     "Article 3(2)(d) of Regulation of the Minister of Manpower Number 10 of 2022 as amended by Regulation of the "
     "Minister of Manpower Number 5 of 2025 (article number not confirmed)"),
    ("pm-5-2025, Penjelasan Pasal 3", "en", "Elucidation of Article 3 of Regulation of the Minister of Manpower "
     "Number 5 of 2025 (article number not confirmed)"),  # every pinpoint word check takes has its English
    ("pm-10-2022, Pasal 3; ayat (4); Pasal 4 ayat (1) sampai ayat (3); pasal 5 angka 2; Paragraf 2", "en",
     "Article 3 and paragraph (4) and Article 4(1) to (3) and Article 5 number 2 and Paragraph 2 of Regulation "
     "of the Minister of Manpower Number 10 of 2022"),
    ("pm-10-2022, Lampiran huruf A; Bab II; Bagian Kedua", "en", "Annex letter A and Chapter II and Part Two of "
     "Regulation of the Minister of Manpower Number 10 of 2022"),
    ("pm-10-2022, Pasal 3 ayat (1) dan ayat (2) huruf a sampai dengan huruf d; Penjelasan Umum", "en",
     "Article 3(1) and (2)(a) to (d) and General Elucidation of Regulation of the Minister of Manpower Number 10 of "
     "2022"),
    ("pm-10-2022, Pasal 3 ayat (2) huruf a, huruf b dan huruf c; Penjelasan ayat (2)", "en",
     "Article 3(2)(a), (b) and (c) and Elucidation of paragraph (2) of Regulation of the Minister of Manpower "
     "Number 10 of 2022"),  # a list's comma kept, a comma before a deeper part read as none
    ("pm-10-2022, Pasal 3, ayat (1), ayat (2), dan ayat (3)", "id",
     "Pasal 3 ayat (1), ayat (2), dan ayat (3) Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022"),
    ("pm-10-2022, Pasal 3 tentang upah", "en",  # words not read as articles: cited as written, never garbled
     "Pasal 3 tentang upah of Regulation of the Minister of Manpower Number 10 of 2022"),
    ("bpjs-tk", "id", "ketentuan kepesertaan BPJS Ketenagakerjaan"),
    ("a source that names no legal basis", "id", None),
    (None, "en", None),
])
def test_citations_name_the_regulation_in_full(source: str | None, lang: str, expected: str | None) -> None:
    from bsu_rules.explain.citations import cite

    assert cite(source, load_glossary(), lang) == expected


@pytest.mark.parametrize(("on", "id_words", "en_words"), [
    ("2021-11-07", "sebagaimana telah diubah dengan Peraturan Menteri Ketenagakerjaan Nomor 16 Tahun 2021",
     "as amended by Regulation of the Minister of Manpower Number 16 of 2021"),
    ("2021-11-08", "sebagaimana telah beberapa kali diubah, terakhir dengan Peraturan Menteri Ketenagakerjaan "
     "Nomor 21 Tahun 2021", "as last amended by Regulation of the Minister of Manpower Number 21 of 2021"),
])
def test_a_decision_cites_the_text_as_amended_on_its_date(on: str, id_words: str, en_words: str) -> None:
    """From 8 November 2021 the 2021 criteria are those of 14/2020 as last amended by 21/2021 (which
    ended the PPKM-area criterion), and a decision made then cites them so."""
    rs = load_ruleset("bsu-2021")
    member = parse_member({**EXAMPLES[0], "work_regency_code": "3204"})
    d = rs.plan(date.fromisoformat(on)).decide(member)
    for lang, words in (("id", id_words), ("en", en_words)):
        for audience in ("worker", "auditor"):
            assert words in render_text(d, rs, lang, audience)


@pytest.mark.parametrize(("on", "amended"), [("2021-07-27", False), ("2021-07-28", True), ("2022-09-04", True)])
def test_a_decision_on_the_text_as_first_written_says_so_once_it_was_amended(on: str, amended: bool) -> None:
    """16/2021 rewrote Pasal 3 ayat (2) of 14/2020 from 28 July 2021: a 2020-edition decision made
    since cites the letters of the text it applies, as they read before that amendment."""
    rs = load_ruleset("bsu-2020")
    member = parse_member({**EXAMPLES[0], "wages": [{"period": "2020-06", "amount": 3_400_000}]})
    d = rs.plan(date.fromisoformat(on)).decide(member)
    for lang, words in (("id", "Nomor 14 Tahun 2020 sebelum diubah dengan Peraturan Menteri Ketenagakerjaan Nomor 16 "
                                "Tahun 2021"),
                        ("en", "Number 14 of 2020 as it read before its amendment by Regulation of the Minister of "
                               "Manpower Number 16 of 2021")):
        page = render_text(d, rs, lang, "officer")
        assert (words in page) is amended and ("14 Tahun 2020" in page or "14 of 2020" in page)


@pytest.mark.parametrize(("taken", "en_words"), [
    (frozenset({"pm-10-2022"}), "Number 10 of 2022 as it read before its amendment by Regulation of the Minister of "
                                "Manpower Number 5 of 2025"),
    (frozenset({"pm-10-2022", "pm-5-2025"}), "Number 10 of 2022 as amended by Regulation of the Minister of Manpower "
                                             "Number 5 of 2025")])
def test_an_edition_that_takes_the_amendment_in_cites_the_text_as_amended(taken: frozenset[str],
                                                                           en_words: str) -> None:
    """An amendment the glossary dates, made while an edition is in force: an edition that lists the amending
    regulation among its legal bases applies the amended text (the guide's recipe for a dated amendment) and
    cites it so, not as it read before; one that does not keeps citing the text it applies, as it read."""
    from bsu_rules.explain.citations import cite

    text = cite("pm-10-2022, Pasal 4", load_glossary(), "en", None, date(2025, 6, 10), date(2022, 9, 5), taken)
    assert text is not None and en_words in text, text


@pytest.mark.parametrize(("source", "lang", "said"), [
    ("pm-5-2025, Pasal 5 Permenaker 10/2022 sebagaimana diubah", "en",
     "Article 5 of Regulation of the Minister of Manpower Number 10 of 2022 as amended by Regulation of the Minister "
     "of Manpower Number 5 of 2025 (article number not confirmed)"),
    ("pm-5-2025, Pasal 3 ayat (2) huruf a Permenaker 10/2022 sebagaimana diubah; bpjs-tk", "id",
     "Pasal 3 ayat (2) huruf a Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022 sebagaimana telah diubah dengan "
     "Peraturan Menteri Ketenagakerjaan Nomor 5 Tahun 2025 (nomor pasal belum dapat dipastikan); ketentuan "
     "kepesertaan BPJS Ketenagakerjaan"),
    ("pm-5-2025", "en", "Regulation of the Minister of Manpower Number 5 of 2025"),  # no article cited: nothing unsure
    ("pm-10-2022, Pasal 5", "en", "Article 5 of Regulation of the Minister of Manpower Number 10 of 2022"),
])
def test_an_article_number_not_confirmed_is_cited_as_such(source: str, lang: str, said: str) -> None:
    """The 2025 amendment's article numbers could not be checked against its text (the glossary marks it
    `articles_unconfirmed`): a decision's footnote says so, as the rule file's notes do, in both languages."""
    from bsu_rules.explain.citations import cite

    assert cite(source, load_glossary(), lang) == said


def test_an_edition_that_began_with_the_amended_text_does_not_cite_the_text_before_it(tmp_path: Path) -> None:
    """A 2021 rule file citing an article of 14/2020 bare applies it as 16/2021 amended it."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2021.yaml"
    text = path.read_text("utf-8")
    old = "source: pm-16-2021, Pasal 3B Permenaker 14/2020 sebagaimana diubah"
    assert old in text
    path.write_text(text.replace(old, "source: pm-14-2020, Pasal 3 ayat (2) huruf a"), "utf-8")
    rs = load_ruleset(path)
    d = rs.plan(date(2021, 9, 1)).decide(parse_member({**EXAMPLES[0], "work_regency_code": "3204"}))
    page = render_text(d, rs, "en", "auditor")
    assert "Article 3(2)(a) of Regulation of the Minister of Manpower Number 14 of 2020" in page
    assert "as it read before" not in page


def test_a_glossary_amendment_names_a_regulation_it_knows_in_date_order() -> None:
    entry = {"id": "Permenaker 14/2020", "en": "Regulation 14 of 2020"}
    with pytest.raises(ValueError, match="not by `a` itself"):
        Glossary.model_validate({"legal_basis": {"a": {**entry, "amended": [{"by": "a", "from": "2021-07-28"}]}}})
    with pytest.raises(ValueError, match="write the date as YYYY-MM-DD"):  # not seconds since 1970
        Glossary.model_validate({"legal_basis": {"a": {**entry, "amended": [{"by": "b", "from": 0}]}, "b": entry}})
    with pytest.raises(ValueError, match="`pm-99-2021` is no key of `legal_basis`"):
        Glossary.model_validate({"legal_basis": {"pm-14-2020": {**entry, "amended": [
            {"by": "pm-99-2021", "from": "2021-07-28"}]}}})
    with pytest.raises(ValueError, match="list the amendments by date"):
        Glossary.model_validate({"legal_basis": {"a": {**entry, "amended": [
            {"by": "b", "from": "2021-11-08"}, {"by": "b", "from": "2021-07-28"}]}, "b": entry}})


def test_an_html_page_with_a_malformed_record_stays_a_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bsu_rules.cli import main

    records = tmp_path / "m.jsonl"
    records.write_text(json.dumps(EXAMPLES[3]) + '\n{"nik": "12"}\n', "utf-8")
    assert main(["evaluate", "bsu-2022", str(records), "--format", "html", "--audience", "officer"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("<!DOCTYPE html>") and out.count("<section") == 2 and '"error"' not in out
    assert "<h2>Catatan yang tidak dapat diputuskan: 1</h2>" in out  # a printed page says what it leaves out
    assert f"<p>Catatan 2 ({records}, baris 2) tidak dapat diputuskan" in out
    assert '"record": 2' in err


def test_a_remembered_sentence_is_the_sentence_rendered_afresh() -> None:
    """Members who fail for the same reason share one rendered sentence; each is what a renderer
    that has seen no other member writes, in both languages."""
    explained = 0
    for edition in ("bsu-2020", "bsu-2021", "bsu-2022"):
        plan = load_ruleset(edition).plan()
        for record in EXAMPLES * 2:  # the second round reads remembered sentences
            member = parse_member(record)
            facts = plan.fact_values(member)
            for r, outcome in zip(plan.rules, plan.decide(member).rules, strict=False):
                assert outcome.explain == Renderer(plan).explain(r, outcome.outcome, member, facts, outcome.missing)
                explained += outcome.explain is not None
    assert explained > 20


def test_a_value_members_share_is_formatted_once_and_as_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan's sentences remember a value as formatted (a ceiling members whose wages differ share): formatted
    once per placeholder and language, even where the sentence shows it twice; a value equal to another but
    written otherwise (5.0 and 5.00, True and 1) as itself."""
    from decimal import Decimal

    from bsu_rules.explain import sentences

    formatted: list[Any] = []
    format_as = sentences.format_as
    monkeypatch.setattr(sentences, "format_as", lambda value, *a: formatted.append(value) or format_as(value, *a))
    g, places, names, known = load_glossary(), Places({}), ["a", "b", "c"], dict[tuple[Any, ...], str]()
    parts = sentences.parse_template("{a} {b:rp}[ ({c:month})] {a}[ {c:month}]", "en", names.index)
    rows: list[list[Any]] = [[Decimal("5.0"), 7, "2022-07"], [Decimal("5.00"), 7, "2022-07"], [True, 8, None],
                             [1, 8, None]]
    said = [sentences.say(parts, values, "en", g, places, known=known) for values in rows]
    assert said == ["5.0 Rp7 (July 2022) 5.0", "5.00 Rp7 (July 2022) 5.00", "yes Rp8 yes", "1 Rp8 1"]
    assert formatted == [Decimal("5.0"), 7, "2022-07", Decimal("5.00"), True, 8, 1]


def test_two_criteria_waiting_for_one_input_are_read_to_the_worker_once() -> None:
    import bsu_rules

    ruleset = bsu_rules.load_ruleset("bsu-2022")
    examples = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    record = json.loads(examples.read_text().split("\n")[0])
    decision = bsu_rules.evaluate(ruleset, record | {"employment_type": None})
    assert [r.id for r in decision.rules if r.outcome == "unknown"] == ["not-pns-tni-polri", "pppk-review"]
    for lang, said in (("id", "data status pekerjaan tidak tercatat"), ("en", "record of the employment status")):
        text = render_text(decision, ruleset, lang, "worker")
        assert text.count(said) == 1, text


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_footnote_is_pointed_to_and_numbered_in_reading_order(audience: str) -> None:
    """A criterion read out once for two (both waiting for one input) adds no footnote of its own."""
    without = {k: v for k, v in EXAMPLES[0].items() if k != "contributions"}
    rs = load_ruleset("bsu-2022")
    extra = [(f"example 1 without contributions ({lang})", rs.plan().decide(parse_member(without), hints=True), rs)
             for lang in ("id", "en")]
    for name, decision, ruleset in [*decisions(), *extra]:
        for lang in ("id", "en"):
            text = render_text(decision, ruleset, lang, audience)
            heading = re.search(r"\n(?:Dasar hukum(?: dan sumber kebijakan)?|Legal basis(?: and policy sources)?):\n",
                                text)
            body, notes = (text[:heading.start()], text[heading.end():]) if heading else (text, "")
            listed = re.findall(r"^  \[(\d+)\] ", notes, flags=re.M)
            pointed = list(dict.fromkeys(re.findall(r" \[(\d+)\]$", body, flags=re.M)))
            assert listed == [str(i) for i in range(1, len(listed) + 1)], f"{name}:\n{text}"
            assert pointed == listed, f"{name} ({audience}, {lang}):\n{text}"


def test_a_place_is_read_by_the_name_its_table_gives() -> None:
    """A worker hears "Kota Bandung", not a regency code; an officer reads the name and the code."""
    rs = load_ruleset("bsu-2022")  # Kota Bandung known only as its 2021 figure, a lower bound
    bandung = {**EXAMPLES[0], "work_regency_code": "3273",
               "wages": [{**w, "amount": 3_800_001} for w in EXAMPLES[0]["wages"]]}
    d = rs.plan().decide(parse_member(bandung), hints=True)
    assert d.rule("wage-ceiling").missing == ["table.minimum_wage[3273]"]
    assert _line(render_text(d, rs, "en"), "? ") == (
        "This cannot be decided yet because the exact figure for Kota Bandung (Jawa Barat province) in the list "
        "of regency (UMK) and provincial (UMP) minimum wages is not yet confirmed in the programme's data. Known so "
        "far: the "
        "latest wage reported by the employer is Rp3.800.001 and the wage ceiling that applies is at least "
        "Rp3.800.000. The result depends on that figure. [1]")  # not the province's floor, below that bound
    assert _line(render_text(d, rs, "id"), "? ") == (  # the wage and the ceiling a worker compares, as an officer reads
        "Belum dapat ditentukan karena besaran untuk Kota Bandung (Provinsi Jawa Barat) pada daftar upah minimum "
        "kabupaten atau kota (UMK) dan provinsi (UMP) dalam data program belum pasti. Yang sudah diketahui: upah "
        "terakhir yang dilaporkan pemberi kerja Rp3.800.001 dan batas upah yang berlaku paling sedikit Rp3.800.000. "
        "Hasilnya bergantung pada besaran itu. [1]")
    assert d.rule("wage-ceiling").explain is not None and d.rule("wage-ceiling").explain.en == (
        "This cannot be decided yet because the figure for Kota Bandung (Jawa Barat province) in the list of "
        "regency (UMK) and provincial (UMP) minimum wages is not known exactly, only that it is at least "
        "Rp3.742.276,48. Known so far: the latest wage reported by the employer is Rp3.800.001 and the wage ceiling "
        "that applies is at least Rp3.800.000.")
    rs2021 = load_ruleset("bsu-2021")
    on = date(2021, 8, 10)
    outside = {**EXAMPLES[0], "work_regency_code": "3578", "wages": [{"period": "2021-06", "amount": 3_400_000}]}
    ppkm = rs2021.plan(on).decide(parse_member({**outside, "work_regency_code": "3273"}), hints=True)
    officer = render_text(ppkm, rs2021, "id", "officer")
    assert "Kabupaten atau kota tempat bekerja: Kota Bandung (3273, Provinsi Jawa Barat)" in officer
    assert "Regency or city of work: Kota Bandung (3273, Jawa Barat province)" in render_text(ppkm, rs2021, "en",
                                                                                                "officer")
    listed = rs2021.plan(on).decide(parse_member({**outside, "work_regency_code": "3204"}), hints=True)
    assert "Kabupaten atau kota tempat bekerja: Kabupaten Bandung (3204, Provinsi Jawa Barat)" in \
        render_text(listed, rs2021, "id", "officer")  # no table names it: the glossary's Kemendagri list does
    with pytest.raises(InputError, match="3299' is not a regency or city code of Kemendagri"):
        parse_member({**outside, "work_regency_code": "3299"})  # a code that names no place: no decision on it
    assert regency("3299", "id") == "3299 (Provinsi Jawa Barat)"  # a glossary without the code says its digits
    bogor = rs2021.plan(on).decide(parse_member({**outside, "work_regency_code": "3201"}), hints=True)
    assert "Kabupaten atau kota tempat bekerja: Kabupaten Bogor (3201, Provinsi Jawa Barat)" in \
        render_text(bogor, rs2021, "id", "officer")  # the table's "Kab. Bogor", spelled as every place is, and heard


def _line(text: str, mark: str) -> str:
    (line,) = [line.strip()[len(mark):] for line in text.splitlines() if line.startswith("  " + mark)]
    return line


def test_a_value_the_rules_do_not_set_is_the_programme_s_gap_not_the_record(rules_copy: Path) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    assert "  wage_ceiling:\n    value: 3500000\n" in text
    path.write_text(text.replace("  wage_ceiling:\n    value: 3500000\n",
                                 "  wage_ceiling:\n    values: {2022-11-01: 4000000}\n"), "utf-8")
    rs = load_ruleset(path)
    d = rs.plan(date(2022, 9, 12)).decide(parse_member(EXAMPLES[0]), hints=True)
    assert d.rule("wage-ceiling").missing == ["param.wage_ceiling"]
    assert _line(render_text(d, rs, "en"), "? ") == (
        "This cannot be decided yet because the programme's rules do not yet set the wage ceiling in the regulation "
        "for 12 September 2022. [1]")
    assert _line(render_text(d, rs, "id"), "? ") == (
        "Belum dapat ditentukan karena aturan program belum menetapkan batas upah dalam peraturan untuk tanggal "
        "12 September 2022. [1]")
    renderer = Renderer(rs.plan(date(2022, 9, 12)))  # with a value of the record missing too, both are said
    assert renderer.unknown(["fact.ceiling", "fact.wage", "param.wage_ceiling"], "en") == (
        "This cannot be decided yet because the programme's rules do not yet set the wage ceiling in the regulation "
        "for 12 September 2022, and the employer has reported no wage for July 2022 or earlier.")
    assert renderer.unknown(["member.wages", "member.wages"], "id") == (
        "Belum dapat ditentukan karena data laporan upah dari pemberi kerja tidak tercatat.")


@pytest.mark.parametrize("parameter", ["cutoff_month", "contribution_due_day", "fiscal_year", "state_banks"])
def test_a_parameter_left_unset_names_only_itself_and_asks_nothing_of_the_worker(parameter: str) -> None:
    """Read through facts or a history call, an unset parameter is still the programme's gap: no
    member field is named, nothing is asked of the worker, no expression is read aloud."""
    from bsu_rules.ruleset.override_texts import parse_override
    from bsu_rules.ruleset.overrides import apply_overrides

    rs = apply_overrides(load_ruleset("bsu-2022"), [parse_override("set", f"{parameter}@2022-09-06=null")])
    d = rs.plan(date(2022, 9, 12)).decide(parse_member(EXAMPLES[0]))
    said = [m for r in d.rules for m in r.missing] + d.missing
    assert said and set(said) == {f"param.{parameter}"}, said
    for lang in ("en", "id"):
        _, what_if, page = render_text(d, rs, lang).split("\n", 2)  # a reform says first it is a simulation
        assert what_if.startswith(("WHAT-IF", "SIMULASI"))
        assert "(" not in page.split("[1]")[0] and "next" not in page and "selanjutnya" not in page


# --- a rejected record, as people read it ---------------------------------------------------------

def _rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: list[str], lang: str) -> list[str]:
    from bsu_rules.cli import main

    records = tmp_path / "bad.jsonl"
    records.write_text("\n".join(lines) + "\n", "utf-8")
    assert main(["evaluate", "bsu-2022", str(records), "--format", "text", "--lang", lang]) == 1
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith(("  - ", "Catatan", "Record"))]


@pytest.mark.parametrize(("lang", "dates", "said"), [
    ("id", {"membership_ended_on": "2017-01-01"},
     "  - Tanggal kepesertaan berakhir: 1 Januari 2017 lebih awal dari tanggal terdaftar sebagai peserta, "
     "5 Februari 2018; kepesertaan tidak dapat berakhir sebelum dimulai."),
    ("en", {"membership_ended_on": "2017-01-01"},
     "  - Date the membership ended: 1 January 2017 is before the date registered as a participant, "
     "5 February 2018; a membership cannot end before it begins."),
    ("id", {"birth_date": "2030-01-01"}, "  - Tanggal lahir: 1 Januari 2030 lebih lambat dari tanggal terdaftar "
     "sebagai peserta, 5 Februari 2018; tidak seorang pun terdaftar sebelum lahir."),
    ("en", {"birth_date": "1994-08-17", "deceased_on": "1990-01-01"}, "  - Date of birth: 17 August 1994 is after "
     "the date of death, 1 January 1990; no one dies before being born."),
])
def test_two_dates_that_contradict_each_other_are_said_by_both(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               lang: str, dates: dict[str, str], said: str) -> None:
    record = {**EXAMPLES[0], "registered_on": "2018-02-05", **dates}
    assert _rejected(tmp_path, capsys, [json.dumps(record)], lang)[1:] == [said]


def test_a_rejected_record_is_said_in_the_page_s_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each problem with the field in words and the value to write, never a parser's text or a path; the
    JSON error line is as before (machines read it)."""
    from bsu_rules.cli import main

    bad = {k: v for k, v in EXAMPLES[0].items() if k != "citizenship"}
    bad |= {"nik": EXAMPLES[0]["nik"][:15], "employment_type": "PNS",
            "wages": [*EXAMPLES[0]["wages"][:2], {"period": "2022-07", "amount": "3.400.000"}]}
    lines = [json.dumps(EXAMPLES[0]), json.dumps(bad)]
    assert _rejected(tmp_path, capsys, lines, "id") == [
        f"Catatan 2 ({tmp_path / 'bad.jsonl'}, baris 2) tidak dapat diputuskan karena datanya tidak sah:",
        "  - NIK terdiri atas 15 karakter, seharusnya 16 angka.",
        "  - Kewarganegaraan belum diisi.",
        '  - Status pekerjaan: "PNS" tidak dikenal; tulis "pns".',
        '  - Jumlah upah untuk bulan Juli 2022: "3.400.000" harus berupa bilangan bulat yang ditulis dengan angka '
        "saja; tulis 3400000."]
    assert _rejected(tmp_path, capsys, lines, "en") == [
        f"Record 2 ({tmp_path / 'bad.jsonl'}, line 2) cannot be decided because its data is not valid:",
        "  - NIK (national identity number) has 15 characters, not 16 digits.",
        "  - Citizenship is missing.",
        '  - Employment status: "PNS" is not a known value; write "pns".',
        '  - Wage amount for July 2022: "3.400.000" must be a whole number written in digits only; write 3400000.']
    assert main(["evaluate", "bsu-2022", str(tmp_path / "bad.jsonl")]) == 1
    error = json.loads(capsys.readouterr().out.splitlines()[1])["error"]
    assert error["field"] == "nik"
    assert 'wages[2].amount: "3.400.000": expected an integer, got text' in error["message"]


@pytest.mark.parametrize(("change", "id_said", "en_said"), [
    ({"citizenhip": "WNI"}, 'Kolom "citizenhip" tidak dikenal; tulis "citizenship".',
     '"citizenhip" is not a known field; write "citizenship".'),
    ({"employer": {"sektor": "C"}}, 'Kolom "sektor" tidak dikenal pada pemberi kerja; tulis "sector".',
     '"sektor" is not a known field of the employer; write "sector".'),
    ({"employer": {"sector": "c"}}, 'Sektor usaha pemberi kerja: "c" harus berupa satu huruf besar, A sampai U; '
     'tulis "C".', 'Employer\'s business sector: "c" must be one capital letter, A to U; write "C".'),
    ({"wages": "3400000"}, "Laporan upah dari pemberi kerja harus berupa daftar.",
     "Wage reports from the employer must be a list."),
    ({"wages": [{"period": "07-2022", "amount": 1}]}, 'Bulan upah pada isian ke-1 laporan upah dari pemberi kerja: '
     '"07-2022" bukan bulan yang ditulis TTTT-BB (misalnya 2022-07); tulis "2022-07".',
     'Wage month in entry 1 of the wage reports from the employer: "07-2022" is not a month written YYYY-MM (such as '
     '2022-07); write "2022-07".'),
    ({"wages": [{"period": "2022-13", "amount": 1}]}, 'Bulan upah pada isian ke-1 laporan upah dari pemberi kerja: '
     '"2022-13" bukan bulan yang ada: angka bulan harus 01 sampai 12 (misalnya 2022-07).',
     'Wage month in entry 1 of the wage reports from the employer: "2022-13" is not a real month: the month must be '
     '01 to 12 (such as 2022-07).'),
    ({"wages": [{"period": "0000-07", "amount": 1}]}, 'Bulan upah pada isian ke-1 laporan upah dari pemberi kerja: '
     '"0000-07" bukan bulan yang ada: tahun 0000 tidak ada.',
     'Wage month in entry 1 of the wage reports from the employer: "0000-07" is not a real month: there is no year '
     '0000.'),
    ({"wages": [{"period": "2022-07", "amount": 1}, {"period": "2022-07", "amount": 2}]},
     "Laporan upah dari pemberi kerja untuk bulan Juli 2022 tercatat lebih dari sekali dengan isi yang berbeda.",
     "Wage reports from the employer list July 2022 more than once, with different values."),
    ({"registered_on": "05-02-2018"}, 'Tanggal terdaftar sebagai peserta: "05-02-2018" bukan tanggal yang ditulis '
     'TTTT-BB-HH (misalnya 2022-07-31); tulis "2018-02-05".', 'Date registered as a participant: "05-02-2018" is '
     'not a date written YYYY-MM-DD (such as 2022-07-31); write "2018-02-05".'),
    ({"registered_on": "2022-02-29"}, 'Tanggal terdaftar sebagai peserta: "2022-02-29" bukan tanggal yang ada: '
     'Februari 2022 hanya punya 28 hari.', 'Date registered as a participant: "2022-02-29" is not a date in the '
     'calendar: February 2022 has 28 days.'),
    ({"registered_on": "2022-13-01"}, 'Tanggal terdaftar sebagai peserta: "2022-13-01" bukan tanggal yang ada: '
     'angka bulan harus 01 sampai 12.', 'Date registered as a participant: "2022-13-01" is not a date in the '
     'calendar: the month must be 01 to 12.'),
    ({"work_regency_code": "32.73"},
     'Kabupaten atau kota tempat bekerja: "32.73" harus berupa 4 angka (0-9); tulis "3273".',
     'Regency or city of work: "32.73" must be 4 digits (0-9); write "3273".'),
    ({"work_regency_code": "３２７３"}, 'Kabupaten atau kota tempat bekerja: "３２７３" harus berupa 4 angka (0-9); '
     'tulis "3273".',
     'Regency or city of work: "３２７３" must be 4 digits (0-9); write "3273".'),  # as the JSON line says it
    ({"kpj": "22041870213.0"}, 'Nomor kartu peserta BPJS Ketenagakerjaan (KPJ): "<11 angka>.0" harus berupa 1 sampai '
     '20 angka (0-9); tulis "<11 angka>".', 'BPJS Ketenagakerjaan participant card number (KPJ): "<11 digits>.0" must '
     'be 1 to 20 digits (0-9); write "<11 digits>".'),  # what to drop, the number hidden
    ({"work_regency_code": EXAMPLES[0]["nik"]}, 'Kabupaten atau kota tempat bekerja: "<16 angka>" harus berupa 4 angka '
     "(0-9).", 'Regency or city of work: "<16 digits>" must be 4 digits (0-9).'),
    ({"program_receipts": [{"program": "pkh", "year": 2022}]},
     'Program bantuan pada isian ke-1 bantuan pemerintah yang pernah diterima: "pkh" tidak dikenal; tulis "PKH".',
     'Aid programme in entry 1 of the government aid received: "pkh" is not a known value; write "PKH".'),
    ({"program_receipts": [{"program": "KIP", "year": 2022}]},
     'Program bantuan pada isian ke-1 bantuan pemerintah yang pernah diterima: "KIP" tidak dikenal; yang dikenal: '
     '"PKH" (Program Keluarga Harapan (PKH)), "PRAKERJA" (Kartu Prakerja), "BPUM" (Banpres Produktif Usaha Mikro '
     '(BPUM)), "BSU" (Bantuan Subsidi Gaji/Upah (BSU)), atau "BSU_TEACHER" (BSU bagi guru dan tenaga kependidikan).',
     'Aid programme in entry 1 of the government aid received: "KIP" is not a known value; known values: "PKH" (the '
     'Family Hope Programme (PKH)), "PRAKERJA" (the pre-employment card (Kartu Prakerja)), "BPUM" (presidential aid '
     'for micro enterprises (BPUM)), "BSU" (the wage subsidy (BSU)), or "BSU_TEACHER" (the wage subsidy for teachers '
     'and education staff).'),  # each code with its words: read aloud, a code alone says nothing
    ({"program_receipts": [{"program": "PKH", "year": 1999}]}, "Tahun penerimaan bantuan pada isian ke-1 bantuan "
     "pemerintah yang pernah diterima: 1999, seharusnya paling sedikit 2000.", "Year the aid was received in entry 1 "
     "of the government aid received: 1999, but it must be at least 2000."),
    ({"bank_account": {"number": 418201004566507}}, "Nomor rekening bank harus berupa teks.",
     "Bank account number must be text."),
    ({"participant_category": None}, "Kategori kepesertaan bernilai null (diisi tanpa nilai): isi nilainya.",
     "Participant category is null (given with no value): give a value."),
    ({EXAMPLES[0]["nik"]: "x"}, 'Kolom "<16 angka>" tidak dikenal; hapus kolom itu atau perbaiki ejaannya.',
     '"<16 digits>" is not a known field; remove it or correct its spelling.'),
    ({"employer": {"": "C"}}, 'Kolom "" tidak dikenal pada pemberi kerja; hapus kolom itu atau perbaiki ejaannya.',
     '"" is not a known field of the employer; remove it or correct its spelling.'),
    ({"employer": {"x\u202e": "C"}}, 'Kolom "x\\u202e" tidak dikenal pada pemberi kerja; hapus kolom itu atau '
     'perbaiki ejaannya.', '"x\\u202e" is not a known field of the employer; remove it or correct its spelling.'),
], ids=["unknown-field", "unknown-nested-field", "sector-case", "not-a-list", "month-order", "no-such-month",
        "no-year-0000", "month-twice", "date-order", "no-such-day", "no-such-month-in-a-day", "grouped-code",
        "full-width-code", "spreadsheet-kpj",
        "nik-in-a-field", "programme-case", "programme-codes", "year-range", "account-number-type",
        "null-required", "nik-as-a-field-name", "empty-field-name", "direction-mark-in-a-name"])
def test_each_kind_of_problem_is_said_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               change: dict[str, object], id_said: str, en_said: str) -> None:
    record = {**EXAMPLES[0], **{k: ({**EXAMPLES[0][k], **v} if isinstance(v, dict) and isinstance(EXAMPLES[0].get(k),
                                                                                             dict) else v)
                                for k, v in change.items()}}
    lines = [json.dumps(record)]
    assert _rejected(tmp_path, capsys, lines, "id")[1:] == ["  - " + id_said]
    assert _rejected(tmp_path, capsys, lines, "en")[1:] == ["  - " + en_said]


@pytest.mark.parametrize("key", [".", "..", "[0]", "[", "]", "[]", "][", "a.b", "wages[0]x", "employer.sector"])
def test_a_field_name_holding_a_path_s_punctuation_is_named_as_given(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str],
                                                                      key: str) -> None:
    """A key the contract does not have is said as the record gives it, whatever "." or "[0]" it holds, and
    the records around it are decided."""
    from bsu_rules.cli import main

    records = tmp_path / "bad.jsonl"
    records.write_text("\n".join(json.dumps(r) for r in (EXAMPLES[0], {**EXAMPLES[0], key: 1}, EXAMPLES[0])), "utf-8")
    assert main(["evaluate", "bsu-2022", str(records), "--format", "text", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert f"Record 2 ({records}, line 2) cannot be decided because its data is not valid:\n" \
        f"  - {json.dumps(key)} is not a known field;" in out
    assert out.endswith("2 decisions: 2 eligible, 0 not eligible, 0 not yet determined; 1 record not valid\n")


def test_a_nested_field_name_with_a_dot_and_hidden_characters_are_shown_as_given(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The group a key is in is the record's, not one read from the key's dots; an escape sequence or a
    direction mark is written as its escape, never sent to the terminal."""
    record = {**EXAMPLES[0], "citizenship": "\u202eWNI", "\x1b[31mRED\x1b[0m": 1,
              "employer": {**EXAMPLES[0]["employer"], "a.b": 1}}
    assert _rejected(tmp_path, capsys, [json.dumps(record)], "en")[1:] == [
        '  - Citizenship: "\\u202eWNI" is not a known value; write "WNI".',
        '  - "a.b" is not a known field of the employer; remove it or correct its spelling.',
        '  - "\\u001b[31mRED\\u001b[0m" is not a known field; remove it or correct its spelling.']


@pytest.mark.parametrize(("line", "id_said", "en_said"), [
    ("{not json", "Catatannya bukan JSON yang sah (kesalahan pada kolom 2).",
     "The record is not valid JSON (a mistake at column 2)."),
    ('{"nik": "3171014107900001"', "Catatannya bukan JSON yang sah: berakhir sebelum selesai (terpotong?).",
     "The record is not valid JSON: it ends before it is complete (cut short?)."),
    ('"a string"', "Catatannya harus berupa objek JSON ({…}), bukan teks.",
     "The record must be a JSON object ({…}), not text."),
    ('[NaN]', "NaN bukan angka JSON.", "NaN is not a JSON number."),
    ('{"nik": NaN}', "NIK: NaN bukan angka JSON.", "NIK (national identity number): NaN is not a JSON number."),
    ('{"employer": {"npp": "JJ041102", "npp": "XY000000"}}',
     "Pemberi kerja: kunci npp muncul lebih dari sekali dalam satu objek; tulis setiap kunci sekali saja.",
     "Employer: the key npp appears more than once in one object; give each key once."),
    ("[" + "1" * 40 + "]", "Catatannya memuat angka yang lebih dari 30 digit.",
     "The record holds a number of more than 30 digits."),
    ('{"nik": ' + "1" * 40 + "}", "NIK memuat angka yang lebih dari 30 digit.",
     "NIK (national identity number) holds a number of more than 30 digits."),
    ('{"wages": [{"period": "2022-07", "amount": ' + "1" * 31 + "}]}",
     "Jumlah upah pada isian ke-1 laporan upah dari pemberi kerja memuat angka yang lebih dari 30 digit.",
     "Wage amount in entry 1 of the wage reports from the employer holds a number of more than 30 digits."),
])
def test_a_record_that_cannot_be_read_is_said_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str,
                                                       id_said: str, en_said: str) -> None:
    assert _rejected(tmp_path, capsys, [line], "id")[1:] == ["  - " + id_said]
    assert _rejected(tmp_path, capsys, [line], "en")[1:] == ["  - " + en_said]


def test_a_payment_channel_not_yet_known_is_said_plainly() -> None:
    rs = load_ruleset("bsu-2022")
    eligible = rs.plan().decide(parse_member(EXAMPLES[0]), hints=True)
    assert eligible.benefit is not None and eligible.channel == "BRI"
    unknown = eligible.model_copy(update={"channel": None, "missing": []})
    assert "\nPayment: cannot be decided yet\n" in render_text(unknown, rs, "en")
    assert "\nPenyaluran: belum dapat ditentukan\n" in render_text(unknown, rs, "id")
    twice = eligible.model_copy(update={"channel": None, "missing": ["member.bank_account.bank"] * 2})
    assert "\nPayment: cannot be decided yet because there is no record of the bank\n" in render_text(twice, rs, "en")


_NEXT = {"id": "Langkah selanjutnya:", "en": "What to do next:"}


def _steps(text: str, lang: str) -> list[str]:
    """The lines under the page's "what to do next" heading."""
    lines = text.splitlines()
    if _NEXT[lang] not in lines:
        return []
    after = lines[lines.index(_NEXT[lang]) + 1:]
    return [line[4:] for line in after[:next((i for i, x in enumerate(after) if not x.startswith("  - ")), None)]]


def test_glossary_says_a_step_for_every_member_field_and_table() -> None:
    g = load_glossary()
    tops = {n for n in g.names if n.startswith("member.") and n.count(".") == 1} | \
        {n for n in g.names if n.startswith("table.")}
    assert {n for n in tops if g.step(n, "id") is None or g.step(n, "en") is None} == set()
    assert g.step("member.bank_account.number", "en") == g.step("member.bank_account", "en")


GLOSSARY = load_glossary()


def _rule_step(d: Decision, rule_id: str, lang: str) -> str | None:
    """A failed criterion's glossary step as a page says it: with the values it read and the parameters (None
    where it says nothing for them: ``rules.wage-ceiling`` for a wage of the cut-off month)."""
    from bsu_rules.explain.sentences import fill
    from bsu_rules.glossary import Places

    text = GLOSSARY.step(f"rules.{rule_id}", lang)
    if text is None or "{" not in text:
        return text
    values = {**{f"param.{k}": p.value for k, p in d.parameters.items()}, **d.rule(rule_id).values}
    return fill(text, values, lang, GLOSSARY, Places({})) or None


def _failed_only_for_empty_fields(d: Decision) -> bool:
    failed = [r for r in d.rules if r.outcome.value == "fail" and r.kind in ("require", "exclude")]
    return all(any(k.startswith("member.") and v in (None, "") for k, v in r.values.items()) for r in failed)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_decision_not_yet_made_says_what_to_do_next(lang: str) -> None:
    """Every undetermined rule-author case, and a record missing its employment status, aid records,
    registration date, wages or contributions, tells the worker and the officer what to bring or
    update and who keeps it; a decided one says nothing of the kind."""
    rs = load_ruleset("bsu-2022")
    cases = [(name, d, r) for name, d, r in decisions()]
    for field in ("employment_type", "program_receipts", "registered_on", "wages", "contributions"):
        record = {k: v for k, v in EXAMPLES[0].items() if k != field}
        cases.append((field, rs.plan().decide(parse_member(record), hints=True), rs))
    undetermined = 0
    for name, d, r in cases:
        for audience in ("worker", "officer"):
            steps = _steps(render_text(d, r, lang, audience), lang)
            if d.outcome.value == "undetermined":
                assert steps and all(not INTERNAL.search(s) for s in steps), f"{name} ({audience}, {lang})"
            elif d.outcome.value == "ineligible" and not _failed_only_for_empty_fields(d):
                own = [_rule_step(d, f, lang) for f in d.failed]  # a failed criterion's own step,
                expected = list(dict.fromkeys(own)) if None not in own else []  # when corrections could help,
                waiting = expected and any(o.outcome.value == "unknown" and o.kind in ("require", "exclude")
                                           for o in d.rules)  # then what an undecided one waits for, as such
                assert steps[:len(expected)] == expected and bool(steps[len(expected):]) == bool(waiting) and all(
                    s.startswith(("Setelah data dibetulkan, ", "Once the record is corrected, "))
                    for s in steps[len(expected):]), f"{name} ({audience}, {lang})"
        undetermined += d.outcome.value == "undetermined"
    assert undetermined >= 6
    wage = rs.plan().decide(parse_member({k: v for k, v in EXAMPLES[0].items() if k != "wages"}))
    assert _steps(render_text(wage, rs, "id"), "id") == [
        "Minta pemberi kerja melaporkan upah peserta kepada BPJS Ketenagakerjaan; upah yang dipakai adalah upah yang "
        "dilaporkan pemberi kerja."]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_worker_who_is_not_eligible_hears_only_what_decided_it(lang: str) -> None:
    """Registered after the cut-off, and no wage on record: the wage cannot change the outcome, so a
    worker does not hear of it; an officer reads it, marked as not changing the outcome."""
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member(EXAMPLES[11]), hints=True)
    assert d.outcome.value == "ineligible" and d.rule("wage-ceiling").outcome == "unknown"
    worker = render_text(d, rs, lang)
    assert "?" not in worker and worker.count("✗") == 3 and "[2]" not in worker  # two lines and the key
    officer = render_text(d, rs, lang, "officer")
    moot = {"id": "(tidak mengubah hasil, karena syarat lain tidak terpenuhi)",
            "en": "(does not change the outcome, as another requirement is not met)"}[lang]
    unknown = [i for i, line in enumerate(officer.splitlines()) if line.startswith("  ? ")]
    assert len(unknown) == 2  # the wage ceiling, and the check of a wage of Rp0: neither known without a wage
    assert officer.splitlines()[unknown[0] + 2] == "      " + moot
    assert moot not in render_text(rs.plan().decide(parse_member(EXAMPLES[13])), rs, lang, "officer")


@pytest.mark.parametrize(("lang", "said"), [
    ("id", "Penyaluran: belum dapat ditentukan karena data kabupaten atau kota tempat bekerja tidak tercatat; bantuan "
           "disalurkan melalui rekening Bank Syariah Indonesia (BSI) bila peserta bekerja di Aceh"),
    ("en", "Payment: cannot be decided yet because there is no record of the regency or city of work; the benefit "
           "is paid through an account at Bank Syariah Indonesia (BSI) when the participant works in Aceh")])
def test_a_channel_waiting_for_the_work_area_says_why_the_place_matters(lang: str, said: str) -> None:
    """The rules pay through BSI in Aceh (the glossary's channel reason): a worker asked for the work area hears
    why; one waiting for a bank account, which no place decides, does not."""
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member({**EXAMPLES[0], "work_regency_code": None}))
    assert d.outcome.value == "eligible" and d.channel is None and d.missing == ["member.work_regency_code"]
    assert said in render_text(d, rs, lang).splitlines()
    bank = rs.plan().decide(parse_member({k: v for k, v in EXAMPLES[0].items() if k != "bank_account"}))
    assert "BSI" not in render_text(bank, rs, lang)


def test_an_eligible_worker_without_a_bank_on_record_is_told_what_to_do() -> None:
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member({k: v for k, v in EXAMPLES[0].items() if k != "bank_account"}))
    assert d.outcome.value == "eligible" and d.channel is None
    assert "\nPayment: cannot be decided yet because there is no record of the bank account number, nor of the " \
        "bank\n" in \
        render_text(d, rs, "en")
    for audience in ("worker", "officer"):
        assert _steps(render_text(d, rs, "en", audience), "en") == [
            "Ask the employer to report the name of the bank and the number of the participant's active account to "
            "BPJS Ketenagakerjaan."]
        assert _steps(render_text(d, rs, "id", audience), "id") == [
            "Minta pemberi kerja melaporkan nama bank dan nomor rekening aktif peserta kepada BPJS Ketenagakerjaan."]
    assert "<h3>What to do next</h3>" in render_html([d], rs, "en")
    paid = rs.plan().decide(parse_member(EXAMPLES[0]))
    assert _steps(render_text(paid, rs, "en"), "en") == []


def test_a_bank_the_glossary_does_not_know_is_named_once_as_written() -> None:
    """A channel that is the record's own bank (bsu-2020 pays at any bank) is quoted as the record writes it, as
    a bank not used is: text a member or employer typed, never the page's own words (nor "bank Bank DKI")."""
    rs = load_ruleset("bsu-2022")
    eligible = rs.plan().decide(parse_member(EXAMPLES[0]), hints=True)
    for bank, id_said, en_said in [("Bank DKI", "rekening di bank yang tercatat, “Bank DKI”",
                                    "an account at the bank on record, “Bank DKI”"),
                                   ("BPD Bali", "rekening di bank yang tercatat, “BPD Bali”",
                                    "an account at the bank on record, “BPD Bali”")]:
        paid = eligible.model_copy(update={"channel": bank, "channel_values": {"fact.bank": bank}})  # as 2020 pays
        assert f"\nPenyaluran: {id_said}\n" in render_text(paid, rs, "id")
        assert f"\nPayment: {en_said}\n" in render_text(paid, rs, "en")
        assert f"\nchannel: “{bank}”\n" in render_text(paid, rs, "en", "auditor")


def test_a_bank_paid_otherwise_is_named_as_the_record_writes_it() -> None:
    """Paid through BSI in Aceh, the worker hears the bank their record names, never the rules' code for it."""
    rs = load_ruleset("bsu-2022")
    aceh = {**EXAMPLES[0], "work_regency_code": "1101",
            "bank_account": {**EXAMPLES[0]["bank_account"], "bank": "Bank Aceh Syariah"}}
    d = rs.plan().decide(parse_member(aceh))
    assert d.channel == "BSI" and d.channel_values["fact.bank"] == "BAS"
    assert "\nPenyaluran: rekening Bank Syariah Indonesia (BSI), karena peserta bekerja di Aceh; bank yang tercatat: " \
        "“Bank Aceh Syariah”\n" in render_text(d, rs, "id")
    assert "\nPayment: an account at Bank Syariah Indonesia (BSI), because the participant works in Aceh; bank on " \
        "record: “Bank Aceh Syariah”\n" in render_text(d, rs, "en", "officer")
    mandiri = rs.plan().decide(parse_member({**EXAMPLES[0], "bank_account": {**EXAMPLES[0]["bank_account"],
                                                                               "bank": "Bank Mandiri"}}))
    assert "\nPenyaluran: rekening Bank Mandiri\n" in render_text(mandiri, rs, "id")  # paid at the bank read


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("audience", ["officer", "auditor"])
def test_a_reason_is_read_once_when_nothing_could_change_it(audience: str, lang: str) -> None:
    """A foreign national, or a worker registered after the cut-off: the explanation says why, and
    the hint (nothing on record could change it) used to say it a second time, in other words."""
    rs = load_ruleset("bsu-2022")
    for update, rule in (({"citizenship": "WNA"}, "citizen"),
                         ({"registered_on": "2022-08-15"}, "registered-by-cutoff")):
        d = rs.plan().decide(parse_member({**EXAMPLES[0], **update}), hints=True)
        r = d.rule(rule)
        assert r.hint is not None and not r.hint.possible and r.explain is not None
        text = render_text(d, rs, lang, audience)
        assert getattr(r.explain, lang).rstrip(".") + "." in text
        assert getattr(r.hint.text, lang).rstrip(".") not in text


def test_one_payment_is_said_as_one_payment_not_as_an_immediate_one() -> None:
    """"Paid at once" reads as a promise to pay now; the Indonesian says "in one payment"."""
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member(EXAMPLES[0]))
    assert "\nBenefit: Rp600.000, paid in a single payment [1]\n" in render_text(d, rs, "en")
    assert "\nBantuan: Rp600.000, dibayarkan sekaligus [1]\n" in render_text(d, rs, "id")


@pytest.mark.parametrize("path", [p for p in TEST_FILES if "." not in p.stem], ids=lambda p: p.stem)
def test_a_wage_reported_only_after_the_cut_off_is_not_said_to_be_unrecorded(path: Path) -> None:
    """The wages are on record, but none for the cut-off month or earlier: every edition says so, naming
    the month, and asks the employer to report the wage for that month (not "no wage is recorded")."""
    from bsu_rules.members import WageReport
    case = next(c for c in load_file(path, RuleSets()).cases if c.runnable and c.case is not None
                and c.case.expect.outcome == "eligible")
    assert case.ruleset is not None and case.case is not None and case.member is not None
    plan = case.ruleset.plan(case.case.on)
    member = case.member.model_copy(update={"wages": [WageReport(period="2099-01", amount=3_000_000)]})
    d = plan.decide(member, hints=True)
    assert d.outcome.value == "undetermined"
    month = {lang: load_glossary().show("param.cutoff_month", d.parameters["cutoff_month"].value, lang)
             for lang in ("id", "en")}
    for audience in ("worker", "officer"):
        id_page, en_page = (render_text(d, case.ruleset, lang, audience) for lang in ("id", "en"))
        assert f"belum ada upah yang dilaporkan pemberi kerja untuk bulan {month['id']} atau sebelumnya." in id_page
        assert f"because the employer has reported no wage for {month['en']} or earlier." in en_page
        assert "upah terakhir yang dilaporkan pemberi kerja tidak" not in id_page and "no record of the" not in en_page
        assert _steps(id_page, "id") == [
            f"Minta pemberi kerja melaporkan upah peserta untuk bulan {month['id']} kepada BPJS Ketenagakerjaan."]
        assert _steps(en_page, "en") == [
            f"Ask the employer to report the participant's wage for {month['en']} to BPJS Ketenagakerjaan."]


@pytest.mark.parametrize("path", [p for p in TEST_FILES if "." not in p.stem and p.stem != "bsu-2020"],
                         ids=lambda p: p.stem)
def test_a_province_without_its_regency_leaves_the_ceiling_unknown(path: Path, exact_rules: Path) -> None:
    """``3200`` names Jawa Barat only: above Rp3.500.000 the ceiling is Karawang's or none, so the
    decision waits for the regency, says why and asks the employer for it; within it, it passes; above
    every ceiling of the province it fails (where no row of it is a bound), and the sentence says the
    highest that can apply."""
    case = next(c for c in load_file(path, RuleSets()).cases if c.runnable and c.case is not None
                and c.case.expect.outcome == "eligible")
    assert case.ruleset is not None and case.case is not None and case.member is not None
    on = date(2021, 11, 10) if path.stem == "bsu-2021" else case.case.on  # 2021: after the PPKM areas ended
    rs = load_ruleset(exact_rules / path.name)
    plan = rs.plan(on)
    month = plan.parameters["cutoff_month"].value
    from bsu_rules.members import WageReport
    for amount, outcome in ((9_000_000, "ineligible"), (4_500_000, "undetermined"), (3_500_000, "eligible")):
        member = case.member.model_copy(update={"work_regency_code": "3200",
                                                "wages": [WageReport(period=month, amount=amount)]})
        d = plan.decide(member, hints=True)
        assert d.outcome.value == outcome, (amount, d.failed)
    assert d.rule("wage-ceiling").outcome.value == "pass"
    above = plan.decide(member.model_copy(update={"wages": [WageReport(period=month, amount=9_000_000)]}))
    highest = above.rule("wage-ceiling").values["fact.highest_ceiling"]
    assert above.failed == ["wage-ceiling"] and highest in (4_800_000, 4_900_000, 5_700_000)
    assert above.rule("wage-ceiling").explain.en.endswith(  # type: ignore[union-attr]
        f"is above the highest wage ceiling that can apply to the participant, {rupiah(highest)}")
    d = plan.decide(member.model_copy(update={"wages": [WageReport(period=month, amount=4_500_000)]}))
    assert d.missing == ["member.work_regency_code"] and d.rule("wage-ceiling").outcome.value == "unknown"
    id_page, en_page = (render_text(d, rs, lang, "worker") for lang in ("id", "en"))
    assert "because the record gives only the province of work, not the regency or city needed to read the list " \
        "of regency (UMK) and provincial (UMP) minimum wages." in en_page
    assert "karena data tempat bekerja hanya mencantumkan provinsinya, tanpa kabupaten atau kota yang diperlukan " \
        "untuk " \
        "membaca daftar upah minimum kabupaten atau kota (UMK) dan provinsi (UMP)." in id_page
    assert _steps(en_page, "en") == [
        "Ask the employer to update the regency or city of work with BPJS Ketenagakerjaan; the employer reports it."]
    dki = plan.decide(member.model_copy(update={"work_regency_code": "3100",  # one row for every DKI regency
                                                "wages": [WageReport(period=month, amount=9_000_000)]}))
    assert dki.outcome.value != "undetermined" and dki.rule("wage-ceiling").outcome.value == "fail"


def test_a_province_without_its_regency_is_not_looked_for_in_the_ppkm_annex() -> None:
    """The annex lists regencies: 3300 names the work area the criterion needs, and says why in words."""
    rs = load_ruleset("bsu-2021")
    member = {**EXAMPLES[0], "work_regency_code": "3300", "wages": [{"period": "2021-06", "amount": 3_400_000}],
              "contributions": [{"period": "2021-06", "amount": 100_000, "paid_on": "2021-06-30"}]}
    d = rs.plan(date(2021, 8, 10)).decide(parse_member(member))
    ppkm = d.rule("ppkm-area")
    assert ppkm.outcome.value == "unknown" and ppkm.missing == ["member.work_regency_code"]
    assert ppkm.explain is not None and ppkm.explain.en == (
        "This cannot be decided yet because the record gives only the province of work, not the regency or city "
        "needed to read the list of areas under community activity restrictions (PPKM) at level 3 or 4 in Annex I.")
    assert _steps(render_text(d, rs, "en", "worker"), "en") == [
        "Ask the employer to update the regency or city of work with BPJS Ketenagakerjaan; the employer reports it."]


def test_a_field_on_record_a_call_cannot_read_is_never_said_to_be_unrecorded(rules_copy: Path) -> None:
    """Without the glossary's words for the call, the sentence still says the field is on record."""
    glossary = rules_copy / "glossary" / "glossary.yaml"
    glossary.write_text("".join(line for line in glossary.read_text("utf-8").splitlines(keepends=True)
                                if not line.startswith("  regency/2:")), "utf-8")
    rs = load_ruleset(rules_copy / "bsu-2021.yaml")
    member = {**EXAMPLES[0], "work_regency_code": "3300", "wages": [{"period": "2021-06", "amount": 3_400_000}],
              "contributions": [{"period": "2021-06", "amount": 100_000, "paid_on": "2021-06-30"}]}
    explain = rs.plan(date(2021, 8, 10)).decide(parse_member(member)).rule("ppkm-area").explain
    assert explain is not None and explain.en == (
        "This cannot be decided yet because the regency or city of work on record cannot be used for this requirement.")


def test_the_aid_step_asks_the_worker_which_programmes_they_received() -> None:
    """Read aloud, the step has an object the listener can follow, and names the programme and year whose
    receipt the decision waits for, not every programme there is (2022 excludes only the teachers'
    subsidy of 2022; PKH and Kartu Prakerja change only the priority)."""
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member({**EXAMPLES[0], "program_receipts": None}), hints=True)
    assert d.outcome.value == "undetermined"
    assert _steps(render_text(d, rs, "id"), "id") == [
        "Peserta perlu memberi tahu petugas apakah ia menerima BSU bagi guru dan tenaga kependidikan pada tahun 2022, "
        "atau bahwa ia tidak menerimanya; petugas akan mencocokkannya dengan data kementerian penyalurnya."]
    assert _steps(render_text(d, rs, "en", "officer"), "en") == [  # one person throughout, as the reasons say
        "The participant should tell the officer whether they received the wage subsidy for teachers and education "
        "staff in 2022, or that they did not; the officer will check it against the records of the ministry that "
        "paid it."]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_correction_that_alone_cannot_help_is_not_offered(lang: str) -> None:
    """A civil servant is told how to correct the status on record; a foreign civil servant is not, since
    the correction alone would not make them eligible."""
    rs = load_ruleset("bsu-2022")
    pns = rs.plan().decide(parse_member({**EXAMPLES[0], "employment_type": "pns"}))
    assert _steps(render_text(pns, rs, lang), lang) == [GLOSSARY.step("rules.not-pns-tni-polri", lang)]
    foreign = rs.plan().decide(parse_member({**EXAMPLES[0], "employment_type": "pns", "citizenship": "WNA"}))
    assert foreign.outcome.value == "ineligible" and _steps(render_text(foreign, rs, lang), lang) == []


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_correction_is_offered_with_the_steps_of_what_else_is_missing(lang: str) -> None:
    """A soldier whose work area is not on record: the correction of the status alone would leave the
    wage ceiling undecided, so the worker hears both steps in one call, not the second on the next."""
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member({**EXAMPLES[0], "employment_type": "tni", "work_regency_code": "3200",
                                       "wages": [{"period": "2022-07", "amount": 3_800_001}]}))
    assert d.outcome.value == "ineligible" and d.rule("wage-ceiling").outcome.value == "unknown"
    then = {"id": "Setelah data dibetulkan, minta juga pemberi kerja ",  # one more request, said as such
            "en": "Once the record is corrected, also ask the employer "}[lang]
    area = GLOSSARY.step("member.work_regency_code", lang)
    assert area is not None and _steps(render_text(d, rs, lang), lang) == [
        GLOSSARY.step("rules.not-pns-tni-polri", lang), then + area.split(" ", 3)[3]]


@pytest.mark.parametrize("edition", ["bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025"])
def test_no_contribution_billed_for_the_cut_off_month_says_what_to_do(edition: str) -> None:
    """The bill missing for the cut-off month is usually the employer's report: the worker is told to ask
    for it, as a worker with no contribution history on record is."""
    rs = load_ruleset(edition)
    cutoff = rs.model.parameters["cutoff_month"].within(rs.model.in_force)[0]
    record = {**EXAMPLES[0], "contributions": [], "registered_on": "2010-01-01",
              "wages": [{"period": str(cutoff), "amount": 2_000_000}]}
    d = rs.plan().decide(parse_member(record))
    assert d.failed == ["contribution-billed"], d.failed
    assert _steps(render_text(d, rs, "id"), "id") == [GLOSSARY.step("rules.contribution-billed", "id")]


def test_a_function_s_step_is_only_for_the_field_it_reads(rules_copy: Path) -> None:
    """A criterion calling ``received`` and reading another field beside it: a member waiting for that
    other field is told that field's step, not the aid's."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    teacher = 'exclude: received(member.program_receipts, ["BSU_TEACHER"], param.fiscal_year)'
    assert text.count(teacher) == 1
    path.write_text(text.replace(teacher, teacher + ' and member.employment_type != "private"'), "utf-8")
    rs = load_ruleset(path)
    record = {**EXAMPLES[0], "employment_type": None,
              "program_receipts": [{"program": "BSU_TEACHER", "year": 2022}]}
    d = rs.plan().decide(parse_member(record))
    assert d.outcome.value == "undetermined"
    steps = _steps(render_text(d, rs, "en"), "en")
    assert GLOSSARY.step("member.employment_type", "en") in steps
    assert not any("teachers" in s for s in steps)


def test_the_aid_steps_of_2020_name_its_two_exclusions() -> None:
    """2020 excludes Kartu Prakerja and the teachers' subsidy of 2020: one step for each."""
    rs = load_ruleset("bsu-2020")
    record = {"nik": "3204073012830004", "birth_date": "1983-12-30", "citizenship": "WNI", "kpj": "09087712465",
              "participant_category": "PU", "employment_type": "private", "work_regency_code": "3204",
              "registered_on": "2007-10-02", "wages": [{"period": "2020-06", "amount": 4_000_000}],
              "contributions": [{"period": p, "amount": 388_080, "paid_on": f"{p}-13"} for p in ("2020-05", "2020-06")],
              "program_receipts": None, "bank_account": {"bank": "BRI", "number": "020601019920504"}}
    d = evaluate(rs, record, on="2020-09-01")
    assert d.outcome.value == "undetermined"
    assert _steps(render_text(d, rs, "en"), "en") == [
        f"The participant should tell the officer whether they received {programme} in 2020, or that they did not; "
        "the officer will check it against the records of the ministry that paid it."
        for programme in ("the pre-employment card (Kartu Prakerja)",
                          "the wage subsidy for teachers and education staff")]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_minimum_wage_not_yet_complete_promises_no_one_s_action_and_reads_no_sen_to_the_worker(
        lang: str) -> None:
    """The step says the programme's data is incomplete, nothing is to be brought, and the decision is
    made again once it is complete; the worker does not hear the lower bound (Rp3.742.276,48), the
    officer and the auditor still read it."""
    rs = load_ruleset("bsu-2022")
    bandung = {**EXAMPLES[0], "work_regency_code": "3273",
               "wages": [{**w, "amount": 3_800_001} for w in EXAMPLES[0]["wages"]]}
    d = rs.plan().decide(parse_member(bandung), hints=True)
    step = {"id": "Daftar upah minimum dalam data program belum lengkap; peserta tidak perlu membawa atau memperbarui "
                  "apa pun, dan keputusan dibuat kembali setelah data itu lengkap.",
            "en": "The list of minimum wages in the programme's data is incomplete; the participant need not bring or "
                  "update anything, and the decision will be made again once that data is complete."}[lang]
    pages = {audience: render_text(d, rs, lang, audience) for audience in AUDIENCES}
    assert _steps(pages["worker"], lang) == _steps(pages["officer"], lang) == [step]
    assert "Kementerian" not in pages["worker"] and "Ministry" not in pages["worker"]
    assert "3.742.276" not in pages["worker"] and "3.742.276" not in render_html([d], rs, lang)
    assert all("Rp3.742.276,48" in pages[a] for a in ("officer", "auditor"))



@pytest.mark.parametrize(("code", "area_id", "area_en"), [
    ("3171", "besaran untuk Kota Administrasi Jakarta Pusat (Provinsi DKI Jakarta)", "the figure for Kota Administrasi "
     "Jakarta Pusat (DKI Jakarta province)"),
    ("3100", "besaran tertinggi untuk kabupaten atau kota di Provinsi DKI Jakarta", "the highest figure for a regency "
     "or city of DKI Jakarta province")])
def test_a_row_an_incomplete_minimum_wage_table_lacks_is_said_as_at_least_its_province_s(
        code: str, area_id: str, area_en: str) -> None:
    """2022's minimum-wage table read as incomplete lists DKI Jakarta's UMP, no regency of it: a wage above the
    ceiling that row gives leaves Kota Jakarta Pusat (and a record naming only the province) undetermined, and the
    officer reads the figure known so far, as for a row marked ``lower``; the worker hears the place, not the
    figure. Kab. Bandung, whose province's row is not listed either, has no figure to say."""
    from bsu_rules.ruleset.overrides import reform_of

    rs = reform_of(load_ruleset("bsu-2022"), ["table.minimum_wage.unlisted=unknown"], [])
    record = {**EXAMPLES[0], "work_regency_code": code, "wages": [{**w, "amount": 4_700_001} for w in EXAMPLES[0][
        "wages"]]}
    d = rs.plan().decide(parse_member(record), hints=True)
    said = d.rule("wage-ceiling").explain
    assert d.outcome.value == "undetermined" and said is not None
    assert said.id.startswith(f"Belum dapat ditentukan karena {area_id} pada daftar upah minimum "), said
    assert "belum diketahui pasti; yang diketahui hanya paling sedikit Rp4.641.854." in said.id
    assert said.en.startswith(f"This cannot be decided yet because {area_en} in the list of "), said
    assert "is not known exactly, only that it is at least Rp4.641.854." in said.en
    for lang, words in (("id", "dalam data program belum pasti"), ("en", "is not yet confirmed in the programme's")):
        worker = render_text(d, rs, lang, "worker")
        assert words in worker and "4.641.854" not in worker, worker
    bandung = rs.plan().decide(parse_member({**record, "work_regency_code": "3204"}), hints=True)
    unlisted = bandung.rule("wage-ceiling").explain
    assert unlisted is not None and "does not list Kabupaten Bandung" in unlisted.en and "at least" not in unlisted.en


def test_a_province_only_code_s_floor_is_said_as_the_highest_of_its_regencies_not_as_its_own(tmp_path: Path) -> None:
    """A record naming only Jawa Barat (3200), under an incomplete minimum-wage table that lists the province's row
    and several of its regencies: what is known is that the highest of its regencies' figures is at least Kota
    Bekasi's 4.816.921,17, not that the member's own is (Kab. Bogor's is 4.217.206); officer and worker hear it so,
    never as a figure for "area 3200"."""
    from bsu_rules.ruleset.overrides import reform_of

    shutil.copytree(bundled_rules(), tmp_path / "rules")
    table = tmp_path / "rules" / "tables" / "minimum-wage-2022.csv"
    table.write_text(table.read_text("utf-8") + "32,Jawa Barat,UMP,1841487,exact,UMP 2022 Jawa Barat\n", "utf-8")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    require = "require: fact.wage <= param.wage_ceiling or ((fact.wage <= fact.ceiling or fact.wage <= " \
        "fact.province_ceiling) and fact.wage <= fact.highest_ceiling)"
    assert text.count(require) == 1
    path.write_text(text.replace(require, "require: fact.wage <= fact.highest_ceiling"), "utf-8")
    rs = reform_of(load_ruleset(path), ["table.minimum_wage.unlisted=unknown"], [])
    record = {**EXAMPLES[0], "work_regency_code": "3200", "wages": [{**w, "amount": 4_950_000} for w in EXAMPLES[0][
        "wages"]]}
    d = rs.plan().decide(parse_member(record), hints=True)
    said = d.rule("wage-ceiling").explain
    assert d.missing[0] == "table.minimum_wage[3200]" and said is not None
    assert said.id.startswith("Belum dapat ditentukan karena besaran tertinggi untuk kabupaten atau kota di Provinsi "
                              "Jawa Barat pada daftar upah minimum "), said
    assert "yang diketahui hanya paling sedikit Rp4.816.921,17." in said.id
    assert said.en.startswith("This cannot be decided yet because the highest figure for a regency or city of Jawa "
                              "Barat province in the list of "), said
    assert "only that it is at least Rp4.816.921,17." in said.en
    for lang, words in (("id", "besaran tertinggi untuk kabupaten atau kota di Provinsi Jawa Barat"),
                        ("en", "the exact highest figure for a regency or city of Jawa Barat province")):
        worker = render_text(d, rs, lang, "worker")
        assert words in worker and "3200" not in worker.split("\n", 1)[1], worker


def _eligible(edition: str) -> tuple[RuleSet, date, dict[str, object]]:
    """A rule-author case of ``edition`` that is eligible: its rule set, date and member record."""
    case = next(c for c in load_file(ROOT / "rules" / "tests" / f"{edition}.yaml", RuleSets()).cases
                if c.runnable and c.case is not None and c.case.expect.outcome == "eligible")
    assert case.ruleset is not None and case.case is not None and case.member is not None
    return case.ruleset, case.case.on, case.member.model_dump(mode="json")


@pytest.mark.parametrize(("edition", "change", "id_said", "en_said"), [
    ("bsu-2022", {"number": ""}, "pembayaran tunai melalui kantor PT Pos Indonesia, karena tidak ada nomor rekening "
     "yang tercatat", "cash at a PT Pos Indonesia office, because no account number is on record"),
    ("bsu-2022", {"bank": "BCA"}, "pembayaran tunai melalui kantor PT Pos Indonesia, karena bank yang tercatat, "
     "“BCA”, bukan bank penyalur milik negara (Himbara)", "cash at a PT Pos Indonesia office, "
     "because the bank on record, “BCA”, is not one of the state-owned banks (Himbara) that pay out"),
    ("bsu-2021", {"bank": "Bank Syariah Indonesia"}, "rekening yang dibukakan secara kolektif bagi pekerja, karena "
     "bank yang tercatat, “Bank Syariah Indonesia”, bukan bank penyalur milik negara (Himbara)", "an account opened "
     "collectively for the worker, because the bank on record, “Bank Syariah Indonesia”, is not one of the "
     "state-owned banks (Himbara) that pay out"),  # a bank the table knows: not said to be unrecognised
    ("bsu-2022", {"bank": "Bank Jago Digital"}, "pembayaran tunai melalui kantor PT Pos Indonesia, karena bank yang "
     "tercatat, “Bank Jago Digital”, tidak dikenali sebagai bank penyalur milik negara (Himbara)", "cash at a PT Pos "
     "Indonesia office, because the bank on record, “Bank Jago Digital”, is not recognised as one of the state-owned "
     "banks (Himbara) that pay out"),
    ("bsu-2022", {"aceh": True}, "rekening Bank Syariah Indonesia (BSI), karena peserta bekerja di Aceh; bank yang "
     "tercatat: “BRI”", "an account at Bank Syariah Indonesia (BSI), because the participant works in Aceh; bank on "
     "record: “BRI”"),
    ("bsu-2021", {"number": ""}, "rekening yang dibukakan secara kolektif bagi pekerja, karena tidak ada nomor "
     "rekening yang tercatat", "an account opened collectively for the worker, because no account number is on "
     "record"),
    ("bsu-2021", {"aceh": True, "number": ""}, "rekening Bank Syariah Indonesia (BSI), karena peserta bekerja di "
     "Aceh; tidak ada nomor rekening yang tercatat", "an account at Bank Syariah Indonesia (BSI), because the "
     "participant works in Aceh; no account number is on record"),
    ("bsu-2022", {"aceh": True, "bank": ""}, "rekening Bank Syariah Indonesia (BSI), karena peserta bekerja di "
     "Aceh", "an account at Bank Syariah Indonesia (BSI), because the participant works in Aceh"),  # a number, no bank
    ("bsu-2021", {"aceh": True, "account": None}, "rekening Bank Syariah Indonesia (BSI), karena peserta bekerja di "
     "Aceh", "an account at Bank Syariah Indonesia (BSI), because the participant works in Aceh"),
])
def test_the_payment_line_says_why_the_bank_on_record_is_not_used(edition: str, change: dict[str, object],
                                                                 id_said: str, en_said: str) -> None:
    rs, on, record = _eligible(edition)
    account: dict[str, object] | None = {"bank": "BRI", "number": "418201004566507", "holder_name": "x"}
    account.update({k: v for k, v in change.items() if k not in ("aceh", "account")})
    if "account" in change:  # no account on record at all: Aceh's reason still holds
        account = None
    record = {**record, "bank_account": account, **({"work_regency_code": "1171"} if "aceh" in change else {})}
    if "aceh" in change and edition == "bsu-2021":  # Banda Aceh is no PPKM area: decided once that criterion ended
        on = max(on, date(2021, 11, 8))
    d = rs.plan(on).decide(parse_member(record))
    assert d.outcome.value == "eligible", d
    for audience in ("worker", "officer"):
        id_page, en_page = render_text(d, rs, "id", audience), render_text(d, rs, "en", audience)
        assert f"\nPenyaluran: {id_said}\n" in id_page and f"\nPayment: {en_said}\n" in en_page


@pytest.mark.parametrize("edition", ["bsu-2021", "bsu-2022", "bsu-2025"])
@pytest.mark.parametrize(("bank", "paid"), [("BNI1946", "BNI"), ("BNI'46", "BNI"), ("B.R.I", "BRI"),
                                            ("BRI Unit Cikarang", "BRI"), ("Bank BRI Cabang Bandung", "BRI"),
                                            ("PT. Bank Mandiri (Persero) Tbk KCP Sudirman", "MANDIRI")])
def test_a_state_bank_written_as_members_write_it_is_paid_there(edition: str, bank: str, paid: str) -> None:
    """A state bank's account spelled out, with its founding year run on, or with its branch is paid at that
    bank, in the scalar and the columnar evaluator alike (it was sent to PT Pos or a collective account, the
    text saying the bank was no state bank)."""
    rs, on, record = _eligible(edition)
    record = {**record, "bank_account": {"bank": bank, "number": "418201004566507", "holder_name": "x"}}
    d = rs.plan(on).decide(parse_member(record))
    assert (d.outcome.value, d.channel) == ("eligible", paid)
    assert "Himbara" not in render_text(d, rs, "en", "worker") + render_text(d, rs, "id", "worker")
    table = decide_batch(rs.plan(on), None, pa.Table.from_pylist([record], schema=TEXT_SCHEMA).cast(MEMBER_SCHEMA))
    assert table.column("channel").to_pylist() == [paid]



RINA_2020 = {"nik": "3204125708940003", "kpj": None, "name": "Rina Marlina", "birth_date": "1994-08-17",
             "citizenship": "WNI", "participant_category": "PU", "employment_type": "private",
             "work_regency_code": "3204", "employer": {"npp": "JJ041102", "name": "PT Sinar Tenun", "sector": "C"},
             "registered_on": "2018-02-05", "wages": [{"period": "2020-06", "amount": 3400000}],
             "contributions": [{"period": "2020-05", "amount": 314160, "paid_on": "2020-06-12"},
                               {"period": "2020-06", "amount": 314160, "paid_on": None}],
             "program_receipts": [], "bank_account": {"bank": "BRI", "number": "", "holder_name": "Rina Marlina"}}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_criterion_failed_for_an_empty_field_says_how_to_fill_it(lang: str) -> None:
    """2020, an empty account number (a failure that can be fixed) and no KPJ (unknown, not failed): the
    worker and the officer hear each field's step, the failure's first; a failure for a value on record (a
    BPU participant) gets none."""
    rs = load_ruleset("bsu-2020")
    d = rs.plan().decide(parse_member(RINA_2020), hints=True)
    assert d.outcome.value == "ineligible"
    assert {r.id: r.outcome.value for r in d.rules}["has-kpj"] == "unknown"
    g = load_glossary()
    expected = [g.step("member.bank_account", lang), g.step("member.kpj", lang)]
    for audience in ("worker", "officer"):
        assert _steps(render_text(d, rs, lang, audience), lang) == expected
    said = {"id": "Data mencatat bahwa peserta tidak memiliki rekening bank, padahal BSU 2020 hanya disalurkan ke "
                  "rekening bank peserta. [1]",
            "en": "The record states that the participant has no bank account, and the 2020 subsidy is paid only "
                  "into the participant's bank account. [1]"}[lang]
    assert said in render_text(d, rs, lang)
    bpu = rs.plan().decide(parse_member({**RINA_2020, "participant_category": "BPU"}), hints=True)
    assert _steps(render_text(bpu, rs, lang), lang) == []


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_blank_account_number_and_a_missing_one_are_told_apart(lang: str) -> None:
    """2020: "" says the participant has no account (a final no), a missing number that it is not on
    record (undetermined); read aloud, the two sentences must not sound alike."""
    rs = load_ruleset("bsu-2020")
    record = {**RINA_2020, "kpj": "22041870213"}
    blank = render_text(rs.plan().decide(parse_member(record), hints=True), rs, lang)
    gone = render_text(rs.plan().decide(parse_member({**record, "bank_account": None}), hints=True), rs, lang)
    assert {"id": "Data mencatat bahwa peserta tidak memiliki rekening bank",
            "en": "The record states that the participant has no bank account"}[lang] in blank
    assert {"id": "Belum dapat ditentukan karena data nomor rekening bank tidak tercatat",
            "en": "there is no record of the bank account number"}[lang] in gone
    assert "tidak memiliki rekening" not in gone and "has no bank account" not in gone


def test_the_count_line_points_where_rejected_records_were_said(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from bsu_rules.cli import main

    records = tmp_path / "bad.jsonl"
    records.write_text(json.dumps(EXAMPLES[0]) + '\n{"nik": "12"}\n', "utf-8")
    for form, told in (("json", "(see the error lines)"), ("text", "(see the paragraphs on them)")):
        assert main(["evaluate", "bsu-2022", str(records), "--format", form]) == 1
        assert capsys.readouterr().err.endswith(f"2 read = 1 decided + 1 rejected {told}\n")


def test_a_worker_who_is_not_eligible_is_not_told_of_a_review_and_no_uncited_provision_is_referred_to() -> None:
    rs = load_ruleset("bsu-2020")
    record = {"nik": "3204073012830004", "birth_date": "1983-12-30", "citizenship": "WNI",
              "participant_category": "PU", "employment_type": "state_enterprise", "work_regency_code": "3204",
              "registered_on": "2007-10-02", "kpj": "09087712465",
              "wages": [{"period": "2020-06", "amount": 5_000_000}],
              "contributions": [{"period": p, "amount": 388_080, "paid_on": f"{p}-13"} for p in ("2020-05", "2020-06")],
              "program_receipts": [], "bank_account": {"bank": "BRI", "number": "020601019920504"}}
    ineligible = render_text(evaluate(rs, record, on="2020-09-01"), rs, "en", "worker")
    assert "✗" in ineligible and "!" not in ineligible  # the review would change nothing
    eligible = render_text(evaluate(rs, {**record, "wages": [{"period": "2020-06", "amount": 4_000_000}]},
                                              on="2020-09-01"), rs, "en", "worker")
    assert "! " in eligible and "This is an interpretation of the regulation, not its wording." in eligible
    assert "provision cited" not in eligible  # the review's criterion cites none


def test_the_key_to_the_symbols_parts_them_with_a_mark_no_symbol_uses() -> None:
    rs = load_ruleset("bsu-2022")
    records = (Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()
    page = render_text(evaluate(rs, json.loads(records[14])), rs, "id", "officer")
    key = next(line for line in page.splitlines() if line.startswith("Keterangan: "))
    assert "; · tidak diutamakan" in key and " · · " not in key  # "·" is the mark of a criterion not prioritized


def test_a_place_no_table_names_is_said_by_its_kemendagri_name() -> None:
    glossary = load_glossary()
    assert len(glossary.places) >= 514 and glossary.places["3204"] == "Kabupaten Bandung"
    assert glossary.places["9101"] == glossary.places["9301"] == "Kabupaten Merauke"  # before and after 2022
    assert set(glossary.places) == {code for codes in REGENCIES.values() for code in codes}  # the contract's codes
    assert list(REGENCIES) == list(PROVINCES)  # each province has its regencies, and no other prefix has any
    rs = load_ruleset("bsu-2021")
    record = {"nik": "3204125708940003", "citizenship": "WNI", "participant_category": "PU", "kpj": "22041870213",
              "employment_type": "private", "work_regency_code": "3204", "registered_on": "2017-01-05",
              "wages": [{"period": "2021-06", "amount": 3_400_000}], "program_receipts": [],
              "contributions": [{"period": p, "amount": 314_160, "paid_on": f"{p}-12"} for p in ("2021-05", "2021-06")],
              "employer": {"npp": "JJ041102", "name": "PT X", "sector": "C"}}
    said = render_text(evaluate(rs, record, on="2021-08-10"), rs, "id", "worker")
    assert "tidak mencantumkan Kabupaten Bandung (Provinsi Jawa Barat)" in said and "3204 (" not in said
    with pytest.raises(ValueError):
        Glossary.model_validate({"places": {"3204": "Kabupaten 3204125708940003"}})  # a name holds no number


def test_a_worker_refused_for_a_nik_on_record_is_told_how_a_mistyped_one_is_corrected() -> None:
    rs = load_ruleset("bsu-2022")
    records = (Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()
    refused = evaluate(rs, json.loads(records[15]))  # a NIK whose birth day is 32
    assert refused.failed == ["valid-nik"]
    said = render_text(refused, rs, "en", "worker")
    assert "What to do next:\n  - If the NIK or the date of birth on record is wrong, take the electronic " \
        "identity card (KTP-el)" in said
    arrears = render_text(evaluate(rs, json.loads(records[12])), rs, "en", "worker")
    assert "What to do next" not in arrears  # a later payment never changes a past decision: no step promised


@pytest.mark.parametrize("path", [p for p in TEST_FILES if "." not in p.stem], ids=lambda p: p.stem)
def test_a_membership_not_ended_is_not_said_to_be_active_beside_a_late_registration(path: Path) -> None:
    """A member registered after the cut-off fails registration; the criterion passed beside it only
    checks that the membership had not ended, so the officer is not told the membership was active."""
    case = next(c for c in load_file(path, RuleSets()).cases if c.runnable and c.case is not None
                and c.case.expect.outcome == "eligible")
    assert case.ruleset is not None and case.case is not None and case.member is not None
    plan = case.ruleset.plan(case.case.on)
    member = case.member.model_copy(update={"registered_on": plan.decide(case.member).on})
    d = plan.decide(member, hints=True)
    outcomes = (d.rule("registered-by-cutoff").outcome.value, d.rule("membership-not-ended").outcome.value)
    assert outcomes == ("fail", "pass")
    for lang, membership, active in (("id", "Kepesertaan", "aktif"), ("en", "Membership", "active")):
        page = render_text(d, case.ruleset, lang, "officer")
        (passed,) = [line for line in page.splitlines() if line.startswith(f"  ✓ {membership} ")]
        assert active not in passed and ("berakhir" if lang == "id" else "ended") in passed, passed


@pytest.mark.parametrize("path", [p for p in TEST_FILES if "." not in p.stem], ids=lambda p: p.stem)
def test_a_registration_dated_after_the_decision_is_said_as_the_record_gives_it(path: Path) -> None:
    """A registration date later than the decision date is what the record holds, not an event that
    happened: no page, and not the decision's sentence, says the participant registered then."""
    case = next(c for c in load_file(path, RuleSets()).cases if c.runnable and c.case is not None
                and c.case.expect.outcome == "eligible")
    assert case.ruleset is not None and case.case is not None and case.member is not None
    plan = case.ruleset.plan(case.case.on)
    later = plan.decide(case.member).on + timedelta(days=26)
    d = plan.decide(case.member.model_copy(update={"registered_on": later}), hints=True)
    explain = d.rule("registered-by-cutoff").explain
    assert explain is not None
    for lang, shown, as_fact in (
            ("id", "Data mencatat {} sebagai tanggal terdaftar, ", "Peserta terdaftar pada "),
            ("en", "The record gives {} as the registration date, ", "participant registered on")):
        shown = shown.format(format_date(later, lang))
        assert getattr(explain, lang).startswith(shown)
        for audience in AUDIENCES:
            page = render_text(d, case.ruleset, lang, audience)
            assert shown in page and as_fact not in page, audience


@pytest.mark.parametrize(("lang", "title", "said"), [
    ("id", "✗ Kepesertaan tidak berakhir pada atau sebelum 31 Juli 2022",
     "Kepesertaan tercatat berakhir pada 31 Juli 2022, yaitu pada atau sebelum batas kepesertaan 31 Juli 2022."),
    ("en", "✗ Membership not ended on or before 31 July 2022",
     "The record gives 31 July 2022 as the date the membership ended, which is on or before the membership cut-off "
     "of 31 July 2022."),
])
def test_a_membership_ended_on_the_cut_off_day_is_said_without_contradiction(lang: str, title: str, said: str) -> None:
    """Ended on the cut-off day: the reason names the cut-off as the registration line does, and never
    says "ended on 31 July, so not active on 31 July", which a worker still at work that day disputes."""
    rs = load_ruleset("bsu-2022")
    page = render_text(evaluate(rs, {**EXAMPLES[0], "membership_ended_on": "2022-07-31"}, on="2022-09-05"), rs, lang,
                       "officer")
    assert title in page and said in page
    assert "tidak lagi aktif" not in page and "no longer active" not in page


@pytest.mark.parametrize(("edition", "on", "titles"), [
    ("bsu-2020", "2020-08-14", ["Pemeriksaan status PPPK", "Pemeriksaan status pegawai BUMN",
                                "Pemeriksaan status anggota TNI atau Polri"]),
    ("bsu-2021", "2021-08-10", ["Pemeriksaan status anggota TNI atau Polri"]),
    ("bsu-2022", "2022-09-05", ["Pemeriksaan status PPPK", "Pemeriksaan upah Rp0"]),
])
def test_a_review_no_one_needs_is_not_titled_as_needing_it(edition: str, on: str, titles: list[str]) -> None:
    """A private employee's officer page: a review criterion marked ○ ("tidak perlu diperiksa") is named
    by the check it is, never "… perlu diperiksa", which the key beside it contradicted aloud."""
    rs = load_ruleset(edition)
    text = render_text(evaluate(rs, EXAMPLES[0], on=on), rs, "id", "officer")
    assert [re.sub(r" \[\d+\]$", "", line) for line in text.splitlines() if line.startswith("  ○ ")] == \
        [f"  ○ {t}" for t in titles]  # without its footnote
    assert "○ tidak perlu diperiksa" in text


@pytest.mark.parametrize(("lang", "title"), [
    ("id", "✓ Bukan Aparatur Sipil Negara (ASN: PNS atau PPPK), anggota TNI, atau anggota Polri"),
    ("en", "✓ Not a state civil servant (ASN: PNS or PPPK), soldier (TNI), or police officer (Polri)"),
])
def test_the_2025_officer_page_spells_asn_out_as_2021_does(lang: str, title: str) -> None:
    """"ASN" alone means nothing read aloud: the 2025 title spells it out, as the 2021 one does."""
    rs = load_ruleset("bsu-2025")
    record = {**EXAMPLES[0], "wages": [{"period": p, "amount": 3_400_000} for p in ("2025-02", "2025-03", "2025-04")]}
    text = render_text(evaluate(rs, record, on="2025-06-20"), rs, lang, "officer")
    assert any(line.startswith(f"  {title} [") for line in text.splitlines()), text


@pytest.mark.parametrize(("change", "rule"), [
    ({"registered_on": "2022-10-03"}, "registered-by-cutoff"),
    ({"membership_ended_on": "2022-04-15"}, "membership-not-ended"),
    ({"employment_type": "tni"}, "not-pns-tni-polri"),
])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_failure_a_wrong_record_may_cause_says_how_to_correct_it(change: dict[str, str], rule: str,
                                                                    lang: str) -> None:
    """A registration after the decision date, an ended membership or an excluded employment status may
    be a data error: the worker hears who corrects the record, as for a NIK."""
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member({**EXAMPLES[0], **change}), hints=True)
    assert d.outcome.value == "ineligible"
    step = load_glossary().step(f"rules.{rule}", lang)
    assert step is not None and _steps(render_text(d, rs, lang), lang) == [step]


def test_a_page_is_refused_for_another_rule_set_and_for_arguments_it_cannot_take() -> None:
    """Another edition's titles and citations would stand beside this decision's values ("Wage Subsidy
    2021" over a 2022 cut-off): refused by name, as are a language not written and a decision's JSON."""
    from bsu_rules.errors import InputError

    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member(EXAMPLES[0]))
    with pytest.raises(InputError, match=r"the decision was made under bsu-2022 2022\.9"):
        render_text(d, load_ruleset("bsu-2021"), "en", "officer")
    with pytest.raises(ValueError, match="unsupported language 'EN'; expected one of id, en"):
        render_text(d, rs, "EN")
    with pytest.raises(TypeError, match="render_text takes a Decision, not str"):
        render_text(d.to_json(), rs)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"render_html takes a list of decisions, not Decision: pass \[decision\]"):
        render_html(d, rs)  # type: ignore[arg-type]
    assert render_text(d, rs, "en").startswith("Wage Subsidy (BSU) 2022")


@pytest.mark.parametrize(("lang", "says"), [
    ("en", "Payment: cannot be decided yet because the bank on record, “PT Bank”, names no bank"),
    ("id", "Penyaluran: belum dapat ditentukan karena bank yang tercatat, “PT Bank”, tidak menyebut nama bank")])
def test_a_bank_written_as_words_that_name_none_is_said_to_be_on_record(lang: str, says: str) -> None:
    """Not "there is no record of the bank": the page would contradict the record, and the officer."""
    rs = load_ruleset("bsu-2022")
    record = json.loads(json.dumps(EXAMPLES[0]))
    record["bank_account"]["bank"] = "PT Bank"
    decision = evaluate(rs, parse_member(record))
    assert (decision.outcome.value, decision.channel, decision.missing) == ("eligible", None,
                                                                           ["member.bank_account.bank"])
    assert says in render_text(decision, rs, lang).splitlines()


def test_a_wage_not_reported_is_named_before_a_bound_row_it_would_not_settle() -> None:
    """A Kota Batam worker (its 2022 minimum known only as a lower bound) with no wage reported by the
    cut-off: the exact figure of the row would not decide it, and the decision blamed the row alone."""
    rs = load_ruleset("bsu-2022")
    record = json.loads(json.dumps(EXAMPLES[0]))
    record["work_regency_code"] = "2171"
    record["wages"] = [{"period": "2022-08", "amount": 4_200_000}]
    decision = evaluate(rs, parse_member(record))
    assert (decision.outcome.value, decision.missing) == ("undetermined", ["fact.wage"])
    said = decision.rule("wage-ceiling").explain
    assert said is not None and said.en == \
        "This cannot be decided yet because the employer has reported no wage for July 2022 or earlier."
    assert said.id.startswith("Belum dapat ditentukan karena belum ada upah yang dilaporkan pemberi kerja")
    record["wages"] = [{"period": "2022-07", "amount": 4_300_000}]  # reported, above the bound: now the row is missing
    assert evaluate(rs, parse_member(record)).missing == ["table.minimum_wage[2171]"]


def test_a_province_without_its_regency_waits_for_the_regency_not_for_a_bound_row() -> None:
    """``3200`` with Kota Bandung's row a lower bound: the highest ceiling of Jawa Barat is "at least" one,
    but no figure of the table decides Rp4.200.001 there; the regency does, and the employer is asked for it."""
    rs = load_ruleset("bsu-2022")
    record = {**EXAMPLES[0], "work_regency_code": "3200",
              "wages": [{**w, "amount": 4_200_001} for w in EXAMPLES[0]["wages"]]}
    decision = evaluate(rs, parse_member(record))
    assert (decision.outcome.value, decision.missing) == ("undetermined", ["member.work_regency_code"])
    assert decision.rule("wage-ceiling").values["fact.highest_ceiling"] == {"at_least": 4_900_000}
    said = decision.rule("wage-ceiling").explain
    assert said is not None and said.en.startswith(
        "This cannot be decided yet because the record gives only the province of work, not the regency or city")
    record["work_regency_code"] = "3273"  # Kota Bandung itself: its row is what is missing
    assert evaluate(rs, parse_member(record)).missing == ["table.minimum_wage[3273]"]


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "Priority: not given priority, since the participant is recorded as receiving the Family Hope Programme "
           "(PKH) in 2022. Priority goes to those who have not received Kartu Prakerja, PKH, or BPUM; those given "
           "priority are paid first. [2]"),
    ("id", "Prioritas: tidak diutamakan, karena peserta tercatat menerima Program Keluarga Harapan (PKH) pada tahun "
           "2022. Yang diutamakan adalah peserta yang belum menerima Kartu Prakerja, PKH, atau BPUM, dan peserta yang "
           "diutamakan dibayar lebih dahulu. [2]")])
def test_a_worker_given_no_priority_hears_that_others_are_paid_first(lang: str, said: str) -> None:
    """Pasal 5 10/2022 puts those without other aid first: an eligible PKH recipient is told so, not only
    "every requirement is met" and an amount, which promised a payment the order may not reach; the aid named is
    the one the record shows (PKH), not every programme the criterion reads, and the second sentence is whole."""
    rs = load_ruleset("bsu-2022")
    member = {**EXAMPLES[0], "program_receipts": [{"program": "PKH", "year": 2022}]}
    decision = rs.plan().decide(parse_member(member), hints=True)
    assert decision.outcome.value == "eligible" and decision.rule("no-other-aid").outcome.value == "not_prioritized"
    assert said in render_text(decision, rs, lang, "worker").splitlines()
    plain = rs.plan().decide(parse_member(EXAMPLES[0]), hints=True)
    assert plain.outcome.value == "eligible" and "Prior" not in render_text(plain, rs, lang, "worker")


def test_a_priority_resting_on_an_interpretation_says_so_to_the_worker() -> None:
    """2021's sector priority maps the regulation's sectors to KBLI by the project's reading: the worker
    hears what the record shows and that the line is an interpretation, as every other line says."""
    rs = load_ruleset("bsu-2021")
    member = {**EXAMPLES[0], "employer": {**EXAMPLES[0]["employer"], "sector": "P"},
              "wages": [{"period": p, "amount": 3_400_000} for p in ("2021-04", "2021-05", "2021-06")],
              "contributions": [{"period": p, "amount": 200_000, "paid_on": f"{p}-20"}
                                for p in ("2021-04", "2021-05", "2021-06")]}
    decision = evaluate(rs, member, on="2021-11-10")
    assert decision.outcome.value == "eligible", decision.outcome
    (line,) = [line for line in render_text(decision, rs, "en").splitlines() if line.startswith("Priority: ")]
    assert line.startswith("Priority: not given priority, since the employer's business sector on record is "
                           "education. Priority goes to those who work in the hardest-hit sectors; those given "
                           "priority are paid first. This is the programme's reading of the regulation behind this "
                           "requirement, not its exact wording. [")


def test_a_priority_that_cannot_be_decided_is_said_with_what_the_record_lacks() -> None:
    """An employer's sector not on record leaves 2021's sector priority unknown: the worker hears that
    whether they are given priority is not yet known and why, not nothing, as if the order were settled."""
    rs = load_ruleset("bsu-2021")
    member = {**EXAMPLES[0], "employer": {**EXAMPLES[0]["employer"], "sector": None},
              "wages": [{"period": p, "amount": 3_400_000} for p in ("2021-04", "2021-05", "2021-06")],
              "contributions": [{"period": p, "amount": 200_000, "paid_on": f"{p}-20"}
                                for p in ("2021-04", "2021-05", "2021-06")]}
    decision = evaluate(rs, member, on="2021-11-10")
    assert decision.outcome.value == "eligible" and decision.rule("priority-sector").outcome.value == "unknown"
    said = {lang: [line for line in render_text(decision, rs, lang).splitlines() if line.startswith("Prior")]
            for lang in ("en", "id")}
    assert said["en"][0].startswith("Priority: not yet known whether the participant is given priority, as there is "
                                    "no record of the employer's business sector. Priority goes to those who work "
                                    "in the hardest-hit sectors; those given priority are paid first. This is the "
                                    "programme's reading")
    assert said["id"][0].startswith("Prioritas: belum dapat ditentukan apakah peserta diutamakan, karena data sektor "
                                    "usaha pemberi kerja tidak tercatat. Yang diutamakan adalah peserta yang bekerja "
                                    "di sektor usaha yang terdampak, dan")


@pytest.mark.parametrize(("wage", "outcome", "step"), [(9_000_000, "ineligible", False),
                                                       (4_000_000, "undetermined", True)])
def test_a_worker_with_no_work_area_is_asked_for_it_only_where_it_could_change_the_outcome(
        wage: int, outcome: str, step: bool, exact_rules: Path) -> None:
    """Above every wage ceiling in the country (Rp4.900.000 in 2022, where no row is a bound) no regency
    could help: no step asks for it."""
    rs = load_ruleset(exact_rules / "bsu-2022.yaml")
    record = {k: v for k, v in EXAMPLES[0].items() if k != "work_regency_code"}
    record["wages"] = [{**w, "amount": wage} for w in record["wages"]]
    decision = evaluate(rs, record, hints=True)
    assert decision.outcome.value == outcome
    said = render_text(decision, rs, "en", "worker")
    assert ("update the regency or city of work" in said) is step
    # the limit a refused worker hears is the one of every area, the regency not being on record
    assert ("at most Rp3.500.000 (on record: Rp9.000.000), whatever the regency or city of work (not on record)."
            in said) is not step
    assert ("apa pun kabupaten atau kota tempat bekerja (tidak tercatat)."
            in render_text(decision, rs, "id", "worker")) \
        is not step


@pytest.mark.parametrize(("code", "told"), [("3200", True), ("3273", False), ("3100", False)])
def test_a_work_area_naming_only_the_province_is_told_the_limit_holds_whatever_the_regency(
        code: str, told: bool, exact_rules: Path) -> None:
    """`3200` above every Jawa Barat ceiling (where no row is a bound): the hint's Rp3.500.000 is lower than
    the highest ceiling the explanation names because the regency is not on record, and the page says so
    (`3273` names it; DKI's `3100` has one ceiling for the whole province)."""
    rs = load_ruleset(exact_rules / "bsu-2022.yaml")
    record = {**EXAMPLES[0], "work_regency_code": code}
    record["wages"] = [{**w, "amount": 9_000_000} for w in record["wages"]]
    decision = evaluate(rs, record, hints=True)
    assert decision.outcome.value == "ineligible"
    said = {lang: render_text(decision, rs, lang, "worker") for lang in ("en", "id")}
    assert (", whatever the regency or city of work in that province (the record gives only the province)."
            in said["en"]) is told
    assert (", apa pun kabupaten atau kota tempat bekerja di provinsi itu (yang tercatat hanya provinsinya)."
            in said["id"]) is told


@pytest.mark.parametrize(("edition", "rule", "field", "told"), [
    ("bsu-2020", "has-kpj", "member.kpj", False),  # member.kpj != "": unknown, never false, when absent
    ("bsu-2022", "not-deceased", "member.deceased_on", True),  # happened_by: no date recorded, not happened
    ("bsu-2022", "wage-ceiling", "member.work_regency_code", False),  # highest_for: every area at once
    ("bsu-2022", "wage-ceiling", "member.wages", False),  # read strictly: unknown, never false, when absent
    ("bsu-2022", "valid-nik", "member.kpj", False)])  # not read at all
def test_a_criterion_reads_an_absent_field_as_an_answer_only_through_the_functions_that_do(
        edition: str, rule: str, field: str, told: bool) -> None:
    from bsu_rules.ruleset.nullability import reads_absence

    rs = load_ruleset(edition)
    tree = next(c.tree for c in rs.rules if c.rule.id == rule)
    assert reads_absence(tree, field, rs) is told


def _behind(months: int) -> dict[str, object]:
    """Example 1 (Kabupaten Bandung, wage Rp3.400.000) with the contributions of the ``months`` latest months
    due before the cut-off (June 2022 and back) unpaid, the earlier ones of 2022 paid on time."""
    rows = []
    for m in range(1, 8):
        unpaid = 7 - months <= m <= 6
        rows.append({"period": f"2022-{m:02d}", "amount": 314160,
                     "paid_on": None if unpaid or m == 7 else f"2022-{m + 1:02d}-10"})
    return {**EXAMPLES[0], "contributions": rows}


ARREARS_MONTHS = {1: ("pada bulan Juni 2022", "in June 2022"),
                  2: ("antara bulan Mei 2022 dan Juni 2022", "between May 2022 and June 2022"),
                  3: ("antara bulan April 2022 dan Juni 2022", "between April 2022 and June 2022"),
                  5: ("antara bulan Februari 2022 dan Juni 2022", "between February 2022 and June 2022")}
"""The months a member ``_behind`` by N months is said to owe, in Indonesian and English."""


@pytest.mark.parametrize(("months", "limit"), [(1, 0), (3, 0), (2, 1), (3, 2), (5, 2)], ids=lambda v: str(v))
def test_the_arrears_sentence_reads_right_for_one_month_and_for_a_limit_of_none(months: int, limit: int) -> None:
    """One month unpaid is that month, not "Juni 2022 sampai dengan Juni 2022", and no streak "in a row"
    ("berturut-turut") of one; a limit of 0 is "none" ("tidak ada"), never "more than the limit of 0 months".
    The officer reads the same sentence; the officer's values still give the limit as a count."""
    from bsu_rules.ruleset.overrides import reform_of

    base = load_ruleset("bsu-2022")
    rs = base if limit == 2 else reform_of(base, [f"max_arrears_months={limit}"], [])
    d = rs.plan().decide(parse_member(_behind(months)), hints=True)
    assert d.outcome.value == "ineligible" and d.rule("arrears").values["fact.arrears"] == months
    owed, allowed = ARREARS_MONTHS[months], {0: ("tidak ada", "none"), 1: ("1 bulan", "1 month")}.get(
        limit, (f"{limit} bulan", f"{limit} months"))
    said = {"id": f"Per 31 Juli 2022, ada tunggakan iuran {months} bulan {owed[0]}, sedangkan yang "
                  f"diperbolehkan {allowed[0]}.",
            "en": f"As of 31 July 2022, contributions are unpaid for {months} month"
                  f"{'s' if months > 1 else ''} {owed[1]}, while the rules allow {allowed[1]}."}
    if (months, limit) == (1, 0):  # the finding's case, written out
        assert said == {"id": "Per 31 Juli 2022, ada tunggakan iuran 1 bulan pada bulan Juni 2022, sedangkan yang "
                              "diperbolehkan tidak ada.",
                        "en": "As of 31 July 2022, contributions are unpaid for 1 month in June 2022, while the rules "
                              "allow none."}
    for lang in ("id", "en"):
        assert _line(render_text(d, rs, lang), "✗ ").removesuffix(" [1]") == said[lang]
        officer = render_text(d, rs, lang, "officer")
        assert f"      {said[lang]}\n" in officer
        assert ("Batas tunggakan iuran: " if lang == "id" else "Most months of unpaid contributions allowed: ") + (
            f"{limit} bulan" if lang == "id" else f"{limit} month" + ("" if limit == 1 else "s")) in officer
    for wrong in ("Juni 2022 sampai dengan Juni 2022", "June 2022 to June 2022", "berturut-turut", "in a row",
                  "0 bulan.", "0 months.", "contributions for"):
        assert wrong not in said["id"] + said["en"]


def test_a_month_range_of_one_month_reads_as_that_month_whatever_words_open_it(rules_copy: Path) -> None:
    """A template's range of two month placeholders, joined by "sampai dengan" or "to", is said once when both
    are the same month; a word opening it ("dari", "from") becomes "pada", "in" (a feature of every template,
    not of the arrears rule)."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    id_old = ('id: "Per {as_of:date}, ada tunggakan iuran {fact.arrears} antara bulan {fact.arrears_from:month} dan '
              '{fact.arrears_to:month}, sedangkan yang diperbolehkan {param.max_arrears_months}"')
    en_old = ('en: "As of {as_of:date}, contributions are unpaid for {fact.arrears} between {fact.arrears_from:month} '
              'and {fact.arrears_to:month}, while the rules allow {param.max_arrears_months}"')
    assert text.count(id_old) == text.count(en_old) == 1
    path.write_text(text.replace(id_old, 'id: "Dari bulan {fact.arrears_from:month} sampai dengan '
                                         '{fact.arrears_to:month}, iuran belum dibayar"')
                    .replace(en_old, 'en: "Contributions are unpaid from {fact.arrears_from:month} to '
                                     '{fact.arrears_to:month} – {fact.arrears_from:month}–{fact.arrears_to:month}"'),
                    "utf-8")
    assert check_file(path)[1] == []
    rs = load_ruleset(path)
    one = rs.plan().decide(parse_member(_behind(3)))
    assert one.rule("arrears").explain is not None
    assert one.rule("arrears").explain.id == "Dari bulan April 2022 sampai dengan Juni 2022, iuran belum dibayar"
    assert one.rule("arrears").explain.en == ("Contributions are unpaid from April 2022 to June 2022 – "
                                              "April 2022–June 2022")
    rs = reform_of_limit(rs, 0)
    one = rs.plan().decide(parse_member(_behind(1)))
    assert one.rule("arrears").explain is not None
    assert one.rule("arrears").explain.id == "Pada bulan Juni 2022, iuran belum dibayar"
    assert one.rule("arrears").explain.en == "Contributions are unpaid in June 2022 – June 2022"


def reform_of_limit(rs: RuleSet, limit: int) -> RuleSet:
    from bsu_rules.ruleset.overrides import reform_of

    return reform_of(rs, [f"max_arrears_months={limit}"], [])


def test_a_zero_is_said_in_the_glossary_s_words_only_where_the_glossary_gives_them() -> None:
    """``zero`` words replace a 0 in a sentence for that name alone: a count of months with none keeps "0 bulan"."""
    g = load_glossary()
    assert g.zero("param.max_arrears_months", 0, "id") == "tidak ada"
    assert g.zero("param.max_arrears_months", 0, "en") == "none"
    assert g.zero("param.max_arrears_months", 2, "en") is None
    assert g.zero("param.max_arrears_months", False, "en") is None
    assert g.zero("fact.arrears", 0, "id") is None
    assert g.show("param.max_arrears_months", 0, "id") == "0 bulan"  # a data line keeps the count


@pytest.mark.parametrize(("lang", "said"), [("id", "\nBantuan: Rp600.000, dibayarkan sekaligus [1]\n"),
                                             ("en", "\nBenefit: Rp600.000, paid in a single payment [1]\n")])
def test_a_benefit_of_one_month_is_said_once(lang: str, said: str) -> None:
    """"Rp600.000 (Rp600.000 per bulan selama 1 bulan)" said the amount twice; two months still say how it adds up."""
    from bsu_rules.ruleset.overrides import reform_of

    base = load_ruleset("bsu-2022")
    one = reform_of(base, ["benefit.monthly=600000", "benefit.months=1"], [])
    text = render_text(one.plan().decide(parse_member(EXAMPLES[0])), one, lang)
    assert said in text and "per bulan selama" not in text and "a month for" not in text
    two = reform_of(base, ["benefit.monthly=300000", "benefit.months=2"], [])
    assert ("Rp600.000 (Rp300.000 per bulan selama 2 bulan)" if lang == "id" else
            "Rp600.000 (Rp300.000 a month for 2 months)") in render_text(two.plan().decide(
                parse_member(EXAMPLES[0])), two, lang)


# Read aloud: a call-centre officer reads a worker's page to the worker, or a screen reader does.

_NOTHING_ON_RECORD = {"employment_type": None, "work_regency_code": None, "wages": None, "contributions": None}
"""A record whose wages, contributions, employment status and work area are all missing."""


@pytest.mark.parametrize(("lang", "heading"), [
    ("id", "Bantuan Subsidi Gaji/Upah (BSU) 2022 · Peserta dengan NIK berawalan 3171 dan berakhiran 0001"),
    ("en", "Wage Subsidy (BSU) 2022 · Participant with NIK starting 3171 and ending 0001")])
def test_a_worker_s_page_says_the_masked_nik_in_words(lang: str, heading: str) -> None:
    """Read aloud, 3171********0001 is eight "stars": the worker hears the digits the mask shows, in words
    (the same digits); an officer's and an auditor's pages keep the mask their records and the decision show."""
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member(EXAMPLES[3]), hints=True)
    assert d.member.nik == "3171********0001"
    assert render_text(d, rs, lang).splitlines()[0] == heading
    spoken = heading.replace(" · ", ". ").replace("Gaji/", "Gaji atau ") + "."  # the slash said as a word
    assert render_speech(d, rs, lang).splitlines()[0] == spoken
    for audience in ("officer", "auditor"):
        assert render_text(d, rs, lang, audience).splitlines()[0].endswith(" 3171********0001")


@pytest.mark.parametrize(("lang", "expected"), [
    ("id", """\
Bantuan Subsidi Gaji atau Upah (BSU) 2022. Peserta dengan NIK berawalan 3171 dan berakhiran 0001.
Tidak memenuhi syarat sebagai penerima BSU.
Tanggal keputusan: 5 September 2022.
Data per: 31 Juli 2022.
Alasan:
Tidak terpenuhi: Upah bulan Juli 2022 sebesar Rp4.950.000 melebihi batas upah Rp4.700.000 untuk Provinsi DKI \
Jakarta, yaitu upah minimum setempat Rp4.641.854 yang dibulatkan ke atas ke kelipatan Rp100.000. Peserta akan \
memenuhi syarat seandainya upah yang dilaporkan pemberi kerja untuk bulan Juli 2022 paling banyak Rp4.700.000 (yang \
tercatat: Rp4.950.000). Dasar hukum: Pasal 3 ayat 2 huruf c dan Pasal 4 Peraturan Menteri Ketenagakerjaan Nomor 10 \
Tahun 2022."""),
    ("en", """\
Wage Subsidy (BSU) 2022. Participant with NIK starting 3171 and ending 0001.
Not eligible to receive BSU.
Decision date: 5 September 2022.
Data as of: 31 July 2022.
Reasons:
Not met: The wage for July 2022, 4,950,000 rupiah, is above the wage ceiling of 4,700,000 rupiah for DKI Jakarta \
province, its local minimum wage of 4,641,854 rupiah rounded up to a multiple of 100,000 rupiah. The participant \
would be eligible if the wage the employer reported for July 2022 had been at most 4,700,000 rupiah (on record: \
4,950,000 rupiah). Legal basis: Article 3, paragraph 2, point c and Article 4 of Regulation of the Minister of \
Manpower Number 10 of 2022."""),
])
def test_a_page_read_aloud_has_no_marks_footnotes_or_key(lang: str, expected: str) -> None:
    """The text page read aloud says "ballot X", "left bracket one right bracket", "Key: ballot X …", and an
    English voice reads Rp4.950.000 as a decimal: the spoken page says each outcome in words, the legal basis
    in place with its article in words, and an English page's amounts as an English voice reads them."""
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member(EXAMPLES[3]), hints=True)
    assert render_speech(d, rs, lang) == expected
    text = render_text(d, rs, lang)  # the text page keeps its marks, footnotes and figures
    assert "  ✗ " in text and " [1]" in text and "Rp4.950.000" in text


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("n", [4, 8, 12, 14])
def test_no_page_read_aloud_holds_a_mark_a_bracketed_article_or_an_english_decimal(n: int, audience: str,
                                                                                   lang: str) -> None:
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member(EXAMPLES[n - 1]), hints=True)
    said = render_speech(d, rs, lang, audience)
    assert not re.search(r"[✓✗?!○+·–]\s|\[\d+\]|\*\*|\(\d+\)\(|ayat \(", said.replace("?.", "")), said
    assert not re.search(r"^(Keterangan|Key):", said, re.M)
    assert lang == "id" or "Rp" not in said
    if audience == "worker" and d.outcome.value != "eligible":
        reasons = said.split("\n")[said.split("\n").index(f"{WORDS[lang]['reasons']}:") + 1:]
        said_outcome = {WORDS[lang][k] for k in ("said_fail", "said_unknown", "said_flagged")}
        assert any(r.startswith((*said_outcome, "This cannot be decided yet")) for r in reasons)  # said once


@pytest.mark.parametrize(("lang", "said"), [
    ("id", "Perlu diperiksa petugas: Peserta tercatat sebagai Pegawai Pemerintah dengan Perjanjian Kerja (PPPK). "
           "Peraturan tidak menyebut apakah PPPK dikecualikan"),
    ("en", "To be reviewed by an officer: The participant is recorded as a government employee on a work agreement "
           "(PPPK). The regulation does not say whether PPPK employees are excluded")])
def test_an_article_cited_in_a_sentence_is_read_without_brackets(lang: str, said: str) -> None:
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member(EXAMPLES[7]), hints=True)
    assert said in render_speech(d, rs, lang)
    assert not re.search(r"ayat \(|\(\d\)\(", render_speech(d, rs, lang))
    assert "Legal basis: Article 6, paragraph 1 of Regulation" in render_speech(d, rs, "en")


@pytest.mark.parametrize(("lang", "said"), [
    ("id", "seharusnya 01 sampai 31, atau 41 sampai 71 untuk perempuan."),
    ("en", "it should be 01 to 31, or 41 to 71 for women.")])
def test_a_range_of_numbers_is_read_in_words(lang: str, said: str) -> None:
    """A voice reads "01–31" as "01 minus 31", or as one number: read aloud, a range is said as the pages' own
    sentences say one ("1 sampai 20 angka"); the text page keeps its dash."""
    rs = load_ruleset("bsu-2022")
    record = {**EXAMPLES[0], "nik": EXAMPLES[0]["nik"][:6] + "32" + EXAMPLES[0]["nik"][8:], "birth_date": None}
    d = rs.plan().decide(parse_member(record), hints=True)
    for audience in AUDIENCES:
        spoken = render_speech(d, rs, lang, audience)
        assert said in spoken and not re.search(r"\d–\d", spoken), spoken
    assert said.replace(" sampai ", "–").replace(" to ", "–") in render_text(d, rs, lang)


_SPOKEN_BANK = "Bank 1**2. Bantuan Rp600.000 disetujui, Article 3(d)"
"""A bank name made to sound like the page's own words: a masked number, an amount, an article (nine digits in
all: none hidden)."""


@pytest.mark.parametrize(("lang", "before", "after"), [
    ("id", "karena bank yang tercatat, buka kutip, ", ", tutup kutip, tidak dikenali sebagai bank penyalur"),
    ("en", "because the bank on record, quote, ", ", end quote, is not recognised as one of the state-owned banks")])
def test_a_bank_name_is_read_aloud_as_a_quotation_never_as_the_page_s_words(lang: str, before: str,
                                                                            after: str) -> None:
    """A page quotes the bank a record names (“…”), quotation marks a voice does not say: read aloud, the bank
    is said to be a quotation, and nothing in it is reworded as the page's own words are (an amount, a masked
    number, an article)."""
    rs = load_ruleset("bsu-2022")
    record = {**EXAMPLES[0], "bank_account": {**EXAMPLES[0]["bank_account"], "bank": _SPOKEN_BANK}}
    d = rs.plan().decide(parse_member(record), hints=True)
    for audience in AUDIENCES:
        said = render_speech(d, rs, lang, audience)
        assert before + _SPOKEN_BANK + after in said, said
        assert "600,000 rupiah disetujui" not in said and "berawalan 1 " not in said and "starting 1 " not in said
        assert "Article 3, point d" not in said
        assert f"“{_SPOKEN_BANK}”" in render_text(d, rs, lang, audience)  # the text page shows it as it is
    page = render_html([d], rs, lang, "worker")  # a screen reader hears the quotation; the eye sees it as is
    quotation = {"id": f"buka kutip, {_SPOKEN_BANK}, tutup kutip", "en": f"quote, {_SPOKEN_BANK}, end quote"}[lang]
    assert f'<span aria-hidden="true">“{_SPOKEN_BANK}”</span><span class="said">{quotation}</span>' in page
    assert "600,000 rupiah</span> disetujui" not in page and "starting 1 " not in page and "berawalan 1 " not in page


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_bank_name_is_cut_short_and_cannot_end_its_quotation(lang: str) -> None:
    """However long a bank name, a page shows its first 60 characters or fewer, cut at a word (… on the page,
    "cut short" read aloud); a word that would close the quotation read aloud is said as a pause."""
    rs = load_ruleset("bsu-2022")
    closing = ", tutup kutip" if lang == "id" else ", end quote"
    bank = f"BPD{closing}. Eligible, paid Rp6.000.000" + " lagi" * 2000
    record = {**EXAMPLES[0], "bank_account": {**EXAMPLES[0]["bank_account"], "bank": bank}}
    d = rs.plan().decide(parse_member(record), hints=True)
    text = render_text(d, rs, lang)
    shown = re.search(r"“([^”]*)”", text)
    assert shown is not None and len(shown[1]) <= 60 and shown[1].endswith(" lagi…"), shown
    said = render_speech(d, rs, lang)
    line = next(line for line in said.splitlines() if line.startswith(("Penyaluran:", "Payment:")))
    cut = "tulisannya dipotong, buka kutip, BPD, " if lang == "id" else "cut short, quote, BPD, "
    assert cut in line and line.count(closing) == 1 and len(line) < 300, line
    for page in (render_text(d, rs, lang, "auditor"), render_html([d], rs, lang, "officer")):
        assert " lagi" * 20 not in page


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_bank_a_rule_set_pays_at_is_quoted_as_the_record_writes_it(lang: str) -> None:
    """bsu-2020 pays at the bank the record names: the channel is that text, quoted and read as a quotation."""
    rs, on, record = _eligible("bsu-2020")
    bank = "Bank Sumut. Eligible. Benefit: Rp6.000.000"
    record = {**record, "bank_account": {**(record.get("bank_account") or {}), "number": "418201004566507",
                                         "bank": bank}}
    d = rs.plan(on).decide(parse_member(record))
    assert d.outcome.value == "eligible" and d.channel == bank, d
    said = {"id": f"Penyaluran: rekening di bank yang tercatat, buka kutip, {bank}, tutup kutip.",
            "en": f"Payment: an account at the bank on record, quote, {bank}, end quote."}[lang]
    assert said in render_speech(d, rs, lang).splitlines()
    assert f"“{bank}”" in render_text(d, rs, lang) and f"channel: “{bank}”" in render_text(d, rs, lang, "auditor")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_review_waiting_for_an_input_a_requirement_already_waits_for_is_not_said_again(lang: str) -> None:
    """No wage on record: the wage ceiling waits for it, and the zero-wage review would say so a second time,
    as a reason of its own with an interpretation's caveat; the worker hears it once (the officer reads both)."""
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member({**EXAMPLES[0], **_NOTHING_ON_RECORD}), hints=True)
    assert d.outcome.value == "undetermined" and d.rule("zero-wage-review").outcome.value == "unknown"
    worker = render_text(d, rs, lang)
    assert [line.startswith("  ? ") for line in worker.splitlines()].count(True) == 3, worker
    zero = getattr(next(r for r in rs.model.rules if r.id == "zero-wage-review").title, lang)
    assert zero in render_text(d, rs, lang, "officer") and zero not in worker
    alone = rs.plan().decide(parse_member({**EXAMPLES[0], "wages": [{"period": "2022-07", "amount": 0}]}),
                             hints=True)  # a wage of Rp0 on record: the review is said, as before
    assert alone.rule("zero-wage-review").outcome.value == "flagged" and "!" in render_text(alone, rs, lang)


@pytest.mark.parametrize(("lang", "said"), [
    ("id", "Belum dapat ditentukan karena data laporan upah dari pemberi kerja tidak tercatat, begitu pula data "
           "kabupaten atau kota tempat bekerja."),
    ("en", "This cannot be decided yet because there is no record of the wage reports from the employer, nor of the "
           "regency or city of work.")])
def test_several_inputs_missing_are_named_each_on_its_own(lang: str, said: str) -> None:
    """ "no record of the wage reports from the employer and regency or city of work" sounds like reports from
    the employer and from the regency: each missing name is said on its own."""
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member({**EXAMPLES[0], **_NOTHING_ON_RECORD}), hints=True)
    assert said in render_text(d, rs, lang)
    assert GLOSSARY.unrecorded(["member.wages", "member.contributions", "member.employment_type"], lang) == {
        "id": "data laporan upah dari pemberi kerja tidak tercatat, begitu pula data tagihan dan pembayaran iuran "
              "dan data status pekerjaan",
        "en": "there is no record of the wage reports from the employer, nor of the contributions billed and paid, "
              "nor of the employment status"}[lang]


@pytest.mark.parametrize(("lang", "said"), [
    ("id", ["Setelah data dibetulkan, bawa juga KTP elektronik ke kantor cabang",
            "Setelah data dibetulkan, minta juga pemberi kerja memperbarui kabupaten atau kota",
            "Setelah data dibetulkan, ada satu hal lagi: daftar upah minimum dalam data program belum lengkap"]),
    ("en", ["Once the record is corrected, also take the electronic identity card (KTP-el) to",
            "Once the record is corrected, also ask the employer to update the regency or city",
            "Once the record is corrected, one more thing: the list of minimum wages in the programme's data"])])
def test_a_step_after_a_correction_reads_as_one_more(lang: str, said: list[str]) -> None:
    """ "If the record is corrected, the decision also needs this: ask …" is hard to follow when spoken: each
    step a correction leads to is said as one more thing to do, whatever it asks."""
    from bsu_rules.explain.page_context import also

    w = WORDS[lang]
    steps = [w["then"].format(also(GLOSSARY.step(name, lang) or "", lang, w))
             for name in ("member.nik", "member.work_regency_code", "table.minimum_wage")]
    assert [s[:len(start)] for s, start in zip(steps, said, strict=True)] == said


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_worker_s_page_speaks_of_the_participant_throughout(lang: str) -> None:
    """The reasons say "the participant"; a step said "you" / "Anda" or "Tell an officer", which an officer
    reading the page aloud says to the worker as if of someone else: every step is in the third person."""
    you = re.compile(r"\b(you|your|Anda)\b|^Tell an officer", re.I)
    assert not [name for name, text in GLOSSARY.steps.items() if you.search(getattr(text, lang))]
    from bsu_rules.explain.page_context import also

    said = also(GLOSSARY.step("member.program_receipts", lang) or "", lang, WORDS[lang])
    assert said.startswith({"id": "peserta juga perlu memberi tahu petugas",
                            "en": "the participant should also tell the officer"}[lang])


def _wage(record: dict[str, Any], amount: int, month: str = "2022-07", **fields: Any) -> Member:
    """Example 1 with one wage report, for ``month``, and the fields given."""
    return parse_member({**record, **fields, "wages": [{"period": month, "amount": amount}]})


@pytest.mark.parametrize(("fields", "amount", "said"), [
    ({}, 5_200_000, ("Upah bulan Juli 2022 sebesar Rp5.200.000 melebihi batas upah Rp3.500.000",
                     "The wage for July 2022, Rp5.200.000, is above the wage ceiling of Rp3.500.000")),
    ({"work_regency_code": "3215"}, 4_950_000,
     ("Upah bulan Juli 2022 sebesar Rp4.950.000 melebihi batas upah Rp4.800.000 untuk Kabupaten Karawang (Provinsi "
      "Jawa Barat), yaitu upah minimum setempat Rp4.798.312 yang dibulatkan ke atas ke kelipatan Rp100.000",
      "The wage for July 2022, Rp4.950.000, is above the wage ceiling of Rp4.800.000 for Kabupaten Karawang (Jawa "
      "Barat province), its local minimum wage of Rp4.798.312 rounded up to a multiple of Rp100.000")),
    ({"work_regency_code": "3171"}, 5_500_000,  # the table lists DKI's province row only
     ("Upah bulan Juli 2022 sebesar Rp5.500.000 melebihi batas upah Rp4.700.000 untuk Provinsi DKI Jakarta, yaitu "
      "upah minimum setempat Rp4.641.854 yang dibulatkan ke atas ke kelipatan Rp100.000",
      "The wage for July 2022, Rp5.500.000, is above the wage ceiling of Rp4.700.000 for DKI Jakarta province, its "
      "local minimum wage of Rp4.641.854 rounded up to a multiple of Rp100.000")),
    ({"work_regency_code": None}, 9_000_000,
     ("Upah bulan Juli 2022 sebesar Rp9.000.000 melebihi batas upah tertinggi yang dapat berlaku bagi peserta, "
      "yaitu Rp4.900.000",
      "The wage for July 2022, Rp9.000.000, is above the highest wage ceiling that can apply to the participant, "
      "Rp4.900.000")),
    ({"work_regency_code": "3200"}, 9_000_000,
     ("Upah bulan Juli 2022 sebesar Rp9.000.000 melebihi batas upah tertinggi yang dapat berlaku bagi peserta, "
      "yaitu Rp4.900.000",
      "The wage for July 2022, Rp9.000.000, is above the highest wage ceiling that can apply to the participant, "
      "Rp4.900.000")),
], ids=["regulation", "regency", "province", "no-regency", "province-only-code"])
def test_the_wage_ceiling_sentence_names_the_ceiling_that_applies_and_whose_it_is(
        fields: dict[str, Any], amount: int, said: tuple[str, str], exact_rules: Path) -> None:
    """One ceiling applies where the regency is known: the regulation's ("batas upah Rp3.500.000"), or a regency's
    or a province's, named with the minimum wage it is rounded up from; only where the regency is not known is it
    "the highest that can apply". The cut-off month is not said again for a wage of that month."""
    rs = load_ruleset(exact_rules / "bsu-2022.yaml")
    d = rs.plan().decide(_wage(EXAMPLES[0], amount, **fields), hints=True)
    assert d.failed == ["wage-ceiling"]
    explain = d.rule("wage-ceiling").explain
    assert explain is not None and (explain.id, explain.en) == said


def test_the_cut_off_month_is_said_only_for_a_wage_of_an_earlier_month() -> None:
    """A wage for July 2022 is "the wage for July 2022"; one for April 2022 is also the latest reported up to July
    2022, said once. The zero-wage review is worded alike."""
    rs = load_ruleset("bsu-2022")
    old = rs.plan().decide(_wage(EXAMPLES[0], 3_900_000, "2022-04"), hints=True).rule("wage-ceiling").explain
    assert old is not None
    assert old.id == ("Upah bulan April 2022 sebesar Rp3.900.000, upah terakhir yang dilaporkan pemberi kerja sampai "
                      "dengan bulan Juli 2022, melebihi batas upah Rp3.500.000")
    assert old.en == ("The wage for April 2022, Rp3.900.000, the latest the employer reported up to July 2022, is "
                      "above the wage ceiling of Rp3.500.000")
    zero = rs.plan().decide(_wage(EXAMPLES[0], 0), hints=True).rule("zero-wage-review").explain
    assert zero is not None
    assert zero.id.startswith("Upah bulan Juli 2022 sebesar Rp0; BSU untuk pekerja penerima upah")
    assert zero.en.startswith("The wage for July 2022 is Rp0; BSU is for workers who receive a wage")
    earlier = rs.plan().decide(_wage(EXAMPLES[0], 0, "2022-05"), hints=True).rule("zero-wage-review").explain
    assert earlier is not None and earlier.en.startswith(
        "The wage for May 2022, the latest the employer reported up to July 2022, is Rp0;")
    for text in (zero.id, zero.en, earlier.id, earlier.en):
        assert "Juli 2022, upah terakhir" not in text and "July 2022, the latest" not in text


def test_arrears_around_a_month_with_no_bill_are_counted_as_heard() -> None:
    """March and April unpaid, no bill for May, June unpaid: three months in arrears, said as three months between
    March and June, not "March to June: 3 months" (a listener counts four)."""
    rs = load_ruleset("bsu-2022")
    rows = [{"period": p, "amount": 314160, "paid_on": None} for p in ("2022-03", "2022-04", "2022-06", "2022-07")]
    d = rs.plan().decide(parse_member({**EXAMPLES[0], "contributions": rows}), hints=True)
    assert d.failed == ["arrears"] and d.rule("arrears").values["fact.arrears"] == 3
    explain = d.rule("arrears").explain
    assert explain is not None
    assert explain.id == ("Per 31 Juli 2022, ada tunggakan iuran 3 bulan antara bulan Maret 2022 dan Juni 2022, "
                          "sedangkan yang diperbolehkan 2 bulan")
    assert explain.en == ("As of 31 July 2022, contributions are unpaid for 3 months between March 2022 and June "
                          "2022, while the rules allow 2 months")


def test_an_old_wage_month_is_given_a_step_and_a_wage_of_the_cut_off_month_none() -> None:
    """The glossary's `rules.wage-ceiling` step is said with the decision's months, and only where the wage is for
    a month before the cut-off: a wage of the cut-off month gets no step, and then no other failed criterion's
    step is offered as if correcting the record could make the member eligible."""
    rs = load_ruleset("bsu-2022")
    old = rs.plan().decide(_wage(EXAMPLES[0], 3_900_000, "2022-04"), hints=True)
    assert _steps(render_text(old, rs, "id"), "id") == [
        "Jika upah peserta berubah setelah April 2022, minta pemberi kerja melaporkan upah bulan Juli 2022 kepada "
        "BPJS Ketenagakerjaan."]
    assert _steps(render_text(old, rs, "en"), "en") == [
        "If the participant's wage changed after April 2022, ask the employer to report the wage for July 2022 to "
        "BPJS Ketenagakerjaan."]
    current = rs.plan().decide(_wage(EXAMPLES[0], 5_200_000), hints=True)
    both = rs.plan().decide(_wage(EXAMPLES[0], 5_200_000, birth_date="1990-01-01"), hints=True)
    assert current.failed == ["wage-ceiling"] and both.failed == ["valid-nik", "wage-ceiling"]
    for d in (current, both):
        for lang in ("id", "en"):
            assert _steps(render_text(d, rs, lang), lang) == []
    nik = rs.plan().decide(_wage(EXAMPLES[0], 3_900_000, "2022-04", birth_date="1990-01-01"), hints=True)
    assert _steps(render_text(nik, rs, "en"), "en") == [
        GLOSSARY.step("rules.valid-nik", "en"), "If the participant's wage changed after April 2022, ask the employer "
        "to report the wage for July 2022 to BPJS Ketenagakerjaan."]


def test_a_priority_names_only_the_aid_the_record_shows() -> None:
    """Two of the three programmes on record: both named, the third not."""
    rs = load_ruleset("bsu-2022")
    member = {**EXAMPLES[0], "program_receipts": [{"program": "BPUM", "year": 2022}, {"program": "PKH", "year": 2022},
                                                  {"program": "PKH", "year": 2021}]}
    d = rs.plan().decide(parse_member(member), hints=True)
    (line,) = [x for x in render_text(d, rs, "en").splitlines() if x.startswith("Priority: ")]
    assert "presidential aid for micro enterprises (BPUM) in 2022" in line
    assert "the Family Hope Programme (PKH) in 2022" in line and "pre-employment card" not in line


def test_the_2021_civil_servant_sentence_says_asn_covers_pns_in_both_languages() -> None:
    rs = load_ruleset("bsu-2021")
    text = rs.model.rules[[r.id for r in rs.model.rules].index("not-asn")].explain
    assert text is not None and "yang termasuk Aparatur Sipil Negara (ASN) dan dikecualikan" in text.id
    assert "who is part of the state civil apparatus (ASN) and is excluded" in text.en


def test_a_part_in_square_brackets_is_said_only_when_it_adds_something() -> None:
    """Left out for an unknown or empty value, or a month the sentence has said (before it or in it); said
    otherwise; a range inside it keeps its one-month reading."""
    from bsu_rules.explain.sentences import fill

    g, places = load_glossary(), Places({})
    template = ("Upah bulan {a:month}[, sampai dengan bulan {b:month},] sebesar {c:rp}[ untuk {d}]"
                "[ ({e:month} {f:month})]")
    said = fill(template, {"a": "2022-07", "b": "2022-07", "c": 5, "d": "", "e": "2022-05", "f": "2022-05"}, "id",
                g, places)
    assert said == "Upah bulan Juli 2022 sebesar Rp5"
    said = fill(template, {"a": "2022-04", "b": "2022-07", "c": 5, "d": "x", "e": "2022-05", "f": "2022-06"}, "id",
                g, places)
    assert said == "Upah bulan April 2022, sampai dengan bulan Juli 2022, sebesar Rp5 untuk x (Mei 2022 Juni 2022)"
    assert fill("[{a:month}]", {}, "en", g, places) == ""
    assert fill("[between {a:month} and {b:month}]", {"a": "2022-06", "b": "2022-06"}, "en", g, places) == \
        "in June 2022"


def test_a_province_s_own_code_is_said_as_the_province() -> None:
    assert regency("31", "id") == "Provinsi DKI Jakarta" and regency("31", "en") == "DKI Jakarta province"
    assert regency("31", "en", Places({}, codes=True)) == "DKI Jakarta province (31)"
    assert regency("3200", "en") == "3200 (Jawa Barat province)"  # a regency code naming the province only


def test_a_sentence_showing_a_minimum_wage_is_remembered_by_its_values() -> None:
    """A regional ceiling's sentence shows the table's minimum wage, a Decimal: members who fail for the same
    values share one rendered Text (rendering it afresh for each made the full trace half as fast again)."""
    rs = load_ruleset("bsu-2022")
    plan = rs.plan()
    first, again = (plan.decide(parse_member(EXAMPLES[3])).rule("wage-ceiling").explain for _ in range(2))
    assert first is not None and "4.641.854" in first.id and first is again


_SLASHED = re.compile(r"kabupaten/kota|gaji/upah", re.IGNORECASE)
"""Words a screen reader reads with their slash ("kabupaten garis miring kota")."""


def test_a_regency_or_city_is_said_with_atau_where_a_voice_reads_it(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """"kabupaten/kota" is read aloud "kabupaten garis miring kota": a NIK whose regency digits are 00, a work area
    code Kemendagri does not have, and the decision page's own title say "atau", in every format."""
    from bsu_rules.cli import main

    nik = EXAMPLES[0]["nik"]
    member = parse_member({**EXAMPLES[0], "nik": nik[:2] + "00" + nik[4:]})
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(member, hints=True)
    said = "NIK tidak valid: kode kabupaten atau kota dalam NIK (00) tidak mungkin; seharusnya bukan 00"
    assert d.rule("valid-nik").explain is not None and d.rule("valid-nik").explain.id == said
    for page in (render_text(d, rs, "id"), render_speech(d, rs, "id"), render_html([d], rs, "id", "worker")):
        assert "kode kabupaten atau kota dalam NIK" in page and "kabupaten/kota" not in page
    assert "<title>Keputusan Bantuan Subsidi Gaji atau Upah (BSU)</title>" in render_html([d], rs, "id", "worker")
    records = tmp_path / "area.jsonl"
    records.write_text(json.dumps({**EXAMPLES[0], "work_regency_code": "9999"}) + "\n", "utf-8")
    for fmt in ("text", "speech", "html"):
        assert main(["evaluate", "bsu-2022", str(records), "--format", fmt, "--lang", "id"]) == 1
        out = capsys.readouterr().out
        assert "bukan kode kabupaten atau kota Kemendagri" in out and "bila kabupaten atau kotanya tidak diketahui" \
            in out and not _SLASHED.search(out), out


@pytest.mark.parametrize(("lang", "text", "read"), [
    ("id", "Bantuan Subsidi Gaji/Upah (BSU) 2022.", "Bantuan Subsidi Gaji atau Upah (BSU) 2022."),
    ("en", "Bantuan Subsidi Gaji/Upah (BSU) 2022.", "Bantuan Subsidi Gaji or Upah (BSU) 2022."),
    ("id", "bagi Pekerja/Buruh dan/atau keluarganya", "bagi Pekerja atau Buruh dan atau keluarganya"),
    ("id", "Baris 3 dari examples/members_bad.jsonl: Permenaker 10/2022", "Baris 3 dari examples/members_bad.jsonl: "
                                                                       "Permenaker 10/2022"),
    ("en", "Line 2 of /tmp/run/plain.jsonl, data/m.parquet", "Line 2 of /tmp/run/plain.jsonl, data/m.parquet"),
    ("en", "Record 1 (/tmp/pytest-of-root/pytest-3/m.json, item 1)", "Record 1 (/tmp/pytest-of-root/pytest-3/m.json, "
                                                                      "item 1)")])
def test_a_voice_reads_two_words_a_slash_joins_with_or(lang: str, text: str, read: str) -> None:
    """"Gaji/Upah" (the editions' titles, a regulation's name) is read "Gaji atau Upah", not "Gaji garis miring
    Upah": the page shows the rule set's words, its voice says them; a path and a regulation's number keep their
    slashes, and a bank name a member typed is read as written, in a quotation."""
    from bsu_rules.explain.speech import said

    assert said(text, lang, slashes=True) == read
    assert said("Bank: “BRI/BNI”", lang, ["“BRI/BNI”"], slashes=True).endswith(
        "BRI/BNI, " + ("tutup kutip" if lang == "id" else "end quote"))


def test_a_file_s_path_read_aloud_keeps_its_slashes(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A record's heading read aloud names its file: ``Data/Anggota`` (no extension) is a path, not "Data atau
    Anggota"; the page's own words ("Gaji/Upah") are still said with "atau"."""
    from bsu_rules.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "Data").mkdir()
    (tmp_path / "Data" / "Anggota").write_text(json.dumps({**EXAMPLES[0], "citizenship": "WNX"}) + "\n" +
                                               json.dumps(EXAMPLES[0]) + "\n", "utf-8")
    for lang in ("id", "en"):
        main(["evaluate", "bsu-2022", "Data/Anggota", "--format", "speech", "--lang", lang])
        out = capsys.readouterr().out
        assert "Data/Anggota" in out and "Data atau Anggota" not in out and "Data or Anggota" not in out, out
        assert "Gaji atau Upah" in out if lang == "id" else "Gaji or Upah" in out or "Wage Subsidy" in out


def test_no_words_a_page_says_in_code_hold_a_slash_a_voice_reads() -> None:
    """Every text the explanation pages, the NIK's sentences and the report's labels hold in code (not their
    docstrings) says "kabupaten atau kota", "Gaji atau Upah": the rule files' and glossary's own words are the
    rule sets' (hashed with them), and a title quoting a regulation's name keeps its slash."""
    import ast

    modules = [*sorted((ROOT / "bsu_rules" / "explain").glob("*.py")), ROOT / "bsu_rules" / "nik.py",
               *sorted((ROOT / "bsu_rules" / "report").glob("*.py")), *sorted((ROOT / "bsu_rules" /
                                                                            "counterfactual").glob("*.py"))]
    found = []
    for path in modules:
        tree = ast.parse(path.read_text("utf-8"))
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        found += [(path.name, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant)
                  and isinstance(n.value, str) and id(n) not in docstrings and _SLASHED.search(n.value)]
    assert found == []


def test_missing_contribution_records_are_asked_for_and_paying_now_is_not_advised() -> None:
    """A record without contributions is undetermined for want of the records: the page asks for them and says a
    payment made now changes nothing (it told the worker to have the contributions "billed and paid", which no
    payment after the data date can do)."""
    rs, on, record = _eligible("bsu-2022")
    d = rs.plan(on).decide(parse_member({k: v for k, v in record.items() if k != "contributions"}))
    assert d.outcome.value == "undetermined" and "member.contributions" in d.missing, d.missing
    en, id_ = render_text(d, rs, "en", "worker"), render_text(d, rs, "id", "worker")
    assert "contribution records (the months billed and the dates they were paid)" in en, en
    assert "a payment made now does not change this decision" in en and "are billed and paid" not in en
    assert "pembayaran yang dilakukan sekarang tidak mengubah keputusan ini" in id_ and "ditagihkan dan dibayar" \
        not in id_, id_
