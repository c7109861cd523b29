"""The page where a signed-in person sees where they are signed in and signs sessions out."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from samsyn.access.http import actor_required
from samsyn.accounts import session_services


@actor_required()
@require_GET
def session_list(request):
    current = request.session.session_key
    sessions = list(session_services.sessions_of(request.actor.user_id))
    return render(
        request,
        "accounts/sessions.html",
        {"sessions": sessions, "current": current,
         "others": any(s.session_key != current for s in sessions),
         "idle_minutes": int(settings.SAMSYN_SESSION_IDLE.total_seconds() // 60),
         "absolute_hours": int(settings.SAMSYN_SESSION_ABSOLUTE.total_seconds() // 3600)},
    )  # fmt: skip


@actor_required()
@require_POST
def session_end(request, session_id: int):
    try:
        session_services.end_session(
            actor=request.actor, session_id=session_id, current_key=request.session.session_key
        )
    except session_services.SessionNotFound:
        raise Http404 from None
    messages.success(request, _("The session was signed out."))
    return redirect("accounts:sessions")


@actor_required()
@require_POST
def session_end_others(request):
    count = session_services.end_other_sessions(
        actor=request.actor, current_key=request.session.session_key
    )
    message = ngettext(
        "%(count)d other session was signed out.",
        "%(count)d other sessions were signed out.",
        count,
    )
    messages.success(request, message % {"count": count})
    return redirect("accounts:sessions")
