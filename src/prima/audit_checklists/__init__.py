"""Audit checklists as data (issue 13 point 1): what a supervisor or a mystery shopper observes
of a staff member's service, line by line, grouped along the six A's of the A6 concept.

Built-in checklists live in ``builtin/<code>.json``, versioned, with texts in Bahasa Indonesia
and English, like the survey instruments (:mod:`prima.instruments`). Framework-free: the web
platform stores a checklist's JSON and reads it back with :func:`parse_checklist`; the scoring
is :mod:`prima.metrics.audit_score`.
"""

from prima.audit_checklists.model import (
    A6_KEYS,
    ANSWER_TYPES,
    NA,
    NO,
    SCALE4,
    YES,
    YES_NO,
    AnswerError,
    AuditChecklist,
    ChecklistError,
    ChecklistLine,
    builtin_codes,
    check_answers,
    load_checklist,
    parse_checklist,
)

__all__ = [
    "A6_KEYS",
    "ANSWER_TYPES",
    "NA",
    "NO",
    "SCALE4",
    "YES",
    "YES_NO",
    "AnswerError",
    "AuditChecklist",
    "ChecklistError",
    "ChecklistLine",
    "builtin_codes",
    "check_answers",
    "load_checklist",
    "parse_checklist",
]
