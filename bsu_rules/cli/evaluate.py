"""``bsu-rules evaluate``: decide member records, one decision per line, in input order."""

from __future__ import annotations

import argparse
import contextlib
import json
import operator
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from bsu_rules.cli.archive import add_evaluate_options, open_audit
from bsu_rules.cli.exits import interrupted, whole
from bsu_rules.cli.options import ON_HELP, Inputs, add_reform_options, day, load_reform
from bsu_rules.decisions import Decision, Outcome, mask_nik
from bsu_rules.errors import AuditError, InputError, OutOfForce
from bsu_rules.explain import AUDIENCES, render_html, render_speech, render_text
from bsu_rules.explain.rejected import Said, rejected, rejected_parts
from bsu_rules.explain.speech import rejected_said
from bsu_rules.formatting import format_date
from bsu_rules.glossary import glossary_for, join
from bsu_rules.members import Record, as_member, parse_line
from bsu_rules.members.decode import BadRecord, decode_json
from bsu_rules.members.events import EventKeys, no_event_warning
from bsu_rules.members.files import Place, read_placed
from bsu_rules.members.parse import known_fields, parse_read, read_known
from bsu_rules.members.redact import hidden_path
from bsu_rules.ruleset.editions import in_force_on
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import Window

if TYPE_CHECKING:
    from bsu_rules.audit.log import DecisionLog


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("evaluate", help="decide member records under a rule set")
    p.add_argument("ruleset", help="a rule file path or a bundled id such as bsu-2022")
    p.add_argument("files", nargs="+", metavar="FILE", action=Inputs,
                   help="JSON (one record or a list) or JSONL; - for stdin (Parquet, CSV: bsu-rules batch)")
    p.add_argument("--on", type=day, help=ON_HELP)
    p.add_argument("--format", choices=("json", "text", "speech", "html"), default="json",
                   help="json (the decision), text, speech (the text page as it is read aloud: no marks or "
                        "footnote numbers, each outcome in words, the legal basis said in place, English "
                        "amounts as \"600,000 rupiah\"), or html (one printable page for all the records)")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of text, speech and html output")
    p.add_argument("--audience", choices=AUDIENCES, default="worker",
                   help="who reads text, speech and html: worker (what failed, in plain words), officer (every "
                        "criterion), auditor (everything, internal names and hashes included)")
    p.add_argument("--hints", action="store_true",
                   help="give each failed criterion its counterfactual hint in the JSON (text, speech and html "
                        "always show them)")
    p.add_argument("--engine", choices=("scalar", "durable"), default="scalar",
                   help="scalar (the reference) or durable (durable_rules; needs the durable extra)")
    p.add_argument("--ignore-unknown", action="store_true",
                   help="drop fields the contract does not know instead of rejecting the record (as batch's option)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="a progress line on standard error once a run takes more than two seconds "
                        "(default: only when standard error is a terminal)")
    add_reform_options(p)
    add_evaluate_options(p)
    p.set_defaults(run=run)


Decide = Callable[[Record, str | None], Decision]


class Progress:
    """Records decided so far, on standard error, at most once a second after the first two.

    On a terminal the line is rewritten in place and cleared at the end; elsewhere (asked for with
    ``--progress``) each update is a line of its own. Standard output is never touched.
    """

    def __init__(self, stream: TextIO, shown: bool | None) -> None:
        self.stream, self.tty = stream, stream.isatty()
        self.shown = self.tty if shown is None else shown
        self.start = time.monotonic()
        self.next = self.start + 2.0
        self.written = False

    def tick(self, number: int) -> None:
        if not self.shown or number % 64:
            return
        now = time.monotonic()
        if now >= self.next:
            self.next = now + 1.0
            rate = number / (now - self.start)
            text = f"bsu-rules: {number:,} records, {rate:,.0f}/s"
            self.stream.write(f"\r{text}\x1b[K" if self.tty else text + "\n")
            self.stream.flush()
            self.written = True

    def done(self) -> None:
        if self.written and self.tty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


_SUMMARY = {
    "id": ("{n} keputusan: {eligible} memenuhi syarat, {ineligible} tidak memenuhi syarat, "
           "{undetermined} belum dapat ditentukan",
           "; {bad} catatan tidak sah"),
    "en": ("{n} decision{s}: {eligible} eligible, {ineligible} not eligible, {undetermined} not yet determined",
           "; {bad} record{bad_s} not valid"),
}
"""The count line closing text output, in the words of the pages' headings (Indonesian nouns have no
plural); the notes on stderr are for the operator and stay in English."""


def _unmade(fresh: object, args: argparse.Namespace) -> None:
    """The log this run made, removed where it stayed empty (a run refused before its first decision)."""
    with contextlib.suppress(OSError):
        if fresh and os.path.getsize(args.log) == 0:
            os.unlink(args.log)


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


_REFUSED = {
    "id": {"refused": "{ruleset} berlaku {window}; keputusan bertanggal {day} tidak dapat memakainya: {instead}",
           "use": "pada tanggal itu gunakan {}", "none": "tidak ada edisi yang berlaku pada tanggal itu",
           "edition": "{} (berlaku {})", "from": "sejak {}", "until": "sampai {}", "open": "tanpa batas akhir"},
    "en": {"refused": "{ruleset} is in force {window}; a decision dated {day} cannot use it: {instead}",
           "use": "on that date use {}", "none": "no edition is in force on that date",
           "edition": "{} (in force {})", "from": "from {}", "until": "until {}", "open": "with no end date"},
}
"""A decision date outside the rule set's window, as text output says it (the JSON error keeps its ISO dates)."""


def refused(ruleset: RuleSet, exc: OutOfForce, lang: str) -> str:
    """Why ``ruleset`` cannot decide on ``exc.day``, and the editions that can, in ``lang`` with dates written out."""
    w = _REFUSED[lang]

    def window(span: Window) -> str:
        start = w["from"].format(format_date(span.from_, lang)) if span.from_ else ""
        end = w["until"].format(format_date(span.until, lang)) if span.until else w["open"]
        return f"{start} {end}".strip()

    applies = [w["edition"].format(edition, window(span))
               for edition, span in in_force_on(exc.day, ruleset.path.parent)]
    instead = w["use"].format(join(applies, lang)) if applies else w["none"]
    return w["refused"].format(ruleset=ruleset.id, window=window(ruleset.model.in_force),
                               day=format_date(exc.day, lang), instead=instead)


def run(args: argparse.Namespace) -> int:
    ruleset = load_reform(args.ruleset, args)
    try:
        plan = ruleset.plan(args.on)
    except OutOfForce as exc:
        if args.format == "json":
            raise
        print(f"bsu-rules: {refused(ruleset, exc, args.lang)}", file=sys.stderr)
        return 2
    hints = args.hints or args.format != "json"
    decide: Decide = lambda member, sha256: plan.decide(member, input_sha256=sha256, hints=hints)
    stops: tuple[type[Exception], ...] = (AuditError,)
    if args.engine == "durable":
        try:
            from bsu_rules.evaluators.durable import DurablePlan, DurableShortfall  # lazy: the durable extra
        except ImportError:
            print("bsu-rules: --engine durable needs the durable extra: pip install '.[durable]' in the project's "
                  "folder (durable_rules builds on Python 3.12 and older)", file=sys.stderr)
            return 2
        durable = DurablePlan(plan)
        decide = lambda member, sha256: durable.decide(as_member(member), hints, sha256)
        stops = (AuditError, DurableShortfall)
    tally, shared = Tally(), SharedNiks()
    tally.events = EventKeys(path for tree in [c.tree for c in ruleset.rules if c.rule.in_force.contains(plan.on)]
                             for path in ruleset.member_reads(tree))
    fresh = getattr(args, "log", None) and not os.path.lexists(args.log)  # a log this run would make
    try:
        log = tally.log = open_audit(args, ruleset)
        _decide(args, ruleset, decide, log, tally, shared)
    except stops as exc:
        from bsu_rules.audit.log import LogChanged  # lazy: a run without --log loads none of the log's code

        if not isinstance(exc, LogChanged):  # a log emptied by another hand is kept as it is
            _unmade(fresh, args)
        print(f"bsu-rules: {exc}", file=sys.stderr)
        if tally.read:  # a log refused mid-run (changed under the writer, a full disk): what was printed before
            print(f"bsu-rules: stopped after {tally.read} record{_plural(tally.read)}: {tally.line()} so far; the "
                  "output is incomplete", file=sys.stderr)
        return 2
    except InputError:  # an input refused before any decision: the log made for it is no log
        _unmade(fresh, args)
        raise
    except KeyboardInterrupt as exc:
        with whole():
            sys.stdout.flush()
        raise interrupted(exc, f"after {tally.read} record{_plural(tally.read)}: {tally.line()} so far; the output is "
                               "incomplete") from None
    except BrokenPipeError as exc:  # said by ``main``, with what was done
        setattr(exc, "done", f"after every record was read ({tally.line()}): the page was cut short"  # noqa: B010
                             if tally.all_decided else
                             f"after {tally.read} record{_plural(tally.read)} ({tally.line()} so far): "
                             "the records after that were not decided")
        raise
    except OSError as exc:
        _unmade(fresh, args)  # an input that cannot be read (a folder, a missing file) before any decision
        if exc.filename is None:  # standard output not written (a full disk): said by ``main``, with what was done
            setattr(exc, "done", f"after {tally.read} record{_plural(tally.read)} ({tally.line()} so far)"  # noqa: B010
                                 + ("; the last line written may be cut short" if tally.read else ""))
        raise
    outcomes, bad = tally.outcomes, tally.rejected
    if args.format in _PAGES:
        words, extra = _SUMMARY[args.lang]
        n = outcomes.total()
        print(words.format(n=n, s=_plural(n), **{o.value: outcomes[o.value] for o in Outcome})
              + (extra.format(bad=bad, bad_s=_plural(bad)) if bad else ""))
    if shared.niks:
        print(f"bsu-rules: {shared.note()}", file=sys.stderr)
    for source, name in tally.events.missing():  # a field an export left out: every member decided as without it
        print(no_event_warning("standard input" if source == "-" else hidden_path(source), name, "key"),
              file=sys.stderr)
    for empty in dict.fromkeys(f for f in args.files if f not in tally.files):  # the wrong file saved, an export
        said = "standard input held no member record" if empty == "-" else \
            f"{hidden_path(empty)}: the file is empty: no member record in it"  # that failed: said, as batch says it
        print(f"bsu-rules: {said}", file=sys.stderr)
    told = {"text": "the paragraphs on them", "speech": "the paragraphs on them",
            "html": "the page's records that could not be decided, and the error lines"}.get(
        args.format, "the error lines")  # where each was said
    print(f"bsu-rules: {tally.line()}" + (f" (see {told})" if bad else ""), file=sys.stderr)
    return 1 if bad else 0


_NIK = operator.attrgetter("nik")  # of a Member or its mirror
_PAGES = {"text": render_text, "speech": render_speech}
"""The formats printing a page a record, each after the other."""


class SharedNiks:
    """The NIKs eligible in more than one record. One NIK is paid once, which ``evaluate`` does not
    settle (it decides each record alone; ``batch`` does), so it says so at the end."""

    SHOWN = 5

    def __init__(self) -> None:
        self.first: dict[int, int] = {}  # an eligible NIK (its hash) -> the record it was first eligible in
        self.niks: dict[int, tuple[str, list[int]]] = {}  # -> the masked NIK, and every record it is eligible in

    def add(self, nik: str, number: int) -> None:
        key = hash(nik)
        first = self.first.setdefault(key, number)
        if first != number:
            self.niks.setdefault(key, (mask_nik(nik), [first]))[1].append(number)

    def note(self) -> str:
        n = len(self.niks)
        shown = "; ".join(f"{masked} in records {', '.join(map(str, numbers[:self.SHOWN]))}"
                          + (f" and {len(numbers) - self.SHOWN} more" if len(numbers) > self.SHOWN else "")
                          for masked, numbers in list(self.niks.values())[:self.SHOWN])
        more = f"; {n - self.SHOWN} more" if n > self.SHOWN else ""
        return (f"one NIK, one payment: {n} NIK{_plural(n)} eligible in more than one record ({shown}{more}); "
                "evaluate decides each record alone, and bsu-rules batch pays each NIK once")


@dataclass
class Tally:
    """The records written out so far: decided (by outcome) and rejected."""

    outcomes: Counter[str] = field(default_factory=Counter)
    rejected: int = 0
    log: DecisionLog | None = None
    """The log the decisions go to: those it held already, and so did not log again, are said."""
    files: set[str] = field(default_factory=set)
    """The inputs a record was read from: any other given held none."""
    events: EventKeys = field(default_factory=lambda: EventKeys(()))
    """The event dates the rules read that each input's decided records carry."""
    all_decided: bool = False
    """Every record is decided and counted: an output closed now cuts short what is left to write (the
    html page), not the deciding."""

    @property
    def read(self) -> int:
        return self.outcomes.total() + self.rejected

    def line(self) -> str:
        already = self.log.already if self.log is not None else 0
        return f"{self.read} read = {self.outcomes.total()} decided + {self.rejected} rejected" + (
            f"; {already} decision{_plural(already)} already in the log, not logged again" if already else "")


def _line(line: bytes) -> Any:
    """A JSONL record: validated in the same parse when it is a plain valid record, else decoded
    (and then validated) as every record is, so a bad one is named exactly as before."""
    return parse_line(line) or decode_json(line)


def _error_line(exc: InputError, number: int, place: Place | None) -> str:
    """The error line for record ``number`` (counted over all the files), with its file and its line
    there (for a record of a JSON list, its place in the list: ``item``); without ``place`` (standard
    input alone) exactly the service's NDJSON line."""
    if place is None:
        return exc.line(number)
    shown = hidden_path(place.file)  # the caller's own name, yet never a NIK or a direction mark
    return json.dumps({"error": {"record": number, "file": shown, place.kind: place.number,
                                 "field": exc.problems[0][0], "message": str(exc)}}, ensure_ascii=False)


def _decide(args: argparse.Namespace, ruleset: RuleSet, decide: Decide,
            log: DecisionLog | None, tally: Tally, shared: SharedNiks) -> None:
    """Print a decision per record; with a log, only once the decision is written to it. ``tally``
    counts the records printed (or, with a log, logged and printed), each line whole even when
    the run is interrupted."""
    out = sys.stdout
    progress = Progress(sys.stderr, args.progress)
    held: list[tuple[str | None, str | None]] = []  # text (None: for the page), and the outcome it counts for
    # (None: rejected)
    page: list[Decision] = []
    unread: list[Said] = []  # what the html page says of each record that cannot be decided
    glossary = glossary_for(ruleset.path)

    def emit(text: str, outcome: str | None) -> None:
        if args.format == "html":
            with whole():
                sys.stderr.write(text + "\n")  # only error lines: the page stays a page
                count(outcome)
        elif log is None:
            with whole():
                out.write(text + "\n")
                count(outcome)
        else:
            held.append((text, outcome))

    def count(outcome: str | None) -> None:
        if outcome is None:
            tally.rejected += 1
        else:
            tally.outcomes[outcome] += 1

    def release() -> None:
        """Print the decisions held until the log had them."""
        with whole():
            out.write("".join(text + "\n" for text, _ in held if text is not None))
            for _, outcome in held:
                count(outcome)
            held.clear()

    if log is not None:  # what the log writes is printed and counted before Ctrl-C is let through, and the
        log.holding, log.written = whole, release  # wait for another writer's lock is never held up by it

    events = tally.events
    for number, place, record in read_placed(args.files, events.decode(read_known if args.ignore_unknown else _line),
                                             opened=events.opened, keep=known_fields if args.ignore_unknown else None):
        tally.files.add(place.file)
        try:
            if isinstance(record, BadRecord):
                raise record.error()
            events.seen(place.file, record)
            member, sha256 = parse_read(record, args.ignore_unknown)
        except InputError as exc:
            shown = None if args.files == ["-"] else place
            if args.format == "html":  # in the page, in its words, and as its error line on stderr
                unread.append(rejected_parts(number, exc, record, args.lang, glossary, shown))
            if args.format == "speech":  # its sentences as a voice reads them, without the list's dashes
                said = rejected_said(rejected_parts(number, exc, record, args.lang, glossary, shown), args.lang)
            else:
                said = rejected(number, exc, record, args.lang, glossary, shown) if args.format == "text" else \
                    _error_line(exc, number, shown)
            emit(said + "\n" if args.format in _PAGES else said, None)
            continue
        progress.tick(number)
        events.decided(place.file)
        decision = decide(member, log.input_hash(member) if log is not None else sha256)
        if decision.outcome is Outcome.ELIGIBLE:
            shared.add(_NIK(member), number)
        text = decision.to_json() if args.format == "json" else None
        if args.format == "html":
            page.append(decision)
            if log is None:
                count(decision.outcome.value)
            else:
                held.append((None, decision.outcome.value))  # counted once the log has it
        else:
            emit(text or _PAGES[args.format](decision, ruleset, args.lang, args.audience) + "\n",
                 decision.outcome.value)
        if log is not None and log.record(decision, member, ruleset, text):
            release()
    progress.done()
    if log is not None:
        log.flush()
        release()
    tally.all_decided = True
    if args.format == "html":
        print(render_html(page, ruleset, args.lang, args.audience, unread), file=out)
