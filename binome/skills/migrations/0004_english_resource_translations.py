from django.db import migrations, models


class Migration(migrations.Migration):
    """Resources get an English title and description, next to the French."""

    dependencies = [
        ("skills", "0003_resources"),
    ]

    operations = [
        migrations.RenameField(
            model_name="resource", old_name="title", new_name="title_fr"
        ),
        migrations.RenameField(
            model_name="resource", old_name="description", new_name="description_fr"
        ),
        migrations.AlterField(
            model_name="resource",
            name="title_fr",
            field=models.CharField(max_length=200, verbose_name="title (French)"),
        ),
        migrations.AlterField(
            model_name="resource",
            name="description_fr",
            field=models.TextField(blank=True, verbose_name="description (French)"),
        ),
        migrations.AddField(
            model_name="resource",
            name="title_en",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="title (English)"
            ),
        ),
        migrations.AddField(
            model_name="resource",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description (English)"),
        ),
        migrations.AlterField(
            model_name="resource",
            name="language",
            field=models.CharField(
                choices=[("fr", "French"), ("en", "English")],
                default="fr",
                max_length=5,
                verbose_name="language of the content",
            ),
        ),
        migrations.AlterModelOptions(
            name="resource",
            options={
                "ordering": ["title_fr"],
                "verbose_name": "learning resource",
                "verbose_name_plural": "learning resources",
            },
        ),
    ]
