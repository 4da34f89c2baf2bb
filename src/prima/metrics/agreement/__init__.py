"""Agreement between raters (auditors' calibration, issue 13 point 4).

One implementation of each statistic, framework-free:

- :mod:`prima.metrics.agreement.kappa`         Cohen's kappa (unweighted, linear, quadratic)
  with its large-sample interval; Fleiss' kappa;
- :mod:`prima.metrics.agreement.icc`           the six Shrout & Fleiss (1979) ICC forms with
  McGraw & Wong (1996) F-based intervals;
- :mod:`prima.metrics.agreement.krippendorff`  Krippendorff's alpha (nominal, ordinal, interval,
  ratio) with missing ratings.

Input is a subjects x raters array of ratings, ``NaN`` for "not rated". Input on which a
statistic is undefined (fewer than 2 subjects, one category only, no variance) raises
:class:`AgreementError` (a ``ValueError``) with a ``key`` naming the reason; results never hold
``NaN``.
"""

from __future__ import annotations

from prima.metrics.agreement.errors import AgreementError
from prima.metrics.agreement.icc import ICC_FORMS, IccEstimate, IccResult, icc
from prima.metrics.agreement.kappa import CohenResult, FleissResult, cohen_kappa, fleiss_kappa
from prima.metrics.agreement.krippendorff import LEVELS, AlphaResult, krippendorff_alpha

__all__ = [
    "ICC_FORMS",
    "LEVELS",
    "AgreementError",
    "AlphaResult",
    "CohenResult",
    "FleissResult",
    "IccEstimate",
    "IccResult",
    "cohen_kappa",
    "fleiss_kappa",
    "icc",
    "krippendorff_alpha",
]
