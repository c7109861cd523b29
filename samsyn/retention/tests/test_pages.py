"""RET-1: the administrator's retention pages: what is due per rule with a chart and a table,
the due records by number only, the rules, the legal holds; no other role reaches them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from samsyn.concerns.tests.factories import InitialAssessmentFactory, ReportFactory
from samsyn.directory.models import Role
from samsyn.retention import services
from samsyn.retention.models import LegalHold, Rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(actor_client):
    return actor_client(role=Role.ADMINISTRATOR)


def test_ret_1_the_overview_counts_per_rule_with_a_chart(admin_client):
    page = admin_client.get(reverse("retention:overview"))
    assert page.status_code == 200
    text = page.text
    assert "<svg" in text
    with translation.override("sv"):
        for words in ("Records due per record type", "Dry run only"):
            assert translation.gettext(words) in text
    assert "16 kap. 2 a §" in text  # each rule with its reference


def test_ret_1_the_overview_reads_in_english_too(admin_client):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = admin_client.get(reverse("retention:overview")).text
    for words in (
        "Retention: what is due for deletion",
        "Until the person is 30",
        "5 years after the last entry",
        "Never deleted",
        "Placement files",
    ):
        assert words in text  # fmt: skip


def test_ret_1_the_due_list_names_records_by_number_only(admin_client, monkeypatch):
    report = ReportFactory()
    InitialAssessmentFactory(report=report, not_opened=True)
    later = timezone.localdate().replace(year=timezone.localdate().year + 6)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: later)
    page = admin_client.get(reverse("retention:due", args=["report"]))
    assert page.status_code == 200
    assert f"<td>{report.pk}</td>" in page.text
    assert report.child.last_name not in page.text
    assert report.child.identity_number not in page.text


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.UNIT_MANAGER, Role.ANALYST])
def test_ret_1_only_an_administrator_reaches_retention(actor_client, role):
    client = actor_client(role=role)
    assert client.get(reverse("retention:overview")).status_code == 403


def test_ret_1_a_rule_changed_on_its_page_runs_dry(admin_client):
    rule = Rule.objects.get(record_type="report")
    Rule.objects.filter(pk=rule.pk).update(enforced=True)
    page = admin_client.get(reverse("retention:rule", args=[rule.pk]))
    data = {
        "anchor": "last_entry", "years": "6", "by_end_of_next_year": "on",
        "sample_days": "5, 15, 25", "action": "delete", "reference": rule.reference,
        "form_token": page.context["form_token"],
    }  # fmt: skip
    answer = admin_client.post(reverse("retention:rule", args=[rule.pk]), data)
    assert answer.status_code == 302
    rule.refresh_from_db()
    assert (rule.years, rule.enforced, rule.sample_days) == (6, False, [5, 15, 25])
    # Below the law's floor: refused on the form, nothing saved.
    page = admin_client.get(reverse("retention:rule", args=[rule.pk]))
    data.update(years="4", form_token=page.context["form_token"])
    refused = admin_client.post(reverse("retention:rule", args=[rule.pk]), data)
    assert refused.status_code == 200
    assert refused.context["form"].errors["years"]


def test_ret_1_enforcing_needs_a_dry_run_first(admin_client):
    rule = Rule.objects.get(record_type="report")
    admin_client.post(reverse("retention:enforce", args=[rule.pk]))
    rule.refresh_from_db()
    assert not rule.enforced
    services.run(dry_run=True)
    admin_client.post(reverse("retention:enforce", args=[rule.pk]))
    rule.refresh_from_db()
    assert rule.enforced


def test_ret_1_a_legal_hold_is_set_and_lifted_on_the_page(admin_client):
    report = ReportFactory()
    page = admin_client.get(reverse("retention:new_hold"))
    answer = admin_client.post(reverse("retention:new_hold"), {
        "record_type": "report", "record_id": report.pk, "reason": "Begäran från JO",
        "reference": "JO dnr 1234-2026", "form_token": page.context["form_token"],
    })  # fmt: skip
    assert answer.status_code == 302
    hold = LegalHold.objects.get(record_id=report.pk)
    assert (hold.set_by, hold.reference) == (admin_client.actor.staff, "JO dnr 1234-2026")
    assert "JO dnr 1234-2026" in admin_client.get(reverse("retention:overview")).text
    admin_client.post(reverse("retention:lift_hold", args=[hold.pk]))
    hold.refresh_from_db()
    assert hold.lifted_at is not None
