"""The geometry of a sparkline: values to SVG path data in a 100 x 28 box (no Django).

A value of None leaves a gap; one value alone is a dot. The path is scaled between the
smallest and the largest value shown, so a sparkline shows the shape of a series, never its
level: the figure beside it says the level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 100.0
HEIGHT = 28.0
PAD = 3.0  # room for the stroke and the last point's dot


@dataclass(frozen=True)
class Sparkline:
    path: str  # SVG path data ("" when nothing can be drawn)
    last: tuple[float, float] | None  # the last value's point, drawn as a dot
    width: float = WIDTH
    height: float = HEIGHT


def _finite(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def shape(values: list[object]) -> Sparkline:
    """The path of ``values`` from left to right.

    >>> shape([1, 2, 3]).path
    'M3.0 25.0L50.0 14.0L97.0 3.0'
    >>> shape([]).path
    ''
    """
    numbers = [_finite(v) for v in values]
    present = [v for v in numbers if v is not None]
    if not present:
        return Sparkline(path="", last=None)
    low, high = min(present), max(present)
    span = high - low
    step = (WIDTH - 2 * PAD) / (len(numbers) - 1) if len(numbers) > 1 else 0.0

    def point(i: int, v: float) -> tuple[float, float]:
        x = PAD + i * step if len(numbers) > 1 else WIDTH / 2
        y = HEIGHT / 2 if span == 0 else HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD)
        return round(x, 2), round(y, 2)

    parts: list[str] = []
    pen_down = False
    last: tuple[float, float] | None = None
    for i, v in enumerate(numbers):
        if v is None:
            pen_down = False
            continue
        x, y = point(i, v)
        parts.append(f"{'L' if pen_down else 'M'}{x} {y}")
        pen_down = True
        last = (x, y)
    return Sparkline(path="".join(parts), last=last)
