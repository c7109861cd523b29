"""The demo county's collaboration ladder (DOMAIN GOV-3, RAD-9): above the unit manager, the
county's officials' group for children and young people, then its political group. The demo's
analyst and unit manager sit in the officials' group, so the escalated items show on their
start pages."""

from __future__ import annotations

from samsyn.demo import data
from samsyn.directory.models import Principal, Staff
from samsyn.radar.models import CollaborationBody, EscalationStep

# (level, kind, name, days on the rung below, members by demo login)
LADDER = (
    (2, CollaborationBody.Kind.OFFICIALS, "Länsgemensam tjänstemannagrupp barn och unga", 14,
     ("analytiker", "enhetschef")),
    (3, CollaborationBody.Kind.POLITICAL, "Politisk samverkansgrupp barn och unga", 30, ()),
)  # fmt: skip


def write_ladder(principals: dict[str, Principal], staff: dict[str, Staff]) -> None:
    region = principals[data.REGION_CODE]
    for level, kind, name, days, members in LADDER:
        body = CollaborationBody.objects.create(region=region, kind=kind, name=name)
        body.members.add(*(staff[username] for username in members if username in staff))
        EscalationStep.objects.create(region=region, level=level, body=body, after_days=days)
