"""No full NIK or bank account number in any output, log, rejects file or message of a run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bsu_rules.audit.snapshot import KEY_ENV
from bsu_rules.batch.generate import write_population
from bsu_rules.cli import main
from bsu_rules.members.redact import hide_typed, mask_nik


def _secrets(path: Path) -> set[str]:
    """Every NIK and account number in a JSONL member file, however malformed the record."""
    found: set[str] = set()
    for line in path.read_text("utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            found |= set(re.findall(r"[0-9]{12,}", line))
            continue
        if isinstance(record, dict):
            nik, account = record.get("nik"), (record.get("bank_account") or {}).get("number")
            found |= {str(v) for v in (nik, account) if v is not None and len(str(v)) >= 10}
    return found


@pytest.mark.parametrize("keyed", [True, False])
def test_a_run_shows_no_full_nik_or_account_number(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch, keyed: bool) -> None:
    members = tmp_path / "m.jsonl"
    write_population(members, 400, 8)  # with malformed records: bad NIKs, bad JSON, unknown fields ...
    with members.open("a", encoding="utf-8") as f:  # and the attacks on the mask
        wide = "３２１５０１４１０７９０９９９１"
        base = {"citizenship": "WNI", "participant_category": "PU"}
        f.write(json.dumps({"nik": wide, **base}, ensure_ascii=False) + "\n")
        f.write(json.dumps({"nik": "3215014107909992 ", "citizenship": "WNI", "participant_category": "PU"}) + "\n")
        f.write(json.dumps({"nik": 3215014107909993, "citizenship": "WNI", "participant_category": "PU",
                            "bank_account": {"number": 1230100012399999}}) + "\n")
    secrets = _secrets(members) | {"3215014107909993", "1230100012399999", "３２１５０１４１０７９０９９９１"}
    assert len(secrets) > 300
    if keyed:
        monkeypatch.setenv(KEY_ENV, "a key kept elsewhere")
    runs = [
        ["evaluate", "bsu-2022", str(members)],
        ["evaluate", "bsu-2022", str(members), "--format", "text", "--lang", "en"],
        ["evaluate", "bsu-2022", str(members), "--log", str(tmp_path / "decisions.log"),
         *([] if keyed else ["--full-nik"])],
        ["batch", "bsu-2022", str(members), "--out", str(tmp_path / "d.jsonl"), "--quiet"],
        ["batch", "bsu-2022", str(members), "--out", str(tmp_path / "d.csv"), "--quiet", "--engine", "scalar"],
        ["explain", "bsu-2022", str(tmp_path / "d.jsonl"), "--input", str(members), "--row", "1"],
        ["verify", str(tmp_path / "decisions.log")],
    ]
    texts = []
    for args in runs:
        assert main(args) in (0, 1)
        printed = capsys.readouterr()
        texts += [printed.out, printed.err]
    texts += [p.read_text("utf-8") for p in tmp_path.iterdir() if p.is_file() and p != members
              and p.suffix != ".parquet"]
    assert len(texts) > 15
    everything = "\n".join(texts)
    leaked = sorted(s for s in secrets if s.strip() in everything)
    if keyed:
        assert not leaked, leaked[:5]
    else:  # only the decision log keeps NIKs, without a key and with --full-nik: asked for
        log = (tmp_path / "decisions.log").read_text("utf-8")
        assert any(s in log for s in secrets)
        rest = everything.replace(log, "")
        assert not sorted(s for s in secrets if s.strip() in rest)


def test_an_explanation_that_names_the_nik_or_account_number_shows_them_masked(rules_copy: Path) -> None:
    import bsu_rules
    from bsu_rules.explain import render_text

    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    naming = 'en: "The NIK {member.nik} (account {member.bank_account.number}) is not valid"'
    path.write_text(text.replace('en: "The NIK is not valid: {fact.nik_issue:nik}"', naming), "utf-8")
    ruleset = bsu_rules.load_ruleset(path)
    record = {"nik": "3204123208940003", "citizenship": "WNI", "participant_category": "PU",
              "bank_account": {"bank": "BRI", "number": "418201004566507"}}
    decision = bsu_rules.evaluate(ruleset, record)
    said = decision.rule("valid-nik").explain
    assert said is not None and "3204********0003" in said.en and "418*********507" in said.en
    shown = render_text(decision, ruleset, "en", "worker") + decision.to_json()
    assert "3204123208940003" not in shown and "418201004566507" not in shown


def test_a_fact_copying_the_nik_or_account_number_is_masked_wherever_it_is_shown(rules_copy: Path) -> None:
    import bsu_rules
    from bsu_rules.explain import render_text

    path = rules_copy / "bsu-2022.yaml"
    copies = "facts:\n  myid: member.nik\n  acct: member.bank_account.number\n"
    text = path.read_text("utf-8").replace("facts:\n", copies, 1)
    text = text.replace('require: member.citizenship == "WNI"',
                        'require: member.citizenship == "WNI" and fact.myid != "" and fact.acct != ""', 1)
    text = text.replace('en: "The NIK is not valid: {fact.nik_issue:nik}"', 'en: "{fact.myid} / {fact.acct}"')
    path.write_text(text, "utf-8")
    glossary = rules_copy / "glossary" / "glossary.yaml"
    glossary.write_text(glossary.read_text("utf-8").replace(
        "names:\n", "names:\n  fact.myid: {id: x, en: x}\n  fact.acct: {id: y, en: y}\n", 1), "utf-8")
    ruleset = bsu_rules.load_ruleset(path)
    nik, account = "3204123208940003", "4182 0100 4566 507"
    record = {"nik": nik, "citizenship": "WNA", "participant_category": "PU",
              "bank_account": {"bank": "BRI", "number": account}}
    decision = bsu_rules.evaluate(ruleset, record)
    assert decision.rule("citizen").values["fact.myid"] == "3204********0003"
    shown = [decision.to_json(), decision.model_dump_json()] + \
        [render_text(decision, ruleset, "en", audience) for audience in ("worker", "officer", "auditor")]
    assert not any(nik in s or account in s or account.replace(" ", "") in s for s in shown)
    assert "3204********0003 / 418* " in decision.rule("valid-nik").explain.en  # type: ignore[union-attr]


@pytest.mark.parametrize("bank", [
    "Bank {}", "{0[0]}\t{0[1]}\t{0[2]}\t{0[3]}", "{0[0]},{0[1]},{0[2]},{0[3]}",
    "{0[0]}\u200b{0[1]}\u200b{0[2]}\u200b{0[3]}", "{0[0]}\u2013{0[1]}\u00a0{0[2]}   {0[3]}"])
@pytest.mark.parametrize("edition", ["bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025"])
def test_a_nik_typed_as_the_bank_name_is_masked_where_the_decision_names_the_bank(edition: str, bank: str) -> None:
    """What the channel read is shown as a criterion's values are: free text a person typed may
    hold a NIK in the wrong place, and is shown with it masked."""
    import bsu_rules
    from bsu_rules.explain import render_text

    examples = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    record = json.loads(examples.read_text("utf-8").splitlines()[0])
    nik = "3204125708940003"
    groups = [nik[i:i + 4] for i in range(0, 16, 4)]
    typed = bank.format(groups) if "{0" in bank else bank.format(nik)
    record["bank_account"] = {**record["bank_account"], "bank": typed}
    ruleset = bsu_rules.load_ruleset(edition)
    on = {"bsu-2020": "2020-08-14", "bsu-2021": "2021-11-10", "bsu-2022": "2022-09-05", "bsu-2025": "2025-06-02"}
    months = {"bsu-2020": ("2020-04", "2020-05", "2020-06"), "bsu-2021": ("2021-04", "2021-05", "2021-06"),
              "bsu-2022": ("2022-05", "2022-06", "2022-07"), "bsu-2025": ("2025-02", "2025-03", "2025-04")}[edition]
    record["wages"] = [{"period": m, "amount": 3_000_000} for m in months]
    record["contributions"] = [{"period": m, "amount": 100_000, "paid_on": f"{m}-10"} for m in months]
    record["registered_on"] = "2015-01-01"
    decision = bsu_rules.evaluate(ruleset, record, on=on[edition])
    assert decision.outcome.value == "eligible" and decision.channel_values, decision.failed
    shown = [decision.to_json(), decision.model_dump_json()] + \
        [render_text(decision, ruleset, lang, audience) for lang in ("id", "en")
         for audience in ("worker", "officer", "auditor")]
    digits = [re.sub(r"\D", "", text) for text in shown]
    assert not any(nik in text or nik in d for text, d in zip(shown, digits, strict=True))
    assert "3204" in json.dumps(decision.channel_values) and "0003" in json.dumps(decision.channel_values)


@pytest.mark.parametrize("typed", ["3204125708940003", "32O412570894OOO3"])
def test_a_nik_typed_as_a_2020_bank_is_masked_in_the_channel_batch_writes(tmp_path: Path, typed: str) -> None:
    """2020 pays the bank as written: batch masks the channel as evaluate does (the letter O typed for 0 too)."""
    examples = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    record = json.loads(examples.read_text("utf-8").splitlines()[0])
    months = ("2020-04", "2020-05", "2020-06")
    record |= {"registered_on": "2015-01-01", "bank_account": {**record["bank_account"], "bank": typed},
               "wages": [{"period": m, "amount": 3_000_000} for m in months],
               "contributions": [{"period": m, "amount": 100_000, "paid_on": f"{m}-10"} for m in months]}
    source = tmp_path / "m.jsonl"
    source.write_text(json.dumps(record) + "\n", "utf-8")
    assert main(["batch", "bsu-2020", str(source), "--out", str(tmp_path / "d.csv"), "--quiet"]) == 0
    written = (tmp_path / "d.csv").read_text("utf-8")
    assert f"{typed[:4]}********{typed[12:]}" in written and typed not in written


@pytest.mark.parametrize("typed", ["35O71OO1O19OOOO3", "32041257O8940003", "3204 1257 O894 OOO3",
                                   "Bank 32o4l257o894ooo3"])
def test_a_nik_typed_with_letters_for_digits_is_masked_as_one_typed_right(typed: str) -> None:
    """A NIK typed into a bank's name with the letter O (or o, I, l) for the digit it looks like keeps no more of
    itself than one typed with digits: the letters in a word of digits count as digits, and are hidden as they
    are. It used to be shown whole, or with a letter O left among the hidden digits (``320*****O****003``)."""
    import bsu_rules
    from bsu_rules.explain import render_text

    examples = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    record = json.loads(examples.read_text("utf-8").splitlines()[0])
    record["bank_account"] = {**record["bank_account"], "bank": typed}
    ruleset = bsu_rules.load_ruleset("bsu-2022")
    decision = bsu_rules.evaluate(ruleset, record, on="2022-09-05")
    shown = [decision.to_json(), *(render_text(decision, ruleset, lang, "officer") for lang in ("id", "en"))]
    digit_like = re.sub(r"[^0-9OoIl]", "", typed.removeprefix("Bank "))
    for text in shown:
        kept = re.sub(r"[^0-9OoIl*]", "", text)
        assert digit_like not in kept and digit_like[:4] + "********" + digit_like[12:] in kept, text[:300]
    for letters in ("BOOKOPIN", "Bank 1O Lollipop OIl"):  # words of letters, and a short word of digits: as typed
        assert bsu_rules.decisions.mask_typed(letters) == letters


def test_a_mask_hides_at_least_half_of_a_short_account_number() -> None:
    """A 10-digit account (BNI) keeps two digits at each end, not eight in all; a NIK keeps four."""
    from bsu_rules.decisions import mask_nik, mask_typed

    assert mask_nik("3215014107909993") == "3215********9993"
    assert mask_nik("0123456789") == "01******89" and mask_nik("123456789") == "12*****89"
    assert mask_nik("12345678") == "********"
    for number in ("0123456789", "012 345 6789", "BNI 0123456789"):
        shown = mask_typed(number)
        assert sum(c.isdigit() for c in shown) == 4, shown
    # an account written with a stray space or dashes is masked by its digits: never one shown more
    assert mask_nik("418201004566507 ") == "418*********507 " and mask_nik("4182-0100-4566-507") == "418*-****-****-507"
    for number in ("418201004566507", "418201004566507 ", "4182-0100-4566-507", "0123456789", "3215014107909993"):
        assert mask_nik(mask_nik(number)) == mask_nik(number)  # a log keeps it masked; replay masks it again


def test_a_bank_name_with_control_characters_is_shown_never_obeyed(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A terminal escape, a direction mark or a line separator typed in a record reaches a page as
    its escape: it neither clears the screen nor reorders or forges a line."""
    record = json.loads((Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    record["bank_account"] = {"bank": "Jago\x1b[2J\u202eX\u2028FAKE", "number": "123", "holder_name": "x"}
    members = tmp_path / "m.jsonl"
    members.write_text(json.dumps(record) + "\n", "utf-8")
    for fmt in ("text", "html"):
        assert main(["evaluate", "bsu-2022", str(members), "--format", fmt, "--lang", "en"]) == 0
        out = capsys.readouterr().out
        assert not any(c in out for c in "\x1b\u202e\u2028") and "Jago\\x1b[2J\\u202eX\\u2028FAKE" in out, out


def test_free_text_an_explanation_names_and_digits_written_otherwise_are_masked(rules_copy: Path) -> None:
    """A rule author may show the bank or the holder's name in an explanation: a NIK typed there with
    commas or a no-break space is masked as the payment line masks it; so is one written in
    superscript or circled digits, which read as digits."""
    import bsu_rules
    from bsu_rules.explain import render_text

    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    old = 'en: "The participant is recorded as a {member.citizenship}, and BSU is only for Indonesian citizens (WNI)"'
    assert text.count(old) == 1
    path.write_text(text.replace(old, 'en: "{member.citizenship}: {member.bank_account.bank} / '
                                      '{member.bank_account.holder_name}"'), "utf-8")
    ruleset = bsu_rules.load_ruleset(path)
    examples = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    record = json.loads(examples.read_text("utf-8").splitlines()[0])
    superscript = "".join("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"[int(d)]
                          for d in "3204125708940003")
    circled = "".join("\u24ea\u2460\u2461\u2462\u2463\u2464\u2465\u2466\u2467\u2468"[int(d)]
                      for d in "3204125708940003")
    for bank, holder in (("BRI 3204,1257,0894,0003", "Rina 3204\u00a01257\u00a00894\u00a00003"),
                         (f"Bank {superscript}", circled)):
        typed = {**record, "citizenship": "WNA", "bank_account": {**record["bank_account"], "bank": bank,
                                                                  "holder_name": holder}}
        decision = bsu_rules.evaluate(ruleset, typed)
        said = decision.rule("citizen").explain
        assert said is not None and said.en.count("*") == 16, said.en  # eight digits hidden in each
        for shown in [said.en, decision.to_json(), render_text(decision, ruleset, "en", "officer")]:
            assert bank not in shown and holder not in shown
            assert "1257" not in shown and superscript[4:12] not in shown and circled[4:12] not in shown


@pytest.mark.parametrize(("text", "shown"), [
    ("'2019-03-01 00:00:00' is not a date", "'2019-03-01 00:00:00' is not a date"),
    ("'2019-03-01T08:30' is not a date", "'2019-03-01T08:30' is not a date"),
    ("'22041870213.0' is not 1 to 20 digits", "'<11 digits>.0' is not 1 to 20 digits"),
    ("1330017255840.0", "<13 digits>.0"), ("0.3204125708940003", "<17 digits>"),  # an account number, a NIK
    ("22041870213.3204125708940003", "<27 digits>"), ("123456789.01", "123456789.01"),
    ("3204 1257 0894 0003", "<16 digits>"), ("3204-1257-0894-0003", "<16 digits>"),
    ("3204.1257.0894.0003", "<16 digits>"), ("3204/1257/0894/0003", "<16 digits>"),
    ("3204125708940003.0", "<16 digits>.0"), ("320412570894.0003", "<16 digits>"),
    ("3204-12-25 08:40:0003", "<16 digits>"), ("2019-13-01 00:00:00", "<14 digits>"),
    ("3204125708940003 on 2019-03-01 00:00", "<16 digits> on 2019-03-01 00:00"),
    (repr("3204\t1257\t0894\t0003"), "'<16 digits>'"), (repr("3204\xa01257\u20090894\u30000003"), "'<16 digits>'"),
    ("'3204 - 1257 - 0894 - 0003'", "'<16 digits>'"), ("3204, 1257, 0894, 0003", "<16 digits>"),
    ("3204\u034f1257\u034f0894\u034f0003", "<16 digits>"), ("3204\u31641257\u31640894\u31640003", "<16 digits>"),
    ("3204+1257;0894*0003", "<16 digits>"), ("3204\u00b71257\uff0d0894\u28000003", "<16 digits>"),
    ("32:04 12:57 08:94 00:03", "<16 digits>"),  # no time of day: hours to 23, minutes to 59
    ("3204|1257|0894|0003", "<16 digits>"), ("32041257:08940003", "<16 digits>"),
    ("3204–1257–0894–0003", "<16 digits>"),
    (repr("3204\u200b125708940003"), "'<16 digits>'"), ('"3204\'1257\'0894\'0003"', '"<16 digits>"'),
    ("periods 2022-05, 2022-06, 2022-07", "periods 2022-05, 2022-06, 2022-07"),  # months one after another
    ("`2022-09-05@2022-09-06` is not a date", "`2022-09-05@2022-09-06` is not a date"),  # a --set NAME@DATE slip
    ("`3204@1257@0894@0003` is not", "`<16 digits>` is not"),
    ('Citizenship: "3204=1257=0894=0003" is not', 'Citizenship: "<16 digits>" is not'),  # a quoted value: any gap
    ("kpj: '3204a1257b0894c0003' is not", "kpj: '<16 digits>' is not"),
    ("kpj: '32041257²8940003' is not", "kpj: '<16 digits>' is not"),  # a superscript two reads as a digit
    ("no edition `(3204)(1257)(0894)(0003)` here", "no edition `<16 digits>` here"),
    ("the participant's wage of 2022-07-31 and 2022-08-15 isn't", "the participant's wage of 2022-07-31 and "
     "2022-08-15 isn't"),  # apostrophes in words quote nothing
    ("birth_date: '1994-08-17T00:00:00.000Z' is not", "birth_date: '1994-08-17T00:00:00.000Z' is not"),  # JavaScript
    ("'1994/08/17 00:00:00' is not", "'1994/08/17 00:00:00' is not"), ("'17-08-1994 00:00' x", "'17-08-1994 00:00' x"),
    ("'2022-09-05 00:00:00.3204125708940003'", "'<30 digits>'"),  # a fraction of zeros only after a second
    ("'3:20:41.257089 4:00:03'", "'<16 digits>'"), ("'3204-10-25T08:40:00.03'", "'<16 digits>'"),
    ("'3204-10-25T08:40:00+00:03'", "'<18 digits>'"), ("'3204-10-25 08:40, 00:03'", "'<16 digits>'"),  # a time:
    ("on 3204-10-25T08:40:00+00:03 x", "on <18 digits> x"),  # 16 digits or more only when it is midnight
    ("'1994-08-16T17:00:00Z' x", "'1994-08-16T17:00:00Z' x"), ("'1971-05-12T08:41:09.00'", "'<16 digits>'"),
    ("'9999-12-31T00:00:00+00:00'", "'9999-12-31T00:00:00+00:00'"),  # a placeholder at midnight
    ("'3204-12-25, 0894-10-03'", "'<16 digits>'"), ("on 3204-12-25@0894-10-03", "on <16 digits>"),  # years
    # 1900-2099 only, in 16 digits or more
])
def test_a_date_and_time_is_shown_as_written_a_decimal_part_kept_a_grouped_nik_never(text: str, shown: str) -> None:
    """A spreadsheet's date-time reads as written in a message, and a number's short decimal part
    (what makes ``22041870213.0`` wrong) is kept; the digits of a NIK or account number, however
    grouped, and a decimal with a long part, are still left out."""
    from bsu_rules.members.redact import hide_identifiers

    assert hide_identifiers(text) == shown


def test_a_decimal_kpj_is_told_to_drop_its_decimal_part(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = json.loads((Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    (tmp_path / "m.jsonl").write_text(json.dumps(record | {"kpj": "22041870213.0"}) + "\n", "utf-8")
    for lang, said in (("en", '"<11 digits>.0" must be 1 to 20 digits (0-9); write "<11 digits>".'),
                       ("id", '"<11 angka>.0" harus berupa 1 sampai 20 angka (0-9); tulis "<11 angka>".')):
        assert main(["evaluate", "bsu-2022", str(tmp_path / "m.jsonl"), "--format", "text", "--lang", lang]) == 1
        assert said in capsys.readouterr().out  # 22041870213, not 220418702130


def test_a_reject_shows_a_spreadsheets_date_time_and_a_decimal_kpjs_decimal_part(tmp_path: Path) -> None:
    record = json.loads((Path(__file__).parents[1] / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    names = ["nik", "kpj", "citizenship", "participant_category", "registered_on"]
    rows = [[record["nik"], record["kpj"], "WNI", "PU", "2019-03-01 00:00:00"],
            [record["nik"], "22041870213.0", "WNI", "PU", "2019-03-01"]]
    (tmp_path / "m.csv").write_text("\n".join(",".join(r) for r in [names, *rows]) + "\n", "utf-8")
    assert main(["batch", "bsu-2022", str(tmp_path / "m.csv"), "--out", str(tmp_path / "d.jsonl"), "--quiet"]) == 1
    assert [json.loads(line)["message"] for line in (tmp_path / "d.jsonl.rejects.jsonl").open("rb")] == [
        "registered_on: '2019-03-01 00:00:00' is a date and a time: write the date alone, YYYY-MM-DD (2019-03-01)",
        "kpj: '<11 digits>.0' is not 1 to 20 digits (0-9); write <11 digits>"]  # as the page says it


def test_a_file_named_like_a_nik_is_not_shown_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The file a rejected record came from is named in its error line and page, never with a whole NIK
    in its name, and a direction mark in the name is written as its escape."""
    from bsu_rules.cli import main

    source = tmp_path / "3204125708940003\u202e.jsonl"
    source.write_text("x\n", "utf-8")
    for form in ("json", "text", "html"):
        assert main(["evaluate", "bsu-2022", str(source), "--format", form]) == 1
        out, err = capsys.readouterr()
        assert "3204125708940003" not in out + err and "\u202e" not in out + err and " digits>" in out + err


def test_a_very_long_digit_run_is_hidden_in_time_proportional_to_its_length() -> None:
    """Not a benchmark: a guard against a denial of service. Hiding a run took time in the square of
    its length (50 000 digits: over a minute), so one hostile key in a request held the service."""
    import time

    from bsu_rules.members.redact import hide_identifiers

    for text, hidden in (("k" + "7" * 50_000 + "k", "k<50000 digits>k"), ("1 " * 25_000, "<25000 digits> "),
                         ("3204\t1257\t0894\t0003!", "<16 digits>!"),
                         ("2022-05 12:30 " * 40 + "123", "<403 digits>")):  # a month then a time: two readings each
        started = time.process_time()
        assert hide_identifiers(text) == hidden
        assert time.process_time() - started < 5  # about 0.01 s; the quadratic form took 80, the last 2**40 steps


def test_a_long_word_of_digits_and_letters_like_them_is_masked_in_time_proportional_to_its_length() -> None:
    """Not a benchmark: reading the letters typed for digits (``l1l1…x``, a word of them ended by another letter)
    took time in the square of the word's length (60 000 characters: 20 s) in a bank's name or a person's."""
    import time

    from bsu_rules.members.redact import few_digits, mask_typed

    for text in ("l1" * 100_000 + "x", "x" + "1O" * 100_000, "O" * 200_000 + "1"):
        started = time.process_time()
        assert mask_typed(text) != text and not few_digits(text)
        assert time.process_time() - started < 5  # about 0.1 s


def test_a_set_value_of_thousands_of_digits_is_too_large_not_unreadable(capsys: pytest.CaptureFixture[str]) -> None:
    examples = str(Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
    assert main(["evaluate", "bsu-2022", examples, "--set", "wage_ceiling=" + "9" * 20_000]) == 2
    err = capsys.readouterr().err
    assert "error [literal-too-large]: a number of more than 40 digits, larger than the engine computes" in err
    assert "9" * 10 not in err


_NIK_X = "3204125708940003x"


@pytest.mark.parametrize("args", [["serve", "--body-time-limit", _NIK_X], ["serve", "--time-limit", _NIK_X],
                                  ["serve", "--port", _NIK_X],
                                  ["batch", "bsu-2022", "m.jsonl", "--out", "d.jsonl", "--chunk-size", _NIK_X],
                                  ["evaluate", "bsu-2022", "m.jsonl", "--on", _NIK_X]])
def test_an_option_value_holding_a_nik_is_not_repeated_whole(args: list[str],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "<16 digits>" in err and "3204125708940003" not in err, err


@pytest.mark.parametrize(("args", "secret"), [
    (["batch", "bsu-2022", "m.jsonl", "--out", "d.jsonl", "--key", "S3cret-Key"], "S3cret-Key"),
    (["impact", "bsu-2022", "m.jsonl", "--out", "r.html", "--pseudonymize-key", "S3cret-Key"], "S3cret-Key"),
    (["evaluate", "bsu-2022", "m.jsonl", "--frmat", "3204125708940003"], "3204125708940003"),
    (["evaluate", "bsu-2022", "m.jsonl", "--log", "l.jsonl", "--pseudo", "S3cretKeyValue"], "S3cretKeyValue"),
    (["evaluate", "bsu-2022", "m.jsonl", "--key=S3cretKeyValue"], "S3cretKeyValue"),
    (["batch", "bsu-2022", "m.jsonl", "--out", "o.parquet", "--pseudonymize-key", "my secret key"], "secret"),
    (["batch", "bsu-2022", "m.jsonl", "--out", "o.parquet", "--nik", "3171 0123 4567 8901"], "4567"),
    (["evaluate", "bsu-2022", "m.jsonl", "--format", "3171012345678901"], "3171012345678901"),
    (["3171012345678901"], "3171012345678901")])
def test_a_key_given_to_an_option_not_taken_is_not_repeated(args: list[str], secret: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """``--key`` was read as ``--key-file`` and the key reported as a file not found."""
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "error:" in err and secret not in err, err


def test_a_nik_in_the_kpj_field_is_traced_masked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The 2020 edition reads the KPJ (`has-kpj`): a NIK written there is traced as the batch file
    shows it, while a KPJ of 11 digits is traced as it is."""
    first = json.loads((Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_text("utf-8")
                       .splitlines()[0])
    for kpj, shown in (("3204125708940003", "3204********0003"), ("22041870213", "22041870213")):
        (tmp_path / "m.jsonl").write_text(json.dumps(first | {"kpj": kpj}) + "\n", "utf-8")
        assert main(["evaluate", "bsu-2020", str(tmp_path / "m.jsonl"), "--on", "2020-09-10"]) in (0, 1)
        out = capsys.readouterr().out
        assert f'"member.kpj":"{shown}"' in out.replace(" ", "") and (kpj == shown or kpj not in out), out


@pytest.mark.parametrize("account", ["0123456789", "1370012345678", "10012345678", "123456789"])  # BNI or BCA (10
# digits), Mandiri (13), one of 11 digits (a KPJ's length), one whose leading zero a spreadsheet dropped
def test_a_kpj_field_holding_the_members_account_number_never_shows_it_whole(
        account: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A clerk copied the bank account number into the KPJ column: the trace (2020 reads the KPJ), the decision log,
    its replay, the batch file (JSON Lines, CSV, either engine) and ``explain`` show it masked as the account field
    is, and the log's record replays to the same decision."""
    first = json.loads((Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_text("utf-8")
                       .splitlines()[0])
    members = tmp_path / "m.jsonl"
    number = account if len(account) != 9 else "0" + account
    row = first | {"kpj": account, "bank_account": first["bank_account"] | {"number": number}}
    members.write_text(json.dumps(row) + "\n", "utf-8")
    monkeypatch.setenv(KEY_ENV, "a key kept elsewhere")
    log, archive = tmp_path / "decisions.log", tmp_path / "archive"
    runs = [["evaluate", "bsu-2020", str(members), "--on", "2020-09-10"],
            ["evaluate", "bsu-2020", str(members), "--on", "2020-09-10", "--format", "text", "--lang", "en"],
            ["evaluate", "bsu-2020", str(members), "--on", "2020-09-10", "--log", str(log), "--archive", str(archive)],
            ["replay", str(log), "--archive", str(archive), "--members", str(members)],
            ["batch", "bsu-2020", str(members), "--out", str(tmp_path / "d.jsonl"), "--on", "2020-09-10", "--quiet"],
            ["batch", "bsu-2020", str(members), "--out", str(tmp_path / "d.csv"), "--on", "2020-09-10", "--quiet",
             "--engine", "scalar"],
            ["explain", "bsu-2020", str(tmp_path / "d.jsonl"), "--input", str(members), "--row", "1"]]
    texts = []
    for args in runs:
        assert main(args) in (0, 1), args
        printed = capsys.readouterr()
        texts += [printed.out, printed.err]
    texts += [p.read_text("utf-8") for p in tmp_path.iterdir() if p.is_file() and p != members]
    everything = "\n".join(texts)
    masked = mask_nik(account)
    assert account not in everything and f'"member.kpj":"{masked}"' in texts[0].replace(" ", ""), texts[0]
    assert json.loads((tmp_path / "d.jsonl").read_text("utf-8"))["kpj"] == masked
    assert re.search(r"^identical +1$", texts[6], re.M), texts[6]


@pytest.mark.parametrize(("given", "shown"), [
    ("1971-05-12, 08-11-0001", "<16 digits>"),  # NIK 1971051208110001 as two dates (serial 0001: a placeholder year)
    ("1901-03-03, 02-04-9999", "<16 digits>"),
    ("1971-05-12, 08-11-2001", "<16 digits>"),  # a serial that reads as a year
    ("4182-01 0:04 5665-07", "<15 digits>"),  # account 418201004566507 as months and a time of day
    ("06:01 7388-12", "<10 digits>"), ("07:19 2:04 4:18", "<10 digits>"),
    ("\\u3204\\u1257\\u0894\\u0003", "<12 digits>"),  # escapes typed by the client (\\u0003 is a control's)
    ("\\U32041257\\U08940003", "<16 digits>"),
    ("3\\x204\\x1257\\x08\\x94\\x00\\x03", "<16 digits>"),  # typed escapes of controls and spaces: digits all the same
    ("06\\x01738812", "<10 digits>"), ("\x1b[2J2022-02-30", "\\x1b[2J2022-02-30"),  # a real control: no digit
    ("<9 digits>3\\x204\\x1257a\\x08\\x94\\x00\\x03", "<17 digits>"),  # a mark the client typed hides nothing
    ("2022-06-12, 2022-07-12", "2022-06-12, 2022-07-12"), ("9999-12-31T00:00:00+00:00", "9999-12-31T00:00:00+00:00"),
    ("2019-03-01 00:00:00", "2019-03-01 00:00:00"), ("12:30", "12:30"),
])
def test_dates_and_times_are_shown_unless_their_digits_could_be_a_nik_or_an_account_number(given: str,
                                                                                           shown: str) -> None:
    from bsu_rules.members.redact import shortened

    assert shortened(given) == shown


_SHA = "ad1f7c6ddb99068a007e0619b018be839b6dde13c9d3e7739836ff894237ac51"  # 41 of its 64 characters are digits


@pytest.mark.parametrize(("path", "shown"), [
    ("/tmp/3204=1257=0894=0003.jsonl", "/tmp/<16 digits>"), ("/x/³²⁰⁴¹²⁵⁷⁰⁸⁹⁴⁰⁰⁰³", "/x/<16 digits>"),
    ("/32041/25708/94000/3", "/<16 digits>"),
    ("rules/bsu-2022.yaml", "rules/bsu-2022.yaml"),
    ("/data/2022-09-05/m.jsonl", "/data/2022-09-05/m.jsonl"), ("/x/a3204b/1257c/0894d/0003", "/x/<4 digits>/<4 digits>/"
                                                                                   "<4 digits>/<4 digits>"),
    ("bsu-2022-members-2022-10-01.jsonl", "bsu-2022-members-2022-10-01.jsonl"),  # a year and a date: shown
    ("/tmp/1971-05-12_08-11-2001.jsonl", "/tmp/<16 digits>.jsonl"),  # dates that make a NIK's 16 digits
    # an export's time stamp (YYYYMMDDhhmm, ss) names the file as it is; a number beside or around it does not
    ("export_20220905120000.jsonl", "export_20220905120000.jsonl"),
    ("d_202209051200.parquet", "d_202209051200.parquet"),
    ("export_20221305120000.jsonl", "export_<14 digits>.jsonl"),  # no month 13: a number
    ("acct_12345678901234.jsonl", "acct_<14 digits>.jsonl"),
    ("x_20220905120000_3204125708940003.jsonl", "<30 digits>"), ("32041257_20220905120000_08940003", "<30 digits>"),
])
def test_a_file_name_or_path_shows_no_nik_however_its_digits_are_written(path: str, shown: str) -> None:
    from bsu_rules.members.redact import hidden_path
    from bsu_rules.service.request import shown_path

    assert hidden_path(path) == shown and shown_path(path) == shown


@pytest.mark.parametrize(("path", "shown"), [
    (f"/tmp/d6/arch/{_SHA}/custom-2022.yaml", f"/tmp/d6/arch/{_SHA}/custom-2022.yaml"),
    (f"/arch/{_SHA}/3204125708940003.yaml", "/arch/<57 digits>"),
    ("/tmp/3204125708940003" + "a" * 48 + "/m.jsonl", "/tmp/<16 digits>" + "a" * 48 + "/m.jsonl"),  # no sha256's
    ("/tmp/" + "a" * 56 + "32041257/08940003.jsonl", "/tmp/" + "a" * 56 + "<16 digits>.jsonl"),  # one across
])
def test_an_archive_entry_s_folder_named_by_its_sha256_is_shown(path: str, shown: str) -> None:
    """A sha256 holds no one's number: a message names the archived rule file readably (it once said
    ``/tmp/<1 digits>/arch/<41 digits>/<4 digits>``), and a NIK beside it is still left out."""
    from bsu_rules.members.redact import hidden_path

    assert hidden_path(path) == shown


@pytest.mark.parametrize("gap", list("=#~&\"\\%@!?()[]{}x"))
def test_a_value_or_key_a_message_repeats_unquoted_shows_no_nik_whatever_parts_it(gap: str) -> None:
    """A query value, a path, a key: repeated bare (quoted by the message around it afterwards), ten digits or
    more in it are said as their count, whatever parts them; a date and time as JavaScript writes it stays."""
    from bsu_rules.members.redact import key_path, shortened

    nik = gap.join(["3204", "1257", "0894", "0003"])
    assert shortened(nik) == "<16 digits>" and "1257" not in key_path("employer", nik)
    assert shortened("2022-09-05T00:00:00Z") == "2022-09-05T00:00:00Z" and shortened("bsu-2022") == "bsu-2022"
    assert shortened("3:20:41.257089 4:00:03") == "<16 digits>"  # no fraction after a bare time


@pytest.mark.parametrize("amount", ["a3204b1257c0894d0003", "3204=1257=0894=0003", "(3204)[1257]{0894}<0003>",
                                    "\\u3204\\u1257\\u0894\\u0003", "x4182y0100z4566w507"])
def test_text_given_for_an_amount_is_said_without_its_digits(amount: str) -> None:
    """A NIK or an account number in an amount's place (a shifted column), however parted, is said as its count
    of digits by every reader: the model's message, as the batch validation's."""
    import bsu_rules
    from bsu_rules.members import parse_record

    first = json.loads((Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_text("utf-8")
                       .splitlines()[0])
    record = first | {"wages": [{"period": "2022-07", "amount": amount}]}
    with pytest.raises(bsu_rules.InputError) as refused:
        parse_record(record)
    message = str(refused.value)
    assert "wages[0].amount: \"<1" in message and "expected an integer" in message, message


NIK = "3204125708940003"


def test_a_nik_in_a_file_name_or_an_argument_is_never_shown_whole_by_any_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every message, summary, manifest and report names a file the caller called after a NIK, and a
    NIK given as a row number, by its count of digits (the sha256s name the files)."""
    members = tmp_path / f"m{NIK}.jsonl"
    members.write_text((Path(__file__).resolve().parents[1] / "examples" / "members.jsonl").read_text("utf-8"))
    out = tmp_path / f"u{NIK}.parquet"
    runs = [(["batch", "bsu-2022", str(members), "--out", str(out)], 0),
            (["batch", "bsu-2022", str(members), "--out", str(tmp_path / f"nowhere{NIK}" / "x.parquet")], 2),
            (["explain", "bsu-2022", str(out), "--input", str(members), "--row", "1", "--lang", "en"], 0),
            (["explain", "bsu-2022", str(out), "--input", str(members), "--row", NIK], 1),
            (["impact", "bsu-2022", str(members), "--set", "wage_ceiling=4000000", "--out",
              str(tmp_path / f"i{NIK}.html"), "--json", str(tmp_path / f"i{NIK}.json")], 0),
            (["evaluate", "bsu-2022", str(members), "--log", str(tmp_path / f"log{NIK}.jsonl"), "--full-nik"], 0),
            (["verify", str(tmp_path / f"log{NIK}.jsonl")], 0)]
    for arguments, status in runs:
        assert main(arguments) == status, arguments
        said = capsys.readouterr()
        assert NIK not in said.err, arguments
        if arguments[0] in ("batch", "explain", "impact"):  # evaluate's output: the decisions, NIKs in full as asked
            assert NIK not in said.out and "<16 digits>" in said.out + said.err, arguments
    for written in (f"u{NIK}.parquet.manifest.json", f"i{NIK}.html", f"i{NIK}.json"):
        text = (tmp_path / written).read_text("utf-8")
        named = "&lt;16 digits&gt;" if written.endswith(".html") else "<16 digits>"
        assert NIK not in text and named in text, written


def test_a_nik_is_found_in_a_batch_run_without_a_key_through_its_input(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch kept no ``nik_key``: the NIK is looked for in the input it read (its manifest says which),
    and a key given anyway changes nothing; it was said to be rejected, or in another file."""
    members = Path(__file__).resolve().parents[1] / "examples" / "members.jsonl"
    out = tmp_path / "d.parquet"
    monkeypatch.delenv(KEY_ENV, raising=False)
    assert main(["batch", "bsu-2022", str(members), "--out", str(out), "--quiet"]) == 0
    (tmp_path / "key").write_text("a key the batch never used, long enough", "utf-8")
    for key in ([], ["--key-file", str(tmp_path / "key")]):
        capsys.readouterr()
        assert main(["explain", "bsu-2022", str(out), "--input", str(members), "--nik", NIK, "--lang", "en", *key]) == 0
        said = capsys.readouterr().out
        assert said.startswith(f"Row 1 of {members}") and "starting 3204 and ending 0003" in said  # a worker's page
    assert main(["explain", "bsu-2022", str(out), "--input", str(members), "--nik", "3204120000000001"]) == 1
    assert "has no row with this NIK" in capsys.readouterr().err


_DIGITS_IN_HASH = "0daa1c94f868ba7640836623185fc2d3a1fdf8f2eac23db9098c8d811894e67e"  # 13 digits in a row


def test_a_rule_set_hash_holding_a_long_run_of_digits_is_said_as_it_is_where_the_engine_names_it() -> None:
    """A sixth of all sha256s hold ten decimal digits in a row: `replay` said a missing rule set
    `0daa1c94f868ba764*******185fc…` and a path to its archive folder `…/<41 digits>/…`. A NIK in such a
    hash, or digits running into it, are still left out."""
    from bsu_rules.decisions import mask_logged
    from bsu_rules.members.redact import beside_hashes, hidden_path

    said = f"rule set {_DIGITS_IN_HASH} is not in the archive /tmp/arch"
    assert beside_hashes(mask_logged, said, [_DIGITS_IN_HASH]) == said
    assert hidden_path(f"/tmp/arch/{_DIGITS_IN_HASH}/bsu-2022.yaml") == f"/tmp/arch/{_DIGITS_IN_HASH}/bsu-2022.yaml"
    nik_in_hash = _DIGITS_IN_HASH[:14] + "3204125708940003" + _DIGITS_IN_HASH[30:]
    assert "3204125708940003" not in beside_hashes(mask_logged, f"rule set {nik_in_hash}", [nik_in_hash])
    assert beside_hashes(mask_logged, "rule set 3204125708940003", ["3204125708940003"]) == \
        "rule set 3204********0003"  # no sha256: masked as any text


@pytest.mark.parametrize("mask", ["hide_identifiers", "mask_logged", "mask_identifiers", "mask_typed"])
@pytest.mark.parametrize("text", ["a" * 24 + "418201004566507" + "a" * 25,  # an account number in a hex word
                                  "320412 -- 5708940003" + "a" * 54])  # a NIK parted, its tail in one
def test_a_number_inside_a_word_that_looks_like_a_hash_is_masked(mask: str, text: str) -> None:
    """Only a hash the engine made is kept whole: a member's text that looks like one is masked as any."""
    from bsu_rules import decisions
    from bsu_rules.members import redact

    shown = (getattr(redact, mask, None) or getattr(decisions, mask))(text)
    assert "418201004566507" not in shown and not re.search(r"320412.{0,4}5708940003", shown), shown


@given(nik=st.from_regex(r"[1-9][0-9]{15}", fullmatch=True), sep=st.sampled_from(["", " ", "-", ".", "=", "/", "_"]),
       template=st.sampled_from(["wage_ceiling={}", "wage_ceiling@{}=5", "wage_ceiling@2022-10-01={}",
                                 "state_banks=[BRI, {}]", "{}=5", "`{}` is text", "as_of={}"]))
def test_a_nik_typed_in_an_override_is_hidden_however_it_is_grouped(nik: str, sep: str, template: str) -> None:
    """``hide_typed`` parts an override's values (a date and an amount are not one long number), never a NIK."""
    text = template.format(sep.join(nik[i:i + 4] for i in range(0, 16, 4)))
    assert nik not in re.sub(r"\D", "", hide_typed(text))


@pytest.mark.parametrize("written", ["3215014107900001.0", "3215014107900001.00", " 3215014107900001.0",
                                     "3215014107900001,0", "3215014107900001 ", "３２１５０１４１０７９０００１"])
@pytest.mark.parametrize("field", ["kpj", "work_regency_code", "nik", "name"])
def test_a_rejected_field_s_message_hides_a_number_in_it_however_it_is_written(field: str, written: str) -> None:
    """The library's message is the service's and the JSON line's: its hint to write the digits hides them too."""
    from bsu_rules.errors import InputError
    from bsu_rules.members import parse_member

    record = {"nik": "3204125708940003", "citizenship": "WNI", "participant_category": "PU", field: written}
    try:
        parse_member(record)
    except InputError as exc:
        said = str(exc) + "".join(m for _, m in exc.problems)
        assert "3215014107900001" not in said and "3204125708940003" not in said
