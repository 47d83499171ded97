"""Edition pages: generated from the checked rule set, deterministic, committed and kept fresh."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bsu_rules.cli import main
from bsu_rules.cli.doc import REFRESH
from bsu_rules.docgen import render
from bsu_rules.ruleset.loader import bundled_rules, load_ruleset

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = ROOT / "docs" / "editions"
EDITION_IDS = sorted(p.stem for p in bundled_rules().glob("*.yaml"))


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("edition", EDITION_IDS)
def test_committed_page_is_fresh(edition: str, lang: str) -> None:
    path = EDITIONS / f"{edition}.{lang}.md"
    committed = path.read_bytes().decode("utf-8") if path.exists() else None
    expected = render(load_ruleset(edition), lang, "md")
    assert committed == expected, f"{path.relative_to(ROOT)} is stale or missing; refresh with: {REFRESH}"


def test_no_page_without_a_rule_file() -> None:
    pages = {f"{e}.{lang}.md" for e in EDITION_IDS for lang in ("id", "en")}
    orphans = sorted(p.name for p in EDITIONS.glob("*.md") if p.name not in pages)
    assert orphans == [], f"pages of rule files that no longer exist: {orphans}; delete them"


def test_markdown_is_deterministic_and_complete() -> None:
    rs = load_ruleset("bsu-2022")
    text = render(rs, "en", "md")
    assert text == render(load_ruleset("bsu-2022"), "en", "md")
    for expected in ("# Wage Subsidy (BSU) 2022 (bsu-2022 2022.9)", "In force: from 5 September 2022", "31 July 2022",
                     "| `wage-ceiling` | required |", "Rp3.500.000", "`pm-10-2022`", "| 2 months |",
                     rs.sha256, "`tables/minimum-wage-2022.csv`", "Rp600.000"):
        assert expected in text, expected
    table = load_ruleset("bsu-2022").tables["minimum_wage"]
    assert f"| {table.rows} | yes | `{table.sha256[:12]}` |" in text


def test_one_month_is_one_month_on_an_edition_page() -> None:
    """A limit or a benefit of one month read "1 months" on the English page."""
    from bsu_rules.ruleset.overrides import reform_of

    rs = reform_of(load_ruleset("bsu-2022"), ["max_arrears_months=1", "benefit.monthly=600000", "benefit.months=1"],
                   [])
    text = render(rs, "en", "md")
    assert "| 1 month |" in text and "Per month: Rp600.000 × 1 month" in text and "1 months" not in text
    assert "Per bulan: Rp600.000 × 1 bulan" in render(rs, "id", "md")


def test_indonesian_page_uses_indonesian_words() -> None:
    text = render(load_ruleset("bsu-2022"), "id", "md")
    assert "## Kriteria" in text and "sejak 5 September 2022" in text and "| wajib |" in text
    assert "Juli 2022" in text


def test_html_escapes_everything(tmp_path: Path) -> None:
    source = (ROOT / "tests" / "fixtures" / "lint" / "clean.yaml").read_text("utf-8")
    source = source.replace("title: {id: Contoh, en: Example}", 'title: {id: "<b>A & B</b>", en: "<script>x</script>"}')
    source = source.replace("fact.wage <= param.wage_ceiling", "fact.wage <= param.wage_ceiling and 1 < 2")
    path = tmp_path / "escape.yaml"
    path.write_text(source, "utf-8")
    page = render(load_ruleset(path), "en", "html")
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "1 &lt; 2" in page
    assert "&lt;b&gt;A &amp; B&lt;/b&gt;" in render(load_ruleset(path), "id", "md")  # shown as written by any reader
    linked = path.read_text("utf-8").replace("<script>x</script>", "[a](javascript:alert(1))")
    path.write_text(linked, "utf-8")
    assert "\\[a\\](javascript:alert(1))" in render(load_ruleset(path), "en", "md")  # text, never a live link


def test_an_invisible_character_is_written_out_on_the_page(tmp_path: Path) -> None:
    """A format character (U+2060, shown as nothing) in a rule file's text is shown as its escape, as
    evaluate's pages show it: a page never holds a run of digits that reads as one although it is not."""
    source = (ROOT / "tests" / "fixtures" / "lint" / "clean.yaml").read_text("utf-8")
    source = source.replace("title: {id: Contoh, en: Example}", 'title: {id: "Con\\u2060toh", en: "Exam\\ufeffple"}')
    path = tmp_path / "invisible.yaml"
    path.write_text(source, "utf-8")
    for lang, fmt, shown in (("en", "html", "Exam\\ufeffple"), ("id", "md", "Con\\\\u2060toh")):
        page = render(load_ruleset(path), lang, fmt)
        assert "\u2060" not in page and "\ufeff" not in page and shown in page, page[:300]


def test_cli_prints_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doc", "bsu-2022", "--lang", "en"]) == 0
    assert capsys.readouterr().out == render(load_ruleset("bsu-2022"), "en", "md")
    out = tmp_path / "pages"
    assert main(["doc", "--all", "--out", str(out), "--lang", "en"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [f"{e}.en.md" for e in EDITION_IDS]
    assert main(["doc", "--all", "--out", str(out), "--lang", "en", "--check"]) == 0
    (out / "bsu-2022.en.md").write_text("old\n", "utf-8")
    capsys.readouterr()
    assert main(["doc", "--all", "--out", str(out), "--lang", "en", "--check"]) == 1
    err = capsys.readouterr().err
    assert "stale:" in err and REFRESH in err


@pytest.mark.parametrize("lang", ["id", "en"])
def test_interpretations_page_is_fresh_and_lists_every_reading(lang: str) -> None:
    from bsu_rules.cli.doc import REFRESH_INTERPRETATIONS
    from bsu_rules.interpretations import interpretation_pages

    page = interpretation_pages((lang,))[f"interpretations.{lang}.md"]
    path = ROOT / "docs" / f"interpretations.{lang}.md"
    committed = path.read_bytes().decode("utf-8") if path.exists() else None
    assert committed == page, f"{path.relative_to(ROOT)} is stale or missing; refresh with: {REFRESH_INTERPRETATIONS}"
    for edition in EDITION_IDS:
        rs = load_ruleset(edition)
        for rule in rs.model.rules:
            listed = re.search(rf"\| `{edition}` \| \w+ `{rule.id}` \|", page) is not None
            assert listed is (rule.basis.value != "regulation"), (edition, rule.id)
    assert "`contribution_due_day`" in page and "`ppkm_areas`" in page


def test_all_documents_the_edited_rule_files_and_names_them(rules_copy: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """`doc --all FOLDER` documents the rule files being edited, and without FOLDER those of ./rules,
    not the installed copies; every file read is named with its sha256 on standard error."""
    edition = rules_copy / "bsu-2022.yaml"
    edition.write_text(edition.read_text("utf-8").replace("    value: 3500000\n", "    value: 4000000\n", 1), "utf-8")
    edited = load_ruleset(edition)
    out = tmp_path / "pages"
    assert main(["doc", "--all", str(rules_copy), "--out", str(out), "--lang", "en"]) == 0
    assert (out / "bsu-2022.en.md").read_text("utf-8") == render(edited, "en", "md")
    assert f"bsu-rules: rule set bsu-2022 2022.9: {edition} sha256 {edited.sha256}" in capsys.readouterr().err
    monkeypatch.chdir(rules_copy.parent)
    assert main(["doc", "--all", "--out", str(out), "--lang", "en", "--check"]) == 0
    assert f"rules/bsu-2022.yaml sha256 {edited.sha256}" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["doc", "--all", str(tmp_path), "--out", str(out)])
    assert "no rule files" in capsys.readouterr().err


def test_all_never_writes_through_a_link_among_the_pages(rules_copy: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A page committed as a symbolic link (to ~/.bashrc, to a FIFO) is refused, named, and left as it is."""
    victim = tmp_path / "victim.txt"
    victim.write_text("VICTIM", "utf-8")
    out = tmp_path / "pages"
    out.mkdir()
    (out / "bsu-2022.id.md").symlink_to(victim)
    for check in ([], ["--check"]):
        assert main(["doc", "--all", str(rules_copy), "--out", str(out), *check]) == 2
        assert "bsu-2022.id.md is a symbolic link or not a regular file" in capsys.readouterr().err
    assert victim.read_text("utf-8") == "VICTIM"


def test_all_refuses_an_output_folder_that_is_a_link(rules_copy: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "pages").symlink_to(elsewhere, target_is_directory=True)
    assert main(["doc", "--all", str(rules_copy), "--out", str(tmp_path / "pages")]) == 2
    assert "is a symbolic link: give the folder itself" in capsys.readouterr().err and not any(elsewhere.iterdir())


def test_an_english_page_glosses_the_indonesian_article_words_once() -> None:
    rs = load_ruleset("bsu-2022")
    english, indonesian = render(rs, "en"), render(rs, "id")
    assert english.count("Pasal is article, ayat paragraph, huruf point") == 1
    assert "Pasal is article" not in indonesian


def test_the_2025_page_gives_the_cut_off_month_as_confirmed_and_the_article_numbers_as_not() -> None:
    """Several sources confirm April 2025 as the cut-off month (a few say March or May); what is not confirmed in
    2025 is the article numbers and the date in force. The page says each as the sources do."""
    rs = load_ruleset("bsu-2025")
    english, indonesian = render(rs, "en"), render(rs, "id")
    assert "The cut-off month April 2025 is confirmed by several sources; a few sources say March or May." in english
    assert "Bulan batas April 2025 dikonfirmasi oleh beberapa sumber; sebagian kecil sumber" in indonesian
    assert "April 2025 is not confirmed" not in english and "(not confirmed)." not in english
    assert "April 2025 belum dapat dipastikan" not in indonesian
    assert "The article numbers of Permenaker 5/2025 are not confirmed" in english
    assert "The date in force is not confirmed" in english
