"""The radar over the JSON API (issue 11): the queue, one signal and dismissing it with a reason,
through the same access and audit as the pages — and (point 7) a signal that involves another
organisation's data shows only what the viewer may see, on the pages and over the API."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import Category, Purpose
from samsyn.accounts import token_services
from samsyn.audit.models import Entry
from samsyn.children.selectors import timeline_for
from samsyn.children.tests.factories import InvolvementFactory
from samsyn.concerns.tests.factories import ReportFactory
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PrincipalFactory,
    UnitFactory,
    actor_of,
)
from samsyn.discharge.tests.factories import AdmissionFactory
from samsyn.radar.models import Rule, Signal
from samsyn.radar.services.scan import scan

pytestmark = pytest.mark.django_db

QUEUE = "/api/radar/queue"


def signal_url(signal: Signal, step: str = "") -> str:
    return f"/api/radar/signals/{signal.pk}{step}"


def client_of(actor) -> Client:
    _, secret = token_services.create_token(actor=actor, name="script", days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def late_report(**fields):
    report = ReportFactory(received_at=timezone.now() - datetime.timedelta(days=3), **fields)
    scan()
    return report, Signal.objects.get(subject_id=report.pk)


def member(unit, role=Role.CASEWORKER):
    return actor_of(MembershipFactory(unit=unit, role=role))


def test_rad_6_the_queue_over_the_api_is_the_pages_queue_and_audited():
    report, signal = late_report()
    caseworker = member(report.intake_unit)
    response = client_of(caseworker).get(QUEUE)
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == "mine"
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == signal.pk
    assert item["rule"]["code"] == "RAD-6"
    assert item["child"] == {"id": report.child_id, "name": report.child.name}
    assert item["subject"]["url"] == reverse("concerns:intake_report", args=[report.pk])
    assert item["state"] == "open"
    assert body["caseload"] == []
    listed = Entry.objects.get(object_type="signal_list", staff_id=caseworker.staff.pk)
    assert listed.detail["signal_ids"] == [signal.pk]


def test_the_unit_manager_gets_the_units_queue_and_the_caseload_a_worker_their_own():
    report, signal = late_report()
    worker = MembershipFactory(unit=report.intake_unit, role=Role.CASEWORKER)
    InvolvementFactory(child=report.child, unit=report.intake_unit, staff=worker.staff)
    Signal.objects.filter(pk=signal.pk).update(staff=worker.staff)
    manager = member(report.intake_unit, Role.UNIT_MANAGER)
    body = client_of(manager).get(QUEUE, {"scope": "unit"}).json()
    assert body["scope"] == "unit"
    assert [item["id"] for item in body["items"]] == [signal.pk]
    assert body["caseload"] == [
        {"staff": {"id": worker.staff_id, "name": worker.staff.name}, "children": 1, "signals": 1}
    ]
    # The manager's own queue names nobody else's item; a worker asking for the unit's gets
    # their own, as on the page.
    assert client_of(manager).get(QUEUE).json()["items"] == []
    own = client_of(actor_of(worker)).get(QUEUE, {"scope": "unit"}).json()
    assert own["scope"] == "mine"
    assert [item["id"] for item in own["items"]] == [signal.pk]


def test_one_signal_is_read_audited():
    report, signal = late_report()
    caseworker = member(report.intake_unit)
    response = client_of(caseworker).get(signal_url(signal))
    assert response.status_code == 200
    assert response.json()["rule"]["reference"] == signal.rule.reference
    read = Entry.objects.get(object_type="signal", staff_id=caseworker.staff.pk, action="read")
    assert read.child_id == report.child_id
    assert read.outcome == "allowed"


def test_dismissing_over_the_api_needs_a_reason_and_the_signal_leaves_the_queue():
    report, signal = late_report()
    caseworker = member(report.intake_unit)
    client = client_of(caseworker)
    assert post(client, signal_url(signal, "/dismiss"), {"reason": ""}).status_code == 422
    blank = post(client, signal_url(signal, "/dismiss"), {"reason": "   "})
    assert blank.status_code == 422
    assert blank.json()["detail"][0]["loc"] == ["body", "reason"]
    assert Signal.objects.get(pk=signal.pk).dismissed_at is None
    done = post(client, signal_url(signal, "/dismiss"), {"reason": "Bedömd i telefon."})
    assert done.status_code == 200
    assert done.json()["state"] == "dismissed"
    assert done.json()["dismissed_reason"] == "Bedömd i telefon."
    assert client.get(QUEUE).json()["items"] == []
    assert client.get(signal_url(signal)).status_code == 404
    assert Entry.objects.filter(
        object_type="signal", action="signal_dismissed", staff_id=caseworker.staff.pk
    ).exists()
    # A second dismissal finds no live signal: not found, never a second reason.
    again = post(client, signal_url(signal, "/dismiss"), {"reason": "Igen."})
    assert again.status_code == 404


def test_a_role_that_works_with_no_child_is_403_and_logged():
    report, _signal = late_report()
    analyst = member(report.intake_unit, Role.ANALYST)
    assert client_of(analyst).get(QUEUE).status_code == 403
    assert Entry.objects.filter(staff_id=analyst.staff.pk, outcome="denied").exists()


@pytest.fixture
def two_sides():
    """One child both social services and BUP know, each with its own signal about the child:
    social services' report late at intake, BUP's admission with short notice. The guardians
    consented to social services reading BUP's health information."""
    report, social_signal = late_report()
    child = report.child
    region = PrincipalFactory(kind=Principal.Kind.REGION)
    bup = OrganisationFactory(kind=Organisation.Kind.BUP, principal=region, name="BUP")
    ward = UnitFactory(organisation=bup, name="BUP heldygnsvård")
    InvolvementFactory(child=child, unit=ward)
    admission = AdmissionFactory(child=child, unit=ward)
    bup_signal = Signal.objects.create(
        rule=Rule.objects.get(code="RAD-5"), child=child, subject_type=Signal.Subject.ADMISSION,
        subject_id=admission.pk, organisation=bup, unit=ward, due_on=timezone.localdate(),
    )  # fmt: skip
    ConsentFactory(
        child=child, by_child=True, receiving_organisation=report.organisation,
        categories=[Category.BASIC, Category.HEALTH], purposes=list(Purpose.values),
    )  # fmt: skip
    InvolvementFactory(child=child, unit=report.intake_unit)
    return {
        "child": child, "social": member(report.intake_unit),
        "bup": member(ward, Role.CLINICIAN), "social_signal": social_signal,
        "bup_signal": bup_signal,
        "stranger": member(UnitFactory(organisation=report.organisation), Role.UNIT_MANAGER),
    }  # fmt: skip


def test_point_7_another_organisations_signal_never_shows_on_the_pages_or_the_api(
    two_sides, actor_client
):
    """Social services may read the child's health information under the consent, and still
    never sees BUP's signal about the child: a signal is its organisation's work list. BUP,
    the same the other way. Each attempt to open the other's signal is a logged 404."""
    for side, own, other in (
        ("social", "social_signal", "bup_signal"),
        ("bup", "bup_signal", "social_signal"),
    ):
        actor, mine, theirs = two_sides[side], two_sides[own], two_sides[other]
        api = client_of(actor)
        queue = api.get(QUEUE).json()
        assert [item["id"] for item in queue["items"]] == [mine.pk], side
        assert api.get(signal_url(theirs)).status_code == 404
        assert post(api, signal_url(theirs, "/dismiss"), {"reason": "Nej."}).status_code == 404
        assert Signal.objects.get(pk=theirs.pk).dismissed_at is None
        denied = Entry.objects.filter(
            staff_id=actor.staff.pk, outcome="denied", object_type="signal", object_id=theirs.pk
        )
        assert denied.count() == 2
        page = actor_client(actor)
        html = page.get(reverse("radar:queue")).content.decode()
        assert reverse("radar:dismiss", args=[mine.pk]) in html
        assert reverse("radar:dismiss", args=[theirs.pk]) not in html
        assert page.get(reverse("radar:dismiss", args=[theirs.pk])).status_code == 404
        timeline = timeline_for(actor, two_sides["child"], purpose=Purpose.PLANNING)
        shown = {(e.kind, e.title) for e in timeline.object_list if e.kind == "Radar"}
        assert shown == {("Radar", f"{mine.rule.code} {mine.rule.name}")}, side


def test_point_7_a_unit_with_no_relationship_sees_nothing_of_its_organisations_signal(
    two_sides, actor_client
):
    """The signal lands on another unit of social services, one with no relationship with the
    child: neither its manager's queue nor the signal reveals the child to it."""
    stranger, signal = two_sides["stranger"], two_sides["social_signal"]
    Signal.objects.filter(pk=signal.pk).update(unit=stranger.unit)
    api = client_of(stranger)
    for scope in ("mine", "unit"):
        assert api.get(QUEUE, {"scope": scope}).json()["items"] == []
    assert api.get(signal_url(signal)).status_code == 404
    response = actor_client(stranger).get(reverse("radar:queue") + "?scope=unit")
    assert two_sides["child"].name not in response.content.decode()
