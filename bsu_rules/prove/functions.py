"""The exact encodings of the catalogue functions that are not abstracted, by name, as each
function's definition states them (``bsu_rules.catalogue``). Strictness (an unknown argument gives
unknown) is applied by the caller, from the catalogue; so is unknown for a lower bound among the
arguments of a function not in ``KEEPS_BOUNDS``."""

from __future__ import annotations

from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.catalogue.definition import Encoding

__all__ = ["EXACT", "KEEPS_BOUNDS", "Encoding"]

EXACT: dict[str, Encoding] = {name: f.encoding for name, f in FUNCTIONS.items() if f.encoding is not None}
KEEPS_BOUNDS = frozenset(name for name, f in FUNCTIONS.items() if f.keeps_bounds)
