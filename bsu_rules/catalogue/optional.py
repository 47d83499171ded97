"""Optional dependencies loaded on first use: the columnar parts of the catalogue need Polars (the
``batch`` extra) and the proof parts z3 (the ``prove`` extra); neither is imported before one of
those parts runs, so the catalogue itself stays cheap to import."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

__all__ = ["cf", "deferred", "pl", "symbols", "z3"]


class _Deferred(ModuleType):
    def __getattr__(self, attr: str) -> object:
        module = importlib.import_module(self.__name__)  # ModuleNotFoundError names a missing extra
        self.__dict__.update(module.__dict__)
        return getattr(module, attr)


def deferred(name: str) -> ModuleType:
    """Module ``name``, imported when one of its attributes is first read."""
    return _Deferred(name)


if TYPE_CHECKING:
    import polars as pl
    import z3

    from bsu_rules.evaluators import columnar_functions as cf
    from bsu_rules.prove import symbols
else:  # what the catalogue's columnar and proof parts use
    pl = deferred("polars")
    z3 = deferred("z3")
    cf = deferred("bsu_rules.evaluators.columnar_functions")
    symbols = deferred("bsu_rules.prove.symbols")
