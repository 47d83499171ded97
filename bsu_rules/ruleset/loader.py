"""Load a rule file: YAML with positions -> schema -> tables -> checked, hashed RuleSet."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bsu_rules.catalogue.calendar import month_of
from bsu_rules.errors import Code, RuleSetError
from bsu_rules.glossary import FILE as GLOSSARY_FILE
from bsu_rules.glossary import (
    Glossary,
    GlossaryError,
    glossary_sha256,
    governing,
    load_glossary,
    misamended,
    missing_entries,
)
from bsu_rules.glossary import months as months_said
from bsu_rules.ruleset.checker import (
    FORMAT_TYPES,
    FORMAT_WORDS,
    FORMATS,
    Scope,
    TypeChecker,
    fact_order,
    fits,
    optional_spans,
    parse_checked,
    read_depth,
    reads,
    type_words,
)
from bsu_rules.ruleset.diagnostics import Diagnostic, Severity, has_errors, nearest, nearest_name
from bsu_rules.ruleset.editions import bundled_rules as bundled_rules  # also served from here
from bsu_rules.ruleset.expressions import MAX_GROUPED_DEPTH, Call, Name, Node, Parses, walk
from bsu_rules.ruleset.files import RULE_FILE_LIMIT, TABLES_LIMIT, UnsafePath, read_limited
from bsu_rules.ruleset.lint import lint
from bsu_rules.ruleset.misplaced import another_file, unreadable
from bsu_rules.ruleset.misread import misread_values, schema_diagnostics
from bsu_rules.ruleset.model import CheckedRule, RuleSet
from bsu_rules.ruleset.param_types import months_wanted, parameter_type, value_type
from bsu_rules.ruleset.schema import LOGGED, UNIT_WORDS, Rule, RuleFile, TableRef
from bsu_rules.ruleset.source import Located, read_yaml
from bsu_rules.ruleset.source import Path as DataPath
from bsu_rules.ruleset.spelling import meant_value
from bsu_rules.ruleset.tables import Table, read_table
from bsu_rules.ruleset.types import BOOL, HISTORIES, STR, Type
from bsu_rules.ruleset.units import Units


def resolve(name: str | Path) -> Path:
    """A path, or a bundled id such as ``bsu-2022``. A bare bundled id is the bundled edition whatever the
    working folder holds (a file or folder named ``bsu-2022`` there is ``./bsu-2022``), and a name written
    as a path is that path only, there or not (``./bsu-2022`` is no bundled edition). A symbolic link
    (``current.yaml`` deployed as a link to ``bsu-2025.yaml``) is the file it leads to: its tables are the
    ones beside that file."""
    path = Path(name)
    if isinstance(name, str) and path.name == name and (bundled := bundled_rules() / f"{name}.yaml").is_file():
        return bundled
    if path.is_symlink():
        with contextlib.suppress(OSError, RuntimeError):  # a loop or a dead link: reading it says so
            return path.resolve(strict=True)
    if path.suffix in (".yaml", ".yml") or path.exists() or written_as_path(name):
        return path
    return bundled_rules() / f"{name}.yaml"


def written_as_path(name: str | Path) -> bool:
    """Whether a rule set's name is written as a path (a folder separator in it, or a start of ``.`` or
    ``~``), never a bundled id."""
    text = os.fspath(name)
    return "/" in text or os.sep in text or text.startswith((".", "~"))


ONCE_WARNINGS = frozenset({"unknown-source", "unmatchable-key"})
"""The codes of findings that were warnings in earlier versions and are errors now: an archive entry may hold one."""

NAMED = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)(?::([A-Za-z0-9]+))?\}")
"""A placeholder as written, its name and format in any case: a name with a capital (`{fact.None}`) is an
unknown name, a format with one (`{fact.wage:RP}`) or a digit (`{fact.wage:D4TE}`) an unknown format."""
_LOWER_NAME = re.compile(r"[a-z_][a-z0-9_.]*")


def load_ruleset(name: str | Path, *, archived: bool = False, logged: bool = False) -> RuleSet:
    """Load and check a rule file; raise RuleSetError with every diagnostic if it has errors.
    ``archived``: the file of an archive entry, which decided when it was archived: a finding that was then
    a warning (``ONCE_WARNINGS``) is one still. ``logged``: an archived file read to replay the decisions logged
    under it: a text written as the rules then allowed (an explanation over several lines) is read as it is."""
    ruleset, diagnostics = check_file(name, archived=archived or logged, logged=logged)
    if ruleset is None or has_errors(diagnostics):
        raise RuleSetError(sorted(diagnostics))
    return replace(ruleset, warned=tuple(sorted(diagnostics))) if diagnostics else ruleset


def check_file(name: str | Path, *, archived: bool = False, logged: bool = False
               ) -> tuple[RuleSet | None, list[Diagnostic]]:
    """Every diagnostic for a rule file, and the RuleSet when there is no error (TypeError for a
    name that is neither text nor a path; ``archived``, ``logged``: as ``load_ruleset``)."""
    if not isinstance(name, str | os.PathLike):
        decode = ": decode it (os.fsdecode(name))" if isinstance(name, bytes) else ""
        raise TypeError(f"a rule set is named by its id or its file's path (a str or a Path), not "
                        f"{type(name).__name__}{decode}")
    path = resolve(name)
    try:
        raw = read_limited(path, RULE_FILE_LIMIT)
    except UnsafePath as exc:
        return None, [unreadable(name, path, exc)]
    located = read_yaml(raw, str(path))
    if (other := another_file(raw, located.data, name, path)) is not None:  # a member or test file in its place
        return None, [other]
    if located.diagnostics:
        return None, _once(located.diagnostics)
    if not located.values:  # nothing but blank lines and comments
        newest = max(bundled_rules().glob("*.yaml"), default=bundled_rules())
        return None, [Diagnostic(str(path), 1, 1, Code.NOT_A_RULE_FILE, "the file is empty: start from a copy of "
                                 f"a bundled rule file ({newest}) and change it")]
    if not isinstance(located.data, dict):
        held = "a list" if isinstance(located.data, list) else "a single value"
        return None, [Diagnostic(str(path), *located.at(()), Code.NOT_A_RULE_FILE,
                                 f"this file holds {held}, but a rule file is keys and their values, one a line "
                                 "(`ruleset: bsu-2022`, `version: \"2022.1\"`, `rules:` ...)")]
    parses = Parses()  # each expression parsed once, for every pass that reads it
    misread = misread_values(located, parses)
    try:
        model = RuleFile.model_validate(located.data, context={LOGGED: True} if logged else None)
    except ValidationError as exc:
        found = [d for loc, d in schema_diagnostics(exc, located) if loc[:2] not in misread]
        tables = check_tables(_valid_tables(located.data, exc), located, path)[1]  # their rows are told too
        return None, _once([*misread.values(), *found, *tables])
    return _RuleSetChecker(model, located, path, misread, archived, parses).run()


def check_tables(refs: dict[str, TableRef], located: Located, path: Path) -> tuple[dict[str, Table], list[Diagnostic]]:
    """The tables a rule file names that can be used, and every mistake in the others: in a table
    file at its row, else at the rule file's reference to it."""
    tables: dict[str, Table] = {}
    found: list[Diagnostic] = []
    spent = 0  # bytes of the tables read so far
    for name, ref in refs.items():
        spent += _size(path.parent, ref.file)
        if spent > TABLES_LIMIT:
            found.append(Diagnostic(located.file, *located.at(("tables", name, "file")), Code.TABLE,
                                    f"the tables of this rule file hold more than {TABLES_LIMIT >> 20} MiB in all "
                                    f"with table `{name}`: a rule set is loaded every time it decides, so its tables "
                                    "stay small (keep only the rows the rules read)"))
            continue
        table, errors = read_table(name, ref, path.parent)
        if table is not None:
            tables[name] = table
        for exc in errors:
            if exc.line is None:
                found.append(Diagnostic(located.file, *located.at(("tables", name, exc.at)), Code.TABLE, str(exc),
                                        suggestion=exc.suggestion))
            else:
                found.append(Diagnostic(str(path.parent / ref.file), exc.line, exc.column, Code.TABLE,
                                        f"table `{name}`: {exc.message}", suggestion=exc.suggestion))
    return tables, found


def _size(folder: Path, name: str) -> int:
    """The bytes of a regular file a rule file names in its folder (0 for anything else, or a name that
    leads out of the folder: reading it says what is wrong, and nothing outside is looked at)."""
    if Path(name).is_absolute() or ".." in Path(name).parts:
        return 0
    try:
        found = (folder / name).stat()
    except (OSError, ValueError):
        return 0
    return found.st_size if stat.S_ISREG(found.st_mode) else 0


def _valid_tables(data: dict[str, Any], exc: ValidationError) -> dict[str, TableRef]:
    """The table references of a rule file that fails its schema elsewhere: those the schema takes."""
    raw, wrong = data.get("tables"), [e["loc"][1:2] for e in exc.errors() if e["loc"][:1] == ("tables",)]
    if not isinstance(raw, dict) or () in wrong:  # the section itself is wrong
        return {}
    out = {}
    for name, ref in raw.items():
        if (name,) in wrong or not isinstance(name, str):
            continue
        try:
            out[name] = TableRef.model_validate(ref)
        except ValidationError:
            continue
    return out


def _once(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Sorted, each told once (a value reached twice through a YAML alias is one mistake)."""
    return sorted({(str(d), d.code): d for d in diagnostics}.values())


def _format_for(t: Type | None) -> str | None:
    """The format that shows a value of type ``t``, if one does."""
    return next((f for f, types in FORMAT_TYPES.items() if t is not None and t in types), None)


def _not_rupiah(name: str, units: Units, lang: str) -> tuple[str, str, Severity] | None:
    """Why ``:rp`` does not fit ``name``, a number (in ``lang``'s explanation), the placeholder to write
    instead and how sure that is, if it does not: a value of another unit (``fact.arrears``, a count of
    months: an error), or a parameter declared with no ``unit`` (a year, a day of the month:
    ``param.fiscal_year``; a warning, since an amount declared without its unit is shown right). A value of
    no known unit (a table without ``unit: IDR``, a fact mixing units) is not told."""
    node = Name(0, len(name), tuple(name.split(".")))
    unit = units.of(node)
    said = f"`:rp` shows an amount in rupiah, and `{name}` is"
    if unit == "months":
        return f"{said} {UNIT_WORDS[unit]}: without a format it is shown as its glossary entry says (`format: " \
            f"months`: {months_said(3, lang)})", f"{{{name}}}", Severity.ERROR
    if unit == "days":
        return f"{said} {UNIT_WORDS[unit]}: without a format it is shown as a number; say the unit after it", \
            f"{{{name}}} {'hari' if lang == 'id' else 'days'}", Severity.ERROR
    param = units.param_of(node) if unit is None and units.unitless(node) else None
    if param is None:
        return None
    said = said if name == f"param.{param}" else f"{said.removesuffix(' is')} (`param.{param}`) is"
    return f"{said} a number with no `unit`, not an amount (a year, a day of the month or a count): " \
        f"without a format it is shown as its glossary entry says; if it is an amount in rupiah, give " \
        f"`param.{param}` `unit: IDR`", f"{{{name}}}", Severity.WARNING


class _RuleSetChecker:
    """Checks a schema-valid rule file (tables, parameters, expressions, lint, glossary) and builds the
    RuleSet, collecting every diagnostic on the way."""

    def __init__(self, model: RuleFile, located: Located, path: Path,
                 misread: dict[DataPath, Diagnostic] | None = None, archived: bool = False,
                 parses: Parses | None = None) -> None:
        self.model, self.located, self.path, self.archived = model, located, path, archived
        self.parses = parses or Parses()
        self.diagnostics: list[Diagnostic] = list((misread or {}).values())
        self.misread = {str(at[1]) for at in misread or {} if at[0] == "parameters"}
        self.renamed = {f"param.{d.suggestion}" for at, d in (misread or {}).items()  # a renamed parameter's uses
                        if at[0] == "parameters" and d.code == Code.UNKNOWN_NAME and d.suggestion}
        self.depths: dict[str, int] = {}  # each fact's depth with the facts it reads (``read_depth``)
        self.misused: set[str] = set()  # parameters told of where their value is written (``_misused``)

    def report(self, at: DataPath, code: str, message: str, rule: str | None = None,
               suggestion: str | None = None, offset: int | None = None,
               severity: Severity = Severity.ERROR) -> None:
        line, col = self.located.at(at) if offset is None else self.located.expression_at(at, offset)
        self.diagnostics.append(Diagnostic(self.located.file, line, col, code, message, severity, rule, suggestion))

    def run(self) -> tuple[RuleSet | None, list[Diagnostic]]:
        m = self.model
        params = {}
        months = months_wanted(m, self.parses)
        for name, param in m.parameters.items():
            if name in self.misread:  # already reported where its value is written
                continue
            if (name.endswith("_month") or name in months) and self._month_as_date(name):
                continue
            t = parameter_type(param)
            if t is None and param.values is not None and all(v is None for v in param.values.values()):
                self.report(("parameters", name, "values"), Code.INVALID_VALUE, f"`param.{name}` has no value: "
                            "`values` gives none (a null only ends a value given before it): give a dated value")
            elif t is None:
                self.report(("parameters", name), Code.TYPE_MISMATCH, f"the values of `param.{name}` mix types")
            else:
                params[name] = t
        tables = self._tables()
        broken = {f"param.{n}" for n in m.parameters if n not in params} | \
            {f"table.{n}" for n in m.tables if n not in tables} | self.renamed
        scope = Scope(params, {k: t.type for k, t in tables.items()}, dict(m.facts), broken=frozenset(broken))
        facts = self._facts(scope)
        rules = self._rules(scope, facts)
        channel = None
        if m.channel is not None:
            channel = self._expression(("channel", "expression"), m.channel.expression, scope, None, (STR,))
            if channel is not None:
                self._depth(("channel", "expression"), channel, None)
        self._duplicates()
        if has_errors(self.diagnostics):
            return None, _once(self.diagnostics)
        ruleset = RuleSet(model=m, path=self.path, sha256=self._hash(tables), tables=tables,
                          param_types=params, facts=facts, rules=tuple(rules), channel=channel,
                          located=self.located)
        self.diagnostics.extend(lint(ruleset))
        self._glossary(ruleset)
        if self.archived:  # the entry decided as it is: what was a warning when it was archived does not stop it
            self.diagnostics = [replace(d, severity=Severity.WARNING) if d.code in ONCE_WARNINGS else d
                                for d in self.diagnostics]
        return None if has_errors(self.diagnostics) else ruleset, sorted(self.diagnostics)  # a lint error too

    def _written(self, name: str) -> list[tuple[DataPath, Any]]:
        """Each value of parameter ``name`` as written, with its path: ``value``, else each of ``values``."""
        raw = self.located.data["parameters"][name]
        return [(("parameters", name, "value"), raw.get("value"))] + \
            [(("parameters", name, "values", k), v) for k, v in (raw.get("values") or {}).items()]

    def _misused(self, name: str, wanted: tuple[Type, ...], what: str) -> bool:
        """Report parameter ``name``, read where ``wanted`` is taken (``what``), once, at its first value
        of another type, when that value is one of ``wanted`` mistyped (``2022.0`` for an int, ``BRI``
        for a list): whether it is (else the use is what is wrong, told there)."""
        if name in self.misused:
            return True
        written = [(at, v) for at, v in self._written(name) if v is not None]
        at, value = next(((at, v) for at, v in written if not any(fits(value_type(v), w) for w in wanted)),
                         written[0])
        meant = next((m for w in wanted if (m := meant_value(w.name, value)) is not None), None)
        if meant is None:
            return False
        self.misused.add(name)
        got = value_type(value)
        shown = value.isoformat() if isinstance(value, date) else str(value)
        bracket = ": a list is written in brackets, even of one item" if wanted[0].name == "list" and got == STR else ""
        self.report(at, Code.TYPE_MISMATCH, f"`param.{name}` is {got} (`{shown[:40]}`), but it is used as {what}, "
                    f"which must be {type_words(wanted)}{bracket}", suggestion=meant)
        return True

    def _month_as_date(self, name: str) -> bool:
        """Report each value of month parameter ``name`` written as a date (``2022-07-31``), where it is
        written, once: its uses are not told again. Whether there was one."""
        written = self._written(name)
        dated = [(at, v) for at, v in written if isinstance(v, date)]
        for at, value in dated:
            self.report(at, Code.INVALID_VALUE, f"`{name}` is a month, written YYYY-MM, not a date",
                        suggestion=month_of(value))
        return bool(dated)

    def _glossary(self, ruleset: RuleSet) -> None:
        """Every name the file uses needs an entry in the glossary its pages read: the one beside it
        (an error), else the bundled one (a warning: the page shows the bare name, or no citation)."""
        path = None
        try:
            path = governing(self.path)
            glossary = load_glossary(path.resolve() if path else None)
        except GlossaryError as exc:
            shown = str(path) if path else None  # its path as the rule file's is given, not resolved
            if exc.invalid is not None:  # at its lines in the glossary, in the words a rule file's are told,
                self.diagnostics.extend(replace(d, file=shown or d.file)
                                        for _, d in schema_diagnostics(*exc.invalid, root=Glossary))
            elif exc.unread:  # YAML it could not read (a repeated key, a tab): there too, with its own code
                self.diagnostics.extend(replace(d, file=shown or d.file, severity=Severity.ERROR) for d in exc.unread)
            else:
                self.report((), Code.GLOSSARY, str(exc))
            return
        where = f"the glossary {path}" if path else \
            f"the bundled glossary, which this file's pages read (copy it to {GLOSSARY_FILE} beside the file)"
        for at, rule, message in missing_entries(ruleset, glossary, where):
            self.report(at, Code.NO_GLOSSARY_ENTRY, message, rule,
                        severity=Severity.ERROR if path else Severity.WARNING)
        for at, rule, message in misamended(ruleset, glossary):
            self.report(at, Code.UNKNOWN_SOURCE, message, rule)

    def _tables(self) -> dict[str, Table]:
        tables, found = check_tables(self.model.tables, self.located, self.path)
        self.diagnostics.extend(found)
        return tables

    def _expression(self, at: DataPath, text: str, scope: Scope, rule: str | None,
                    wanted: tuple[Type, ...]) -> Node | None:
        def report(offset: int, code: str, message: str, suggestion: str | None) -> None:
            self.report(at, code, message, rule, suggestion, offset)

        tree = parse_checked(text, report, self.parses.parse)
        if tree is not None:
            TypeChecker(scope, report, self._misused, text).expect(tree, wanted, "this expression")
        return tree

    def _facts(self, scope: Scope) -> dict[str, Node]:
        trees: dict[str, Node] = {}
        for name, text in self.model.facts.items():
            def report(offset: int, code: str, message: str, suggestion: str | None, n: str = name) -> None:
                self.report(("facts", n), code, message, None, suggestion, offset)

            tree = parse_checked(text, report, self.parses.parse)
            if tree is not None:
                trees[name] = tree
        order = fact_order(trees, lambda n, c: self.report(("facts", n), Code.CYCLE, f"facts depend on "
                                                           f"each other in a cycle: {c}"))
        checked: dict[str, Node] = {}
        for name in order:
            def report2(offset: int, code: str, message: str, suggestion: str | None, n: str = name) -> None:
                self.report(("facts", n), code, message, None, suggestion, offset)

            t = TypeChecker(scope, report2, self._misused, self.model.facts[name]).check(trees[name])
            if t is not None:
                scope.typed(name, t)
            checked[name] = trees[name]
            self._depth(("facts", name), trees[name], None)
        return checked

    def _depth(self, at: DataPath, tree: Node, rule: str | None) -> None:
        """Report an expression that nests deeper than MAX_GROUPED_DEPTH with the facts it reads, where
        the depth is first passed (not again at each fact or rule built on it)."""
        depth = read_depth(tree, self.depths)
        if at[0] == "facts":
            self.depths[str(at[1])] = depth
        deep = [n for n in walk(tree) if isinstance(n, Name) and n.parts[0] == "fact" and len(n.parts) > 1
                and self.depths.get(n.parts[1], 0) > MAX_GROUPED_DEPTH]
        if depth > MAX_GROUPED_DEPTH and not deep:
            self.report(at, Code.TOO_DEEP, f"this expression nests {depth} levels deep with the facts it reads (at "
                        f"most {MAX_GROUPED_DEPTH}, each fact counting as deep as its own expression): shorten the "
                        "chain of facts", rule, None, 0)

    def _rules(self, scope: Scope, facts: dict[str, Node]) -> list[CheckedRule]:
        out = []
        units = Units(self.model.parameters, facts)  # each fact's unit worked out once, for every explanation
        for i, rule in enumerate(self.model.rules):
            at: DataPath = ("rules", i, rule.kind.value)
            tree = self._expression(at, rule.condition, scope, rule.id, (BOOL,))
            if tree is not None:
                self._depth(at, tree, rule.id)
            if rule.explain is not None:
                self._placeholders(i, rule.id, scope, facts, units)
            shown = self._shown(i, rule, scope)
            if tree is not None:
                out.append(CheckedRule(rule=rule, tree=tree, reads=tuple(reads(tree)), shown=shown))
        return out

    def _shown(self, index: int, rule: Rule, scope: Scope) -> tuple[Name, ...]:
        """The names a rule's ``shows`` lists: each a value a trace can show (not a history or a table),
        once."""
        shown: list[Name] = []
        for j, text in enumerate(rule.shows):
            at: DataPath = ("rules", index, "shows", j)

            def report(offset: int, code: str, message: str, suggestion: str | None, at: DataPath = at) -> None:
                self.report(at, code, message, rule.id, suggestion, offset)

            if "," in text:
                report(0, Code.INVALID_VALUE, "`shows` takes one name per item: write the names as a list, "
                       f"[{', '.join(p.strip() for p in text.split(','))}]", None)
                continue
            tree = parse_checked(text, report, self.parses.parse)
            if tree is None:
                continue
            if isinstance(tree, Name) and tree.parts[0] == "table":
                report(0, Code.INVALID_VALUE, f"`{tree.dotted}` is a table, not a value: show the fact that reads "
                       "it", None)
            elif not isinstance(tree, Name) or tree.parts[0] not in ("member", "fact", "param", "as_of",
                                                                     "decision_date"):
                report(0, Code.INVALID_VALUE, "`shows` lists names whose values the trace shows (`fact.x`, "
                       "`member.y`, `param.z`), not expressions", nearest(text.replace("-", "_"), scope.names()))
            elif any(n.dotted == tree.dotted for n in shown):
                report(0, Code.INVALID_VALUE, f"`{tree.dotted}` is listed twice in `shows`: once is enough", None)
            elif TypeChecker(scope, report, self._misused, text).check(tree) is None:
                pass  # an unknown name, told with the name meant
            elif tree.type in HISTORIES:
                report(0, Code.INVALID_VALUE, f"`{tree.dotted}` is a history: show a fact computed from it", None)
            else:
                shown.append(tree)
        return tuple(shown)

    def _placeholders(self, index: int, rule: str, scope: Scope, facts: dict[str, Node], units: Units) -> None:
        names = scope.names()
        for lang in ("id", "en"):
            at: DataPath = ("rules", index, "explain", lang)
            text = getattr(self.model.rules[index].explain, lang)
            spans = [m.span() for m in NAMED.finditer(text)]
            stray = next((i for i, c in enumerate(text) if c in "{}" and not any(a <= i < b for a, b in spans)), None)
            if stray is not None:
                self.report(at, Code.SYNTAX, f"`{text[stray]}` is not part of a placeholder: write `{{name}}` or "
                            f"`{{name:format}}` (a lower-case name such as `fact.wage`, a format among "
                            f"{', '.join(FORMATS)})", rule, None, stray)
            parts = optional_spans(text)
            if isinstance(parts, int):
                self.report(at, Code.SYNTAX, "`]` closes no part opened with `[`" if text[parts] == "]" else
                            "`[` opens a part said only when it adds something: close it with `]` before another "
                            "`[` (parts are not nested)", rule, None, parts)
            else:
                for a, b in parts:
                    if not any(a < m.start() < b for m in NAMED.finditer(text)):
                        self.report(at, Code.SYNTAX, "a part in square brackets is said only when the values it "
                                    "shows are known and add something, and this one shows none: write a "
                                    "placeholder in it, or leave the brackets out", rule, None, a)
            for match in NAMED.finditer(text):
                name, fmt = match.group(1), match.group(2)
                if _LOWER_NAME.fullmatch(name) is None:  # a name with a capital, such as `fact.None`
                    case = " (a name is written in lower case)" if name.lower() in names else ""
                    self.report(at, Code.UNKNOWN_NAME, f"unknown name `{name}` in the explanation{case}", rule,
                                nearest_name(name.lower(), names), match.start(1))
                    continue
                if name in scope.broken or name.removeprefix("param.") in self.misused:  # told once, where written
                    continue
                if name not in names:
                    self.report(at, Code.UNKNOWN_NAME, f"unknown name `{name}` in the explanation", rule,
                                nearest_name(name, names), match.start(1))
                elif (kind := names[name]) is not None and (kind in HISTORIES or kind.name in ("table", "keyset")):
                    whole = "a history" if kind in HISTORIES else "a whole table"
                    self.report(at, Code.BAD_FORMAT, f"`{name}` is {whole}, which has no form to be read out: "
                                "show a fact computed from it, such as `fact.wage`", rule, None, match.start(1))
                elif fmt is None and self._shows("nik", name, names[name], facts):
                    self.report(at, Code.BAD_FORMAT, f"`{name}` is a NIK's problem as a code (`birth-date-mismatch`), "
                                f"which a worker cannot read: show it as `{{{name}:nik}}`, which says it in words",
                                rule, f"{{{name}:nik}}", match.start(1))
                elif fmt is not None and fmt not in FORMATS:
                    case = ": a format is written in lower case" if fmt.lower() in FORMATS else ""
                    meant, t = fmt.lower() if case else nearest(fmt.lower(), FORMATS), names[name]
                    fits = ""  # the format meant by its spelling may not show this value (`:Rp` on a date), or
                    # none is near it (`:zzz`): the one that shows the value's type
                    if (meant is None and t is not None) or (meant is not None and not self._shows(meant, name, t,
                                                                                                    facts)):
                        meant = _format_for(t)
                        if meant == "rp" and _not_rupiah(name, units, lang) is not None:  # a count: no amount
                            meant = None
                        fits = f"; `{name}` is {t.words if t is not None else 'unknown'}, " + \
                            (f"which `:{meant}` shows" if meant else "shown without a format")
                    self.report(at, Code.BAD_FORMAT, f"unknown format `:{fmt}`{case} (use {', '.join(FORMATS)})"
                                f"{fits}", rule, meant, match.start(2))
                elif fmt is not None and not self._shows(fmt, name, t := names[name], facts):
                    self.report(at, Code.BAD_FORMAT, f"`:{fmt}` shows {FORMAT_WORDS[fmt]}, and `{name}` is "
                                f"{t.words if t is not None else 'unknown'}", rule, _format_for(t), match.start(2))
                elif fmt == "rp" and (wrong := _not_rupiah(name, units, lang)) is not None:
                    self.report(at, Code.BAD_FORMAT, wrong[0], rule, wrong[1], match.start(2), wrong[2])

    @staticmethod
    def _shows(fmt: str, name: str, t: Type | None, facts: dict[str, Node]) -> bool:
        """Whether format ``fmt`` shows the value of ``name`` (of type ``t``, None: already reported)."""
        if fmt == "nik":
            tree = facts.get(name.removeprefix("fact.")) if name.startswith("fact.") else None
            return isinstance(tree, Call) and tree.func.dotted == "nik_issue"
        return t is None or any(t.name == w.name for w in FORMAT_TYPES[fmt])

    def _duplicates(self) -> None:
        seen: dict[str, int] = {}  # each id and the rule it is first the id of
        for i, rule in enumerate(self.model.rules):
            if rule.id in seen:
                first = self.located.at(("rules", seen[rule.id], "id"))[0]
                self.report(("rules", i, "id"), Code.DUPLICATE_RULE,
                            f"rule id `{rule.id}` is used twice (first at line {first})", rule.id)
            seen.setdefault(rule.id, i)
        for name in self.model.facts:
            if name in self.model.parameters or name in self.model.tables:
                self.report(("facts", name), Code.DUPLICATE_NAME, f"`{name}` names a fact and a parameter or table",
                            severity=Severity.WARNING)

    def _hash(self, tables: dict[str, Table]) -> str:
        return content_hash(self.located, tables, glossary_sha256(self.path))


def content_hash(located: Located, tables: dict[str, Table], glossary: str | None, *, legacy: bool = False) -> str:
    """A rule set's sha256: its rule file's content, its tables' bytes and the glossary its
    explanations read (``legacy``: as rule sets were hashed before the glossary was, which an
    archive entry of that time is named by)."""
    canonical: dict[str, Any] = {"file": _jsonable(located.data),
                                 "tables": {name: t.sha256 for name, t in sorted(tables.items())}}
    if not legacy:
        canonical["glossary"] = glossary
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, Decimal)):
        return {"$" + type(value).__name__: str(value)}
    return value
