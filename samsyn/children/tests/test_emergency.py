"""Emergency access (nödåtkomst, DOMAIN LOG-2): a staff member without a relationship opens a
child their organisation holds data on, for a stated reason and a limited time; every read is
marked in the log, the unit manager is told, and a refused attempt is logged (LOG-3)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import EmergencyAccess
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.children.tests.helpers import says
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import OrganisationFactory, UnitFactory, make_actor

pytestmark = pytest.mark.django_db

URL = reverse("children:emergency")
REASON = "Barnet är på akuten i natt och ansvarig handläggare nås inte."


@pytest.fixture
def setting():
    """A child that one unit of a social-services organisation has as client, and a caseworker of
    another unit of the same organisation with no relationship with the child."""
    organisation = OrganisationFactory(kind=Organisation.Kind.SOCIAL_SERVICES)
    child = ChildFactory()
    InvolvementFactory(child=child, unit=UnitFactory(organisation=organisation))
    unit = UnitFactory(organisation=organisation)
    return {
        "child": child,
        "caseworker": make_actor(unit=unit),
        "manager": make_actor(unit=unit, role=Role.UNIT_MANAGER),
    }


def _post(client, **data):
    page = client.get(URL).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page)[1]
    return client.post(URL, {"form_token": token, **data})


def _last(**filters) -> Entry:
    return Entry.objects.filter(**filters).order_by("-id").first()


def test_log_2_emergency_access_opens_the_child_and_marks_every_read(actor_client, setting):
    child, actor = setting["child"], setting["caseworker"]
    client = actor_client(actor)
    detail = reverse("children:detail", args=[child.pk])
    assert client.get(detail).status_code == 404

    response = _post(client, identity_number=child.identity_number, reason=REASON)

    assert response.status_code == 302
    assert response.url == detail
    access = EmergencyAccess.objects.get(staff=actor.staff, child=child)
    assert access.unit_id == actor.unit.pk
    assert access.ends_at - access.started_at == datetime.timedelta(hours=2)
    started = _last(action="emergency_access_started")
    assert (started.child_id, started.basis["basis"]) == (child.pk, "emergency")
    assert started.detail["reason"] == REASON

    page = client.get(detail)
    assert page.status_code == 200
    assert REASON in page.content.decode()  # the banner, with its reason
    read = _last(action="read", object_type="child", child_id=child.pk)
    assert read.basis == {"basis": "emergency", "emergency_access_id": access.pk}


@override_settings(SAMSYN_EMERGENCY_ACCESS_HOURS=5)
def test_log_2_the_time_limit_is_a_setting(actor_client, setting):
    child = setting["child"]
    _post(actor_client(setting["caseworker"]), identity_number=child.identity_number, reason=REASON)
    access = EmergencyAccess.objects.get(child=child)
    assert access.ends_at - access.started_at == datetime.timedelta(hours=5)


def test_log_2_emergency_access_ends_after_its_time(actor_client, setting):
    child, actor = setting["child"], setting["caseworker"]
    client = actor_client(actor)
    _post(client, identity_number=child.identity_number, reason=REASON)
    past = timezone.now() - datetime.timedelta(minutes=1)
    EmergencyAccess.objects.update(started_at=past - datetime.timedelta(hours=2), ends_at=past)
    assert client.get(reverse("children:detail", args=[child.pk])).status_code == 404


def test_log_2_a_reason_is_required_and_what_was_typed_is_kept(actor_client, setting):
    child = setting["child"]
    response = _post(
        actor_client(setting["caseworker"]), identity_number=child.identity_number, reason=""
    )
    assert response.status_code == 200
    assert says(response, "This field is required.")
    assert f'value="{child.identity_number}"' in response.content.decode()
    assert not EmergencyAccess.objects.exists()


@pytest.mark.parametrize("whose", ["another_organisations", "unknown"])
def test_log_2_refused_for_a_child_the_organisation_holds_no_data_on(actor_client, setting, whose):
    # The same answer whether Samsyn knows the number elsewhere or not: it reveals nobody.
    if whose == "unknown":
        number = ChildFactory.build().identity_number
        child_id = None
    else:
        other = ChildFactory()
        InvolvementFactory(child=other, unit=UnitFactory(organisation__kind=Organisation.Kind.BUP))
        number, child_id = other.identity_number, other.pk
    actor = setting["caseworker"]
    response = _post(actor_client(actor), identity_number=number, reason=REASON)

    assert response.status_code == 200
    assert says(
        response,
        "Your organisation holds no data on a child with this identity number. Emergency access "
        "opens only a child your organisation already has data on; for any other child, contact "
        "the organisation involved.",
    )
    assert REASON in response.content.decode()  # kept
    assert not EmergencyAccess.objects.exists()
    # LOG-3: the refused attempt is logged.
    refused = _last(action="start_emergency_access")
    assert (refused.outcome, refused.child_id, refused.staff_id) == (
        "denied", child_id, actor.staff.pk,
    )  # fmt: skip


def test_log_2_a_child_already_open_needs_no_emergency_access(actor_client, setting):
    child, actor = setting["child"], setting["caseworker"]
    InvolvementFactory(child=child, unit=actor.unit)
    response = _post(actor_client(actor), identity_number=child.identity_number, reason=REASON)
    assert response.status_code == 200
    assert reverse("children:detail", args=[child.pk]) in response.content.decode()
    assert not EmergencyAccess.objects.exists()


@pytest.mark.parametrize("role", [Role.POLICE_OFFICER, Role.SCHOOL_COUNSELLOR, Role.ADMINISTRATOR])
def test_log_2_only_the_roles_allowed_may_take_emergency_access(actor_client, role):
    actor = make_actor(role=role)
    assert actor_client(actor).get(URL).status_code == 403
    refused = _last(staff_id=actor.staff.pk)
    assert (refused.outcome, refused.object_id) == ("denied", "access.emergency")


def test_log_2_the_unit_manager_is_told(actor_client, setting):
    child = setting["child"]
    _post(actor_client(setting["caseworker"]), identity_number=child.identity_number, reason=REASON)
    page = actor_client(setting["manager"]).get(reverse("core:home")).content.decode()
    assert setting["caseworker"].staff.name in page
    assert REASON in page
    listed = _last(object_type="emergency_access_list")
    assert listed.basis == {"basis": "oversight"}
    assert listed.detail["child_ids"] == [child.pk]


def test_log_2_a_manager_of_another_unit_is_not_told(actor_client, setting):
    child = setting["child"]
    _post(actor_client(setting["caseworker"]), identity_number=child.identity_number, reason=REASON)
    elsewhere = make_actor(
        unit__organisation=setting["caseworker"].organisation, role=Role.UNIT_MANAGER
    )
    assert REASON not in actor_client(elsewhere).get(reverse("core:home")).content.decode()


def test_log_2_emergency_access_asks_for_the_second_factor_again(actor_client, setting):
    # ASVS step-up: opening a child without a relationship is as grave as exporting its data.
    client = actor_client(setting["caseworker"])
    assert client.get(URL).status_code == 200  # just signed in: the code is fresh
    session = client.session
    session["samsyn_stepped_up"] = (
        timezone.now() - datetime.timedelta(minutes=5, seconds=1)
    ).timestamp()
    session.save()
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:step_up"))
    assert not EmergencyAccess.objects.exists()
