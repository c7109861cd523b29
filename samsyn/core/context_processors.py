from django.conf import settings

from samsyn.access.rules import can
from samsyn.directory.models import HEALTH_CARE_KINDS


def actor(request):
    """The actor and what the navigation may offer them. The links only mirror the rules; each
    view still enforces its own."""
    actor = getattr(request, "actor", None)
    return {
        "actor": actor,
        "nav": {
            "children": bool(actor and can(actor, "children.search")),
            "directory": bool(actor and can(actor, "directory.view")),
            "audit_unit": bool(actor and can(actor, "audit.review_unit")),
            "retention": bool(actor and can(actor, "retention.manage")),
            # Only where staff sign in through the organisation's provider (docs/adr/0015).
            "provider_units": bool(
                actor and settings.SAMSYN_OIDC_ISSUER and can(actor, "accounts.provider_units")
            ),
            # The inpatient side of discharge: the clinicians and managers of a health unit.
            "discharge_ward": bool(
                actor
                and can(actor, "discharge.ward")
                and actor.organisation.kind in HEALTH_CARE_KINDS
            ),
        },
    }
