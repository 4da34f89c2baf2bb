"""Unit choices show their path (issue 10): three "Apotek" in three Puskesmas are told apart in
the kiosk device form and every other /manage/ form with a unit."""

from __future__ import annotations

import re

import pytest

from prima.organizations import services as org
from prima.organizations.unit_labels import path_label, path_labels
from tests.web.personas import World

pytestmark = pytest.mark.django_db


def _apotek(world: World) -> list:
    return [
        org.unit_create(organization=world.alpha, name="Apotek", parent=parent, code=f"APT{i}")
        for i, parent in enumerate((world.upt1, world.upt2))
    ]


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={name}>"
    return [re.sub(r"\s+", " ", o).strip() for o in re.findall(r">([^<]*)</option>", select[1])]


def test_a_label_names_the_path_below_the_organizations_only_top_unit(world: World) -> None:
    first, second = _apotek(world)
    labels = path_labels([world.dinas, world.upt1, world.loket1, first, second, world.bank_unit])
    assert labels[world.dinas.pk] == "Dinas Alpha Pusat"
    assert labels[world.upt1.pk] == "UPT Alpha Satu"
    assert labels[world.loket1.pk] == "UPT Alpha Satu › Loket Satu"
    assert labels[first.pk] == "UPT Alpha Satu › Apotek"
    assert labels[second.pk] == "UPT Alpha Dua › Apotek"
    assert labels[world.bank_unit.pk] == "Cabang Beta"
    assert first.path_label() == path_label(first) == "UPT Alpha Satu › Apotek"


def test_with_several_top_units_the_top_is_kept(world: World) -> None:
    other = org.unit_create(organization=world.alpha, name="Dinas Alpha Timur", code="DT")
    counter = org.unit_create(organization=world.alpha, name="Apotek", parent=other, code="AT")
    assert path_label(counter) == "Dinas Alpha Timur › Apotek"
    assert path_label(world.loket1) == "Dinas Alpha Pusat › UPT Alpha Satu › Loket Satu"


def test_kiosk_device_form_lists_each_apotek_with_its_puskesmas(world: World) -> None:
    _apotek(world)
    html = world.client("alice").get("/manage/collection/kioskdevice/add/").content.decode()
    options = _options(html, "unit")
    assert "UPT Alpha Satu › Apotek" in options
    assert "UPT Alpha Dua › Apotek" in options
    assert "Apotek" not in options  # never a bare, ambiguous name
    assert "Cabang Beta" not in options  # another tenant's unit is still no choice


def test_other_manage_forms_with_a_unit_show_the_path(world: World) -> None:
    _apotek(world)
    alice = world.client("alice")
    for url, name in (
        ("/manage/organizations/service/add/", "unit"),
        ("/manage/organizations/staffmember/add/", "unit"),
        ("/manage/organizations/unit/add/", "parent"),
    ):
        response = alice.get(url)
        assert response.status_code == 200, url
        options = _options(response.content.decode(), name)
        assert "UPT Alpha Dua › Apotek" in options, url


def test_dashboard_unit_filter_shows_the_path(world: World) -> None:
    _apotek(world)
    html = world.client("alice").get(f"/app/surveys/{world.skm.code}/").content.decode()
    options = _options(html, "unit")
    assert "UPT Alpha Satu › Loket Satu" in options
    assert "UPT Alpha Dua › Apotek" in options
