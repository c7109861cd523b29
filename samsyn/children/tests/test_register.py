"""Registering a child: bad input, double submit and a number that is already known."""

import datetime
import re

import pytest
from django.urls import reverse

from samsyn.audit.models import Entry
from samsyn.children.identity import luhn_check_digit
from samsyn.children.models import Child, Guardian, Involvement
from samsyn.children.selectors import guardians_of
from samsyn.children.tests.factories import ChildFactory, GuardianFactory, identity_number
from samsyn.children.tests.helpers import says
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db

URL = reverse("children:register")
CHILD_NUMBER = identity_number(datetime.date(2016, 5, 17), 123)


def _checked(yyyymmdd: str, serial: str = "000") -> str:
    """A number with a right check digit, whatever its date: so the date is what is wrong."""
    return f"{yyyymmdd}-{serial}{luhn_check_digit(yyyymmdd[2:] + serial)}"


def _form(client) -> dict:
    """What the page handed out: the one-time token."""
    content = client.get(URL).content.decode()
    return {"form_token": re.search(r'name="form_token" value="([^"]+)"', content)[1]}


def _data(client, kommun, **overrides) -> dict:
    data = {
        **_form(client),
        "identity_number": f"{CHILD_NUMBER[:8]}-{CHILD_NUMBER[8:]}",
        "first_name": "Alva",
        "last_name": "Testsson",
        "municipality": kommun.pk,
        "street_address": "Skolgatan 3",
        "postal_code": "702 10",
        "city": "Örebro",
        "phone": "",
        "guardian1-identity_number": identity_number(datetime.date(1985, 6, 1), 501),
        "guardian1-first_name": "Karin",
        "guardian1-last_name": "Testsson",
        "guardian2-identity_number": "",
        "guardian2-first_name": "",
        "guardian2-last_name": "",
    }
    data.update(overrides)
    return data


def test_register_creates_child_guardian_involvement_and_audit_row(social, kommun, client_for):
    client = client_for(social)
    response = client.post(URL, _data(client, kommun))
    child = Child.objects.get(identity_number=CHILD_NUMBER)
    assert response.status_code == 302
    assert response["Location"] == reverse("children:detail", args=[child.pk])
    assert child.postal_code == "70210"
    assert child.birth_date == datetime.date(2016, 5, 17)
    assert [g.first_name for g in guardians_of(child)] == ["Karin"]
    assert Involvement.objects.filter(child=child, unit=social.unit, staff=None).exists()
    entry = Entry.objects.get(child_id=child.pk, action="child_registered")
    assert entry.staff_id == social.staff.pk
    # The registering unit can now see the child.
    assert client.get(response["Location"]).status_code == 200


def test_an_existing_guardian_is_reused_not_duplicated(social, kommun, client_for):
    guardian = GuardianFactory()
    client = client_for(social)
    client.post(
        URL,
        _data(
            client,
            kommun,
            **{"guardian1-identity_number": guardian.identity_number, "guardian1-first_name": "X"},
        ),
    )
    child = Child.objects.get(identity_number=CHILD_NUMBER)
    assert list(guardians_of(child)) == [guardian]
    assert Guardian.objects.filter(identity_number=guardian.identity_number).count() == 1
    guardian.refresh_from_db()
    assert guardian.first_name != "X"


def test_two_guardians(social, kommun, client_for):
    client = client_for(social)
    second = identity_number(datetime.date(1984, 2, 2), 502)
    client.post(
        URL,
        _data(
            client,
            kommun,
            **{
                "guardian2-identity_number": second,
                "guardian2-first_name": "Per",
                "guardian2-last_name": "Testsson",
            },
        ),
    )
    assert guardians_of(Child.objects.get(identity_number=CHILD_NUMBER)).count() == 2


@pytest.mark.parametrize(
    ("number", "msgid"),
    [
        ("2016-05-17", "Enter the identity number as YYYYMMDD-NNNN (twelve digits)."),
        (
            f"{CHILD_NUMBER[:8]}-{CHILD_NUMBER[8:11]}{(int(CHILD_NUMBER[11]) + 1) % 10}",
            "The identity number's check digit is wrong. Check the number and try again.",
        ),
        (_checked("20160231"), "The identity number does not contain a real date of birth."),
        (_checked("20990101"), "The identity number's date of birth is in the future."),
    ],
)
def test_a_wrong_identity_number_is_explained_and_the_input_kept(
    social, kommun, client_for, number, msgid
):
    client = client_for(social)
    response = client.post(URL, _data(client, kommun, identity_number=number))
    assert response.status_code == 200
    assert says(response, msgid)
    assert f'value="{number}"' in response.content.decode()
    assert 'value="Skolgatan 3"' in response.content.decode()
    assert not Child.objects.exists()


def test_an_adult_is_not_registered_as_a_child(social, kommun, client_for):
    client = client_for(social)
    response = client.post(
        URL, _data(client, kommun, identity_number=identity_number(datetime.date(1990, 1, 1), 1))
    )
    assert response.status_code == 200
    assert not Child.objects.exists()


def test_an_empty_required_field_is_named_and_the_rest_kept(social, kommun, client_for):
    client = client_for(social)
    response = client.post(URL, _data(client, kommun, first_name=""))
    assert response.status_code == 200
    assert says(response, "This field is required.")
    assert 'value="Testsson"' in response.content.decode()
    assert not Child.objects.exists()


def test_a_too_long_text_is_refused_saying_the_limit(social, kommun, client_for):
    client = client_for(social)
    too_long = "Å" * 101
    response = client.post(URL, _data(client, kommun, last_name=too_long))
    assert response.status_code == 200
    content = response.content.decode()
    assert "100" in content  # the limit, in the help text and the error
    assert says(
        response, "At most %(limit)d character.", ("At most %(limit)d characters.", 100), limit=100
    )
    assert too_long in content
    assert not Child.objects.exists()


def test_a_half_filled_guardian_is_refused(social, kommun, client_for):
    client = client_for(social)
    response = client.post(URL, _data(client, kommun, **{"guardian1-last_name": ""}))
    assert response.status_code == 200
    assert says(response, "This field is required.")
    assert not Child.objects.exists()


def test_a_guardian_with_the_childs_number_is_refused(social, kommun, client_for):
    client = client_for(social)
    response = client.post(
        URL, _data(client, kommun, **{"guardian1-identity_number": CHILD_NUMBER})
    )
    assert says(response, "A guardian cannot have the child's own identity number.")
    assert not Child.objects.exists()


def test_a_double_submit_creates_one_child(social, kommun, client_for):
    client = client_for(social)
    data = _data(client, kommun)
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert Child.objects.filter(identity_number=CHILD_NUMBER).count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    child = Child.objects.get(identity_number=CHILD_NUMBER)
    assert Entry.objects.filter(action="child_registered", child_id=child.pk).count() == 1


def test_an_expired_token_keeps_the_input_and_asks_again(social, kommun, client_for):
    client = client_for(social)
    response = client.post(URL, _data(client, kommun, form_token="forged"))
    assert response.status_code == 200
    assert says(response, "The form had expired. Check what you typed and submit it again.")
    assert 'value="Alva"' in response.content.decode()
    assert not Child.objects.exists()
    token = re.search(r'name="form_token" value="([^"]+)"', response.content.decode())[1]
    client.post(URL, _data(client, kommun, form_token=token))
    assert Child.objects.count() == 1


def test_a_known_identity_number_does_not_reveal_who_it_is(social, kommun, bup, client_for):
    known = ChildFactory(identity_number=CHILD_NUMBER, first_name="Hemlig", last_name="Gömdasson")
    # A school, which has no relationship with the known child, tries to register it.
    school = MembershipFactory(
        unit=UnitFactory(organisation=OrganisationFactory(kind=Organisation.Kind.SCHOOL)),
        role=Role.SCHOOL_NURSE,
    )
    client = client_for(school)
    response = client.post(URL, _data(client, kommun))
    content = response.content.decode()
    assert response.status_code == 200
    assert says(
        response,
        "A child with this identity number is already registered in Samsyn. Your unit can ask "
        "the organisation involved with the child for access.",
    )
    assert "Hemlig" not in content
    assert "Gömdasson" not in content
    assert reverse("children:detail", args=[known.pk]) not in content
    assert Child.objects.count() == 1
    assert not Involvement.objects.filter(child=known).exists()
    assert Entry.objects.filter(child_id=known.pk, action="register", outcome="denied").exists()


def test_police_do_not_register_children(kommun, client_for):
    police = MembershipFactory(
        unit=UnitFactory(organisation=OrganisationFactory(kind=Organisation.Kind.POLICE)),
        role=Role.POLICE_OFFICER,
    )
    assert client_for(police).get(URL).status_code == 403
