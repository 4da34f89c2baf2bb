"""The cases of ``prima demo`` (issue 11, Demo): complaints, follow-ups and their handling.

Built after the demo's responses, inside the demo's transaction, by the services of the cases
core (:mod:`prima.cases.services`) and the casework check (:func:`prima.casework.checks.
cases_check`), each run at the moment it happened: the demo is history, so each step runs on a
clock set to its moment (:func:`_at`), and the due dates, working days, first responses,
resolutions, ratings and notices are the services' own. Deterministic: one seeded generator,
and the tracking codes drawn from it (:func:`_codes`) instead of :mod:`secrets`.

- a closed day (the Dinas's anniversary, a weekday in March of the current year) in the
  calendar, next to the real public holidays and *cuti bersama* of the ``holidays`` package;
- about 25 complaints a month across the three Puskesmas, by every channel (web form, letter,
  telephone, in person, e-mail, social media; staff intake by the admin), in Indonesian with a
  few in English, most with a contact; owners among the demo's users who may handle them (the
  admin, and the Sukamaju manager for Sukamaju); most verified, handled and resolved, some late,
  some rejected with a reason, some reopened, about half of the resolved ones rated 1-5 with a
  comment; the slipping Puskesmas handles slowest;
- follow-up cases of the demo's responses whose respondents left a contact (the low scores of
  :data:`prima.demo.data` get a contact more often), through :func:`prima.followups.services.
  follow_up` as a submission would;
- ``prima cases check`` run weekly over the last three weeks and on the load day: the reminders,
  breaches and escalations of the cases still open (escalating one level per run).

Case events are history, not news: :data:`prima.cases.signals.case_changed` is muted while the
demo is stored (:func:`muted_case_signals`), so no e-mail or webhook goes out for them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from prima.cases import services as cases
from prima.cases.models import Case, CaseChannel, CaseStatus, CaseTier
from prima.cases.signals import case_changed, case_recorded
from prima.organizations.calendar import calendar_for
from prima.organizations.models import CalendarDay, Organization, Unit
from prima.surveys.models import Response

CASES_PER_MONTH = 25
ANNIVERSARY = (3, 17, "Hari jadi Dinas Kesehatan Kota Harapan")
CHANNELS = (
    (CaseChannel.WEB, 34),
    (CaseChannel.WALK_IN, 20),
    (CaseChannel.PHONE, 15),
    (CaseChannel.SOCIAL_MEDIA, 15),
    (CaseChannel.LETTER, 8),
    (CaseChannel.EMAIL, 8),
)
TIERS = ((CaseTier.ORDINARY, 86), (CaseTier.DISPUTE, 10), (CaseTier.FIELD, 4))
CHECK_WEEKS = 3

# complaints per category (the built-in keys): what citizens write to a Puskesmas
TEXTS: dict[str, tuple[str, ...]] = {
    "U1": (
        "Saya diminta membawa fotokopi KK padahal sudah membawa KTP dan kartu BPJS. "
        "Persyaratannya tidak tertulis di mana pun.",
        "Syarat membuat surat keterangan sehat berbeda-beda, setiap petugas bilang lain.",
    ),
    "U2": (
        "Alur pendaftaran membingungkan, saya disuruh bolak-balik antara loket dan poli.",
        "Rujukan ke rumah sakit harus diurus dua kali karena formulirnya salah diisi petugas.",
    ),
    "U3": (
        "Antrean di loket pendaftaran lama sekali, saya datang jam 07.00 baru dipanggil jam 10.30.",
        "Sudah tiga jam menunggu di poli umum, dokter belum juga datang.",
        "Hasil laboratorium dijanjikan satu hari, sampai hari ketiga belum keluar.",
        "Antrean lama, nomor antrean tidak dipanggil berurutan.",
    ),
    "U4": (
        "Saya peserta BPJS tetapi tetap diminta membayar Rp50.000 untuk obat tanpa kuitansi.",
        "Biaya tidak jelas: ada pungutan untuk map dan materai yang tidak diterangkan.",
        "Tarif surat keterangan sehat berbeda dengan yang tertulis di papan informasi.",
    ),
    "U5": (
        "Obat yang diberikan apotek kurang dari resep dokter, katanya stok habis.",
        "Surat keterangan sehat yang saya terima salah ketik nama dan tanggal lahir.",
    ),
    "U6": (
        "Petugas laboratorium tiga kali menusuk jarum karena kurang terampil, anak saya kesakitan.",
        "Petugas di loket tidak bisa menjelaskan cara memindahkan faskes BPJS.",
    ),
    "U7": (
        "Petugas kurang ramah, saya dibentak ketika bertanya soal nomor antrean.",
        "Petugas pendaftaran sibuk bermain ponsel sementara antrean panjang.",
        "Ibu saya yang sudah lansia tidak didahulukan dan diperlakukan kurang sopan.",
    ),
    "U8": (
        "Toilet di ruang tunggu kotor dan airnya mati sejak minggu lalu.",
        "Kursi ruang tunggu kurang, banyak pasien hamil terpaksa berdiri.",
        "Parkir motor tidak beratap, helm dan jok basah setiap hujan.",
        "Kipas angin ruang tunggu rusak, ruangan sangat panas.",
    ),
    "U9": (
        "Kotak saran sudah penuh dan tidak pernah dibuka, keluhan saya bulan lalu tidak dijawab.",
        "Nomor pengaduan di papan informasi tidak aktif.",
    ),
    "attitude": ("Dokter gigi berbicara kasar kepada anak saya yang takut diperiksa.",),
    "attention": (
        "Keluhan saya tentang efek samping obat tidak didengarkan, langsung disuruh pulang.",
    ),
    "action": ("Kartu berobat saya hilang di loket, saya harus mendaftar ulang dari awal.",),
    "other": (
        "Jalan masuk ke Puskesmas rusak dan berlubang, berbahaya bagi ambulans.",
        "Mohon jadwal imunisasi diumumkan lewat media sosial Puskesmas.",
    ),
}
TEXTS_EN = (
    ("U3", "I waited almost four hours at the general clinic with a feverish child."),
    ("U7", "The registration officer refused to help me because I could not speak Indonesian."),
    ("U4", "I was asked to pay for a health certificate although the board says it is free."),
    ("U8", "The ramp at the entrance is too steep for a wheelchair."),
)
EN_SHARE = 0.04
REJECTIONS = (
    "Pengaduan di luar kewenangan Puskesmas; telah kami teruskan ke BPJS Kesehatan.",
    "Kronologi dan waktu kejadian tidak dapat diverifikasi; mohon sampaikan kembali dengan "
    "keterangan lengkap.",
    "Pengaduan ganda: sudah ditangani dalam kasus sebelumnya.",
)
REPLIES = (
    "Terima kasih atas laporan Bapak/Ibu. Pengaduan sudah kami terima dan sedang kami periksa.",
    "Pengaduan telah kami verifikasi dan diteruskan kepada penanggung jawab unit.",
)
RESOLUTIONS = (
    "Kami mohon maaf. Petugas yang bersangkutan telah dibina dan alur antrean diperbaiki.",
    "Kekurangan sudah diperbaiki dan kami pantau setiap minggu. Terima kasih atas masukannya.",
    "Biaya yang ditarik telah dikembalikan dan petugas diberi teguran tertulis.",
    "Jadwal dan persyaratan kini dipasang di papan informasi dan media sosial Puskesmas.",
)
NOTES = (
    "Sudah dikonfirmasi ke kepala ruang; menunggu laporan tertulis.",
    "Cek rekaman CCTV tanggal kejadian.",
    "Koordinasi dengan bagian umum untuk perbaikan sarana.",
)
COMMENTS = {
    1: ("Tidak ada perubahan sama sekali.", "Jawabannya hanya formalitas."),
    2: ("Ditanggapi, tetapi terlambat.",),
    3: ("Cukup, semoga tidak terulang.",),
    4: ("Ditanggapi dengan baik, terima kasih.", "Sudah ada perbaikan."),
    5: ("Cepat dan jelas, terima kasih banyak.", "Sangat puas dengan tindak lanjutnya."),
}
FIRST_NAMES = (
    "Siti",
    "Ahmad",
    "Dewi",
    "Rudi",
    "Wulan",
    "Bambang",
    "Lestari",
    "Joko",
    "Fitriani",
    "Hendra",
    "Ayu",
    "Yusuf",
)
LAST_NAMES = ("Rahayu", "Saputra", "Wibowo", "Lestari", "Hidayat", "Kurniawan", "Susanti")


@contextmanager
def _at(moment: datetime) -> Iterator[None]:
    """Run what follows on a clock set to ``moment`` (the services read
    :func:`django.utils.timezone.now`)."""
    real = timezone.now
    timezone.now = lambda: moment  # type: ignore[assignment]
    try:
        yield
    finally:
        timezone.now = real  # type: ignore[assignment]


@contextmanager
def _codes(rng: random.Random) -> Iterator[None]:
    """Tracking codes from the demo's generator (a demo is the same on every load)."""
    real = cases.tracking_code_new

    def drawn() -> str:
        return cases._grouped(
            "".join(rng.choice(cases.TRACKING_ALPHABET) for _ in range(cases.TRACKING_LENGTH))
        )

    cases.tracking_code_new = drawn  # type: ignore[assignment]
    try:
        yield
    finally:
        cases.tracking_code_new = real  # type: ignore[assignment]


@contextmanager
def muted_case_signals() -> Iterator[None]:
    """No receiver of ``case_recorded`` or ``case_changed`` hears the demo's history (put around
    the transaction, so that the callbacks run at its commit find none)."""
    signals = (case_recorded, case_changed)
    saved = []
    for signal in signals:
        with signal.lock:
            saved.append(signal.receivers)
            signal.receivers = []
            signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal, receivers in zip(signals, saved, strict=True):
            with signal.lock:
                signal.receivers = receivers
                signal.sender_receivers_cache.clear()


@dataclass
class DemoCases:
    cases: int = 0
    follow_ups: int = 0
    notices: int = 0


@dataclass
class _Place:
    upt: Unit
    counters: list[Unit]
    weight: float
    slow: bool  # the slipping Puskesmas handles slowest
    owners: list[Any]


def anniversary(organization: Organization, today: date) -> CalendarDay:
    """The Dinas's anniversary this year as a closed day (the first working day on or after
    17 March, so that it closes a day that would be open)."""
    calendar = calendar_for(organization)
    day = date(today.year, ANNIVERSARY[0], ANNIVERSARY[1])
    while not calendar.is_working(day):
        day += timedelta(days=1)
    found, _ = CalendarDay.objects.get_or_create(
        organization=organization, date=day, defaults={"working": False, "name": ANNIVERSARY[2]}
    )
    return found


class _CaseBuilder:
    def __init__(self, *, today: date, first_day: date, rng: random.Random, admin: Any) -> None:
        self.today = today
        self.first_day_of_demo = first_day
        self.rng = rng
        self.admin = admin
        self.tz = timezone.get_current_timezone()
        # the latest moment anything happens: yesterday evening (the responses end yesterday)
        self.end = timezone.make_aware(datetime.combine(today, time(7, 0)), self.tz)

    def moment(self, first: date, *, office: bool) -> datetime:
        rng = self.rng
        span = max(1, (self.today - first).days)
        while True:
            day = self.today - timedelta(days=rng.randint(1, span))
            if not office or day.weekday() < 5:
                break
        hours = rng.triangular(7.5, 15.0, 9.5) if office else rng.uniform(6.0, 22.5)
        return timezone.make_aware(datetime.combine(day, time()) + timedelta(hours=hours), self.tz)

    def later(self, at: datetime, low: float, high: float) -> datetime | None:
        """A moment ``low``..``high`` days after ``at`` in office hours; None when after the
        demo's end (it has not happened yet)."""
        step = at + timedelta(days=self.rng.uniform(low, high))
        local = timezone.localtime(step, self.tz)
        if local.weekday() >= 5:
            local += timedelta(days=7 - local.weekday())
        if not 7 <= local.hour < 16:
            local = local.replace(hour=self.rng.randint(8, 14), minute=self.rng.randint(0, 59))
        return local if local < self.end else None

    def contact(self, channel: str) -> tuple[bool, dict[str, str] | None]:
        rng = self.rng
        if channel in (CaseChannel.WEB, CaseChannel.SOCIAL_MEDIA, CaseChannel.LETTER) and (
            rng.random() < 0.18
        ):
            return True, None
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        contact = {"name": name}
        if channel == CaseChannel.EMAIL or rng.random() < 0.45:
            contact["email"] = f"{name.lower().replace(' ', '.')}{rng.randint(1, 99)}@contoh.id"
        if "email" not in contact or rng.random() < 0.5:
            contact["phone"] = (
                f"08{rng.randint(11, 59)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
            )
        return False, contact

    def complaint(self, org: Organization, place: _Place) -> Case:
        rng = self.rng
        channel = rng.choices([c for c, _ in CHANNELS], weights=[w for _, w in CHANNELS])[0]
        office = channel not in (CaseChannel.WEB, CaseChannel.SOCIAL_MEDIA, CaseChannel.EMAIL)
        received = self.moment(self.first_day_of_demo, office=office)
        if rng.random() < EN_SHARE:
            category, text = rng.choice(TEXTS_EN)
            language = "en"
        else:
            category = rng.choice(list(TEXTS))
            text = rng.choice(TEXTS[category])
            language = "id"
        anonymous, contact = self.contact(channel)
        unit = rng.choice(place.counters) if rng.random() < 0.7 else place.upt
        staff_intake = channel != CaseChannel.WEB
        with _at(received if not staff_intake else received + timedelta(minutes=20)):
            case, _ = cases.case_receive(
                organization=org,
                unit=unit,
                text=text,
                channel=channel,
                received_at=received,
                submission_id=None,
                category=category if rng.random() < 0.8 else None,
                tier=rng.choices([t for t, _ in TIERS], weights=[w for _, w in TIERS])[0],
                anonymous=anonymous,
                contact=contact,
                consent=contact is not None,
                user=self.admin if staff_intake else None,
                language=language,
            )
        return case

    def handle(self, case: Case, place: _Place) -> None:
        """Verify, assign, handle and close (or not yet) one case, each step at its moment."""
        rng = self.rng
        slow = 1.8 if place.slow else 1.0
        at = self.later(case.received_at, 0.05, 2.5 * slow)
        if at is None:
            return
        with _at(at):
            if rng.random() < 0.06:
                cases.case_transition(
                    case, status=CaseStatus.REJECTED, note=rng.choice(REJECTIONS), user=self.admin
                )
                return
            cases.case_transition(
                case, status=CaseStatus.VERIFIED, note=rng.choice(REPLIES), user=self.admin
            )
            owner = rng.choice(place.owners)
            cases.case_assign(case, owner=owner, user=self.admin)
        at = self.later(at, 0.1, 2.0 * slow)
        if at is None:
            return
        with _at(at):
            cases.case_transition(case, status=CaseStatus.IN_PROGRESS, user=owner)
            if rng.random() < 0.15:
                cases.case_note(case, note=rng.choice(NOTES), user=owner)
        if rng.random() < 0.07:  # stuck: still open, and late when it is old
            return
        at = self.later(at, 0.3, (5.0 if case.tier == CaseTier.ORDINARY else 16.0) * slow)
        if at is None:
            return
        with _at(at):
            cases.case_transition(
                case, status=CaseStatus.RESOLVED, note=rng.choice(RESOLUTIONS), user=owner
            )
        self.after(case, at, owner)

    def after(self, case: Case, resolved: datetime, owner: Any) -> None:
        """The complainant's rating, or reopening (then handled again)."""
        rng = self.rng
        if case.anonymous or not (case.contact_email or case.contact_phone):
            return
        roll = rng.random()
        if roll < 0.07:
            at = self.later(resolved, 0.5, 6.0)
            if at is None:
                return
            with _at(at):
                cases.case_reopen(case, note="Masalahnya terulang lagi minggu ini.")
            again = self.later(at, 1.0, 6.0)
            if again is not None:
                with _at(again):
                    cases.case_transition(
                        case, status=CaseStatus.RESOLVED, note=rng.choice(RESOLUTIONS), user=owner
                    )
            return
        if roll < 0.55:
            at = self.later(resolved, 0.2, 5.0)
            if at is None:
                return
            on_time = bool(case.resolved_on_time)
            score = rng.choices(
                [1, 2, 3, 4, 5], weights=[1, 1, 3, 6, 5] if on_time else [4, 4, 3, 2, 1]
            )[0]
            comment = rng.choice(COMMENTS[score]) if rng.random() < 0.6 else ""
            with _at(at):
                cases.case_rate(case, score=score, comment=comment)


def demo_cases(
    *,
    organization: Organization,
    places: list[tuple[Unit, list[Unit], float, bool, list[Any]]],
    admin: Any,
    owners_elsewhere: dict[int, list[Any]],
    responses: list[Response],
    today: date,
    first_day: date,
    seed: int,
) -> DemoCases:
    """Store the demo's cases (see the module's docstring); ``places`` are the Puskesmas as
    ``(upt, counters, weight, slow, owners)``; the follow-ups of other organizations are
    handled by ``owners_elsewhere[organization id]``."""
    from prima.casework.checks import cases_check
    from prima.followups.services import follow_up

    rng = random.Random(seed)
    out = DemoCases()
    with _codes(rng):
        anniversary(organization, today)
        builder = _CaseBuilder(today=today, first_day=first_day, rng=rng, admin=admin)
        sites = [_Place(*p) for p in places]
        months = (today.year - first_day.year) * 12 + today.month - first_day.month + 1
        stored: list[tuple[Case, _Place]] = []
        for _ in range(CASES_PER_MONTH * months):
            place = rng.choices(sites, weights=[s.weight for s in sites])[0]
            stored.append((builder.complaint(organization, place), place))
        for response in responses:
            if not response.contact:
                continue
            place = next((s for s in sites if response.unit.path.startswith(s.upt.path)), None)
            when = response.submitted_at + timedelta(seconds=1)
            with _at(when):
                opened = follow_up(response, received_at=response.submitted_at)
            if opened is not None and opened[1]:
                out.follow_ups += 1
                if place is None:
                    owners = owners_elsewhere[response.organization_id]
                    place = _Place(response.unit, [response.unit], 0.0, False, owners)
                stored.append((opened[0], place))
        stored.sort(key=lambda pair: pair[0].received_at)
        for case, place in stored:
            builder.handle(case, place)
        out.cases = len(stored)
        # the weekly check over the last weeks, and the load day's
        for weeks in range(CHECK_WEEKS, -1, -1):
            moment = builder.end - timedelta(days=7 * weeks)
            with _at(moment):
                out.notices += len(cases_check(now=moment).notices)
    return out
