"""Strings that are not UTF-8 (a Parquet file may hold them): found per value, made null, so that
such bytes never reach Polars; ``validate`` gives their rows the reason."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NOT_UTF8 = "not UTF-8 text"
"""Why a value is refused whose bytes are not UTF-8."""


def scrub(table: pa.Table, keep: Collection[str] = ()) -> tuple[pa.Table, list[tuple[int, str]]]:
    """The table with each string that is not UTF-8 made null (the columns ``keep`` as they are), and
    the (row, field path) of each. Arrow validates the whole table at once; only a table that fails
    is searched."""
    try:
        table.validate(full=True)
        return table, []
    except pa.ArrowInvalid:
        pass
    found: list[tuple[int, str]] = []
    n = table.num_rows
    table = pa.table({name: column if name in keep else text_only(column.combine_chunks(), name, np.arange(n), found)
                      for name, column in zip(table.column_names, table.columns, strict=True)})
    return table, found


def text_only(values: pa.Array, path: str, rows: np.ndarray, found: list[tuple[int, str]],
              items: np.ndarray | None = None) -> pa.Array:
    """``values`` with each string that is not UTF-8 made null; (row, path) of each added to
    ``found``. ``rows``: each value's row; ``items``: each value's place in its row's list, when
    ``values`` holds list items (``path`` then holds ``[]``, as ``conform`` names them)."""
    try:
        values.validate(full=True)
        return values
    except pa.ArrowInvalid:
        pass
    t = values.type
    if pa.types.is_struct(t):
        children = [text_only(pc.struct_field(values, [i]), f"{path}.{t.field(i).name}", rows, found, items)
                    for i in range(t.num_fields)]
        return pa.StructArray.from_arrays(children, fields=list(t), mask=values.is_null())
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        lengths = pc.fill_null(pc.list_value_length(values), 0).to_numpy(zero_copy_only=False)
        owner = np.repeat(np.arange(len(values)), lengths)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        flat = text_only(pc.list_flatten(values), f"{path}[]", rows[owner], found,
                         np.arange(owner.size) - starts[owner])
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        if pa.types.is_list(t):
            return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), flat, t, mask=values.is_null())
        return pa.LargeListArray.from_arrays(pa.array(offsets.astype(np.int64)), flat, t, mask=values.is_null())
    if pa.types.is_dictionary(t):
        return text_only(values.dictionary_decode(), path, rows, found, items)
    if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        return values
    good = np.ones(len(values), dtype=bool)
    for i, value in enumerate(values.view(pa.large_binary() if pa.types.is_large_string(t) else pa.binary())
                              .to_pylist()):
        try:
            if value is not None:
                value.decode("utf-8")
        except UnicodeDecodeError:
            good[i] = False
            found.append((int(rows[i]), path if items is None else path.replace("[]", f"[{items[i]}]", 1)))
    return pc.if_else(pa.array(good), values, pa.scalar(None, t))
