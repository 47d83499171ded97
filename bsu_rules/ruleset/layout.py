"""YAML syntax errors told in plain words, with the line as it should probably be written.

The YAML parser's own messages (``expected <block end>, but found '?'``) name its grammar, not
the mistake. The usual mistakes of a hand-edited rule file are a key indented differently from
the keys around it, a tab, a text with ``: `` or a quote in it, and a bracket or quote left open.
"""

from __future__ import annotations

import re
from collections import Counter

from ruamel.yaml.error import MarkedYAMLError

from bsu_rules.members.redact import hide_identifiers

_KEY = re.compile(r"^(?P<indent> *)(?P<dashes>(?:- +)*)(?P<key>[A-Za-z_][\w-]*|\"[^\"]*\"|'[^']*') *:(?: |$)")
NEGATION = re.compile(r"!\s*(\(|[a-z_]+[.(])")
"""A condition negated with `!` (``!(…)``, ``!received(…)``, ``! received(…)``): YAML reads the `!` as a tag."""
_TIGHT = re.compile(r"^ *(?:- +)*(?P<key>[A-Za-z_][\w-]*):[^\s:/]")
"""A key line without a space after its `:` (``value:3500000``): one text to YAML."""
_NO_BREAK_SPACE = re.compile("[\u00a0\u2007\u202f]")
_NO_BREAK = re.compile(r"^(?: *(?:- +)*(?P<key>[A-Za-z_][\w-]*):)?[ \u00a0\u2007\u202f]*?[\u00a0\u2007\u202f]")
"""A line whose indentation, or the space after its key, holds a no-break space (it looks like a space)."""
Explained = tuple[int, int, str, str | None]  # 1-based line and column, message, the line as it should read
_NO_COLON = "this line has no `:`: write `key: value` (or check the indentation)"
_COLON = "text holding `: ` must be put in quotes, or YAML reads a new key at the `:`"


def explain(exc: MarkedYAMLError, lines: list[str]) -> Explained:
    """Where a YAML syntax error is, what it means, and the line as it should probably read (None
    when no single line fixes it)."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line, mark.column) if mark else (0, 0)
    for n in range(max(0, line - 2), min(line + 1, len(lines))):  # the line read wrongly, or one after it
        if spaced := _NO_BREAK.match(lines[n]):
            after = f" after `{spaced.group('key')}:`" if spaced.group("key") else ""
            fixed = _NO_BREAK_SPACE.sub(" ", spaced.group()) + lines[n][spaced.end():]
            return n + 1, spaced.end(), f"a no-break space{after}: YAML takes only an ordinary space there " \
                "(type a space instead)", fixed.rstrip()
    problem, context = str(exc.problem or ""), str(exc.context or "")
    text = lines[line] if line < len(lines) else ""
    found = _KEY.match(text)
    if found is not None and (bang := NEGATION.match(text, len(text) - len(text[found.end():].lstrip()))):
        return line + 1, bang.start() + 1, tag_problem(text[bang.start():].split()[0]), negated(text)
    opened = exc.context_mark
    if problem.startswith("found character '\\t'"):
        fixed = text.replace("\t", "    ")
        opener = _content_before(lines, line)
        if opener is not None and "\t" not in text.lstrip(" \t") and _opens_block(lines[opener]):
            moved: Explained | None = (0, 0, "", " " * _first_child(lines, _indent(lines[opener])) + text.lstrip(" \t"))
        else:
            moved = _indentation([*lines[:line], fixed], line, allow_own=True)
        return line + 1, col + 1, "a tab character: YAML is indented with spaces only, never tabs", \
            moved[3] if moved is not None else None
    if problem.startswith("expected <block end>") and found is not None and col <= _start(found):
        return _indentation(lines, line) or _raw(line, col, problem)
    if problem.startswith("expected <block end>") and found is None and (moved := _item_out_of_line(lines, line)):
        return moved
    if found is not None and ((problem.startswith("expected <block end>") and problem.endswith("'<scalar>'")) or
                              context in _SCANNING or problem.startswith("found undefined alias")):
        return _goes_on(text, found, line, col - (context in _SCANNING), problem)  # at the `*` or `&`
    if problem.startswith("expected ',' or") and opened is not None and opened.line != line:
        bracket = "}" if "'}'" in problem else "]"
        return (opened.line + 1, opened.column + 1,
                f"this bracket is not closed: end it with `{bracket}` on the same line", None)
    if problem.startswith("expected ',' or") and problem.endswith("got ':'"):
        return line + 1, col + 1, _COLON, _quote_in_flow(text, col)
    if problem.startswith("expected ',' or"):
        return line + 1, col + 1, "a list in brackets is written `[a, b]` and keys in braces `{key: value, " \
            "key: value}`: check the quotes and commas before this point", None
    for n in (opened.line if opened is not None else line, line):  # where a simple key is scanned, or read
        if n < len(lines) and (long := _KEY.match(lines[n])) is not None and len(long.group("key")) > 1024:
            return n + 1, _start(long) + 1, f"a key of {len(long.group('key')):,} characters: YAML reads a key " \
                "of at most 1,024 as a key; give it a short name", None
    if problem == "mapping values are not allowed here":
        previous = _content_before(lines, line)
        if found is not None and col < found.end() and previous is not None:  # the key's own `:`
            if _KEY.match(lines[previous]):  # deeper than a key with a value: read as more of that value
                return _indentation(lines, line) or _raw(line, col, problem)
            return _no_colon(lines, previous)
        return line + 1, col + 1, _COLON, _quote_block(text, col)
    if problem == "could not find expected ':'":
        at = opened.line if opened is not None else max(line - 1, 0)
        return _no_colon(lines, at)
    if problem == "found unexpected end of stream" and "quoted scalar" in context and opened is not None:
        quote = (lines[opened.line] if opened.line < len(lines) else "")[opened.column:opened.column + 1] or '"'
        return (opened.line + 1, opened.column + 1,
                f"this quoted text is not closed: end it with `{quote}` on the same line", None)
    if problem == "but found another document":
        return line + 1, col + 1, "a second YAML document starts here (`---`), but a file holds only one: remove " \
            "this line, and the part before or after it that does not belong", None
    return _raw(line, col, problem or context or "invalid YAML")


_SCANNING = ("while scanning an alias", "while scanning an anchor")


def _goes_on(text: str, found: re.Match[str], line: int, col: int, problem: str) -> Explained:
    """A value YAML reads as a quoted text, a list or a mapping, or an alias (``*``) or anchor (``&``),
    followed by more text: an expression that starts with one (``"PU" == member.x``, ``[1] == x``, ``*x``)."""
    value = text[found.end():].lstrip()
    first = value[:1]
    if first in "\"'":
        return line + 1, col + 1, "the text goes on after its closing quote: put the whole value in quotes " \
            "(in '…' a quote ' is written twice)", _requote(text, found)
    what = {"[": "a list", "{": "a mapping", "*": "an alias (a reference to another value)",
            "&": "an anchor (a name for the value)"}.get(first)
    if what is None:
        return _raw(line, col, problem)
    if first in "[{" and found.group("key") not in _EXPRESSIONS:  # a list or mapping meant, and more after it
        closing = "]" if first == "[" else "}"
        return line + 1, col + 1, f"the value goes on after its closing `{closing}`: {what} ends there (a comment " \
            "is written after ` #`)", None
    fixed = None if " #" in value else text[:found.end()].rstrip() + " '" + value.rstrip().replace("'", "''") + "'"
    start = len(text) - len(value) if first in "*&" else col  # an alias is told where it starts
    return line + 1, start + 1, f"YAML reads a value starting with `{first}` as {what}, not as text: put the " \
        "whole value in quotes (in '…' a quote ' is written twice)", fixed


def tag_problem(tag: str, written: str = "") -> str:
    """Why a YAML tag (``!custom``, ``!!python/…``, ``!received(…``) is not taken, in words (``written``:
    the text from the tag on, where a lone `!` is followed by a condition)."""
    why = f"the YAML tag `{hide_identifiers(tag[:60])}` is not allowed: the file holds only plain data (text, " \
        "numbers, dates, lists and mappings)"
    return why + ("; to negate a condition, write `not` (`not (…)`)" if NEGATION.match(written or tag) else "")


def negated(text: str) -> str | None:
    """A key line whose value is a condition after `!` (``require: !known(x)``), with `not` for the `!`."""
    found = _KEY.match(text)
    value = text[found.end():].lstrip() if found is not None else ""
    if found is None or not NEGATION.match(value) or hide_identifiers(text) != text:
        return None
    return f"{text[:found.end()].rstrip()} not {value[1:].lstrip()}"


def _no_colon(lines: list[str], line: int) -> Explained:
    """A line that YAML reads as no key: one with no `:`, or (``value:3500000``) none followed by a space."""
    text = lines[line] if line < len(lines) else ""
    if tight := _TIGHT.match(text):
        fixed = f"{text[:tight.end('key') + 1]} {text[tight.end('key') + 1:]}"
        return line + 1, tight.end("key") + 2, f"a space is needed after the `:` of `{tight.group('key')}:`: " \
            "YAML reads `key:value` as one text, not a key and its value", fixed
    return line + 1, _indent(text) + 1, _NO_COLON, None


def _raw(line: int, col: int, problem: str) -> Explained:
    return line + 1, col + 1, problem, None


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _start(found: re.Match[str]) -> int:
    """The column of a key line's key (after its indentation and list dashes)."""
    return len(found.group("indent")) + len(found.group("dashes"))


def _indentation(lines: list[str], line: int, *, allow_own: bool = False) -> Explained | None:
    """A key (or list item) at an indentation that no block open above it uses: the nearest one it
    could belong to, the deeper one on a tie. When that indentation is used by one line only (the
    key above it) and the key's own by others, that line is the one out of place."""
    text = lines[line]
    found = _KEY.match(text)
    if found is None:
        return None
    item = bool(found.group("dashes"))
    own = _indent(text)
    if not item and (odd := _missing_dash(lines, line) or _under_indented(lines, line, own)
                     or _over_indented(lines, line, own)) is not None:
        return odd
    keys: dict[int, int] = {}  # the indentation of each block open above the line -> the line opening it
    items: dict[int, int] = {}  # the same for lists (the column of their `-`)
    limit = 1 << 30
    for n in range(line - 1, -1, -1):
        above = _KEY.match(lines[n])
        if above is None:
            continue
        if above.group("dashes") and _indent(lines[n]) <= limit:
            items.setdefault(_indent(lines[n]), n)
        if _start(above) < limit:
            keys.setdefault(_start(above), n)
            limit = _start(above)
        if limit == 0:
            break
    levels = {c: n for c, n in (items if item and items else keys).items() if c != own or allow_own}
    if not levels:
        return None
    want = min(levels, key=lambda c: (abs(c - own), -c))
    used = Counter(_indent(t) for t in lines if _KEY.match(t))
    what = "items" if item else "keys"
    if used[want] == 1 and used[own] > 1 and want != own:  # the line above is the odd one
        other = levels[want]
        key = _KEY.match(lines[other])
        assert key is not None
        return (other + 1, want + 1, f"`{key.group('key')}:` is indented {_spaces(want)}, but the {what} around "
                f"it use {own}: indent it by {own} spaces, like them", " " * own + lines[other][want:])
    return (line + 1, own + 1, f"`{found.group('key')}:` is indented {_spaces(own)}, but the {what} around it "
            f"use {want}: indent it by {want} spaces, like them", " " * want + text[own:])


def _item_out_of_line(lines: list[str], line: int) -> Explained | None:
    """A list item that is not a key (``- member.work_regency_code``) indented otherwise than the item
    before it, whose list it follows."""
    text, before = lines[line], _content_before(lines, line)
    if not text.lstrip(" ").startswith("- ") or before is None or not lines[before].lstrip(" ").startswith("- "):
        return None
    own, want = _indent(text), _indent(lines[before])
    if own == want:
        return None
    return (line + 1, own + 1, f"this list item is indented {_spaces(own)}, but the item before it uses {want}: "
            f"indent it by {want} spaces, like it", " " * want + text[own:])


def _missing_dash(lines: list[str], line: int) -> Explained | None:
    """The key line (``line``, or the one above it) that is a list item whose `- ` is left out: a key with
    a value at the indentation of the `-` of list items around it that start with that key, the keys after
    it as deep as those items' keys (``id: citizen``, then ``title:`` as deep as the ``title:`` of
    ``- id: valid-nik``). A key of another name there is one of an item's keys indented too little."""
    for n in (line, _content_before(lines, line)):
        key = _KEY.match(lines[n]) if n is not None else None
        after = _content_after(lines, n) if n is not None else None
        if n is None or key is None or after is None or key.group("dashes") or not _has_value(lines[n], key):
            continue
        at, keys = _start(key), _indent(lines[after])
        if keys > at and _item_beside(lines, n, at, keys, key.group("key")):
            return (n + 1, at + 1, f"`{key.group('key')}:` is where the `-` of the list items around it is, with "
                    "the keys after it as deep as theirs: the `- ` that starts a list item is missing",
                    " " * at + "- " + lines[n][at:])
    return None


def _item_beside(lines: list[str], line: int, at: int, keys: int, first: str) -> bool:
    """Whether a list item whose `-` is at column ``at``, starting with key ``first`` at column ``keys``,
    is in the block around ``line`` (before or after it, as far as a line less indented than ``at``)."""
    for step in (-1, 1):
        n = line + step
        while 0 <= n < len(lines):
            text = lines[n]
            n += step
            if not text.strip() or text.lstrip().startswith("#") or _indent(text) > at:
                continue
            found = _KEY.match(text)
            if _indent(text) < at or found is None:
                break
            if found.group("dashes") and _start(found) == keys and found.group("key") == first:
                return True
    return False


def _under_indented(lines: list[str], line: int, own: int) -> Explained | None:
    """The key above ``line`` when it is the one out of place: a key with a value, less indented than
    ``line`` and the key before it (the block it sits in goes on after it), or just below a key with
    none at its own indentation (``wage_ceiling:``, then ``value: 1`` as far in, then ``unit: IDR``
    deeper): it belongs in that block, as deep as the keys after it."""
    above = _content_before(lines, line)
    opener = _content_before(lines, above) if above is not None else None
    if above is None or opener is None:
        return None
    key, parent = _KEY.match(lines[above]), _KEY.match(lines[opener])
    if key is None or parent is None or key.group("dashes") or _start(key) >= own or not _has_value(lines[above], key):
        return None
    goes_on = _start(parent) == own  # the block it interrupts goes on after it
    opens = _start(parent) == _start(key) and not _has_value(lines[opener], parent)  # a key left without its block
    if not (goes_on or opens):
        return None
    at = _indent(lines[above])
    return (above + 1, at + 1, f"`{key.group('key')}:` is indented {_spaces(at)}, but the keys around it use "
            f"{own}: indent it by {own} spaces, like them", " " * own + lines[above][at:])


def _over_indented(lines: list[str], line: int, own: int) -> Explained | None:
    """The key above ``line`` when it is the first key of a block and indented deeper than the keys after
    it (``wage_ceiling:``, ``value: 1`` at 6, ``unit: IDR`` and ``source:`` at 4): as many of its block
    or more use ``own``, so it is the one out of place."""
    above = _content_before(lines, line)
    opener = _content_before(lines, above) if above is not None else None
    if above is None or opener is None:
        return None
    key, parent = _KEY.match(lines[above]), _KEY.match(lines[opener])
    if key is None or parent is None or key.group("dashes") or _has_value(lines[opener], parent):
        return None
    at = _start(key)
    if not _start(parent) < own < at:
        return None
    block = []  # the indentation of each line of the block after the key
    for text in lines[line:]:
        if text.strip() and not text.lstrip().startswith("#"):
            if _indent(text) <= _start(parent):
                break
            block.append(_indent(text))
    if block.count(own) < block.count(at):
        return None
    return (above + 1, at + 1, f"`{key.group('key')}:` is indented {_spaces(at)}, but the keys around it use "
            f"{own}: indent it by {own} spaces, like them", " " * own + lines[above][at:])


def _opens_block(text: str) -> bool:
    """Whether a line is a key with nothing after its colon: the lines after it are its block."""
    found = _KEY.match(text)
    return found is not None and not _has_value(text, found)


def _first_child(lines: list[str], parent: int) -> int:
    """How deep the file indents the first line of a block opened by a key indented ``parent``
    (the most common, the deeper on a tie; two more when no such block shows it)."""
    depths = Counter(_indent(lines[after]) for n, text in enumerate(lines) if _indent(text) == parent
                     and _opens_block(text) and (after := _content_after(lines, n)) is not None
                     and "\t" not in lines[after] and _indent(lines[after]) > parent)
    return max(depths, key=lambda d: (depths[d], d)) if depths else parent + 2


def _has_value(text: str, found: re.Match[str]) -> bool:
    rest = text[found.end():].strip()
    return bool(rest) and not rest.startswith("#")


def _spaces(n: int) -> str:
    return f"{n} space{'s' * (n != 1)}"


def _content_before(lines: list[str], line: int) -> int | None:
    for n in range(line - 1, -1, -1):
        if lines[n].strip() and not lines[n].lstrip().startswith("#"):
            return n
    return None


def _content_after(lines: list[str], line: int) -> int | None:
    for n in range(line + 1, len(lines)):
        if lines[n].strip() and not lines[n].lstrip().startswith("#"):
            return n
    return None


def _quote(value: str) -> str:
    return f"'{value}'" if '"' in value else f'"{value}"'


_EXPRESSIONS = frozenset({"require", "exclude", "prioritize", "flag", "expression"})


def _requote(text: str, found: re.Match[str]) -> str | None:
    """The key line with its value, which starts with a quoted part and goes on, in single quotes:
    an expression as written (``"a" == "b"``), a text without the quotes around it."""
    value = text[found.end():].strip()
    if " #" in value or not value or value[0] not in "\"'":
        return None
    sentence = len(value) > 1 and value[-1] == value[0] and found.group("key") not in _EXPRESSIONS
    inner = value[1:-1] if sentence else value
    return text[:found.end()].rstrip() + " '" + inner.replace("'", "''") + "'"


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
