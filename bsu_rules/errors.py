"""The one error model: every problem is a code, a message and a location.

A :class:`Diagnostic` locates a problem in a file (line, column: rule files, test files, command
options) or in a record (its position in the input and a field path: member records, log
entries). Every exception the library raises on purpose is a :class:`BsuRulesError`; the codes
are the :class:`Code` values, which appear as text in outputs and never change.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum


class Code(StrEnum):
    """The stable code of a problem (the text shown in brackets and in JSON ``code`` fields)."""

    # reading a file
    FILE = "file"
    FILE_NOT_FOUND = "file-not-found"
    ENCODING = "encoding"
    CONTROL_CHARACTER = "control-character"
    YAML_SYNTAX = "yaml-syntax"
    TOO_DEEP = "too-deep"
    TOO_LARGE = "too-large"
    BAD_KEY = "bad-key"
    DUPLICATE_KEY = "duplicate-key"
    LITERAL_TOO_LARGE = "literal-too-large"
    NOT_A_RULE_FILE = "not-a-rule-file"
    # the schema of a rule file
    UNKNOWN_KEY = "unknown-key"
    MISSING_KEY = "missing-key"
    INVALID_VALUE = "invalid-value"
    TABLE = "table"
    DUPLICATE_RULE = "duplicate-rule"
    DUPLICATE_NAME = "duplicate-name"
    NO_GLOSSARY_ENTRY = "no-glossary-entry"
    GLOSSARY = "glossary"
    BAD_FORMAT = "bad-format"
    # expressions
    SYNTAX = "syntax"
    ARITY = "arity"
    CYCLE = "cycle"
    UNKNOWN_NAME = "unknown-name"
    UNKNOWN_FUNCTION = "unknown-function"
    UNKNOWN_VALUE = "unknown-value"
    TYPE_MISMATCH = "type-mismatch"
    INVALID_ARGUMENT = "invalid-argument"
    DIVISION_BY_ZERO = "division-by-zero"
    NEVER_KNOWN = "never-known"
    # warnings
    NEVER_FIRES = "never-fires"
    ALWAYS_FIRES = "always-fires"
    WINDOW_OVERLAP = "window-overlap"
    PLACE_MISMATCH = "place-mismatch"
    UNMATCHABLE_KEY = "unmatchable-key"
    UNUSED = "unused"
    VALUE_OUTSIDE = "value-outside"
    DATA_DATE = "data-date"
    OVERLAPPING_EDITIONS = "overlapping-editions"
    GAP_BETWEEN_EDITIONS = "gap-between-editions"
    DUPLICATE_EDITION = "duplicate-edition"
    GAPPED_PARAMETER = "gapped-parameter"
    STALE_TITLE = "stale-title"
    STALE_BENEFIT = "stale-benefit"
    STALE_EXPLAIN = "stale-explain"
    MISSING_EXPLAIN = "missing-explain"
    MISSING_SOURCE = "missing-source"
    UNKNOWN_SOURCE = "unknown-source"
    EMPTY_WINDOW = "empty-window"
    WINDOW_OUTSIDE = "window-outside"
    UNLIKELY_AMOUNT = "unlikely-amount"
    BELOW_PROVINCE = "below-province"
    RULESET_NAME = "ruleset-name"
    ID_NOT_FILE_NAME = "id-not-file-name"
    # overrides given on the command line
    BAD_OVERRIDE = "bad-override"
    # rule-author test files
    NO_TESTS = "no-tests"
    NOT_A_TEST_FILE = "not-a-test-file"
    UNKNOWN_RULESET = "unknown-ruleset"
    RULESET_ERROR = "ruleset-error"
    DUPLICATE_CASE = "duplicate-case"
    UNKNOWN_BASE = "unknown-base"
    UNKNOWN_RULE = "unknown-rule"
    IMPOSSIBLE_OUTCOME = "impossible-outcome"
    CONTRADICTORY_EXPECTATION = "contradictory-expectation"
    INVALID_MEMBER = "invalid-member"  # a case's member, where the test file gives it (a record: invalid-record)
    OUT_OF_FORCE = "out-of-force"
    EVALUATION_ERROR = "evaluation-error"
    # records (InputError, and the service's 422), and a parameter given with them (ParameterError: a decision
    # date; the service's 400 for any query parameter)
    INVALID_RECORD = "invalid-record"
    BAD_PARAMETER = "bad-parameter"
    # decision logs and archives (the first problem ``bsu-rules verify`` finds, by kind)
    AUDIT = "audit"
    TRUNCATED = "truncated"
    MALFORMED = "malformed"
    EDITED = "edited"
    REFORMATTED = "reformatted"
    REMOVED = "removed"
    REORDERED = "reordered"
    INSERTED = "inserted"
    REHASHED = "rehashed"
    INVALID = "invalid"
    UNSIGNED = "unsigned"
    UNANCHORED = "unanchored"
    # the HTTP service
    BAD_JSON = "bad-json"
    BODY_TOO_LARGE = "body-too-large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type"
    TOO_MANY_RECORDS = "too-many-records"
    TIME_LIMIT = "time-limit"
    UNKNOWN_EDITION = "unknown-edition"
    NOT_FOUND = "not-found"
    LOG_UNAVAILABLE = "log-unavailable"
    BUSY = "busy"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    HTTP_ERROR = "http-error"
    HOST_NOT_ALLOWED = "host-not-allowed"
    INTERNAL = "internal"
    # proofs
    NOT_PROVABLE = "not-provable"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


_OPTION = re.compile(r"--[a-z][a-z-]* ")
"""A diagnostic's place that is an option as typed (``--set wage_ceiling@2022-10-01=4000000``), not a file."""


_ESCAPED = {c: repr(chr(c))[1:-1] for c in (*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029) if c != 0x09}
"""Control characters (a tab aside) and line separators as Python writes them escaped: a line break as ``\\n``."""


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located in a file (line, column) or in a record (``record``, ``field``).

    Sorts by file, line and column. ``code`` is a :class:`Code` (given as one or by its text).
    """

    file: str
    line: int
    column: int
    code: str = dataclasses.field(compare=False)
    message: str = dataclasses.field(compare=False)
    severity: Severity = dataclasses.field(default=Severity.ERROR, compare=False)
    rule: str | None = dataclasses.field(default=None, compare=False)
    suggestion: str | None = dataclasses.field(default=None, compare=False)
    record: int | None = dataclasses.field(default=None, compare=False)  # 1-based place in its input
    field: str | None = dataclasses.field(default=None, compare=False)  # a path inside the record
    typed: bool = dataclasses.field(default=False, compare=False, repr=False)  # about an override as typed

    def __post_init__(self) -> None:
        from bsu_rules.members.redact import (  # lazy: pydantic is not needed to name a code
            hidden_path,
            hide_identifiers,
            hide_typed,
        )

        object.__setattr__(self, "code", Code(self.code))  # an unknown code is a bug: fail here
        # A NIK or an account number never reaches a message, whichever check wrote it; a suggestion
        # that holds one is dropped (the hidden text could not be pasted back). In a problem with an
        # override (``typed``) each value the caller typed is masked on its own.
        hide = hide_typed if self.typed else hide_identifiers
        object.__setattr__(self, "message", hide(self.message))
        # a NIK given as a rule file's name; an option's text (``--set …``) is the caller's command line
        object.__setattr__(self, "file", (hide if _OPTION.match(self.file) else hidden_path)(self.file))
        if self.suggestion is not None and hide(self.suggestion) != self.suggestion:
            object.__setattr__(self, "suggestion", None)

    def __str__(self) -> str:
        """The diagnostic on one line: a line break or other control character in any part (a key of a
        rule file quoted in it) is written escaped, so no part can add a line a reader takes for another."""
        where = f"{self.file}:{self.line}:{self.column}" if self.file or self.field is None else \
            f"record {self.record}, {self.field}" if self.record is not None else self.field
        rule = f" (rule {self.rule})" if self.rule else ""
        hint = f"; did you mean `{self.suggestion}`?" if self.suggestion else ""
        return f"{where}: {self.severity} [{self.code}]{rule}: {self.message}{hint}".translate(_ESCAPED)

    def to_dict(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if v is not None and k != "typed"}


class BsuRulesError(Exception):
    """Every problem the library reports on purpose; ``diagnostics`` gives it in the one shape."""

    code: Code

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [Diagnostic("", 0, 0, self.code, str(self))]


class AuditError(BsuRulesError):
    """A decision log or rule archive is damaged, or cannot be used as asked."""

    code = Code.AUDIT


class PublishedKeyWarning(UserWarning):
    """A pseudonymisation key the project's documentation gives (``bsu_rules.audit.snapshot.PUBLISHED_KEYS``) was
    given to the library: whoever has read it can undo the pseudonyms and keyed input hashes made with it. Warned
    once a call (``DecisionLog``, ``run_batch``, ``run_dask``, ``replay``, ``iter_replay``, ``load_members``), by
    the key's fingerprint; the work goes on. The commands say it on standard error instead."""


def worded(problems: Sequence[tuple[str, str]], beyond: int = 0) -> str:
    """Problems as one message, ``path: problem; ...``: the first ``InputError.MAX_PROBLEMS``, then
    ``and N more problems`` (the wording of every reject, whichever entry point writes it), ``beyond``:
    problems found after those given, counted but never worded."""
    limit = InputError.MAX_PROBLEMS
    more = len(problems) + beyond - limit
    return "; ".join(f"{path}: {message}" for path, message in problems[:limit]) \
        + (f"; and {more} more problems" if more > 0 else "")


class InputError(BsuRulesError, ValueError):
    """A member record (or other input) is malformed; the message names each bad field path (the
    first ``MAX_PROBLEMS``, and how many more). Code ``invalid-record``, the service's for the same record."""

    code = Code.INVALID_RECORD

    MAX_PROBLEMS = 50
    """Problems one error lists; ``more`` counts the rest (a record of 60 000 unknown keys gets a
    message of 50 and ``and 59950 more problems``, not a megabyte)."""

    def __init__(self, problems: list[tuple[str, str]], beyond: int = 0) -> None:
        """``beyond``: problems found after ``problems``, counted in ``more`` but not worded (a record of
        500 000 bad entries is told in the time its first few take)."""
        self.problems = problems[:self.MAX_PROBLEMS]
        self.more = max(0, len(problems) + beyond - self.MAX_PROBLEMS)
        super().__init__(worded(problems, beyond))

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [Diagnostic("", 0, 0, self.code, message, field=path) for path, message in self.problems]

    def line(self, record: int) -> str:
        """The error line ``evaluate`` prints for record number ``record`` (as the service's NDJSON does)."""
        return json.dumps({"error": {"record": record, "field": self.problems[0][0], "message": str(self)}},
                          ensure_ascii=False)


class ParameterError(InputError):
    """A parameter given with the records is malformed: a decision date (``on``) that is not one. Code
    ``bad-parameter``, the service's for the same ``?on=``; an ``InputError`` still, naming the parameter."""

    code = Code.BAD_PARAMETER


class RuleSetError(BsuRulesError, ValueError):
    """A rule file could not be loaded; ``diagnostics`` holds every problem found."""

    code = Code.RULESET_ERROR

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self._diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in diagnostics))

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self._diagnostics


class OutOfForce(BsuRulesError, ValueError):
    """The decision date is outside the dates the rule set is in force; ``applies`` names the
    editions in force on that date (none, one, or more)."""

    code = Code.OUT_OF_FORCE

    def __init__(self, ruleset: str, window: str, day: date, applies: list[tuple[str, str]],
                 here: str = "") -> None:
        """``window`` and the second item of each ``applies`` pair are windows as text; ``here``: where the
        editions named are all those served (" here": a service's)."""
        self.ruleset, self.day, self.applies = ruleset, day, [edition for edition, _ in applies]
        self.window, self._pairs = window, applies
        if applies:
            names = "; ".join(f"{edition} (in force {w})" for edition, w in applies)
            instead = f"on that date use {names}"
        else:
            instead = f"no edition{' served' + here if here else ''} is in force on that date"
        super().__init__(f"{ruleset} is in force {window}; a decision dated {day} cannot use it: {instead}")

    def instead(self, applies: list[tuple[str, str]], here: str) -> OutOfForce:
        """The same refusal naming the editions ``applies`` (each with its window) in place of those found: the
        ones served ``here`` (a service's, of whatever file, never a path on its machine)."""
        return OutOfForce(self.ruleset, self.window, self.day, applies, here)


def on_path(exc: OSError, path: object) -> OSError:
    """``exc`` as the operating system's own error about ``path`` (the file a person gave): Arrow's
    errors, and a write to a file already open, name no file, or a temporary one."""
    if exc.errno is None:
        return exc
    return OSError(exc.errno, os.strerror(exc.errno), str(path))  # FileNotFoundError for ENOENT, and so on


_STOPPED = {errno.ENOSPC: "the disk is full (no space left to write it)",
            errno.EDQUOT: "the disk quota is used up (no space left to write it)",
            errno.EFBIG: "the file would be larger than one file may be here (a limit on a file's size: `ulimit -f`, "
                         "or the file system's)"}


def why_stopped(exc: OSError) -> str:
    """What an operating-system error that stopped a write says, in words: a full disk, a quota, a limit on a
    file's size named as such, anything else as the system says it (``input/output error``)."""
    return _STOPPED.get(exc.errno or 0, (exc.strerror or str(exc)).lower())


def is_device(mode: int) -> bool:
    """Whether a ``st_mode`` is a character or block device's (``/dev/zero``: it may never end)."""
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode)


def file_kind(mode: int) -> str:
    """What a path that is not a regular file (its ``st_mode``) is, in words."""
    return "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else \
        "a device" if is_device(mode) else "a folder" if stat.S_ISDIR(mode) else \
        "a special file"
