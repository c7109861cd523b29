"""DESIGN invariant 7 for the SIP's pages (issue 12): the same number of statements with 10 and
with 10,000 related rows of one SIP — consents and legal grounds to its party, meetings with
their invitations, coordinator handovers, versions of the plan, and items in the plan in force
and in the draft. Every page shows a page of what grows; the printed plan is a document and
holds every item, in the same statements however many. `pytest … -s` prints the counts."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import Category, LegalBasis, LegalGround, Purpose
from samsyn.accounts import session_services
from samsyn.children.tests.factories import InvolvementFactory
from samsyn.consent.models import Consent
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import make_actor
from samsyn.plans.models import Case, Handover, Invitation, Meeting, PlanItem, PlanVersion
from samsyn.plans.tests.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 10_000
# Far above any version the growth makes: the draft stays the latest version.
DRAFT_NUMBER = 30_000
BATCH = 2_000


def _setting():
    """A SIP of social services with BUP as accepted party, the child's own consent to BUP,
    version 1 finalised and a draft after it."""
    social = make_actor()
    bup = make_actor(unit__organisation__kind=Organisation.Kind.BUP, role=Role.CLINICIAN)
    case = CaseFactory(
        initiated_by=social.staff, initiating_organisation=social.organisation,
        coordinator=social.staff, coordinator_organisation=social.organisation,
        status=Case.Status.DRAFTED,
    )  # fmt: skip
    InvolvementFactory(child=case.child, unit=social.unit)
    PartyFactory(case=case, accepted_for=bup.unit)
    PlanVersion.objects.create(
        case=case, number=1, status=PlanVersion.Status.FINAL, created_by=social.staff,
        finalised_at=timezone.now(), finalised_by=social.staff,
    )  # fmt: skip
    PlanVersion.objects.create(case=case, number=DRAFT_NUMBER, created_by=social.staff)
    return case, social, bup


def _more(case: Case, social, bup, count: int, offset: int) -> None:
    """`count` more of everything the SIP's pages list, in bulk."""
    now = timezone.now()
    staff_id = social.staff.pk
    Consent.objects.bulk_create(
        (
            Consent(
                child_id=case.child_id, given_by=Consent.GivenBy.CHILD,
                receiving_organisation_id=bup.organisation.pk,
                categories=[Category.BASIC, Category.PLAN], purposes=[Purpose.PLANNING],
                form=Consent.Form.WRITTEN, given_at=now - datetime.timedelta(minutes=n),
                valid_until=now + datetime.timedelta(days=300),
                withdrawn_at=now if n % 3 == 0 else None,
                withdrawn_recorded_by_id=staff_id if n % 3 == 0 else None,
                recorded_by_id=staff_id, recorded_for_id=social.organisation.pk,
            )
            for n in range(count)
        ),
        batch_size=BATCH,
    )  # fmt: skip
    basis = LegalBasis.objects.first()
    LegalGround.objects.bulk_create(
        (
            LegalGround(
                child_id=case.child_id, basis=basis,
                receiving_organisation_id=bup.organisation.pk,
                categories=[Category.BASIC, Category.PLAN], purposes=[Purpose.PLANNING],
                reason="SIP", valid_until=now + datetime.timedelta(days=60),
                recorded_by_id=staff_id,
            )
            for _ in range(count)
        ),
        batch_size=BATCH,
    )  # fmt: skip
    meetings = Meeting.objects.bulk_create(
        (
            Meeting(
                case=case, starts_at=now - datetime.timedelta(days=n + 1),
                ends_at=now - datetime.timedelta(days=n + 1, hours=-1), place="Rum 3",
                minutes="Protokoll", minutes_by_id=staff_id, booked_by_id=staff_id,
            )
            for n in range(offset, offset + count)
        ),
        batch_size=BATCH,
    )  # fmt: skip
    Invitation.objects.bulk_create(
        (
            Invitation(meeting=m, kind=Invitation.Kind.STAFF, staff_id=staff_id, name="Handläggare")
            for m in meetings
        ),
        batch_size=BATCH,
    )
    Handover.objects.bulk_create(
        (
            Handover(
                case=case, from_staff_id=staff_id, to_staff_id=bup.staff.pk,
                to_organisation_id=bup.organisation.pk, declined_at=now,
            )
            for _ in range(count)
        ),
        batch_size=BATCH,
    )  # fmt: skip
    PlanVersion.objects.bulk_create(
        (
            PlanVersion(
                case=case, number=n, status=PlanVersion.Status.FINAL, created_by_id=staff_id,
                finalised_at=now, finalised_by_id=staff_id,
                follow_up_on=now.date() + datetime.timedelta(days=n),
            )
            for n in range(offset + 2, offset + count + 2)
        ),
        batch_size=BATCH,
    )  # fmt: skip
    for version in PlanVersion.objects.filter(case=case, number__in=(1, DRAFT_NUMBER)):
        need = uuid.uuid4()
        PlanItem.objects.bulk_create(
            (
                PlanItem(
                    version=version, kind=kind, text=f"{kind} {n}",
                    key=need if n == offset and kind == PlanItem.Kind.NEED else uuid.uuid4(),
                    need_key=None if kind == PlanItem.Kind.NEED else need,
                    responsible_organisation_id=social.organisation.pk,
                    responsible_principal_id=social.organisation.principal_id,
                    position=n % 30_000,
                )
                for n in range(offset, offset + count)
                for kind in [list(PlanItem.Kind)[n % len(PlanItem.Kind)]]
            ),
            batch_size=BATCH,
        )  # fmt: skip
    # Statistics for the rows just written: a planner that still thinks the tables empty picks
    # plans no table in real use would get.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _pages(case: Case) -> dict[str, list[str]]:
    pk = case.pk
    return {
        "social": [
            reverse("plans:detail", args=[pk]),
            reverse("plans:detail", args=[pk]) + "?page=2",
            reverse("plans:plan_versions", args=[pk]),
            reverse("plans:plan_version", args=[pk, 1]),
            reverse("plans:plan_version", args=[pk, 1]) + "?page=2",
            f"/api/sip/{pk}",
            f"/api/sip/{pk}?consents_page=2",
            reverse("plans:plan_version", args=[pk, DRAFT_NUMBER]),
            reverse("plans:plan_print", args=[pk, 1]),
        ],
        "bup": [
            reverse("plans:detail", args=[pk]),
            reverse("plans:detail", args=[pk]) + "?page=2",
            reverse("plans:plan_version", args=[pk, 1]),
            f"/api/sip/{pk}",
        ],
    }


# The most statements each page may make, by who and the URL with the SIP's id as {pk}. The
# SIP's page pays for its many sections (consent status, meetings, deadlines, plan) and the
# access decisions each makes; a page that needs fewer lowers its pin.
PINNED = {
    ("social", "/sip/{pk}/"): 39,
    ("social", "/sip/{pk}/?page=2"): 39,
    ("social", "/sip/{pk}/plan/"): 15,
    ("social", "/sip/{pk}/plan/v1/"): 15,
    ("social", "/sip/{pk}/plan/v1/?page=2"): 15,
    ("social", "/api/sip/{pk}"): 30,
    ("social", "/api/sip/{pk}?consents_page=2"): 30,
    ("social", f"/sip/{{pk}}/plan/v{DRAFT_NUMBER}/"): 16,
    ("social", "/sip/{pk}/plan/v1/print/"): 14,
    ("bup", "/sip/{pk}/"): 40,
    ("bup", "/sip/{pk}/?page=2"): 37,
    ("bup", "/api/sip/{pk}"): 30,
    ("bup", "/sip/{pk}/plan/v1/"): 18,
}


def _count(client, url) -> int:
    # The print page asks for the second factor within minutes; growing the data takes longer.
    session = client.session
    session_services.step_up(session)
    session.save()
    client.get(url)  # once first: the audit partition of the day is made on the first write
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _measure(clients, case) -> dict[tuple[str, str], int]:
    return {
        (who, url): _count(clients[who], url) for who, urls in _pages(case).items() for url in urls
    }


def test_every_sip_page_costs_the_same_at_10_and_10000_related_rows(actor_client):
    case, social, bup = _setting()
    clients = {"social": actor_client(social), "bup": actor_client(bup)}
    _more(case, social, bup, SMALL, offset=0)
    small = _measure(clients, case)
    _more(case, social, bup, LARGE - SMALL, offset=SMALL)
    assert PlanItem.objects.filter(version__case=case, version__number=1).count() == LARGE
    large = _measure(clients, case)
    for key, queries in small.items():
        print(f"{key[0]:6} {key[1]}: {queries} queries at {SMALL}, {large[key]} at {LARGE}")
    assert large == small
    sip = f"/sip/{case.pk}"
    pins = {(who, url.replace(sip, "/sip/{pk}")): n for (who, url), n in small.items()}
    assert {key: n for key, n in pins.items() if n > PINNED[key]} == {}


def _plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


# Steps that combine rows with others (an unnest, a join) rather than read or group one table.
_COMBINING = {
    "Function Scan",
    "CTE Scan",
    "Subquery Scan",
    "Nested Loop",
    "Hash Join",
    "Merge Join",
}


def _reads_only(node: dict, tables: set[str]) -> bool:
    """Whether the step only reads (and sorts or groups) rows of these tables."""
    nodes = list(_plan_nodes(node))
    read = {n["Relation Name"] for n in nodes if "Relation Name" in n}
    return bool(read) and read <= tables and not {n["Node Type"] for n in nodes} & _COMBINING


def test_the_bup_viewers_grounds_follow_the_scopes_not_the_consents(actor_client):
    """The BUP viewer reads the SIP under consent: the one statement that finds the grounds
    BUP holds (`rules._grounds`) once unnested every consent and legal ground in force, and at
    10,000 of them made the viewer's page twice as slow as at 10. Alike ones are one row first:
    past the reads of the two tables, no step of its plan handles more than a few rows."""
    case, social, bup = _setting()
    client = actor_client(bup)
    _more(case, social, bup, LARGE, offset=0)
    url = reverse("plans:detail", args=[case.pk])
    _count(client, url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    (grounds,) = [q["sql"] for q in queries.captured_queries if "by_guardian AS" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + grounds)
        plan = cursor.fetchone()[0][0]["Plan"]
    tables = {Consent._meta.db_table, LegalGround._meta.db_table}
    handled = [
        (node["Node Type"], node["Actual Rows"] * node["Actual Loops"])
        for node in _plan_nodes(plan)
        if not _reads_only(node, tables)
    ]
    assert [(step, rows) for step, rows in handled if rows > 100] == []
