"""Text inputs (JSONL, CSV) parsed once into a temporary Arrow file, so that a run can read them
twice as it reads Parquet: once for the rows that share a NIK, once for every row.

The file (Arrow IPC, lz4) sits beside the output under a hidden temporary name and is removed by
the run; memory stays one chunk. It holds the records whole (NIKs and account numbers), so it is
made readable by the run's own user alone, whatever the umask, and never through a link.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa

from bsu_rules.batch.read import Chunk
from bsu_rules.batch.validate import ROW


class Spool:
    """The chunks of ``chunks``, written to ``path`` as they are read (``seen`` gets each chunk's
    row numbers and NIKs on the way); iterate to read them back."""

    def __init__(self, chunks: Iterable[Chunk], path: Path,
                 seen: Callable[[np.ndarray, pa.ChunkedArray], None]) -> None:
        self.path, self.done = path, []
        writer: pa.ipc.RecordBatchFileWriter | None = None
        sink: BinaryIO | None = None
        schema = pa.schema([])
        try:
            for chunk in chunks:
                table = chunk.table.combine_chunks()
                if writer is None:
                    schema = table.schema
                    sink = private_file(path)
                    writer = pa.ipc.new_file(sink, schema, options=pa.ipc.IpcWriteOptions(compression="lz4"))
                seen(table[ROW].to_numpy(), table["nik"])
                writer.write_table(table.cast(schema), max_chunksize=max(table.num_rows, 1))
                self.done.append((chunk.done, table.num_rows))
        finally:
            if writer is not None:
                writer.close()
            if sink is not None:
                sink.close()

    def __iter__(self) -> Iterator[Chunk]:
        if not self.done:
            return
        source = pa.ipc.open_file(pa.memory_map(str(self.path)))
        batch = 0
        for done, rows in self.done:
            if rows == 0:
                continue
            yield Chunk(pa.Table.from_batches([source.get_batch(batch)]), done)
            batch += 1


def private_file(path: Path) -> BinaryIO:
    """``path`` created and open for writing, readable and writable by this user alone: never a file or link
    already there, and written through this very file (a name is never opened again)."""
    return os.fdopen(os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600),
                     "wb")
