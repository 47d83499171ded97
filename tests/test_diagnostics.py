"""Every load-time diagnostic code, triggered by editing a copy of the real 2022 rule file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import bsu_rules
from bsu_rules.cli import main
from bsu_rules.ruleset.diagnostics import Diagnostic, Severity
from bsu_rules.ruleset.loader import bundled_rules

ROOT = Path(__file__).resolve().parents[1]

# (code, text in bsu-2022.yaml, replacement, text whose position the diagnostic points at, suggestion)
CASES = [
    ("yaml-syntax", "ruleset: bsu-2022", "ruleset: [bsu-2022", None, None),
    ("duplicate-key", 'version: "2022.9"', 'version: "2022.1"\nversion: "2022.9"', 'version: "2022.9"', None),
    ("unknown-key", "as_of: 2022-07-31", "as_off: 2022-07-31", "as_off", "as_of"),
    ("unknown-key", "    source: pm-10-2022, Pasal 5\n", "    sourc: pm-10-2022, Pasal 5\n", "sourc:", "source"),
    ("missing-key", "as_of: 2022-07-31\n", "", None, None),
    ("invalid-value", "  from: 2022-09-05\n", "  from: 2022-09-35\n", "2022-09-35", None),
    ("invalid-value", "\nfacts:\n", "\nfacts:\n  if: fact.wage\n", "if: fact", None),  # a word of the language
    ("unknown-name", "require: fact.wage <= param.wage_ceiling", "require: fact.wage <= param.wage_cieling",
     "param.wage_cieling", "param.wage_ceiling"),
    ("unknown-name", "last_wage(member.wages,", "last_wage(member.wage,", "member.wage,", "member.wages"),
    ("unknown-function", "arrears_streak(member", "arrears_streek(member", "arrears_streek", "arrears_streak"),
    ("arity", "contribution_billed(member.contributions, param.cutoff_month)",
     "contribution_billed(member.contributions)", "contribution_billed(member.contributions)", None),
    ("type-mismatch", "require: fact.arrears <= param.max_arrears_months",
     "require: fact.arrears <= param.cutoff_month", "fact.arrears <= param.cutoff_month", None),
    ("invalid-value", 'require: member.citizenship == "WNI"', "require: fact.wage <= 9223372036854775808",
     "fact.wage <= 9223372036854775808", None),  # ten digits or more: refused before the engine's limit is
    ("invalid-value", 'require: member.citizenship == "WNI"', "require: fact.wage <= 1" + "1" * 39,
     "fact.wage <= 1111", None),
    ("syntax", 'require: member.citizenship == "WNI"', "require: fact.wage <= 0." + "0" * 18 + "1",
     "0.0000000000000000001", None),
    ("type-mismatch", 'require: member.citizenship == "WNI"', "require: member.citizenship",
     "member.citizenship\n", None),
    ("unknown-value", 'exclude: member.employment_type in ["pns", "tni", "polri"]',
     'exclude: member.employment_type in ["pnss", "tni", "polri"]', '"pnss"', "pns"),
    ("syntax", "require: fact.wage <= param.wage_ceiling or", "require: fact.wage <=> param.wage_ceiling or",
     "> param.wage_ceiling or", None),
    ("cycle", "regional_minimum: table.minimum_wage.get(", "regional_minimum: fact.ceiling + table.minimum_wage.get(",
     "fact.ceiling + table", None),
    ("duplicate-rule", "  - id: arrears\n", "  - id: contribution-billed\n",
     "contribution-billed\n    title: {id: \"Tunggakan", None),
    ("table", "file: tables/minimum-wage-2022.csv", "file: tables/minimum-wage-2023.csv",
     "tables/minimum-wage-2023", None),
    ("bad-format", "{fact.wage:rp}[, upah", "{fact.wage:rpp}[, upah", "rpp}[, upah", "rp"),
    ("bad-format", "a {member.citizenship}, and", "a {member.citizenship:rp}, and", "rp}, and", None),
    ("bad-format", "a {member.citizenship}, and", "a {member.citizenship:date}, and", "date}, and", None),
    ("bad-format", "a {member.citizenship}, and", "a {member.citizenship:nik}, and", "nik}, and", None),
    ("bad-format", "{fact.wage:rp}[, upah", "{fact.wage:date}[, upah", "date}[, upah", "rp"),
    ("bad-format", "{param.cutoff_month:month},] sebesar", "{param.cutoff_month:number},] sebesar",
     "number},] sebesar", "month"),
    ("bad-format", "{param.cutoff_month:month},] sebesar", "{member.wages},] sebesar", "member.wages},] sebesar", None),
    ("bad-format", "{param.cutoff_month:month},] sebesar", "{table.banks},] sebesar", "table.banks},] sebesar", None),
    ("bad-format", "The NIK is not valid: {fact.nik_issue:nik}", "The NIK is not valid: {fact.nik_issue}",
     "fact.nik_issue}\"", "{fact.nik_issue:nik}"),  # a code a worker cannot read
    ("bad-format", "iuran {fact.arrears} antara", "iuran {fact.arrears:rp} antara", "rp} antara",
     "{fact.arrears}"),  # a number, but of months: "Rp3"
    ("type-mismatch", "    value: 2022\n", "    values: {2022-09-05: 2022, 2022-10-01: [BRI]}\n",
     "values: {2022-09-05", None),
    ("invalid-value", "    value: 3500000\n", "    value: 3.500.000\n", "3.500.000", "3500000"),
    ("invalid-value", "  amount: 600000\n  instalments: [600000]", "  amount: 99999999999999999999\n  "
     "instalments: [99999999999999999999]", "99999999999999999999", None),
    ("invalid-value", "    value: 3500000\n", "    value: 3500000.5\n", "3500000.5", None),
    ("invalid-value", "    value: 2\n    unit: months", "    value: -1\n    unit: months", "-1\n    unit: months",
     None),
    ("invalid-value", "    value: 2022-07\n", "    value: 2022-13\n", "2022-13", None),
    ("syntax", "NIK tidak valid: {fact.nik_issue:nik}", "NIK tidak valid: {fact.nik_issue:nik",
     '{fact.nik_issue:nik"', None),
    # a part said only when it adds something: opened once, closed, and showing a value
    ("syntax", "{fact.wage:rp}[, upah", "{fact.wage:rp}[[, upah", "[, upah", None),
    ("syntax", "Rp0; BSU untuk pekerja penerima upah", "Rp0]; BSU untuk pekerja penerima upah", "]; BSU", None),
    ("syntax", "sebesar Rp0;", "sebesar [Rp0];", "[Rp0]", None),
    ("invalid-value", 'version: "2022.9"', 'version: !custom "2022.1"', "!custom", None),
    ("unknown-value", 'exclude: member.employment_type in ["pns", "tni", "polri"]',
     'exclude: member.employment_type in ["PNS", "tni", "polri"]', '"PNS"', "pns"),
    ("unknown-name", 'require: member.citizenship == "WNI"', "require: member.citizenship == WNI", "WNI\n",
     '"WNI"'),
    ("invalid-value", 'version: "2022.9"', 'version: !!python/object/apply:os.system ["true"]', "!!python", None),
    ("unknown-name", 'require: member.participant_category == "PU"',  # a block over lines: the name's own line
     'require: |\n      member.participant_category == "PU"\n        and member.categry != "x"', "member.categry",
     None),
    ("unknown-name", 'require: member.participant_category == "PU"',
     'require: >-\n      member.participant_category\n        == "PU" and\n      member.categry != "x"',
     "member.categry", None),
]


# Mistakes a hand-edited file often holds: (code, old, new, text the diagnostic points at, suggestion,
PRIORITY_LINE = ('    prioritize: not (received(member.program_receipts, ["PRAKERJA"], param.fiscal_year) or '
                 'received(member.program_receipts, ["PKH"], param.fiscal_year) or received(member.program_receipts, '
                 '["BPUM"], param.fiscal_year))  # one call a programme: a page names the one(s) the record shows')
"""bsu-2022's priority line as it is written (a suggestion gives the line as it should read)."""
# text its message holds). One diagnostic only: nothing is reported again where a broken name is used.
PLAIN = [
    # a number compared with a coded text: the values it takes; a date off the calendar: the day near it meant;
    # a window ending before it starts: the two dates the other way round (each where it is written)
    ("type-mismatch", 'require: member.citizenship == "WNI"', "require: member.citizenship == 5", "5\n    source", None,
     'cannot compare text with a number: `member.citizenship` is text, one of "WNA" or "WNI", written in quotes'),
    ("type-mismatch", 'require: member.citizenship == "WNI"', "require: member.employment_type == 1", "1\n    source",
     None, '`member.employment_type` is text, one of "government_honorary", "pns", '),
    ("syntax", 'require: member.citizenship == "WNI"', "require: member.registered_on <= 2022-13-01", "2022-13-01",
     "2022-01-13", "`2022-13-01` is not a date in the calendar: a month is 01 to 12"),
    ("syntax", 'require: member.citizenship == "WNI"', "require: member.registered_on <= 2022-02-30", "2022-02-30",
     "2022-02-28", "`2022-02-30` is not a date in the calendar: February 2022 has 28 days"),
    ("syntax", 'require: member.citizenship == "WNI"', "require: member.registered_on <= 2022-14-15", "2022-14-15",
     None, "write YYYY-MM-DD, a month 01 to 12 and a day of that month"),
    # a day off the calendar as a YAML date of the file: the day near it meant, as in an expression
    ("invalid-value", "as_of: 2022-07-31", "as_of: 2022-07-32", "2022-07-32", "2022-07-31",
     "as_of: `2022-07-32` is not a date in the calendar: July 2022 has 31 days"),
    ("invalid-value", "  from: 2022-09-05", "  from: 2022-13-09", "2022-13-09", "2022-09-13",
     "in_force.from: `2022-13-09` is not a date in the calendar: a month is 01 to 12"),
    ("invalid-value", "    value: 3500000", "    values: {2022-09-05: 3500000, 2022-09-31: 4000000}", "2022-09-31",
     "2022-09-30", "`2022-09-31` is not a date in the calendar: September 2022 has 30 days"),
    ("empty-window", "  until: 2025-06-01", "  until: 2022-09-01", "2022-09-01", "from: 2022-09-01, until: 2022-09-05",
     "the edition starts on 2022-09-05, after it ends on 2022-09-01: write an `until` on or after 2022-09-05, or, "
     "if the two dates are the wrong way round, swap them"),
    # `:rp` shows an amount in rupiah: a number of another unit, or of none, is no amount
    ("bad-format", "iuran {fact.arrears} antara", "iuran {fact.arrears:rp} antara", "rp} antara",
     "{fact.arrears}", "`:rp` shows an amount in rupiah, and `fact.arrears` is a number of months: without a format "
     "it is shown as its glossary entry says (`format: months`: 3 bulan)"),
    ("bad-format", "for {fact.arrears} between", "for {fact.arrears:rp} between", "rp} between",
     "{fact.arrears}", "(`format: months`: 3 months)"),
    ("bad-format", "diperbolehkan {param.max_arrears_months}", "diperbolehkan {param.max_arrears_months:rp}",
     "rp}\"\n      en: \"As of", "{param.max_arrears_months}", "`param.max_arrears_months` is a number of months"),
    # a placeholder's name with a capital is an unknown name, not a stray `{`
    ("unknown-name", "a {member.citizenship}, and", "a {fact.None}, and", "fact.None}, and", None,
     "unknown name `fact.None` in the explanation"),
    ("unknown-name", "a {member.citizenship}, and", "a {Member.citizenship}, and", "Member.citizenship}, and",
     "member.citizenship", "unknown name `Member.citizenship` in the explanation (a name is written in lower case)"),
    # a short number whose exponent takes it past 40 digits is told as written, not as a long number
    ("literal-too-large", "    value: 3500000\n", "    value: 1e400\n", "1e400", None,
     "`1e400` is written with an exponent (write a number with digits only) and is a number of 401 digits, more "
     "than 40"),
    ("literal-too-large", "    value: 3500000\n", "    value: 1e-400\n", "1e-400", None,
     "`1e-400` is written with an exponent (write a number with digits only) and is a number whose first digit is "
     "400 places after the decimal point, more than 40"),
    # ... and inside an expression too, not as a name `e400` after a number
    ("syntax", "require: fact.wage <= param.wage_ceiling or", "require: fact.wage <= 1e400 or",
     "1e400 or", None, "`1e400` is written with an exponent (write a number with digits only) and is a number of "
     "401 digits, more than 40"),
    # ... told by its exponent, never written out (a billion digits): said as more than 40, the count unsaid
    ("syntax", "require: fact.wage <= param.wage_ceiling or", "require: fact.wage <= 1e999999999 or",
     "1e999999999 or", None, "is written with an exponent (write a number with digits only) and is a number of "
     "more than 40 digits"),
    ("syntax", "require: fact.wage <= param.wage_ceiling or", "require: fact.wage <= 1e-999999999 or",
     "1e-999999999 or", None, "is written with an exponent (write a number with digits only) and is a number whose "
     "first digit is more than 40 places after the decimal point"),
    # ... and where written out it is no number a rule file takes, why, not a number to write
    ("syntax", "require: fact.wage <= param.wage_ceiling or", "require: fact.wage <= 1e-40 or", "1e-40 or", None,
     "`1e-40` is written with an exponent and is a number of 40 decimal places, more than the engine computes with "
     "exactly (at most 18)"),
    ("syntax", "require: fact.wage <= param.wage_ceiling or", "require: fact.wage <= 1e9 or", "1e9 or", None,
     "`1e9` is written with an exponent and is a number of 10 digits: too long for a rule file, which holds no "
     "number of ten digits or more"),
    ("syntax", "require: fact.wage <= param.wage_ceiling or", "require: fact.wage <= 2.5e9 or", "2.5e9 or", None,
     "`2.5e9` is written with an exponent and is a number of 10 digits: too long for a rule file"),
    ("syntax", "require: fact.wage <= param.wage_ceiling or", "require: fact.wage <= 1e10 or", "1e10 or", None,
     "`1e10` is written with an exponent and is a number of 11 digits: too long for a rule file"),
    ("syntax", "require: fact.wage <= param.wage_ceiling or", "require: fact.wage <= 1e39 or", "1e39 or", None,
     "`1e39` is written with an exponent and is a number of 40 digits: too long for a rule file"),
    # ... a number of ten digits as written, which a message hides, named without them, its digits given
    ("syntax", "require: fact.wage <= param.wage_ceiling or", "require: fact.wage <= 1.23456789e3 or",
     "1.23456789e3 or", "1234.56789", "the number is written with an exponent: write the number with digits only "
     "(1234.56789)"),
    ("syntax", "require: fact.wage <= param.wage_ceiling or", "require: fact.wage <= 3.5E6 or",
     "3.5E6 or", "3500000", "`3.5E6` is written with an exponent: write the number with digits only (3500000)"),
    # a format with a capital is an unknown format, with the format meant, not a stray `{`
    ("bad-format", "sebesar {fact.wage:rp}[", "sebesar {fact.wage:RP}[", "RP}[", "rp",
     "unknown format `:RP`: a format is written in lower case (use rp, date, month, number, nik)"),
    ("bad-format", "sebesar {fact.wage:rp}[", "sebesar {fact.wage:Rpp}[", "Rpp}[", "rp", "unknown format `:Rpp` (use"),
    # ... the format meant where it shows the value, else the one that does; a format with a digit is no stray `{`
    ("bad-format", "{member.registered_on:date} sebagai", "{member.registered_on:Rp} sebagai", "Rp} sebagai", "date",
     "unknown format `:Rp`: a format is written in lower case (use rp, date, month, number, nik); "
     "`member.registered_on` is a date, which `:date` shows"),
    ("bad-format", "sebesar {fact.wage:rp}[", "sebesar {fact.wage:D4TE}[", "D4TE}[", "rp",
     "unknown format `:D4TE` (use rp, date, month, number, nik); `fact.wage` is a number, which `:rp` shows"),
    ("bad-format", "{member.registered_on:date} sebagai", "{member.registered_on:D4TE} sebagai", "D4TE} sebagai",
     "date", "unknown format `:D4TE` (use rp, date, month, number, nik)"),
    ("bad-format", "iuran {fact.arrears} antara", "iuran {fact.arrears:Date} antara", "Date} antara", None,
     "`fact.arrears` is a number, shown without a format"),
    # ... and where no format is near its spelling, the one that shows the value's type, as `:RP` gets
    ("bad-format", "sebesar {fact.wage:rp}[", "sebesar {fact.wage:zzz}[", "zzz}[", "rp",
     "unknown format `:zzz` (use rp, date, month, number, nik); `fact.wage` is a number, which `:rp` shows"),
    ("bad-format", "{member.registered_on:date} sebagai", "{member.registered_on:zzz} sebagai", "zzz} sebagai",
     "date", "unknown format `:zzz` (use rp, date, month, number, nik); `member.registered_on` is a date, which "
     "`:date` shows"),
    ("bad-format", "iuran {fact.arrears} antara", "iuran {fact.arrears:zzz} antara", "zzz} antara", None,
     "unknown format `:zzz` (use rp, date, month, number, nik); `fact.arrears` is a number, shown without a format"),
    # a dotted name is matched within its namespace: a name that only shares `member.` is no suggestion
    ("unknown-name", 'require: member.citizenship == "WNI"', 'require: member.__class__ == "WNI"', "member.__class__",
     None, "unknown name `member.__class__`"),
    ("unknown-name", 'require: member.citizenship == "WNI"', 'require: membr.citizenship == "WNI"', "membr.",
     "member.citizenship", None),
    ("unknown-name", 'require: member.citizenship == "WNI"', 'require: member.bank_acount.bank == "WNI"',
     "member.bank_acount", "member.bank_account.bank", None),
    ("invalid-value", "    partial: true\n", "    partial: ya\n", "ya\n", "partial: true", "`ya` is not true or false"),
    ("invalid-value", "    partial: true\n", "    partial: tidak\n", "tidak\n", "partial: false",
     "write `true` or `false`"),
    ("yaml-syntax", "    require: fact.arrears", "   require: fact.arrears", "require: fact.arrears",
     "    require: fact.arrears <= param.max_arrears_months", "the keys around it use 4"),
    ("yaml-syntax", "    require: fact.arrears", "       require: fact.arrears", "require: fact.arrears",
     "    require: fact.arrears <= param.max_arrears_months", "`require:` is indented 7 spaces"),
    # a list item without its `- `: told at that line (not "indent the next key by 2", which leads on to another error)
    ("yaml-syntax", "  - id: citizen\n", "  id: citizen\n", "id: citizen\n", "  - id: citizen",
     "`id:` is where the `-` of the list items around it is, with the keys after it as deep as theirs: the `- ` "
     "that starts a list item is missing"),
    ("yaml-syntax", "  - id: valid-nik\n", "  id: valid-nik\n", "id: valid-nik\n", "  - id: valid-nik",
     "the `- ` that starts a list item is missing"),
    ("yaml-syntax", "    require: fact.arrears", "\trequire: fact.arrears", "\trequire",
     "    require: fact.arrears <= param.max_arrears_months", "spaces only, never tabs"),
    # an argument too many is told once, as too many, not also as an argument of no type
    ("arity", "require: nik_valid(member.nik, member.birth_date)",
     "require: nik_valid(member.nik, member.birth_date, 3)", "nik_valid(member.nik, member.birth_date, 3)",
     "nik_valid(member.nik, member.birth_date)", "`nik_valid` takes 1 to 2 arguments, not 3"),
    # a tab on the first key of a block: as deep as the first keys of the blocks like it, not as its parent's
    ("yaml-syntax", "    value: 3500000\n", "\tvalue: 3500000\n", "\tvalue", "    value: 3500000",
     "spaces only, never tabs"),
    ("yaml-syntax", "    value: 3500000\n", "  \tvalue: 3500000\n", "\tvalue", "    value: 3500000",
     "spaces only, never tabs"),
    ("yaml-syntax", 'title: {id: "NIK valid"', "title: {id: NIK: valid", ": valid,",
     '    title: {id: "NIK: valid", en: "Valid NIK"}', "must be put in quotes"),
    ("yaml-syntax", "    source: pm-10-2022, Pasal 3 ayat (2) huruf c; Pasal 4", "    source: pm-10-2022: Pasal 4",
     ": Pasal 4", '    source: "pm-10-2022: Pasal 4"', "must be put in quotes"),
    ("yaml-syntax", "    source: pm-10-2022, Pasal 3 ayat (2) huruf a\n    explain:\n      id: \"NIK",
     "  source: pm-10-2022, Pasal 3 ayat (2) huruf a\n    explain:\n      id: \"NIK",
     "source: pm-10-2022, Pasal 3 ayat (2) huruf a\n    explain:\n      id: \"NIK",
     "    source: pm-10-2022, Pasal 3 ayat (2) huruf a", "indented 2 spaces, but the keys around it use 4"),
    ("yaml-syntax", 'title: {id: "NIK valid", en: "Valid NIK"}', 'title: {id: "NIK valid", en: "Valid NIK"',
     '{id: "NIK valid", en: "Valid NIK"\n', None, "this bracket is not closed: end it with `}`"),
    ("yaml-syntax", 'title: {id: "NIK valid"', 'title: {id: "NIK valid', None, None, "check the quotes and commas"),
    ("yaml-syntax", "ruleset: bsu-2022\n", "ruleset: bsu-2022\n---\n", "---", None,
     "a second YAML document starts here (`---`), but a file holds only one"),
    ("yaml-syntax", "    title: {id: \"NIK valid\", en: \"Valid NIK\"}\n", "    title\n", "title\n", None,
     "this line has no `:`"),
    ("yaml-syntax", "    value: 3500000\n", "  value: 3500000\n", "value: 3500000", "    value: 3500000",
     "`value:` is indented 2 spaces, but the keys around it use 4"),  # the line out of place, not the next
    ("yaml-syntax", "    unit: IDR\n    source: pm-10-2022, Pasal 3 ayat (2) huruf c",
     "  unit: IDR\n    source: pm-10-2022, Pasal 3 ayat (2) huruf c", "unit: IDR\n    source: pm-10-2022, Pasal 3",
     "    unit: IDR", "`unit:` is indented 2 spaces, but the keys around it use 4"),
    # the first key of a block deeper than the keys after it: that key, not the next (which is where the others are)
    ("yaml-syntax", "    value: 3500000\n", "      value: 3500000\n", "value: 3500000", "    value: 3500000",
     "`value:` is indented 6 spaces, but the keys around it use 4"),
    ("yaml-syntax", "  id: Bantuan Subsidi", "    id: Bantuan Subsidi", "id: Bantuan Subsidi",
     "  id: Bantuan Subsidi Gaji/Upah (BSU) 2022", "`id:` is indented 4 spaces, but the keys around it use 2"),
    ("yaml-syntax", "  - id: valid-nik\n", "   - id: valid-nik\n", "- id: valid-nik", "  - id: valid-nik",
     "`id:` is indented 3 spaces, but the items around it use 2"),
    *(("yaml-syntax", "    shows: [fact.wage_month, fact.regional_minimum, member.work_regency_code]",  # no key
       f"    shows:\n      - fact.wage_month\n      - fact.regional_minimum\n{' ' * at}- member.work_regency_code",
       "- member.work", "      - member.work_regency_code  # the wage's month; where the ceiling comes from",
       f"this list item is indented {at} spaces, but the item before it uses 6")
      for at in (4, 5)),
    ("yaml-syntax", "  - id: valid-nik\n    title", "  - id: valid-nik\n       title", "title: {id: \"NIK",
     '    title: {id: "NIK valid", en: "Valid NIK"}', "`title:` is indented 7 spaces"),
    ("yaml-syntax", "  cutoff_month:\n", " cutoff_month:\n", "cutoff_month:", "  cutoff_month:",
     "`cutoff_month:` is indented 1 space, but the keys around it use 2"),  # not the next key, at 2 like the rest
    ("yaml-syntax", "    value: 3500000\n", "    value:3500000\n", "3500000\n    unit", "    value: 3500000",
     "a space is needed after the `:` of `value:`"),  # not "this line has no `:`"
    ("yaml-syntax", "  - id: valid-nik\n", "  - id:valid-nik\n", "valid-nik\n", "  - id: valid-nik",
     "a space is needed after the `:` of `id:`"),
    ("yaml-syntax", '    require: member.citizenship == "WNI"', '    require: "member.citizenship" == "WNI"',
     '== "WNI"', """    require: '"member.citizenship" == "WNI"'""", "the text goes on after its closing quote"),
    # a value that YAML reads as something else before more text: a list, an alias, a quoted text and an operator
    ("yaml-syntax", '    require: member.participant_category == "PU"',
     '    require: [member.participant_category] == ["PU"]', '== ["PU"]',
     """    require: '[member.participant_category] == ["PU"]'""", "YAML reads a value starting with `[` as a list"),
    ("yaml-syntax", '    require: member.participant_category == "PU"', '    require: *member.participant_category',
     "*member", "    require: '*member.participant_category'", "YAML reads a value starting with `*` as an alias"),
    ("yaml-syntax", '    require: member.participant_category == "PU"',
     '    require: "PU" * 1 == member.participant_category', '* 1 ==',
     """    require: '"PU" * 1 == member.participant_category'""", "the text goes on after its closing quote"),
    ("yaml-syntax", "    shows: [fact.wage_month, fact.regional_minimum, member.work_regency_code]",
     "    shows: [fact.wage_month, fact.regional_minimum] member.work_regency_code", "member.work_regency_code  #",
     None,
     "the value goes on after its closing `]`: a list ends there"),
    ("yaml-syntax", '      id: "Peserta tercatat sebagai {member.citizenship}, sedangkan',
     '      id: "Peserta "tercatat" sebagai {member.citizenship}, sedangkan', 'tercatat" sebagai',
     "      id: 'Peserta \"tercatat\" sebagai {member.citizenship}, sedangkan BSU hanya diberikan kepada Warga "
     "Negara Indonesia (WNI)'", "put the whole value in quotes"),
    ("invalid-value", "    value: 3500000\n", "    value: Rp3.500.000\n", "Rp3.500.000", "3500000",
     "an amount in rupiah is written with digits only (3500000)"),
    ("invalid-value", "    value: 3500000\n", '    value: "3500000"\n', '"3500000"', "3500000",
     "an amount in rupiah is written as a number, without quotes (3500000)"),
    ("invalid-value", "    value: 100000\n", "    value: 100.000\n", "100.000", "100000",
     "an amount in rupiah is written with digits only (100000), not 100.000"),
    ("invalid-value", "  amount: 600000\n", "  amount: 600.000\n", "600.000\n", "600000",
     "an amount in rupiah is written with digits only (600000), not 600.000"),  # as a parameter's: not Rp600
    ("invalid-value", "instalments: [600000]", "instalments: [600.000]", "600.000]", "600000",
     "an amount in rupiah is written with digits only (600000), not 600.000"),
    ("invalid-value", "    value: 3500000\n", "    value: Rp3.500.000,00\n", "Rp3.500.000,00", "3500000",
     "written with digits only (3500000)"),
    ("invalid-value", "    value: 3500000\n", "    value: 3,500,000.0\n", "3,500,000.0", "3500000",
     "written with digits only (3500000)"),  # as a spreadsheet in English shows it
    ("invalid-value", "    value: 3500000\n", "    value: !!float 3500000\n", "!!float 3500000", "3500000",
     "an amount in rupiah is a whole number, written 3500000 without a tag (not `!!float 3500000`)"),
    # a text for an amount: once, at the value, not as a type error wherever the parameter is used
    ("invalid-value", "    value: 3500000\n", "    value: 3,5 juta\n", "3,5 juta", "3500000",
     "`3,5 juta` is text: an amount in rupiah is written with digits only (3500000)"),
    ("invalid-value", "    value: 3500000\n", "    value: yes\n", "yes\n    unit: IDR", None,
     "`yes` is text: an amount in rupiah is written with digits only"),
    ("invalid-value", "    value: 3500000\n", "    value: 3:30\n", "3:30\n", None,
     "`3:30` is text: an amount in rupiah is written with digits only"),
    # a rule file is published as written: a NIK or account number in it is refused, never shown
    ("invalid-value", "    value: [BRI, BNI, MANDIRI, BTN]", '    value: [BRI, "4182 0100 4566 507"]',
     '[BRI, "4182', None, "a rule file is published as written, so it names no person"),
    ("invalid-value", "  amount: 600000\n", "  amount: 0\n", "0\n  instalments", None,
     "benefit.amount: a benefit paid is 1 rupiah or more, not 0"),  # in the rule file's words, not pydantic's
    ("invalid-value", "  amount: 600000\n", "  amount: null\n", "null\n  instalments", None,
     "benefit.amount: an amount in rupiah is needed here, written with digits only"),
    ("invalid-value", "instalments: [600000]", "instalments: [0, 600000]", "0, 600000]", None,
     "benefit.instalments[0]: a benefit paid is 1 rupiah or more"),  # an item named as in a record's messages
    ("invalid-value", "    value: 2022-07\n", "    value: 2022-7\n", "2022-7", "2022-07",
     "a month is written YYYY-MM: 2022-07"),
    ("invalid-value", "    value: 2\n    unit: months",
     "    values: {2022-09-05: 2, 2022-10-01: 2.5}\n    unit: months",
     "2.5}", None,
     "a number of months is a whole number, not 2.5"),
    ("invalid-value", "  from: 2022-09-05\n", "  from: 5 September 2022\n", "5 September", "2022-09-05",
     "write the date as YYYY-MM-DD (2022-09-05)"),
    ("invalid-value", "  from: 2022-09-05\n", "  from: 05/09/2022\n", "05/09", "2022-09-05",
     "(2022-09-05, reading it as day/month/year)"),
    ("invalid-value", "  from: 2022-09-05\n", "  from: 5 Sept\n", "5 Sept", None, "write the date as YYYY-MM-DD"),
    ("invalid-value", "as_of: 2022-07-31", "as_of: 07/31/2022", "07/31", "2022-07-31",
     "write the date as YYYY-MM-DD (2022-07-31)"),
    ("invalid-value", "as_of: 2022-07-31", "as_of: 2022-07-31T00:00:00+07:00", "2022-07-31T", "2022-07-31",
     "write the date as YYYY-MM-DD (2022-07-31)"),  # a time of day: never read as the date, whatever its zone
    ("invalid-value", "  from: 2022-09-05\n", "  from: 2022-09-05 00:00:00\n", "2022-09-05 00", "2022-09-05",
     "write the date as YYYY-MM-DD (2022-09-05)"),
    # a month where a day is taken: the day meant (as_of: the day the records are read at, the month's last)
    ("invalid-value", "as_of: 2022-07-31", "as_of: 2022-07", "2022-07\n", "2022-07-31",
     "as_of: `2022-07` is a month, but this is the day the member records are read at (the data cut-off), written "
     "YYYY-MM-DD: for data as at the month's end, 2022-07-31"),
    ("invalid-value", "    value: 3500000\n", "    values: {2022-09-05: 3500000, 2022-10: 3600000}\n", "2022-10:",
     "2022-10-01", "`2022-10` is a month: write a day, YYYY-MM-DD (2022-10-01, the month's first day)"),
    ("invalid-value", "    value: 2022-07\n", "    value: Juli 2022\n", "Juli 2022", "2022-07",
     "`Juli 2022`: a month is written YYYY-MM: 2022-07"),
    ("table", "file: tables/minimum-wage-2022.csv", "file: tables/minimum_wage_2022.csv",
     "tables/minimum_wage_2022", "tables/minimum-wage-2022.csv", "not found"),
    ("table", "file: tables/minimum-wage-2022.csv", "file: minimum-wage-2022.csv", "minimum-wage-2022.csv",
     "tables/minimum-wage-2022.csv", "not found"),
    ("table", "file: tables/minimum-wage-2022.csv", "file: tables/nothing-like-it.csv", "tables/nothing", None,
     "not found"),
    ("syntax", "require: nik_valid(member.nik, member.birth_date)", "require: nik_valid(member.nik, member.birth_date",
     "(member.nik, member.birth_date\n", None, "this `(` is never closed: close it with `)`"),  # where it opens
    ("syntax", "fact.wage <= param.wage_ceiling or", "fact.wage => param.wage_ceiling or", "=> param", ">=",
     "the comparison is written `>=`"),
    ("syntax", "fact.wage <= param.wage_ceiling or", "fact.wage =< param.wage_ceiling or", "=< param", "<=",
     "the comparison is written `<=`"),
    ("syntax", "fact.wage <= param.wage_ceiling or", "fact.wage >= 1.000.000 or", "1.000.000", "1000000",
     "numbers are written with digits only (1000000)"),
    # a number or a date as people write them, inside an expression
    ("syntax", "fact.wage <= param.wage_ceiling or", "fact.wage <= Rp3.500.000 or", "Rp3.500.000 or ((fact", "3500000",
     "`Rp3.500.000`: numbers are written with digits only (3500000)"),
    ("syntax", "fact.wage <= param.wage_ceiling or", "fact.wage <= 3,5 juta or", "3,5 juta or ((fact", "3500000",
     "`3,5 juta`: numbers are written with digits only (3500000)"),
    ("unknown-name", "fact.wage <= param.wage_ceiling or", "fact.wage <= Rp3500000 or", "Rp3500000 or ((fact",
     "3500000",
     "unknown name `Rp3500000`: an amount is written with digits only (3500000)"),
    ("syntax", "require: member.registered_on <= fact.cutoff_day", "require: member.registered_on <= 31/07/2022",
     "31/07/2022\n", "2022-07-31", "`31/07/2022`: dates are written YYYY-MM-DD (2022-07-31)"),
    ("syntax", "fact.wage <= param.wage_ceiling or", "fact.wage <= 3_500_000 or", None, "3500000",
     "`3_500_000`: numbers are written with digits only (3500000)"),
    ("syntax", "fact.wage <= param.wage_ceiling or", "fact.wage <= 3_500_00 or", None, None,
     "`3_500_00`: numbers are written with digits only (350000)"),  # a digit left out: no number to guess
    # what another language, a word processor or a keyboard writes, in the rule file's own words
    ("syntax", "fact.wage <= param.wage_ceiling or", "fact.wage <= param.wage_ceiling atau", "atau ((fact", "or",
     "unexpected `atau`: the rule language writes `or`"),
    ("syntax", "fact.wage <= param.wage_ceiling or", "fact.wage <= param.wage_ceiling AND", "AND ((fact", "and",
     "unexpected `AND`: the rule language writes `and`"),
    ("syntax", "fact.wage <= param.wage_ceiling or", "fact.wage <= param.wage_ceiling &&", "&& ", "and",
     "unexpected `&&`: write `and`"),
    ("syntax", "fact.wage <= param.wage_ceiling or", "fact.wage <= param.wage_ceiling ||", "|| ", "or",
     "unexpected `||`: write `or`"),
    ("syntax", 'require: member.citizenship == "WNI"', 'require: member.citizenship == "WNI" and !known(member.nik)',
     "!known", "not", "unexpected `!`: write `not`"),
    ("invalid-value", 'require: member.citizenship == "WNI"', 'require: !(member.citizenship == "WNI")', "!(member",
     '    require: not (member.citizenship == "WNI")', "to negate a condition, write `not`"),
    # a lone `!` is a tag YAML drops: read as it is, the rule would mean the opposite
    ("invalid-value", "prioritize: not (received(", "prioritize: ! (received(", "! (received(", PRIORITY_LINE,
     "to negate a condition, write `not`"),
    # a list in the call: YAML stops at its `,` before it reads the tag (no `expected <block end>`)
    ("yaml-syntax", "prioritize: not (received(", "prioritize: !(received(", "!(received(", PRIORITY_LINE,
     "to negate a condition, write `not`"),
    ("syntax", 'citizenship == "WNI"', "citizenship == \u201cWNI\u201d", "\u201cWNI", '"WNI"',
     "is a curly quote: write text in straight quotes"),
    ("syntax", 'citizenship == "WNI"', 'citizenship\u00a0== "WNI"', "\u00a0==", None, "a no-break space"),
    ("yaml-syntax", "require: member.citizenship", "require:\u00a0member.citizenship", "\u00a0member",
     '    require: member.citizenship == "WNI"', "a no-break space after `require:`"),
    ("invalid-value", "  basis: interpretation\n", "  basis: interpretaton\n", "interpretaton", "interpretation",
     "`interpretaton` is not a value here: write `regulation`, `policy` or `interpretation`"),
    # one name, not `param.fiscal` minus `year` (and no advice to quote `year`)
    ("unknown-name", "param.fiscal_year)\n    basis: policy", "param.fiscal-year)\n    basis: policy",
     "param.fiscal-year", "param.fiscal_year", "unknown name `param.fiscal-year`: a name joins its words with `_`"),
    ("unknown-name", "fact.arrears <= param.max_arrears_months", "fact.arrears <= param.cap",
     "param.cap", None, "unknown name `param.cap` (a new parameter is declared under `parameters:`)"),
    ("type-mismatch", "    value: 2\n    unit: months", "    value: 60\n    unit: days",
     "fact.arrears <= param.max_arrears_months", None,
     "`fact.arrears` is a number of months and `param.max_arrears_months` a number of days"),
    ("unknown-function", "require: member.registered_on <= fact.cutoff_day",
     "require: age(member.birth_date) <= 5", "age(member.birth_date)", None,
     "the functions are add_months, arrears_first_month, arrears_last_month, arrears_streak"),
    # a list without its brackets: one text to YAML, told at the value, not as a type error where it is used
    ("invalid-value", "value: [BRI, BNI, MANDIRI, BTN]", "value: BRI, BNI, MANDIRI, BTN", "BRI, BNI, MANDIRI, BTN\n",
     "[BRI, BNI, MANDIRI, BTN]",
     "parameters.state_banks.value: `BRI, BNI, MANDIRI, BTN` is one text: a list is written in brackets"),
    # a number YAML reads in a form a rule file does not take: once, where it is written, not where it is used
    ("invalid-value", "    value: 3500000\n", "    value: 0x355\n", "0x355", "853",
     "parameters.wage_ceiling.value: `0x355` is not a number in decimal digits"),  # named as every invalid value
    ("invalid-value", "    value: 3500000\n", "    value: .nan\n", ".nan", None,
     "parameters.wage_ceiling.value: `.nan` is not a number a rule can use"),
    ("invalid-value", "    value: 3500000\n", "    value: 035000000\n", "035000000", "35000000",
     "parameters.wage_ceiling.value: `035000000`: a number cannot start with 0"),
    ("invalid-value", "  fiscal_year:\n", "  fiscal-year:\n", "fiscal-year", "fiscal_year",
     "`fiscal-year` cannot be a name: a name is lower-case letters, digits and `_`"),
    ("invalid-value", "  from: 2022-09-05\n", "  from: 20220905\n", "20220905", "2022-09-05",
     "write the date as YYYY-MM-DD (2022-09-05)"),
    ("invalid-value", "  - id: valid-nik\n", "  - <<: {id: valid-nik}\n", "<<", None,
     "merge keys (`<<:`) are not supported: write the keys out"),
    # a programme passed to a catalogue function is one of the contract's codes, as in `==` and `in`: told
    # as such, never as a missing glossary entry (an entry would make the exclusion silently dead)
    ("unknown-value", '["BSU_TEACHER"]', '["BSU_GURU"]', '"BSU_GURU"', "BSU_TEACHER",
     '"BSU_GURU" is never a value here (values: BPUM, BSU, BSU_TEACHER, PKH, PRAKERJA)'),
    ("unknown-value", '["PKH"], param.fiscal_year) or', '["pkh"], param.fiscal_year) or', '"pkh"', "PKH", None),
    # a comparison of two types that do not mix: at the side to change, with it as it is probably meant
    ("type-mismatch", "require: fact.arrears <= param.max_arrears_months", 'require: fact.arrears <= "2"',
     '"2"\n    shows', "2", "cannot compare a number with text: write 2 without quotes"),
    ("type-mismatch", "require: member.registered_on <= fact.cutoff_day",
     'require: member.registered_on <= "2004-09-05"', '"2004-09-05"', "2004-09-05",
     "cannot compare a date with text: write 2004-09-05 without quotes"),
    ("type-mismatch", "require: member.registered_on <= fact.cutoff_day",
     "require: member.registered_on <= param.cutoff_month", "param.cutoff_month\n", "month_end(param.cutoff_month)",
     "cannot compare a date with a month: compare with month_end(param.cutoff_month) (its last day) or "
     "month_start(param.cutoff_month) (its first day)"),
    ("type-mismatch", "require: member.registered_on <= fact.cutoff_day",
     "require: member.registered_on <= 2022-07",
     "2022-07\n    source: pm-10-2022, Pasal 3 ayat (2) huruf b\n    explain",
     "2022-07-31",
     "compare with a day, 2022-07-31 (the month's last day) or 2022-07-01 (its first)"),
    ("type-mismatch", "require: member.registered_on <= fact.cutoff_day",
     "require: param.cutoff_month >= member.registered_on", "member.registered_on\n",
     "month_of(member.registered_on)",
     "cannot compare a month with a date: compare with month_of(member.registered_on)"),
    ("type-mismatch", "require: fact.arrears <= param.max_arrears_months", "require: fact.bank == 360",
     "360\n", '"360"', "cannot compare text with a number: text is written in quotes"),
    # a comparison in words, and mistakes of other languages' habits: each with the line as it is meant
    ("type-mismatch", "require: fact.arrears <= param.max_arrears_months",
     "require: param.cutoff_month <= param.max_arrears_months", None, None, "cannot compare a month with a number"),
    ("unknown-name", "require: member.registered_on <= fact.cutoff_day", "require: member.deceased_on == null",
     "member.deceased_on == null", "not known(member.deceased_on)",
     "the language has no null: whether a value is on record is asked with `known(…)`"),
    ("unknown-name", "require: member.registered_on <= fact.cutoff_day", "require: None != member.deceased_on",
     None, "known(member.deceased_on)", None),
    ("syntax", "require: fact.arrears <= param.max_arrears_months", "require: 0 <= fact.arrears <= 2",
     "<= 2\n", "0 <= fact.arrears and fact.arrears <= 2", "comparisons are not chained"),
    ("invalid-value", "    value: 3500000\n", "    value: [3500000]\n", "3500000]", "value: 3500000",
     "`[3500000]` is a list (in brackets), which holds texts only: one number or date is written without brackets"),
    # a month written as a date: once, at the value, not at each use
    ("invalid-value", "    value: 2022-07\n", "    value: 2022-07-31\n", "2022-07-31\n    source", "2022-07",
     "`cutoff_month` is a month, written YYYY-MM, not a date"),
    ("invalid-value", "    value: 2022-07\n", "    values: {2022-09-05: 2022-07, 2022-10-01: 2022-08-31}\n",
     "2022-08-31", "2022-08", "`cutoff_month` is a month, written YYYY-MM, not a date"),
    # a day no calendar has, which YAML leaves as text: once, at the value (it was 13 type errors where it is used)
    ("invalid-value", "    value: 2022-07\n", "    value: 2022-02-30\n", "2022-02-30\n    source", None,
     "`2022-02-30` is not a date in the calendar: February 2022 has 28 days (a month is written YYYY-MM: 2022-02?)"),
]


def test_a_table_is_asked_for_in_words_whatever_it_holds(rules_copy: Path) -> None:
    """Not "table of int or table of decimal or table of str or keyset"."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("regency(member.work_regency_code, table.minimum_wage)",
                                 "regency(member.work_regency_code, param.rounding)", 1), "utf-8")
    (found,) = [d for d in bsu_rules.check_file(path)[1] if d.severity == Severity.ERROR]
    assert found.message == "argument 2 of `regency` must be a table (`table.<name>`), not int"


@pytest.mark.parametrize(("old", "new"), [("file: tables/minimum-wage-2022.csv", "file:"),
                                           ('version: "2022.9"', "version: null")])
def test_a_key_with_no_value_is_told_so_at_its_key(rules_copy: Path, old: str, new: str) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    (found,) = [d for d in bsu_rules.check_file(path)[1] if d.severity == Severity.ERROR]
    line = text[:text.index(old)].count("\n") + 1
    assert (found.line, found.message.split(": ", 1)[1]) == (line, "no value is written (nothing after the colon, "
                                                                   "or `null`): write one, or leave the key out "
                                                                   "where it may be left out")


def test_a_table_of_numbers_is_asked_for_as_one(rules_copy: Path) -> None:
    """``highest_for`` reads the highest of numbers: a table of bank names is named as what it is not."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("highest_for(member.work_regency_code, table.minimum_wage, 0)",
                                 "highest_for(member.work_regency_code, table.banks, 0)", 1), "utf-8")
    (found,) = [d for d in bsu_rules.check_file(path)[1] if d.severity == Severity.ERROR]
    assert found.message == "argument 2 of `highest_for` must be a table of numbers (`table.<name>`, such as " \
        "`table.minimum_wage`), not table of str"


@pytest.mark.parametrize(("code", "old", "new", "at", "suggestion", "says"), PLAIN, ids=[c[0] for c in PLAIN])
def test_plain_messages_with_a_suggestion(rules_copy: Path, code: str, old: str, new: str, at: str | None,
                                          suggestion: str | None, says: str | None) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")
    _, diagnostics = bsu_rules.check_file(path)
    assert [d.code for d in diagnostics] == [code], [str(d) for d in diagnostics]
    (found,) = diagnostics
    if at is not None:
        assert (found.line, found.column) == _position(text, at), str(found)
    assert found.suggestion == suggestion, str(found)
    assert says is None or says in found.message, str(found)
    assert not re.search("<block|<scalar>|but found|but got", found.message), str(found)
    assert found.severity == Severity.ERROR and (found.rule is None) == (code not in ("syntax", "type-mismatch",
                                                                                       "unknown-function",
                                                                                       "unknown-name",
                                                                                       "unknown-value", "arity",
                                                                                       "bad-format"))


@pytest.mark.parametrize(("edits", "says", "suggestion"), [
    ({"    value: 15\n": "    value: 15\n    unit: days\n",
      "ada tunggakan iuran": "ada tunggakan {param.contribution_due_day:rp} iuran"},
     "`param.contribution_due_day` is a number of days: without a format it is shown as a number; say the unit "
     "after it", "{param.contribution_due_day} hari"),
    ({"  arrears: arrears_streak(": "  limit: param.fiscal_year\n  arrears: arrears_streak(",  # a fact naming one
      "ada tunggakan iuran": "ada tunggakan {fact.limit:rp} iuran"},
     "`fact.limit` (`param.fiscal_year`) is a number with no `unit`", "{fact.limit}"),
    ({"diperbolehkan {param.max_arrears_months}": "diperbolehkan {param.fiscal_year:rp}"},
     "`param.fiscal_year` is a number with no `unit`, not an amount (a year, a day of the month or a count): without "
     "a format it is shown as its glossary entry says; if it is an amount in rupiah, give `param.fiscal_year` "
     "`unit: IDR`", "{param.fiscal_year}"),
    ({"iuran {fact.arrears} antara": "iuran {fact.arrears} {fact.wage:rp} {fact.ceiling:rp} antara "
      "{param.rounding:rp} {fact.regional_minimum:rp} {fact.arrears:number} {param.fiscal_year:number}"}, None, None),
])
def test_rp_shows_an_amount_in_rupiah_only(rules_copy: Path, edits: dict[str, str], says: str | None,
                                           suggestion: str | None) -> None:
    """`:rp` on a number of days, or on a fact that is a parameter of no unit, is a `bad-format` at the format
    with the placeholder to write; on an amount (a parameter or fact in rupiah, a table's rupiah through a fact)
    it passes, as `:number` does on any number."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    for old, new in edits.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, "utf-8")
    told = [d for d in bsu_rules.check_file(path)[1] if d.code == "bad-format"]
    if says is None:
        assert told == []
        return
    (found,) = told
    unitless = "with no `unit`" in says  # an amount declared without its unit reads right: only a warning
    assert found.severity == (Severity.WARNING if unitless else Severity.ERROR), str(found)
    assert (found.code, found.rule, found.suggestion) == ("bad-format", "arrears", suggestion), str(found)
    assert says in found.message, str(found)
    assert (found.line, found.column) == _position(text, "rp} iuran" if "rp} iuran" in text
                                                   else "rp}\"\n"), str(found)


@pytest.mark.parametrize(("new", "suggestion", "says"), [
    ("require: [fact.arrears <= 2]", "require: fact.arrears <= 2",
     "a list (in brackets) where `require` takes one text"),
    ('require: ""', None, "nothing is written here"),
])
def test_a_criterion_s_expression_in_another_shape_is_told_in_words(rules_copy: Path, new: str,
                                                                    suggestion: str | None, says: str) -> None:
    path = rules_copy / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace("require: fact.arrears <= param.max_arrears_months", new, 1),
                    "utf-8")
    _, diagnostics = bsu_rules.check_file(path)
    (found,) = diagnostics
    assert (found.code, found.rule, found.suggestion) == ("invalid-value", "arrears", suggestion), str(found)
    assert says in found.message and "should" not in found.message, str(found)


def test_a_parameter_used_as_a_month_and_written_as_a_date_is_told_once_at_its_value(rules_copy: Path) -> None:
    """Not named `_month`: known as a month by where it is used (`last_wage`, `{…:month}`)."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8").replace("cutoff_month", "cutoff").replace("    value: 2022-07\n",
                                                                             "    value: 2022-07-31\n")
    path.write_text(text, "utf-8")
    _, diagnostics = bsu_rules.check_file(path)
    assert [(d.code, d.line, d.column, d.suggestion) for d in diagnostics] == [
        ("invalid-value", *_position(text, "2022-07-31\n    source"), "2022-07")], [str(d) for d in diagnostics]


def test_a_duplicate_rule_id_says_where_it_was_first_used(rules_copy: Path) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8").replace("  - id: arrears\n", "  - id: contribution-billed\n")
    path.write_text(text, "utf-8")
    found = [d for d in bsu_rules.check_file(path)[1] if d.code == "duplicate-rule"]
    first = _position(text, "contribution-billed\n")[0]
    assert [d.message for d in found] == [f"rule id `contribution-billed` is used twice (first at line {first})"]
    assert found[0].line > first


def test_a_nik_in_an_expression_is_refused_and_never_repeated(rules_copy: Path) -> None:
    """A rule file is published as written (``doc``, the service): a list of NIKs in it is an error."""
    path = rules_copy / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace('exclude: member.employment_type in ["pns", "tni", "polri"]',
                                                    'exclude: member.nik in ["3204125708940003"]', 1), "utf-8")
    (found,) = bsu_rules.check_file(path)[1]
    assert (found.code, found.rule) == ("invalid-value", "not-pns-tni-polri"), str(found)
    assert "as a NIK or an account number is" in found.message and "3204125708940003" not in str(found)


@pytest.mark.parametrize(("file", "after", "line"), [
    ("bsu-2022.yaml", "legal_basis:\n", "  bpjs-3273012345678901: Peraturan BPJS\n"),  # `doc` prints the keys
    ("glossary/glossary.yaml", "\nrules:\n", "  x-3273012345678901: {id: x, en: y}\n"),
    ("glossary/glossary.yaml", "  member.citizenship:\n", "    \"3273012345678901\": {id: x, en: y}\n"),
])
def test_a_nik_in_a_key_is_refused_where_it_is(rules_copy: Path, file: str, after: str, line: str) -> None:
    """A key is published as its text is: a legal-basis key, a glossary entry's key."""
    path = rules_copy / file
    text = path.read_text("utf-8")
    assert text.count(after) >= 1
    text = text.replace(after, after + line, 1)
    path.write_text(text, "utf-8")
    found = bsu_rules.check_file(rules_copy / "bsu-2022.yaml")[1]
    said = [d for d in found if d.file == str(path)]
    assert said and "cannot be a key: it holds a number of ten digits or more" in said[0].message, found
    assert said[0].line == text[:text.index(line)].count("\n") + 1 and "3273012345678901" not in str(said[0])


@pytest.mark.parametrize("values", ["    values: {}\n", "    values:\n      2022-09-05: null\n"])
def test_a_parameter_whose_values_give_none_is_said_to_have_none(rules_copy: Path, values: str) -> None:
    """Nothing mixes types where no value is given: `values: {}`, or only the null that ends one."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    head = text.index("  wage_ceiling:\n")
    at = text.index("    value: 3500000\n", head)
    path.write_text(text[:at] + values + text[at + len("    value: 3500000\n"):], "utf-8")
    (found,) = bsu_rules.check_file(path)[1]
    assert (found.code, found.message) == ("invalid-value", "`param.wage_ceiling` has no value: `values` gives none "
                                           "(a null only ends a value given before it): give a dated value"), str(found)


def test_a_rule_id_is_explained_with_its_lower_case_form(rules_copy: Path) -> None:
    path = rules_copy / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace("  - id: citizen\n", "  - id: Citizen\n", 1), "utf-8")
    (found,) = bsu_rules.check_file(path)[1]
    assert (found.code, found.suggestion) == ("invalid-value", "citizen"), str(found)
    assert found.message.startswith("`Citizen` cannot be a rule id: a rule id is lower-case letters"), str(found)
    path.write_text(path.read_text("utf-8").replace("  - id: Citizen\n", "  - id: citiz\u0435n\n", 1), "utf-8")
    (found,) = bsu_rules.check_file(path)[1]  # a Cyrillic letter drawn as e: named, and read as the e it looks like
    assert found.suggestion == "citizen" and "(`\u0435` is Cyrillic Small Letter Ie, not a letter a-z)" in found.message
    for typed, named in (("c\u0131tizen", "Latin Small Letter Dotless I"),
                         ("c\u00edtizen", "Latin Small Letter I With Acute")):
        path.write_text(re.sub(r"  - id: citiz\S*n\n|  - id: c\S+tizen\n", f"  - id: {typed}\n",
                               path.read_text("utf-8"), count=1), "utf-8")
        (found,) = bsu_rules.check_file(path)[1]  # a dotless or accented i is read as the i it is (not `c-tizen`)
        assert found.suggestion == "citizen" and f"is {named}, not a letter a-z" in found.message, str(found)


@pytest.mark.parametrize(("old", "new", "rule"), [
    ('title: {id: "Warga Negara Indonesia (WNI)", en:', 'title: {id: "Warga Negara Indonesia (WNI)", eng:', "citizen"),
    ("description: {id: Batas upah, en: Wage ceiling}", "description: {id: Batas upah, eng: Wage ceiling}", None),
])
def test_a_mistyped_language_key_is_one_error_with_the_key_meant(rules_copy: Path, old: str, new: str,
                                                                 rule: str | None) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text := text.replace(old, new, 1), "utf-8")
    (found,) = bsu_rules.check_file(path)[1]  # not also "`en` is required here"
    assert (found.code, found.message, found.suggestion, found.rule) == ("unknown-key", "unknown key `eng`", "en", rule)
    assert (found.line, found.column) == _position(text, "eng:")


@pytest.mark.parametrize("blank", ['""', '" "', '"."', '"\u3164"'])  # U+3164, a Hangul filler: shown as nothing
def test_a_title_or_explanation_of_no_words_is_refused_where_it_is_written(rules_copy: Path, blank: str) -> None:
    """A refused worker would be given "✗ ." as the reason, a criterion no name on the officer's page."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    old = 'title: {id: "Warga Negara Indonesia (WNI)", en:'
    assert old in text
    path.write_text(text := text.replace(old, f"title: {{id: {blank}, en:", 1), "utf-8")
    (found,) = bsu_rules.check_file(path)[1]
    assert (found.code, found.rule) == ("invalid-value", "citizen") and "title.id: no words" in found.message
    assert (found.line, found.column) == _position(text, blank + ", en:")


def test_a_rule_repeated_through_an_alias_is_reported_once(rules_copy: Path) -> None:
    path = rules_copy / "bsu-2022.yaml"
    rule = '  - &dup {id: no-teacher-subsidy, title: {id: a, en: b}, flag: "true", basis: policy}\n  - *dup\n'
    path.write_text(path.read_text("utf-8").replace("\nbenefit:", "\n" + rule + "benefit:", 1), "utf-8")
    assert [d.code for d in bsu_rules.check_file(path)[1]] == ["duplicate-rule"]


@pytest.mark.parametrize(("text", "says"), [
    ("", "the file is empty: start from a copy of a bundled rule file"),
    ("# nothing yet\n\n", "the file is empty"),
    ("- ruleset: bsu-2022\n", "this file holds a list, but a rule file is keys and their values"),
    ("hello\n", "this file holds a single value, but a rule file is keys and their values"),
])
def test_a_file_that_is_not_a_mapping_gets_one_error(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "new.yaml"
    path.write_text(text, "utf-8")
    (found,) = bsu_rules.check_file(path)[1]
    assert (found.line, found.column, found.code) == (1, 1, "not-a-rule-file") and says in found.message, str(found)


# An edit of the 2022 minimum-wage table: (old, new, the text the diagnostic points at, its message)
TABLE_EDITS = [
    ("3215,Kab. Karawang,UMK,4798312,", '3215,Kab. Karawang,UMK,"4798312,', '"4798312',
     'a quote `"` is not closed: the cell runs on to line 21'),
    (None, None, ";area_name", "the columns are separated by `;`: separate them with commas"),
    ("Kab. Karawang", "Kab. \xffKarawang", "\xffKarawang", "the file is not UTF-8 text: save it as UTF-8"),
    ("level,amount,", "level,amont,", "amont", "the rule file reads a column `amount`, and the header has `amont` "
     "instead: name this column `amount`"),  # the header mistyped: not the rule file told to follow it
    ("3273,Kota Bandung,UMK,3742276.48", "3273,Kota Bandung,UMK,3 742 276.48", "3 742 276.48",
     "an amount in rupiah is written with digits only"),  # a space between thousands
    ("bound,source\n", "bound\n", "area_code", "the header names 5 columns (area_code, area_name, level, amount, "
     "bound), but every row has 6 cells: name the missing column in the header"),  # once, not at each row
    ("level,amount,", "amount,level,", "UMP", "`amount` is 'UMP', not an amount in rupiah (nor in the 29 rows after "
     "it), though the rule file says `unit: IDR`, and `level` holds a number in each row: does the header "
     "name"),  # two columns swapped in the header
    ("amount,bound,", "bound,amount,", "exact", "`amount` is 'exact', not an amount in rupiah (nor in the 29 rows "
     "after it), though the rule file says `unit: IDR`, and `bound` holds a number in each row"),  # once, not per row
    ("level,amount,", "level,ammount,", "ammount", "the rule file reads a column `amount`, and the header has "
     "`ammount` instead: name this column `amount`"),  # a letter typed twice in the header
]


@pytest.mark.parametrize(("old", "new", "at", "says"), TABLE_EDITS)
def test_a_broken_table_file_is_reported_where_it_is_broken(rules_copy: Path, old: str | None, new: str | None,
                                                            at: str, says: str) -> None:
    table = rules_copy / "tables" / "minimum-wage-2022.csv"
    text = table.read_text("utf-8")
    text = text.replace(",", ";") if old is None else text.replace(old, new or "", 1)
    table.write_bytes(text.encode("latin-1", "replace") if "\xff" in text else text.encode("utf-8"))
    (found,) = bsu_rules.check_file(rules_copy / "bsu-2022.yaml")[1]
    assert (found.file, found.line, found.column) == (str(table), *_position(text, at)), str(found)
    assert found.code == "table" and says in found.message, str(found)


def test_an_amount_with_decimals_under_a_swapped_header_is_not_taken_for_a_nik(rules_copy: Path) -> None:
    """Makassar's 3880136.865 (ten digits with its decimals) lands in `bound` when the header swaps `amount`
    and `bound`: the swap is the one mistake told, not a personal number in that row."""
    table = rules_copy / "tables" / "minimum-wage-2025.csv"
    text = table.read_text("utf-8")
    assert ",3880136.865," in text
    table.write_text(text.replace("amount,bound,", "bound,amount,", 1), "utf-8")
    (found,) = bsu_rules.check_file(rules_copy / "bsu-2025.yaml")[1]
    assert "does the header name the columns in the order the rows hold them?" in found.message, str(found)


@pytest.mark.parametrize(("old", "new", "suggestion"), [
    ("    key: area_code\n", "    key: area_cod\n", "area_code"),  # letters dropped
    ("    key: area_code\n", "    key: area_cdoe\n", "area_code"),  # the header's is one of a code and name pair
    ("    value: amount\n", "    value: amout\n", "amount"),
])
def test_a_table_column_mistyped_in_the_rule_file_is_told_there(rules_copy: Path, old: str, new: str,
                                                                 suggestion: str) -> None:
    """Not at the table's header, with a fix that would copy the typo into it."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8").replace(old, new, 1)
    path.write_text(text, "utf-8")
    (found,) = bsu_rules.check_file(path)[1]
    typo = new.split(": ")[1].strip()
    assert (found.file, found.line, found.column) == (str(path), *_position(text, typo)), str(found)
    assert found.code == "table" and found.suggestion == suggestion and f"its header has `{suggestion}`" in \
        found.message, str(found)


@pytest.mark.parametrize(("old", "new", "code", "at", "suggestion", "says"), [
    ("  wage_ceiling:\n", "  wage_celing:\n", "unknown-name", "wage_celing:", "wage_ceiling",
     "parameter `wage_celing` is never used, while `param.wage_ceiling` is used and declared nowhere"),
    ("  wage_ceiling:\n", "  upah_batas:\n", "unknown-name", "upah_batas:", "wage_ceiling",  # not alike: one of each
     "parameter `upah_batas` is never used, while `param.wage_ceiling` is used and declared nowhere: was the "
     "parameter renamed here?"),
    ("    value: 2022\n", '    value: "2022"\n', "invalid-value", '"2022"', "2022",
     '"2022" is text, but `param.fiscal_year` is passed to `received` as a number: write it without quotes'),
    ("    value: 15\n", "    value: fifteen\n", "invalid-value", "fifteen", None,
     "`fifteen` is text, but `param.contribution_due_day` is passed to `arrears_first_month` as a number"),
    ("    value: 15\n", "    values: {2022-09-05: 15, 2022-10-01: fifteen}\n", "invalid-value", "fifteen", None,
     "write it with digits only"),
    ("    value: 15\n", "    value: 015\n", "invalid-value", "015", "15", "write it without its leading 0 (15)"),
    ("    value: 15\n", '    value: "015"\n', "invalid-value", '"015"', "15",
     "write it without quotes and without its leading 0 (15)"),
])
def test_a_parameter_mistake_is_told_once_where_the_parameter_is_written(
        rules_copy: Path, old: str, new: str, code: str, at: str, suggestion: str | None, says: str) -> None:
    """A misspelt name (never used, close to a name used and declared nowhere) or a text value of a parameter
    without a unit passed to a function as a number: one error at the parameter, not one at each use with
    a suggestion pointing at the typo."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")
    _, diagnostics = bsu_rules.check_file(path)
    assert [(d.code, d.line, d.column, d.suggestion) for d in diagnostics] == [
        (code, *_position(text, at), suggestion)], [str(d) for d in diagnostics]
    assert says in diagnostics[0].message


@pytest.mark.parametrize(("old", "new", "at", "suggestion", "says"), [
    ("    value: 2022\n", "    value: 2022.0\n", "2022.0", "2022",
     "`param.fiscal_year` is decimal (`2022.0`), but it is used as argument 3 of `received`, which must be int"),
    ("    value: 2022\n", "    values: {2022-09-05: 2022, 2022-10-01: 2022.0}\n", "2022.0}", "2022",
     "argument 3 of `received`, which must be int"),
    ("    value: [BRI, BNI, MANDIRI, BTN]\n", "    value: BRI\n", "BRI\n", "[BRI]",
     "`param.state_banks` is str (`BRI`), but it is used as the list after `in`, which must be list of str: a list "
     "is written in brackets, even of one item"),
])
def test_a_parameter_value_of_the_wrong_type_is_told_once_at_the_value(
        rules_copy: Path, old: str, new: str, at: str, suggestion: str, says: str) -> None:
    """A value of another type than its uses take (a year written `2022.0`, a list of one bank without its
    brackets): once, at the value, with the value meant, not at each use (`fiscal_year` is read twice)."""
    (found,) = _told_once(rules_copy, old, new, "type-mismatch", at, suggestion)
    assert says in found.message


@pytest.mark.parametrize(("old", "new", "at", "suggestion", "says"), [
    ('version: "2022.9"', "version: 2022.10", "2022.10", 'version: "2022.10"',
     "version: `2022.10` is read as a number (the same number as 2022.1): text is written in quotes"),
    ('version: "2022.9"', "version: 2022-10-01  # October", "2022-10-01", 'version: "2022-10-01"',
     "version: `2022-10-01` is read as a date: text is written in quotes"),
    ('title: {id: "Warga Negara Indonesia (WNI)", en: "Indonesian citizen (WNI)"}',
     "title: Warga Negara Indonesia (WNI)", "Warga Negara", 'title: {id: "Warga Negara Indonesia (WNI)", en: "…"}',
     "title: `Warga Negara Indonesia (WNI)` is one text: a title is written in both languages"),  # (rule citizen)
    ("{id: Tahun anggaran, en: Fiscal year}", "{id: 2022, en: Fiscal year}", "2022, en", 'id: "2022"',
     "parameters.fiscal_year.description.id: `2022` is read as a number"),  # in braces: up to the `,`
    ("  instalments: [600000]", "  instalments: 600000", "600000\n  source", "instalments: [600000]",
     "benefit.instalments: `600000` is one value: a list is written in brackets, even of one item"),
    # one value where a mapping is: a parameter's, a window's, a benefit's, dated values'
    ("  wage_ceiling:\n    value: 3500000\n    unit: IDR\n    source: pm-10-2022, Pasal 3 ayat (2) huruf c\n"
     "    description: {id: Batas upah, en: Wage ceiling}\n", "  wage_ceiling: 3500000\n", "3500000\n",
     "wage_ceiling: {value: 3500000, source: …}", "`3500000` alone: a parameter is a mapping"),
    ("    value: 3500000\n", "    values: 3500000\n", "3500000\n", "values: {YYYY-MM-DD: 3500000}",
     "dated `values` map each date to the value from that date"),
    ("benefit:\n  amount: 600000\n  instalments: [600000]\n  source: pm-10-2022, Pasal 6 ayat (1) (Rp600.000 sekali)\n",
     "benefit: 600000\n", "600000\n", "benefit: {amount: 600000}", "`600000` alone: the benefit is a mapping"),
    ("benefit:\n  amount: 600000\n  instalments: [600000]\n  source: pm-10-2022, Pasal 6 ayat (1) (Rp600.000 sekali)\n",
     "benefit:\n", "benefit:\n", None, "`benefit:` has no value: the benefit is a mapping"),  # told at the key
    ("  wage_ceiling:\n    value: 3500000\n    unit: IDR\n    source: pm-10-2022, Pasal 3 ayat (2) huruf c\n"
     "    description: {id: Batas upah, en: Wage ceiling}\n", "  wage_ceiling: 3.500.000\n", "3.500.000", None,
     "`3.500.000` alone: a parameter is a mapping"),  # not repeated in a suggestion
])
def test_a_value_of_another_shape_is_told_in_plain_words_with_the_line_meant(
        rules_copy: Path, old: str, new: str, at: str, suggestion: str | None, says: str) -> None:
    """A number or a date where text is taken, one text where a title in both languages is, one value where a
    list is: said in plain words (not pydantic's "Input should be a valid string"), with the line as it
    should read."""
    (found,) = _told_once(rules_copy, old, new, "invalid-value", at, suggestion)
    assert says in found.message and "Input should" not in found.message


def _told_once(rules_copy: Path, old: str, new: str, code: str, at: str, suggestion: str) -> list[Diagnostic]:
    """The diagnostics of the 2022 rule file with ``old`` made ``new``: one, ``code``, at ``at`` with ``suggestion``."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")
    _, diagnostics = bsu_rules.check_file(path)
    assert [(d.code, d.line, d.column, d.suggestion) for d in diagnostics] == [
        (code, *_position(text, at), suggestion)], [str(d) for d in diagnostics]
    return list(diagnostics)


@pytest.mark.parametrize(("new", "at", "says"), [
    ("value: {2022: x}", "{2022", "parameters.fiscal_year.value: the value is a mapping: a parameter's value is "
     "a number, a text, a date, true or false, or a list of texts in brackets (a value that changes on a date "
     "goes under `values:`, keyed by the date)"),
    ("value: [BRI, null, MANDIRI, BTN]", "null", "parameters.state_banks.value[1]: an empty item (`null`, or "
     "nothing between two commas): a list of texts has none; leave it out"),
    ("value: [BRI, 2, MANDIRI, BTN]", "2, M", "parameters.state_banks.value[1]: `2` is read as a number: text is "
     "written in quotes"),
    ("values: {2022-01-01: [BRI, {x: 1}]}", "{x", "parameters.state_banks.values.2022-01-01[1]: the item is a "
     "mapping: a list of texts holds texts only"),
])
def test_a_parameter_value_of_no_shape_it_takes_is_one_error_in_plain_words(rules_copy: Path, new: str, at: str,
                                                                          says: str) -> None:
    """A mapping, or a list holding an item that is not text, as a parameter's value: one error, at the value
    or at the item, in plain words (pydantic gave one for each shape it tried: "Input should be a valid
    boolean", "… integer", "… date" and more)."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    old = "value: 2022\n" if "2022:" in new else "value: [BRI, BNI, MANDIRI, BTN]\n"
    assert old in text
    text = text.replace(old, new + "\n", 1)
    path.write_text(text, "utf-8")
    _, diagnostics = bsu_rules.check_file(path)
    assert [(d.code, d.line, d.column, d.message) for d in diagnostics] == [
        ("invalid-value", *_position(text, at), says)], [str(d) for d in diagnostics]


def _position(text: str, needle: str) -> tuple[int, int]:
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


@pytest.mark.parametrize("written", ["31/07/2022", "2022-07-31 ", "31 Juli 2022"])
def test_a_month_parameter_written_as_a_day_of_it_is_told_once_where_it_is_written(rules_copy: Path,
                                                                                    written: str) -> None:
    """`cutoff_month: 31/07/2022` is one mistake: told at the value with the month meant, not at each of the
    eight places that read it (it was: at each of them, and not where it was written)."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8").replace("    value: 2022-07\n", f"    value: {written}\n", 1)
    path.write_text(text, "utf-8")
    ruleset, diagnostics = bsu_rules.check_file(path)
    assert ruleset is None and len(diagnostics) == 1, [str(d) for d in diagnostics]
    [d] = diagnostics
    assert (d.line, d.suggestion) == (text[:text.index(f"value: {written}")].count("\n") + 1, "2022-07"), str(d)


@pytest.mark.parametrize(("code", "old", "new", "at", "suggestion"), CASES, ids=[c[0] for c in CASES])
def test_each_code_points_at_the_mistake(rules_copy: Path, code: str, old: str, new: str, at: str | None,
                                         suggestion: str | None) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")
    ruleset, diagnostics = bsu_rules.check_file(path)
    assert ruleset is None
    found = [d for d in diagnostics if d.code == code]
    assert found, [str(d) for d in diagnostics]
    first = found[0]
    assert first.severity == Severity.ERROR and first.file == str(path)
    if at is not None:
        assert (first.line, first.column) == _position(text, at), str(first)
    if suggestion is not None:
        assert first.suggestion == suggestion, str(first)


def test_load_raises_with_every_diagnostic(rules_copy: Path) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8").replace("param.wage_ceiling or", "param.wage_cieling or")
    path.write_text(text.replace("as_of, param", "as_off, param", 1), "utf-8")
    with pytest.raises(bsu_rules.RuleSetError) as info:
        bsu_rules.load_ruleset(path)
    codes = [d.code for d in info.value.diagnostics]  # type: ignore[attr-defined]
    assert codes == ["unknown-name", "unknown-name"]
    lines = [d.line for d in info.value.diagnostics]  # type: ignore[attr-defined]
    assert lines == sorted(lines)


def test_unknown_bundled_id_suggests_the_nearest() -> None:
    ruleset, diagnostics = bsu_rules.check_file("bsu-20222")
    assert ruleset is None and diagnostics[0].code == "file-not-found"
    assert diagnostics[0].suggestion == "bsu-2022"


def test_check_cli_json(rules_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = rules_copy / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace("as_of, param", "as_off, param", 1), "utf-8")
    assert main(["check", str(path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == 1
    (diag,) = report["diagnostics"]
    assert diag["code"] == "unknown-name" and diag["suggestion"] == "as_of" and diag["line"] > 1


def test_a_file_that_is_not_utf8_is_placed_by_every_command(rules_copy: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    rule_file, cases = rules_copy / "bsu-2022.yaml", rules_copy / "tests" / "bsu-2022.yaml"
    cases.parent.mkdir()
    cases.write_bytes((Path(bsu_rules.__file__).parents[1] / "rules" / "tests" / "bsu-2022.yaml").read_bytes())
    for path in (rule_file, cases):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\n# caf\xe9\n", 1))  # Latin-1, line 2
    assert main(["check", str(rule_file)]) == 1
    assert f"{rule_file}:2:6: error [encoding]: the file is not UTF-8 text" in capsys.readouterr().out
    assert main(["check", str(rules_copy)]) == 1
    assert "[encoding]" in capsys.readouterr().out
    assert main(["test", str(cases)]) == 1
    assert f"{cases}:2:6: error [encoding]" in capsys.readouterr().out


def test_check_refuses_a_huge_rule_file_before_reading_it(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("ruleset: big\nzz: [" + "1," * 600_000 + "1]\n")
    assert main(["check", str(path)]) == 1
    assert "larger than the limit of 1,048,576 bytes" in capsys.readouterr().out


def test_bundled_file_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "bsu-2022"]) == 0
    assert "0 errors" in capsys.readouterr().out


def test_a_single_equals_sign_is_explained(rules_copy: Path) -> None:
    path = rules_copy / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace('member.citizenship == "WNI"', 'member.citizenship = "WNI"', 1))
    [found] = [d for d in bsu_rules.check_file(path)[1] if d.code == "syntax"]
    assert "write `==`" in found.message


# A row appended to the 2022 minimum-wage table: (row, code, severity, column, suggestion, text the message holds)
ROWS = [
    ("3374,Kota Semarang,UMK,3800000,exact", "table", Severity.ERROR, 1, None,
     "this row has 5 cells, but the header has 6 columns"),
    ("3374,Kota Semarang,UMK,3800000,exact,contoh,extra,more", "table", Severity.ERROR, 1, None,
     "put a text that holds a comma in double quotes"),
    # a cell's mistake at the cell, as for every other cell
    ('3374,Kota Semarang,UMK,"3.800.000",exact,contoh', "table", Severity.ERROR, 24, "3800000",
     "a number written with separators"),
    ('3374,Kota Semarang,UMK,"3800000,90",exact,contoh', "table", Severity.ERROR, 24, "3800000.90",
     "a number written with separators"),
    ("3374,Kota Semarang,UMK,2.5e6,exact,contoh", "table", Severity.ERROR, 24, None,
     "not a number as in the other rows"),
    *((f"3374,Kota Semarang,UMK,{cell},{bound},contoh", "table", Severity.ERROR, 24, meant,
       "an amount in rupiah is written with digits only")  # the currency written in, also in a lower bound
      for cell, bound, meant in (("Rp3800000", "exact", "3800000"), ("Rp3800000", "lower", "3800000"),
                                 ('"3800000,-"', "exact", "3800000"), ("IDR 3800000.50", "exact", "3800000.50"))),
    ("3578,Kota Surabaya,UMK,4375479,exact,again", "table", Severity.ERROR, 1, None,
     "key 3578 appears twice (first at line 16)"),
    ("3374,Kota Semarang,UMK,3800000,exact,", "missing-source", Severity.WARNING, 38, None,
     "row `3374` of `table.minimum_wage` has an empty `source`"),
]


def test_a_table_whose_every_amount_is_written_with_rp_is_told_at_each_cell(rules_copy: Path) -> None:
    """Every amount `Rp…`: the table would read as text, and the rule file be blamed; it is the cell."""
    table = rules_copy / "tables" / "minimum-wage-2022.csv"
    lines = table.read_text("utf-8").splitlines()
    column = lines[0].split(",").index("amount")
    rows = [line.split(",") for line in lines[1:]]
    for row in rows:
        row[column] = "Rp" + row[column]
    table.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n", "utf-8")
    _, diagnostics = bsu_rules.check_file(rules_copy / "bsu-2022.yaml")
    found = diagnostics[0]  # and each other row after it
    assert [d.line for d in diagnostics] == list(range(2, len(rows) + 2))
    assert (found.file, found.line) == (str(table), 2) and found.suggestion == rows[0][column].removeprefix("Rp")
    assert "an amount in rupiah is written with digits only" in found.message


@pytest.mark.parametrize(("row", "code", "severity", "column", "suggestion", "says"), ROWS, ids=[r[1] for r in ROWS])
def test_a_wrong_table_row_is_reported_at_its_csv_line(rules_copy: Path, row: str, code: str, severity: Severity,
                                                       column: int, suggestion: str | None, says: str) -> None:
    table = rules_copy / "tables" / "minimum-wage-2022.csv"
    text = table.read_text("utf-8")
    table.write_text(text + row + "\n", "utf-8")
    _, diagnostics = bsu_rules.check_file(rules_copy / "bsu-2022.yaml")
    (found,) = diagnostics
    assert (found.file, found.line, found.column) == (str(table), text.count("\n") + 1, column), str(found)
    assert (found.code, found.severity, found.suggestion) == (code, severity, suggestion), str(found)
    assert says in found.message, str(found)


def test_a_missing_glossary_entry_names_the_file_and_the_entry(rules_copy: Path) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8").replace("  rounding:\n", "  rounding_step:\n").replace("param.rounding)",
                                                                                       "param.rounding_step)")\
        .replace("{param.rounding:rp}", "{param.rounding_step:rp}")
    path.write_text(text, "utf-8")
    (found,) = bsu_rules.check_file(path)[1]
    assert found.code == "no-glossary-entry"
    assert (found.line, found.column) == _position(text, "value: 100000")
    glossary = rules_copy / "glossary" / "glossary.yaml"
    assert found.message == (f"`param.rounding_step` has no entry under `names` in the glossary {glossary}: "
                             "add `param.rounding_step: {id: …, en: …, format: rp}` there")


@pytest.mark.parametrize(("old", "new"), [
    ("    value: 2022\n", '    value: "3204125708940003"\n'),  # a text passed as a number: the NIK never suggested
    ("    value: 2022\n", '    value: "0719204418"\n'),  # an account number, the same
    ('version: "2022.9"', "version: 3204125708940003.10"),  # the number YAML reads, in full
    ("  instalments: [600000]", "  instalments: [320412570894000]"),  # what the instalments add up to
])
def test_no_rule_file_message_or_suggestion_shows_a_nik_or_account_number(
        rules_copy: Path, capsys: pytest.CaptureFixture[str], old: str, new: str) -> None:
    """Hidden where a diagnostic is made, whichever check words it: in its text and JSON forms alike."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")
    _, diagnostics = bsu_rules.check_file(path)
    assert diagnostics and all(d.severity == Severity.ERROR for d in diagnostics), [str(d) for d in diagnostics]
    assert main(["check", "--format", "json", str(path)]) == 1 and main(["check", str(path)]) == 1
    shown = capsys.readouterr().out + "\n".join(str(d) for d in diagnostics)
    assert not re.search(r"(?<![0-9a-f])\d{10,}(?![0-9a-f])", shown), shown  # a sha256 is not a number


@pytest.mark.parametrize(("key", "block"), [("a" * 2000, False), ('"' + "1" * 30_000 + '"', False), ("x" * 1100, True)])
def test_a_key_longer_than_yaml_reads_is_told_so_not_as_indentation(rules_copy: Path, key: str, block: bool) -> None:
    """A key with its value on the line, or one opening a block (``rounding:`` renamed)."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    text = text.replace("  rounding:\n", f"  {key}:\n", 1) if block else \
        text.replace("facts:\n", f"facts:\n  {key}: 1\n", 1)
    path.write_text(text, "utf-8")
    (found,) = bsu_rules.check_file(path)[1]
    assert (found.code, found.line, found.column) == ("yaml-syntax", *_position(text, key)), str(found)
    assert found.message == (f"a key of {len(key):,} characters: YAML reads a key of at most 1,024 as a key; give it "
                             "a short name") and "1" * 10 not in str(found)


SHOWS = ("    shows: [fact.wage_month, fact.regional_minimum, member.work_regency_code]  # the wage's month; where the "
         "ceiling comes from\n")


@pytest.mark.parametrize(("shown", "code", "said"), [
    ("[member.wages]", "invalid-value", "`member.wages` is a history: show a fact computed from it"),
    ("[fact.wage + 1]", "invalid-value", "`shows` lists names whose values the trace shows"),
    ("[fact.regional_minimun]", "unknown-name", "fact.regional_minimun"),
    ("[param.cutoff-month]", "invalid-value", "not expressions"),
    ("[table.minimum_wage]", "invalid-value", "`table.minimum_wage` is a table, not a value"),
    ("[fact.wage, fact.wage]", "invalid-value", "`fact.wage` is listed twice"),
    ("['fact.wage, fact.ceiling']", "invalid-value", "one name per item")])
def test_a_shown_name_is_checked_where_it_is_written(rules_copy: Path, shown: str, code: str, said: str) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8").replace(SHOWS, f"    shows: {shown}\n")
    path.write_text(text, "utf-8")
    [found] = [d for d in bsu_rules.check_file(path)[1] if d.severity == Severity.ERROR]
    assert (found.code, found.rule, found.line) == (code, "wage-ceiling", _position(text, f"shows: {shown}")[0])
    assert said in found.message
    if shown == "[param.cutoff-month]":
        assert found.suggestion == "param.cutoff_month"


def test_a_fact_only_shown_is_used_and_a_change_of_what_is_shown_is_a_change(rules_copy: Path) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace(SHOWS, "    shows: [fact.only_shown]\n").replace(
        "\nfacts:\n", "\nfacts:\n  only_shown: fact.wage + 1\n", 1), "utf-8")
    glossary = rules_copy / "glossary" / "glossary.yaml"
    entry = "  fact.only_shown: {id: upah ditambah satu, en: wage plus one, format: rp}\n"
    glossary.write_text(glossary.read_text("utf-8").replace("  fact.wage: ", entry + "  fact.wage: ", 1), "utf-8")
    assert not [d for d in bsu_rules.check_file(path)[1] if d.code == "unused"]  # shown: used
    from bsu_rules.diff import compare

    old, new = bsu_rules.load_ruleset("bsu-2022"), bsu_rules.load_ruleset(path)
    changed = [f for r in compare(old, new)["rules"] for f in r.get("fields", []) if f["field"] == "shows"]
    assert changed == [{"field": "shows", "old": "fact.wage_month, fact.regional_minimum, member.work_regency_code",
                        "new": "fact.only_shown"}]


def test_what_a_rule_shows_is_traced_and_changes_nothing_else(rules_copy: Path) -> None:
    """``shows`` adds values to a criterion's trace: the outcome, what it waits for and the explanation
    are those of the same rule without it, for each edition that shows the ceiling's sources."""
    members = [json.loads(line) for line in (ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()]
    members += [{**members[0], "work_regency_code": "1571", "wages": [{"period": "2025-04", "amount": 3_700_001}]},
                {**members[0], "work_regency_code": None, "wages": None}]
    for edition, on in (("bsu-2021", "2021-09-01"), ("bsu-2022", "2022-09-12"), ("bsu-2025", "2025-06-20")):
        path = rules_copy / f"{edition}.yaml"
        assert SHOWS in path.read_text("utf-8")
        shown = bsu_rules.load_ruleset(path)
        path.write_text(path.read_text("utf-8").replace(SHOWS, ""), "utf-8")
        plain = bsu_rules.load_ruleset(path)
        for record in members:
            with_shows, without = (json.loads(bsu_rules.evaluate(rs, record, on=on).to_json()) for rs in (shown, plain))
            for a, b in zip(with_shows["rules"], without["rules"], strict=True):
                extra = {"fact.wage_month", "fact.regional_minimum", "member.work_regency_code"} \
                    if a["id"] == "wage-ceiling" else set()
                assert extra <= a["values"].keys()
                assert a["values"] == {**b["values"], **{k: a["values"][k] for k in extra}}
                assert {k: v for k, v in a.items() if k != "values"} == {k: v for k, v in b.items() if k != "values"}
            assert {k: v for k, v in with_shows.items() if k not in ("rules", "ruleset")} == \
                {k: v for k, v in without.items() if k not in ("rules", "ruleset")}
    jambi = bsu_rules.evaluate(shown, members[-2], on="2025-06-20").rule("wage-ceiling")
    assert (jambi.outcome, jambi.values["fact.regional_minimum"], jambi.values["member.work_regency_code"]) == \
        ("fail", "3607223", "1571")


@pytest.mark.parametrize(("old", "new", "says", "suggestion"), [
    ('require: member.citizenship == "WNI"', 'require: member.citizenship == "WNI" and True',
     "unknown name `True` (the language writes `true` in lower case)", "true"),
    ('require: member.citizenship == "WNI"', 'require: member.citizensh\u0456p == "WNI"',
     "unexpected character '\u0456', U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I", None),
    ('require: member.citizenship == "WNI"', 'require: member.citizenship == "WNI\u200b"',
     '"WNI\\u200b" is never a value here', "WNI"),
    ("require: fact.arrears <= param", "require: fact.arrears \u2264 param", "unexpected `\u2264`: write `<=`", "<="),
    ("require: fact.arrears <= param", "require: fact.arrears <= param \u2013 1 +", "unexpected `\u2013`: write `-`",
     "-"),
    ("require: fact.arrears <= param", "require: \ufefffact.arrears <= param",
     "an invisible character, U+FEFF ZERO WIDTH NO-BREAK SPACE: delete it", None),
])
def test_a_character_that_looks_like_another_is_named(rules_copy: Path, old: str, new: str, says: str,
                                                       suggestion: str | None) -> None:
    """What reads as the word meant but is not (Python's `True`, a Cyrillic `і`, an invisible space) is
    named for what it is, so the author sees the difference."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace(old, new, 1), "utf-8")
    (found,) = bsu_rules.check_file(path)[1]
    line = text[:text.index(old)].count("\n") + 1
    assert says in found.message and found.suggestion == suggestion and found.line == line, str(found)


def test_a_window_written_as_one_date_is_told_as_the_mapping_it_is(rules_copy: Path) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    block = text[text.index("in_force:\n"):text.index("\nas_of:") + 1]
    path.write_text(text.replace(block, "in_force: 2022-09-05\n", 1), "utf-8")
    (found,) = bsu_rules.check_file(path)[1]
    assert "`2022-09-05` alone: `in_force` is a mapping" in found.message, str(found)
    assert found.suggestion == "in_force: {from: 2022-09-05}" and "Input should" not in found.message


def test_nesting_too_deep_to_recurse_is_told_at_its_line(rules_copy: Path) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    line = text[:text.index("    description: {id: Batas upah")].count("\n") + 1
    path.write_text(text.replace("    description: {id: Batas upah, en: Wage ceiling}",
                                 "    description: " + "[" * 1100 + "]" * 1100, 1), "utf-8")
    (found,) = bsu_rules.check_file(path)[1]
    assert (found.code, found.line, found.column) == ("too-deep", line, 18 + 32), str(found)


@pytest.mark.parametrize("written", ["0003204125708940003 > 0", "fact.wage * 0.3204125708940003 < 10000000",
                                     "fact.wage < 4798312.3204125708940003"])
def test_a_nik_in_a_number_s_leading_zeros_or_decimals_is_refused(rules_copy: Path, written: str) -> None:
    """A number carries a NIK however it is padded: zeros before it, or as the decimals of an amount."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    assert text.count('    require: member.citizenship == "WNI"\n') == 1
    path.write_text(text.replace('    require: member.citizenship == "WNI"\n',
                                 f'    require: member.citizenship == "WNI" and {written}\n'), "utf-8")
    (found,) = bsu_rules.check_file(path)[1]
    assert (found.code, found.rule) == ("invalid-value", "citizen") and "16 digits in it, as a NIK is" in found.message
    assert "3204125708940003" not in str(found)


@pytest.mark.parametrize(("written", "refused"), [("fact.wage < 4182010045", True), ("fact.wage < 0418201004566", True),
                                                  ("fact.wage < 4798312.4182010045665", True),
                                                  ("fact.wage < 999999999", False),
                                                  ("fact.wage < 3742276.480000000000", False)])
def test_an_account_number_s_length_in_an_expression_is_refused(rules_copy: Path, written: str, refused: bool) -> None:
    """A number of ten digits or more is no amount a rule set uses: written in an expression, `doc` would
    publish it, and a decision quotes the criterion."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace('    require: member.citizenship == "WNI"\n',
                                 f'    require: member.citizenship == "WNI" and {written}\n'), "utf-8")
    errors = [d for d in bsu_rules.check_file(path)[1] if d.severity == "error"]
    assert [(d.code, d.rule) for d in errors] == ([("invalid-value", "citizen")] if refused else []), errors
    assert not refused or ("ten digits or more in it" in errors[0].message and "418201" not in str(errors[0]))


def test_a_parameter_value_carrying_a_nik_in_its_decimals_is_refused(rules_copy: Path) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    assert text.count("  max_arrears_months:") == 1
    path.write_text(text.replace("  max_arrears_months:", "  shadow: {value: 0.3204125708940003, source: "
                                 "\"pm-10-2022, Pasal 3\"}\n  max_arrears_months:"), "utf-8")
    found = [d for d in bsu_rules.check_file(path)[1] if d.severity == "error"]
    assert [d.code for d in found] == ["invalid-value"] and "16 digits, as a NIK is" in found[0].message, found
    assert "3204125708940003" not in str(found[0])


@pytest.mark.parametrize(("written", "meant"), [("٣٥٠٠٠٠٠", "3500000"), ("３５００００0", "3500000"),
                                                ("3５00000", "3500000")])
def test_a_number_in_digits_other_than_0_to_9_is_a_syntax_error_with_the_number_meant(
        rules_copy: Path, written: str, meant: str) -> None:
    """A published rule reads as it computes: `٣٥٠٠٠٠٠` is not read as 3500000 behind the reader's back."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    assert text.count("require: fact.wage <= param.wage_ceiling or") == 1
    path.write_text(text.replace("require: fact.wage <= param.wage_ceiling or", f"require: fact.wage <= {written} or"),
                    "utf-8")
    (found,) = bsu_rules.check_file(path)[1]
    assert (found.code, found.rule, found.suggestion) == ("syntax", "wage-ceiling", meant), str(found)
    assert found.message == f"`{written}` is written in digits other than 0-9: write {meant}"


@pytest.mark.parametrize(("name", "says"), [
    ("glossary/glossary.yaml", "this is the glossary, not a rule file: it is read with the rule files of the folder "
                               "above it (check those: bsu-rules check "),
    ("tests/bsu-2022.properties.yaml", "this is a properties file, not a rule file: `bsu-rules prove` reads it "
                                       "(bsu-rules prove bsu-2022 --properties "),
    ("tests/bsu-2022.yaml", "this is a rule test file, not a rule file: run `bsu-rules test "),
])
def test_a_bundled_file_that_is_no_rule_file_is_named_for_what_it_is(name: str, says: str) -> None:
    """`check rules/glossary/glossary.yaml` gave 22 missing-key errors at one line, a properties file five."""
    (found,) = bsu_rules.check_file(bundled_rules() / name)[1]
    assert (found.line, found.column, found.code) == (1, 1, "not-a-rule-file") and says in found.message, str(found)


def test_a_real_day_in_quotes_is_not_said_to_be_no_day(rules_copy: Path) -> None:
    """`"2022-09-30"` (a day, quoted) was told it "is not a date in the calendar": it is one, written as text."""
    path = rules_copy / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace("    value: 2022-07\n", '    value: "2022-09-30"\n', 1), "utf-8")
    (found,) = bsu_rules.check_file(path)[1]
    assert "not a date in the calendar" not in found.message and found.suggestion == "2022-09", str(found)


def test_a_set_value_with_an_exponent_is_told_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    examples = str(ROOT / "examples" / "members.jsonl")
    assert main(["evaluate", "bsu-2022", examples, "--set", "wage_ceiling=1e400"]) == 2
    err = capsys.readouterr().err
    assert "error [literal-too-large]: `1e400` is written with an exponent (write a number with digits only) and is " \
        "a number of 401 digits, more than 40, larger than the engine computes" in err
    assert main(["evaluate", "bsu-2022", examples, "--set", "wage_ceiling=1e-400"]) == 2
    err = capsys.readouterr().err
    assert "400 places after the decimal point, more than 40\n" in err and "larger" not in err
