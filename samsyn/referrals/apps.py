from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    """Remisser: one organisation asks another to take on an effort for a child."""

    name = "samsyn.referrals"
    label = "referrals"

    def ready(self) -> None:
        from django.db.models import Q

        from samsyn.access import kinds
        from samsyn.access.models import Category
        from samsyn.referrals.models import Referral
        from samsyn.referrals.selectors import ReferralNotFound

        # The referral is the sending organisation's; the receiving organisation takes part
        # and reads it under the referral's own ground. The sending unit and the receiving
        # unit take part, never the receiving organisation's every unit (SEK-4); a withdrawn
        # referral no longer reaches the receiver at all. The category is per record (the
        # sender's): the selectors name it on each check.
        kinds.register(
            kinds.RecordKind(
                model=Referral, name="referral", child="child_id", category=Category.BASIC,
                not_found=ReferralNotFound, owner="from_organisation_id",
                organisation_takes_part=lambda organisation_id: (
                    Q(from_organisation_id=organisation_id)
                    | (Q(to_organisation_id=organisation_id) & ~Q(status="withdrawn"))
                ),
                unit_takes_part=lambda unit_id: (
                    Q(from_unit_id=unit_id) | (Q(to_unit_id=unit_id) & ~Q(status="withdrawn"))
                ),
            )
        )  # fmt: skip
        # The child's timeline: the referrals about the child.
        from samsyn.children import timeline
        from samsyn.referrals import selectors

        timeline.register(
            timeline.Source(
                "referral", selectors.timeline_rows, selectors.timeline_records,
                selectors.describe_for_timeline,
            )
        )  # fmt: skip
        # And with retention: when its last entry was, how it is deleted (docs/adr/0014).
        from samsyn.referrals import retention

        retention.register()
