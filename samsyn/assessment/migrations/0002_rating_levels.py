"""The rating scale, held as data: four steps from "stora brister" to "inga brister"."""

from django.db import migrations

LEVELS = [
    (1, "Stora brister", "Serious shortcomings"),
    (2, "Vissa brister", "Some shortcomings"),
    (3, "Små brister", "Minor shortcomings"),
    (4, "Inga brister", "No shortcomings"),
]


def seed(apps, schema_editor):
    RatingLevel = apps.get_model("assessment", "RatingLevel")
    for value, label, label_en in LEVELS:
        RatingLevel.objects.update_or_create(
            value=value, defaults={"label": label, "label_en": label_en}
        )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
