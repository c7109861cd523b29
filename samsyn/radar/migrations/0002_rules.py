"""The radar's rules as data (DOMAIN RAD-1…RAD-8): names and descriptions in Swedish and English,
the threshold a region may change, and the reference each rests on."""

from django.db import migrations

SIP = "SoL (2025:400) 10 kap. 8 §; HSL (2017:30) 16 kap. 4 §"
RULES = [
    ("RAD-1", 30,
     "Behov eller insats utan ansvarig",
     "Need or effort without an owner",
     "I den fastställda planen finns en insats som ingen verksamhet ansvarar för, eller ett "
     "behov som ingen insats möter, fler dagar än tröskeln efter att planen fastställdes.",
     "The plan in force has an effort no organisation is responsible for, or a need no effort "
     "meets, for more days than the threshold after the plan was finalised.",
     SIP),
    ("RAD-2", 90,
     "Väntar på en insats",
     "Waiting for an effort",
     "En överenskommen insats har inte påbörjats fler dagar än tröskeln efter "
     "överenskommelsen (fallet i underlaget: 1,5 år till behandling).",
     "An agreed effort has not started more days than the threshold after it was agreed (the "
     "seed's case: 1.5 years for treatment).",
     SIP),
    ("RAD-3", 7,
     "Överlämnat men inte mottaget",
     "Handed on, not accepted",
     "Samordningsansvaret har erbjudits vidare men varken tagits emot eller avböjts inom "
     "tröskeln: ärendet har ingen som tagit emot stafetten.",
     "The coordinator role was offered on but neither accepted nor declined within the "
     "threshold: the case has no accepting holder.",
     "Stafettloggen (BTI); " + SIP),
    ("RAD-4", 0,
     "Samordnare saknas",
     "Coordinator role empty",
     "En SIP saknar samordnare, eller samordnaren arbetar inte längre i den samordnande "
     "verksamheten.",
     "A SIP has no coordinator, or the coordinator no longer works in the coordinating "
     "organisation.",
     SIP),
    ("RAD-5", 0,
     "Utskrivning utan planerad SIP eller med kort varsel",
     "Discharge without a planned SIP or with short notice",
     "Ett barn skrivs ut med kortare varsel än överenskommelsen säger, eller är utskrivningsklart "
     "utan att ett SIP-möte kallats inom de överenskomna dagarna.",
     "A child is discharged with less notice than the agreement says, or is ready for "
     "discharge with no SIP meeting called within the agreed days.",
     "Lag (2017:612) 2 kap. 4 §, 4 kap. 1, 3 §§"),
    ("RAD-6", 0,
     "Orosanmälan inte hanterad i tid",
     "Report of concern not handled on time",
     "En orosanmälan saknar skyddsbedömning, förhandsbedömning eller återkoppling i tid, eller "
     "en utredning har passerat sina fyra månader.",
     "A report of concern lacks its protection assessment, initial assessment or feedback on "
     "time, or an investigation has passed its four months.",
     "SoL (2025:400) 19 kap. 6 §, 20 kap. 1–3 §§"),
    ("RAD-7", 14,
     "SIP efter sin uppföljning eller aldrig påbörjad",
     "SIP past its follow-up or never started",
     "En SIP har passerat sitt uppföljningsdatum, eller föreslogs och har efter tröskeln "
     "fortfarande inget samtycke eller inget hållet möte.",
     "A SIP is past its follow-up date, or was proposed and after the threshold still has no "
     "consent or no meeting held.",
     SIP),
    ("RAD-8", 0,
     "Remiss avvisad utan nästa steg",
     "Referral declined with no next step",
     "En verksamhet har avböjt en remiss utan att något nästa steg kommits överens om: barnet "
     "studsar mellan verksamheterna.",
     "An organisation declined a referral with no agreed next step: the child bounces between "
     "organisations.",
     SIP),
]


def add_rules(apps, schema_editor):
    Rule = apps.get_model("radar", "Rule")
    for code, days, name_sv, name_en, description_sv, description_en, reference in RULES:
        Rule.objects.update_or_create(
            code=code,
            defaults={
                "threshold_days": days, "name_sv": name_sv, "name_en": name_en,
                "description_sv": description_sv, "description_en": description_en,
                "reference": reference,
            },
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("radar", "0001_initial")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
