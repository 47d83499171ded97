"""A warning about a run, told on stderr and carried by a report: its text, and what kind it is."""

from __future__ import annotations

from typing import Literal

Kind = Literal["no-change", "data-date", "unread", "early", "partial-table", "table", "rule-file", "same",
               "coverage", "version"]
"""What a warning is about, for a reader of another language: an override that changes nothing; data read
as at another day than the cut-off month; a dated value never read; one dated before the edition starts;
a partial table compared with a lowered value; a replaced table or a new value ``check`` warns of; the rule
file's own warning; two sides that are one; a member file that may not cover the cut-off month; two
rule files that differ under one id and version."""


class Warned(str):
    """A warning's text (it is a ``str``: printed and compared as one), with its ``kind`` and, where it
    is written in Bahasa Indonesia too, that text (``indonesian``) for a report in that language."""

    kind: Kind
    indonesian: str | None

    def __new__(cls, text: str, kind: Kind, indonesian: str | None = None) -> Warned:
        told = super().__new__(cls, text)
        told.kind, told.indonesian = kind, indonesian
        return told
