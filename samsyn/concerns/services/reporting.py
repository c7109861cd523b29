"""Filing a report of concern (orosanmälan, DOMAIN ANM-1, ANM-2, ANM-6) and asking for
feedback later. Each change and its audit row share one transaction: a refused report stores
nothing, not even half of it.

A professional files signed in, never anonymously (ANM-2: the form, this service and the
database's constraint each refuse it); a member of the public may stay anonymous, and is held to
a number of reports per client address an hour. A report naming a child by an identity number
Samsyn knows exactly is linked to that child at once; one naming the child by name and address
waits for intake to match it, by a person (never by a guess).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.audit import services as audit
from samsyn.children.identity import parse_identity_number
from samsyn.common.errors import AccessDenied
from samsyn.concerns.models import Intake, PublicSubmission, Report
from samsyn.concerns.selectors import ReportNotFound
from samsyn.concerns.selectors import reporting as selectors

# What a report asks at most: generous for what was seen, tight for a name or a number.
MAX_WHAT_SEEN = 10_000
MAX_NAME = 200
MAX_ADDRESS = 300
MAX_PHONE = 40
MAX_EMAIL = 254
# A report is sent to social services for their investigation (20 kap.): the audit's purpose.
PURPOSE = Purpose.INVESTIGATION

NO_CHILD = gettext_lazy(
    "No child identified: give the child's identity number, or their name and address when "
    "you do not know the number."
)


class TooManyReports(Exception):
    """A client address filed the most public reports the setting allows in the last hour."""


@dataclass(frozen=True)
class ChildAsNamed:
    identity_number: str  # twelve digits, or "" when not given
    name: str
    address: str


def _child_as_named(identity_number: str, name: str, address: str, errors: dict) -> ChildAsNamed:
    """The child as the reporter named them, validated: a number must be a real one (format,
    check digit, date); without one, the name and the address."""
    number, name, address = identity_number.strip(), name.strip(), address.strip()
    digits = ""
    if number:
        try:
            digits = parse_identity_number(number).digits
        except ValidationError as error:
            errors.setdefault("identity_number", []).extend(error.messages)
    elif not name and not address:
        errors.setdefault("__all__", []).append(str(NO_CHILD))
    else:
        if not name:
            errors.setdefault("child_name", []).append(
                _("Give the child's name too, or their identity number.")
            )
        if not address:
            errors.setdefault("child_address", []).append(
                _("Give the child's address too, or their identity number.")
            )
    for field, value, limit in (
        ("child_name", name, MAX_NAME),
        ("child_address", address, MAX_ADDRESS),
    ):
        if len(value) > limit:
            errors.setdefault(field, []).append(_too_long(limit))
    return ChildAsNamed(digits, name, address)


def _too_long(limit: int) -> str:
    return _("At most %(limit)d characters.") % {"limit": limit}


def _what_seen(text: str, errors: dict) -> str:
    text = text.strip().replace("\r\n", "\n")
    if not text:
        errors.setdefault("what_seen", []).append(_("Describe what you saw or heard."))
    elif len(text) > MAX_WHAT_SEEN:
        errors.setdefault("what_seen", []).append(_too_long(MAX_WHAT_SEEN))
    return text


def _urgency(urgency: str, errors: dict) -> str:
    if urgency not in Report.Urgency.values:
        errors.setdefault("urgency", []).append(_("Say whether the child may need protection now."))
    return urgency


def _intake(municipality_id: int | None, errors: dict) -> Intake | None:
    intake = selectors.intake_of(municipality_id) if municipality_id else None
    if intake is None and "municipality" not in errors:
        errors.setdefault("municipality", []).append(
            _("Choose the municipality whose social services are to receive the report.")
        )
    return intake


def _new_report(intake: Intake, child: ChildAsNamed, **fields) -> Report:
    known = selectors.known_child(child.identity_number)
    now = timezone.now()
    report = Report(
        intake=intake, organisation_id=intake.organisation_id, intake_unit_id=intake.unit_id,
        received_at=now, given_identity_number=child.identity_number,
        given_name=child.name, given_address=child.address,
        # An exact identity number links at once; linked_by stays empty: linked by the number.
        child=known, linked_at=now if known else None, **fields,
    )  # fmt: skip
    return report


def _save(report: Report) -> Report:
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def file_report(
    *,
    actor: Actor,
    municipality_id: int | None,
    identity_number: str,
    child_name: str,
    child_address: str,
    what_seen: str,
    urgency: str,
    reporter_phone: str,
    feedback_requested: bool,
    reporter_category: str | None = None,
    anonymous: bool = False,
) -> Report:
    """A professional's report, signed in as the actor (ANM-1, ANM-2). Without a
    municipality it goes to the child's, when Samsyn knows the child by the number, else to the
    one the actor's unit serves. Asking for feedback records the request (ANM-6)."""
    if not selectors.may_report(actor):
        raise AccessDenied("concerns.report")
    if anonymous:
        # ANM-2: the duty to report is personal; the form never offers it, the database
        # refuses it too (report_only_public_anonymous).
        raise ValidationError(
            _("A professional with a duty to report cannot report anonymously (ANM-2).")
        )
    errors: dict[str, list[str]] = {}
    child = _child_as_named(identity_number, child_name, child_address, errors)
    what_seen = _what_seen(what_seen, errors)
    urgency = _urgency(urgency, errors)
    phone = reporter_phone.strip()
    if len(phone) > MAX_PHONE:
        errors.setdefault("reporter_phone", []).append(_too_long(MAX_PHONE))
    categories = selectors.reporter_categories(actor)
    category = reporter_category or categories[0]
    if category not in categories:
        errors.setdefault("reporter_category", []).append(_("Choose one of the fields offered."))
    if municipality_id is None:
        known = selectors.known_child(child.identity_number)
        municipality_id = known.municipality_id if known else selectors.actor_municipality_id(actor)
    intake = _intake(municipality_id, errors)
    if errors or intake is None:
        raise ValidationError(errors)
    now = timezone.now()
    report = _save(
        _new_report(
            intake, child, reporter_kind=Report.ReporterKind.PROFESSIONAL,
            reporter_category=category, reporter_staff=actor.staff, reporter_unit=actor.unit,
            anonymous=False, reporter_name=actor.staff.name, reporter_phone=phone,
            reporter_email=actor.staff.email, what_seen=what_seen, urgency=urgency,
            feedback_requested_at=now if feedback_requested else None,
        )
    )  # fmt: skip
    audit.record_change(
        actor=actor, child_id=report.child_id, obj="report", obj_id=report.pk,
        event="report_filed", purpose=PURPOSE,
        decision=rules.Decision(True, "author", {"record": "report", "record_id": report.pk}),
        detail={"linked": report.child_id is not None, "feedback_requested": feedback_requested},
    )  # fmt: skip
    return report


@transaction.atomic
def request_feedback(*, actor: Actor, report_id: int) -> Report:
    """The author asks for feedback after filing (ANM-6): recorded once, with when; asking
    again changes nothing. Anyone else's report is not found, as a missing one."""
    purpose = rules.default_purpose(actor) if selectors.may_report(actor) else PURPOSE
    report, decision = rules.open_for_change(
        actor, Report.objects.all(), pk=report_id, purpose=purpose
    )
    if report.reporter_staff_id != actor.staff.pk:
        raise ReportNotFound(report_id)
    if report.feedback_requested_at is not None:
        return report
    report.feedback_requested_at = timezone.now()
    report.version += 1
    report.save(update_fields=["feedback_requested_at", "version"])
    audit.record_change(
        actor=actor, child_id=report.child_id, obj="report", obj_id=report.pk,
        event="report_feedback_requested", purpose=purpose, decision=decision,
    )  # fmt: skip
    return report


def client_key(address: str) -> str:
    """The client address as a keyed hash: countable, never readable back."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _within_rate_limit(key: str) -> None:
    """Refuse the report if this address already filed the hour's allowance. The advisory lock
    serialises one address's concurrent requests, so a flood in parallel cannot slip past the
    count; it is released with the transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
    since = timezone.now() - timedelta(hours=1)
    # What is past the window counts for nobody: kept no longer than the limit needs it.
    PublicSubmission.objects.filter(at__lt=since).delete()
    if (
        PublicSubmission.objects.filter(client_key=key).count()
        >= settings.SAMSYN_PUBLIC_REPORTS_PER_HOUR
    ):
        raise TooManyReports
    PublicSubmission.objects.create(client_key=key)


@transaction.atomic
def file_public_report(
    *,
    client_address: str,
    municipality_id: int | None,
    identity_number: str,
    child_name: str,
    child_address: str,
    what_seen: str,
    urgency: str,
    anonymous: bool,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
) -> Report:
    """A member of the public's report (ANM-1: anyone should report; ANM-2: anonymously if
    they choose, and then no name or contact is kept, whatever was typed). TooManyReports past
    the hour's allowance for the client address, with nothing stored."""
    errors: dict[str, list[str]] = {}
    child = _child_as_named(identity_number, child_name, child_address, errors)
    what_seen = _what_seen(what_seen, errors)
    urgency = _urgency(urgency, errors)
    contact = {"reporter_name": reporter_name.strip(), "reporter_phone": reporter_phone.strip(),
               "reporter_email": reporter_email.strip()}  # fmt: skip
    if anonymous:
        contact = dict.fromkeys(contact, "")
    for field, limit in (("reporter_name", MAX_NAME), ("reporter_phone", MAX_PHONE),
                         ("reporter_email", MAX_EMAIL)):  # fmt: skip
        if len(contact[field]) > limit:
            errors.setdefault(field, []).append(_too_long(limit))
    intake = _intake(municipality_id, errors)
    if errors or intake is None:
        raise ValidationError(errors)
    _within_rate_limit(client_key(client_address))
    report = _save(
        _new_report(
            intake, child, reporter_kind=Report.ReporterKind.PUBLIC,
            reporter_category=Report.ReporterCategory.PUBLIC, anonymous=anonymous,
            what_seen=what_seen, urgency=urgency, **contact,
        )
    )  # fmt: skip
    audit.record_change(
        actor=None, child_id=report.child_id, obj="report", obj_id=report.pk,
        event="report_filed_public", purpose=PURPOSE,
        detail={"linked": report.child_id is not None, "anonymous": anonymous},
    )  # fmt: skip
    return report
