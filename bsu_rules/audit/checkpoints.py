"""Signed checkpoints: an Ed25519 signature over the head of a decision log's chain.

The chain alone shows edits, but anyone who can write the log can rebuild it from scratch. A
checkpoint is a line in ``LOG.checkpoints``::

    {"hash": H, "key": K, "seq": N, "signature": S, "v": 1}

where S is the Ed25519 signature (base64) of ``bsu-rules checkpoint v1 N H`` and K the public
key's fingerprint. Only the holder of the private key can make one; ``verify_checkpoints`` checks
each against the log and the public key, and that the log's head is covered. Keys are PEM files
(``openssl genpkey -algorithm ed25519``), read with the ``cryptography`` package (extra ``audit``).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import json
import os
import shlex
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bsu_rules.errors import BsuRulesError, Code, file_kind, is_device

VERSION = 1


class CheckpointError(BsuRulesError):
    """A signing or public key cannot be used."""

    code = Code.AUDIT


def checkpoints_path(log: str | Path) -> Path:
    log = Path(log)
    return log.with_name(f"{log.name}.checkpoints")


def _message(seq: int, head: str) -> bytes:
    return f"bsu-rules checkpoint v{VERSION} {seq} {head}".encode()


def _crypto() -> Any:
    try:
        from cryptography.hazmat.primitives import serialization  # lazy: the audit extra
    except ImportError as exc:
        raise CheckpointError("signed checkpoints need the cryptography package: "
                              "pip install '.[audit]' in the project's folder") from exc
    return serialization


def fingerprint(public_key: Any) -> str:
    raw = public_key.public_bytes(_crypto().Encoding.Raw, _crypto().PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


MAX_KEY_BYTES = 65_536  # a PEM Ed25519 key is about 120 bytes


def _key_bytes(path: str | Path) -> bytes:
    """A key file's bytes, at most ``MAX_KEY_BYTES`` of them: a device or a huge file is refused, never read
    into memory; a pipe (``--signing-key <(vault read …)``, a key never written to disk) is read as a file."""
    with open(path, "rb") as f:
        mode = os.fstat(f.fileno()).st_mode
        if is_device(mode):
            raise CheckpointError(f"{path}: {file_kind(mode)}, not a regular file: give the PEM file of the key")
        data = f.read(MAX_KEY_BYTES + 1)
    if len(data) > MAX_KEY_BYTES:
        raise CheckpointError(f"{path}: larger than {MAX_KEY_BYTES:,} bytes, so not a PEM key (one is a few "
                              "hundred bytes): give the PEM file of the key")
    return data


def load_signing_key(path: str | Path) -> Any:
    """An Ed25519 private key from a PEM file (never echoing it)."""
    _crypto()  # first: without the audit extra, the error that says how to install it
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # lazy: the audit extra

    try:
        key = _crypto().load_pem_private_key(_key_bytes(path), password=None)
    except (ValueError, TypeError):
        raise CheckpointError(f"{path}: not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path}: not an Ed25519 key")
    return key


def load_public_key(path: str | Path) -> Any:
    _crypto()  # first: without the audit extra, the error that says how to install it
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # lazy: the audit extra

    try:
        data = _key_bytes(path)
        key = _crypto().load_pem_public_key(data)
    except (ValueError, TypeError):
        private = b"PRIVATE KEY-----" in data
        raise CheckpointError(f"{path}: not a PEM public key" + (
            ": it is the private key (keep it secret); give the public key made from it (`openssl pkey -in KEY "
            "-pubout`)" if private else "")) from None
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{path}: not an Ed25519 key")
    return key


Head = tuple[int, str]
"""Where a log ends: the seq and hash of its last line (0 and the genesis hash when it is empty)."""


def signer(log: str | Path, private_key: Any, fsync: bool = True, warn: Callable[[str], None] | None = None,
           unsigned: bool = False) -> Callable[[int, str, Head], None]:
    """A ``DecisionLog`` hook: after each append (under the log's lock), sign the new head, given
    where the log ended before the lines just appended. CheckpointError if the log's history is not
    what this key signed (``vouched``; ``unsigned``: the decisions after its last checkpoint may be
    signed over), checked when the writer opens the log and again whenever the lines before its
    append are not those it last signed (another writer appended, or the log was changed)."""
    target = checkpoints_path(log)
    public = private_key.public_key()
    key_id = fingerprint(public)
    with read_together(log):  # no writer appends or signs while the log and its checkpoints are read
        known = vouched(log, public, warn, unsigned)

    def sign(seq: int, head: str, before: Head) -> None:
        nonlocal known
        if before != known:  # the caller holds the log's lock
            vouched(log, public, warn, unsigned, upto=before, signed=known)
        signature = base64.b64encode(private_key.sign(_message(seq, head))).decode()
        line = json.dumps({"hash": head, "key": key_id, "seq": seq, "signature": signature, "v": VERSION},
                          sort_keys=True, separators=(",", ":")) + "\n"
        fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK, 0o644)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise CheckpointError(f"{target}: {file_kind(os.fstat(fd).st_mode)}, not a regular file: "
                                      "checkpoints are lines appended to a file; put the log's checkpoints back")
            _drop_cut_line(fd, target)
            size = os.fstat(fd).st_size
            try:
                data = line.encode()
                while data:  # a short write (near a size limit) goes on, and fails there
                    data = data[os.write(fd, data):]
                if fsync:
                    os.fsync(fd)
            except OSError:
                os.ftruncate(fd, size)  # no checkpoint of lines the log is about to take back
                raise
        finally:
            os.close(fd)
        known = (seq, head)

    return sign


@contextlib.contextmanager
def read_together(log: str | Path) -> Iterator[None]:
    """The log's shared lock, held while the log and its checkpoints are read together (writers append
    and sign under its exclusive lock: a checkpoint is never read without the lines it signs);
    nothing when the log cannot be opened (its reading says why)."""
    try:
        fd = os.open(log, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        yield
        return
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # and the lock with it


def unsigned_writer(log: str | Path) -> str | None:
    """What a writer without a signing key says when it opens a log kept with signed checkpoints
    (``LOG.checkpoints`` beside it); None for a log without them."""
    path = checkpoints_path(log)
    if not path.exists():
        return None
    return (f"{log}: this log is signed ({path.name} is beside it) and this writer has no signing key: the "
            "decisions it appends are not covered by a signed checkpoint until a writer with the key signs over "
            f"them, which it does only when told to (`bsu-rules evaluate ... --log {shlex.quote(str(log))} "
            "--signing-key PEM --sign-unsigned`)")


def vouched(log: str | Path, public_key: Any, warn: Callable[[str], None] | None = None, unsigned: bool = False,
            upto: Head | None = None, signed: Head | None = None) -> Head:
    """Before a writer signs a log's head, which vouches for every line before it: CheckpointError
    unless every checkpoint this key made still matches the log (a re-chained, edited or cut log
    is never signed over) and, for a log that holds decisions, one of them does. Decisions after its
    last checkpoint (appended without the key, or their checkpoints removed or cut: the file cannot
    tell) are refused too, unless ``unsigned``: then they are said to ``warn``, and signed over. The
    log's head, as it was checked. ``upto``: where the log ended before a running writer's lines
    (those are checked, not the lines the writer has just appended); ``signed``: the head that
    writer signed last, which must still be in the log (a rewrite is refused, ``unsigned`` or not)."""
    from bsu_rules.audit.chain import GENESIS, verify_log  # lazy: only a signing writer reads the log whole

    if not Path(log).exists() or not Path(log).stat().st_size:
        return 0, GENESIS
    heads: dict[int, str] = {}
    chain = verify_log(log, None, heads)
    end = upto[0] if upto is not None else chain.head_seq
    here = (end, heads.get(end, GENESIS))
    if not chain.ok and upto is not None:  # changed under a running writer without a re-chaining
        raise CheckpointError(f"{log}: {chain.problem}: the log is not signed over")
    if not chain.ok:
        return here  # the log itself is refused, in its own words, before anything is signed
    if signed is not None and signed[0] and heads.get(signed[0]) != signed[1]:
        how = "is not the one this writer signed: the log was rewritten" if signed[0] in heads else \
            "is gone: the log was cut back or replaced"
        raise CheckpointError(f"{log}: the line with seq {signed[0]} {how} while this writer ran, and is not signed "
                              f"over; check it with `bsu-rules verify {shlex.quote(str(log))} --public-key PUB`")
    found = verify_checkpoints(log, heads, end, public_key, cut=True)  # the signer drops a cut line
    if found is None:
        return here
    if found.startswith("decisions after seq"):
        if not unsigned:
            raise CheckpointError(
                f"{log}: {found}: they were appended by a writer without the signing key, or their checkpoints "
                "were removed or cut, and a checkpoint would vouch for them; check them first (`bsu-rules verify "
                "LOG`, `bsu-rules replay LOG`, and against what was printed when they were decided), then give "
                "--sign-unsigned to sign over them")
        if warn is not None:
            warn(f"{log}: {found} (appended without the signing key, or their checkpoints were removed or cut): "
                 "signed over, as --sign-unsigned asks")
        return here
    if "not a regular file" in found:
        raise CheckpointError(f"{log}: {found}: put the log's checkpoints back")
    raise CheckpointError(f"{log}: {found}; a checkpoint signs every line before it, so this log is not signed "
                          "over: check it with `bsu-rules verify LOG --public-key PUB`, and start a new log to "
                          "sign from now on (a log signed with another key is continued with that key)")


_LONGEST = 4096
"""Bytes a checkpoint line holds at most, with room to spare (about 200 are written)."""


def _drop_cut_line(fd: int, path: Path) -> None:
    """Cut off a last line without its newline (a signing writer was stopped, or the file was cut):
    it proves nothing, and the checkpoint about to be written signs the head, which covers every
    line before it. A longer tail is no checkpoint a writer made: refused."""
    size = os.fstat(fd).st_size
    if not size or os.pread(fd, 1, size - 1) == b"\n":
        return
    tail = os.pread(fd, min(size, _LONGEST), size - min(size, _LONGEST))
    cut = tail.rfind(b"\n")
    if cut < 0 and size > _LONGEST:
        raise CheckpointError(f"{path}: its last line is longer than a checkpoint can be: it was not continued")
    os.ftruncate(fd, size - len(tail) + cut + 1)


def verify_checkpoints(log: str | Path, heads: dict[int, str], head_seq: int, public_key: Any,
                       cut: bool = False) -> str | None:
    """The first problem with the checkpoints of a log whose chain is intact (``heads``: seq -> hash
    of every line), or None when every checkpoint is genuine and the head is signed. ``cut``: an
    incomplete last line is read as absent (a signing writer drops it before it signs)."""
    from cryptography.exceptions import InvalidSignature  # lazy: the audit extra

    path = checkpoints_path(log)
    if not path.exists():
        return f"no signed checkpoints ({path.name} is missing)"
    if not stat.S_ISREG(mode := path.stat().st_mode):  # a pipe would be waited on for ever, a device read for ever
        return f"{path.name} is {file_kind(mode)}, not a regular file: checkpoints are lines appended to a file"
    key_id, signed, data = fingerprint(public_key), 0, path.read_bytes()
    *lines, tail = data.split(b"\n")  # lines end at a newline only (a carriage return is inside a line)
    for number, raw in enumerate(lines, 1):
        try:
            entry = json.loads(raw)
            seq, head = int(entry["seq"]), str(entry["hash"])
            signature = base64.b64decode(entry["signature"], validate=True)
        except (ValueError, KeyError, TypeError, RecursionError):
            return f"{path.name} line {number}: not a checkpoint"
        if entry.get("key") != key_id:
            continue  # made with another key (a rotated one): not evidence for this key
        try:
            public_key.verify(signature, _message(seq, head))
        except InvalidSignature:
            return f"{path.name} line {number}: the signature is not valid for this public key"
        if seq > head_seq:
            return (f"{path.name} line {number}: seq {seq} was signed, but the log ends at seq {head_seq}: "
                    "lines were cut off its end")
        if heads.get(seq) != head:
            return (f"{path.name} line {number}: the log's line with seq {seq} is not the one signed: "
                    "the log was rewritten")
        signed = max(signed, seq)
    if tail and not cut:
        return (f"{path.name} line {len(lines) + 1}: incomplete (a signing writer was stopped, or the file was cut): "
                "it proves nothing, and the decisions after the checkpoint before it are not covered; a writer "
                "with --signing-key signs over them only when given --sign-unsigned, and then drops the cut "
                f"line (from byte {len(data) - len(tail)})")
    if signed == 0 and head_seq:
        return "no checkpoint signed with this public key"
    if signed < head_seq:
        return f"decisions after seq {signed} are not covered by a signed checkpoint"
    return None
