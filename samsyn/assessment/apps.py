from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    """Bedömning: the BBIC assessment where the municipality is licensed, and the child's risk
    and protective factors everywhere (DOMAIN BBIC-1, RSF-1)."""

    name = "samsyn.assessment"
    label = "assessment"

    def ready(self) -> None:
        from django.db.models import Q

        from samsyn.access import kinds
        from samsyn.access.models import Category
        from samsyn.assessment.models import Assessment
        from samsyn.assessment.selectors.assessments import AssessmentNotFound

        # An assessment belongs to the social services that wrote it, and its writing unit has
        # a relationship with the child through it. Another organisation reads it only on a
        # ground covering social services' information, and only its units related to the child.
        kinds.register(
            kinds.RecordKind(
                model=Assessment, name="assessment", child="child_id", category=Category.SOCIAL,
                not_found=AssessmentNotFound, owner="organisation_id",
                unit_takes_part=lambda unit_id: Q(unit_id=unit_id),
            )
        )  # fmt: skip
        # And with retention: when its last entry was, how it is deleted (docs/adr/0014).
        from samsyn.assessment import retention

        retention.register()
