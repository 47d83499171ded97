"""Overrides as the command line writes them: its texts read, and a reform's overrides written back.

``parse_override`` reads one ``--set`` or ``--table`` text (``NAME[@YYYY-MM-DD]=VALUE``, ``NAME=FILE``)
into an ``Override``, or refuses it, named by the option as typed (no ``=``, two assignments in one
option, a date that is none); ``split_assignments`` cuts the ``NAME=VALUE,NAME=VALUE`` of ``--against``
into its assignments. ``override_options`` writes a reform's canonical overrides back as the options
that make them, quoted for a shell, and ``value_text`` a canonical value as the command line gives it.
"""

from __future__ import annotations

import json
import re
import shlex
from datetime import date
from typing import Any

from bsu_rules.errors import Code, RuleSetError
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.override_checks import Override, diag
from bsu_rules.ruleset.spelling import date_problem


def parse_override(kind: str, text: str, flag: str | None = None) -> Override:
    """``NAME[@YYYY-MM-DD]=VALUE`` from the command line (typed in ``--FLAG``, else ``--KIND``);
    RuleSetError if it has no ``=``."""
    option = f"--{flag or kind}"
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        form = "NAME=FILE" if kind == "table" else "NAME=VALUE"
        alone = not sep and _NAME_ONLY.fullmatch(text.strip())
        said = f"; write it as one word, `{option} {text.strip()}=…`" if alone else ""
        raise RuleSetError([diag(f"{option} {text}", Code.BAD_OVERRIDE, f"expected {form}, got `{text}`{said}")])
    more = _MORE.split(value.strip()) if kind == "set" and not value.lstrip().startswith(("[", "{", "'", '"')) else []
    if len(more) > 1:
        each = " ".join(f"{option} {part}" for part in [f"{name.strip()}={more[0]}", *_NAMED.findall(value)])
        raise RuleSetError([diag(f"{option} {text}", Code.BAD_OVERRIDE, f"{option} sets one value: give each its "
                                 f"own {option}", each)])
    name, at, since = name.strip().partition("@")
    day = None
    if at:
        try:
            day = date.fromisoformat(since)
        except ValueError:
            message, fixed = date_problem(since)
            raise RuleSetError([diag(f"{option} {text}", Code.BAD_OVERRIDE, message if message.startswith("`")
                                      else f"`{since[:40]}` is not a date: {message}", fixed)]) from None
        if kind != "set":
            raise RuleSetError([diag(f"{option} {text}", Code.BAD_OVERRIDE, "tables are not dated; drop the @DATE")])
    return Override(kind, name, value.strip(), day, flag)


_MORE = re.compile(r"(?<![,;\s])[,;\s]+(?=[A-Za-z_][\w.]*+(?:@[0-9-]++)?=)")
"""Where a value goes on with another assignment (``4000000,rounding=50000``: the form ``--against`` takes);
looked for from the first of a run of separators only (linear in the value's length)."""
_NAME_ONLY = re.compile(r"[A-Za-z_][\w.]*(?:@[0-9-]+)?")
"""A name alone (``wage_ceiling``, ``benefit.amount@2022-10-01``): its value was given as the next word."""
_NAMED = re.compile(r"(?<![,;\s])[,;\s]+([A-Za-z_][\w.]*+(?:@[0-9-]++)?=[^,;\s]*)")


def split_assignments(text: str) -> list[str]:
    """``NAME=VALUE,NAME=VALUE`` cut at the commas outside brackets and quotes (``state_banks=[BRI, BNI]``
    is one) and before a ``NAME=`` only (``wage_ceiling=3,800,000`` is one, for its value to be told
    what is wrong with it); empty parts left out."""
    parts, depth, quote, start = [], 0, "", 0
    for at, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            parts.append(text[start:at])
            start = at + 1
    joined: list[str] = []
    for part in (*parts, text[start:]):
        if joined and "=" not in part and part.strip():
            joined[-1] += "," + part
        else:
            joined.append(part)
    return [p for p in joined if p.strip()]


def override_options(ruleset: RuleSet | None) -> str:
    """The overrides a reform was made with, as options quoted for a shell (``--set wage_ceiling=4200000
    --set 'state_banks=["BRI"]'``), a replaced table by the sha256 of its file (``--table
    minimum_wage=<sha256 1a2b3c4d5e6f>``); "" for a rule set as its file has it."""
    return " ".join(map(override_option, getattr(ruleset, "overrides", ())))


def override_option(o: dict[str, Any]) -> str:
    """One override as the option that makes it, quoted for a shell (see ``override_options``)."""
    if "table" in o:
        return f"--table {o['table']}=<sha256 {o['sha256'][:12]}>"
    if o["set"].startswith("table."):
        return f"--set {o['set']}={o['value']}"
    return "--set " + shlex.quote(f"{o['set']}{'@' + o['since'] if o.get('since') else ''}={value_text(o['value'])}")


def value_text(value: Any) -> str:
    """A canonical value written back as the command line would give it (a month or a date bare)."""
    if isinstance(value, dict):
        return str(next(iter(value.values())))
    if isinstance(value, str) and _DAY_OR_MONTH.fullmatch(value):
        return value
    return json.dumps(value, ensure_ascii=False)


_DAY_OR_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?")
