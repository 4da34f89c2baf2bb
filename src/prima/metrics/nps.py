"""Net Promoter Score (Reichheld 2003, *Harvard Business Review* 81(12)).

From ``shared/domain/methods.md`` section 5: 0-6 detractors, 7-8 passives, 9-10 promoters;
NPS = %promoters - %detractors (-100..100). Interval (canonical): adjusted Wald (Rocks 2016,
MeasuringU): add 3 to n and 3/4 to the promoter and the detractor counts; with the adjusted
proportions p and d, variance = p + d - (p - d)^2, SE = sqrt(variance / n_adj), and the 95%
interval 100 x ((p - d) +/- 1.96 SE), clipped to -100..100. ``method="wald"`` gives the plain
Wald interval centred on the observed NPS. n = 0: NPS undefined (never 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

Z95 = 1.959963984540054


@dataclass(frozen=True)
class NpsResult:
    n: int
    promoters: float | None  # percent
    passives: float | None
    detractors: float | None
    nps: float | None
    ci_low: float | None
    ci_high: float | None
    interval: str
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "promoters": self.promoters,
            "passives": self.passives,
            "detractors": self.detractors,
            "nps": self.nps,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "interval": self.interval,
            "notes": list(self.notes),
        }


def nps_from_counts(
    promoters: int,
    passives: int,
    detractors: int,
    *,
    method: Literal["adjusted-wald", "wald"] = "adjusted-wald",
) -> NpsResult:
    """NPS from the three counts (pool counts across units; never average NPS values).

    >>> r = nps_from_counts(2, 2, 6)
    >>> r.nps, round(r.ci_low, 1), round(r.ci_high, 1)
    (-40.0, -74.1, 12.6)
    """
    n = promoters + passives + detractors
    if n == 0:
        return NpsResult(
            0, None, None, None, None, None, None, method, ["no answers: NPS undefined"]
        )
    if method == "adjusted-wald":
        n_adj = n + 3
        p = (promoters + 0.75) / n_adj
        d = (detractors + 0.75) / n_adj
    elif method == "wald":
        n_adj = n
        p, d = promoters / n, detractors / n
    else:
        raise ValueError("method must be 'adjusted-wald' or 'wald'")
    variance = p + d - (p - d) ** 2
    half = Z95 * math.sqrt(variance / n_adj)
    low = max(-100.0, 100.0 * (p - d - half))
    high = min(100.0, 100.0 * (p - d + half))
    # 100 x count / n, not count x (100 / n): 11 x (100 / 11) is 100.00000000000001
    return NpsResult(
        n,
        100.0 * promoters / n,
        100.0 * passives / n,
        100.0 * detractors / n,
        100.0 * (promoters - detractors) / n,
        low,
        high,
        method,
    )


def nps(
    scores: NDArray[np.float64], *, method: Literal["adjusted-wald", "wald"] = "adjusted-wald"
) -> NpsResult:
    """NPS of 0-10 answers (``NaN`` = not answered)."""
    answered = scores[~np.isnan(scores)]
    return nps_from_counts(
        int((answered >= 9).sum()),
        int(((answered >= 7) & (answered < 9)).sum()),
        int((answered <= 6).sum()),
        method=method,
    )
