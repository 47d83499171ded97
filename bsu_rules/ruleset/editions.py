"""The editions beside a rule file and shipped with the package, and which is in force on a date.

Used when a decision date falls outside a rule set's window: the refusal names the edition
that applies instead. Only ``ruleset`` and ``in_force`` are read from each file (safe YAML).
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path

from pydantic import ValidationError
from ruamel.yaml.error import YAMLError

from bsu_rules.ruleset.schema import Window
from bsu_rules.ruleset.source import read_yaml

__all__ = ["bundled_rules", "in_force_on", "window_text"]


def bundled_rules() -> Path:
    """The folder of rule files shipped with the package (or the source tree's ``rules/``)."""
    shipped = Path(str(resources.files("bsu_rules").joinpath("rules")))
    return shipped if shipped.is_dir() else Path(__file__).resolve().parents[2] / "rules"


def window_text(window: Window) -> str:
    """``from 2022-09-05 until 2025-06-01``; an open end says so."""
    start = f"from {window.from_}" if window.from_ else "from the start"
    return f"{start} until {window.until}" if window.until else f"{start}, with no end date"


def in_force_on(day: date, near: Path | None = None) -> list[tuple[str, Window]]:
    """The editions in force on ``day``: those in ``near`` (a rule file's folder) first, then the
    bundled ones; each id once."""
    out: dict[str, Window] = {}
    for folder in ([near] if near else []) + [bundled_rules()]:
        for edition, window in _windows(folder.resolve()):
            if edition not in out and window.contains(day):
                out[edition] = window
    return sorted(out.items(), key=lambda item: item[1].from_ or date.min)


def _windows(folder: Path) -> tuple[tuple[str, Window], ...]:
    found = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = read_yaml(path.read_text("utf-8"), str(path)).data
            found.append((str(data["ruleset"]), Window.model_validate(data["in_force"])))
        except (OSError, UnicodeDecodeError, YAMLError, KeyError, TypeError, ValidationError):
            continue  # not a readable rule file: it names no edition
    return tuple(found)
