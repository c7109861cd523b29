"""Retention rules as data (DOMAIN RET-1), one per record type, with the law they rest on. None
is enforced: every rule runs dry until an administrator has read a dry run and enforces it."""

from django.db import migrations

SAMPLE = [5, 15, 25]
SOL_FILE = "SoL (2025:400) 16 kap. 1 §"
SAMPLE_NOTE = "forskningsurval: personer födda den 5, 15 och 25 bevaras"
UNTIL_30 = "SoL (2025:400) 16 kap. 2 a §: utredningens handlingar bevaras tills den unge fyllt 30 år"
PDL = "PDL (2008:355) 3 kap. 17 §: minst tio år efter sista uppgiften (ett minimum)"
NEVER = "SoL (2025:400) 16 kap. 2 §: gallras inte"

# record type, anchor, years, minimum years, done by the end of the following year, research
# sample, action, reference
RULES = [
    ("child", "last_entry", 5, 5, True, SAMPLE, "delete",
     f"{SOL_FILE}; gallras inte så länge andra uppgifter om personen finns kvar; {SAMPLE_NOTE}"),
    ("report", "last_entry", 5, 5, True, SAMPLE, "delete", f"{SOL_FILE}; {SAMPLE_NOTE}"),
    ("investigation", "birth", 30, 30, False, SAMPLE, "delete", f"{UNTIL_30}; {SAMPLE_NOTE}"),
    ("assessment", "birth", 30, 30, False, SAMPLE, "delete", f"{UNTIL_30}; {SAMPLE_NOTE}"),
    # The SIP is both health care's and social services' record: the longer period holds.
    ("sip", "last_entry", 10, 10, False, SAMPLE, "delete", f"{PDL}; {SOL_FILE}; {SAMPLE_NOTE}"),
    ("consultation", "last_entry", 5, 5, True, SAMPLE, "anonymise",
     f"{SOL_FILE}; anonymiseras: kopplingen till barnet tas bort; {SAMPLE_NOTE}"),
    ("admission", "last_entry", 10, 10, False, [], "delete", PDL),
    ("signal", "last_entry", 2, 0, False, [], "delete",
     "Dataskyddsförordningen art. 5.1 e (lagringsminimering): en arbetslista, ingen akt"),
    # Record types Samsyn does not hold yet: the rule is there before the first such record.
    ("placement", "never", 0, 0, False, [], "delete", NEVER + " (placering)"),
    ("adoption", "never", 0, 0, False, [], "delete", NEVER + " (adoption)"),
    ("paternity", "never", 0, 0, False, [], "delete", NEVER + " (faderskap)"),
]  # fmt: skip


def seed(apps, schema_editor):
    Rule = apps.get_model("retention", "Rule")
    for record_type, anchor, years, minimum, by_end, sample, action, reference in RULES:
        Rule.objects.update_or_create(
            record_type=record_type,
            defaults={
                "anchor": anchor, "years": years, "minimum_years": minimum,
                "by_end_of_next_year": by_end, "sample_days": sample, "action": action,
                "reference": reference, "enforced": False,
            },
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
