"""The decided chunks of a run, held until one NIK, one payment is settled and they are written.

A run decides every chunk before it knows which rows are another's duplicate, so each chunk's
decisions wait, in input order: in memory up to ``HELD_ROWS`` rows, beyond them every chunk in a
temporary Arrow file (lz4) beside the output, readable by the run's own user alone and removed by
the run.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from bsu_rules.batch.spool import private_file

HELD_ROWS = 2_000_000
"""Decided rows a run keeps in memory while one NIK, one payment waits for the last chunk (about 170 bytes a
row without a pseudonymisation key, more with one); beyond them, every decided chunk waits in a temporary Arrow
file beside the output instead."""


class Held:
    """Decided chunks of one schema kept until the run writes them, in order: in memory, or once more than
    ``HELD_ROWS`` rows in ``path`` (readable by this user alone, removed by the run); iterate to take them."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path, self.schema, self.tables, self.rows, self.most = path, schema, deque[pa.Table](), 0, 0
        self.sink: BinaryIO | None = None
        self.writer: pa.ipc.RecordBatchFileWriter | None = None

    def __enter__(self) -> Held:
        return self

    def __exit__(self, *exc: object) -> None:
        for done in (self.writer, self.sink):
            if done is not None:
                with contextlib.suppress(OSError, pa.ArrowException):
                    done.close()

    def add(self, table: pa.Table) -> None:
        self.rows += table.num_rows
        self.most = max(self.most, table.num_rows)
        self.tables.append(table)
        if self.writer is None and self.rows > HELD_ROWS:
            self.sink = private_file(self.path)
            self.writer = pa.ipc.new_file(self.sink, self.schema, options=pa.ipc.IpcWriteOptions(compression="lz4"))
        while self.writer is not None and self.tables:
            self.writer.write_table(self.tables.popleft(), max_chunksize=max(self.most, 1))

    def __iter__(self) -> Iterator[pa.Table]:
        if self.writer is None:
            while self.tables:
                yield self.tables.popleft()
            return
        self.writer.close()
        assert self.sink is not None
        self.sink.close()
        self.writer = self.sink = None
        with pa.OSFile(str(self.path)) as source:
            held_back = pa.ipc.open_file(source)
            for i in range(held_back.num_record_batches):
                yield pa.Table.from_batches([held_back.get_batch(i)])
