"""Seed the deadlines of a report's path (DOMAIN ANM-3…ANM-6). Literal values: the migration must
read the same in every future version of the code. A municipality's board changes them as data."""

from django.db import migrations

RULES = [
    # code, months, days, working days, reference
    ("protection", 0, 1, False,
     "SoL (2025:400) 20 kap. 1 \u00a7; Socialstyrelsen: samma dag eller n\u00e4sta"),
    ("initial_assessment", 0, 14, False, "SoL (2025:400) 20 kap. 2 \u00a7"),
    ("investigation", 4, 0, False, "SoL (2025:400) 20 kap. 3 \u00a7"),
    ("feedback", 0, 7, False, "SoL (2025:400) 19 kap. 6 \u00a7 (SFS 2025:1501)"),
]  # fmt: skip


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("concerns", "DeadlineRule")
    for code, months, days, working_days, reference in RULES:
        DeadlineRule.objects.update_or_create(
            code=code,
            defaults={
                "months": months, "days": days, "working_days": working_days,
                "reference": reference,
            },
        )  # fmt: skip


def unseed(apps, schema_editor):
    apps.get_model("concerns", "DeadlineRule").objects.filter(
        code__in=[code for code, *_ in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("concerns", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
