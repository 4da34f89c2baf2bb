"""Background export tasks queued before the move (ADR 0004) named the task by its old module
path; they now name ``prima.transfers.tasks.export_job_task``, so a worker started after the
upgrade still runs them."""

from django.db import migrations

OLD = "prima.surveys.tasks.export_job_task"
NEW = "prima.transfers.tasks.export_job_task"


def rename(old: str, new: str):
    def run(apps, schema_editor):
        results = apps.get_model("django_tasks_database", "DBTaskResult")
        results.objects.using(schema_editor.connection.alias).filter(task_path=old).update(
            task_path=new
        )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("django_tasks_database", "0001_initial"),
        ("transfers", "0001_initial"),
    ]

    operations = [migrations.RunPython(rename(OLD, NEW), rename(NEW, OLD))]
