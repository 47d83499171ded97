"""Reforms without editing a file: parameter, benefit and table overrides for one run.

``--set wage_ceiling=4000000`` replaces a parameter's value on every date;
``--set wage_ceiling@2022-10-01=4000000`` adds a value from that date on, as the rule file's
``values:`` do; ``--set benefit.monthly=700000`` changes the benefit (an amount not given is
recomputed from ``monthly`` x ``months``, and a single instalment follows the amount);
``--table minimum_wage=FILE`` replaces a table by a CSV with the same columns. Values are read
as the rule file reads them (safe YAML scalars: ``2022-08`` is a month, ``2022-08-01`` a date).

An override is checked like the rule file: an unknown name is a diagnostic with a suggestion, a
value of another type than the parameter's is an error. The result is a ``Reform``: a RuleSet
whose sha256 is that of its base hash and its canonical overrides, so every decision made under
it names it, and the archive can store it (base + overrides) for replay.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeGuard

from bsu_rules.catalogue.calendar import month_end, month_of
from bsu_rules.errors import Code, RuleSetError
from bsu_rules.members.redact import hide_typed
from bsu_rules.ruleset.diagnostics import Diagnostic, Severity, nearest
from bsu_rules.ruleset.lint import lint
from bsu_rules.ruleset.lint_params import data_date_moved, data_date_text, partial_comparisons, unread_values
from bsu_rules.ruleset.model import CheckedRule, RuleSet
from bsu_rules.ruleset.override_checks import (
    BAD,
    BENEFIT_KEYS,
    Override,
    checked_benefit,
    checked_parameter,
    diag,
    read_value,
    replacement_table,
    unit_of,
)
from bsu_rules.ruleset.schema import Parameter, RuleFile, Text, Window
from bsu_rules.ruleset.source import read_yaml
from bsu_rules.ruleset.spelling import date_problem, not_a_date
from bsu_rules.ruleset.stale import COUNTED, Count, restated
from bsu_rules.ruleset.tables import Table
from bsu_rules.ruleset.warned import Warned


@dataclass(frozen=True, eq=False)
class Reform(RuleSet):
    """A rule set with overrides applied; ``sha256`` covers the base hash and the overrides."""

    base: RuleSet | None = None
    overrides: tuple[dict[str, Any], ...] = ()  # canonical, in the order applied: what the hash covers
    warnings: tuple[Warned, ...] = ()  # what the overrides leave as it was that the reader may not expect
    given: tuple[Override, ...] = ()  # the overrides as typed, in the order applied: what messages name

    @property
    def what_if(self) -> str:
        return override_options(self)


def override_options(ruleset: RuleSet | None) -> str:
    """The overrides a reform was made with, as options quoted for a shell (``--set wage_ceiling=4200000
    --set 'state_banks=["BRI"]'``), a replaced table by the sha256 of its file (``--table
    minimum_wage=<sha256 1a2b3c4d5e6f>``); "" for a rule set as its file has it."""
    return " ".join(map(override_option, getattr(ruleset, "overrides", ())))


def override_option(o: dict[str, Any]) -> str:
    """One override as the option that makes it, quoted for a shell (see ``override_options``)."""
    if "table" in o:
        return f"--table {o['table']}=<sha256 {o['sha256'][:12]}>"
    if o["set"].startswith("table."):
        return f"--set {o['set']}={o['value']}"
    return "--set " + shlex.quote(f"{o['set']}{'@' + o['since'] if o.get('since') else ''}={_text(o['value'])}")


def _not_a_parameter(ruleset: RuleSet, name: str) -> str:
    """What a name given to ``--set`` is when it is no parameter: a table, a fact or a criterion."""
    bare = name.split(".", 1)[1] if name.startswith(("table.", "fact.", "param.")) else name
    if bare in ruleset.tables:
        return f": `{bare}` is a table; replace it with --table {bare}=FILE"
    if bare in ruleset.facts:
        return f": `{bare}` is a fact, worked out from the parameters and tables it reads; set those"
    if any(c.rule.id == bare for c in ruleset.rules):
        return f": `{bare}` is a criterion; set the parameters it reads, or edit the rule file"
    return ""


def parse_override(kind: str, text: str, flag: str | None = None) -> Override:
    """``NAME[@YYYY-MM-DD]=VALUE`` from the command line (typed in ``--FLAG``, else ``--KIND``);
    RuleSetError if it has no ``=``."""
    option = f"--{flag or kind}"
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        form = "NAME=FILE" if kind == "table" else "NAME=VALUE"
        alone = not sep and _NAME_ONLY.fullmatch(text.strip())
        said = f"; write it as one word, `{option} {text.strip()}=…`" if alone else ""
        raise RuleSetError([diag(f"{option} {text}", Code.BAD_OVERRIDE, f"expected {form}, got `{text}`{said}")])
    more = _MORE.split(value.strip()) if kind == "set" and not value.lstrip().startswith(("[", "{", "'", '"')) else []
    if len(more) > 1:
        each = " ".join(f"{option} {part}" for part in [f"{name.strip()}={more[0]}", *_NAMED.findall(value)])
        raise RuleSetError([diag(f"{option} {text}", Code.BAD_OVERRIDE, f"{option} sets one value: give each its "
                                 f"own {option}", each)])
    name, at, since = name.strip().partition("@")
    day = None
    if at:
        try:
            day = date.fromisoformat(since)
        except ValueError:
            message, fixed = date_problem(since)
            raise RuleSetError([diag(f"{option} {text}", Code.BAD_OVERRIDE, message if message.startswith("`")
                                      else f"`{since[:40]}` is not a date: {message}", fixed)]) from None
        if kind != "set":
            raise RuleSetError([diag(f"{option} {text}", Code.BAD_OVERRIDE, "tables are not dated; drop the @DATE")])
    return Override(kind, name, value.strip(), day, flag)


_MORE = re.compile(r"(?<![,;\s])[,;\s]+(?=[A-Za-z_][\w.]*+(?:@[0-9-]++)?=)")
"""Where a value goes on with another assignment (``4000000,rounding=50000``: the form ``--against`` takes);
looked for from the first of a run of separators only (linear in the value's length)."""
_NAME_ONLY = re.compile(r"[A-Za-z_][\w.]*(?:@[0-9-]+)?")
"""A name alone (``wage_ceiling``, ``benefit.amount@2022-10-01``): its value was given as the next word."""
_NAMED = re.compile(r"(?<![,;\s])[,;\s]+([A-Za-z_][\w.]*+(?:@[0-9-]++)?=[^,;\s]*)")


def _described_as(ruleset: RuleSet, name: str) -> str | None:
    """The parameter whose description, in either language, is ``name`` written as words (``batas_upah``
    for the one described "Batas upah")."""
    words = " ".join(name.replace("_", " ").replace("-", " ").split()).casefold()
    return next((p for p, param in ruleset.model.parameters.items() if param.description is not None and
                 words in (param.description.id.casefold(), param.description.en.casefold())), None)


def split_assignments(text: str) -> list[str]:
    """``NAME=VALUE,NAME=VALUE`` cut at the commas outside brackets and quotes (``state_banks=[BRI, BNI]``
    is one) and before a ``NAME=`` only (``wage_ceiling=3,800,000`` is one, for its value to be told
    what is wrong with it); empty parts left out."""
    parts, depth, quote, start = [], 0, "", 0
    for at, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            parts.append(text[start:at])
            start = at + 1
    joined: list[str] = []
    for part in (*parts, text[start:]):
        if joined and "=" not in part and part.strip():
            joined[-1] += "," + part
        else:
            joined.append(part)
    return [p for p in joined if p.strip()]


def apply_overrides(ruleset: RuleSet, overrides: list[Override], base_dir: Path | None = None) -> RuleSet:
    """``ruleset`` with ``overrides`` applied (the same object when there are none); RuleSetError
    with every diagnostic when one is wrong. Table files are read relative to ``base_dir`` (cwd)."""
    if not overrides:
        return ruleset
    overrides = _in_order(overrides)
    problems: list[Diagnostic] = []
    params = dict(ruleset.model.parameters)
    benefit: dict[str, tuple[Override, Any]] = {}
    tables = dict(ruleset.tables)
    as_of = ruleset.model.as_of
    canonical: list[dict[str, Any]] = []
    unchanged: list[tuple[str, str]] = []  # what gives the rule file's own value (English, Indonesian): warned,
    # as it changes nothing
    reading: dict[str, tuple[Override, str]] = {}  # a table's ``unlisted``, by table
    kept: list[Warned] = []  # a table replaced by its own rows whose ``unlisted`` changes: warned too
    for o in overrides:
        where = o.option
        if o.kind == "table":
            table = replacement_table(ruleset, o, base_dir or Path.cwd(), problems)
            if table is not None:
                tables[o.name] = table
                canonical.append({"table": o.name, "sha256": table.sha256})
                if _same_rows(ruleset.tables[o.name], table) and o.name in reading:  # sets come first (``_in_order``)
                    reads_as = reading[o.name]
                    kept.append(Warned(f"{where}: the file holds the rows the rule file's table holds; only "
                                       f"{reads_as[0].option} changes, and every key the file does not list is read "
                                       f"as {reads_as[1]}", "no-change",
                                       f"{where}: berkas itu memuat baris yang sama dengan tabel berkas aturan; hanya "
                                       f"{reads_as[0].option} yang berubah, dan setiap kode yang tidak dimuat berkas "
                                       f"itu dibaca sebagai {reads_as[1]}"))
                else:
                    unchanged += [(f"{where}: the file holds the rows the rule file's table holds",
                                   f"{where}: berkas itu memuat baris yang sama dengan tabel berkas aturan")] * \
                        _same_rows(ruleset.tables[o.name], table)
            continue
        if o.name.startswith("table."):  # what a key the table does not list means in this run
            unlisted = _unlisted(ruleset, o, problems)
            if unlisted is not None:
                reading[o.name.split(".")[1]] = (o, unlisted)
                canonical.append({"set": o.name, "value": unlisted})
            continue
        value = read_value(o.text, where, problems, unit_of(ruleset, o.name))
        if value is BAD:
            continue
        if value is None and o.since is None:  # `null`, `~`: unset only from a date on
            problems.append(diag(where, Code.INVALID_VALUE, f"`{hide_typed(o.text.strip()[:40])}` is no value: a "
                                 "what-if gives a number, date, month, text or [list] (a parameter is left unset "
                                 "from a date on with NAME@YYYY-MM-DD=null)"))
            continue
        if o.name.startswith("benefit."):
            key = o.name.removeprefix("benefit.")
            if key not in BENEFIT_KEYS or o.since is not None:
                hint = nearest(key, BENEFIT_KEYS)
                msg = "the benefit is not dated" if o.since else f"unknown benefit key `{key}`"
                problems.append(diag(where, Code.UNKNOWN_NAME, msg, hint and f"benefit.{hint}"))
                continue
            benefit[key] = (o, value)
            canonical.append({"set": o.name, "value": _jsonable(value)})
            continue
        if o.name == "as_of":  # the date the data are read as at: a field of the file, set like a parameter
            if o.since is not None or type(value) is not date:
                said = f"as_of: {not_a_date(value, last=True)}" if o.since is None and isinstance(value, str) else \
                    "as_of is one date, written YYYY-MM-DD"  # as the rule file's own as_of is told
                problems.append(diag(where, Code.INVALID_VALUE, said,
                                      None if o.since is not None else date_problem(str(value), last=True)[1]))
                continue
            as_of = value
            canonical.append({"set": "as_of", "value": value.isoformat()})
            unchanged += [(f"{where}: the rule file already has this as_of",
                           f"{where}: berkas aturan sudah memakai as_of ini")] * (value == ruleset.model.as_of)
            continue
        if o.name not in params:
            names = ["as_of", *params, *(f"benefit.{k}" for k in BENEFIT_KEYS)]
            problems.append(diag(where, Code.UNKNOWN_NAME, f"unknown parameter `{o.name}` in {ruleset.id}"
                                 f"{_not_a_parameter(ruleset, o.name)}",
                                 nearest(o.name, names) or _described_as(ruleset, o.name)))
            continue
        new = checked_parameter(o, params[o.name], value, ruleset, problems)
        if new is not None:
            params[o.name] = new
            canonical.append({"set": o.name, "since": o.since and o.since.isoformat(), "value": _jsonable(value)})
            unchanged += [(f"{where}: the rule file already has this value",
                           f"{where}: berkas aturan sudah memakai nilai ini")] * _has_already(ruleset, o, value)
    for name, (o, unlisted) in reading.items():  # on the table the run reads: the rule file's, or its replacement
        tables[name] = replace(tables[name], ref=tables[name].ref.model_copy(update={"unlisted": unlisted}))
        unchanged += [(f"{o.option}: the rule file's table already reads so",
                       f"{o.option}: tabel berkas aturan sudah dibaca demikian")] * (
            ruleset.tables[name].ref.unlisted == unlisted)
    model_changes: dict[str, Any] = {"parameters": params, "as_of": as_of}
    if benefit:
        new_benefit = checked_benefit(ruleset.model.benefit, benefit, problems)
        if new_benefit is not None:
            model_changes["benefit"] = new_benefit
            given = ", ".join(o.option for o, _ in benefit.values())
            unchanged += [(f"{given}: the rule file's benefit is already this",
                           f"{given}: bantuan pada berkas aturan sudah sebesar ini")] * (
                new_benefit == ruleset.model.benefit)
    if problems:
        raise RuleSetError(problems)
    model = ruleset.model.model_copy(update=model_changes)
    hashed = sorted(canonical, key=lambda c: json.dumps(c, sort_keys=True))  # ``canonical`` stays as applied
    digest = hashlib.sha256(json.dumps({"base": ruleset.sha256, "overrides": hashed}, sort_keys=True,
                                       ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()
    same = {f.name: getattr(ruleset, f.name) for f in fields(RuleSet) if f.name != "_plans"}
    model, rules = _retitled(ruleset, model, overrides)
    warnings = tuple(Warned(f"{en}; nothing changes", "no-change", f"{id_}; tidak ada yang berubah")
                     for en, id_ in unchanged) + tuple(kept) + _data_date(ruleset, model, overrides) + \
        _unread(model, overrides) + _below_partial_table(ruleset, model, overrides, tables)
    reform = Reform(**(same | {"model": model, "sha256": digest, "tables": tables, "rules": rules}), base=ruleset,
                    overrides=tuple(canonical), warnings=warnings, given=tuple(overrides))
    checked = _check(reform, overrides)
    return replace(reform, warnings=warnings + checked, _plans={}) if checked else reform


UNLISTED = ("absent", "unknown")
"""What a key a table does not list may mean (a table's ``unlisted``)."""


def _unlisted(ruleset: RuleSet, o: Override, problems: list[Diagnostic]) -> str | None:
    """``--set table.NAME.unlisted=absent`` (a replacement that lists every key: one it does not list is not
    in it) or ``=unknown`` (an incomplete one); None, with the problem, for anything else."""
    _, name, key = (*o.name.split(".", 2), "", "")[:3]
    value = o.text.strip().strip("'\"")
    if name not in ruleset.tables:
        near = nearest(name, ruleset.tables)
        problems.append(diag(o.option, Code.UNKNOWN_NAME, f"unknown table `{name}` in {ruleset.id}",
                             near and f"table.{near}.unlisted"))
    elif key != "unlisted" or o.since is not None:
        problems.append(diag(o.option, Code.BAD_OVERRIDE, f"a table is replaced with --table {name}=FILE; --set "
                             f"table.{name}.unlisted=absent (or unknown), undated, says what a key it does not "
                             "list means"))
    elif value not in UNLISTED:
        problems.append(diag(o.option, Code.INVALID_VALUE, f"table.{name}.unlisted is `absent` (a key the table "
                             "does not list is not in it) or `unknown` (the table is incomplete), not "
                             f"`{hide_typed(value[:40])}`", nearest(value, UNLISTED)))
    else:
        return value
    return None


def _has_already(ruleset: RuleSet, given: Override, value: Any) -> bool:
    """Whether ``given`` is undated and the rule file already has ``value`` on every date (a dated value
    moves the default decision date, so it may change something even when the rules read the same)."""
    old = ruleset.model.parameters[given.name]
    return given.since is None and old.values is None and bool(old.value == value) and \
        isinstance(old.value, bool) == isinstance(value, bool)  # True is not 1


def _same_rows(old: Table, new: Table) -> bool:
    """Whether two tables hold the same keys, values and bounds (their files may differ in layout)."""
    return (old.keys, old.values, old.bounds) == (new.keys, new.values, new.bounds)


def _retitled(base: RuleSet, model: RuleFile, overrides: list[Override]) -> tuple[RuleFile, tuple[CheckedRule, ...]]:
    """The rules whose criterion reads an overridden parameter or table (directly or through facts),
    their titles saying what changed: a figure a title quotes ("at most Rp3.500.000") is put as the
    what-if gives it (``stale.restated``), and the options follow the title."""
    names: dict[str, list[Override]] = {}  # a parameter may be given several dated values
    for o in overrides:
        names.setdefault(o.name if o.name == "as_of" else f"{'table' if o.kind == 'table' else 'param'}.{o.name}",
                         []).append(o)
    rules, retitled = [], {}
    for checked in base.rules:
        read = sorted(base.names_read(checked.tree) & names.keys())
        given = [o for n in read for o in names[n]]
        title = checked.rule.title
        if given and title is not None:
            said = {lang: ", ".join(f"{word} {o.name}" if o.kind == "table" else f"set {o.assignment}"
                                    for o in given)  # a table by its name: a page is printed, the file is the analyst's
                    for lang, word in (("id", "tabel"), ("en", "table"))}
            changes = _changes(base.model, model, base.names_read(checked.tree))
            shown = Text.model_construct(id=f"{restated(title.id, 'id', changes)} (simulasi: {said['id']})",
                                         en=f"{restated(title.en, 'en', changes)} (what-if: {said['en']})")
            rule = checked.rule.model_copy(update={"title": shown})  # the options as given: not the file's text
            retitled[checked.rule.id] = rule
            checked = replace(checked, rule=rule)
        rules.append(checked)
    if retitled:
        model = model.model_copy(update={"rules": [retitled.get(r.id, r) for r in model.rules]})
    return model, tuple(rules)


_AMBIGUOUS = object()


def _changes(old: RuleFile, new: RuleFile, read: set[str]) -> dict[Any, Any]:
    """Each value a parameter in ``read`` (or ``as_of``, when read) held for the whole edition, mapped
    to the one the what-if gives it, and as a ``Count`` too for a parameter in months or days (the count
    a title states, "2 bulan"); a value two parameters held and the what-if sets apart is left out (a
    title stating it says which it means no more than the figure does)."""
    pairs: list[tuple[Any, Any]] = [(old.as_of, new.as_of)] if "as_of" in read else []
    for name, param in old.parameters.items():
        before, after = _throughout(param, old.in_force), _throughout(new.parameters[name], new.in_force)
        if f"param.{name}" in read and before is not _AMBIGUOUS and after is not _AMBIGUOUS:
            pairs.append((before, after))
            if param.unit in COUNTED and isinstance(before, int) and not isinstance(before, bool):
                pairs.append((Count(param.unit, before), after))
    out: dict[Any, Any] = {}
    for before, after in pairs:  # one left as it was counts: the figure may be its
        if not isinstance(before, list | dict):
            key = (type(before), before)
            out[key] = after if repr(out.get(key, after)) == repr(after) else _AMBIGUOUS
    return {key[1]: value for key, value in out.items() if value is not _AMBIGUOUS
            and repr(value) != repr(key[1].n if isinstance(key[1], Count) else key[1])}


def _throughout(param: Parameter, edition: Window) -> Any:
    """The one value ``param`` holds on every day of the ``edition`` (a dated value from before it
    counts), or ``_AMBIGUOUS``."""
    inside = param.within(edition)
    first = param.values is None or edition.from_ is None or min(param.values) <= edition.from_  # no day without one
    return inside[0] if first and len(inside) == 1 else _AMBIGUOUS


def as_written(ruleset: RuleSet) -> RuleSet:
    """A reform with its rules titled as its base file titles them: what a comparison with another
    rule set reads (the `(simulasi: …)` a page shows after a title is display, not a change of rule)."""
    base = getattr(ruleset, "base", None)
    if base is None:
        return ruleset
    written = {c.rule.id: c.rule for c in base.rules}
    return replace(ruleset, model=ruleset.model.model_copy(update={"rules": base.model.rules}),
                   rules=tuple(replace(c, rule=written.get(c.rule.id, c.rule)) for c in ruleset.rules), _plans={})


def _data_date(base: RuleSet, model: RuleFile, overrides: list[Override]) -> tuple[Warned, ...]:
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


def _below_partial_table(base: RuleSet, model: RuleFile, overrides: list[Override],
                         tables: dict[str, Table]) -> tuple[Warned, ...]:
    """A number set below every value the rule file gives it, where it is compared with the values of a
    partial table the overrides keep (``tables``: the reform's): such a table may list only the rows that
    matter at the file's values (the minimum wages above the wage ceiling), so a row that matters at the
    new one may be missing."""
    compared = partial_comparisons(base)
    replaced = {name for name, table in tables.items() if not _same_rows(base.tables[name], table)}
    out = []
    for o in overrides:
        if o.kind != "set" or o.name not in compared:
            continue
        written = base.model.parameters[o.name]
        lowest = min(filter(_number, [written.value] if written.values is None else written.values.values()),
                     default=None)
        param = model.parameters[o.name]
        value = param.value if o.since is None or param.values is None else param.values[o.since]
        if lowest is None or not _number(value) or value >= lowest:
            continue
        told: dict[str, str] = {}  # once a table, by the plainest comparison that reads it
        for table, how in compared[o.name]:
            if table not in replaced and (table not in told or len(how) < len(told[table])):
                told[table] = how
        out += [Warned(f"{o.option}: below the rule file's {lowest}, while `{how}` compares it with `table.{table}`, "
                       f"a partial table that may list only the rows that matter at {lowest}: a row between the two "
                       f"that it leaves out reads as none (an area's own minimum wage unseen); give the rows down to "
                       f"{value} with --table {table}=FILE", "partial-table",
                       f"{o.option}: di bawah {lowest} pada berkas aturan, sedangkan `{how}` membandingkannya dengan "
                       f"`table.{table}`, tabel tidak lengkap yang mungkin hanya memuat baris yang penting pada "
                       f"{lowest}: baris di antara keduanya yang tidak dimuatnya dibaca sebagai tidak ada (upah "
                       f"minimum wilayah itu tidak terlihat); berikan baris sampai {value} dengan "
                       f"--table {table}=BERKAS")
                for table, how in told.items()]
    return tuple(out)


def _number(value: object) -> TypeGuard[int | Decimal]:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _as_of_later(ruleset: RuleSet, on: date, on_option: str) -> tuple[Warned, ...]:
    """An ``as_of`` given after the decision date ``on``: the data would be read as at a day to come."""
    as_of = ruleset.model.as_of
    inside = ruleset.model.in_force.contains(as_of)  # never suggests a date the command refuses
    return tuple(Warned(f"{o.option} is after the decision date {on}: the data are read as at a day after the "
                        f"decision (payments not yet made on {on} count); give an as_of on or before {on}"
                        f"{f', or {on_option} {as_of}' * inside}", "data-date",
                        f"{o.option} jatuh sesudah tanggal keputusan {on}: data dibaca per hari sesudah keputusan "
                        f"(pembayaran yang belum dilakukan pada {on} ikut dihitung); berikan as_of pada atau sebelum "
                        f"{on}{f', atau {on_option} {as_of}' * inside}")
                 for o in getattr(ruleset, "given", ()) if o.name == "as_of" and as_of > on)


def _unread(model: RuleFile, overrides: list[Override]) -> tuple[Warned, ...]:
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


def _in_order(overrides: list[Override]) -> list[Override]:
    """The overrides in the one order that makes their result not depend on the order they were given
    in (the hash and the archive see them sorted): a name's undated value first, then its dated values
    by date. One target given twice (a name, or a name from one date; a table) is an error: which one
    was meant cannot be told."""
    first: dict[tuple[str, str, date | None], Override] = {}
    problems = []
    for o in overrides:
        target = (o.kind, o.name, o.since)
        if target in first:
            what = "replace the same table" if o.kind == "table" else \
                f"both set `{o.name}`" + (f" from {o.since}" if o.since else "")
            problems.append(diag(o.option, Code.BAD_OVERRIDE, f"`{first[target].option}` and `{o.option}` {what}: "
                                                               "give it once"))
        first.setdefault(target, o)
    if problems:
        raise RuleSetError(problems)
    return sorted(overrides, key=lambda o: (o.kind, o.name, o.since or date.min))


def _check(reform: Reform, overrides: list[Override]) -> tuple[Warned, ...]:
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
                 if str(d) not in before and d.code is not Code.STALE_TITLE  # the rule file's to fix
                 and (tables or d.code is Code.UNKNOWN_VALUE))


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


def reform_of(base: RuleSet, sets: list[str], tables: list[str], flag: str | None = None) -> RuleSet:
    """``apply_overrides`` from command-line texts (``--set`` and ``--table`` values; the sets typed in
    ``--FLAG`` when given)."""
    return apply_overrides(base, [parse_override("set", t, flag) for t in sets] +
                           [parse_override("table", t) for t in tables])




def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value if isinstance(value, (bool, int, str)) or value is None else {"$" + type(value).__name__: str(value)}


def archive_entry(reform: Reform) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """What an archive stores for a reform besides its base: the overrides to apply again, and
    the bytes of each replacement table (as ``tables/<name>.csv``)."""
    specs: list[dict[str, Any]] = []
    files: dict[str, bytes] = {}
    for c in reform.overrides:
        if "table" in c:
            name = f"tables/{c['table']}.csv"
            files[name] = Path(reform.tables[c["table"]].ref.file).read_bytes()
            specs.append({"table": c["table"], "file": name})
        else:
            specs.append({"set": c["set"], "since": c.get("since"), "value": _text(c["value"])})
    return specs, files


def from_archive(base: RuleSet, specs: list[dict[str, Any]], folder: Path) -> RuleSet:
    """The reform an archive entry describes: ``base`` with ``specs`` (from ``archive_entry``) applied."""
    overrides = [Override("table", s["table"], s["file"]) if "table" in s else
                 Override("set", s["set"], s["value"], date.fromisoformat(s["since"]) if s.get("since") else None)
                 for s in specs]
    return apply_overrides(base, overrides, folder)


def _text(value: Any) -> str:
    """A canonical value written back as the command line would give it (a month or a date bare)."""
    if isinstance(value, dict):
        return str(next(iter(value.values())))
    if isinstance(value, str) and _DAY_OR_MONTH.fullmatch(value):
        return value
    return json.dumps(value, ensure_ascii=False)


_DAY_OR_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?")
