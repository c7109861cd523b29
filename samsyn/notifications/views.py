"""A person's notifications and their choices of delivery, under their account. Thin: parse,
call, render."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access.http import actor_required
from samsyn.common.pages import handle_action, handle_form
from samsyn.notifications import selectors, services
from samsyn.notifications.forms import PreferencesForm


@actor_required()
@require_GET
def notification_list(request) -> HttpResponse:
    staff = request.actor.staff
    page, rows = selectors.notifications_of(staff, page=request.GET.get("page"))
    return render(
        request, "notifications/list.html",
        {"page": page, "rows": rows, "unread": selectors.unread_count(staff)},
    )  # fmt: skip


@actor_required()
@require_POST
def mark_read(request) -> HttpResponse:
    def act() -> str:
        services.mark_read(staff=request.actor.staff)
        return reverse("notifications:list")

    return handle_action(
        request, act, success=_("Your notifications are marked as read."),
        back=reverse("notifications:list"), token=False,
    )  # fmt: skip


@actor_required()
@require_http_methods(["GET", "POST"])
def preferences(request) -> HttpResponse:
    staff = request.actor.staff
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        choices=selectors.preferences_of(staff),
    )

    def save(data: dict) -> str:
        services.set_preferences(staff=staff, choices=form.chosen())
        return reverse("notifications:preferences")

    return handle_form(
        request, form, save, success=_("Your choices are saved."),
        template="notifications/preferences.html", context={}, token=False,
    )  # fmt: skip
