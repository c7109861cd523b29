"""The referral's retention rule (RET-1): a record of the sending and of the receiving
organisation, social services' and health care's, so the longer period holds, as for the SIP."""

from django.db import migrations

PDL = "PDL (2008:355) 3 kap. 17 §: minst tio år efter sista uppgiften (ett minimum)"
SOL_FILE = "SoL (2025:400) 16 kap. 1 §"
SAMPLE_NOTE = "forskningsurval: personer födda den 5, 15 och 25 bevaras"


def seed(apps, schema_editor):
    apps.get_model("retention", "Rule").objects.update_or_create(
        record_type="referral",
        defaults={
            "anchor": "last_entry", "years": 10, "minimum_years": 10,
            "by_end_of_next_year": False, "sample_days": [5, 15, 25], "action": "delete",
            "reference": f"{PDL}; {SOL_FILE}; {SAMPLE_NOTE}", "enforced": False,
        },
    )  # fmt: skip


def unseed(apps, schema_editor):
    apps.get_model("retention", "Rule").objects.filter(record_type="referral").delete()


class Migration(migrations.Migration):
    dependencies = [("retention", "0002_rules")]

    operations = [migrations.RunPython(seed, unseed)]
