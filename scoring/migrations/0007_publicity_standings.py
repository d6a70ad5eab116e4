import django.db.models.deletion
from django.db import migrations, models


def content_type_to_scoring(apps, schema_editor):
    # Permissions refer to the model through its content type: relabelled, not created anew. A
    # database that never had the old layout has no row yet (post_migrate creates it).
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if (
        not ContentType.objects.using(db)
        .filter(app_label="scoring", model="publicitystanding")
        .exists()
    ):
        ContentType.objects.using(db).filter(
            app_label="dashboard", model="publicitystanding"
        ).update(app_label="scoring")


def content_type_to_dashboard(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="scoring", model="publicitystanding").update(
        app_label="dashboard"
    )


class Migration(migrations.Migration):
    """The publicity standings (R6.3) move from the dashboard to scoring, which ranks over them
    (the unit's publicity page): the model is taken over as it stands under its old table
    (dashboard 0008, whose state dashboard 0010 drops), then the table takes scoring's name."""

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("creation", "0012_list_order_indexes"),
        ("dashboard", "0009_unit_figures_rank_index_unused"),
        ("scoring", "0006_list_order_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PublicityStanding",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("rank_group", models.CharField(max_length=40, verbose_name="rank group")),
                        ("rank_text", models.CharField(max_length=64, verbose_name="rank key")),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="publicity_standings",
                                to="creation.creationunit",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "publicity standing",
                        "verbose_name_plural": "publicity standings",
                        "db_table": "dashboard_publicitystanding",
                        "indexes": [
                            models.Index(
                                fields=["rank_group", "rank_text"], name="publicitystanding_rank"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("unit", "rank_group"),
                                name="publicitystanding_one_per_group",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="publicitystanding", table=None),
        migrations.RunPython(content_type_to_scoring, content_type_to_dashboard),
    ]
