"""Write Arrow tables as Parquet, JSONL or CSV, chosen by the file name, a chunk at a time.

JSONL and CSV show dates as ``YYYY-MM-DD``; CSV shows lists (``failed``, ``unknown``, ``flags``)
as JSON arrays in a cell and a missing value as an empty cell.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bsu_rules.batch.paths import output_format
from bsu_rules.errors import on_path


def to_text_frame(table: pa.Table) -> pl.DataFrame:
    """A table as Polars, lists of text turned into JSON cells (for CSV), and a text cell that a
    spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, a tab or carriage return first:
    an unknown field named ``=HYPERLINK(…)``) quoted with a leading ``'``."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    lists = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
    frame = frame.with_columns(pl.struct(c).struct.json_encode().str.slice(len(c) + 4).str.strip_suffix("}")
                               .replace("null", None).alias(c) for c in lists)
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String and name not in lists]
    return frame.with_columns(pl.when(pl.col(c).str.contains(r"^[=+\-@\t\r]")).then(pl.lit("'") + pl.col(c))
                              .otherwise(pl.col(c)).alias(c) for c in texts)


def leaf_paths(schema: pa.Schema, names: bool | list[str]) -> bool | list[str]:
    """The Parquet column paths of the named columns: Parquet names a list's values ``failed.list.element``
    and a struct's fields ``employer.npp``, and a top-level name alone leaves them out (the lists of rule ids
    were written plain: a fifth more CPU to write the decisions of 1M members, and a file 7 % larger)."""
    if isinstance(names, bool):
        return names

    def paths(name: str, t: pa.DataType) -> list[str]:
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            return paths(f"{name}.list.element", t.value_type)
        if pa.types.is_struct(t):
            return [p for f in t for p in paths(f"{name}.{f.name}", f.type)]
        return [name]

    return [p for name in names for p in paths(name, schema.field(name).type)]


ROW_GROUP = 131_072
"""Rows in each row group of a Parquet output (the last may hold fewer), whatever the chunks they are
written in: the file's bytes depend on its rows alone, not on ``--chunk-size``."""


class Writer:
    """Append tables of one schema to a file; ``rows`` counts what was written. A file that cannot
    be written (a full disk) is an ``OSError`` naming ``shown``: the final path of a temporary file."""

    def __init__(self, path: str | Path, schema: pa.Schema, dictionary: bool | list[str] = True,
                 shown: str | Path | None = None) -> None:
        """``dictionary``: the Parquet columns to dictionary-encode (all by default)."""
        self.path, self.schema, self.shown = Path(path), schema, shown or path
        self.format = output_format(path)
        self.rows = 0
        self._parquet: pq.ParquetWriter | None = None
        self._pending: list[pa.Table] = []  # Parquet rows not yet a whole row group
        self._file: BinaryIO | None = None
        with self._named():
            if self.format == ".parquet":
                self._parquet = pq.ParquetWriter(self.path, schema, compression="zstd",
                                                 use_dictionary=leaf_paths(schema, dictionary))
            else:
                self._file = self.path.open("wb")
                if self.format == ".csv":
                    self._file.write((",".join(schema.names) + "\n").encode())

    def write(self, table: pa.Table) -> None:
        table = table.select(self.schema.names).cast(self.schema)
        self.rows += table.num_rows
        if table.num_rows == 0:
            return
        if self._parquet is not None:
            self._pending.append(table)
            if sum(t.num_rows for t in self._pending) >= ROW_GROUP:
                self._groups(whole=False)
            return
        assert self._file is not None
        buffer = io.BytesIO()
        if self.format == ".jsonl":
            frame = pl.from_arrow(table)
            assert isinstance(frame, pl.DataFrame)
            frame.write_ndjson(buffer)
        else:
            to_text_frame(table).write_csv(buffer, include_header=False, date_format="%Y-%m-%d")
        with self._named():
            self._file.write(buffer.getvalue())

    def _groups(self, whole: bool) -> None:
        """Write the pending rows as row groups of ``ROW_GROUP`` (``whole``: all of them, the last group
        shorter), keeping the rest pending."""
        assert self._parquet is not None
        rows = pa.concat_tables(self._pending)
        # one Arrow chunk a column in each row group: where a column's dictionary gives way to plain encoding is
        # checked at each chunk written, so chunks as they came would make the bytes depend on --chunk-size and the
        # engine; a column already in one chunk over the group's rows is not copied (most are, with large chunks)
        end = rows.num_rows if whole else rows.num_rows - rows.num_rows % ROW_GROUP
        with self._named():
            for start in range(0, end, ROW_GROUP):
                self._parquet.write_table(rows.slice(start, min(ROW_GROUP, end - start)).combine_chunks(),
                                          row_group_size=ROW_GROUP)
        self._pending = [rows.slice(end)] if end < rows.num_rows else []

    def close(self) -> None:
        if self._parquet is not None and self._pending:
            self._groups(whole=True)
        with self._named():
            if self._parquet is not None:
                self._parquet.close()
            if self._file is not None:
                self._file.close()

    @contextlib.contextmanager
    def _named(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise on_path(exc, self.shown) from None

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
