"""DOMAIN LOG-3 (ASVS 7.2.2) for changes, proved on the discharge kinds: a refused step rolls its
transaction back, audit rows and all, yet the refusal is logged — by the one mapping of refusals
for the pages and the one for the API, after the rollback (ADR 0011)."""

import pytest
from django.urls import reverse

from samsyn.api.tests.conftest import token_client
from samsyn.audit.models import Entry
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of
from samsyn.discharge.models import Admission, Notice
from samsyn.discharge.tests.factories import AdmissionFactory, NoticeFactory

pytestmark = pytest.mark.django_db


def _denied(staff_id):
    return list(
        Entry.objects.filter(staff_id=staff_id, outcome="denied").values_list(
            "action", "object_type", "child_id"
        )
    )


def test_log_3_a_change_refused_in_the_api_is_logged_although_it_rolled_back():
    admission = AdmissionFactory()
    stranger = MembershipFactory(role=Role.CLINICIAN)
    client = token_client(stranger)[0]
    response = client.post(
        f"/api/discharge/admissions/{admission.pk}/ready", {"version": admission.version},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 404
    assert Admission.objects.get(pk=admission.pk).ready_at is None
    assert _denied(stranger.staff_id) == [("change", "admission", admission.child_id)]


def test_log_3_a_missing_record_is_logged_too_as_probing_is_itself_a_finding():
    stranger = MembershipFactory(role=Role.CLINICIAN)
    response = token_client(stranger)[0].post(
        "/api/discharge/admissions/987654/ready", {"version": 1}, content_type="application/json"
    )
    assert response.status_code == 404
    assert _denied(stranger.staff_id) == [("change", "admission", None)]


def test_log_3_acknowledging_another_units_notice_on_the_page_is_logged(actor_client):
    notice = NoticeFactory()
    colleague = actor_of(
        MembershipFactory(unit=UnitFactory(organisation=notice.to_unit.organisation))
    )
    client = actor_client(colleague)
    token = client.get(reverse("discharge:received")).context["form_token"]
    response = client.post(
        reverse("discharge:received_acknowledge", args=[notice.pk]), {"form_token": token}
    )
    assert response.status_code == 404
    assert Notice.objects.get(pk=notice.pk).acknowledged_at is None
    assert _denied(colleague.staff.pk) == [
        ("change", "discharge_notice", notice.admission.child_id)
    ]


def test_log_3_a_step_the_actor_may_see_but_not_take_is_logged_with_its_child(actor_client):
    notice = NoticeFactory()
    caseworker = actor_of(MembershipFactory(unit=notice.to_unit, role=Role.CASEWORKER))
    staff = MembershipFactory(unit=notice.to_unit).staff
    response = actor_client(caseworker).post(
        reverse("api:discharge_appoint", args=[notice.admission_id]), {"staff_id": staff.pk},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403
    assert _denied(caseworker.staff.pk) == [("change", "admission", notice.admission.child_id)]
