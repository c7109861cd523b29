import datetime

import pytest
from django.core.exceptions import ValidationError

from samsyn.children.identity import parse_identity_number

TODAY = datetime.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("raw", "digits", "coordination"),
    [
        ("20150314-0004", "201503140004", False),
        ("201503140004", "201503140004", False),
        ("150314-0004", "201503140004", False),
        ("150314+0004", "191503140004", False),
        ("20150374-0001", "201503740001", True),
    ],
)
def test_valid_numbers_normalise_to_twelve_digits(raw, digits, coordination):
    parsed = parse_identity_number(raw, today=TODAY)
    assert parsed.digits == digits
    assert parsed.is_coordination_number is coordination


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2015-03-14", "format"),
        ("20150314-0005", "checksum"),
        ("20150231-0004", "date"),
        ("20270101-0007", "future"),
    ],
)
def test_wrong_numbers_say_why(raw, code):
    with pytest.raises(ValidationError) as error:
        parse_identity_number(raw, today=TODAY)
    assert error.value.code == code
