"""Write Arrow tables as Parquet, JSONL or CSV, chosen by the file name, a chunk at a time.

JSONL and CSV show dates as ``YYYY-MM-DD``; CSV shows lists (``failed``, ``unknown``, ``flags``)
as JSON arrays in a cell and a missing value as an empty cell.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from bsu_rules.errors import InputError, on_path

FORMATS = (".parquet", ".jsonl", ".csv")


def output_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError([(str(path), "the output name must end in .parquet, .jsonl or .csv")])
    return suffix


def distinct(source: str | Path, targets: dict[str, Path], read: dict[str, Path] | None = None) -> None:
    """InputError unless the input, the other files read (``read``: the rule file and its tables) and
    every file a run writes (``targets``, by option) are different files: an output over something
    read, or two outputs on one path, would destroy what is read or kept."""
    seen = {_identity(Path(source)): "the input"} | {_identity(p): what for what, p in (read or {}).items()}
    for option, path in targets.items():
        other = seen.setdefault(_identity(path), option)
        if other != option:
            raise InputError([(option, f"{path} is also {other}; give each file a path of its own")])


def writable(targets: dict[str, Path]) -> None:
    """InputError, naming the path given, unless every file a run writes (``targets``, by option)
    can be put there: not a folder, in a folder that exists and may be written. Checked before
    any work is done."""
    for option, path in targets.items():
        folder = path.parent
        if path.is_dir():
            raise InputError([(str(path), f"is a folder, not a file ({option})")])
        if not folder.is_dir():
            raise InputError([(str(path), f"the folder {folder} does not exist ({option})")])
        if not os.access(folder, os.W_OK | os.X_OK):
            raise InputError([(str(path), f"the folder {folder} cannot be written ({option})")])


def _identity(path: Path) -> tuple[int, int] | Path:
    try:
        found = path.stat()
        return found.st_dev, found.st_ino  # the same file under two names (a link, ./x and x)
    except OSError:
        return path.resolve()


def default_rejects(output: str | Path) -> Path:
    """``decisions.parquet`` -> ``decisions.parquet.rejects.jsonl`` beside it (the full name: two
    outputs that differ only in format never share a rejects file)."""
    output = Path(output)
    return output.with_name(f"{output.name}.rejects.jsonl")


def manifest_path(output: str | Path) -> Path:
    """``decisions.parquet`` -> ``decisions.parquet.manifest.json`` beside it."""
    output = Path(output)
    return output.with_name(f"{output.name}.manifest.json")


PARTIAL = ".partial-"


def temporary(final: Path, run: str) -> Path:
    """Where a run writes ``final`` until it is complete: a hidden file in the same folder (so the
    rename is atomic), named after the final file and the run."""
    return final.with_name(f".{final.name}{PARTIAL}{run}{final.suffix}")


def clean_stale(final: Path) -> list[Path]:
    """Remove what killed runs left for ``final`` (their temporary files, named after the run's
    process: a run still going, here or elsewhere on this machine, keeps its own, and a file not
    named as a run names its files is not touched); the paths removed."""
    prefix = f".{final.name}{PARTIAL}"
    ours = re.compile(re.escape(prefix) + r"([0-9]{1,10})-[0-9a-f]{8}(?:\.[^/]*)?")  # as ``temporary`` names them
    stale = sorted(path for path in final.parent.glob(f"{glob_escape(prefix)}*")
                   if (run := ours.fullmatch(path.name)) and not _alive(run[1]))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def _alive(pid: str) -> bool:
    """Whether the process numbered ``pid`` is running (not known: assumed so, nothing is removed)."""
    if int(pid) > 1 << 30:
        return False
    if os.name != "posix":
        return True  # no harmless way to ask: a live run's files are never removed
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def beside(path: str | Path, manifest: Path) -> str:
    """``path`` as the manifest names it: relative to the manifest's folder (wherever the run was
    started from), or absolute where there is no such path (another drive)."""
    try:
        return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(manifest.parent))).as_posix()
    except ValueError:
        return os.path.abspath(path)


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


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
        self._file: BinaryIO | None = None
        with self._named():
            if self.format == ".parquet":
                self._parquet = pq.ParquetWriter(self.path, schema, compression="zstd", use_dictionary=dictionary)
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
            with self._named():
                self._parquet.write_table(table)
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

    def close(self) -> None:
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
