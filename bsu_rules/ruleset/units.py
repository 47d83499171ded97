"""The unit of a value in an expression (``IDR``, ``months``, ``days``): a parameter's ``unit``, the unit of
a catalogue function's result that has one, and what is built only from values of that one unit.

One reading for every check that asks: ``type-mismatch`` (two units compared, added or subtracted),
``bad-format`` (``{fact.arrears:rp}``: a count of months shown as rupiah) and ``stale-title`` (a count
of months a title states, "paling lama 2 bulan", is a value of the months the criterion reads).
"""

from __future__ import annotations

from collections.abc import Mapping

from bsu_rules.ruleset.expressions import Binary, Call, Cond, Name, Node, Unary
from bsu_rules.ruleset.schema import Parameter

RESULT_UNITS = {"arrears_streak": "months", "last_wage": "IDR"}
"""The unit of the catalogue functions whose result has one (a count of months, an amount)."""


class Units:
    """The units of a rule set's expressions: of its parameters (their ``unit``), and of its facts
    (each worked out once, so a chain of facts stays linear)."""

    def __init__(self, parameters: Mapping[str, Parameter], facts: Mapping[str, Node]) -> None:
        self.parameters, self.facts = parameters, facts
        self._facts: dict[str, str | None] = {}

    def of(self, node: Node) -> str | None:
        """The unit of ``node``'s value; None when it has none, or parts of different or unknown units."""
        if isinstance(node, Name) and node.parts[0] == "param" and len(node.parts) == 2:
            param = self.parameters.get(node.parts[1])
            return param.unit if param is not None else None
        if isinstance(node, Name) and node.parts[0] == "fact" and len(node.parts) == 2:
            name = node.parts[1]
            if name not in self._facts:
                self._facts[name] = None  # a cycle (refused where the facts are checked) only stops here
                fact = self.facts.get(name)
                self._facts[name] = self.of(fact) if fact is not None else None
            return self._facts[name]
        if isinstance(node, Call) and node.func.dotted in RESULT_UNITS:
            return RESULT_UNITS[node.func.dotted]
        parts: list[Node] = []
        if isinstance(node, Call) and node.func.dotted in ("min", "max", "coalesce"):
            parts = node.args
        elif isinstance(node, Call) and node.func.dotted == "round_up":
            parts = node.args[:1]
        elif isinstance(node, Cond):
            parts = [node.then, node.other]
        elif isinstance(node, Unary) and node.op == "neg":
            parts = [node.operand]
        elif isinstance(node, Binary) and node.op in ("+", "-"):
            parts = [node.left, node.right]
        units = {self.of(p) for p in parts}
        return units.pop() if len(units) == 1 else None  # no part, or parts of different or unknown units

    def unitless(self, node: Node) -> bool:
        """Whether ``node`` is a parameter declared without a ``unit`` (a year, a day of the month, a plain
        count), or a fact that is only one, named as it is: a number that is no amount, as far as the rule
        file says."""
        name = self.param_of(node)
        return name is not None and self.parameters[name].unit is None

    def param_of(self, node: Node) -> str | None:
        """The parameter ``node`` is: ``param.x`` itself, or a fact that is only a parameter named (through
        facts that are only another named); None for anything else."""
        seen: set[str] = set()
        while isinstance(node, Name) and node.parts[0] == "fact" and len(node.parts) == 2 and node.parts[1] not in seen:
            seen.add(node.parts[1])  # a cycle (refused where the facts are checked) only stops here
            fact = self.facts.get(node.parts[1])
            if fact is None:
                return None
            node = fact
        if isinstance(node, Name) and node.parts[0] == "param" and len(node.parts) == 2 and \
                node.parts[1] in self.parameters:
            return node.parts[1]
        return None
