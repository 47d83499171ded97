"""Explanations of decisions: criterion sentences, audiences, and text, spoken and HTML pages.

The names below are loaded on first use (PEP 562): the evaluator needs the criterion sentences
alone, not the pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bsu_rules._lazy import lazy

if TYPE_CHECKING:
    from bsu_rules.decisions import Decision
    from bsu_rules.explain.page_data import Page, Unpaid
    from bsu_rules.explain.pages import AUDIENCES, page
    from bsu_rules.explain.rejected import Said
    from bsu_rules.explain.sentences import Renderer
    from bsu_rules.ruleset.model import RuleSet

_WHERE = {**dict.fromkeys(["AUDIENCES", "page"], "pages"), **dict.fromkeys(["Page", "Unpaid"], "page_data"),
          "Renderer": "sentences"}

__all__ = ["AUDIENCES", "Page", "Renderer", "Unpaid", "page", "render_html", "render_speech", "render_text"]


__getattr__, __dir__ = lazy(__name__, _WHERE, globals())


def render_text(decision: Decision, ruleset: RuleSet | None, lang: str = "id", audience: str = "worker",
                unpaid: Unpaid | None = None) -> str:
    """A decision as text for an audience (worker, officer, auditor) in a language (id, en), with the
    rule set it was made under (InputError for another one: its titles and citations would be another
    edition's; None: the decision's own words only)."""
    from bsu_rules.explain.pages import page  # lazy: pages are for commands that show them
    from bsu_rules.explain.text import to_text  # lazy: idem

    _checked("render_text", [decision], ruleset, lang)
    return to_text(page(decision, ruleset, lang, audience, unpaid))


def render_speech(decision: Decision, ruleset: RuleSet | None, lang: str = "id", audience: str = "worker",
                  unpaid: Unpaid | None = None) -> str:
    """A decision as ``render_text`` lays it out, as it is read aloud (``explain.speech``): no marks, no
    footnote numbers and no key, each criterion's outcome in words, its legal basis said at its end."""
    from bsu_rules.explain.pages import page  # lazy: pages are for commands that show them
    from bsu_rules.explain.speech import to_speech  # lazy: idem

    _checked("render_speech", [decision], ruleset, lang)
    return to_speech(page(decision, ruleset, lang, audience, unpaid))


def render_html(decisions: list[Decision], ruleset: RuleSet | None, lang: str = "id",
                audience: str = "worker", rejected: list[Said] | None = None) -> str:
    """Decisions as one self-contained, printable HTML page with the legal citations as footnotes;
    ``rejected``: what the page says of each record that could not be decided (``explain.rejected``)."""
    from bsu_rules.explain.html import to_html  # lazy: pages are for commands that show them
    from bsu_rules.explain.pages import page  # lazy: idem

    if not isinstance(decisions, list | tuple):
        raise TypeError(f"render_html takes a list of decisions, not {type(decisions).__name__}: pass [decision]")
    _checked("render_html", decisions, ruleset, lang)
    return to_html([page(d, ruleset, lang, audience) for d in decisions], lang, rejected or [])


def _checked(caller: str, decisions: list[Decision], ruleset: RuleSet | None, lang: str) -> None:
    """ValueError for a language the pages are not written in; TypeError or InputError unless each
    decision is one, made under ``ruleset`` (when given)."""
    from bsu_rules.formatting import LANGS  # lazy: idem
    from bsu_rules.unknowns import made_under  # lazy: idem

    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGS)}")
    for decision in decisions:
        if ruleset is not None:
            made_under(decision, ruleset, caller)
        elif not hasattr(decision, "ruleset"):
            raise TypeError(f"{caller} takes a Decision, not {type(decision).__name__}")
