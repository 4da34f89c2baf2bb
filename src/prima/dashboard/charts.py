"""Charts of the dashboard as Vega-Lite specifications (made with altair), and the offline
Vega bundle that draws them in the browser.

Every function takes the rows its chart's data table shows (plain dicts of numbers and labels,
already computed by :func:`prima.insights.results.survey_results`) and returns a Vega-Lite spec
as a dict; the page embeds it as JSON and draws it with Vega-Embed from
``vl_convert.javascript_bundle()``, written once into the data folder's static assets (no CDN).
Charts fill their container's width (``"container"``), so they fit a phone and a wide screen;
the IPA diagram is a fixed square whose point labels are placed in Python
(:mod:`prima.label_placement`). Every spec carries the page's number locale and
legible type (:mod:`prima.chart_locale`). Specs are built without schema validation (``validate=False``): validation costs tens of
milliseconds a chart, and the specs are made only here, from fixed templates.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import altair as alt
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from prima import chart_locale
from prima.label_placement import IPA_SIZE, place_labels

HEIGHT = 280
BRAND = "#0b5394"
WARN = "#b00020"
MUTED = "#555555"

_bundle_ready: Path | None = None


def vega_bundle_name() -> str:
    """The bundle's static path; it names vl-convert's version, so an upgrade writes a new file."""
    import vl_convert

    return f"prima/vendor/vega-bundle-{vl_convert.__version__}.js"


def ensure_vega_bundle(directory: Path | None = None) -> Path:
    """Write the Vega, Vega-Lite and Vega-Embed bundle into the static assets once (about a
    second and 0.9 MB); later calls only check that it is there. Safe with several processes:
    each writes a temporary file and renames it into place."""
    global _bundle_ready
    default = directory is None
    if default and _bundle_ready is not None and _bundle_ready.exists():
        return _bundle_ready
    if directory is None:
        from django.conf import settings

        directory = Path(settings.ASSETS_DIR)
    target = directory / vega_bundle_name()
    if not target.exists():
        import vl_convert

        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".vega-", suffix=".js")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(vl_convert.javascript_bundle())
            os.chmod(tmp, 0o644)  # mkstemp makes it private; static files are for everyone
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    if default:
        _bundle_ready = target
    return target


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict(validate=False)
    spec.pop("$schema", None)  # Vega-Embed needs no schema URL (and the page fetches nothing)
    return spec


_templates: dict[tuple[Any, ...], dict[str, Any]] = {}


def _filled(
    key: tuple[Any, ...], build: Callable[[], alt.TopLevelMixin], datasets: dict[str, Any]
) -> dict[str, Any]:
    """The spec of a chart whose layers read named datasets: altair builds it once per shape
    (``key``: kind, fields, titles, which layers, language) and process; each page only fills
    in the rows (Vega-Lite's top-level ``datasets``) and the language's ``config``. Building
    with altair costs tens of milliseconds a chart; filling costs nothing."""
    lang = get_language() or "id"
    full = (*key, lang)
    spec = _templates.get(full)
    if spec is None:
        spec = _templates[full] = _spec(build())
    return {**spec, "datasets": datasets, "config": chart_locale.config(lang)}


def _named(name: str) -> alt.Data:
    return alt.Data(name=name)


def ipa_domain(
    rows: list[dict[str, Any]], axes: list[float | None], scale: list[int]
) -> list[float]:
    """One domain for both axes: the points and the crosshair with half a point of room,
    on half points, within the answer scale (the cloud fills the square instead of a corner)."""
    values = [float(r[k]) for r in rows for k in ("kinerja", "harapan") if r.get(k) is not None]
    values += [float(a) for a in axes if a is not None]
    if not values:
        return [float(scale[0]), float(scale[1])]
    low = max(float(scale[0]), math.floor((min(values) - 0.25) * 2) / 2)
    high = min(float(scale[1]), math.ceil((max(values) + 0.25) * 2) / 2)
    if high - low < 1:
        low, high = max(float(scale[0]), low - 0.5), min(float(scale[1]), high + 0.5)
    return [low, high]


def ipa_chart(
    rows: list[dict[str, Any]],
    *,
    x_axis: float | None,
    y_axis: float | None,
    scale: list[int],
    quadrant_names: dict[str, str],
) -> dict[str, Any]:
    """The Importance-Performance diagram: X performance (kinerja), Y importance (harapan), the
    crosshair at ``x_axis``/``y_axis``, the quadrants' names (``quadrant_names``: letter A-D ->
    name) in their corners. Rows: ``item``, ``kinerja``, ``harapan``, ``kuadran``, ``quadrant``
    (letter), ``kesesuaian``. Only the labels that fit without overlapping are drawn
    (:func:`prima.label_placement.place_labels`); every point has its tooltip and its
    row in the IPA table."""
    domain = ipa_domain(rows, [x_axis, y_axis], scale)
    placed = place_labels(rows, domain, names=quadrant_names)
    right = [p for p in placed if p["side"] == "right"]
    left = [p for p in placed if p["side"] == "left"]
    lo, hi = domain
    corners = {"A": (lo, hi), "B": (hi, hi), "C": (lo, lo), "D": (hi, lo)}
    corner_rows = {
        letter: [{"x": corners[letter][0], "y": corners[letter][1], "name": name}]
        for letter, name in quadrant_names.items()
        if letter in corners
    }

    def build() -> alt.TopLevelMixin:
        scale_ = alt.Scale(domain=domain, zero=False, nice=False)
        x = alt.X("kinerja:Q", title=_("Performance"), scale=scale_)
        y = alt.Y("harapan:Q", title=_("Importance (expectation)"), scale=scale_)
        size = {"width": IPA_SIZE, "height": IPA_SIZE}
        points = (
            alt.Chart(_named("rows"))
            .properties(**size)
            .mark_circle(size=80, color=BRAND, opacity=0.85)
            .encode(
                x=x,
                y=y,
                tooltip=[
                    alt.Tooltip("item:N", title=_("Item")),
                    alt.Tooltip("text:N", title=_("Text")),
                    alt.Tooltip("kinerja:Q", format=".2f", title=_("Performance")),
                    alt.Tooltip("harapan:Q", format=".2f", title=_("Expectation")),
                    alt.Tooltip("kuadran:N", title=_("Quadrant")),
                    alt.Tooltip("n:Q", format=",d", title="n"),
                ],
            )
        )
        layers: list[Any] = []
        if x_axis is not None:
            layers.append(
                alt.Chart(_named("x_axis"))
                .mark_rule(color="#777", strokeDash=[4, 4])
                .encode(x=alt.X("v:Q", scale=scale_))
            )
        if y_axis is not None:
            layers.append(
                alt.Chart(_named("y_axis"))
                .mark_rule(color="#777", strokeDash=[4, 4])
                .encode(y=alt.Y("v:Q", scale=scale_))
            )
        for letter, (align, baseline, dx, dy) in {
            "A": ("left", "top", 4, 4),
            "B": ("right", "top", -4, 4),
            "C": ("left", "bottom", 4, -4),
            "D": ("right", "bottom", -4, -4),
        }.items():
            if letter in corner_rows:
                layers.append(
                    alt.Chart(_named(f"quadrant_{letter}"))
                    .mark_text(
                        align=align,
                        baseline=baseline,
                        dx=dx,
                        dy=dy,
                        fontSize=11,
                        fontStyle="italic",
                        color=MUTED,
                    )
                    .encode(
                        x=alt.X("x:Q", scale=scale_), y=alt.Y("y:Q", scale=scale_), text="name:N"
                    )
                )
        layers.append(points)
        for name, align, dx in (("labels_right", "left", 7), ("labels_left", "right", -7)):
            layers.append(
                alt.Chart(_named(name))
                .mark_text(align=align, baseline="middle", dx=dx, fontSize=11, color="#222")
                .encode(x=x, y=y, text="item:N")
            )
        return alt.layer(*layers).properties(title=_("IPA diagram"))

    return _filled(
        ("ipa", tuple(domain), x_axis is not None, y_axis is not None, tuple(corner_rows)),
        build,
        {
            "rows": rows,
            "labels_right": right,
            "labels_left": left,
            "x_axis": [{"v": x_axis}],
            "y_axis": [{"v": y_axis}],
            **{f"quadrant_{k}": v for k, v in corner_rows.items()},
        },
    )


def interval_chart(
    rows: list[dict[str, Any]],
    *,
    category: str,
    category_title: str,
    value_title: str,
    reference: float | None = None,
    ordinal: bool = False,
    line: bool = False,
    title: str = "",
    places: int = 2,
) -> dict[str, Any]:
    """A value per category with its 95% interval where there is one (``ci_low``/``ci_high``):
    units side by side, dimensions' gaps, or a trend (``line=True``, categories in order).
    Rows: ``<category>`` (the text shown), ``value``, ``ci_low``, ``ci_high``, ``n``,
    ``small`` ("yes"/"no" in the page's language, :func:`small_flags`)."""
    defined = [r for r in rows if r.get("value") is not None]
    with_ci = [r for r in defined if r.get("ci_low") is not None and r.get("ci_high") is not None]
    small_yes, small_no = small_flags()

    def build() -> alt.TopLevelMixin:
        x = alt.X(
            f"{category}:{'O' if ordinal or line else 'N'}",
            title=category_title,
            sort=None,
            axis=alt.Axis(labelAngle=-40 if line else 0, labelLimit=140, labelOverlap=True),
        )
        y = alt.Y(
            "value:Q",
            title=value_title,
            scale=alt.Scale(zero=False),
            axis=alt.Axis(format=f",.{max(places - 1, 0)}~f"),
        )
        tooltip = [
            alt.Tooltip(f"{category}:N", title=category_title),
            alt.Tooltip("value:Q", format=f",.{places}f", title=value_title),
            alt.Tooltip("ci_low:Q", format=f",.{places}f", title=_("95% CI lower")),
            alt.Tooltip("ci_high:Q", format=f",.{places}f", title=_("95% CI upper")),
            alt.Tooltip("n:Q", format=",d", title="n"),
        ]
        layers: list[Any] = []
        if with_ci:
            layers.append(
                alt.Chart(_named("ci"))
                .mark_rule(color=BRAND, strokeWidth=2)
                .encode(x=x, y=alt.Y("ci_low:Q", title=value_title), y2="ci_high:Q")
            )
        if line:
            layers.append(alt.Chart(_named("values")).mark_line(color=BRAND).encode(x=x, y=y))
        layers.append(
            alt.Chart(_named("values"))
            .mark_point(filled=True, size=70, color=BRAND)
            .encode(
                x=x,
                y=y,
                shape=alt.Shape(
                    "small:N",
                    title=_("Small group"),
                    scale=alt.Scale(domain=[small_yes, small_no], range=["triangle", "circle"]),
                    legend=alt.Legend(orient="bottom"),
                ),
                tooltip=tooltip,
            )
        )
        if reference is not None:
            layers.append(
                alt.Chart(_named("reference"))
                .mark_rule(color=WARN, strokeDash=[4, 4])
                .encode(y="v:Q")
            )
        return alt.layer(*layers).properties(width="container", height=HEIGHT, title=title)

    key = (
        "interval",
        category,
        category_title,
        value_title,
        reference is not None,
        ordinal,
        line,
        title,
        bool(with_ci),
        places,
    )
    return _filled(key, build, {"ci": with_ci, "values": defined, "reference": [{"v": reference}]})


def small_flags() -> tuple[str, str]:
    """The values of the ``small`` field (a small group or not) in the page's language."""
    return _("yes"), _("no")


def bar_chart(
    rows: list[dict[str, Any]],
    *,
    category: str,
    category_title: str,
    value_title: str,
    domain: list[float] | None = None,
    title: str = "",
    places: int = 3,
) -> dict[str, Any]:
    """Horizontal bars, e.g. NRR per unsur (rows: ``<category>``, ``value``, ``n``)."""

    def build() -> alt.TopLevelMixin:
        x = alt.X(
            "value:Q",
            title=value_title,
            scale=alt.Scale(domain=domain) if domain else alt.Undefined,
            axis=alt.Axis(format=",.1~f"),
        )
        return (
            alt.Chart(_named("values"))
            .mark_bar(color=BRAND, clip=True)
            .encode(
                y=alt.Y(f"{category}:N", title=category_title, sort=None),
                x=x,
                tooltip=[
                    alt.Tooltip(f"{category}:N", title=category_title),
                    alt.Tooltip("value:Q", format=f",.{places}f", title=value_title),
                    alt.Tooltip("n:Q", format=",d", title="n"),
                ],
            )
            .properties(width="container", title=title)
        )

    key = ("bar", category, category_title, value_title, tuple(domain or ()), title, places)
    return _filled(key, build, {"values": [r for r in rows if r.get("value") is not None]})
