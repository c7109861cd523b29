"""Session limits (ASVS 3.3.2): 15 idle minutes and 12 hours at most, whatever the activity;
the list of one's signed-in sessions and signing each out (ASVS 3.3.4); and the step-up mark a
second-factor check leaves for exporting and printing.

The marks live in the session itself, as seconds since the epoch. The last-seen mark is
refreshed at most once a minute, so a request writes the session only when something changed
(issue 12): a session therefore ends between 14 and 15 idle minutes, never later.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from samsyn.access.actor import Actor
from samsyn.accounts.models import SignedInSession
from samsyn.audit import services as audit

STARTED = "samsyn_started"
SEEN = "samsyn_seen"
STEPPED_UP = "samsyn_stepped_up"
# Left in the fresh session of a browser whose session a limit ended, for the sign-in page to say.
ENDED = "samsyn_ended"
SEEN_RESOLUTION = timedelta(minutes=1)


class SessionNotFound(Exception):
    """No such live session of this user: the same for "missing" and "someone else's"."""


def _stamp(at: datetime) -> float:
    return at.timestamp()


def _at(stamp: float) -> datetime:
    return datetime.fromtimestamp(stamp, tz=UTC)


def begin(session: SessionBase, *, user_id: int, user_agent: str) -> None:
    """Mark a session just signed in, and list it among its owner's sessions."""
    now = timezone.now()
    # Signing in has just taken the second factor: that counts as the step-up for its first
    # minutes, as a code entered again would.
    session[STARTED] = session[SEEN] = session[STEPPED_UP] = _stamp(now)
    if session.session_key is None:
        session.save()
    # Sessions that lapsed without a sign-out (a closed browser) are forgotten here, so the
    # table holds about one row per live session without a cleaning job.
    SignedInSession.objects.filter(_lapsed(now), user_id=user_id).delete()
    SignedInSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user_id": user_id, "user_agent": user_agent[:300], "started_at": now,
            "last_seen_at": now,
        },
    )  # fmt: skip


def expired(session: SessionBase, now: datetime) -> str | None:
    """Which limit the session is past, "idle" or "absolute"; None within both, or when it is
    not signed in (no marks)."""
    started = session.get(STARTED)
    if started is None:
        return None
    if now - _at(started) > settings.SAMSYN_SESSION_ABSOLUTE:
        return "absolute"
    if now - _at(session.get(SEEN, started)) > settings.SAMSYN_SESSION_IDLE:
        return "idle"
    return None


def touch(session: SessionBase, now: datetime) -> None:
    """Move the last-seen mark, at most once a minute: only then is the session written."""
    seen = session.get(SEEN)
    if seen is None or now - _at(seen) < SEEN_RESOLUTION:
        return
    session[SEEN] = _stamp(now)
    if session.session_key:
        SignedInSession.objects.filter(session_key=session.session_key).update(last_seen_at=now)


def end(session_key: str | None) -> None:
    """Forget a session that ended here (signed out, or past its limits)."""
    if session_key:
        SignedInSession.objects.filter(session_key=session_key).delete()


def _lapsed(now: datetime) -> Q:
    """Sessions past a limit: their browsers are signed out at their next request anyway."""
    return Q(last_seen_at__lt=now - settings.SAMSYN_SESSION_IDLE) | Q(
        started_at__lt=now - settings.SAMSYN_SESSION_ABSOLUTE
    )


def forget_lapsed() -> int:
    """Forget every user's sessions past a limit (the task worker's clearing); how many."""
    deleted, _ = SignedInSession.objects.filter(_lapsed(timezone.now())).delete()
    return deleted


def sessions_of(user_id: int) -> QuerySet[SignedInSession]:
    """The user's live sessions, the most recently active first."""
    return (
        SignedInSession.objects.filter(user_id=user_id)
        .exclude(_lapsed(timezone.now()))
        .order_by("-last_seen_at", "-pk")
    )


def _sign_out(sessions: QuerySet[SignedInSession]) -> list[SignedInSession]:
    ended = list(sessions.select_for_update())
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    for row in ended:
        # Deleting Django's session row is what signs the other browser out: its next request
        # finds no session.
        store(session_key=row.session_key).delete()
    SignedInSession.objects.filter(pk__in=[row.pk for row in ended]).delete()
    return ended


@transaction.atomic
def end_session(*, actor: Actor, session_id: int, current_key: str | None) -> None:
    """Sign out one of the actor's other sessions. The current one signs out with the header's
    button, which also clears this browser."""
    sessions = sessions_of(actor.user_id).filter(pk=session_id).exclude(session_key=current_key)
    ended = _sign_out(sessions)
    if not ended:
        raise SessionNotFound(session_id)
    row = ended[0]
    audit.record_change(
        actor=actor, child_id=None, obj="session", obj_id=row.pk, event="session_ended",
        purpose="", detail={"device": row.user_agent, "started_at": row.started_at.isoformat()},
    )  # fmt: skip


@transaction.atomic
def end_other_sessions(*, actor: Actor, current_key: str | None) -> int:
    """Sign out every session of the actor's but this one (a lost phone, a shared computer)."""
    ended = _sign_out(
        SignedInSession.objects.filter(user_id=actor.user_id).exclude(session_key=current_key)
    )
    audit.record_change(
        actor=actor, child_id=None, obj="session", obj_id="others",
        event="other_sessions_ended", purpose="", detail={"count": len(ended)},
    )  # fmt: skip
    return len(ended)


def step_up(session: SessionBase) -> None:
    """The second factor was entered again just now."""
    session[STEPPED_UP] = _stamp(timezone.now())


def stepped_up(session: SessionBase) -> bool:
    """The second factor was entered, at sign-in or again, within the last few minutes."""
    at = session.get(STEPPED_UP)
    return at is not None and timezone.now() - _at(at) <= settings.SAMSYN_STEP_UP_VALID
