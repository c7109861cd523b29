from django.apps import AppConfig


class RadarConfig(AppConfig):
    """The radar: children falling between the chairs, found and put before whoever must act."""

    name = "samsyn.radar"
    label = "radar"

    def ready(self) -> None:
        from django.db.models import Q

        from samsyn.access import kinds
        from samsyn.access.models import Category
        from samsyn.radar.models import Signal
        from samsyn.radar.selectors import SignalNotFound

        # A signal belongs to the organisation that must act, and opens only to its units that
        # already have a relationship with the child: it names the child, so it is read like
        # the child's basic data. It takes no part itself: a signal never opens a child.
        kinds.register(
            kinds.RecordKind(
                model=Signal, name="signal", child="child_id", category=Category.BASIC,
                not_found=SignalNotFound, owner="organisation_id",
                organisation_takes_part=lambda organisation_id: Q(organisation_id=organisation_id),
            )
        )  # fmt: skip
        # And with retention: when its last entry was, how it is deleted (docs/adr/0013).
        from samsyn.radar import retention

        retention.register()
