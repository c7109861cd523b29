from django.apps import AppConfig


class DischargeConfig(AppConfig):
    """Utskrivning från sluten vård: admissions, their notices and the discharge planning."""

    name = "samsyn.discharge"
    label = "discharge"

    def ready(self) -> None:
        from django.db.models import Exists, OuterRef, Q

        from samsyn.access import kinds
        from samsyn.access.models import Category
        from samsyn.children import timeline
        from samsyn.discharge.models import Admission, Notice
        from samsyn.discharge.selectors import AdmissionNotFound
        from samsyn.discharge.selectors import timeline as discharge_timeline

        def organisation_takes_part(organisation_id: kinds.Id) -> Q:
            notified = Notice.objects.filter(
                admission=OuterRef("pk"), to_unit__organisation_id=organisation_id
            )
            return Q(organisation_id=organisation_id) | Q(Exists(notified))

        def unit_takes_part(unit_id: kinds.Id) -> Q:
            notified = Notice.objects.filter(admission=OuterRef("pk"), to_unit_id=unit_id)
            return Q(unit_id=unit_id) | Q(outpatient_unit_id=unit_id) | Q(Exists(notified))

        # The admission is the inpatient organisation's health record; each unit it notified
        # (social services, the outpatient unit) takes part and reads under the notice's ground.
        kinds.register(
            kinds.RecordKind(
                model=Admission, name="admission", child="child_id", category=Category.HEALTH,
                not_found=AdmissionNotFound, owner="organisation_id",
                organisation_takes_part=organisation_takes_part, unit_takes_part=unit_takes_part,
            )
        )  # fmt: skip
        # The child's timeline: the admissions and the notices sent about them.
        timeline.register(
            timeline.Source(
                "admission", discharge_timeline.admission_rows,
                discharge_timeline.admission_records, discharge_timeline.describe_admission,
            )
        )  # fmt: skip
        timeline.register(
            timeline.Source(
                "discharge_notice", discharge_timeline.notice_rows,
                discharge_timeline.notice_records, discharge_timeline.describe_notice,
            )
        )  # fmt: skip
        # And with retention: when its last entry was, how it is deleted (docs/adr/0014).
        from samsyn.discharge import retention

        retention.register()
