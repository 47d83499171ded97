"""Bank names: ``bank_key``, a bank name as the bank table keys it, however a member wrote it."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bsu_rules.catalogue.definition import Abstraction, Columnar, Function, Realized, Record
from bsu_rules.catalogue.optional import cf, pl
from bsu_rules.members.model import NOT_SHOWN
from bsu_rules.ruleset.types import STR

if TYPE_CHECKING:
    from bsu_rules.prove.inputs import AbstractCall

__all__ = ["DEFINITIONS", "bank_key"]

SPACE = "[ \t\n\r\f\v\u00a0]+"
"""What separates the words of a bank name."""
BANK_PUNCTUATION = r"[.,()/\-'‘’`]"
"""Punctuation a bank name may carry that is no part of its name (``BNI'46`` is ``BNI 46``)."""
BANK_FORM_WORDS = frozenset({"BANK", "PT", "PERSERO", "TBK"})
"""Words of a bank's legal form, dropped from its key."""
BANK_BRANCH_WORDS = frozenset({"CAB", "CABANG", "CAPEM", "KANTOR", "KC", "KCP", "KCU", "KK", "UNIT"})
"""Words that begin a branch's designation ("BRI Unit Cikarang", "Bank BNI KCP Sudirman"): after a bank's
own words, the branch and all that follows it are no part of the bank's key."""
BANK_SPELLED_PT = r"\bP[ .]*\.[ .]*T\b"
""""P.T." or "P. T.": the legal form ``PT`` spelled with dots (upper case), read as ``PT`` before punctuation."""
BANK_FOLD: dict[str, str] = {
    **{chr(c): "" for a, b in (*NOT_SHOWN, (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F),
                               (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF)) for c in range(a, b + 1)},
    # not shown (control and format characters, variation selectors, tags): not part of the name
    **{chr(c): " " for a, b in NOT_SHOWN for c in range(a, b + 1) if chr(c).isspace()},  # spaces of any kind
    **dict.fromkeys("\u2800\u115f\u1160\u3164\uffa0", " "),  # what shows as a space: a blank braille cell, fillers
    **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},  # full-width forms: ＢＲＩ is BRI
    "\u0130": "I", "\u0131": "i",  # dotted capital I, dotless small i (a Turkish keyboard): MANDİRİ is MANDIRI
}
"""Characters a bank name may be written with that are another character, or none, to a reader."""
_FOLD = str.maketrans(BANK_FOLD)
_SPACE, _PUNCTUATION, _SPELLED_PT = re.compile(SPACE), re.compile(BANK_PUNCTUATION), re.compile(BANK_SPELLED_PT)


def bank_key(name: str | None) -> str | None:
    """A bank name as the bank table keys it: full-width letters read as letters and invisible
    characters dropped (``BANK_FOLD``), upper case, ``. , ( ) / - '`` read as spaces, single spaces, a
    number written on to a name parted from it, a name spelled out letter by letter written whole,
    the words of the legal form ("BANK", "PT", "PERSERO", "TBK") dropped, and a branch's designation
    after the bank's own words ("UNIT", "CABANG", "KCP" …) dropped with all that follows it.

    "Bank  bri " and "Bank-BRI" -> "BRI", "B.R.I" -> "BRI", "BNI1946" and "BNI'1946" -> "BNI 1946",
    "Bank BRI Cabang Bandung" -> "BRI", "P.T. Bank Rakyat Indonesia (Persero), Tbk" -> "RAKYAT INDONESIA",
    "Bank Rakyat Indonesia (BRI)" -> "RAKYAT INDONESIA BRI" (the table lists that form too); any
    other text keeps its words, so an unknown bank stays recognisable."""
    return None if name is None else _bank_key(name)


@lru_cache(maxsize=4096)  # a population names few banks, in few spellings
def _bank_key(name: str) -> str:
    text = _LETTERS_DIGITS.sub(r"\1 \2", _PUNCTUATION.sub(" ", _SPELLED_PT.sub("PT", name.translate(_FOLD).upper())))
    words = [w for w in _SPACE.split(text) if w and w not in BANK_FORM_WORDS]
    runs: list[list[str]] = []
    for i, word in enumerate(words):
        if i and _LETTER(word) and _LETTER(words[i - 1]):  # a name spelled out letter by letter is one word
            runs[-1].append(word)
        else:
            runs.append([word])
    joined = ["".join(run) for run in runs]
    kept: list[str] = []
    for word in joined:
        if word in BANK_BRANCH_WORDS and kept:  # the branch, and all that follows it
            break
        if word not in BANK_FORM_WORDS:  # "P T", spelled out
            kept.append(word)
    return " ".join(kept)


_LETTERS_DIGITS = re.compile(r"([A-Z])([0-9])")
"""A number written on to a name is a word of its own: ``BNI1946`` is ``BNI 1946``."""
_LETTER = re.compile("[A-Z]").fullmatch
"""A word of one letter: ``B R I`` (``B.R.I``) is a name spelled out, ``BRI``."""


# --- columnar -----------------------------------------------------------------------------


def _bank_key_expr(name: pl.Expr) -> pl.Expr:
    """``bank_key`` itself, worked out once for each distinct name of a column (a population writes
    few bank names) and looked up row by row: one definition, whichever evaluator reads it."""
    def keys(names: pl.Series) -> pl.Series:
        distinct = names.unique().drop_nulls()
        return names.replace_strict(distinct, pl.Series([_bank_key(n) for n in distinct.to_list()], dtype=pl.String),
                                    default=None, return_dtype=pl.String)
    return name.map_batches(keys, return_dtype=pl.String)


# --- proofs -------------------------------------------------------------------------------


def _realize_bank_key(rec: Record, call: AbstractCall, value: Realized,
                      others: list[tuple[AbstractCall, Realized]]) -> None:
    if value[0] and isinstance(value[1], str) and not value[1].startswith("<"):
        account: dict[str, Any] = rec.get("bank_account") or {}
        rec["bank_account"] = account
        account["bank"] = value[1]  # a key is its own bank_key


DEFINITIONS = [
    Function("bank_key", ((STR,),), STR,
             'A bank name as the bank table keys it: full-width letters read as letters, invisible characters '
             "dropped, upper case, single spaces, punctuation (`. , ( ) / - '`) dropped, a number written on to a "
             'name parted from it, a name spelled out letter by letter written whole, the words `BANK`, `PT`, '
             '`PERSERO`, `TBK` dropped, and a branch designation after the bank\'s own words (`UNIT`, `CABANG`, '
             '`KCP`, …) dropped with what follows it (`"PT. Bank  bri "`, `"Bank-BRI"`, `"B.R.I"`, `"BRI Unit '
             'Cikarang"` and `"ＢＲＩ"` give `"BRI"`; `"BNI1946"` gives `"BNI 1946"`); an unknown bank keeps its '
             'words.',
             "bank_key(member.bank_account.bank)", scalar=bank_key,
             columnar=Columnar(lambda t, args: cf.strict(lambda t, e, d: (_bank_key_expr(e[0]), pl.String()),
                                                         guard=False)(t, args)),
             inversion=None, smt=Abstraction(("name",), _realize_bank_key), remembered=True),
]
