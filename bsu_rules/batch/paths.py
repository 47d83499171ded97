"""Where a run's files go: output names and formats, the files beside an output (rejects, manifest,
temporaries), and the checks made before a run writes anything. No Arrow here: commands that only
check paths (``evaluate --log``) import it without the batch extra."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import stat
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows has no fcntl: there a run still writing is known by its process number
    fcntl = None  # type: ignore[assignment]

from bsu_rules.batch.guard import refuse_among_rules
from bsu_rules.errors import InputError, file_kind

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
    seen = {identity(Path(source)): "the input"} | {identity(p): what for what, p in (read or {}).items()}
    for option, path in targets.items():
        other = seen.setdefault(identity(path), option)
        if other != option:
            raise InputError([(option, f"{path} is also {other}; give each file a path of its own")])
    refuse_among_rules(targets)


def writable(targets: dict[str, Path]) -> None:
    """InputError, naming the path given, unless every file a run writes (``targets``, by option)
    can be put there: not a folder, in a folder that exists and may be written. Checked before
    any work is done."""
    for option, path in targets.items():
        folder = path.parent
        try:
            mode: int | None = path.stat().st_mode
        except OSError:  # not there yet
            mode = None
        if mode is not None and stat.S_ISDIR(mode):
            raise InputError([(str(path), f"is a folder, not a file ({option})")])
        if mode is not None and not stat.S_ISREG(mode):  # the run's file would take its place: a reader hangs
            raise InputError([(str(path), f"is {file_kind(mode)}, not a regular file: the run puts a file of "
                                          f"its own in its place; give a file's path ({option})")])
        if not folder.is_dir():
            try:
                kind = folder.stat().st_mode
                said = f"is {'a file' if stat.S_ISREG(kind) else file_kind(kind)}, not a folder"
            except OSError:
                said = "does not exist"
            raise InputError([(str(path), f"the folder {folder} {said} ({option})")])
        if not os.access(folder, os.W_OK | os.X_OK):
            raise InputError([(str(path), f"the folder {folder} cannot be written ({option})")])


def identity(path: str | Path) -> tuple[int, int] | Path:
    """What names one file whatever the path (a link, ``./x`` and ``x``): its device and inode, else
    (not there yet) its resolved path."""
    path = Path(path)
    try:
        found = path.stat()
        return found.st_dev, found.st_ino  # the same file under two names (a link, ./x and x)
    except OSError:
        return path.resolve()


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


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
    """Remove what killed runs left for ``final`` (their temporary files, named after the run: a run
    still going, here or elsewhere on this machine, keeps its own, and a file not named as a run names
    its files is not touched); the paths removed."""
    prefix = f".{final.name}{PARTIAL}"
    ours = re.compile(re.escape(prefix) + r"(([0-9]{1,10})-[0-9a-f]{8})(?:\.[^/]*)?")  # as ``temporary`` names them
    runs: dict[str, list[Path]] = {}
    for path in final.parent.glob(f"{glob_escape(prefix)}*"):
        if run := ours.fullmatch(path.name):
            runs.setdefault(run[1], []).append(path)
    stale = sorted(path for run, paths in runs.items() if not _alive(final, run) for path in paths)
    claims = re.compile(re.escape(f".{final.name}{CLAIM}") + r"[0-9]{1,10}-[0-9a-f]{8}-[0-9a-f]{8}")  # as ``_take``
    stale += [claim for claim in sorted(final.parent.glob(f"{glob_escape(f'.{final.name}{CLAIM}')}*"))
              if fcntl is not None and claims.fullmatch(claim.name) and _abandoned(claim)]  # killed taking its lock
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def _lock(final: Path, run: str) -> Path:
    return temporary(final, run).with_suffix(".lock")


@contextmanager
def claimed(finals: Iterable[Path], run: str) -> Iterator[None]:
    """Hold ``run``'s claim on its temporary files beside each of ``finals`` while it writes them: a
    lock file locked for as long as the run lives. Another run asks the lock, not the process number,
    whether the files are still being written: in containers every run may be process 1, and a
    process number seen from another namespace names another process."""
    held: list[tuple[Path, int]] = []
    try:
        for final in finals:
            held.append((_lock(final, run), _take(final, run)))
        yield
    finally:
        for lock, fd in held:
            lock.unlink(missing_ok=True)
            os.close(fd)


CLAIM = ".claim-"


def _take(final: Path, run: str) -> int:
    """The lock file of ``run`` beside ``final``, open and locked. It is locked under a name of its
    own and then renamed into place, so that a cleaner never finds it there unlocked (and takes the
    run for dead)."""
    if fcntl is None:
        return os.open(_lock(final, run), os.O_RDWR | os.O_CREAT, 0o600)
    while True:
        claim = final.with_name(f".{final.name}{CLAIM}{run}-{secrets.token_hex(4)}")
        try:
            fd = os.open(claim, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:  # told of the file given (a full disk, a name too long), not of this hidden one
            raise OSError(exc.errno, exc.strerror, str(final)) from None
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            os.rename(claim, _lock(final, run))
            return fd
        except FileNotFoundError:  # removed by hand before it was locked: again
            os.close(fd)


def _abandoned(claim: Path) -> bool:
    """Whether a lock being taken was left by a killed run: unlocked for a minute (a run locks it at
    once; one found before that takes it as it is)."""
    try:
        return _held(claim) is False and time.time() - claim.stat().st_mtime > 60
    except OSError:
        return False


def _held(lock: Path) -> bool | None:
    """Whether a lock file is locked (its run going on; True too when it cannot be asked); None when
    there is none."""
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return None
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _alive(final: Path, run: str) -> bool:
    """Whether ``run`` is still writing ``final`` (not known: assumed so, nothing is removed): by its
    lock where it has one, else (a run of an earlier version) by its process number."""
    if fcntl is not None and (held := _held(_lock(final, run))) is not None:
        return held
    pid = int(run.partition("-")[0])
    if pid > 1 << 30:
        return False
    if os.name != "posix":
        return True  # no harmless way to ask: a live run's files are never removed
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def beside(path: str | Path, manifest: Path) -> str:
    """``path`` as the manifest names it: relative to the manifest's folder (wherever the run was
    started from), or absolute where there is no such path (another drive); a NIK or an account
    number in it said as its count of digits (the manifest names the files, the sha256s tell them)."""
    from bsu_rules.members.redact import hidden_path  # lazy: only a run's end needs it

    try:
        return hidden_path(Path(os.path.relpath(os.path.abspath(path), os.path.abspath(manifest.parent))).as_posix())
    except ValueError:
        return hidden_path(os.path.abspath(path))


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)
