"""Which points of the IPA diagram get a text label: a greedy placement that never overlaps.

The diagram is a fixed square of :data:`IPA_SIZE` pixels; a label is the item's code, 11 px
text, tried on the right of its point, then on the left. It is kept when its box stays inside
the square and clear of every label placed before it, every other point and the quadrant
names in the corners; otherwise the point stays unlabelled (its numbers are in the tooltip and
in the IPA table). Items are taken most urgent first: quadrant A ("concentrate here"), then by
conformity (performance / importance) from the lowest, as the priorities of ``methods.md``.
The widths are estimates (0.62 em a character, generous for codes such as ``A1.10``), so the
boxes tested here contain the drawn text.
"""

from __future__ import annotations

from typing import Any

IPA_SIZE = 260
FONT_SIZE = 11
CHAR_WIDTH = 0.62 * FONT_SIZE
LINE_HEIGHT = FONT_SIZE + 3
OFFSET = 7  # from the point's centre to the label (the chart's dx)
POINT_RADIUS = 5.5
NAME_MARGIN = 4  # the quadrant names' distance from the corner (the chart's dx/dy)

Box = tuple[float, float, float, float]  # left, top, right, bottom in pixels


def text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH + 2


def to_pixels(value: float, domain: list[float], flip: bool = False) -> float:
    low, high = domain
    share = (value - low) / ((high - low) or 1.0)
    return (1 - share) * IPA_SIZE if flip else share * IPA_SIZE


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def corner_boxes(names: dict[str, str]) -> list[Box]:
    """The boxes of the quadrant names: A top left, B top right, C bottom left, D bottom right."""
    out: list[Box] = []
    for letter, name in names.items():
        w = text_width(name)
        left = letter in ("A", "C")
        top = letter in ("A", "B")
        x0 = NAME_MARGIN if left else IPA_SIZE - NAME_MARGIN - w
        y0 = NAME_MARGIN if top else IPA_SIZE - NAME_MARGIN - LINE_HEIGHT
        out.append((x0, y0, x0 + w, y0 + LINE_HEIGHT))
    return out


def _urgency(row: dict[str, Any]) -> tuple[int, float, str]:
    conformity = row.get("kesesuaian")
    return (
        0 if row.get("quadrant") == "A" else 1,
        float(conformity) if conformity is not None else 1e9,
        str(row.get("item", "")),
    )


def place_labels(
    rows: list[dict[str, Any]],
    domain: list[float],
    *,
    names: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The rows that get a label, each with ``side`` ("right" or "left") and its ``box``.

    ``rows`` carry ``item``, ``kinerja`` (x) and ``harapan`` (y); ``domain`` is both axes'.
    """
    points = [
        (
            to_pixels(float(r["kinerja"]), domain),
            to_pixels(float(r["harapan"]), domain, flip=True),
            r,
        )
        for r in rows
        if r.get("kinerja") is not None and r.get("harapan") is not None
    ]
    taken: list[Box] = corner_boxes(names or {})
    dots = [
        (x - POINT_RADIUS, y - POINT_RADIUS, x + POINT_RADIUS, y + POINT_RADIUS)
        for x, y, _ in points
    ]
    placed: list[dict[str, Any]] = []
    for x, y, row in sorted(points, key=lambda p: _urgency(p[2])):
        w = text_width(str(row.get("item", "")))
        own = (x - POINT_RADIUS, y - POINT_RADIUS, x + POINT_RADIUS, y + POINT_RADIUS)
        half = LINE_HEIGHT / 2
        for side, box in (
            ("right", (x + OFFSET - 1, y - half, x + OFFSET + w, y + half)),
            ("left", (x - OFFSET - w, y - half, x - OFFSET + 1, y + half)),
        ):
            if box[0] < 0 or box[2] > IPA_SIZE or box[1] < 0 or box[3] > IPA_SIZE:
                continue
            if any(overlaps(box, t) for t in taken):
                continue
            if any(overlaps(box, d) for d in dots if d != own):
                continue
            taken.append(box)
            placed.append({**row, "side": side, "box": list(box)})
            break
    return placed
