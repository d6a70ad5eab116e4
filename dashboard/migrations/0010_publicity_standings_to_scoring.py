from django.db import migrations


class Migration(migrations.Migration):
    """The publicity standings now belong to scoring (scoring 0007 took over the table): only the
    dashboard's state of the model goes."""

    dependencies = [
        ("dashboard", "0009_unit_figures_rank_index_unused"),
        ("scoring", "0007_publicity_standings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PublicityStanding")],
        ),
    ]
