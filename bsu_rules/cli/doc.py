"""``bsu-rules doc``: a readable page per edition, generated from the checked rule file."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from bsu_rules.batch.guard import among_rules
from bsu_rules.cli.check import RULE_FILES
from bsu_rules.cli.options import load
from bsu_rules.docgen import render
from bsu_rules.formatting import counted
from bsu_rules.interpretations import interpretation_pages
from bsu_rules.ruleset.editions import bundled_rules
from bsu_rules.ruleset.files import TABLE_LIMIT, UnsafePath, leads_out, read_limited, scan

REFRESH = "python -m bsu_rules doc --all rules/ --out docs/editions"
REFRESH_INTERPRETATIONS = "python -m bsu_rules doc --interpretations --out docs"


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "doc", help="write a readable page of an edition (Markdown or HTML)",
        description="Write the page of one edition, or with --all the pages of every edition in a folder of "
                    f"rule files, in both languages, into a folder (refresh the committed pages with `{REFRESH}`). "
                    "The rule files read are named on standard error with their sha256.")
    p.add_argument("ruleset", nargs="?", metavar="RULESET",
                   help="a rule file path or a bundled id such as bsu-2022; with --all, a folder of rule files "
                   "(default: rules/ in the current folder if it holds rule files, else the bundled ones)")
    p.add_argument("--all", action="store_true", help="every edition in the folder RULESET; --out is then a "
                   "folder (default docs/editions), files are named <edition>.<lang>.<format>")
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
    if (args.all and args.interpretations) or (args.interpretations and args.ruleset is not None) or \
            not (args.all or args.interpretations or args.ruleset is not None):
        args.parser.error("give one of RULESET, --all [FOLDER] or --interpretations")
    if args.interpretations:
        pages = interpretation_pages((args.lang,) if args.lang else ("id", "en"), args.format)
        folder = Path(args.out or "docs")
    elif args.all:
        rule_files, refused = _rule_files(args.ruleset)
        for why in refused:
            print(f"bsu-rules: {why}", file=sys.stderr)
        if refused:
            return 2
        if not rule_files:
            args.parser.error(f"no rule files (*.yaml) in folder `{args.ruleset}`")
        langs = (args.lang,) if args.lang else ("id", "en")
        pages = {f"{path.stem}.{lang}.{args.format}": render(ruleset, lang, args.format)
                 for path in rule_files for ruleset in [load(str(path))] for lang in langs}
        folder = Path(args.out or "docs/editions")
    else:
        if args.check and not args.out:
            args.parser.error("--check needs --out")
        text = render(load(args.ruleset), args.lang or "id", args.format)
        if not args.out:
            sys.stdout.write(text)
            return 0
        folder, pages = Path(args.out).parent, {Path(args.out).name: text}
    if folder.is_symlink():  # as a page that is a link: it could lead anywhere
        print(f"bsu-rules: --out: {folder} is a symbolic link: give the folder itself", file=sys.stderr)
        return 2
    for name in pages:  # never read or written through: a link committed among the pages could lead anywhere
        if (folder / name).is_symlink() or ((folder / name).exists() and not (folder / name).is_file()):
            print(f"bsu-rules: --out: {folder / name} is a symbolic link or not a regular file: remove it, and a "
                  "page is written there", file=sys.stderr)
            return 2
    stale = [name for name, text in pages.items() if _read(folder / name) != text]
    if args.check:
        for name in stale:
            print(f"stale: {folder / name}", file=sys.stderr)
        if stale:
            refresh = REFRESH if args.all else REFRESH_INTERPRETATIONS if args.interpretations else None
            print(f"refresh with: {refresh}" if refresh else "refresh by running the same command without "
                  "--check", file=sys.stderr)
        return 1 if stale else 0
    for name in stale:
        if (held := among_rules(folder / name)) is not None:
            print(f"bsu-rules: --out: {folder / name} {held}; give the output another path", file=sys.stderr)
            return 2
    folder.mkdir(parents=True, exist_ok=True)
    for name in stale:
        _write(folder / name, pages[name].encode("utf-8"))
    print(f"{counted(len(pages), 'page')} in {folder}: {len(stale)} written, {len(pages) - len(stale)} unchanged",
          file=sys.stderr)
    return 0


def _rule_files(folder: str | None) -> tuple[list[Path], list[str]]:
    """The rule files of ``folder``; without one, those of ./rules (the copy being edited) if it
    holds any, else the bundled ones. Apart: why each link leading out of the folder is not read."""
    if folder is None:
        folder = "rules" if any(Path("rules").glob(RULE_FILES[0])) else str(bundled_rules())
    inside, links = scan(Path(folder), RULE_FILES)
    return [p for p in inside if p.is_file()], [f"{link} {leads_out(folder)}" for link in links]


def _write(path: Path, data: bytes) -> None:
    """Write a page, never through a symbolic link put there since it was checked."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _read(path: Path) -> str | None:
    """A page already written (a regular file, as large as a page may be), or None."""
    try:
        return read_limited(path, TABLE_LIMIT).decode("utf-8")
    except (UnsafePath, UnicodeDecodeError):
        return None
