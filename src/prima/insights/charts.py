"""Charts of the dashboard as Vega-Lite specifications (made with altair), and the offline
Vega bundle that draws them in the browser.

Every function takes the rows its chart's data table shows (plain dicts of numbers and labels,
already computed by :func:`prima.insights.results.survey_results`) and returns a Vega-Lite spec
as a dict; the page embeds it as JSON and draws it with Vega-Embed from
``vl_convert.javascript_bundle()``, written once into the data folder's static assets (no CDN).
Specs are built without schema validation (``validate=False``): validation costs tens of
milliseconds a chart, and the specs are made only here, from fixed templates.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import altair as alt

WIDTH = 520
HEIGHT = 320
BRAND = "#0b5394"
WARN = "#b00020"

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
    (``key``: kind, fields, titles, which layers) and process; each page only fills in the
    rows (Vega-Lite's top-level ``datasets``). Building with altair costs tens of
    milliseconds a chart; filling costs nothing."""
    spec = _templates.get(key)
    if spec is None:
        spec = _templates[key] = _spec(build())
    return {**spec, "datasets": datasets}


def _named(name: str) -> alt.Data:
    return alt.Data(name=name)


def ipa_chart(
    rows: list[dict[str, Any]], *, x_axis: float | None, y_axis: float | None, scale: list[int]
) -> dict[str, Any]:
    """The Importance-Performance diagram: X performance (kinerja), Y importance (harapan), the
    crosshair at ``x_axis``/``y_axis``. Rows: ``item``, ``kinerja``, ``harapan``, ``kuadran``."""
    domain = [scale[0], scale[1]]

    def build() -> alt.TopLevelMixin:
        x = alt.X("kinerja:Q", title="Kinerja", scale=alt.Scale(domain=domain, zero=False))
        y = alt.Y(
            "harapan:Q", title="Harapan (kepentingan)", scale=alt.Scale(domain=domain, zero=False)
        )
        points = (
            alt.Chart(_named("rows"))
            .properties(width=WIDTH, height=HEIGHT)
            .mark_circle(size=90, color=BRAND)
            .encode(
                x=x,
                y=y,
                tooltip=[
                    alt.Tooltip("item:N", title="Butir"),
                    alt.Tooltip("kinerja:Q", format=".2f", title="Kinerja"),
                    alt.Tooltip("harapan:Q", format=".2f", title="Harapan"),
                    alt.Tooltip("kuadran:N", title="Kuadran"),
                ],
            )
        )
        labels = (
            alt.Chart(_named("rows"))
            .properties(width=WIDTH, height=HEIGHT)
            .mark_text(align="left", dx=7, dy=-6, fontSize=11)
            .encode(x=x, y=y, text="item:N")
        )
        layers: list[Any] = [points, labels]
        if x_axis is not None:
            layers.append(
                alt.Chart(_named("x_axis"))
                .mark_rule(color="#777", strokeDash=[4, 4])
                .encode(x="v:Q")
            )
        if y_axis is not None:
            layers.append(
                alt.Chart(_named("y_axis"))
                .mark_rule(color="#777", strokeDash=[4, 4])
                .encode(y="v:Q")
            )
        return alt.layer(*layers).properties(title="Diagram Kartesius IPA")

    return _filled(
        ("ipa", tuple(domain), x_axis is not None, y_axis is not None),
        build,
        {"rows": rows, "x_axis": [{"v": x_axis}], "y_axis": [{"v": y_axis}]},
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
) -> dict[str, Any]:
    """A value per category with its 95% interval where there is one (``ci_low``/``ci_high``):
    units side by side, dimensions' gaps, or a trend (``line=True``, categories in order).
    Rows: ``<category>``, ``value``, ``ci_low``, ``ci_high``, ``n``."""
    defined = [r for r in rows if r.get("value") is not None]
    with_ci = [r for r in defined if r.get("ci_low") is not None and r.get("ci_high") is not None]

    def build() -> alt.TopLevelMixin:
        x = alt.X(f"{category}:{'O' if ordinal or line else 'N'}", title=category_title, sort=None)
        y = alt.Y("value:Q", title=value_title, scale=alt.Scale(zero=False))
        tooltip = [
            alt.Tooltip(f"{category}:N", title=category_title),
            alt.Tooltip("value:Q", format=".2f", title=value_title),
            alt.Tooltip("ci_low:Q", format=".2f", title="IK 95% bawah"),
            alt.Tooltip("ci_high:Q", format=".2f", title="IK 95% atas"),
            alt.Tooltip("n:Q", title="n"),
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
                    title="Kelompok kecil",
                    scale=alt.Scale(domain=["ya", "tidak"], range=["triangle", "circle"]),
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
        return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title=title)

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
    )
    return _filled(key, build, {"ci": with_ci, "values": defined, "reference": [{"v": reference}]})


def bar_chart(
    rows: list[dict[str, Any]],
    *,
    category: str,
    category_title: str,
    value_title: str,
    domain: list[float] | None = None,
    title: str = "",
) -> dict[str, Any]:
    """Horizontal bars, e.g. NRR per unsur (rows: ``<category>``, ``value``, ``n``)."""

    def build() -> alt.TopLevelMixin:
        x = alt.X(
            "value:Q",
            title=value_title,
            scale=alt.Scale(domain=domain) if domain else alt.Undefined,
        )
        return (
            alt.Chart(_named("values"))
            .mark_bar(color=BRAND, clip=True)
            .encode(
                y=alt.Y(f"{category}:N", title=category_title, sort=None),
                x=x,
                tooltip=[
                    alt.Tooltip(f"{category}:N", title=category_title),
                    alt.Tooltip("value:Q", format=".3f", title=value_title),
                    alt.Tooltip("n:Q", title="n"),
                ],
            )
            .properties(width=WIDTH, title=title)
        )

    key = ("bar", category, category_title, value_title, tuple(domain or ()), title)
    return _filled(key, build, {"values": [r for r in rows if r.get("value") is not None]})
