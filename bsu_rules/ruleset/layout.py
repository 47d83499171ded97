"""YAML syntax errors told in plain words, with the line as it should probably be written.

The YAML parser's own messages (``expected <block end>, but found '?'``) name its grammar, not
the mistake. The usual mistakes of a hand-edited rule file are a key indented differently from
the keys around it, a tab, a text with ``: `` in it, and a bracket or quote left open.
"""

from __future__ import annotations

import re

from ruamel.yaml.error import MarkedYAMLError

_KEY = re.compile(r"^(?P<indent> *)(?P<dashes>(?:- +)*)(?P<key>[A-Za-z_][\w-]*|\"[^\"]*\"|'[^']*') *:(?: |$)")


def explain(exc: MarkedYAMLError, lines: list[str]) -> tuple[int, int, str, str | None]:
    """Where a YAML syntax error is (1-based line and column), what it means, and the line as it
    should probably read (None when no single line fixes it)."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line, mark.column) if mark else (0, 0)
    problem, context = str(exc.problem or ""), str(exc.context or "")
    text = lines[line] if line < len(lines) else ""
    if problem.startswith("found character '\\t'"):
        fixed = _reindent(text.replace("\t", "    "), lines, line)
        return line + 1, col + 1, "a tab character: YAML is indented with spaces only, never tabs", fixed
    if problem.startswith("expected <block end>") and _KEY.match(text):
        return _indentation(lines, line)
    open_mark = exc.context_mark
    if problem.startswith("expected ',' or") and open_mark is not None and open_mark.line != line:
        bracket = "}" if "'}'" in problem else "]"
        return (open_mark.line + 1, open_mark.column + 1,
                f"this bracket is not closed: end it with `{bracket}` on the same line", None)
    if problem.startswith("expected ',' or") and problem.endswith("got ':'"):
        return line + 1, col + 1, _COLON, _quote_in_flow(text, col)
    if problem.startswith("expected ',' or"):
        return line + 1, col + 1, "a list in brackets is written `[a, b]` and keys in braces `{key: value, " \
            "key: value}`: check the quotes and commas before this point", None
    if problem == "mapping values are not allowed here":
        found = _KEY.match(text)
        previous = _content_before(lines, line)
        if found is not None and col < found.end() and previous is not None:  # the key's own `:`
            indent = len(lines[previous]) - len(lines[previous].lstrip(" "))
            return previous + 1, indent + 1, _NO_COLON, None
        return line + 1, col + 1, _COLON, _quote_block(text, col)
    if problem == "could not find expected ':'":
        at = exc.context_mark.line if exc.context_mark is not None else max(line - 1, 0)
        return at + 1, len(lines[at]) - len(lines[at].lstrip(" ")) + 1, _NO_COLON, None
    if problem == "found unexpected end of stream" and "quoted scalar" in context and open_mark is not None:
        quote = lines[open_mark.line][open_mark.column:open_mark.column + 1] or '"'
        return (open_mark.line + 1, open_mark.column + 1,
                f"this quoted text is not closed: end it with `{quote}` on the same line", None)
    return line + 1, col + 1, problem or context or "invalid YAML", None


_NO_COLON = "this line has no `:`: write `key: value` (or check the indentation)"
_COLON = "text holding `: ` must be put in quotes, or YAML reads a new key at the `:`"


def _indentation(lines: list[str], line: int) -> tuple[int, int, str, str | None]:
    """A key at an indentation no open block uses: the nearest one it could belong to."""
    text = lines[line]
    found = _KEY.match(text)
    assert found is not None
    own = len(found.group("indent"))
    fixed = _reindent(text, lines, line)
    want = len(fixed) - len(fixed.lstrip(" ")) if fixed is not None else own
    key = found.group("key")
    message = (f"`{key}:` is indented {own} space{'s' * (own != 1)}, but the keys around it use {want}: "
               f"indent it by {want} spaces, like them")
    return line + 1, own + 1, message, fixed


def _reindent(text: str, lines: list[str], line: int) -> str | None:
    """``text`` (a key line) moved to the nearest indentation used by the blocks still open above it,
    the deeper one on a tie; None if it is not a key line."""
    found = _KEY.match(text)
    if found is None:
        return None
    own = len(found.group("indent"))
    levels, limit = [], 1 << 30
    for n in range(line - 1, -1, -1):
        above = _KEY.match(lines[n])
        if above is None:
            continue
        column = len(above.group("indent")) + len(above.group("dashes"))
        if column < limit:
            levels.append(column)
            limit = column
        if column == 0:
            break
    if not levels:
        return None
    want = min(levels, key=lambda c: (abs(c - own), -c))
    return " " * want + text[own:]


def _content_before(lines: list[str], line: int) -> int | None:
    for n in range(line - 1, -1, -1):
        if lines[n].strip() and not lines[n].lstrip().startswith("#"):
            return n
    return None


def _quote(value: str) -> str:
    return f"'{value}'" if '"' in value else f'"{value}"'


def _quote_in_flow(text: str, col: int) -> str | None:
    """The line with the entry of ``{...}`` holding the stray `:` at ``col`` quoted."""
    start = max(text.rfind("{", 0, col), text.rfind(",", 0, col)) + 1
    ends = [i for i in (text.find(",", col), text.find("}", col)) if i >= 0]
    if start <= 0 or not ends:
        return None
    entry = text[start:min(ends)]
    key, sep, value = entry.partition(":")
    if not sep or not value.strip() or value.strip()[0] in "\"'":
        return None
    return text[:start] + f"{key}: {_quote(value.strip())}" + text[min(ends):]


def _quote_block(text: str, col: int) -> str | None:
    """The key line with its whole value (which holds a stray `: ` at ``col``) quoted."""
    found = _KEY.match(text)
    if found is None or found.end() > col:
        return None
    value = text[found.end():].strip()
    if not value or value[0] in "\"'[{" or " #" in value:
        return None
    return text[:found.end()].rstrip() + " " + _quote(value)
