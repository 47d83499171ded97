"""The functions a rule file may call: signature, types, unknown-handling and documentation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bsu_rules import facts, nik
from bsu_rules.ruleset.types import (
    BOOL,
    CONTRIBUTIONS,
    DATE,
    DECIMAL,
    INT,
    MONTH,
    RECEIPTS,
    STR,
    WAGES,
    Type,
    list_of,
    unify,
)

NUMBER = (INT, DECIMAL)
ANY: tuple[Type, ...] = ()  # any type


@dataclass(frozen=True)
class Abstraction:
    """How ``bsu-rules prove`` sees a function it does not model exactly (one over a member
    history, or the NIK check): each distinct call is a fresh variable, known as the function's
    unknown-handling says, tied down by ``relations`` (rule-language conditions over ``result``
    and the parameter ``names``, assumed wherever they are known) and ``across`` (between two calls
    over the same history: ``other`` and ``other_<name>`` are the second call's). ``changes``: how
    the result may move when the member changes, for the monotonicity proofs (``("raise_wage",
    "result >= before")``); under a change not listed the result stays the same."""

    names: tuple[str, ...]
    relations: tuple[str, ...] = ()
    changes: tuple[tuple[str, str], ...] = ()
    across: tuple[str, ...] = ()


@dataclass(frozen=True)
class Function:
    """A catalogue function. ``strict``: an unknown argument makes the result unknown."""

    name: str
    params: tuple[tuple[Type, ...], ...]
    returns: Type | None  # None: the common type of the arguments
    impl: Callable[..., Any]
    doc: str
    example: str
    optional: int = 0
    variadic: bool = False
    strict: bool = True
    unknown_from: tuple[int, ...] | None = None  # non-strict: arguments whose unknown can make it unknown
    own_unknown: bool = False  # may be unknown even when every argument is known
    abstract: Abstraction | None = None  # None: proofs encode it exactly (bsu_rules.prove.functions)

    def result_type(self, args: list[Type]) -> Type | None:
        if self.returns is not None:
            return self.returns
        out: Type | None = args[0] if args else None
        for t in args[1:]:
            out = unify(out, t) if out else None
        return out


def _nik_issue(number: str, birth_date: Any = None) -> str:
    issue = nik.nik_issue(number, birth_date)
    return "" if issue is None else str(issue)


def _happened_by(event: Any, day: Any) -> bool | None:
    return None if day is None else event is not None and event <= day


def _known(value: Any) -> bool:
    return value is not None


def _coalesce(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


FUNCTIONS: dict[str, Function] = {f.name: f for f in [
    Function("last_wage", ((WAGES,), (MONTH,)), INT, facts.last_wage,
             "The last wage reported for a month at or before the given month.",
             "last_wage(member.wages, param.cutoff_month)", strict=False, own_unknown=True,
             abstract=Abstraction(("wages", "month"), ("result >= 0",), (("raise_wage", "result >= before"),),
                                  ("not (known(result) and month <= other_month) or known(other)",))),
    Function("contribution_billed", ((CONTRIBUTIONS,), (MONTH,)), BOOL, facts.contribution_billed,
             "Whether a contribution was billed for the month.",
             "contribution_billed(member.contributions, param.cutoff_month)", strict=False, unknown_from=(0, 1),
             abstract=Abstraction(("contributions", "month"))),
    Function("arrears_streak", ((CONTRIBUTIONS,), (MONTH,), (DATE,), (INT,)), INT, facts.arrears_streak,
             "Consecutive billed months in arrears on the date: unpaid then although due (by the given "
             "day of the next month), counted back from the latest month at or before the month whose "
             "deadline has passed.",
             "arrears_streak(member.contributions, param.cutoff_month, as_of, param.contribution_due_day)",
             strict=False, unknown_from=(0, 1, 2, 3),
             abstract=Abstraction(("contributions", "month", "day", "due_day"), ("result >= 0",),
                                  (("pay_contribution", "result <= before"),))),
    Function("received", ((RECEIPTS,), (list_of(STR),), (INT,)), BOOL, facts.received,
             "Whether any of the programmes was received (in the year, when given).",
             'received(member.program_receipts, ["PKH"], 2022)', optional=1, strict=False,
             unknown_from=(0, 1, 2), abstract=Abstraction(("receipts", "programs", "year"))),
    Function("nik_valid", ((STR,), (DATE,)), BOOL, nik.nik_valid,
             "Whether a NIK is structurally valid (and matches the birth date, when known).",
             "nik_valid(member.nik, member.birth_date)", optional=1, strict=False, unknown_from=(0,),
             abstract=Abstraction(("nik", "birth_date"))),
    Function("nik_issue", ((STR,), (DATE,)), STR, _nik_issue,
             'The first structural problem of a NIK ("province", "day", ...), or "" if none.',
             "nik_issue(member.nik, member.birth_date)", optional=1,
             abstract=Abstraction(("nik", "birth_date"), ('(result == "") == nik_valid(nik, birth_date)',))),
    Function("happened_by", ((DATE,), (DATE,)), BOOL, _happened_by,
             "Whether an event date (death, end of membership) is on or before a day; no date "
             "recorded means the event has not happened.",
             "happened_by(member.deceased_on, decision_date)", strict=False, unknown_from=(1,)),
    Function("known", (ANY,), BOOL, _known,
             "Whether a value is known (recorded); never unknown itself.",
             "known(member.kpj)", strict=False, unknown_from=()),
    Function("province", ((STR,),), STR, facts.province,
             "The province code (first two digits) of a regency code.",
             "province(member.work_regency_code)"),
    Function("bank_key", ((STR,),), STR, facts.bank_key,
             'A bank name as the bank table keys it: upper case, single spaces, punctuation and the words '
             '"BANK", "PT", "PERSERO", "TBK" dropped ("PT. Bank  bri " gives "BRI"); an unknown bank keeps '
             "its words.",
             "bank_key(member.bank_account.bank)", abstract=Abstraction(("name",))),
    Function("round_up", (NUMBER, (INT,)), INT, facts.round_up,
             "Round up to the next multiple of a step (exact, also for decimals).",
             "round_up(4798312, 100000)"),
    Function("month_start", ((MONTH,),), DATE, facts.month_start,
             "The first day of a month.", "month_start(param.cutoff_month)"),
    Function("month_end", ((MONTH,),), DATE, facts.month_end,
             "The last day of a month.", "month_end(param.cutoff_month)"),
    Function("add_months", ((MONTH,), (INT,)), MONTH, facts.add_months,
             "A month shifted by n months (negative goes back).", "add_months(2022-07, -2)"),
    Function("month_of", ((DATE,),), MONTH, facts.month_of,
             "The month a date falls in.", "month_of(member.registered_on)"),
    Function("min", (NUMBER, NUMBER), None, min, "The smallest of the numbers.",
             "min(fact.wage, 5000000)", variadic=True),
    Function("max", (NUMBER, NUMBER), None, max, "The largest of the numbers.",
             "max(param.wage_ceiling, fact.regional_minimum)", variadic=True),
    Function("coalesce", (ANY, ANY), None, _coalesce,
             "The first argument that is known.", 'coalesce(member.bank_account.bank, "none")',
             variadic=True, strict=False),
]}
