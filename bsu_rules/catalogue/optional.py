"""Optional dependencies loaded on first use: the columnar parts of the catalogue need Polars (the
``batch`` extra) and the proof parts z3 (the ``prove`` extra); neither is imported before one of
those parts runs, so the catalogue itself stays cheap to import."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["deferred"]


class _Deferred(ModuleType):
    def __getattr__(self, attr: str) -> object:
        module = importlib.import_module(self.__name__)  # ModuleNotFoundError names a missing extra
        self.__dict__.update(module.__dict__)
        return getattr(module, attr)


def deferred(name: str) -> ModuleType:
    """Module ``name``, imported when one of its attributes is first read."""
    return _Deferred(name)
