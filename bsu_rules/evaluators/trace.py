"""A decision's trace, recorded flat and built on demand.

Deciding a member records its fact slots and each criterion's result (``Recorded``). Everything
else a decision carries is derived from that record only when it is read: the values each
criterion read, its explanation, the counterfactual hint of a failed criterion when hints were
asked for (``Decision.rules``), the input hash (``Decision.member``), and the canonical JSON, byte
for byte the JSON of the decision model. Each traced label is read once per member (``Columns``);
the JSON is the plan's template (``PlanJson``) with the member's parts written in (``json_text``).
"""

from __future__ import annotations

import copy
import operator
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import msgspec
import orjson
from pydantic import BaseModel, JsonValue

from bsu_rules._version import __version__
from bsu_rules.bounds import AtLeast, rows_in
from bsu_rules.decisions import (
    Hint,
    MemberRef,
    Outcome,
    RuleOutcome,
    RuleResult,
    made_outcome,
    mask_nik,
    outcome_maker,
    trusted,
)
from bsu_rules.evaluators.codegen import Frame, Shells
from bsu_rules.evaluators.compile import Facts, Fn, Value
from bsu_rules.members import Record, as_member, record_hash
from bsu_rules.ruleset.expressions import unparse
from bsu_rules.ruleset.schema import Text

if TYPE_CHECKING:
    from bsu_rules.evaluators.scalar import CompiledRule, Plan

ENGINE = f"bsu-rules {__version__}"
_PLAIN = (type(None), bool, int, str)
_PLAIN_TYPES = frozenset(_PLAIN)
_QUIET = (RuleResult.PASS, RuleResult.PRIORITIZED, RuleResult.NOT_PRIORITIZED)
_FAIL, _UNKNOWN = RuleResult.FAIL, RuleResult.UNKNOWN
_ELIGIBLE = Outcome.ELIGIBLE
_NIK = operator.attrgetter("nik")


def jsonable(value: Value | object) -> JsonValue:
    """A trace value as JSON data: dates and decimals as text, histories as lists of objects."""
    if type(value) in _PLAIN:
        return value  # type: ignore[return-value]  # checked just above
    if isinstance(value, AtLeast):
        return {"at_least": jsonable(value.value)}
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, BaseModel):
        return dict(sorted(value.model_dump(mode="json", exclude_none=True).items()))
    if isinstance(value, msgspec.Struct):  # a record read through the contract's mirror: nulls are left out
        data: dict[str, JsonValue] = msgspec.to_builtins(value)
        return dict(sorted(data.items()))
    return str(value)


def show(value: Any) -> JsonValue:
    """``jsonable``, quicker for the plain values most of a trace holds."""
    t = type(value)
    return value if t in _PLAIN_TYPES else value.isoformat() if t is date else jsonable(value)


json_text: Callable[[Any], bytes] = msgspec.json.Encoder().encode
"""A value as JSON text, byte for byte as orjson writes it (and an integer past 64 bits, which orjson
refuses). A decision's parts are written with it: orjson cuts each text from a buffer of 1 KiB, which
costs about twenty times as much once the dozens of parts of a decision are kept until they are joined."""


def written(value: Any) -> bytes:
    """A traced value as JSON text (the plain ones are written as ``jsonable`` would give them)."""
    return json_text(value if type(value) in _NATIVE else jsonable(value))


Row = list[Any]
"""One member's trace values: each distinct traced label of a plan once, in ``Columns`` order."""
Pick = Callable[[Row], tuple[Any, ...]]


def _pick(indices: list[int]) -> Pick:
    """The items of a row at ``indices``, as a tuple (``itemgetter`` gives a lone item bare)."""
    if len(indices) == 1:
        only = indices[0]
        return lambda row: (row[only],)
    if not indices:
        return lambda row: ()
    return operator.itemgetter(*indices)


def _mapping(names: tuple[str, ...], indices: list[int]) -> Callable[[Row], dict[str, JsonValue]]:
    """A criterion's ``values`` from a row: its labels (sorted) and their values (a dict display
    for the few labels a criterion usually reads: several times faster than ``dict(zip())``)."""
    match names, indices:
        case (), ():
            return lambda row: {}
        case (a,), (i,):
            return lambda row: {a: row[i]}
        case (a, b), (i, j):
            return lambda row: {a: row[i], b: row[j]}
        case (a, b, c), (i, j, k):
            return lambda row: {a: row[i], b: row[j], c: row[k]}
        case _:
            pick = _pick(indices)
            return lambda row: dict(zip(names, pick(row), strict=True))


class Columns:
    """The traced labels of a plan: each read once per member, whichever criteria show it.

    A member's row holds the value of every label read from the member or its slots (in
    first-reading order), as the trace shows it or as JSON text; past them, the values fixed for
    every member (parameters, dates). Each criterion picks its own labels (sorted: its ``values``).
    An unknown criterion's labels are read again, alone and as read, for what it lacks (``own``).
    """

    def __init__(self, plan: Plan) -> None:
        index: dict[str, int] = {}
        self.getters: list[Fn] = []
        for r in plan.rules:
            for label, get in r.trace:
                if label not in index:
                    index[label] = len(self.getters)
                    self.getters.append(get)
        self.read_shown = plan.reader(list(index), self.getters, "shown")  # the same as the trace shows it
        self.read_written = plan.reader(list(index), self.getters, "written")  # the same as JSON text
        fixed = {label: value for r in plan.rules for label, value in r.fixed.items()}
        for label in fixed:
            index[label] = len(index)
        self.fixed: list[JsonValue] = list(fixed.values())
        self.index = index
        self.values = [_mapping(tuple(label for label, _, _ in r.columns), [index[label] for label, _, _ in r.columns])
                       for r in plan.rules]
        self._own: dict[int, tuple[Callable[[Record, Facts], Row], list[tuple[str, int | None]]]] = {}
        labels = list(index)[:len(self.getters)]
        groups = [[(label, index[label]) for label, _, _ in r.columns] for r in plan.rules]
        self.read_values = plan.grouped_reader(labels, groups, self.fixed) or self._from_row
        self.read_outcomes = plan.grouped_reader(labels, groups, self.fixed, Shells(
            _NEW, _SET_DICT, RuleOutcome, [{result: {**r.static, "outcome": result} for result in RuleResult}
                                           for r in plan.rules], "values", "missing"))
        """Each criterion's outcome object, its values read, quiet (built as if each were: an empty ``missing``,
        no explanation), from a member, its slots and its results; None where it cannot be generated."""

    def own(self, plan: Plan, i: int) -> tuple[Callable[[Record, Facts], Row], list[tuple[str, int | None]]]:
        """What criterion ``i`` of ``plan`` alone reads, for its ``missing``: a reader of its labels as read
        (in its reading order), and each label of its ``values`` (sorted) that may be null, but those it only
        shows, with its place in that reading (None: a value fixed as null). Made when first asked for."""
        found = self._own.get(i)
        if found is None:
            r = plan.rules[i]
            labels = [label for label, _ in r.trace]
            place = {label: j for j, label in enumerate(labels)}
            found = self._own[i] = (plan.reader(labels, [get for _, get in r.trace]),
                                    [(label, place.get(label)) for label, value, get in r.columns
                                     if (get is not None or value is None) and label not in r.shown_only])
        return found

    def _from_row(self, member: Record, facts: Facts) -> list[dict[str, JsonValue]]:
        """``read_values`` where it could not be generated: each criterion's ``values`` picked from the
        member's row."""
        row = self.read_shown(member, facts) + copy.deepcopy(self.fixed)
        return [mapping(row) for mapping in self.values]


class PlanJson:
    """The decision JSON of a plan as a template: everything the same for every member written
    once, with a hole for each part a member decides (its top fields, each criterion's outcome,
    explanation, hint and missing, each traced value)."""

    def __init__(self, plan: Plan) -> None:
        self.columns = Columns(plan)
        self.statics = [r.static for r in plan.rules]
        self.quiet: dict[tuple[RuleResult, ...], tuple[list[bytes], list[int]]] = {}  # ``quiet_heads``
        self.loud: dict[tuple[RuleResult, ...], list[int]] = {}  # ``loud_of``
        self.template: list[bytes] | None
        self.write: Callable[[Record, Facts, list[bytes]], bytes] | None = None
        self.nik_written = False  # ``write`` writes the member's masked NIK as a criterion shows it
        """The whole text, in one generated function of a member, its slots and the holes before the values
        (``_TOP`` and each criterion's head); None where it cannot be generated (the template is filled in)."""
        try:
            self.template, self.holes, parts = self._template(plan)
            self.benefit = orjson.dumps(plan.benefit.model_dump(mode="json"))
        except orjson.JSONEncodeError:  # a value orjson cannot write (an integer past 64 bits): the model does
            self.template = None
        else:
            labels = list(self.columns.index)[:len(self.columns.getters)]
            nik = self.columns.index.get(_NIK_LABEL)
            if nik is not None and nik < len(labels):  # the NIK a criterion shows (masked, ``PRIVATE``): the
                parts = [_TOP + len(plan.rules) + nik if p == _NIK_HOLE else p for p in parts]  # same text
            self.write = plan.writer(labels, Frame(parts, _TOP + len(plan.rules), b"".join))
            self.nik_written = nik is not None and self.write is not None

    def loud_of(self, results: tuple[RuleResult, ...]) -> list[int]:
        """The criteria whose outcome is not quiet, for one decision's results: kept for the next decision
        with the same results (a plan meets few)."""
        if len(self.loud) >= 4096:
            self.loud.clear()
        self.loud[results] = found = [i for i, result in enumerate(results) if result not in _QUIET]
        return found

    def quiet_heads(self, results: tuple[RuleResult, ...]) -> tuple[list[bytes], list[int]]:
        """For one decision's results, each criterion's JSON up to its values where its outcome is quiet
        (whole, the same for every member), and the criteria whose heads the member's decision writes
        (their places left empty): kept for the next decision with the same results (a plan meets few)."""
        quiet: list[bytes] = []
        loud: list[int] = []
        for i, (head, result) in enumerate(zip(self.heads, results, strict=True)):
            if result in _QUIET:
                quiet.append(head[_QUIET.index(result)])
            else:
                quiet.append(b"")
                loud.append(i)
        if len(self.quiet) >= 4096:
            self.quiet.clear()
        self.quiet[results] = found = (quiet, loud)
        return found

    def _template(self, plan: Plan) -> tuple[list[bytes], Pick, list[bytes | int]]:
        dumps, index = orjson.dumps, self.columns.index
        first_value = _TOP + len(plan.rules)  # the hole of the first traced value
        parts: list[bytes | int] = [b'{"as_of":' + dumps(plan.as_of.isoformat()) + b',"benefit":', 0,
                                    b',"channel":', 1, b',"engine":' + _ENGINE + b',"flags":', 2,
                                    b',"member":{"input_sha256":', 3, b',"nik":', 4, b'},"missing":', 5,
                                    b',"on":' + dumps(plan.on.isoformat()) + b',"outcome":', 6,
                                    b',"parameters":' + dumps({k: v.model_dump(mode="json")
                                                              for k, v in plan.parameters.items()}),
                                    b',"priority":', 7, b',"rules":[']
        self.heads: list[tuple[Any, ...]] = []  # each criterion's JSON up to its values: whole for each quiet
        # outcome (``_QUIET`` order), then the pieces around the rest
        for i, r in enumerate(plan.rules):
            pieces = (b'{"basis":' + dumps(r.rule.basis.value) + b',"explain":', b',"hint":',
                      b',"id":' + dumps(r.id) + b',"kind":' + dumps(r.kind.value) + b',"missing":', b',"outcome":',
                      b',"source":' + dumps(r.rule.source) + b',"values":{')
            self.heads.append((*(_head(pieces, _NULL, _NULL, _EMPTY, _OUTCOME[result]) for result in _QUIET), pieces))
            parts += [b"," if i else b"", _TOP + i]
            for j, (label, value, get) in enumerate(r.columns):
                parts.append((b"," if j else b"") + dumps(label) + b":")
                parts.append(dumps(value) if get is None else first_value + index[label])
            parts.append(b"}}")
        for j, skipped in enumerate(plan.skipped):
            parts.append((b"," if j or plan.rules else b"") + dumps(skipped.model_dump(mode="json")))
        parts.append(b'],"ruleset":' + dumps(plan.ref.model_dump(mode="json")) + b"}")
        frame: list[bytes] = [b""]  # the fixed text between holes, with a place for each hole
        for p in parts:
            if isinstance(p, bytes):
                frame[-1] += p
            else:
                frame += [b"", b""]
        holes = [p for p in parts if isinstance(p, int)]
        merged: list[bytes | int] = [frame[0]]  # the same text, each hole in its place: what ``write`` writes
        for k, hole in enumerate(holes):
            merged += [hole, frame[2 * k + 2]]
        return frame, _pick(holes), [p for p in merged if p != b""]


def _head(pieces: tuple[bytes, ...], explain: bytes, hint: bytes, missing: bytes, outcome: bytes) -> bytes:
    """A criterion's JSON up to its values: its fixed ``pieces`` with what the member decides between them."""
    a, b, c, d, e = pieces
    return b"".join((a, explain, b, hint, c, missing, d, outcome, e))


_NIK_LABEL, _NIK_HOLE = "member.nik", 4  # the NIK as a criterion reads it, and its hole in ``member``
_NO_TOP: dict[str, Any] = {}  # a record's top fields before its decision is made
_TOP = 8  # benefit, channel (and what it read), flags, input hash, nik, missing, outcome, priority
_NULL, _EMPTY, _ENGINE = b"null", b"[]", orjson.dumps(ENGINE)
_NATIVE = frozenset({type(None), bool, int, str, date})  # written as ``jsonable`` would give them
_OUTCOME = {o: orjson.dumps(o.value) for o in (*Outcome, *RuleResult)}
_NEW, _SET_DICT = outcome_maker()


class Recorded:
    """One decision as the engine made it: the member, its fact slots and each criterion's result."""

    __slots__ = ("_channel", "_explained", "_hints", "_missing", "_values", "facts", "member", "plan",
                 "results", "sha256", "top", "with_hints")

    def __init__(self, plan: Plan, member: Record, facts: Facts, results: list[RuleResult],
                 input_sha256: str | None, hints: bool) -> None:
        self.plan, self.member, self.facts, self.results = plan, member, facts, results
        self.sha256, self.with_hints = input_sha256, hints
        self.top: dict[str, Any] = _NO_TOP
        self._values: list[dict[str, JsonValue]] | None = None
        self._missing: dict[int, list[str]] | None = None  # built when an unknown criterion is first explained
        self._explained: dict[int, Text | None] | None = None
        self._hints: _Hints | None = None
        self._channel: list[Any] | None = None  # the channel, the decision's missing inputs, what the channel read

    @property
    def failed(self) -> bool:
        return _FAIL in self.results

    @property
    def unknown(self) -> bool:
        return any(res is _UNKNOWN and r.deciding for r, res in zip(self.plan.rules, self.results,
                                                                                strict=True))

    def input_sha256(self) -> str:
        if self.sha256 is None:
            self.sha256 = record_hash(self.member)
        return self.sha256

    def all_values(self) -> list[dict[str, JsonValue]]:
        """The values each criterion read, as its trace shows them."""
        if self._values is None:
            self._values = self.plan.json_parts.columns.read_values(self.member, self.facts)
        return self._values

    def values(self, i: int) -> dict[str, JsonValue]:
        """The values criterion ``i`` read, as its trace shows them."""
        return self.all_values()[i]

    def missing(self, i: int, values: dict[str, JsonValue] | None = None) -> list[str]:
        """What an unknown criterion lacks: member fields, else a field on record that a call cannot read
        (``regency``: a province without its regency), in the condition or in a fact it reads, else the table
        rows known only as lower bounds, else the rows the incomplete tables that leave the null values unknown
        lack, else null values, else the rows the incomplete tables it reads lack. An incomplete table's row is
        named by the member's key (``table.ppkm_areas[3204]``), the table itself where no key is known."""
        if self.results[i] is not _UNKNOWN:
            return []
        said = self._missing
        if said is None:
            said = self._missing = {}
        if i not in said:
            r, m = self.plan.rules[i], self.member
            read: Row | None = None  # what the criterion read (its own labels, as read), read once if needed
            if values is None:
                reader, nullable = self.plan.json_parts.columns.own(self.plan, i)
                read = reader(m, self.facts)
                nulls = [k for k, j in nullable if j is None or read[j] is None]
            else:
                nulls = [k for k, v in values.items() if v is None and k not in r.shown_only]
            said[i] = list(dict.fromkeys(p for k in nulls for p in self.plan.unset_read(k))) or \
                [p for p, get in r.missing if get(m) is None] or self._unread(r, nulls) or \
                self._wanted(nulls, self._bounds_read(i, read)) or self._rows(r, self._unlisted(r, nulls)) or \
                nulls or self._rows(r, r.incomplete)
            # a parameter the rules leave unset: it alone (unknown for every member, whatever the record
            # holds); a value unknown for want of data (no wage reported: the exact figure of a row known
            # only as a bound would not settle it), else a value unknown through a bound: its row
        return said[i]

    def _unread(self, r: CompiledRule, nulls: list[str]) -> list[str]:
        """The member fields on record that a call cannot read (``regency`` of ``3200``), where the condition
        makes that call, or a null value it reads is computed with it: such a value is named by the field,
        whichever way the rule is written, and any other null value beside it as itself (``fact.wage``, no wage
        reported up to the cut-off month); [] when no such call left a value unknown."""
        m, f = self.member, self.facts
        own = [(p, unparse(node)) for p, get, call, node in r.unusable if call(m, f) is None and get(m) is not None]
        through = {k: [p for p, get, call, _ in r.unusable_in.get(k, ()) if call(m, f) is None and get(m) is not None]
                   for k in nulls}
        if not own and not any(through.values()):
            return []
        said = {label for _, label in own}  # the call's own value, named by its field
        return list(dict.fromkeys([*(p for p, _ in own),
                                   *(p for k in nulls if k not in said for p in (through[k] or [k]))]))

    def _bounds_read(self, i: int, read: Row | None) -> list[str]:
        """The table rows known only as lower bounds that criterion ``i`` read (its values as read, unless
        ``read`` already holds them, and the slots it reads that may hold one)."""
        if read is None:
            read = self.plan.json_parts.columns.own(self.plan, i)[0](self.member, self.facts)
        return list(rows_in([*read, *(self.facts[s] for s in self.plan.rules[i].bound_slots)]))

    def _unlisted(self, r: CompiledRule, nulls: list[str]) -> list[str]:
        """The incomplete tables that leave every unknown value unknown: each a fact reading such a table,
        so it lacks the table's row for the member's key ([] when any is unknown otherwise)."""
        found: list[str] = []
        for k in nulls:
            tables = r.incomplete_in.get(k)
            if not tables:
                return []
            found += tables
        return list(dict.fromkeys(found))

    def _rows(self, r: CompiledRule, tables: list[str]) -> list[str]:
        """Each incomplete table of ``tables`` as the rows it lacks: ``table.t[key]`` for each known key the
        criterion looks it up by that it does not list, else the table (no key known: nothing more to name)."""
        m, f, out = self.member, self.facts, []
        for table in tables:
            keys = self.plan.ruleset.tables[table.removeprefix("table.")].keys
            rows = [f"{table}[{key}]" for name, get in r.lookups
                    if name == table and isinstance(key := get(m, f), str) and key not in keys]
            out += rows or [table]
        return list(dict.fromkeys(out))

    def _wanted(self, nulls: list[str], rows: list[str]) -> list[str]:
        """Where table rows known only as bounds were read: the values unknown for want of data (one no
        bound can reach), else those rows (``[]`` when no such row was read)."""
        return [k for k in nulls if not self.plan.may_be_bound(k)] or rows if rows else []

    def explain(self, i: int, values: dict[str, JsonValue] | None = None) -> Text | None:
        result = self.results[i]
        if result in _QUIET:
            return None
        said = self._explained
        if said is None:
            said = self._explained = {}
        if i not in said:
            said[i] = self.plan.renderer.explain(self.plan.rules[i], result, self.member, self.facts,
                                                 self.missing(i, values))
        return said[i]

    def outcomes(self) -> list[RuleOutcome]:
        """Each in-force criterion's outcome object; a failed one finds its hint (if asked for) when it is read."""
        parts, results = self.plan.json_parts, self.results
        read = parts.columns.read_outcomes
        out: list[RuleOutcome]
        if read is not None:
            out = read(self.member, self.facts, results)  # each built quiet: the others' words filled in
            loud = parts.loud.get(key := tuple(results))
            for i in parts.loud_of(key) if loud is None else loud:  # [] is found too (about half the decisions)
                fields = out[i].__dict__
                fields["missing"] = self.missing(i, fields["values"])
                fields["explain"] = self.explain(i, fields["values"])
        else:
            out = []
            for i, (static, values, result) in enumerate(zip(parts.statics, self.all_values(), results, strict=True)):
                fields = static.copy()  # the outcome's fields in declared order, those of the rule filled in
                fields["outcome"] = result
                fields["values"] = values
                if result in _QUIET:
                    fields["missing"] = []
                else:
                    fields["missing"] = self.missing(i, values)
                    fields["explain"] = self.explain(i, values)
                obj = _NEW(RuleOutcome)  # ``made_outcome``, in line: a trace builds a dozen
                _SET_DICT(obj, fields)
                out.append(obj)
        if self.with_hints and self.failed:
            for i, made in enumerate(out):
                if results[i] is _FAIL:
                    fields = made.__dict__
                    del fields["hint"]
                    out[i] = RuleOutcome.recorded(fields, _HintOf(self._hint_finder(), i))
        return out

    def hints(self) -> list[Hint | None]:
        """The counterfactual hint of each failed criterion (found once, for all of them)."""
        return self._hint_finder().found()

    def _hint_finder(self) -> _Hints:
        if self._hints is None:
            self._hints = _Hints(self.plan, self.member, self.facts, self.results, self.unknown)
        return self._hints

    def paid(self) -> list[Any]:
        """The decision's channel, its missing inputs and what the channel rule read (found together, once)."""
        if self._channel is None:
            outcome, plan = self.top["outcome"], self.plan
            eligible = outcome is Outcome.ELIGIBLE and plan.channel is not None
            channel = plan.channel_of(self.member, self.facts) if eligible else None
            self._channel = [channel, plan.missing_of(self, outcome, channel),
                             plan.channel_values(self.member, self.facts) if eligible else {}]
        return self._channel

    def field(self, name: str) -> Any:
        if name == "rules":  # the one a full trace reads: asked first
            skipped = self.plan.skipped
            return self.outcomes() + [s.model_copy(deep=True) for s in skipped] if skipped else self.outcomes()
        if name == "member":
            return trusted(MemberRef, {"nik": mask_nik(_NIK(self.member)), "input_sha256": self.input_sha256()})
        if name == "channel":
            return self.paid()[0]
        if name == "missing":
            return self.paid()[1]
        if name == "channel_values":
            return self.paid()[2]
        # the rest each decision's own: a list changed in one never changes another decision
        if name == "parameters":
            return {key: p.model_copy(deep=True) for key, p in self.plan.parameters.items()}
        if name == "benefit":
            return self.plan.benefit.model_copy(deep=True) if self.top["outcome"] is _ELIGIBLE else None
        raise AttributeError(name)

    def to_json(self) -> str | None:
        """The canonical JSON, the plan's template filled in (None where a value cannot be written as
        JSON text: the model then says it)."""
        parts, top = self.plan.json_parts, self.top
        if parts.template is None:
            return None
        dumps = json_text
        hints = self.hints() if self.with_hints and self.failed else None
        try:
            channel, missing, read = self.paid()
            flags = top["flags"]
            channel_text = (_NULL if channel is None else dumps(channel)) + \
                (b',"channel_values":' + dumps(read) if read else b"")  # left out when empty
            holes = [parts.benefit if top["outcome"] is _ELIGIBLE else _NULL, channel_text,
                     dumps(flags) if flags else _EMPTY, dumps(self.input_sha256()),
                     b"" if parts.nik_written else dumps(mask_nik(_NIK(self.member))),
                     dumps(missing) if missing else _EMPTY,
                     _OUTCOME[top["outcome"]], b"%d" % top["priority"]]
            results = self.results
            quiet, loud = parts.quiet.get(key := tuple(results)) or parts.quiet_heads(key)
            holes += quiet
            for i in loud:
                explain, hint, lacks = self.explain(i), hints[i] if hints else None, self.missing(i)
                holes[_TOP + i] = _head(parts.heads[i][-1], _NULL if explain is None else _explained(explain),
                                        _NULL if hint is None else dumps(hint.model_dump(mode="json")),
                                        dumps(lacks) if lacks else _EMPTY, _OUTCOME[results[i]])
            if parts.write is not None:
                return parts.write(self.member, self.facts, holes).decode("utf-8")
            holes += parts.columns.read_written(self.member, self.facts)
            text = parts.template.copy()
            text[1::2] = parts.holes(holes)
            return b"".join(text).decode("utf-8")
        except (msgspec.EncodeError, TypeError, UnicodeEncodeError):  # the last: a lone surrogate
            return None


def _explained(text: Text) -> bytes:
    """An explanation as JSON text, remembered by the object: the renderer gives the members who fail alike one
    explanation (a text is frozen), written once rather than for each of them."""
    kept = _EXPLAINED.get(id(text))
    if kept is not None and kept[0] is text:
        return kept[1]
    said = json_text({"en": text.en, "id": text.id})
    if len(_EXPLAINED) >= _KEPT_EXPLAINED:
        _EXPLAINED.clear()
    _EXPLAINED[id(text)] = (text, said)  # the text held: its address is never another's while kept
    return said


_EXPLAINED: dict[int, tuple[Text, bytes]] = {}
_KEPT_EXPLAINED = 4096


class _Hints:
    """The counterfactual hints of one decision, found once when first asked for. Kept apart from the
    decision: its outcomes point here, and pointing at the decision would make them a cycle that
    only the garbage collector frees."""

    __slots__ = ("_found", "facts", "member", "plan", "results", "unknown")

    def __init__(self, plan: Plan, member: Record, facts: Facts, results: list[RuleResult], unknown: bool) -> None:
        self.plan, self.member, self.facts, self.results, self.unknown = plan, member, facts, results, unknown
        self._found: list[Hint | None] | None = None

    def found(self) -> list[Hint | None]:
        if self._found is None:
            stand_ins = [made_outcome({"basis": "", "explain": None, "hint": None, "id": r.id,
                                       "kind": r.kind.value, "missing": [], "outcome": self.results[i],
                                       "source": None, "values": {}})
                         for i, r in enumerate(self.plan.rules)]  # the solvers read only the outcomes
            found = self.plan.counterfactuals.annotate(as_member(self.member), self.facts, stand_ins,
                                                       self.unknown) \
                if _FAIL in self.results else stand_ins
            self._found = [o.hint for o in found]
        return self._found


class _HintOf:
    """The deferred hint of failed criterion ``i``."""

    def __init__(self, hints: _Hints, i: int) -> None:
        self.hints, self.i = hints, i

    def field(self, name: str) -> Any:
        return self.hints.found()[self.i]

    def to_json(self) -> str | None:
        return None
