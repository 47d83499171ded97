"""Programme receipts: ``received`` (in a year, or in any) and ``received_by`` (in a year or before it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bsu_rules.catalogue.definition import LEFT_OUT, Abstraction, Function, History, Job, LeftOut, Realized, Record
from bsu_rules.catalogue.history_columns import any_of, field, history
from bsu_rules.catalogue.optional import cf, pl
from bsu_rules.members import ProgramReceipt
from bsu_rules.ruleset.types import BOOL, INT, RECEIPTS, item_field, list_of

if TYPE_CHECKING:
    from bsu_rules.evaluators.columnar_functions import Val
    from bsu_rules.prove.inputs import AbstractCall

__all__ = ["DEFINITIONS", "received", "received_by"]


def received(
    receipts: Sequence[ProgramReceipt] | None,
    programs: Sequence[str] | None,
    year: int | LeftOut | None = LEFT_OUT,
) -> bool | None:
    """Whether any receipt is for one of ``programs`` in ``year`` (left out: in any year).

    Unknown when the receipts, the programmes or a given year are unknown."""
    if receipts is None or programs is None or year is None:
        return None
    for r in receipts:  # noqa: SIM110  (a loop: no generator made per member; a list of a few programmes)
        if (year is LEFT_OUT or r.year == year) and str(r.program) in programs:
            return True
    return False


def received_by(receipts: Sequence[ProgramReceipt] | None, programs: Sequence[str] | None,
                year: int | None) -> bool | None:
    """Whether any receipt is for one of ``programs`` in ``year`` or a year before it (a receipt
    dated later had not been received then). Unknown when any argument is unknown."""
    if receipts is None or programs is None or year is None:
        return None
    for r in receipts:  # noqa: SIM110  (a loop: no generator made per member; a list of a few programmes)
        if r.year <= year and str(r.program) in programs:
            return True
    return False


# --- columnar -----------------------------------------------------------------------------


def _columnar(args: list[Val], out: str, by: bool = False) -> Job:
    """``received`` (``by``: ``received_by``) over the receipts column."""
    receipts, programs = pl.col(history(args[0])), args[1]
    if not programs.is_const:
        raise NotImplementedError("received(): the columnar evaluator needs a fixed list of programmes")
    if programs.const is None:
        return Job({out: pl.lit(None, pl.Boolean)})
    wanted = field("program").is_in(pl.Series([str(p) for p in programs.const], dtype=pl.String).implode())
    if len(args) < 3:
        return Job({out: any_of(receipts, wanted)})
    year = args[2]
    if year.is_const:
        return Job({out: pl.lit(None, pl.Boolean) if year.const is None else
                    any_of(receipts, wanted & (field("year") <= year.const if by else field("year") == year.const))})
    y = cf.typed(year)[0]
    late = receipts.list.eval(pl.when(wanted).then(field("year").cast(pl.Int64))) - y  # null where not wanted
    in_year = any_of(late, pl.element() <= 0 if by else pl.element() == 0)
    return Job({out: pl.when(y.is_null()).then(pl.lit(None, pl.Boolean)).otherwise(in_year)})


# --- proofs -------------------------------------------------------------------------------


def _realize(rec: Record, call: AbstractCall, value: Realized, others: list[tuple[AbstractCall, Realized]]) -> None:
    receipts: list[dict[str, Any]] | None = rec.get(call.args[0].split(".")[1])
    programs = call.args[1]
    year = call.args[2] if len(call.args) > 2 else None
    if receipts is None or not value[0]:
        return

    def matches(r: dict[str, Any], c: AbstractCall) -> bool:
        y = c.args[2] if len(c.args) > 2 else None
        if c.function.name == "received_by":
            return r["program"] in c.args[1] and r["year"] <= y
        return r["program"] in c.args[1] and (y is None or r["year"] == y)
    if not value[1]:
        receipts[:] = [r for r in receipts if not matches(r, call)]
        return
    if any(matches(r, call) for r in receipts):
        return
    forbidden = [c for c, v in others if v[0] and not v[1]]
    for program in programs:
        for y in ([year] if year is not None else [2000, 2099, *range(2001, 2099)]):
            candidate = {"program": program, "year": y}
            if not any(matches(candidate, c) for c in forbidden):
                receipts.append(candidate)
                return


PROGRAMS = item_field(ProgramReceipt, "program")
"""What ``received``'s programmes are compared with: a receipt's programme, one of the contract's codes."""

DEFINITIONS = [
    Function("received", ((RECEIPTS,), (list_of(PROGRAMS),), (INT,)), BOOL,
             "Whether any of the programmes was received (in the year, when given; unknown when the year "
             "given is unknown).", 'received(member.program_receipts, ["PKH"], 2022)', scalar=received,
             columnar=History(_columnar), inversion=None,
             smt=Abstraction(("receipts", "programs", "year"), _realize),
             optional=1, strict=False, unknown_from=(0, 1, 2)),
    Function("received_by", ((RECEIPTS,), (list_of(PROGRAMS),), (INT,)), BOOL,
             "Whether any of the programmes was received in the year or a year before it (a receipt "
             "dated later had not been received then).", 'received_by(member.program_receipts, ["PKH"], 2021)',
             scalar=received_by, columnar=History(lambda args, out: _columnar(args, out, by=True)),
             inversion=None, smt=Abstraction(("receipts", "programs", "year"), _realize),
             strict=False, unknown_from=(0, 1, 2)),
]
