"""A paired instrument's item asked once (the employee survey's eNPS, issue 12) in the summary
vectors and the reports computed from them."""

from __future__ import annotations

import pytest

from prima import summaries
from prima.instruments import load_instrument
from prima.metrics.nps import nps_from_counts

pytestmark = pytest.mark.django_db  # profile_fields reads the survey profile settings


def _answers(enps: int | None, performance: int) -> dict[str, int]:
    inst = load_instrument("internal")
    out: dict[str, int] = {}
    for item in inst.items:
        out[f"{item.id}.harapan"] = 5
        out[f"{item.id}.kinerja"] = performance
    if enps is not None:
        out["enps"] = enps
    return out


def test_enps_is_a_method_of_the_internal_instrument_only():
    assert summaries.supported_methods(load_instrument("internal")) == ["gap", "ipa", "csi", "enps"]
    assert "enps" not in summaries.supported_methods(load_instrument("servqual"))


def test_enps_counts_promoters_passives_and_detractors_by_hand():
    layout = summaries.layout_for(load_instrument("internal"))
    # 10, 9, 9: promoters 3; 7: passive 1; 3: detractor 1; one employee skipped it
    answers = [_answers(v, 4) for v in (10, 9, 9, 7, 3, None)]
    vector = summaries.summarize(layout, answers)
    assert summaries.distributions(layout, vector)["enps"] == {
        **dict.fromkeys(range(11), 0),
        10: 1,
        9: 2,
        7: 1,
        3: 1,
    }
    report = summaries.reports(layout, vector)
    enps = report["enps"]
    assert (enps["n"], enps["nps"], enps["column"]) == (5, 40.0, "enps")  # 60% - 20%
    assert enps == {"method": "nps", "column": "enps", **nps_from_counts(3, 1, 1).as_dict()}
    # the pairs are untouched by the eNPS answers: every gap is 4 - 5 = -1 over six respondents
    assert report["gap"]["overall"]["n"] == 6
    assert report["gap"]["overall"]["gap"] == pytest.approx(-1.0)


def test_the_pairs_read_the_same_with_or_without_enps():
    layout = summaries.layout_for(load_instrument("internal"))
    with_enps = summaries.reports(layout, summaries.summarize(layout, [_answers(8, 3)] * 3))
    without = summaries.reports(layout, summaries.summarize(layout, [_answers(None, 3)] * 3))
    for method in ("gap", "ipa", "csi"):
        assert with_enps[method] == without[method]
    assert without["enps"]["n"] == 0
    assert without["enps"]["nps"] is None
