"""Reading labels: the category a complaint's labels suggest (issue 14: "a complaint case gets a
suggested category")."""

from __future__ import annotations

from typing import Any

from prima.remark_labels.models import RemarkLabel


def suggested_category_key(case: Any) -> str | None:
    """The key of the built-in case category the case's labels point to: its A of A6 when the
    complaint is about a staff member's conduct, else its SKM unsur (``U1``..``U9``), else None
    (no label yet, or a general remark). The case categories carry these keys
    (:data:`prima.cases.services.BUILTIN_CATEGORIES`)."""
    row = (
        RemarkLabel.objects.filter(case_id=case.pk).values_list("a6", "unsur").first()
        if case.pk
        else None
    )
    if row is None:
        return None
    a6, unsur = row
    return a6 or unsur or None
