"""The function catalogue: every function a rule file may call, each defined once.

A function's definition (:class:`~bsu_rules.catalogue.definition.Function`) holds its signature,
unknown-handling, scalar and columnar implementations, counterfactual inversion, proof encoding and
documented example; the evaluators, the checker, the proofs and the language reference all read
it from ``FUNCTIONS``. The definitions live by family: wage reports, contributions, programme
receipts, the NIK, work areas, bank names, known values, numbers, the calendar.
"""

from __future__ import annotations

from bsu_rules.catalogue import areas, banks, calendar, contributions, identity, numbers, receipts, values, wages
from bsu_rules.catalogue.definition import Abstraction, Columnar, Function, History, Inversion, Job

__all__ = ["FUNCTIONS", "Abstraction", "Columnar", "Function", "History", "Inversion", "Job"]

FUNCTIONS: dict[str, Function] = {f.name: f for family in (wages, contributions, receipts, identity, areas, banks,
                                                          values, numbers, calendar) for f in family.DEFINITIONS}
"""Every catalogue function by name, family by family."""
