"""Ratings on different answer scales as one 0-100 rating, from whole-number totals.

Issue 13 point 5 pools the ratings a staff member receives from a kiosk's or a quick survey's
satisfaction question (1-5) and from an SKM questionnaire (the respondent's mean over the unsur,
1-4). Each rating x on a scale [low, high] becomes the linear score

    s = 100 * (x - low) / (high - low)

(0 the lowest answer, 100 the highest; a linear map keeps means and variances comparable:
mean(s) = c (mean(x) - low), var(s) = c^2 var(x) with c = 100 / (high - low)). From the totals
that rollups keep, n, sum x and sum x^2:

    sum s   = c (sum x - n low)
    sum s^2 = c^2 (sum x^2 - 2 low sum x + n low^2)

An SKM respondent's rating is the mean of their k unsur, x = T / k with T their total over the
unsur (PermenPAN-RB 14/2017 weighs the unsur equally), so sum x = sum T / k and
sum x^2 = sum T^2 / k^2.
"""

from __future__ import annotations


def percent_totals(
    n: int, total: float, total_sq: float, *, low: float, high: float
) -> tuple[int, float, float]:
    """``(n, sum s, sum s^2)`` of the ratings mapped to 0-100 (see the module)."""
    if high <= low:
        raise ValueError("the scale's highest answer must be above its lowest")
    c = 100.0 / (high - low)
    return (
        n,
        c * (total - n * low),
        c * c * (total_sq - 2.0 * low * total + n * low * low),
    )


def mean_of_items_totals(n: int, total: float, total_sq: float, k: int) -> tuple[int, float, float]:
    """``(n, sum x, sum x^2)`` of respondents' means over ``k`` items from the totals of their
    item sums T (sum T, sum T^2)."""
    if k <= 0:
        raise ValueError("k must be positive")
    return n, total / k, total_sq / (k * k)
