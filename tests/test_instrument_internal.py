"""The built-in internal-customer (employee) instrument and the instruments' audience (issue 12)."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from prima.instruments import builtin_names, load_instrument
from prima.instruments.model import InstrumentError, parse_instrument
from prima.instruments.questions import questions

# the internal customers' expectations and the internal quality factors of
# shared/domain/concept.md, in the order issue 12 lists them
FACTORS = [
    "kebersamaan",
    "prosedur",
    "kualitas_kerja",
    "hubungan_kerja",
    "imbalan",
    "pola_manajemen",
    "fasilitas_pendukung",
    "pengembangan_sdm",
    "iklim_kerja",
]


def test_the_internal_instrument_is_built_in_under_its_public_key():
    assert "internal" in builtin_names()
    inst = load_instrument("internal")
    assert inst.name == "internal"
    assert inst.kind == "paired"
    assert inst.audience == "internal"
    assert inst.scale == (1, 5)
    assert inst.title["id"].startswith("Survei Kepuasan Pegawai")


def test_every_factor_has_two_to_four_items_in_both_languages():
    inst = load_instrument("internal")
    dimensions = inst.dimensions()
    assert list(dimensions) == FACTORS
    assert all(2 <= len(items) <= 4 for items in dimensions.values())
    assert set(inst.dimension_texts) == set(FACTORS)
    assert all(t["id"] and t["en"] for t in inst.dimension_texts.values())
    codes = [i.code for i in inst.items]
    assert len(set(codes)) == len(codes)
    for item in inst.items:
        assert item.text["id"] != item.text["en"]
        assert item.text["id"].endswith(".")
        assert item.text["en"].endswith(".")
        assert sorted(item.options) == [1, 2, 3, 4, 5]
        assert item.options[5] == {"id": "Sangat setuju", "en": "Strongly agree"}
        assert re.fullmatch(r"[a-z_]+", item.code or "")


def test_it_asks_expectation_and_performance_for_each_item_then_enps_once():
    inst = load_instrument("internal")
    keys = [q.key for q in questions(inst)]
    assert len(keys) == 2 * len(inst.items) + 1
    assert keys[:2] == ["KB1.harapan", "KB1.kinerja"]
    assert keys[-1] == "enps"
    assert "enps" not in inst.item_ids  # no pair: gap, IPA and CSI read the 29 pairs alone
    (enps,) = inst.once_items
    assert (enps.scale, enps.dimension, sorted(enps.options)) == ((0, 10), None, list(range(11)))
    assert "merekomendasikan tempat kerja ini" in enps.text["id"]
    question = questions(inst)[-1]
    assert (question.side, question.min, question.max) == (None, 0, 10)


def test_an_item_asked_once_is_checked():
    pair = {"id": "A", "text": "a"}
    base = {"name": "x", "scale": [1, 5]}
    once = {"id": "e", "text": "e", "once": True, "scale": [0, 10]}
    parsed = parse_instrument({**base, "items": [pair, once]}, source="x")
    assert [i.id for i in parsed.items] == ["A"]
    assert [i.id for i in parsed.once_items] == ["e"]
    assert [q.key for q in questions(parsed)] == ["A.harapan", "A.kinerja", "e"]
    refused = [
        ({**once, "once": "yes"}, "paired", '"once" must be true or false'),
        (once, "quick", '"once" is for paired instruments'),
        ({**once, "dimension": "d"}, "paired", "belongs to no dimension"),
        ({**once, "id": "A.harapan"}, "paired", 'may not hold "."'),
    ]
    for item, kind, message in refused:
        definition = {**base, "kind": kind, "items": [pair, item]}
        with pytest.raises(InstrumentError, match=message):
            parse_instrument(definition, source="x")
    with pytest.raises(InstrumentError, match="at least one item not asked once"):
        parse_instrument({**base, "items": [once]}, source="x")


def test_the_customer_instruments_are_external():
    for name in builtin_names():
        expected = "internal" if name == "internal" else "external"
        assert load_instrument(name).audience == expected


def test_audience_is_checked():
    base = {"name": "x", "scale": [1, 5], "items": [{"id": "A", "text": "a"}]}
    assert parse_instrument(base, source="x").audience == "external"
    assert parse_instrument({**base, "audience": "internal"}, source="x").audience == "internal"
    with pytest.raises(InstrumentError, match='"audience" must be "external" or "internal"'):
        parse_instrument({**base, "audience": "employee"}, source="x")
    with pytest.raises(InstrumentError, match="audience"):
        parse_instrument({**base, "audience": ["internal"]}, source="x")


def test_the_file_is_what_the_loader_reads():
    text = resources.files("prima.instruments.builtin").joinpath("internal.json").read_text("utf-8")
    data = json.loads(text)
    assert data["audience"] == "internal"
    assert load_instrument("internal") == parse_instrument(data, source="internal")
