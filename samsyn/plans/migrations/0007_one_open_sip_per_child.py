"""SIP-9: at most one open SIP per child (ADR 0009), and the need a joining party brought."""

from django.db import migrations, models
from django.db.models import Count


def no_second_open_sip(apps, schema_editor):
    """Two open SIPs for one child are a human's to merge: which plan holds, which consent
    covers whom. Stop with the list rather than closing one behind their backs."""
    Case = apps.get_model("plans", "Case")
    doubles = (
        Case.objects.exclude(status="closed")
        .values("child_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("child_id")
    )
    if doubles:
        lines = [
            f"child {row['child_id']}: SIPs "
            + ", ".join(
                str(pk)
                for pk in Case.objects.filter(child_id=row["child_id"])
                .exclude(status="closed")
                .order_by("proposed_at", "pk")
                .values_list("pk", flat=True)
            )
            for row in doubles[:50]
        ]
        raise RuntimeError(
            "SIP-9: these children have more than one open SIP. Close all but one of each "
            "(with a reason naming the one that stays), then migrate again:\n" + "\n".join(lines)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0002_guardianship_history"),
        ("directory", "0003_organisation_search_generated"),
        ("plans", "0006_deadline_months"),
    ]

    operations = [
        migrations.AddField(
            model_name="party",
            name="joined_reason",
            field=models.TextField(blank=True, max_length=4000, verbose_name="the need it brought"),
        ),
        migrations.RunPython(no_second_open_sip, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "closed"), _negated=True),
                fields=("child",),
                name="sip_one_open_per_child",
                violation_error_message="The child already has an open SIP.",
            ),
        ),
    ]
