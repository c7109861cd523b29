"""The BBIC licence is a setting held as data, recorded and ended by a command (BBIC-1)."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from samsyn.assessment.models import BbicLicence
from samsyn.assessment.selectors.assessments import licence_of
from samsyn.directory.tests.factories import PrincipalFactory

pytestmark = pytest.mark.django_db


def test_bbic_1_the_command_licenses_a_municipality_and_ends_the_licence():
    municipality = PrincipalFactory(code="1880", name="Örebro kommun")
    out = io.StringIO()
    call_command(
        "bbic_licence", "1880", "--reference", "S2019/123", "--since", "2019-05-01", stdout=out
    )
    assert licence_of(municipality).reference == "S2019/123"
    call_command("bbic_licence", "1880", "--end", "2020-01-01", stdout=out)
    assert licence_of(municipality) is None
    assert BbicLicence.objects.get().ended_on == datetime.date(2020, 1, 1)


@pytest.mark.parametrize(
    "arguments",
    [
        ["9999", "--reference", "x", "--since", "2019-05-01"],
        ["1880", "--reference", "x", "--since", "maj"],
        ["1880", "--reference", "x"],
        ["1880", "--end", "2020-01-01"],
    ],
)
def test_bad_input_to_the_command_is_a_clear_error(arguments):
    PrincipalFactory(code="1880", name="Örebro kommun")
    with pytest.raises(CommandError):
        call_command("bbic_licence", *arguments, stdout=io.StringIO())
    assert not BbicLicence.objects.exists()
