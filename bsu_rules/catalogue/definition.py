"""What one catalogue function is: everything every part of the engine needs from it, in one place.

A :class:`Function` carries its signature and types, how unknown arguments reach its result, the
scalar implementation (plain Python, ``None`` for unknown), the columnar implementation (a Polars
expression builder), the counterfactual inversion (or an explicit ``None``: no hint goes through
it), how ``bsu-rules prove`` sees it (an exact SMT encoding, or an :class:`Abstraction`) and the
example the language reference shows. ``tests/test_catalogue.py`` checks that every function has
every part and that the declared unknown-handling is what the scalar implementation does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

from bsu_rules.ruleset.types import Type, unify

if TYPE_CHECKING:
    import polars as pl

    from bsu_rules.evaluators.columnar_functions import Val
    from bsu_rules.members import Member
    from bsu_rules.prove.inputs import AbstractCall
    from bsu_rules.prove.symbols import Strings, Sym

__all__ = ["LEFT_OUT", "Abstraction", "Columnar", "Function", "History", "Inversion", "Job", "LeftOut", "follows"]


class _LeftOut(Enum):
    LEFT_OUT = "left out"


LEFT_OUT = _LeftOut.LEFT_OUT
"""The default of an optional parameter: the call leaves it out (``None`` is an unknown value)."""
LeftOut = Literal[_LeftOut.LEFT_OUT]

Scalar = Callable[..., Any]
Encoding = Callable[["list[Sym]", "Strings"], "Sym"]
Record = dict[str, Any]
Realized = tuple[bool, Any]  # (known, value) of one call in a solver model
Edit = Callable[[Record, "AbstractCall", Realized, "list[tuple[AbstractCall, Realized]]"], None]


@dataclass(frozen=True)
class Columnar:
    """A function of per-row values: (result type, arguments) -> the value, as Polars expressions."""

    build: Callable[[Type, list[Val]], Val]


@dataclass
class Job:
    """A history call in the columnar evaluator: columns computed with the other columns of its
    wave, then (optionally) an eager pass over the few rows the first pass left open."""

    first: dict[str, pl.Expr]
    finish: Callable[[pl.DataFrame], pl.Series] | None = None


@dataclass(frozen=True)
class History:
    """A function over a member history list column: (arguments, output column) -> the job."""

    build: Callable[[list[Val], str], Job]


@dataclass(frozen=True)
class Inversion:
    """How a counterfactual goes through a call over a member history: the call reads ``field``
    (its first argument) and is inverted when it has ``arity`` arguments. ``patch(target, op,
    arguments, member)`` is the change of the record that makes the call's result meet ``op
    target`` (None when none does); ``apply(member, patch)`` makes that change; ``phrase(patch,
    bound, recorded, lang)`` says it as part of a sentence ("the wage the employer reported for July
    2022 had been at most Rp3.500.000 (on record: …)"), ``bound`` being the words for the relation
    ("at most") and ``recorded`` the value on record, both already in ``lang``."""

    field: str
    arity: int
    patch: Callable[[int, str, list[Any], Member], dict[str, Any] | None]
    apply: Callable[[Member, dict[str, Any]], Member]
    phrase: Callable[[dict[str, Any], str, str, str], str]


def follows(rec: Record, call: AbstractCall, value: Realized, others: list[tuple[AbstractCall, Realized]]) -> None:
    """The ``realize`` of a function shown beside another over the same inputs (``nik_issue`` beside
    ``nik_valid``, ``last_wage_month`` beside ``last_wage``): its value follows from the record the other's
    realize made, so it edits nothing."""


@dataclass(frozen=True)
class Abstraction:
    """How ``bsu-rules prove`` sees a function it does not model exactly (one over a member
    history, or the NIK check): each distinct call is a fresh variable, known as the function's
    unknown-handling says, tied down by ``relations`` (rule-language conditions over ``result``
    and the parameter ``names``, assumed wherever they are known) and ``across`` (between two calls
    over the same history: ``other`` and ``other_<name>`` are the second call's). ``changes``: how
    the result may move when the member changes, for the monotonicity proofs (``("raise_wage",
    "result >= before")``); under a change not listed the result stays the same. ``realize``
    edits a member record so that the call gives a value the solver chose."""

    names: tuple[str, ...]
    realize: Edit
    relations: tuple[str, ...] = ()
    changes: tuple[tuple[str, str], ...] = ()
    across: tuple[str, ...] = ()


@dataclass(frozen=True)
class Function:
    """A catalogue function.

    Unknown-handling: ``strict``, an unknown argument makes the result unknown; otherwise the
    result is unknown exactly when an argument listed in ``unknown_from`` is (``None``: only when
    every argument is, as ``coalesce``), and ``own_unknown`` lets it be unknown even when every
    argument is known; of the arguments read when unknown, those in ``unknown_as_every`` are read as
    every value they could take at once, the result bounding each (``highest_for``'s code), the others
    as a value of their own (``known``, ``coalesce``). ``optional``: how many trailing parameters may
    be left out; ``variadic``: the last parameter repeats. ``returns`` None: the common type of the
    arguments."""

    name: str
    params: tuple[tuple[Type, ...], ...]
    returns: Type | None
    doc: str
    example: str
    scalar: Scalar
    columnar: Columnar | History
    inversion: Inversion | None
    smt: Encoding | Abstraction
    optional: int = 0
    variadic: bool = False
    strict: bool = True
    unknown_from: tuple[int, ...] | None = None
    own_unknown: bool = False
    unknown_as_every: tuple[int, ...] = ()
    keeps_bounds: bool = False  # on a lower bound gives what the bound still tells (``bsu_rules.bounds``)
    remembered: bool = False  # few distinct values reach it (an area code, a bank's name, a table's figure): the
    # generated code keeps its result for each value of the one argument a call does not give as a constant

    @property
    def impl(self) -> Scalar:
        """The scalar implementation (the name the evaluators call it by)."""
        return self.scalar

    @property
    def abstract(self) -> Abstraction | None:
        """The proofs' abstraction; None when they encode the function exactly."""
        return self.smt if isinstance(self.smt, Abstraction) else None

    @property
    def encoding(self) -> Encoding | None:
        """The proofs' exact encoding; None when the function is abstracted."""
        return None if isinstance(self.smt, Abstraction) else self.smt

    def result_type(self, args: list[Type]) -> Type | None:
        if self.returns is not None:
            return self.returns
        out: Type | None = args[0] if args else None
        for t in args[1:]:
            out = unify(out, t) if out else None
        return out
