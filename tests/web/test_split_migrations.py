"""The split of ``prima.surveys`` by capability (docs/decisions/0004-surveys-split.md) keeps
every row: a database at the last migration of the old layout, with rows in every table whose
model moved, migrates forward, and the same rows are there through the new apps' models."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from prima.abuse.models import ResponseToken
from prima.collection.models import KioskDevice
from prima.surveys.models import Response
from prima.transfers.models import ExportJob

# the leaf of prima.surveys before the split; the new apps did not exist
OLD_LAYOUT = [
    ("surveys", "0009_clean_unstorable_text"),
    ("collection", None),
    ("abuse", None),
    ("transfers", None),
]
MOVED = {"kioskdevice": "collection", "responsetoken": "abuse", "exportjob": "transfers"}


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_rows_of_moved_models_survive_the_migration_from_the_old_layout() -> None:
    executor = _migrate(OLD_LAYOUT)
    old = executor.loader.project_state(OLD_LAYOUT[:1]).apps
    # the old layout's models, as main's migrations left them
    assert {m._meta.model_name for m in old.get_app_config("surveys").get_models()} >= set(MOVED)
    with pytest.raises(LookupError):
        old.get_app_config("collection")
    # going back gave the content types their old label again (the admin's history follows)
    old_types = {
        model: ContentType.objects.get(app_label="surveys", model=model).pk for model in MOVED
    }

    org = old.get_model("organizations", "Organization").objects.create(
        name="Dinas Lama", slug="dinas-lama", kind="government"
    )
    unit = old.get_model("organizations", "Unit").objects.create(
        organization=org, name="UPT Lama", path="000001."
    )
    user = old.get_model("auth", "User").objects.create(username="lama")
    instrument = old.get_model("surveys", "Instrument").objects.create(
        organization=org, key="lama", title="Instrumen Lama"
    )
    version = instrument.versions.create(number=1, definition={"name": "lama"})
    survey = old.get_model("surveys", "Survey").objects.create(
        organization=org, code="lama2345", title="Survei Lama", instrument_version=version
    )
    survey.units.add(unit)
    device = old.get_model("surveys", "KioskDevice").objects.create(
        organization=org, survey=survey, unit=unit, name="Tablet Lama", digest="d" * 64
    )
    response = old.get_model("surveys", "Response").objects.create(
        organization=org,
        survey=survey,
        instrument_version=version,
        unit=unit,
        channel="kiosk",
        submission_id=uuid.uuid4(),
        answers={"U1": 4},
        device=device,
    )
    token = old.get_model("surveys", "ResponseToken").objects.create(
        survey=survey, unit=unit, code="tokenlama2", response=response
    )
    job = old.get_model("surveys", "ExportJob").objects.create(
        organization=org, survey=survey, requested_by=user, format="xlsx", rows_total=1
    )
    queued = DBTaskResult.objects.create(
        task_path="prima.transfers.tasks.export_job_task",
        args_kwargs={"args": [job.pk], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )

    _migrate(executor.loader.graph.leaf_nodes())

    kiosk = KioskDevice.objects.get(pk=device.pk)
    assert (kiosk.name, kiosk.survey_id, kiosk.unit_id) == ("Tablet Lama", survey.pk, unit.pk)
    stored = Response.objects.get(pk=response.pk)
    assert stored.device == kiosk
    assert list(kiosk.responses.all()) == [stored]
    ticket = ResponseToken.objects.get(pk=token.pk)
    assert (ticket.code, ticket.response, stored.token) == ("tokenlama2", stored, ticket)
    export = ExportJob.objects.get(pk=job.pk)
    assert (export.survey_id, export.requested_by_id, export.format) == (survey.pk, user.pk, "xlsx")
    assert ExportJob.objects.filter(survey_id=survey.pk).count() == 1
    # the tables are the old ones: nothing was copied
    assert KioskDevice._meta.db_table == "surveys_kioskdevice"
    assert ResponseToken._meta.db_table == "surveys_responsetoken"
    assert ExportJob._meta.db_table == "surveys_exportjob"
    # the content types moved with the models (same rows, new labels); nothing left behind
    for model, app in MOVED.items():
        assert ContentType.objects.get(app_label=app, model=model).pk == old_types[model]
        assert not ContentType.objects.filter(app_label="surveys", model=model).exists()
    # an export queued before the upgrade names the task at its new place
    queued.refresh_from_db()
    assert queued.task_path == "prima.transfers.tasks.export_job_task"
