"""The shipped tables keep their invariants: minimum-wage rows and their bounds, bank aliases."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

import bsu_rules
from bsu_rules.catalogue.banks import bank_key
from bsu_rules.ruleset.schema import TableRef
from bsu_rules.ruleset.tables import BOUNDS, Table, TableError, read_table

RULES = Path(__file__).resolve().parents[1] / "rules"
TABLES = RULES / "tables"
WAGE_TABLES = sorted(TABLES.glob("minimum-wage-*.csv"))


def load_table(name: str, ref: TableRef, base: Path) -> Table:
    """The table, or the TableError that comes first in its file raised."""
    table, errors = read_table(name, ref, base)
    if table is None:
        raise errors[0]
    return table


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("path", WAGE_TABLES, ids=[p.stem for p in WAGE_TABLES])
def test_minimum_wage_rows(path: Path) -> None:
    """Each row is above Rp3.500.000 (else the national ceiling applies and it has no place here),
    an exact decimal, marked exact or lower, and a lower bound says so in its source."""
    table = rows(path)
    assert table
    for row in table:
        amount = Decimal(row["amount"])
        assert amount > 3_500_000 and str(amount) == row["amount"], row
        assert row["bound"] in BOUNDS, row
        assert ("lower bound" in row["source"]) == (row["bound"] == "lower"), row


@pytest.mark.parametrize(("year", "code", "amount", "bound"), [
    (2021, "91", "3516700", "exact"), (2021, "94", "3516700", "exact"),
    (2022, "95", "3561932", "exact"), (2022, "2171", "4150930", "lower"), (2022, "3273", "3742276.48", "lower"),
    (2025, "31", "5396761", "exact"), (2025, "3578", "4375479", "lower"),
    (2025, "1116", "3717948", "exact"), (2025, "96", "3613545", "exact"), (2025, "19", "3623653", "lower"),
    (2025, "6503", "3652907.40", "exact"),
])
def test_published_figures(year: int, code: str, amount: str, bound: str) -> None:
    row = {r["area_code"]: r for r in rows(TABLES / f"minimum-wage-{year}.csv")}[code]
    assert (row["amount"], row["bound"]) == (amount, bound)


def test_a_bound_column_is_checked(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("code,amount,bound\n31,4641854,exact\n3273,3742276.48,maybe\n")
    ref = TableRef(file="t.csv", key="code", value="amount", bound="bound")
    with pytest.raises(TableError, match="write `exact` or `lower`") as err:
        load_table("t", ref, tmp_path)
    assert err.value.line == 3 and err.value.suggestion is None  # `maybe` is like neither
    (tmp_path / "t.csv").write_text("code,amount,bound\n31,4641854,exact\n3273,3742276.48,lowr\n")
    with pytest.raises(TableError, match="write `exact` or `lower`") as err:
        load_table("t", ref, tmp_path)
    assert (err.value.line, err.value.column, err.value.suggestion) == (3, 17, "lower")
    with pytest.raises(TableError, match="no column `kind`"):
        load_table("t", TableRef(file="t.csv", key="code", value="amount", bound="kind"), tmp_path)
    (tmp_path / "t.csv").write_text(",".join(["code", "amount", *(f"c{i}" for i in range(28))]) + "\n31,1\n")
    with pytest.raises(TableError, match=r"\(columns: code, amount, c0, .*, c9 and 18 more\)$"):
        load_table("t", TableRef(file="t.csv", key="code", value="amount", bound="kind"), tmp_path)  # named briefly


@pytest.mark.parametrize(("header", "said", "column"), [
    ("code,amount ,source", "the column name `amount ` has a space after it: remove it, so the header names `amount`",
     6),
    ("code, amount,source", "the column name ` amount` has a space before it", 6),
    ("code,amount,source ", "the column name `source ` has a space after it", 13),  # one not read is named too
])
def test_a_column_name_with_a_space_around_it_is_told_at_the_header(tmp_path: Path, header: str, said: str,
                                                                    column: int) -> None:
    """A name is read as written: the rule file's `value: amount ` would lose its space to YAML."""
    (tmp_path / "t.csv").write_text(f"{header}\n3215,4798312,UMK\n")
    with pytest.raises(TableError, match=re.escape(said)) as err:
        load_table("t", TableRef(file="t.csv", key="code", value="amount"), tmp_path)
    assert (err.value.line, err.value.column) == (1, column)


def test_a_column_named_twice_or_no_rows_is_refused(tmp_path: Path) -> None:
    """A reader keeps one of two cells of one name, and a table of no rows finds nothing: both would
    decide silently (every ceiling from the other column, or the flat ceiling everywhere)."""
    ref = TableRef(file="t.csv", key="code", value="amount")
    (tmp_path / "t.csv").write_text("code,amount,source,amount\n3215,4798312,UMK,3000000\n")
    with pytest.raises(TableError, match=r"the column `amount` is named twice \(columns 2 and 4\)") as err:
        load_table("t", ref, tmp_path)
    assert (err.value.line, err.value.column) == (1, 20)
    (tmp_path / "t.csv").write_text('"code","amount","source","amount"\n3215,4798312,UMK,3000000\n')
    with pytest.raises(TableError, match="named twice") as err:
        load_table("t", ref, tmp_path)
    assert (err.value.line, err.value.column) == (1, 26)  # where the second "amount" is written, quotes and all
    for header in ("code,amount\n", "code,amount\n\n", "code,amount"):
        (tmp_path / "t.csv").write_text(header)
        with pytest.raises(TableError, match=r"table `t` \(t\.csv\) has no rows") as err:
            load_table("t", ref, tmp_path)
        assert err.value.line is None  # told at the rule file's reference


@pytest.mark.parametrize(("amount", "fits", "says"), [
    ("9223372036854775807", True, ""), ("-9223372036854775807.5", False, "larger"),
    ("99999999999999999999", False, "larger"), ("9999999999999999999999999999999999.9999", False, "larger"),
    ("0." + "1" * 18, True, ""), ("0." + "0" * 37 + "1", False, "more decimal places"),
    ("4641854." + "0" * 60, False, "more decimal places")])
def test_a_number_every_evaluator_holds_exactly(tmp_path: Path, amount: str, fits: bool, says: str) -> None:
    """A whole part of 64 bits and 18 decimal places (within the columnar evaluator's 128-bit decimals):
    a table value past them is refused at its row."""
    (tmp_path / "t.csv").write_text(f"code,amount\n31,4641854\n3273,{amount}\n")
    ref = TableRef(file="t.csv", key="code", value="amount")
    if fits:
        assert load_table("t", ref, tmp_path).values == {"31": Decimal(4641854), "3273": Decimal(amount)}
        return
    with pytest.raises(TableError, match=f"{says} than the engine computes with exactly") as err:
        load_table("t", ref, tmp_path)
    assert (err.value.line, err.value.column) == (3, len("3273,") + 1)
    assert amount.lstrip("-").rstrip("0").rstrip(".") in str(err.value)


def test_an_amount_in_rupiah_is_never_negative(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("code,amount\n31,4641854\n3273,-3742276.48\n")
    ref = TableRef(file="t.csv", key="code", value="amount", unit="IDR")
    with pytest.raises(TableError, match=r"is -3742276\.48: an amount in rupiah is 0 or more") as err:
        load_table("t", ref, tmp_path)
    assert err.value.line == 3
    assert load_table("t", TableRef(file="t.csv", key="code", value="amount"), tmp_path).values  # no unit: any number


@pytest.mark.parametrize(("amount", "refused"), [("4182010045", True), ("418201004566507", True),
                                                 ("4798312.418201004566507", True), ("0.4182010045", True),
                                                 ("999999999.99", False), ("3742276.480000000000", False)])
def test_an_amount_in_rupiah_of_ten_digits_is_refused_unshown(tmp_path: Path, amount: str, refused: bool) -> None:
    """No minimum wage comes near Rp1.000.000.000: ten digits in a rupiah column are an account number,
    which every decision reading the row would publish. A column of another unit keeps long numbers."""
    (tmp_path / "t.csv").write_text(f"code,amount\n31,4641854\n3273,{amount}\n")
    ref = TableRef(file="t.csv", key="code", value="amount", unit="IDR")
    if not refused:
        assert load_table("t", ref, tmp_path).values["3273"] == Decimal(amount)
        return
    with pytest.raises(TableError, match=r"holds ten digits or more \(before or after its decimal point\)") as err:
        load_table("t", ref, tmp_path)
    assert (err.value.line, err.value.column) == (3, len("3273,") + 1) and amount not in str(err.value)
    assert load_table("t", TableRef(file="t.csv", key="code", value="amount"), tmp_path).values["3273"] == \
        Decimal(amount)


def test_bank_aliases() -> None:
    """Keys are normalised as ``bank_key`` normalises a name; every canonical code is its own alias
    and is a Himbara member in every row or in none."""
    banks = rows(TABLES / "banks.csv")
    canonical = {r["bank"] for r in banks}
    by_alias = {r["alias"]: r for r in banks}
    assert len(by_alias) == len(banks)
    assert all(bank_key(alias) == alias for alias in by_alias)
    assert all(by_alias[code]["bank"] == code for code in canonical)
    assert all(r["himbara"] == by_alias[r["bank"]]["himbara"] in ("yes", "no") for r in banks)


@pytest.mark.parametrize("edition", ["bsu-2021", "bsu-2022", "bsu-2025"])
def test_state_banks_are_the_himbara_members_of_the_bank_table(edition: str) -> None:
    himbara = {r["bank"] for r in rows(TABLES / "banks.csv") if r["himbara"] == "yes"}
    assert himbara == {"BRI", "BNI", "MANDIRI", "BTN"}
    value = bsu_rules.load_ruleset(edition).model.parameters["state_banks"].value
    assert isinstance(value, list) and set(value) == himbara


@pytest.mark.parametrize("amount", ["4.641.854", "4,641,854"])
def test_a_number_written_with_separators_is_named_at_its_line(tmp_path: Path, amount: str) -> None:
    quoted = f'"{amount}"'
    (tmp_path / "t.csv").write_text(f"code,amount\n31,{quoted}\n32,4641854\n")
    with pytest.raises(TableError) as raised:
        load_table("t", TableRef(file="t.csv", key="code", value="amount"), tmp_path)
    assert raised.value.line == 2 and "write `4641854`" in str(raised.value)


def test_a_column_of_numbers_all_written_with_separators_is_named(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text('code,amount\n31,"4.641.854"\n32,"4.416.186"\n')
    with pytest.raises(TableError) as raised:
        load_table("t", TableRef(file="t.csv", key="code", value="amount"), tmp_path)
    assert raised.value.line == 2 and "write `4641854`" in str(raised.value)


def test_a_table_cell_is_never_echoed_whole_if_it_looks_like_an_identifier(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("code,amount,bound\n31,4641854,3204125708940003\n")
    with pytest.raises(TableError) as raised:
        load_table("t", TableRef(file="t.csv", key="code", value="amount", bound="bound"), tmp_path)
    assert "3204125708940003" not in str(raised.value) and "ten digits or more" in str(raised.value)


@pytest.mark.parametrize(("row", "column", "says"), [
    ("3204125708940003,Kab. X,UMK,5000000,exact,src", 1, "`area_code` holds a number of ten digits or more"),
    ("3273,3204125708940003,UMK,5000000,exact,src", 6, "`area_name` holds a number of ten digits or more"),
    ("3273,Kota Bandung,UMK,5000000,exact,0719204418", 37, "`source` holds a number of ten digits or more"),
    ("3273,Kota Bandung,UMK,3204125708940003,exact,src", 23, "`amount` is a number of 16 digits, as a NIK is"),
    ("3273,Kota Bandung,UMK,3204125708940003.50,exact,src", 23, "`amount` is a number of 16 digits"),
    ("3273,Kota Bandung,UMK,0003204125708940003,exact,src", 23, "`amount` is a number of 16 digits"),  # zeros first
    ("3273,Kota Bandung,UMK,4798312.3204125708940003,exact,src", 23, "`amount` is a number of 16 digits"),  # decimals
    ("3273,BANK 3204125708,UMK,5000000,exact,src", 6, "`area_name` holds a number of ten digits or more")])
def test_a_cell_that_is_only_a_nik_or_account_number_is_an_error_that_does_not_echo_it(
        tmp_path: Path, row: str, column: int, says: str) -> None:
    """A table is shown to everyone as written: a key, a name or a source that is only digits is no
    exception, nor an amount of a NIK's 16 digits (a shorter long amount is one)."""
    header = "area_code,area_name,level,amount,bound,source\n"
    (tmp_path / "t.csv").write_text(f"{header}{row}\n")
    ref = TableRef(file="t.csv", key="area_code", value="amount", bound="bound")
    table, errors = read_table("minimum_wage", ref, tmp_path)
    assert table is None and [(e.line, e.column) for e in errors] == [(2, column)], errors
    assert says in errors[0].message and not any(n in str(errors[0]) for n in ("3204125708940003", "0719204418"))
    (tmp_path / "t.csv").write_text(f"{header}3273,Kota Bandung,UMK,320412570894,exact,src\n")
    assert load_table("minimum_wage", ref, tmp_path).values == {"3273": Decimal("320412570894")}


def test_a_quote_inside_a_plain_cell_opens_no_quoted_cell(tmp_path: Path) -> None:
    """Only a quote at a cell's start opens a quoted cell, as the CSV reader reads it: the line break
    after `5'6"` ends the row, it is not a line break inside a cell."""
    (tmp_path / "t.csv").write_text('code,name\n31,Gedung 5\'6" Timur\n3273,"Kota ""Bandung"""\n')
    table = load_table("t", TableRef(file="t.csv", key="code", value="name"), tmp_path)
    assert table.values == {"31": "Gedung 5'6\" Timur", "3273": 'Kota "Bandung"'}


def test_a_cell_past_the_reader_s_limit_is_told_at_its_line(tmp_path: Path) -> None:
    """A cell longer than the CSV reader takes (a quote left open swallows the rows after it) is told at the
    line it ends on, in words, not as the csv module's "field larger than field limit"."""
    longest = 131_072  # the csv module's own limit (batch's CSV reading raises it for the process: set back)
    (tmp_path / "t.csv").write_text("code,name\n31,Jakarta\n32," + "x" * (longest + 1) + "\n")
    was = csv.field_size_limit(longest)
    try:
        with pytest.raises(TableError) as raised:
            load_table("t", TableRef(file="t.csv", key="code", value="name"), tmp_path)
    finally:
        csv.field_size_limit(was)
    assert raised.value.line == 3 and f"a cell longer than {longest:,} characters" in raised.value.message


def test_every_mistake_in_the_rows_is_told_in_file_order(tmp_path: Path) -> None:
    """A wrong row does not hide the rows after it, and a `lower` beside a text is told once."""
    (tmp_path / "t.csv").write_text("code,amount,bound\n31,4641854,exact\n32,,exact\n33,\"3.900.000,00\",exact\n"
                                    "31,3900000,exact\n34,3900000,exct\n35,abc,lower\n")
    table, errors = read_table("t", TableRef(file="t.csv", key="code", value="amount", bound="bound"), tmp_path)
    assert table is None
    assert [(e.line, e.column) for e in errors] == [(3, 4), (4, 4), (5, 1), (6, 12), (7, 4)]
    assert ["not a number" in errors[0].message, errors[1].suggestion, "appears twice" in errors[2].message,
            "exct" in errors[3].message, "not a number" in errors[4].message] == [True, "3900000.00", True, True, True]


def test_tables_are_checked_beside_a_schema_error(rules_copy: Path) -> None:
    """A rule file the schema refuses still has its tables' rows told, all of them, in the same run."""
    path = rules_copy / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace("    value: 3500000\n", "    value: 3.500.000\n", 1))
    table = rules_copy / "tables" / "minimum-wage-2022.csv"
    last = len(table.read_text("utf-8").splitlines())  # the rows appended below are the lines after it
    with table.open("a") as f:
        f.write("3205,Kab. Garut,UMK,,exact,s\n3273,Kota Bandung,UMK,3900000,exact,s\n"
                "3206,Kab. Sumedang,UMK,3900000,exct,s\n")
    found = bsu_rules.check_file(path)[1]
    assert [(Path(d.file).name, d.line) for d in found] == [
        ("bsu-2022.yaml", 27), ("minimum-wage-2022.csv", last + 1), ("minimum-wage-2022.csv", last + 2),
        ("minimum-wage-2022.csv", last + 3)]


@pytest.mark.parametrize(("cell", "column", "code"), [
    ("\ufeff3204", 1, "FEFF"), ("3204\u200b", 5, "200B"), ('"3204\u2060"', 6, "2060")])
def test_an_invisible_character_in_a_key_is_named(tmp_path: Path, cell: str, column: int, code: str) -> None:
    (tmp_path / "t.csv").write_text(f"code,amount\n31,4641854\n{cell},3841929\n", encoding="utf-8")
    with pytest.raises(TableError, match=rf"`code` holds an invisible character, U\+{code} .*: delete it") as err:
        load_table("t", TableRef(file="t.csv", key="code", value="amount"), tmp_path)
    assert (err.value.line, err.value.column) == (3, column)


@pytest.mark.parametrize(("row", "suggestion"), [
    ("3204,3841929,50,exact", "3841929.50"), ("3204,3.841.929,5,exact", "3841929.5")])
def test_a_decimal_comma_that_splits_a_row_is_named(tmp_path: Path, row: str, suggestion: str) -> None:
    (tmp_path / "t.csv").write_text(f"code,amount,bound\n31,4641854,exact\n{row}\n")
    with pytest.raises(TableError, match="written with a decimal comma") as err:
        load_table("t", TableRef(file="t.csv", key="code", value="amount", bound="bound"), tmp_path)
    assert (err.value.line, err.value.column, err.value.suggestion) == (3, 6, suggestion)


def test_a_row_separated_by_semicolons_says_so(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("code,amount,bound\n31,4641854,exact\n3204;3841929;exact\n")
    with pytest.raises(TableError, match="separated by `;`: separate them with commas") as err:
        load_table("t", TableRef(file="t.csv", key="code", value="amount", bound="bound"), tmp_path)
    assert (err.value.line, err.value.column) == (3, 5)


@pytest.mark.parametrize("amount", ["4.798", '"4.798"', "48.000"])
def test_a_rupiah_amount_with_a_thousands_dot_is_refused(tmp_path: Path, amount: str) -> None:
    """``4.798`` (``4.798.312`` cut short) is not read as 4.798 rupiah; ``4791843.90`` stays a number."""
    (tmp_path / "t.csv").write_text(f"code,amount\n31,4791843.90\n3215,{amount}\n")
    ref = TableRef(file="t.csv", key="code", value="amount", unit="IDR")
    with pytest.raises(TableError, match=r"is [0-9.]+: a dot before three digits is a thousands dot") as err:
        load_table("t", ref, tmp_path)
    assert (err.value.line, err.value.column, err.value.suggestion) == (3, 6, amount.strip('"').replace(".", ""))
    (tmp_path / "t.csv").write_text("code,amount\n31,4791843.90\n3215,4798.31\n")
    assert load_table("t", ref, tmp_path).values == {"31": Decimal("4791843.90"), "3215": Decimal("4798.31")}


def test_a_text_value_holding_an_account_like_number_is_told_as_text(tmp_path: Path) -> None:
    """A value column of texts (the banks' names) is not said to hold "a number of 16 digits"."""
    (tmp_path / "t.csv").write_text("alias,bank\nXYZ,BANK 1234567890\n")
    table, errors = read_table("banks", TableRef(file="t.csv", key="alias", value="bank"), tmp_path)
    assert table is None and "`bank` holds a number of ten digits or more" in errors[0].message
    assert "1234567890" not in str(errors[0])


def test_a_file_whose_lines_end_with_a_carriage_return_alone_is_told_how_to_save_it(tmp_path: Path) -> None:
    """Excel's "CSV (Macintosh)": told in words at the file, not as the csv module's advice to a programmer."""
    (tmp_path / "t.csv").write_bytes(b"code,amount\r31,4641854\r3273,3742277\r")
    with pytest.raises(TableError) as raised:
        load_table("t", TableRef(file="t.csv", key="code", value="amount"), tmp_path)
    assert raised.value.line == 1 and "carriage return alone" in str(raised.value)
    assert "universal-newline" not in str(raised.value)


@pytest.mark.parametrize(("encoding", "named"), [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-32", "UTF-32")])
def test_a_table_saved_as_utf16_or_utf32_is_told_so(tmp_path: Path, encoding: str, named: str) -> None:
    """As a member or rule file in it is (its NUL bytes were told as text that is not UTF-8)."""
    (tmp_path / "t.csv").write_bytes("code,amount\n31,4641854\n".encode(encoding))
    with pytest.raises(TableError) as raised:
        load_table("t", TableRef(file="t.csv", key="code", value="amount"), tmp_path)
    assert raised.value.line == 1 and f"the file is {named} text: save it as UTF-8" in str(raised.value)


@pytest.mark.parametrize(("year", "code", "other"), [(2021, "3525", "4279030"), (2025, "3215", "5559593")])
def test_a_figure_the_sources_disagree_on_names_the_other_and_gives_the_same_ceiling(year: int, code: str,
                                                                                    other: str) -> None:
    """Kab. Gresik 2021 (4.297.030,51, one source 4.279.030) and Kab. Karawang 2025 (5.599.593, one source
    5.559.593): the row says the other figure, and the ceiling either gives, rounded up to Rp100.000, is the same."""
    row = {r["area_code"]: r for r in rows(TABLES / f"minimum-wage-{year}.csv")}[code]
    said = f"one source {int(other):,}".replace(",", ".")
    assert said in row["source"], row
    ceiling = f"ceiling {-(-int(Decimal(row['amount'])) // 100_000) * 100_000:,}".replace(",", ".")
    assert f"{ceiling} either way" in row["source"], row
    assert -(-Decimal(row["amount"]) // 100_000) == -(-Decimal(other) // 100_000)
