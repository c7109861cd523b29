"""Seed the SIP deadlines (DOMAIN SIP-5). Literal values: the migration must read the same in
every future version of the code. Regions change them as data."""

from django.db import migrations

RULES = [
    ("first_contact", 3, False, "SoL (2025:400) 10 kap. 8 § (\u201dgenast\u201d); regional setting"),
    ("first_meeting", 21, False, "Överenskommelse om SIP, Region Örebro län (regional target)"),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("plans", "DeadlineRule")
    for code, days, working_days, reference in RULES:
        DeadlineRule.objects.update_or_create(
            code=code,
            defaults={"days": days, "working_days": working_days, "reference": reference},
        )


def unseed(apps, schema_editor):
    apps.get_model("plans", "DeadlineRule").objects.filter(
        code__in=[code for code, *_ in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
