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
it names it, and the archive can store it (base + overrides) for replay. The options are read in
``override_texts``, each checked in ``override_checks``; what a reform is warned of is
``override_warnings``'s, and its archive entry ``override_archive``'s.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from bsu_rules.errors import Code, RuleSetError
from bsu_rules.members.redact import hide_typed, shortened
from bsu_rules.ruleset.diagnostics import Diagnostic, nearest
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
    same_rows,
    unit_of,
)
from bsu_rules.ruleset.override_texts import override_options, parse_override
from bsu_rules.ruleset.override_warnings import below_partial_table, data_date, rechecked, unread
from bsu_rules.ruleset.schema import Parameter, RuleFile, Text, Window
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


def _described_as(ruleset: RuleSet, name: str) -> str | None:
    """The parameter whose description, in either language, is ``name`` written as words (``batas_upah``
    for the one described "Batas upah")."""
    words = " ".join(name.replace("_", " ").replace("-", " ").split()).casefold()
    return next((p for p, param in ruleset.model.parameters.items() if param.description is not None and
                 words in (param.description.id.casefold(), param.description.en.casefold())), None)


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
    named: list[tuple[str, str]] = []  # a table replaced by its own rows under other names: what it renames
    for o in overrides:
        where = o.option
        if o.kind == "table":
            table = replacement_table(ruleset, o, base_dir or Path.cwd(), problems)
            if table is not None:
                tables[o.name] = table
                canonical.append({"table": o.name, "sha256": table.sha256})
                if same_rows(ruleset.tables[o.name], table) and o.name in reading:  # sets come first (``_in_order``)
                    reads_as = reading[o.name]
                    kept.append(Warned(f"{where}: the file holds the rows the rule file's table holds; only "
                                       f"{reads_as[0].option} changes, and every key the file does not list is read "
                                       f"as {reads_as[1]}", "no-change",
                                       f"{where}: berkas itu memuat baris yang sama dengan tabel berkas aturan; hanya "
                                       f"{reads_as[0].option} yang berubah, dan setiap kode yang tidak dimuat berkas "
                                       f"itu dibaca sebagai {reads_as[1]}"))
                elif same_rows(ruleset.tables[o.name], table) and (renamed := _renamed(ruleset.tables[o.name], table)):
                    named.append((where, renamed))
                else:
                    unchanged += [(f"{where}: the file holds the rows the rule file's table holds",
                                   f"{where}: berkas itu memuat baris yang sama dengan tabel berkas aturan")] * \
                        same_rows(ruleset.tables[o.name], table)
            continue
        if o.name.startswith("table."):  # what a key the table does not list means in this run
            unlisted = _unlisted(ruleset, o, problems)
            if unlisted is not None:
                reading[o.name.split(".")[1]] = (o, unlisted)
                canonical.append({"set": o.name, "value": unlisted})
            continue
        wanted = ruleset.param_types.get(o.name)
        one = o.name == "as_of" or (o.name.startswith("benefit.") and o.name != "benefit.instalments") or \
            (wanted is not None and wanted.name != "list")  # `- 5` for one value: told it is a list
        value = read_value(o.text, where, problems, unit_of(ruleset, o.name), listed=not one)
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
                if o.since is None and isinstance(value, str):  # the day it may mean: the suggestion
                    said = f"as_of: {not_a_date(value, last=True, asked=False)}"
                else:
                    said = "as_of is one date, written YYYY-MM-DD"  # as the rule file's own as_of is told
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
    labelled = (f"the decisions are the rule file's, labelled as a what-if (sha256 {digest[:12]})",
                f"keputusannya sama dengan keputusan berkas aturan, diberi label simulasi (sha256 {digest[:12]})")
    warnings = tuple(Warned(f"{en}; {labelled[0]}", "no-change", f"{id_}; {labelled[1]}")
                     for en, id_ in unchanged) + tuple(
        Warned(f"{where}: the file holds the keys and values the rule file's table holds; only names differ, which "
               f"explanations show ({renamed}): the decisions are the rule file's but for those names, labelled as a "
               f"what-if (sha256 {digest[:12]})", "table",
               f"{where}: berkas itu memuat kode dan nilai yang sama dengan tabel berkas aturan; hanya nama yang "
               f"ditampilkan penjelasan yang berbeda ({renamed}): keputusannya sama dengan keputusan berkas aturan "
               f"kecuali nama itu, diberi label simulasi (sha256 {digest[:12]})")
        for where, renamed in named) + tuple(kept) + data_date(ruleset, model, overrides) + \
        unread(model, overrides) + below_partial_table(ruleset, model, overrides, tables)
    reform = Reform(**(same | {"model": model, "sha256": digest, "tables": tables, "rules": rules}), base=ruleset,
                    overrides=tuple(canonical), warnings=warnings, given=tuple(overrides))
    checked = rechecked(reform, overrides)
    return replace(reform, warnings=warnings + checked, _plans={}) if checked else reform


def _renamed(old: Table, new: Table) -> str:
    """The keys ``new`` names otherwise than ``old`` (its ``names``, which explanations read out), the first
    three as ``code: old name → new name``; empty when every name is the same."""
    keys = sorted(k for k in old.names.keys() | new.names.keys() if old.names.get(k) != new.names.get(k))
    shown = [f"{k}: {shortened(old.names.get(k) or '-')} → {shortened(new.names.get(k) or '-')}" for k in keys[:3]]
    return "; ".join(shown) + (f"; and {len(keys) - 3} more" if len(keys) > 3 else "")


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


def reform_of(base: RuleSet, sets: list[str], tables: list[str], flag: str | None = None) -> RuleSet:
    """``apply_overrides`` from command-line texts (``--set`` and ``--table`` values; the sets typed in
    ``--FLAG`` when given); TypeError unless each is a list of texts (a text alone would be read
    character by character)."""
    for option, given in (("--set", sets), ("--table", tables)):
        if not isinstance(given, list | tuple):  # `"wage_ceiling=4000000"`: as `hints="false"` is refused
            said = f": pass [{hide_typed(given)!r}]" if isinstance(given, str) and len(given) <= 80 else ""
            raise TypeError(f"reform_of takes the {option} texts as a list, not {type(given).__name__}{said}")
        if (odd := next((t for t in given if not isinstance(t, str)), None)) is not None:
            raise TypeError(f"reform_of takes each {option} text as a str NAME=VALUE, not {type(odd).__name__}")
    return apply_overrides(base, [parse_override("set", t, flag) for t in sets] +
                           [parse_override("table", t) for t in tables])


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value if isinstance(value, (bool, int, str)) or value is None else {"$" + type(value).__name__: str(value)}
