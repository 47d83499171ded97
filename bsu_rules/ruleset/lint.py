"""Warnings for a rule file that loads but is probably not what its author meant."""

from __future__ import annotations

from bsu_rules.ruleset.checker import PLACEHOLDER
from bsu_rules.ruleset.diagnostics import Diagnostic, Severity
from bsu_rules.ruleset.expressions import Call, Name, walk
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import Basis


def lint(rs: RuleSet) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    loc = rs.located

    def warn(at: tuple[str | int, ...], code: str, message: str, rule: str | None = None) -> None:
        out.append(Diagnostic(loc.file, *loc.at(at), code, message, Severity.WARNING, rule))

    trees = [r.tree for r in rs.rules] + list(rs.facts.values()) + ([rs.channel] if rs.channel else [])
    read = [n for t in trees for n in walk(t) if isinstance(n, Name)]
    read += [n.func for t in trees for n in walk(t) if isinstance(n, Call)]
    used = {".".join(n.parts[:2]) for n in read}
    for rule in rs.model.rules:
        for text in (rule.explain.id, rule.explain.en) if rule.explain else ():
            used |= {m.group(1) for m in PLACEHOLDER.finditer(text)}
    for kind, names in (("param", rs.model.parameters), ("table", rs.model.tables), ("fact", rs.model.facts)):
        section = {"param": "parameters", "table": "tables", "fact": "facts"}[kind]
        for name in names:
            if f"{kind}.{name}" not in used:
                warn((section, name), "unused", f"`{kind}.{name}` is never used")
    for i, checked in enumerate(rs.rules):
        rule = checked.rule
        if rule.basis == Basis.REGULATION and not rule.source:
            warn(("rules", i), "missing-source", "a rule whose basis is `regulation` needs a `source` "
                 "citing the article (or set `basis: policy` / `interpretation`)", rule.id)
        if rule.source and rs.model.legal_basis:
            key = rule.source.split(",")[0].strip()
            if key not in rs.model.legal_basis:
                warn(("rules", i, "source"), "unknown-source", f"`{key}` is not a key of `legal_basis`", rule.id)
    return out
