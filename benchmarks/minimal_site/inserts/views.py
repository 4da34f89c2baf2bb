"""POST JSON -> one INSERT -> 201 {"id"}; GET /ready/ for the readiness probe."""

from __future__ import annotations

import json
import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from minimal_site.inserts.models import Submission


@csrf_exempt
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    try:
        data = json.loads(request.body)
        sid = uuid.UUID(str(data["submission_id"]))
        answers = dict(data["answers"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": "bad request"}, status=400)
    row = Submission.objects.create(submission_id=sid, answers=answers)
    return JsonResponse({"id": row.pk}, status=201)


@require_GET
def ready(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})
