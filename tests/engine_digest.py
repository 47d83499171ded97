"""The engine's digest: what this engine decides and explains for a fixed set of members under frozen rules.

Every decision carries ``engine`` (``bsu-rules`` and ``__version__``), and ``replay`` tells a logged
decision that differs under another engine version (``engine-drift``) from one that differs under the
same version (``different``: tampering, or an engine that is not deterministic). That holds only if the
version changes whenever what the engine decides or says changes. This module decides the members of
``fixtures/engine/members.jsonl`` under frozen copies of the four rule files (``fixtures/engine/rules``,
their tables and glossary with them, so that a change of ``rules/`` is not counted: those are rule sets,
hashed apart), renders each decision as its canonical JSON with hints and as the text page of each
audience in each language, and hashes it all. ``fixtures/engine/digests.json`` records the digest of each
version; ``test_engine_version.py`` fails when the current version's digest is not the one recorded.

When it fails, because decisions or explanations changed: bump ``__version__`` (``bsu_rules/_version.py``)
and record the new version's digest::

    PYTHONPATH=. python tests/engine_digest.py --record

A digest recorded for a version is never replaced (the version was in decisions that another engine made):
``--record`` refuses to, and asks for a new version.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from bsu_rules import load_ruleset, parse_member
from bsu_rules._version import __version__
from bsu_rules.evaluators.scalar import ENGINE
from bsu_rules.explain import render_text

HERE = Path(__file__).resolve().parent / "fixtures" / "engine"
RULES = HERE / "rules"
MEMBERS = HERE / "members.jsonl"
DIGESTS = HERE / "digests.json"
AUDIENCES = ("worker", "officer", "auditor")
LANGS = ("id", "en")
RECORD = "PYTHONPATH=. python tests/engine_digest.py --record"
"""The command that records the current version's digest (from the project's folder)."""


def rendered() -> Iterator[bytes]:
    """Each decision's canonical JSON (with hints), then its pages, for every rule file and member, in order;
    the engine's own name written as ``bsu-rules <version>``, and the decision's sha256 on a page (the hash of
    that JSON, which names the engine) as ``<sha256>``, so that a version alone changes nothing."""
    records = [json.loads(line) for line in MEMBERS.read_text("utf-8").splitlines() if line.strip()]
    members = [parse_member(record) for record in records]
    for rule_file in sorted(RULES.glob("*.yaml")):
        ruleset = load_ruleset(rule_file)
        plan = ruleset.plan()
        yield f"{rule_file.name} {ruleset.id} {ruleset.version} {ruleset.sha256} {plan.on}\n".encode()
        for member in members:
            decision = plan.decide(member, hints=True)
            own = decision.sha256()  # of its JSON, which names the engine: shown on the auditor's page
            texts = [decision.to_json()] + [render_text(decision, ruleset, lang, audience).replace(own, "<sha256>")
                                            for audience in AUDIENCES for lang in LANGS]
            for text in texts:
                yield text.replace(ENGINE, "bsu-rules <version>").encode("utf-8") + b"\n\x00"


def digest() -> str:
    """The sha256 of everything ``rendered`` gives."""
    sha = hashlib.sha256()
    for part in rendered():
        sha.update(part)
    return sha.hexdigest()


def recorded() -> dict[str, str]:
    """Version -> the digest recorded for it."""
    data: dict[str, str] = json.loads(DIGESTS.read_text("utf-8")) if DIGESTS.exists() else {}
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--record", action="store_true", help="record the current version's digest")
    args = parser.parse_args(argv)
    found, known = digest(), recorded()
    print(f"bsu-rules {__version__}: digest {found}")
    if not args.record:
        return 0 if known.get(__version__) == found else 1
    if known.get(__version__) not in (None, found):
        print(f"a digest is recorded for {__version__} already ({known[__version__]}): decisions made by that engine "
              "carry that version; bump __version__ in bsu_rules/_version.py, then record", file=sys.stderr)
        return 1
    known[__version__] = found
    DIGESTS.write_text(json.dumps(dict(sorted(known.items())), indent=2) + "\n", "utf-8")
    print(f"recorded in {DIGESTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
