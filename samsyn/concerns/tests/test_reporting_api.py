"""Reports of concern over the JSON API: the same services, access and audit as the pages —
filing with a token or a session, the author's list and report with the feedback's answer,
asking for feedback later, another person's report a 404 audited as denied, and every refusal
its declared status (400 malformed body, 401, 403, 404, 422 with the field errors)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import translation

from samsyn.accounts.tests.helpers import sign_in
from samsyn.api.tests.conftest import token_client
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import ChildFactory
from samsyn.concerns.models import InitialAssessment, Report
from samsyn.concerns.tests.factories import FeedbackFactory, IntakeFactory
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PrincipalFactory,
    UnitFactory,
    actor_of,
)

pytestmark = pytest.mark.django_db

URL = "/api/reports"
SEEN = "Eleven har berättat att det inte finns mat hemma."


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def kommun():
    municipality = PrincipalFactory(kind=Principal.Kind.MUNICIPALITY, name="Hällefors kommun")
    IntakeFactory(municipality=municipality, organisation__name="Socialtjänsten Hällefors")
    return municipality


@pytest.fixture
def nurse(kommun):
    school = OrganisationFactory(kind=Organisation.Kind.SCHOOL, principal=kommun)
    unit = UnitFactory(organisation=school, municipality=kommun)
    return MembershipFactory(unit=unit, role=Role.SCHOOL_NURSE, staff__phone="0591-640 00")


@pytest.fixture
def child(kommun):
    return ChildFactory(municipality=kommun)


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_professional_files_with_a_token_and_gets_the_receipt(nurse, child):
    client = token_client(nurse)[0]
    response = post(
        client, URL,
        {"identity_number": child.identity_number, "what_seen": SEEN, "urgency": "not_acute",
         "feedback_requested": True},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    report = Report.objects.get()
    assert body["reference"] == report.reference
    assert body["received_by"]["name"] == "Socialtjänsten Hällefors"
    assert body["municipality"]["name"] == "Hällefors kommun"
    assert body["reporter"]["phone"] == "0591-640 00"  # prefilled from the staff member
    assert body["feedback_requested_at"] is not None
    assert body["feedback"] is None
    assert [step["code"] for step in body["next_steps"]] == ["protection", "initial_assessment"]
    assert "child" not in body  # never whether Samsyn knew the child
    assert report.child_id == child.pk
    assert Entry.objects.filter(action="report_filed", child_id=child.pk).count() == 1


def test_anm_2_the_api_refuses_an_anonymous_professional_report(nurse, child):
    response = post(
        token_client(nurse)[0], URL,
        {"identity_number": child.identity_number, "what_seen": SEEN, "urgency": "acute",
         "anonymous": True},
    )  # fmt: skip
    assert response.status_code == 422
    assert "anonymt" in response.json()["detail"][0]["msg"]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        ({"identity_number": "20150314-0000"}, ["body", "identity_number"], "Kontrollsiffran"),
        ({}, ["body"], "Inget barn angivet"),
        ({"child_name": "Kim Svensson"}, ["body", "child_address"], "adress"),
    ],
)
def test_bad_child_details_are_422s_naming_the_field(nurse, body, where, message):
    response = post(
        token_client(nurse)[0], URL, {"what_seen": SEEN, "urgency": "not_acute", **body}
    )
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert (error["loc"], message in error["msg"]) == (where, True)
    assert not Report.objects.exists()


def test_a_text_over_the_limit_and_a_malformed_body(nurse):
    client = token_client(nurse)[0]
    too_long = post(client, URL, {"what_seen": "x" * 10_001, "urgency": "acute"})
    assert too_long.status_code == 422
    malformed = client.post(URL, "{not json", content_type="application/json")
    assert malformed.status_code == 400
    assert not Report.objects.exists()


def test_without_a_sign_in_401(child):
    assert post(Client(), URL, {"what_seen": SEEN, "urgency": "acute"}).status_code == 401
    assert Client().get(URL).status_code == 401


def test_an_analyst_holds_no_child_and_files_no_report_403_audited(kommun, child):
    analyst = MembershipFactory(unit=UnitFactory(), role=Role.ANALYST)
    body = {"what_seen": SEEN, "urgency": "acute", "identity_number": child.identity_number}
    response = post(token_client(analyst)[0], URL, body)
    assert response.status_code == 403
    assert Entry.objects.filter(
        outcome="denied", object_type="role_permission", staff_id=analyst.staff_id
    ).exists()


def test_the_author_lists_and_reads_their_reports_with_the_feedback(nurse, child):
    client = token_client(nurse)[0]
    ids = [
        post(
            client,
            URL,
            {"identity_number": child.identity_number, "what_seen": SEEN, "urgency": "not_acute"},
        ).json()["id"]  # fmt: skip
        for _ in range(2)
    ]
    FeedbackFactory(report_id=ids[0], answer=InitialAssessment.Decision.UNDER_WAY)
    listed = client.get(URL).json()
    assert [item["id"] for item in listed["items"]] == ids[::-1]
    assert (listed["count"], listed["page"], listed["pages"]) == (2, 1, 1)
    assert listed["items"][1]["feedback_answer"] == "under_way"
    one = client.get(f"{URL}/{ids[0]}").json()
    assert one["feedback"]["answer"] == "under_way"
    assert set(one["feedback"]) == {"answer", "given_at"}  # nothing more (ANM-6)
    assert Entry.objects.filter(action="read", object_type="report", object_id=str(ids[0])).exists()
    assert Entry.objects.filter(object_type="report_list", staff_id=nurse.staff_id).exists()


def test_anm_6_asking_for_feedback_later_over_a_session(nurse, child):
    client = sign_in(Client(), actor_of(nurse))
    created = post(client, URL, {"identity_number": child.identity_number, "what_seen": SEEN,
                                 "urgency": "not_acute"}).json()  # fmt: skip
    assert created["feedback_requested_at"] is None
    asked = client.post(f"{URL}/{created['id']}/feedback-request")
    assert asked.status_code == 200
    assert asked.json()["feedback_requested_at"] is not None
    assert (
        Entry.objects.filter(
            action="report_feedback_requested", object_id=str(created["id"])
        ).count()
        == 1
    )


def test_a_colleagues_report_is_a_404_audited_as_denied(nurse, child):
    report_id = post(
        token_client(nurse)[0], URL,
        {"identity_number": child.identity_number, "what_seen": SEEN, "urgency": "acute"},
    ).json()["id"]  # fmt: skip
    colleague = MembershipFactory(unit=nurse.unit, role=Role.SCHOOL_COUNSELLOR)
    client = token_client(colleague)[0]
    assert client.get(f"{URL}/{report_id}").status_code == 404
    assert client.post(f"{URL}/{report_id}/feedback-request").status_code == 404
    assert client.get(f"{URL}/999999").json() == client.get(f"{URL}/{report_id}").json()
    assert client.get(URL).json()["count"] == 0
    denied = Entry.objects.filter(
        outcome="denied", object_type="report", staff_id=colleague.staff_id
    )
    assert denied.count() == 4  # the two reads, the request, the missing one
    assert Report.objects.get().feedback_requested_at is None
