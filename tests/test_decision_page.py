"""The HTML decision page in a real browser: headless Chromium renders it and prints it.

CI installs the Debian package ``chromium`` and sets ``BSU_RULES_BROWSER=required``, so there a
missing browser fails the test; elsewhere it is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bsu_rules.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = str(ROOT / "examples" / "members.jsonl")
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
RAW = re.compile(r"\b(member|fact|param|table)\.[a-z_]+|\b[a-z]+_[a-z_]+\b|\bpm-\d+-\d{4}\b|\[[a-z]+(-[a-z]+)+\]")


@pytest.fixture(scope="module")
def browser() -> str:
    if BROWSER is None:
        if os.environ.get("BSU_RULES_BROWSER") == "required":
            pytest.fail("chromium is required here (apt-get install chromium)")
        pytest.skip("chromium is not installed")
    return BROWSER


def _chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                           *args], capture_output=True, text=True, timeout=120, check=True)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_page_renders_and_prints_one_sheet_per_decision(browser: str, lang: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "bsu-2022", EXAMPLES, "--format", "html", "--lang", lang]) == 0
    page = tmp_path / "decisions.html"
    page.write_text(capsys.readouterr().out, "utf-8")
    dom = _chromium(browser, tmp_path / "profile", "--dump-dom", page.as_uri()).stdout
    assert dom.count("<section") == 16 and f'lang="{lang}"' in dom
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|head)>.*?</\1>", "", dom, flags=re.S))
    verdict = "TIDAK MEMENUHI SYARAT sebagai penerima BSU" if lang == "id" else "NOT ELIGIBLE to receive BSU"
    assert verdict in text and "Rp4.700.000" in text
    assert not RAW.search(text), RAW.search(text)
    pdf = tmp_path / "decisions.pdf"
    _chromium(browser, tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    sheets = len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
    assert sheets >= 16  # every decision starts a printed sheet of its own
