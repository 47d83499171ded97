"""The import graph of ``bsu_rules``, read from the source: no cycles, no private names across packages.

Top-level imports (what runs when a module is imported) must form an acyclic graph. Imports inside
a function are allowed only to defer a heavy optional dependency (polars, z3, ...) or to load a
command, a backend or a renderer when it is used; each carries a ``# lazy:`` comment saying so, and
the function-local imports of ``bsu_rules`` modules must not close a cycle either.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bsu_rules"


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported bsu_rules module (or the package whose __init__ provides the name)
    names: tuple[str, ...]  # the names taken from it ("" for ``import x``)
    line: int
    local: bool  # inside a function
    text: str  # the source line
    typing: bool = False  # under ``if TYPE_CHECKING:``: never run, so in no cycle, but still an API use


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, local: bool, typing: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, local, typing
        inner = local or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        if isinstance(child, ast.If) and _type_checking(child):
            for body in child.body:
                yield from _walk(ast.Module([body], []), inner, True)
            for other in child.orelse:
                yield from _walk(ast.Module([other], []), inner, typing)
            continue
        yield from _walk(child, inner, typing)


def imports(module: str) -> Iterator[Import]:
    path = MODULES[module]
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    is_package = path.name == "__init__.py"
    for node, local, typing in _walk(ast.parse(text), False, False):
        line = lines[node.lineno - 1]
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, ("",), node.lineno, local, line, typing)
            continue
        target = _resolve(module, is_package, node)
        names = tuple(alias.name for alias in node.names)
        submodules = [n for n in names if f"{target}.{n}" in MODULES]
        if submodules:
            for name in submodules:
                yield Import(module, f"{target}.{name}", ("",), node.lineno, local, line, typing)
            names = tuple(n for n in names if n not in submodules)
            if not names:
                continue
        yield Import(module, target, names, node.lineno, local, line, typing)


EVERY = [imp for module in MODULES for imp in imports(module)]
ALL = [imp for imp in EVERY if not imp.typing]  # what runs
INTERNAL = [imp for imp in ALL if imp.target in MODULES]


def cycles(edges: list[Import]) -> list[list[str]]:
    """Strongly connected components with more than one module (or a module importing itself)."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for imp in edges:
        graph[imp.source].add(imp.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def describe(component: list[str], edges: list[Import]) -> str:
    inside = set(component)
    return "\n".join(
        f"  {imp.source}:{imp.line} -> {imp.target}" for imp in edges if imp.source in inside and imp.target in inside
    )


def test_the_graph_is_read() -> None:
    # The reader must see what it checks: the package imports itself in many places.
    assert len(MODULES) > 100
    assert any(imp.source == "bsu_rules.cli" for imp in INTERNAL)
    sample = [m for m in MODULES if m.startswith("bsu_rules.ruleset.")][:2]
    a, b = Import(sample[0], sample[1], ("",), 1, False, ""), Import(sample[1], sample[0], ("",), 1, False, "")
    assert cycles([a, b])
    assert any(imp.typing for imp in EVERY)  # the TYPE_CHECKING blocks are read too


def test_no_cycle_among_top_level_imports() -> None:
    top = [imp for imp in INTERNAL if not imp.local]
    found = cycles(top)
    assert not found, "import cycles:\n" + "\n\n".join(describe(c, top) for c in found)


def test_no_cycle_once_function_local_imports_run() -> None:
    found = cycles(INTERNAL)
    assert not found, "import cycles through function-local imports:\n" + "\n\n".join(
        describe(c, INTERNAL) for c in found
    )


def test_the_package_takes_no_public_name_from_its_own_root() -> None:
    # The root's names are loaded on first use (``__getattr__``): an import of one would hide the real
    # edge from this graph.
    found = [f"{imp.source}:{imp.line}" for imp in EVERY if imp.target == "bsu_rules" and imp.names != ("",)
             and imp.names != ("__version__",)]
    assert not found, found
    assert not [imp for imp in EVERY if imp.target == "bsu_rules" and "__version__" in imp.names]


def _third_party(imp: Import) -> bool:
    top = imp.target.split(".")[0]
    return top != "bsu_rules" and top not in sys.stdlib_module_names


def test_every_function_local_import_says_why() -> None:
    # Deferring a third-party dependency (polars, z3, cryptography, ...) is what a local import is for;
    # one of the package's own modules, or of the standard library, needs its reason on the line.
    unexplained = [f"{imp.source}:{imp.line}: {imp.text.strip()}" for imp in ALL
                   if imp.local and not _third_party(imp) and "# lazy:" not in imp.text]
    assert not unexplained, "function-local imports without a '# lazy:' reason:\n" + "\n".join(unexplained)


PRIVATE = [i for i in EVERY
           if i.target in MODULES and any(n.startswith("_") and not n.startswith("__") for n in i.names)]


@pytest.mark.parametrize("imp", PRIVATE, ids=lambda i: f"{i.source}:{i.line}")
def test_no_private_name_crosses_a_package(imp: Import) -> None:
    package = imp.source if MODULES[imp.source].name == "__init__.py" else imp.source.rpartition(".")[0]
    target_package = imp.target if MODULES[imp.target].name == "__init__.py" else imp.target.rpartition(".")[0]
    assert package == target_package, f"{imp.source}:{imp.line} imports a private name: {imp.text.strip()}"


def test_the_command_table_says_what_each_command_module_says() -> None:
    import argparse

    from bsu_rules.cli import COMMANDS, parser

    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert {c.dest: c.help for c in sub._choices_actions} == COMMANDS


def test_help_the_language_and_the_pytest_plugin_load_no_command_and_no_evaluator() -> None:
    import subprocess
    import sys

    code = ("import sys; from bsu_rules.cli import main; main(['--help']); import bsu_rules.ruleset.expressions; "
            "import bsu_rules.testing.plugin; "
            "print(sorted(m for m in sys.modules if m.startswith(('bsu_rules.', 'pydantic', 'polars', 'lark'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = out.strip().splitlines()[-1]
    for heavy in ("bsu_rules.cli.evaluate", "bsu_rules.evaluators", "bsu_rules.decisions", "polars", "pydantic"):
        assert heavy not in loaded, loaded


def test_the_batch_modules_load_without_pandas() -> None:
    """pyarrow imports pandas the first time it converts a Python value (``pa.scalar``, ``pa.array``): a value
    built when a batch module loads would cost every batch a library it never uses."""
    import subprocess
    import sys

    pytest.importorskip("pandas")  # where it is not installed, pyarrow finds nothing to import
    code = ("import sys; import bsu_rules.batch.run, bsu_rules.batch.dedupe, bsu_rules.batch.validate, "
            "bsu_rules.cli.batch; print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False"


def test_every_name_the_api_reference_shows_at_the_root_is_importable_from_it() -> None:
    """docs/api.md: "Everything public is importable from ``bsu_rules``" (a ``Diagnostic`` a caller is given too)."""
    import bsu_rules

    reference = (ROOT / "docs" / "api.md").read_text("utf-8")
    names = re.findall(r"^::: bsu_rules\.([A-Za-z_]+)$", reference, re.MULTILINE)
    assert "Diagnostic" in names and {n for n in names if n not in bsu_rules.__all__} == set()
    assert all(getattr(bsu_rules, n) is not None for n in names)


def test_modules_load_without_the_collector_and_only_the_program_sets_them_aside() -> None:
    """``uncollected`` turns the cyclic collector off while modules load and back on; what was loaded is
    frozen (never walked again) only inside ``kept_loaded`` (the ``bsu-rules`` program), not for a library."""
    import gc

    from bsu_rules._lazy import kept_loaded, uncollected

    frozen = gc.get_freeze_count()
    with uncollected():
        assert not gc.isenabled()
        loaded = [[]]
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    try:
        with kept_loaded(), uncollected():
            loaded.append([])
        assert gc.isenabled() and gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()
    with uncollected():
        pass
    assert gc.get_freeze_count() == 0  # kept_loaded is over


def test_a_lazy_package_lists_each_public_name_once_and_no_internal() -> None:
    """``dir(bsu_rules)`` after names are read: each public name once, not ``TYPE_CHECKING``, ``annotations``,
    ``lazy`` nor a submodule; the same list as before they were read (so for ``bsu_rules.audit`` and ``.explain``)."""
    code = ("import json, bsu_rules, bsu_rules.audit, bsu_rules.explain\n"
            "packages = [bsu_rules, bsu_rules.audit, bsu_rules.explain]\n"
            "before = [dir(p) for p in packages]\n"
            "bsu_rules.evaluate, bsu_rules.load_ruleset, bsu_rules.Member, bsu_rules.audit.replay\n"
            "bsu_rules.explain.page\n"
            "print(json.dumps([before, [dir(p) for p in packages], [p.__all__ for p in packages]]))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    before, after, alls = json.loads(out)
    assert before == after
    for names, public in zip(after, alls, strict=True):
        assert len(names) == len(set(names)) and set(public) <= set(names)
        assert not {"TYPE_CHECKING", "annotations", "lazy", "_WHERE", "_lazy", "evaluators", "pages"} & set(names)
        assert {n for n in names if not n.startswith("__")} == {n for n in public if not n.startswith("__")}


@pytest.mark.parametrize("setting", [None, ""])
def test_the_program_runs_without_pydantic_plugins_unless_its_caller_asks(tmp_path: Path, setting: str | None) -> None:
    """A pydantic plugin would see every value the program validates (full NIKs among them): ``bsu-rules`` leaves
    the plugins installed beside it unloaded, unless ``PYDANTIC_DISABLE_PLUGINS`` is set by whoever runs it."""
    import os
    import subprocess
    import sys

    site, seen = tmp_path / "site", tmp_path / "seen"
    (site / "spy_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "spy_plugin-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\n"
                                                                "Version: 1.0\n", "utf-8")
    (site / "spy_plugin-1.0.dist-info" / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n",
                                                                        "utf-8")
    (site / "spy_plugin.py").write_text(
        f"import pathlib\npathlib.Path({str(seen)!r}).write_text('loaded')\n"
        "class Plugin:\n    def new_schema_validator(self, *args, **kwargs):\n        return None, None, None\n"
        "plugin = Plugin()\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT), env.get("PYTHONPATH", "")])
    if setting is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = setting  # set, even to nothing: the caller's choice
    done = subprocess.run([sys.executable, "-m", "bsu_rules", "schema", "decision"], capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert seen.exists() is (setting is not None)
