"""Tenant isolation and role scoping, through the whole HTTP stack.

The walker visits every URL pattern of the site (pages, the public survey pages, both admin
sites and every operation of the JSON API) as a user of another organization (charlie), as a
signed-in user without any membership (mallory) and as an anonymous visitor, with every
HTTP method. Path parameters are filled with Dinas Alpha's real codes, slugs and object ids.
No response may contain Dinas Alpha's data (its public survey pages may show the survey
definition, never results or responses) and no request may change any row.

The walker refuses URL patterns and API parameters it does not know how to fill, so a new
endpoint fails this test until the walker covers it.
"""

from __future__ import annotations

import io
import json
import re
import types
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve
from PIL import Image

from prima.alerts.models import Alert, AlertKind, AlertRule, Notification
from prima.audit_checklists import load_checklist
from prima.audits import planning
from prima.audits.models import Audit, AuditAssignment, CorrectiveAction
from prima.audits.services import checklist_save
from prima.cases.models import Case, FollowUpRule
from prima.cases.services import case_note, case_receive, case_transition
from prima.collection.kiosks import kiosk_register
from prima.collection.models import KioskDevice
from prima.config.api import api
from prima.evidence.models import EvidencePhoto
from prima.evidence.services import CheckedPhoto, photos_attach, settings_set
from prima.insights.publication import result_publish
from prima.insights.results import survey_results
from prima.organizations import services as org
from prima.organizations.manage_site import manage_site
from prima.organizations.models import CalendarDay, Organization
from prima.surveys.models import InstrumentVersion, Response, Survey
from prima.transfers.export_jobs import export_job_create, export_job_run
from prima.transfers.models import ExportJob
from prima.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.web.personas import (
    ALPHA_INSTRUMENT_TITLE,
    ALPHA_SUGGESTION,
    Markers,
    World,
    add_alpha_private_data,
    skm_answers,
    submit,
)

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
OUTSIDERS = ("charlie", "mallory", None)

# Pages outside the API and the admin sites, and what they are. "private": back office, shows
# nothing of an organization to outsiders; "public": a survey's public page (its definition is
# public by design, its results and responses are not); "auth": sign-in and sign-out.
PAGES: dict[str, tuple[str, tuple[str, ...]]] = {  # route: (kind, the query parameters it reads)
    "": ("private", ()),
    "favicon.ico": ("public", ()),  # the site's icon, the same for everyone
    "accounts/login/": ("auth", ()),
    "accounts/logout/": ("auth", ()),
    "i18n/setlang/": ("auth", ()),  # the language switch: sets a cookie, redirects back
    "design/": ("public", ()),  # the design system's component page: examples, no data
    "app/": ("private", ()),
    # the dashboard: filters, the trend's step, the suggestions' search and page
    "app/surveys/<str:code>/": (
        "private",
        (
            "unit",
            "service",
            "staff",
            "period",
            "from",
            "to",
            "per",
            "q",
            "page",
            "unsur",
            "a6",
            "sentiment",
        ),
    ),
    # a manager corrects the labels of a suggestion (prima.remark_labels)
    "app/surveys/<str:code>/saran/<int:response_id>/label/": ("private", ()),
    "app/surveys/<str:code>/qr/<int:unit_id>.svg": ("private", ("service", "staff")),
    "app/surveys/<str:code>/qr/<int:unit_id>.png": ("private", ("service", "staff")),
    r"app/surveys/(?P<code>[^/]+)/poster/(?P<unit_id>[0-9]+)-(?P<size>a4|a5)\.pdf$": (
        "private",
        ("service", "staff"),
    ),
    r"app/surveys/(?P<code>[^/]+)/poster/semua-(?P<size>a4|a5)\.pdf$": ("private", ()),
    r"app/surveys/(?P<code>[^/]+)/laporan-skm\.(?P<fmt>pdf|xlsx)$": ("private", ("unit", "period")),
    "app/surveys/<str:code>/import/": ("private", ()),
    # exports in the background: the form (prefilled from the results page's filters), a
    # job's progress page and its file
    "app/surveys/<str:code>/ekspor/": ("private", ("unit", "period")),
    "app/surveys/<str:code>/ekspor/<int:job_id>/": ("private", ()),
    "app/surveys/<str:code>/ekspor/<int:job_id>/unduh/": ("private", ()),
    # one-time invitations of an employee survey (prima.invitations): participation per unit,
    # making invitations (POST: the slips' PDF or a redirect) and the policy (POST, admins)
    "app/surveys/<str:code>/undangan/": ("private", ()),
    "app/surveys/<str:code>/undangan/buat/": ("private", ()),
    "app/surveys/<str:code>/undangan/aturan/": ("private", ()),
    # the triple-win scorecard of a unit (or the organization) and period, and its PDF
    # (prima.scorecards; the employee side under the confidentiality threshold)
    "app/kartu-skor/": ("private", ("unit", "period")),
    "app/kartu-skor/pdf/": ("private", ("unit", "period")),
    # the signed-in user's own notifications (prima.alerts): the list and mark-as-read
    "app/pemberitahuan/": ("private", ()),
    "app/pemberitahuan/<int:notification_id>/baca/": ("private", ()),
    "app/pemberitahuan/baca-semua/": ("private", ()),
    # staff scorecards (prima.staffcards): a unit subtree's fair ranking, a staff member's
    # scorecard and its PDF (themselves and their supervisors only), a coaching note (POST)
    "app/kartu-staf/": ("private", ("unit", "period")),
    "app/kartu-staf/<int:staff_id>/": ("private", ("period",)),
    "app/kartu-staf/<int:staff_id>/pdf/": ("private", ("period",)),
    "app/kartu-staf/<int:staff_id>/catatan/": ("private", ()),
    # auditor calibration (prima.calibration): the agreement of the encounters audited twice
    # (unit, period, checklist version) and one encounter's answers side by side
    "app/kalibrasi/": ("private", ("unit", "period", "version")),
    "app/kalibrasi/<str:slug>/<str:encounter>/": ("private", ()),
    r"app/surveys/(?P<code>[^/]+)/import/template\.(?P<fmt>csv|xlsx)$": ("private", ()),
    "s/<str:code>/": ("public", ()),
    "s/<str:code>/terima-kasih/": ("public", ()),
    # the kiosk: an app shell with no server-side data, its service worker and manifest, and
    # the pairing page (only a valid one-time code shows anything of a device)
    "kiosk/": ("public", ()),
    "kiosk/sw.js": ("public", ()),
    "kiosk/manifest.webmanifest": ("public", ()),
    "kiosk/pair/<str:pairing_code>/": ("public", ()),
    # an organization's public results page and its widget: published periods only (the
    # walker's organization publishes one period without responses, see ``markers``)
    "hasil/<slug:slug>/": ("public", ()),
    "hasil/<slug:slug>/embed/": ("public", ()),
    # complaints (prima.cases): an organization's form (the units of its public surveys; a
    # unit as parameter), the lookup by code, and by tracking code (the complainant's key) the
    # tracking page, the receipt and the rating and reopening (POST; never the contact, owner,
    # internal notes or text)
    "pengaduan/<slug:slug>/": ("public", ("unit",)),
    "pengaduan/lacak/": ("public", ("kode",)),
    "pengaduan/lacak/<str:tracking_code>/": ("public", ()),
    "pengaduan/lacak/<str:tracking_code>/tanda-terima/": ("public", ()),
    "pengaduan/lacak/<str:tracking_code>/nilai/": ("public", ()),
    "pengaduan/lacak/<str:tracking_code>/buka-kembali/": ("public", ()),
    # the staff's case pages (prima.casework): the list (filters, search, pages), the intake,
    # a case's page and its actions (POST: status, owner, category, internal note)
    "app/kasus/": ("private", ("unit", "period", "q", "page")),
    "app/kasus/baru/": ("private", ()),
    "app/kasus/<int:case_id>/": ("private", ()),
    "app/kasus/<int:case_id>/status/": ("private", ()),
    "app/kasus/<int:case_id>/pemilik/": ("private", ()),
    "app/kasus/<int:case_id>/kategori/": ("private", ()),
    "app/kasus/<int:case_id>/catatan/": ("private", ()),
    # audits (prima.audits): one's own assignments and their form, the JSON submission, a
    # supervisor's new audit (a unit, a corrective action to re-audit), an audit's scores, a
    # corrective action made from it, the actions' list and an action's page
    "app/audit/tugas/": ("private", ()),
    "app/audit/tugas/<int:assignment_id>/": ("private", ()),
    "app/audit/kirim/": ("private", ()),
    "app/audit/sw.js": ("public", ()),  # the offline form's service worker (no data)
    "app/audit/baru/": ("private", ("unit", "action")),
    "app/audit/<int:audit_id>/": ("private", ()),
    "app/audit/<int:audit_id>/pdf/": ("private", ()),  # the audit as a PDF
    "app/audit/<int:audit_id>/tindakan/": ("private", ()),
    "app/audit/tindakan/": ("private", ("status",)),
    "app/audit/tindakan/<int:action_id>/": ("private", ()),
    # evidence photos (prima.evidence): a photo, its thumbnail, deleting it (POST), adding
    # photos to an audit (POST multipart): the audit's own readers only
    "app/bukti/<int:photo_id>/": ("private", ()),
    "app/bukti/<int:photo_id>/kecil/": ("private", ()),
    "app/bukti/<int:photo_id>/hapus/": ("private", ()),
    "app/bukti/audit/<int:audit_id>/": ("private", ()),
}
API_META = {"api/openapi.json", "api/docs", "api/"}
ADMIN_SITES = {"manage/": manage_site, "admin/": admin.site}
# admin views that take no parameter
ADMIN_PLAIN = {
    "",
    "login/",
    "logout/",
    "password_change/",
    "password_change/done/",
    "autocomplete/",
    "jsi18n/",
}
# admin addresses of models that moved to another app (ADR 0004), redirected to the new ones
MOVED_ADMIN = {"surveys/kioskdevice/(?P<rest>.*)$": KioskDevice}
# models in the admin that no tenant owns (platform accounts, the login-attempt log and the
# background tasks' queue, whose rows carry only ids)
PLATFORM_MODELS = {
    "auth.group",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "django_tasks_database.dbtaskresult",
}
# keys of results and responses, which a public endpoint must never answer with
RESULT_KEYS = {
    "ikm",
    "gap",
    "nps",
    "csi",
    "ipa",
    "servqual",
    "responses",
    "answers",
    "suggestion",
    "contact",
    "items",
}


class WalkerError(AssertionError):
    """The walker does not know how to exercise a URL pattern."""


Value = tuple[str, bool]  # a parameter value, and whether it names something off-limits


@dataclass
class Probe:
    """Who walks, with which parameter values, and what they must never see.

    Each value is flagged when it names an object the walker's persona must not reach: a
    private route answering 2xx for it is a leak, whatever the body says.
    """

    name: str
    codes: list[Value]
    slugs: list[Value]
    units: list[Value]
    services: list[Value]
    staff: list[Value]
    forbidden: list[str]  # strings no private page may show
    forbidden_public: list[str]  # strings no public survey page may show
    notifications: list[Value] = field(default_factory=list)  # other users' notifications
    export_jobs: list[Value] = field(default_factory=list)  # export jobs out of reach
    cases: list[Value] = field(default_factory=list)  # case ids (prima.cases)
    tracking_codes: list[Value] = field(default_factory=list)  # the complainants' keys
    responses: list[Value] = field(default_factory=list)  # response ids (suggestions' labels)
    assignments: list[Value] = field(default_factory=list)  # audit assignments (prima.audits)
    audits: list[Value] = field(default_factory=list)  # audits
    actions: list[Value] = field(default_factory=list)  # corrective actions
    photos: list[Value] = field(default_factory=list)  # audits' evidence photos (prima.evidence)


def other_tenant_probe(world: World, markers: Markers) -> Probe:
    """For charlie, mallory and anonymous visitors: everything of Dinas Alpha is off-limits."""
    return Probe(
        name="another tenant",
        codes=[(world.skm.code, True), (world.a6.code, True)],
        slugs=[("alpha", True), (str(world.alpha.pk), True)],
        units=[(str(world.upt1.pk), True), (str(world.loket1.pk), True)],
        services=[(str(world.service1.pk), True)],
        staff=[(str(world.staff1.pk), True)],
        forbidden=markers.all,
        forbidden_public=markers.private,
        notifications=alpha_notifications(),
        export_jobs=alpha_export_jobs(),
        cases=[(str(pk), True) for pk in Case.objects.values_list("pk", flat=True)],
        tracking_codes=alpha_tracking_codes(),
        responses=[(str(pk), True) for pk in alpha_suggestions()],
        assignments=[
            (str(pk), True) for pk in AuditAssignment.objects.values_list("pk", flat=True)
        ],
        audits=[(str(pk), True) for pk in Audit.objects.values_list("pk", flat=True)],
        actions=[(str(pk), True) for pk in CorrectiveAction.objects.values_list("pk", flat=True)],
        photos=[(str(pk), True) for pk in EvidencePhoto.objects.values_list("pk", flat=True)],
    )


@dataclass
class Target:
    route: str  # the route as ``resolve()`` reports it
    url: str
    kind: str  # "private", "public", "auth" or "meta"
    off_limits: bool  # a path parameter names an object the persona must not reach
    methods: tuple[str, ...] = METHODS
    api: bool = False
    queries: list[Value] = field(default_factory=lambda: [("", False)])
    form: dict[str, Any] = field(default_factory=dict)


# -- the URL patterns ----------------------------------------------------------------------------
def iter_routes(
    resolver: URLResolver | None = None, prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    """Every URL pattern with its full route, joined the way ``resolve()`` joins them."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        piece = str(pattern.pattern)
        route = prefix + (piece.removeprefix("^") if prefix else piece)
        if isinstance(pattern, URLResolver):
            yield from iter_routes(pattern, route)
        else:
            yield route, pattern


PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>(?P<regex>[^)]*)\)")


def route_params(route: str) -> list[tuple[str, str | None]]:
    """``[(name, regex or None)]`` of a route's parameters."""
    return [(m["name"] or m["rname"], m["regex"]) for m in PARAM.finditer(route)]


def fill(route: str, values: dict[str, str]) -> str:
    parts = PARAM.split(route)  # literal text, then each match's 4 groups, and so on
    out = []
    for i in range(0, len(parts), 5):
        out.append(re.sub(r"\\(.)", r"\1", parts[i]))  # a regex's escaped literal: \. is .
        if i + 1 < len(parts):
            out.append(values[parts[i + 2] or parts[i + 3]])
    return "/" + "".join(out).removeprefix("^").removesuffix("$")


def combine(params: dict[str, list[Value]]) -> list[tuple[dict[str, str], bool]]:
    """Every combination of the parameters' values, flagged when any value is off-limits."""
    combos: list[tuple[dict[str, str], bool]] = [({}, False)]
    for name, values in params.items():
        combos = [({**c, name: v}, off or flag) for c, off in combos for v, flag in values]
    return combos


def alpha_rows(model: type[Model], world: World) -> QuerySet[Any] | None:
    """The rows of ``model`` that belong to Dinas Alpha; None for models no tenant owns."""
    if model._meta.label_lower in PLATFORM_MODELS:
        return None
    if model is Organization:
        return Organization.objects.filter(pk=world.alpha.pk)
    if model is get_user_model():
        return model.objects.filter(memberships__organization=world.alpha).distinct().order_by("pk")
    if model is InstrumentVersion:
        return model.objects.filter(instrument__organization=world.alpha).order_by("pk")
    if model is FollowUpRule:  # a survey's rule (prima.followups)
        return model.objects.filter(survey__organization=world.alpha).order_by("pk")
    if any(f.name == "organization" for f in model._meta.get_fields()):
        return model._default_manager.filter(organization=world.alpha).order_by("pk")
    raise WalkerError(f"the walker does not know which {model._meta.label} rows belong to a tenant")


def alpha_pks(model: type[Model], world: World, limit: int = 3) -> list[int]:
    rows = alpha_rows(model, world)
    if rows is None:
        return []
    pks = list(rows.values_list("pk", flat=True)[:limit])
    if not pks:
        raise WalkerError(f"the world has no {model._meta.label} of Dinas Alpha to walk with")
    return pks


def admin_targets(route: str, rest: str, site: admin.AdminSite, world: World) -> list[Target]:
    """The admin sites: only Dinas Alpha's organization-wide admins may reach its rows."""
    base = route[: len(route) - len(rest)]
    if rest in ADMIN_PLAIN:
        queries = [("", False)]
        if rest == "autocomplete/":
            queries += [(q, False) for q in autocomplete_queries(site)]
        return [
            Target(route, "/" + route, "private", False, queries=queries, form=form_payload(world))
        ]
    if rest == "r/<path:content_type_id>/<path:object_id>/":
        out = []
        for model in site._registry:
            ct = ContentType.objects.get_for_model(model)
            for pk in alpha_pks(model, world, limit=1):
                url = fill(route, {"content_type_id": str(ct.pk), "object_id": str(pk)})
                out.append(Target(route, url, "private", True))
        return out
    params = route_params(rest)
    if len(params) == 1 and params[0][0] == "app_label" and params[0][1]:
        labels = params[0][1].split("|")
        return [
            Target(route, fill(route, {"app_label": label}), "private", False) for label in labels
        ]
    if rest in MOVED_ADMIN:  # an old address that redirects to the model's new one
        model = MOVED_ADMIN[rest]
        wanted = ["", "add/", *(f"{pk}/change/" for pk in alpha_pks(model, world, limit=1))]
        return [
            Target(route, fill(route, {"rest": r}), "private", r.endswith("change/"))
            for r in wanted
        ]
    if rest == "(?P<url>.*)$":
        wanted = [
            f"organizations/unit/{world.upt1.pk}",
            f"surveys/survey/{world.skm.pk}/change",
            "nothing-here",
        ]
        return [Target(route, fill(route, {"url": u}), "private", False) for u in wanted]
    match = re.fullmatch(r"(\w+)/(\w+)/(.*)", rest)
    if match is None:
        raise WalkerError(f"unknown admin route {route!r}")
    model = apps.get_model(match[1], match[2])
    if model not in site._registry:
        raise WalkerError(f"{route!r}: {model._meta.label} is not registered in {base!r}")
    names = [name for name, _ in route_params(match[3])]
    if len(names) > 1:
        raise WalkerError(f"unknown admin route {route!r}")
    form = form_payload(world, model)
    if not names:
        queries = [("", False)]
        if match[3] == "":  # the change list: search, filter and sort across tenants
            for q in (
                "?q=Alpha",
                f"?organization__id__exact={world.alpha.pk}",
                f"?unit__id__exact={world.upt1.pk}",
                "?o=1",
            ):
                queries.append((q, False))
        return [Target(route, "/" + route, "private", False, queries=queries, form=form)]
    pks = alpha_pks(model, world)
    if not pks:  # a platform model: no tenant data, walk with an id that does not exist
        return [Target(route, fill(route, {names[0]: "987654"}), "private", False, form=form)]
    return [
        Target(route, fill(route, {names[0]: str(pk)}), "private", True, form=form) for pk in pks
    ]


def autocomplete_queries(site: admin.AdminSite) -> list[str]:
    """One autocomplete query per relation field of a registered model (search ``Alpha``)."""
    out = []
    for model in site._registry:
        for f in model._meta.get_fields():
            if (
                getattr(f, "related_model", None) in site._registry
                and (f.many_to_one or f.many_to_many)
                and f.concrete
            ):
                out.append(
                    f"?app_label={model._meta.app_label}&model_name={model._meta.model_name}&field_name={f.name}&term=Alpha"
                )
    out.append("?app_label=organizations&model_name=service&field_name=unit")
    return out


def form_payload(world: World, model: type[Model] | None = None) -> dict[str, Any]:
    """A form that tries to create, change or delete Dinas Alpha's rows."""
    selected = alpha_pks(model, world) if model is not None else [world.upt1.pk]
    return {
        "organization": world.alpha.pk,
        "unit": world.upt1.pk,
        "parent": world.dinas.pk,
        "units": [world.upt1.pk, world.upt2.pk],
        "services": [world.service1.pk],
        "service": world.service1.pk,
        "staff": world.staff1.pk,
        "user": world.users["mallory"].pk,
        "role": "admin",
        "name": "DIRETAS",
        "title": "DIRETAS",
        "code": "DIRETAS",
        "key": "diretas",
        "kind": "other",
        "status": "closed",
        "active": "on",
        "instrument_version": world.skm.instrument_version_id,
        "survey": world.skm.pk,
        "definition": "{}",
        "action": "delete_selected",
        "_selected_action": selected,
        "post": "yes",
        "_save": "Save",
        "submission_id": str(uuid.uuid4()),
        "username": "walker-nobody",
        "password": "wrong-password",
        "old_password": "wrong-password",
        "new_password1": "Another-pass-7734",
        "new_password2": "Another-pass-7734",
        "suggestion": "DIRETAS",
    }


def page_param(name: str, regex: str | None, probe: Probe) -> list[Value]:
    """Values for a page's URL parameter."""
    if regex and re.fullmatch(r"\w+(\|\w+)+", regex):  # a choice of words, e.g. a4|a5
        return [(word, False) for word in regex.split("|")]
    known = {
        "code": probe.codes,
        "unit_id": probe.units,
        # a pairing code is a one-time secret the walker cannot know: an unknown one, and a
        # survey code (a known public value in the wrong place)
        "pairing_code": [("unknown-pairing-code", False), *probe.codes],
        # a notification is its user's alone: another user's, and one that does not exist
        "notification_id": [*probe.notifications, ("987654", False)],
        "job_id": [*probe.export_jobs, ("987654", False)],
        "slug": probe.slugs,
        "tracking_code": [*probe.tracking_codes, ("ABCD-EFGH-JK", False)],
        "case_id": [*probe.cases, ("987654", False)],
        "response_id": [*probe.responses, ("987654", False)],
        "staff_id": [*probe.staff, ("987654", False)],  # staff scorecards
        "assignment_id": [*probe.assignments, ("987654", False)],
        "audit_id": [*probe.audits, ("987654", False)],
        "action_id": [*probe.actions, ("987654", False)],
        # an encounter code (calibration) is named with its organization (slug)
        "encounter": [("KAL-WALK-1", False)],
        "photo_id": [*probe.photos, ("987654", False)],
    }
    if name not in known:
        raise WalkerError(f"the walker does not know how to fill the URL parameter {name!r}")
    return known[name]


def page_targets(
    route: str, kind: str, world: World, probe: Probe, reads: tuple[str, ...] = ()
) -> list[Target]:
    params = {name: page_param(name, regex, probe) for name, regex in route_params(route)}
    catalog = {
        "unit": probe.units,
        "service": probe.services,
        "staff": probe.staff,
        "period": [("2026", False)],
        "from": [("2026-01-01", False)],
        "to": [("2026-12-31", False)],
        "per": [("quarter", False)],
        "q": [("Alpha", False), ("rahasia", False)],
        "page": [("2", False)],
        "kode": [("ABCD-EFGH-JK", False), *probe.tracking_codes],
        "unsur": [("U8", False)],
        "a6": [("attitude", False)],
        "sentiment": [("negatif", False)],
        "action": probe.actions[:1],
        "status": [("open", False)],
        "version": [("987654", False)],
    }
    queries = [("", False)]
    for name in reads:  # each query parameter alone, then all of them
        queries += [(f"?{name}={v}", off) for v, off in catalog[name]]
    if len(reads) > 1:
        every = combine({name: catalog[name][:1] for name in reads})[0]
        queries.append(("?" + "&".join(f"{k}={v}" for k, v in every[0].items()), every[1]))
    return [
        Target(route, fill(route, values), kind, off, queries=queries, form=form_payload(world))
        for values, off in combine(params)
    ]


def api_path(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def api_param(name: str, where: str, probe: Probe) -> list[Value]:
    """Values for an API parameter."""
    known: dict[tuple[str, str], list[Value]] = {
        ("code", "path"): probe.codes,
        ("slug", "path"): probe.slugs,
        ("unit", "query"): probe.units,
        ("service", "query"): probe.services,
        ("staff", "query"): probe.staff,  # the cases' metrics by staff member
        ("period", "query"): [("2026", False)],
        ("limit", "query"): [("10", False)],
        ("offset", "query"): [("0", False)],
        # an organization's calendar: the day and the year (the slug names the organization)
        ("date", "path"): [("2026-04-08", False)],
        ("year", "query"): [("2026", False)],
        # cases (prima.cases): a case's id, a complainant's tracking code (public: whoever holds
        # it sees the case's status and history, never its contact or internal notes), filters
        ("id", "path"): [*probe.cases, ("987654", False)],
        ("tracking_code", "path"): [*probe.tracking_codes, ("ABCD-EFGH-JK", False)],
        ("organization", "query"): probe.slugs,
        ("status", "query"): [("baru", False)],
        ("version", "query"): [("987654", False)],  # a checklist version (calibration)
    }
    if (name, where) not in known:
        raise WalkerError(f"the walker does not know how to fill the {where} parameter {name!r}")
    return known[(name, where)]


def api_targets(schema: dict[str, Any], world: World, probe: Probe) -> list[Target]:
    out = []
    for api_route, operations in schema["paths"].items():
        route = api_route.removeprefix("/").replace("{", "<").replace("}", ">")
        public = [op for op in operations.values() if not op.get("security")]
        if public and len(public) != len(operations):
            raise WalkerError(f"{api_route}: mixes public and authenticated operations")
        params: dict[str, list[Value]] = {}
        query: dict[str, list[Value]] = {}
        for op in operations.values():
            for p in op.get("parameters", []):
                values = api_param(p["name"], p["in"], probe)
                (params if p["in"] == "path" else query)[p["name"]] = values
        queries = [("", False)]
        if query:
            one = {name: values[:1] for name, values in query.items()}
            queries += [
                ("?" + "&".join(f"{k}={v}" for k, v in q.items()), off) for q, off in combine(one)
            ]
        payload = {
            "name": "DIRETAS",
            "code": "DIRETAS",
            "parent": world.dinas.pk,
            "population": 1,
            "answers": {"U1": 1},
            "unit": world.upt1.pk,
        }
        for values, off in combine(params):
            kind = "public" if public else "private"
            out.append(
                Target(
                    route, fill(route, values), kind, off, api=True, queries=queries, form=payload
                )
            )
    return out


def plan(
    world: World, probe: Probe, resolver: URLResolver | None = None
) -> tuple[list[Target], list[str]]:
    """What the walker will request, and the routes it does not know how to handle."""
    schema = api.get_openapi_schema()
    targets: list[Target] = []
    unknown: list[str] = []
    for route, pattern in iter_routes(resolver):
        try:
            if route in PAGES:
                kind, reads = PAGES[route]
                targets.extend(page_targets(route, kind, world, probe, reads))
            elif route in API_META:
                targets.append(Target(route, "/" + route, "meta", False, methods=("GET", "POST")))
            elif route.startswith("api/"):
                if api_path(route) not in schema["paths"]:
                    raise WalkerError(
                        f"{route!r} ({pattern.name}) is not an operation of /api/openapi.json"
                    )
            elif any(route.startswith(prefix) for prefix in ADMIN_SITES):
                prefix = next(p for p in ADMIN_SITES if route.startswith(p))
                targets.extend(
                    admin_targets(route, route[len(prefix) :], ADMIN_SITES[prefix], world)
                )
            else:
                raise WalkerError(f"unknown URL pattern {route!r} ({pattern.name})")
        except WalkerError as exc:
            unknown.append(str(exc))
    try:
        targets.extend(api_targets(schema, world, probe))
    except WalkerError as exc:
        unknown.append(str(exc))
    for t in targets:
        match = resolve(t.url.split("?")[0])
        if match.route != t.route:
            unknown.append(f"{t.url} resolves to {match.route!r}, not to the walked {t.route!r}")
    return targets, unknown


# -- state and leaks ---------------------------------------------------------------------------
SKIPPED_APPS = {"sessions", "axes"}
VOLATILE = {"last_login", "last_used_at"}


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table (sessions and the login-attempt log aside)."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in SKIPPED_APPS:
            continue
        rows = list(model._base_manager.order_by("pk").values())
        out[model._meta.label] = [{k: v for k, v in r.items() if k not in VOLATILE} for r in rows]
    return out


def diff(
    before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]]
) -> list[str]:
    return [label for label in before if before[label] != after.get(label)]


def rows_written() -> int:
    """How many rows this database connection has inserted, updated or deleted so far: cheap,
    so that the walker takes a full :func:`snapshot` only after requests that wrote something
    (a full one after every target was half the walk's time). SQLite counts on the connection
    (``total_changes``, triggers included); PostgreSQL counts within the test's transaction
    (``pg_stat_xact_all_tables``, savepoints and rolled-back writes included, which can only
    cause a needless snapshot). The walk ends with a full snapshot whatever the count says."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return int(connection.connection.total_changes)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
            " FROM pg_stat_xact_all_tables"
        )
        return int(cursor.fetchone()[0])


def json_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in json_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in json_keys(v)}
    return set()


def problems(target: Target, response: HttpResponse, probe: Probe, off_limits: bool) -> list[str]:
    """What is wrong with the response to ``target``."""
    out = []
    # a file streamed (an evidence photo) is read whole
    streamed = getattr(response, "streaming_content", None)
    raw = b"".join(streamed) if response.streaming and streamed is not None else response.content
    body = raw.decode("utf-8", "replace") + " " + response.get("Location", "")
    forbidden = probe.forbidden_public if target.kind == "public" else probe.forbidden
    leaked = [m for m in forbidden if m in body]
    if leaked:
        out.append(f"leaks {leaked}")
    if off_limits and target.kind != "public" and 200 <= response.status_code < 300:
        out.append(f"answers {response.status_code} for an object out of reach")
    if response.status_code >= 500:
        out.append(f"server error {response.status_code}")
    if target.kind == "public" and response.get("Content-Type", "").startswith("application/json"):
        keys = json_keys(json.loads(response.content)) & RESULT_KEYS
        if keys:
            out.append(f"public JSON carries {sorted(keys)}")
    return out


def client_for(world: World, persona: str | None, token: str | None) -> Client:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}") if token else Client()
    if persona is not None:
        client.force_login(world.users[persona])
    return client


def send(client: Client, target: Target, method: str, query: str) -> HttpResponse:
    url = target.url + query
    if method == "GET":
        return client.get(url)
    data = target.form
    if target.api:
        return client.generic(method, url, json.dumps(data), content_type="application/json")
    if method == "POST":
        return client.post(url, data)
    return client.generic(
        method, url, encode_multipart(BOUNDARY, data), content_type=MULTIPART_CONTENT
    )


def walk(
    world: World,
    persona: str | None,
    probe: Probe,
    targets: list[Target],
    statuses: dict[tuple[str, str], int] | None = None,
) -> list[str]:
    """Every target with every method; the problems found. ``statuses``, when given, receives
    the status of each request by (URL with its query, method)."""
    token = world.token(persona) if persona else None
    client = client_for(world, persona, token)
    failures: list[str] = []
    who = persona or "anonymous"
    # reading results may bring derived data up to date (rollups fold pending responses); do
    # it before the walk, so that a public results page that reads them changes nothing
    for survey in Survey.objects.order_by("pk"):
        survey_results(survey)
    before = snapshot()
    written = rows_written()
    for target in targets:
        for method in target.methods:
            for query, query_off in target.queries if method == "GET" else [("", False)]:
                response = send(client, target, method, query)
                if statuses is not None:
                    statuses[(target.url + query, method)] = response.status_code
                for p in problems(target, response, probe, target.off_limits or query_off):
                    failures.append(
                        f"{who} {method} {target.url}{query} -> {response.status_code}: {p}"
                    )
                if persona is not None and not response.wsgi_request.user.is_authenticated:
                    # a logout route signed the persona out: sign in again for the next request
                    client = client_for(world, persona, token)
        if rows_written() == written:
            continue
        after = snapshot()
        written = rows_written()
        changed = diff(before, after)
        if changed:
            failures.append(f"{who} {'/'.join(target.methods)} {target.url} changed {changed}")
            before = after
    changed = diff(before, snapshot())  # a write the counter missed: blamed on the whole walk
    if changed:
        failures.append(f"{who}: the walk changed {changed}")
    return failures


# -- tests -------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


KIOSK_NAME = "Tablet Rahasia Loket Alpha"
CLOSED_DAY_NAME = "Libur rahasia Alpha 3h6p"
ALERT_MESSAGE = "Peringatan rahasia Alpha: IKM turun 4k9z"


def add_alpha_alert(world: World) -> None:
    """An alert rule, a raised alert of UPT Alpha Dua and alice's notification of it."""
    AlertRule.objects.create(organization=world.alpha, survey=world.skm, min_responses=2)
    alert = Alert.objects.create(
        organization=world.alpha,
        survey=world.skm,
        unit=world.upt2,
        period="2026-01",
        kind=AlertKind.THRESHOLD,
        metric="ikm",
        value=58.3,
        responses=30,
        message=ALERT_MESSAGE,
    )
    Notification.objects.create(
        user=world.users["alice"],
        organization=world.alpha,
        alert=alert,
        title=ALERT_MESSAGE,
        body=ALERT_MESSAGE,
    )


def add_alpha_export_job(world: World) -> None:
    """alice's finished export of the whole organization (its file in the data folder)."""
    job = export_job_create(user=world.users["alice"], survey=world.skm, fmt="csv", enqueue=False)
    export_job_run(job.pk)


def alpha_export_jobs() -> list[Value]:
    return [(str(pk), True) for pk in ExportJob.objects.values_list("pk", flat=True)]


WEBHOOK_URL = "https://hooks.alpha.example/rahasia-6w2p"


def add_alpha_webhook(world: World) -> list[str]:
    """A webhook endpoint of Dinas Alpha and one failed delivery to it (prima.webhooks): its
    address, description, signing secret and message id must never reach an outsider."""
    endpoint = WebhookEndpoint.objects.create(
        organization=world.alpha,
        url=WEBHOOK_URL,
        description="Penerima rahasia Alpha 1c8v",
        event_types=["case.created", "response.created"],
    )
    delivery = WebhookDelivery.objects.create(
        organization=world.alpha,
        endpoint=endpoint,
        event_type="case.created",
        message_id="msg_alphaRahasia3k7wQ",
        payload={"type": "case.created", "data": {"tracking_code": "ALPH-A9K3-7Q"}},
        status=DeliveryStatus.FAILED,
        attempts=3,
    )
    return [WEBHOOK_URL, endpoint.description, endpoint.secret, delivery.message_id]


ALPHA_CASE_TEXT = "Pengaduan rahasia Alpha: pungutan liar di loket 2x9v"
ALPHA_CASE_CONTACT = {
    "name": "Sri Pelapor Rahasia",
    "email": "sri.pelapor@alpha.example",
    "phone": "0812-4040-7171",
}
ALPHA_CASE_NOTES = ("Catatan internal rahasia 5t8q", "Catatan status tak publik 3r6w")


def add_alpha_case(world: World) -> list[str]:
    """A complaint at UPT Alpha Satu (a unit of the public survey, so its tracking page may name
    it) with a contact, an internal note and a status note not meant for the complainant; in
    ``diproses``, so that neither rating nor reopening can change it."""
    case, _ = case_receive(
        organization=world.alpha,
        unit=world.upt1,
        text=ALPHA_CASE_TEXT,
        channel="web",
        contact=ALPHA_CASE_CONTACT,
        consent=True,
    )
    case_transition(case, status="diverifikasi", note="Diterima.")
    case_note(case, note=ALPHA_CASE_NOTES[0], user=None)
    case_transition(case, status="diproses", note=ALPHA_CASE_NOTES[1], public_note=False)
    return [ALPHA_CASE_TEXT, *ALPHA_CASE_CONTACT.values(), *ALPHA_CASE_NOTES]


ALPHA_ACTION_TEXT = "Tindakan korektif rahasia Alpha 8k2d"
ALPHA_CHECKLIST_TITLE = "Daftar periksa rahasia Alpha 3q9z"


def add_alpha_audit_work(world: World) -> list[str]:
    """Audit plans (prima.audits): mia, a mystery shopper of Dinas Alpha (no membership), with
    an assignment at UPT Alpha Dua; bob's assignment at Loket Satu; a corrective action owned
    by bob on the walker's audit of Loket Satu; Dinas Alpha's own checklist (in /manage/)."""
    world.users["mia"] = planning.mystery_shopper_create(
        organization=world.alpha, username="mia", password="mia-pass-2026"
    ).user
    upt2_plan = planning.plan_create(
        organization=world.alpha, unit=world.upt2, period="2026-04", target=4
    )
    planning.assignment_create(plan=upt2_plan, auditor=world.users["mia"], count=2)
    loket_plan = planning.plan_create(
        organization=world.alpha, unit=world.loket1, period="2026-04", target=4
    )
    planning.assignment_create(plan=loket_plan, auditor=world.users["bob"], count=2)
    audit = Audit.objects.get(organization=world.alpha)
    CorrectiveAction.objects.create(
        organization=world.alpha,
        audit=audit,
        description=ALPHA_ACTION_TEXT,
        owner=world.users["bob"],
        due_date=date(2026, 4, 15),
    )
    own = {**load_checklist("a6").raw, "code": "alpha-own", "title": ALPHA_CHECKLIST_TITLE}
    checklist_save(organization=world.alpha, definition=own)
    return [ALPHA_ACTION_TEXT, ALPHA_CHECKLIST_TITLE]


def add_alpha_evidence(world: World) -> None:
    """An evidence photo on the walker's audit of Loket Satu (prima.evidence), and Dinas
    Alpha's evidence settings (keeping the location)."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, "JPEG")
    audit = Audit.objects.get(organization=world.alpha)
    photo = SimpleUploadedFile("bukti-alpha.jpg", out.getvalue(), content_type="image/jpeg")
    photos_attach(audit=audit, photos=[CheckedPhoto(photo, "bukti-alpha.jpg")], user=None)
    settings_set(organization=world.alpha, keep_location=True)


def alpha_suggestions() -> list[int]:
    """A few responses of Dinas Alpha with a suggestion (their labels can be corrected)."""
    rows = Response.objects.filter(organization__slug="alpha").exclude(suggestion="")
    return list(rows.order_by("pk").values_list("pk", flat=True)[:3])


def alpha_tracking_codes() -> list[Value]:
    """Public by design (the complainant's key): flagged False, the walker checks the body."""
    return [(c, False) for c in Case.objects.values_list("tracking_code", flat=True)]


def alpha_notifications() -> list[Value]:
    return [(str(pk), True) for pk in Notification.objects.values_list("pk", flat=True)]


@pytest.fixture
def markers(world: World, settings: Any, tmp_path: Any) -> Markers:
    markers = add_alpha_private_data(world)
    # a kiosk device of Dinas Alpha, still waiting for its tablet (its pairing code unknown here)
    kiosk_register(survey=world.skm, unit=world.loket1, name=KIOSK_NAME)
    markers.private.append(KIOSK_NAME)
    # an alert of UPT Alpha Dua and alice's notification of it (prima.alerts)
    add_alpha_alert(world)
    markers.private.append(ALERT_MESSAGE)
    # a published period without responses: /manage/ lists it, /hasil/alpha/ shows it, and the
    # unpublished periods (with the plan, the services, the suggestion) never show there
    result_publish(survey=world.skm, period="2020")
    add_alpha_export_job(world)
    # a day Dinas Alpha's admin closed (its calendar of working days)
    CalendarDay.objects.create(
        organization=world.alpha, date=date(2026, 4, 8), working=False, name=CLOSED_DAY_NAME
    )
    markers.private.append(CLOSED_DAY_NAME)
    markers.private.extend(add_alpha_webhook(world))
    markers.private.extend(add_alpha_case(world))
    # the follow-up rule of Dinas Alpha's A6 survey (prima.followups, in /manage/)
    FollowUpRule.objects.create(survey=world.a6, nps_at_most=5, gap_at_least=3)
    markers.private.extend(add_alpha_audit_work(world))
    settings.MEDIA_ROOT = tmp_path / "media"
    add_alpha_evidence(world)
    return markers


@pytest.fixture
def probe(world: World, markers: Markers) -> Probe:
    return other_tenant_probe(world, markers)


def test_walker_covers_every_url_pattern(world, probe):
    targets, unknown = plan(world, probe)
    assert unknown == []
    routes = {t.route for t in targets}
    walked_api = {t.route for t in targets if t.api}
    assert {r for r, _ in iter_routes() if r.startswith("api/v1/")} <= walked_api
    assert {r for r, _ in iter_routes()} == routes
    assert len(targets) > 100


def _unknown_view(request, thing):  # pragma: no cover - never called
    return HttpResponse("x")


def test_walker_refuses_a_pattern_it_does_not_know(world, probe):
    urlconf = types.ModuleType("walker_probe_urls")
    urlconf.urlpatterns = [
        *get_resolver().url_patterns,
        path("reports/<int:thing>/", _unknown_view),
    ]
    _, unknown = plan(world, probe, URLResolver(get_resolver().pattern, urlconf))
    assert any("reports/<int:thing>/" in u for u in unknown), unknown


def test_walker_refuses_a_parameter_it_does_not_know(world, probe):
    operation = {"get": {"parameters": [{"name": "staff_id", "in": "path"}]}}
    with pytest.raises(WalkerError, match="staff_id"):
        api_targets({"paths": {"/api/v1/x/{staff_id}": operation}}, world, probe)
    with pytest.raises(WalkerError, match="member"):
        page_targets("app/people/<int:member>/", "private", world, probe)


def test_leak_detector_detects_leaks_and_changes(world, probe):
    target = Target("app/surveys/<str:code>/", "/x/", "private", True)
    assert problems(target, HttpResponse(f"<td>{world.loket1.name}</td>"), probe, True)
    assert problems(target, HttpResponse("ok"), probe, True)  # 200 for an alpha object
    assert problems(target, HttpResponse("ok", status=404), probe, True) == []
    public = Target("s/<str:code>/", "/s/x/", "public", True)
    assert problems(public, HttpResponse(world.skm.title), probe, True) == []
    assert problems(public, HttpResponse(f"<p>{ALPHA_SUGGESTION}</p>"), probe, True)
    assert problems(
        public, HttpResponse(b'{"ikm": 1}', content_type="application/json"), probe, True
    )
    before = snapshot()
    written = rows_written()
    Response.objects.filter(survey=world.skm).delete()
    assert rows_written() > written  # the cheap check sees the write too
    assert diff(before, snapshot()) == ["surveys.Response"]


@pytest.mark.parametrize(
    "persona", OUTSIDERS, ids=["charlie-other-tenant", "mallory-no-membership", "anonymous"]
)
def test_outsiders_see_and_change_nothing_of_another_tenant(world, probe, persona):
    targets, unknown = plan(world, probe)
    assert unknown == []
    failures = walk(world, persona, probe, targets)
    assert failures == [], "\n".join(failures[:40])


def test_walk_reaches_alpha_data_as_its_admin(world, probe, markers):
    """The walker's URLs really point at Dinas Alpha's data: alice, its admin, sees it there."""
    targets, _ = plan(world, probe)
    client = client_for(world, "alice", world.token("alice"))
    seen = set()
    for target in targets:
        if target.off_limits and target.kind == "private":
            response = client.get(target.url)
            if response.status_code == 200:
                seen.add(target.route)
                if response["Content-Type"].startswith("text/html"):
                    assert any(m in response.content.decode() for m in markers.all), target.url
    assert {
        "app/surveys/<str:code>/",
        "app/surveys/<str:code>/qr/<int:unit_id>.svg",
        "app/surveys/<str:code>/ekspor/<int:job_id>/",
        "app/surveys/<str:code>/ekspor/<int:job_id>/unduh/",
        r"app/surveys/(?P<code>[^/]+)/poster/semua-(?P<size>a4|a5)\.pdf$",
        "api/v1/surveys/<code>/results",
        "api/v1/surveys/<code>/results/units",
        "api/v1/organizations/<slug>/units",
        "api/v1/organizations/<slug>/calendar",
        "manage/organizations/unit/<path:object_id>/change/",
        "manage/surveys/response/<path:object_id>/change/",
        "manage/collection/kioskdevice/<path:object_id>/change/",
        "manage/surveys/survey/<path:object_id>/tokens/",
        "api/v1/cases/<id>",
        "app/kasus/<int:case_id>/",
        "manage/webhooks/webhookendpoint/<path:object_id>/secret/",
        "manage/webhooks/webhookdelivery/<path:object_id>/change/",
    } <= seen


# -- a manager of one UPT: the same walk, with the rest of the organization off-limits -----------
UPT2_SUGGESTION = "Saran rahasia UPT Dua 9q2w"
UPT2_CASE_TEXT = "Pengaduan rahasia UPT Dua 7m3c"


def subtree_probe(world: World, markers: Markers) -> Probe:
    """For bob (manager of UPT Alpha Satu): UPT Alpha Dua and Dinas Alpha Pusat are off-limits.

    The survey codes and the organization are bob's to use; the names of a survey's units and of
    their services are part of its public definition, so only what lies outside the survey
    definition is secret.
    """
    service2 = org.service_create(unit=world.upt2, name="Legalisir Dua")
    staff2 = org.staff_create(unit=world.upt2, name="Rahmat Petugas Dua")
    contact = {
        "name": "Wati Rahasia Dua",
        "phone": "0813-2222-9090",
        "email": "wati.dua@alpha.example",
    }
    submit(
        world.skm,
        skm_answers(U2=1),
        unit=world.upt2,
        service_id=service2.pk,
        staff_id=staff2.pk,
        suggestion=UPT2_SUGGESTION,
        contact=contact,
        consent=True,
    )
    case_receive(
        organization=world.alpha,
        unit=world.upt2,
        text=UPT2_CASE_TEXT,
        channel="telepon",
        contact={"name": "Joko Pelapor Dua"},
    )
    secret = [
        world.dinas.name,
        service2.name,
        staff2.name,
        UPT2_SUGGESTION,
        *contact.values(),
        UPT2_CASE_TEXT,
        "Joko Pelapor Dua",
    ]
    return Probe(
        name="outside the subtree",
        codes=[(world.skm.code, False), (world.a6.code, False)],
        slugs=[("alpha", False), (str(world.alpha.pk), False)],
        units=[(str(world.upt2.pk), True), (str(world.dinas.pk), True)],
        services=[(str(service2.pk), True)],
        staff=[(str(staff2.pk), True)],
        forbidden=[*secret, ALPHA_INSTRUMENT_TITLE, "alice", "victor", ALERT_MESSAGE],
        # the survey page offers the services of the survey's units (jenis layanan): their
        # names are part of its public definition, like the units' names
        forbidden_public=[s for s in secret if s != service2.name],
        notifications=alpha_notifications(),  # alice's, not bob's
        export_jobs=alpha_export_jobs(),  # alice's covers the whole organization
        # the cases of UPT Alpha Dua are out of reach, those of UPT Alpha Satu are bob's
        cases=[
            (str(pk), unit != world.upt1.pk)
            for pk, unit in Case.objects.values_list("pk", "unit_id")
        ],
        tracking_codes=alpha_tracking_codes(),
        # the suggestions of UPT Alpha Dua are out of reach, those of bob's subtree are his
        responses=[
            (str(pk), not path.startswith(world.upt1.path))
            for pk, path in Response.objects.exclude(suggestion="").values_list("pk", "unit__path")[
                :6
            ]
        ],
        # mia's assignment is hers alone, bob's is his; the audit and the corrective action
        # of Loket Satu lie in bob's subtree
        assignments=[
            (str(pk), user != world.users["bob"].pk)
            for pk, user in AuditAssignment.objects.values_list("pk", "auditor_id")
        ],
        audits=[
            (str(pk), not path.startswith(world.upt1.path))
            for pk, path in Audit.objects.values_list("pk", "unit__path")
        ],
        actions=[
            (str(pk), not path.startswith(world.upt1.path))
            for pk, path in CorrectiveAction.objects.values_list("pk", "audit__unit__path")
        ],
        photos=[
            (str(pk), not path.startswith(world.upt1.path))
            for pk, path in EvidencePhoto.objects.values_list("pk", "audit__unit__path")
        ],
    )


def test_manager_walk_sees_and_changes_nothing_outside_the_subtree(world, markers):
    probe = subtree_probe(world, markers)
    targets, unknown = plan(world, probe)
    assert unknown == []
    failures = walk(world, "bob", probe, targets)
    assert failures == [], "\n".join(failures[:40])


# -- a mystery shopper: its own assignments only ------------------------------------------------
# the routes a mystery shopper's account may open (its own assignment's form only); every other
# back-office page, admin page and API operation refuses it
MYSTERY_SHOPPER_OPEN = {
    "app/audit/tugas/",
    "app/audit/tugas/<int:assignment_id>/",
    "app/audit/kirim/",
}
REFUSED = {401, 403, 404, 405}


def mystery_shopper_probe(world: World, markers: Markers) -> Probe:
    """For mia: everything of Dinas Alpha is off-limits but her own assignment."""
    probe = other_tenant_probe(world, markers)
    probe.name = "a mystery shopper"
    probe.forbidden = [*markers.private, ALERT_MESSAGE]
    probe.assignments = [
        (str(pk), user != world.users["mia"].pk)
        for pk, user in AuditAssignment.objects.values_list("pk", "auditor_id")
    ]
    return probe


def test_mystery_shopper_sees_its_assignments_only(world, markers):
    """The isolation walker as mia (issue 13, Acceptance): no Dinas Alpha data anywhere, no row
    changed, and every page and operation but her assignments' refused (401/403/404/405; the
    site's root and /app/ send her to her assignments)."""
    probe = mystery_shopper_probe(world, markers)
    targets, unknown = plan(world, probe)
    assert unknown == []
    statuses: dict[tuple[str, str], int] = {}
    failures = walk(world, "mia", probe, targets, statuses)
    client = client_for(world, "mia", world.token("mia"))
    for target in targets:
        if target.kind not in ("private", "meta") or target.route in MYSTERY_SHOPPER_OPEN:
            continue
        for method in ("GET", "POST"):
            # the walk's answer where it sent the same request (the same client), else sent now
            code = statuses.get((target.url, method))
            if code is None:
                code = send(client, target, method, "").status_code
            home = target.route in ("", "app/") and code == 302
            if code not in REFUSED and not home:
                failures.append(f"mia {method} {target.url} -> {code}: not refused")
    own = [t for t in targets if t.route == "app/audit/tugas/<int:assignment_id>/"]
    assert any(not t.off_limits and client.get(t.url).status_code == 200 for t in own)
    assert client.get("/app/").headers["Location"] == "/app/audit/tugas/"
    assert failures == [], "\n".join(failures[:40])


# -- role scoping ------------------------------------------------------------------------------
def _names(items: list[dict[str, Any]]) -> set[str]:
    return {i["name"] for i in items}


def test_manager_sees_only_the_subtree(world, markers):
    bob = world.api("bob")
    inside = {world.upt1.pk, world.loket1.pk}
    expected = Response.objects.filter(survey=world.skm, unit__in=inside).count()
    assert expected == 3
    assert Response.objects.filter(survey=world.skm).count() == 4

    r = bob.get(f"/api/v1/surveys/{world.skm.code}/results")
    assert r.status_code == 200
    assert r.json()["responses"] == expected
    r = bob.get(f"/api/v1/surveys/{world.skm.code}/results?unit={world.loket1.pk}")
    assert r.status_code == 200
    assert r.json()["responses"] == 2
    r = bob.get(f"/api/v1/surveys/{world.skm.code}/results?unit={world.upt2.pk}")
    assert r.status_code == 404
    r = bob.get(f"/api/v1/surveys/{world.skm.code}/results?unit={world.dinas.pk}")
    assert r.status_code == 404

    r = bob.get("/api/v1/organizations/alpha/units")
    assert r.status_code == 200
    assert {u["id"] for u in r.json()} == inside
    assert _names(bob.get("/api/v1/organizations/alpha/services").json()) == {world.service1.name}
    assert _names(bob.get("/api/v1/organizations/alpha/staff").json()) == {world.staff1.name}

    r = bob.get(f"/api/v1/surveys/{world.skm.code}/responses")
    assert r.status_code == 200
    assert r.json()["count"] == expected
    assert {i["unit"] for i in r.json()["items"]} <= inside

    page = world.client("bob").get(f"/app/surveys/{world.skm.code}/")
    assert page.status_code == 200
    assert {u.pk for u in page.context["units"]} == inside
    html = page.content.decode()
    unit_select = re.search(r'<select name="unit".*?</select>', html, re.S)[0]
    assert set(re.findall(r'<option value="(\d+)"', unit_select)) == {str(pk) for pk in inside}
    assert page.context["results"]["responses"] == expected
    assert world.upt2.name not in html
    assert world.dinas.name not in html
    assert (
        world.client("bob").get(f"/app/surveys/{world.skm.code}/?unit={world.upt2.pk}").status_code
        == 404
    )
    ok = world.client("bob").get(f"/app/surveys/{world.skm.code}/?unit={world.loket1.pk}")
    assert ok.status_code == 200
    assert ok.context["results"]["responses"] == 2


def test_organization_wide_roles_see_everything(world, markers):
    for name in ("alice", "victor"):
        client = world.api(name)
        r = client.get(f"/api/v1/surveys/{world.skm.code}/results")
        assert r.json()["responses"] == 4
        r = client.get("/api/v1/organizations/alpha/units")
        assert {u["id"] for u in r.json()} == {
            world.dinas.pk,
            world.upt1.pk,
            world.upt2.pk,
            world.loket1.pk,
        }
        r = client.get(f"/api/v1/surveys/{world.skm.code}/results?unit={world.upt2.pk}")
        assert r.status_code == 200
        assert r.json()["responses"] == 1


def test_only_admins_change_the_organization(world, markers):
    units = world.alpha.units.count()
    body = {"name": "UPT Baru", "parent": world.dinas.pk}
    for name, status in (
        ("victor", 403),
        ("bob", 403),
        ("charlie", 404),
        ("mallory", 404),
        (None, 401),
    ):
        r = world.api(name).post(
            "/api/v1/organizations/alpha/units", body, content_type="application/json"
        )
        assert r.status_code == status, (name, r.content)
        assert r.json()["detail"]
    assert world.alpha.units.count() == units
    r = world.api("alice").post(
        "/api/v1/organizations/alpha/units", body, content_type="application/json"
    )
    assert r.status_code == 201
    assert r.json()["parent"] == world.dinas.pk
    assert world.alpha.units.count() == units + 1


def test_management_site_only_for_organization_admins(world, markers):
    for name in ("victor", "bob", "mallory", None):
        client = world.client(name)
        for url in (
            "/manage/",
            "/manage/organizations/unit/",
            f"/manage/organizations/unit/{world.upt1.pk}/change/",
        ):
            r = client.get(url)
            assert r.status_code == 302, (name, url)
            assert r["Location"].startswith("/manage/login/"), (name, url)
        r = client.post(
            f"/manage/organizations/unit/{world.upt1.pk}/change/",
            {"organization": world.alpha.pk, "name": "Diubah", "code": "U1"},
        )
        assert r.status_code == 302
        assert r["Location"].startswith("/manage/login/")
    assert Survey.objects.filter(pk=world.skm.pk).exists()
    world.upt1.refresh_from_db()
    assert world.upt1.name == "UPT Alpha Satu"

    alice = world.client("alice")
    r = alice.get("/manage/organizations/unit/")
    assert r.status_code == 200
    html = r.content.decode()
    assert world.loket1.name in html
    assert world.bank_unit.name not in html
    r = alice.get(f"/manage/organizations/unit/{world.upt1.pk}/change/")
    assert r.status_code == 200
    r = alice.get(f"/manage/organizations/unit/{world.bank_unit.pk}/change/")
    assert r.status_code == 302  # another tenant's unit "does not exist"
    r = alice.post(
        f"/manage/organizations/unit/{world.upt1.pk}/change/",
        {
            "organization": world.alpha.pk,
            "parent": world.dinas.pk,
            "name": "UPT Alpha Satu (baru)",
            "code": "U1",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    world.upt1.refresh_from_db()
    assert world.upt1.name == "UPT Alpha Satu (baru)"


def test_a_unit_cannot_be_moved_under_itself(world, markers):
    paths = dict(world.alpha.units.values_list("pk", "path"))
    alice = world.client("alice")
    for parent in (world.loket1, world.upt1):
        r = alice.post(
            f"/manage/organizations/unit/{world.upt1.pk}/change/",
            {
                "organization": world.alpha.pk,
                "parent": parent.pk,
                "name": "UPT Alpha Satu",
                "code": "U1",
            },
        )
        assert r.status_code == 200  # the form again, with the error
        assert "parent" in r.context["adminform"].form.errors
    assert dict(world.alpha.units.values_list("pk", "path")) == paths
    r = alice.post(
        f"/manage/organizations/unit/{world.loket1.pk}/change/",
        {
            "organization": world.alpha.pk,
            "parent": world.upt2.pk,
            "name": "Loket Satu",
            "code": "L1",
        },
    )
    assert r.status_code == 302
    world.loket1.refresh_from_db()
    assert world.loket1.path == world.upt2.path + f"{world.loket1.pk:06d}."
