"""The dashboard's charts and numbers in the page's locale: the Vega-Lite specs carry Vega's
number and time locale, and the SVG that Vega draws from them (``vl_convert``, offline) prints
its tick labels as the tables do; the IPA labels never overlap; numbers and periods in id/en."""

from __future__ import annotations

import re
from datetime import date
from itertools import combinations

import pytest
import vl_convert
from django.template import Context, Template
from django.utils import translation

from prima import formats
from prima.dashboard import charts
from prima.label_placement import IPA_SIZE, corner_boxes, overlaps, place_labels
from prima.metrics.ipa import quadrant_name


def tick_labels(spec: dict) -> list[str]:
    svg = vl_convert.vegalite_to_svg(spec)
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def trend_spec(lang: str) -> dict:
    with translation.override(lang):
        rows = [
            {
                "periode": formats.period_label(f"2025-{m:02d}", lang),
                "value": 1000 + 250.5 * m,
                "ci_low": 900 + 250.5 * m,
                "ci_high": 1100 + 250.5 * m,
                "n": 1200 * m,
                "small": charts.small_flags()[1],
            }
            for m in (7, 8, 9)
        ]
        return charts.interval_chart(
            rows,
            category="periode",
            category_title="Periode",
            value_title="Nilai",
            line=True,
            title="Tren",
        )


@pytest.mark.parametrize(
    ("lang", "number", "thousands", "month"),
    [("id", ",", ".", "Agu\u00a02025"), ("en", ".", ",", "Aug\u00a02025")],
)
def test_specs_carry_the_page_number_locale_and_the_svg_prints_it(lang, number, thousands, month):
    spec = trend_spec(lang)
    locale = spec["config"]["locale"]
    assert locale["number"]["decimal"] == number
    assert locale["number"]["thousands"] == thousands
    assert locale["number"]["grouping"] == [3]
    months = {"id": "Agustus", "en": "August"}[lang]
    assert months in locale["time"]["months"]
    assert spec["config"]["axis"]["labelFontSize"] >= 11
    labels = tick_labels(spec)
    assert month in [label.replace("&#160;", "\u00a0") for label in labels]
    # the value axis from about 2.650 to 3.400: grouped thousands in the page's convention
    values = [t for t in labels if re.fullmatch(r"[0-9][0-9.,]*", t)]
    assert values
    grouped = [t for t in values if len(t) > 3]
    assert grouped
    assert all(t[1] == thousands for t in grouped), values


@pytest.mark.parametrize(("lang", "expected"), [("id", "2,5"), ("en", "2.5")])
def test_decimal_ticks_use_the_decimal_mark_of_the_page(lang, expected):
    with translation.override(lang):
        spec = charts.bar_chart(
            [{"unsur": "U1", "value": 3.2, "n": 10}, {"unsur": "U2", "value": 2.7, "n": 10}],
            category="unsur",
            category_title="Unsur",
            value_title="NRR",
            domain=[1, 4],
        )
    labels = tick_labels(spec)
    assert expected in labels
    wrong = {"id": "2.5", "en": "2,5"}[lang]
    assert wrong not in labels


def clustered_rows(count: int = 24) -> list[dict]:
    """Items in a tight cloud, as A6 surveys give them."""
    return [
        {
            "item": f"A{i // 4 + 1}.{i % 4 + 1}",
            "kinerja": 3.6 + (i * 7 % 11) / 40,
            "harapan": 4.1 + (i * 5 % 9) / 40,
            "kesesuaian": 80 + i,
            "quadrant": "A" if i % 3 == 0 else "B",
            "kuadran": "",
        }
        for i in range(count)
    ]


def test_ipa_labels_never_overlap_each_other_points_or_quadrant_names():
    rows = clustered_rows()
    names = {q: quadrant_name(q, "id") for q in "ABCD"}
    domain = charts.ipa_domain(rows, [3.8, 4.2], [1, 5])
    placed = place_labels(rows, domain, names=names)
    assert 0 < len(placed) < len(rows)  # a crowded cloud: some labels, not all
    boxes = [p["box"] for p in placed]
    for a, b in combinations(boxes, 2):
        assert not overlaps(a, b)
    for box in boxes:
        assert min(box[0], box[1]) >= 0
        assert max(box[2], box[3]) <= IPA_SIZE
        assert not any(overlaps(box, corner) for corner in corner_boxes(names))
    # the most urgent (quadrant A, lowest conformity) first
    assert placed[0]["quadrant"] == "A"
    # well spread points all get their label
    spread = [
        {"item": f"X{i}", "kinerja": 1.5 + i, "harapan": 1.5 + i, "quadrant": "B"} for i in range(4)
    ]
    assert len(place_labels(spread, [1.0, 5.0], names=names)) == 4


def test_the_ipa_spec_draws_only_the_placed_labels_and_the_quadrant_names():
    rows = clustered_rows()
    with translation.override("id"):
        spec = charts.ipa_chart(
            rows,
            x_axis=3.8,
            y_axis=4.2,
            scale=[1, 5],
            quadrant_names={q: quadrant_name(q, "id") for q in "ABCD"},
        )
    data = spec["datasets"]
    labelled = {r["item"] for r in data["labels_right"] + data["labels_left"]}
    assert labelled < {r["item"] for r in rows}
    svg_texts = [t.replace("&#160;", " ") for t in tick_labels(spec)]
    for name in ("Prioritas Utama", "Pertahankan Prestasi", "Prioritas Rendah", "Berlebihan"):
        assert name in svg_texts
    drawn_items = {t for t in svg_texts if re.fullmatch(r"A\d\.\d", t)}
    assert drawn_items == labelled


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("id", "2.311 · 1.234,57 · -0,45 · +1,25 · Jul\u00a02026 · Triwulan\u00a0III\u00a02026"),
        ("en", "2,311 · 1,234.57 · -0.45 · +1.25 · Jul\u00a02026 · Q3\u00a02026"),
    ],
)
def test_template_filters_follow_the_active_language(lang, expected):
    template = Template(
        "{% load prima_format %}{{ n|count }} · {{ x|num:2 }} · {{ y|id_num }} · "
        "{{ d|signed:2 }} · {{ m|period_label }} · {{ q|period_label }}"
    )
    context = Context({"n": 2311, "x": 1234.565, "y": -0.4498, "d": 1.25, "m": "2026-07"})
    context["q"] = "2026-Q3"
    with translation.override(lang):
        assert template.render(context) == expected


def test_numbers_round_half_up_and_never_print_minus_zero():
    assert formats.number(3.385, 2, "id") == "3,39"
    assert formats.number(2.675, 2, "en") == "2.68"
    assert formats.number(-0.0004, 2, "id") == "0,00"
    assert formats.number(1234567.891, 1, "id") == "1.234.567,9"
    assert formats.number(None, 2, "id") == "-"
    assert formats.month_label(date(2026, 8, 1), "id") == "Agu\u00a02026"
    assert formats.period_label("2026-S2", "en") == "Semester\u00a0II\u00a02026"
    assert formats.period_label("2026-01-15..2026-08-31", "id") == (
        "15\u00a0Jan\u00a02026 – 31\u00a0Agu\u00a02026"
    )
    assert formats.period_label("kemarin", "id") == "kemarin"
