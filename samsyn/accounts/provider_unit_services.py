"""An administrator's connections of the provider's unit ids (HSA-ids, organisation numbers) to
Samsyn's units (docs/adr/0015), without the command line: listed, added, changed and removed,
each change audited. An administrator connects only the units of their own principal (the
region or municipality they administer): a connection decides who becomes a member of a unit
at the next sign-in, so one principal's administrator must not reach another's units."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from samsyn.access import rules as access
from samsyn.access.actor import Actor
from samsyn.accounts.models import ProviderUnit
from samsyn.audit import services as audit
from samsyn.common.errors import NotFound
from samsyn.directory.models import Role, Unit

PERMISSION = "accounts.provider_units"


class ConnectionNotFound(NotFound):
    pass


def _units(actor: Actor) -> QuerySet[Unit]:
    return Unit.objects.filter(organisation__principal_id=actor.organisation.principal_id)


def connections_for(actor: Actor) -> list[ProviderUnit]:
    access.require(actor, PERMISSION)
    return list(
        ProviderUnit.objects.filter(unit__in=_units(actor))
        .select_related("unit__organisation")
        .order_by("unit__organisation__name", "unit__name", "external_id")
    )


def unit_choices_for(actor: Actor) -> list[tuple[int, str]]:
    access.require(actor, PERMISSION)
    units = _units(actor).select_related("organisation").order_by("organisation__name", "name")
    return [(unit.pk, f"{unit.organisation.name}: {unit.name}") for unit in units]


def role_codes() -> list[tuple[str, str]]:
    """The provider's role codes Samsyn is configured to understand, and the role each is."""
    labels = dict(Role.choices)
    return sorted(
        (code, str(labels.get(role, role))) for code, role in settings.SAMSYN_OIDC_ROLES.items()
    )


def connection_for(actor: Actor, connection_id: int) -> ProviderUnit:
    access.require(actor, PERMISSION)
    connection = (
        ProviderUnit.objects.filter(pk=connection_id, unit__in=_units(actor))
        .select_related("unit__organisation")
        .first()
    )
    if connection is None:
        raise ConnectionNotFound(connection_id)
    return connection


def _unit(actor: Actor, unit_id: int) -> Unit:
    unit = _units(actor).filter(pk=unit_id).first()
    if unit is None:
        raise ValidationError({"unit": _("Choose one of your organisation's units.")})
    return unit


def _save(connection: ProviderUnit) -> None:
    connection.full_clean(validate_unique=False)
    try:
        # A savepoint: two administrators adding the same id at once meet the unique
        # constraint, and the second is told, not answered with an error page.
        with transaction.atomic():
            connection.save()
    except IntegrityError:
        raise ValidationError(
            {"external_id": _("That id is already connected to a unit.")}
        ) from None


def _record(actor: Actor, connection: ProviderUnit, event: str, detail: dict) -> None:
    audit.record_change(
        actor=actor, child_id=None, obj="provider_unit", obj_id=connection.pk, event=event,
        purpose=access.default_purpose(actor), detail=detail,
    )  # fmt: skip


def _as_log(connection: ProviderUnit) -> dict:
    return {"external_id": connection.external_id, "unit_id": connection.unit_id}


@transaction.atomic
def connect(*, actor: Actor, external_id: str, unit_id: int) -> ProviderUnit:
    access.require(actor, PERMISSION)
    connection = ProviderUnit(external_id=external_id.strip(), unit=_unit(actor, unit_id))
    _save(connection)
    _record(actor, connection, "provider_unit_connected", _as_log(connection))
    return connection


@transaction.atomic
def change(*, actor: Actor, connection_id: int, external_id: str, unit_id: int) -> ProviderUnit:
    """Memberships the old connection granted end at each person's next sign-in."""
    connection = connection_for(actor, connection_id)
    connection = ProviderUnit.objects.select_for_update().get(pk=connection.pk)
    before = _as_log(connection)
    connection.external_id, connection.unit = external_id.strip(), _unit(actor, unit_id)
    if _as_log(connection) == before:
        return connection
    _save(connection)
    _record(
        actor, connection, "provider_unit_changed", {"before": before, "after": _as_log(connection)}
    )
    return connection


@transaction.atomic
def disconnect(*, actor: Actor, connection_id: int) -> None:
    """Sign-ins naming the id grant nothing from now on; memberships already held end at each
    person's next sign-in."""
    connection = connection_for(actor, connection_id)
    _record(actor, connection, "provider_unit_disconnected", _as_log(connection))
    ProviderUnit.objects.filter(pk=connection.pk).delete()
