"""Intake over the JSON API: the same services, access and audit as the pages, and every
refusal in its declared status (400 malformed, 401, 403, 404, 409 stale, 422 refused)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from samsyn.audit.models import Entry
from samsyn.children.tests.factories import InvolvementFactory
from samsyn.concerns.models import InitialAssessment
from samsyn.concerns.tests.factories import InitialAssessmentFactory, ReportFactory
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

BASE = "/api/concerns"


def post(client, path, body):
    return client.post(f"{BASE}{path}", json.dumps(body), content_type="application/json")


def test_the_queue_and_a_report_for_intake(actor_client):
    report = ReportFactory()
    client = actor_client(unit=report.intake_unit)
    queue = client.get(f"{BASE}/intake")
    assert queue.status_code == 200
    [item] = queue.json()["items"]
    assert (item["id"], item["state"]) == (report.pk, queue.json()["items"][0]["state"])
    assert {step["code"] for step in item["steps"]} == {"protection", "initial_assessment"}
    one = client.get(f"{BASE}/intake/{report.pk}")
    assert one.status_code == 200
    assert one.json()["version"] == 1
    read = Entry.objects.filter(object_type="report", staff_id=client.actor.staff.pk).get()
    assert read.object_id == str(report.pk)


def test_sek_4_another_unit_gets_404_and_an_empty_queue(actor_client):
    report = ReportFactory()
    client = actor_client(unit=UnitFactory(organisation=report.organisation))
    assert client.get(f"{BASE}/intake").json()["items"] == []
    assert client.get(f"{BASE}/intake/{report.pk}").status_code == 404
    body = {"version": 1, "immediate_protection_needed": False, "assessment": "x"}
    answer = post(client, f"/intake/{report.pk}/protection", body)
    assert answer.status_code == 404


def test_steps_stale_refused_and_malformed(actor_client):
    report = ReportFactory()
    client = actor_client(unit=report.intake_unit)
    body = {"version": 1, "immediate_protection_needed": False, "assessment": "Inget."}
    done = post(client, f"/intake/{report.pk}/protection", body)
    assert done.status_code == 200
    assert done.json()["protection"]["assessment"] == "Inget."
    stale = post(client, f"/intake/{report.pk}/decision",
                 {"version": 1, "decision": "not_opened", "reasons": "Skäl."})  # fmt: skip
    assert (stale.status_code, stale.json()["version"]) == (409, 2)
    under_way = post(client, f"/intake/{report.pk}/decision",
                     {"version": 2, "decision": "under_way"})  # fmt: skip
    assert under_way.status_code == 422
    decided = post(client, f"/intake/{report.pk}/decision",
                   {"version": 2, "decision": "not_opened", "reasons": "Skäl."})  # fmt: skip
    assert decided.status_code == 200
    wrong = post(client, f"/intake/{report.pk}/feedback", {"version": 3, "answer": "opened"})
    assert wrong.status_code == 422
    given = post(client, f"/intake/{report.pk}/feedback", {"version": 3, "answer": "not_opened"})
    assert (given.status_code, given.json()["feedback"]["answer"]) == (200, "not_opened")
    malformed = client.post(
        f"{BASE}/intake/{report.pk}/feedback", "{not json", content_type="application/json"
    )
    assert malformed.status_code == 400


def test_the_investigating_unit_may_read_but_not_take_intakes_steps(actor_client):
    assessment = InitialAssessmentFactory(opened=True)
    # As opening it through intake leaves it: the unit involved with the child.
    InvolvementFactory(child=assessment.report.child, unit=assessment.investigation.unit)
    client = actor_client(unit=assessment.investigation.unit)
    assert client.get(f"{BASE}/intake/{assessment.report.pk}").status_code == 200
    refused = post(client, f"/intake/{assessment.report.pk}/feedback-request", {"version": 1})
    assert refused.status_code == 403
    investigation = client.get(f"{BASE}/investigations/{assessment.investigation.pk}")
    assert investigation.status_code == 200
    assert investigation.json()["report_ids"] == [assessment.report.pk]
    finished = post(
        client, f"/investigations/{assessment.investigation.pk}/finish",
        {"version": 1, "finished_on": str(assessment.investigation.opened_on),
         "outcome": "Avslutad utan insats."},
    )  # fmt: skip
    assert finished.status_code == 200
    assert finished.json()["finished_on"] == str(assessment.investigation.opened_on)


def test_signed_out_and_roles_without_children(actor_client):
    report = ReportFactory()
    assert Client().get(f"{BASE}/intake").status_code == 401
    admin = actor_client(unit=report.intake_unit, role=Role.ADMINISTRATOR)
    assert admin.get(f"{BASE}/intake/{report.pk}").status_code == 403
    assert InitialAssessment.objects.count() == 0
