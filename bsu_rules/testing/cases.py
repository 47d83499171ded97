"""Rule-author test files: YAML cases beside the rules, loaded with positions.

A test file names a rule set (an id, or a path to a .yaml file in its folder or the one above),
optional named ``bases`` (full member records) and ``cases``; each case patches a base (``member``
replaces top-level keys, ``unset`` removes them), may give a decision date ``on`` and says what it
``expect``s. Every problem is a ``Diagnostic`` with file:line:column and, where one is close, a
suggestion; a case with a problem is not run, nor any case of a file with an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, ValidationError

from bsu_rules.decisions import Outcome, RuleResult
from bsu_rules.errors import Code, InputError, OutOfForce, RuleSetError
from bsu_rules.members import BankAccount, Contribution, Employer, Member, ProgramReceipt, WageReport, parse_member
from bsu_rules.members.contract import UNKNOWN, is_unknown
from bsu_rules.members.model import NOT_A_DAY, NOT_A_MONTH
from bsu_rules.members.redact import hide_identifiers
from bsu_rules.ruleset.diagnostics import Diagnostic, has_errors, nearest, nearest_name
from bsu_rules.ruleset.files import TEST_FILE_LIMIT, Missing, UnsafePath, followed, read_limited
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import BREAK, Line, benefit_misfit, misfit
from bsu_rules.ruleset.source import Located, dotted, read_yaml
from bsu_rules.ruleset.source import Path as DataPath
from bsu_rules.ruleset.spelling import amount_in_words, date_problem
from bsu_rules.ruleset.types import member_fields
from bsu_rules.testing.coverage import sides
from bsu_rules.testing.rulesets import RuleSets

_NESTED: dict[str, type[BaseModel]] = {"employer": Employer, "wages": WageReport, "contributions": Contribution,
           "program_receipts": ProgramReceipt, "bank_account": BankAccount}
_VALUES = [v.value for v in RuleResult] + [v.value for v in Outcome]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _shown_number(value: int) -> int:
    """A number a failed case repeats as written: none of a NIK's or an account number's ten digits or more."""
    if abs(value) >= 10 ** 9:
        raise ValueError("a number of ten digits or more, as a NIK or an account number is: a failed case shows it "
                         "as written (leave personal numbers out)")
    return value


ShownInt = Annotated[StrictInt, AfterValidator(_shown_number)]


class Expect(_Model):
    """What a case expects; only ``outcome`` is required. ``benefit: null`` means not eligible.

    ``outcome: refused`` expects the decision date to be outside the edition; ``applies`` then
    names the edition the refusal must point to."""

    outcome: Outcome | Literal["refused"]
    applies: list[Line] | Line | None = None  # texts a failed case repeats: no NIK- or account-like number
    rules: dict[str, RuleResult] = {}
    benefit: ShownInt | None = None
    channel: Line | None = None
    priority: ShownInt | None = None
    flags: list[Line] | None = None
    missing: list[Line] | None = None


class Case(_Model):
    """One case: a member (a base, patched), a decision date, and what to expect."""

    name: Annotated[Line, Field(min_length=1)]
    base: Line | None = None
    member: dict[str, Any] = {}
    unset: list[str] = []
    on: date | None = None
    expect: Expect


class _Header(_Model):
    ruleset: Annotated[str, Field(min_length=1)]
    bases: dict[Line, dict[str, Any]] = {}
    cases: list[Any]


@dataclass(frozen=True)
class LoadedCase:
    """A case as read: its member record is validated; ``case``/``member`` are None on error."""

    file: str
    line: int
    name: str
    ruleset: RuleSet | None
    case: Case | None = None
    member: Member | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    held: tuple[Diagnostic, ...] = ()
    """At the case, each mistake it uses that is told elsewhere, once (in its base): it runs once they are fixed."""
    waits: str = ""
    """Why the case waits, as a count of such cases says it ("their base `worker` in … has a mistake, line 12")."""

    @property
    def runnable(self) -> bool:
        return None not in (self.ruleset, self.case, self.member) and not has_errors(self.diagnostics) \
            and not self.held


@dataclass(frozen=True)
class CaseFile:
    """A test file: its rule set, its cases, and problems with the file as a whole."""

    path: Path
    ruleset: RuleSet | None
    cases: tuple[LoadedCase, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    not_run: tuple[str, ...] = ()
    """The names of the cases that cannot run because their file or their rule file has errors
    ("" where a name cannot be read)."""
    unread: bool = False
    """The file could not be read as a test file (not readable, not YAML, not a mapping), so how many
    cases it holds is not known and none of them ran."""


def load_file(path: Path, rulesets: RuleSets) -> CaseFile:
    """Read and check a test file; nothing here raises on bad content."""
    file = str(path)
    try:
        located = read_yaml(read_limited(followed(path), TEST_FILE_LIMIT), file)  # not UTF-8: told at its byte
    except UnsafePath as exc:
        said = "is a symbolic link that leads to no file (not there, or a loop of links)" \
            if path.is_symlink() and followed(path) == path else str(exc)
        hint = ": split its cases into files of their own" if said.startswith("is larger") else \
            ": give the YAML file of the cases" if said == "is not a regular file" else ""
        code = Code.FILE_NOT_FOUND if isinstance(exc, Missing) else Code.FILE
        return CaseFile(path, None, (), (Diagnostic(file, 1, 1, code, f"the test file {said}{hint}"),), unread=True)
    problems = list(located.diagnostics)
    if located.data is None or has_errors(problems):  # a duplicate key or a tag: no case is run from it
        names = _names(located)
        return CaseFile(path, None, (), tuple(problems), names, unread=located.data is None and not names)
    if not isinstance(located.data, dict):
        problems.append(Diagnostic(file, 1, 1, Code.INVALID_VALUE,
                                   "a test file is a mapping with `ruleset` and `cases`"))
        return CaseFile(path, None, (), tuple(problems), unread=True)
    try:
        header = _Header.model_validate(located.data)
    except ValidationError as exc:
        return CaseFile(path, None, (), tuple(problems + _schema(exc, located, ())), _names(located))
    try:
        ruleset = rulesets.get(header.ruleset, path)
    except RuleSetError as exc:
        return CaseFile(path, None, (), tuple(problems + _ruleset_problem(exc, header.ruleset, located)),
                        _names(located))
    first: dict[str, int] = {}
    in_bases: dict[str, Diagnostic] = {}  # a mistake in a base: told once, for every case that uses it
    loaded = [_CaseReader(located, header, ruleset, i, raw, in_bases).read(first)
              for i, raw in enumerate(header.cases)]
    return CaseFile(path, ruleset, tuple(loaded), tuple(problems + list(in_bases.values())))


def _names(located: Located) -> tuple[str, ...]:
    """The names of a file's cases, as far as they can be read ("" for each one that cannot)."""
    data = located.data if isinstance(located.data, dict) else {}
    cases = data.get("cases")
    if not isinstance(cases, list):
        return ("",) * located.written.get("cases", 0)
    return tuple(hide_identifiers(str(c.get("name") or "")) if isinstance(c, dict) else "" for c in cases)


def _ruleset_problem(exc: RuleSetError, ref: str, located: Located) -> list[Diagnostic]:
    found = [d for d in exc.diagnostics if isinstance(d, Diagnostic)]
    line, col = located.at(("ruleset",))
    missing = next((d for d in found if d.code == Code.FILE_NOT_FOUND), None)
    if missing is not None:
        return [Diagnostic(located.file, line, col, Code.UNKNOWN_RULESET, missing.message,
                           suggestion=missing.suggestion)]
    return [Diagnostic(located.file, line, col, Code.RULESET_ERROR, f"rule set `{ref}` has errors"), *found]


def _schema(exc: ValidationError, located: Located, prefix: DataPath) -> list[Diagnostic]:
    out = []
    errors = exc.errors()
    # a union of an enum and a literal (``outcome``: an outcome or ``refused``) fails in both branches:
    # one message lists the values of both
    branches = {tuple(e["loc"][:-1]): str(e["ctx"]["expected"]) for e in errors if e["type"] == "literal_error"}
    enums = {tuple(e["loc"][:-1]) for e in errors if e["type"] == "enum"}
    for err in errors:
        if err["type"] == "literal_error" and tuple(err["loc"][:-1]) in enums:
            continue
        loc: DataPath = prefix + tuple(err["loc"])
        is_key = loc[-1:] == ("[key]",)  # a name that is a key (a base's): told at the key
        loc = loc[:-1] if is_key else loc
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            model = Expect if "expect" in loc else Case if "cases" in loc else _Header
            out.append(Diagnostic(located.file, *located.at(loc, key=True), Code.UNKNOWN_KEY,
                                  f"unknown key `{hide_identifiers(key)}`",
                                  suggestion=nearest(key, model.model_fields)))
        elif err["type"] == "missing":
            out.append(Diagnostic(located.file, *located.at(loc[:-1]), Code.MISSING_KEY,
                                  f"`{loc[-1]}` is required here"))
        elif err["type"] == "enum":
            value, expected = str(err["input"]), str(err["ctx"]["expected"])
            if (other := branches.get(tuple(err["loc"][:-1]))) is not None:
                expected = f"{expected.replace(' or ', ', ')} or {other}"
            out.append(Diagnostic(located.file, *located.at(loc), Code.INVALID_VALUE,
                                  f"`{hide_identifiers(value)}` is not one of {expected}",
                                  suggestion=nearest(value, _VALUES)))
        else:
            message, fixed = str(err["msg"]).removeprefix("Value error, "), None
            if err["type"].startswith("date") and isinstance(err["input"], str | int) \
                    and not isinstance(err["input"], bool):
                message, fixed = date_problem(str(err["input"]))
            elif loc[-2:] == ("expect", "benefit") and type(err["input"]) is not int \
                    and (problem := benefit_misfit("amount", err["input"])):
                message, fixed = problem  # 600.000: six hundred thousand, as in the rule file
            out.append(Diagnostic(located.file, *located.at(loc, key=is_key), Code.INVALID_VALUE,
                                  f"{_where(loc)}: {message}", suggestion=fixed))
    return out


def _where(loc: DataPath) -> str:
    """A place in a test file as its author counts: ``case 5, expect.benefit``, ``bases.worker.nik``
    (a NIK-like number in a key left out)."""
    if len(loc) >= 2 and loc[0] == "cases" and isinstance(loc[1], int):
        rest = hide_identifiers(dotted(loc[2:]))
        return f"case {loc[1] + 1}" + (f", {rest}" if rest else "")
    return hide_identifiers(dotted(loc))


_MISSING_NAME = re.compile(r"([A-Za-z]+)((?:\.[A-Za-z0-9_]+)+)(\[[^\[\]]*\])?")
"""A name ``expect.missing`` may hold: a member field, a fact, a parameter, a table's row
(``table.minimum_wage[3273]``), as (namespace, the rest of the name, the row)."""
_SPACES = {"fact": "fact", "param": "parameter", "table": "table"}


class _CaseReader:
    """Checks one case and builds its member record, collecting diagnostics."""

    def __init__(self, located: Located, header: _Header, ruleset: RuleSet, index: int, raw: Any,
                 in_bases: dict[str, Diagnostic]) -> None:
        self.located, self.header, self.ruleset, self.index, self.raw = located, header, ruleset, index, raw
        self.at: DataPath = ("cases", index)
        self.problems: list[Diagnostic] = []
        self.held: list[Diagnostic] = []
        self.waits: list[str] = []
        self.in_bases = in_bases
        self.told = {(d.line, d.column) for d in located.diagnostics}  # reading the file said so already
        self.elsewhere: dict[tuple[str, int, int], list[int]] = {}  # what, where in the case: lines told at
        name = raw.get("name") if isinstance(raw, dict) else None
        self.name = hide_identifiers(name) if isinstance(name, str) and name and not BREAK.search(name) \
            else f"case {index + 1}"  # a NIK in a name (an error) is never repeated

    def report(self, path: DataPath, code: Code, message: str, suggestion: str | None = None,
               key: bool = False) -> None:
        line, col = self.located.at(self.at + path, key=key)
        self.problems.append(Diagnostic(self.located.file, line, col, code, message, suggestion=suggestion))

    def read(self, first: dict[str, int]) -> LoadedCase:
        name, line = self.name, self.located.at(self.at)[0]
        twice = first.get(name)  # the line of a case of the same name before it: told whatever else is wrong
        first.setdefault(name, line)
        try:
            case = Case.model_validate(self.raw)
        except ValidationError as exc:
            partial = _member_part(self.raw, exc)
            if partial is not None:  # its member still built: a mistake in its base is told in this run too
                self.member(partial)
            self.problems[:0] = _schema(exc, self.located, self.at)
            self.tell_twice(twice)
            self.tell_elsewhere()
            return LoadedCase(self.located.file, line, name, self.ruleset, diagnostics=tuple(self.problems),
                              held=tuple(self.held), waits="; ".join(self.waits))
        self.check_expect(case)
        if case.on is not None and case.expect.outcome != "refused":
            try:
                self.ruleset.check_in_force(case.on)
            except OutOfForce as exc:
                self.report(("on",), Code.OUT_OF_FORCE, f"{exc} (a case that expects this says `outcome: refused`)")
        member = self.member(case)
        self.tell_twice(twice)
        self.tell_elsewhere()
        return LoadedCase(self.located.file, line, name, self.ruleset, case, member, tuple(self.problems),
                          tuple(self.held), "; ".join(self.waits))

    def tell_twice(self, first_line: int | None) -> None:
        if first_line is not None:
            self.report(("name",), Code.DUPLICATE_CASE,
                        f"case name `{self.name}` is used twice (first at line {first_line})")

    def tell_elsewhere(self) -> None:
        """At the case, each mistake it uses that is told elsewhere (in its base, or by the file's reading): the
        case waits for it (a count of the cases waiting on one base is said, not each one)."""
        for (what, at_line, at_col), told in self.elsewhere.items():
            lines = ", ".join(str(n) for n in sorted(set(told)))
            many = "s" if "," in lines else ""
            self.held.append(Diagnostic(self.located.file, at_line, at_col, Code.INVALID_MEMBER,
                                        f"{what} has a mistake (line{many} {lines}): the case runs once it is fixed"))
            theirs = what.replace("a value of this case", "a value of theirs", 1)
            self.waits.append(f"{'their ' if theirs.startswith('base') else ''}{theirs} in {self.located.file} has "
                              f"a mistake, line{many} {lines}")

    def check_expect(self, case: Case) -> None:
        given = case.expect.model_fields_set - {"outcome", "applies"}
        if case.expect.outcome == "refused" and given:
            self.report(("expect",), Code.CONTRADICTORY_EXPECTATION, f"a refused case has no decision to check: "
                        f"remove {', '.join(sorted(given))}, or expect an outcome")
        if case.expect.outcome != "refused" and case.expect.applies is not None:
            self.report(("expect", "applies"), Code.CONTRADICTORY_EXPECTATION,
                        "`applies` names the edition a refusal points to: it needs `outcome: refused`")
        rules = {c.rule.id: c.rule for c in self.ruleset.rules}
        for rule_id, result in case.expect.rules.items():
            rule = rules.get(rule_id)
            if rule is None:
                self.report(("expect", "rules", rule_id), Code.UNKNOWN_RULE, f"rule set {self.ruleset.id} has no "
                            f"rule `{hide_identifiers(rule_id)}`", nearest(rule_id, rules), key=True)
                continue
            possible = sides(rule, self.ruleset.model.in_force)
            if result not in possible:
                self.report(("expect", "rules", rule_id), Code.IMPOSSIBLE_OUTCOME,
                            f"`{rule_id}` is a {rule.kind.value} rule: it comes out "
                            f"{', '.join(s.value for s in possible)}, never {result.value}")
        flags = [rule_id for rule_id, rule in rules.items() if rule.flag is not None]
        for j, rule_id in enumerate(case.expect.flags or []):
            if rule_id not in flags:
                self.report(("expect", "flags", j), Code.UNKNOWN_RULE,
                            f"rule set {self.ruleset.id} has no flag rule `{hide_identifiers(rule_id)}`",
                            nearest(rule_id, flags))

        self.check_missing(case.expect.missing or [])

    def check_missing(self, labels: list[str]) -> None:
        """Each name of ``expect.missing`` that no decision of the rule set can give (``member.wage``, not a
        member field): told here, with the name meant, not first when the case runs. A label of another form
        is left to the run."""
        ruleset = self.ruleset
        pools = {"member": list(member_fields()), "fact": [f"fact.{k}" for k in ruleset.facts],
                 "param": [f"param.{k}" for k in ruleset.model.parameters],
                 "table": [f"table.{k}" for k in ruleset.tables]}
        for j, label in enumerate(labels):
            written = _MISSING_NAME.fullmatch(label)
            space = written[1].lower() if written is not None else ""
            if written is None or space not in pools or (written[3] is not None and space != "table"):
                continue
            name = written[1] + written[2]
            if name in pools[space]:
                continue
            said = hide_identifiers(name)
            what = f"`{said}` is not a field of a member record" if space == "member" else \
                f"rule set {ruleset.id} has no {_SPACES[space]} `{said}`"
            self.report(("expect", "missing", j), Code.UNKNOWN_NAME, f"{what}, so no decision gives it as missing",
                        nearest_name(name.lower(), pools[space]))

    def member(self, case: Case) -> Member | None:
        record: dict[str, Any] = {}
        origin: dict[str, DataPath] = {}
        if case.base is not None:
            if case.base not in self.header.bases:
                self.report(("base",), Code.UNKNOWN_BASE, f"no base `{case.base}` in `bases`",
                            nearest(case.base, self.header.bases))
                return None
            for key, value in self.header.bases[case.base].items():
                record[key], origin[key] = value, ("bases", case.base, key)
        for key, value in case.member.items():
            record[key], origin[key] = value, (*self.at, "member", key)
        for j, key in enumerate(case.unset):
            if key not in Member.model_fields:
                self.report(("unset", j), Code.INVALID_MEMBER, f"`{key}` is not a member field",
                            _suggest(key, list(Member.model_fields)))
            record.pop(key, None)
        plain = {key: self.plain(value, origin[key]) for key, value in record.items()}
        if has_errors(self.problems) or self.elsewhere:
            return None
        try:
            return parse_member(plain)
        except InputError as exc:
            for where, message in exc.problems:
                self.member_problem(where, message, origin)
            return None

    def plain(self, value: Any, path: DataPath) -> Any:
        """YAML data back to JSON-like data: dates as ISO text; a fraction is an error."""
        if isinstance(value, dict):
            return {k: self.plain(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.plain(v, (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):  # 600.000 is six hundred thousand rupiah, as in the rule file
            message, fixed = misfit(value, "IDR") or (f"`{value}` is not an integer (money is integer rupiah)", None)
            field = path[path.index("member") + 1:] if "member" in path else path[2:]  # a case's member, or a base
            self.member_at(path, f"member `{dotted(field)}`: {message}", fixed)
        return value

    def member_at(self, path: DataPath, message: str, suggestion: str | None = None, key: bool = False) -> None:
        """A problem with a member value, where it is written: in a base, once for the file (each case
        using the base points at it); not again where reading the file told it already."""
        line, col = self.located.at(path, key=key)
        found = Diagnostic(self.located.file, line, col, Code.INVALID_MEMBER, message, suggestion=suggestion)
        in_base = path[:1] == ("bases",)
        if not in_base and (line, col) not in self.told:
            self.problems.append(found)
            return
        if in_base and (line, col) not in self.told:
            self.in_bases.setdefault(str(found), found)
        what = f"base `{path[1]}`" if in_base else "a value of this case"
        self.elsewhere.setdefault((what, *self.located.at((*self.at, "base") if in_base else path)), []).append(line)

    def member_problem(self, text: str, message: str, origin: dict[str, DataPath]) -> None:
        where = _split(text)
        head = str(where[0]) if where else ""
        base: DataPath = origin[head] + where[1:] if head in origin else (*self.at, "member")
        message = UNKNOWN if is_unknown(message) else message  # the field meant is this case's suggestion
        said, suggestion = f"member `{text}`: {message}", None
        if message == UNKNOWN and (split := _split_amount(self.located.data, base)) is not None:
            base, said, suggestion = split[0], f"member `{text.rsplit('.', 1)[0]}.{split[0][-1]}`: {split[1]}", \
                split[2]
            message = ""  # told at the amount's value, not at the key
        elif message == UNKNOWN and where:
            model: type[BaseModel] = Member if len(where) == 1 else _NESTED.get(head, Member)
            suggestion = _suggest(str(where[-1]), list(model.model_fields))
        elif where[-1:] == ("amount",) and isinstance(written := _lookup(self.located.data, base), str) and \
                (problem := misfit(written, "IDR")) is not None:
            said, suggestion = f"member `{text}`: {problem[0]}", problem[1]
        elif NOT_A_MONTH in message and isinstance(written := _lookup(self.located.data, base), str) and \
                (problem := misfit(written, None)) is not None and problem[1] is not None:  # `2022-7`, `Juli 2022`
            said, suggestion = f"member `{text}`: {problem[0]}", problem[1]  # as the rule file's month is told
        elif NOT_A_DAY in message and isinstance(written := _lookup(self.located.data, base), str):
            wrong, fixed = date_problem(written)  # as every other date is told: `17-08-1994`, `1994-8-17`
            said, suggestion = f"member `{text}`: {message.partition(' (YYYY-MM-DD)')[0]}: {wrong}", fixed
        elif "expected text, got an integer" in message and \
                isinstance(number := _lookup(self.located.data, base), int) and not isinstance(number, bool):
            said = f"member `{text}` is a number here: write it in quotes, as text (a number loses its leading zeros)"
            quoted = f'"{number}"'
            suggestion = quoted if hide_identifiers(quoted) == quoted else None  # never repeat a NIK
        self.member_at(base, said, suggestion, key=message == UNKNOWN)


def _member_part(raw: Any, exc: ValidationError) -> Case | None:
    """The part of a case that builds its member (``base``, ``member``, ``unset``), when the case's
    mistakes lie elsewhere (in ``expect``, say)."""
    parts = ("base", "member", "unset")
    if not isinstance(raw, dict) or any(e["loc"][:1] == () or e["loc"][0] in parts for e in exc.errors()):
        return None
    return Case.model_construct(**{k: raw[k] for k in parts if k in raw})


def _split_amount(data: Any, path: DataPath) -> tuple[DataPath, str, str | None] | None:
    """``amount: 3,5 juta`` in ``{…}``: YAML reads ``amount: 3`` and a key ``5 juta`` (the unknown key at
    ``path``); the path of the amount, what happened, and the amount meant."""
    record, key = _lookup(data, path[:-1]), path[-1] if path else None
    if not isinstance(record, dict) or not isinstance(key, str) or key not in record or record[key] is not None:
        return None
    keys: list[str] = list(record)
    before = keys[keys.index(key) - 1] if keys.index(key) > 0 else ""
    number = record.get(before)
    if not before or not isinstance(number, int) or isinstance(number, bool):
        return None
    meant = amount_in_words(f"{number},{key}")
    if meant is None:
        return None
    return (*path[:-1], before), f"in {{…}} a comma separates entries: `{before}: {number},{key}` reads as " \
        f"`{before}: {number}` and a key `{key}`; an amount in rupiah is written with digits only ({meant})", meant


def _suggest(word: str, names: list[str]) -> str | None:
    """A field that starts like ``word`` (``wage_amount`` -> ``wages``), else the nearest name."""
    stem = word.split("_")[0]
    starts = [n for n in names if len(stem) >= 3 and n.startswith(stem)]
    return starts[0] if len(starts) == 1 else nearest(word, names)


def _split(where: str) -> DataPath:
    """``wages[0].amount`` -> ("wages", 0, "amount"); ``(record)`` -> ()."""
    parts = re.findall(r"[^.\[\]()]+", where) if where != "(record)" else []
    return tuple(int(p) if p.isdigit() else p for p in parts)


def _lookup(data: Any, path: DataPath) -> Any:
    try:
        for part in path:
            data = data[part]
    except (KeyError, IndexError, TypeError):
        return None
    return data
