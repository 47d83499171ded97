"""A page as plain text: what a call-centre agent reads out, or an officer or auditor reads."""

from __future__ import annotations

from bsu_rules.explain.page_data import Page
from bsu_rules.members.redact import printable


def to_text(page: Page) -> str:
    w = page.words
    out = [page.heading, *([page.what_if] if page.what_if else []), page.verdict]
    out += [f"{label}: {value}" for label, value in page.facts]
    if page.lines:
        out.append(f"{page.section}:")
    for line in page.lines:
        ref = f" [{line.note}]" if line.note else ""
        if page.audience == "worker":
            first, *rest = line.sentences or [line.title]
            out.append(f"  {line.mark} {first}{ref}")
        else:
            out.append(f"  {line.mark} {line.title}{ref}")
            rest = line.sentences
        out += [f"      {s}" for s in rest]
        if line.values:
            out.append("      " + "; ".join(f"{label}: {value}" if page.audience != "auditor" else f"{label} = {value}"
                                            for label, value in line.values))
    if page.steps:
        out.append(f"{w['next']}:")
        out += [f"  - {step}" for step in page.steps]
    if page.legend:
        out.append(f"{w['legend']}: " + "; ".join(f"{mark} {word}" for mark, word in page.legend))  # · is a mark
    if page.notes:
        out.append(f"{w['notes']}:")
        out += [f"  [{i}] {note}." for i, note in enumerate(page.notes, 1)]
    return "\n".join(map(printable, out))  # one line each: a value's control character is shown, never obeyed
