"""Showing a page writes nothing but its audit rows and the session (where the form tokens
live): every staff page of a SIP with a meeting and a draft plan, of its child, and around them,
opened with GET while the SQL is watched."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samsyn.consent.models import Consent
from samsyn.plans.services import versions as plan_services
from samsyn.plans.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|TRUNCATE|CREATE|ALTER|DROP)\b", re.IGNORECASE)
# Reads are audited (the audit chain's head moves with each row); the session is saved on every
# request (its idle timeout slides) and holds the form tokens.
ALLOWED = re.compile(
    r'^\s*\w+\s+(INTO\s+)?"?(audit_entry|audit_chainhead|django_session)\b', re.IGNORECASE
)

SIP_PAGES = (
    "detail", "first_contact", "invite_party", "offer_handover", "close", "meeting_book",
    "plan_versions", "plan_edit", "plan_finalise", "plan_diff",
)  # fmt: skip


def _writes(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [
        query["sql"]
        for query in queries.captured_queries
        if WRITE.match(query["sql"]) and not ALLOWED.match(query["sql"])
    ]


def test_get_pages_write_nothing_but_audit_rows_and_the_session(actor_client, social, consented):
    case, child = consented, consented.child
    meeting = MeetingFactory(case=case, booked_by=social.staff)
    invitation = InvitationFactory(meeting=meeting)
    plan_services.start_plan(actor=social, case_id=case.pk)
    consent = Consent.objects.filter(child=case.child).get()
    urls = [
        reverse("core:home"),
        reverse("plans:list"),
        reverse("plans:overdue"),
        reverse("plans:propose") + f"?child={child.pk}",
        *(reverse(f"plans:{name}", args=[case.pk]) for name in SIP_PAGES),
        *(
            reverse(f"plans:{name}", args=[case.pk, 1])
            for name in ("plan_version", "plan_print", "plan_pdf")
        ),
        *(
            reverse(f"plans:{name}", args=[meeting.pk])
            for name in ("meeting_edit", "meeting_cancel", "meeting_minutes")
        ),
        reverse("plans:meeting_reply", args=[invitation.token]),
        *(
            reverse(f"plans:consent_{name}", args=[case.pk])
            for name in ("record", "maturity", "legal_ground")
        ),
        reverse("plans:consent_withdraw", args=[case.pk, consent.pk]),
        reverse("children:list"),
        reverse("children:register"),
        reverse("children:detail", args=[child.pk]),
        reverse("children:edit_contact", args=[child.pk]),
        reverse("audit:child", args=[child.pk]),
        reverse("directory:list"),
        reverse("directory:organisation", args=[social.organisation.pk]),
        reverse("tokens:list"),
    ]
    client = actor_client(social)
    client.get(reverse("core:home"))  # the session's first save is the sign-in's, not a page's
    writes = {url: found for url in urls if (found := _writes(client, url))}
    assert writes == {}
