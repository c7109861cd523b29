import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):
    # A column cannot become generated in place: drop it (and its index) and add it back.
    dependencies = [("directory", "0002_organisation_kind_administration")]

    operations = [
        migrations.RemoveIndex(model_name="organisation", name="directory_o_search_ae4f0b_gin"),
        migrations.RemoveField(model_name="organisation", name="search"),
        migrations.AddField(
            model_name="organisation",
            name="search",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        "name", config="swedish", weight="A"
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        "mandate", "competence", config="swedish", weight="B"
                    ),
                    django.contrib.postgres.search.SearchConfig("swedish"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search"], name="directory_o_search_ae4f0b_gin"
            ),
        ),
    ]
