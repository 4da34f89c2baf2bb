"""KioskDevice moves here from ``prima.surveys`` (ADR 0004): the model enters this app's state
on its old table ``surveys_kioskdevice``; the database is not touched, apart from its content
type, which is relabelled so that admin history and permissions follow the model."""

import django.db.models.deletion
from django.db import migrations, models


def relabel(old: str, new: str):
    def run(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        if not content_types.filter(app_label=new, model="kioskdevice").exists():
            content_types.filter(app_label=old, model="kioskdevice").update(app_label=new)

    return run


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("organizations", "0001_initial"),
        ("surveys", "0009_clean_unstorable_text"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="KioskDevice",
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
                        ("name", models.CharField(max_length=100, verbose_name="nama perangkat")),
                        ("digest", models.CharField(editable=False, max_length=64, unique=True)),
                        (
                            "pairing_code",
                            models.CharField(
                                blank=True, editable=False, max_length=64, null=True, unique=True
                            ),
                        ),
                        (
                            "min_interval_seconds",
                            models.PositiveIntegerField(
                                default=15, verbose_name="jeda minimum antar kiriman (detik)"
                            ),
                        ),
                        (
                            "idle_reset_seconds",
                            models.PositiveIntegerField(
                                default=45, verbose_name="kembali ke awal setelah diam (detik)"
                            ),
                        ),
                        (
                            "ask_staff",
                            models.BooleanField(
                                default=True, verbose_name="tanyakan petugas yang melayani"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("last_seen_at", models.DateTimeField(blank=True, null=True)),
                        ("last_answered_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="kiosks",
                                to="organizations.organization",
                            ),
                        ),
                        (
                            "survey",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="kiosks",
                                to="surveys.survey",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="kiosks",
                                to="organizations.unit",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "perangkat kios",
                        "verbose_name_plural": "perangkat kios",
                        "db_table": "surveys_kioskdevice",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel("surveys", "collection"), relabel("collection", "surveys")),
    ]
