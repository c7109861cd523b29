"""A first version finalised before a SIP meeting was held records why (DOMAIN SIP-10)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_party_unit_and_consent_setting_moved")]
    operations = [
        migrations.AddField(
            model_name="planversion",
            name="no_meeting_reason",
            field=models.TextField(
                blank=True,
                max_length=2000,
                verbose_name="why it was finalised without a held SIP meeting",
            ),
        ),
    ]
