"""Names a package loads from its modules on first use (PEP 562): importing the package costs
nothing until one of them is read."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy(package: str, where: dict[str, str], namespace: dict[str, Any]
         ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The package's ``__getattr__`` and ``__dir__``: ``where`` maps each name to the module (in
    ``package``) that defines it; a name read once is kept in ``namespace`` (the package's globals)."""

    def getattr_(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{where[name]}"), name)
        namespace[name] = value  # the next access is a plain lookup
        return value

    def dir_() -> list[str]:
        return sorted([*namespace, *where])

    return getattr_, dir_
