"""The impact report as a person sees it: rendered by headless Chromium, every chart drawn, every
number on the page the number in the JSON.

A probe script is added to a copy of the page (the report itself has no script); Chromium runs it
after layout, and it writes what the browser drew (each chart's size and the bars with a width)
and every number's text into the DOM that ``--dump-dom`` prints.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("polars")

from bsu_rules.batch.generate import write_population
from bsu_rules.report.html import render_html
from bsu_rules.report.impact import impact
from bsu_rules.ruleset.loader import load_ruleset
from bsu_rules.ruleset.overrides import reform_of

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian package `chromium`; .ci/run "
                                                         "installs it)")

PROBE = """<script>
addEventListener('load', () => {
  const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
    const box = svg.getBoundingClientRect();
    const bars = [...svg.querySelectorAll('rect.bar')];
    return {id: svg.id, width: box.width, height: box.height, bars: bars.length,
            drawn: bars.filter(b => b.getBBox().width > 0 && b.getBoundingClientRect().height > 0).length};
  });
  const numbers = [...document.querySelectorAll('[data-json]')].map(
    e => ({path: e.dataset.json, kind: e.dataset.kind || 'count', text: e.innerText}));
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({charts, numbers});
  document.body.appendChild(out);
});
</script>"""


def browse(page: Path) -> dict[str, Any]:
    probed = page.with_name("probed-" + page.name)
    probed.write_text(page.read_text("utf-8").replace("</body>", PROBE + "</body>"), "utf-8")
    assert CHROMIUM is not None
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--window-size=1200,900", "--virtual-time-budget=5000", "--dump-dom", probed.as_uri()],
                          capture_output=True, text=True, timeout=120, check=True)
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stdout[-2000:] + done.stderr[-2000:]
    from html import unescape

    result: dict[str, Any] = json.loads(unescape(found.group(1)))
    return result


def at(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def shown(text: str, kind: str) -> Decimal:
    """A number as the Indonesian page shows it: ``Rp5.788.200.000``, ``+619``, ``41,2 %``."""
    clean = text.replace("Rp", "").replace("%", "").replace("+", "").replace("\u00a0", "").strip()
    return Decimal(clean.replace(".", "").replace(",", "."))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    tmp = tmp_path_factory.mktemp("browser")
    source = tmp / "members.parquet"
    write_population(source, 4000, seed=11)
    base = load_ruleset("bsu-2022")
    data = impact(reform_of(base, ["wage_ceiling=4000000"], []), source, baseline=base)
    data = json.loads(json.dumps(data))  # what --json writes
    page = tmp / "report.html"
    page.write_text(render_html(data, "id"), "utf-8")
    return data, page


def test_every_chart_drew(report: tuple[dict[str, Any], Path]) -> None:
    data, page = report
    charts = {c["id"]: c for c in browse(page)["charts"]}
    assert set(charts) == {"chart-funnel", "chart-flips-province", "chart-province", "chart-sector"}
    steps = data["funnel"]["reform"]["steps"]
    assert charts["chart-funnel"]["bars"] == len(steps) + 1
    assert charts["chart-province"]["bars"] == 2 * len(data["breakdowns"]["province"])  # reform and baseline
    assert charts["chart-sector"]["bars"] == 2 * len(data["breakdowns"]["sector"])
    for c in charts.values():
        assert c["width"] > 300 and c["height"] > 50, c
        assert c["drawn"] >= c["bars"] // 2 > 0, c  # bars of zero are not drawn; the rest are


def test_numbers_on_the_page_are_the_json(report: tuple[dict[str, Any], Path]) -> None:
    data, page = report
    numbers = browse(page)["numbers"]
    paths = {n["path"] for n in numbers}
    for key in ("members", "eligible", "paid", "budget", "undetermined", "ineligible", "rejected"):
        assert {f"headline.{key}.reform", f"headline.{key}.baseline", f"headline.{key}.difference"} <= paths
    assert len(numbers) > 200
    for n in numbers:
        value = at(data, n["path"])
        if n["kind"] == "rate":
            assert shown(n["text"], "rate") == (Decimal(value) * 100).quantize(Decimal("0.1")), n
        elif n["kind"] == "ratio":
            assert shown(n["text"], "ratio") == Decimal(value).quantize(Decimal("0.01")), n
        else:
            sign = -1 if n["text"].lstrip().startswith("-") else 1
            assert sign * shown(n["text"].lstrip("-"), "count") == value, n


def test_the_first_screen_names_the_rule_sets_and_the_date(report: tuple[dict[str, Any], Path]) -> None:
    data, page = report
    text = page.read_text("utf-8")
    first = text[:text.index('id="headline-members"')]
    for side in ("reform", "baseline"):
        assert data[side]["sha256"] in first
    assert "5 September 2022" in first and "--set wage_ceiling=4000000" in first
