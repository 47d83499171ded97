"""The member as solver variables: one per field the rules read, within the contract's domain.

Texts range over the universe the rules can tell apart plus, per field, a few representatives of
"any other" value (a regency code of each province the rules name, one of a province they do not
name, ...), each checked against the data contract. Dates are day numbers between 1900 and 2100.
History functions (``Function.abstract``) become one variable per distinct call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import z3

from bsu_rules.catalogue import FUNCTIONS, Function
from bsu_rules.catalogue.areas import PROVINCE_ONLY
from bsu_rules.members import Member
from bsu_rules.nik import PROVINCES
from bsu_rules.prove.symbols import TRUE, ProveError, Strings, Sym, Term
from bsu_rules.regencies import REGENCIES
from bsu_rules.ruleset.expressions import Lit, Node, parse, walk
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.types import HISTORIES, Type, member_fields

FIRST_DAY, LAST_DAY = date(1900, 1, 1).toordinal(), date(2100, 12, 31).toordinal()
REQUIRED = ("member.nik", "member.citizenship", "member.participant_category")
# null is "no such event recorded", a known fact, not a missing value (see the Member contract)
EVENTS = ("member.membership_ended_on", "member.deceased_on")
BASE = {"nik": "3204120101900001", "citizenship": "WNI", "participant_category": "PU"}


@dataclass(frozen=True)
class AbstractCall:
    """One distinct call of an abstracted function: its constant arguments and its variable."""

    function: Function
    args: tuple[Any, ...]  # a member path for member data, else the constant
    sym: Sym
    arg_syms: tuple[Sym, ...]

    @property
    def label(self) -> str:
        shown = [a if isinstance(a, str) and a.startswith("member.") else repr(a) for a in self.args]
        return f"{self.function.name}({', '.join(shown)})"


def record(path: str, value: Any) -> dict[str, Any]:
    """A minimal member record with ``value`` at ``path`` (``member.a.b``)."""
    out: dict[str, Any] = dict(BASE)
    parts = path.split(".")[1:]
    node = out
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return out


@cache
def fits(path: str, text: str) -> bool:
    """Whether the contract accepts ``text`` in the field ``path``."""
    try:
        Member.model_validate(record(path, text))
    except ValueError:
        return False
    return True


def universe(texts: set[str]) -> Strings:
    """The texts the rules name, and texts standing for "any other value": a regency the rules do not
    name of each two-digit (province) prefix named, one of the first province not named, each of those
    provinces with its regency not given (``3200``), a NIK, a number, a word."""
    strings = Strings()
    for text in sorted(texts):
        strings.code(text)
    named = {t for t in texts if len(t) == 2 and t.isdigit()}
    prefixes = sorted(named | {next(p for p in sorted(PROVINCES) if p not in named)})
    others = [code for p in prefixes
              if (code := next((c for c in reversed(REGENCIES.get(p, ())) if c not in texts), None))]
    regencies = {t[:2] for t in texts if len(t) == 4 and t.isdigit()}  # a province-only code of each named too
    province_only = [code for p in sorted(set(prefixes) | regencies) if (code := f"{p}{PROVINCE_ONLY}") not in texts]
    strings.others = [*others, *province_only, "3204120101900001", "99999999999", "OTHER"]
    for text in strings.others:
        strings.code(text)
    strings.frozen = True
    return strings


class Inputs:
    """Solver variables for one member (``tag`` keeps two members apart in one query)."""

    def __init__(self, strings: Strings, tag: str = "") -> None:
        self.strings, self.tag = strings, tag
        self.fields: dict[str, tuple[Sym, Type]] = {}
        self.histories: dict[str, Sym] = {}
        self.calls: dict[tuple[str, tuple[Any, ...]], AbstractCall] = {}
        self.domain: list[Term] = []  # what every member satisfies
        self.unknowns: list[Term] = []  # each: "this input is unknown"

    def _name(self, text: str) -> str:
        return f"{self.tag}{text}"

    def field(self, path: str) -> Sym:
        """The variable of a member field (``member.a.b``), created with its domain on first use."""
        if path in self.fields:
            return self.fields[path][0]
        type_ = member_fields().get(path)
        if type_ is None:
            raise ProveError(f"{path} is not a member field")
        if type_ in HISTORIES:
            return self.history(path)
        known = TRUE if path in REQUIRED else z3.Bool(self._name(f"{path}?"))
        if path not in REQUIRED and path not in EVENTS:
            self.unknowns.append(z3.Not(known))
        if type_.name == "str":
            term = z3.Int(self._name(path))
            choices = sorted(type_.choices) if type_.choices else \
                [t for t in self.strings.texts if fits(path, t)]
            if not choices:
                raise ProveError(f"no value of {path} is possible under the contract")
            self.domain.append(z3.Or([term == self.strings.code(c) for c in choices]))
            sym = Sym("str", term, known)
        elif type_.name == "date":
            term = z3.Int(self._name(path))
            self.domain.append(z3.And(term >= FIRST_DAY, term <= LAST_DAY))
            sym = Sym("date", term, known)
        elif type_.name == "int":
            sym = Sym("int", z3.Int(self._name(path)), known)
        else:
            raise ProveError(f"no symbolic form for {path} ({type_})")
        self.fields[path] = (sym, type_)
        return sym

    def code_of(self, path: str, text: str) -> int:
        """The code a member's text stands as: itself if the rules name it, else the
        representative of "any other" (of the same province, for a regency code)."""
        if text in self.strings.codes and fits(path, text):
            return self.strings.codes[text]
        others = [t for t in self.strings.others if fits(path, t)]
        others = [t for t in others if t.endswith(PROVINCE_ONLY) == text.endswith(PROVINCE_ONLY)] or others
        same = [t for t in others if t[:2] == text[:2] and t[:2] in self.strings.codes]
        unnamed = [t for t in others if t[:2] not in self.strings.codes]
        return self.strings.codes[(same or unnamed or others)[0]]

    def history(self, path: str) -> Sym:
        """A member history: only whether it is known; its content is seen through calls."""
        if path not in self.histories:
            known = z3.Bool(self._name(f"{path}?"))
            self.unknowns.append(z3.Not(known))
            self.histories[path] = Sym("history", path, known)
        return self.histories[path]

    def call(self, function: Function, args: list[Sym], kind: str) -> tuple[AbstractCall, bool]:
        """The variable of one call (created on first use); True if it is new."""
        key_args = tuple(a.term if a.kind == "history" else _member_path(self, a) or a.constant for a in args)
        key = (function.name, key_args)
        if key in self.calls:
            return self.calls[key], False
        name = self._name(f"{function.name}{key_args}")
        term = {"bool": z3.Bool, "int": z3.Int, "str": z3.Int, "real": z3.Real}[kind](name)
        deciding = range(len(args)) if function.strict or function.unknown_from is None else function.unknown_from
        known = z3.And([args[i].known for i in deciding if i < len(args)] or [TRUE])
        if function.own_unknown:
            own = z3.Bool(f"{name}?")
            self.unknowns.append(z3.And(known, z3.Not(own)))
            known = z3.And(known, own)
        if kind == "str":
            self.domain.append(z3.And(term >= 0, term < len(self.strings.texts)))
        made = AbstractCall(function, key_args, Sym(kind, term, known), tuple(args))
        self.calls[key] = made
        return made, True


def _member_path(inputs: Inputs, sym: Sym) -> str | None:
    if sym.is_constant:
        return None
    for path, (field_sym, _) in inputs.fields.items():
        if field_sym is sym:
            return path
    raise ProveError("a function abstracted for proofs takes member fields or constants only")




def texts_of(ruleset: RuleSet, extra: list[Node] | None = None) -> set[str]:
    """Every text a rule set can compare a value with: literals, parameters, table keys and
    values, the contract's choices."""
    out: set[str] = set()
    relations = [parse(t) for f in FUNCTIONS.values() if f.abstract
                 for t in (*f.abstract.relations, *f.abstract.across, *(c for _, c in f.abstract.changes))]
    trees = [*ruleset.facts.values(), *(r.tree for r in ruleset.rules), *(extra or []), *relations]
    for tree in trees:
        out |= {n.value for n in walk(tree) if isinstance(n, Lit) and isinstance(n.value, str) and not n.is_month}
    for name, type_ in ruleset.param_types.items():
        param = ruleset.model.parameters[name]
        for value in [param.value, *(param.values or {}).values()]:
            if type_.name == "str" and isinstance(value, str):
                out.add(value)
            elif isinstance(value, list):
                out |= {str(v) for v in value}
    for table in ruleset.tables.values():
        out |= set(table.keys) | {v for v in (table.values or {}).values() if isinstance(v, str)}
    for type_ in member_fields().values():
        out |= set(type_.choices or ())
    return out | {text[:2] for text in out if len(text) == 4 and text.isdigit()}
