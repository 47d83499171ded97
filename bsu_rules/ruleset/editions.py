"""The editions beside a rule file and shipped with the package, which is in force on a date, and
which overlap.

Used when a decision date falls outside a rule set's window: the refusal names the edition
that applies instead. Only ``ruleset`` and ``in_force`` are read from each file (safe YAML).
``check`` of several files warns of two editions in force on one day (``overlapping``), and of days
between editions when none is (``gaps``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml.error import YAMLError

from bsu_rules.errors import Code, Diagnostic, Severity
from bsu_rules.ruleset.files import RULE_FILE_LIMIT, UnsafePath, read_beside
from bsu_rules.ruleset.schema import RuleId, Window
from bsu_rules.ruleset.source import read_yaml

if TYPE_CHECKING:
    from bsu_rules.ruleset.model import RuleSet

__all__ = ["bundled_rules", "edition_of", "gaps", "in_force_during", "in_force_on", "none_for_year", "overlapping",
           "same_id", "window_text"]


def bundled_rules() -> Path:
    """The folder of rule files shipped with the package (or the source tree's ``rules/``)."""
    shipped = Path(str(resources.files("bsu_rules").joinpath("rules")))
    return shipped if shipped.is_dir() else Path(__file__).resolve().parents[2] / "rules"


def window_text(window: Window) -> str:
    """``from 2022-09-05 until 2025-06-01``; an open end says so."""
    start = f"from {window.from_}" if window.from_ else "from the start"
    return f"{start} until {window.until}" if window.until else f"{start}, with no end date"


def in_force_on(day: date, near: Path | None = None) -> list[tuple[str, Window]]:
    """The editions in force on ``day``: those in ``near`` (a rule file's folder), then the bundled ones whose
    id no file there has (a folder's own copy of an edition replaces the bundled one, as for its tests:
    an edition it ended is not brought back from the package)."""
    bundled = bundled_rules().resolve()
    beside = _windows(near.resolve()) if near and near.resolve() != bundled else ()
    local = {edition for edition, _, _ in beside}
    out: dict[str, Window] = {}
    for edition, window, path in beside + _windows(bundled):
        if edition not in out and window.contains(day) and (path.parent != bundled or edition not in local):
            out[edition] = window
    return sorted(out.items(), key=lambda item: item[1].from_ or date.min)


def in_force_during(name: str, editions: Iterable[tuple[str, Window]] | None = None) -> list[tuple[str, Window]]:
    """For an id that names a year no edition has (``bsu-2023``), the editions (by default the bundled ones) of
    the same name with another year (``bsu-``), in force in that year, earliest first: the ones a decision dated
    then is made under; for a year before all of them (``bsu-2019``), the first. ``myrules-2023`` is no
    edition's name with another year: nothing."""
    found = re.fullmatch(r"([a-z0-9-]*-)([0-9]{4})", name)
    if found is None or found[2] == "0000":
        return []
    year = int(found[2])
    if editions is None:
        editions = [(edition, window) for edition, window, _ in _windows(bundled_rules().resolve())]
    named = sorted(((edition, window) for edition, window in editions
                    if edition != name and re.fullmatch(re.escape(found[1]) + "[0-9]{4}", edition)),
                   key=lambda item: item[1].from_ or date.min)
    then = [(edition, window) for edition, window in named if _open_window(window)[0] <= date(year, 12, 31)
            and _open_window(window)[1] >= date(year, 1, 1)]
    return then or [first for first in named[:1] if _open_window(first[1])[0] > date(year, 12, 31)]


def none_for_year(name: str, then: list[tuple[str, Window]]) -> str:
    """What a message adds for an id of a year with no edition of its own (``in_force_during``)."""
    year = name[-4:]
    if len(then) == 1 and then[0][1].from_ is not None and then[0][1].from_.year > int(year):
        return f"; none is for {year}: the first edition is {then[0][0]} ({window_text(then[0][1])})"
    return f"; none is for {year}: " + ", ".join(f"{edition} is in force then ({window_text(window)})"
                                                  for edition, window in then) if then else ""


_EDITION: TypeAdapter[str] = TypeAdapter(RuleId)
"""A sibling's ``ruleset`` id, held to the rule file's own rule: one that is not names no edition."""


def _windows(folder: Path) -> tuple[tuple[str, Window, Path], ...]:
    """Each edition, its window and its file, from the rule files in ``folder``. A file a rule set may not read
    (``read_beside``: a FIFO, a device, a symbolic link leading out, one too large) is skipped unread."""
    return tuple(found for path in sorted(folder.glob("*.yaml")) if (found := _window(folder, path)) is not None)


def _window(folder: Path, path: Path) -> tuple[str, Window, Path] | None:
    """The edition, window and file of rule file ``path`` in ``folder`` (``_windows``), if it names one."""
    try:
        data = read_yaml(read_beside(folder, path.name, RULE_FILE_LIMIT), str(path)).data
        return _EDITION.validate_python(data["ruleset"]), Window.model_validate(data["in_force"]), path
    except (UnsafePath, YAMLError, KeyError, TypeError, ValidationError):
        return None  # not a readable rule file: it names no edition


def overlapping(rulesets: list[RuleSet]) -> list[Diagnostic]:
    """A warning for each two editions (different ids) in force on the same day, at the ``until``
    line of the one that starts first, naming both files, their windows and the days they share.
    Two editions ending on the same day were revoked together by one act: they may run alongside."""
    out = []
    ordered = sorted(rulesets, key=lambda rs: (_open_window(rs.model.in_force), rs.id))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            wa, wb = a.model.in_force, b.model.in_force
            (start_a, end_a), (start_b, end_b) = _open_window(wa), _open_window(wb)
            low, high = max(start_a, start_b), min(end_a, end_b)
            if a.id == b.id or low > high or start_a > end_a or start_b > end_b or \
                    (wa.until is not None and wa.until == wb.until):
                continue
            span = f"from {low}" + (f" until {high}" if high != date.max else " on, with no end date")
            fix = f"; end {a.id} on {start_b - timedelta(days=1)}, the day before {b.id} starts" \
                if start_a < start_b else ""
            line, col = a.located.at(("in_force", "until") if wa.until else ("in_force",), key=wa.until is None)
            out.append(Diagnostic(a.located.file, line, col, Code.OVERLAPPING_EDITIONS,
                                  f"{a.id} ({a.located.file}, in force {window_text(wa)}) and {b.id} "
                                  f"({b.located.file}, in force {window_text(wb)}) are both in force {span}: a "
                                  f"decision dated then could be made under either{fix}", Severity.WARNING))
    return out


def edition_of(path: Path) -> tuple[str, Window] | None:
    """A rule file's edition id and window, as far as they can be read (for a file with errors, not loaded), from
    it alone (not every rule file beside it: a folder of them checked together is read once a file)."""
    found = next((_window(path.parent, file) for file in path.parent.glob("*.yaml") if file == path), None)
    return None if found is None else found[:2]


def gaps(rulesets: list[RuleSet], unloaded: Iterable[tuple[str, Window, str]] = ()) -> list[Diagnostic]:
    """A warning for each stretch of days between the first edition's start and the last one's that no
    edition covers (an ``until`` moved back, a ``from`` moved on): a decision dated then is refused. Told at
    the ``until`` line of the edition ending before it, naming the next edition and the days uncovered.
    ``unloaded``: the editions (id, window, file) of files checked with them that have errors: one whose window
    starts, ends or lies in the stretch is the one to correct (an empty window), not the edition before it."""
    out, unloaded = [], list(unloaded)
    ordered = sorted((rs for rs in rulesets if _open_window(rs.model.in_force)[0] <= _open_window(
        rs.model.in_force)[1]), key=lambda rs: (_open_window(rs.model.in_force), rs.id))
    last: RuleSet | None = None
    for rs in ordered:
        start, end = _open_window(rs.model.in_force)
        if last is not None and (covered := _open_window(last.model.in_force)[1]) < date.max and \
                start > covered + timedelta(days=1):
            wl, low, high = last.model.in_force, covered + timedelta(days=1), start - timedelta(days=1)
            line, col = last.located.at(("in_force", "until"))
            fix = f"if {last.id} runs on, end it on {high}"
            for edition, w, file in unloaded:
                (begins, ends) = _open_window(w)
                if low <= begins <= high or low <= ends <= high or (begins <= low and high <= ends):
                    fix = f"{edition} ({file}), which would cover these days, " + \
                        (f"has an empty window (it starts on {begins}, after it ends on {ends}): correct its "
                         f"`in_force` rather than run {last.id} on" if begins > ends else
                         f"has errors: once they are corrected it is in force {window_text(w)}")
                    break
            out.append(Diagnostic(last.located.file, line, col, Code.GAP_BETWEEN_EDITIONS,
                                  f"no edition is in force from {low} until {high}: {last.id} ends on {wl.until} "
                                  f"and {rs.id} ({rs.located.file}) starts on {start}, so a decision dated between "
                                  f"them is refused; {fix}", Severity.WARNING))
        if last is None or end > _open_window(last.model.in_force)[1]:
            last = rs
    return out


def same_id(rulesets: list[RuleSet]) -> list[Diagnostic]:
    """An error for each file declaring the id of another file checked with it (a copy of an edition whose
    ``ruleset:`` line was not changed): a decision under either would carry the same id, and a test naming
    it would test the file named after it only."""
    first: dict[str, RuleSet] = {}
    out = []
    for rs in rulesets:
        other = first.setdefault(rs.id, rs)
        if other is not rs and other.path.resolve() != rs.path.resolve():
            line, col = rs.located.at(("ruleset",))
            out.append(Diagnostic(rs.located.file, line, col, Code.DUPLICATE_EDITION,
                                  f"`ruleset: {rs.id}` is also the id of {other.located.file}: give each edition "
                                  f"an id of its own and name its file after it (a test naming `{rs.id}` reads "
                                  f"{rs.id}.yaml only)", Severity.ERROR))
    return out


def _open_window(w: Window) -> tuple[date, date]:
    return w.from_ or date.min, w.until or date.max
