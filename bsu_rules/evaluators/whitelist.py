"""The whitelist generated code must pass before it is compiled (``evaluators.codegen``, guard 2).

The generator writes only what this module allows: one function ``core(m)``, ``core(m, f)`` or
``core(m, f, r)``; the node types below; the names ``m``, ``f``, ``r``, ``core``, ``s<n>``, ``t<n>`` and the
``K<n>`` it bound; attributes that are member contract fields; calls, indexing and dict keys only of ``K``
names (and a ``K`` key set in a dict a ``t`` name holds: ``t1[K0] = t2``); and no literal but ``None``,
``True`` and ``False``. Anything else is ``UnsafeCode``, never compiled.
"""

from __future__ import annotations

import ast
import re
import threading
from collections.abc import Iterator
from typing import Any

from bsu_rules.members.contract import Group, contract

__all__ = ["FIELDS", "NotGenerated", "UnsafeCode", "check", "compiled"]

_INFIX_NODES = (ast.Add, ast.Sub, ast.Mult, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)
_SAFE_NODES = (ast.Module, ast.FunctionDef, ast.arguments, ast.arg, ast.Assign, ast.If, ast.Return, ast.Name,
               ast.Load, ast.Store, ast.Attribute, ast.Call, ast.Compare, ast.Is, ast.IsNot, ast.In, ast.NotIn,
               ast.BinOp, ast.UnaryOp, ast.Not, ast.BoolOp, ast.Or, ast.And, ast.IfExp, ast.Tuple, ast.List, ast.Dict,
               ast.Subscript, ast.Constant, *_INFIX_NODES)
_SAFE_NAME = re.compile(r"(m|f|r|core|[stK][0-9]+)\Z")


class NotGenerated(ValueError):
    """The plan keeps its closures: what the generator would write is refused or too large."""


class UnsafeCode(NotGenerated):
    """Generated text that failed the whitelist: it is never compiled."""


def _fields(fields: dict[str, Any] | None = None) -> Iterator[str]:
    for name, spec in (fields if fields is not None else contract()).items():
        yield name
        if isinstance(spec, Group):
            yield from _fields(spec.fields)


FIELDS = frozenset(_fields())
"""Every attribute the generated code may read: the member contract's field names."""


def check(tree: ast.Module, constants: dict[str, object]) -> None:
    """Refuse generated text holding anything but the whitelisted node types, names and attributes."""
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef) or tree.body[0].name != "core" \
            or [a.arg for a in tree.body[0].args.args] not in (["m"], ["m", "f"], ["m", "f", "r"]) \
            or tree.body[0].decorator_list:
        raise UnsafeCode("the generated module must be the one function core(m), core(m, f) or core(m, f, r)")
    nodes = list(ast.walk(tree))
    for node in nodes:
        if not isinstance(node, _SAFE_NODES):
            raise UnsafeCode(f"generated code holds a {type(node).__name__} node")
    for node in nodes:
        if isinstance(node, ast.Name) and (not _SAFE_NAME.match(node.id)
                                           or (node.id.startswith("K") and node.id not in constants)):
            raise UnsafeCode(f"generated code names {node.id!r}")
        if isinstance(node, ast.Attribute) and node.attr not in FIELDS:
            raise UnsafeCode(f"generated code reads attribute {node.attr!r}")
        if isinstance(node, ast.Constant) and not (node.value is None or node.value is True or node.value is False):
            raise UnsafeCode(f"generated code holds the literal {node.value!r}")
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id.startswith("K")):
            raise UnsafeCode("generated code calls something that is not a generated constant")
        if isinstance(node, ast.Dict) and not all(isinstance(key, ast.Name) and key.id.startswith("K")
                                                  for key in node.keys):
            raise UnsafeCode("generated code builds a dict whose keys are not generated constants")
        if isinstance(node, ast.Subscript) and not (isinstance(node.value, ast.Name) and (
                (node.value.id.startswith("K") and isinstance(node.ctx, ast.Load)) or (
                    node.value.id.startswith("t") and isinstance(node.ctx, ast.Store)
                    and isinstance(node.slice, ast.Name) and node.slice.id.startswith("K")))):
            raise UnsafeCode("generated code indexes something that is not a generated constant (or sets a key, "
                             "a generated constant, of a dict it built)")


def compiled(lines: list[str], constants: dict[str, object], params: str = "m") -> Any:
    """The function ``core(params)`` of the generated ``lines`` (its body, indented), whose ``K<n>`` names are
    ``constants``: parsed, held to the whitelist (``UnsafeCode`` otherwise) and compiled, run with no builtins."""
    text = f"def core({params}):\n" + "\n".join(lines) + "\n"
    with _COMPILING:
        for attempt in range(_ATTEMPTS):
            try:
                tree = ast.parse(text)
                check(tree, constants)
                code = compile(tree, "<bsu-rules plan>", "exec")
                break
            except SystemError:  # CPython 3.11's shared counter, moved by another thread's ast.parse (a library's)
                if attempt == _ATTEMPTS - 1:
                    raise NotGenerated("the generated code could not be compiled (another thread was converting "
                                       "Python syntax trees): the plan decides with closures") from None
            except (SyntaxError, RecursionError, MemoryError) as exc:  # never for a tree the tests know
                raise NotGenerated(f"the generated code does not compile: {type(exc).__name__}") from None
    namespace: dict[str, Any] = {"__builtins__": {}, **constants}
    exec(code, namespace)  # checked just above
    function = namespace["core"]
    function.source = text  # for review: what was compiled
    return function


_COMPILING = threading.Lock()  # CPython 3.11 converts ASTs with a counter threads share: one at a time
_ATTEMPTS = 3  # where a thread outside the lock moved the counter all the same ("recursion depth mismatch")
