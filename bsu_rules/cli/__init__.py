"""The ``bsu-rules`` command. Each subcommand lives in its own module with an ``add`` function."""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import re
import shlex
import signal
import stat
import sys
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

from bsu_rules._lazy import uncollected
from bsu_rules._version import __version__
from bsu_rules.cli.exits import CLOSED, FAILED, INTERRUPTED, catch_signals, interruption, report_internal_error
from bsu_rules.errors import BsuRulesError, InputError, OutOfForce, PublishedKeyWarning, RuleSetError, why_stopped

COMMANDS = {  # name -> the one-line help; the module bsu_rules.cli.<name> is imported only when it runs
    # deciding and rule authoring
    "evaluate": "decide member records under a rule set",
    "check": "check rule files and print diagnostics",
    "schema": "print a JSON Schema",
    "test": "run rule-author test cases (YAML files with a top-level `cases:` key)",
    "doc": "write a readable page of an edition (Markdown or HTML)",
    "diff": "compare two rule files, or one at two dates, and the decisions they give",
    "prove": "prove properties of a rule set for every possible member (needs the prove extra)",
    # auditing
    "archive": "store rule sets under DIR/<sha256>/ for replay",
    "verify": "check the hash chain of a decision log",
    "replay": "re-decide a decision log under its archived rule sets",
    # national-scale screening
    "batch": "decide every member of a Parquet, JSONL or CSV file",
    "generate": "write a synthetic member population (Parquet, JSONL or CSV)",
    "explain": "explain a member's decision from a batch output",
    "impact": "measure a reform (or another edition) over a member file: HTML report and JSON",
    # the HTTP service; the bundled examples
    "serve": "serve decisions over HTTP (POST /v1/decisions; /openapi.json)",
    "example": "print a bundled example file (e.g. members), or list them",
}


PRINTED = {  # what a command prints on standard output, its product: refused at once when that is closed (``>&-``)
    "evaluate": "its decisions", "check": "its diagnostics", "schema": "the schema", "test": "its results",
    "doc": "the page", "diff": "the comparison", "prove": "its verdicts", "verify": "what it found",
    "replay": "what it found", "explain": "the explanation", "example": "the example",
}  # batch, generate, impact, archive, serve: their product goes to a file, a folder or the network, and
# standard output has only a summary (its exit status says as much): they run, the summary lost


class _Parser(argparse.ArgumentParser):
    """Options only as written in full (``--key`` is not ``--key-file``: a secret given to it was
    reported back as a file not found), and a usage error that repeats no key or NIK given."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def _print_message(self, message: str, file: Any = None) -> None:
        """As argparse's, but the help or version that the output does not take is not ignored
        (``--help > /dev/full``); stderr never fails (``_standard_streams``)."""
        if message:
            (file or sys.stderr).write(message)

    def error(self, message: str) -> NoReturn:
        from bsu_rules.members.redact import hide_identifiers  # lazy: a usage error only

        head, found, given = message.partition("unrecognized arguments: ")
        if found:  # what follows an option about a key (``--pseudo KEY``, ``--key=KEY``) up to the next option
            shown, secret, named = [], False, False
            for word in given.split(" "):
                option = word.startswith(("-", "\u2013", "\u2014")) and not named  # a dash a word processor made
                # counts as one; the word after a key's option is the key, `-x…` too
                name, equals, _ = word.partition("=")
                secret = (option and _SECRET.search(name) is not None) or (secret and not option)
                named = option and secret and not equals
                shown.append(f"{name}=…" if option and equals and secret else "…" if secret and not option else word)
            message = head + found + " ".join(shown)
        super().error(hide_identifiers(message))


_SECRET = re.compile(r"key|secret|pass|token|--pseudo|--sign", re.IGNORECASE)
"""An option whose value may be a secret: a usage error repeats none of what follows it."""


def parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser. With ``argv``, only the command it names is loaded (the others are listed
    by name and help); without, every command is."""
    wanted = next((a for a in argv if not a.startswith("-")), None) if argv is not None else None
    top = _Parser(prog="bsu-rules", description="Decide, explain and prove BSU eligibility.")
    top.add_argument("--version", action="version", version=f"bsu-rules {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, summary in COMMANDS.items():
        if argv is None or name == wanted:
            with uncollected():
                importlib.import_module(f"bsu_rules.cli.{name}").add(sub)
            _described(sub.choices[name], summary)
        else:
            sub.add_parser(name, help=summary)
    return top


def _described(command: argparse.ArgumentParser, summary: str) -> None:
    """A command's own ``--help`` opens with its one-line help where it has no description, and says
    the default of each option offering a choice (``--lang {id,en}  … (default id)``)."""
    if command.description is None:
        command.description = summary[0].upper() + summary[1:] + "."
    for action in command._actions:
        if action.choices is not None and isinstance(action.default, str) and "default" not in (action.help or ""):
            action.help = f"{action.help} (default {action.default})" if action.help else f"default {action.default}"


def _hidden(said: str) -> str:
    """A hint that repeats what was typed, as the usage error before it says it: no NIK or account number."""
    from bsu_rules.members.redact import hide_identifiers  # lazy: a usage error only

    return hide_identifiers(said)


def _command_parser(top: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    """The parser of one command of ``top``."""
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    chosen: argparse.ArgumentParser = commands.choices[command]
    return chosen


def _rule_set_first(arguments: list[str]) -> str | None:
    """What a usage error means when a member file stands where the rule set goes (``bsu-rules
    evaluate members.jsonl``: the file was read as the rule set, and no file is left)."""
    if len(arguments) < 2 or arguments[0] not in ("evaluate", "batch", "impact", "explain"):
        return None
    if not arguments[1].lower().endswith((".json", ".jsonl", ".csv", ".parquet")):
        return None
    given = _hidden(arguments[1])
    return f"{given} is a member file: the rule set comes first (bsu-rules {arguments[0]} bsu-2022 {given} ...)"


def _swapped(arguments: list[str]) -> str | None:
    """The member file given before the rule set (``bsu-rules evaluate members.jsonl bsu-2022``), told
    as such rather than as a rule file that does not parse."""
    hint = _rule_set_first(arguments)
    if hint is None or len(arguments) < 3 or not re.fullmatch(r"bsu-\d{4}|.+\.ya?ml", arguments[2], re.IGNORECASE):
        return None
    kind = "decisions" if arguments[0] == "explain" else "member"
    given, rules = _hidden(arguments[1]), _hidden(arguments[2])
    return f"{given} is a {kind} file and {rules} a rule set: the rule set comes first " \
           f"(bsu-rules {arguments[0]} {rules} {given} ...)"


def _piped(arguments: list[str]) -> str | None:
    """``… | bsu-rules evaluate bsu-2022``: the records piped in, and no ``-`` to read them."""
    if len(arguments) != 2 or arguments[0] != "evaluate" or arguments[1].startswith("-"):
        return None
    try:  # a pipe, or a file with something in it (not a terminal, nor cron's /dev/null)
        mode = os.fstat(sys.stdin.fileno())
        piped = stat.S_ISFIFO(mode.st_mode) or (stat.S_ISREG(mode.st_mode) and mode.st_size > 0)
    except (AttributeError, OSError, ValueError):
        return None
    return f"to read the records piped in, give - as the file: bsu-rules evaluate {_hidden(arguments[1])} -" \
        if piped else None


def _spaced_override(arguments: list[str]) -> str | None:
    """``--set wage_ceiling 4300000`` (argparse: ``unrecognized arguments: 4300000``) told how it is written."""
    for option, name, value in zip(arguments, arguments[1:], arguments[2:], strict=False):
        if option in ("--set", "--table") and "=" not in name and not value.startswith("-"):
            form = "NAME=FILE" if option == "--table" else "NAME=VALUE"
            return f"{option} takes {form} as one word: {option} {_hidden(shlex.quote(f'{name}={value}'))}"
    return None


def _os_error(exc: OSError) -> str:
    """An operating-system error as ``path: what is wrong``, not ``[Errno 21] Is a directory``."""
    if exc.strerror is None:
        return str(exc)
    if exc.filename is None:  # a standard stream (``> /dev/full``): whatever files the run wrote are whole
        return "the output could not be written: " + why_stopped(exc)
    said = {IsADirectoryError: "is a folder, not a file", FileExistsError: "already exists (and is not a folder)",
            FileNotFoundError: "no such file or folder", NotADirectoryError: "is not a folder",
            PermissionError: "permission denied"}.get(type(exc)) or why_stopped(exc)
    from bsu_rules.members.redact import hidden_path  # lazy: an error only

    return f"{hidden_path(str(exc.filename))}: {said}"  # the caller's own name, yet never a NIK


_LOOP = re.compile(r"Symlink loop from '(.*)'", re.S)
"""What ``Path.resolve`` says of a loop of symbolic links."""


def main(argv: Sequence[str] | None = None, *, last: bool = False) -> int:
    """Run a command; the exit status means the same for every command (``exits``), never a traceback.
    ``last``: nothing but the exit follows (``program``), so Ctrl-C and SIGTERM are then ignored, not
    put back as they were."""
    closed = _output_closed()
    streams = _standard_streams()  # from the start: a usage message never lands in an output either
    try:
        with warnings.catch_warnings():  # a published key: the key's reader says it on stderr, once
            warnings.simplefilter("ignore", PublishedKeyWarning)
            return _command(argv, last, closed)
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams


def _command(argv: Sequence[str] | None, last: bool, closed: bool = False) -> int:
    """``main`` within its standard streams: the arguments read, then the command run (not when it prints
    its product on a standard output that was ``closed``)."""
    try:
        arguments = sys.argv[1:] if argv is None else list(argv)
        if swapped := _swapped(arguments):
            print(f"bsu-rules: {swapped}", file=sys.stderr)
            return FAILED
        top = parser(arguments)
        args, extra = top.parse_known_args(arguments)
        if extra:  # told by the command's own parser: its usage lists the options it has
            _command_parser(top, args.command).error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exc:  # usage errors, --help, --version
        if exc.code == FAILED and (hint := _rule_set_first(arguments) or _spaced_override(arguments) or
                                   _piped(arguments)):
            print(f"bsu-rules: {hint}", file=sys.stderr)
        try:  # --help, --version: what is buffered must reach the output
            sys.stdout.flush()
        except OSError as error:
            return _unwritten(error)
        return exc.code if isinstance(exc.code, int) else FAILED
    except OSError as exc:  # the help or version was not written
        return _unwritten(exc)
    except (KeyboardInterrupt, RuntimeError) as exc:  # Ctrl-C while the command's modules load: nothing was begun
        if (stop := interruption(exc)) is None:
            print(report_internal_error(exc), file=sys.stderr)
            return FAILED
        print("bsu-rules: interrupted before the command began: nothing was read or written", file=sys.stderr)
        return int(getattr(stop, "status", INTERRUPTED))  # SIGTERM: 143 (``__main__``)
    except Exception as exc:  # a bug: one line, the report in a file
        print(report_internal_error(exc), file=sys.stderr)
        return FAILED
    if closed and (unprinted := _unprinted(args)):
        print(f"bsu-rules: {unprinted}", file=sys.stderr)
        return FAILED
    _hide_given(arguments, records_out=args.command in ("evaluate", "example"))
    previous = catch_signals()
    for stream in (sys.stdout, sys.stderr):  # decision JSON and explanations are UTF-8 whatever the locale
        if str(getattr(stream, "encoding", "utf-8")).lower().replace("-", "") != "utf8" and \
                hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    try:
        code: int = args.run(args)
        return code
    except RuleSetError as exc:
        print(exc, file=sys.stderr)
        return FAILED
    except BrokenPipeError as exc:  # the reader went away (`| head`): what was not read is not done
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # as the Python docs advise
        if args.command in ("schema", "example"):  # a document read as far as wanted (`| head`), as `cat` is
            return CLOSED
        done = getattr(exc, "done", "")
        print("bsu-rules: the output was closed before the run ended (its reader went away)"
              + (f" {done}" if done else ": the rest of the run was not done"), file=sys.stderr)
        return CLOSED
    except OSError as exc:  # a file that cannot be read or written, named
        done = getattr(exc, "done", "")
        print(f"bsu-rules: {_os_error(exc)}{' ' + done if done else ''}", file=sys.stderr)
        return FAILED
    except (InputError, OutOfForce, BsuRulesError) as exc:  # the last: an archive entry found changed, say
        print(f"bsu-rules: {exc}", file=sys.stderr)
        return FAILED
    except (KeyboardInterrupt, RuntimeError) as exc:  # Ctrl-C or SIGTERM (``exits.Interrupted``), or an error
        if (stop := interruption(exc)) is not None:
            done = getattr(stop, "done", "")
            print(f"bsu-rules: interrupted{' ' + done if done else ''}", file=sys.stderr, flush=True)
            return int(getattr(stop, "status", INTERRUPTED))
        looped = _LOOP.fullmatch(str(exc))  # Path.resolve() on a loop of symbolic links (Python 3.11, 3.12)
        if looped is None:
            print(report_internal_error(exc), file=sys.stderr)
            return FAILED
        from bsu_rules.members.redact import hidden_path  # lazy: an error only

        print(f"bsu-rules: {hidden_path(looped[1])}: a symbolic link that leads round a loop of links, to no file",
              file=sys.stderr)
        return FAILED
    except UnicodeEncodeError as exc:  # a name in another encoding (Latin-1 on an old share) where one is written
        if not any("\udc80" <= c <= "\udcff" for c in str(exc.object)):
            print(report_internal_error(exc), file=sys.stderr)
            return FAILED
        print("bsu-rules: a file name that is not UTF-8 text (written in another encoding) cannot be written "
              "where a name is kept: rename the file", file=sys.stderr)
        return FAILED
    except Exception as exc:  # a bug: one line, the report in a file
        print(report_internal_error(exc), file=sys.stderr)
        return FAILED
    finally:
        for signum, handler in previous.items():
            if last:  # the work is done and said: a late signal must not turn it into a failure (or a traceback)
                signal.signal(signum, signal.SIG_IGN)
            elif handler is not None:  # None: a handler not set from Python, which cannot be put back
                signal.signal(signum, handler)


def _unwritten(exc: OSError) -> int:
    """The exit status when the help or version cannot be written, said: into a full disk (FAILED), or
    to a reader gone away (CLOSED). The rest of it is dropped: the exit does not try again."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if isinstance(exc, BrokenPipeError):
        print("bsu-rules: the output was closed before it was all written: its reader went away", file=sys.stderr)
        return CLOSED
    print(f"bsu-rules: {_os_error(exc)}", file=sys.stderr)
    return FAILED


def _output_closed() -> bool:
    """Whether the caller closed standard output (``>&-``): Python then has none, or its file is not open."""
    if sys.stdout is None:
        return True
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a test's capture): written where it is
        return False
    try:
        os.fstat(fd)
    except OSError:
        return True
    return False


def _unprinted(args: argparse.Namespace) -> str | None:
    """Why a command whose product goes to standard output does not run with it closed; None for one that
    writes its product elsewhere (``doc --out``)."""
    what = PRINTED.get(args.command)
    if what is None or (args.command == "doc" and (args.out or args.all or args.interpretations)):
        return None
    out = ", or give --out FILE" if args.command == "doc" else ""
    return (f"standard output is closed, and {args.command} prints {what} there: redirect it to a file (> FILE; "
            f"> /dev/null to discard it){out}")


def _standard_streams() -> tuple[Any, Any, Any]:
    """The standard streams as they were (to put back), after making them safe for a run: one the
    caller closed (``2>&-``) is opened on the null device, so that no file the run opens takes its
    place and no message goes into an output; and one that cannot be written (``2>/dev/full``)
    never stops the run: the messages are lost, not the work."""
    given = sys.stdin, sys.stdout, sys.stderr
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            setattr(sys, name, open(fd, "r" if fd == 0 else "w", encoding="utf-8", closefd=False))  # noqa: SIM115
    if sys.stderr is not None:
        sys.stderr = _Unfailing(sys.stderr)
    return given


def _hide_given(arguments: list[str], records_out: bool) -> None:
    """Every message names a NIK or an account number the caller gave on the command line (in a file
    name, to ``--row``) by its count of digits, wherever the message comes from; so does the standard
    output, unless it carries records (``evaluate``'s decisions, asked for with their NIKs in full)."""
    from bsu_rules.members.redact import given_identifiers  # lazy: most runs are given none

    if hidden := given_identifiers(arguments):
        sys.stderr = _Hiding(sys.stderr, hidden)
        if not records_out:
            sys.stdout = _Hiding(sys.stdout, hidden)


class _Hiding:
    """A stream that writes each of ``hidden``'s texts as its pair says it."""

    def __init__(self, stream: Any, hidden: list[tuple[str, str]]) -> None:
        self._stream, self._hidden = stream, hidden

    def write(self, text: str) -> int:
        for given, shown in self._hidden:
            text = text.replace(given, shown)
        return int(self._stream.write(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _Unfailing:
    """A message stream whose writes never fail: the messages of a run whose stderr is full are lost."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except OSError:
            return len(text)

    def flush(self) -> None:
        with contextlib.suppress(OSError):
            self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def program() -> int:
    """The ``bsu-rules`` program: ``main``, after which only the exit is left."""
    code = main(last=True)
    gc.freeze()  # what is still alive goes with the process: the exit's collections need not walk it (50 ms)
    return code


if __name__ == "__main__":
    sys.exit(program())
