from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "samsyn.plans"
    label = "plans"

    def ready(self) -> None:
        from django.db.models import Exists, OuterRef, Q

        from samsyn.access import kinds
        from samsyn.access.models import Category
        from samsyn.children import timeline
        from samsyn.plans.models import Case, Party
        from samsyn.plans.selectors import timeline as sip_timeline
        from samsyn.plans.selectors.cases import CaseNotFound

        def organisation_takes_part(organisation_id: kinds.Id) -> Q:
            parties = Party.objects.filter(case=OuterRef("pk"), organisation_id=organisation_id)
            return Q(initiating_organisation_id=organisation_id) | Q(Exists(parties))

        def unit_takes_part(unit_id: kinds.Id) -> Q:
            accepted = Party.objects.filter(
                case=OuterRef("pk"), unit_id=unit_id, accepted_at__isnull=False
            )
            return Q(Exists(accepted))

        # The SIP belongs to the organisation that initiated it; the organisations invited take
        # part, and each one's unit that accepted has a relationship with the child.
        kinds.register(
            kinds.RecordKind(
                model=Case, name="sip", child="child_id", category=Category.PLAN,
                not_found=CaseNotFound, owner="initiating_organisation_id",
                organisation_takes_part=organisation_takes_part, unit_takes_part=unit_takes_part,
            )
        )  # fmt: skip
        # The child's timeline: the SIP, its meetings and its finalised plan versions.
        for source in (
            timeline.Source(
                "sip", sip_timeline.sip_rows, sip_timeline.sip_records, sip_timeline.describe_sip
            ),
            timeline.Source(
                "sip_meeting",
                sip_timeline.meeting_rows,
                sip_timeline.meeting_records,
                sip_timeline.describe_meeting,
            ),
            timeline.Source(
                "plan_version",
                sip_timeline.version_rows,
                sip_timeline.version_records,
                sip_timeline.describe_version,
            ),
        ):
            timeline.register(source)
        # And with retention: when its last entry was, how it is deleted (docs/adr/0014).
        from samsyn.plans import retention

        retention.register()
