"""The counterfactual analysis is an exhaustive pass: a node kind it has no case for is refused."""

from __future__ import annotations

import pytest

from bsu_rules import load_ruleset
from bsu_rules.counterfactual import Counterfactuals
from bsu_rules.evaluators.scalar import Plan
from bsu_rules.ruleset.expressions import Node, Unhandled


class Strange(Node):
    """A node kind no pass knows."""


def test_an_unknown_node_kind_is_refused_not_skipped() -> None:
    rs = load_ruleset("bsu-2022")
    plan = Plan(rs, rs.default_on)  # a plan of its own: the cached one stays intact
    plan.rules[0].checked = type(plan.rules[0].checked)(plan.rules[0].rule, Strange(0, 0), ())
    with pytest.raises(Unhandled, match="counterfactual has no case for Strange"):
        Counterfactuals(plan)
