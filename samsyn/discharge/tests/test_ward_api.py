"""The inpatient side over the API: the same services, access and audit as the pages (UTS-1,
UTS-4); a protected identity's address never in the notice; SEK-4."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from samsyn.accounts.tests.helpers import sign_in
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of
from samsyn.discharge.models import Notice
from samsyn.discharge.tests.ward_setup import admit, make_ward, notify

pytestmark = pytest.mark.django_db

API = "/api/discharge"


def client_of(actor) -> Client:
    return sign_in(Client(), actor)


def test_uts_1_and_uts_4_the_api_registers_notifies_changes_and_marks_ready():
    w = make_ward()
    api = client_of(w.clinician)
    admitted = (timezone.now() - datetime.timedelta(hours=3)).isoformat()
    expected = (timezone.localdate() + datetime.timedelta(days=8)).isoformat()
    response = api.post(
        f"{API}/admissions",
        {"child_id": w.child.pk, "admitted_at": admitted, "expected_discharge_on": expected},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    admission_id = body["id"]
    response = api.post(
        f"{API}/admissions/{admission_id}/notices",
        {"version": body["version"], "social_unit_id": w.social.pk,
         "outpatient_unit_id": w.outpatient.pk},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert {n["to_unit"]["id"] for n in body["notices"]} == {w.social.pk, w.outpatient.pk}
    new = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = api.post(
        f"{API}/admissions/{admission_id}/date",
        {"version": body["version"], "to_date": new, "reason": "Snabbare"},
        content_type="application/json",
    )
    body = response.json()
    assert body["date_changes"][0]["to_date"] == new
    # A stale version is refused, nothing changed.
    stale = api.post(
        f"{API}/admissions/{admission_id}/ready", {"version": 1}, content_type="application/json"
    )
    assert stale.status_code == 422
    response = api.post(
        f"{API}/admissions/{admission_id}/ready",
        {"version": body["version"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    kinds = [n["kind"] for n in response.json()["notices"]]
    assert kinds.count(Notice.Kind.READY) == 2
    listed = api.get(f"{API}/ward").json()
    assert [item["id"] for item in listed["items"]] == [admission_id]


def test_uts_1_the_api_never_gives_a_protected_identitys_address():
    w = make_ward(protected_identity=True, street_address="Hemligvägen 7", city="Örebro")
    admission = notify(w, admit(w))
    social = actor_of(MembershipFactory(unit=w.social, role=Role.CASEWORKER))
    for actor in (w.clinician, social):
        body = client_of(actor).get(f"{API}/admissions/{admission.pk}").json()
        assert "Hemligvägen" not in str(body)
        assert body["address"] in ("skyddad", "protected")


def test_sek_4_another_unit_of_the_same_bup_gets_404_and_an_empty_list():
    w = make_ward()
    admission = notify(w, admit(w))
    colleague = actor_of(
        MembershipFactory(unit=UnitFactory(organisation=w.ward.organisation), role=Role.CLINICIAN)
    )
    api = client_of(colleague)
    assert api.get(f"{API}/admissions/{admission.pk}").status_code == 404
    assert api.get(f"{API}/ward").json()["items"] == []
    response = api.post(
        f"{API}/admissions/{admission.pk}/ready",
        {"version": admission.version},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_a_caseworker_may_not_use_the_inpatient_operations():
    w = make_ward()
    api = client_of(actor_of(MembershipFactory(unit=w.social, role=Role.CASEWORKER)))
    assert api.get(f"{API}/ward").status_code == 403
