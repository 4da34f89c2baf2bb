"""Single-use tokens in ``/manage/``: the survey admin's action that creates them, a printable
page of tickets (QR code, URL and code each) and a CSV of every token."""

from __future__ import annotations

import csv

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from prima.abuse.models import ResponseToken
from prima.abuse.services import tokens_create
from prima.collection import qr
from prima.surveys.models import Survey
from prima.transfers.export import neutralise

TOKENS_PER_ACTION = 100
TOKENS_PER_PAGE = 1000  # the printable page; the CSV carries every token


def _create_tokens_label() -> str:
    return gettext("Create %(count)s tokens") % {"count": TOKENS_PER_ACTION}


class SurveyTokensAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Mixed into the survey admin (:class:`prima.surveys.admin.SurveyAdmin`), whose URLs and
    scoped queryset it uses: ``/manage/surveys/survey/<id>/tokens/`` and ``tokens.csv``."""

    actions = ["create_tokens"]

    @admin.action(description=lazy(_create_tokens_label, str)(), permissions=["change"])
    def create_tokens(self, request: HttpRequest, queryset: QuerySet[Survey]) -> None:
        for survey in queryset:  # the admin's own surveys (get_queryset is scoped)
            if survey.is_employee:  # a token would link a response to it (issue 12)
                self.message_user(
                    request,
                    gettext('"%(title)s" is an employee survey: it takes no single-use tokens.')
                    % {"title": survey.title},
                    level=messages.WARNING,
                )
                continue
            tokens_create(survey=survey, count=TOKENS_PER_ACTION)
            page = reverse("manage:surveys_survey_tokens", args=[survey.pk])
            self.message_user(
                request,
                format_html(
                    gettext(
                        '{count} single-use tokens created for "{title}": '
                        '<a href="{tickets}">print the tickets</a> · '
                        '<a href="{csv}">download the CSV</a>'
                    ),
                    count=TOKENS_PER_ACTION,
                    title=survey.title,
                    tickets=page,
                    csv=reverse("manage:surveys_survey_tokens_csv", args=[survey.pk]),
                ),
            )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/tokens/",
                view(require_GET(self.tokens_page)),
                name="surveys_survey_tokens",
            ),
            path(
                "<path:object_id>/tokens.csv",
                view(require_GET(self.tokens_csv)),
                name="surveys_survey_tokens_csv",
            ),
            *super().get_urls(),
        ]

    def _survey(self, request: HttpRequest, object_id: str) -> Survey:
        survey = self.get_object(request, unquote(object_id))  # scoped to the admin's orgs
        if survey is None or not self.has_view_permission(request, survey):
            raise Http404("survey")
        return survey  # type: ignore[no-any-return]

    def _token_url(self, request: HttpRequest, survey: Survey, token: ResponseToken) -> str:
        return f"{qr.survey_short_url(survey, request.build_absolute_uri('/'))}?t={token.code}"

    def tokens_page(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The unused tokens as tickets to print: a QR code, the URL and the code each."""
        survey = self._survey(request, object_id)
        unused = survey.tokens.filter(response__isnull=True).select_related("unit")
        total = unused.count()
        tickets = []
        for token in unused.order_by("pk")[:TOKENS_PER_PAGE]:
            url = self._token_url(request, survey, token)
            tickets.append(
                {
                    "code": token.code,
                    "unit": token.unit,
                    "url": qr.display_url(url),
                    "qr": mark_safe(qr.qr_svg_inline(url, border=2)),  # segno escapes the URL
                }
            )
        context = {
            "survey": survey,
            "tickets": tickets,
            "total": total,
            "used": survey.tokens.filter(response__isnull=False).count(),
            "limit": TOKENS_PER_PAGE,
        }
        return render(request, "abuse/tokens_print.html", context)

    def tokens_csv(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Every token of the survey: code, URL, unit, created, used."""
        survey = self._survey(request, object_id)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="token-{survey.code}.csv"'
        writer = csv.writer(response, lineterminator="\n")
        writer.writerow(["code", "url", "unit", "created_at", "used"])
        tokens = survey.tokens.select_related("unit").order_by("pk")
        for token in tokens.iterator(chunk_size=2000):
            writer.writerow(
                [
                    token.code,
                    self._token_url(request, survey, token),
                    neutralise(token.unit.name) if token.unit else "",
                    timezone.localtime(token.created_at).isoformat(timespec="seconds"),
                    "yes" if token.response_id else "no",
                ]
            )
        return response
