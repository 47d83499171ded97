"""``bsu-rules doc``: a readable page per edition, generated from the checked rule file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bsu_rules.cli.options import load
from bsu_rules.docgen import edition_pages, render
from bsu_rules.interpretations import interpretation_pages

REFRESH = "python -m bsu_rules doc --all --out docs/editions"
REFRESH_INTERPRETATIONS = "python -m bsu_rules doc --interpretations --out docs"


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "doc", help="write a readable page of an edition (Markdown or HTML)",
        description="Write the page of one edition, or with --all the pages of every bundled edition in "
                    f"both languages into a folder (refresh the committed pages with `{REFRESH}`).")
    p.add_argument("ruleset", nargs="?", help="a rule file path or a bundled id such as bsu-2022")
    p.add_argument("--all", action="store_true", help="every bundled edition; --out is then a folder "
                   "(default docs/editions), files are named <edition>.<lang>.<format>")
    p.add_argument("--interpretations", action="store_true",
                   help="the page listing every policy and interpretation of every bundled edition; --out is "
                   f"then a folder (default docs; refresh with `{REFRESH_INTERPRETATIONS}`)")
    p.add_argument("--lang", choices=("id", "en"), help="language (default id; with --all both)")
    p.add_argument("--format", choices=("md", "html"), default="md")
    p.add_argument("--out", help="output file (default standard output), or folder with --all")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if a file under --out differs from what would be written")
    p.set_defaults(run=run, parser=p)


def run(args: argparse.Namespace) -> int:
    if (args.all or args.interpretations) == (args.ruleset is not None) or (args.all and args.interpretations):
        args.parser.error("give one of RULESET, --all or --interpretations")
    if args.interpretations:
        pages = interpretation_pages((args.lang,) if args.lang else ("id", "en"), args.format)
        folder = Path(args.out or "docs")
    elif args.all:
        langs = (args.lang,) if args.lang else ("id", "en")
        pages = edition_pages(langs, args.format)
        folder = Path(args.out or "docs/editions")
    else:
        if args.check and not args.out:
            args.parser.error("--check needs --out")
        text = render(load(args.ruleset), args.lang or "id", args.format)
        if not args.out:
            sys.stdout.write(text)
            return 0
        folder, pages = Path(args.out).parent, {Path(args.out).name: text}
    stale = [name for name, text in pages.items() if _read(folder / name) != text]
    if args.check:
        for name in stale:
            print(f"stale: {folder / name}", file=sys.stderr)
        if stale:
            refresh = REFRESH if args.all else REFRESH_INTERPRETATIONS if args.interpretations else None
            print(f"refresh with: {refresh}" if refresh else "refresh by running the same command without "
                  "--check", file=sys.stderr)
        return 1 if stale else 0
    folder.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (folder / name).write_bytes(pages[name].encode("utf-8"))
    print(f"{len(pages)} page(s) in {folder}: {len(stale)} written, {len(pages) - len(stale)} unchanged",
          file=sys.stderr)
    return 0


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError:
        return None
