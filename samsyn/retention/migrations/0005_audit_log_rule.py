"""The audit log's own retention rule (DOMAIN LOG-1, docs/adr/0014): logs are kept at least five
years, a floor no administrator lowers; like every seeded rule it only counts until enforced."""

from django.db import migrations

LOG = (
    "Loggar sparas minst fem år (DOMAIN LOG-1: PDL 4 kap. 3 §, HSLF-FS 2016:40 4 kap. 9 §; "
    "lag (2001:454) 10 §); gallras hel månad i taget, kedjorna förseglas vid snittet"
)


def seed(apps, schema_editor):
    apps.get_model("retention", "Rule").objects.update_or_create(
        record_type="audit_log",
        defaults={
            "anchor": "last_entry", "years": 5, "minimum_years": 5, "by_end_of_next_year": False,
            "sample_days": [], "action": "delete", "reference": LOG, "enforced": False,
        },
    )  # fmt: skip


def unseed(apps, schema_editor):
    apps.get_model("retention", "Rule").objects.filter(record_type="audit_log").delete()


class Migration(migrations.Migration):
    dependencies = [("retention", "0004_hold_reference_and_unit"), ("audit", "0004_log_review")]
    operations = [migrations.RunPython(seed, unseed)]
