"""``bsu-rules example``: the bundled example files, reachable after ``pip install``."""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from bsu_rules.ruleset.diagnostics import nearest


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "example", help="print a bundled example file (e.g. members), or list them",
        description="Print a bundled example: `bsu-rules example members > members.jsonl`.")
    p.add_argument("name", nargs="?", help="the example's name (without the name: list them)")
    p.set_defaults(run=run)


def bundled_examples() -> Path:
    """The examples shipped in the wheel, or the source tree's ``examples/``."""
    shipped = Path(str(resources.files("bsu_rules").joinpath("examples")))
    return shipped if shipped.is_dir() else Path(__file__).resolve().parents[2] / "examples"


def run(args: argparse.Namespace) -> int:
    files = {p.stem if p.name != "README.md" else "readme": p
             for p in sorted(bundled_examples().iterdir()) if p.is_file()}
    if args.name is None:
        for name, path in files.items():
            print(f"{name:10} {path.name}")
        return 0
    found = files.get(args.name) or files.get(Path(args.name).stem)
    if found is None:
        hint = nearest(args.name, files)
        print(f"bsu-rules: no example `{args.name}` (bundled: {', '.join(files)})"
              + (f"; did you mean `{hint}`?" if hint else ""), file=sys.stderr)
        return 2
    sys.stdout.write(found.read_text("utf-8"))
    return 0
