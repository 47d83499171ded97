"""Pseudonymisation keys: their bytes, their fingerprint, NIK pseudonyms, and the keys the documentation gives.

What a command reads a key with and warns of (``cli.options``, a batch's ``nik_key``), apart from what a decision
log keeps of a record (``snapshot``), so that a command using a key loads none of the member code.
"""

from __future__ import annotations

import hashlib
import hmac
import warnings

from bsu_rules.errors import PublishedKeyWarning

KEY_ENV = "BSU_RULES_PSEUDONYM_KEY"
"""The environment variable the command line reads the pseudonymisation key from."""


def key_bytes(key: str | bytes) -> bytes:
    """A pseudonymisation key as bytes (text as UTF-8); TypeError or ValueError for one that is none."""
    if not isinstance(key, str | bytes):
        raise TypeError(f"a pseudonymisation key is str or bytes, not {type(key).__name__}")
    try:
        data = key.encode("utf-8") if isinstance(key, str) else key
    except UnicodeEncodeError:  # a lone surrogate, as os.environ gives for bytes that are not UTF-8
        raise ValueError("the pseudonymisation key is text that is not UTF-8 (a lone surrogate): give it as "
                         "bytes") from None
    if not data.strip():
        raise ValueError("the pseudonymisation key is empty or only spaces")
    return data


SHORT_KEY = 16
"""A pseudonymisation key shorter than this (in bytes) is refused for new keyed output (a decision log, a batch's
``nik_key``: ``new_key``), and only warned of by the commands when what one made before is read: every log line
carries its fingerprint, against which a key this short is tried offline, and with it every NIK it hides."""

FEW_BYTE_VALUES = 4
"""A key of fewer distinct byte values (one repeated byte: ``/dev/zero``, ``aaaa…``) is refused as a short one is."""


PEM_ARMOUR = b"-----BEGIN "
"""How a PEM file (a signing key, a certificate) begins: its first line, which ``--key-file`` reads as the key, names
what the file holds and is the same in every such file."""


def weak_key(key: bytes) -> str | None:
    """Why ``key`` is too weak to make new keyed output with (how to make one left to the caller): shorter than
    ``SHORT_KEY`` bytes, begun as a PEM file is (``PEM_ARMOUR``), or of fewer than ``FEW_BYTE_VALUES`` distinct
    byte values (its bytes never shown); None for a key of none of these. The one rule the commands and the
    library both apply."""
    if len(key) < SHORT_KEY:
        return (f"the key is {len(key)} byte{'s' if len(key) != 1 else ''}, shorter than {SHORT_KEY}: every log "
                "line carries its fingerprint, against which a key this short is tried offline, and with it the "
                "pseudonyms and input hashes it protects")
    if key.startswith(PEM_ARMOUR):
        return ("the key begins as a PEM file does (`-----BEGIN …`: a signing key or certificate, not a "
                "pseudonymisation key); --key-file reads a file's first line, which is the same in every such file: it "
                "is guessed at once, and with it the pseudonyms and input hashes it protects")
    if len(distinct := set(key)) < FEW_BYTE_VALUES:
        return (f"the key is {len(key)} bytes of only {len(distinct)} distinct value{'s' if len(distinct) > 1 else ''} "
                "(not shown): it is guessed at once, and with it the pseudonyms and input hashes it protects")
    return None


def new_key(key: str | bytes) -> bytes:
    """``key_bytes(key)`` for a key new keyed output is made with (a decision log written, a batch's ``nik_key``);
    ValueError, as for an empty key, for a weak one (``weak_key``: shorter than ``SHORT_KEY`` bytes, or of a few
    byte values repeated). Reading what such a key made before (``replay``, ``pseudonym``, ``input_hash``) takes
    it still."""
    data = key_bytes(key)
    if (weak := weak_key(data)) is not None:
        raise ValueError(f"pseudonymisation key: {weak}; make a key of 32 random bytes (secrets.token_bytes(32)) "
                         "and keep it as long as what it makes")
    return data


def pseudonym(nik: str, key: str | bytes) -> str:
    """The pseudonym a log stores for ``nik``: HMAC-SHA256(key, nik) as 64 hex digits."""
    return hmac.new(key_bytes(key), nik.encode("utf-8"), hashlib.sha256).hexdigest()


def key_id(key: str | bytes) -> str:
    """A public fingerprint of a key (16 hex digits), so an auditor knows which key a log used."""
    return hmac.new(key_bytes(key), b"bsu-rules key id", hashlib.sha256).hexdigest()[:16]


PUBLISHED_KEYS = {
    "262cfcbc1906fa05": "the example key of docs/auditing.md",
    "cbb3763d996575b7": "the wrong key of docs/auditing.md's replay example",
    "0c6871ae37587e3a": "the key of docs/api.md's run_batch example up to 0.6.0",
    "52c178eb6d357832": "the key of docs/api.md's run_batch example",
}
"""The fingerprints (``key_id``) of the pseudonymisation keys the project's documentation gives, and where: a key
anyone who has read it knows, with which every pseudonym and keyed input hash can be undone (the commands warn of
it). The one list: a test finds each key the documentation gives and its fingerprint here."""


def published_key(key: str | bytes) -> str | None:
    """Where the project's documentation gives ``key`` (``PUBLISHED_KEYS``); None for a key it does not give."""
    return PUBLISHED_KEYS.get(key_id(key))


def published_words(key: str | bytes) -> str | None:
    """What is said of ``key`` when the project's documentation gives it (``published_key``), by its fingerprint
    (never the key itself); None for a key it does not give."""
    if (published := published_key(key)) is None:
        return None
    return (f"the key is one the project's documentation gives ({published}, fingerprint {key_id(key)}): whoever "
            f"has read it can undo the pseudonyms and keyed input hashes made with it, in a log or an output")


def warn_published(key: str | bytes | None) -> None:
    """A ``PublishedKeyWarning`` for a key the documentation gives, pointed at the caller of the library function
    that calls this; nothing for another key or none (nor for one that is no key: the function says so itself)."""
    try:
        words = published_words(key) if key is not None else None
    except (TypeError, ValueError):
        return
    if words is not None:
        warnings.warn(PublishedKeyWarning(f"pseudonymisation key: {words}; make a key of your own "
                                          "(secrets.token_bytes(32)) and start a new log with it"), stacklevel=3)
