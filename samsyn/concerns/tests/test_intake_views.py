"""Intake's pages over HTTP: the queue, the report page, each step's form, the investigation,
the start page's section; what was typed kept on a refusal; another unit gets 404."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from samsyn.concerns.models import Report
from samsyn.concerns.tests.factories import (
    InitialAssessmentFactory,
    InvestigationFactory,
    ReportFactory,
)
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import UnitFactory
from samsyn.plans.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"concerns:{name}", args=args)


def test_the_queue_and_the_report_page_for_intake(actor_client):
    report = ReportFactory(urgency=Report.Urgency.ACUTE)
    client = actor_client(unit=report.intake_unit)
    queue = client.get(url("intake_queue"))
    assert queue.status_code == 200
    assert report.reference in queue.text
    page = client.get(url("intake_report", report.pk))
    assert page.status_code == 200
    assert report.what_seen in page.text
    assert url("intake_protection", report.pk) in page.text
    assert client.get(url("intake_queue"), {"overdue": "on", "acute": "on"}).status_code == 200


def test_sek_4_another_unit_gets_no_report_and_an_empty_queue(actor_client):
    report = ReportFactory()
    client = actor_client(unit=UnitFactory(organisation=report.organisation))
    assert report.reference not in client.get(url("intake_queue")).text
    assert client.get(url("intake_report", report.pk)).status_code == 404
    assert client.get(url("intake_protection", report.pk)).status_code == 404


def test_steps_through_the_pages(actor_client):
    report = ReportFactory()
    client = actor_client(unit=report.intake_unit)
    page = client.get(url("intake_protection", report.pk))
    token = page.context["form_token"]
    refused = client.post(
        url("intake_protection", report.pk),
        {"version": 1, "immediate_protection_needed": "no", "assessment": "", "form_token": token},
    )
    assert refused.status_code == 200  # the error summary, nothing stored
    done = client.post(
        url("intake_protection", report.pk),
        {"version": 1, "immediate_protection_needed": "no", "assessment": "Inget akut behov.",
         "form_token": refused.context["form_token"]},
    )  # fmt: skip
    assert done.status_code == 302
    # A stale version keeps what was typed and says why.
    page = client.get(url("intake_decision", report.pk))
    stale = client.post(
        url("intake_decision", report.pk),
        {"version": 1, "decision": "not_opened", "reasons": "Mitt skäl.",
         "form_token": page.context["form_token"]},
    )  # fmt: skip
    assert stale.status_code == 200
    assert "Mitt skäl." in stale.text
    decided = client.post(
        url("intake_decision", report.pk),
        {"version": 2, "decision": "not_opened", "reasons": "Mitt skäl.",
         "form_token": stale.context["form_token"]},
    )  # fmt: skip
    assert decided.status_code == 302
    feedback = client.get(url("intake_feedback", report.pk))
    assert feedback.status_code == 200
    assert 'value="opened"' not in feedback.text
    assert 'value="not_opened"' in feedback.text
    given = client.post(
        url("intake_feedback", report.pk),
        {"version": 3, "answer": "not_opened", "form_token": feedback.context["form_token"]},
    )
    assert given.status_code == 302
    assert report.__class__.objects.get(pk=report.pk).feedback.answer == "not_opened"


def test_a_public_report_has_no_feedback_page(actor_client):
    report = ReportFactory(public=True)
    InitialAssessmentFactory(report=report, not_opened=True)
    client = actor_client(unit=report.intake_unit)
    page = client.get(url("intake_report", report.pk)).text
    with override("sv"):
        why = gettext(
            "No feedback: the law gives feedback to professional reporters only, not to members "
            "of the public (SoL 19 kap. 6 §)."
        )
    assert why in page
    assert url("intake_feedback", report.pk) not in page
    assert client.get(url("intake_feedback", report.pk)).status_code == 403


def test_the_link_page_offers_registration_when_nobody_matches(actor_client):
    report = ReportFactory(unlinked=True, given_name="Ingen Alls")
    client = actor_client(unit=report.intake_unit)
    page = client.get(url("intake_link", report.pk))
    assert page.status_code == 200
    assert reverse("children:register") in page.text


def test_the_investigation_page_links_the_childs_sip_or_a_proposal(actor_client):
    assessment = InitialAssessmentFactory(opened=True)
    investigation = assessment.investigation
    client = actor_client(unit=investigation.unit)
    page = client.get(url("investigation", investigation.pk))
    assert page.status_code == 200
    assert f"{reverse('plans:propose')}?child={investigation.child_id}" in page.text
    assert assessment.report.reference in page.text
    extend = client.get(url("investigation_extend", investigation.pk))
    later = investigation.opened_on + datetime.timedelta(days=200)
    done = client.post(
        url("investigation_extend", investigation.pk),
        {"version": 1, "until": later.isoformat(), "reasons": "Särskilda skäl.",
         "form_token": extend.context["form_token"]},
    )  # fmt: skip
    assert done.status_code == 302
    investigation.refresh_from_db()
    assert investigation.extended_until == later


def test_the_investigation_page_links_the_childs_open_sip(actor_client):
    investigation = InvestigationFactory()
    case = CaseFactory(
        child=investigation.child, initiating_organisation=investigation.organisation
    )
    client = actor_client(unit=investigation.unit)
    page = client.get(url("investigation", investigation.pk))
    # The investigating unit has the child through the investigation: it reads the SIP.
    assert reverse("plans:detail", args=[case.pk]) in page.text
    assert reverse("plans:propose") not in page.text


def test_the_start_page_shows_the_queue_and_the_units_overdue_items(actor_client):
    old = ReportFactory(received_at=timezone.now() - datetime.timedelta(days=20))
    manager = actor_client(unit=old.intake_unit, role=Role.UNIT_MANAGER)
    home = manager.get(reverse("core:home"))
    assert home.status_code == 200
    assert url("intake_queue") in home.text
    assert old.reference in home.text
    # A caseworker elsewhere in the organisation sees no section and no report.
    other = actor_client(unit=UnitFactory(organisation=old.organisation))
    assert old.reference not in other.get(reverse("core:home")).text
