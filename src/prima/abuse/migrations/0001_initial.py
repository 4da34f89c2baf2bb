"""ResponseToken moves here from ``prima.surveys`` (ADR 0004): the model enters this app's
state on its old table ``surveys_responsetoken``; the database is not touched, apart from its
content type, which is relabelled so that admin history and permissions follow the model."""

import django.db.models.deletion
from django.db import migrations, models


def relabel(old: str, new: str):
    def run(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        if not content_types.filter(app_label=new, model="responsetoken").exists():
            content_types.filter(app_label=old, model="responsetoken").update(app_label=new)

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
                    name="ResponseToken",
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
                        ("code", models.CharField(max_length=16, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "response",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="token",
                                to="surveys.response",
                            ),
                        ),
                        (
                            "survey",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="tokens",
                                to="surveys.survey",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="organizations.unit",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "token tanggapan",
                        "verbose_name_plural": "token tanggapan",
                        "db_table": "surveys_responsetoken",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel("surveys", "abuse"), relabel("abuse", "surveys")),
    ]
