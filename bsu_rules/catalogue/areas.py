"""Work areas: ``province``, ``regency`` and ``highest_for``, read from Kemendagri regency codes
(``3215``; ``3200`` names a province only) and the tables of areas a rule set keys by them."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bsu_rules import bounds
from bsu_rules.bounds import AtLeast
from bsu_rules.catalogue.definition import Columnar, Function
from bsu_rules.catalogue.optional import cf, pl, symbols, z3
from bsu_rules.regencies import REGENCIES
from bsu_rules.ruleset.types import DECIMAL, INT, KEYSET, STR, Type, table_of

if TYPE_CHECKING:
    from bsu_rules.evaluators.columnar_functions import Val
    from bsu_rules.prove.symbols import Strings, Sym

__all__ = ["DEFINITIONS", "highest_for", "province", "regency"]

AREAS = (table_of(INT), table_of(DECIMAL), table_of(STR), KEYSET)
"""A table keyed by area codes, whatever it holds."""


def province(regency_code: str | None) -> str | None:
    """Province code (first two digits) of a Kemendagri regency code such as "3215"."""
    if regency_code is None:
        return None
    return regency_code[:2]


def regency(regency_code: str | None, areas: Any) -> str | None:
    """A regency code as it is, or, where it names a province only (four characters ending in ``00``:
    ``3200`` is Jawa Barat, the regency not given) and the table ``areas`` lists a regency of that
    province, the regency whose row any of them would read (``alike``), else unknown: which of its rows
    applies is then not known. Where the table lists none (DKI Jakarta's ``3100`` in a minimum-wage
    table, every regency under the province's row) the code stays, misses every regency's row and
    reads the province's."""
    if regency_code is None or areas is None:
        return None
    if names_province(regency_code, areas):
        return alike(areas, regency_code[:2])
    return regency_code


def names_province(regency_code: str, areas: Any) -> bool:
    """Whether a regency code names only a province of which the table ``areas`` lists a regency."""
    return len(regency_code) == 4 and regency_code.endswith(PROVINCE_ONLY) and \
        regency_code[:2] in regency_provinces(areas.keys)


def alike(areas: Any, province: str) -> str | None:
    """The first regency of a province where the table ``areas`` lists every one (``REGENCIES``) and
    each reads the same (one value, none only a lower bound): whichever is the member's, it reads as
    that one does (DKI Jakarta's six in 2021's PPKM areas); else None."""
    codes = REGENCIES.get(province, ())
    if not codes or not areas.keys.issuperset(codes) or not areas.bounds.isdisjoint(codes):
        return None
    if areas.values is not None and len({areas.values[c] for c in codes}) > 1:
        return None
    return codes[0]


PROVINCE_ONLY = "00"
"""The last two digits of a regency code that names its province only."""


@lru_cache(maxsize=64)  # a rule set has few tables
def regency_provinces(keys: frozenset[str]) -> frozenset[str]:
    """The provinces of which a table's keys list a regency (four digits, not ending in ``00``)."""
    return frozenset(k[:2] for k in keys if len(k) == 4 and k.isdigit() and not k.endswith(PROVINCE_ONLY))


def highest_for(regency_code: str | None, areas: Any, default: Any) -> Any:
    """The most ``areas.get(regency(code, areas), areas.get(province(code), default))`` can be: that
    value where the regency is known; for a code naming only a province whose regencies the table lists
    (``3200``), the highest of the province's rows (and the default, where the province has no row of
    its own), since any of them may apply; for an unknown code, the highest of every row and the
    default. "At least" that where a row it may read is only a lower bound; a regency's own row known
    only so is at least its province's row too (no regency's minimum wage is below its province's). A
    province-only code of which the table lists every regency alike reads as that regency (``regency``).
    Of a table whose unlisted keys are unknown, a listed regency's value is known, and a regency it does not
    list under a province it does is at least the province's row, a lower bound naming the regency's row; a
    province-only code of such a province is at least the highest of the province's rows (``unlisted_floor``);
    anything else (its province not listed either, an unknown code) is unknown."""
    if areas is None or default is None:
        return None
    known = None if regency_code is None else regency(regency_code, areas)
    if areas.unlisted_unknown and (known is None or known not in areas.keys):  # ``get`` of it is unknown
        return None if regency_code is None else unlisted_floor(regency_code, areas)
    if regency_code is None:
        keys: Iterable[str] = sorted(areas.keys)  # the bound rows named in order
    elif known is not None:
        above = bounds.row(areas, known[:2], default)
        own = bounds.row(areas, known, above)
        if isinstance(own, AtLeast) and own is not above:
            floor = above.value if isinstance(above, AtLeast) else above
            return AtLeast(max(own.value, floor), own.rows)
        return own
    else:
        keys = province_keys(areas.keys)[regency_code[:2]]
    values = [bounds.row(areas, key) for key in keys]
    values += [] if regency_code is not None and regency_code[:2] in areas.keys else [default]
    return bounds.call("max", values) if any(isinstance(v, AtLeast) for v in values) else max(values)


def unlisted_floor(regency_code: str, areas: Any) -> AtLeast | None:
    """Of a table whose unlisted keys are unknown, what a code it does not list is known to be, where the table
    lists the code's province: at least the province's row (no regency's minimum wage is below its province's),
    a lower bound naming the code's row, which is what is missing, before any row of the province's own bound.
    For a code naming the province only (``3100``, ``3200``), at least the highest of the province's rows: any
    of its regencies may apply, a listed one at its row, one not listed at least at the province's (the bound
    rows among them named too). Unknown (None) where the table does not list the province."""
    above = bounds.row(areas, regency_code[:2])
    if above is None:
        return None
    if len(regency_code) == 4 and regency_code.endswith(PROVINCE_ONLY):
        rows = [bounds.row(areas, key) for key in province_keys(areas.keys)[regency_code[:2]]]
        above = bounds.call("max", rows) if any(isinstance(v, AtLeast) for v in rows) else max(rows)
    own = f"table.{areas.name}[{regency_code}]"
    return AtLeast(above.value, (own, *above.rows)) if isinstance(above, AtLeast) else AtLeast(above, (own,))


@lru_cache(maxsize=64)  # a rule set has few tables
def province_keys(keys: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """A table's keys by province (their first two characters), in order."""
    provinces: dict[str, tuple[str, ...]] = {}
    for key in sorted(keys):
        provinces[key[:2]] = (*provinces.get(key[:2], ()), key)
    return provinces


# --- columnar -----------------------------------------------------------------------------


def _regency_columnar(t: Type, args: list[Val]) -> Val:
    code, areas = args
    if code.is_const or areas.const is None:
        return cf.Val(t, const=None if areas.const is None else regency(code.const, areas.const))
    expr, table = _alike_read(cf.typed(code)[0], areas.const), areas.const
    return cf.Val(t, expr=pl.when(_province_only(expr, table.keys)).then(pl.lit(None, pl.String))
                  .otherwise(expr), dtype=pl.String())


def _alike_read(code: pl.Expr, table: Any) -> pl.Expr:
    """A code column with each province-only code the table reads as one of its regencies (``alike``) as that."""
    same = {f"{p}{PROVINCE_ONLY}": one for p in sorted(regency_provinces(table.keys)) if (one := alike(table, p))}
    return code.replace(list(same), list(same.values())) if same else code


def _highest_columnar(t: Type, args: list[Val]) -> Val:
    code, areas, default = args
    if areas.const is None or (default.is_const and default.const is None):
        return cf.Val(t, const=None)
    table = areas.const
    c = pl.lit(None, pl.String) if code.is_const and code.const is None else _alike_read(cf.typed(code)[0], table)
    prefix = c.str.slice(0, 2)
    values = table.values  # a table is never empty
    peaks = {p: max(values[k] for k in keys) for p, keys in province_keys(table.keys).items()}
    target = cf.common(cf.Val(t, const=max(values.values(), key=cf.scale_of)), default)[1]
    if default.is_const and not code.is_const:
        return _highest_by_code(t, c, table, default.const, target)
    d = cf.typed(default)[0].cast(target)

    def lookup(key: pl.Expr, mapping: dict[str, Any]) -> pl.Expr:
        return key.replace_strict(pl.Series(list(mapping), dtype=pl.String), pl.Series(list(mapping.values()),
                                  dtype=target), default=None, return_dtype=target)

    def marked(key: pl.Expr, keys: Iterable[str]) -> pl.Expr:
        return key.is_in(pl.Series(sorted(keys), dtype=pl.String).implode())
    own, prov, peak = lookup(c, values), lookup(prefix, values), lookup(prefix, peaks)
    only, own_bound = _province_only(c, table.keys), marked(c, table.bounds)
    read = pl.coalesce(own, prov, d)
    if table.bounds:  # a regency's own row known only as a bound: at least its province's row too
        read = pl.when(own_bound).then(pl.max_horizontal(own, pl.coalesce(prov, d))).otherwise(read)
    found = pl.when(c.is_null()).then(pl.max_horizontal(pl.lit(max(values.values()), target), d)) \
        .when(only).then(pl.when(prov.is_null()).then(pl.max_horizontal(peak, d)).otherwise(peak)) \
        .otherwise(read)
    bound = None
    if table.gives_bounds or default.bound is not None:  # what ``bounds`` makes of the rows read, row by row
        d_bound = default.bound if default.bound is not None else pl.lit(False)
        peak_bound = marked(prefix, [p for p, keys in province_keys(table.keys).items()
                                     if any(k in table.bounds for k in keys)])
        bound = pl.when(c.is_null()).then(pl.lit(bool(table.bounds)) | d_bound) \
            .when(only).then(peak_bound | (prov.is_null() & d_bound)) \
            .when(own.is_not_null()).then(own_bound) \
            .when(prov.is_not_null()).then(marked(prefix, table.bounds)).otherwise(d_bound)
    if table.unlisted_unknown:  # a listed regency's value is known; one not listed is at least its province's row,
        listed = c.is_in(pl.Series(sorted(table.keys), dtype=pl.String).implode()) & ~only.fill_null(False)
        floored = ~listed & prov.is_not_null()  # and a province-only code at least the highest of its rows
        found = pl.when(listed).then(found).when(floored & (c.str.len_chars() == 4) & c.str.ends_with(PROVINCE_ONLY)) \
            .then(peak).when(floored).then(prov).otherwise(pl.lit(None, target))
        bound = pl.when(floored).then(pl.lit(True)).otherwise(bound)  # ``unlisted_floor``
    if not default.is_const:
        found = pl.when(cf.typed(default)[0].is_null()).then(pl.lit(None, target)).otherwise(found)
    return cf.Val(t, expr=found, dtype=target, bound=bound)


def _highest_by_code(t: Type, code: pl.Expr, table: Any, default: Any, target: Any) -> Val:
    """``highest_for`` of a code column and a constant default: the scalar function's answer for each distinct
    code (a column holds a few hundred at most; each worked out once per plan), looked up row by row."""
    kept: list[dict[str | None, Any]] = [{}]  # replaced, never cleared: two chunks are decided at once

    def read(codes: Any, bound: bool) -> Any:
        distinct = codes.unique().to_list()
        found = kept[0]
        if len(found) + len(distinct) > 65_536:  # codes no contract allows: kept from growing without end
            found = kept[0] = {}
        said = [found[each] if each in found else found.setdefault(each, highest_for(each, table, default))
                for each in distinct]
        mapped = [isinstance(v, AtLeast) for v in said] if bound else \
            [v.value if isinstance(v, AtLeast) else v for v in said]
        dtype = pl.Boolean() if bound else target
        return codes.replace_strict(pl.Series(distinct, dtype=pl.String), pl.Series(mapped, dtype=dtype, strict=False),
                                    return_dtype=dtype)

    value = code.map_batches(lambda codes: read(codes, False), return_dtype=target)
    bound = code.map_batches(lambda codes: read(codes, True), return_dtype=pl.Boolean()) \
        if table.gives_bounds or isinstance(default, AtLeast) else None
    return cf.Val(t, expr=value, dtype=target, bound=bound)


def _province_only(code: pl.Expr, keys: frozenset[str]) -> pl.Expr:
    """Rows whose code names only a province of which ``keys`` list a regency (``regency`` is unknown)."""
    listed = pl.Series(sorted(regency_provinces(keys)), dtype=pl.String).implode()
    return (code.str.len_chars() == 4) & code.str.ends_with(PROVINCE_ONLY) & code.str.slice(0, 2).is_in(listed)


# --- proofs -------------------------------------------------------------------------------


def _province_smt(args: list[Sym], strings: Strings) -> Sym:
    code = args[0].term
    term = z3.IntVal(-1)
    for text in strings.texts:  # a prefix the rules never name gets a code of its own (negative)
        prefix = text[:2]
        value = strings.codes.get(prefix, -(strings.codes[text] + 2))
        term = z3.If(code == strings.codes[text], value, term)
    return symbols.Sym("str", term, args[0].known)


def _regency_smt(args: list[Sym], strings: Strings) -> Sym:
    code, table = args[0], args[1].term
    term, unknown = code.term, []
    for text in strings.texts:
        if names_province(text, table):
            same, hit = alike(table, text[:2]), code.term == strings.codes[text]
            if same is None:
                unknown.append(hit)
            else:  # a table key: among the texts
                term = z3.If(hit, strings.codes[same], term)
    return symbols.Sym("str", term, z3.And(code.known, z3.Not(z3.Or(unknown))) if unknown else code.known)


def _highest_smt(args: list[Sym], strings: Strings) -> Sym:
    code, areas, default = args
    table = areas.term
    rows = {k: symbols.lift(v, None, strings) for k, v in (table.values or {}).items()}
    real = default.kind == "real" or any(r.kind == "real" for r in rows.values())

    def term_of(s: Sym) -> Any:
        return z3.ToReal(s.term) if real and s.kind == "int" else s.term
    fallback = term_of(default)
    term, bound = fallback, default.bound
    listed = []  # the codes whose value (or lower bound) a table with unlisted keys unknown gives
    for text in strings.texts:  # the reading of each code, as ``highest_for`` reads it
        prefix, known = text[:2], regency(text, table)
        floor = unlisted_floor(text, table) if table.unlisted_unknown and (known is None or known not in table.keys) \
            else None  # at least its province's row (a province-only code: the highest of them)
        if floor is not None or (known is not None and known in table.keys):
            listed.append(code.term == strings.codes[text])
        if floor is not None:
            value, marked = term_of(symbols.lift(floor.value, None, strings)), z3.BoolVal(True)
        elif known is not None:
            key = known if known in rows else prefix if prefix in rows else None
            if key is None:
                continue  # the default
            value, marked = term_of(rows[key]), z3.BoolVal(key in table.bounds)
            if key == known and key in table.bounds:  # at least its province's row too
                under = term_of(rows[prefix]) if prefix in rows else fallback
                value = z3.If(under > value, under, value)
        else:
            keys = province_keys(table.keys)[prefix]
            value = term_of(symbols.lift(max(table.values[k] for k in keys), None, strings))
            marked = z3.BoolVal(any(k in table.bounds for k in keys))
            if prefix not in rows:
                value, marked = z3.If(fallback > value, fallback, value), symbols.either(marked, default.bound)
        hit = code.term == strings.codes[text]
        term, bound = z3.If(hit, value, term), symbols.choose(hit, marked, bound)
    peak = term_of(symbols.lift(max(table.values.values()), None, strings))  # an unknown code: the highest
    term = z3.If(code.known, term, z3.If(fallback > peak, fallback, peak))  # of every row and the default
    bound = symbols.choose(code.known, bound, symbols.either(z3.BoolVal(bool(table.bounds)), default.bound))
    known_term = z3.And(default.known, code.known, z3.Or(listed)) if table.unlisted_unknown and listed else \
        z3.BoolVal(False) if table.unlisted_unknown else default.known
    return symbols.Sym("real" if real else default.kind, term, known_term, bound=bound)


DEFINITIONS = [
    Function("province", ((STR,),), STR, "The province code (first two digits) of a regency code.",
             "province(member.work_regency_code)", scalar=province,
             columnar=Columnar(lambda t, args: cf.strict(lambda t, e, d: (e[0].str.slice(0, 2), pl.String()),
                                                         guard=False)(t, args)),
             inversion=None, smt=_province_smt),
    Function("regency", ((STR,), AREAS), STR,
             "A regency code as it is; for a code naming a province only (`3200`: the regency not given) of which "
             "the table lists a regency: the first of the province's regencies where the table lists every one of "
             "them with one value (DKI Jakarta's six PPKM areas in 2021: any of them reads alike), else unknown, "
             "since which of its rows applies is then not known.",
             "regency(member.work_regency_code, table.minimum_wage)", scalar=regency,
             columnar=Columnar(_regency_columnar), inversion=None, smt=_regency_smt, own_unknown=True, remembered=True),
    Function("highest_for", ((STR,), (table_of(DECIMAL),), (INT, DECIMAL)), DECIMAL,
             "The most a table of areas can give for a regency code: what it gives where the regency is known (the "
             "regency's row, else the province's, else the default); for a code naming only a province whose "
             "regencies the table lists (`3200`), the highest of the province's rows, since any may apply; for an "
             "unknown code, the highest of every row and the default. At least that where a row it may read is only "
             "a lower bound, and a regency's own row known only so is at least its province's row too (no regency's "
             "minimum wage is below its province's). A province-only code of which the table lists every regency alike "
             "reads as that regency. Of a table whose unlisted keys are unknown, a listed regency's value is known, "
             "a regency it does not list under a province it does is at least the province's row (a lower bound "
             "that names the regency's row as what is missing), and a province-only code of such a province is at "
             "least the highest of the province's rows; any other code is unknown.",
             "highest_for(member.work_regency_code, table.minimum_wage, 0)", scalar=highest_for,
             columnar=Columnar(_highest_columnar), inversion=None, smt=_highest_smt,
             strict=False, unknown_from=(1, 2), unknown_as_every=(0,), remembered=True),
]
