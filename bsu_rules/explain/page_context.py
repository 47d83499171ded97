"""What a page says of a decision, worked out once for each page: the ``Context`` the audiences build on.

A ``Context`` holds the decision, its rule set, the language and the glossary, and gives each part
of a page in that language: the heading and verdict, the what-if banner, the dates, the benefit
and the payment channel (and why the worker is paid elsewhere than at their bank), a criterion's
title, sentences, values, basis and footnote, why a priority was not given, and the steps that
would let the decision be made; ``page`` puts them together with the key to the marks used.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from bsu_rules.decisions import RuleResult
from bsu_rules.explain.citations import cite, last_amendment
from bsu_rules.explain.page_data import MARKS, WORDS, Line, Page, Unpaid, channel_named, quoted
from bsu_rules.explain.sentences import fill, row_unset
from bsu_rules.formatting import capital, format_date, mask_said, rupiah
from bsu_rules.glossary import Glossary, Places, glossary_for, join, months
from bsu_rules.members.redact import hide_identifiers
from bsu_rules.ruleset.expressions import Call, Cond, Lit, Name, Node, walk
from bsu_rules.ruleset.nullability import reads_absence, reads_field
from bsu_rules.unknowns import inputs, needed

if TYPE_CHECKING:
    from bsu_rules.decisions import Decision, RuleOutcome
    from bsu_rules.ruleset.model import CheckedRule, RuleSet

_BENEFIT_KEYS = {"id": {"amount": "jumlah bantuan", "monthly": "bantuan per bulan", "months": "lama bantuan",
                        "instalments": "tahap pembayaran bantuan"},
                 "en": {"amount": "benefit amount", "monthly": "monthly benefit", "months": "benefit months",
                        "instalments": "benefit instalments"}}


class Context:
    def __init__(self, decision: Decision, ruleset: RuleSet | None, lang: str, unpaid: Unpaid | None) -> None:
        self.d, self.rs, self.lang, self.w, self.unpaid = decision, ruleset, lang, WORDS[lang], unpaid
        self.g: Glossary = glossary_for(ruleset.path if ruleset else None)
        self.titles = {c.rule.id: c.rule.title for c in ruleset.rules} if ruleset else {}
        self.places = Places.of(ruleset, self.g, codes=True)  # an officer checks the record by the code
        self.params: dict[str, Any] = {k: p.value for k, p in decision.parameters.items()}
        self.notes: list[str] = []
        self.spoken_notes: list[str] = []
        self.policy_noted = False
        self.benefit_note: int | None = None
        self.quoted: list[str] = []  # what the page quotes of text a member or employer typed
        self.amended = last_amendment(ruleset.model, decision.on) if ruleset else None

    def quote(self, written: str) -> str:
        """Text a member or employer typed (a bank's name) as the page quotes it (``page_data.quoted``), noted as
        such: read aloud, it is said as a quotation, never as the page's own words."""
        shown = quoted(written)
        if shown not in self.quoted:
            self.quoted.append(shown)
        return shown

    def channel(self) -> str:
        """The payment channel by name; a bank the glossary does not name (a rule set that pays at any bank)
        quoted as the record writes it: "an account at the bank on record, “Bank Sumut”"."""
        return channel_named(self.g, self.d.channel or "", self.lang, self.quote)

    def channel_code(self) -> str:
        """The channel as the decision names it, for an auditor: a code (``POS``), or a bank the glossary does not
        name quoted as the record writes it."""
        name = self.d.channel
        return "-" if not name else name if name in self.g.channels else self.quote(name)

    def title(self, rule_id: str) -> str:
        title = self.titles.get(rule_id)
        return getattr(title, self.lang) if title else self.g.rule(rule_id, self.lang)

    def note(self, source: str | None, basis: str | None = None, also: str = "") -> int | None:
        """The footnote number of ``source`` (``also``: said after its citation); a policy's source (an
        audit finding) is no law, and the notes' heading then says so."""
        cited = [cite(source, self.g, self.lang, self.amended, self.d.on,
                      self.rs.model.in_force.from_ if self.rs else None,
                      frozenset(self.rs.model.legal_basis) if self.rs else frozenset(), spoken)
                 for spoken in (False, True)]
        if cited[0] is None or cited[1] is None:
            return None
        self.policy_noted = self.policy_noted or basis == "policy"
        text = capital(cited[0] + also)
        if text not in self.notes:
            self.notes.append(text)
            self.spoken_notes.append(capital(cited[1] + also))  # as a voice reads it: "Pasal 3 ayat 2 huruf c"
        return self.notes.index(text) + 1

    def heading(self, audience: str) -> str:
        """The programme and the member; a worker's page, read aloud, says the masked NIK in words ("berawalan
        3204 dan berakhiran 0003"), an officer's and an auditor's keep the mask their records show."""
        programme = getattr(self.rs.model.title, self.lang) if self.rs else "BSU"
        nik = mask_said(self.d.member.nik, self.lang) if audience == "worker" else self.d.member.nik
        return f"{programme} · {self.w['subject'].format(nik)}"

    def what_if(self) -> str:
        """What a decision made under overrides (``--set``, ``--table``) must say first: it is a simulation, and
        what was changed, in words as a voice reads it ("batas upah dalam peraturan diubah menjadi Rp4.000.000",
        never "= Rp4.000.000", read "equals")."""
        overrides = getattr(self.rs, "overrides", ())
        if not overrides:
            return ""
        said = []
        for o in overrides:
            if "table" in o:
                said.append(self.w["replaced"].format(self.g.label(f"table.{o['table']}", self.lang)))
                continue
            if o["set"].startswith("table."):  # ``table.NAME.unlisted``
                table = self.g.label(o["set"].rsplit(".", 1)[0], self.lang)
                said.append(self.w[f"unlisted_{o['value']}"].format(table))
                continue
            change = self.w["set_to"].format(self._override_label(o["set"]), self._override_value(o["set"], o["value"]))
            start = self.rs.model.in_force.from_ if self.rs else None  # a value dated earlier is read from it
            since = date.fromisoformat(o["since"]) if o.get("since") else None
            said.append(self.w["since"].format(change, format_date(max(since, start) if start else since, self.lang))
                        if since else change)
        return self.w["what_if"].format("; ".join(said))

    def _override_label(self, name: str) -> str:
        if name.startswith("benefit."):
            return _BENEFIT_KEYS[self.lang][name.removeprefix("benefit.")]
        return self.g.label(name if name == "as_of" else f"param.{name}", self.lang)

    def _override_value(self, name: str, value: Any) -> str:
        """An overridden value as a page shows it, a NIK-like number hidden."""
        if name.startswith("benefit."):
            shown = months(value, self.lang) if name == "benefit.months" else \
                ", ".join(map(rupiah, value)) if isinstance(value, list) else rupiah(value)
        else:
            shown = self.g.show(name if name == "as_of" else f"param.{name}", value, self.lang, self.places)
        return hide_identifiers(shown or self.w["none"])  # an empty list: none

    def verdict(self) -> str:
        text = self.w[self.d.outcome.value]
        paid = self.unpaid is None and self.d.outcome.value == "eligible"
        return text + self.w["review"] if self.d.flags and paid else text

    def dates(self) -> list[tuple[str, str]]:
        return [(self.w["date"], format_date(self.d.on, self.lang)), (self.w["as_of"], format_date(self.d.as_of,
                                                                                                  self.lang))]

    def payment(self, audience: str) -> list[tuple[str, str]]:
        d, w, lang = self.d, self.w, self.lang
        if self.unpaid is not None:  # eligible, but no benefit and no channel: the NIK is paid elsewhere
            return [(w["benefit"], capital(self.unpaid.said(lang, audience)))]
        if d.benefit is None:
            return []
        b = d.benefit
        simulated = any(o.get("set", "").startswith("benefit.") for o in getattr(self.rs, "overrides", ()))
        self.benefit_note = self.note(self.rs.model.benefit.source, also=w["simulated"] if simulated else "") \
            if self.rs else None  # a citation never vouches for an amount a what-if gave
        text = rupiah(b.amount)
        if b.monthly and b.months and b.months > 1:  # one month: the amount is the month's, said once
            text += f" ({w['monthly'].format(rp=rupiah(b.monthly), months=months(b.months, lang))})"
        parts = b.instalments or [b.amount]
        if len(parts) == 1:
            text += f", {w['once']}"
        elif len(set(parts)) == 1:
            text += f", {w['split'].format(n=len(parts), each=rupiah(parts[0]))}"
        else:
            text += f", {w['parts'].format(n=len(parts), list=join([rupiah(p) for p in parts], lang))}"
        written = d.channel_values.get("member.bank_account.bank")
        if d.channel:
            channel = self.channel() + self.not_at_the_bank(d.channel)
        elif d.missing == ["member.bank_account.bank"] and isinstance(written, str) and written.strip():
            channel = w["no_bank_named"].format(self.quote(written))  # "Bank", "PT Bank": on record
        else:
            channel = w["no_channel"].format(self.g.unrecorded(d.missing, lang)) + self.depends(d.missing) \
                if d.missing else w["unknown"]
        ref = f" [{self.benefit_note}]" if self.benefit_note else ""
        return [(w["benefit"], text + ref), (w["channel"], channel)]

    def depends(self, missing: list[str]) -> str:
        """Why an input the channel waits for matters, where the glossary gives a channel's reason: the
        channel the rules choose when a condition reading that input holds ("BSI" for a work area in Aceh)."""
        rs = self.rs
        if rs is None or rs.channel is None:
            return ""
        said = [self.w["depends"].format(self.g.channel(n.then.value, self.lang),
                                         getattr(self.g.channel_reasons[n.then.value], self.lang))
                for n in walk(rs.channel)
                if isinstance(n, Cond) and isinstance(n.then, Lit) and n.then.value in self.g.channel_reasons
                and set(rs.member_reads(n.test)) & set(missing)]
        return "".join(dict.fromkeys(said))

    def not_at_the_bank(self, channel: str) -> str:
        """Why a worker is paid otherwise than at the bank their record names ("" when paid there): the
        channel's own reason (Aceh), no account number, or a bank that is not a paying state bank."""
        w, read = self.w, self.d.channel_values  # the bank as the record writes it, and as the rules read it
        written = read.get("member.bank_account.bank", read.get("fact.bank"))
        bank = read.get("fact.bank", written)
        shown = written if isinstance(written, str) and written.strip() else None
        if bank == channel and shown is not None:
            return ""
        reason = self.g.channel_reasons.get(channel)
        if reason is not None:  # the channel's own reason (Aceh), whatever account the record names, or none
            why = w["because"].format(getattr(reason, self.lang))
            if shown is None:  # no bank written: nothing more is known of the account
                return why
            return why + (w["no_number_too"] if bank == "" else w["bank_read"].format(self.quote(shown)))
        if shown is None:
            return ""
        if bank == "":  # the rules read no bank: the record has no account number
            return w["no_number"]
        state = read.get("param.state_banks")
        if not isinstance(state, list) or bank in state:
            return w["bank_read"].format(self.quote(shown))
        # a bank a table names (BCA, BSI): known, and not a state bank; any other name: not recognised as one
        return w["other_bank" if self.known_bank(bank) else "not_state"].format(self.quote(shown))

    def known_bank(self, bank: object) -> bool:
        """Whether ``bank`` is a bank a table of the rule set names as a value (a canonical code of its bank table)."""
        return self.rs is not None and isinstance(bank, str) and any(
            t.values is not None and bank in t.values.values() for t in self.rs.tables.values())

    def steps(self) -> list[str]:
        """What to bring or update, and who keeps it, for each input an undetermined decision (or an
        eligible one's payment channel, or an ineligible one failed only for fields left empty) waits
        for, in the glossary's words, each said once; for an ineligible one failed for a value on
        record, the glossary's step for a failed criterion (``rules.valid-nik``: a mistyped NIK is
        corrected at a branch office), where it has one, and then those of the inputs its undecided
        criteria wait for: a correction that leaves one unknown does not make the member eligible, and
        the worker hears both at once, not one a call."""
        d = self.d
        if d.outcome.value == "undetermined":
            wanted = [n.input for n in needed(d, self.rs)]
        elif d.outcome.value == "eligible" and not d.channel and self.unpaid is None:  # unpaid: no channel to choose
            wanted = [i for label in d.missing for i in inputs(label, self.rs)]
        elif d.outcome.value == "ineligible":
            failed = [f"rules.{r.id}" for r in d.rules if r.outcome is RuleResult.FAIL]
            correctable = all(self.step(i) is not None for i in failed)
            wanted = self.left_empty()
            if not wanted and correctable:  # else no correction helps
                then = self.w["then"]  # what is still missing matters only once the record is corrected
                return self._said(failed) + [then.format(also(s, self.lang, self.w))
                                             for s in self._said(self.waiting())]
        else:
            return []
        return self._said(wanted)

    def _said(self, wanted: list[str]) -> list[str]:
        """The step of each input, in the words of the function that reads it where it has them, each once."""
        own = self.found_nothing()
        steps: list[str | None] = []
        for i in wanted:
            steps += own[i] if i in own else [self.step(i)]
        return list(dict.fromkeys(s for s in steps if s is not None))

    def step(self, name: str) -> str | None:
        """The glossary's step for ``name``; a failed criterion's (``rules.wage-ceiling``) said with the values the
        criterion read and the parameters, as an explanation is: None where it says nothing for them."""
        text = self.g.step(name, self.lang)
        if text is None or not name.startswith("rules.") or "{" not in text:
            return text
        read = next((r.values for r in self.d.rules if f"rules.{r.id}" == name), {})
        return fill(text, {**{f"param.{k}": v for k, v in self.params.items()}, **read}, self.lang, self.g,
                    self.places) or None

    def left_empty(self) -> list[str]:
        """The member fields left empty (absent, or written blank) that every failed requirement failed for
        (2020: no KPJ, an empty account number), then the inputs an undecided one waits for; [] when one
        failed for a value on record, which no step can change, or whatever value an absent field is given
        (no work area and a wage above every ceiling in the country: ``nullability.reads_absence``)."""
        deciding = [r for r in self.d.rules if r.kind in ("require", "exclude")]
        empty = [[k for k, v in r.values.items() if k.startswith("member.") and v in (None, "") and (
                  v == "" or self.rs is None or (c := self.checked(r.id)) is None or reads_absence(c.tree, k, self.rs))]
                 for r in deciding if r.outcome is RuleResult.FAIL]
        if not empty or not all(empty):
            return []
        return [k for keys in empty for k in keys] + self.waiting()

    def waiting(self) -> list[str]:
        """The inputs the undecided deciding criteria wait for."""
        return [i for r in self.d.rules if r.kind in ("require", "exclude") and r.outcome is RuleResult.UNKNOWN
                for m in r.missing for i in inputs(m, self.rs)]

    def found_nothing(self) -> dict[str, list[str]]:
        """The steps in the words of the function that reads an input, by that input: for a fact unknown
        although what it reads is on record (``fact.wage``: no wage for the cut-off month or earlier), and
        for a member field a deciding criterion reads through a call (``received(member.program_receipts,
        ["BSU_TEACHER"], param.fiscal_year)``: whether the teachers' wage subsidy was received in 2025, not
        every programme there is)."""
        if self.rs is None:
            return {}
        own: dict[str, list[str]] = {}
        trees = {c.rule.id: c.tree for c in self.rs.rules if c.rule.kind in ("require", "exclude")}
        for r in self.d.rules:
            for label in r.missing if r.outcome is RuleResult.UNKNOWN else ():
                tree = self.rs.facts.get(label.removeprefix("fact.")) if label.startswith("fact.") else \
                    _reading(trees.get(r.id), label) if label.startswith("member.") else None
                step = None if tree is None else self.g.call_words(self.g.steps, tree, self.params, self.lang)
                if step is not None:
                    for i in inputs(label, self.rs):
                        own.setdefault(i, []).append(step)
        return own

    def sentences(self, r: RuleOutcome, *, every_hint: bool) -> list[str]:
        """The explanation, and the hint: all of them, or (for a worker) only one about amounts or dates
        that alone would make the member eligible, never one about who the member is. A hint that
        nothing on record could satisfy only states the fact again: it is read where nothing explains.
        A worker waiting for a table row hears the place and the table, not the figure known so far."""
        unset = row_unset(r.missing, self.read(r), self.lang, self.g, Places.of(self.rs, self.g), self.rs) \
            if not every_hint and r.outcome is RuleResult.UNKNOWN else None
        out = [unset] if unset else [sentence(getattr(r.explain, self.lang))] if r.explain is not None else []
        restated = r.hint is not None and not r.hint.possible and r.explain is not None
        if r.hint is not None and not restated and (every_hint or _about_the_record(r)):
            hint = sentence(getattr(r.hint.text, self.lang).rstrip(".") + self.whatever(r))
            if hint not in out:
                out.append(hint)
        return out

    def checked(self, rule_id: str) -> CheckedRule | None:
        """The rule set's criterion of that id, as checked (None for a page built without the rule set)."""
        return next((c for c in self.rs.rules if c.rule.id == rule_id), None) if self.rs is not None else None

    def whatever(self, r: RuleOutcome) -> str:
        """For a failed criterion's hint, the fields it holds whatever they are, not on record (no work area: the
        limit is the one of every area, not the highest the explanation names); "" where there are none."""
        checked = self.checked(r.id)
        if checked is None or self.rs is None or r.outcome is not RuleResult.FAIL:
            return ""
        tree = checked.tree
        absent = [k for k, v in r.values.items() if k.startswith("member.") and v is None and
                  reads_field(tree, k, self.rs) and not reads_absence(tree, k, self.rs)]
        if absent:
            return self.w["whatever"].format(self.g.labels(absent, self.lang))
        unsure = any(v is None for k, v in r.values.items() if k.startswith("fact."))  # a figure its regency sets
        provinces = [k for k, v in r.values.items() if unsure and isinstance(v, str) and v.endswith("00") and
                     (entry := self.g.names.get(k)) is not None and entry.format == "regency"]
        return self.w["whatever_in"].format(self.g.labels(provinces, self.lang)) if provinces else ""

    def read(self, r: RuleOutcome) -> list[tuple[str, Any]]:
        """A criterion's known values in the order its condition reads them (as stored, without the rule set;
        with it, not those the rule only shows)."""
        checked = self.checked(r.id)
        order, shown = (checked.reads, checked.shown_only) if checked else ((), ())
        known = [(k, v) for k, v in r.values.items() if v is not None and not isinstance(v, bool) and k not in shown]
        return sorted(known, key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))

    def values(self, r: RuleOutcome) -> list[tuple[str, str]]:
        g, lang = self.g, self.lang
        return [(capital(g.describe(k, self.params, lang)), g.show(k, v, lang, self.places))
                for k, v in r.values.items()]

    def later(self, r: RuleOutcome) -> str:
        """Why a priority criterion puts an eligible worker after others, in words: what the record shows
        (a fact it states, such as having received PKH, or a value, such as the employer's sector) or,
        when it cannot be decided, what the record lacks; what the criterion rests on when not the
        regulation's words, and its article."""
        g, lang = self.g, self.lang
        why = [self.w["later_fact"].format(g.describe(k, self.params, lang)) if v is True else
               self.w["later_value"].format(g.describe(k, self.params, lang), g.show(k, v, lang, self.places))
               for k, v in r.values.items() if not k.startswith("param.") and v is not None and v is not False]
        text = self.w["later"].format(title=self.title(r.id), why=join(why, lang) or "-") if not r.missing else \
            self.w["later_unknown"].format(title=self.title(r.id), missing=g.unrecorded(r.missing, lang))
        note = self.note(r.source, r.basis)
        return " ".join([text, *self.basis_for_worker(r)]) + (f" [{note}]" if note else "")

    def basis(self, r: RuleOutcome) -> list[str]:
        key = f"basis_{r.basis}"
        return [f"({self.w[key]})"] if key in self.w else []

    def basis_for_worker(self, r: RuleOutcome) -> list[str]:
        """What a requirement rests on, said in a sentence when it is not the regulation's own words."""
        key = f"worker_{r.basis}"
        if not r.source and f"{key}_unsourced" in self.w:  # no provision cited: none is referred to
            key += "_unsourced"
        return [self.w[key]] if key in self.w else []

    def page(self, audience: str, facts: list[tuple[str, str]], section: str, lines: list[Line],
             steps: list[str] | None = None) -> Page:
        used = {line.mark for line in lines}
        legend = [(mark, self.w[k]) for k, mark in MARKS.items() if mark in used]
        return Page(self.lang, audience, self.d.outcome.value, self.heading(audience), self.verdict(), facts, section,
                    lines, legend, self.notes,
                    {**self.w, "notes": self.w["notes_policy"]} if self.policy_noted else self.w, steps or [],
                    self.what_if(), self.spoken_notes, self.quoted)


_ALSO = {"en": re.compile(r"^(?:(?P<verb>Ask|Take|Bring|Tell|Give|Show|Report|Update|Contact|Visit|Make sure) "
                          r"|(?P<who>The participant) (?P<modal>should|must|needs to) )"),
         "id": re.compile(r"^(?:(?P<verb>Minta|Bawa|Beri tahu|Tunjukkan|Laporkan|Perbarui|Hubungi|Datangi|Pastikan) "
                          r"|(?P<who>Peserta) (?P<modal>perlu|harus) )")}


def also(step: str, lang: str, w: dict[str, str]) -> str:
    """A step said as one more, after the corrections before it ("Once the record is corrected, …"): "also ask
    the employer …", "minta juga pemberi kerja …", "the participant should also tell …", "peserta juga perlu
    …"; a step that is no request ("The list of … is incomplete; …", "If …, ask …") as "one more thing: …"."""
    found = _ALSO[lang].match(step)
    if found is None:
        return w["then_other"].format(_lower(step))
    rest = step[found.end():]
    if found["verb"]:
        verb = _lower(found["verb"])
        return f"also {verb} {rest}" if lang == "en" else f"{verb} juga {rest}"
    who = _lower(found["who"])
    return f"{who} {found['modal']} also {rest}" if lang == "en" else f"{who} juga {found['modal']} {rest}"


def _lower(text: str) -> str:
    """``text`` with its first letter small, unless it opens an abbreviation ("BPJS")."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _reading(tree: Node | None, label: str) -> Node | None:
    """The first call in ``tree`` that takes the member field ``label`` itself as an argument: its step
    is about that field (a condition may call ``received`` and read another field beside it)."""
    return next((n for n in walk(tree) if isinstance(n, Call) and any(
        isinstance(a, Name) and a.dotted == label for a in n.args)), None) if tree is not None else None


def _about_the_record(r: RuleOutcome) -> bool:
    hint = r.hint
    return hint is not None and hint.possible and hint.sufficient and all(
        c.op in ("<=", ">=") or c.field in ("member.wages", "member.contributions") for c in hint.changes)


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
