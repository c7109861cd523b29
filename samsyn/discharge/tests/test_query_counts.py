"""DESIGN invariant 7 for every discharge page and read of the API (issue 10): the same number of
queries with 10 and with 10,000 related rows — admissions of the same ward, each notified to
the same social services and outpatient unit under its ground, with date changes, ready notices
and planning tasks. One admission is the one the detail pages show. `pytest … -s` prints the
counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import Category, LegalGround, Purpose
from samsyn.children.models import Child
from samsyn.children.tests.factories import identity_number
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of
from samsyn.discharge.models import Admission, DischargeDateChange, Notice, PlanningTask
from samsyn.discharge.tests.factories import AdmissionFactory, NoticeFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 10_000


def _setting():
    """The ward, the two receiving units, the admission the detail pages show (notified to
    both, ready, with its fixed care contact and a changed date) and who signs in."""
    admission = AdmissionFactory(ready_at=timezone.now() - datetime.timedelta(hours=5))
    ward, child = admission.unit, admission.child
    social = UnitFactory(
        organisation__kind=Organisation.Kind.SOCIAL_SERVICES,
        organisation__principal=child.municipality,
    )
    outpatient = UnitFactory(organisation=admission.organisation, name="BUP öppenvård")
    people = {
        "ward": actor_of(MembershipFactory(unit=ward, role=Role.CLINICIAN)),
        "manager": actor_of(MembershipFactory(unit=ward, role=Role.UNIT_MANAGER)),
        "social": actor_of(MembershipFactory(unit=social, role=Role.CASEWORKER)),
        "contact": actor_of(MembershipFactory(unit=outpatient, role=Role.CLINICIAN)),
    }
    for unit in (social, outpatient):
        notice = NoticeFactory(admission=admission, to_unit=unit)
        NoticeFactory(
            admission=admission, to_unit=unit, kind=Notice.Kind.READY,
            legal_ground=notice.legal_ground, sent_at=admission.ready_at,
        )  # fmt: skip
    Admission.objects.filter(pk=admission.pk).update(
        outpatient_unit=outpatient, fixed_care_contact=people["contact"].staff
    )
    DischargeDateChange.objects.create(
        admission=admission, from_date=admission.expected_discharge_on,
        to_date=admission.expected_discharge_on, changed_by=admission.created_by,
    )  # fmt: skip
    return admission, social, outpatient, people


def _more(admission: Admission, units, count: int, offset: int) -> None:
    """`count` more children admitted to the same ward, each notified to both units under
    grounds, half of them ready, each with a changed date and the units' tasks: in bulk."""
    now = timezone.now()
    start = datetime.date(2012, 1, 1)
    children = Child.objects.bulk_create(
        (
            Child(
                identity_number=number, birth_date=datetime.date.fromisoformat(number[:8]),
                first_name="Barn", last_name=f"Nr {n}",
                municipality_id=admission.child.municipality_id,
            )
            for n, number in ((n, identity_number(start, offset + n)) for n in range(count))
        ),
        batch_size=2_000,
    )  # fmt: skip
    basis_id = Notice.objects.filter(admission=admission).first().legal_ground.basis_id
    admissions = Admission.objects.bulk_create(
        (
            Admission(
                child=child, organisation_id=admission.organisation_id,
                unit_id=admission.unit_id, admitted_at=admission.admitted_at,
                needs_judged_at=admission.needs_judged_at,
                expected_discharge_on=admission.expected_discharge_on
                + datetime.timedelta(days=n % 9),
                ready_at=now if n % 2 else None, created_by_id=admission.created_by_id,
            )
            for n, child in enumerate(children)
        ),
        batch_size=2_000,
    )  # fmt: skip
    for unit in units:
        grounds = LegalGround.objects.bulk_create(
            (
                LegalGround(
                    child=child, basis_id=basis_id,
                    receiving_organisation_id=unit.organisation_id,
                    categories=[Category.BASIC, Category.CONTACT, Category.HEALTH],
                    purposes=[Purpose.PLANNING],
                    reason="Utskrivning", valid_until=now + datetime.timedelta(days=60),
                    recorded_by_id=admission.created_by_id,
                )
                for child in children
            ),
            batch_size=2_000,
        )  # fmt: skip
        notices = [
            Notice(
                admission=a, kind=kind, to_unit_id=unit.pk, sent_by_id=a.created_by_id,
                legal_ground=g, acknowledged_at=now if n % 2 else None,
            )  # fmt: skip
            for n, (a, g) in enumerate(zip(admissions, grounds, strict=True))
            for kind in ([Notice.Kind.ADMISSION, Notice.Kind.READY] if a.ready_at else
                         [Notice.Kind.ADMISSION])
        ]  # fmt: skip
        Notice.objects.bulk_create(notices, batch_size=2_000)
        PlanningTask.objects.bulk_create(
            (PlanningTask(admission=a, unit_id=unit.pk, text="Kontakta vårdnadshavarna")
             for a in admissions),
            batch_size=2_000,
        )  # fmt: skip
    DischargeDateChange.objects.bulk_create(
        (
            DischargeDateChange(
                admission=a, from_date=a.expected_discharge_on, to_date=a.expected_discharge_on,
                changed_by_id=a.created_by_id,
            )
            for a in admissions
        ),
        batch_size=2_000,
    )  # fmt: skip
    # Statistics for the rows just written: a planner that still thinks the tables empty nests
    # access's EXISTS subqueries over them all, as no table would be in real use.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _pages(admission: Admission) -> dict[str, list[str]]:
    pk = admission.pk
    return {
        "ward": [
            reverse("core:home"),
            reverse("discharge:ward"),
            reverse("discharge:ward") + "?show=all",
            reverse("discharge:admission_new"),
            reverse("discharge:admission", args=[pk]),
            reverse("discharge:send_notices", args=[pk]),
            reverse("discharge:change_date", args=[pk]),
            reverse("discharge:discharge", args=[pk]),
            "/api/discharge/ward",
            f"/api/discharge/admissions/{pk}",
        ],
        "manager": [reverse("core:home"), reverse("discharge:ward")],
        "social": [
            reverse("core:home"),
            reverse("discharge:received"),
            reverse("discharge:received_admission", args=[pk]),
            reverse("api:discharge_received"),
            reverse("api:discharge_received_admission", args=[pk]),
        ],
        "contact": [
            reverse("core:home"),
            reverse("discharge:received"),
            reverse("discharge:received_admission", args=[pk]),
            reverse("discharge:received_appoint", args=[pk]),
            reverse("discharge:received_summary", args=[pk]),
            reverse("api:discharge_summary", args=[pk]),
        ],
    }


def _count(client, url) -> int:
    client.get(url)  # once first: the audit partition of the day is made on the first write
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _measure(clients, admission) -> dict[tuple[str, str], int]:
    return {
        (who, url): _count(clients[who], url)
        for who, urls in _pages(admission).items()
        for url in urls
    }


def test_every_discharge_page_costs_the_same_at_10_and_10000_related_rows(actor_client):
    admission, social, outpatient, people = _setting()
    clients = {who: actor_client(actor) for who, actor in people.items()}
    _more(admission, (social, outpatient), SMALL - 1, offset=0)
    small = _measure(clients, admission)
    _more(admission, (social, outpatient), LARGE - SMALL, offset=SMALL)
    assert Admission.objects.filter(unit=admission.unit).count() == LARGE
    large = _measure(clients, admission)
    for key, queries in small.items():
        print(f"{key[0]:8} {key[1]}: {queries} queries at {SMALL}, {large[key]} at {LARGE}")
    assert large == small
