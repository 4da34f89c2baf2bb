"""The mystery shopper's confinement (issue 13 point 2): a middleware that answers 403 to every
back-office page (``/app/``, ``/manage/``, ``/admin/``) and every API operation that is not
public, for a mystery shopper's account (:func:`prima.audits.planning.is_mystery_shopper_only`:
a mystery shopper without any membership), signed in or with an API token, except the pages of
its own assignments (``/app/audit/tugas/...``), the audit submission endpoint and the offline
form's service worker (``/app/audit/sw.js``, no data); ``/app/``
itself sends it to its assignments.

The account holds no role, so the views' own scoping already shows it nothing; this gate makes
the refusal explicit and keeps it so when a new page forgets a check. Public pages (a survey's
form, an organization's public results, complaints, the kiosk) stay as public as they are.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from prima.audits.models import MysteryShopper
from prima.audits.planning import is_mystery_shopper_only
from prima.organizations.models import ApiToken, Membership

CONFINED = ("/app/", "/manage/", "/admin/", "/api/")
OPEN_TO_SHOPPERS = ("/app/audit/tugas/", "/app/audit/kirim/", "/app/audit/sw.js")
PUBLIC_API = ("/api/v1/public/",)


def _token_confined(request: HttpRequest) -> bool:
    """The request's bearer token is a confined mystery shopper's (one indexed query for the
    tokens of everyone else)."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return False
    shopper = (
        MysteryShopper.objects.filter(
            user__api_tokens__digest=ApiToken.hash(raw.strip()),
            user__api_tokens__revoked=False,
        )
        .values_list("user_id", flat=True)
        .first()
    )
    return shopper is not None and not Membership.objects.filter(user_id=shopper).exists()


class MysteryShopperGate:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(CONFINED) and not path.startswith(OPEN_TO_SHOPPERS + PUBLIC_API):
            user = request.user
            confined = is_mystery_shopper_only(user)
            if not confined and path.startswith("/api/"):
                confined = _token_confined(request)
            if confined:
                if path == "/app/":
                    return redirect("audits:assignments")
                if path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "a mystery shopper's account has no access here", "errors": {}},
                        status=403,
                    )
                raise PermissionDenied("mystery shopper")
        return self.get_response(request)
