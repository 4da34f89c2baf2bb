"""The signed-in user's own notifications: the list and mark-as-read (``/app/pemberitahuan/``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from prima.alerts.models import Notification
from prima.alerts.services import notifications_mark_read
from prima.organizations.access import organizations_of

PER_PAGE = 50


def notifications_of(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The user's own notifications, from organizations the user still belongs to."""
    return Notification.objects.filter(
        user=request.user, organization__in=organizations_of(request.user)
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    qs = notifications_of(request)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "notifications": page.object_list,
        "page": page,
        "unread": qs.filter(read_at__isnull=True).count(),
    }
    return render(request, "alerts/notifications.html", context)


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    if not notifications_of(request).filter(pk=notification_id).exists():
        raise Http404("notification")  # another user's, or none: not found
    notifications_mark_read(user=request.user, ids=[notification_id])
    return redirect("alerts:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user=request.user)
    return redirect("alerts:list")
