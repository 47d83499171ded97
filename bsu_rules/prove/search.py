"""Ask the solver for members, and believe none of them until the scalar evaluator agrees.

A model is turned into member records (``realize``); an abstracted call the record does not
reproduce means the model is one no member has: it is blocked and the solver asked again. A
record that survives is re-decided by the scalar evaluator (``confirm``); if that disagrees with
the solver, the encoding is wrong and the search says so instead of showing the member.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import z3

from bsu_rules.prove.inputs import Inputs
from bsu_rules.prove.realize import Record, block, calls_of, mismatches, realize

TRIES = 40


@dataclass
class Found:
    """``found`` (``records`` confirmed), ``none`` (unsatisfiable as asked), ``unrealised`` (only
    models no member has, ``refinements`` of them blocked), ``unknown`` (the solver gave up: time)
    or ``disagree`` (the scalar evaluator contradicts the encoding: ``problem``)."""

    status: str
    records: list[Record] = field(default_factory=list)
    refinements: int = 0
    problem: str = ""


def search(solver: z3.Solver, members: list[Inputs], confirm: Callable[[list[Record]], str | None],
           paired: bool = False) -> Found:
    """Members satisfying the solver's constraints, confirmed; ``paired``: the second member is
    the first one with a change (only what differs in the model is edited)."""
    refinements = 0
    for _ in range(TRIES):
        answer = solver.check()
        if answer == z3.unsat:  # after a block, "none" would rest on the realiser: not claimed
            return Found("none" if not refinements else "unrealised", refinements=refinements)
        if answer != z3.sat:
            return Found("unknown", refinements=refinements, problem=str(solver.reason_unknown()))
        model = solver.model()
        records: list[Record] = []
        before: list[Any] | None = None
        for inputs in members:
            rec = realize(model, inputs, records[0] if paired and records else None, before if paired else None)
            calls = calls_of(model, inputs)
            wrong = mismatches(rec, calls)
            if wrong:
                solver.add(block(model, wrong, inputs))
                break
            records.append(rec)
            before = calls
        if len(records) < len(members):
            refinements += 1
            continue
        problem = confirm(records)
        if problem is not None:
            return Found("disagree", records, refinements, problem)
        return Found("found", records, refinements)
    return Found("unrealised", refinements=refinements)
