"""Argument types, options and rule-set loading shared by several commands."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import stat
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bsu_rules.audit.keys import KEY_ENV, SHORT_KEY, published_words, weak_key
from bsu_rules.errors import InputError, file_kind, is_device
from bsu_rules.members.redact import hidden_path, shortened
from bsu_rules.ruleset.override_texts import override_options
from bsu_rules.ruleset.override_warnings import told
from bsu_rules.ruleset.overrides import reform_of
from bsu_rules.ruleset.spelling import not_a_date

if TYPE_CHECKING:
    from bsu_rules.ruleset.model import RuleSet


def day(text: str) -> date:
    """An argparse type for YYYY-MM-DD; another form of a date is told as a rule file's is, with the
    date it probably means (``31/12/2022``: ``2022-12-31``)."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else date.fromisoformat("x")
    except ValueError:
        raise argparse.ArgumentTypeError(not_a_date(text)) from None


ON_HELP = ("decision date YYYY-MM-DD (default: the latest date on which the rule file changes something: its "
           "start, a rule's start or end, a dated value; for bsu-2022, 2022-09-05)")


class Inputs(argparse.Action):
    """Input files (``nargs="+"``) in which ``-``, standard input, stands once: it can be read only once,
    so a second ``-`` is a usage error before anything is read."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        if isinstance(values, list) and values.count("-") > 1:
            raise argparse.ArgumentError(self, f"- (standard input) is given {values.count('-')} times: standard "
                                               "input can be read only once, so give - once")
        setattr(namespace, self.dest, values)


def add_key_options(p: argparse.ArgumentParser) -> None:
    """``--key-file``: the pseudonymisation key (else the environment variable)."""
    p.add_argument("--key-file", metavar="FILE",
                   help=f"the pseudonymisation key for NIKs (HMAC-SHA256), read from FILE (default: ${KEY_ENV})")


def key_file(args: argparse.Namespace) -> dict[str, Path]:
    """``--key-file``, as a file read (for ``distinct``): none when the key comes from elsewhere."""
    path = getattr(args, "key_file", None)
    return {"--key-file": Path(path)} if path else {}


def pseudonym_key(args: argparse.Namespace, reading: bool = False) -> bytes | None:
    """The key from ``--key-file`` (its first line, without a byte order mark), the environment (without
    a line end) or (with a warning) ``--pseudonymize-key``; InputError for a key that is empty or only
    spaces (the environment variable set but empty among them: a secret that did not arrive, unless ``reading``
    or ``--full-nik`` asks for no key), or weak
    (``weak_key``: short, or a few byte values repeated) unless ``reading`` (a log or batch made with it before is
    replayed or explained: only warned of). However it is given, the same key gives the same pseudonyms."""
    given = getattr(args, "pseudonymize_key", None)
    if given:
        print(f"bsu-rules: warning: a key on the command line can be seen by other users (ps, shell history); "
              f"use --key-file or ${KEY_ENV}", file=sys.stderr)
        return _key(given.encode("utf-8"), "--pseudonymize-key", "the key", reading)
    path = getattr(args, "key_file", None)
    if path:
        with open(path, "rb") as f:
            mode = os.fstat(f.fileno()).st_mode
            if is_device(mode):  # /dev/zero: 65 536 NUL bytes anyone can guess
                raise InputError([(path, f"{file_kind(mode)}, not a regular file: give the file holding the key")])
            if _reads_standard_input(args) and _same_file(f.fileno(), 0):  # the first record would be the key
                raise InputError([(path, "standard input, which the members are read from (`-`): give the key "
                                         "in a file of its own")])
            if any(_is_file(f.fileno(), given) for given in _inputs(args)):  # the same, named as the input
                raise InputError([(path, "also the input: give the key in a file of its own (its first line is a "
                                         "record, known to all who hold the input)")])
            open_key_warning(path, mode, "undo every pseudonym and keyed input hash made with it")
            try:
                first = f.readline(1 << 16)
                longer = len(first) == 1 << 16 and not first.endswith(b"\n") and bool(f.read(1))
                after = f.read(1 << 16) if first.removeprefix(_BOM).startswith(_COMMENT) else b""
            except OSError as exc:  # an I/O error reading it: said of the key file, not of an output
                raise OSError(exc.errno, exc.strerror, path) from None
            if longer:  # cut short: another key
                raise InputError([(path, "the key's first line is longer than 65,536 bytes: a key is a line of "
                                         "some 32 to 64 characters (openssl rand -hex 32)")])
        if not first:
            raise InputError([(path, "the key file is empty")])
        if after.strip():  # a comment put before the key: the same text in every file written from one example
            comment = ("the key file's first line begins with '#', as a comment does, and more lines follow: the key "
                       "is the first line, so the comment would be the key; put the key alone on the first line "
                       "(a comment may follow it)")
            if not reading:
                raise InputError([(path, comment)])
            print(f"bsu-rules: warning: {hidden_path(path)}: {comment}", file=sys.stderr)
        return _key(first.removeprefix(_BOM).rstrip(b"\r\n"), path, "the key (the file's first line)", reading)
    value = os.environ.get(KEY_ENV)  # a line, as in a file: a secret made with `echo` ends with its line end
    if value is None or (value == "" and (reading or getattr(args, "full_nik", False))):
        return None  # set but empty where no new keyed output is made (a read, full NIKs asked for): as unset
    return _key(os.fsencode(value).rstrip(b"\r\n"), f"${KEY_ENV}", "the key", reading)  # set but empty: refused


def _inputs(args: argparse.Namespace) -> list[str]:
    """The inputs a command names (records, members, logs): ``-`` for standard input."""
    given = [getattr(args, name, None) for name in ("files", "input", "members")]
    return [g for each in given for g in (each if isinstance(each, list) else [each]) if isinstance(g, str)]


def _reads_standard_input(args: argparse.Namespace) -> bool:
    return "-" in _inputs(args)


def _is_file(fd: int, path: str) -> bool:
    """Whether ``path`` names the file open as ``fd`` (not ``-``; a path that cannot be looked at is not)."""
    try:
        a, b = os.fstat(fd), os.stat(path)
    except (OSError, ValueError):
        return False
    return path != "-" and (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _same_file(fd: int, other: int) -> bool:
    try:
        a, b = os.fstat(fd), os.fstat(other)
    except OSError:  # no standard input at all
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


_BOM = "\ufeff".encode()  # an editor's mark at the start of a text file, not part of the key
_COMMENT = b"#"  # how a comment line begins in the files a key is kept beside (shell, .env, INI)


def _key(key: bytes, where: str, what: str, reading: bool) -> bytes:
    if not key.strip():
        raise InputError([(where, f"{what} is empty or only spaces")])
    weak = weak_key(key)
    if weak is not None and not reading:  # the library's rule (``new_key``), said here
        raise InputError([(where, f"{weak}; make a key of 32 random bytes (head -c 32 /dev/urandom | base64 > "
                                  "pseudonym.key; chmod 600 pseudonym.key) and give --key-file pseudonym.key")])
    if (published := published_words(key)) is not None:  # known to all, not merely guessable: said so, not refused
        print(f"bsu-rules: warning: {where}: {published}; make a key of your own (head -c 32 /dev/urandom | base64 "
              f"> pseudonym.key) and start a new log with it", file=sys.stderr)  # the library's warning: not again
    elif weak is not None and len(key) < SHORT_KEY:  # what such a key made before, read
        print(f"bsu-rules: warning: {where}: the key is {len(key)} byte{'s' if len(key) != 1 else ''}: every log "
              f"line carries its fingerprint, against which a short or guessable key can be tried offline, and with "
              f"it the pseudonyms and input hashes it protects; use {SHORT_KEY} random bytes or more (openssl rand "
              f"-hex 32)", file=sys.stderr)
    elif weak is not None:
        print(f"bsu-rules: warning: {where}: {weak}; use random bytes (openssl rand -hex 32)", file=sys.stderr)
    return key


def open_key_warning(path: str, mode: int, undoes: str) -> None:
    """On stderr, as ssh does, when a key file (mode ``mode``) lets other users than its owner read or change
    it: the fix named, the run goes on. A pipe or a key from the environment is not a file anyone else
    reads; on Windows, modes do not say who can read a file."""
    if os.name != "posix" or not stat.S_ISREG(mode) or not mode & 0o066:
        return
    can = " and ".join(w for w, bits in (("read", 0o044), ("change", 0o022)) if mode & bits)
    shown = hidden_path(path)
    print(f"bsu-rules: warning: {shown}: the key file's permissions {stat.S_IMODE(mode):04o} let other users {can} "
          f"it: whoever reads it can {undoes}; make it readable by you alone: chmod 600 {shown}", file=sys.stderr)


def nik(text: str) -> str:
    """An argparse type for a NIK (16 digits 0-9); the value is never repeated (it may be one)."""
    if _sixteen_digits(text):
        return text
    if _sixteen_digits(re.sub(r"[\s.\-]", "", text)):
        why = "write it without spaces, dots or dashes"
    elif len(text) == 16 and re.fullmatch(r"\d{4}\*{8}\d{4}", text):
        why = ("the value given is a NIK as decisions mask it: give the whole NIK (a masked one names thousands "
               "of people)")
    elif len(text) != 16:
        why = f"the value given has {len(text)} characters"
    else:
        why = "the value given has a character that is not a digit"
    raise argparse.ArgumentTypeError(f"not a NIK: a NIK is 16 digits (0-9); {why}")


def _sixteen_digits(text: str) -> bool:
    return len(text) == 16 and text.isascii() and text.isdigit()


def solver_timeout(text: str) -> int:
    """A solver's time limit per call, given in seconds (a thousandth to a day), as whole milliseconds for
    argparse: the solver holds 32 bits of them, and reads 0 as no limit at all."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.001 <= value <= _DAY:  # also refuses NaN
        raise argparse.ArgumentTypeError(f"{shortened(text)!r} is not a time limit (a number of seconds from 0.001 "
                                         f"to {_DAY})")
    return math.ceil(value * 1000)


_DAY = 86400


def positive_int(text: str) -> int:
    """A whole number of 1 or more, in the digits 0-9 only (``int`` would also take ``٣``, ``+5`` or ``1_6``)."""
    if not (text.isascii() and text.isdigit()) or int(text) == 0:
        raise argparse.ArgumentTypeError(f"{shortened(text)!r} is not a positive whole number")
    return int(text)


def count(text: str) -> int:
    """A whole number of 0 or more, in the digits 0-9 only (``-1`` was taken as none)."""
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{shortened(text)!r} is not a whole number (0 or more)")
    return int(text)


def percent(text: str) -> float:
    """A percentage from 0 to 100, for argparse (NaN, which no coverage is under, refused)."""
    try:
        value = float(text.removesuffix("%")) if text.isascii() else -1.0  # float() takes "３８" too
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:  # also refuses NaN
        raise argparse.ArgumentTypeError(f"{shortened(text)!r} is not a percentage from 0 to 100")
    return value


def used(ruleset: RuleSet) -> str:
    """Which rule file a command used, and its sha256: the line every command prints. A reform names
    its base file's sha256 and its overrides, then its own sha256 (the one its decisions carry)."""
    base: RuleSet | None = getattr(ruleset, "base", None)
    if base is None:
        return f"rule set {ruleset.id} {ruleset.version}: {ruleset.path} sha256 {ruleset.sha256}"
    return f"{used(base)}; what-if {override_options(ruleset)}: sha256 {ruleset.sha256}"


def read_ruleset(name: str) -> RuleSet:
    """A rule set (path or bundled id); the rule file of an archive entry is the entry, checked as replay
    checks it."""
    from bsu_rules.ruleset.loader import load_ruleset, resolve  # lazy: --help and schema never read the rules

    try:
        folder = resolve(name).resolve().parent.name
    except (OSError, RuntimeError):  # a loop of links: loading it says so
        folder = ""
    if not _ENTRY.fullmatch(folder):  # no archive entry holds it (``archive.archived_entry``): loaded as it is
        return load_ruleset(name)
    from bsu_rules.audit.archive import entry_or_file  # lazy: the archive code only for a file an entry may hold

    return entry_or_file(name)


_ENTRY = re.compile(r"[0-9a-f]{64}")
"""The name of an archive entry's folder, a rule set's sha256 (``fullmatch`` only)."""


def load(name: str) -> RuleSet:
    """Load a rule set (path or bundled id) and say on stderr which file and sha256 it is, and its warnings."""
    ruleset = read_ruleset(name)
    print(f"bsu-rules: {used(ruleset)}", file=sys.stderr)
    folder_copy(name, ruleset)
    say_warned(ruleset)
    return ruleset


FOLDER_RULES = Path("rules")
"""The rule files in the working folder that ``test rules/`` and ``doc --all`` read: a copy an analyst edits."""


def folder_copy(name: str, ruleset: RuleSet, who: str = "bsu-rules", *, beside: RuleSet | None = None) -> None:
    """Say on stderr (a note, never a failure) when ``name``, a bundled id, was read from the bundled edition while
    the working folder's ``rules/<id>.yaml``, or a table or the glossary beside it, differs from what was read: the
    id still means the bundled edition, as services and archives rely on; the copy is read by its path. ``beside``:
    the rule set ``ruleset`` is measured against (an ``impact`` reform), which may be that copy itself."""
    with contextlib.suppress(OSError, RuntimeError, ValueError):  # a note: what goes wrong in looking is left unsaid
        if (note := _copy_differs(name, ruleset, beside)) is not None:
            print(f"{who}: note: {note}", file=sys.stderr)


def _copy_differs(name: str, ruleset: RuleSet, beside: RuleSet | None = None) -> str | None:
    """What of the working folder's copy of the bundled edition ``name`` differs from the bundled files ``ruleset``
    was read from (None: no copy, the same bytes, or ``ruleset`` was read from another file); where ``beside`` was
    read from that copy, that the bundled edition is the one it is measured against."""
    from bsu_rules.glossary import FILE as GLOSSARY_FILE  # lazy: --help and schema never read the rules
    from bsu_rules.ruleset.editions import bundled_rules  # lazy: idem

    base = _origin(ruleset)
    bundled = bundled_rules()
    if Path(name).name != name or base.path != bundled / f"{name}.yaml":
        return None
    copy = FOLDER_RULES / f"{name}.yaml"
    if not copy.is_file() or copy.resolve() == base.path.resolve():  # none, or run in the package's own tree
        return None
    read = [path.relative_to(bundled) for path in base.files().values() if path.is_relative_to(bundled)]
    changed = [FOLDER_RULES / part for part in [*read, Path(GLOSSARY_FILE)]
               if _bytes(FOLDER_RULES / part) not in (None, _bytes(bundled / part))]
    if not changed:
        return None
    if beside is not None and _origin(beside).path.resolve() == copy.resolve():  # the edit measured, as asked
        return f"the baseline is the bundled {name}, not {copy}: the reform (its path) is measured against the " \
            "edition as bundled"
    if changed[0] == copy:
        return f"{copy} in this folder differs from the bundled {name} used here; give its path ({copy}) to use it"
    one = len(changed) == 1
    return (f"{', '.join(map(str, changed))} in this folder {'differs' if one else 'differ'} from the bundled "
            f"{name}'s, which {'is' if one else 'are'} read here; give the path of the folder's rule file ({copy}) to "
            "use the folder's")


def _origin(ruleset: RuleSet) -> RuleSet:
    """The rule set as read from its file: a what-if's edition it was made from."""
    while (under := getattr(ruleset, "base", None)) is not None:
        ruleset = under
    return ruleset


def _bytes(path: Path) -> bytes | None:
    """A file's bytes, read within a table's limit (None: not there, or not a regular file one can read)."""
    from bsu_rules.ruleset.files import TABLE_LIMIT, UnsafePath, followed, read_limited  # lazy: idem

    try:
        return read_limited(followed(path), TABLE_LIMIT)
    except UnsafePath:
        return None


def say_warned(ruleset: RuleSet, who: str = "bsu-rules") -> None:
    """The warnings ``check`` gives the rule file, on stderr: every command that loads one says them."""
    for diagnostic in ruleset.warned:
        print(f"{who}: {diagnostic}", file=sys.stderr)


def add_reform_options(p: argparse.ArgumentParser) -> None:
    """``--set NAME[@DATE]=VALUE`` and ``--table NAME=FILE``: a reform without editing the rule file."""
    p.add_argument("--set", action="append", default=[], metavar="NAME[@DATE]=VALUE", dest="sets",
                   help="override a parameter (or benefit.amount/monthly/months/instalments, or "
                        "table.NAME.unlisted=absent|unknown) for this run; from DATE if given")
    p.add_argument("--table", action="append", default=[], metavar="NAME=FILE", dest="tables",
                   help="replace a table by a CSV file with the same columns for this run")


def load_reform(name: str, args: argparse.Namespace) -> RuleSet:
    """The rule set named, with the command line's ``--set``/``--table`` overrides applied; named on stderr
    with its file and sha256 (a reform has its own), and its warnings for the decision date ``--on`` (else
    its default date)."""
    ruleset = reform_from(name, args)
    tell(ruleset, getattr(args, "on", None), named=name)
    return ruleset


def reform_from(name: str, args: argparse.Namespace) -> RuleSet:
    """The rule set named, with the command line's ``--set``/``--table`` overrides applied; told nothing."""
    return reform_of(read_ruleset(name), getattr(args, "sets", []), getattr(args, "tables", []))


def tell(ruleset: RuleSet, on: date | None, side: str = "", on_option: str = "--on", *,
         named: str | None = None, beside: RuleSet | None = None) -> None:
    """Name a rule set on stderr (file, sha256, overrides: ``side`` before, such as ``baseline``) and
    warn of what its overrides leave as it was, a dated one the decision date ``on`` (``on_option``;
    None: the default date) does not read among them. ``named``: the name it was given by, ``beside``: the rule
    set it is measured against (``folder_copy``)."""
    print(f"bsu-rules: {side + ' ' if side else ''}{used(ruleset)}", file=sys.stderr)
    if named is not None:
        folder_copy(named, ruleset, beside=beside)
    for warning in told(ruleset, on or ruleset.default_on, on_option):
        print(f"bsu-rules: {'' if warning.kind == 'rule-file' else 'warning: '}{warning}", file=sys.stderr)
