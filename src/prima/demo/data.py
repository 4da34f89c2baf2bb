"""The demo of ``prima demo``: a Dinas Kesehatan with three Puskesmas, and a bank next door.

Deterministic (one seed; dates relative to the day it is loaded) and realistic enough to show
every page: a unit tree Dinas -> UPT Puskesmas -> counters, services (*jenis layanan*), a dozen
staff, an SKM 2017 survey and an A6 (harapan/kinerja) survey with a few thousand complete
responses spread over the last six months, respondent profiles, suggestions in Bahasa
Indonesia, and one unit (Puskesmas Tanjung) visibly slipping month by month. The Dinas also
runs an employee survey (:mod:`prima.demo.employees`) whose internal index is lowest in that
Puskesmas, with a few small units below the confidentiality threshold. A second tenant,
Bank Sejahtera, runs the quick form, so that tenant isolation can be seen. The Puskesmas are
audited monthly (:mod:`prima.demo.audits`), and a third tenant, the shop of the concept's own
example (:mod:`prima.demo.shop`), rates its shop assistants at a kiosk and audits them.

Responses are checked with the same rules as a submission (:func:`clean_answers`,
:func:`clean_profile`, unit/service/staff in the survey's subtree) and inserted with
``bulk_create`` in one transaction. Loading is idempotent: once the demo organization exists,
:func:`demo_load` changes nothing.
"""

from __future__ import annotations

import math
import os
import random
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from prima.instruments.questions import EXPECTATION, PERFORMANCE, clean_answers
from prima.organizations import services as org
from prima.organizations.choices import OrganizationKind, Role
from prima.organizations.models import Organization, Service, StaffMember, Unit
from prima.surveys import services as srv
from prima.surveys.anonymity import anonymise, stored_submission_id
from prima.surveys.choices import Channel, SurveyStatus
from prima.surveys.models import CODE_ALPHABET, Instrument, Response, Survey
from prima.surveys.profile import clean_profile

SEED = 14_2017  # PermenPAN-RB 14/2017
MONTHS = 6  # the current month and the five before it, up to yesterday
PASSWORD_FILE = "demo-password"

DINAS_SLUG = "dinkes-kota-harapan"
BANK_SLUG = "bank-sejahtera"
ADMIN = "admin"
MANAGER = "manajer.sukamaju"
VIEWER = "pengamat"
BANK_ADMIN = "admin.bank"
SLIPPING_UNIT = "UPT Puskesmas Tanjung"
SHOP_SLUG = "toko-sinar-jaya"  # prima.demo.shop
SHOP_OWNER = "pemilik.toko"
SHOP_SHOPPER = "pembeli.misterius"  # the shop's mystery shopper
USERS = (ADMIN, MANAGER, VIEWER, BANK_ADMIN, SHOP_OWNER, SHOP_SHOPPER)
SLUGS = (DINAS_SLUG, BANK_SLUG, SHOP_SLUG)


class DemoError(RuntimeError):
    """The database cannot take the demo (e.g. a user named ``admin`` that is not the demo's)."""


# -- the organization ------------------------------------------------------------------------
@dataclass(frozen=True)
class UptPlan:
    name: str
    code: str
    population: int
    skm_per_month: int
    a6_per_month: int
    level: tuple[float, float]  # SKM level (1-4 scale) six months ago -> yesterday
    a6_level: tuple[float, float]  # A6 performance level (1-5 scale)
    counters: tuple[str, ...]
    services: tuple[str, ...]
    staff: tuple[tuple[str, str, str], ...]  # (counter, name, NIP)


COUNTER_CODES = {
    "Loket Pendaftaran": "LKT",
    "Poli Umum": "PU",
    "Poli KIA": "KIA",
    "Poli Gigi": "GIGI",
    "Laboratorium": "LAB",
    "Apotek": "APT",
}
# where each service is given (other counters, e.g. registration and pharmacy, see every service)
SERVICE_COUNTERS = {
    "Pemeriksaan umum": "Poli Umum",
    "Surat keterangan sehat": "Poli Umum",
    "Kesehatan ibu dan anak (KIA) dan KB": "Poli KIA",
    "Imunisasi": "Poli KIA",
    "Pemeriksaan gigi dan mulut": "Poli Gigi",
    "Pemeriksaan laboratorium": "Laboratorium",
}
COUNTER_WEIGHTS = {
    "Loket Pendaftaran": 4,
    "Poli Umum": 4,
    "Poli KIA": 2,
    "Poli Gigi": 1,
    "Laboratorium": 1,
    "Apotek": 3,
}

UPTS = (
    UptPlan(
        name="UPT Puskesmas Sukamaju",
        code="PKM-SKJ",
        population=18_500,
        skm_per_month=150,
        a6_per_month=45,
        level=(3.22, 3.34),
        a6_level=(4.0, 4.1),
        counters=("Loket Pendaftaran", "Poli Umum", "Poli KIA", "Apotek"),
        services=(
            "Pemeriksaan umum",
            "Kesehatan ibu dan anak (KIA) dan KB",
            "Imunisasi",
            "Surat keterangan sehat",
        ),
        staff=(
            ("Loket Pendaftaran", "Dewi Lestari", "199003152015032004"),
            ("Loket Pendaftaran", "Agus Setiawan", "198811022014031002"),
            ("Poli Umum", "dr. Rina Kartika", "198507212010012015"),
            ("Apotek", "Yuliana Sari, S.Farm.", "199207092019032011"),
        ),
    ),
    UptPlan(
        name="UPT Puskesmas Mekarsari",
        code="PKM-MKS",
        population=12_400,
        skm_per_month=125,
        a6_per_month=40,
        level=(3.12, 3.14),
        a6_level=(3.85, 3.85),
        counters=("Loket Pendaftaran", "Poli Umum", "Poli KIA", "Laboratorium", "Apotek"),
        services=(
            "Pemeriksaan umum",
            "Kesehatan ibu dan anak (KIA) dan KB",
            "Imunisasi",
            "Pemeriksaan laboratorium",
        ),
        staff=(
            ("Loket Pendaftaran", "Budi Santoso", "198604302009031006"),
            ("Loket Pendaftaran", "Rahmawati", "199409182020122008"),
            ("Poli Umum", "dr. Hendra Wijaya", "198212052009021003"),
            ("Poli KIA", "Nurul Hidayah, A.Md.Keb.", "199101272015032009"),
        ),
    ),
    UptPlan(
        name=SLIPPING_UNIT,
        code="PKM-TJG",
        population=9_800,
        skm_per_month=110,
        a6_per_month=35,
        level=(3.32, 2.60),  # slipping month by month: from about 82 (B) to about 65 (C/D)
        a6_level=(4.05, 3.30),
        counters=("Loket Pendaftaran", "Poli Umum", "Poli Gigi", "Apotek"),
        services=(
            "Pemeriksaan umum",
            "Pemeriksaan gigi dan mulut",
            "Imunisasi",
            "Surat keterangan sehat",
        ),
        staff=(
            ("Loket Pendaftaran", "Eko Prasetyo", "198909142014021001"),
            ("Loket Pendaftaran", "Fitri Handayani", "199305112019032013"),
            ("Poli Umum", "dr. Andi Pratama", "198710032012011004"),
            ("Apotek", "Maya Anggraini, S.Farm.", "199512222020122005"),
        ),
    ),
)

# SKM 2017 unsur: offset from the unit's level (Puskesmas with BPJS: the cost is mostly "Gratis";
# waiting time and complaint handling are the usual weak points)
SKM_OFFSETS = {
    "U1": 0.05,  # persyaratan
    "U2": 0.00,  # prosedur
    "U3": -0.30,  # waktu
    "U4": 0.60,  # biaya
    "U5": 0.00,  # produk
    "U6": 0.10,  # kompetensi
    "U7": 0.05,  # perilaku
    "U8": -0.15,  # sarana
    "U9": -0.25,  # pengaduan
}
# extra drift of the slipping unit (x elapsed share of the six months): long waits, a doctor
# who comes late, a pharmacy out of stock
SLIP_DRIFT = {"U3": -0.30, "U5": -0.15, "U7": -0.20}

# A6 items: (mean expectation 1-5, offset of performance from the unit's level)
A6_ITEMS = {
    "ABL1": (4.5, 0.10),
    "ABL2": (4.5, 0.00),
    "ABL3": (4.6, -0.20),
    "ABL4": (4.5, -0.10),
    "ATT1": (4.4, 0.20),
    "ATT2": (4.2, 0.10),
    "ATT3": (4.6, 0.10),
    "ATT4": (4.7, -0.30),
    "APP1": (4.3, 0.30),
    "APP2": (3.9, 0.45),
    "APP3": (4.0, 0.20),
    "APP4": (4.2, 0.00),
    "ATN1": (4.5, -0.20),
    "ATN2": (3.2, -0.60),
    "ATN3": (4.5, -0.20),
    "ATN4": (4.3, -0.50),
    "ACT1": (4.8, -0.70),
    "ACT2": (4.4, -0.30),
    "ACT3": (4.7, -0.10),
    "ACT4": (4.0, 0.30),
    "ACC1": (4.3, -0.40),
    "ACC2": (4.6, -0.50),
    "ACC3": (4.5, -0.40),
    "ACC4": (4.5, -0.20),
}

EDUCATION = (("sd", 14), ("sltp", 19), ("slta", 38), ("d1d3", 10), ("d4s1", 16), ("s2", 3))
OCCUPATION = (
    ("pns", 8),
    ("tni", 2),
    ("polri", 2),
    ("swasta", 24),
    ("wirausaha", 22),
    ("lainnya", 42),
)

SUGGESTIONS_LOW = (
    "Antrean di loket pendaftaran terlalu lama, mohon ditambah petugas.",
    "Waktu tunggu di poli umum lebih dari dua jam.",
    "Dokter sering datang terlambat, pasien sudah menunggu sejak pagi.",
    "Obat di apotek sering kosong, kami harus membeli di luar.",
    "- ruang tunggu panas, mohon ditambah kipas angin",
    "Petugas kurang ramah kepada pasien lansia.",
    "Kotak saran ada tetapi tidak pernah ditanggapi.",
    "Toilet kurang bersih dan airnya sering mati.",
    "Jadwal poli tidak jelas, tolong dipasang papan informasi.",
)
SUGGESTIONS_MID = (
    "Mohon lahan parkir diperluas.",
    "Sebaiknya ada pendaftaran online lewat WhatsApp.",
    "Tambah kursi di ruang tunggu.",
    "Nomor antrean sebaiknya dipanggil dengan pengeras suara.",
    "Pelayanan cukup baik, tetapi antrean pagi masih panjang.",
)
SUGGESTIONS_HIGH = (
    "Pelayanan sudah baik, pertahankan.",
    "Petugas ramah dan cepat, terima kasih.",
    "Terima kasih, pelayanannya memuaskan.",
    "Apoteker menjelaskan cara minum obat dengan jelas.",
    "Puskesmasnya bersih dan nyaman.",
)
BANK_SUGGESTIONS = (
    "Antrean teller panjang pada jam makan siang.",
    "Customer service sangat membantu, terima kasih.",
    "Mohon tambah mesin ATM di depan kantor.",
    "Proses pengajuan KUR cepat dan jelas.",
    "AC di ruang tunggu kurang dingin.",
)


# -- what the load returns -------------------------------------------------------------------
@dataclass
class DemoResult:
    created: bool
    organizations: list[Organization]
    surveys: list[Survey]
    responses: int
    users: list[str] = field(default_factory=list)
    cases: int = 0


def demo_organization() -> Organization | None:
    return Organization.objects.filter(slug=DINAS_SLUG).first()


def demo_surveys() -> list[Survey]:
    """The open surveys of the demo organizations: the Dinas's SKM, A6 and employee surveys,
    then the bank's and the shop's."""
    surveys = Survey.objects.filter(
        organization__slug__in=SLUGS, status=SurveyStatus.OPEN
    ).select_related("organization", "instrument_version__instrument")
    order = {"skm2017": 0, "a6": 1, "internal": 2, "quick": 3}
    return sorted(
        (s for s in surveys if s.is_open()),
        key=lambda s: (order.get(s.instrument_version.instrument.key, 9), s.pk),
    )


# -- the password, kept in the data folder ----------------------------------------------------
def demo_password(data_dir: Path) -> tuple[str, bool]:
    """The demo users' password from ``<data_dir>/demo-password`` (mode 600), made once.

    Returns ``(password, created)``.
    """
    path = Path(data_dir) / PASSWORD_FILE
    if path.exists():
        text = path.read_text("utf-8").strip()
        if text:
            return text, False
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(password + "\n")
    path.chmod(0o600)
    return password, True


def demo_set_password(password: str) -> None:
    """Give the demo users ``password`` (after the password file was made anew)."""
    get_user_model().objects.filter(username__in=USERS).update(password=make_password(password))


# -- loading ----------------------------------------------------------------------------------
def demo_load(*, password: str, today: date | None = None) -> DemoResult:
    """Create the demo once; afterwards return what exists and change nothing."""
    existing = demo_organization()
    if existing is not None:
        orgs = sorted(
            Organization.objects.filter(slug__in=SLUGS), key=lambda o: SLUGS.index(o.slug)
        )
        count = Response.objects.filter(organization__in=orgs).count()
        return DemoResult(False, orgs, demo_surveys(), count)
    taken = get_user_model().objects.filter(username__in=USERS)
    if taken.exists():
        names = ", ".join(sorted(u.username for u in taken))
        raise DemoError(
            f"the database already has user(s) {names} but no demo; "
            "use an empty data folder for the demo (PRIMA_DATA_DIR)"
        )
    from prima.demo.cases import muted_case_signals

    # the demo's cases are history: no e-mail or webhook for them (muted until the commit ran)
    with muted_case_signals(), transaction.atomic():
        return _Builder(today or timezone.localdate()).build(password)


def demo_alerts(today: date | None = None) -> int:
    """Run the alert check on the demo just loaded (the first check of the install: the
    current and the last month), so that the slipping Puskesmas has its alert and its
    notifications when the demo starts. Returns the number of new alerts."""
    from prima.alerts.services import check_periods, evaluate_all

    return len(evaluate_all(check_periods(today)).created)


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def _clip_round(x: float, low: int, high: int) -> int:
    return min(high, max(low, math.floor(x + 0.5)))


@dataclass
class _Site:
    """One UPT as built: its counters, services and staff."""

    plan: UptPlan
    unit: Unit
    counters: dict[str, Unit]
    services: list[Service]
    staff: dict[str, list[StaffMember]]

    def pick_counter(self, rng: random.Random) -> Unit:
        names = list(self.counters)
        return self.counters[rng.choices(names, weights=[COUNTER_WEIGHTS[n] for n in names])[0]]

    def pick_service(self, rng: random.Random, counter: Unit) -> Service:
        here = [s for s in self.services if SERVICE_COUNTERS.get(s.name) == counter.name]
        return rng.choice(here or self.services)


class _Builder:
    def __init__(self, today: date) -> None:
        self.today = today
        self.first_day = _month_start(today, MONTHS - 1)
        self.rng = random.Random(SEED)
        # who left a contact: a generator of its own, so the answers stay as they were
        self.contact_rng = random.Random(SEED + 1)
        self.tz = timezone.get_current_timezone()
        self.rows: list[Response] = []
        self.survey_units: dict[int, list[Unit]] = {}

    # -- time ---------------------------------------------------------------------------------
    def moment(
        self, *, open_days: int = 6, start: float = 7.5, peak: float = 9.0, end: float = 13.5
    ) -> tuple[datetime, float]:
        """A service moment from the first day of the month five months ago to yesterday (not on
        Sundays, nor Saturdays if ``open_days`` is 5), and the elapsed share of the period by
        calendar month (0 for the first month .. 1 for the current one), so that a trend shows
        month by month."""
        rng = self.rng
        span = (self.today - self.first_day).days
        while True:
            day = self.today - timedelta(days=rng.randint(1, span))
            if day.weekday() < open_days:
                break
        hours = rng.triangular(start, end, peak)
        seconds = int(hours * 3600) + rng.randint(0, 59)
        moment = timezone.make_aware(
            datetime.combine(day, time()) + timedelta(seconds=seconds), self.tz
        )
        month = (day.year - self.first_day.year) * 12 + day.month - self.first_day.month
        return moment, month / (MONTHS - 1)

    def submission_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def code(self) -> str:
        for _ in range(100):
            code = "".join(self.rng.choice(CODE_ALPHABET) for _ in range(8))
            if not Survey.objects.filter(code=code).exists():
                return code
        raise DemoError("could not find a free survey code")  # pragma: no cover

    # -- the whole demo -----------------------------------------------------------------------
    def build(self, password: str) -> DemoResult:
        srv.instruments_install_builtin()
        instruments = {i.key: i for i in Instrument.objects.filter(organization=None)}
        dinas_org = org.organization_create(
            name="Dinas Kesehatan Kota Harapan", slug=DINAS_SLUG, kind=OrganizationKind.GOVERNMENT
        )
        dinas = org.unit_create(
            organization=dinas_org, name="Dinas Kesehatan Kota Harapan", code="DINKES"
        )
        sites = [self.site(dinas_org, dinas, plan) for plan in UPTS]
        upts = [s.unit for s in sites]
        skm = self.survey(
            dinas_org,
            "Survei Kepuasan Masyarakat UPT Puskesmas",
            instruments["skm2017"],
            upts,
        )
        a6 = self.survey(
            dinas_org,
            "Pelayanan Prima A6: harapan dan kinerja petugas Puskesmas",
            instruments["a6"],
            upts,
        )
        for site in sites:
            self.skm_responses(skm, site)
            self.a6_responses(a6, site)

        bank_org = org.organization_create(
            name="Bank Sejahtera", slug=BANK_SLUG, kind=OrganizationKind.COMMERCIAL
        )
        branch = org.unit_create(
            organization=bank_org,
            name="Kantor Cabang Kota Harapan",
            code="KC-HRP",
            population=24_000,
        )
        bank_services = [
            org.service_create(unit=branch, name=name)
            for name in ("Teller", "Customer service", "Kredit usaha rakyat (KUR)")
        ]
        quick = self.survey(
            bank_org, "Survei Kepuasan Nasabah Cabang Kota Harapan", instruments["quick"], [branch]
        )
        self.quick_responses(quick, branch, bank_services)
        # last, so that the generator's draws for everything above stay as they were
        self.employee_survey(dinas_org, dinas, sites)

        self.rows.sort(key=lambda r: r.submitted_at)  # ids in the order responses came in
        Response.objects.bulk_create(self.rows, batch_size=1000)
        users = self.users(password, dinas_org, sites[0].unit, bank_org)
        cases = self.cases(dinas_org, sites)
        # last, each with a generator of its own, so that everything above stays as it was
        self.audits(dinas_org, sites)
        shop = self.shop()
        return DemoResult(
            True,
            [dinas_org, bank_org, shop.organization],
            demo_surveys(),
            len(self.rows) + shop.responses,
            users + shop.users,
            cases,
        )

    def audits(self, dinas_org: Organization, sites: list[_Site]) -> int:
        """The Puskesmas's monthly audits of :mod:`prima.demo.audits`; how many."""
        from prima.demo.audits import PuskesmasSite, puskesmas_audits

        people = {
            u.username: u for u in get_user_model().objects.filter(username__in=[ADMIN, MANAGER])
        }
        places = [
            PuskesmasSite(
                name=site.plan.name,
                code=site.plan.code,
                unit=site.unit,
                counters=site.counters,
                staff=site.staff,
                auditor=people[MANAGER] if site is sites[0] else people[ADMIN],
            )
            for site in sites
        ]
        audits = puskesmas_audits(
            organization=dinas_org,
            sites=places,
            admin=people[ADMIN],
            partner=people[ADMIN],
            partner_site=sites[0].plan.name,
            first_day=self.first_day,
            today=self.today,
            seed=SEED + 13,
            tz=self.tz,
        )
        return len(audits)

    def shop(self) -> Any:
        """The shop of :mod:`prima.demo.shop` (its :class:`~prima.demo.shop.ShopResult`)."""
        from prima.demo.shop import shop_build

        return shop_build(
            today=self.today,
            first_day=self.first_day,
            password_hash=get_user_model().objects.get(username=ADMIN).password,
            seed=SEED + 14,
            tz=self.tz,
        )

    def employee_survey(self, dinas_org: Organization, dinas: Unit, sites: list[_Site]) -> int:
        """The Dinas's employee survey of :mod:`prima.demo.employees`; how many responses."""
        from prima.demo.employees import employee_survey

        return employee_survey(self, dinas_org, dinas, sites, slipping_name=SLIPPING_UNIT)

    def cases(self, dinas_org: Organization, sites: list[_Site]) -> int:
        """The complaints and follow-ups of :mod:`prima.demo.cases`; how many."""
        from prima.demo.cases import demo_cases

        people = {
            u.username: u
            for u in get_user_model().objects.filter(username__in=[ADMIN, MANAGER, BANK_ADMIN])
        }
        admin, manager = people[ADMIN], people[MANAGER]
        bank = Organization.objects.get(slug=BANK_SLUG)
        places = [
            (
                site.unit,
                list(site.counters.values()),
                float(site.plan.skm_per_month),
                site.plan.name == SLIPPING_UNIT,
                [admin, manager] if site is sites[0] else [admin],
            )
            for site in sites
        ]
        built = demo_cases(
            organization=dinas_org,
            places=places,
            admin=admin,
            owners_elsewhere={bank.pk: [people[BANK_ADMIN]]},
            responses=[r for r in self.rows if r.contact],
            today=self.today,
            first_day=self.first_day,
            seed=SEED,
        )
        return built.cases

    def site(self, organization: Organization, dinas: Unit, plan: UptPlan) -> _Site:
        upt = org.unit_create(
            organization=organization,
            name=plan.name,
            parent=dinas,
            code=plan.code,
            population=plan.population,
        )
        counters = {
            name: org.unit_create(
                organization=organization,
                name=name,
                parent=upt,
                code=f"{plan.code}-{COUNTER_CODES[name]}",
            )
            for name in plan.counters
        }
        services = [org.service_create(unit=upt, name=name) for name in plan.services]
        staff: dict[str, list[StaffMember]] = {}
        for counter, name, nip in plan.staff:
            member = org.staff_create(unit=counters[counter], name=name, employee_number=nip)
            staff.setdefault(counter, []).append(member)
        return _Site(plan, upt, counters, services, staff)

    def survey(
        self, organization: Organization, title: str, instrument: Instrument, units: list[Unit]
    ) -> Survey:
        survey = srv.survey_create(
            organization=organization,
            title=title,
            instrument=instrument,
            units=units,
            channels=[Channel.WEB, Channel.QR],
            starts_on=self.first_day,
        )
        survey.code = self.code()
        survey.save(update_fields=["code"])
        return survey

    def users(
        self, password: str, dinas_org: Organization, sukamaju: Unit, bank_org: Organization
    ) -> list[str]:
        hashed = make_password(password)  # once: hashing is slow on purpose
        people = {}
        for username, first_name in (
            (ADMIN, "Admin Dinkes"),
            (MANAGER, "Manajer Sukamaju"),
            (VIEWER, "Pengamat"),
            (BANK_ADMIN, "Admin Bank"),
        ):
            user = org.user_create(username=username, first_name=first_name)
            user.password = hashed
            user.save(update_fields=["password"])
            people[username] = user
        org.membership_grant(user=people[ADMIN], organization=dinas_org, role=Role.ADMIN)
        org.membership_grant(
            user=people[MANAGER], organization=dinas_org, role=Role.MANAGER, unit=sukamaju
        )
        org.membership_grant(user=people[VIEWER], organization=dinas_org, role=Role.VIEWER)
        org.membership_grant(user=people[BANK_ADMIN], organization=bank_org, role=Role.ADMIN)
        return list(people)

    # -- responses ----------------------------------------------------------------------------
    def add(
        self,
        survey: Survey,
        *,
        unit: Unit,
        answers: dict[str, int],
        submitted_at: datetime,
        service: Service | None = None,
        staff: StaffMember | None = None,
        profile: dict[str, Any] | None = None,
        suggestion: str = "",
    ) -> None:
        """Check one response with the submission rules, then queue it for ``bulk_create``."""
        version = survey.instrument_version
        clean, errors = clean_answers(version.questions, answers)
        profile_clean, profile_errors = clean_profile(version.parsed, profile or {})
        survey_units = self._survey_units(survey)
        in_survey = any(unit.path.startswith(u.path) for u in survey_units)
        related = (service is None or _related(service.unit, unit)) and (
            staff is None or _related(staff.unit, unit)
        )
        if errors or profile_errors or not in_survey or not related or clean != answers:
            raise DemoError(f"invalid demo response: {errors.messages('en')} {profile_errors}")
        employee = survey.is_employee
        # an employee survey never keeps a contact (prima.surveys.anonymity.NO_CONTACT)
        contact = {} if employee else self.contact(version.parsed, clean, suggestion)
        values: dict[str, Any] = {
            "organization_id": survey.organization_id,
            "survey": survey,
            "instrument_version": version,
            "unit": unit,
            "service": service,
            "staff": staff,
            "channel": Channel.QR if self.rng.random() < 0.55 else Channel.WEB,
            "submitted_at": submitted_at,
            "answers": clean,
            "profile": profile_clean,
            "suggestion": suggestion,
            "contact": contact,
        }
        submission_id = self.submission_id()
        if employee:  # stored as response_submit stores it: the unit and the day only
            values = anonymise(values)
            submission_id = stored_submission_id(survey.pk, submission_id)
        self.rows.append(Response(submission_id=submission_id, **values))

    def contact(self, instrument: Any, answers: dict[str, int], suggestion: str) -> dict[str, str]:
        """A contact (kept with consent, as the survey page keeps it) for about one in twelve of the
        respondents whose answers call for a follow-up (:mod:`prima.followups.rules`), and a few
        others who left a suggestion."""
        from prima.followups.rules import Thresholds, triggers

        rng = self.contact_rng
        low = bool(triggers(instrument, answers, Thresholds()))
        if rng.random() >= (0.08 if low else 0.04 if suggestion else 0.0):
            return {}
        first = rng.choice(("Sri", "Agus", "Rina", "Dedi", "Nur", "Wahyu", "Intan", "Bayu"))
        last = rng.choice(("Handayani", "Pratama", "Setiawati", "Nugroho", "Permata"))
        contact = {"name": f"{first} {last}"}
        if rng.random() < 0.6:
            contact["phone"] = (
                f"08{rng.randint(12, 58)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
            )
        else:
            contact["email"] = f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@contoh.id"
        return contact

    def _survey_units(self, survey: Survey) -> list[Unit]:
        if survey.pk not in self.survey_units:
            self.survey_units[survey.pk] = list(survey.units.all())
        return self.survey_units[survey.pk]

    def profile(self) -> dict[str, Any]:
        rng = self.rng
        profile: dict[str, Any] = {
            "age": _clip_round(rng.triangular(17, 78, 34), 17, 80),
            "sex": "P" if rng.random() < 0.58 else "L",
            "education": _weighted(rng, EDUCATION),
            "occupation": _weighted(rng, OCCUPATION),
        }
        if rng.random() < 0.06:  # some respondents leave their age blank (allowed)
            del profile["age"]
        return profile

    def staff_for(self, site: _Site, counter: Unit, share: float) -> StaffMember | None:
        people = site.staff.get(counter.name)
        if not people or self.rng.random() >= share:
            return None
        return self.rng.choice(people)

    def suggestion(self, score: float, rate: float) -> str:
        rng = self.rng
        if rng.random() >= rate:
            return ""
        if score < 2.85:
            return rng.choice(SUGGESTIONS_LOW)
        if score > 3.45:
            return rng.choice(SUGGESTIONS_HIGH)
        return rng.choice(SUGGESTIONS_MID)

    def skm_responses(self, survey: Survey, site: _Site) -> None:
        rng = self.rng
        plan = site.plan
        slipping = plan.name == SLIPPING_UNIT
        for _ in range(plan.skm_per_month * MONTHS):
            when, elapsed = self.moment()
            level = plan.level[0] + (plan.level[1] - plan.level[0]) * elapsed
            person = rng.gauss(0, 0.25)
            answers = {}
            for key, offset in SKM_OFFSETS.items():
                drift = SLIP_DRIFT.get(key, 0.0) * elapsed if slipping else 0.0
                answers[key] = _clip_round(
                    level + offset + drift + person + rng.gauss(0, 0.5), 1, 4
                )
            counter = site.pick_counter(rng) if rng.random() < 0.9 else site.unit
            self.add(
                survey,
                unit=counter,
                answers=answers,
                submitted_at=when,
                service=site.pick_service(rng, counter) if rng.random() < 0.92 else None,
                staff=self.staff_for(site, counter, 0.45),
                profile=self.profile(),
                suggestion=self.suggestion(sum(answers.values()) / 9, 0.2),
            )

    def a6_responses(self, survey: Survey, site: _Site) -> None:
        rng = self.rng
        plan = site.plan
        for _ in range(plan.a6_per_month * MONTHS):
            when, elapsed = self.moment()
            level = plan.a6_level[0] + (plan.a6_level[1] - plan.a6_level[0]) * elapsed
            person_e = rng.gauss(0, 0.25)
            person_p = rng.gauss(0, 0.35)
            answers = {}
            for item, (expectation, offset) in A6_ITEMS.items():
                answers[f"{item}.{EXPECTATION}"] = _clip_round(
                    expectation + person_e + rng.gauss(0, 0.5), 1, 5
                )
                answers[f"{item}.{PERFORMANCE}"] = _clip_round(
                    level + offset + person_p + rng.gauss(0, 0.6), 1, 5
                )
            counter = site.pick_counter(rng)
            performance = [v for k, v in answers.items() if k.endswith(PERFORMANCE)]
            self.add(
                survey,
                unit=counter,
                answers=answers,
                submitted_at=when,
                service=site.pick_service(rng, counter),
                staff=self.staff_for(site, counter, 0.8),
                suggestion=self.suggestion(sum(performance) / len(performance) - 0.8, 0.12),
            )

    def quick_responses(self, survey: Survey, branch: Unit, services: list[Service]) -> None:
        rng = self.rng
        for _ in range(50 * MONTHS):
            when, _elapsed = self.moment(open_days=5, start=8.0, peak=11.0, end=15.0)
            csat = _clip_round(4.0 + rng.gauss(0, 0.85), 1, 5)
            nps = _clip_round(2 * csat - 0.3 + rng.gauss(0, 1.1), 0, 10)
            back = 1 if rng.random() < (0.93 if csat >= 3 else 0.45) else 0
            self.add(
                survey,
                unit=branch,
                answers={"csat": csat, "nps": nps, "kembali": back},
                submitted_at=when,
                service=rng.choices(services, weights=[5, 3, 1])[0],
                suggestion=rng.choice(BANK_SUGGESTIONS) if rng.random() < 0.1 else "",
            )


def _related(a: Unit, b: Unit) -> bool:
    """One unit lies in the other's subtree (the submission rule for service and staff)."""
    return a.path.startswith(b.path) or b.path.startswith(a.path)
