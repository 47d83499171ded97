"""``python -m bsu_rules`` and the ``bsu-rules`` program: the command line, started so that Ctrl-C
while its modules load is said in one line too."""

from __future__ import annotations

import sys


def program() -> int:
    from bsu_rules._lazy import kept_loaded, uncollected  # lazy: as everything the program loads (light)

    with kept_loaded():
        try:
            with uncollected():
                from bsu_rules.cli import program as command_line  # lazy: a Ctrl-C while it loads is caught here
        except (KeyboardInterrupt, RuntimeError) as exc:  # 3.11 wraps one met in a class's __set_name__
            if not isinstance(exc, KeyboardInterrupt) and not isinstance(exc.__cause__, KeyboardInterrupt):
                raise
            print("bsu-rules: interrupted before the command began: nothing was read or written", file=sys.stderr)
            return 130
        return command_line()


if __name__ == "__main__":
    sys.exit(program())
