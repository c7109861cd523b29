"""Seed the legal bases for disclosure between organisations (DOMAIN SEK-1).

Consent (OSL 12 kap. 2 §) is not among them: it is per person and lives in `consent.Consent`.
The values are literals, not imports from the models, so this migration reads the same in
every future version of the code. Codes are stable: the demo and later data refer to them.
"""

from django.db import migrations

HEALTH = ["bup", "bvc", "habilitering", "bum", "primarvard"]
# OSL 26 kap. covers social services including LSS; Barnahus is run by social services.
SOCIAL = ["socialtjanst", "lss", "barnahus"]
ALL_CATEGORIES = ["basic", "contact", "social", "health", "school", "police", "plan"]

LEGAL_BASES = [
    {
        "code": "osl-10-28",
        "reference": "OSL 10 kap. 28 §",
        "title": "Uppgiftsskyldighet som följer av lag eller förordning",
        "from_kinds": [],
        "to_kinds": [],
        "categories": ALL_CATEGORIES,
        "purposes": ["investigation", "planning", "treatment", "support", "follow_up"],
        "authorities_only": True,
        "max_age": None,
    },
    {
        "code": "osl-25-12",
        "reference": "OSL 25 kap. 12 §",
        "title": (
            "Från hälso- och sjukvården till annan myndighet inom hälso- och sjukvården eller "
            "socialtjänsten: uppgift om någon under 18 år som behövs för en nödvändig insats"
        ),
        "from_kinds": HEALTH,
        "to_kinds": HEALTH + SOCIAL,
        "categories": ["basic", "contact", "health"],
        "purposes": ["investigation", "planning", "treatment"],
        "authorities_only": True,
        "max_age": 18,
    },
    {
        "code": "osl-26-9",
        "reference": "OSL 26 kap. 9 §",
        "title": (
            "Från socialtjänsten till annan myndighet inom socialtjänsten eller hälso- och "
            "sjukvården: uppgift om någon under 18 år som behövs för en nödvändig insats"
        ),
        "from_kinds": SOCIAL,
        "to_kinds": SOCIAL + HEALTH,
        "categories": ["basic", "contact", "social"],
        "purposes": ["investigation", "planning", "treatment"],
        "authorities_only": True,
        "max_age": 18,
    },
    {
        "code": "osl-10-21",
        "reference": "OSL 10 kap. 21 §",
        "title": (
            "Misstanke om brott enligt 3, 4 eller 6 kap. brottsbalken mot någon under 18 år: "
            "till Polismyndigheten eller åklagare (får lämnas, ingen skyldighet)"
        ),
        "from_kinds": [],
        "to_kinds": ["polis"],
        "categories": ["basic", "contact", "social", "health", "school"],
        "purposes": ["investigation"],
        "authorities_only": True,
        "max_age": 18,
    },
    {
        "code": "osl-10-23",
        "reference": "OSL 10 kap. 23 §",
        "title": (
            "Misstanke om brott med lägst ett års fängelse i straffskalan (eller försök till "
            "brott med lägst två år): till Polismyndigheten eller åklagare"
        ),
        "from_kinds": [],
        "to_kinds": ["polis"],
        "categories": ["basic", "contact", "social", "health", "school"],
        "purposes": ["investigation"],
        "authorities_only": True,
        "max_age": None,
    },
    {
        "code": "osl-26-9a",
        "reference": "OSL 26 kap. 9 a §",
        "title": (
            "Återkoppling till den som gjort en orosanmälan: att utredning har inletts, inte "
            "inletts eller redan pågår"
        ),
        "from_kinds": ["socialtjanst"],
        "to_kinds": [],
        "categories": ["basic"],
        "purposes": ["follow_up"],
        # Professional reporters include private providers (SoL 2025:400 19 kap. 1 §).
        "authorities_only": False,
        "max_age": None,
    },
]


def seed(apps, schema_editor):
    LegalBasis = apps.get_model("access", "LegalBasis")
    for basis in LEGAL_BASES:
        values = {key: value for key, value in basis.items() if key != "code"}
        LegalBasis.objects.update_or_create(code=basis["code"], defaults=values)


def unseed(apps, schema_editor):
    LegalBasis = apps.get_model("access", "LegalBasis")
    LegalBasis.objects.filter(code__in=[basis["code"] for basis in LEGAL_BASES]).delete()


class Migration(migrations.Migration):
    dependencies = [("access", "0002_initial")]

    operations = [migrations.RunPython(seed, unseed)]
