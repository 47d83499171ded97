"""What the impact command warns of, carried by its report: each side's warnings, two sides that are
one, a member file that may not cover a cut-off month, two rule files under one version."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from bsu_rules.formatting import number
from bsu_rules.members.redact import hide_identifiers
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.override_warnings import told
from bsu_rules.ruleset.warned import Warned

Json = dict[str, Any]


def warnings(report: Json, reform: RuleSet, on: date, baseline: RuleSet | None, baseline_on: date | None,
              unversioned: list[str]) -> list[Json]:
    """What the command warns of, carried by the report so that its numbers never travel without it: each
    side's warnings (``told``), two sides that are one, a member file that may not cover a cut-off month,
    what ``diff`` warns of (``unversioned``: two files under one version, a number lowered below a partial table's
    rows)."""
    found: list[tuple[str | None, Warned]] = [("reform", w) for w in told(reform, on)]
    if baseline is not None and baseline_on is not None:
        found += [("baseline", w) for w in told(baseline, baseline_on, "--against-on")]
        found += [(None, w) for w in [same_sides(reform, on, baseline, baseline_on)] if w]
    found += [(None, w) for w in uncovered(report)]
    found += [(None, w if isinstance(w, Warned) else Warned(w, "version")) for w in unversioned]
    folders = {f"{folder}{os.sep}" for rs in (reform, baseline) if rs is not None  # the same report from any folder
               for folder in (rs.path.parent, rs.path.resolve().parent) if folder.is_absolute()}
    return [{"kind": w.kind, "side": side, "text": hide_identifiers(_relative(w, folders))}
            | ({"text_id": hide_identifiers(_relative(w.indonesian, folders))} if w.indonesian else {})
            for side, w in found]


def _relative(text: str, folders: set[str]) -> str:
    """``text`` with each rule file's folder left out of the paths it names (``bsu-2022.yaml:190:17``)."""
    for folder in sorted(folders, key=len, reverse=True):
        text = text.replace(folder, "")
    return text


def same_sides(reform: RuleSet, on: date, baseline: RuleSet, baseline_on: date,
               named: str = "the baseline") -> Warned | None:
    """A baseline (``named``) that is the reform decided on the same date: every difference is 0."""
    if (baseline.sha256, baseline_on) != (reform.sha256, on):
        return None
    return Warned(f"{named} is the rule set measured (sha256 {reform.sha256[:12]}), decided on the same date {on}: "
                  "every difference is 0", "same",
                  f"{'pembanding' if named == 'the baseline' else named} adalah aturan yang diukur (sha256 "
                  f"{reform.sha256[:12]}), diputus pada tanggal yang sama {on}: setiap selisihnya 0")


def uncovered(report: Json) -> list[Warned]:
    """A side whose data month (that of its ``as_of``, the end of its cut-off month) no contribution or
    wage in the member file reaches, or those of fewer than half the members with any: its criteria read
    months the file does not hold (a file extracted for an earlier cut-off, a few early payers in it)."""
    given = report["input"]
    latest, earliest, held, file = given.get("latest_month"), given.get("earliest_month"), given.get("with_data", 0), \
        given["file"]
    months = {side["as_of"][:7]: side["ruleset"] for side in (report["baseline"], report["reform"]) if side}
    out: list[Warned] = []
    if not given["rows"]:  # no member at all: the file is empty, not extracted for another month
        return out
    for month, ruleset in sorted(months.items()):
        for when, end, count in (("later", latest, "reaching"), ("earlier", earliest, "preceding")):
            found = given.get(count, {}).get(month, 0)
            if end is None or (end < month if when == "later" else end > month):
                out.append(Warned(f"no member in {file} has a contribution or wage for {month} (the month {ruleset} "
                                  f"reads its data as at) or {when} ({'latest' if when == 'later' else 'earliest'}: "
                                  f"{end or 'none'}): the file may not cover this edition's cut-off month", "coverage",
                                  f"tidak ada peserta di {file} yang memiliki iuran atau upah untuk {month} "
                                  f"(bulan data {ruleset}) atau {'sesudahnya' if when == 'later' else 'sebelumnya'} ("
                                  f"{'terakhir' if when == 'later' else 'pertama'}: {end or 'tidak ada'}): berkas "
                                  "mungkin tidak mencakup bulan batas edisi ini"))
                break
            if 2 * found < held:
                out.append(Warned(f"only {found:,} of the {held:,} members in {file} with a contribution or wage have "
                                  f"one for {month} (the month {ruleset} reads its data as at) or {when}: the file may "
                                  "not cover this edition's cut-off month, and the others are decided as if they had "
                                  "none", "coverage",
                                  f"dari {number(held, 'id')} peserta di {file} yang memiliki iuran atau upah, hanya "
                                  f"{number(found, 'id')} yang memilikinya untuk {month} (bulan data {ruleset}) "
                                  f"atau {'sesudahnya' if when == 'later' else 'sebelumnya'}: berkas mungkin tidak "
                                  "mencakup bulan batas edisi ini, dan peserta lain diputus seolah-olah tidak "
                                  "memilikinya"))
                break
    return out
