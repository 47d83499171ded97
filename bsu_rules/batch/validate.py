"""Check a chunk of member rows against the data contract, column by column.

The checks are vectorised (Arrow compute over whole columns and flattened histories); messages
are written only for the rows that fail, which are few. A row fails if any field breaks the
contract: NIK not 16 digits, a value outside an enumeration, a month that is not
``YYYY-MM`` with month 01-12, a negative or missing amount, a date that is not a real
``YYYY-MM-DD`` day, a required field missing, or a problem found while reading (``read.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from bsu_rules.batch import utf8
from bsu_rules.errors import InputError, worded
from bsu_rules.members import PERIODIC, SECRET, Group, Leaf, contract, duplicate_message, path_order
from bsu_rules.members.arrow import MEMBER_SCHEMA
from bsu_rules.members.contract import MISSING, NULL, UNKNOWN, hinted, leaf_at, secret_problem, unheld, wrong_kind
from bsu_rules.members.decode import whole
from bsu_rules.members.model import ORDERS, not_a_day, order_message
from bsu_rules.members.redact import clipped, hide_identifiers, key_path

ROW, REJECT_FIELD, REJECT_MESSAGE = "_row", "_reject_field", "_reject_message"


def _text_type(t: pa.DataType) -> pa.DataType:
    """The contract type with dates as text (how JSON and CSV carry them)."""
    if pa.types.is_date(t):
        return pa.string()
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, _text_type(f.type)) for f in t])
    if pa.types.is_list(t):
        return pa.list_(_text_type(t.value_type))
    return t


TEXT_SCHEMA = pa.schema([pa.field(f.name, _text_type(f.type)) for f in MEMBER_SCHEMA])


DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
REJECT_SCHEMA = pa.schema([("row", pa.int64()), ("field", pa.string()), ("message", pa.string())])


@dataclass
class _Problems:
    """Failing (row index, path, message) triples, in the order the checks ran."""

    index: list[np.ndarray]
    path: list[list[str]]
    message: list[list[str]]

    def add(self, rows: np.ndarray, path: Callable[[int], str], message: Callable[[int], str]) -> None:
        if rows.size:
            self.index.append(rows)
            self.path.append([path(i) for i in range(rows.size)])
            self.message.append([message(i) for i in range(rows.size)])


def _false(mask: pa.Array) -> np.ndarray:
    """Positions where a boolean array is false (null counts as passing)."""
    return _true(pc.invert(mask))


def _true(mask: pa.Array) -> np.ndarray:
    """Positions where a boolean array is true (null counts as false). Nearly every check passes in every
    row: the mask is looked at whole first (a history's checks turned 1.5M items to a NumPy array each)."""
    if not pc.any(mask).as_py():
        return np.zeros(0, dtype=np.int64)
    found: np.ndarray = pc.indices_nonzero(mask).to_numpy().astype(np.int64)
    return found


def _nulls(values: pa.Array) -> np.ndarray:
    """Positions of the nulls of an array."""
    return _true(values.is_null()) if values.null_count else np.zeros(0, dtype=np.int64)


def _show(value: object) -> str:
    return repr(value) if not isinstance(value, str) else repr(clipped(value))


_EPOCH = date(1970, 1, 1).toordinal()
FIRST_DAY, LAST_DAY = pa.Array.from_buffers(pa.date32(), 2, [None, pa.py_buffer(np.array(
    [date.min.toordinal() - _EPOCH, date.max.toordinal() - _EPOCH], dtype=np.int32))])
"""The days a date can be (years 0001-9999, as in Python): Arrow holds years before and after. Built from
their numbers, as ``pa.scalar`` would import pandas (pyarrow looks for it the first time it converts a value)."""


def _parse_days(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Text dates to date32, and the positions that are not real ``YYYY-MM-DD`` days (year 0000 is none);
    a date32 column as it is, and the positions of its days outside years 0001-9999."""
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        if not pa.types.is_date32(values.type):
            return values, np.zeros(0, dtype=np.int64)
        return values, _false(pc.and_(pc.greater_equal(values, FIRST_DAY), pc.less_equal(values, LAST_DAY)))
    stamps = pc.strptime(values, format="%Y-%m-%d", unit="s", error_is_null=True)
    same = pc.fill_null(pc.equal(pc.strftime(stamps, "%Y-%m-%d"), values), False)  # no day parsed (2022-13-01): not one
    ok = pc.and_kleene(pc.and_kleene(pc.match_substring_regex(values, DAY), same),
                       pc.invert(pc.starts_with(values, "0000")))  # Arrow reads a year 0000, Python has none
    bad = _false(pc.or_kleene(ok, values.is_null()))
    days = pc.if_else(pc.fill_null(ok, False), stamps, pa.scalar(None, stamps.type)).cast(pa.date32())
    return days, bad


def unchecked(read: Collection[str]) -> frozenset[str]:
    """The contract fields (dotted paths) that no check looks at (optional free text) and that
    ``read``, the fields the rules read, does not name: a chunk may leave them null without changing
    a decision or a reject. Histories are kept whole."""
    out: set[str] = set()
    for name, spec in contract().items():
        if isinstance(spec, Leaf):
            out |= {name} if _free(spec) and name not in read else set()
        elif not spec.many and name not in read:
            out |= {f"{name}.{child}" for child, leaf in spec.fields.items()
                    if isinstance(leaf, Leaf) and _free(leaf) and f"{name}.{child}" not in read}
    return frozenset(out)


def _free(spec: Leaf) -> bool:
    """Whether ``_check_leaf`` finds nothing to check in the field."""
    return spec.kind == "text" and spec.pattern is None and not spec.required


def _check_leaf(p: _Problems, values: pa.Array, spec: Leaf, rows: np.ndarray, path: Callable[[int], str],
                encoded: pa.DictionaryArray | None = None) -> pa.Array:
    """One contract field over all rows (or all history items); returns the value, dates converted.
    ``encoded``: the values dictionary-encoded, when the caller has them (months)."""
    if spec.required:
        missing = _nulls(values)
        p.add(rows[missing], lambda i: path(missing[i]), lambda i: MISSING)
    if spec.kind == "date":
        days, bad = _parse_days(values)
        if pa.types.is_date32(values.type):  # a day Arrow holds and Python has none for (its text is Arrow's own)
            p.add(rows[bad], lambda i: path(bad[i]), lambda i: "a day outside the years 0001 to 9999 is no date a "
                  "record can give (a number that is not a day, stored as one?)")
        else:
            p.add(rows[bad], lambda i: path(bad[i]),
                  lambda i: f"{_show(text := values[bad[i]].cast(pa.string()).as_py())} {not_a_day(text)}")
        return days
    if spec.kind == "int":
        checks = [pc.greater_equal(values, spec.low)] if spec.low is not None else []
        if spec.high is not None:
            checks.append(pc.less_equal(values, spec.high))
        if not checks:
            return values
        bad = _false(checks[0] if len(checks) == 1 else pc.and_(*checks))
        p.add(rows[bad], lambda i: path(bad[i]), lambda i: spec.outside(values[bad[i]].as_py()))
        return values
    if spec.kind == "enum":
        choices = "is not one of " + ", ".join(spec.choices)
        ok = pc.is_in(values, pa.array(spec.choices))
        what: Callable[[object], str] = lambda _: choices
    elif spec.pattern is not None:
        few = encoded if encoded is not None else pc.dictionary_encode(values) if spec.kind == "month" else None
        if few is not None and spec.refused is None and pc.all(_matches(few.dictionary, spec.pattern)).as_py():
            return values  # every distinct value fits (the months of a history): no row looked at
        ok, what = _fits(values, spec, few), spec.mismatched
    else:
        return values
    bad = _false(pc.or_(ok, values.is_null()))
    p.add(rows[bad], lambda i: path(bad[i]),
          lambda i: _describe(path(bad[i]), value := values[bad[i]].as_py(), what(value)))
    return values


def _fits(values: pa.Array, spec: Leaf, few: pa.DictionaryArray | None) -> pa.Array:
    """Whether each value fits ``spec.pattern`` and is not of the shape it refuses (said by ``_describe``);
    where the field has a plain form (an account number in digits), which fits and is never refused, only the
    other values are tried (the refused shape's long pattern cost a sixth of validating a chunk)."""
    assert spec.pattern is not None
    if spec.refused is None:
        return _matches(values, spec.pattern, few)
    if spec.plain is None:
        return pc.and_(_matches(values, spec.pattern, few),
                       pc.invert(pc.match_substring_regex(values, f"^(?:{spec.refused})$")))
    odd = np.flatnonzero(~pc.fill_null(pc.match_substring_regex(values, f"^(?:{spec.plain})$"), True)
                         .to_numpy(zero_copy_only=False))
    ok = np.ones(len(values), dtype=bool)
    if odd.size:
        others = values.take(odd)
        fits = pc.and_(_matches(others, spec.pattern),
                       pc.invert(pc.match_substring_regex(others, f"^(?:{spec.refused})$")))
        ok[odd] = pc.fill_null(fits, True).to_numpy(zero_copy_only=False)
    return pa.array(ok)


_DIGITS = re.compile(r"\^\[0-9\]\{([1-9]\d*)(?:,(\d+))?\}\$")
_LETTER = re.compile(r"\^\[([A-Za-z0-9])-([A-Za-z0-9])\]\$")
_DIGITS_OR = re.compile(r"\^\(\?:\[0-9\]\{([1-9]\d*)(?:,(\d+))?\}\|([^()]+)\)\$")
"""``^(?:[0-9]{m,n}|...)$`` (a KPJ: digits, or masked): the digits checked as ``_DIGITS``, the rest tried only on
the values that are not (a regular expression over every KPJ was a tenth of validating a chunk)."""


def _matches(values: pa.Array, pattern: str, few: pa.DictionaryArray | None = None) -> pa.Array:
    """Whether each value matches (null stays null). ``^[0-9]{m,n}$`` and ``^[A-U]$`` are checked
    by length and character class, five times faster than the regular expression; values with few
    distinct values (months) come ``few``, dictionary-encoded, and each is matched once."""
    if digits := _DIGITS.fullmatch(pattern):
        return _digits(values, int(digits[1]), int(digits[2] or digits[1]))
    if either := _DIGITS_OR.fullmatch(pattern):
        ok = _digits(values, int(either[1]), int(either[2] or either[1]))
        if (odd := _false(ok)).size:
            mask = np.zeros(len(values), dtype=bool)
            mask[odd] = True
            rest = pc.match_substring_regex(values.take(odd), f"^(?:{either[3]})$")
            ok = pc.replace_with_mask(ok, pa.array(mask), rest)
        return ok
    if letter := _LETTER.fullmatch(pattern):
        return pc.and_(pc.equal(pc.binary_length(values), 1),
                       pc.and_(pc.greater_equal(values, letter[1]), pc.less_equal(values, letter[2])))
    if few is None:
        return pc.match_substring_regex(values, pattern)
    return pc.match_substring_regex(few.dictionary, pattern).take(few.indices)


def _digits(values: pa.Array, low: int, high: int) -> pa.Array:
    """Whether each value is ``low`` to ``high`` ASCII digits (null stays null)."""
    length = pc.binary_length(values)
    return pc.and_(pc.ascii_is_decimal(values), pc.and_(pc.greater_equal(length, low), pc.less_equal(length, high)))


def _describe(path: str, value: object, what: str) -> str:
    if path in SECRET:  # never echo a NIK or an account number: say what is wrong with it
        return secret_problem(path, str(value))
    return f"{_show(value)} {what}"


def validate(table: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Split a chunk (``read.py`` layout) into valid members (``_row`` + the contract) and rejects
    (``row``, ``field``, ``message``: every problem of the row, the first one's field)."""
    table = utf8_only(table.combine_chunks())
    n = table.num_rows
    rows = np.arange(n)
    p = _Problems([], [], [])
    early = np.zeros(0, dtype=np.int64)
    messages: list[str] = []
    if REJECT_FIELD in table.column_names:
        early = np.flatnonzero(table[REJECT_FIELD].is_valid().to_numpy(zero_copy_only=False))
        messages = table[REJECT_MESSAGE].to_pylist()
        found = [(int(r), path, text) for r in early for path, text in read_problems(messages[r])]
        p.add(np.array([r for r, _, _ in found], dtype=np.int64), lambda i: found[i][1], lambda i: found[i][2])
    columns: dict[str, pa.Array] = {}
    for name, spec in contract().items():
        values = _array(table, name, MEMBER_SCHEMA.field(name).type, n)
        if isinstance(spec, Leaf):
            columns[name] = _check_leaf(p, values, spec, rows, _named(name))
        elif spec.many:
            unread = [int(r) for r in early if f"{name}[" in messages[r]]  # ill-typed items, left out when read
            columns[name] = _check_history(p, values, name, spec, np.array(unread, dtype=np.int64))
        else:
            for child, leaf in spec.fields.items():
                if isinstance(leaf, Leaf):
                    inner = pc.if_else(values.is_valid(), pc.struct_field(values, child),
                                       pa.scalar(None, values.type.field(child).type))
                    _check_leaf(p, inner, leaf, rows, _named(f"{name}.{child}"))
            columns[name] = values
    if early.size:  # a value found unreadable while reading says no more; an unreadable record (not an
        # object, too deep to be walked, a number too long, NaN, a key twice: refused whole, as evaluate
        # refuses it) says nothing more
        held: dict[int, set[str]] = {}
        for r, path, text in found:
            held.setdefault(r, set()).update((path, "(record)") if whole(text) else (path,))
        for k in range(1, len(p.index)):
            keep_k = np.array([not ({"(record)", path} & held.get(int(r), set()))
                               for r, path in zip(p.index[k], p.path[k], strict=True)], dtype=bool)
            p.index[k] = p.index[k][keep_k]
            p.path[k] = [x for x, kept in zip(p.path[k], keep_k, strict=True) if kept]
            p.message[k] = [x for x, kept in zip(p.message[k], keep_k, strict=True) if kept]
    bad = np.unique(np.concatenate(p.index)) if p.index else np.zeros(0, dtype=np.int64)
    for order in ORDERS:  # as the model: only once every field is valid, and the first one a record breaks
        first, then = columns[order.first], columns[order.then]
        rows = _true(pc.less(then, first))
        if (contradicting := rows[~np.isin(rows, bad)]).size:
            said = [order_message(order, first[r].as_py(), then[r].as_py()) for r in contradicting]
            p.add(contradicting, _named(order.at), said.__getitem__)
            bad = np.union1d(bad, contradicting)
    keep = np.ones(n, dtype=bool)
    keep[bad] = False
    members = pa.table(columns).cast(MEMBER_SCHEMA).add_column(0, ROW, table[ROW])
    if bad.size:
        members = members.filter(pa.array(keep))
    return members, _rejects(p, table[ROW].to_numpy())


def utf8_only(table: pa.Table) -> pa.Table:
    """The table with each string that is not UTF-8 made null and its row given the reason (as a
    read problem: ``REJECT_FIELD``, ``REJECT_MESSAGE``), so that such bytes never reach Polars."""
    table, found = utf8.scrub(table, keep=(ROW, REJECT_FIELD, REJECT_MESSAGE))
    if not found:
        return table
    if REJECT_FIELD not in table.column_names:
        table = with_rejects(table, [None] * table.num_rows)
    fields, messages = table[REJECT_FIELD].to_pylist(), table[REJECT_MESSAGE].to_pylist()
    for r, path in found:
        text = f"{path}: {utf8.NOT_UTF8}"
        fields[r], messages[r] = (fields[r], f"{messages[r]}; {text}") if fields[r] else (path, text)
    return table.set_column(table.schema.get_field_index(REJECT_FIELD), REJECT_FIELD, pa.array(fields, pa.string())) \
        .set_column(table.schema.get_field_index(REJECT_MESSAGE), REJECT_MESSAGE, pa.array(messages, pa.string()))


_NEXT = re.compile(r"; (?=(?:\(column \d+\)|[^\s;:]+): )")
"""Where the next problem of a read message (``with_rejects``) begins."""


def read_problems(message: str) -> list[tuple[str, str]]:
    """The (path, problem) pairs of a message found while reading (``path: problem; ...``)."""
    return [(path, text) for part in _NEXT.split(message) for path, _, text in [part.partition(": ")]]


def _array(table: pa.Table, name: str, t: pa.DataType, n: int) -> pa.Array:
    if name not in table.column_names:
        return pa.nulls(n, t)
    column = table[name]
    return column.chunk(0) if column.num_chunks else pa.nulls(0, column.type)


def _named(text: str) -> Callable[[int], str]:
    return lambda i: text


def _item(name: str, position: np.ndarray, field: str | None = None) -> Callable[[int], str]:
    """The path of history item ``i``: ``wages[2]`` or ``wages[2].period``."""
    suffix = f".{field}" if field else ""
    return lambda i: f"{name}[{position[i]}]{suffix}"


def _check_history(p: _Problems, values: pa.Array, name: str, spec: Group, unread: np.ndarray) -> pa.Array:
    lengths = pc.fill_null(pc.list_value_length(values), 0).to_numpy(zero_copy_only=False)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    items = pc.list_flatten(values)
    parent = np.repeat(np.arange(len(values), dtype=np.int64), lengths)  # as list_flatten: null lists hold none
    position = np.arange(len(items)) - starts[parent]
    before = len(p.index)
    null_item = _nulls(items)
    p.add(parent[null_item], _item(name, position[null_item]), _named("expected an object, got null"))
    present = items.is_valid()
    children = []
    periods: pa.DictionaryArray | None = None
    fields = {k: v for k, v in spec.fields.items() if isinstance(v, Leaf)}
    for field, leaf in fields.items():
        child = pc.struct_field(items, field)
        if items.null_count:
            child = pc.if_else(present, child, pa.scalar(None, child.type))
        if leaf.required:
            missing = _true(pc.and_(present, child.is_null())) if child.null_count else np.zeros(0, dtype=np.int64)
            p.add(parent[missing], _item(name, position[missing], field), _named(MISSING))
        encoded = pc.dictionary_encode(child) if leaf.kind == "month" else None
        if field == "period":
            periods = encoded
        children.append(_check_leaf(p, child, Leaf(leaf.kind, False, leaf.pattern, leaf.choices, leaf.low,
                                                   leaf.high, leaf.description), parent,
                                    _item(name, position, field), encoded))
    struct = pa.StructArray.from_arrays(children, names=list(fields), mask=items.is_null())
    keep = np.ones(len(items), dtype=bool)
    if name in PERIODIC and len(items):
        flawed = np.unique(np.concatenate([unread, *p.index[before:]]))
        periods = periods if periods is not None else pc.dictionary_encode(struct.field("period"))
        suspect = np.isin(parent, _repeats_possible(periods, parent, len(values)))
        if suspect.any():
            keep[suspect] = _one_row_per_period(p, struct.filter(pa.array(suspect)), parent[suspect],
                                                position[suspect], name, flawed)
    if keep.all():
        offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32))
        return pa.ListArray.from_arrays(offsets, struct, mask=values.is_null())
    kept = np.bincount(parent[keep], minlength=len(values))
    offsets = pa.array(np.concatenate([[0], np.cumsum(kept)]).astype(np.int32))
    return pa.ListArray.from_arrays(offsets, struct.filter(pa.array(keep)), mask=values.is_null())


def _repeats_possible(encoded: pa.DictionaryArray, parent: np.ndarray, members: int) -> np.ndarray:
    """The members whose history might name a period twice: those whose known periods (``encoded``)
    neither strictly rise nor strictly fall down the list (most histories are in order: cleared at once)."""
    rank = np.argsort(np.argsort(encoded.dictionary.to_numpy(zero_copy_only=False)))  # few distinct periods
    if encoded.null_count:
        codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
        known = codes >= 0
        owner, code = parent[known], rank[codes[known]]
    else:
        owner, code = parent, rank[encoded.indices.to_numpy()]
    pairs = owner[1:] == owner[:-1]
    step = np.diff(code)
    stalls = pairs & (step <= 0)
    if not stalls.any():  # every history strictly rising: none looked at again
        return np.zeros(0, dtype=np.int64)
    not_rising, not_falling = np.zeros(members, dtype=bool), np.zeros(members, dtype=bool)
    not_rising[owner[1:][stalls]] = True
    not_falling[owner[1:][pairs & (step >= 0)]] = True
    return np.flatnonzero(not_rising & not_falling)


def _one_row_per_period(p: _Problems, items: pa.StructArray, parent: np.ndarray, position: np.ndarray, name: str,
                        flawed: np.ndarray) -> np.ndarray:
    """As the record model does: drop exact repeats of a row; a different row for a period already
    seen is a problem (the first such row of each member). Members whose items are already flawed
    are left alone. Returns the items to keep."""
    frame = pl.from_arrow(pa.table({"_parent": parent, "_position": position, "_item": items}))
    assert isinstance(frame, pl.DataFrame)
    frame = frame.unnest("_item").with_row_index("_i")
    values = [c for c in frame.columns if not c.startswith("_")]
    frame = frame.filter(pl.col("period").is_not_null() & ~pl.col("_parent").is_in(flawed.tolist()))
    first = frame.group_by(["_parent", "period"]).agg(pl.all().sort_by("_position").first())
    joined = frame.join(first, on=["_parent", "period"], suffix="_first")
    repeated = joined.filter(pl.col("_position") != pl.col("_position_first"))
    same = pl.all_horizontal([pl.col(c).eq_missing(pl.col(f"{c}_first")) for c in values if c != "period"])
    keep = np.ones(len(items), dtype=bool)
    keep[repeated.filter(same)["_i"].to_numpy()] = False
    conflicts = repeated.filter(~same).sort("_position").group_by("_parent", maintain_order=True).first()
    if conflicts.height:
        rows = conflicts["_parent"].to_numpy()
        at, periods, firsts = conflicts["_position"].to_list(), conflicts["period"].to_list(), \
            conflicts["_position_first"].to_list()
        p.add(rows, lambda i: f"{name}[{at[i]}].period", lambda i: duplicate_message(name, periods[i], firsts[i]))
    return keep


def _rejects(p: _Problems, row_numbers: np.ndarray) -> pa.Table:
    if not p.index:
        return REJECT_SCHEMA.empty_table()
    index = np.concatenate(p.index)
    paths = [x for chunk in p.path for x in chunk]
    messages = [x for chunk in p.message for x in chunk]
    order = sorted(range(len(index)), key=lambda k: (index[k], path_order(paths[k]), k))
    by_row: dict[int, list[tuple[str, str]]] = {}
    for k in order:  # a NIK or account number typed into the wrong column, or as a key, is hidden
        by_row.setdefault(int(row_numbers[index[k]]), []).append((paths[k], messages[k]))
    rows = list(by_row)
    shown = [[(hide_identifiers(path), hide_identifiers(text)) for path, text in found[:InputError.MAX_PROBLEMS]]
             + found[InputError.MAX_PROBLEMS:] for found in map(hinted, by_row.values())]  # the rest only counted
    return pa.table([pa.array(rows, pa.int64()), pa.array([found[0][0] for found in shown]),
                     pa.array([worded(found) for found in shown])], schema=REJECT_SCHEMA)


def with_rejects(table: pa.Table, problems: list[list[tuple[str, str]] | None]) -> pa.Table:
    """Append the reject columns (``problems``: per row, None or (path, message) pairs)."""
    if not any(problems):
        nulls = pa.nulls(table.num_rows, pa.string())
        return table.append_column(REJECT_FIELD, nulls).append_column(REJECT_MESSAGE, nulls)
    problems = [hinted(sorted(p, key=lambda found: path_order(found[0]))) if p else None for p in problems]
    fields = [p[0][0] if p else None for p in problems]
    messages = ["; ".join(f"{path}: {msg}" for path, msg in p) if p else None for p in problems]
    return table.append_column(REJECT_FIELD, pa.array(fields, pa.string())).append_column(
        REJECT_MESSAGE, pa.array(messages, pa.string()))


# --- shapes and JSON types, for records decoded in Python -------------------------------------

Decoded = tuple[Any, list[tuple[str, str]]]
"""A decoded text record (or None) and its problems as (field path, message) pairs."""


def _kind(t: pa.DataType) -> str:
    text, number = pa.types.is_string(t) or pa.types.is_date(t), pa.types.is_integer(t)
    return "text" if text else "an integer" if number else "an object" if pa.types.is_struct(t) else "a list"


def typed(value: Any, ignore_unknown: bool, t: pa.DataType | None = None, path: str = "",
          told: Collection[str] = ()) -> Decoded:
    """Check a decoded JSON value against a contract type: the value with every ill-typed part
    left out (None when nothing is left), and the problems, so the other checks still run. ``told``:
    the paths whose value was made null for a problem already said (a lone surrogate), not null as given."""
    problems: list[tuple[str, str]] = []
    schema_fields = list(TEXT_SCHEMA) if t is None else list(t) if pa.types.is_struct(t) else []
    if t is None or pa.types.is_struct(t):
        if not isinstance(value, dict):
            return None, [(path or "(record)", wrong_kind(path or "(record)", value, "an object"))]
        known = {f.name: f.type for f in schema_fields}
        out: dict[str, Any] = {}
        for key, item in value.items():
            where = key_path(path, key)
            if key not in known:
                if not ignore_unknown:
                    problems.append((where, UNKNOWN))
                continue
            if item is None:  # no value; a required field's null is told as such, not as a key left out
                if (leaf := leaf_at(where)) is not None and leaf.required and where not in told:
                    problems.append((where, NULL))
                continue
            kept, found = typed(item, ignore_unknown, known[key], where, told)
            problems += found
            if kept is not None:
                out[key] = kept
        return out, problems
    if pa.types.is_list(t):
        if not isinstance(value, list):
            return None, [(path, wrong_kind(path, value, "a list"))]
        items = []
        for i, item in enumerate(value):
            kept, found = (None, []) if item is None else typed(item, ignore_unknown, t.value_type, f"{path}[{i}]",
                                                                told)
            problems += found
            items.append(kept)
        return items, problems
    ok = isinstance(value, str) if _kind(t) == "text" else isinstance(value, int) and not isinstance(value, bool)
    if ok and pa.types.is_integer(t) and not -(2 ** (t.bit_width - 1)) <= value < 2 ** (t.bit_width - 1):
        return None, [(path, unheld(path, value))]  # beyond what the column holds
    return (value, []) if ok else (None, [(path, wrong_kind(path, value, _kind(t)))])
