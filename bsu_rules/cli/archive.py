"""``bsu-rules archive``: store rule sets content-addressed, so decisions can be replayed later."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import TYPE_CHECKING, Any

from bsu_rules.audit.keys import KEY_ENV
from bsu_rules.batch.guard import among_rules
from bsu_rules.batch.paths import identity
from bsu_rules.cli.options import (
    add_key_options,
    add_reform_options,
    folder_copy,
    key_file,
    open_key_warning,
    pseudonym_key,
    read_ruleset,
    say_warned,
)
from bsu_rules.errors import AuditError
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.override_texts import override_options
from bsu_rules.ruleset.overrides import reform_of

if TYPE_CHECKING:
    from bsu_rules.audit.log import DecisionLog

BATCH = 256
"""``evaluate --log`` writes (and fsyncs) the log every BATCH decisions, then prints them."""


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("archive", help="store rule sets under DIR/<sha256>/ for replay")
    p.add_argument("rulesets", nargs="+", metavar="RULESET", help="a rule file path or a bundled id")
    p.add_argument("--into", required=True, metavar="DIR", help="the archive folder (created if needed)")
    add_reform_options(p)  # a what-if: the base and its overrides, as evaluate --archive stores them
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bsu_rules.audit.archive import archive_ruleset  # lazy: evaluate loads this module for its options

    if (held := among_rules(args.into, folder=True)) is not None:
        print(f"bsu-rules: --into {args.into} {held}; give the archive another folder", file=sys.stderr)
        return 2
    for name in args.rulesets:
        ruleset = reform_of(read_ruleset(name), args.sets, args.tables)
        folder_copy(name, ruleset)  # the bundled edition is archived: said when the folder's copy differs
        say_warned(ruleset)  # archived as it is, and said
        try:
            entry = archive_ruleset(ruleset, args.into)
        except AuditError as exc:
            print(f"bsu-rules: {exc}", file=sys.stderr)
            return 2
        done = "archived in" if entry.created else "already archived in"
        print(f"{ruleset.id} {ruleset.version} sha256 {ruleset.sha256}: {done} {entry.folder}")
    return 0


def add_evaluate_options(p: argparse.ArgumentParser) -> None:
    """``evaluate --log/--pseudonymize-key/--archive``."""
    p.add_argument("--log", metavar="FILE", help="append every decision to a hash-chained decision log (JSONL); "
                   "a decision is printed only once it is in the log")
    p.add_argument("--pseudonymize-key", metavar="KEY", help=argparse.SUPPRESS)  # shows in ps: warned about
    add_key_options(p)
    add_full_nik_option(p)
    p.add_argument("--signing-key", metavar="PEM", help="with --log: sign the chain's head after every append "
                   "(an Ed25519 private key; checkpoints go to LOG.checkpoints)")
    p.add_argument("--sign-unsigned", action="store_true", help="with --signing-key: sign over the decisions after "
                   "the log's last checkpoint too (appended without the key, or their checkpoints removed or cut: "
                   "check them first); without it such a log is refused")
    p.add_argument("--archive", metavar="DIR", help="store the rule set used under DIR/<sha256>/ (for replay)")


def add_full_nik_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--full-nik", action="store_true",
                   help=f"with --log and no key: keep each NIK in full in the log (without a key or this, "
                   f"--log is refused; a key (--key-file or ${KEY_ENV}) keeps a pseudonym instead)")


def log_key(args: argparse.Namespace) -> bytes | None:
    """The pseudonymisation key a decision log is written with; None only when full NIKs were asked
    for (``--full-nik``): a log keeps no full NIK the caller did not ask for (an account number is
    kept masked either way)."""
    key = pseudonym_key(args)
    if key is None and not args.full_nik:
        raise AuditError(f"the decision log would keep each NIK in full: give a pseudonymisation key "
                         f"(--key-file or ${KEY_ENV}), or --full-nik to keep them in full")
    if key is not None and args.full_nik:
        raise AuditError("--full-nik and a pseudonymisation key say opposite things: give one of them")
    return key


def warn(said: str) -> None:
    """A warning about a decision log, on stderr."""
    print(f"bsu-rules: warning: {said}", file=sys.stderr)


def check_log_path(log: str) -> None:
    """AuditError unless ``--log`` can be a decision log: a file (not a folder), in a folder that exists,
    not among rule files (checked before anything is archived or decided)."""
    if not log.strip():  # `--log "$LOG"` with LOG unset: no audit trail, silently, but for this
        raise AuditError("--log is empty: give the file the decisions are appended to")
    if (held := among_rules(log)) is not None:
        raise AuditError(f"--log {log} {held}; give it another path")
    if os.path.isdir(log):
        raise AuditError(f"--log {log} is a folder: give the file the decisions are appended to")
    if not os.path.isdir(parent := os.path.dirname(log) or "."):
        raise AuditError(f"{log}: the folder {parent} does not exist (--log): make it, or give another path")


def open_audit(args: argparse.Namespace, ruleset: RuleSet) -> DecisionLog | None:
    """Archive the rule set if asked, and open the decision log if asked."""
    if getattr(args, "log", None) is not None:
        check_log_path(args.log)
    if getattr(args, "archive", None) is not None and not args.archive.strip():
        raise AuditError("--archive is empty: give the folder the rule sets are kept in")
    if getattr(args, "archive", None) and (held := among_rules(args.archive, True)) is not None:
        raise AuditError(f"--archive {args.archive} {held}; give it another path")
    if getattr(args, "archive", None):
        if os.path.exists(args.archive) and not os.path.isdir(args.archive):
            raise AuditError(f"--archive {args.archive} is a file: give the folder the rule sets are kept in")
        from bsu_rules.audit.archive import archive_ruleset  # lazy: only with --archive

        archive_ruleset(ruleset, args.archive)
    read = [(f, "an input") for f in getattr(args, "files", None) or [] if f != "-"] + \
        [(f, "--key-file") for f in key_file(args).values()]
    for path, what in read if getattr(args, "log", None) else ():
        if identity(path) == identity(args.log):  # appended to while it is read, or the key written over
            raise AuditError(f"--log {args.log} is also {what}: give the log a path of its own")
    if getattr(args, "sign_unsigned", False) and not getattr(args, "signing_key", None):
        raise AuditError("--sign-unsigned needs --log and --signing-key")
    if not getattr(args, "log", None):
        for flag in ("pseudonymize_key", "key_file", "full_nik"):
            if getattr(args, flag, None):
                raise AuditError(f"--{flag.replace('_', '-')} needs --log")
        return None
    if override_options(ruleset) and not getattr(args, "archive", None):
        raise AuditError(f"--log {args.log} with --set or --table needs --archive DIR: a what-if decision is "
                         "replayed, and named what-if, from the overrides its archive entry keeps")
    from bsu_rules.audit.checkpoints import CheckpointError, load_signing_key, signer  # lazy: only with --log
    from bsu_rules.audit.log import DecisionLog  # lazy: idem

    key = log_key(args)
    sign = None
    if getattr(args, "signing_key", None):
        with contextlib.suppress(OSError):  # a file that cannot be looked at is refused as it is read
            open_key_warning(args.signing_key, os.stat(args.signing_key).st_mode,
                             "sign checkpoints of a rewritten log in your name")
        try:
            sign = signer(args.log, load_signing_key(args.signing_key), warn=warn,
                          unsigned=getattr(args, "sign_unsigned", False))
        except CheckpointError as exc:
            raise AuditError(str(exc)) from None
    log = DecisionLog(args.log, key=key, full_nik=key is None, batch=BATCH, signer=sign, warn=warn)
    log.writable()  # read once, and a damaged log refused, before anything is decided
    if what_if := override_options(ruleset):
        print(f"bsu-rules: warning: {args.log}: these decisions are a simulation ({what_if}); the log keeps "
              "them beside the programme's, and `replay` names them what-if", file=sys.stderr)
    return log
