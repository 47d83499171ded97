"""Fuzz: mutants of every bundled rule file and table load cleanly or give a diagnostic, never an exception;
those that load are compiled to a plan (its generated function included) and decide a member."""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from pathlib import Path

import pytest

from bsu_rules.members import parse_member
from bsu_rules.ruleset.diagnostics import has_errors
from bsu_rules.ruleset.loader import check_file

ROOT = Path(__file__).resolve().parents[1]
MEMBER = parse_member(json.loads((ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0]))
SEED = 20221105
RULE_MUTANTS = 200
"""Per rule file."""
TABLE_MUTANTS = 80
"""Per table (each loaded with one of the rule files that use it, in turn: they declare it alike)."""

NASTY = [
    b"*a", b"&a ", b"<<: *a\n", b"\x00", b"\xff", b"\xc3", b"\x1b[2J", b"\x7f", b"\xef\xbb\xbf", b"(" * 60,
    b"not " * 60, b"- " * 60, b"[" * 200, b"9" * 5000, b"1e999999999", b"-1", b".inf", b".nan", b"0x1F",
    b"../../etc/passwd", b"/etc/passwd", b"/proc/self/environ", b"/dev/zero", b"{", b"}", b"[", b"]", b"- ",
    b": ", b"'", b'"', b"\t", b"\r", b",", b"\n", b";", "ä".encode(), "٣٢١٥".encode(), "３２".encode(),
    b"2022-13-45", b"2022-02-30", b"null", b"~", b"!!python/object/apply:os.system ['id']", b"!!binary AAAA",
    b"? ", b"|", b">", b"%YAML 1.1\n", b"---\n", b"...\n", b"#", b"\\", b"\xe2\x80\xa8",
    # code where the generated function might copy it (it never copies rule text)
    b"__import__('os').system('id')", b"\"); import os; (\"", b"member.__class__", b"member.wages.__len__",
    b"lambda: 0", b"exec(", b"K0(m)", b"s0", b"t1", b"m", b"core", b"\n    return 0\n",
]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to three random edits: flip, delete, duplicate, insert a nasty token, replace a line, cut."""
    for _ in range(rng.randint(1, 3)):
        n = len(data)
        at = rng.randrange(n + 1)
        op = rng.randrange(6)
        if op == 0 and n:
            data = data[:at] + bytes([rng.randrange(256)]) + data[at + 1:]
        elif op == 1:
            data = data[:at] + data[at + rng.randint(1, 64):]
        elif op == 2:
            span = data[at:at + rng.randint(1, 200)]
            data = data[:at] + span * rng.randint(2, 20) + data[at:]
        elif op == 3:
            data = data[:at] + rng.choice(NASTY) + data[at:]
        elif op == 4:
            lines = data.split(b"\n")
            i = rng.randrange(len(lines))
            indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
            lines[i] = indent + rng.choice(NASTY) + lines[i].lstrip()[rng.randrange(len(lines[i].lstrip()) + 1):]
            data = b"\n".join(lines)
        else:
            data = data[:at]
    return data


TARGETS = sorted(p.relative_to(ROOT / "rules").as_posix() for p in [*(ROOT / "rules").glob("*.yaml"),
                                                                     *(ROOT / "rules" / "tables").glob("*.csv")])
"""Every bundled rule file and table: each fuzzed in a test of its own (the test runners share them out)."""


def test_every_bundled_file_is_fuzzed() -> None:
    assert len([t for t in TARGETS if t.endswith(".yaml")]) >= 4
    assert len([t for t in TARGETS if t.endswith(".csv")]) >= 5


@pytest.mark.parametrize("name", TARGETS)
def test_mutants_give_a_diagnostic_or_load(tmp_path: Path, name: str) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("tests"))
    target = rules / name
    loaded = [target] if name.endswith(".yaml") else \
        [r for r in sorted(rules.glob("*.yaml")) if f"tables/{target.name}" in r.read_text("utf-8")]
    assert loaded, f"{name} is used by no rule file"
    count = RULE_MUTANTS if name.endswith(".yaml") else TABLE_MUTANTS
    rng = random.Random(f"{SEED} {name}")
    outcomes: Counter[str] = Counter()
    crashes: list[str] = []
    original = target.read_bytes()
    for i in range(count):
        target.write_bytes(mutate(original, rng))
        for rule_file in loaded if name.endswith(".yaml") else [loaded[i % len(loaded)]]:
            try:
                ruleset, diagnostics = check_file(rule_file)
            except Exception as exc:  # the property under test: nothing escapes as an exception
                crashes.append(f"{name} mutant {i}: {type(exc).__name__}: {exc}"[:300])
                continue
            assert ruleset is not None or has_errors(diagnostics), f"{name} mutant {i}: no diagnostic"
            if ruleset is not None:
                try:
                    plan = ruleset.plan(ruleset.default_on)
                    plan.decide(MEMBER)
                    outcomes["generated"] += plan.core is not None
                except Exception as exc:
                    crashes.append(f"{name} mutant {i} (plan): {type(exc).__name__}: {exc}"[:300])
            outcomes["loaded" if ruleset is not None else "diagnostic"] += 1
    assert not crashes, "\n".join(crashes[:20])
    assert outcomes["loaded"] + outcomes["diagnostic"] == count
    assert outcomes["generated"] > 0.9 * outcomes["loaded"]  # the plans that loaded run generated code
    assert outcomes["diagnostic"] > 0 and outcomes["loaded"] > 0  # the mutants reach both ends
