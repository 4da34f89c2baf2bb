"""Template context: whether the signed-in user sees the Cases section in the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def cases_navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from prima.casework.access import case_organizations

    return {"show_cases": case_organizations(user).exists()}
