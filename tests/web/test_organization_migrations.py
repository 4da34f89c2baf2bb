"""Upgrades of ``prima.organizations`` while the old release still runs: a row written by code
that predates a column must be storable in the migrated table (migration 0005 gives
``Organization.time_zone`` a database default, the empty zone = the installation's)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from prima.organizations.models import Organization


def _model_before_time_zone():
    """``Organization`` as the code before migration 0002 knew it (no ``time_zone``)."""
    state = MigrationLoader(connection).project_state(("organizations", "0001_initial"))
    model = state.apps.get_model("organizations", "Organization")
    assert "time_zone" not in {f.name for f in model._meta.get_fields()}
    return model


@pytest.mark.django_db
def test_an_organization_written_by_the_old_release_after_migrating_gets_the_empty_zone() -> None:
    old = _model_before_time_zone().objects.create(
        name="Dinas Lama", slug="dinas-lama", kind="government"
    )
    stored = Organization.objects.get(pk=old.pk)
    assert stored.time_zone == ""
    assert stored.zone_name == settings.TIME_ZONE


@pytest.mark.django_db
def test_new_code_still_writes_the_empty_zone_in_python() -> None:
    org = Organization(name="Dinas Baru", slug="dinas-baru", kind="government")
    # a plain value, not a database expression, before and after saving
    assert org.time_zone == ""
    org.save()
    assert org.time_zone == ""
    assert org.zone_name == settings.TIME_ZONE
    org.time_zone = "Asia/Makassar"
    org.save()
    assert Organization.objects.get(pk=org.pk).zone_name == "Asia/Makassar"
