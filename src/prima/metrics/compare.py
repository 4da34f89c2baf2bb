"""Comparing two periods: is the later value significantly different from the earlier one?

Two independent samples (the respondents of two periods), summarised by their counts and
moments, so that the caller can pass the numbers the results pages already show.

**Means (Welch's t test).** Welch, B. L. (1947), "The generalization of 'Student's' problem
when several different population variances are involved", *Biometrika* 34(1-2), 28-35;
degrees of freedom after Satterthwaite, F. E. (1946), "An approximate distribution of estimates
of variance components", *Biometrics Bulletin* 2(6), 110-114. With sample sizes n1, n2, means
m1, m2 and sample SDs s1, s2 (ddof 1)::

    D  = m2 - m1                      (later minus earlier; negative = a drop)
    SE = sqrt(s1^2/n1 + s2^2/n2)
    df = SE^4 / ((s1^2/n1)^2/(n1-1) + (s2^2/n2)^2/(n2-1))
    t  = D / SE;  p = 2 P(T_df > |t|);  95% interval D -/+ t(0.975; df) SE

**Net Promoter Scores.** The difference of two independent NPS with the variance of each
(``methods.md`` section 5: per response p + d - (p - d)^2), tested with a normal z; the
canonical interval is adjusted Wald (Rocks 2016, MeasuringU, "Confidence intervals for Net
Promoter Scores"; Sauro, MeasuringU, "How to compare two Net Promoter Scores"): add 3 to each n
and 3/4 to each promoter and detractor count, then::

    D  = (p2 - d2) - (p1 - d1)        (adjusted proportions)
    SE = sqrt(v1/n1 + v2/n2),  v = p + d - (p - d)^2
    z  = D / SE;  p = 2 (1 - Phi(|z|));  95% interval 100 (D -/+ 1.96 SE), clipped to -200..200

``method="wald"`` uses the observed proportions instead (the plain Wald test).

**Decision (as ``methods.md`` decides verdicts with intervals).** A significant drop is an
interval of the difference lying wholly below 0, which for these tests is the same as a
two-sided p < 0.05 with a negative difference. Fewer than two respondents in a period (or no
variance in either) leaves the comparison undefined, with the reason, never a silent "no change".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from prima.metrics.student_t import t_ppf, t_sf

ALPHA = 0.05

UNDEFINED_SMALL = "fewer than 2 respondents in a period"
UNDEFINED_NO_VARIANCE = "no variance in either period"


@dataclass(frozen=True)
class DifferenceTest:
    """Later minus earlier, its standard error, test statistic, p value and interval.

    ``statistic``, ``p_value`` and the interval are None when the test is undefined
    (``notes`` says why).
    """

    test: str  # "welch" or "nps-adjusted-wald" / "nps-wald"
    n_before: int
    n_after: int
    before: float | None
    after: float | None
    difference: float | None
    se: float | None
    df: float | None  # degrees of freedom (Welch); None for a z test
    statistic: float | None
    p_value: float | None
    ci_low: float | None
    ci_high: float | None
    alpha: float = ALPHA
    notes: list[str] = field(default_factory=list)

    @property
    def defined(self) -> bool:
        return self.p_value is not None

    @property
    def significant(self) -> bool:
        """Two-sided p below ``alpha``."""
        return self.p_value is not None and self.p_value < self.alpha

    @property
    def significant_drop(self) -> bool:
        """The interval of the difference lies wholly below 0."""
        return self.ci_high is not None and self.ci_high < 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "test": self.test,
            "n_before": self.n_before,
            "n_after": self.n_after,
            "before": self.before,
            "after": self.after,
            "difference": self.difference,
            "se": self.se,
            "df": self.df,
            "statistic": self.statistic,
            "p_value": self.p_value,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "alpha": self.alpha,
            "significant": self.significant,
            "significant_drop": self.significant_drop,
            "notes": list(self.notes),
        }


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")


def welch_t_test(
    n_before: int,
    mean_before: float | None,
    sd_before: float | None,
    n_after: int,
    mean_after: float | None,
    sd_after: float | None,
    *,
    alpha: float = ALPHA,
) -> DifferenceTest:
    """Welch's two-sample t test of ``mean_after - mean_before`` from summary statistics.

    >>> r = welch_t_test(3, 4.0, 2.0, 3, 2.0, 2.0)
    >>> r.difference, round(r.df, 6), round(r.statistic, 4), round(r.p_value, 4)
    (-2.0, 4.0, -1.2247, 0.2879)
    """
    _check_alpha(alpha)
    if n_before < 0 or n_after < 0:
        raise ValueError("sample sizes must not be negative")
    difference = (
        None if mean_before is None or mean_after is None else float(mean_after - mean_before)
    )
    base = DifferenceTest(
        "welch",
        n_before,
        n_after,
        mean_before,
        mean_after,
        difference,
        None,
        None,
        None,
        None,
        None,
        None,
        alpha,
    )
    if n_before < 2 or n_after < 2 or sd_before is None or sd_after is None or difference is None:
        return _undefined(base, UNDEFINED_SMALL)
    if sd_before < 0 or sd_after < 0:
        raise ValueError("standard deviations must not be negative")
    v1 = sd_before**2 / n_before
    v2 = sd_after**2 / n_after
    if v1 + v2 == 0:
        return _undefined(base, UNDEFINED_NO_VARIANCE)
    se = math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1**2 / (n_before - 1) + v2**2 / (n_after - 1))
    t = difference / se
    p = 2.0 * t_sf(abs(t), df)
    half = t_ppf(1.0 - alpha / 2, df) * se
    return DifferenceTest(
        "welch",
        n_before,
        n_after,
        mean_before,
        mean_after,
        difference,
        se,
        df,
        t,
        min(1.0, p),
        difference - half,
        difference + half,
        alpha,
    )


def nps_difference_test(
    before: tuple[int, int, int],
    after: tuple[int, int, int],
    *,
    method: Literal["adjusted-wald", "wald"] = "adjusted-wald",
    alpha: float = ALPHA,
) -> DifferenceTest:
    """Test of NPS(after) - NPS(before), each given as (promoters, passives, detractors) counts.

    ``difference`` is the observed difference in NPS points; the statistic, p value and
    interval (in NPS points) use the adjusted counts unless ``method="wald"``.

    >>> r = nps_difference_test((2, 2, 6), (6, 2, 2))
    >>> r.difference, round(r.statistic, 3), round(r.p_value, 4)
    (80.0, 1.967, 0.0492)
    """
    _check_alpha(alpha)
    if min(*before, *after) < 0:
        raise ValueError("counts must not be negative")
    if method not in ("adjusted-wald", "wald"):
        raise ValueError("method must be 'adjusted-wald' or 'wald'")
    n1, n2 = sum(before), sum(after)
    score1 = None if n1 == 0 else 100.0 * (before[0] - before[2]) / n1
    score2 = None if n2 == 0 else 100.0 * (after[0] - after[2]) / n2
    diff = None if score1 is None or score2 is None else score2 - score1
    base = DifferenceTest(
        f"nps-{method}", n1, n2, score1, score2, diff, None, None, None, None, None, None, alpha
    )
    if n1 < 2 or n2 < 2:
        return _undefined(base, UNDEFINED_SMALL)
    shift, add = (0.75, 3) if method == "adjusted-wald" else (0.0, 0)

    def proportions(counts: tuple[int, int, int]) -> tuple[float, float, int]:
        n = sum(counts) + add
        return (counts[0] + shift) / n, (counts[2] + shift) / n, n

    p1, d1, m1 = proportions(before)
    p2, d2, m2 = proportions(after)
    var = (p1 + d1 - (p1 - d1) ** 2) / m1 + (p2 + d2 - (p2 - d2) ** 2) / m2
    if var <= 0:
        return _undefined(base, UNDEFINED_NO_VARIANCE)
    se = math.sqrt(var)
    centre = (p2 - d2) - (p1 - d1)
    z = centre / se
    from scipy.special import ndtr, ndtri

    p = float(2.0 * ndtr(-abs(z)))
    half = float(ndtri(1.0 - alpha / 2)) * se
    return DifferenceTest(
        f"nps-{method}",
        n1,
        n2,
        score1,
        score2,
        diff,
        100.0 * se,
        None,
        z,
        min(1.0, p),
        max(-200.0, 100.0 * (centre - half)),
        min(200.0, 100.0 * (centre + half)),
        alpha,
    )


def _undefined(base: DifferenceTest, reason: str) -> DifferenceTest:
    return DifferenceTest(
        base.test,
        base.n_before,
        base.n_after,
        base.before,
        base.after,
        base.difference,
        None,
        None,
        None,
        None,
        None,
        None,
        base.alpha,
        [reason],
    )
