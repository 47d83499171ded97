"""The columnar evaluator: a Plan's typed trees compiled once to Polars expressions, then a whole
Arrow table of members decided at a time, with the scalar evaluator's semantics exactly.

Unknown is null. Polars ``&``/``|`` already follow Kleene's logic; an ``if`` whose test is unknown
is known only where both branches agree (``when/then`` alone would take the ``else`` branch).
Subtrees that read nothing from the member are computed once by the scalar evaluator's own
closures and enter as literals. Facts, history calls and rule conditions become columns, computed
in waves (every column whose inputs are ready, in parallel); so does each computed branch of an ``if``
(read twice: for the row's value, and to tell whether both branches agree) and the channel. Columns
that read nothing but one text column with few values in the chunk (the work area: 0.17 of 0.64
CPU-s per 250 000 members) are computed once per distinct value and joined to the rows. The waves
are one lazy query up to each eager finishing pass: no faster for one chunk alone than a query per
wave, but with two chunks decided at once (as ``batch`` does) about a tenth less CPU. The decision
columns are built from small codes and spelled out by Arrow (``columnar_outputs``). Property
tests prove the two evaluators equal (``tests/test_columnar_parity.py``).

Member histories stay list<struct> columns reduced list by list (``bsu_rules.catalogue.history_columns``). Measured
on 1M generated members (6.3M wage and 6.3M contribution rows, 2 cores, one of them busy with
other work), the history calls of bsu-2022 took 0.37-0.40 s (0.57 CPU-s) that way, against
0.80-0.87 s (1.1 CPU-s) for an exploded long table aggregated by ``group_by`` on the sorted row
index and put back in row order (the explode copies every history row). Whole decisions of
bsu-2022 (2026-12-06, chunks of 250 000 members, one thread): about 0.46 CPU-s a chunk, 1.8 CPU-s
per million members, at most about 1 GB of working memory above a 0.4 GB input table.

Division by zero is unknown, as everywhere (``semantics.floor_div``). It refuses, when
the plan is built, what it cannot vectorise: ``received`` with programmes that vary per member,
a history that does not come straight from the member, a list used other than with ``in``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from functools import reduce
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from bsu_rules.bounds import AtLeast
from bsu_rules.catalogue import FUNCTIONS, History
from bsu_rules.decisions import mask_typed
from bsu_rules.evaluators import columnar_bounds as bounded
from bsu_rules.evaluators.columnar_functions import (
    Val,
    common,
    dtype_of,
    scale_of,
    typed,
)
from bsu_rules.evaluators.columnar_outputs import Outputs
from bsu_rules.evaluators.compile import Env, compile_node
from bsu_rules.members.arrow import MEMBER_SCHEMA
from bsu_rules.months import month_index
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
    unparse,
    walk,
)
from bsu_rules.ruleset.schema import Kind
from bsu_rules.ruleset.tables import Table
from bsu_rules.ruleset.types import HISTORIES, Type
from bsu_rules.semantics import COMPARISON

if TYPE_CHECKING:
    from bsu_rules.evaluators.scalar import Plan

__all__ = ["ColumnarPlan"]

_TEXT, _TEXTS = pa.string(), pa.list_(pa.string())


_COLUMNS = {"+": operator.add, "-": operator.sub, "*": operator.mul}
"""``+``, ``-`` and ``*`` on columns: exact on Polars' decimals and 128-bit integers (``semantics.ARITHMETIC``
computes on values)."""


class _Item:
    """Columns to compute together: expressions, then an optional eager finishing pass."""

    def __init__(self, exprs: dict[str, pl.Expr], finish: tuple[str, Callable[[pl.DataFrame], pl.Series]] | None
                 = None) -> None:
        self.exprs, self.finish = exprs, finish
        self.names = set(exprs) | ({finish[0]} if finish else set())
        self.reads = {n for e in exprs.values() for n in e.meta.root_names()}


class _Compiler:
    """Typed trees -> Vals; the columns they need are collected in ``items`` (creation order)."""

    def __init__(self, plan: Plan) -> None:
        self.plan, self.ruleset = plan, plan.ruleset
        env = plan.env
        self.slots: dict[str, int] = {}
        self.values: list[Any] = []  # constant facts, by slot
        self.const_env = Env(env.params, env.tables, self.slots, env.dates["as_of"], env.dates["decision_date"])
        self.facts: dict[str, Val] = {}
        self.calls: dict[str, Val] = {}
        self.items: list[_Item] = []
        self.paths: set[str] = set()  # the member fields read, dotted (``bank_account.bank``)
        self.overflows: list[str] = []  # columns marking the rows where a whole-number result leaves 64 bits

    def column(self, name: str, v: Val) -> Val:
        expr, dtype = typed(v)
        if expr.meta.is_column():  # already a column (a history call): no copy
            return v
        exprs = {name: expr} | ({f"{name}~bound": v.bound} if v.bound is not None else {})
        self.items.append(_Item(exprs))
        return Val(v.type, expr=pl.col(name), dtype=dtype,
                   bound=pl.col(f"{name}~bound") if v.bound is not None else None)

    def fact(self, name: str) -> Val:
        if name not in self.facts:
            v = self.compile(self.ruleset.facts[name])
            if v.is_const:
                self.slots[name] = len(self.values)
                self.values.append(v.const)
            elif v.expr is not None:
                v = self.column(f"fact:{name}", v)
            self.facts[name] = v
        return self.facts[name]

    def constant(self, node: Node) -> bool:
        return not any(isinstance(n, Name) and (n.parts[0] == "member" or (
            n.parts[0] == "fact" and not self.fact(n.parts[1]).is_const)) for n in walk(node))

    def compile(self, node: Node) -> Val:
        assert node.type is not None
        if self.constant(node):
            value = compile_node(node, self.const_env)(None, self.values)
            if isinstance(value, AtLeast):  # a constant lower bound
                dtype = dtype_of(node.type, value.value)
                return Val(node.type, expr=pl.lit(value.value, dtype), dtype=dtype, bound=pl.lit(True))
            return Val(node.type, const=value)
        match node:
            case Lit():
                return Val(node.type, const=node.value)  # reads nothing from the member: constant above
            case Name(parts=("fact", name, *_)):
                return self.fact(name)
            case Name():
                self.paths.add(".".join(node.parts[1:]))
                return _member(node)
            case ListLit():
                return Val(node.type, items=tuple(self.compile(i) for i in node.items))
            case Unary(op="not"):
                expr, dtype = typed(self.compile(node.operand))
                return Val(node.type, expr=~expr, dtype=dtype)
            case Unary():
                operand = self.compile(node.operand)
                expr, dtype = typed(operand)
                return Val(node.type, expr=pl.when(bounded.no_bound(operand)).then(-expr), dtype=dtype)
            case BoolOp():  # Polars' & and | are Kleene's (tested against semantics.truth_table)
                parts = [typed(self.compile(o))[0] for o in node.operands]
                joined = reduce(operator.and_ if node.op == "and" else operator.or_, parts)
                return Val(node.type, expr=joined, dtype=pl.Boolean())
            case Cond():
                return self.cond(node)
            case Binary():
                return self.binary(node)
            case Call():
                return self.call(node)
            case _:
                raise Unhandled(node, "the columnar evaluator")

    def cond(self, node: Cond) -> Val:
        assert node.type is not None
        test, then, other = self.compile(node.test), self.compile(node.then), self.compile(node.other)
        if test.is_const and test.const is not None:
            return then if test.const else other
        then, other = self.shared(then), self.shared(other)  # each branch is read twice below: computed once
        (a, b), dtype = common(then, other)
        same = a == b
        bound = None
        if bounded.has_bound(then, other):
            ba, bb = (v.bound if v.bound is not None else pl.lit(False) for v in (then, other))
            same = same & (ba == bb)
        if test.is_const:  # unknown test: known only where both branches agree
            if bounded.has_bound(then, other):
                bound = ba
            return Val(node.type, expr=pl.when(same).then(a), dtype=dtype, bound=bound)
        t = typed(test)[0]
        if bounded.has_bound(then, other):
            bound = pl.when(t).then(ba).otherwise(bb)
        return Val(node.type, expr=pl.when(t).then(a).when(t.is_not_null() | same).then(b), dtype=dtype, bound=bound)

    def shared(self, v: Val) -> Val:
        """``v`` as a column when it is a computed expression (not a constant, a column or a list)."""
        if v.expr is None or v.expr.meta.is_column() or v.expr.meta.is_literal() or not v.expr.meta.root_names():
            return v
        return self.column(f"shared:{len(self.items)}", v)

    def binary(self, node: Binary) -> Val:
        assert node.type is not None
        left, right = self.compile(node.left), self.compile(node.right)
        if node.op in ("in", "not in"):
            return Val(node.type, expr=self.contains(left, right, node.op == "not in"), dtype=pl.Boolean())
        if any(v.is_const and v.const is None for v in (left, right)):
            return Val(node.type, const=None)
        if node.op in COMPARISON:
            (a, b), _ = common(left, right)
            plain = COMPARISON[node.op](a, b)
            if bounded.has_bound(left, right):
                plain = bounded.compare(node.op, left, right, plain)
            return Val(node.type, expr=plain, dtype=pl.Boolean())
        if bounded.has_bound(left, right):
            v = self.arithmetic(node, left, right)
            expr, bound = bounded.arithmetic(node.op, left, right, typed(v)[0])
            return Val(node.type, expr=expr, dtype=v.dtype, bound=bound)
        return self.arithmetic(node, left, right)

    def arithmetic(self, node: Binary, left: Val, right: Val) -> Val:
        assert node.type is not None
        (a, b), dtype = common(left, right)
        if node.op == "*" and isinstance(dtype, pl.Decimal):  # exact: the product's scale is the sum
            scale = sum(d.scale or 0 if isinstance(d, pl.Decimal) else 0 for d in (typed(left)[1], typed(right)[1]))
            if scale > _DIGITS:
                raise _TooWide
            target = pl.Decimal(_DIGITS, scale)
            return Val(node.type, expr=a.cast(target) * b.cast(target), dtype=target)
        if node.op == "//" and isinstance(dtype, pl.Decimal):  # rounded down, as semantics.floor_div
            return Val(node.type, expr=a // pl.when(b != 0).then(b), dtype=dtype)  # by zero: unknown (Polars raises)
        if node.op == "//":  # Polars' integer // floors, and is null (unknown) by zero: semantics.floor_div
            return Val(node.type, expr=a // b, dtype=dtype)
        if dtype.is_integer():  # Polars would wrap around: computed in 128 bits, a row past 64 marked
            wide = _COLUMNS[node.op](a.cast(pl.Int128), b.cast(pl.Int128))
            name = f"overflow~{len(self.overflows)}"
            self.overflows.append(name)
            self.items.append(_Item({name: (wide > _INT64_MAX) | (wide < -_INT64_MAX - 1)}))
            return Val(node.type, expr=wide.cast(pl.Int64, strict=False), dtype=pl.Int64())
        return Val(node.type, expr=_COLUMNS[node.op](a, b), dtype=dtype)

    def contains(self, left: Val, right: Val, negate: bool) -> pl.Expr:
        if bounded.has_bound(left):
            plain = self.contains(Val(left.type, expr=left.expr, dtype=left.dtype), right, negate)
            return pl.when(bounded.no_bound(left)).then(plain)
        x, xdtype = typed(left)
        if right.items is not None:  # a list literal with per-row items: == on each, unknown items never match
            found = pl.any_horizontal([(a == b).fill_null(False) for item in right.items
                                       for a, b in [common(left, item)[0]]])
            hit = pl.when(x.is_null()).then(pl.lit(None, pl.Boolean)).otherwise(found)
            return ~hit if negate else hit
        if not right.is_const:
            raise NotImplementedError("the columnar evaluator tests `in` only against fixed lists and tables")
        if right.const is None or (left.is_const and left.const is None):
            return pl.lit(None, pl.Boolean)
        xs = right.const
        if isinstance(xs, Table):
            hit = x.is_in(pl.Series(sorted(xs.keys), dtype=pl.String).implode())
            if xs.unlisted_unknown:  # an incomplete table: an unlisted key is unknown either way
                return pl.when(hit).then(pl.lit(not negate))
            return ~hit if negate else hit
        assert right.type.item is not None
        series = _literal_list(right, right.type.item)
        if isinstance(series.dtype, pl.Decimal) or isinstance(xdtype, pl.Decimal):
            target = common(left, Val(right.type.item, expr=pl.lit(None), dtype=series.dtype))[1]
            x, series = x.cast(target), series.cast(target)
        elif series.dtype != xdtype:
            series = series.cast(xdtype)
        hit = x.is_in(series.implode())
        return ~hit if negate else hit

    def call(self, node: Call) -> Val:
        assert node.type is not None
        args = [self.compile(a) for a in node.args]
        if node.func.parts[0] == "table":
            return _lookup(node, self.ruleset.tables[node.func.parts[1]], args)
        name, columnar = node.func.dotted, FUNCTIONS[node.func.dotted].columnar
        if isinstance(columnar, History):
            label = unparse(node)
            if label not in self.calls:
                out = f"h:{len(self.calls)}"
                job = columnar.build(args, out)
                self.items.append(_Item(job.first, (out, job.finish) if job.finish else None))
                self.calls[label] = Val(node.type, expr=pl.col(out), dtype=dtype_of(node.type))
            return self.calls[label]
        result = bounded.function(name, columnar.build(node.type, args), args)
        if not FUNCTIONS[name].remembered or result.expr is None or result.items is not None:
            return result
        label = unparse(node)  # a function of few values, computed once a column however often it is written
        if label not in self.calls:  # (``bank_key`` is the scalar function per distinct name: no common
            self.calls[label] = self.column(f"h:{len(self.calls)}", result)  # subexpression to Polars)
        return self.calls[label]


def _member(node: Name) -> Val:
    assert node.type is not None
    path = node.parts[1:]
    if node.type in HISTORIES:
        return Val(node.type, history=path[0])
    expr = pl.col(path[0])
    for part in path[1:]:
        expr = expr.struct.field(part)
    return Val(node.type, expr=expr, dtype=dtype_of(node.type))


def _lookup(node: Call, table: Table, args: list[Val]) -> Val:
    """``table.<name>.get(key, default)``; an incomplete table gives unknown for unlisted keys."""
    assert node.type is not None
    key, default = args
    values = table.values or {}
    sample = Val(node.type, const=max(values.values(), key=scale_of, default=None))
    target = common(sample, default)[1] if not table.unlisted_unknown else dtype_of(node.type, sample.const)
    new = pl.Series([str(v) if target == pl.String else v for v in values.values()], dtype=target)
    k = typed(key)[0]
    old = pl.Series(list(values), dtype=pl.String)
    bound = k.is_in(pl.Series(sorted(table.bounds), dtype=pl.String).implode()) if table.bounds else None
    if table.unlisted_unknown:
        return Val(node.type, expr=k.replace_strict(old, new, default=None, return_dtype=target), dtype=target,
                   bound=bound)
    fallback = typed(default)[0].cast(target)
    found = k.replace_strict(old, new, default=fallback, return_dtype=target) if values else fallback
    if bound is not None or default.bound is not None:  # the row's own mark, else the default's
        bound = pl.when(k.is_in(old.implode())).then(bound if bound is not None else pl.lit(False)) \
            .otherwise(default.bound if default.bound is not None else pl.lit(False))
    return Val(node.type, expr=pl.when(k.is_null()).then(pl.lit(None, target)).otherwise(found), dtype=target,
               bound=bound)


_INT64_MAX = 2**63 - 1
_OVERFLOW = re.compile(r"^(overflow|conversion from)")
"""How Polars says a number did not fit (a decimal product, a strict cast), as opposed to a fault."""


def _literal_list(v: Val, item: Type) -> pl.Series:
    """A constant list (a parameter or a literal) as a Series of ``item`` values."""
    values = [None if x is None else month_index(x) if item.name == "month" else x for x in v.const]
    return pl.Series(values, dtype=dtype_of(item, max(values, key=scale_of, default=None)))


class _TooWide(Exception):
    """A product whose decimal places pass Polars' 38 digits: the plan is decided in Python, exactly."""


_DIGITS = 38
"""The most digits a Polars decimal holds."""


class ColumnarPlan:
    """A Plan compiled to Polars expressions; ``decide`` takes and returns Arrow tables."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        c = _Compiler(plan)
        conds: list[tuple[str, Kind, Val]] = []
        self._exact_only = False
        try:
            for i, rule in enumerate(plan.rules):
                v = c.compile(rule.checked.tree)
                conds.append((rule.rule.id, rule.kind, v if v.is_const else c.column(f"cond:{i}", v)))
            channel = c.shared(c.compile(plan.ruleset.channel)) if plan.ruleset.channel is not None else None
        except _TooWide:  # every chunk decided by the scalar evaluator (``decide``)
            self._exact_only, conds, channel, c = True, [], None, _Compiler(plan)
        keyed, rest = _keyed(c.items)
        self._keyed = {column: _waves(items) for column, items in keyed.items()}
        self._waves = _waves(rest)
        self._overflows = c.overflows
        self._outputs = Outputs(conds, plan.benefit.amount, channel)
        read = {n for waves in (*self._keyed.values(), self._waves) for exprs, _ in waves for e in exprs.values()
                for n in e.meta.root_names()}
        read |= {n for e in self._outputs.exprs.values() for n in e.meta.root_names()}
        self._reads = [n for n in MEMBER_SCHEMA.names if n in read] or MEMBER_SCHEMA.names[:1]
        tops = {path.split(".")[0] for path in c.paths}
        self.fields = frozenset(c.paths | {n for n in self._reads if n not in tops})
        if self._exact_only:  # the scalar evaluator reads whole records (but free text no rule reads)
            from bsu_rules.batch.fallback import scalar_fields  # lazy: only such a plan needs it

            self._reads, self.fields = MEMBER_SCHEMA.names, scalar_fields(plan)
        """The member fields ``decide`` reads (``nik``, ``wages``, ``bank_account.bank``): a table may
        leave the others out or null."""
        self.schema = pa.schema([("outcome", _TEXT), ("failed", _TEXTS), ("unknown", _TEXTS),
                                 ("priority", pa.int32()), ("flags", _TEXTS), ("benefit", pa.int64()),
                                 ("channel", _TEXT)] + [(f"rule:{r.rule.id}", _TEXT) for r in plan.rules])
        """The decision table's schema (one ``rule:<id>`` column per rule in force)."""
        self._short = pa.schema([f for f in self.schema if not f.name.startswith("rule:")])

    def decide(self, table: pa.Table, rule_columns: bool = True) -> pa.Table:
        """One decision row per member row (MEMBER_SCHEMA, already valid), in the same order;
        without its ``rule:<id>`` columns when ``rule_columns`` is false (a caller that drops them)."""
        schema = self.schema if rule_columns else self._short
        members = table.select(self._reads)  # only the fields the rules read are converted
        if members.num_rows == 0:
            return schema.empty_table()
        if self._exact_only:
            from bsu_rules.batch.fallback import ScalarTablePlan  # lazy: only such a plan needs it

            return ScalarTablePlan(self.plan).decide(table, rule_columns)
        frame = pl.from_arrow(members.combine_chunks() if members.column(0).num_chunks > 1 else members)
        assert isinstance(frame, pl.DataFrame)
        try:
            for column, waves in self._keyed.items():
                keys = frame.get_column(column).unique()
                if len(keys) * _FEW <= frame.height:  # each distinct value once, then joined to its rows
                    values = _computed(keys.to_frame(), waves)
                    frame = frame.join(values, on=column, how="left", nulls_equal=True, maintain_order="left")
                else:
                    frame = _computed(frame, waves)
            frame = _computed(frame, self._waves)
            overflow = any(frame[name].any() for name in self._overflows)
        except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as exc:
            if not _OVERFLOW.search(str(exc)):
                raise
            overflow = True  # a strict cast to 64 bits, or a decimal past 38 digits
        if overflow:  # a number past 64 bits (or 38 decimal digits): exact, in Python
            from bsu_rules.batch.fallback import ScalarTablePlan  # lazy: only such a chunk needs it

            return ScalarTablePlan(self.plan).decide(table, rule_columns)
        return _typed_masked(self._outputs.table(frame, schema))


def _typed_masked(out: pa.Table) -> pa.Table:
    """The decisions with a NIK or account number typed as a bank's name masked in the channel (2020
    pays the bank as written), as the scalar evaluator masks it: only a channel with ten digits can
    hold one, and only such rows are looked at."""
    channel = out.column("channel")

    def may_hold(texts: Any) -> Any:  # ten digits, letters typed for one counted (O for 0), at least one a digit
        digit, read = r"[\p{Nd}\p{No}]", r"[\p{Nd}\p{No}OoIl]"  # what reads as a digit: ³ and ③ too
        return pc.and_(pc.greater_equal(pc.count_substring_regex(texts, read), 10),
                       pc.greater(pc.count_substring_regex(texts, digit), 0))
    if not pc.any(may_hold(pc.unique(channel))).as_py():
        return out  # each of the few channels looked at once
    masked = [mask_typed(v) if held else v
              for v, held in zip(channel.to_pylist(), may_hold(channel).to_pylist(), strict=True)]
    return out.set_column(out.schema.get_field_index("channel"), "channel", pa.array(masked, pa.string()))


Wave = tuple[dict[str, pl.Expr], list[tuple[str, Callable[[pl.DataFrame], pl.Series]]]]


def _computed(frame: pl.DataFrame, waves: list[Wave]) -> pl.DataFrame:
    """``frame`` with the columns of ``waves``, wave after wave: one lazy query (shared subexpressions once)
    up to each eager finishing pass."""
    lazy = frame.lazy()
    for exprs, finishers in waves:
        lazy = lazy.with_columns(**exprs)
        if finishers:
            frame = lazy.collect()
            for name, finish in finishers:
                frame = frame.with_columns(finish(frame).alias(name))
            lazy = frame.lazy()
    return lazy.collect()


_FEW = 16
"""A member column has few values in a chunk when it has at most one distinct value in this many rows."""
_KEYED_LEAST = 4
"""The fewest columns worth computing per distinct value of a member column (a join costs about as much
as a few simple comparisons over the chunk)."""


def _keyed(items: list[_Item]) -> tuple[dict[str, list[_Item]], list[_Item]]:
    """The items that read one text member column and nothing else (directly or through other such items;
    with no eager pass), by that column; and the others. Each is a function of the value alone (a rule
    reads one member at a time), so where the column has few values in a chunk (the work area) it is
    computed once per distinct value (``ColumnarPlan.decide``)."""
    made = {n: item for item in items for n in item.names}
    text = {f.name for f in MEMBER_SCHEMA if pa.types.is_string(f.type)}
    source: dict[int, str | None] = {}
    for item in items:  # creation order: an item's inputs come before it
        roots = {source.get(id(made[n])) if n in made else n for n in item.reads}
        source[id(item)] = roots.pop() if len(roots) == 1 and roots <= text and not item.finish else None
    keyed: dict[str, list[_Item]] = {}
    for item in items:
        if (column := source[id(item)]) is not None:
            keyed.setdefault(column, []).append(item)
    keyed = {column: group for column, group in keyed.items() if sum(len(i.exprs) for i in group) >= _KEYED_LEAST}
    chosen = {id(i) for group in keyed.values() for i in group}
    return keyed, [i for i in items if id(i) not in chosen]


def _waves(items: list[_Item]) -> list[Wave]:
    """Group items so that each wave reads only member columns and earlier waves."""
    made = {n for item in items for n in item.names}
    done: set[str] = set()
    pending, waves = list(items), []
    while pending:
        ready = [i for i in pending if not ((i.reads & made) - done - i.names)]
        if not ready:
            raise RuntimeError("columnar plan: circular columns")  # facts are acyclic: cannot happen
        exprs = {k: e for i in ready for k, e in i.exprs.items()}
        waves.append((exprs, [i.finish for i in ready if i.finish]))
        done |= {n for i in ready for n in i.names}
        pending = [i for i in pending if i not in ready]
    return waves
