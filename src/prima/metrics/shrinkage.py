"""Fair staff rankings: each staff member's mean rating shrunk toward their unit's mean.

Issue 13 point 5: a ranking or a best/worst list uses ratings shrunk toward the unit's mean
(empirical Bayes), with intervals, and lists only staff with at least :data:`MIN_RANKED` ratings,
so that a few ratings never put someone at the top or the bottom; the raw mean stays visible.

The normal-normal model of Morris (1983), "Parametric empirical Bayes inference: theory and
applications", *Journal of the American Statistical Association* 78(381), 47-55: staff member i
of a unit has n_i ratings with mean y_i ~ N(theta_i, v_i), their true means theta_i ~ N(mu, tau2).

- v_i = s2 / n_i, with s2 the unit's pooled within-staff variance
  sum_i sum_r (x_ir - y_i)^2 / sum_i (n_i - 1);
- tau2 by the method of moments of DerSimonian & Laird (1986), *Controlled Clinical Trials* 7(3),
  177-188: with w_i = 1/v_i, ybar = sum w_i y_i / sum w_i (here the mean of all the unit's
  ratings) and Q = sum w_i (y_i - ybar)^2, tau2 = max(0, (Q - (m - 1)) / (sum w - sum w^2 / sum w))
  for m staff;
- the unit's mean mu = sum y_i / (v_i + tau2) / sum 1 / (v_i + tau2), V_mu = 1 / sum 1/(v_i + tau2);
- the shrinkage B_i = v_i / (v_i + tau2) and the shrunk mean mu + (1 - B_i)(y_i - mu);
- its variance (Morris 1983, section 3, with each staff member's own B_i)
  (1 - B_i) v_i + B_i^2 V_mu + 2 / (m - 3) B_i^2 (y_i - mu)^2, the last term (the uncertainty
  of B) only when m > 3; the 95% interval is the shrunk mean +/- 1.95996 standard errors.

Edge cases: one staff member in the unit (tau2 cannot be estimated): no shrinkage, the interval
of the raw mean (v_i); ratings without any spread within staff (s2 = 0): the means are exact,
no shrinkage, zero-width intervals. Fewer than one rating, or no staff member with two ratings
(s2 unknown), raise ``ValueError``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

MIN_RANKED = 30
Z95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class StaffRatings:
    """One staff member's ratings as totals (what SQL's COUNT, SUM and SUM(x*x) give)."""

    key: str
    n: int
    total: float
    total_sq: float

    @classmethod
    def of(cls, key: str, ratings: Iterable[float]) -> StaffRatings:
        values = [float(r) for r in ratings]
        return cls(key, len(values), math.fsum(values), math.fsum(v * v for v in values))

    @property
    def mean(self) -> float:
        return self.total / self.n

    @property
    def squares(self) -> float:
        """Sum of squared deviations from the staff member's own mean."""
        return max(self.total_sq - self.total * self.total / self.n, 0.0)


@dataclass(frozen=True)
class ShrunkMean:
    key: str
    n: int
    mean: float  # the raw mean, shown beside the shrunk one
    shrunk: float
    ci_low: float
    ci_high: float
    shrinkage: float  # B_i: 0 keeps the raw mean, 1 is the unit's mean

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "n": self.n,
            "mean": self.mean,
            "shrunk": self.shrunk,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "shrinkage": self.shrinkage,
        }


@dataclass(frozen=True)
class UnitShrinkage:
    unit_mean: float
    tau2: float  # between-staff variance
    within: float  # s2, pooled within-staff variance
    staff: tuple[ShrunkMean, ...]


def shrink(staff: Sequence[StaffRatings]) -> UnitShrinkage:
    """Every staff member of one unit shrunk toward the unit's mean (see the module)."""
    members = [s for s in staff if s.n > 0]
    if not members:
        raise ValueError("no ratings to shrink")
    df = sum(s.n - 1 for s in members)
    if df == 0:
        raise ValueError("no staff member has two ratings: the within-staff variance is unknown")
    within = math.fsum(s.squares for s in members) / df
    count = sum(s.n for s in members)
    pooled_mean = math.fsum(s.total for s in members) / count
    m = len(members)
    if within == 0 or m == 1:  # exact means, or nobody to shrink toward: the raw means
        out = []
        for s in members:
            half = Z95 * math.sqrt(within / s.n)
            out.append(ShrunkMean(s.key, s.n, s.mean, s.mean, s.mean - half, s.mean + half, 0.0))
        return UnitShrinkage(pooled_mean, 0.0, within, tuple(out))
    v = [within / s.n for s in members]
    w = [1.0 / x for x in v]
    sum_w = math.fsum(w)
    q = math.fsum(wi * (s.mean - pooled_mean) ** 2 for wi, s in zip(w, members, strict=True))
    tau2 = max(0.0, (q - (m - 1)) / (sum_w - math.fsum(wi * wi for wi in w) / sum_w))
    precision = [1.0 / (x + tau2) for x in v]
    mu = math.fsum(p * s.mean for p, s in zip(precision, members, strict=True)) / math.fsum(
        precision
    )
    var_mu = 1.0 / math.fsum(precision)
    out = []
    for s, vi in zip(members, v, strict=True):
        b = vi / (vi + tau2)
        shrunk = mu + (1.0 - b) * (s.mean - mu)
        variance = (1.0 - b) * vi + b * b * var_mu
        if m > 3:
            variance += 2.0 / (m - 3) * b * b * (s.mean - mu) ** 2
        half = Z95 * math.sqrt(variance)
        out.append(ShrunkMean(s.key, s.n, s.mean, shrunk, shrunk - half, shrunk + half, b))
    return UnitShrinkage(mu, tau2, within, tuple(out))


def rank(
    estimates: Iterable[ShrunkMean], *, min_ratings: int = MIN_RANKED, best_first: bool = True
) -> list[ShrunkMean]:
    """Staff with at least ``min_ratings`` ratings, by shrunk mean (best first by default);
    ties by more ratings, then by key. Nobody under ``min_ratings`` is listed."""
    eligible = [e for e in estimates if e.n >= min_ratings]
    sign = -1.0 if best_first else 1.0
    return sorted(eligible, key=lambda e: (sign * e.shrunk, -e.n, e.key))
