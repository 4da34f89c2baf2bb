"""Every page of the site as data: the inventory that the language walk
(``test_language_walk.py``) and the browser sweep (``test_pages_sweep.py``) visit (issue 10,
Acceptance).

The pages are drawn from a seeded site: the demo of ``prima demo`` (a Dinas Kesehatan with three
Puskesmas, SKM and A6 surveys with a few thousand responses; a bank running the quick form with
NPS), plus what the demo does not make: empty SKM and A6 surveys, the alerts of a first
``prima alerts check``, a published period, a finished export job, single-use tokens, a kiosk
device waiting for its tablet, a user without any membership and a superuser.

Each entry names a page, how to build its address from the seeded site, who is signed in, and
what it is (public or back office, with data or empty, the status it answers). Every URL
pattern of ``prima.config.urls`` that renders HTML is in the inventory or in ``EXCLUDED``
(``test_language_walk.test_every_html_pattern_is_in_the_inventory``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from prima.abuse.services import tokens_create
from prima.alerts.services import evaluate_all
from prima.collection.kiosks import kiosk_register
from prima.demo import data as demo
from prima.insights.models import PublishedResult
from prima.insights.publication import result_publish
from prima.organizations import services as org
from prima.organizations.manage_site import manage_site
from prima.organizations.models import Organization, Unit
from prima.surveys import services as srv
from prima.surveys.models import Instrument, Survey
from prima.transfers.export_jobs import export_job_create, export_job_run
from prima.transfers.models import ExportJob

PASSWORD = "sweep-password-2026"
LANGS = ("id", "en")


# -- the seeded site -----------------------------------------------------------------------------
@dataclass
class Site:
    """The demo plus the extras every page pattern needs (see the module's docstring)."""

    dinas: Organization
    bank: Organization
    skm: Survey
    a6: Survey
    nps: Survey
    skm_empty: Survey
    a6_empty: Survey
    puskesmas: Unit  # a Puskesmas (UPT) of the Dinas
    export_job: ExportJob
    publication: PublishedResult
    users: dict[str, Any] = field(default_factory=dict)
    year: int = 2026
    cases: dict[str, str] = field(default_factory=dict)  # tracking codes: "open", "resolved"

    def pairing_code(self) -> str:
        """A fresh one-time pairing code of a new kiosk device (each code pairs once)."""
        _device, code = kiosk_register(
            survey=self.skm, unit=self.puskesmas, name="Tablet Loket Pendaftaran"
        )
        return code

    def session_cookie(self, user: str) -> str:
        """The session cookie value of a signed-in ``user`` (a key of ``users``)."""
        client = Client()
        client.force_login(self.users[user])
        return client.cookies["sessionid"].value


def _survey(slug: str, key: str) -> Survey:
    return Survey.objects.get(organization__slug=slug, instrument_version__instrument__key=key)


def seed_site(today: date | None = None) -> Site:
    """Load the demo and add the extras; a few seconds on SQLite."""
    today = today or timezone.localdate()
    demo.demo_load(password=PASSWORD, today=today)
    dinas = Organization.objects.get(slug=demo.DINAS_SLUG)
    bank = Organization.objects.get(slug=demo.BANK_SLUG)
    skm = _survey(demo.DINAS_SLUG, "skm2017")
    a6 = _survey(demo.DINAS_SLUG, "a6")
    nps = _survey(demo.BANK_SLUG, "quick")
    puskesmas = Unit.objects.get(organization=dinas, name=demo.SLIPPING_UNIT)
    upts = list(skm.units.all())
    skm_empty = srv.survey_create(
        organization=dinas,
        title="Survei Kepuasan Masyarakat Apotek (belum ada tanggapan)",
        instrument=Instrument.objects.get(key="skm2017", organization=None),
        units=upts,
    )
    a6_empty = srv.survey_create(
        organization=dinas,
        title="Pelayanan Prima A6 Loket (belum ada tanggapan)",
        instrument=Instrument.objects.get(key="a6", organization=None),
        units=upts,
    )
    users = {
        name: get_user_model().objects.get(username=name)
        for name in (demo.ADMIN, demo.MANAGER, demo.VIEWER, demo.BANK_ADMIN)
    }
    users["nobody"] = org.user_create(username="tanpa.peran", password=PASSWORD)
    users["root"] = get_user_model().objects.create_superuser(
        username="root", email="root@example.org", password=PASSWORD
    )
    evaluate_all()  # the notifications of a first `prima alerts check`
    publication = result_publish(survey=skm, period=str(today.year))
    tokens_create(survey=skm, unit=puskesmas, count=6)
    kiosk_register(survey=skm, unit=puskesmas, name="Tablet Ruang Tunggu")
    job = export_job_create(user=users[demo.ADMIN], survey=skm, fmt="csv", enqueue=False)
    export_job_run(job.pk)
    job.refresh_from_db()
    cases = seed_cases(dinas, puskesmas)
    users["pembeli"] = seed_audit_work(dinas, puskesmas, users[ADMIN])
    return Site(
        dinas=dinas,
        bank=bank,
        skm=skm,
        a6=a6,
        nps=nps,
        skm_empty=skm_empty,
        a6_empty=a6_empty,
        puskesmas=puskesmas,
        export_job=job,
        publication=publication,
        cases=cases,
        users=users,
        year=today.year,
    )


def seed_cases(dinas: Organization, unit: Unit) -> dict[str, str]:
    """Two complaints at a Puskesmas: one being handled, one resolved (its tracking page offers
    the rating and reopening); their tracking codes."""
    from prima.cases.services import case_receive, case_transition

    def receive(text: str) -> Any:
        return case_receive(
            organization=dinas,
            unit=unit,
            text=text,
            channel="web",
            category="U3",
            contact={"name": "Pelapor Contoh", "phone": "0812 0000 1111"},
            consent=True,
        )[0]

    handled = receive("Antrean pendaftaran lebih dari dua jam.")
    case_transition(
        handled, status="diverifikasi", note="Laporan sudah diverifikasi petugas loket."
    )
    case_transition(handled, status="diproses", note="Loket tambahan sedang disiapkan.")
    resolved = receive("Obat tidak tersedia di apotek.")
    for status in ("diverifikasi", "diproses", "selesai"):
        case_transition(resolved, status=status, note="Stok obat sudah dipenuhi kembali.")
    return {"open": handled.tracking_code, "resolved": resolved.tracking_code}


def seed_audit_work(dinas: Organization, unit: Unit, admin: Any) -> Any:
    """Audits (prima.audits): a mystery shopper with an assignment at the Puskesmas, and the
    admin's failed audit there with a corrective action; the mystery shopper's account."""
    from prima.audit_checklists import load_checklist
    from prima.audits import planning
    from prima.audits.models import AuditPlan, CorrectiveAction
    from prima.audits.services import audit_record

    shopper = planning.mystery_shopper_create(
        organization=dinas, username="pembeli.misteri", password=PASSWORD, name="Rina Pengamat"
    ).user
    period = timezone.localdate().strftime("%Y-%m")
    # the demo plans its Puskesmas's audits every month (prima.demo.audits): this month's plan
    # takes the mystery shopper's assignment too
    plan = AuditPlan.objects.filter(unit=unit, period=period).first() or planning.plan_create(
        organization=dinas, unit=unit, period=period, target=4
    )
    planning.assignment_create(plan=plan, auditor=shopper, count=2)
    answers: dict[str, Any] = {
        line.id: ("no" if line.critical else "yes") if line.answer == "yes_no" else 2
        for line in load_checklist("a6").lines
    }
    audit = audit_record(
        organization=dinas,
        unit=unit,
        auditor=admin,
        kind="supervisor",
        observed_at=timezone.now() - timedelta(days=2),
        answers=answers,
        note="Antrean panjang, petugas tidak memakai tanda nama.",
    )
    CorrectiveAction.objects.create(
        organization=dinas,
        audit=audit,
        description="Pelatihan ulang sapaan dan tanda nama untuk petugas loket.",
        owner=admin,
        due_date=timezone.localdate() + timedelta(days=7),
        created_by=admin,
    )
    return shopper


def _audit_pk(site: Site) -> int:
    from prima.audits.models import Audit

    return (
        Audit.objects.filter(organization=site.dinas).order_by("pk").values_list("pk", flat=True)[0]
    )


def _encounter(site: Site) -> str:
    """An encounter code of the Dinas (calibration): the first one audits carry, else the
    Puskesmas audit's, given to it on first use."""
    from prima.audits.models import Audit

    audits = Audit.objects.filter(organization=site.dinas).order_by("pk")
    code = audits.exclude(encounter="").values_list("encounter", flat=True).first()
    if code is None:
        audits.filter(pk=_audit_pk(site)).update(encounter="KAL-HALAMAN-1")
        code = "KAL-HALAMAN-1"
    return code


def _own_checklist_pk(site: Site) -> int:
    """The Dinas's own audit checklist (a copy of A6 under its own code), stored on first use."""
    from prima.audits.admin import starter_definition
    from prima.audits.services import checklist_save

    version = checklist_save(organization=site.dinas, definition=starter_definition())
    return version.checklist_id


def _assignment_pk(site: Site) -> int:
    from prima.audits.models import AuditAssignment

    return AuditAssignment.objects.get(auditor=site.users["pembeli"]).pk


# -- the inventory -------------------------------------------------------------------------------
ADMIN, MANAGER, VIEWER, BANK = demo.ADMIN, demo.MANAGER, demo.VIEWER, demo.BANK_ADMIN


@dataclass(frozen=True)
class PageSpec:
    """One page pattern as someone sees it.

    ``area``: public (survey pages), results (``/hasil/``), kiosk, auth, app (``/app/``),
    manage (``/manage/`` and ``/admin/``), design, api, error. ``query_lang``: the page chooses
    its language by ``?lang=`` (the public pages, whose links carry it); the others by the
    language cookie that the switch sets. ``post``: the page shown after POSTing the page's own
    form as it is (an empty survey form gives the error page). ``settings``: overridden while
    the page is fetched.
    """

    name: str
    path: Callable[[Site], str]
    area: str
    user: str | None = None
    data: bool = True
    status: int = 200
    langs: tuple[str, ...] = LANGS
    post: bool = False
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def public(self) -> bool:
        return self.area in {"public", "results", "kiosk", "auth", "design", "api"}

    @property
    def query_lang(self) -> bool:
        return self.area in {"public", "results", "kiosk"}

    def url(self, site: Site, lang: str) -> str:
        """The page's path (with ``?lang=`` where the page reads it)."""
        path = self.path(site)
        if self.query_lang:
            path += ("&" if "?" in path else "?") + f"lang={lang}"
        return path


def _change(model: str, pk: Any) -> str:
    return reverse(f"manage:{model}_change", args=[pk])


def _case_pk(tracking_code: str) -> int:
    from prima.cases.models import Case

    return Case.objects.get(tracking_code=tracking_code).pk


def _first_pk(model_label: str, **filters: Any) -> Any:
    from django.apps import apps

    model = apps.get_model(model_label)
    return model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)[0]


def _employee_survey(site: Site) -> Survey:
    """An employee survey of the Dinas (made on first use when the demo has none)."""
    survey = (
        Survey.objects.filter(
            organization=site.dinas, instrument_version__instrument__key="internal"
        )
        .order_by("pk")
        .first()
    )
    if survey is None:
        survey = srv.survey_create(
            organization=site.dinas,
            title="Survei Kepuasan Pegawai Dinas",
            instrument=Instrument.objects.get(key="internal", organization=None),
            units=list(site.skm.units.all()),
        )
    return survey


def _webhook(site: Site) -> Any:
    """A webhook endpoint of the Dinas and a delivery to it that failed once and waits."""
    from prima.webhooks.models import WebhookDelivery, WebhookEndpoint

    endpoint, _ = WebhookEndpoint.objects.get_or_create(
        organization=site.dinas,
        url="https://pengaduan.dinkes.example.go.id/prima/webhook",
        defaults={"description": "Sistem pengaduan provinsi", "event_types": ["case.created"]},
    )
    now = timezone.now()
    delivery, _ = WebhookDelivery.objects.get_or_create(
        endpoint=endpoint,
        message_id="msg_sweepDelivery00000000000",
        defaults={
            "organization": site.dinas,
            "event_type": "case.created",
            "payload": {"type": "case.created", "timestamp": now.isoformat(), "data": {"id": 1}},
            "attempts": 1,
            "last_response_code": 500,
            "last_error": "HTTP 500",
            "next_attempt_at": now + timedelta(minutes=5),
            "attempt_log": [{"at": now.isoformat(), "code": 500, "error": "HTTP 500", "ms": 84}],
        },
    )
    return delivery


def _staff_pk(site: Site) -> int:
    """A staff member of the Puskesmas (a staff scorecard's page)."""
    from prima.organizations.models import StaffMember

    staff, _ = StaffMember.objects.get_or_create(
        organization=site.dinas, unit=site.puskesmas, name="Rina Petugas Loket"
    )
    return staff.pk


PAGES: list[PageSpec] = [
    # -- the public survey pages (/s/<code>/): SKM, paired (A6), NPS (the bank's quick form)
    PageSpec("survey-skm", lambda s: f"/s/{s.skm.code}/", "public"),
    PageSpec("survey-skm-steps", lambda s: f"/s/{s.skm.code}/?mode=steps", "public"),
    PageSpec("survey-a6", lambda s: f"/s/{s.a6.code}/", "public"),
    PageSpec("survey-nps", lambda s: f"/s/{s.nps.code}/", "public"),
    # an employee survey's invitations (prima.invitations): a spent or unknown code's page, and
    # participation per unit in the back office
    PageSpec(
        "survey-invitation-refused",
        lambda s: f"/s/{_employee_survey(s).code}/?invitation=AAAAA-BBBBB",
        "public",
        status=403,
    ),
    PageSpec(
        "invitations", lambda s: f"/app/surveys/{_employee_survey(s).code}/undangan/", "app", ADMIN
    ),
    PageSpec("survey-skm-errors", lambda s: f"/s/{s.skm.code}/", "public", status=400, post=True),
    PageSpec("survey-thanks", lambda s: f"/s/{s.skm.code}/terima-kasih/", "public"),
    PageSpec("survey-bad-link", lambda s: "/s/SALAHKODE/", "public", status=404),
    # -- the public results (/hasil/): a publishing organization, one that publishes nothing,
    # the widget
    PageSpec("hasil-page", lambda s: f"/hasil/{s.dinas.slug}/", "results"),
    PageSpec("hasil-empty", lambda s: f"/hasil/{s.bank.slug}/", "results", data=False),
    PageSpec("hasil-widget", lambda s: f"/hasil/{s.dinas.slug}/embed/", "results"),
    # -- complaints (/pengaduan/): the form (per organization, per unit, sent empty), the
    # receipt, the tracking page (being handled; resolved: rating and reopening), the lookup
    PageSpec("complaint-form", lambda s: f"/pengaduan/{s.dinas.slug}/", "public"),
    PageSpec(
        "complaint-form-unit",
        lambda s: f"/pengaduan/{s.dinas.slug}/?unit={s.puskesmas.pk}",
        "public",
    ),
    PageSpec(
        "complaint-errors", lambda s: f"/pengaduan/{s.dinas.slug}/", "public", status=400, post=True
    ),
    PageSpec(
        "complaint-receipt",
        lambda s: f"/pengaduan/lacak/{s.cases['open']}/tanda-terima/",
        "public",
    ),
    PageSpec("complaint-track", lambda s: f"/pengaduan/lacak/{s.cases['open']}/", "public"),
    PageSpec(
        "complaint-track-resolved",
        lambda s: f"/pengaduan/lacak/{s.cases['resolved']}/",
        "public",
    ),
    PageSpec("complaint-lookup", lambda s: "/pengaduan/lacak/", "public"),
    PageSpec(
        "complaint-lookup-unknown",
        lambda s: "/pengaduan/lacak/?kode=ABCD-EFGH-JK",
        "public",
        status=404,
    ),
    # -- the kiosk: the shell is the same bytes for every device (its language switch works in
    # the browser, on the survey's texts), the pairing page, its result, a used/unknown code
    PageSpec("kiosk-shell", lambda s: "/kiosk/", "kiosk", langs=("id",)),
    PageSpec("kiosk-pair", lambda s: f"/kiosk/pair/{s.pairing_code()}/", "kiosk"),
    PageSpec("kiosk-paired", lambda s: f"/kiosk/pair/{s.pairing_code()}/", "kiosk", post=True),
    PageSpec("kiosk-pair-invalid", lambda s: "/kiosk/pair/kode-salah/", "kiosk", status=404),
    # -- signing in, the component page, the API's documentation
    PageSpec("login", lambda s: "/accounts/login/", "auth"),
    PageSpec("login-errors", lambda s: "/accounts/login/", "auth", post=True),
    PageSpec("design", lambda s: "/design/", "design"),
    # the API's documentation (Swagger UI) is for developers, in English only
    PageSpec("api-docs", lambda s: "/api/docs", "api", langs=("en",)),
    # -- /app/: home, dashboards (with data and empty), notifications, import, export, jobs
    PageSpec("app-home", lambda s: "/app/", "app", ADMIN),
    PageSpec("app-home-empty", lambda s: "/app/", "app", "nobody", data=False),
    PageSpec("dashboard-skm", lambda s: f"/app/surveys/{s.skm.code}/", "app", ADMIN),
    PageSpec("dashboard-skm-manager", lambda s: f"/app/surveys/{s.skm.code}/", "app", MANAGER),
    PageSpec("dashboard-a6", lambda s: f"/app/surveys/{s.a6.code}/", "app", ADMIN),
    # the dashboard's detail sections (tabs: ?section=, one URL pattern, each its own layout)
    *(
        PageSpec(
            f"dashboard-skm-{key}",
            lambda s, k=key: f"/app/surveys/{s.skm.code}/?section={k}",
            "app",
            ADMIN,
        )
        for key in ("trend", "units", "profile", "suggestions", "complaints", "links")
    ),
    *(
        PageSpec(
            f"dashboard-a6-{key}",
            lambda s, k=key: f"/app/surveys/{s.a6.code}/?section={k}",
            "app",
            ADMIN,
        )
        for key in ("ipa", "csi")
    ),
    PageSpec("dashboard-nps", lambda s: f"/app/surveys/{s.nps.code}/", "app", BANK),
    PageSpec(
        "dashboard-skm-empty", lambda s: f"/app/surveys/{s.skm_empty.code}/", "app", ADMIN, False
    ),
    PageSpec(
        "dashboard-a6-empty", lambda s: f"/app/surveys/{s.a6_empty.code}/", "app", ADMIN, False
    ),
    # -- the triple-win scorecard (/app/kartu-skor/): the whole organization, this quarter
    PageSpec("scorecard", lambda s: "/app/kartu-skor/", "app", ADMIN),
    # -- staff scorecards (/app/kartu-staf/): the ranking of the organization, a scorecard
    PageSpec("staff-ranking", lambda s: "/app/kartu-staf/", "app", ADMIN),
    PageSpec("staff-card", lambda s: f"/app/kartu-staf/{_staff_pk(s)}/", "app", ADMIN),
    # -- the staff's case pages (/app/kasus/): the list (admin, a unit's manager, nobody's),
    # a case as its handler and as a viewer (no contact), the intake and its errors
    PageSpec("cases", lambda s: "/app/kasus/", "app", ADMIN),
    PageSpec("cases-manager", lambda s: "/app/kasus/", "app", MANAGER),
    PageSpec("cases-empty", lambda s: "/app/kasus/", "app", "nobody", data=False),
    PageSpec("case", lambda s: f"/app/kasus/{_case_pk(s.cases['open'])}/", "app", ADMIN),
    PageSpec(
        "case-viewer", lambda s: f"/app/kasus/{_case_pk(s.cases['resolved'])}/", "app", VIEWER
    ),
    PageSpec("case-intake", lambda s: "/app/kasus/baru/", "app", ADMIN),
    PageSpec(
        "case-intake-errors", lambda s: "/app/kasus/baru/", "app", ADMIN, status=400, post=True
    ),
    # -- audits (/app/audit/): a mystery shopper's assignments and form (with its errors), a
    # supervisor's new audit (the unit, then the form), an audit's scores, corrective actions
    PageSpec("audit-assignments", lambda s: "/app/audit/tugas/", "app", "pembeli"),
    PageSpec("audit-assignments-empty", lambda s: "/app/audit/tugas/", "app", "nobody", False),
    PageSpec("audit-form", lambda s: f"/app/audit/tugas/{_assignment_pk(s)}/", "app", "pembeli"),
    PageSpec(
        "audit-form-errors",
        lambda s: f"/app/audit/tugas/{_assignment_pk(s)}/",
        "app",
        "pembeli",
        status=400,
        post=True,
    ),
    PageSpec("audit-new", lambda s: "/app/audit/baru/", "app", ADMIN),
    PageSpec("audit-new-form", lambda s: f"/app/audit/baru/?unit={s.puskesmas.pk}", "app", ADMIN),
    PageSpec("audit", lambda s: f"/app/audit/{_audit_pk(s)}/", "app", ADMIN),
    # -- auditor calibration (/app/kalibrasi/): the agreement report, one encounter
    PageSpec("calibration", lambda s: "/app/kalibrasi/", "app", ADMIN),
    PageSpec(
        "calibration-encounter",
        lambda s: f"/app/kalibrasi/{s.dinas.slug}/{_encounter(s)}/",
        "app",
        ADMIN,
    ),
    PageSpec("audit-actions", lambda s: "/app/audit/tindakan/", "app", ADMIN),
    PageSpec(
        "audit-action",
        lambda s: f"/app/audit/tindakan/{_first_pk('audits.CorrectiveAction')}/",
        "app",
        ADMIN,
    ),
    PageSpec("notifications", lambda s: "/app/pemberitahuan/", "app", ADMIN),
    PageSpec("notifications-empty", lambda s: "/app/pemberitahuan/", "app", "nobody", False),
    PageSpec("import", lambda s: f"/app/surveys/{s.skm.code}/import/", "app", ADMIN),
    PageSpec(  # the form sent without a file: its errors
        "import-errors",
        lambda s: f"/app/surveys/{s.skm.code}/import/",
        "app",
        ADMIN,
        status=400,
        post=True,
    ),
    PageSpec("export", lambda s: f"/app/surveys/{s.skm.code}/ekspor/", "app", ADMIN),
    PageSpec(
        "export-job",
        lambda s: f"/app/surveys/{s.skm.code}/ekspor/{s.export_job.pk}/",
        "app",
        ADMIN,
    ),
    PageSpec(  # an XLSX report past the direct limit: the page that starts its background job
        "report-job",
        lambda s: f"/app/surveys/{s.skm.code}/laporan-skm.xlsx?period={s.year}",
        "app",
        ADMIN,
        settings={"PRIMA_REPORT_XLSX_DIRECT_ROWS": 0},
    ),
    # -- /manage/: index, an app index, changelists, change and add forms, the kiosk device
    # form, the users form, a deletion, a history, the tokens to print, the password change
    PageSpec("manage-index", lambda s: "/manage/", "manage", ADMIN),
    PageSpec("manage-app", lambda s: "/manage/organizations/", "manage", ADMIN),
    PageSpec("manage-units", lambda s: "/manage/organizations/unit/", "manage", ADMIN),
    PageSpec("manage-responses", lambda s: "/manage/surveys/response/", "manage", ADMIN),
    PageSpec(  # the year's weekdays off (holidays, cuti bersama) above the admin's own days
        "manage-calendar",
        lambda s: f"/manage/organizations/calendarday/?date__year={s.year}",
        "manage",
        ADMIN,
    ),
    PageSpec(
        "manage-unit-change",
        lambda s: _change("organizations_unit", s.puskesmas.pk),
        "manage",
        ADMIN,
    ),
    PageSpec(
        "manage-survey-change", lambda s: _change("surveys_survey", s.skm.pk), "manage", ADMIN
    ),
    PageSpec("manage-kiosk-add", lambda s: "/manage/collection/kioskdevice/add/", "manage", ADMIN),
    PageSpec(
        "manage-checklist-change",
        lambda s: _change("audits_checklist", _own_checklist_pk(s)),
        "manage",
        ADMIN,
    ),
    PageSpec("manage-user-add", lambda s: "/manage/auth/user/add/", "manage", ADMIN),
    PageSpec(
        "manage-user-change",
        lambda s: _change("auth_user", s.users[MANAGER].pk),
        "manage",
        ADMIN,
    ),
    PageSpec(  # unpublishing is deleting the publication (a service would list its responses)
        "manage-publication-delete",
        lambda s: reverse("manage:insights_publishedresult_delete", args=[s.publication.pk]),
        "manage",
        ADMIN,
    ),
    PageSpec(
        "manage-unit-history",
        lambda s: reverse("manage:organizations_unit_history", args=[s.puskesmas.pk]),
        "manage",
        ADMIN,
    ),
    PageSpec(
        "manage-tokens",
        lambda s: reverse("manage:surveys_survey_tokens", args=[s.skm.pk]),
        "manage",
        ADMIN,
    ),
    # webhooks: an endpoint's signing secret, a delivery with its attempts (made on first use)
    PageSpec(
        "manage-webhook-secret",
        lambda s: reverse("manage:webhooks_webhookendpoint_secret", args=[_webhook(s).endpoint_id]),
        "manage",
        ADMIN,
    ),
    PageSpec(
        "manage-webhook-delivery",
        lambda s: _change("webhooks_webhookdelivery", _webhook(s).pk),
        "manage",
        ADMIN,
    ),
    PageSpec("manage-password", lambda s: "/manage/password_change/", "manage", ADMIN),
    PageSpec("manage-password-done", lambda s: "/manage/password_change/done/", "manage", ADMIN),
    PageSpec("manage-login", lambda s: "/manage/login/", "manage"),
    PageSpec("admin-index", lambda s: "/admin/", "manage", "root"),
    # -- error pages: not found (signed out and in), forbidden (a viewer may not import)
    PageSpec("error-404", lambda s: "/halaman-yang-tidak-ada/", "error", status=404),
    PageSpec("error-404-signed-in", lambda s: "/app/tidak-ada/", "error", ADMIN, status=404),
    PageSpec(
        "error-403", lambda s: f"/app/surveys/{s.skm.code}/import/", "error", VIEWER, status=403
    ),
]
PAGES_BY_NAME = {p.name: p for p in PAGES}
assert len(PAGES_BY_NAME) == len(PAGES), "page names must be unique"


def manage_model_pages(site: Site) -> list[PageSpec]:
    """The changelist and the add form (where adding by hand is allowed) of every model in
    ``/manage/``, for the fast walk; the inventory's own ``/manage/`` pages left out."""
    request = RequestFactory().get("/manage/")
    request.user = site.users[ADMIN]
    inventory = {p.path(site) for p in PAGES}
    pages = []
    for model, model_admin in manage_site._registry.items():
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        for view in ("changelist", "add"):
            if view == "add" and not model_admin.has_add_permission(request):
                continue
            if reverse(f"manage:{label}_{view}") in inventory:
                continue
            pages.append(
                PageSpec(
                    f"manage-{model._meta.model_name}-{view}",
                    lambda s, name=f"manage:{label}_{view}": reverse(name),
                    "manage",
                    ADMIN,
                )
            )
    return pages


# -- URL patterns that do not render an HTML page -------------------------------------------------
# route (as ``resolve().route`` spells it, admin model routes with <app>/<model>): why excluded
EXCLUDED: dict[str, str] = {
    "": "redirects to /app/",
    "favicon.ico": "an icon file",
    "i18n/setlang/": "the language switch: a POST that redirects back",
    "accounts/logout/": "a POST that signs out and redirects",
    "app/pemberitahuan/<int:notification_id>/baca/": "a POST that marks one read and redirects",
    "app/pemberitahuan/baca-semua/": "a POST that marks all read and redirects",
    "app/kartu-staf/<int:staff_id>/pdf/": "a staff scorecard as a PDF",
    "app/kartu-staf/<int:staff_id>/catatan/": "a POST that adds a coaching note, redirects",
    "app/audit/kirim/": "the audit form's JSON submission (a POST answering JSON)",
    "app/audit/sw.js": "the offline audit form's service worker (JavaScript)",
    "app/audit/<int:audit_id>/tindakan/": "a POST that makes a corrective action, redirects",
    "app/audit/<int:audit_id>/pdf/": "an audit as a PDF",
    "app/bukti/<int:photo_id>/": "an audit's evidence photo (an image file)",
    "app/bukti/<int:photo_id>/kecil/": "an evidence photo's thumbnail (a JPEG)",
    "app/bukti/<int:photo_id>/hapus/": "a POST that deletes an evidence photo, redirects",
    "app/bukti/audit/<int:audit_id>/": "a POST that adds evidence photos: redirects, or a 400 "
    "page naming the refused files",
    r"app/surveys/(?P<code>[^/]+)/import/template\.(?P<fmt>csv|xlsx)$": "a CSV/XLSX file",
    "app/surveys/<str:code>/ekspor/<int:job_id>/unduh/": "the export file",
    "app/kartu-skor/pdf/": "the triple-win scorecard as a PDF",
    "app/surveys/<str:code>/undangan/buat/": "a POST that makes invitations: a PDF or a redirect",
    "app/surveys/<str:code>/undangan/aturan/": "a POST that sets the invitation policy, redirects",
    "app/surveys/<str:code>/qr/<int:unit_id>.svg": "an SVG image",
    "app/surveys/<str:code>/qr/<int:unit_id>.png": "a PNG image",
    r"app/surveys/(?P<code>[^/]+)/poster/(?P<unit_id>[0-9]+)-(?P<size>a4|a5)\.pdf$": "a PDF",
    r"app/surveys/(?P<code>[^/]+)/poster/semua-(?P<size>a4|a5)\.pdf$": "a PDF",
    "kiosk/sw.js": "the kiosk's service worker (JavaScript)",
    "pengaduan/lacak/<str:tracking_code>/nilai/": "a POST that rates the handling, redirects",
    "pengaduan/lacak/<str:tracking_code>/buka-kembali/": "a POST that reopens, redirects",
    "app/kasus/<int:case_id>/status/": "a POST that changes a case's status, redirects",
    "app/kasus/<int:case_id>/pemilik/": "a POST that assigns a case's owner, redirects",
    "app/kasus/<int:case_id>/kategori/": "a POST that sets a case's category, redirects",
    "app/kasus/<int:case_id>/catatan/": "a POST that adds an internal note, redirects",
    "app/surveys/<str:code>/saran/<int:response_id>/label/": (
        "a POST that corrects a suggestion's labels, redirects"
    ),
    "kiosk/manifest.webmanifest": "the kiosk's web app manifest (JSON)",
    "api/openapi.json": "the OpenAPI schema (JSON)",
    "api/": "the API's root (JSON)",
    "manage/surveys/kioskdevice/(?P<rest>.*)$": "old kiosk device addresses: redirects",
    "manage/logout/": "a POST that signs out",
    "manage/autocomplete/": "the admin's autocomplete (JSON)",
    "manage/jsi18n/": "the admin's JavaScript catalogue",
    "manage/r/<path:content_type_id>/<path:object_id>/": "'view on site': a redirect",
    "manage/<app>/<model>/<path:object_id>/": "the admin's old change address: a redirect",
    "manage/(?P<url>.*)$": "the admin's catch-all: adds a slash (redirect) or 404",
    "manage/<app>/<model>/<path:object_id>/tokens.csv": "the single-use tokens as CSV",
    # Django's own admin for the platform's superusers: the same templates as /manage/, which
    # the inventory covers page by page; its index is in the inventory
    "admin/*": "the superuser's admin (its index is in the inventory, the rest as /manage/)",
}
# the API (``api/v1/...``) answers JSON only: every route below it is excluded as a whole
EXCLUDED_PREFIXES = ("api/v1/",)
ADMIN_MODEL_ROUTE = re.compile(r"^(manage|admin)/([a-z_]+)/([a-z_]+)/")


def normalize(route: str) -> str:
    """A route with an admin model's ``<app>/<model>`` written generically."""
    match = ADMIN_MODEL_ROUTE.match(route)
    if match:
        site, app_label, model_name = match.groups()
        if _registered(site, app_label, model_name):
            route = f"{site}/<app>/<model>/" + route[match.end() :]
    if route.startswith("admin/") and route != "admin/":
        return "admin/*"
    return route


def _registered(site: str, app_label: str, model_name: str) -> bool:
    registry = manage_site._registry if site == "manage" else admin.site._registry
    return any(
        m._meta.app_label == app_label and m._meta.model_name == model_name for m in registry
    )


def all_routes() -> set[str]:
    """Every route of the site's URL configuration (admin model routes generic)."""
    routes: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, _join(prefix, str(pattern.pattern)))
            elif isinstance(pattern, URLPattern):
                routes.add(normalize(_join(prefix, str(pattern.pattern))))

    walk(get_resolver().url_patterns, "")
    return routes


def _join(prefix: str, route: str) -> str:
    """Joined as Django's resolver joins routes (``ResolverMatch.route``: inner ``^`` dropped)."""
    return prefix + route.removeprefix("^") if prefix else route


def route_of(path: str) -> str | None:
    """The generic route a page's path resolves to (None: no route, a 404 page)."""
    try:
        return normalize(resolve(path.split("?", 1)[0]).route)
    except Resolver404:
        return None
