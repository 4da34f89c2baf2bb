"""Minimum sample sizes.

- Krejcie & Morgan (1970), *Educational and Psychological Measurement* 30:607-610:
  s = X^2 N P(1-P) / (d^2 (N-1) + X^2 P(1-P)), X^2 = 3.841, P = 0.5, d = 0.05; rounded to the
  nearest integer (half-up), which reproduces their published table (N = 100 -> 80).
- Slovin: n = N / (1 + N e^2); the exact value and its ceiling (a minimum never rounds down).

From ``shared/domain/methods.md`` section 7.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from typing import Any, Literal

from prima.metrics.rounding import to_decimal

CHI_SQUARE_1DF_95 = 3.841
Method = Literal["krejcie-morgan", "slovin"]


@dataclass(frozen=True)
class SampleSize:
    population: int
    method: Method
    margin: float
    exact: float
    sample: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "population": self.population,
            "method": self.method,
            "margin": self.margin,
            "exact": self.exact,
            "sample": self.sample,
        }


def krejcie_morgan(population: int, *, margin: float = 0.05, proportion: float = 0.5) -> SampleSize:
    """Krejcie-Morgan sample size.

    >>> krejcie_morgan(100).sample, krejcie_morgan(1000).sample, krejcie_morgan(1_000_000).sample
    (80, 278, 384)
    """
    _check(population, margin)
    pq = proportion * (1 - proportion)
    exact = (
        CHI_SQUARE_1DF_95
        * population
        * pq
        / (margin**2 * (population - 1) + CHI_SQUARE_1DF_95 * pq)
    )
    sample = int(to_decimal(exact).quantize(1, ROUND_HALF_UP))
    return SampleSize(population, "krejcie-morgan", margin, exact, sample)


def slovin(population: int, *, margin: float = 0.05) -> SampleSize:
    """Slovin sample size, rounded up.

    >>> s = slovin(1000); round(s.exact, 6), s.sample
    (285.714286, 286)
    """
    _check(population, margin)
    exact = population / (1 + population * margin**2)
    return SampleSize(population, "slovin", margin, exact, math.ceil(round(exact, 9)))


def sample_size(
    population: int, *, method: Method = "krejcie-morgan", margin: float = 0.05
) -> SampleSize:
    if method == "krejcie-morgan":
        return krejcie_morgan(population, margin=margin)
    if method == "slovin":
        return slovin(population, margin=margin)
    raise ValueError("method must be 'krejcie-morgan' or 'slovin'")


def _check(population: int, margin: float) -> None:
    if isinstance(population, bool) or not isinstance(population, int) or population < 1:
        raise ValueError("population must be a whole number >= 1")
    if not 0 < margin < 1:
        raise ValueError("margin must be between 0 and 1 (exclusive)")
