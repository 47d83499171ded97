"""Proofs over every member (SMT, with z3-solver: the ``prove`` extra): built-in and authored
properties of a rule set, and the regions where two rule sets decide differently."""

from bsu_rules.prove.properties import Prover
from bsu_rules.prove.symbols import ProveError
from bsu_rules.prove.verdict import Verdict

__all__ = ["ProveError", "Prover", "Verdict"]
