"""Exact counterfactuals: what would have made a failed criterion pass (``solve``), in words (``text``)."""

from bsu_rules.counterfactual.apply import apply_changes, apply_hint
from bsu_rules.counterfactual.solve import FIXED, Counterfactuals
from bsu_rules.counterfactual.text import describe

__all__ = ["FIXED", "Counterfactuals", "apply_changes", "apply_hint", "describe"]
