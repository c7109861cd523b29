"""Swedish identity numbers: personnummer and samordningsnummer (Skatteverket, SKV 704).

Accepted forms: YYYYMMDD-NNNC, YYYYMMDDNNNC, YYMMDD-NNNC, YYMMDD+NNNC (the plus marks a
person aged 100 or more). The stored form is always the twelve-digit YYYYMMDDNNNC.
A samordningsnummer adds 60 to the day of birth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PATTERN = re.compile(
    r"^(?P<century>\d{2})?(?P<yymmdd>\d{6})(?P<sep>[-+]?)(?P<serial>\d{3})(?P<check>\d)$"
)


@dataclass(frozen=True)
class IdentityNumber:
    """A validated identity number."""

    digits: str  # YYYYMMDDNNNC
    birth_date: date
    is_coordination_number: bool

    def __str__(self) -> str:
        return f"{self.digits[:8]}-{self.digits[8:]}"


def luhn_check_digit(nine_digits: str) -> int:
    """The check digit over YYMMDDNNN (Luhn, weights 2,1,2,1…)."""
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def parse_identity_number(raw: str, *, today: date | None = None) -> IdentityNumber:
    """Parse and validate; raise ValidationError with a message in the user's language."""
    today = today or date.today()  # noqa: DTZ011 - a calendar date in Sweden, not an instant
    value = re.sub(r"\s", "", raw or "")
    match = _PATTERN.match(value)
    if not match:
        raise ValidationError(
            _("Enter the identity number as YYYYMMDD-NNNN (twelve digits)."), code="format"
        )
    yymmdd, serial, check = match["yymmdd"], match["serial"], match["check"]
    if luhn_check_digit(yymmdd + serial) != int(check):
        raise ValidationError(
            _("The identity number's check digit is wrong. Check the number and try again."),
            code="checksum",
        )
    year2, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    coordination = day > 60
    if coordination:
        day -= 60
    if match["century"]:
        year = int(match["century"] + yymmdd[:2])
    else:
        # Ten digits: the most recent century that is not in the future; "+" adds a century.
        year = today.year // 100 * 100 + year2
        if year > today.year:
            year -= 100
        if match["sep"] == "+":
            year -= 100
    try:
        born = date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("The identity number does not contain a real date of birth."), code="date"
        ) from None
    if born > today:
        raise ValidationError(
            _("The identity number's date of birth is in the future."), code="future"
        )
    return IdentityNumber(
        digits=f"{year:04d}{yymmdd[2:]}{serial}{check}",
        birth_date=born,
        is_coordination_number=coordination,
    )


def validate_identity_number(raw: str) -> None:
    parse_identity_number(raw)
