"""The administrator's page of the provider's units (docs/adr/0015): which of the provider's
unit ids (HSA-ids) names which Samsyn unit, with the role codes Samsyn understands. Thin:
parse, call, render."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access.http import actor_required
from samsyn.accounts import provider_unit_services as services
from samsyn.accounts.forms import ProviderUnitForm
from samsyn.common.pages import handle_action, handle_form, refusals

PERMISSION = services.PERMISSION


@actor_required(PERMISSION)
@require_GET
@refusals
def unit_list(request) -> HttpResponse:
    return render(
        request,
        "accounts/provider_units.html",
        {"connections": services.connections_for(request.actor), "roles": services.role_codes()},
    )


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def unit_new(request) -> HttpResponse:
    form = ProviderUnitForm(
        request.POST if request.method == "POST" else None,
        units=services.unit_choices_for(request.actor),
    )

    def save(data: dict) -> str:
        services.connect(actor=request.actor, external_id=data["external_id"], unit_id=data["unit"])
        return reverse("accounts:provider_units")

    return handle_form(
        request, form, save, success=_("The unit is connected."),
        template="accounts/provider_unit.html", context={"connection": None},
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def unit_edit(request, connection_id: int) -> HttpResponse:
    connection = services.connection_for(request.actor, connection_id)
    form = ProviderUnitForm(
        request.POST if request.method == "POST" else None,
        initial={"external_id": connection.external_id, "unit": connection.unit_id},
        units=services.unit_choices_for(request.actor),
    )

    def save(data: dict) -> str:
        services.change(
            actor=request.actor, connection_id=connection_id,
            external_id=data["external_id"], unit_id=data["unit"],
        )  # fmt: skip
        return reverse("accounts:provider_units")

    # A repeat saves the same values again, which changes nothing: no token needed.
    return handle_form(
        request, form, save, success=_("The connection is saved."),
        template="accounts/provider_unit.html", context={"connection": connection}, token=False,
    )  # fmt: skip


@actor_required(PERMISSION)
@require_POST
@refusals
def unit_remove(request, connection_id: int) -> HttpResponse:
    def act() -> str:
        services.disconnect(actor=request.actor, connection_id=connection_id)
        return reverse("accounts:provider_units")

    return handle_action(
        request, act, success=_("The connection is removed."),
        back=reverse("accounts:provider_units"), token=False,
    )  # fmt: skip
