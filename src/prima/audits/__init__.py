"""A6 audits of staff practice by supervisors and mystery shoppers (issue 13): checklists and
their versions stored from :mod:`prima.audit_checklists`, audits with their answers, and the
score computed by :mod:`prima.metrics.audit_score`."""
