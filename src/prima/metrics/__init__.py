"""The analytics core: pure Python and NumPy, no Django, no I/O.

One module per method; each formula exists once in the project and cites its source:

- :mod:`prima.metrics.ikm`          IKM per PermenPAN-RB 14/2017 and KepMenPAN 25/2004
- :mod:`prima.metrics.gap`          performance vs expectation (kinerja vs harapan)
- :mod:`prima.metrics.servqual`     SERVQUAL dimension gaps, unweighted and weighted
- :mod:`prima.metrics.ipa`          Importance-Performance Analysis
- :mod:`prima.metrics.csi`          Customer Satisfaction Index
- :mod:`prima.metrics.nps`          Net Promoter Score
- :mod:`prima.metrics.reliability`  Cronbach's alpha and item-total correlations
- :mod:`prima.metrics.sampling`     Krejcie-Morgan and Slovin sample sizes
- :mod:`prima.metrics.agreement`    agreement between raters: Cohen's and Fleiss' kappa, ICC,
  Krippendorff's alpha
- :mod:`prima.metrics.shrinkage`    empirical-Bayes staff means for fair rankings
- :mod:`prima.metrics.audit_score`  the score of an A6 audit (per A, overall, critical lines)
- :mod:`prima.metrics.correlation`  Spearman's rank correlation with its interval
- :mod:`prima.metrics.disclosure`   the confidentiality threshold of employee surveys

Inputs are NumPy arrays of answers with ``NaN`` for "not answered"; outputs are frozen
dataclasses whose ``as_dict()`` gives the JSON shape of ``prima analyze --json``.
"""
