"""RAD-2: an effort records when it was agreed and when it started, so waiting is data.

Efforts already in plans get neither date: whether and when they started was never recorded,
and a guess would put every old effort on the radar as waiting."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0003_organisation_search_generated'),
        ('plans', '0007_one_open_sip_per_child'),
    ]

    operations = [
        migrations.AddField(
            model_name='planitem',
            name='agreed_on',
            field=models.DateField(blank=True, null=True, verbose_name='agreed on'),
        ),
        migrations.AddField(
            model_name='planitem',
            name='started_on',
            field=models.DateField(blank=True, null=True, verbose_name='started on'),
        ),
        migrations.AddIndex(
            model_name='planitem',
            index=models.Index(condition=models.Q(('agreed_on__isnull', False), ('kind', 'effort'), ('started_on__isnull', True)), fields=['agreed_on'], name='plan_item_waiting'),
        ),
        migrations.AddConstraint(
            model_name='planitem',
            constraint=models.CheckConstraint(condition=models.Q(('started_on__isnull', True), models.Q(('agreed_on__isnull', False), ('started_on__gte', models.F('agreed_on'))), _connector='OR'), name='plan_item_started_after_agreed'),
        ),
    ]
