"""Names a package loads from its modules on first use (PEP 562): importing the package costs
nothing until one of them is read."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from importlib import import_module
from typing import Any


def lazy(package: str, where: dict[str, str], namespace: dict[str, Any]
         ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The package's ``__getattr__`` and ``__dir__``: ``where`` maps each name to the module (in
    ``package``) that defines it; a name read once is kept in ``namespace`` (the package's globals).
    ``__dir__`` lists each public name once (``__all__``, the names in ``where``, the module's dunders),
    the same before and after a name is read: not what the package imports for itself (``TYPE_CHECKING``,
    ``lazy``, ``annotations``) nor its submodules."""

    def getattr_(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{where[name]}"), name)
        namespace[name] = value  # the next access is a plain lookup
        return value

    def dir_() -> list[str]:
        public = {*namespace.get("__all__", ()), *where}
        return sorted(public | {n for n in namespace if n.startswith("__") and n.endswith("__")})

    return getattr_, dir_


FREEZE = False
"""Whether ``uncollected`` sets what was loaded aside for good (``gc.freeze``: never walked again): only while
the ``bsu-rules`` program runs (``kept_loaded``)."""


@contextlib.contextmanager
def kept_loaded() -> Iterator[None]:
    """While it lasts, ``uncollected`` sets what it loads aside for good: the program's modules live as long
    as its process (a library's caller may yet free them)."""
    global FREEZE
    FREEZE, was = True, FREEZE
    try:
        yield
    finally:
        FREEZE = was


@contextlib.contextmanager
def uncollected() -> Iterator[None]:
    """Modules imported with the cyclic collector off: importing allocates a great many objects and frees
    almost none, so collecting meanwhile only walks them again (0.07 CPU-s of ``bsu-rules batch``'s
    start-up); with ``FREEZE``, they are then set aside, else the first collection after walks them all.
    The collector is left on if it was on."""
    was = gc.isenabled()
    try:
        gc.disable()
        yield
    finally:
        if was:
            if FREEZE:
                gc.freeze()
            gc.enable()
