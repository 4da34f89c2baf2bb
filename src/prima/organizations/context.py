"""Template context: the organizations the signed-in user belongs to, and whether they may
open ``/manage/`` (the navigation links it only for them)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from prima.organizations.access import organizations_of
    from prima.organizations.manage_site import manage_site

    return {
        "my_organizations": list(organizations_of(user)),
        # the same check as /manage/ itself: an organization-wide admin somewhere
        "show_manage": manage_site.has_permission(request),
    }
