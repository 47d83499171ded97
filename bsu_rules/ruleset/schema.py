"""The shape of a rule file (pydantic): what keys exist and what each holds."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from bsu_rules.members.model import MONTH
from bsu_rules.members.redact import holds_identifier, visible
from bsu_rules.ruleset.spelling import amount_in_words, as_date, as_month, date_problem, digits_only, long_digits
from bsu_rules.ruleset.types import too_wide

Scalar = bool | int | Decimal | date | str | list[str]


def _day(value: object) -> object:
    """A date is written YYYY-MM-DD: pydantic would also read a time of day at midnight as the date,
    and a number as seconds since 1970 (``from: 0`` as 1 January 1970)."""
    if isinstance(value, datetime) or not isinstance(value, (str, date)) or \
            (isinstance(value, str) and not _ISO_DAY.fullmatch(value)):
        raise PydanticCustomError("date_parsing", "write the date as YYYY-MM-DD")
    return value


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
Day = Annotated[date, BeforeValidator(_day)]
"""A date in a rule file."""
def no_personal_number(text: str) -> str:
    """An expression is published as written (``doc``, the service's editions): no text in it holds a
    NIK- or account-like number."""
    if any(holds_identifier(quoted) for quoted in _QUOTED.findall(text)):
        raise ValueError("a text of ten digits or more, as a NIK or an account number is: a rule file is "
                         "published as written, so it names no person (decide on fields such as "
                         "`member.program_receipts`, not on a list of NIKs)")
    numbers = _NUMBER.findall(_NAMED.sub("", _QUOTED.sub("", text)))
    if any(nik_shaped(number) for number in numbers):
        raise ValueError(NIK_NUMBER.replace("16 digits", "16 digits in it", 1))
    if any(long_digits(number) for number in numbers):
        raise ValueError(LONG_NUMBER.replace("ten digits or more", "ten digits or more in it", 1))
    if any(holds_identifier(name) for name in _NAMED.findall(_QUOTED.sub("", text))):
        raise ValueError("a name in it holds a number of ten digits or more, as a NIK or an account number does: "
                         "a rule file is published as written, so it names no person (leave personal numbers out)")
    return text


_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
"""A number literal (``3204125708940003.5``)."""
_NAMED = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
"""A name in an expression (``fact.wage``, ``member.wages``), with the dots between its parts."""
Expression = Annotated[str, Field(min_length=1, description="An expression in the rule language"),
                       AfterValidator(no_personal_number)]


def _no_number_in(what: str) -> Callable[[str], str]:
    """A check that a name (``what``: "a name", "a rule id") holds no NIK- or account-like number: a
    name is repeated in every decision, as written."""
    def check(name: str) -> str:
        if holds_identifier(name):
            raise PydanticCustomError(PERSONAL_NUMBER, "{what} holding a number of ten digits or more", {"what": what})
        return name
    return check


PERSONAL_NUMBER = "personal_number"
"""The error type of a name holding a NIK- or account-like number (``misread`` words it)."""
WORDS = ("and", "or", "not", "if", "else", "in", "true", "false")
"""The words of the expression language (``grammar.lark``): a fact, parameter or table so named could
be defined but never read."""
LANGUAGE_WORD = "language_word"
"""The error type of a name that is one of ``WORDS`` (``misread`` words it)."""


def _not_a_word(name: str) -> str:
    if name in WORDS:
        raise PydanticCustomError(LANGUAGE_WORD, "a word of the rule language")
    return name


MAX_NAME = 64
"""The most characters of a name a rule file gives (a rule id, a rule set's, a fact's, a parameter's, a
table's): each is repeated in every decision and diagnostic that names it; the longest bundled has 25."""
NAME_TOO_LONG = "name_too_long"
"""The error type of a name longer than ``MAX_NAME`` (``misread`` words it)."""


def _not_too_long(what: str) -> Callable[[str], str]:
    def check(name: str) -> str:
        if len(name) > MAX_NAME:
            raise PydanticCustomError(NAME_TOO_LONG, "{what} longer than {most} characters",
                                      {"what": what, "most": MAX_NAME})
        return name
    return check


Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$"), AfterValidator(_not_too_long("a name")),
                       AfterValidator(_not_a_word), AfterValidator(_no_number_in("a name"))]
RULE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
EDITION_ID = re.compile(r"[a-z0-9][a-z0-9-]*-[0-9]{4}")
"""The shape of an edition's id: a rule id ending in a year (``bsu-2022``); ``rules`` or ``what-if`` is none."""
RuleId = Annotated[str, Field(pattern=f"^{RULE_ID.pattern}$"), AfterValidator(_not_too_long("an id")),
                   AfterValidator(_no_number_in("a rule id"))]
Key = Annotated[str, AfterValidator(_no_number_in("a key"))]
"""A key shown as written (a legal-basis key, a glossary entry's): it holds no NIK- or account-like number."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Basis(StrEnum):
    REGULATION = "regulation"
    POLICY = "policy"
    INTERPRETATION = "interpretation"


class Kind(StrEnum):
    REQUIRE = "require"
    EXCLUDE = "exclude"
    PRIORITIZE = "prioritize"
    FLAG = "flag"


def shown_as_written(text: str) -> str:
    """Text shown to everyone as written: ValueError if it holds a NIK- or account-like number, or no word
    (``""``, ``"."``: a refused worker would be given no reason, a criterion no name)."""
    if "\r" in text:
        raise ValueError("a carriage return (`\\r`): a terminal would write the rest of the text over the start of "
                         "its line (write a line break as a new line)")
    if not any(c.isalnum() for c in visible(text)):  # a Hangul filler (U+3164) is shown as nothing
        raise ValueError("no words: this text is shown or read out to people as written (write it, or leave the "
                         "key out where it may be left out)")
    if holds_identifier(text):
        raise ValueError("a number of ten digits or more, as a NIK or an account number is: this text is shown "
                         "to everyone as written (leave personal numbers out)")
    return text


Said = Annotated[str, AfterValidator(shown_as_written)]
"""Text shown as written (an explanation, a note): it holds no NIK- or account-like number."""


class Text(_Model):
    """The same text in Bahasa Indonesia and English."""

    en: str
    id: str


class Written(Text):
    """Text a rule file gives (an explanation, a note, a description), shown as written."""

    en: Said
    id: Said


BREAK = re.compile(r"[\r\n\v\f\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """Text shown on one line, as written: ValueError if it holds a line break or a NIK- or account-like number."""
    if BREAK.search(text):
        raise ValueError("a line break: this text is shown on one line (write it on one line; a YAML block "
                         "`>-` folds the lines of a long text into one)")
    return shown_as_written(text)


Line = Annotated[str, AfterValidator(one_line)]
"""Text shown on one line (a title, a source, a name): a line break in it could forge a line of a page,
and it is shown as written, so it holds no NIK- or account-like number."""


class Title(Text):
    """A title in both languages, each on one line."""

    en: Line
    id: Line


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def version_text(text: str) -> str:
    """A rule set's version: one line with no control character (a decision records it as it is)."""
    if found := _CONTROL.search(text):
        raise ValueError(f"a control character (U+{ord(found.group()):04X}): a version is written into every "
                         "decision as it is; write letters, digits and dots only (`2022.2`)")
    return one_line(text)


LOGGED = "logged"
"""The validation context key set for an archive entry's file read to replay the decisions logged under it
(``load_ruleset(logged=True)``)."""


def sentence(text: str, info: ValidationInfo) -> str:
    """``one_line``, but for an archive entry's file read to replay its logged decisions: an explanation
    written over several lines was taken when it was archived, and those decisions hold it so."""
    if BREAK.search(text) and info.context is not None and info.context.get(LOGGED):
        return shown_as_written(text)
    return one_line(text)


class Explanation(Text):
    """A criterion's explanation in both languages, each on one line: a sentence of a worker's letter,
    which may be read out."""

    en: Annotated[str, AfterValidator(sentence)]
    id: Annotated[str, AfterValidator(sentence)]


class Window(_Model):
    """Dates a rule or an edition is in force, both inclusive; either end may be open."""

    from_: Day | None = Field(default=None, alias="from")
    until: Day | None = None
    basis: Basis = Field(default=Basis.REGULATION, description="What the dates rest on (see a rule's `basis`)")
    source: Line | None = Field(default=None, description="The article setting these dates, cited for a rule on a "
                               "day outside them (`pm-21-2021, Pasal I angka 2`)")
    note: Written | None = Field(default=None, description="Why these dates, for a reviewer")

    def contains(self, day: date) -> bool:
        return (self.from_ is None or self.from_ <= day) and (self.until is None or day <= self.until)


class Parameter(_Model):
    """A named value: either one `value`, or `values` keyed by the date each takes effect."""

    value: Scalar | None = None
    values: dict[Day, Scalar | None] | None = None
    unit: Literal["IDR", "months", "days"] | None = None
    source: Line | None = None
    basis: Basis = Basis.REGULATION
    description: Written | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Parameter:
        if (self.value is None) == (self.values is None):
            raise ValueError("give exactly one of `value` or `values`")
        for value in [self.value] if self.values is None else self.values.values():
            problem = misfit(value, self.unit)
            if problem:
                raise ValueError(problem[0])
        return self

    def within(self, window: Window) -> list[Scalar | None]:
        """The values in force on some day of ``window``, in date order (``value`` when undated)."""
        if self.values is None:
            return [self.value]
        starts = sorted(self.values)
        return [self.values[d] for j, d in enumerate(starts) if (window.until is None or d <= window.until)
                and (window.from_ is None or j + 1 == len(starts) or starts[j + 1] > window.from_)]


NIK_DIGITS = 16
"""How many digits a NIK has: a whole number that long in a rule file is refused as its text is."""
NIK_NUMBER = "a number of 16 digits, as a NIK is: a rule file is published as written, so it names no person " \
    "(leave personal numbers out)"


LONG_NUMBER = "a number of ten digits or more, as a NIK or an account number is (no amount, count or year of a " \
    "rule set comes near it): a rule file is published as written, so it names no person"


def _identifier_long(value: object, unit: str | None) -> bool:
    """Whether a parameter's number carries ten digits or more (``long_digits``), as an account number or a
    NIK has (a decimal with a unit is told how to write it first: ``1E+9``, ``4181234500.0``)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or \
            (isinstance(value, Decimal) and (unit is not None or not value.is_finite())):
        return False
    return long_digits(str(value) if isinstance(value, int) else format(value, "f"))


def nik_like(value: object) -> bool:
    """Whether ``value`` is a number that carries a NIK's 16 digits (``nik_shaped``)."""
    return isinstance(value, int | Decimal) and not isinstance(value, bool) and \
        (not isinstance(value, Decimal) or value.is_finite()) and \
        nik_shaped(str(value) if isinstance(value, int) else format(value, "f"))


def nik_shaped(written: str) -> bool:
    """Whether a number as written carries a NIK's 16 digits: its whole part has exactly 16 once its
    leading zeros are left out (``3204125708940003``, ``0003204125708940003``), or its decimals do, with
    or without the zeros after them (``4798312.3204125708940003``); an amount has neither."""
    whole, _, decimals = written.strip().lstrip("+-").partition(".")
    return NIK_DIGITS in (len(whole.lstrip("0")), len(decimals.lstrip("0")), len(decimals.strip("0")))


UNIT_WORDS = {"IDR": "an amount in rupiah", "months": "a number of months", "days": "a number of days"}
"""What a value of each parameter `unit` is, in a message."""


def misfit(value: Scalar | None, unit: str | None) -> tuple[str, str | None] | None:
    """What is wrong with a parameter's value, and the value as it should probably be written: a
    number for its unit (rupiah, months and days are whole numbers, 0 or more; text such as
    ``Rp3.500.000`` is a number mistyped), or a text that looks like a month but is none."""
    if (wide := too_wide(value)) is not None:
        return wide, None
    if any(isinstance(v, str) and holds_identifier(v) for v in (value if isinstance(value, list) else [value])):
        return "a text of ten digits or more, as a NIK or an account number is: a rule file is published as " \
            "written, so it names no person", None
    if any(nik_like(v) for v in (value if isinstance(value, list) else [value])):
        return NIK_NUMBER, None
    if isinstance(value, str) and (month := as_month(value)) not in (None, value):
        return f"`{value}`: a month is written YYYY-MM: {month}", month
    if isinstance(value, str) and _MONTHLIKE.fullmatch(value) and not MONTH.fullmatch(value):
        return f"`{value}` is not a month (YYYY-MM: years 0001-9999, months 01-12)", None
    if isinstance(value, str) and _DATELIKE.fullmatch(value) and as_date(value) is None:  # YAML reads a real date
        month = as_month(value[:7])
        return date_problem(value)[0] + (f" (a month is written YYYY-MM: {month}?)" if month else ""), None
    if any(_identifier_long(v, unit) for v in (value if isinstance(value, list) else [value])):
        return LONG_NUMBER, None
    if unit is None or value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return None
    what = UNIT_WORDS[unit]
    if isinstance(value, str) and (digits := digits_only(value)) is not None:
        return f"`{value}` is text: {what} is written with digits only ({digits})", digits
    if isinstance(value, str) and (digits := _quoted_digits(value)) is not None:
        return f'"{value}" is text: {what} is written as a number, without quotes ({digits})', digits
    if isinstance(value, str):  # once, where it is written: not a type error wherever it is used
        meant = amount_in_words(value) if unit == "IDR" else None
        return f"`{value}` is text: {what} is written with digits only" + (f" ({meant})" if meant else ""), meant
    if not isinstance(value, int | Decimal) or isinstance(value, bool):
        shown = "a list" if isinstance(value, list) else f"`{str(value).lower()}`"
        return f"{what} is written with digits only, not {shown}", None
    if unit == "IDR" and (digits := digits_only(str(value))) is not None:  # 3.500: a thousands separator
        return f"{what} is written with digits only ({digits}), not {value}", digits
    if value < 0:
        return f"{what} is 0 or more, not {value}", None
    return _not_digits(Decimal(value), what)


def _quoted_digits(text: str) -> str | None:
    """The digits of a number written in quotes (``"3500000"``: text, not a number)."""
    bare = text.strip()
    return bare if bare.isascii() and bare.isdigit() else None


def _not_digits(value: Decimal, what: str) -> tuple[str, str | None]:
    """Why a number that is not written as digits only does not give a whole amount or count."""
    if value == value.to_integral_value():  # 1e6, 600000.0: whole, but not written as one
        digits = str(int(value))
        if digits == str(value):  # a whole number read as a decimal one: a YAML tag made it so
            return f"{what} is a whole number, written {digits} without a tag (not `!!float {digits}`)", digits
        return f"{what} is written with digits only ({_spelled(digits)}), not {value}", digits
    return f"{what} is a whole number, not {value}", None


def _spelled(digits: str) -> str:
    """A whole number as a message shows it: as written, or, with ten digits or more (which every message
    leaves out, as it would a NIK or an account number), by its zeros when it is a round figure
    (``1000000000``: 1 and 9 zeros; ``25000000000``: 25 and 9 zeros)."""
    head = digits.rstrip("0")
    if len(digits) < 10 or not 0 < len(head) <= 3:
        return digits
    return f"{head} and {len(digits) - len(head)} zeros"


_MONTHLIKE = re.compile(r"[0-9]{4}-[0-9]{2}")
_DATELIKE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class TableRef(_Model):
    """A CSV table beside the rule file; without `value` it is a set of keys."""

    file: str
    key: str
    value: str | None = None
    source: Line | None = None
    partial: bool = False
    unlisted: Literal["absent", "unknown"] = Field(
        default="absent",
        description="What a key the table does not list means: `absent` (`in` is false, `.get` gives its "
        "default) or `unknown` (the table is incomplete: both come out unknown)")
    bound: str | None = Field(
        default=None,
        description="A column saying which rows are exact (`exact`) and which only a lower bound (`lower`): a "
        "figure carried from an earlier year that the later one is known not to be below")
    unit: Literal["IDR"] | None = Field(
        default=None, description="The unit of the values: `IDR`, amounts in rupiah (0 or more)")
    description: Written | None = None


class Rule(_Model):
    """One criterion: exactly one of require, exclude, prioritize or flag."""

    id: RuleId
    title: Title | None = None
    require: Expression | None = None
    exclude: Expression | None = None
    prioritize: Expression | None = None
    flag: Expression | None = None
    source: Line | None = None
    basis: Basis = Basis.REGULATION
    in_force: Window = Window()
    explain: Explanation | None = None
    note: Written | None = None
    shows: list[Annotated[str, Field(min_length=1, description="A name: `fact.x`, `member.y` or `param.z`")]] = Field(
        default=[], description=(
        "Names whose values the criterion's trace shows besides those its condition reads (a fact its "
        "condition reads through another, such as the minimum wage behind a wage ceiling), so that a "
        "decision says where a figure comes from"))

    @model_validator(mode="after")
    def _one_kind(self) -> Rule:
        given = [k for k in Kind if getattr(self, k.value) is not None]
        if len(given) != 1:
            raise ValueError("a rule needs exactly one of `require`, `exclude`, `prioritize`, `flag`")
        return self

    @property
    def kind(self) -> Kind:
        return next(k for k in Kind if getattr(self, k.value) is not None)

    @property
    def condition(self) -> str:
        text = getattr(self, self.kind.value)
        assert isinstance(text, str)
        return text


def benefit_misfit(key: str, value: object) -> tuple[str, str | None] | None:
    """What is wrong with benefit ``key``'s value, read as a parameter's is: ``amount``, ``monthly``
    and an instalment in rupiah (``600.000`` is six hundred thousand), ``months`` a number of months."""
    return misfit(value, "months" if key == "months" else "IDR")  # type: ignore[arg-type]


def _benefit_value(value: object, info: ValidationInfo) -> object:
    key = info.field_name or "instalments"
    if type(value) is int and value <= 0:  # a parameter may be 0: a benefit paid may not
        raise ValueError(f"a benefit is paid for 1 month or more, not {value}" if key == "months"
                         else f"a benefit paid is 1 rupiah or more, not {value}")
    problem = benefit_misfit(key, value)
    if problem is not None:
        raise ValueError(problem[0])
    if value is None:
        what = UNIT_WORDS["months" if key == "months" else "IDR"]
        raise ValueError(f"{what} is needed here, written with digits only")
    return value


_Paid = Annotated[int, Field(gt=0), BeforeValidator(_benefit_value)]


class Benefit(_Model):
    """What an eligible member is paid: `amount` in total, as `monthly` x `months`, in instalments."""

    amount: _Paid
    monthly: _Paid | None = None
    months: _Paid | None = None
    instalments: list[_Paid] = []
    source: Line | None = None

    @model_validator(mode="after")
    def _adds_up(self) -> Benefit:
        if self.monthly is not None and self.months is not None and self.monthly * self.months != self.amount:
            raise ValueError(f"monthly x months = {self.monthly * self.months}, not amount {self.amount}")
        if "instalments" in self.model_fields_set and not self.instalments:
            raise ValueError(f"instalments is empty: list at least one (`[{self.amount}]` for one payment)")
        if self.instalments and sum(self.instalments) != self.amount:
            raise ValueError(f"instalments add up to {sum(self.instalments)}, not amount {self.amount}")
        return self


class Channel(_Model):
    """How the benefit is paid: an expression giving the channel name, and its source."""

    expression: Expression
    source: Line | None = None
    basis: Basis = Basis.REGULATION


class RuleFile(_Model):
    """A whole rule file: one edition of the programme."""

    ruleset: RuleId
    version: Annotated[str, AfterValidator(version_text)]
    title: Title
    legal_basis: dict[Key, Line] = {}
    in_force: Window
    as_of: Day
    parameters: dict[Identifier, Parameter] = {}
    tables: dict[Identifier, TableRef] = {}
    facts: dict[Identifier, Expression] = {}
    rules: list[Rule]
    benefit: Benefit
    channel: Channel | None = None
    notes: Written | None = None
