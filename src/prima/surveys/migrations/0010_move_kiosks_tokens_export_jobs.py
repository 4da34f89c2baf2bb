"""KioskDevice, ResponseToken and ExportJob now belong to ``prima.collection``,
``prima.abuse`` and ``prima.transfers`` (ADR 0004). Their tables stay where they are: this
migration only takes the models out of this app's state, after the new apps took them in,
and points ``Response.device`` at the kiosk model's new home (the same table and column)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0009_clean_unstorable_text"),
        ("collection", "0001_initial"),
        ("abuse", "0001_initial"),
        ("transfers", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="response",
                    name="device",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="responses",
                        to="collection.kioskdevice",
                    ),
                ),
                migrations.DeleteModel(name="KioskDevice"),
                migrations.DeleteModel(name="ResponseToken"),
                migrations.DeleteModel(name="ExportJob"),
            ],
            database_operations=[],
        )
    ]
