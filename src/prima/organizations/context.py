"""Template context: the organizations the signed-in user belongs to."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from prima.organizations.access import organizations_of

    return {"my_organizations": list(organizations_of(user))}
