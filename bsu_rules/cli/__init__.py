"""The ``bsu-rules`` command. Each subcommand lives in its own module with an ``add`` function."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from bsu_rules import __version__
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
    """Run a command; bad input gives a message and exit status 2, never a traceback."""
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except RuleSetError as exc:
        print(exc, file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`| head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # as the Python docs advise
        return 0
    except (InputError, OutOfForce, OSError) as exc:
        print(f"bsu-rules: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
