"""The assessment over the JSON API: the same services, access and audit as the pages. Swedish
area names in every language (BBIC-1), no areas without a licence (RSF-1), versions never
overwritten, a stale save a 409, and another organisation's 404 audited."""

import json

import pytest
from django.test import Client

from samsyn.accounts import token_services
from samsyn.assessment.tests.factories import (
    AssessmentFactory,
    BbicLicenceFactory,
    VersionFactory,
    caseworker_for,
    caseworker_of,
    rate,
)
from samsyn.assessment.triangle import AREAS
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of

pytestmark = pytest.mark.django_db

BASE = "/api/assessments"


def client_of(actor, language="sv") -> Client:
    _, secret = token_services.create_token(actor=actor, name="script", days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE=language)


def send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_bbic_1_a_caseworker_records_two_versions_over_the_api_and_neither_is_overwritten():
    child = ChildFactory()
    BbicLicenceFactory(municipality=child.municipality)
    client = client_of(caseworker_for(child), "en")
    draft = send(client, "post", f"{BASE}/start", {"child_id": child.pk}).json()
    assert draft["bbic"] is True
    assert [a["label"] for a in draft["areas"]] == [area.label for area in AREAS]
    assessment_id = draft["assessment_id"]
    body = {
        "lock_version": draft["lock_version"], "child_heard": True, "child_view": "Bra.",
        "ratings": [{"area": "health", "rating": 2, "description": "Astma."}],
        "risk_factors": ["Skolfrånvaro"], "protective_factors": ["Mormor"],
    }  # fmt: skip
    saved = send(client, "put", f"{BASE}/{assessment_id}/draft", body).json()
    health = next(a for a in saved["areas"] if a["area"] == "health")
    assert (health["label"], health["rating"]) == ("Hälsa", 2)
    final = send(
        client, "post", f"{BASE}/{assessment_id}/draft/finalise",
        {"lock_version": saved["lock_version"]},
    )  # fmt: skip
    assert final.json()["status"] == "final"
    # A finalised version is never changed: saving it again is a 409.
    again = send(client, "put", f"{BASE}/{assessment_id}/draft", body)
    assert again.status_code == 409
    second = send(client, "post", f"{BASE}/start", {"child_id": child.pk}).json()
    assert second["number"] == 2
    body["lock_version"] = second["lock_version"]
    body["ratings"] = [{"area": "health", "rating": 4, "description": "Bättre."}]
    send(client, "put", f"{BASE}/{assessment_id}/draft", body)
    first = client.get(f"{BASE}/{assessment_id}/versions/1").json()
    assert next(a for a in first["areas"] if a["area"] == "health")["rating"] == 2
    listed = client.get(f"{BASE}/children/{child.pk}").json()
    assert [v["number"] for v in listed["assessments"][0]["latest_versions"]] == [2, 1]


def test_rsf_1_without_a_licence_the_api_offers_no_areas():
    child = ChildFactory()
    client = client_of(caseworker_for(child))
    assert client.get(f"{BASE}/children/{child.pk}").json()["bbic_licence"] is None
    draft = send(client, "post", f"{BASE}/start", {"child_id": child.pk}).json()
    assert (draft["bbic"], draft["areas"]) == (False, [])


def test_a_stale_save_is_a_409_with_the_current_draft():
    assessment = AssessmentFactory()
    VersionFactory(assessment=assessment, number=1, lock_version=5, child_view="Deras.")
    client = client_of(caseworker_of(assessment))
    response = send(
        client, "put", f"{BASE}/{assessment.pk}/draft",
        {"lock_version": 4, "child_heard": True, "child_view": "Min."},
    )  # fmt: skip
    assert response.status_code == 409
    assert response.json()["current"]["child_view"] == "Deras."


def test_bad_input_is_a_422():
    assessment = AssessmentFactory()
    VersionFactory(assessment=assessment, number=1)
    client = client_of(caseworker_of(assessment))
    for body in (
        {"lock_version": 1, "child_heard": True, "ratings": [{"area": "nope", "rating": 2}]},
        {"lock_version": 1, "child_heard": True, "risk_factors": ["x" * 201]},
        {"lock_version": 1, "child_heard": True, "child_view": "a\x00b"},
        {"child_heard": True},
    ):
        assert send(client, "put", f"{BASE}/{assessment.pk}/draft", body).status_code == 422


def test_bbic_1_another_organisation_without_a_ground_gets_404_and_it_is_audited():
    assessment = AssessmentFactory()
    VersionFactory(assessment=assessment, number=1, final=True)
    bup = UnitFactory(organisation__kind=Organisation.Kind.BUP)
    InvolvementFactory(child=assessment.child, unit=bup)
    clinician = actor_of(MembershipFactory(unit=bup, role=Role.CLINICIAN))
    client = client_of(clinician)
    assert client.get(f"{BASE}/{assessment.pk}/versions/1").status_code == 404
    assert client.get(f"{BASE}/999999/versions/1").status_code == 404
    listed = client.get(f"{BASE}/children/{assessment.child_id}").json()
    assert listed["assessments"] == []
    assert listed["may_start"] is False
    denied = Entry.objects.filter(staff_id=clinician.staff.pk, outcome="denied")
    assert denied.filter(object_type="assessment_version").count() == 2


def test_a_unit_of_the_owner_with_no_relationship_gets_404():
    assessment = AssessmentFactory()
    version = VersionFactory(assessment=assessment, number=1)
    rate(version, "health", 3)
    other = UnitFactory(organisation=assessment.organisation)
    client = client_of(actor_of(MembershipFactory(unit=other, role=Role.CASEWORKER)))
    assert client.get(f"{BASE}/{assessment.pk}/versions/1").status_code == 404
    response = send(
        client, "put", f"{BASE}/{assessment.pk}/draft", {"lock_version": 1, "child_heard": True}
    )
    assert response.status_code == 404
