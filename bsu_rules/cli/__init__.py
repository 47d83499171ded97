"""The ``bsu-rules`` command. Each subcommand lives in its own module with an ``add`` function."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from bsu_rules import __version__
from bsu_rules.cli.exits import FAILED, INTERRUPTED, OK, report_internal_error
from bsu_rules.errors import InputError, RuleSetError
from bsu_rules.ruleset.model import OutOfForce

COMMANDS = (
    "evaluate", "check", "schema", "test", "doc", "diff", "prove",  # deciding and rule authoring
    "archive", "verify", "replay",  # auditing
    "batch", "generate", "explain", "impact",  # national-scale screening
    "serve", "example",  # the HTTP service; the bundled examples
)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="bsu-rules", description="Decide, explain and prove BSU eligibility.")
    top.add_argument("--version", action="version", version=f"bsu-rules {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"bsu_rules.cli.{name}").add(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; the exit status means the same for every command (``exits``), never a traceback."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # usage errors, --help, --version
        return exc.code if isinstance(exc.code, int) else FAILED
    try:
        code: int = args.run(args)
        return code
    except RuleSetError as exc:
        print(exc, file=sys.stderr)
        return FAILED
    except BrokenPipeError:  # the reader went away (`| head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # as the Python docs advise
        return OK
    except (InputError, OutOfForce, OSError) as exc:
        print(f"bsu-rules: {exc}", file=sys.stderr)
        return FAILED
    except KeyboardInterrupt:
        return INTERRUPTED
    except Exception as exc:  # a bug: one line, the report in a file
        print(report_internal_error(exc), file=sys.stderr)
        return FAILED


if __name__ == "__main__":
    sys.exit(main())
