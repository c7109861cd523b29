"""Each radar rule finds its pattern and, once the pattern is resolved, clears it (issue 11
"Tests": one test that builds the pattern and finds it, one that shows it does not fire when
resolved); the scan is idempotent; a dismissal needs a reason and holds while the pattern lasts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from samsyn.audit.models import Entry
from samsyn.children.tests.factories import InvolvementFactory
from samsyn.concerns.tests.factories import ProtectionAssessmentFactory, ReportFactory
from samsyn.directory.models import Membership, Role
from samsyn.directory.tests.factories import MembershipFactory, actor_of
from samsyn.discharge.tests.factories import AdmissionFactory
from samsyn.plans.models import Case, Handover, PlanItem
from samsyn.plans.tests.factories import CaseFactory, HandoverFactory, MeetingFactory
from samsyn.radar.models import Rule, Signal
from samsyn.radar.services import signals
from samsyn.radar.services.scan import scan

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=n)


def live(code: str):
    return Signal.objects.filter(rule__code=code, cleared_at__isnull=True)


def test_the_rules_are_data_with_swedish_and_english_names_and_a_reference():
    rules = Rule.objects.all()
    assert [r.code for r in rules] == [f"RAD-{n}" for n in range(1, 9)]
    for rule in rules:
        assert all([rule.name_sv, rule.name_en, rule.description_sv, rule.reference])


def test_rad_3_a_coordinator_role_offered_and_not_taken_is_found_then_cleared_on_accept():
    case = CaseFactory(consented=True)
    offer = HandoverFactory(case=case, offered_at=days_ago(8))
    scan()
    signal = live("RAD-3").get()
    assert (signal.subject_type, signal.subject_id) == ("handover", offer.pk)
    assert signal.organisation_id == case.coordinator_organisation_id
    assert signal.staff_id == case.coordinator_id
    assert signal.due_on == (days_ago(8) + datetime.timedelta(days=7)).date()
    Handover.objects.filter(pk=offer.pk).update(accepted_at=NOW)
    scan()
    assert not live("RAD-3").exists()
    assert Signal.objects.get(pk=signal.pk).cleared_at is not None


def test_rad_3_an_offer_within_the_threshold_is_not_a_signal():
    HandoverFactory(case=CaseFactory(consented=True), offered_at=days_ago(2))
    scan()
    assert not live("RAD-3").exists()


def test_rad_4_a_coordinator_who_left_leaves_the_role_empty_until_a_new_one_takes_it():
    case = CaseFactory(consented=True)
    MembershipFactory(staff=case.coordinator, unit__organisation=case.coordinator_organisation)
    scan()
    assert not live("RAD-4").exists()
    # The person leaves: no active membership in the coordinating organisation.
    Membership.objects.filter(staff=case.coordinator).update(active=False)
    scan()
    signal = live("RAD-4").get()
    assert (signal.subject_id, signal.organisation_id) == (case.pk, case.initiating_organisation_id)
    successor = MembershipFactory(unit__organisation=case.coordinator_organisation).staff
    Case.objects.filter(pk=case.pk).update(coordinator=successor)
    scan()
    assert not live("RAD-4").exists()


def test_rad_5_the_seeds_same_day_discharge_is_found_for_the_inpatient_unit():
    admission = AdmissionFactory(
        admitted_at=days_ago(5), ready_at=NOW - datetime.timedelta(hours=3),
        discharged_at=NOW - datetime.timedelta(hours=1), expected_discharge_on=TODAY,
    )  # fmt: skip
    scan()
    signal = live("RAD-5").get()
    assert (signal.subject_id, signal.unit_id) == (admission.pk, admission.unit_id)


def test_rad_5_a_discharge_announced_in_good_time_is_not_a_signal():
    AdmissionFactory(
        admitted_at=days_ago(10), ready_at=days_ago(5), discharged_at=days_ago(1),
        expected_discharge_on=TODAY,
    )  # fmt: skip
    scan()
    assert not live("RAD-5").exists()


def test_rad_6_a_report_without_protection_assessment_on_time_lands_on_the_intake_unit():
    report = ReportFactory(received_at=days_ago(3))
    scan()
    signal = live("RAD-6").get()
    assert (signal.subject_type, signal.subject_id) == ("report", report.pk)
    assert signal.unit_id == report.intake_unit_id
    assert signal.child_id == report.child_id


def test_rad_6_the_protection_assessment_done_clears_the_signal():
    report = ReportFactory(received_at=days_ago(3))
    scan()
    ProtectionAssessmentFactory(report=report)
    scan()
    assert not live("RAD-6").filter(subject_id=report.pk).exists()


def test_rad_7_a_sip_proposed_and_never_consented_is_found_after_the_threshold():
    fresh = CaseFactory(proposed_at=days_ago(3))
    stale = CaseFactory(proposed_at=days_ago(20))
    scan()
    found = set(live("RAD-7").values_list("subject_id", flat=True))
    assert stale.pk in found
    assert fresh.pk not in found
    signal = live("RAD-7").get(subject_id=stale.pk)
    assert signal.organisation_id == stale.initiating_organisation_id


def test_rad_7_a_sip_past_its_follow_up_date_is_found_and_a_new_version_clears_it():
    case = CaseFactory(finalised=True)
    case.versions.update(follow_up_on=TODAY - datetime.timedelta(days=3))
    scan()
    assert live("RAD-7").filter(subject_id=case.pk).exists()
    case.versions.update(follow_up_on=TODAY + datetime.timedelta(days=30))
    scan()
    assert not live("RAD-7").filter(subject_id=case.pk).exists()


def test_rad_1_a_need_no_effort_meets_is_found_after_the_threshold():
    case = CaseFactory(finalised=True)
    version = case.versions.get()
    version.finalised_at = days_ago(40)
    version.save(update_fields=["finalised_at"])
    assert scan().rules["RAD-1"].found == 0  # the complete plan: every need met
    need = PlanItem.objects.create(version=version, kind=PlanItem.Kind.NEED, text="Boende")
    scan()
    signal = live("RAD-1").get()
    assert (signal.subject_type, signal.subject_id) == ("plan_item", need.pk)
    assert signal.staff_id == case.coordinator_id


def test_rad_1_an_effort_that_meets_the_need_clears_it():
    case = CaseFactory(finalised=True)
    version = case.versions.get()
    version.finalised_at = days_ago(40)
    version.save(update_fields=["finalised_at"])
    need = PlanItem.objects.create(version=version, kind=PlanItem.Kind.NEED, text="Boende")
    scan()
    PlanItem.objects.create(
        version=version, kind=PlanItem.Kind.EFFORT, text="Stödboende", need_key=need.key,
        responsible_organisation=case.initiating_organisation,
    )  # fmt: skip
    scan()
    assert not live("RAD-1").exists()


def test_the_scan_is_idempotent_and_audits_each_signal_once():
    report = ReportFactory(received_at=days_ago(3))
    first = scan()
    second = scan()
    assert (first.raised, second.raised, second.cleared) == (1, 0, 0)
    assert Signal.objects.count() == 1
    assert Entry.objects.filter(action="signal_raised", child_id=report.child_id).count() == 1


def test_a_dismissal_needs_a_reason_is_audited_and_holds_while_the_pattern_lasts():
    report = ReportFactory(received_at=days_ago(3))
    InvolvementFactory(child=report.child, unit=report.intake_unit)
    actor = actor_of(MembershipFactory(unit=report.intake_unit, role=Role.CASEWORKER))
    scan()
    signal = live("RAD-6").get()
    with pytest.raises(ValidationError):
        signals.dismiss(actor=actor, signal_id=signal.pk, reason="  ")
    signals.dismiss(actor=actor, signal_id=signal.pk, reason="Skyddsbedömd muntligt, journalförs.")
    scan()
    assert Signal.objects.count() == 1
    assert Signal.objects.get().dismissed_reason.startswith("Skyddsbedömd")
    assert Entry.objects.filter(action="signal_dismissed", staff_id=actor.staff.pk).exists()


def test_a_new_occurrence_after_the_pattern_was_gone_is_a_new_signal():
    case = CaseFactory(consented=True)
    HandoverFactory(case=case, offered_at=days_ago(9))
    scan()
    Handover.objects.update(declined_at=NOW)
    scan()
    HandoverFactory(case=case, offered_at=days_ago(8))
    scan()
    assert Signal.objects.filter(rule__code="RAD-3").count() == 2
    assert live("RAD-3").count() == 1


def test_rad_5_a_meeting_booked_after_ready_clears_the_sip_call_signal():
    from samsyn.directory.models import Organisation
    from samsyn.discharge.tests.factories import NoticeFactory

    admission = AdmissionFactory(admitted_at=days_ago(10), ready_at=days_ago(6))
    NoticeFactory(admission=admission)
    outpatient = NoticeFactory(
        admission=admission, to_unit__organisation__kind=Organisation.Kind.BUP
    ).to_unit
    admission.outpatient_unit = outpatient
    admission.save(update_fields=["outpatient_unit"])
    scan()
    call = live("RAD-5").get(unit=outpatient)
    assert call.organisation_id == outpatient.organisation_id
    case = CaseFactory(child=admission.child, consented=True)
    MeetingFactory(case=case, starts_at=NOW + datetime.timedelta(days=1))
    scan()
    assert not live("RAD-5").filter(unit=outpatient).exists()


def test_samsyn_radar_scan_reports_each_rule_as_it_goes():
    import io

    from django.core.management import call_command

    ReportFactory(received_at=days_ago(3))
    out = io.StringIO()
    call_command("radar", "scan", stdout=out)
    assert "RAD-6: 1 found, 1 new, 0 resolved" in out.getvalue()
    assert out.getvalue().rstrip().endswith("Done: 1 new, 0 resolved.")
