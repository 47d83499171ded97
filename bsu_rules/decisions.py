"""Decisions: plain data, serialised canonically (sorted keys, no floats, UTF-8) and hashed."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    JsonValue,
    SerializerFunctionWrapHandler,
    ValidationError,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import DEFAULT_REF_TEMPLATE, GenerateJsonSchema, JsonSchemaMode
from pydantic_core import CoreConfig, CoreSchema, SchemaSerializer, SchemaValidator, core_schema

from bsu_rules.members.redact import mask_identifiers as mask_identifiers
from bsu_rules.members.redact import mask_kpj as mask_kpj
from bsu_rules.members.redact import mask_logged as mask_logged
from bsu_rules.members.redact import mask_nik as mask_nik
from bsu_rules.members.redact import mask_typed as mask_typed
from bsu_rules.outcomes import Outcome as Outcome
from bsu_rules.outcomes import RuleResult as RuleResult
from bsu_rules.ruleset.schema import Text
from bsu_rules.unknowns import Need, needed


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
        fields set and the extra fields left unset, read as every field set and none extra)."""
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
                    if isinstance(item, (_Deferred, RuleOutcome)):
                        item._fill()

    if not TYPE_CHECKING:
        def __getattr__(self, name: str) -> Any:
            if name in _LEFT_UNSET:  # a slot a model the engine built leaves unset (``recorded``)
                if name != "__pydantic_fields_set__":
                    return None
                return _FIELDS.get(type(self)) or set(type(self).model_fields)
            private = _get_private(self)  # the slot itself: an attribute read of a model costs several times as much
            if name in type(self)._deferred:
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


class _RuleOutcomeFields(_Data):
    """The fields of ``RuleOutcome`` as a model: pydantic's validator, serialiser and JSON schema of them are
    ``RuleOutcome``'s own."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="RuleOutcome")

    basis: str = "regulation"
    explain: Text | None = None
    hint: Hint | None = None
    id: str
    kind: str
    missing: list[str] = []
    outcome: RuleResult
    source: str | None = None
    values: dict[str, JsonValue] = {}


class _LaterHint:
    """``RuleOutcome.hint`` where the engine finds it when first read: the outcome's fields then gain it
    (in their declared order), and are read from then on without this."""

    def __get__(self, obj: RuleOutcome | None, cls: type[RuleOutcome]) -> Any:
        if obj is None:
            return self
        obj._fill()
        return obj.__dict__["hint"]


class RuleOutcome:
    """One criterion: what it read (and what its rule shows), where it comes from, and how it came out."""

    # Validated, serialised and described (JSON schema) as a frozen pydantic model of these fields
    # (``_RuleOutcomeFields``), with the model methods a caller uses: ``model_dump``, ``model_dump_json``,
    # ``model_copy``, ``model_validate``, ``model_json_schema``, ``model_fields``, ``model_fields_set``. It is no
    # ``pydantic.BaseModel``, whose ``__getattr__`` keeps Python from reading an attribute the quick way: a
    # decision's trace holds a dozen outcomes, each field read as a plain object's, in a tenth of the time.
    # The engine finds the hint of a failed criterion when it is first read (or serialised, compared, copied).

    __slots__ = ("__dict__", "_fields_set", "_recorder")

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid", frozen=True)
    model_fields: ClassVar[dict[str, FieldInfo]] = _RuleOutcomeFields.model_fields
    model_computed_fields: ClassVar[dict[str, Any]] = {}

    if TYPE_CHECKING:
        basis: str
        explain: Text | None
        hint: Hint | None
        id: str
        kind: str
        missing: list[str]
        outcome: RuleResult
        source: str | None
        values: dict[str, JsonValue]
        _fields_set: set[str]  # the fields a validated outcome was given (unset: all of them)
        _recorder: Recorder  # where a deferred hint is found (unset: none is)
    else:
        hint = _LaterHint()

    def __init__(self, /, **data: Any) -> None:
        _OUTCOME_VALIDATOR.validate_python(data, self_instance=self)

    @classmethod
    def recorded(cls, fields: dict[str, Any], recorder: Recorder) -> RuleOutcome:
        """An outcome from the engine: ``fields`` (in declared order) without ``hint``, found by ``recorder``
        when first read."""
        obj = _new(cls)
        _set_outcome_dict(obj, fields)
        _set_recorder(obj, recorder)
        return obj

    def _fill(self, deep: bool = True) -> None:
        """Find the hint, if deferred (once): the fields are then in their declared order, as serialised."""
        fields = self.__dict__
        if "hint" not in fields:
            hint = self._recorder.field("hint")
            _set_outcome_dict(self, {name: hint if name == "hint" else fields[name] for name in _OUTCOME_ORDER})

    # pydantic's bookkeeping, as its validator and serialiser read and write it: every field set unless
    # the outcome was validated from fewer (the engine sets them all), no extra fields, nothing private

    @property
    def model_fields_set(self) -> set[str]:
        try:
            return self._fields_set
        except AttributeError:
            return set(_OUTCOME_ORDER)

    @property
    def __pydantic_fields_set__(self) -> set[str]:
        return self.model_fields_set

    @__pydantic_fields_set__.setter
    def __pydantic_fields_set__(self, value: set[str]) -> None:
        _set_fields_set(self, value)

    @property
    def __pydantic_extra__(self) -> None:
        return None

    @__pydantic_extra__.setter
    def __pydantic_extra__(self, value: None) -> None:
        pass

    @property
    def __pydantic_private__(self) -> None:
        return None

    @__pydantic_private__.setter
    def __pydantic_private__(self, value: None) -> None:
        pass

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> RuleOutcome:
        made: RuleOutcome = _OUTCOME_VALIDATOR.validate_python(obj, **kwargs)
        return made

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> RuleOutcome:
        made: RuleOutcome = _OUTCOME_VALIDATOR.validate_json(json_data, **kwargs)
        return made

    @classmethod
    def model_construct(cls, _fields_set: set[str] | None = None, **values: Any) -> RuleOutcome:
        """An outcome from values taken as valid (defaults for those not given), as pydantic's ``model_construct``."""
        obj = made_outcome({name: values[name] if name in values else field.get_default(call_default_factory=True)
                            for name, field in cls.model_fields.items()
                            if name in values or not field.is_required()})  # a required field not given: unset
        _set_fields_set(obj, set(values) & set(cls.model_fields) if _fields_set is None else _fields_set)
        return obj

    @classmethod
    def model_json_schema(cls, by_alias: bool = True, ref_template: str = DEFAULT_REF_TEMPLATE,
                          schema_generator: type[GenerateJsonSchema] = GenerateJsonSchema,
                          mode: JsonSchemaMode = "validation") -> dict[str, Any]:
        return schema_generator(by_alias=by_alias, ref_template=ref_template).generate(_OUTCOME_SCHEMA, mode=mode)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return copy.deepcopy(_OUTCOME_SCHEMA)  # pydantic inlines (changes) what it is given

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        self._fill()
        dumped: dict[str, Any] = _OUTCOME_SERIALIZER.to_python(self, **kwargs)
        return dumped

    def model_dump_json(self, **kwargs: Any) -> str:
        self._fill()
        return _OUTCOME_SERIALIZER.to_json(self, **kwargs).decode()

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> RuleOutcome:
        """A copy (``deep``: of every value too), with the fields of ``update`` (not validated) replaced."""
        copied = self.__deepcopy__() if deep else self.__copy__()
        if update:
            copied.__dict__.update(update)
            _set_fields_set(copied, copied.model_fields_set | set(update))
        return copied

    def __copy__(self) -> RuleOutcome:
        self._fill()
        copied = made_outcome(dict(self.__dict__))
        if hasattr(self, "_fields_set"):
            _set_fields_set(copied, set(self._fields_set))
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> RuleOutcome:
        self._fill()
        copied = made_outcome(copy.deepcopy(self.__dict__, memo))
        if hasattr(self, "_fields_set"):
            _set_fields_set(copied, set(self._fields_set))
        return copied

    def __getstate__(self) -> dict[str, Any]:  # as a model's: either unpickles the other's
        self._fill()
        return {"__dict__": self.__dict__, "__pydantic_extra__": None, "__pydantic_fields_set__": self.model_fields_set,
                "__pydantic_private__": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        _set_outcome_dict(self, dict(state["__dict__"]))
        fields_set = state.get("__pydantic_fields_set__")
        if fields_set is not None and fields_set != set(_OUTCOME_ORDER):
            _set_fields_set(self, fields_set)

    def __setattr__(self, name: str, value: Any) -> None:
        raise ValidationError.from_exception_data(type(self).__name__, [
            {"type": "frozen_instance", "loc": (name,), "input": value}])

    def __delattr__(self, name: str) -> None:
        raise ValidationError.from_exception_data(type(self).__name__, [
            {"type": "frozen_instance", "loc": (name,), "input": None}])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleOutcome):
            return NotImplemented
        if type(self) is not type(other):
            return False
        self._fill()
        other._fill()
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:  # of the fields that cannot change (``values`` and ``missing`` are not hashable)
        return hash((self.id, self.kind, self.outcome))

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        self._fill()
        yield from self.__dict__.items()

    def __repr_args__(self) -> list[tuple[str, Any]]:
        self._fill()
        return [(name, value) for name, value in self.__dict__.items() if self.model_fields[name].repr]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__repr_str__(', ')})"

    def __str__(self) -> str:
        return self.__repr_str__(" ")

    def __repr_str__(self, join_str: str) -> str:
        return join_str.join(f"{name}={value!r}" for name, value in self.__repr_args__())


# an outcome's fields and its two slots
_set_outcome_dict = RuleOutcome.__dict__["__dict__"].__set__
_set_fields_set = RuleOutcome.__dict__["_fields_set"].__set__
_set_recorder = RuleOutcome.__dict__["_recorder"].__set__
_OUTCOME_ORDER = tuple(RuleOutcome.model_fields)


def _outcome_schema() -> CoreSchema:
    """``RuleOutcome``'s core schema: its fields' model's, the model made ``RuleOutcome`` itself (its name,
    its reference, the class pydantic builds and checks instances of)."""
    schema = copy.deepcopy(_RuleOutcomeFields.__pydantic_core_schema__)
    model: dict[str, Any] = schema["schema"] if schema["type"] == "definitions" else schema  # type: ignore[assignment]
    assert model["type"] == "model" and model["schema"]["type"] == "model-fields"
    model.update(cls=RuleOutcome, ref=f"{__name__}.RuleOutcome:{id(RuleOutcome)}", metadata={},
                 serialization=core_schema.wrap_serializer_function_ser_schema(_filled_first))
    model["schema"]["model_name"] = "RuleOutcome"
    return schema


def _filled_first(outcome: RuleOutcome, serialise: SerializerFunctionWrapHandler) -> Any:
    """An outcome serialised by any route (a decision's, ``TypeAdapter``, ``pydantic_core.to_json``) with its
    deferred hint found first."""
    outcome._fill()
    return serialise(outcome)


_OUTCOME_SCHEMA = _outcome_schema()
_OUTCOME_VALIDATOR = SchemaValidator(_OUTCOME_SCHEMA, CoreConfig(title="RuleOutcome"))
_OUTCOME_SERIALIZER = SchemaSerializer(_OUTCOME_SCHEMA, CoreConfig(title="RuleOutcome"))
RuleOutcome.__pydantic_serializer__ = _OUTCOME_SERIALIZER  # type: ignore[attr-defined]  # what pydantic looks for on
# a value's class where no schema says its type (a field typed ``Any``, ``pydantic_core.to_json``)


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
    """What ``made_outcome`` does, for a loop that builds each outcome of a trace in line: ``new(RuleOutcome)``,
    then its fields dict (every field, in declared order) given to ``set_dict``."""
    return _new, _set_outcome_dict


def made_outcome(fields: dict[str, Any]) -> RuleOutcome:
    """An outcome from values the engine itself produced, not validated: every field, in declared order."""
    obj = _new(RuleOutcome)
    _set_outcome_dict(obj, fields)
    return obj


_new, _set = object.__new__, object.__setattr__
# a model's bookkeeping slots, set directly (deciding a member sets them on a dozen models)
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_get_private = BaseModel.__dict__["__pydantic_private__"].__get__


def canonical_json(data: Any) -> str:
    """The one JSON form that is hashed and compared."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


PRIVATE = frozenset({"member.nik", "member.bank_account.number"})
"""Member fields shown only masked, in a trace and in an explanation alike."""


M = TypeVar("M", bound=BaseModel)
_TRUSTED = (MemberRef, Decision, Text)
_FIELDS: dict[type[BaseModel], set[str]] = {cls: set(cls.model_fields) for cls in _TRUSTED}
_ORDER: dict[type[BaseModel], tuple[str, ...]] = {cls: tuple(cls.model_fields) for cls in _TRUSTED}
_LEFT_UNSET = frozenset({"__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"})
