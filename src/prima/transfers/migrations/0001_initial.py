"""ExportJob moves here from ``prima.surveys`` (ADR 0004): the model enters this app's state on
its old table ``surveys_exportjob``; the database is not touched, apart from its content type,
which is relabelled so that admin history and permissions follow the model."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def relabel(old: str, new: str):
    def run(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        if not content_types.filter(app_label=new, model="exportjob").exists():
            content_types.filter(app_label=old, model="exportjob").update(app_label=new)

    return run


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("organizations", "0001_initial"),
        ("surveys", "0009_clean_unstorable_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ExportJob",
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
                        (
                            "kind",
                            models.CharField(
                                choices=[("responses", "Tanggapan"), ("skm_report", "Laporan SKM")],
                                default="responses",
                                max_length=16,
                                verbose_name="jenis",
                            ),
                        ),
                        (
                            "period",
                            models.CharField(blank=True, max_length=40, verbose_name="periode"),
                        ),
                        (
                            "format",
                            models.CharField(
                                choices=[("csv", "CSV"), ("xlsx", "XLSX (Excel)")],
                                default="csv",
                                max_length=4,
                                verbose_name="format",
                            ),
                        ),
                        ("scope_paths", models.JSONField(blank=True, default=list)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Menunggu giliran"),
                                    ("running", "Sedang berjalan"),
                                    ("done", "Selesai"),
                                    ("failed", "Gagal"),
                                ],
                                default="queued",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("rows_done", models.PositiveBigIntegerField(default=0)),
                        ("rows_total", models.PositiveBigIntegerField(blank=True, null=True)),
                        ("last_response_id", models.BigIntegerField(blank=True, null=True)),
                        ("sheets", models.PositiveIntegerField(default=0)),
                        ("file_name", models.CharField(blank=True, max_length=200)),
                        ("file_size", models.PositiveBigIntegerField(blank=True, null=True)),
                        ("error", models.TextField(blank=True)),
                        ("task_id", models.CharField(blank=True, max_length=64)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="export_jobs",
                                to="organizations.organization",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="export_jobs",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "survey",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="exports",
                                to="surveys.survey",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="export_jobs",
                                to="organizations.unit",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "ekspor tanggapan",
                        "verbose_name_plural": "ekspor tanggapan",
                        "ordering": ["-created_at", "-id"],
                        "db_table": "surveys_exportjob",
                        "indexes": [
                            models.Index(fields=["survey", "-created_at"], name="export_job_survey")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel("surveys", "transfers"), relabel("transfers", "surveys")),
    ]
