"""Exit statuses, the same for every command, and the one-line report of an internal error.

0: everything was decided (or checked) and nothing was rejected. 1: the run finished, but some
records (rules, log lines, test cases) were rejected or failed; a count line says how many.
2: the run could not proceed (usage, a file-level problem, input/output). An internal error is
also 2: one line on stderr naming the file where the full report was written, never a traceback.
130 (Ctrl-C, SIGINT) and 143 (SIGTERM): interrupted; a line says so and what was done by then.
"""

from __future__ import annotations

import os
import signal
import tempfile
import traceback
from datetime import UTC, datetime
from typing import Any

OK, REJECTED, FAILED = 0, 1, 2
INTERRUPTED, TERMINATED = 130, 143
CLOSED = 141  # the output's reader went away (128 + SIGPIPE, as a shell shows a process SIGPIPE ended)


class Interrupted(KeyboardInterrupt):
    """A run stopped by Ctrl-C or SIGTERM: its exit status and, when the command knows, what was
    done by then (``done``, the end of the line ``bsu-rules: interrupted ...``)."""

    def __init__(self, status: int = INTERRUPTED, done: str = "") -> None:
        super().__init__(done)
        self.status, self.done = status, done


def interruption(exc: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C or SIGTERM ``exc`` is, or that Python 3.11 wrapped in it (a ``RuntimeError`` raised from one
    met while a class was built, in ``__set_name__``); None for any other error."""
    for found in (exc, exc.__cause__):
        if isinstance(found, KeyboardInterrupt):
            return found
    return None


def interrupted(exc: KeyboardInterrupt, done: str) -> Interrupted:
    """``exc`` (Ctrl-C or SIGTERM) with what the command had done when it came."""
    return Interrupted(getattr(exc, "status", INTERRUPTED), done)


class _Deferral:
    """While ``active``, Ctrl-C or SIGTERM is kept (``pending``: its status) instead of stopping."""

    active = False
    pending = 0


def _stop(signum: int, frame: object) -> None:
    status = TERMINATED if signum == signal.SIGTERM else INTERRUPTED
    if _Deferral.active:
        _Deferral.pending = status
        return
    raise Interrupted(status)


def catch_signals() -> dict[int, Any]:
    """Make Ctrl-C and SIGTERM raise ``Interrupted`` where the program is (so a run cleans up and
    says what it did); the previous handlers, to restore (none off the main thread, where no
    handler can be set)."""
    previous: dict[int, Any] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[signum] = signal.signal(signum, _stop)
        except ValueError:
            break
    return previous


class whole:
    """Ctrl-C and SIGTERM wait until the block is done (a line being written is written whole)."""

    def __enter__(self) -> None:
        self.outer = _Deferral.active
        _Deferral.active = True

    def __exit__(self, *exc: object) -> None:
        _Deferral.active = self.outer
        if not self.outer and _Deferral.pending:
            status, _Deferral.pending = _Deferral.pending, 0
            raise Interrupted(status)


class settled:
    """Ctrl-C and SIGTERM are let go in the block: the work is done and kept, what is left is to
    say so (the exit status is the work's, not an interruption's)."""

    def __enter__(self) -> None:
        self.outer = _Deferral.active
        _Deferral.active = True

    def __exit__(self, *exc: object) -> None:
        _Deferral.active = self.outer
        if not self.outer:
            _Deferral.pending = 0


def report_internal_error(exc: BaseException) -> str:
    """Write the traceback to a private file (each NIK or account number in it hidden: a message
    may quote a record) and return the line to print."""
    try:
        from bsu_rules.members.redact import hide_identifiers  # lazy: only a failing run needs it
    except Exception:  # the failure may be this import's: the report is written all the same
        def hide_identifiers(text: str) -> str:
            return text
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        fd, path = tempfile.mkstemp(prefix=f"bsu-rules-error-{stamp}-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(hide_identifiers("".join(traceback.format_exception(exc))))
    except OSError:
        return f"bsu-rules: internal error ({type(exc).__name__}); the report could not be written"
    return f"bsu-rules: internal error ({type(exc).__name__}); the full report is in {path}"
