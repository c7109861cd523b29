"""The inpatient side (DOMAIN UTS-1, UTS-4): the admission, its notices under a recorded ground,
the 24 hours that run across a weekend, the changed date told at once, ready for discharge, and
the discharge with too little notice flagged and counted."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from samsyn.access import rules
from samsyn.access.models import Purpose
from samsyn.audit.models import Entry as AuditEntry
from samsyn.children.tests.factories import GuardianFactory, GuardianshipFactory
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.directory.models import Principal, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of
from samsyn.discharge.models import Admission, DischargeSettings, Notice
from samsyn.discharge.selectors import AdmissionNotFound
from samsyn.discharge.selectors import ward as selectors
from samsyn.discharge.selectors.deadlines import flags_of, notice_due
from samsyn.discharge.services import ward
from samsyn.discharge.tests.ward_setup import admit, make_ward, notify

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def events(admission):
    return list(
        AuditEntry.objects.filter(object_type="admission", object_id=str(admission.pk))
        .exclude(action="read")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_uts_1_the_admission_notice_goes_to_social_services_and_outpatient_under_a_ground():
    w = make_ward()
    admission = notify(w, admit(w))
    notices = list(admission.notices.select_related("legal_ground__basis"))
    assert {n.to_unit for n in notices} == {w.social, w.outpatient}
    assert {n.kind for n in notices} == {Notice.Kind.ADMISSION}
    for notice in notices:
        ground = notice.legal_ground
        assert ground.basis.reference == "OSL 25 kap. 12 §"
        assert ground.receiving_organisation == notice.to_unit.organisation
        assert set(ground.categories) == {"basic", "contact", "health"}
        assert ground.purposes == [Purpose.PLANNING]
    assert admission.outpatient_unit == w.outpatient
    social = actor_of(MembershipFactory(unit=w.social, role=Role.CASEWORKER))
    assert rules.decide(social, admission, purpose=Purpose.PLANNING).basis == "legal_ground"
    assert events(admission) == [
        "admission_registered", "legal_ground_recorded", "notice_sent",
        "legal_ground_recorded", "notice_sent",
    ]  # fmt: skip


def _consent(w, guardian, organisation):
    return ConsentFactory(
        child=w.child, guardian=guardian, receiving_organisation=organisation,
        categories=["basic", "health"], purposes=[Purpose.PLANNING],
    )  # fmt: skip


def test_uts_1_one_guardians_consent_is_not_enough_when_both_must_consent():
    """The region's default: both guardians. One guardian's consent does not carry the notice;
    a legal ground is recorded instead, exactly as a read would be judged."""
    w = make_ward()
    mother, father = GuardianFactory(), GuardianFactory()
    GuardianshipFactory(child=w.child, guardian=father)
    _consent(w, mother, w.social.organisation)
    admission = notify(w, admit(w))
    to_social = admission.notices.get(to_unit=w.social)
    assert to_social.consent_id is None
    assert to_social.legal_ground is not None


def test_uts_1_both_guardians_consent_carries_the_notice_without_a_legal_ground():
    w = make_ward()
    mother, father = GuardianFactory(), GuardianFactory()
    first = _consent(w, mother, w.social.organisation)
    _consent(w, father, w.social.organisation)
    admission = notify(w, admit(w))
    to_social = admission.notices.get(to_unit=w.social)
    assert to_social.consent_id == first.pk
    assert to_social.legal_ground is None
    assert admission.notices.get(to_unit=w.outpatient).legal_ground is not None


def test_uts_1_a_social_unit_of_another_municipality_is_refused_and_nothing_is_stored():
    w = make_ward()
    admission = admit(w)
    stranger = UnitFactory()
    with pytest.raises(ValidationError) as refused:
        ward.send_admission_notices(
            actor=w.clinician, admission_id=admission.pk, version=admission.version,
            social_unit_id=stranger.pk, outpatient_unit_id=w.outpatient.pk,
        )  # fmt: skip
    assert "social_unit" in refused.value.message_dict
    assert not Notice.objects.exists()


def test_uts_1_24_hours_across_a_weekend_are_still_24_hours():
    w = make_ward()
    # Friday 15:00: due Saturday 15:00, not Monday.
    friday = datetime.datetime(2026, 11, 27, 15, 0, tzinfo=STOCKHOLM)
    admission = Admission(admitted_at=friday, needs_judged_at=friday, child=w.child)
    due = notice_due(admission, DischargeSettings())
    assert due == datetime.datetime(2026, 11, 28, 15, 0, tzinfo=STOCKHOLM)
    # The 24 hours run from the later judgement.
    admission.needs_judged_at = friday + datetime.timedelta(hours=30)
    assert notice_due(admission, DischargeSettings()) == friday + datetime.timedelta(hours=54)


def test_uts_1_a_notice_sent_after_24_hours_is_flagged_late_with_rule_and_reference():
    w = make_ward()
    admission = notify(w, admit(w, admitted_at=timezone.now() - datetime.timedelta(hours=25)))
    row, _decision = selectors.admission_for(w.clinician, admission_id=admission.pk)
    late = [f for f in row.flags if f.code == "late_notice"]
    assert len(late) == 1
    assert "24" in late[0].rule
    assert "2017:612" in late[0].reference


def test_uts_1_a_notice_within_24_hours_is_not_flagged():
    w = make_ward()
    admission = notify(w, admit(w, admitted_at=timezone.now() - datetime.timedelta(hours=23)))
    row, _decision = selectors.admission_for(w.clinician, admission_id=admission.pk)
    assert [f.code for f in row.flags] == []


def test_uts_4_a_changed_date_is_recorded_with_history_and_told_every_notified_unit():
    w = make_ward()
    admission = notify(w, admit(w))
    before = admission.expected_discharge_on
    new = before - datetime.timedelta(days=4)
    ward.change_expected_discharge(
        actor=w.clinician, admission_id=admission.pk, version=admission.version, to_date=new,
        reason="Snabbare förbättring än väntat.",
    )  # fmt: skip
    admission.refresh_from_db()
    assert admission.expected_discharge_on == new
    row, _decision = selectors.admission_for(w.clinician, admission_id=admission.pk)
    assert [(c.from_date, c.to_date) for c in row.admission.date_changes.all()] == [(before, new)]
    changed = admission.notices.filter(kind=Notice.Kind.DATE_CHANGED)
    assert {n.to_unit for n in changed} == {w.social, w.outpatient}
    assert len({n.sent_at for n in changed}) == 1
    assert "discharge_date_changed" in events(admission)


def test_uts_4_a_change_without_a_reason_or_on_a_stale_version_is_refused():
    w = make_ward()
    admission = notify(w, admit(w))
    with pytest.raises(ValidationError):
        ward.change_expected_discharge(
            actor=w.clinician, admission_id=admission.pk, version=admission.version,
            to_date=admission.expected_discharge_on - datetime.timedelta(days=1), reason=" ",
        )  # fmt: skip
    with pytest.raises(ValidationError):
        ward.change_expected_discharge(
            actor=w.clinician, admission_id=admission.pk, version=admission.version - 1,
            to_date=admission.expected_discharge_on - datetime.timedelta(days=1), reason="x",
        )  # fmt: skip
    assert not admission.date_changes.exists()


def test_uts_4_ready_for_discharge_tells_every_notified_unit():
    w = make_ward()
    admission = notify(w, admit(w))
    ward.mark_ready(actor=w.clinician, admission_id=admission.pk, version=admission.version)
    ready = Notice.objects.filter(admission=admission, kind=Notice.Kind.READY)
    assert {n.to_unit for n in ready} == {w.social, w.outpatient}
    assert "ready_for_discharge" in events(admission)


def _discharge_same_day(w):
    admission = notify(w, admit(w, admitted_at=timezone.now() - datetime.timedelta(days=5)))
    admission = ward.mark_ready(
        actor=w.clinician, admission_id=admission.pk, version=admission.version
    )
    admission = ward.record_care_information(
        actor=w.clinician, admission_id=admission.pk, version=admission.version
    )
    return ward.record_discharge(
        actor=w.clinician, admission_id=admission.pk, version=admission.version
    )


def test_uts_4_bup_discharging_the_same_day_is_flagged_and_counted():
    w = make_ward()
    admission = _discharge_same_day(w)
    row, _decision = selectors.admission_for(w.clinician, admission_id=admission.pk)
    short = [f for f in row.flags if f.code == "short_notice"]
    assert len(short) == 1
    assert "72" in short[0].rule
    listed = selectors.ward_page_for(w.clinician, current=False)
    assert listed.short_notice_count == 1
    # The receiving unit sees the flag on the admission too.
    social = actor_of(MembershipFactory(unit=w.social, role=Role.CASEWORKER))
    seen, _decision = selectors.admission_for(social, admission_id=admission.pk)
    assert "short_notice" in [f.code for f in seen.flags]
    assert events(admission)[-1] == "discharged"
    assert "care_information_sent" in events(admission)


def test_uts_4_the_regions_own_minimum_notice_applies():
    w = make_ward()
    DischargeSettings.objects.create(
        region=Principal.objects.get(kind=Principal.Kind.REGION, code="18"),
        minimum_notice_hours=0,
    )
    admission = _discharge_same_day(w)
    row, _decision = selectors.admission_for(w.clinician, admission_id=admission.pk)
    assert "short_notice" not in [f.code for f in row.flags]
    assert selectors.ward_page_for(w.clinician, current=False).short_notice_count == 0


def test_uts_4_a_discharge_with_enough_notice_is_not_flagged():
    w = make_ward()
    admission = notify(w, admit(w, admitted_at=timezone.now() - datetime.timedelta(days=9)))
    Admission.objects.filter(pk=admission.pk).update(
        ready_at=timezone.now() - datetime.timedelta(days=4),
        care_information_sent_at=timezone.now() - datetime.timedelta(hours=1),
    )
    ward.record_discharge(actor=w.clinician, admission_id=admission.pk, version=admission.version)
    row, _decision = selectors.admission_for(w.clinician, admission_id=admission.pk)
    assert "short_notice" not in [f.code for f in row.flags]
    assert selectors.ward_page_for(w.clinician, current=False).short_notice_count == 0


def test_sek_4_another_unit_of_the_same_bup_neither_lists_nor_opens_the_admission():
    w = make_ward()
    admission = notify(w, admit(w))
    colleague = actor_of(
        MembershipFactory(unit=UnitFactory(organisation=w.ward.organisation), role=Role.CLINICIAN)
    )
    assert selectors.ward_page_for(colleague).rows == []
    with pytest.raises(AdmissionNotFound):
        selectors.admission_for(colleague, admission_id=admission.pk)
    with pytest.raises((AdmissionNotFound, rules.AccessDenied)):
        ward.mark_ready(actor=colleague, admission_id=admission.pk, version=admission.version)


def test_the_list_is_one_audit_row_a_page():
    w = make_ward()
    notify(w, admit(w))
    before = AuditEntry.objects.filter(object_type="admission_list").count()
    page = selectors.ward_page_for(w.clinician)
    assert len(page.rows) == 1
    entry = AuditEntry.objects.filter(object_type="admission_list").latest("pk")
    assert AuditEntry.objects.filter(object_type="admission_list").count() == before + 1
    assert entry.detail["child_ids"] == [w.child.pk]


def test_a_caseworker_may_not_register_an_admission():
    w = make_ward()
    caseworker = actor_of(MembershipFactory(unit=w.social, role=Role.CASEWORKER))
    with pytest.raises(rules.AccessDenied):
        ward.register_admission(
            actor=caseworker, child_id=w.child.pk, admitted_at=timezone.now(),
            expected_discharge_on=timezone.localdate(),
        )  # fmt: skip


def test_the_child_is_admitted_once_at_a_time():
    w = make_ward()
    admit(w)
    with pytest.raises(ValidationError):
        admit(w)
    assert Admission.objects.count() == 1


def test_flags_of_an_admission_not_yet_notified_after_24_hours_say_overdue():
    w = make_ward()
    admission = admit(w, admitted_at=timezone.now() - datetime.timedelta(hours=30))
    flags = flags_of(admission, [], DischargeSettings(), timezone.now())
    assert [f.code for f in flags] == ["late_notice"]


def test_uts_4_a_ready_notice_for_a_discharge_the_same_day_is_flagged_before_the_discharge():
    w = make_ward()
    admission = notify(w, admit(w, expected=timezone.localdate()))
    ward.mark_ready(actor=w.clinician, admission_id=admission.pk, version=admission.version)
    row, _decision = selectors.admission_for(w.clinician, admission_id=admission.pk)
    assert "short_notice" in [f.code for f in row.flags]
    assert selectors.ward_page_for(w.clinician).short_notice_count == 1


def test_uts_4_a_ready_notice_well_ahead_is_not_flagged():
    w = make_ward()
    admission = notify(w, admit(w, expected=timezone.localdate() + datetime.timedelta(days=5)))
    ward.mark_ready(actor=w.clinician, admission_id=admission.pk, version=admission.version)
    row, _decision = selectors.admission_for(w.clinician, admission_id=admission.pk)
    assert "short_notice" not in [f.code for f in row.flags]
    assert selectors.ward_page_for(w.clinician).short_notice_count == 0
