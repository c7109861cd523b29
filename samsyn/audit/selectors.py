"""Reads of the audit log (logg): a child's log as one organisation wrote it, an
organisation's whole log for log follow-up (logguppföljning, DOMAIN LOG-1), and the staff
accesses to a child that the family portal shows the child's guardians.

Reading the log is itself logged, with the purpose log review. Pages are keyset-paginated on
(at, id), newest first: no COUNT over a table that grows by millions of rows a day, and the
cost of a page does not grow with how far back it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Trunc, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category, EmergencyAccess, Purpose
from samsyn.audit import services as audit
from samsyn.audit.models import Entry, LogReview, ReadDay, SummarisedDay
from samsyn.children.models import Child, Involvement
from samsyn.children.selectors import ChildNotFound
from samsyn.directory.models import Role, Staff

PAGE_SIZE = 25
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)

OUTCOMES = {"allowed": _("allowed"), "denied": _("denied")}
# Every code any writer uses, in words (audit/tests/test_labels.py finds them in the source):
# what was done, …
ACTIONS = {
    "admission_registered": _("admission registered"),
    "notice_sent": _("notice sent"),
    "discharge_date_changed": _("expected discharge date changed"),
    "ready_for_discharge": _("ready for discharge recorded"),
    "care_information_sent": _("information for continued care sent"),
    "discharged": _("discharge recorded"),
    "read": _("read"),
    "signal_raised": _("found by the radar"),
    "signal_cleared": _("radar item resolved"),
    "signal_dismissed": _("radar item dismissed with a reason"),
    "signal_escalated": _("radar item escalated up the collaboration ladder"),
    "escalation_closed": _("outcome of an escalation recorded"),
    # Retention (gallring, DOMAIN RET-1): one row per record type and run, counts only.
    "retention_deleted": _("records deleted by retention"),
    "retention_anonymised": _("records anonymised by retention"),
    "retention_dry_run": _("retention counted, nothing deleted (dry run)"),
    "retention_rule_changed": _("retention rule changed"),
    "retention_rule_enforced": _("retention rule enforced"),
    "provider_unit_connected": _("unit connected at the identity provider"),
    "provider_unit_changed": _("connection to the identity provider changed"),
    "provider_unit_disconnected": _("unit disconnected from the identity provider"),
    "legal_hold_set": _("legal hold set"),
    "legal_hold_lifted": _("legal hold lifted"),
    "audit_months_retired": _("months of the audit log retired, each chain sealed at the cut"),
    "change": _("change"),
    "register": _("registering a child"),
    "edit_contact": _("changing the contact details"),
    "record_address_need": _("recording a need to see the address"),
    "add_guardian": _("adding a guardian"),
    "edit_guardian_contact": _("changing a guardian's contact details"),
    "end_guardianship": _("ending a guardianship"),
    "guardian_added": _("guardian added"),
    "guardian_contact_changed": _("a guardian's contact details changed"),
    "guardianship_ended": _("guardianship ended"),
    "child_registered": _("child registered"),
    "child_contact_changed": _("contact details changed"),
    "protected_identity_need_recorded": _("need to see the address recorded"),
    "consent_recorded": _("consent recorded"),
    "consent_withdrawn": _("consent withdrawn"),
    "maturity_assessed": _("maturity assessed"),
    "legal_ground_recorded": _("legal ground recorded"),
    "sip_proposed": _("SIP proposed"),
    "sip_taken_up": _("SIP proposal taken up"),
    "sip_consented": _("SIP consent complete"),
    "sip_first_contact": _("first contact recorded"),
    "sip_party_invited": _("organisation invited to the SIP"),
    "sip_invitation_accepted": _("invitation to the SIP accepted"),
    "sip_joined": _("joined the child's open SIP with a new need"),
    "sip_coordinator_offered": _("coordinator role offered"),
    "sip_coordinator_accepted": _("coordinator role accepted"),
    "sip_coordinator_declined": _("coordinator role declined"),
    "sip_closed": _("SIP closed"),
    "meeting_booked": _("meeting booked"),
    "meeting_rescheduled": _("meeting moved"),
    "meeting_cancelled": _("meeting cancelled"),
    "meeting_minutes_recorded": _("minutes recorded"),
    "meeting_minutes_changed": _("minutes changed"),
    "invitation_replied": _("reply to a meeting invitation"),
    "plan_drafted": _("plan draft started"),
    "plan_draft_saved": _("plan draft saved"),
    "plan_finalised": _("plan finalised"),
    "effort_started": _("effort recorded as started"),
    "family_read": _("read by the family"),
    "family_reply": _("reply from the family"),
    "emergency_access_started": _("emergency access started"),
    "start_emergency_access": _("starting emergency access"),
    "log_review_recorded": _("log follow-up review recorded"),
    "api_token_created": _("API token created"),
    "api_token_revoked": _("API token revoked"),
    "session_ended": _("a signed-in session signed out from another"),
    "other_sessions_ended": _("every other signed-in session signed out"),
    "step_up_confirmed": _("second factor entered again (step-up)"),
    "sign_in": _("signed in through the organisation's identity provider"),
    # Filing a report of concern (issue 9).
    "report_filed": _("report of concern filed"),
    "report_filed_public": _("report of concern filed by a member of the public"),
    "report_feedback_requested": _("feedback on a report of concern asked for"),
    # Intake of reports of concern (DOMAIN ANM-3…ANM-7).
    "report_linked": _("report linked to a child"),
    "protection_assessed": _("protection assessment recorded"),
    "initial_assessment_decided": _("initial assessment decided"),
    "initial_assessment_extended": _("initial assessment extended"),
    "investigation_opened": _("investigation opened"),
    "investigation_extended": _("investigation extended"),
    "investigation_finished": _("investigation finished"),
    "feedback_given": _("feedback given to the reporter"),
    "feedback_request_recorded": _("reporter's request for feedback recorded"),
    "meeting_offered": _("meeting offered"),
    "meeting_offer_answered": _("answer to the offer of a meeting recorded"),
    "consultation_asked": _("consultation asked"),
    "consultation_answered": _("consultation answered"),
    "consultation_linked": _("consultation linked to the child"),
    # Referrals between organisations (issue 11, point 0).
    "referral_sent": _("referral sent"),
    "referral_accepted": _("referral accepted"),
    "referral_declined": _("referral declined"),
    "referral_withdrawn": _("referral withdrawn"),
    "referral_next_step_agreed": _("next step agreed after a declined referral"),
    "assessment_started": _("assessment started"),
    "assessment_version_started": _("new assessment version started"),
    "assessment_draft_saved": _("assessment draft saved"),
    "assessment_finalised": _("assessment finalised"),
    # Discharge, the receiving units (issue 10, UTS-2, UTS-3, UTS-6).
    "discharge_notice_acknowledged": _("discharge notice acknowledged"),
    "planning_task_done": _("planning task done"),
    "planning_task_reopened": _("planning task reopened"),
    "fixed_care_contact_appointed": _("fixed care contact appointed"),
    "discharge_care_given_written": _("care given written for the family"),
}
# … on the ground of …
BASES = {
    "involvement": _("relationship to the child"),
    "oversight": _("the unit manager's oversight of the unit's cases"),
    "emergency": _("emergency access with a stated reason"),
    "participation": _("the unit takes part in the record"),
    "author": _("the person who wrote the record"),
    "invitation": _("the organisation is invited to the SIP"),
    "consent": _("consent"),
    "legal_ground": _("legal ground"),
    "own_record": _("own organisation's record"),
    # A list names many children: each row was shown on its own ground.
    "list": _("each row on its own ground"),
    "search": _("each row on its own ground"),
    "sip_list": _("each row on its own ground"),
    "none": _("no ground"),
    # A consultation not linked to a child: the unit that asked, or the one asked, reads it.
    "consultation_asker": _("the unit that asked the consultation"),
    "consultation_consulted": _("the unit or organisation asked for the consultation"),
}
# … and what it was done to.
OBJECTS = {
    "child": "",  # the child's own page: the plain read
    "child_list": _("child search"),
    "timeline": _("the child's timeline"),
    "protected_identity_need": _("need to see the address"),
    "guardian": _("a guardian"),
    "guardianship": _("a guardianship"),
    "consent": _("the child's consents"),
    "sip": _("the SIP"),
    "sip_list": _("the list of SIPs"),
    "sip_overdue_list": _("the list of overdue SIPs"),
    "sip_parties": _("who has a part in the child's SIPs"),
    "sip_consent_alerts": _("consents to act on in the SIPs one coordinates"),
    "sip_offers": _("coordinator offers waiting for an answer"),
    "sip_meetings_soon": _("one's SIP meetings this week"),
    "sip_plan": _("the plan"),
    "sip_plan_document": _("the plan for printing or as PDF"),
    "plan_version": _("the plan"),
    "sip_meeting": _("a SIP meeting"),
    "sip_invitation": _("an invitation to a SIP meeting"),
    "invitation": _("an invitation to a SIP meeting"),
    "family_extract": _("the family's log extract"),
    "audit_log": _("the log"),
    "role_permission": _("a step the role does not allow"),
    "api_token": _("API token"),
    "emergency_access": _("emergency access"),
    "emergency_access_list": _("the unit's emergency accesses"),
    "log_sample": _("the unit's monthly sample of reads"),
    "log_review": _("a log follow-up review"),
    "session": _("signed-in session"),
    "step_up": _("second factor"),
    "sign_in": _("sign-in"),
    "report": _("a report of concern"),
    "report_list": _("one's own reports of concern"),
    "investigation": _("an investigation"),
    "admission": _("an admission to inpatient care"),
    "admission_list": _("the inpatient unit's admitted children"),
    "signal": _("a radar item"),
    "signal_list": _("the radar's items"),
    "collaboration_body": _("a collaboration body"),
    "retention_run": _("a retention run"),
    "retention_rule": _("a retention rule"),
    "legal_hold": _("a legal hold"),
    "provider_unit": _("a unit's id at the identity provider"),
    "report_queue": _("the intake queue of reports of concern"),
    "report_match": _("children a report of concern may be about"),
    "concerns_overdue_list": _("overdue reports of concern and investigations"),
    "consultation": _("a consultation"),
    "consultation_list": _("the list of consultations"),
    "referral": _("a referral"),
    "referral_list": _("the list of referrals"),
    "assessment": _("an assessment"),
    "assessment_version": _("a version of an assessment"),
    "assessment_list": _("the child's assessments"),
    # Discharge, the receiving units (issue 10).
    "discharge_notice_list": _("incoming discharge notices"),
    "discharge_notice": _("a discharge notice"),
    "planning_task": _("a discharge planning task"),
    "discharge_summary": _("the discharge summary for the family"),
    "bench": _("a performance measurement (samsyn bench)"),
}
ROLES = dict(Role.choices) | {"system": _("system")}
PURPOSES = dict(Purpose.choices)


@dataclass(frozen=True)
class Cursor:
    """Where a page of the log starts: just older than this row."""

    at: dt.datetime
    id: int

    def encode(self) -> str:
        return f"{(self.at - _EPOCH) // _MICROSECOND}_{self.id}"

    @classmethod
    def parse(cls, value: str) -> Cursor:
        """The cursor a link carries; ValueError if it is not one (a time out of range too)."""
        try:
            micro, entry_id = (int(part) for part in value.split("_"))
            return cls(_EPOCH + micro * _MICROSECOND, entry_id)
        except (ValueError, OverflowError):
            raise ValueError(f"not a cursor: {value!r}") from None

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        try:
            return cls.parse(value or "")
        except ValueError:
            return None  # a mangled cursor shows the newest page rather than an error


@dataclass(frozen=True)
class Row:
    """One audit entry as the log views show it."""

    entry: Entry

    def __getattr__(self, name):
        return getattr(self.entry, name)

    @property
    def role_label(self) -> str:
        return str(ROLES.get(self.entry.role, self.entry.role))

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.entry.action, self.entry.action))

    @property
    def object_label(self) -> str:
        return str(OBJECTS.get(self.entry.object_type, self.entry.object_type))

    @property
    def outcome_label(self) -> str:
        return str(OUTCOMES.get(self.entry.outcome, self.entry.outcome))

    @property
    def purpose_label(self) -> str:
        return str(PURPOSES.get(self.entry.purpose, self.entry.purpose))

    @property
    def ground_label(self) -> str:
        basis = self.entry.basis or {}
        label = str(BASES.get(basis.get("basis", "none"), basis.get("basis", "")))
        reference = basis.get("reference")
        return f"{label} ({reference})" if reference else label


@dataclass(frozen=True)
class LogPage:
    rows: list[Row]
    next_cursor: str | None  # None on the last page
    is_first: bool
    # The children of these rows whose log the reader may open: only those are linked.
    openable_child_ids: frozenset[int] = frozenset()


def _older_than(entries: QuerySet[Entry], cursor: Cursor | None) -> QuerySet[Entry]:
    if cursor is None:
        return entries
    # The first condition alone bounds the index scan: the OR does not.
    return entries.filter(at__lte=cursor.at).filter(
        Q(at__lt=cursor.at) | Q(at=cursor.at, id__lt=cursor.id)
    )


def _page(entries: QuerySet[Entry], cursor: Cursor | None, size: int = PAGE_SIZE) -> LogPage:
    entries = _older_than(entries, cursor)
    fetched = list(entries.order_by("-at", "-id")[: size + 1])
    rows = [Row(entry) for entry in fetched[:size]]
    more = len(fetched) > size
    next_cursor = Cursor(rows[-1].at, rows[-1].id).encode() if more else None
    return LogPage(rows, next_cursor, cursor is None)


@dataclass(frozen=True)
class ChildLog:
    child: Child
    page: LogPage
    opened_for: str  # the purpose whose ground opens the child: the way back to its page


def child_log_for(
    actor: Actor, *, child_id: int, purpose: str, cursor: Cursor | None = None
) -> ChildLog:
    """The audit rows of one child written by the actor's own organisation, for whoever may open
    the child's page, for `purpose` or any other (a consent or legal ground covers purposes of
    reading the child, never log review): so the page's link to its log never leads to a 404.
    Call it outside a transaction: a denial's row must outlive the 404."""
    child = Child.objects.filter(pk=child_id).first()
    opened_for, decision = purpose, rules.DENIED
    if child is not None:
        opened_for, decision = rules.purpose_to_read(
            actor, child, preferred=purpose, category=Category.BASIC
        )
    if child is None or not decision.allowed:
        audit.record_denied(
            actor=actor, child_id=child.pk if child else None, obj="audit_log", obj_id=child_id,
            purpose=Purpose.LOG_REVIEW,
        )  # fmt: skip
        raise ChildNotFound(child_id)
    with transaction.atomic():
        # Written before the page is read, so the reviewer sees their own review at the top.
        audit.record_read(
            actor=actor, child_id=child.pk, obj="audit_log", obj_id=child.pk,
            purpose=Purpose.LOG_REVIEW, decision=decision,
            detail={"page": cursor.encode() if cursor else "first", "opened_for": opened_for},
        )  # fmt: skip
        entries = Entry.objects.filter(child_id=child.pk, organisation_id=actor.organisation.pk)
        return ChildLog(child, _page(entries, cursor), opened_for)


def organisation_log(
    actor: Actor,
    *,
    staff: Staff | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    outcome: str = "",
    cursor: Cursor | None = None,
) -> LogPage:
    """The audit rows written by the actor's organisation, for its log follow-up."""
    rules.require(actor, "audit.review_unit")
    entries = Entry.objects.filter(organisation_id=actor.organisation.pk)
    if staff is not None:
        entries = entries.filter(staff_id=staff.pk)
    # Dates are Swedish calendar days; the bounds are instants, so partitions can be pruned.
    if date_from is not None:
        entries = entries.filter(at__gte=_start_of(date_from))
    if date_to is not None:
        entries = entries.filter(at__lt=_start_of(date_to + dt.timedelta(days=1)))
    if outcome:
        entries = entries.filter(outcome=outcome)
    with transaction.atomic():
        audit.record_change(
            actor=actor, child_id=None, obj="audit_log",
            obj_id=f"organisation:{actor.organisation.pk}", event="read",
            purpose=Purpose.LOG_REVIEW,
            detail={
                "staff_id": staff.pk if staff else None,
                "from": date_from.isoformat() if date_from else None,
                "to": date_to.isoformat() if date_to else None,
                "outcome": outcome or None,
                "page": cursor.encode() if cursor else "first",
            },
        )  # fmt: skip
        page = _page(entries, cursor)
    children = Child.objects.filter(pk__in={row.child_id for row in page.rows if row.child_id})
    openable = rules.restrict_for_any_purpose(actor, children, category=Category.BASIC)
    return replace(page, openable_child_ids=frozenset(openable.values_list("pk", flat=True)))


def organisation_staff(actor: Actor) -> QuerySet[Staff]:
    """Staff who have belonged to a unit of the actor's organisation: the log's staff filter."""
    return (
        Staff.objects.filter(memberships__unit__organisation_id=actor.organisation.pk)
        .distinct()
        .only("pk", "name")
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class StaffAccess:
    """One allowed read or change of a child's data by an organisation's staff. Values, not an
    Entry: only this app reads audit rows."""

    id: int
    at: dt.datetime
    action: str
    object_type: str
    purpose: str
    organisation_name: str
    unit_name: str
    staff_name: str


@dataclass(frozen=True)
class StaffAccessPage:
    rows: list[StaffAccess]
    next_cursor: str | None  # None on the last page


def staff_accesses_to_child(
    *, child_id: int, cursor: Cursor | None = None, size: int = PAGE_SIZE
) -> StaffAccessPage:
    """Which organisations and units read or changed the child's data, and when: newest first,
    keyset-paginated on (at, id). Two queries of at most size + 1 rows each, merged: the rows
    naming the child (index audit_entry_child_at) and the list reads that showed the child
    (detail.child_ids). Only staff's allowed accesses: the family's own reads and refused
    attempts (nothing was read) are not listed, nor what a record's author did with what they
    wrote (basis "author"): a report of concern's reporter filing and following it. The reporter's
    identity can be secret from the guardians (OSL 26 kap. 5 §); the extract must not tell it.

    For the family portal's extract: the caller has checked that its reader may know this (a
    guardian of the child) and audits the read in the same transaction."""
    staff_rows = Entry.objects.filter(outcome="allowed", organisation_id__isnull=False).exclude(
        basis__basis="author"
    )
    direct = _older_than(staff_rows.filter(child_id=child_id), cursor)
    listed = _older_than(
        staff_rows.filter(object_type="child_list", detail__child_ids__contains=[child_id]),
        cursor,
    )
    fetched = list(direct.order_by("-at", "-id")[: size + 1]) + list(
        listed.order_by("-at", "-id")[: size + 1]
    )
    fetched.sort(key=lambda entry: (entry.at, entry.id), reverse=True)
    rows = [_staff_access(entry) for entry in fetched[:size]]
    more = len(fetched) > size
    next_cursor = Cursor(rows[-1].at, rows[-1].id).encode() if more else None
    return StaffAccessPage(rows, next_cursor)


def _staff_access(entry: Entry) -> StaffAccess:
    return StaffAccess(
        id=entry.id,
        at=entry.at,
        action=entry.action,
        object_type=entry.object_type,
        purpose=entry.purpose,
        organisation_name=entry.organisation_name,
        unit_name=entry.unit_name,
        staff_name=entry.staff_name,
    )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# ------------------------------------------------------------------ emergency access (LOG-2)

EMERGENCY_LIST_DAYS = 30
EMERGENCY_LIST_SIZE = 10


def unit_emergency_accesses(actor: Actor) -> list[EmergencyAccess]:
    """The unit manager is told of every emergency access taken acting for the unit (DOMAIN
    LOG-2): the latest of the last 30 days, each with who, when, until when and why. The child
    is not named here; the log follow-up shows each read. Reading the list is logged."""
    if actor.role != Role.UNIT_MANAGER:
        return []
    since = timezone.now() - dt.timedelta(days=EMERGENCY_LIST_DAYS)
    accesses = list(
        EmergencyAccess.objects.filter(unit_id=actor.unit.pk, started_at__gte=since)
        .select_related("staff")
        .order_by("-started_at", "-pk")[:EMERGENCY_LIST_SIZE]
    )
    if accesses:
        audit.record_change(
            actor=actor, child_id=None, obj="emergency_access_list", obj_id=actor.unit.pk,
            event="read", purpose=Purpose.LOG_REVIEW, decision=rules.Decision(True, "oversight"),
            detail={
                "emergency_access_ids": [access.pk for access in accesses],
                "child_ids": [access.child_id for access in accesses],
            },
        )  # fmt: skip
    return accesses


# ---------------------------------------------------------- log follow-up's sample (LOG-1)

FOLLOW_UP_PAGE_SIZE = 50
# The 8 weeks before the month: what a person's usual reads per day are measured against.
USUAL_WEEKS = 8
_BUCKETS = 1024

# Why a read is in the sample beyond the share every read has of being picked.
FLAGS = {
    "emergency": _("emergency access"),
    "protected_identity": _("protected identity"),
    "no_open_case": _("no open case in the unit that day"),
    "refused": _("refused"),
}


class _Bucket(Func):
    """0–1023 for each row, from PostgreSQL's seeded hash of its id: stable for a row, so the
    sample is the same on every visit, and not guessable by staff without the installation's
    secret key."""

    function = "hashint8extended"
    template = f"(%(function)s(%(expressions)s) & {_BUCKETS - 1})"
    output_field = IntegerField()


def _seed() -> int:
    digest = hashlib.sha256(f"log-sample:{settings.SECRET_KEY}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def month_start(month: dt.date) -> dt.datetime:
    return _start_of(month.replace(day=1))


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def follow_up_months(count: int = 12) -> list[dt.date]:
    """The months the page offers, this one first."""
    months = [timezone.localdate().replace(day=1)]
    while len(months) < count:
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    return months


def _unit_reads(actor: Actor, start: dt.datetime, end: dt.datetime) -> QuerySet[Entry]:
    """Reads of a child's data by staff acting for the actor's unit, allowed or refused."""
    return Entry.objects.filter(
        organisation_id=actor.organisation.pk, unit_id=actor.unit.pk, at__gte=start, at__lt=end,
        action="read", child_id__isnull=False,
    )  # fmt: skip


def _threshold() -> int:
    # Rounded up: a share above nothing picks some rows.
    return -(-_BUCKETS * settings.SAMSYN_LOG_SAMPLE_PERCENT // 100)


def _picked() -> ExpressionWrapper:
    return _flag(Q(bucket__lt=_threshold()))


def _emergency() -> ExpressionWrapper:
    on_emergency = Q(basis__relationship__has_key="emergency_access_id")
    return _flag(Q(basis__basis="emergency") | on_emergency)


def _case_that_day() -> QuerySet[Involvement]:
    return Involvement.objects.filter(
        unit_id=OuterRef("unit_id"), child_id=OuterRef("child_id"), started_on__lte=OuterRef("day")
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("day")))


def _protected() -> Exists:
    return Exists(Child.objects.filter(pk=OuterRef("child_id"), protected_identity=True))


def _flagged(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """Each read with its flags and whether the share picked it."""
    return entries.alias(day=TruncDate("at"), bucket=_Bucket(F("id"), Value(_seed()))).annotate(
        picked=_picked(),
        f_emergency=_emergency(),
        f_protected_identity=_protected(),
        f_no_open_case=_flag(Q(outcome="allowed") & ~Q(Exists(_case_that_day()))),
        f_refused=_flag(Q(outcome="denied")),
    )


def _any_flag() -> Q:
    return (
        Q(f_emergency=True)
        | Q(f_protected_identity=True)
        | Q(f_no_open_case=True)
        | Q(f_refused=True)
    )


# ------------------------------------------- the follow-up's counts of the hours that are over

# Hours are counted from the log this long after they end: a read is stamped when its request
# starts and may commit a little later, so an hour counted as it ends could miss its last rows.
SUMMARY_GRACE = dt.timedelta(hours=1)
# The page looks this far behind the task (which runs a minute after an hour may be counted),
# so that it never finds yesterday missing, and counts it itself, only because the task has
# not run yet: a day's count covers every unit in the installation.
PAGE_LAG = dt.timedelta(minutes=10)


def sample_key() -> str:
    """What the share picks by: another share or secret key picks other rows."""
    return hashlib.sha256(f"{_seed()}:{_threshold()}".encode()).hexdigest()[:16]


def counted_until(now: dt.datetime | None = None) -> dt.datetime:
    """Where the counts end and the log is read from: the start of the hour SUMMARY_GRACE ago.
    The days before its day are counted whole, its day hour by hour. (Swedish time is a whole
    number of hours from UTC, so its hours start when UTC's do.)"""
    moment = ((now or timezone.now()) - SUMMARY_GRACE).astimezone(dt.UTC)
    return moment.replace(minute=0, second=0, microsecond=0)


def _lock(cursor) -> None:
    # One counter at a time: two pages catching up the same day would count it twice.
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext('audit_readday'))")


def _insert_counts(cursor, start: dt.datetime, end: dt.datetime, days: list[dt.date]) -> None:
    """Count the reads in [start, end) of `days` into ReadDay: grouped by day, unit, person and
    child, and by hour too when `end` is within the last of the days (a day not over)."""
    by_hour = end < _start_of(days[-1] + dt.timedelta(days=1))
    # In UTC: the raw INSERT takes a wall time as UTC's (and Swedish hours start when UTC's do).
    hour = Trunc("at", "hour", tzinfo=dt.UTC) if by_hour else Cast(Value(None), DateTimeField())
    of_units = Entry.objects.filter(
        at__gte=start, at__lt=end, action="read", child_id__isnull=False, unit_id__isnull=False,
        organisation_id__isnull=False,
    )  # fmt: skip
    reads = (
        of_units.annotate(day=TruncDate("at"), hour_=hour)
        .alias(
            bucket=_Bucket(F("id"), Value(_seed())),
            picked=_picked(),
            emergency=_emergency(),
        )
        .filter(day__in=days)
        .values("day", "hour_", "organisation_id", "unit_id", "staff_id", "child_id")
        .annotate(
            staff_name_=Max("staff_name"),
            reads=Count("id"),
            allowed=Count("id", filter=Q(outcome="allowed")),
            emergency_=Count("id", filter=Q(emergency=True)),
            refused=Count("id", filter=Q(outcome="denied")),
            row_sampled=Count(
                "id", filter=Q(picked=True) | Q(emergency=True) | Q(outcome="denied")
            ),
        )
        .order_by()
    )
    sql, params = reads.query.sql_with_params()
    columns = (
        "day, hour, organisation_id, unit_id, staff_id, child_id, staff_name, reads, allowed,"
        " emergency, refused, row_sampled"
    )
    # The SELECT is the ORM's own, its values passed as parameters.
    insert = f"INSERT INTO audit_readday ({columns}) SELECT * FROM ({sql}) r"  # noqa: S608
    cursor.execute(insert, params)


def summarise_days(days: Iterable[dt.date]) -> None:
    """Count the reads of these days (over) into ReadDay, from the log, replacing what was
    there (the hours of a day counted before it was over among it): the summary is derived
    data and can always be made again this way. One statement reads the days' rows."""
    days = sorted(set(days))
    if not days:
        return
    key = sample_key()
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        ReadDay.objects.filter(day__in=days).delete()
        SummarisedDay.objects.filter(day__in=days).delete()
        _insert_counts(cursor, _start_of(days[0]), _start_of(days[-1] + dt.timedelta(days=1)), days)
        SummarisedDay.objects.bulk_create(SummarisedDay(day=day, sample_key=key) for day in days)


def summarise_hours(until: dt.datetime) -> None:
    """Count the hours of `until`'s day before `until` into ReadDay, from the first not yet
    counted with today's sample key: each run reads only the hours that ended since the last,
    so that the page reads from the log only the hours since (ADR 0013)."""
    day = timezone.localdate(until)
    key = sample_key()
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        done = SummarisedDay.objects.filter(day=day, sample_key=key).first()
        start = done.hours_until if done is not None else _start_of(day)
        if start is None or start >= until:
            return  # counted whole, or up to `until`
        if done is None:
            ReadDay.objects.filter(day=day).delete()  # counted with another key
        _insert_counts(cursor, start, until, [day])
        SummarisedDay.objects.update_or_create(
            day=day, defaults={"sample_key": key, "hours_until": until, "made_at": timezone.now()}
        )


def catch_up(first: dt.date, until: dt.datetime) -> dt.datetime:
    """Count the whole days over before `until`'s day, from `first`, that are not counted with
    today's sample key; and say where the counts end: at `until`, or earlier where the hours
    of its day counted so far end (the task counts them, `summarise_hours`: a page never pays
    for a country's hour). One statement when all is counted."""
    last = timezone.localdate(until)
    counted = dict(
        SummarisedDay.objects.filter(day__gte=first, day__lte=last, sample_key=sample_key())
        .values_list("day", "hours_until")
    )  # fmt: skip
    days = (first + dt.timedelta(days=n) for n in range((last - first).days))
    summarise_days(day for day in days if day not in counted or counted[day] is not None)
    hours_until = counted.get(last, _start_of(last))
    return until if hours_until is None else min(until, hours_until)


def forget_retired_days() -> int:
    """ReadDay follows the log's retention (ADR 0014): the days whose rows the log no longer
    holds, whole or in part, go with them. The oldest partition left is the first month kept."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'audit_entry'::regclass"
        )
        (oldest,) = cursor.fetchone()
    if oldest is None:
        return 0
    year, month = oldest.removeprefix("audit_entry_y").split("m")
    # The partitions are UTC months: the local first day began in the month before.
    kept_from = dt.date(int(year), int(month), 1) + dt.timedelta(days=1)
    SummarisedDay.objects.filter(day__lt=kept_from).delete()
    return ReadDay.objects.filter(day__lt=kept_from).delete()[0]


@dataclass(frozen=True)
class SampledRead:
    row: Row
    flags: list[str]  # the FLAGS' words

    def __getattr__(self, name):
        return getattr(self.row, name)


@dataclass(frozen=True)
class Spike:
    staff_name: str
    day: dt.date
    reads: int
    usual: float  # reads per day on the person's days with reads in the weeks before


@dataclass(frozen=True)
class FollowUp:
    month: dt.date
    reads: int  # every read of the unit that month
    sampled: int  # the sample: the share picked, and every flagged read
    flag_counts: dict[str, int]
    spikes: list[Spike]
    rows: list[SampledRead]  # a page of the sample, each read with its flags
    next_cursor: str | None  # None on the last page
    is_first: bool
    reviews: list[LogReview]

    @property
    def flag_rows(self) -> list[tuple[str, int]]:
        return [(str(FLAGS[code]), count) for code, count in self.flag_counts.items()]


def spikes(daily: Iterable[Mapping], usual: Mapping[int | None, float]) -> list[Spike]:
    """The days on which a person read far more than they usually do: more than the setting's
    factor times their own usual reads per day, and at least the setting's minimum (a person
    with no history is measured against the minimum alone)."""
    found = []
    for day in daily:
        own = usual.get(day["staff_id"], 0.0)
        limit = max(settings.SAMSYN_LOG_SPIKE_MIN_READS, settings.SAMSYN_LOG_SPIKE_FACTOR * own)
        if day["reads"] >= limit:
            found.append(Spike(day["staff_name"], day["day"], day["reads"], round(own, 1)))
    return sorted(found, key=lambda spike: (spike.day, spike.staff_name))


@dataclass(frozen=True)
class _Span:
    """Where the follow-up of a month reads from: ReadDay for what is over, from `first` (the
    weeks before the month, for the usual reads) to `until`, and the log itself after that."""

    first: dt.date
    month: dt.date
    until: dt.datetime  # ReadDay's counts end here; the log is read from it
    end: dt.date  # the next month

    @classmethod
    def of(cls, month: dt.date) -> _Span:
        """The month's span, its days over counted first if they are not yet."""
        first = month - dt.timedelta(weeks=USUAL_WEEKS)
        end = next_month(month)
        over = counted_until(timezone.now() - PAGE_LAG)
        over = min(max(over, _start_of(first)), _start_of(end))
        return cls(first, month, catch_up(first, over), end)

    def days(self, actor: Actor, first: dt.date) -> QuerySet[ReadDay]:
        # Bounded by `until` whatever a counter adds meanwhile: the log's part starts there.
        whole = Q(hour__isnull=True, day__lt=timezone.localdate(self.until))
        return ReadDay.objects.filter(
            whole | Q(hour__lt=self.until), organisation_id=actor.organisation.pk,
            unit_id=actor.unit.pk, day__gte=first, day__lt=self.end,
        )  # fmt: skip

    def live(self, actor: Actor, first: dt.date) -> QuerySet[Entry]:
        return _unit_reads(actor, max(_start_of(first), self.until), _start_of(self.end))


def _spikes(actor: Actor, span: _Span) -> list[Spike]:
    """Reads per person and day from the weeks before the month to its end, in one statement:
    the counted days and the rest from the log. Its rows are people times days, not reads."""
    counted = (
        span.days(actor, span.first)
        .values("staff_id", "day")
        .annotate(n=Sum("reads"), name=Max("staff_name"))
        .order_by()
    )
    live = (
        span.live(actor, span.first)
        .annotate(day_=TruncDate("at"))
        .values("staff_id", "day_")
        .annotate(n=Count("id"), name=Max("staff_name"))
        .order_by()
    )
    daily: dict[tuple[int | None, dt.date], dict] = {}
    before: dict[int | None, list[int]] = {}
    for staff_id, day, reads, name in counted.values_list("staff_id", "day", "n", "name").union(
        live.values_list("staff_id", "day_", "n", "name"), all=True
    ):
        if day < span.month:
            before.setdefault(staff_id, []).append(reads)
            continue
        row = daily.setdefault((staff_id, day), {"staff_id": staff_id, "day": day, "reads": 0})
        row["reads"] += reads
        row["staff_name"] = name
    usual = {staff_id: sum(reads) / len(reads) for staff_id, reads in before.items()}
    return spikes(daily.values(), usual)


def _counted_totals(actor: Actor, span: _Span) -> dict[str, int]:
    """The month's totals over the counted days, each flag that hangs on the child or the case
    worked out now for each day's child: every read of a protected child is flagged, and every
    read with no case in the unit that day (allowed: no open case; refused: refused)."""
    days = span.days(actor, span.month).alias(
        protected=_protected(), no_case=~Exists(_case_that_day())
    )
    whole = Q(protected=True) | Q(no_case=True)
    totals = days.aggregate(
        n_reads=Sum("reads"),
        n_sampled=Sum(Case(When(whole, then=F("reads")), default=F("row_sampled"))),
        n_emergency=Sum("emergency"),
        n_protected_identity=Sum("reads", filter=Q(protected=True)),
        n_no_open_case=Sum("allowed", filter=Q(no_case=True)),
        n_refused=Sum("refused"),
    )
    return {name.removeprefix("n_"): value or 0 for name, value in totals.items()}


def _sample(actor: Actor, month: dt.date) -> QuerySet[Entry]:
    start, end = month_start(month), month_start(next_month(month))
    return _flagged(_unit_reads(actor, start, end)).filter(Q(picked=True) | _any_flag())


def follow_up_cursor(value: str | None, month: dt.date) -> Cursor | None:
    """Where the page of the month's sample a link asks for starts: None for the first page.
    ValueError if the link's cursor is not a row's place in that month."""
    if not value:
        return None
    cursor = Cursor.parse(value)
    if not month_start(month) <= cursor.at < month_start(next_month(month)):
        raise ValueError(f"not a cursor of {month:%Y-%m}: {value!r}")
    return cursor


def follow_up_for(actor: Actor, *, month: dt.date, after: Cursor | None = None) -> FollowUp:
    """The unit's sample of reads for a month, for its manager to review (DOMAIN LOG-1): a stable
    share of every read, and every read flagged — emergency access (always, LOG-2), a protected
    identity, no open case in the unit that day, refused — with the days a person read far
    more than they usually do, and the reviews recorded so far. The sample's pages follow one
    another in (at, id) order, each from just after the row `after`, so that a late page reads
    what the first does. Reading it is logged."""
    rules.require(actor, "audit.review_unit")
    month = month.replace(day=1)
    span = _Span.of(month)
    counts = _flagged(span.live(actor, month)).aggregate(
        reads=Count("id"),
        sampled=Count("id", filter=Q(picked=True) | _any_flag()),
        **{flag: Count("id", filter=Q(**{f"f_{flag}": True})) for flag in FLAGS},
    )
    for name, value in _counted_totals(actor, span).items():
        counts[name] += value
    sample = _sample(actor, month)
    if after is not None:
        # The first condition alone bounds the index scan: the OR does not.
        sample = sample.filter(at__gte=after.at).filter(
            Q(at__gt=after.at) | Q(at=after.at, id__gt=after.id)
        )
    with transaction.atomic():
        fetched = list(sample.order_by("at", "id")[: FOLLOW_UP_PAGE_SIZE + 1])
        entries = fetched[:FOLLOW_UP_PAGE_SIZE]
        audit.record_change(
            actor=actor, child_id=None, obj="log_sample",
            obj_id=f"unit:{actor.unit.pk}:{month:%Y-%m}", event="read",
            purpose=Purpose.LOG_REVIEW,
            detail={
                "after": after.encode() if after else "first",
                "child_ids": sorted({e.child_id for e in entries}),
            },
        )  # fmt: skip
    rows = [
        SampledRead(Row(entry), [str(FLAGS[f]) for f in FLAGS if getattr(entry, f"f_{f}")])
        for entry in entries
    ]
    more = len(fetched) > FOLLOW_UP_PAGE_SIZE
    reviews = list(
        LogReview.objects.filter(unit_id=actor.unit.pk, month=month)
        .select_related("reviewed_by")
        .order_by("-reviewed_at")
    )
    return FollowUp(
        month=month, reads=counts["reads"], sampled=counts["sampled"],
        flag_counts={flag: counts[flag] for flag in FLAGS}, spikes=_spikes(actor, span),
        rows=rows, next_cursor=Cursor(entries[-1].at, entries[-1].id).encode() if more else None,
        is_first=after is None, reviews=reviews,
    )  # fmt: skip


def sample_ids(actor: Actor, *, month: dt.date) -> tuple[list[int], list[int]]:
    """The ids of the month's sample, and of its flagged reads: what a review records."""
    rows = list(_sample(actor, month).annotate(flagged=_flag(_any_flag())).values("id", "flagged"))
    return [row["id"] for row in rows], [row["id"] for row in rows if row["flagged"]]
