"""What a reform is told beyond its errors: the warnings on a what-if, and on deciding under it.

``data_date``: an override that leaves the data read as at another day than the month the rules
name; ``below_partial_table``: a number set below every value the rule file gives it, compared with
a partial table that may lack the rows that matter at the new one (``lowered_below_partial``: the same, of
a rule file edited against the one it was); ``unread``: a dated value never
read. ``rechecked`` runs the rule file's checks again on the reform: an error refuses it, a warning
the file as written does not have is told, in the option that gives the value. ``unread_on``: an
override (or an ``as_of``) after the decision date; ``told``: every warning about deciding under a
rule set.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, TypeGuard

from bsu_rules.catalogue.calendar import month_end, month_of
from bsu_rules.errors import Code, RuleSetError
from bsu_rules.ruleset.diagnostics import Diagnostic, Severity
from bsu_rules.ruleset.lint import lint
from bsu_rules.ruleset.lint_params import data_date_moved, data_date_text, partial_comparisons, unread_values
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.override_checks import Override, same_rows
from bsu_rules.ruleset.schema import RuleFile
from bsu_rules.ruleset.source import read_yaml
from bsu_rules.ruleset.tables import Table
from bsu_rules.ruleset.warned import Warned

if TYPE_CHECKING:
    from bsu_rules.ruleset.overrides import Reform


def data_date(base: RuleSet, model: RuleFile, overrides: list[Override]) -> tuple[Warned, ...]:
    """A cut-off month (``lint_params.data_date_moved``) the overrides move away from ``as_of``, or an
    ``as_of`` they move away from the end of the cut-off month: the data are read as at another day
    (arrears, payments) than the month the rules name."""
    before = {(name, day) for name, day, _ in data_date_moved(base)}
    given = {o.name: o for o in overrides if o.kind == "set"}
    out = []
    for name, day, value in data_date_moved(base, model):
        end = f"as_of={month_end(str(value))}"
        month = month_of(model.as_of)
        if name in given and (name, day) not in before:
            o = given[name]
            out.append(Warned(f"{o.option}: {data_date_text(name, value, model.as_of)}; to read them as at the new "
                              f"month, {o.adding(end)}", "data-date",
                              f"{o.option}: {data_date_text(name, value, model.as_of, lang='id')}; untuk membacanya "
                              f"per bulan yang baru, {o.adding(end, 'id')}"))
        elif "as_of" in given and name not in given:
            o = given["as_of"]
            also = ("", "") if month == str(value) else (f", or {o.adding(f'{name}={month}')}",
                                                         f", atau {o.adding(f'{name}={month}', 'id')}")
            out.append(Warned(f"{o.option}: {data_date_text(name, value, model.as_of, 'is set to')}; to read them as "
                              f"at the end of {value}, give {end} instead{also[0]}", "data-date",
                              f"{o.option}: {data_date_text(name, value, model.as_of, 'is set to', 'id')}; untuk "
                              f"membacanya per akhir bulan {value}, berikan {end} sebagai gantinya{also[1]}"))
    return tuple(out)


def below_partial_table(base: RuleSet, model: RuleFile, overrides: list[Override],
                        tables: dict[str, Table]) -> tuple[Warned, ...]:
    """A number set below every value the rule file gives it, where it is compared with the values of a
    partial table the overrides keep (``tables``: the reform's): such a table may list only the rows that
    matter at the file's values (the minimum wages above the wage ceiling), so a row that matters at the
    new one may be missing."""
    out: list[Warned] = []
    for o in overrides:
        if o.kind != "set" or o.name not in model.parameters:  # not a parameter (``benefit.amount``)
            continue
        param = model.parameters[o.name]
        value = param.value if o.since is None or param.values is None else param.values[o.since]
        for lowest, table, how in _below_partial(base, o.name, value, tables):
            out.append(Warned(
                f"{o.option}: below the rule file's {lowest}, {_PARTIAL[0].format(how=how, table=table, lowest=lowest)}"
                f"; give the rows down to {value} with --table {table}=FILE", "partial-table",
                f"{o.option}: di bawah {lowest} pada berkas aturan, "
                f"{_PARTIAL[1].format(how=how, table=table, lowest=lowest)}; berikan baris sampai {value} dengan "
                f"--table {table}=BERKAS"))
    return tuple(out)


def lowered_below_partial(baseline: RuleSet, reform: RuleSet) -> tuple[Warned, ...]:
    """``below_partial_table`` for a rule file edited rather than overridden: a number ``reform`` gives below
    every value ``baseline`` gives it, compared with a partial table whose rows the edit left as they were. A
    number the reform's own overrides set is warned of as ``--set`` gives it, not here."""
    out: list[Warned] = []
    given = {o.name for o in getattr(reform, "given", ())}
    for name, param in sorted(reform.model.parameters.items()):
        values = [param.value] if param.values is None else list(param.values.values())
        value = min(filter(_number, values), default=None)
        if name not in baseline.model.parameters or name in given or value is None:
            continue
        for lowest, table, how in _below_partial(baseline, name, value, reform.tables, reform):
            out.append(Warned(
                f"`param.{name}` is lowered from {lowest} ({baseline.path}) to {value} ({reform.path}), "
                f"{_PARTIAL[0].format(how=how, table=table, lowest=lowest)}; list its rows down to {value}, or say "
                f"`unlisted: unknown` of it", "partial-table",
                f"`param.{name}` diturunkan dari {lowest} ({baseline.path}) menjadi {value} ({reform.path}), "
                f"{_PARTIAL[1].format(how=how, table=table, lowest=lowest)}; muat barisnya sampai {value}, atau "
                f"tulis `unlisted: unknown` untuknya"))
    return tuple(out)


_PARTIAL = ("while `{how}` compares it with `table.{table}`, a partial table that may list only the rows that matter "
            "at {lowest}: a row between the two that it leaves out reads as none (an area's own minimum wage unseen)",
            "sedangkan `{how}` membandingkannya dengan `table.{table}`, tabel tidak lengkap yang mungkin hanya memuat "
            "baris yang penting pada {lowest}: baris di antara keduanya yang tidak dimuatnya dibaca sebagai tidak ada "
            "(upah minimum wilayah itu tidak terlihat)")


def _below_partial(base: RuleSet, name: str, value: object, tables: dict[str, Table],
                   reform: RuleSet | None = None) -> list[tuple[int | Decimal, str, str]]:
    """Where ``value`` of ``param.{name}`` is below every value ``base`` gives it and ``base`` (or ``reform``,
    where its expressions are another's) compares it with a partial table whose rows ``tables`` keeps as
    ``base`` has them: (the lowest value ``base`` gives, the table, the plainest comparison that reads it),
    once a table; a table ``unlisted: unknown`` misses no row unseen."""
    compared = partial_comparisons(reform or base).get(name, [])
    written = base.model.parameters[name]
    lowest = min(filter(_number, [written.value] if written.values is None else written.values.values()),
                 default=None)
    if lowest is None or not _number(value) or value >= lowest:
        return []
    told: dict[str, str] = {}
    for table, how in compared:
        kept = table in base.tables and same_rows(base.tables[table], tables[table])
        if kept and tables[table].ref.unlisted == "absent" and (table not in told or len(how) < len(told[table])):
            told[table] = how
    return [(lowest, table, how) for table, how in told.items()]


def _number(value: object) -> TypeGuard[int | Decimal]:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _as_of_later(ruleset: RuleSet, on: date, on_option: str) -> tuple[Warned, ...]:
    """An ``as_of`` after the decision date ``on``, given on the command line or written in the rule file: the
    data would be read as at a day to come."""
    as_of = ruleset.model.as_of
    if as_of <= on:
        return ()
    given = [o.option for o in getattr(ruleset, "given", ()) if o.name == "as_of"]
    said = given or [f"the rule file's as_of {as_of}", f"as_of {as_of} pada berkas aturan"]
    inside = ruleset.model.in_force.contains(as_of)  # never suggests a date the command refuses
    return (Warned(f"{said[0]} is after the decision date {on}: the data are read as at a day after the "
                   f"decision (payments not yet made on {on} count); give an as_of on or before {on}"
                   f"{f', or {on_option} {as_of}' * inside}", "data-date",
                   f"{said[-1]} jatuh sesudah tanggal keputusan {on}: data dibaca per hari sesudah keputusan "
                   f"(pembayaran yang belum dilakukan pada {on} ikut dihitung); berikan as_of pada atau sebelum "
                   f"{on}{f', atau {on_option} {as_of}' * inside}"),)


def unread(model: RuleFile, overrides: list[Override]) -> tuple[Warned, ...]:
    """A dated value given on the command line that is never read inside the edition's window, as
    the rule file's ``value-outside`` warning says of one written in the file; one dated before the
    edition starts that is read from its first day, as an undated value would be (a year mistyped)."""
    out = []
    start = model.in_force.from_
    for o in overrides:
        param = model.parameters.get(o.name)
        if o.kind == "set" and o.since is not None and param is not None and param.values is not None:
            why = unread_values(model.in_force, sorted(param.values)).get(o.since)
            if why:
                out.append(Warned(f"{o.option}: the value dated {o.since} is never read: {why}", "unread",
                                  f"{o.option}: nilai bertanggal {o.since} tidak pernah dibaca: "
                                  f"{unread_values(model.in_force, sorted(param.values), 'id')[o.since]}"))
            elif start is not None and o.since < start:
                out.append(Warned(f"{o.option}: dated {o.since}, before the edition starts on {start}: it is read "
                                  "from the edition's first day, as a value without a date would be; if another "
                                  "date was meant, give it", "early",
                                  f"{o.option}: bertanggal {o.since}, sebelum edisi mulai berlaku pada {start}: nilai "
                                  "itu dibaca sejak hari pertama edisi, seperti nilai tanpa tanggal; jika yang "
                                  "dimaksud tanggal lain, berikan tanggal itu"))
    return tuple(out)


def told(ruleset: RuleSet, on: date, on_option: str = "--on") -> tuple[Warned, ...]:
    """Every warning about deciding under ``ruleset`` on ``on``: the rule file's own (those ``check``
    gives it), its overrides', and ``unread_on``'s."""
    return tuple(Warned(str(d), "rule-file") for d in ruleset.warned) + getattr(ruleset, "warnings", ()) + \
        unread_on(ruleset, on, on_option)


def unread_on(ruleset: RuleSet, on: date, on_option: str = "--on") -> tuple[Warned, ...]:
    """A dated override inside the edition that takes effect after the decision date ``on``: this run
    never reads it (``on_option``: the option that gives the date); an as_of given after ``on``."""
    return tuple(Warned(f"{o.option} takes effect after the decision date {on} and is not read in this run; give "
                        f"{on_option} {o.since} to read it", "unread",
                        f"{o.option} berlaku sesudah tanggal keputusan {on} dan tidak dibaca dalam perhitungan ini; "
                        f"berikan {on_option} {o.since} untuk membacanya") for o in getattr(ruleset, "given", ())
                 if o.since is not None and o.since > on and ruleset.model.in_force.contains(o.since)) + \
        _as_of_later(ruleset, on, on_option)


def rechecked(reform: Reform, overrides: list[Override]) -> tuple[Warned, ...]:
    """The load-time checks that read values (a constant argument outside a function's domain, a
    divisor that is always 0), run again with the overrides: what would be an error in the rule
    file is one here, not a failure in the middle of a run. A replaced table also gets the warnings
    ``check`` gives a table (a key that never matches, a value a parameter names that it lacks), and
    a set value a table lacks (``state_banks=[MANDRI]``) its ``unknown-value``: those the rule file as
    written does not have, returned as text; one about a value an option gives is placed in that option.
    A title the overrides make stale is not one: the what-if cannot change it, and says it is one on
    every page."""
    found = lint(reform)
    given = ", ".join(o.option for o in overrides)
    errors = [d for d in found if d.severity is Severity.ERROR]
    if errors:
        placed = [_on_option(d, reform, overrides) or replace(d, message=f"with {given}: {d.message}") for d in errors]
        once: dict[tuple[object, ...], Diagnostic] = {}  # one value read at two places: told once, the first
        for d in placed:
            once.setdefault((d.file, d.line, d.column, d.code, d.message.split(" (in `")[0]), d)
        raise RuleSetError(list(once.values()))
    if reform.base is None:
        return ()
    tables = any(o.kind == "table" for o in overrides)  # a set value is checked against the tables too
    before = {str(d) for d in lint(reform.base)}
    return tuple(Warned(str(moved) if (moved := _on_option(d, reform, overrides)) else f"with {given}: {d}", "table")
                 for d in found
                 if str(d) not in before and d.code not in _FILE_STATED  # a what-if's own change, or the file's to fix
                 and (tables or d.code is Code.UNKNOWN_VALUE))


_FILE_STATED = (Code.STALE_TITLE, Code.STALE_BENEFIT)
"""Warnings a what-if's own change gives and is not warned of: a title or a benefit's source stating the
value it replaced (the rule file's to fix where it states one it does not hold)."""


def _on_option(d: Diagnostic, reform: Reform, overrides: list[Override]) -> Diagnostic | None:
    """``d`` placed in the ``--set`` that gives the value it is about (at the item, in a list), when the
    rule file places it at a parameter that option replaces: the file's own value is not what is told
    of. None for any other."""
    located = reform.located
    for o in (o for o in overrides if o.kind == "set" and d.file == located.file):
        spots = {at: path for path, at in located.values.items() if path[:2] == ("parameters", o.name)}
        if d.line not in {line for line, _ in spots} | {located.at(("parameters", o.name), key=True)[0]}:
            continue
        path = spots.get((d.line, d.column), ())
        item = read_yaml(o.text, o.option).values.get(path[-1:]) if path and isinstance(path[-1], int) else None
        column = len(o.option) - len(o.text) + item[1] if item is not None and item[0] == 1 else 1
        return replace(d, file=o.option, line=1, column=column, typed=True)  # each value typed masked on its own
    return None
