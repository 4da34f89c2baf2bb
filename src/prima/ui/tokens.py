"""The design tokens as Python values, for what cannot read CSS custom properties: e-mails
(inline styles) and the contrast test. ``static/prima/ui/tokens.css`` holds the same values
(a test compares them); change both together.

Contrast (WCAG 2.1, 1.4.3 and 1.4.11): every text colour is at least 4.5:1 on the backgrounds
it is used on, control borders and the focus ring at least 3:1.
"""

from __future__ import annotations

COLOR = {
    "brand": "#0b5394",
    "brand-strong": "#083d6e",
    "brand-soft": "#e6eef8",
    "ink": "#1a1a1a",
    "ink-muted": "#4a4a4a",
    "on-brand": "#ffffff",
    "bg": "#f4f6f9",
    "surface": "#ffffff",
    "surface-sunken": "#eef1f5",
    "line": "#d3d9e1",
    "line-strong": "#767676",
    "focus": "#0b5394",
    "focus-on-brand": "#ffd166",
    "info": "#0b5394",
    "info-soft": "#e8f1fb",
    "success": "#1d6b34",
    "success-soft": "#e6f4ea",
    "warning": "#8a5300",
    "warning-soft": "#fff4e5",
    "danger": "#b00020",
    "danger-soft": "#fdecee",
    "mutu-a": "#1d6b34",
    "mutu-a-soft": "#e6f4ea",
    "mutu-b": "#0b5394",
    "mutu-b-soft": "#e6eef8",
    "mutu-c": "#8a5300",
    "mutu-c-soft": "#fff4e5",
    "mutu-d": "#b00020",
    "mutu-d-soft": "#fdecee",
}

FONT = {
    "sans": 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif',
    "mono": 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace',
}

# pairs (text, background) the components use, each to be at least 4.5:1
TEXT_PAIRS = [
    ("ink", "bg"),
    ("ink", "surface"),
    ("ink-muted", "bg"),
    ("ink-muted", "surface"),
    ("ink-muted", "surface-sunken"),
    ("brand", "surface"),
    ("brand", "bg"),
    ("brand-strong", "brand-soft"),
    ("on-brand", "brand"),
    ("on-brand", "brand-strong"),
    ("info", "info-soft"),
    ("success", "success-soft"),
    ("warning", "warning-soft"),
    ("danger", "danger-soft"),
    ("danger", "surface"),
    ("mutu-a", "mutu-a-soft"),
    ("mutu-b", "mutu-b-soft"),
    ("mutu-c", "mutu-c-soft"),
    ("mutu-d", "mutu-d-soft"),
    ("on-brand", "mutu-a"),
    ("on-brand", "mutu-d"),
    ("on-brand", "danger"),
]
# pairs (border or ring, background) that must be at least 3:1
NON_TEXT_PAIRS = [
    ("line-strong", "surface"),
    ("focus", "surface"),
    ("focus", "bg"),
    ("focus-on-brand", "brand"),
]


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG 2.1, definition "relative luminance")."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(foreground: str, background: str) -> float:
    """The contrast ratio ``(L1 + 0.05) / (L2 + 0.05)`` of two colours (WCAG 2.1).

    >>> round(contrast("#000000", "#ffffff"), 1)
    21.0
    """
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)
