from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    """Orosanmälningar: reports of concern, their assessments and the feedback to the reporter."""

    name = "samsyn.concerns"
    label = "concerns"

    def ready(self) -> None:
        from django.db.models import Q

        from samsyn.access import kinds
        from samsyn.access.models import Category
        from samsyn.children import timeline
        from samsyn.concerns.models import Investigation, Report
        from samsyn.concerns.selectors import InvestigationNotFound, ReportNotFound
        from samsyn.concerns.selectors import timeline as concern_timeline

        # A report belongs to the municipality's social services and only they take part: its
        # intake unit has it in the queue; the professional who wrote it follows it as author.
        kinds.register(
            kinds.RecordKind(
                model=Report, name="report", child="child_id", category=Category.SOCIAL,
                not_found=ReportNotFound, owner="organisation_id",
                organisation_takes_part=lambda organisation_id: Q(organisation_id=organisation_id),
                unit_takes_part=lambda unit_id: Q(intake_unit_id=unit_id),
                author="reporter_staff_id",
            )
        )  # fmt: skip
        # The investigation: its unit has the child as a client while it runs.
        kinds.register(
            kinds.RecordKind(
                model=Investigation, name="investigation", child="child_id",
                category=Category.SOCIAL, not_found=InvestigationNotFound,
                owner="organisation_id",
                organisation_takes_part=lambda organisation_id: Q(organisation_id=organisation_id),
                unit_takes_part=lambda unit_id: Q(unit_id=unit_id, finished_on__isnull=True),
            )
        )  # fmt: skip
        # The child's timeline: the reports about the child and its investigations.
        timeline.register(
            timeline.Source(
                "report", concern_timeline.report_rows, concern_timeline.report_records,
                concern_timeline.describe_report,
            )
        )  # fmt: skip
        timeline.register(
            timeline.Source(
                "investigation", concern_timeline.investigation_rows,
                concern_timeline.investigation_records, concern_timeline.describe_investigation,
            )
        )  # fmt: skip
        # And with retention: when its last entry was, how it is deleted (docs/adr/0014).
        from samsyn.concerns import retention

        retention.register()
