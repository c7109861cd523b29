from django.apps import AppConfig


class RadarConfig(AppConfig):
    """The radar: children falling between the chairs, found and put before whoever must act."""

    name = "samsyn.radar"
    label = "radar"

    def ready(self) -> None:
        from django.db.models import Q

        from samsyn.access import kinds
        from samsyn.access.models import Category
        from samsyn.children import timeline
        from samsyn.notifications import kinds as notification_kinds
        from samsyn.radar.models import Signal
        from samsyn.radar.selectors import SignalNotFound
        from samsyn.radar.selectors import timeline as radar_timeline

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
        # Each rule is a kind of notification whose delivery a person chooses.
        notification_kinds.register(_rule_kinds)
        # The child's timeline: the organisation's own signals about the child.
        timeline.register(
            timeline.Source(
                "signal", radar_timeline.signal_rows, radar_timeline.signal_records,
                radar_timeline.describe_signal,
            )
        )  # fmt: skip
        # And with retention: when its last entry was, how it is deleted (docs/adr/0014).
        from samsyn.radar import retention

        retention.register()


def _rule_kinds() -> list[tuple[str, str]]:
    from samsyn.radar.models import Rule

    return [(rule.code, f"{rule.code} {rule.name}") for rule in Rule.objects.filter(active=True)]
