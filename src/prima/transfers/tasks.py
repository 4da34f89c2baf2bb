"""Background tasks of import and export (django-tasks; run by ``prima db_worker``, which
``prima serve`` and ``prima demo`` start beside the web server)."""

from __future__ import annotations

from django_tasks import task

from prima.transfers.export_jobs import export_job_run


@task()
def export_job_task(job_id: int) -> int:
    """Write the file of export job ``job_id``; returns the rows written."""
    return export_job_run(job_id)
