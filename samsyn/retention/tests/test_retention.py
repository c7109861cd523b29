"""DOMAIN RET-1: retention per record type, with the period each rule's anchor gives, the
research sample and legal holds kept, dry-run first, a crash leaving no half-deleted record,
and the audit chain verifiable after a run. The periods are counted to a day given to the run,
years ahead, rather than records made years back."""

from __future__ import annotations

import dataclasses
import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from samsyn.access.rules import Decision
from samsyn.audit import services as audit
from samsyn.children.models import Child, Guardian
from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianshipFactory,
    InvolvementFactory,
)
from samsyn.common.dates import add_months
from samsyn.concerns.models import InitialAssessment, Investigation, ProtectionAssessment, Report
from samsyn.concerns.tests.factories import (
    InitialAssessmentFactory,
    ProtectionAssessmentFactory,
    ReportFactory,
)
from samsyn.consultations.models import Consultation
from samsyn.consultations.tests.factories import ConsultationFactory
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import make_actor
from samsyn.discharge.models import Admission
from samsyn.discharge.tests.factories import AdmissionFactory
from samsyn.plans.models import Case
from samsyn.plans.tests.factories import CaseFactory
from samsyn.retention import kinds, selectors, services
from samsyn.retention.models import LegalHold, Rule, RunLine

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def years_on(years: int, days: int = 0) -> datetime.date:
    return add_months(TODAY, 12 * years) + datetime.timedelta(days=days)


def enforce(*record_types: str) -> None:
    Rule.objects.filter(record_type__in=record_types).update(enforced=True)


def line(record_type: str, today: datetime.date) -> selectors.Line:
    return next(line for line in selectors.plan(today) if line.record_type == record_type)


def decided_report(**kwargs) -> Report:
    """A report whose initial assessment decided not to investigate, today."""
    report = ReportFactory(**kwargs)
    InitialAssessmentFactory(report=report, not_opened=True)
    return report


def linked_consultation(child) -> Consultation:
    consultation = ConsultationFactory(answered=True)
    consultation.child, consultation.linked_at = child, timezone.now()
    consultation.linked_by = consultation.asked_by
    consultation.save()
    return consultation


def administrator():
    return make_actor(role=Role.ADMINISTRATOR)


def test_ret_1_social_file_goes_five_years_after_its_last_entry_by_the_end_of_next_year():
    report = decided_report()
    assert line("report", years_on(5, days=-1)).due == 0
    due = line("report", years_on(5))
    assert due.due == 1
    assert due.due_since == years_on(5)
    assert due.deadline == datetime.date(years_on(5).year + 1, 12, 31)
    enforce("report")
    services.run(today=years_on(5))
    assert not Report.objects.filter(pk=report.pk).exists()
    assert not InitialAssessment.objects.filter(report_id=report.pk).exists()


def test_ret_1_an_open_record_is_never_due():
    ReportFactory()  # its initial assessment not decided
    CaseFactory()  # not closed
    AdmissionFactory()  # not discharged
    for record_type in ("report", "sip", "admission"):
        assert line(record_type, years_on(50)).due == 0


def test_ret_1_the_child_goes_only_when_no_other_data_on_them_remains():
    child = ChildFactory()
    InvolvementFactory(child=child, ended_on=TODAY)
    guardian = GuardianshipFactory(child=child).guardian
    sip = CaseFactory(child=child, closed=True)
    enforce("child", "sip")
    # Five years on, the child's own period has run, but the SIP (ten years) still names them.
    assert line("child", years_on(5)).due == 0
    services.run(today=years_on(5))
    assert Child.objects.filter(pk=child.pk).exists()
    # Ten years on the SIP goes, and then the child in the same run, with the guardian who
    # has no other child.
    services.run(today=years_on(10))
    assert not Case.objects.filter(pk=sip.pk).exists()
    assert not Child.objects.filter(pk=child.pk).exists()
    assert not Guardian.objects.filter(pk=guardian.pk).exists()


def test_ret_1_a_child_in_contact_with_a_unit_is_never_due():
    child = ChildFactory()
    InvolvementFactory(child=child)  # running
    assert line("child", years_on(80)).due == 0


def test_ret_1_investigation_documents_are_kept_until_the_person_turns_30():
    report = ReportFactory()
    assessment = InitialAssessmentFactory(report=report, opened=True)
    investigation = assessment.investigation
    investigation.finished_on = TODAY
    investigation.save()
    born = report.child.birth_date
    thirty = add_months(born, 12 * 30)
    enforce("investigation", "report")
    # The report that opened it is one of its documents: its own five years do not take it.
    assert line("report", years_on(5)).due == 0
    assert line("investigation", thirty - datetime.timedelta(days=1)).due == 0
    services.run(today=thirty - datetime.timedelta(days=1))
    assert Investigation.objects.filter(pk=investigation.pk).exists()
    services.run(today=thirty)
    assert not Investigation.objects.filter(pk=investigation.pk).exists()
    assert not Report.objects.filter(pk=report.pk).exists()


def test_ret_1_paternity_adoption_and_placement_are_never_deleted():
    for record_type in ("paternity", "adoption", "placement"):
        rule = Rule.objects.get(record_type=record_type)
        assert rule.anchor == Rule.Anchor.NEVER
        with pytest.raises(ValidationError):
            services.enforce_rule(actor=administrator(), rule_id=rule.pk)
    # A record type set to "never" keeps its records however old the person is.
    investigation_rule = Rule.objects.get(record_type="investigation")
    investigation_rule.anchor = Rule.Anchor.NEVER
    investigation_rule.save()
    assessment = InitialAssessmentFactory(opened=True)
    Investigation.objects.filter(pk=assessment.investigation_id).update(finished_on=TODAY)
    assert line("investigation", years_on(120)).due == 0
    with transaction.atomic(), pytest.raises(IntegrityError):
        Rule.objects.filter(pk=investigation_rule.pk).update(enforced=True)


def test_ret_1_the_research_sample_is_kept():
    sampled = ChildFactory(birth_date=datetime.date(2015, 3, 15))
    other = ChildFactory(birth_date=datetime.date(2015, 3, 16))
    kept = decided_report(child=sampled)
    goes = decided_report(child=other)
    enforce("report")
    services.run(today=years_on(5))
    assert Report.objects.filter(pk=kept.pk).exists()
    assert not Report.objects.filter(pk=goes.pk).exists()


def test_ret_1_health_records_are_kept_at_least_ten_years():
    admission = AdmissionFactory(discharged_at=timezone.now())
    enforce("admission")
    assert line("admission", years_on(10, days=-1)).due == 0
    services.run(today=years_on(10, days=-1))
    assert Admission.objects.filter(pk=admission.pk).exists()
    assert line("admission", years_on(10)).due == 1
    # The ten years are the law's floor: no administrator sets a shorter period.
    rule = Rule.objects.get(record_type="admission")
    with pytest.raises(ValidationError) as refused:
        services.change_rule(actor=administrator(), rule_id=rule.pk, years=9)
    assert "years" in refused.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        Rule.objects.filter(pk=rule.pk).update(years=9)


def test_ret_1_a_legal_hold_keeps_a_child_or_a_record():
    held_child = decided_report()
    held_record = decided_report()
    goes = decided_report()
    admin = administrator()
    services.set_hold(
        actor=admin,
        record_type="child",
        record_id=held_child.child_id,
        reason="Mål i tingsrätt",
        reference="Örebro tingsrätt T 1234-26",
    )
    services.set_hold(
        actor=admin,
        record_type="report",
        record_id=held_record.pk,
        reason="Begäran från IVO",
        reference="IVO dnr 3.5-1234/2026",
    )
    enforce("report")
    plan = line("report", years_on(5))
    assert (plan.due, plan.held) == (1, 2)
    run = services.run(today=years_on(5))
    assert Report.objects.filter(pk__in=[held_child.pk, held_record.pk]).count() == 2
    assert not Report.objects.filter(pk=goes.pk).exists()
    counted = run.lines.get(record_type="report")
    assert (counted.due, counted.held, counted.done) == (1, 2, 1)
    # Lifted, the hold keeps nothing: the next run takes the record.
    hold = LegalHold.objects.get(record_type="report")
    services.lift_hold(actor=admin, hold_id=hold.pk)
    services.run(today=years_on(5))
    assert not Report.objects.filter(pk=held_record.pk).exists()


def test_ret_1_a_hold_names_a_record_that_exists():
    with pytest.raises(ValidationError):
        services.set_hold(
            actor=administrator(),
            record_type="report",
            record_id=987654,
            reason="Mål",
            reference="T 1-26",
        )


def test_ret_1_a_dry_run_changes_nothing():
    report = decided_report()
    consultation = linked_consultation(report.child)
    enforce("report", "consultation")
    run = services.run(dry_run=True, today=years_on(5))
    assert Report.objects.filter(pk=report.pk).exists()
    consultation.refresh_from_db()
    assert consultation.child_id == report.child_id
    counted = run.lines.get(record_type="report")
    assert (counted.due, counted.done, counted.enforced) == (1, 0, False)
    # A rule not enforced is a dry run too, whatever the run.
    Rule.objects.update(enforced=False)
    services.run(today=years_on(5))
    assert Report.objects.filter(pk=report.pk).exists()


def test_ret_1_anonymising_unlinks_the_consultation_and_keeps_it():
    child = ChildFactory()
    consultation = linked_consultation(child)
    enforce("consultation")
    services.run(today=years_on(5))
    consultation.refresh_from_db()
    assert (consultation.child_id, consultation.linked_at) == (None, None)
    assert consultation.answer
    # Anonymised, it is no longer due, and no longer data on the person.
    assert line("consultation", years_on(5)).due == 0
    assert not Consultation.objects.filter(child=child).exists()


def test_ret_1_a_run_is_idempotent():
    decided_report()
    enforce("report")
    first = services.run(today=years_on(5))
    second = services.run(today=years_on(5))
    assert first.lines.get(record_type="report").done == 1
    again = second.lines.get(record_type="report")
    assert (again.due, again.done) == (0, 0)


def test_ret_1_a_crash_mid_run_leaves_no_half_deleted_record(monkeypatch):
    report = decided_report()
    ProtectionAssessmentFactory(report=report)
    real = kinds.kind("report")

    def crash(reports):
        # The first part goes, then the process dies before the report does.
        ProtectionAssessment.objects.filter(report__in=reports).delete()
        raise RuntimeError("killed")

    monkeypatch.setitem(kinds._KINDS, "report", dataclasses.replace(real, delete=crash))
    enforce("report")
    with pytest.raises(RuntimeError):
        services.run(today=years_on(5))
    assert Report.objects.filter(pk=report.pk).exists()
    assert ProtectionAssessment.objects.filter(report=report).exists()
    assert InitialAssessment.objects.filter(report=report).exists()
    cut_short = RunLine.objects.get(record_type="report", logged_at__isnull=True)
    assert cut_short.done == 0
    # The next run logs the line the crash cut short, and finishes the work.
    monkeypatch.setitem(kinds._KINDS, "report", real)
    services.run(today=years_on(5))
    cut_short.refresh_from_db()
    assert cut_short.logged_at is not None
    assert not Report.objects.filter(pk=report.pk).exists()


def _audit_rows(where: str, params: list) -> list[tuple]:
    # The rows as the database holds them: only audit reads audit rows through its models.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT action, child_id, detail FROM audit_entry WHERE {where}", params)  # noqa: S608
        return cursor.fetchall()


def test_ret_1_each_record_type_run_is_logged_with_counts_and_no_person():
    report = decided_report()
    enforce("report")
    run = services.run(today=years_on(5))
    rows = _audit_rows("object_type = 'retention_run' AND object_id = %s", [str(run.pk)])
    actions = {row[0] for row in rows}
    assert "retention_deleted" in actions
    assert len(rows) == run.lines.count()  # one row per record type and run
    deleted = next(row for row in rows if row[0] == "retention_deleted")
    detail = deleted[2] if isinstance(deleted[2], dict) else json.loads(deleted[2])
    assert detail["record_type"] == "report"
    assert (detail["due"], detail["done"]) == (1, 1)
    assert deleted[1] is None
    text = json.dumps([row[2] for row in rows], ensure_ascii=False)
    for personal in (report.child.identity_number, report.child.last_name, report.what_seen):
        assert personal not in text


def test_ret_1_the_audit_chain_verifies_after_a_run(capsys):
    child = ChildFactory()
    InvolvementFactory(child=child, ended_on=TODAY)
    actor = make_actor()
    for _ in range(3):
        audit.record_read(
            actor=actor, child_id=child.pk, obj="child", obj_id=child.pk, purpose="planning",
            decision=Decision(True, "involvement"),
        )  # fmt: skip
    enforce("child")
    services.run(today=years_on(5))
    assert not Child.objects.filter(pk=child.pk).exists()
    # What went is the personal data, not the chain: the rows about the child stay.
    assert len(_audit_rows("child_id = %s", [child.pk])) == 3
    call_command("audit", "verify")
    assert "every link holds" in capsys.readouterr().out


def test_ret_1_every_record_protecting_a_child_is_a_record_type():
    """A new kind of case that names a child and does not register with retention would keep
    every such child for ever (or stop the run): it must register."""
    models = {kind.model for kind in kinds.registered()}
    protecting = {
        relation.related_model
        for relation in Child._meta.related_objects
        if relation.on_delete.__name__ == "PROTECT"
    }
    assert protecting <= models


def test_ret_1_a_changed_rule_runs_dry_until_enforced_after_a_dry_run():
    admin = administrator()
    rule = Rule.objects.get(record_type="report")
    with pytest.raises(ValidationError):
        services.enforce_rule(actor=admin, rule_id=rule.pk)
    services.run(today=TODAY)  # dry for the rule: not enforced
    services.enforce_rule(actor=admin, rule_id=rule.pk)
    rule = services.change_rule(actor=admin, rule_id=rule.pk, years=6)
    assert not rule.enforced
    with pytest.raises(ValidationError):
        services.enforce_rule(actor=admin, rule_id=rule.pk)
    with pytest.raises(ValidationError) as refused:
        services.change_rule(actor=admin, rule_id=rule.pk, action=Rule.Action.ANONYMISE)
    assert "action" in refused.value.message_dict


def test_ret_1_a_report_never_linked_to_a_child_goes_by_its_own_rule():
    report = ReportFactory(unlinked=True)
    InitialAssessmentFactory(report=report, not_opened=True)
    enforce("report")
    assert line("report", years_on(5, days=-1)).due == 0
    services.run(today=years_on(5))
    assert not Report.objects.filter(pk=report.pk).exists()


def test_ret_1_one_run_at_a_time():
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [services.RUN_LOCK])
        with pytest.raises(services.RunUnderWay):
            services.run(today=TODAY)
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [services.RUN_LOCK])
        assert services.run(today=TODAY).finished_at is not None
    finally:
        other.close()
