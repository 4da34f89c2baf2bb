"""The signed-in user's own notifications (``/app/pemberitahuan/``): grouped by survey and unit
and paginated, one group's full list (``?group=``), and mark-as-read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from prima.alerts import selectors
from prima.alerts.models import Notification
from prima.alerts.services import notifications_mark_read
from prima.organizations.access import organizations_of


def notifications_of(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The user's own notifications, from organizations the user still belongs to."""
    return Notification.objects.filter(
        user=request.user, organization__in=organizations_of(request.user)
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    qs = notifications_of(request)
    context = {"unread": qs.filter(read_at__isnull=True).count(), "section": "alerts"}
    group = selectors.parse_group(request.GET.get("group"))
    if group is not None:
        page, info = selectors.group_notifications(qs, group, request.GET.get("page"))
        if info is None:
            raise Http404("notification group")
        context.update({"page": page, "group": info})
    else:
        page, groups = selectors.notification_groups(qs, request.GET.get("page"))
        context.update({"page": page, "groups": groups})
    return render(request, "alerts/notifications.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    """To the page the form was on (a local address only), else the list."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("alerts:list")


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    if not notifications_of(request).filter(pk=notification_id).exists():
        raise Http404("notification")  # another user's, or none: not found
    notifications_mark_read(user=request.user, ids=[notification_id])
    return _back(request)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user=request.user)
    return redirect("alerts:list")
