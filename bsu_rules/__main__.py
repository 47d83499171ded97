"""``python -m bsu_rules`` and the ``bsu-rules`` program: the command line, started so that Ctrl-C or
SIGTERM while its modules load is said in one line too, and without pydantic's plugins."""

from __future__ import annotations

import os
import signal
import sys


class _Terminated(KeyboardInterrupt):
    """SIGTERM before the command's own handlers are set (``cli.exits.catch_signals``)."""

    status = 143


def _terminate(signum: int, frame: object) -> None:
    raise _Terminated


PLUGINS_OFF = ("PYDANTIC_DISABLE_PLUGINS", "__all__")
"""Set unless the caller set it: a pydantic plugin installed beside the program would see every value validated,
full NIKs and account numbers among them, and finding plugins reads every installed package's metadata (about
0.2 s of each command's start on a full environment). The library itself leaves the choice to its caller."""


def program() -> int:
    from bsu_rules._lazy import kept_loaded, uncollected  # lazy: as everything the program loads (light)

    signal.signal(signal.SIGTERM, _terminate)
    os.environ.setdefault(PLUGINS_OFF[0], PLUGINS_OFF[1])
    with kept_loaded():
        try:
            with uncollected():
                from bsu_rules.cli import program as command_line  # lazy: a Ctrl-C while it loads is caught here
        except (KeyboardInterrupt, RuntimeError) as exc:  # 3.11 wraps one met in a class's __set_name__
            stop = exc if isinstance(exc, KeyboardInterrupt) else exc.__cause__
            if not isinstance(stop, KeyboardInterrupt):
                raise
            print("bsu-rules: interrupted before the command began: nothing was read or written", file=sys.stderr)
            return getattr(stop, "status", 130)
        return command_line()


if __name__ == "__main__":
    sys.exit(program())
