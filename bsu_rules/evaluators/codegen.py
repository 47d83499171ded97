"""Compile a plan's facts, conditions and channel into generated Python functions, under three guards.

The closures of ``compile`` call one another for every node; this module writes the same tree out
as straight-line Python (one local per value) and compiles it once per plan. It means exactly
what the closures mean (``tests/test_codegen.py`` holds them to it on every bundled rule set), and
the closures stay the reference: the trace, explanations, counterfactuals and proofs use them.

The guards, because the tree comes from a rule file:

1. Nothing in the generated text is copied from the rule file. Every constant (a literal, a
   parameter, a table, a catalogue function) is a generated name ``K<n>`` bound in the module's
   namespace; the other names are ``m`` (the member), ``f`` (its computed slots), ``r`` (its rules'
   results), ``s<n>`` (fact slots) and ``t<n>`` (temporaries); the only literals are ``None``, ``True``
   and ``False``. Attribute names are field names of the member contract, taken from the contract, not
   from the rule text.
2. The text is parsed with ``ast`` and every node is checked against a whitelist of node types,
   names and attributes before it is compiled (``evaluators.whitelist``; ``UnsafeCode`` otherwise).
3. It runs with no builtins. ``tests/test_codegen.py`` feeds injection attempts through rule files.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bsu_rules import bounds
from bsu_rules.bounds import AtLeast
from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.evaluators.compile import Env, Value, compile_node, is_constant, member_of, neg, table_values
from bsu_rules.evaluators.whitelist import FIELDS, NotGenerated, UnsafeCode, compiled
from bsu_rules.ruleset.expressions import (
    Binary,
    BoolOp,
    Call,
    Cond,
    ListLit,
    Lit,
    Name,
    Node,
    Unary,
    Unhandled,
)
from bsu_rules.ruleset.tables import Table
from bsu_rules.ruleset.types import INT, STR
from bsu_rules.semantics import ARITHMETIC, COMPARISON, k_if

Core = Callable[[Any], tuple[list[Value], list[Any]]]
"""The generated function: a member's fact slots, and each rule's result."""

_MEMBERSHIP = {"in": "in", "not in": "not in"}
_INFIX = {"+": "+", "-": "-", "*": "*", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "!=": "!="}


class TooDeep(NotGenerated):
    """Code that would nest deeper than Python's parser allows, or grow past ``MAX_LINES``."""


MAX_NESTING = 80
"""Blocks the generated code may nest (CPython refuses 100 levels of indentation)."""
MAX_LINES = 20_000
"""Lines a generated function may have (the bundled plans have under 200)."""


class _Writer:
    """The text of one generated function, and the constants it names."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.constants: dict[str, object] = {}
        self._named: dict[int, str] = {}
        self.lines: list[str] = []
        self.depth = 1
        self.temps = 0
        self.ready = 0  # slots below this one are computed: reading one is reading its local
        self.given_slots = False  # the function is given the slots (``f``): it may read a fact no condition reads
        self.scopes: list[dict[tuple[object, ...], str]] = [{}]  # what is computed, by block: read, not redone

    def const(self, value: object) -> str:
        if value is None or value is True or value is False:
            return repr(value)
        name = self._named.get(id(value))
        if name is None:
            name = self._named[id(value)] = f"K{len(self.constants)}"
            self.constants[name] = value
        return name

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps}"

    def emit(self, line: str) -> None:
        if len(self.lines) >= MAX_LINES:
            raise TooDeep(f"the generated code would have more than {MAX_LINES} lines")
        self.lines.append("    " * self.depth + line)

    def block(self, head: str, body: Callable[[], None]) -> None:
        self.emit(head)
        if self.depth >= MAX_NESTING:
            raise TooDeep(f"the generated code would nest more than {MAX_NESTING} blocks")
        self.depth += 1
        self.scopes.append({})  # what the block computes holds only in it
        body()
        self.scopes.pop()
        self.depth -= 1

    def computed(self, key: tuple[object, ...]) -> str | None:
        """The name already holding the value ``key`` stands for, where the current block can read it."""
        return next((scope[key] for scope in reversed(self.scopes) if key in scope), None)

    def remember(self, key: tuple[object, ...], held: str) -> str:
        self.scopes[-1][key] = held
        return held

    def value(self, node: Node) -> str:
        """Emit what computes ``node``; the name (or constant) holding its value."""
        slot = self.env.hoisted.get(id(node))
        if slot is not None and slot < self.ready:
            return f"s{slot}"
        if not isinstance(node, (Lit, Name)) and is_constant(node):
            try:
                return self.const(compile_node(node, self.env)(None, []))
            except (ArithmeticError, ValueError, TypeError):
                pass  # fails the same way at run time, on the member that reaches it
        match node:
            case Lit():
                return self.const(node.value)
            case Name():
                return self._name(node)
            case ListLit():
                if all(isinstance(i, Lit) for i in node.items):
                    return self.const(tuple(i.value for i in node.items if isinstance(i, Lit)))
                items = [self.value(i) for i in node.items]
                return self.assign(f"({''.join(i + ', ' for i in items)})")
            case Unary():
                return self._unary(node)
            case BoolOp():
                return self._kleene(node)
            case Cond():
                return self._cond(node)
            case Binary():
                return self._binary(node)
            case Call():
                return self._call(node)
            case _:
                raise Unhandled(node, "the code generator")

    def assign(self, expression: str) -> str:
        t = self.temp()
        self.emit(f"{t} = {expression}")
        return t

    def _name(self, node: Name) -> str:
        kind, *rest = node.parts
        if kind == "member":
            if any(part not in FIELDS for part in rest):
                raise UnsafeCode(f"{node.dotted} is not a field of the member contract")
            held = self.computed(("member", rest[0])) or \
                self.remember(("member", rest[0]), self.assign(f"m.{rest[0]}"))  # a contract field: checked above
            for i, part in enumerate(rest[1:], 2):
                key = ("member", *rest[:i])
                held = self.computed(key) or self.remember(key, self.assign(f"None if {held} is None else "
                                                                            f"{held}.{part}"))
            return held
        if kind == "fact":
            slot = self.env.slots.get(rest[0])
            if slot is None and rest[0] in self.env.lazy_trees and self.given_slots:  # computed where it is read
                return self.computed(("fact", rest[0])) or \
                    self.remember(("fact", rest[0]), self.value(self.env.lazy_trees[rest[0]]))
            if slot is None or slot >= self.ready:
                raise Unhandled(node, "the code generator")  # a slot not computed yet: the closures decide
            return f"s{slot}"
        if kind == "param":
            return self.const(self.env.params[rest[0]])
        if kind in self.env.dates:
            return self.const(self.env.dates[kind])
        return self.const(self.env.tables[rest[0]])

    def may_be_none(self, held: str) -> bool:
        """Whether a value may be unknown: any but a known constant's."""
        return held not in self.constants and held not in ("True", "False")

    def may_be_bound(self, held: str, node: Node) -> bool:
        """Whether a value may be a lower bound: a constant that is one, or a number that reads a table with
        lower-bound rows."""
        if held in self.constants:
            return isinstance(self.constants[held], AtLeast)
        return held not in ("None", "True", "False") and (node.type is None or node.type.numeric) and \
            self.env.may_read_bound(node)

    def unless_none(self, out: str, held: str, then: Callable[[], None]) -> None:
        """``out`` is unknown when ``held`` is; else what ``then`` emits (evaluated only then)."""
        if held == "None":
            self.emit(f"{out} = None")
        elif self.may_be_none(held):
            self.emit(f"if {held} is None: {out} = None")
            self.block("else:", then)
        else:
            then()

    def strict(self, out: str, args: list[tuple[str, Node]], exact: str, bounded: str,
               known_first: bool = False) -> None:
        """``out = exact`` over known, exact arguments; unknown if one is unknown, ``bounded`` if one is a
        bound. ``known_first``: the first argument is already known not to be unknown."""
        clauses: list[tuple[str, str]] = []
        if any(a == "None" for a, _ in args):
            self.emit(f"{out} = None")
            return
        unknown = [f"{a} is None" for a, _ in args[known_first:] if self.may_be_none(a)]
        if unknown:
            clauses.append((" or ".join(unknown), "None"))
        at_least, kind = self.const(AtLeast), self.const(type)
        bound = [f"{kind}({a}) is {at_least}" for a, node in args if self.may_be_bound(a, node)]
        if bound:
            clauses.append((" or ".join(bound), bounded))
        if not clauses:
            self.emit(f"{out} = {exact}")
            return
        for i, (test, value) in enumerate(clauses):
            self.emit(f"{'if' if i == 0 else 'elif'} {test}: {out} = {value}")
        self.emit(f"else: {out} = {exact}")

    def _unary(self, node: Unary) -> str:
        v = self.value(node.operand)
        if node.op == "not":
            return self.assign(f"None if {v} is None else not {v}")
        out = self.temp()
        self.strict(out, [(v, node.operand)], f"{self.const(neg)}({v})", "None")
        return out

    def known(self, held: str) -> tuple[bool, object]:
        """Whether a value is known while generating (a constant), and which."""
        literal = {"None": None, "True": True, "False": False}
        if held in literal:
            return True, literal[held]
        if held in self.constants:
            return True, self.constants[held]
        return False, None

    def _kleene(self, node: BoolOp) -> str:
        """Kleene and/or, stopping at the first operand that decides (``semantics.k_and``/``k_or``)."""
        out = self.temp()
        decides, other = ("False", "True") if node.op == "and" else ("True", "False")
        self.emit(f"{out} = {other}")

        def rest(operands: list[Node]) -> None:
            v = self.value(operands[0])
            known, value = self.known(v)
            if known:  # settled here: it decides, leaves the result unknown so far, or changes nothing
                if value is not None and bool(value) is (node.op == "or"):
                    self.emit(f"{out} = {decides}")
                    return
                if value is None:
                    self.emit(f"{out} = None")
                if operands[1:]:
                    rest(operands[1:])
                return

            def otherwise() -> None:
                self.emit(f"if {v} is None: {out} = None")
                if operands[1:]:
                    rest(operands[1:])
            decided = f"not {v}" if node.op == "and" else v
            self.emit(f"if {v} is not None and {decided}: {out} = {decides}")
            self.block("else:", otherwise)
        rest(node.operands)
        return out

    def _cond(self, node: Cond) -> str:
        """``then if test else other``, each branch written once: with an unknown test both are computed
        (in that order) and ``k_if`` settles them."""
        test = self.value(node.test)
        known, value = self.known(test)
        if known and value is not None:
            return self.value(node.then if value else node.other)
        then, other, out = self.temp(), self.temp(), self.temp()
        self.block(f"if {test} is None or {test}:", lambda: self.emit(f"{then} = {self.value(node.then)}"))
        self.block(f"if {test} is None or not {test}:", lambda: self.emit(f"{other} = {self.value(node.other)}"))
        self.emit(f"{out} = {self.const(k_if)}(None, {then}, {other}) if {test} is None else {then} if {test} "
                  f"else {other}")
        return out

    def _binary(self, node: Binary) -> str:
        if node.op in _MEMBERSHIP:
            x, xs = self.value(node.left), self.value(node.right)
            negate = node.op == "not in"
            if isinstance(node.right, Name) and node.right.parts[0] == "table":
                table = self.env.tables[node.right.parts[1]]
                absent = "None" if table.unlisted_unknown else repr(negate)
                return self.assign(f"None if {x} is None else {not negate!r} if {x} in {self.const(table.keys)} "
                                   f"else {absent}")
            if xs in self.constants and isinstance(self.constants[xs], tuple):  # a list of literals
                out = self.temp()
                self.strict(out, [(x, node.left)], f"{x} {_MEMBERSHIP[node.op]} {xs}", "None")
                return out
            return self.assign(f"{self.const(member_of)}({x}, {xs}, {negate!r})")
        out, a = self.temp(), self.value(node.left)
        inline = node.op in COMPARISON or (node.op in _INFIX and node.type == INT)  # decimals: exact, as semantics
        apply = (f"{{}} {_INFIX[node.op]} {{}}" if inline else f"{self.const(ARITHMETIC[node.op])}({{}}, {{}})")
        settle = bounds.compare if node.op in COMPARISON else bounds.arithmetic

        def known() -> None:
            b = self.value(node.right)
            self.strict(out, [(a, node.left), (b, node.right)], apply.format(a, b),
                        f"{self.const(settle)}({self.const(node.op)}, {a}, {b})", known_first=True)
        self.unless_none(out, a, known)
        return out

    def _call(self, node: Call) -> str:
        if node.func.parts[0] == "table":
            return self._lookup(self.env.tables[node.func.parts[1]], node.args)
        fn = FUNCTIONS[node.func.dotted]
        if fn.name == "coalesce":
            out = self.temp()

            def first(args: list[Node]) -> None:
                self.emit(f"{out} = {self.value(args[0])}")
                if args[1:]:
                    self.block(f"if {out} is None:", lambda: first(args[1:]))
            first(node.args)
            return out
        args = [self.value(a) for a in node.args]
        key = ("call", fn.name, *args)  # a catalogue function gives the same value for the same arguments
        if (held := self.computed(key)) is not None:
            return held
        varying = [i for i, a in enumerate(args) if a not in self.constants and a not in ("None", "True", "False")]
        if fn.remembered and len(varying) == 1:
            at = varying[0]
            given = [self.constants.get(a) for a in args]
            if node.args[at].type == STR:  # a text (or unknown): looked up, worked out only for one not met before
                impl = f"{self.const(remembered_texts(fn.impl, given, at, whole=fn.returns == INT))}[{args[at]}]"
            else:
                impl = f"{self.const(remembered(fn.impl, given, at, whole=fn.returns == INT))}({args[at]})"
        else:
            impl = f"{self.const(fn.impl)}({', '.join(args)})"
        if not fn.strict:
            return self.remember(key, self.assign(impl))
        out = self.temp()
        self.strict(out, list(zip(args, node.args, strict=True)), impl,
                    f"{self.const(bounds.call)}({self.const(fn.name)}, [{', '.join(args)}])")
        return self.remember(key, out)

    def _lookup(self, table: Table, args: list[Node]) -> str:
        values = table_values(table)
        rows, key = self.const(values), self.value(args[0])
        if table.unlisted_unknown:
            return self.assign(f"{self.const(values.get)}({key})")
        out = self.temp()
        self.emit(f"if {key} is None: {out} = None")
        self.emit(f"elif {key} in {rows}: {out} = {rows}[{key}]")
        self.block("else:", lambda: self.emit(f"{out} = {self.value(args[1])}"))
        return out


REMEMBERED = 4096
"""Results a remembering call site keeps (all are forgotten at once when it holds more)."""


def remembered(fn: Callable[..., Any], args: list[Any], at: int, whole: bool = False) -> Callable[[Any], Any]:
    """``fn`` of ``args`` with argument ``at`` given: its result kept for each text, whole number or
    unknown given there, and for each decimal as written (``4791843.90`` is not ``4791843.9``: a result
    may be the value itself), or by its value where the result is a whole number (``whole``), for a
    function of its arguments' values alone (``Function.remembered``). Any other value (a lower bound,
    equal to another bound of another row) is computed each time."""
    before, after = args[:at], args[at + 1:]
    kept: dict[Any, Any] = {}
    texts: dict[str, Any] = {}  # the usual value, an area code or a name: kept by itself, no key made

    def call(value: Any) -> Any:
        kind = value.__class__
        if kind is str:
            try:
                return texts[value]
            except KeyError:
                if len(texts) >= REMEMBERED:
                    texts.clear()
                result = texts[value] = fn(*before, value, *after)
                return result
        if kind is int or value is None or (whole and kind is Decimal):
            key: Any = (kind, value)
        elif kind is Decimal:
            key = (kind, str(value))
        else:
            return fn(*before, value, *after)
        try:
            return kept[key]
        except KeyError:
            if len(kept) >= REMEMBERED:
                kept.clear()
            result = kept[key] = fn(*before, value, *after)
            return result
    return call


class RememberedTexts(dict[str, Any]):
    """``remembered`` for a call site whose varying argument is a text (an area code, a bank's name): generated
    code indexes it (``K3[t1]``), so a text met before is one lookup, not a call. A text not met is worked out
    (``compute``) and kept (all are forgotten at once past ``REMEMBERED``); anything else (unknown, a subclass of
    text) goes to the remembering call site, ``call`` (a subclass's value equal to a text kept reads that text's
    result: a function of its arguments' values alone gives it)."""

    __slots__ = ("call", "compute")

    def __init__(self, compute: Callable[[str], Any], call: Callable[[Any], Any]) -> None:
        super().__init__()
        self.compute, self.call = compute, call

    def __missing__(self, value: Any) -> Any:
        if value.__class__ is not str:
            return self.call(value)
        if len(self) >= REMEMBERED:
            self.clear()
        result = self[value] = self.compute(value)
        return result


def remembered_texts(fn: Callable[..., Any], args: list[Any], at: int, whole: bool = False) -> RememberedTexts:
    """``remembered(fn, args, at, whole)`` indexed by the text given at ``at``."""
    before, after = args[:at], args[at + 1:]
    return RememberedTexts(lambda value: fn(*before, value, *after), remembered(fn, args, at, whole))


def copier(value: Any) -> Callable[[Any], Any] | None:
    """What makes JSON data a plan holds one decision's own (a flat list or dict copied at once, a nested
    one deeply), None for a value that is not a list or dict."""
    if type(value) not in (list, dict):
        return None
    items = value.values() if type(value) is dict else value
    return copy.deepcopy if any(type(v) in (list, dict) for v in items) else type(value)


def generate(env: Env, slots: list[Node], rules: list[tuple[Node, object, object, object]]) -> Core:
    """The function computing every slot (in order) and each rule's result, for one plan: a rule is
    its condition and what it gives when the condition is true, false and unknown.

    Raises ``Unhandled`` where the tree holds what it does not write out and ``NotGenerated`` where
    the text would be too large, fail the whitelist (``UnsafeCode``) or not compile: the plan keeps
    its closures then.
    """
    w = _Writer(env)
    for i, node in enumerate(slots):
        w.ready = i
        w.emit(f"s{i} = {w.value(node)}")
    w.ready = len(slots)
    results = []
    for condition, on_true, on_false, on_unknown in rules:
        held = w.value(condition)
        results.append(w.assign(f"{w.const(on_true)} if {held} else {w.const(on_false)} if {held} is not None "
                                f"else {w.const(on_unknown)}"))
    w.emit(f"return [{''.join(f's{i}, ' for i in range(len(slots)))}], [{''.join(r + ', ' for r in results)}]")
    core: Core = _compiled(w, "m")
    return core


def generate_value(env: Env, slots: int, node: Node) -> Callable[[Any, list[Value]], Value]:
    """A function of a member and its ``slots`` computed fact slots giving the value of ``node``."""
    w = _Writer(env)
    w.ready, w.given_slots = slots, True
    if slots:
        w.emit(f"{''.join(f's{i}, ' for i in range(slots))}= f")
    w.emit(f"return {w.value(node)}")
    value: Callable[[Any, list[Value]], Value] = _compiled(w, "m, f")
    return value


@dataclass(frozen=True)
class Shells:
    """The object a generated function builds around each group's dict: ``new(cls)``, then its fields given to
    ``fill``, a dict: those the same for every such object of the group given its item of the function's third
    argument (a list), by that item (``heads``, each dict in the fields' order), with the group's dict as field
    ``group`` and an empty list of the object's own as ``new_list``."""

    new: Callable[[type], Any]
    fill: Callable[[Any, dict[str, Any]], None]
    cls: type
    heads: Sequence[dict[object, dict[str, object]]]
    group: str
    new_list: str


@dataclass(frozen=True)
class Typed:
    """A conversion a generated function applies by the value's class: ``fast`` (None: the value as it is) to
    a value of one of ``types``, ``slow`` to any other (the common classes written out without a call)."""

    types: frozenset[type]
    fast: Callable[[Any], Any] | None
    slow: Callable[[Any], Any]


@dataclass(frozen=True)
class OfMember:
    """A conversion a generated function applies to a value and the member it was read from (``fn(value, m)``):
    what it shows of the value depends on another of the member's fields."""

    fn: Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Frame:
    """A text a generated function writes whole: ``parts``, each a fixed piece (bytes) or an index: below
    ``given``, of the item of the function's third argument (a list of pieces the caller wrote), past them, of
    a node's value; joined by ``join``."""

    parts: Sequence[bytes | int]
    given: int
    join: Callable[[list[bytes]], bytes]


def generate_values(env: Env, slots: int, nodes: list[tuple[Node, Callable[[Any], Any] | Typed | OfMember | None]],
                    none: object = None, groups: Sequence[Sequence[tuple[str, int]]] | None = None,
                    fixed: Sequence[object] = (), shells: Shells | None = None,
                    frame: Frame | None = None) -> Callable[..., Any]:
    """A function of a member and its ``slots`` computed fact slots giving the value of each node, in a list; a node's
    function (or ``Typed`` or ``OfMember`` conversion), when given, is applied to its value unless that is None
    (given as ``none`` then). With ``groups``: a dict for each group instead, its keys given with the index of their
    value (a node's, or past the nodes one of ``fixed``); with ``shells`` as well, the object built around each (the
    function then takes a third argument, the list ``Shells.heads`` are looked up by). With ``frame`` (and no
    ``groups``): the text it describes, its values written in (the function then takes the pieces the frame is given
    as a third argument)."""
    w = _Writer(env)
    w.ready, w.given_slots = slots, True
    if slots:
        w.emit(f"{''.join(f's{i}, ' for i in range(slots))}= f")
    given: list[str] = []
    if shells is not None and groups is not None:
        given = [w.temp() for _ in groups]
        w.emit(f"{''.join(t + ', ' for t in given)}= r")
    elif frame is not None and groups is None:
        given = [w.temp() for _ in range(frame.given)]
        w.emit(f"{''.join(t + ', ' for t in given)}= r")
    names = []
    for node, then in nodes:
        name = w.value(node)
        if isinstance(then, Typed):
            fast = name if then.fast is None else f"{w.const(then.fast)}({name})"
            name = w.assign(f"{w.const(none)} if {name} is None else {fast} if {w.const(type)}({name}) in "
                            f"{w.const(then.types)} else {w.const(then.slow)}({name})")
        elif isinstance(then, OfMember):
            name = w.assign(f"{w.const(none)} if {name} is None else {w.const(then.fn)}({name}, m)")
        elif then is not None:
            name = w.assign(f"{w.const(none)} if {name} is None else {w.const(then)}({name})")
        names.append(name)
    if frame is not None and groups is None:
        pieces = [w.const(p) if isinstance(p, bytes) else given[p] if p < frame.given else names[p - frame.given]
                  for p in frame.parts]
        w.emit(f"return {w.const(frame.join)}([{''.join(p + ', ' for p in pieces)}])")
    elif groups is None:
        w.emit(f"return [{''.join(n + ', ' for n in names)}]")
    else:
        names += [w.const(value) if (copy := copier(value)) is None else f"{w.const(copy)}({w.const(value)})"
                  for value in fixed]  # a list is each decision's own
        dicts = ["{" + "".join(f"{w.const(key)}: {names[i]}, " for key, i in group) + "}" for group in groups]
        if shells is None:
            w.emit(f"return [{''.join(d + ', ' for d in dicts)}]")
        else:
            built = []
            for d, item, heads in zip(dicts, given, shells.heads, strict=True):  # a dict copied and two fields
                fields = w.assign(f"{w.const(dict.copy)}({w.const(heads)}[{item}])")  # set: quicker than a
                w.emit(f"{fields}[{w.const(shells.new_list)}] = []")  # dict of every field
                w.emit(f"{fields}[{w.const(shells.group)}] = {d}")
                built.append(w.assign(f"{w.const(shells.new)}({w.const(shells.cls)})"))
                w.assign(f"{w.const(shells.fill)}({built[-1]}, {fields})")
            w.emit(f"return [{''.join(b + ', ' for b in built)}]")
    values: Callable[..., list[Any]] = _compiled(w, "m, f, r" if given else "m, f")
    return values


def _compiled(w: _Writer, params: str) -> Any:
    return compiled(w.lines, w.constants, params)
