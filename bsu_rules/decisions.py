"""Decisions: plain data, serialised canonically (sorted keys, no floats, UTF-8) and hashed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from bsu_rules.members.redact import mask_identifiers as mask_identifiers
from bsu_rules.members.redact import mask_kpj as mask_kpj
from bsu_rules.members.redact import mask_logged as mask_logged
from bsu_rules.members.redact import mask_nik as mask_nik
from bsu_rules.members.redact import mask_typed as mask_typed
from bsu_rules.ruleset.schema import Text
from bsu_rules.unknowns import Need, needed


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNDETERMINED = "undetermined"


class RuleResult(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    FLAGGED = "flagged"
    PRIORITIZED = "prioritized"
    NOT_PRIORITIZED = "not_prioritized"
    NOT_IN_FORCE = "not_in_force"


class _Data(BaseModel):
    """Decision data. Fields are declared in sorted order and every dict the engine builds has
    sorted keys, so pydantic's own JSON output is already the canonical form (a test holds it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Change(_Data):
    """One change to the member record (``patch``), or a recorded fact no change can alter (``patch`` null)."""

    current: JsonValue = None
    field: str  # member field path, e.g. "member.wages"
    op: str | None = None  # "<=", ">=", "==", "in"
    patch: JsonValue = None
    required: JsonValue = None
    subject: str  # the value the condition constrains, e.g. "fact.wage"


class Hint(_Data):
    """What would make a failed criterion pass (counterfactual), or that no change to the record can."""

    changes: list[Change]
    possible: bool
    sufficient: bool = False  # the changes alone make the member eligible
    text: Text


SHA256 = r"^[0-9a-f]{64}$"
"""A sha256 as a decision writes it: 64 lowercase hexadecimal digits."""


class RuleSetRef(_Data):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    sha256: str = Field(pattern=SHA256)
    version: str = Field(pattern=r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]+$")
    what_if: str | None = Field(default=None, exclude_if=lambda value: value is None, description=(
        "The overrides a what-if decision was made under (`--set wage_ceiling=4300000`): it is no decision of "
        "the programme. Absent from the programme's decisions."))


class MemberRef(_Data):
    input_sha256: str = Field(pattern=SHA256, description=(
        "The sha256 of the validated record as compact JSON (contract field order, nulls left out); in a "
        "decision logged (and so printed or answered) with a pseudonymisation key, HMAC-SHA256(key, the same "
        "bytes), which no one without the key can check a guessed NIK against."))
    nik: str


class Benefit(_Data):
    amount: int
    instalments: list[int] = []
    monthly: int | None = None
    months: int | None = None


class ParameterRead(_Data):
    since: date | None = None
    value: JsonValue


class Recorder(Protocol):
    """Where a model the engine made keeps what its deferred fields are built from."""

    def field(self, name: str) -> Any:
        """One deferred field, as its model."""

    def to_json(self) -> str | None:
        """The canonical JSON of the whole model, built without it (None: ask the model)."""


class _Deferred(_Data):
    """A model some of whose fields (``_deferred``) the engine builds only when they are first read.

    Reading, comparing, copying or serialising one builds them first: a deferred model is
    indistinguishable from one built whole. Models the engine did not make have none deferred.
    """

    _deferred: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def recorded(cls, fields: dict[str, Any], recorder: Recorder) -> Self:
        """A model from the engine: ``fields`` without the deferred ones, built on demand by ``recorder`` (the
        fields set and the extra fields left unset, as ``outcome_maker`` leaves them)."""
        obj = _new(cls)
        _set_dict(obj, fields)
        _set_private(obj, {"recorder": recorder})
        return obj

    def _fill(self, deep: bool = True) -> None:
        """Build the deferred fields (once), and (``deep``) those of the models inside."""
        private = self.__pydantic_private__
        if private is not None:
            values, recorder = self.__dict__, private["recorder"]
            _set(self, "__dict__", {name: values[name] if name in values else private[name] if name in private
                                    else recorder.field(name) for name in _ORDER[type(self)]})
            _set_private(self, None)
        if not deep:
            return
        for value in self.__dict__.values():
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, _Deferred):
                        item._fill()

    if not TYPE_CHECKING:
        def __getattr__(self, name: str) -> Any:
            if name in _LEFT_UNSET:  # a slot an outcome the engine built leaves unset (``outcome_maker``)
                if name != "__pydantic_fields_set__":
                    return None
                return _FIELDS.get(type(self)) or set(type(self).model_fields)
            private = self.__pydantic_private__
            if name in self._deferred:
                if private is not None:  # built alone (the others may never be read) and kept aside: the
                    if name not in private:  # fields keep their declared order, which their JSON follows
                        private[name] = private["recorder"].field(name)
                    return private[name]
                if name in (values := self.__dict__):  # another thread filled it since this lookup missed
                    return values[name]
            return super().__getattr__(name)

    def model_dump(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._fill()
        return super().model_dump(*args, **kwargs)

    def model_dump_json(self, *args: Any, **kwargs: Any) -> str:
        self._fill()
        return super().model_dump_json(*args, **kwargs)

    def model_copy(self, *args: Any, **kwargs: Any) -> Self:
        self._fill()
        return super().model_copy(*args, **kwargs)

    def __eq__(self, other: object) -> bool:
        self._fill()
        if isinstance(other, _Deferred):
            other._fill()
        return super().__eq__(other)

    def __hash__(self) -> int:
        self._fill()
        return super().__hash__()

    def __repr_args__(self) -> Any:
        self._fill()
        return super().__repr_args__()

    def __copy__(self) -> Self:
        self._fill()
        return super().__copy__()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        self._fill()
        return super().__deepcopy__(memo)

    def __getstate__(self) -> dict[Any, Any]:
        self._fill()
        return super().__getstate__()

    def __iter__(self) -> Any:
        self._fill()
        return super().__iter__()


class RuleOutcome(_Deferred):
    """One criterion: what it read (and what its rule shows), where it comes from, and how it came out."""

    # The engine finds the hint of a failed criterion when it is first read (or serialised).

    _deferred: ClassVar[frozenset[str]] = frozenset({"hint"})

    basis: str = "regulation"
    explain: Text | None = None
    hint: Hint | None = None
    id: str
    kind: str
    missing: list[str] = []
    outcome: RuleResult
    source: str | None = None
    values: dict[str, JsonValue] = {}




class Decision(_Deferred):
    """The decision for one member under one rule set on one date."""

    # A decision the engine makes records its trace flat: ``rules`` (values, explanations, hints),
    # ``member`` (the input hash), ``channel``, ``channel_values`` and ``missing`` are built when first read, and
    # ``to_json`` serialises the flat record directly. Either way the data, and its canonical JSON,
    # are the same.

    _deferred: ClassVar[frozenset[str]] = frozenset({"benefit", "channel", "channel_values", "member", "missing",
                                                     "parameters", "rules"})

    as_of: date
    benefit: Benefit | None = None
    channel: str | None = None
    channel_values: dict[str, JsonValue] = Field(default={}, exclude_if=lambda values: not values)
    # what the channel rule read, as a criterion's ``values``: only in an eligible decision (left out when empty)
    engine: str
    flags: list[str] = []
    member: MemberRef
    missing: list[str] = []
    on: date
    outcome: Outcome
    parameters: dict[str, ParameterRead] = {}
    priority: int = 0
    rules: list[RuleOutcome]
    ruleset: RuleSetRef

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, no floats, no insignificant whitespace, UTF-8 text."""
        private = self.__pydantic_private__
        text = private["recorder"].to_json() if private is not None else None
        return text if text is not None else self.model_dump_json()

    def sha256(self) -> str:
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @property
    def failed(self) -> list[str]:
        return [r.id for r in self.rules if r.outcome == RuleResult.FAIL]

    def rule(self, rule_id: str) -> RuleOutcome:
        return next(r for r in self.rules if r.id == rule_id)

    @property
    def needed(self) -> list[Need]:
        """What to ask next (see ``needed``): the unknown inputs that could still change this decision, most
        decisive first, or those an eligible one's payment waits for; without the rule set, a derived value is
        not traced back to its member fields, nor the channel's article cited."""
        return needed(self)


def trusted(cls: type[M], fields: dict[str, Any], *, ordered: bool = False) -> M:
    """Build a model from values the engine itself produced, skipping validation.

    Every field must be given (``ordered``: already in declared order, which is the canonical
    order). This is what ``model_construct`` does, without its per-call bookkeeping: deciding a
    member builds a dozen of these.
    """
    obj = _new(cls)
    _set_dict(obj, fields if ordered else {name: fields[name] for name in _ORDER[cls]})
    _set_fields(obj, _FIELDS[cls])
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


def outcome_maker() -> tuple[Callable[[type[RuleOutcome]], RuleOutcome], Callable[[Any, dict[str, Any]], None]]:
    """What ``trusted(RuleOutcome, fields, ordered=True)`` does, for a loop that builds each outcome of a trace
    in line: ``new(RuleOutcome)``, then its fields dict given to ``set_dict``. Its other slots are left unset,
    and read as they would be set (every field set, no extra fields, no private values): setting them would
    cost a decision's trace more than building its outcomes does otherwise."""
    return _new, _set_dict


_new, _set = object.__new__, object.__setattr__
# a model's bookkeeping slots, set directly (deciding a member sets them on a dozen models)
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def canonical_json(data: Any) -> str:
    """The one JSON form that is hashed and compared."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


PRIVATE = frozenset({"member.nik", "member.bank_account.number"})
"""Member fields shown only masked, in a trace and in an explanation alike."""


M = TypeVar("M", bound=BaseModel)
_TRUSTED = (RuleOutcome, MemberRef, Decision, Text)
_FIELDS: dict[type[BaseModel], set[str]] = {cls: set(cls.model_fields) for cls in _TRUSTED}
_ORDER: dict[type[BaseModel], tuple[str, ...]] = {cls: tuple(cls.model_fields) for cls in _TRUSTED}
_LEFT_UNSET = frozenset({"__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"})
