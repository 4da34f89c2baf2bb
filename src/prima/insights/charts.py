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


def _base(rows: list[dict[str, Any]]) -> alt.Chart:
    return alt.Chart(alt.Data(values=rows)).properties(width=WIDTH, height=HEIGHT)


def ipa_chart(
    rows: list[dict[str, Any]], *, x_axis: float | None, y_axis: float | None, scale: list[int]
) -> dict[str, Any]:
    """The Importance-Performance diagram: X performance (kinerja), Y importance (harapan), the
    crosshair at ``x_axis``/``y_axis``. Rows: ``item``, ``kinerja``, ``harapan``, ``kuadran``."""
    domain = [scale[0], scale[1]]
    x = alt.X("kinerja:Q", title="Kinerja", scale=alt.Scale(domain=domain, zero=False))
    y = alt.Y(
        "harapan:Q", title="Harapan (kepentingan)", scale=alt.Scale(domain=domain, zero=False)
    )
    points = (
        _base(rows)
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
        _base(rows)
        .mark_text(align="left", dx=7, dy=-6, fontSize=11)
        .encode(x=x, y=y, text="item:N")
    )
    layers: list[Any] = [points, labels]
    if x_axis is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"v": x_axis}]))
            .mark_rule(color="#777", strokeDash=[4, 4])
            .encode(x="v:Q")
        )
    if y_axis is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"v": y_axis}]))
            .mark_rule(color="#777", strokeDash=[4, 4])
            .encode(y="v:Q")
        )
    return _spec(alt.layer(*layers).properties(title="Diagram Kartesius IPA"))


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
    x = alt.X(f"{category}:{'O' if ordinal or line else 'N'}", title=category_title, sort=None)
    y = alt.Y("value:Q", title=value_title, scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip(f"{category}:N", title=category_title),
        alt.Tooltip("value:Q", format=".2f", title=value_title),
        alt.Tooltip("ci_low:Q", format=".2f", title="IK 95% bawah"),
        alt.Tooltip("ci_high:Q", format=".2f", title="IK 95% atas"),
        alt.Tooltip("n:Q", title="n"),
    ]
    defined = [r for r in rows if r.get("value") is not None]
    layers: list[Any] = []
    with_ci = [r for r in defined if r.get("ci_low") is not None and r.get("ci_high") is not None]
    if with_ci:
        layers.append(
            alt.Chart(alt.Data(values=with_ci))
            .mark_rule(color=BRAND, strokeWidth=2)
            .encode(x=x, y=alt.Y("ci_low:Q", title=value_title), y2="ci_high:Q")
        )
    if line:
        layers.append(alt.Chart(alt.Data(values=defined)).mark_line(color=BRAND).encode(x=x, y=y))
    layers.append(
        alt.Chart(alt.Data(values=defined))
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
            alt.Chart(alt.Data(values=[{"v": reference}]))
            .mark_rule(color=WARN, strokeDash=[4, 4])
            .encode(y="v:Q")
        )
    return _spec(alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title=title))


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
    x = alt.X(
        "value:Q",
        title=value_title,
        scale=alt.Scale(domain=domain) if domain else alt.Undefined,
    )
    chart = (
        alt.Chart(alt.Data(values=[r for r in rows if r.get("value") is not None]))
        .mark_bar(color=BRAND)
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
    return _spec(chart)
