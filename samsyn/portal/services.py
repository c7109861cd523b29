"""Changes in the family portal: enrolling a citizen, the development stand-in for BankID, and a
guardian's reply to a meeting invitation. Each change that touches a child's data is audited in
its own transaction (actor None: the family is no staff actor)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.access.models import Purpose
from samsyn.accounts.models import User
from samsyn.audit import services as audit
from samsyn.children.identity import parse_identity_number
from samsyn.children.models import Guardian
from samsyn.plans.models import Invitation
from samsyn.portal.models import Citizen


def standin_enabled() -> bool:
    """The development stand-in for BankID (identity number + one-time code) runs under DEBUG,
    or where SAMSYN_CITIZEN_STANDIN=1 says so explicitly (docs/adr/0005)."""
    return settings.DEBUG or settings.SAMSYN_CITIZEN_STANDIN


@transaction.atomic
def enrol_citizen(
    *, guardian: Guardian, totp_key: str | None = None, username: str | None = None
) -> Citizen:
    """The guardian's citizen account, made once: a user of its own with no password (staff
    sign-in can never reach it) and a TOTP device for the stand-in."""
    citizen = Citizen.objects.filter(guardian=guardian).select_related("user").first()
    if citizen is None:
        user = User(username=username or f"citizen-{uuid.uuid4().hex}")
        user.set_unusable_password()
        user.full_clean()
        user.save()
        citizen = Citizen(user=user, guardian=guardian)
        citizen.full_clean()
        citizen.save()
    device = TOTPDevice.objects.filter(user=citizen.user).first()
    if device is None:
        device = TOTPDevice(user=citizen.user, name="stand-in", confirmed=True)
    if totp_key:
        device.key = totp_key
    device.save()
    return citizen


def citizen_by_identity(identity_number: str) -> Citizen | None:
    try:
        digits = parse_identity_number(identity_number).digits
    except ValidationError:
        return None
    return (
        Citizen.objects.filter(guardian__identity_number=digits, user__is_active=True)
        .select_related("user", "guardian")
        .first()
    )


def check_citizen_code(*, identity_number: str, token: str) -> tuple[Citizen, TOTPDevice] | None:
    """The citizen and their device if the code is right. django-otp throttles a device after
    each failure (doubling delays), so codes cannot be guessed in bulk."""
    citizen = citizen_by_identity(identity_number)
    if citizen is None:
        return None
    device = TOTPDevice.objects.filter(user=citizen.user, confirmed=True).first()
    if device is None or not device.verify_token(token.strip()):
        return None
    return citizen, device


@transaction.atomic
def reply_to_invitation(*, citizen: Citizen, invitation: Invitation, reply: str) -> Invitation:
    """The guardian says whether they come; they may change their mind until the meeting."""
    if invitation.guardian_id != citizen.guardian_id:
        raise PermissionError(invitation.pk)
    invitation.reply = reply
    invitation.replied_at = timezone.now()
    invitation.full_clean()
    invitation.save(update_fields=["reply", "replied_at"])
    audit.record_change(
        actor=None, child_id=invitation.meeting.case.child_id, obj="invitation",
        obj_id=invitation.pk, event="family_reply", purpose=Purpose.PLANNING,
        detail={"citizen_id": citizen.pk, "guardian_id": citizen.guardian_id, "reply": reply},
    )  # fmt: skip
    return invitation
