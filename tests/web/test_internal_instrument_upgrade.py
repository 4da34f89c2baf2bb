"""Migration surveys 0014: the built-in employee instrument gains eNPS as a new version, so a
survey already running on version 1 keeps its meaning (issue 12)."""

from __future__ import annotations

import copy
import importlib
import json
from importlib import resources

import pytest
from django.apps import apps

from prima.surveys.models import Instrument

upgrade = importlib.import_module("prima.surveys.migrations.0014_internal_instrument_enps")


def _file() -> dict:
    text = resources.files("prima.instruments.builtin").joinpath("internal.json").read_text("utf-8")
    return json.loads(text)


@pytest.mark.django_db
def test_a_new_database_holds_the_file_once() -> None:
    internal = Instrument.objects.get(organization=None, key="internal")
    assert [v.number for v in internal.versions.all()] == [1]
    assert internal.latest().definition == _file()
    assert [i.id for i in internal.latest().parsed.once_items] == ["enps"]


@pytest.mark.django_db
def test_a_database_with_version_1_gets_version_2_once() -> None:
    internal = Instrument.objects.get(organization=None, key="internal")
    old = copy.deepcopy(_file())
    old["version"] = 1
    old["items"] = [i for i in old["items"] if not i.get("once")]
    internal.versions.update(definition=old)
    upgrade.install(apps, None)
    upgrade.install(apps, None)  # idempotent
    versions = list(internal.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].definition == old  # the running surveys' version is untouched
    assert versions[1].definition == _file()
