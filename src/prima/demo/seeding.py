"""``prima seed``: many realistic responses, fast, for benchmarks.

Responses are generated with NumPy a batch at a time and stored with ``bulk_create``, one
transaction per batch, which also sends :data:`prima.transfers.importing.responses_imported` (as
an import does), so whatever is kept up to date per response (per-period rollups) follows.

What a batch holds, like the demo (:mod:`prima.demo.data`) but at any size:

- units: the survey's units and every unit below them, with uneven volumes; services and staff
  that a submission could name for that unit (the survey's services when it lists some, else a
  service of the unit's line; staff of the unit's line), some left out;
- times: the last ``months`` months up to yesterday, opening hours peaking mid-morning, no
  Sundays;
- answers: every question of the instrument within its scale, from a unit level that drifts by
  month, a respondent effect, an item offset and noise (so units and items differ and the
  indices are not flat); a question that is not required is sometimes left blank;
- profile: every profile field of the instrument (skewed choices, ages), a few blanks;
- a suggestion in Bahasa Indonesia for about one response in eight, fitting its scores;
- channels: web, QR, kiosk and paper; submission ids: random UUIDs (version 4).

With ``seed`` the output is reproducible for the same database state (the generator is seeded
with the seed, the survey and its current response count, so a second run adds new rows
rather than clashing on submission ids).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from prima.demo.data import (
    BANK_SUGGESTIONS,
    SUGGESTIONS_HIGH,
    SUGGESTIONS_LOW,
    SUGGESTIONS_MID,
)
from prima.instruments.questions import EXPECTATION, Question
from prima.organizations.models import Service, StaffMember, Unit
from prima.surveys.choices import Channel
from prima.surveys.models import Response, Survey
from prima.surveys.profile import profile_fields
from prima.transfers.importing import responses_imported

BATCH_SIZE = 20_000  # per transaction: listeners (rollups, alerts) run once per batch
MONTHS = 12
CHANNELS = tuple(c.value for c in (Channel.WEB, Channel.QR, Channel.KIOSK, Channel.PAPER))
CHANNEL_SHARES = (0.35, 0.40, 0.15, 0.10)
SUGGESTION_RATE = 0.12
BLANK_RATE = 0.03  # of an optional question
PROFILE_BLANK_RATE = 0.04

Progress = Callable[[int], None]


@dataclass
class _Placement:
    """Where responses of a survey may be: units, and per unit the services and staff."""

    units: np.ndarray  # unit ids
    weights: np.ndarray
    services: list[np.ndarray]  # per unit: service ids a response there may name
    staff: list[np.ndarray]


def _placement(survey: Survey, rng: np.random.Generator) -> _Placement:
    roots = list(survey.units.all())
    if not roots:
        raise ValueError(f"survey {survey.code} has no units")
    q = Q()
    for r in roots:
        q |= Q(path__startswith=r.path)
    units = list(Unit.objects.filter(q, organization_id=survey.organization_id).order_by("path"))
    allowed = list(survey.services.values_list("pk", flat=True))
    services = list(
        Service.objects.filter(organization_id=survey.organization_id).select_related("unit")
    )
    staff = list(
        StaffMember.objects.filter(organization_id=survey.organization_id).select_related("unit")
    )

    def related(a: Unit, b: Unit) -> bool:
        return a.path.startswith(b.path) or b.path.startswith(a.path)

    per_service = []
    per_staff = []
    for u in units:
        if allowed:
            per_service.append(np.array(allowed, dtype=np.int64))
        else:
            per_service.append(
                np.array([s.pk for s in services if related(s.unit, u)], dtype=np.int64)
            )
        per_staff.append(np.array([s.pk for s in staff if related(s.unit, u)], dtype=np.int64))
    # uneven volumes: counters below a unit see most respondents, the unit itself some
    weights = rng.gamma(2.0, 1.0, len(units))
    for i, u in enumerate(units):
        if any(other.path != u.path and other.path.startswith(u.path) for other in units):
            weights[i] *= 0.3
    return _Placement(
        np.array([u.pk for u in units], dtype=np.int64),
        weights / weights.sum(),
        per_service,
        per_staff,
    )


@dataclass
class _Answers:
    questions: list[Question]
    low: np.ndarray
    span: np.ndarray
    base: np.ndarray  # per question: typical level as a share of the scale
    optional: np.ndarray


def _answer_model(questions: list[Question], rng: np.random.Generator) -> _Answers:
    low = np.array([q.min for q in questions], dtype=np.float64)
    high = np.array([q.max for q in questions], dtype=np.float64)
    base = np.where(
        np.array([q.side == EXPECTATION for q in questions]),
        0.86,  # expectations run high
        0.72,
    ) + rng.normal(0, 0.05, len(questions))
    return _Answers(
        questions,
        low,
        high - low,
        base,
        np.array([not q.required for q in questions]),
    )


def _choice_weights(options: list[str], rng: np.random.Generator) -> np.ndarray:
    w = rng.dirichlet(np.full(len(options), 1.5))
    return np.asarray(w / w.sum())


class _Generator:
    def __init__(self, survey: Survey, rng: np.random.Generator, *, months: int, today: date):
        self.survey = survey
        self.rng = rng
        version = survey.instrument_version
        self.keys = [q.key for q in version.questions]
        self.answers = _answer_model(version.questions, rng)
        self.placement = _placement(survey, rng)
        n_units = len(self.placement.units)
        self.unit_level = rng.normal(0, 0.06, n_units)
        self.unit_drift = rng.normal(0, 0.04, n_units)  # per year: some units slip, some improve
        self.fields = profile_fields(version.parsed) if survey.ask_profile else []
        self.field_weights = [
            _choice_weights(list(f["options"]), rng) if f["type"] == "choice" else None
            for f in self.fields
        ]
        self.days = max(1, round(months * 365.25 / 12))
        self.today = today
        tz = timezone.get_current_timezone()
        midnight = timezone.make_aware(datetime.combine(today, time.min), tz)
        self.midnight_ts = midnight.timestamp()
        self.quick = version.parsed.kind == "quick"
        self.employee = survey.is_employee
        self.common = {
            "organization_id": survey.organization_id,
            "survey_id": survey.pk,
            "instrument_version_id": survey.instrument_version_id,
        }

    def batch(self, size: int) -> list[Response]:
        rng = self.rng
        p = self.placement
        a = self.answers
        # where and when
        unit_ix = rng.choice(len(p.units), size=size, p=p.weights)
        days_back = rng.integers(1, self.days + 1, size)
        weekday = (self.today.toordinal() - days_back - 1) % 7  # Monday 0
        days_back = np.where(weekday == 6, days_back + 1, days_back)  # Sunday -> Saturday
        hours = rng.triangular(7.5, 9.0, 14.5, size)
        stamps = self.midnight_ts - days_back * 86400.0 + np.floor(hours * 3600)
        elapsed = 1.0 - days_back / self.days  # 0 a year ago .. 1 yesterday
        service = np.full(size, -1, dtype=np.int64)
        staff = np.full(size, -1, dtype=np.int64)
        for u in np.unique(unit_ix):
            rows = np.flatnonzero(unit_ix == u)
            if len(p.services[u]):
                service[rows] = rng.choice(p.services[u], size=len(rows))
            if len(p.staff[u]):
                staff[rows] = rng.choice(p.staff[u], size=len(rows))
        service[rng.random(size) < 0.08] = -1
        staff[rng.random(size) < 0.55] = -1
        if self.employee:  # as an employee response is stored (prima.surveys.anonymity)
            stamps = self.midnight_ts - days_back * 86400.0  # the day only
            service[:] = -1
            staff[:] = -1
        channel = rng.choice(len(CHANNELS), size=size, p=CHANNEL_SHARES)
        # answers: a share of the scale, per respondent and question
        level = (
            a.base[None, :]
            + self.unit_level[unit_ix, None]
            + (self.unit_drift[unit_ix] * elapsed)[:, None]
            + rng.normal(0, 0.1, size)[:, None]
            + rng.normal(0, 0.16, (size, len(a.questions)))
        )
        values = np.clip(np.rint(a.low + level * a.span), a.low, a.low + a.span).astype(np.int64)
        blank = (rng.random(values.shape) < BLANK_RATE) & a.optional[None, :]
        mean_share = ((values - a.low) / np.where(a.span > 0, a.span, 1)).mean(axis=1)
        with_suggestion = rng.random(size) < SUGGESTION_RATE
        pick = rng.random(size)
        profiles = self._profiles(size)
        ids = rng.bytes(16 * size)

        out = []
        keys = self.keys
        any_blank = blank.any(axis=1)
        rows_values = values.tolist()
        for i in range(size):
            row = rows_values[i]
            if any_blank[i]:
                answers = {k: v for k, v, b in zip(keys, row, blank[i], strict=True) if not b}
            else:
                answers = dict(zip(keys, row, strict=True))
            out.append(
                Response(
                    **self.common,
                    unit_id=int(p.units[unit_ix[i]]),
                    service_id=int(service[i]) if service[i] >= 0 else None,
                    staff_id=int(staff[i]) if staff[i] >= 0 else None,
                    channel=CHANNELS[channel[i]],
                    submitted_at=datetime.fromtimestamp(stamps[i], tz=UTC),
                    submission_id=uuid.UUID(bytes=ids[16 * i : 16 * i + 16], version=4),
                    answers=answers,
                    profile=profiles[i],
                    suggestion=(
                        self._suggestion(mean_share[i], pick[i]) if with_suggestion[i] else ""
                    ),
                )
            )
        return out

    def _suggestion(self, share: float, pick: float) -> str:
        if self.quick:
            pool = BANK_SUGGESTIONS
        elif share < 0.6:
            pool = SUGGESTIONS_LOW
        elif share > 0.8:
            pool = SUGGESTIONS_HIGH
        else:
            pool = SUGGESTIONS_MID
        return pool[int(pick * len(pool))]

    def _profiles(self, size: int) -> list[dict[str, Any]]:
        if not self.fields:
            return [{} for _ in range(size)]
        rng = self.rng
        columns: list[tuple[str, list[Any], np.ndarray]] = []
        for f, weights in zip(self.fields, self.field_weights, strict=True):
            if f["type"] == "choice":
                options = list(f["options"])
                values: list[Any] = [options[j] for j in rng.choice(len(options), size, p=weights)]
            else:
                low, high = int(f.get("min", 0)), int(f.get("max", 150))
                lo, hi = max(low, 17), min(high, 80)
                if lo >= hi:
                    lo, hi = low, high
                mode = lo + (hi - lo) * 0.3
                ages = np.rint(rng.triangular(lo, mode, hi, size)) if hi > lo else np.full(size, lo)
                values = np.clip(ages, low, high).astype(np.int64).tolist()
            columns.append((f["id"], values, rng.random(size) < PROFILE_BLANK_RATE))
        return [
            {key: values[i] for key, values, blank in columns if not blank[i]} for i in range(size)
        ]


_PREPARED_TYPES = {"JSONField", "UUIDField", "DateTimeField"}


def insert_responses(objects: list[Response]) -> None:
    """Insert ``objects`` and set their primary keys, like ``bulk_create`` but faster.

    At a million rows, ``bulk_create``'s SQL compilation (an expression per value, 50 rows per
    statement on SQLite) costs more than the database: here one parametrised ``INSERT`` runs
    with ``executemany`` on values converted by the fields themselves
    (``get_db_prep_save``). The primary keys: PostgreSQL returns them (psycopg's
    ``executemany(returning=True)``); SQLite numbers rows one after another inside the write
    transaction (the table is ``AUTOINCREMENT`` and the transaction holds the write lock), so
    they end at ``last_insert_rowid()``. Other databases use ``bulk_create``. Call it inside a
    transaction.
    """
    if not objects:
        return
    alias = router.db_for_write(Response)
    connection = connections[alias]
    if connection.vendor not in ("sqlite", "postgresql"):
        Response.objects.using(alias).bulk_create(objects)
        return
    meta = Response._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    prepared = [f.get_internal_type() in _PREPARED_TYPES for f in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    rows = []
    for obj in objects:
        row = []
        for f, prep in zip(fields, prepared, strict=True):
            value = getattr(obj, f.attname)
            row.append(f.get_db_prep_save(value, connection) if prep else value)
        rows.append(row)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor: executemany with RETURNING
            raw.executemany(sql + f" RETURNING {quote(meta.pk.column)}", rows, returning=True)
            ids = []
            while True:
                ids.append(raw.fetchone()[0])
                if not raw.nextset():
                    break
        else:
            cursor.executemany(sql, rows)
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            ids = list(range(last - len(objects) + 1, last + 1))
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = alias


def seed_responses(
    *,
    survey: Survey,
    count: int,
    seed: int | None = None,
    batch_size: int = BATCH_SIZE,
    months: int = MONTHS,
    progress: Progress | None = None,
    today: date | None = None,
) -> int:
    """Store ``count`` generated responses in ``survey``; returns how many were stored.

    Each batch of ``batch_size`` is one transaction: ``bulk_create`` and then
    ``responses_imported`` (``sender=Response``, ``survey``, ``responses``).
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    survey = Survey.objects.select_related("organization", "instrument_version__instrument").get(
        pk=survey.pk
    )
    existing = Response.objects.filter(survey=survey).count()
    rng = np.random.default_rng(None if seed is None else [seed, survey.pk, existing])
    day = today or timezone.localdate()
    gen = _Generator(survey, rng, months=months, today=day)
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        objects = gen.batch(size)
        with transaction.atomic():
            insert_responses(objects)
            responses_imported.send(sender=Response, survey=survey, responses=objects)
        done += size
        if progress is not None:
            progress(done)
    return done


def seed_date_range(months: int = MONTHS, today: date | None = None) -> tuple[date, date]:
    """The first and last day seeded responses may fall on."""
    day = today or timezone.localdate()
    days = max(1, round(months * 365.25 / 12))
    return day - timedelta(days=days + 1), day - timedelta(days=1)
