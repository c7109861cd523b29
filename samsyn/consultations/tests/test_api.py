"""KON-1 over the JSON API: the same services, access and audit as the pages."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils.translation import gettext, override

from samsyn.access.models import Category, Purpose
from samsyn.accounts.tests.helpers import sign_in
from samsyn.audit.models import Entry
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.consultations.models import Consultation
from samsyn.directory.models import Role
from samsyn.directory.tests.counties import actor_in

pytestmark = pytest.mark.django_db


def _sv(msgid: str) -> str:
    with override("sv"):
        return gettext(msgid)


# The pages and the API speak Swedish by default: the tests look for the translated words.
NOT_A_REPORT = _sv(
    "A consultation never fulfils the duty to report. If you know or suspect that a child is "
    "being harmed, report it to social services at once (SoL 2025:400 19 kap. 1 §)."
)[:40]
NO_CONSENT = _sv(
    "No consent covers %(organisation)s: the child's own, or the guardians', to sharing "
    "%(category)s information with %(organisation)s. Record the consent first; until then the "
    "consultation stays anonymous."
).split("%(organisation)s")[0]

URL = "/api/consultations"
QUESTION = "Hur bemöter vi en elev som slutat äta i skolan?"


def client_for(actor) -> Client:
    return sign_in(Client(enforce_csrf_checks=False), actor)


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def ask(client, county, **changes):
    body = {
        "consulted_organisation_id": county.bup.pk, "consulted_unit_id": county.bup_unit.pk,
        "age_band": "13-15", "question": QUESTION,
        "situation": "Elev i årskurs 8 som undviker matsalen.", **changes,
    }  # fmt: skip
    return post(client, URL, body)


def test_kon_1_ask_answer_and_read_over_the_api(county):
    school, bup = client_for(county.counsellor), client_for(county.clinician)
    asked = ask(school, county)
    assert asked.status_code == 200, asked.content
    body = asked.json()
    assert body["child"] is None
    assert NOT_A_REPORT in body["not_a_report_of_concern"]
    consultation_id = body["id"]
    received = bup.get(URL, {"box": "received"}).json()
    assert [item["id"] for item in received["items"]] == [consultation_id]
    assert school.get(URL, {"box": "asked"}).json()["count"] == 1
    answered = post(bup, f"{URL}/{consultation_id}/answer", {"answer": "Ring oss."})
    assert answered.status_code == 200
    assert answered.json()["answered_by"]["id"] == county.clinician.staff.pk
    again = post(bup, f"{URL}/{consultation_id}/answer", {"answer": "Igen."})
    assert again.status_code == 400
    assert school.get(f"{URL}/{consultation_id}").json()["answer"] == "Ring oss."
    rows = Entry.objects.filter(id__gt=county.audit_since, object_type="consultation")
    assert set(rows.values_list("action", flat=True)) == {
        "consultation_asked", "read", "consultation_answered",
    }  # fmt: skip
    assert set(rows.values_list("child_id", flat=True)) == {None}


def test_kon_1_identity_number_is_a_400_and_nothing_is_stored(county):
    response = ask(client_for(county.counsellor), county, situation="Pnr 20100314-1234.")
    assert response.status_code == 400
    assert "situation" in response.json()["fields"]
    assert not Consultation.objects.exists()


def test_kon_1_a_third_organisation_gets_404(county):
    consultation_id = ask(client_for(county.counsellor), county).json()["id"]
    other = client_for(county.caseworker)
    assert other.get(f"{URL}/{consultation_id}").status_code == 404
    assert post(other, f"{URL}/{consultation_id}/answer", {"answer": "x"}).status_code == 404
    assert other.get(URL).json()["count"] == 0


def test_kon_1_link_over_the_api_only_with_consent(county):
    school = client_for(county.counsellor)
    consultation_id = ask(school, county).json()["id"]
    link = f"{URL}/{consultation_id}/link"
    body = {"identity_number": county.child.identity_number}
    refused = post(school, link, body)
    assert refused.status_code == 400
    assert NO_CONSENT in refused.json()["messages"][0]
    for guardian in county.guardians:
        ConsentFactory(
            child=county.child, guardian=guardian, receiving_organisation=county.bup,
            categories=[Category.SCHOOL], purposes=[Purpose.TREATMENT],
        )  # fmt: skip
    linked = post(school, link, body)
    assert linked.status_code == 200
    assert linked.json()["child"]["id"] == county.child.pk
    assert county.entries(action="consultation_linked", child_id=county.child.pk)
    client_for(county.clinician).get(f"{URL}/{consultation_id}")
    read = Entry.objects.filter(
        id__gt=county.audit_since,
        action="read",
        object_type="consultation",
        staff_id=county.clinician.staff.pk,
    ).get()
    assert read.child_id == county.child.pk
    assert read.basis["basis"] == "consent"


def test_kon_1_the_consulted_cannot_link_and_a_role_without_children_gets_403(county):
    consultation_id = ask(client_for(county.counsellor), county).json()["id"]
    bup = client_for(county.clinician)
    body = {"identity_number": county.child.identity_number}
    assert post(bup, f"{URL}/{consultation_id}/link", body).status_code == 400
    admin = client_for(actor_in(county.school_unit, Role.ADMINISTRATOR))
    assert admin.get(URL).status_code == 403


def test_bad_input_is_422_and_signed_out_is_401(county):
    school = client_for(county.counsellor)
    assert ask(school, county, age_band="4-7").status_code == 422
    assert school.get(f"{URL}/0").status_code == 422
    assert Client().get(URL).status_code == 401
