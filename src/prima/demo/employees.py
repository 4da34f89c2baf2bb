"""The demo's employee survey (issue 12, point 6): the Dinas Kesehatan asks its own staff.

*Penuhi dulu harapan para pelanggan internal (pegawai)* (``shared/domain/concept.md``): the
Dinas runs the built-in ``internal`` instrument (paired *harapan*/*kinerja* items 1-5 in the
concept's internal expectations and quality factors, and eNPS 0-10 asked once) among its
about two hundred employees -- the Dinas office and the three Puskesmas with their counters --
once a quarter, in the last two weeks of each quarter that the demo's months reach (the current
quarter as its last two weeks up to yesterday), so that each quarter is one wave with its own
release (``docs/disclosure.md``: offer waves, not free date ranges).

About 85% of the staff answer each wave, so a wave has some 160 responses and the demo a few
hundred. Most units have well over k = 5 respondents; three small ones have 2-4 employees
(the Apotek of Sukamaju, the Laboratorium of Mekarsari, the Poli Gigi of Tanjung) and are hidden
by the confidentiality threshold (pooled as "unit lain" or suppressed with a sibling).

The slipping Puskesmas (:data:`prima.demo.data.SLIPPING_UNIT`, whose customers' IKM falls month
by month) is where the employees are least satisfied: its performance level is the lowest and
falls from wave to wave, most in management, work climate and working relations, so its overall
gap (``methods.md`` section 1: G = P - E) is the lowest of the shown units and its eNPS
(``methods.md`` section 5) is well below 0.

Every response is checked with the submission rules and stored as :func:`response_submit`
stores an employee response (:func:`prima.surveys.anonymity.anonymise`: the unit and the day,
the submission id under a keyed hash, no service, staff member, contact or time of day), via
the demo's ``_Builder.add``. Respondents are generated in a shuffled order (seeded), so the
row ids of a day do not follow any list of people.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from prima.instruments.questions import EXPECTATION, PERFORMANCE
from prima.organizations.models import Organization, Unit

if TYPE_CHECKING:  # the builder imports this module
    from prima.demo.data import _Builder, _Site

TITLE = "Survei Kepuasan Pegawai Dinas Kesehatan Kota Harapan"
WAVE_DAYS = 14  # a wave: the last two weeks of a quarter (up to yesterday)
RESPONSE_RATE = 0.85
COMMENT_RATE = 0.18
OFFICE_STAFF = 62  # the Dinas office itself (the root unit's own staff)

# employees per unit: None is the Puskesmas's own staff (head, administration, outreach)
STAFF = {
    "UPT Puskesmas Sukamaju": {
        None: 14,
        "Loket Pendaftaran": 8,
        "Poli Umum": 12,
        "Poli KIA": 10,
        "Apotek": 4,  # below k
    },
    "UPT Puskesmas Mekarsari": {
        None: 12,
        "Loket Pendaftaran": 7,
        "Poli Umum": 11,
        "Poli KIA": 9,
        "Laboratorium": 3,  # below k
        "Apotek": 6,
    },
    "UPT Puskesmas Tanjung": {
        None: 11,
        "Loket Pendaftaran": 7,
        "Poli Umum": 10,
        "Poli Gigi": 3,  # below k
        "Apotek": 6,
    },
}
# performance level (1-5) in the first wave -> the last one
OFFICE_LEVEL = (3.85, 3.90)
LEVELS = {
    "UPT Puskesmas Sukamaju": (4.00, 4.05),
    "UPT Puskesmas Mekarsari": (3.85, 3.85),
    "UPT Puskesmas Tanjung": (3.60, 3.20),  # the slipping Puskesmas: its staff first
}
# per dimension: (mean expectation 1-5, offset of performance from the unit's level)
DIMENSIONS = {
    "kebersamaan": (4.40, 0.25),
    "prosedur": (4.40, 0.00),
    "kualitas_kerja": (4.40, -0.10),
    "hubungan_kerja": (4.40, 0.10),
    "imbalan": (4.60, -0.50),  # pay and incentives: the usual weak point
    "pola_manajemen": (4.50, -0.05),
    "fasilitas_pendukung": (4.30, -0.30),
    "pengembangan_sdm": (4.50, -0.35),
    "iklim_kerja": (4.50, 0.05),
}
# extra drift of the slipping Puskesmas (x the elapsed share of the waves): a new head who
# decides alone, rotas changed at short notice, hand-overs that fail
SLIP_DRIFT = {"pola_manajemen": -0.45, "iklim_kerja": -0.35, "hubungan_kerja": -0.25}
ENPS_ITEM = "enps"

COMMENTS_LOW = (
    "Jadwal jaga sering berubah mendadak tanpa pemberitahuan.",
    "Pimpinan jarang mengajak diskusi sebelum mengambil keputusan.",
    "Insentif jasa pelayanan sudah tiga bulan terlambat dibayar.",
    "Beban kerja bertambah sejak ada pegawai yang pindah, tetapi belum ada pengganti.",
    "Kami enggan menyampaikan pendapat dalam rapat.",
    "Komputer di loket sering rusak dan jaringannya lambat.",
    "Serah terima antarbagian sering terlambat sehingga pasien menunggu.",
)
COMMENTS_MID = (
    "Mohon pelatihan pelayanan prima diadakan rutin.",
    "Ruang istirahat pegawai perlu diperbaiki.",
    "SOP sudah ada, tetapi belum semua pegawai memahaminya.",
    "Perlu kejelasan jenjang karier bagi tenaga kontrak.",
    "Penilaian kinerja sebaiknya lebih terbuka.",
)
COMMENTS_HIGH = (
    "Suasana kerja kompak dan saling membantu.",
    "Pimpinan memberi arahan yang jelas, terima kasih.",
    "Senang bekerja di sini, pertahankan kebersamaan.",
    "Pelatihan tahun ini sangat bermanfaat.",
)


def waves(first_day: date, today: date, days: int = WAVE_DAYS) -> list[tuple[date, date]]:
    """The waves (first and last day) within ``first_day`` .. yesterday: each quarter's last
    ``days`` days there, for the quarters with at least ``days`` days in that range.

    >>> waves(date(2026, 4, 1), date(2026, 9, 17))
    [(datetime.date(2026, 6, 17), datetime.date(2026, 6, 30)), \
(datetime.date(2026, 9, 3), datetime.date(2026, 9, 16))]
    """
    yesterday = today - timedelta(days=1)
    out = []
    start = first_day
    while start <= yesterday:
        after = start.month + 3 - (start.month - 1) % 3  # the month after the quarter, 1-based
        quarter_end = date(start.year + (after > 12), (after - 1) % 12 + 1, 1) - timedelta(days=1)
        end = min(quarter_end, yesterday)
        if (end - start).days + 1 >= days:
            out.append((end - timedelta(days=days - 1), end))
        start = quarter_end + timedelta(days=1)
    return out


@dataclass(frozen=True)
class _Place:
    unit: Unit
    staff: int
    level: tuple[float, float]
    slipping: bool


def _places(dinas: Unit, sites: list[_Site], slipping_name: str) -> list[_Place]:
    places = [_Place(dinas, OFFICE_STAFF, OFFICE_LEVEL, False)]
    for site in sites:
        name = site.plan.name
        for counter, count in STAFF[name].items():
            unit = site.unit if counter is None else site.counters[counter]
            places.append(_Place(unit, count, LEVELS[name], name == slipping_name))
    return places


def employee_survey(
    builder: _Builder,
    organization: Organization,
    dinas: Unit,
    sites: list[_Site],
    *,
    slipping_name: str,
) -> int:
    """Create the Dinas's employee survey on the built-in ``internal`` instrument and queue its
    responses on ``builder`` (stored with the demo's other rows). Returns how many."""
    from prima.surveys.models import Instrument

    rng = builder.rng
    instrument = Instrument.objects.get(key="internal", organization=None)
    survey = builder.survey(organization, TITLE, instrument, [dinas])
    questions = survey.instrument_version.questions
    items = [(q.item, q.dimension or "") for q in questions if q.side == EXPECTATION]
    item_offset = {item: rng.gauss(0, 0.08) for item, _ in items}
    once = {q.key for q in questions if q.side is None}
    if once - {ENPS_ITEM}:  # pragma: no cover - the built-in instrument asks eNPS only once
        raise ValueError(f"unexpected questions asked once: {sorted(once)}")

    schedule = waves(builder.first_day, builder.today)
    respondents: list[tuple[_Place, int, date]] = []
    for index, (first, last) in enumerate(schedule):
        days = [
            first + timedelta(days=d)
            for d in range((last - first).days + 1)
            if (first + timedelta(days=d)).weekday() < 6  # the Puskesmas work on Saturdays
        ]
        for place in _places(dinas, sites, slipping_name):
            for _ in range(place.staff):
                if rng.random() < RESPONSE_RATE:
                    respondents.append((place, index, rng.choice(days)))
    rng.shuffle(respondents)  # no row order follows a list of people

    span = max(1, len(schedule) - 1)
    for place, index, day in respondents:
        elapsed = index / span
        level = place.level[0] + (place.level[1] - place.level[0]) * elapsed
        person_e = rng.gauss(0, 0.25)
        person_p = rng.gauss(0, 0.35)
        answers: dict[str, int] = {}
        for item, dimension in items:
            expectation, offset = DIMENSIONS.get(dimension, (4.4, 0.0))
            drift = SLIP_DRIFT.get(dimension, 0.0) * elapsed if place.slipping else 0.0
            answers[f"{item}.{EXPECTATION}"] = _clip(
                expectation + person_e + rng.gauss(0, 0.5), 1, 5
            )
            answers[f"{item}.{PERFORMANCE}"] = _clip(
                level + offset + item_offset[item] + drift + person_p + rng.gauss(0, 0.55), 1, 5
            )
        performance = [v for k, v in answers.items() if k.endswith(PERFORMANCE)]
        mean = sum(performance) / len(performance)
        if ENPS_ITEM in once:
            answers[ENPS_ITEM] = _clip(8.4 + 2.6 * (mean - 4.0) + rng.gauss(0, 1.3), 0, 10)
        comment = ""
        if rng.random() < COMMENT_RATE:
            pool = COMMENTS_LOW if mean < 3.4 else COMMENTS_HIGH if mean > 4.0 else COMMENTS_MID
            comment = rng.choice(pool)
        moment = timezone.make_aware(datetime.combine(day, time(8)), builder.tz)
        moment += timedelta(minutes=rng.randint(0, 7 * 60))  # dropped when stored: the day only
        builder.add(
            survey, unit=place.unit, answers=answers, submitted_at=moment, suggestion=comment
        )
    return len(respondents)


def _clip(x: float, low: int, high: int) -> int:
    """Rounded half up and kept within the scale."""
    return min(high, max(low, math.floor(x + 0.5)))
