"""Explanations as people read them: every audience, both languages, every rule-author case.

A worker or an officer never reads an internal name (``member.wages``, ``fact.wage``, a rule id, a
legal-basis key, a raw code such as ``state_enterprise`` or ``POS``), a year with a thousands
separator ("2.022"), or a glossary word left in the other language. The reviewer's cases are
snapshots below, written out so that a native speaker can read what a worker is told.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from bsu_rules.decisions import Decision
from bsu_rules.explain import AUDIENCES, Renderer, render_html, render_text
from bsu_rules.glossary import Glossary, load_glossary, missing_entries
from bsu_rules.members import parse_member
from bsu_rules.ruleset.loader import bundled_rules, check_file, load_ruleset
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.testing.cases import RuleSets, load_file

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
        ("arrears", f"`fact.arrears` has no entry under `names` in {where}" + add.format("fact.arrears")),
        (None, f"legal-basis key `bpjs-tk` has no entry under `legal_basis` in {where}" + add.format("bpjs-tk")),
        (None, f"payment channel `POS` has no entry under `channels` in {where}" + add.format("POS")),
        ("no-other-aid", f"value `PKH` has no entry under `values` in {where}: add `PKH: {{id: …, en: …}}` there, "
         "below the field it is compared with"),
    }
    assert load_glossary() is not load_glossary((rules / "glossary" / "glossary.yaml").resolve())


def test_years_are_never_grouped() -> None:
    from bsu_rules.formatting import format_year

    assert (format_year(2022, "id"), format_year(2022, "en")) == ("2022", "2022")
    teacher = {**EXAMPLES[0], "program_receipts": [{"program": "BSU_TEACHER", "year": 2022}]}
    d = load_ruleset("bsu-2022").plan().decide(parse_member(teacher), hints=True)
    explain = d.rule("no-teacher-subsidy").explain
    assert explain is not None and explain.id.endswith("pada tahun 2022") and explain.en.endswith("in 2022")


# --- the reviewer's cases, as a worker is told them -------------------------------------------------

def _worker(n: int, lang: str) -> str:
    rs = load_ruleset("bsu-2022")
    return render_text(rs.plan().decide(parse_member(EXAMPLES[n - 1]), hints=True), rs, lang)


DECEASED_ID = """\
Bantuan Subsidi Gaji/Upah 2022 · Peserta dengan NIK 3671********0006
TIDAK MEMENUHI SYARAT sebagai penerima BSU
Tanggal keputusan: 5 September 2022
Data per: 31 Juli 2022
Alasan:
  ✗ Peserta tercatat meninggal dunia pada 20 Juni 2022; BSU tidak disalurkan kepada peserta yang telah meninggal dunia.
  ✗ Tidak ada tagihan iuran untuk bulan Juli 2022, sehingga kepesertaan aktif pada bulan itu tidak terbukti. [1]
Keterangan: ✗ syarat tidak terpenuhi
Dasar hukum:
  [1] Pasal 3 ayat (2) huruf b Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022."""

DECEASED_EN = """\
Wage Subsidy 2022 · Participant with NIK 3671********0006
NOT ELIGIBLE to receive BSU
Decision date: 5 September 2022
Data as of: 31 July 2022
Reasons:
  ✗ The participant is recorded as having died on 20 June 2022; BSU is not paid to a participant who has died.
  ✗ No contribution is billed for July 2022, so active membership in that month is not shown. [1]
Key: ✗ requirement not met
Legal basis:
  [1] Article 3(2)(b) of Regulation of the Minister of Manpower Number 10 of 2022."""

BPU_ID = """\
Bantuan Subsidi Gaji/Upah 2022 · Peserta dengan NIK 3404********0003
TIDAK MEMENUHI SYARAT sebagai penerima BSU
Tanggal keputusan: 5 September 2022
Data per: 31 Juli 2022
Alasan:
  ✗ Peserta terdaftar sebagai Bukan Penerima Upah (BPU), sedangkan BSU hanya untuk peserta Penerima Upah (PU). [1]
Keterangan: ✗ syarat tidak terpenuhi
Dasar hukum:
  [1] Pasal 3 ayat (2) Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022."""

PNS_ID = """\
Bantuan Subsidi Gaji/Upah 2022 · Peserta dengan NIK 3273********0005
TIDAK MEMENUHI SYARAT sebagai penerima BSU
Tanggal keputusan: 5 September 2022
Data per: 31 Juli 2022
Alasan:
  ✗ Peserta tercatat berstatus Pegawai Negeri Sipil (PNS), yang dikecualikan dari penerima BSU. [1]
Keterangan: ✗ syarat tidak terpenuhi
Dasar hukum:
  [1] Pasal 3 ayat (2) huruf d Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022."""

PPPK_ID = """\
Bantuan Subsidi Gaji/Upah 2022 · Peserta dengan NIK 3276********0002
MEMENUHI SYARAT sebagai penerima BSU — perlu diperiksa petugas sebelum bantuan disalurkan
Tanggal keputusan: 5 September 2022
Data per: 31 Juli 2022
Bantuan: Rp600.000, dibayarkan sekaligus [1]
Penyaluran: rekening Bank Tabungan Negara (BTN)
Perlu diperiksa:
  ! Peserta tercatat sebagai Pegawai Pemerintah dengan Perjanjian Kerja (PPPK); Pasal 3 ayat (2) huruf d hanya \
mengecualikan PNS, sehingga status ini perlu diperiksa petugas.
Keterangan: ! perlu diperiksa petugas
Dasar hukum:
  [1] Pasal 6 ayat (1) Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022."""

ARREARS_ID = """\
Bantuan Subsidi Gaji/Upah 2022 · Peserta dengan NIK 3515********0004
TIDAK MEMENUHI SYARAT sebagai penerima BSU
Tanggal keputusan: 5 September 2022
Data per: 31 Juli 2022
Alasan:
  ✗ Per 31 Juli 2022, iuran tertunggak 3 bulan berturut-turut, lebih dari batas 2 bulan. [1]
      Peserta akan memenuhi syarat seandainya iuran bulan Juni 2022 telah dibayar paling lambat 31 Juli 2022.
Keterangan: ✗ syarat tidak terpenuhi
Dasar hukum:
  [1] Ketentuan kepesertaan BPJS Ketenagakerjaan."""

REGIONAL_CEILING_ID = """\
Bantuan Subsidi Gaji/Upah 2022 · Peserta dengan NIK 3171********0001
TIDAK MEMENUHI SYARAT sebagai penerima BSU
Tanggal keputusan: 5 September 2022
Data per: 31 Juli 2022
Alasan:
  ✗ Upah terakhir yang dilaporkan pemberi kerja sampai dengan bulan Juli 2022 sebesar Rp4.950.000 melebihi batas \
upah Rp4.700.000 yang berlaku bagi peserta. [1]
      Peserta akan memenuhi syarat seandainya upah yang dilaporkan pemberi kerja untuk bulan Juli 2022 paling banyak \
Rp4.700.000 (yang tercatat: Rp4.950.000).
Keterangan: ✗ syarat tidak terpenuhi
Dasar hukum:
  [1] Pasal 3 ayat (2) huruf c dan Pasal 4 Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022."""

REGIONAL_CEILING_EN = """\
Wage Subsidy 2022 · Participant with NIK 3171********0001
NOT ELIGIBLE to receive BSU
Decision date: 5 September 2022
Data as of: 31 July 2022
Reasons:
  ✗ The latest wage the employer reported up to July 2022, Rp4.950.000, is above the wage ceiling of Rp4.700.000 \
that applies to the participant. [1]
      The participant would be eligible if the wage the employer reported for July 2022 had been at most Rp4.700.000 \
(on record: Rp4.950.000).
Key: ✗ requirement not met
Legal basis:
  [1] Article 3(2)(c) and Article 4 of Regulation of the Minister of Manpower Number 10 of 2022."""

MISSING_WAGE_ID = """\
Bantuan Subsidi Gaji/Upah 2022 · Peserta dengan NIK 3471********0001
BELUM DAPAT DITENTUKAN apakah memenuhi syarat sebagai penerima BSU
Tanggal keputusan: 5 September 2022
Data per: 31 Juli 2022
Alasan:
  ? Belum dapat ditentukan karena data laporan upah dari pemberi kerja tidak tercatat. [1]
Keterangan: ? belum dapat ditentukan
Dasar hukum:
  [1] Pasal 3 ayat (2) huruf c dan Pasal 4 Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022."""

MISSING_WAGE_EN = """\
Wage Subsidy 2022 · Participant with NIK 3471********0001
NOT YET DETERMINED whether eligible to receive BSU
Decision date: 5 September 2022
Data as of: 31 July 2022
Reasons:
  ? This cannot be decided yet because there is no record of the wage reports from the employer. [1]
Key: ? cannot be decided yet
Legal basis:
  [1] Article 3(2)(c) and Article 4 of Regulation of the Minister of Manpower Number 10 of 2022."""

PPKM_INCOMPLETE_ID = """\
Bantuan Subsidi Gaji/Upah 2021 · Peserta dengan NIK 3374********0007
BELUM DAPAT DITENTUKAN apakah memenuhi syarat sebagai penerima BSU
Tanggal keputusan: 10 Agustus 2021
Data per: 30 Juni 2021
Alasan:
  ? Belum dapat ditentukan karena daftar wilayah PPKM level 3 dan 4 dalam Lampiran I yang tersedia belum lengkap \
dan tidak memuat data peserta ini. [1]
Keterangan: ? belum dapat ditentukan
Dasar hukum:
  [1] Pasal 3 ayat (2) huruf d dan Lampiran I Peraturan Menteri Ketenagakerjaan Nomor 16 Tahun 2021."""


@pytest.mark.parametrize(("n", "lang", "expected"), [
    (11, "id", DECEASED_ID), (11, "en", DECEASED_EN), (9, "id", BPU_ID), (6, "id", PNS_ID), (8, "id", PPPK_ID),
    (13, "id", ARREARS_ID), (4, "id", REGIONAL_CEILING_ID), (4, "en", REGIONAL_CEILING_EN),
    (14, "id", MISSING_WAGE_ID), (14, "en", MISSING_WAGE_EN),
], ids=["deceased-id", "deceased-en", "bpu", "pns", "pppk-review", "arrears", "regional-ceiling-id",
        "regional-ceiling-en", "missing-wage-id", "missing-wage-en"])
def test_reviewer_cases_read_as_a_worker_is_told(n: int, lang: str, expected: str) -> None:
    assert _worker(n, lang) == expected


def test_ppkm_table_incomplete_reads_as_a_worker_is_told() -> None:
    (case,) = [c for c in load_file(ROOT / "rules" / "tests" / "bsu-2021.yaml", RuleSets()).cases
               if c.name.startswith("an area the partial PPKM table")]
    assert case.ruleset is not None and case.case is not None and case.member is not None
    decision = case.ruleset.plan(case.case.on).decide(case.member, hints=True)
    assert render_text(decision, case.ruleset, "id") == PPKM_INCOMPLETE_ID


def test_the_officer_reads_every_criterion_under_plain_labels() -> None:
    rs = load_ruleset("bsu-2022")
    d = rs.plan().decide(parse_member(EXAMPLES[7]), hints=True)  # PPPK: eligible, flagged
    text = render_text(d, rs, "id", "officer")
    marks = re.findall(r"^  (\S) ", text, flags=re.M)
    assert len(marks) == len(d.rules) and marks.count("!") == 1 and "✗" not in marks
    assert "  ! Status PPPK perlu diperiksa" in text and "Perlu diperiksa: Status PPPK perlu diperiksa" in text
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
     "dengan Peraturan Menteri Ketenagakerjaan Nomor 5 Tahun 2025"),
    ("pm-5-2025, Pasal 6 ayat (1) Permenaker 10/2022 sebagaimana diubah (Rp300.000 x 2 bulan)", "en",
     "Article 6(1) of Regulation of the Minister of Manpower Number 10 of 2022 as amended by Regulation of the "
     "Minister of Manpower Number 5 of 2025"),
    ("pm-16-2021, Pasal 3 ayat (2) huruf d; Lampiran I (dihapus oleh pm-21-2021 mulai 8 November 2021)", "en",
     "Article 3(2)(d) and Annex I of Regulation of the Minister of Manpower Number 16 of 2021"),
    ("pm-16-2021 (penyaluran melalui Bank Himbara)", "id", "Peraturan Menteri Ketenagakerjaan Nomor 16 Tahun 2021"),
    ("bpjs-tk", "id", "ketentuan kepesertaan BPJS Ketenagakerjaan"),
    ("a source that names no legal basis", "id", None),
    (None, "en", None),
])
def test_citations_name_the_regulation_in_full(source: str | None, lang: str, expected: str | None) -> None:
    from bsu_rules.explain.citations import cite

    assert cite(source, load_glossary(), lang) == expected


def test_an_html_page_with_a_malformed_record_stays_a_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bsu_rules.cli import main

    records = tmp_path / "m.jsonl"
    records.write_text(json.dumps(EXAMPLES[3]) + '\n{"nik": "12"}\n', "utf-8")
    assert main(["evaluate", "bsu-2022", str(records), "--format", "html", "--audience", "officer"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("<!DOCTYPE html>") and out.count("<section") == 1 and '"error"' not in out
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


def test_two_criteria_waiting_for_one_input_are_read_to_the_worker_once() -> None:
    import bsu_rules

    ruleset = bsu_rules.load_ruleset("bsu-2022")
    examples = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    record = json.loads(examples.read_text().split("\n")[0])
    decision = bsu_rules.evaluate(ruleset, record | {"employment_type": None})
    assert [r.id for r in decision.rules if r.outcome == "unknown"] == ["not-pns-tni-polri", "pppk-review"]
    for lang, said in (("id", "data status pekerjaan tidak tercatat"), ("en", "employment")):
        text = render_text(decision, ruleset, lang, "worker")
        assert text.count(said) == 1, text
