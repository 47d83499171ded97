"""The NIK columns of a decisions file: the NIK masked, and its keyed pseudonym.

Both work on whole Arrow columns (a native HMAC kernel, a byte mask in place), not on one NIK at a
time: a batch of millions spends no time in Python per row on them.
"""

from __future__ import annotations

import hmac
import secrets

import numpy as np
import polars as pl
import polars_hash as plh
import pyarrow as pa
import pyarrow.compute as pc

from bsu_rules.members.redact import mask_nik

RUN_KEY = secrets.token_hex(32).encode()
"""The key ``nik_key`` uses when the caller gives none: random per process (256 bits, as text), so
the pseudonyms join a run's rows (one NIK, one payment) and mean nothing afterwards; outputs then
leave ``nik_key`` empty."""


def nik_keys(niks: pa.Array | pa.ChunkedArray, key: bytes | None = None) -> pa.Array:
    """HMAC-SHA256(key, NIK) (hex) of each NIK: a join key that does not show the NIK and cannot be
    reversed without the key (the pseudonym the decision log uses for the same key).

    Computed by a native kernel (``polars-hash``) over the whole column; a key that is not UTF-8
    text, which that kernel cannot take, is applied in Python, one NIK at a time."""
    key = RUN_KEY if key is None else key
    niks = niks.cast(pa.string())
    try:
        text = key.decode("utf-8")
    except UnicodeDecodeError:
        digests = [None if nik is None else hmac.new(key, nik.encode(), "sha256").hexdigest()
                   for nik in niks.to_pylist()]
        return pa.array(digests, pa.string())
    frame = pl.DataFrame([pl.Series("nik", niks, dtype=pl.String)])
    return frame.select(plh.col("nik").chash.hmac_sha256(key=text)).to_series().to_arrow().cast(pa.string())


def mask_niks(niks: pa.Array) -> pa.Array:
    """``3215********0001`` for each 16-digit NIK, as ``decisions.mask_nik`` does for one.

    Valid NIKs are 16 bytes each, laid end to end: their bytes are masked in place in a copy (a
    tenth of the time of slicing and joining strings, which is kept for anything else)."""
    if pa.types.is_string(niks.type) and len(niks) and not niks.null_count:
        offsets = np.frombuffer(niks.buffers()[1], np.int32, len(niks) + 1, niks.offset * 4)
        if offsets[-1] - offsets[0] == 16 * len(niks) and (np.diff(offsets) == 16).all():
            data = np.frombuffer(niks.buffers()[2], np.uint8, 16 * len(niks), offsets[0]).reshape(-1, 16).copy()
            data[:, 4:12] = ord("*")
            starts = pa.py_buffer(np.arange(0, 16 * len(niks) + 1, 16, dtype=np.int32))
            return pa.StringArray.from_buffers(len(niks), starts, pa.py_buffer(data))
    return pc.binary_join_element_wise(pc.utf8_slice_codeunits(niks, 0, 4), pa.scalar("********"),
                                       pc.utf8_slice_codeunits(niks, 12, 16), pa.scalar(""))


def mask_kpjs(values: pa.Array | pa.ChunkedArray, members: pa.Table | None = None) -> pa.Array | pa.ChunkedArray:
    """Each KPJ as ``decisions.mask_kpj`` shows it: one of 10 characters or of 12 or more (a KPJ has 11 digits:
    such a one is a NIK or an account number written in the wrong column, which no output shows in full), or one
    that is its row's own account number (of ``members``, row for row), masked as the account number of its length
    is (``3204********0003``, ``01******89``); the rest as they are."""
    length = pc.utf8_length(values)
    odd = pc.and_(pc.greater_equal(length, 10), pc.not_equal(length, 11))
    if members is not None and "bank_account" in members.column_names:
        digits = pc.utf8_ltrim(pc.replace_substring_regex(pc.struct_field(members["bank_account"], "number"),
                                                          "[^0-9]", ""), "0")
        same = pc.and_(pc.and_(pc.greater_equal(length, 9), pc.not_equal(digits, "")),
                       pc.equal(pc.utf8_ltrim(values, "0"), digits))
        odd = pc.or_(odd, pc.fill_null(same, False))
    odd = pc.fill_null(odd, False)
    if not pc.any(odd).as_py():  # the usual chunk: every KPJ as it is
        return values
    whole = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    odd = odd.combine_chunks() if isinstance(odd, pa.ChunkedArray) else odd
    shown = pa.array([mask_nik(v) for v in whole.filter(odd).to_pylist()], whole.type)  # few rows: one at a time
    return pc.replace_with_mask(whole, odd, shown)
