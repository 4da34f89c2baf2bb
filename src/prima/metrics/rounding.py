"""Display rounding: half-up on the decimal value, as Indonesian publications print.

``methods.md``: compute at full precision, compare on unrounded values, round only for display,
half-up (3.385 prints as 3,39). A binary float such as 3.385 is stored as 3.38499999...,
so the value is first snapped to 9 decimals (removing representation noise), then rounded
half-up with :class:`decimal.Decimal`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

_SNAP = Decimal("1e-9")


def to_decimal(value: float | Fraction | int) -> Decimal:
    """The exact decimal of a Fraction, or the float snapped to 9 decimals."""
    if isinstance(value, Fraction):
        # exact integer arithmetic: no context precision limit (1e8 used to raise)
        return Decimal(f"{round(value * 10**20)}E-20")
    parsed = Decimal(repr(float(value)))
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, parsed.adjusted() + 11)
        return parsed.quantize(_SNAP, ROUND_HALF_EVEN)


def round_half_up(value: float | Fraction | int, places: int) -> Decimal:
    """Round ``value`` half-up to ``places`` decimals.

    >>> str(round_half_up(3.385, 2))
    '3.39'
    >>> str(round_half_up(Fraction(153215, 2000), 2))
    '76.61'
    """
    exact = to_decimal(value)
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, exact.adjusted() + places + 2)
        return exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def format_number(
    value: float | Fraction | int | None, places: int, lang: str = "id", grouping: bool = True
) -> str:
    """Half-up rounded text as each language writes numbers.

    Bahasa Indonesia: decimal comma and a thousands dot (``2.311``, ``1.234,57``); English: a
    decimal point and a thousands comma (``2,311``, ``1,234.57``). ``grouping=False`` leaves
    the thousands unseparated (codes, years). ``None`` prints as ``-``.
    """
    if value is None:
        return "-"
    text = f"{round_half_up(value, places):f}"
    if text.startswith("-") and set(text[1:]) <= set("0."):
        text = text[1:]  # never print "-0,00"
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = text.partition(".")
    if grouping and len(whole) > 3:
        whole = f"{int(whole):,}"
    if lang == "id":
        whole, fraction = whole.replace(",", "."), fraction
        return sign + whole + ("," + fraction if fraction else "")
    return sign + whole + ("." + fraction if fraction else "")
