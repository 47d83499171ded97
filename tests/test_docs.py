"""The docs cannot drift: every catalogue function with its example, the schemas, the explanations and
the batch commands shown are what the code has, prints and runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.catalogue.reference import function_table
from bsu_rules.formatting import rupiah
from bsu_rules.report.groups import PLAUSIBLE_WAGE

LANGUAGE = (Path(__file__).resolve().parents[1] / "docs" / "language.md").read_text("utf-8")


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_is_documented_with_its_example(name: str) -> None:
    assert f"| `{name}` |" in LANGUAGE
    assert f"`{FUNCTIONS[name].example}`" in LANGUAGE


def test_the_function_table_is_generated_from_the_catalogue() -> None:
    assert function_table() in LANGUAGE, "refresh docs/language.md with: python -m bsu_rules.catalogue.reference"


@pytest.mark.parametrize("which", ["member", "decision", "ruleset"])
def test_published_schemas_are_fresh(which: str) -> None:
    import json

    from bsu_rules.schemas import schema

    path = Path(__file__).resolve().parents[1] / "docs" / "schemas" / f"{which}.schema.json"
    assert json.loads(path.read_text("utf-8")) == schema(which), (
        f"refresh with: bsu-rules schema {which} > docs/schemas/{which}.schema.json")


def test_the_three_audiences_side_by_side_are_what_the_command_prints() -> None:
    """docs/explanations.md shows line 4 of the examples for each audience: the same text the
    command prints today (it went stale once: a rule-set hash, a parameter and an arrears count)."""
    import html
    import json
    import re

    import bsu_rules
    from bsu_rules.explain import render_text

    root = Path(__file__).resolve().parents[1]
    record = (root / "examples" / "members.jsonl").read_text("utf-8").splitlines()[3]
    ruleset = bsu_rules.load_ruleset("bsu-2022")
    decision = bsu_rules.evaluate(ruleset, json.loads(record), hints=True)
    shown = re.findall(r"<pre>(.*?)</pre>", (root / "docs" / "explanations.md").read_text("utf-8"), re.S)
    assert [html.unescape(s) for s in shown] == \
        [render_text(decision, ruleset, "id", audience).rstrip("\n") for audience in ("worker", "officer", "auditor")]


def test_the_audience_table_is_short_and_each_page_is_told_below_it() -> None:
    """docs/explanations.md's table of audiences is read row by row (a screen reader reads a cell whole): each row
    says in a few words what its page shows and links to the section below that tells it all (the worker's cell
    was once some 700 words)."""
    import re

    text = (Path(__file__).resolve().parents[1] / "docs" / "explanations.md").read_text("utf-8")
    rows = re.findall(r"^\| `(worker|officer|auditor)` \|(.*)\|$", text, re.M)
    assert [audience for audience, _ in rows] == ["worker", "officer", "auditor"]
    headings = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-")
                for h in re.findall(r"^#+ (.+)$", text, re.M)}
    for audience, cells in rows:
        assert len(cells.split()) <= 60, (audience, len(cells.split()))
        assert f"(#the-{audience}s-page)" in cells and f"the-{audience}s-page" in headings, audience


def test_the_page_read_aloud_is_what_the_command_prints() -> None:
    """docs/explanations.md's "Read aloud" shows line 4 of the examples as --format speech prints it, in Bahasa
    Indonesia and in English."""
    import json
    import re

    import bsu_rules
    from bsu_rules.explain import render_speech

    root = Path(__file__).resolve().parents[1]
    record = (root / "examples" / "members.jsonl").read_text("utf-8").splitlines()[3]
    ruleset = bsu_rules.load_ruleset("bsu-2022")
    decision = bsu_rules.evaluate(ruleset, json.loads(record), hints=True)
    section = (root / "docs" / "explanations.md").read_text("utf-8").split("## Read aloud", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"```text\n(.*?)\n```", section, re.S) == [render_speech(decision, ruleset, lang)
                                                                 for lang in ("id", "en")]


def test_the_batch_then_explain_sequence_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """README, docs/batch.md and docs/explanations.md show generate, a key, batch with it and explain --nik
    with it: each command runs, in the order shown (generate with --n 250000: the first block of 250 000
    rows, which holds the NIK shown, is the same whatever --n)."""
    import re
    import shlex
    import subprocess

    pytest.importorskip("polars")
    from bsu_rules.cli import main

    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BSU_RULES_PSEUDONYM_KEY", raising=False)
    done: dict[str, int] = {}
    for doc in ("README.md", "docs/batch.md", "docs/explanations.md"):
        lines = re.findall(r"^(?:bsu-rules (?:generate|batch|explain) |head -c ).*$", (root / doc).read_text("utf-8"),
                           re.M)
        commands = [line.split("  #")[0].split(" # ")[0].strip() for line in lines]
        assert [c.split()[1] for c in commands if c.startswith("bsu-rules")][:2] == ["generate", "batch"], doc
        assert any("explain" in c and "--nik" in c for c in commands), doc
        for command in commands:
            if command in done:
                continue
            if command.startswith("head"):
                done[command] = subprocess.run(command, shell=True, check=False).returncode
                continue
            argv = shlex.split(command)[1:]
            if argv[0] == "generate":
                argv[argv.index("--n") + 1] = "250000"
            done[command] = main(argv)
            out = capsys.readouterr().out
            if argv[0] == "explain":
                shown = ("3578********0001",) if "officer" in argv else (  # a worker's page says the digits in words
                    "berawalan 3578 dan berakhiran 0001", "starting 3578 and ending 0001")
                assert any(s in out for s in shown) and "3578014403670001" not in out
        codes = [done[c] for c in commands]
        assert codes == [1 if c.startswith("bsu-rules batch") else 0 for c in commands], (doc, codes)  # 1: rejects


def test_the_impact_page_s_wage_limits_are_written_in_both_languages_as_the_page_prints_them() -> None:
    """The page prints rupiah one way in either language (Rp100.000.000), and so does its documentation."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "impact.md").read_text("utf-8")
    shown = "–".join(rupiah(limit) for limit in PLAUSIBLE_WAGE)
    indonesian, english = text.split("\n# Policy impact and data quality\n")
    assert shown in indonesian and shown in english, shown


def test_the_resume_offset_the_auditing_guide_quotes_is_the_one_verify_gives(tmp_path: Path,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """docs/auditing.md §5 cuts the last 100 bytes of the example log and quotes what `verify` says to
    truncate to: the log changes with the rule set's hash, so the quoted size must follow it."""
    import json
    import re

    from bsu_rules.cli import main

    root = Path(__file__).resolve().parents[1]
    guide = (root / "docs" / "auditing.md").read_text("utf-8")
    quoted = set(re.findall(r"truncate -s (\d+) decisions\.jsonl", guide) + re.findall(r'"resume_at": (\d+)', guide))
    log = tmp_path / "decisions.jsonl"
    assert main(["evaluate", "bsu-2022", str(root / "examples" / "members.jsonl"), "--log", str(log),
                 "--full-nik"]) == 0
    with log.open("r+b") as f:
        f.truncate(log.stat().st_size - 100)
    capsys.readouterr()
    main(["verify", str(log), "--format", "json"])
    said = json.loads(capsys.readouterr().out)
    assert quoted == {str(said["problem"]["resume_at"])}, said


def test_the_impact_example_is_what_the_commands_shown_make(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/impact.md shows how docs/impact/example.html, example-en.html and example.json are made: run
    as written, the commands make those files byte for byte (they went stale once: a reform's hash and
    its flip groups)."""
    import re
    import shlex

    pytest.importorskip("polars")
    from bsu_rules.cli import main

    root = Path(__file__).resolve().parents[1]
    block = re.search(r"Contoh lengkap:.*?```sh\n(.*?)```", (root / "docs" / "impact.md").read_text("utf-8"), re.S)
    assert block, "docs/impact.md: no commands after 'Contoh lengkap:'"
    monkeypatch.chdir(tmp_path)
    made: list[str] = []
    for line in block[1].splitlines():
        argv = shlex.split(line)[1:]
        assert main(argv) in (0, 1), line  # 1: the generated file has malformed rows, which impact rejects
        made += [argv[i + 1] for i, arg in enumerate(argv) if arg in ("--out", "--json") and argv[0] == "impact"]
    assert sorted(made) == ["example-en.html", "example.html", "example.json"], made
    for name in made:
        assert (tmp_path / name).read_bytes() == (root / "docs" / "impact" / name).read_bytes(), (
            f"refresh docs/impact/{name} with the commands in docs/impact.md")


def test_the_channel_moves_the_impact_guide_quotes_are_what_impact_prints(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """docs/impact.md quotes what a misspelt `state_banks` prints on 20 000 generated members, in both
    languages (it went stale once, when the generator changed)."""
    import re

    pytest.importorskip("polars")
    from bsu_rules.cli import main

    text = (Path(__file__).resolve().parents[1] / "docs" / "impact.md").read_text("utf-8")
    quoted = re.findall(r"`(paid another way [^`]*)`", text)
    assert len(quoted) == 2 and len(set(quoted)) == 1, quoted
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "--n", "20000", "--seed", "1", "--no-malformed", "--out", "m.parquet"]) == 0
    assert main(["impact", "bsu-2022", "m.parquet", "--set", "state_banks=[bri, bni, mandiri, btn]",
                 "--out", "sb.html"]) == 0
    assert quoted[0] in capsys.readouterr().out


def test_the_archive_manifest_the_auditing_guide_shows_is_the_one_archive_writes(tmp_path: Path) -> None:
    """docs/auditing.md §4 shows the manifest of `bsu-rules archive bsu-2022 --into archive`: every hash in
    it is the one a run writes today (it went stale once: the rule file's and the glossary's)."""
    import json
    import re

    from bsu_rules.cli import main

    guide = (Path(__file__).resolve().parents[1] / "docs" / "auditing.md").read_text("utf-8")
    shown = re.search(r"It also holds `manifest\.json`:\n\n```json\n(.*?)```", guide, re.S)
    assert shown, "docs/auditing.md §4: no manifest after 'It also holds `manifest.json`:'"
    assert main(["archive", "bsu-2022", "--into", str(tmp_path)]) == 0
    (written,) = tmp_path.glob("*/manifest.json")
    assert json.loads(shown[1]) == json.loads(written.read_text("utf-8"))


def test_the_what_if_explained_by_hand_in_the_auditing_guide_is_a_what_if(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """docs/auditing.md §7 explains a what-if line of §6's log by hand: the line it selects is there and
    the page is headed by the simulation's banner (it once selected a line of a log without one)."""
    import io
    import json
    import re
    import shlex
    import sys

    from bsu_rules.cli import main

    root = Path(__file__).resolve().parents[1]
    guide = (root / "docs" / "auditing.md").read_text("utf-8")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "members.jsonl").write_bytes((root / "examples" / "members.jsonl").read_bytes())
    for line in re.findall(r"^\$ (bsu-rules evaluate bsu-2022 members\.jsonl .*--log both\.jsonl .*?) > /dev/null$",
                           guide, re.M):
        assert main(shlex.split(line)[1:]) == 0, line
    by_hand = re.search(r"^\$ jq -c 'select\(\.seq == (\d+)\) \| \.inputs' (\S+) \| bsu-rules (evaluate .*--set .*)$",
                        guide, re.M)
    assert by_hand, "docs/auditing.md §7: no what-if evaluated by hand"
    seq, log, command = int(by_hand[1]), by_hand[2], by_hand[3]
    assert main(["archive", "bsu-2022", "--into", "archive"]) == 0  # the base entry, as §4 archives it
    lines = [json.loads(x) for x in (tmp_path / log).read_text("utf-8").splitlines()]
    inputs = [x["inputs"] for x in lines if x["seq"] == seq]
    assert inputs, f"docs/auditing.md §7: {log} has no seq {seq}"
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(inputs[0]) + "\n"))
    assert main(shlex.split(command)) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("WHAT-IF, not a decision of the programme")


@pytest.mark.parametrize("command", ["evaluate", "replay", "serve"])
def test_the_keys_section_says_what_a_key_on_the_command_line_does(command: str, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """docs/auditing.md §Keys says evaluate, replay and serve accept --pseudonymize-key, leave it out of
    --help and warn, quoting the warning (it once said no key is ever read from the command line)."""
    from bsu_rules.cli import main

    root = Path(__file__).resolve().parents[1]
    guide = " ".join((root / "docs" / "auditing.md").read_text("utf-8").split())
    assert "`evaluate`, `replay` and `serve` still accept the pseudonymisation key itself as " \
           "`--pseudonymize-key KEY`" in guide
    assert main([command, "--help"]) == 0
    assert "--pseudonymize-key" not in capsys.readouterr().out
    if command == "evaluate":
        assert main(["evaluate", "bsu-2022", str(root / "examples" / "members.jsonl"), "--log",
                     str(tmp_path / "log.jsonl"), "--pseudonymize-key", "kunci-rahasia-audit"]) == 0
        (warning,) = [line for line in capsys.readouterr().err.splitlines() if "key on the command line" in line]
        assert f"`{warning}`" in guide


def test_the_batch_option_table_lists_every_option_batch_help_lists(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/batch.md's option table has a row for each option `batch --help` lists (it once left out --set
    and --table), and says that --strict, which --help hides, is still accepted."""
    import re

    from bsu_rules.cli import main

    guide = (Path(__file__).resolve().parents[1] / "docs" / "batch.md").read_text("utf-8")
    assert main(["batch", "--help"]) == 0
    listed = set(re.findall(r"^  (--[a-z-]+)", capsys.readouterr().out, re.M)) - {"--help", "--out"}
    assert listed - set(re.findall(r"^\| `(--[a-z-]+)", guide, re.M)) == set()
    assert "--strict" not in listed and "`--strict` is still accepted" in guide


def test_the_hashes_the_guides_quote_for_changed_rules_are_the_ones_the_changes_give(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/auditing.md and docs/rule-authoring.md quote the sha256 of bsu-2022 changed in their examples
    (a raised wage ceiling, a what-if, a rule in force too early): each is what the change gives today
    (they went stale once, when the rule file's explanations changed)."""
    import shutil

    import bsu_rules
    from bsu_rules.cli import main

    root = Path(__file__).resolve().parents[1]
    auditing = (root / "docs" / "auditing.md").read_text("utf-8")
    authoring = (root / "docs" / "rule-authoring.md").read_text("utf-8")
    shutil.copytree(root / "rules", tmp_path / "rules")
    rule_file = tmp_path / "rules" / "bsu-2022.yaml"
    original = rule_file.read_text("utf-8")

    def changed(old: str, new: str) -> str:
        assert original.count(old) == 1, old
        rule_file.write_text(original.replace(old, new), "utf-8")
        return bsu_rules.load_ruleset(rule_file).sha256

    pointed = changed("value: 3500000", "value: 4300000")
    assert f"[{pointed[:12]}]" in auditing and f"'{pointed[:8]}…'" in auditing
    assert f"sha256 {changed('value: 3500000', 'value: 4000000')}" in authoring
    flag = '    flag: member.employment_type == "pppk"\n'
    assert f"sha256 {changed(flag, flag + '    in_force: {from: 2022-09-01}' + chr(10))}" in authoring
    capsys.readouterr()
    assert main(["archive", "bsu-2022", "--set", "wage_ceiling=4300000", "--into", str(tmp_path / "a")]) == 0
    what_if = capsys.readouterr().out.split(" sha256 ")[1][:64]
    assert f"[{what_if[:12]}] what-if --set wage_ceiling=4300000" in auditing


def test_the_diagnostics_the_authoring_guide_shows_are_the_ones_check_prints(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/rule-authoring.md's real output of `check` on a broken copy of bsu-2022 keeps its lines and
    columns as the rule file moves (they went one line stale once)."""
    import shutil

    from bsu_rules.cli import main

    root = Path(__file__).resolve().parents[1]
    authoring = (root / "docs" / "rule-authoring.md").read_text("utf-8")
    shutil.copytree(root / "rules", tmp_path / "rules")
    rule_file = tmp_path / "rules" / "bsu-2022.yaml"
    original = rule_file.read_text("utf-8")
    flag = '    flag: member.employment_type == "pppk"\n'
    for edits in ([("fact.wage <= param.wage_ceiling or", "fact.wage <= param.wage_celing or"),
                   ('"tni", "polri"]', '"tni", "polisi"]')],
                  [(flag, flag + "    in_force: {from: 2022-09-01}\n")], [("value: 3500000", "value: 4000000")]):
        text = original
        for before, after in edits:
            assert text.count(before) == 1, before
            text = text.replace(before, after)
        rule_file.write_text(text, "utf-8")
        main(["check", str(rule_file)])
        said = [line.replace(str(rule_file), "rules/bsu-2022.yaml") for line in capsys.readouterr().out.splitlines()
                if line.startswith(str(rule_file))]
        assert said
        for line in said:
            if "[stale-title]" in line:
                at = line.split(":")[1]
                assert f"`stale-title`, baris {at};" in authoring and f"`stale-title`, line {at};" in authoring
            else:
                assert line in authoring


def test_the_language_guide_s_check_output_is_what_check_prints(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from bsu_rules.cli import main

    root = Path(__file__).resolve().parents[1]
    shutil.copytree(root / "rules", tmp_path / "rules")
    rule_file = tmp_path / "rules" / "bsu-2022.yaml"
    text = rule_file.read_text("utf-8")
    assert text.count("fact.wage <= param.wage_ceiling or") == 1
    rule_file.write_text(text.replace("fact.wage <= param.wage_ceiling or", "fact.wage <= param.wage_cieling or"),
                         "utf-8")
    main(["check", str(rule_file)])
    (said,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith(str(rule_file))]
    assert said.replace(str(rule_file), "rules/bsu-2022.yaml") in LANGUAGE


_GIVEN_KEYS = (r"BSU_RULES_PSEUDONYM_KEY='([^']+)'", r"BSU_RULES_PSEUDONYM_KEY=([^\s'$]+)",
               r'pseudonym\("[0-9]+", "([^"]+)"\)', r'key=b?"([^"]+)"', r"--pseudonymize-key '?([^\s'`]+)")


def test_every_key_the_documentation_gives_is_one_the_commands_warn_of() -> None:
    """A key the documentation gives (its fingerprint printed beside it: 262cfcbc1906fa05) is known to all who
    read it: ``PUBLISHED_KEYS``, the one list the commands warn by, holds the fingerprint of each, and no other."""
    from bsu_rules.audit.snapshot import PUBLISHED_KEYS, key_id

    root = Path(__file__).resolve().parents[1]
    texts = [p.read_text("utf-8") for p in [root / "README.md", *sorted((root / "docs").rglob("*.md"))]]
    given = {key for text in texts for pattern in _GIVEN_KEYS for key in re.findall(pattern, text)} - {"KEY"}
    assert "contoh-kunci-jangan-dipakai" in given and "262cfcbc1906fa05" in " ".join(texts)
    assert {key_id(key): key for key in given}.keys() == PUBLISHED_KEYS.keys(), given


def test_the_readme_s_extras_line_names_every_extra_its_commands_need() -> None:
    """README's "Use it": each command that needs an extra says so, and the one install line it gives installs every
    extra so marked (a newcomer who runs it can run every command below it)."""
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    use_it = readme.split("## Use it", 1)[1].split("```python", 1)[0]
    line = re.search(r'pip install "\.\[([a-z,]+)\]"`\s+installs\s+every one', use_it)
    assert line is not None, "README's Use it gives no install line of the extras"
    installed = set(line.group(1).split(","))
    commands = re.findall(r"^bsu-rules .*$", use_it, re.M)
    needs = {"durable": ("--engine durable",), "prove": ("bsu-rules prove", "--symbolic"),
             "batch": ("bsu-rules generate", "bsu-rules batch", "bsu-rules explain", "bsu-rules impact"),
             "serve": ("bsu-rules serve",)}
    for extra, said in needs.items():
        for command in (c for c in commands if any(s in c for s in said)):
            assert f"extra: {extra}" in command, command
    assert set(re.findall(r"extra: ([a-z]+)", use_it)) <= installed
    assert "activate" in use_it.split("```sh", 1)[0]  # the commands call bsu-rules as the venv's, not on PATH


def test_the_auditing_guide_s_python_log_example_logs_its_decision(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/auditing.md §1 logs a decision from Python: run as shown, with `record` one member of the examples,
    it writes a line (it once decided without the log's input hash, which `record` refuses)."""
    import json
    import re

    root = Path(__file__).resolve().parents[1]
    guide = (root / "docs" / "auditing.md").read_text("utf-8")
    shown = re.search(r"From Python \(a notebook, a service\):\n\n```python\n(.*?)```", guide, re.S)
    assert shown, "docs/auditing.md §1: no Python example after 'From Python (a notebook, a service):'"
    monkeypatch.chdir(tmp_path)
    record = json.loads((root / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    exec(compile(shown[1], "docs/auditing.md", "exec"), {"record": record})
    (line,) = (tmp_path / "decisions.jsonl").read_text("utf-8").splitlines()
    assert json.loads(line)["seq"] == 1
