"""Exit statuses, the same for every command, and the one-line report of an internal error.

0: everything was decided (or checked) and nothing was rejected. 1: the run finished, but some
records (rules, log lines, test cases) were rejected or failed; a count line says how many.
2: the run could not proceed (usage, a file-level problem, input/output). An internal error is
also 2: one line on stderr naming the file where the full report was written, never a traceback.
"""

from __future__ import annotations

import os
import tempfile
import traceback
from datetime import UTC, datetime

OK, REJECTED, FAILED = 0, 1, 2
INTERRUPTED = 130


def report_internal_error(exc: BaseException) -> str:
    """Write the traceback to a private file and return the line to print."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        fd, path = tempfile.mkstemp(prefix=f"bsu-rules-error-{stamp}-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("".join(traceback.format_exception(exc)))
    except OSError:
        return f"bsu-rules: internal error ({type(exc).__name__}); the report could not be written"
    return f"bsu-rules: internal error ({type(exc).__name__}); the full report is in {path}"
