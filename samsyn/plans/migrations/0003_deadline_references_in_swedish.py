"""The deadline rules' references are shown to Swedish users next to each step: say them in
Swedish, as the law they cite is."""

from django.db import migrations

REFERENCES = {
    "first_contact": "SoL (2025:400) 10 kap. 8 § (\u201dgenast\u201d); regional inställning",
    "first_meeting": "Överenskommelse om SIP, Region Örebro län (regionalt mål)",
}


def forwards(apps, schema_editor):
    DeadlineRule = apps.get_model("plans", "DeadlineRule")
    for code, reference in REFERENCES.items():
        DeadlineRule.objects.filter(code=code).update(reference=reference)


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_deadline_rules")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
