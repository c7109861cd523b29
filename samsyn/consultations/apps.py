from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    """Anonyma konsultationer: case consultations between professionals (DOMAIN KON-1)."""

    name = "samsyn.consultations"
    label = "consultations"

    def ready(self) -> None:
        from django.db.models import Q

        from samsyn.access import kinds
        from samsyn.access.models import Category
        from samsyn.children import timeline
        from samsyn.consultations import selectors
        from samsyn.consultations.models import Consultation
        from samsyn.consultations.selectors import ConsultationNotFound

        # Once linked to a child, a consultation is the child's data. It belongs to the asking
        # organisation; the consulted organisation takes part. The asking unit, and on the
        # consulted side the unit asked (or, asked as a whole organisation, the unit that
        # answered), take part in it, never the consulted organisation's every unit (SEK-4).
        # The category is per record (the asker's): the selectors name it on each check.
        kinds.register(
            kinds.RecordKind(
                model=Consultation, name="consultation", child="child_id",
                category=Category.BASIC, not_found=ConsultationNotFound,
                owner="asking_organisation_id",
                organisation_takes_part=lambda organisation_id: (
                    Q(asking_organisation_id=organisation_id)
                    | Q(consulted_organisation_id=organisation_id)
                ),
                unit_takes_part=lambda unit_id: (
                    Q(asking_unit_id=unit_id) | Q(consulted_unit_id=unit_id)
                    | Q(answered_by_unit_id=unit_id)
                ),
            )
        )  # fmt: skip
        # The child's timeline: the consultations linked to the child.
        timeline.register(
            timeline.Source(
                "consultation",
                selectors.timeline_rows,
                selectors.timeline_records,
                selectors.describe_for_timeline,
            )
        )
        # And with retention: when its last entry was, how it is deleted (docs/adr/0014).
        from samsyn.consultations import retention

        retention.register()
