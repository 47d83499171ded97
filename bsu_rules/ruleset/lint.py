"""Warnings for a rule file that loads but is probably not what its author meant.

Each finding has a stable code, the narrowest location known and, where one applies, the rule id:

- ``unused``: a parameter, table or fact that nothing reads.
- ``missing-source``: a rule or a parameter with ``basis: regulation`` and no ``source``; a benefit with
  no ``source``; a table with no source, or a row with an empty ``source`` cell (where the table has that column).
- ``unknown-source``: a rule source whose first part is not a key of ``legal_basis``, or another
  source (a parameter's, the benefit's, ``in_force``'s, the channel's) starting with a mistyped key.
- ``empty-window`` (an error): an ``in_force`` window whose ``from`` is after its ``until``.
- ``window-outside``: a rule in force (partly) outside the edition's window.
- ``window-overlap``: a rule in force from the day another is in force until (both apply that day;
  a replacement starts the day after).
- ``value-outside``: a dated parameter value that is never read: dated after the edition ends, or
  replaced by a later value before the edition starts.
- ``data-date``: a month read in one call with ``as_of`` (the cut-off month of
  ``arrears_streak(member.contributions, param.cutoff_month, as_of, ...)``, whose last day
  ``as_of`` is) with a value in another month than ``as_of``: the data are still read as at
  ``as_of`` (``impact --set cutoff_month=...`` warns of the same).
- ``overlapping-editions`` (``overlapping``, over rule files checked together): two editions in
  force on the same day, so a decision dated then could be made under either; editions that end on
  the same day (revoked together by one act) run alongside by design.
- ``gapped-parameter``: a dated parameter with no value (null, or before its first date) on days
  inside the edition while a rule that reads it, directly or through facts, is in force.
- ``never-fires`` / ``always-fires``: a condition that does not depend on the member enough to
  matter (constant folding, see ``folding.py``): a ``require`` that is never false or never true,
  an ``exclude``/``flag``/``prioritize`` that is never true or never false (whenever its data is known).
- ``never-known`` (an error): a ``require`` or ``exclude`` that is unknown for every member (an argument
  never known, such as a month out of range or a province-only code): while it is in force no one can
  be found eligible.
- ``invalid-argument`` / ``division-by-zero`` (errors): a constant argument outside a function's
  domain (a due day of 32), a divisor that is always 0 (the division would be unknown for everyone).
- ``literal-too-large`` (an error): a sum, product or negation of constants past what every
  evaluator computes with exactly (``9223372036854775807 + 1``), as a literal past it is.
- ``type-mismatch`` (an error): values of different units (a parameter's ``unit``, or the unit of
  a catalogue function's result such as ``arrears_streak``: months) compared, added or subtracted.
- ``unmatchable-key``: a table key that no lookup of the table can produce (an error for four digits that name no
  regency or city of Kemendagri in a table looked up with regency codes, ``3240`` for ``3204``: no record carries
  it; the code meant suggested, by the row's place name or the closest code). A lookup key's shape
  is derived from the expression: a member field's pattern or codes in the data contract
  (``work_regency_code``: 4 digits, ``employer.sector``: A-U), a text literal, ``province(...)``
  (2 digits), ``regency(...)`` (its argument's, not ending in 00), and ``if``/``coalesce`` of those.
  Tables looked up with anything else are not checked. A province's code and 00 (``3100``) in a table also
  looked up by ``province(...)`` is warned, the province's code (``31``) suggested: a record of one of its
  regencies reads the province's row, never that one.
- ``unknown-value``: a text value of a parameter compared (``in``, ``==``, ``!=``) with what can be a
  table's value (``fact.bank in param.state_banks``, ``fact.bank`` a ``table.banks.get(...)``) that is
  none of that table's values (``MANDRI``, ``bri``): it never matches a value looked up there. So is a
  constant year given to ``received`` or ``received_by`` outside the data contract's (a fiscal year of
  ``20222``): no receipt is for it (``received_by``, in or before it, matches none before 2000 and every one
  after 2100). An error: a text compared with a code that the code can never be, not of its shape
  (``province(member.work_regency_code) == "1"``) or four digits Kemendagri names no place by (``"3299"``, the
  closest codes suggested), or two that name no province (``"99"``): the comparison is the same for every member.
- ``stale-title``: a criterion's title stating an amount, a count of months or days or a date the rule
  set does not hold (``stale.py``).
- ``stale-benefit``: a benefit whose own ``source`` states it as a monthly amount times a count of months
  (``Rp300.000 x 2 bulan``) that its ``monthly``, ``months`` or ``amount`` is not (``stale.py``); a lone figure
  in the source is not judged.
- ``stale-explain``: a criterion's explanation showing a member field, fact or parameter the criterion
  neither reads nor shows (``stale.py``).
- ``missing-explain``: a ``require``, ``exclude`` or ``flag`` criterion with no ``explain``: a member it
  refuses or flags is told its title only, not why.
- ``ruleset-name``: a rule set id that is its file's name but for case or punctuation (``bsu2022`` in
  ``bsu-2022.yaml``): commands find the file by one name, decisions and archives name it by the other.
- ``id-not-file-name``: a rule set id other than its file's name where that name is an edition's
  (``ruleset: bsu-2023`` in ``bsu-2022.yaml``, a copy whose wrong line was edited): a test naming
  ``bsu-2022`` reads the file, whose decisions carry ``bsu-2023``. A file named otherwise (``rules.yaml``,
  ``what-if.yaml``) is no edition's: its id is not compared with its name. Not in ``CODES``: its fixture
  would have to be named after an edition, not after the code.
- ``below-province``: a regency's exact amount below its province's row in a table ``highest_for`` reads
  (a regency's minimum wage is set at or above its province's).
- ``unlikely-amount``: an amount in a table of rupiah (``unit: IDR``) more than five times over or under
  the table's middle amount (its median): a digit too many or too few; or 0, a figure not filled in.

The warnings about parameters and tables are found in ``lint_params.py``, those about rules here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from bsu_rules.members.model import RECEIPT_YEARS
from bsu_rules.members.redact import clipped, hide_identifiers
from bsu_rules.ruleset.diagnostics import Code, Diagnostic, Severity, nearest
from bsu_rules.ruleset.expressions import Binary, BoolOp, Call, Cond, Lit, Name, Node, Unary, unparse, walk
from bsu_rules.ruleset.folding import Const, Folder, truth
from bsu_rules.ruleset.lint_params import ParamLint, Where
from bsu_rules.ruleset.lint_places import misplaced
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import EDITION_ID, RULE_ID, UNIT_WORDS, Basis, Kind
from bsu_rules.ruleset.sources import OTHER_REGULATION, amended_text, english_pinpoint, source_parts
from bsu_rules.ruleset.stale import stale_benefit, stale_explanations, stale_titles
from bsu_rules.ruleset.tables import table_cells
from bsu_rules.ruleset.types import too_wide
from bsu_rules.semantics import DECIDING

CODES = ("invalid-argument", "division-by-zero", "type-mismatch", "unused", "missing-source", "unknown-source",
         "empty-window", "window-outside", "value-outside", "data-date", "gapped-parameter", "never-fires",
         "always-fires", "never-known", "unmatchable-key", "stale-title", "stale-explain", "missing-explain",
         "unknown-value", "window-overlap", "unlikely-amount", "below-province", "place-mismatch", "ruleset-name",
         "stale-benefit")
_KEY_SHAPED = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+")
"""A legal-basis key's shape (``pm-10-2022``, ``bpjs-tk``): a pinpoint such as ``Pasal 4`` is not."""
_PINPOINT = re.compile(r"(?:Pasal|Lampiran|Penjelasan|Bab|Bagian|Paragraf|ayat|huruf|angka)\s+\S", re.IGNORECASE)
"""How a further article of the regulation cited before starts (``Pasal 4``, ``Lampiran I``)."""


def _miscited(key: str, known: Iterable[str], first: bool) -> tuple[str, str | None] | None:
    """What is wrong with the key of a source's part (the text before its first comma), and what was
    meant, if a page would not cite it as written: the first part names no listed key; a later part is
    neither a further article of the regulation before it (led by ``Pasal``, ``Lampiran``, ``ayat`` …)
    nor a listed key, and a page would cite it as one (``; pm-10-2022 Pasal 4`` without its comma,
    ``; uu-24-2011, Pasal 15`` not listed, ``; UU 24/2011, Pasal 15``)."""
    if key in known:
        return None
    word = re.split(r"[\s(]", key, maxsplit=1)[0]
    if word in known:
        fixed = f"{word}, {key[len(word):].strip()}"
        return (f"`{clipped(key)}`: write a comma after the key, `{fixed}` (a page cites the text after the comma "
                "as the article)"), fixed
    near = nearest(word, known)
    if not first and near is None and _PINPOINT.match(key):
        return None
    shown = word if near is not None or _KEY_SHAPED.fullmatch(word) else key
    why = " (a page cites a rule's legal basis by it)" if first else "; a part after `;` is a further article of " \
        "the regulation before it (`Pasal 4`) or another regulation's key and article (`uu-24-2011, Pasal 15`)"
    return (f"`{clipped(shown)}` is not a key of this file's `legal_basis`: list it there with the regulation's "
            f"name, or correct it{why}"), near or nearest(key, known)


def _article(pinpoint: str) -> str:
    """A pinpoint without the text the part's regulation amends (``… Permenaker 14/2020 sebagaimana diubah``)."""
    amended = amended_text(pinpoint)
    return amended.pin if amended else pinpoint


def _regulation_inside(pinpoint: str, known: Iterable[str]) -> tuple[str, str | None] | None:
    """A regulation named inside an article (``Pasal 15 UU 24/2011``, ``Pasal 2 bpjs-tk``), but for the text the
    part's regulation amends, which must be listed (a page names it by its key): a page would cite it as an
    article of the part's regulation."""
    if (amended := amended_text(pinpoint)) and amended.key not in known:
        listed = [k for k in known if k.startswith("pm-") and k.endswith(amended.key[-5:])]
        return (f"`{clipped(pinpoint)}` cites the text of `{amended.key}`, which `legal_basis` does not list: list "
                "it there with the regulation's name (a page names the text amended by it)"), \
            nearest(amended.key, listed) if listed else None
    article = _article(pinpoint)
    if not OTHER_REGULATION.search(article) and not set(re.split(r"[\s,;()]+", article)) & set(known):
        return None
    if re.search(r"\bsebagaimana\b", article, re.IGNORECASE):
        return (f"`{clipped(article)}` goes on after the text it amends: the amended text ends the part; write "
                "the articles first (`Pasal 3 dan Pasal 4 Permenaker 14/2020 sebagaimana diubah`), or give the "
                "next one a part of its own after `;`"), None
    return (f"`{clipped(article)}` names a regulation inside an article, which a page would cite as an article "
            "of the regulation before it: cite another regulation by its key and article (`uu-24-2011, Pasal 15`), "
            "listed in `legal_basis`, and a text it amends as `Pasal 3 Permenaker 14/2020 sebagaimana diubah`"), None


def _folded(name: str) -> str:
    """A name without case or punctuation: ``bsu2022``, ``BSU_2022`` and ``bsu-2022`` alike."""
    return re.sub(r"[\W_]+", "", name).casefold()


_ACTS = {Kind.REQUIRE: "fails", Kind.EXCLUDE: "excludes", Kind.FLAG: "flags", Kind.PRIORITIZE: "prioritises"}


def _emptied(begins: date) -> str:
    """How to mend a window whose ``from`` is after its ``until``: the fix in words."""
    return f"write an `until` on or after {begins}, or, if the two dates are the wrong way round, swap them"


def _swapped(begins: date, ends: date) -> str:
    """The window with its two dates the other way round, as the suggestion shows it."""
    return f"from: {ends}, until: {begins}"


def lint(rs: RuleSet) -> list[Diagnostic]:
    """Every warning for a rule set that passed the checker."""
    linter = _Lint(rs)
    for step in (linter.name, linter.unused, linter.sources, linter.explanations, linter.windows, linter.parameters,
                 linter.data_date, linter.constants, linter.keys, linter.codes, linter.table_values, linter.amounts,
                 linter.floors, linter.arguments, linter.units):
        step()
    stale_titles(rs, linter.warn)
    stale_explanations(rs, linter.warn)
    for at, message, meant in stale_benefit(rs):
        linter.warn(at, Code.STALE_BENEFIT, message, suggestion=meant)
    return linter.out + misplaced(rs)


class _Lint(ParamLint):
    """The warnings about rules: their sources and windows, conditions that never or always act,
    arguments and units."""

    def name(self) -> None:
        given, stem = self.rs.model.ruleset, self.rs.path.stem
        if given != stem and _folded(given) == _folded(stem):
            valid = RULE_ID.fullmatch(stem) is not None  # else the file is to be renamed, not the id
            self.warn(("ruleset",), "ruleset-name", f"the rule set is `{clipped(given)}` and its file "
                      f"`{clipped(stem)}`: a command given `{clipped(stem)}` reads this file, and a decision, an "
                      f"archive and `diff` name it `{clipped(given)}`; write the same name in both"
                      + ("" if valid else f" (name the file `{clipped(given)}{self.rs.path.suffix}`)"),
                      suggestion=stem if valid else None)
        elif given != stem and EDITION_ID.fullmatch(stem):
            named, declared = clipped(stem), clipped(given)
            self.warn(("ruleset",), Code.ID_NOT_FILE_NAME, f"this file is named `{named}{self.rs.path.suffix}` but "
                      f"declares the edition `{declared}`: a test naming `{named}` reads this file, and its decisions "
                      f"carry `{declared}`; rename the file (`{declared}{self.rs.path.suffix}`) or the id "
                      f"(`ruleset: {named}`)")

    def sources(self) -> None:
        for i, checked in enumerate(self.rs.rules):
            rule = checked.rule
            known = self.rs.model.legal_basis
            parts = source_parts(rule.source or "")
            if rule.basis == Basis.REGULATION and not rule.source:
                self.warn(("rules", i), "missing-source", "a rule whose basis is `regulation` needs a `source` "
                          "citing the article (or set `basis: policy` / `interpretation`)", rule.id)
            elif rule.basis == Basis.REGULATION and parts and all(key in known and not pin for _, key, pin in parts):
                key = parts[0][1]
                self.warn(("rules", i, "source"), "missing-source", f"`{key}` names the regulation but no "
                          f"article: a refusal would cite the whole regulation; write `{key}, Pasal …`", rule.id)
            for at, source in ((("rules", i, "source"), rule.source), (("rules", i, "in_force", "source"),
                                                                        rule.in_force.source)):
                if not source or not known:
                    continue
                cited = source_parts(source)  # as a page reads it
                if not cited:  # wholly in brackets, or only `;`
                    self.warn(at, "unknown-source", f"`{clipped(source)}` cites no legal-basis key a page could "
                              "read (what is in brackets is a remark)", rule.id, severity=Severity.ERROR)
                # each part's article: after its key, or the whole part where it names none (`; Pasal 4`)
                written = [pin if key in known else part for part, key, pin in cited]
                wrong = [found for n, ((_, key, _), text) in enumerate(zip(cited, written, strict=True))
                         if (found := _miscited(key, known, first=n == 0) or _regulation_inside(text, known))]
                unread = [article for text in written if (article := _article(text))
                          and english_pinpoint(article) is None]
                for text, near in wrong[:1]:
                    self.warn(at, "unknown-source", text, rule.id, suggestion=near, severity=Severity.ERROR)
                for article in unread[:1] if not wrong else []:
                    self.warn(at, "unknown-source", f"`{clipped(article)}` is not read as articles (`Pasal`, `ayat`, "
                              "`huruf`, `angka`, `Lampiran`, `Bab`, `Bagian`, `Paragraf`, `Penjelasan`, joined by "
                              "`dan` or `sampai`): a page in English cites it as written, in Indonesian", rule.id)
        model = self.rs.model  # elsewhere a source may be free text: only a key mistyped is told
        if not model.benefit.source:
            self.warn(("benefit",), "missing-source", "the benefit cites no regulation: give it `source:` (the "
                      "article setting the amount), so that a letter and an auditor can check it", key=True)
        for name, parameter in model.parameters.items():
            if parameter.basis == Basis.REGULATION and not parameter.source:
                self.warn(("parameters", name), "missing-source", f"`param.{name}` rests on the regulation (its "
                          "`basis`, by default) but cites no article: give it `source:` (the article setting it), "
                          "or `basis: policy` / `interpretation`", key=True)
        others: list[tuple[Where, str | None]] = [(("parameters", n, "source"), p.source)
                                                  for n, p in model.parameters.items()]
        others += [(("in_force", "source"), model.in_force.source), (("benefit", "source"), model.benefit.source)]
        others += [(("channel", "source"), model.channel.source)] if model.channel else []
        for where, source in others:
            key = re.split(r"[\s,;(]", source or "", maxsplit=1)[0]
            if key and key not in model.legal_basis and (near := nearest(key, model.legal_basis)) is not None:
                self.warn(where, "unknown-source", f"`{key}` is not a key of `legal_basis`", suggestion=near)
            elif key and key not in model.legal_basis and where == ("benefit", "source"):  # a letter cites it
                self.warn(where, "unknown-source", f"`{clipped(key)}` is not a key of `legal_basis`: an eligible "
                          "worker's letter cites the benefit's article by its regulation's key, and cites nothing "
                          f"for this; write the key first (`{next(iter(model.legal_basis), 'pm-10-2022')}, "
                          "Pasal 6 ayat (1)`)")

        for name, table in sorted(self.rs.tables.items()):
            file = self.rs.path.parent / table.ref.file
            if table.ref.unit == "IDR" and table.values and any(isinstance(v, str) for v in table.values.values()):
                self.warn(("tables", name, "unit"), "type-mismatch", f"`table.{name}` holds text (`{table.ref.value}`"
                          f" is not a number in every row), and `unit: IDR` says its values are amounts in rupiah: "
                          "leave `unit` out", severity=Severity.ERROR)
            keys = dict(table_cells(file, table.ref.key))
            sources = table_cells(file, "source")
            if not table.ref.source and not sources:
                self.warn(("tables", name), "missing-source", f"`table.{name}` says nowhere where its figures come "
                          f"from: give it `source:` (the regulation, or the published list it copies), or a `source` "
                          f"column in `{table.ref.file}`, so that an auditor can check its figures", key=True)
            told = []
            for line, (source, col) in sources:
                if not source:
                    key = hide_identifiers(clipped(keys.get(line, ("", 0))[0]))
                    told.append(Diagnostic(str(file), line, col, "missing-source", f"row `{key}` of `table.{name}` "
                                           "has an empty `source`: say where its figure comes from (the regulation, "
                                           "or the published list)", Severity.WARNING))
            self.rows_told(name, told, "have an empty `source` too")

    def explanations(self) -> None:
        for i, checked in enumerate(self.rs.rules):
            rule = checked.rule
            if rule.explain is None and rule.kind is not Kind.PRIORITIZE:
                read = next((n.dotted for n in walk(checked.tree) if isinstance(n, Name)), "fact.wage")
                self.warn(("rules", i), "missing-explain", f"this rule {_ACTS[rule.kind]} a member without saying "
                          "why: the member is told its title only; give it `explain:` with `id` and `en`, naming "
                          f"what it read (`{{{read}}}`)", rule.id, key=True)

    def windows(self) -> None:
        ed = self.edition
        if ed.from_ and ed.until and ed.from_ > ed.until:
            self.warn(("in_force", "until"), "empty-window", f"the edition starts on {ed.from_}, after it ends "
                      f"on {ed.until}: {_emptied(ed.from_)}", severity=Severity.ERROR,
                      suggestion=_swapped(ed.from_, ed.until))
            return
        if ed.source:
            self.warn(("in_force", "source"), "unused", "an edition's `in_force` cites nothing: a `source` there is "
                      "never shown (a rule's `in_force: {until: …, source: …}` is cited on a day outside it)")
        for i, rule in enumerate(self.rs.model.rules):
            w, at = rule.in_force, ("rules", i, "in_force")
            if w.from_ and w.until and w.from_ > w.until:
                self.warn((*at, "until"), "empty-window", f"`from` {w.from_} is after `until` {w.until}: the "
                          f"rule is never in force; {_emptied(w.from_)}", rule.id, severity=Severity.ERROR,
                          suggestion=_swapped(w.from_, w.until))
            elif ed.from_ and w.until and w.until < ed.from_:
                self.warn((*at, "until"), "window-outside", f"in force until {w.until}, before the edition "
                          f"starts on {ed.from_}: the rule never applies", rule.id)
            elif ed.until and w.from_ and w.from_ > ed.until:
                self.warn((*at, "from"), "window-outside", f"in force from {w.from_}, after the edition ends "
                          f"on {ed.until}: the rule never applies", rule.id)
            else:
                if ed.from_ and w.from_ and w.from_ < ed.from_:
                    self.warn((*at, "from"), "window-outside", f"in force from {w.from_}, before the edition "
                              f"starts on {ed.from_}; write {ed.from_} or leave `from` out", rule.id)
                if ed.until and w.until and w.until > ed.until:
                    self.warn((*at, "until"), "window-outside", f"in force until {w.until}, after the edition "
                              f"ends on {ed.until}; write {ed.until} or leave `until` out", rule.id)
        self._handovers()

    def _handovers(self) -> None:
        """A criterion in force from the day another is in force until: both apply that day, where one
        replacing the other (`until` on one day, `from` on the next) is what is almost always meant."""
        rules = self.rs.model.rules
        for i, later in enumerate(rules):
            day = later.in_force.from_
            if day is None:
                continue
            for earlier in rules:
                if earlier is not later and earlier.in_force.until == day:
                    fixes = ([f"start it on {day + timedelta(days=1)}"] if day < date.max else []) + \
                        ([f"end `{earlier.id}` on {day - timedelta(days=1)}"] if day > date.min else [])
                    self.warn(("rules", i, "in_force", "from"), "window-overlap", f"in force from {day}, the last "
                              f"day of `{earlier.id}`: both apply on {day}; if `{later.id}` replaces it, "
                              f"{' (or '.join(fixes)}{')' * (len(fixes) - 1)}", later.id)

    def constants(self) -> None:
        folder = Folder(self.rs)
        for i, checked in enumerate(self.rs.rules):
            rule, seen = checked.rule, truth(folder.fold(checked.tree))
            acting = rule.kind is not Kind.REQUIRE  # the truth value that makes the rule act
            at: Where = ("rules", i, rule.kind.value)
            if seen == {None} and rule.kind in DECIDING:
                self._never_known(at, checked.tree, rule.condition, rule.id, folder)
                continue
            if acting not in seen:
                code, text = "never-fires", f"this rule never {_ACTS[rule.kind]} anyone"
            elif (not acting) not in seen:
                code, text = "always-fires", f"this rule {_ACTS[rule.kind]} every member whose data is known"
            else:
                continue
            node = next((n for n in walk(checked.tree) if not isinstance(n, BoolOp | Cond)
                         and not (isinstance(n, Unary) and n.op == "not") and n.type is not None
                         and n.type.name == "bool" and len(truth(folder.fold(n)) - {None}) < 2), checked.tree)
            values = truth(folder.fold(node))
            known_values = [str(v).lower() for v in (True, False) if v in values]
            always = f"always {known_values[0]}" if known_values else "never known"
            known = " whenever it is known" if None in values and values - {None} else ""
            part = rule.condition[node.start:node.end]
            self.warn(at, code, f"{text}: `{part}` is {always}{known}", rule.id, offset=node.start)

    def _never_known(self, at: Where, tree: Node, condition: str, rule: str, folder: Folder) -> None:
        """A require or exclude unknown for every member, named by its innermost part that is (an
        error: while it is in force no one can be found eligible)."""
        part = ([n for n in walk(tree) if not isinstance(n, Lit) and folder.fold(n) == Const(None)] or [tree])[-1]
        self.warn(at, "never-known", "this rule is unknown for every member, so while it is in force no one can be "
                  f"found eligible: `{condition[part.start:part.end]}` is never known", rule, offset=part.start,
                  severity=Severity.ERROR)

    def units(self) -> None:
        """Two values of different declared units compared, added or subtracted (a count of days
        with a count of months): an error. A unit comes from a parameter's `unit`, the result of a
        catalogue function that has one, and what is built only from values of that one unit (``units.py``)."""
        for at, tree, rule in self._trees():
            for n in walk(tree):
                if not isinstance(n, Binary) or n.op not in ("<", "<=", ">", ">=", "==", "!=", "+", "-"):
                    continue
                left, right = self.units_of.of(n.left), self.units_of.of(n.right)
                if left is not None and right is not None and left != right:
                    self.warn(at, "type-mismatch", f"`{unparse(n.left)}` is {UNIT_WORDS[left]} and "
                              f"`{unparse(n.right)}` {UNIT_WORDS[right]}: `{n.op}` needs values of one unit "
                              "(check the `unit` of the parameter)", rule, offset=n.start, severity=Severity.ERROR)

    def arguments(self) -> None:
        """Constant arguments outside a function's domain, and constant zero divisors: an error here,
        not an unknown (or a failure) for every member; a receipt's year no record can have, a warning
        (``unknown-value``): it matches no receipt."""
        domains: dict[tuple[str, int], tuple[int, int | None, str, str]] = {
            **{(name, 3): (1, 31, "a due day is 1-31", "invalid-argument") for name in ARREARS},
            ("round_up", 1): (1, None, "a step is positive", "invalid-argument"),
            **{(name, 2): (low, high, f"a receipt's year is {low}-{high} in the data contract ({matches})",
                           "unknown-value")
               for name, matches in (("received", "no receipt matches another"),
                                     ("received_by", "a year before it matches no receipt, a year after it every "
                                      "receipt of the programmes"))
               for low, high in [RECEIPT_YEARS]}}
        folder = Folder(self.rs)
        told: set[object] = set()  # where a parameter's value is written: told once, at its first use
        for at, tree, _ in self._trees():
            wide = [(n, said) for n in walk(tree) if isinstance(n, Binary | Unary) and n.op != "not"
                    and isinstance(v := folder.fold(n), Const) and (said := too_wide(v.value)) is not None]
            for grown, said in wide:  # every evaluator would not compute it alike; told where it first grows too wide
                if not any(m is not grown and any(m is x for x in walk(grown)) for m, _ in wide):
                    self.warn(at, "literal-too-large", f"`{unparse(grown)}` {said.split(' ', 1)[1]}",
                              offset=grown.start, severity=Severity.ERROR)
            for n in walk(tree):
                if isinstance(n, Binary) and n.op == "//" and folder.fold(n.right) == Const(0):
                    divisor = unparse(n.right)
                    fix = f"give `{divisor}` a value other than 0" if isinstance(n.right, Name) else \
                        "divide by a number other than 0"
                    self.warn(at, "division-by-zero", f"`{divisor}` is always 0, so this division is unknown "
                              f"for every member; {fix}", offset=n.right.start, severity=Severity.ERROR)
                if not isinstance(n, Call):
                    continue
                for i, arg in enumerate(n.args):
                    domain = domains.get((n.func.dotted, i))
                    if domain is None:
                        continue
                    low, high, text, code = domain
                    severity = Severity.ERROR if code == "invalid-argument" else Severity.WARNING
                    for value, written in self._values(folder, arg):
                        if isinstance(value, int) and (value < low or (high is not None and value > high)):
                            if written is None:
                                self.warn(at, code, f"`{n.func.dotted}`: {text}, got {value}",
                                          offset=arg.start, severity=severity)
                            elif written not in told:  # told where the value is written, where it is changed
                                told.add(written)
                                self.warn(written, code, f"`{n.func.dotted}`: {text}, got {value} "
                                          f"from `{unparse(arg)}` (in `{unparse(n)}`)", severity=severity)
                            break

    def _values(self, folder: Folder, arg: Node) -> list[tuple[Any, Where | None]]:
        """The values a constant argument takes, each with where a parameter's is written (None for
        a literal): its folded value, or each dated value of a parameter."""
        param = self.rs.model.parameters.get(arg.parts[1]) if isinstance(arg, Name) and arg.parts[0] == "param" \
            and len(arg.parts) == 2 else None
        value = folder.fold(arg)
        if isinstance(value, Const):
            return [(value.value, ("parameters", arg.parts[1], "value") if param is not None and isinstance(arg, Name)
                     else None)]
        if param is not None and param.values is not None and isinstance(arg, Name):
            return [(v, ("parameters", arg.parts[1], "values", d.isoformat())) for d, v in param.values.items()
                    if v is not None]
        return []


ARREARS = ("arrears_streak", "arrears_first_month", "arrears_last_month")
"""The functions of an arrears streak: each counts it from a due day (1-31)."""
