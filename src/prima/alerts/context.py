"""Template context: the signed-in user's unread notifications, for the header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from prima.alerts.models import Notification
    from prima.organizations.access import organizations_of

    count = Notification.objects.filter(
        user=user, read_at__isnull=True, organization__in=organizations_of(user)
    ).count()
    return {"unread_notifications": count}
