"""Per-period rollups: the summaries (:mod:`prima.summaries`) of each survey's counted responses
per month, unit, service and staff member, kept exact as responses arrive and are flagged.

Why: a dashboard for a year adds up at most (months x units x services x staff) vectors instead
of reading every response, so its cost does not grow with history.

How they stay exact (the invariant): a rollup row holds the sum of the summaries of exactly the
responses of its bucket whose ``rolled`` flag is set. A response needs folding when it counts
(:attr:`Response.COUNTED`) but is not rolled (a new or newly included response), or is rolled
but no longer counts (flagged and excluded after it was rolled). :func:`fold` applies those
responses (+1 or -1 times their summary) and flips their flag in one transaction, serialised
per survey by a lock row. Submissions never touch rollups (their speed is unchanged); reads
fold what is pending first, imports and ``prima seed`` fold inside their own transaction.
``prima rollups rebuild --check`` recomputes every bucket from the raw responses.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from prima import summaries
from prima.insights.models import Rollup, RollupLock
from prima.insights.periods import Period, day_start
from prima.surveys.models import InstrumentVersion, Response, Survey

CHUNK = 5000

_layouts: dict[int, tuple[Any, summaries.Layout]] = {}


def layout_of(version: InstrumentVersion) -> summaries.Layout:
    """The summary layout of an instrument version (reused per process)."""
    parsed = version.parsed
    hit = _layouts.get(version.pk)
    if hit is not None and hit[0] is parsed:
        return hit[1]
    layout = summaries.layout_for(parsed)
    _layouts[version.pk] = (parsed, layout)
    return layout


def month_of(moment: datetime) -> date:
    """The first day of the month of ``moment`` in the installation's time zone."""
    return timezone.localtime(moment).date().replace(day=1)


LEVELS = ("unit", "service", "staff")
"""Each response is in one bucket of each level: per month and unit; per month, unit and
service; per month, unit, service and staff member. A read uses the coarsest level that its
filters and grouping allow, so a year of an organization reads (months x units) rows."""


def bucket_key(
    level: str, month: date, unit_id: int, service_id: int | None, staff_id: int | None
) -> str:
    if level == "unit":
        return f"unit:{month:%Y-%m}/{unit_id}"
    if level == "service":
        return f"service:{month:%Y-%m}/{unit_id}/{service_id or '-'}"
    return f"staff:{month:%Y-%m}/{unit_id}/{service_id or '-'}/{staff_id or '-'}"


@dataclass(frozen=True)
class Bucket:
    level: str
    month: date
    unit_id: int
    service_id: int | None
    staff_id: int | None

    @property
    def key(self) -> str:
        return bucket_key(self.level, self.month, self.unit_id, self.service_id, self.staff_id)


def buckets_of(
    month: date, unit_id: int, service_id: int | None, staff_id: int | None
) -> tuple[Bucket, Bucket, Bucket]:
    """The bucket of each level that a response of this month, unit, service and staff is in."""
    return (
        Bucket("unit", month, unit_id, None, None),
        Bucket("service", month, unit_id, service_id, None),
        Bucket("staff", month, unit_id, service_id, staff_id),
    )


PENDING = Response.ROLLUP_PENDING

_ROW_FIELDS = (
    "pk",
    "answers",
    "profile",
    "submitted_at",
    "unit_id",
    "service_id",
    "staff_id",
    "rolled",
)


def _lock(survey: Survey) -> None:
    """Take the survey's fold lock (first statement of the transaction: on SQLite it takes the
    write lock, on PostgreSQL it blocks a concurrent fold of the same survey until commit)."""
    if not RollupLock.objects.filter(survey=survey).update(folds=F("folds") + 1):
        try:
            with transaction.atomic():
                RollupLock.objects.create(survey=survey, folds=1)
        except IntegrityError:  # created by a concurrent fold meanwhile
            RollupLock.objects.filter(survey=survey).update(folds=F("folds") + 1)


def _rows_matrix(layout: summaries.Layout, answers: list[Any], profiles: list[Any]) -> np.ndarray:
    return summaries.summary_rows(
        layout,
        [a if isinstance(a, dict) else {} for a in answers],
        [p if isinstance(p, dict) else {} for p in profiles],
    )


def _sum_by(matrix: np.ndarray, keys: list[Any]) -> dict[Any, np.ndarray]:
    """``{key: sum of the matrix rows with that key}``."""
    uniques = list(dict.fromkeys(keys))
    index = {k: i for i, k in enumerate(uniques)}
    grouped = np.zeros((len(uniques), matrix.shape[1]), dtype=np.int64)
    where = np.fromiter((index[k] for k in keys), dtype=np.intp, count=len(keys))
    np.add.at(grouped, where, matrix)
    return {k: grouped[i] for k, i in index.items()}


def group_sums(
    layout: summaries.Layout, answers: list[Any], profiles: list[Any], keys: list[Any]
) -> dict[Any, np.ndarray]:
    """``{key: sum of the summaries of the responses with that key}``."""
    if not answers:
        return {}
    return _sum_by(_rows_matrix(layout, answers, profiles), keys)


def _summaries_by_bucket(
    layout: summaries.Layout, rows: list[tuple[Any, ...]]
) -> tuple[dict[Bucket, np.ndarray], list[int], list[int]]:
    """Signed summaries per bucket (of every level) of fold rows, and the pks to mark rolled /
    not rolled."""
    matrix = _rows_matrix(layout, [r[1] for r in rows], [r[2] for r in rows])
    matrix *= np.asarray([-1 if r[7] else 1 for r in rows], dtype=np.int64)[:, None]
    per_row = [buckets_of(month_of(r[3]), r[4], r[5], r[6]) for r in rows]
    deltas: dict[Bucket, np.ndarray] = {}
    for level in range(len(LEVELS)):
        deltas.update(_sum_by(matrix, [b[level] for b in per_row]))
    add = [r[0] for r in rows if not r[7]]
    remove = [r[0] for r in rows if r[7]]
    return deltas, add, remove


def _add_to_rollups(
    survey: Survey, layout: summaries.Layout, deltas: dict[Bucket, np.ndarray]
) -> None:
    keys = {b.key: b for b in deltas}
    existing = {r.bucket: r for r in Rollup.objects.filter(survey=survey, bucket__in=list(keys))}
    rows = []
    for key, bucket in keys.items():
        total = deltas[bucket]
        if key in existing:
            total = np.asarray(existing[key].data, dtype=np.int64) + total
        rows.append(
            Rollup(
                survey=survey,
                instrument_version_id=survey.instrument_version_id,
                level=bucket.level,
                bucket=key,
                month=bucket.month,
                unit_id=bucket.unit_id,
                service_id=bucket.service_id,
                staff_id=bucket.staff_id,
                responses=int(total[0]),
                data=total.tolist(),
            )
        )
    # replace rather than bulk_update: one DELETE and one INSERT per chunk, under the lock
    Rollup.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
    Rollup.objects.bulk_create(rows, batch_size=500)


def _reset_if_layout_changed(survey: Survey) -> None:
    """Start the survey's rollups over when they no longer fit: its instrument version
    changed, or the installation's time zone (``PRIMA_TIME_ZONE``: the months) did."""
    zone = settings.TIME_ZONE
    stale = Rollup.objects.filter(survey=survey).exclude(
        instrument_version_id=survey.instrument_version_id
    )
    moved = RollupLock.objects.filter(survey=survey).exclude(time_zone=zone)
    if stale.exists() or moved.exists():
        Rollup.objects.filter(survey=survey).delete()
        Response.objects.filter(survey=survey, rolled=True).update(rolled=False)
        RollupLock.objects.filter(survey=survey).update(time_zone=zone)


def fold(survey: Survey, *, progress: Callable[[int], None] | None = None) -> int:
    """Apply every pending response of ``survey`` to its rollups; returns how many.

    Runs in one transaction (joins the caller's, e.g. an import's): either all of it
    lands with the responses' flags, or none of it.
    """
    layout = layout_of(survey.instrument_version)
    applied = 0
    with transaction.atomic():
        _lock(survey)
        _reset_if_layout_changed(survey)
        last = 0
        deltas: dict[Bucket, np.ndarray] = {}
        while True:
            rows = list(
                Response.objects.filter(PENDING, survey=survey, pk__gt=last)
                .order_by("pk")
                .values_list(*_ROW_FIELDS)[:CHUNK]
            )
            if not rows:
                break
            last = rows[-1][0]
            chunk, add, remove = _summaries_by_bucket(layout, rows)
            for bucket, vector in chunk.items():
                deltas[bucket] = deltas[bucket] + vector if bucket in deltas else vector
            if add:
                Response.objects.filter(pk__in=add).update(rolled=True)
            if remove:
                Response.objects.filter(pk__in=remove).update(rolled=False)
            applied += len(rows)
            if progress is not None:
                progress(len(rows))
        if deltas:  # the buckets once, however many chunks touched them
            _add_to_rollups(survey, layout, deltas)
    return applied


def forget(survey: Survey, pks: list[int]) -> int:
    """Take responses about to be deleted out of the rollups (inside the deleting
    transaction): the rolled ones are subtracted and marked not rolled; returns how many."""
    layout = layout_of(survey.instrument_version)
    taken = 0
    with transaction.atomic():
        _lock(survey)
        for start in range(0, len(pks), CHUNK):
            rows = list(
                Response.objects.filter(
                    survey=survey, rolled=True, pk__in=pks[start : start + CHUNK]
                )
                .order_by("pk")
                .values_list(*_ROW_FIELDS)
            )
            if not rows:
                continue
            deltas, _add, remove = _summaries_by_bucket(layout, rows)  # rolled: all subtracted
            _add_to_rollups(survey, layout, deltas)
            Response.objects.filter(pk__in=remove).update(rolled=False)
            taken += len(remove)
    return taken


def pending(survey: Survey) -> bool:
    return Response.objects.filter(PENDING, survey=survey).exists()


_folded_now: ContextVar[frozenset[int]] = ContextVar("prima_rollups_folded", default=frozenset())


_zone_checked: set[tuple[int, str]] = set()


def ensure_folded(survey: Survey) -> None:
    """Fold what is pending (cheap when nothing is: one indexed EXISTS); once per process and
    survey, also when the rollups follow another time zone's months."""
    if survey.pk in _folded_now.get():
        return
    zone = (survey.pk, settings.TIME_ZONE)
    if zone not in _zone_checked:
        if RollupLock.objects.filter(survey=survey).exclude(time_zone=settings.TIME_ZONE).exists():
            fold(survey)  # starts the rollups over in this time zone
        _zone_checked.add(zone)
    if pending(survey):
        fold(survey)


@contextmanager
def one_read(survey: Survey) -> Iterator[None]:
    """Reads of ``survey`` inside this block (a page's many results) fold once, at its start,
    and then all see the same responses."""
    ensure_folded(survey)
    token = _folded_now.set(_folded_now.get() | {survey.pk})
    try:
        yield
    finally:
        _folded_now.reset(token)


# -- reading -----------------------------------------------------------------------------


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _month_span(period: Period) -> tuple[date, date] | None:
    """The whole months [first, end) inside the period, None when there is none."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    end = period.end.replace(day=1)
    return (first, end) if first < end else None


Filters = dict[str, Any]


def _filters(unit: Any = None, service: Any = None, staff: Any = None, scope: Q | None = None) -> Q:
    q = Q() if scope is None else scope
    if unit is not None:
        q &= Q(unit__path__startswith=unit.path)
    if service is not None:
        q &= Q(service=service)
    if staff is not None:
        q &= Q(staff=staff)
    return q


def _raw_vectors(
    survey: Survey,
    layout: summaries.Layout,
    where: Q,
    start: date,
    end: date,
    key: Callable[[tuple[Any, ...]], Any],
) -> dict[Any, np.ndarray]:
    """Summaries of the counted responses in [start, end), grouped by ``key(row)`` where a
    row is (answers, profile, submitted_at, unit_id, service_id, staff_id)."""
    rows = (
        Response.objects.filter(Response.COUNTED, where, survey=survey)
        .filter(submitted_at__gte=day_start(start), submitted_at__lt=day_start(end))
        .order_by("pk")
        .values_list("answers", "profile", "submitted_at", "unit_id", "service_id", "staff_id")
    )
    out: dict[Any, np.ndarray] = {}
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK)):
        sums = group_sums(
            layout, [r[0] for r in chunk], [r[1] for r in chunk], [key(r) for r in chunk]
        )
        for k, vector in sums.items():
            out[k] = out[k] + vector if k in out else vector
    return out


def _chunks(rows: Iterable[tuple[Any, ...]], size: int = CHUNK) -> Iterable[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


GROUPINGS = ("month", "unit", "service", "staff")


def totals(
    survey: Survey,
    *,
    unit: Any = None,
    service: Any = None,
    staff: Any = None,
    period: Period | None = None,
    scope: Q | None = None,
    by: str | None = None,
) -> dict[Any, np.ndarray]:
    """Summary vectors of the counted responses in scope: ``{None: vector}``, or grouped
    ``by`` "month" (first day), "unit", "service" or "staff" (ids; None for blank).

    Whole months come from rollups; the partial months of a custom period from the raw
    responses of those days only.
    """
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"by must be one of {GROUPINGS}")
    ensure_folded(survey)
    layout = layout_of(survey.instrument_version)
    where = _filters(unit, service, staff, scope)
    out: dict[Any, np.ndarray] = {}

    def add(key: Any, vector: np.ndarray) -> None:
        out[key] = out[key] + vector if key in out else vector

    if staff is not None or by == "staff":
        level = "staff"
    elif service is not None or by == "service":
        level = "service"
    else:
        level = "unit"
    qs = Rollup.objects.filter(
        where, survey=survey, instrument_version_id=survey.instrument_version_id, level=level
    )
    span = None
    if period is not None:
        span = _month_span(period)
        qs = qs.filter(month__gte=span[0], month__lt=span[1]) if span else qs.none()
    group_field = {"month": "month", "unit": "unit_id", "service": "service_id"}.get(
        by or "", "staff_id"
    )
    rows = qs.values_list(group_field if by else "month", "data")
    width = layout.size
    keys: list[Any] = []
    vectors: list[Any] = []
    for key, data in rows.iterator(chunk_size=2000):
        keys.append(key if by else None)
        vectors.append(data if not isinstance(data, str) else json.loads(data))
    if vectors:
        matrix = np.asarray(vectors, dtype=np.int64).reshape(len(vectors), width)
        if by is None:
            add(None, matrix.sum(axis=0))
        else:
            uniques = list(dict.fromkeys(keys))
            index = {k: i for i, k in enumerate(uniques)}
            grouped = np.zeros((len(uniques), width), dtype=np.int64)
            np.add.at(grouped, np.fromiter((index[k] for k in keys), dtype=np.intp), matrix)
            for k, i in index.items():
                add(k, grouped[i])
    if period is not None:
        edges = (
            [(period.start, period.end)]
            if span is None
            else [(period.start, span[0]), (span[1], period.end)]
        )
        position = {"month": 2, "unit": 3, "service": 4, "staff": 5}

        def raw_key(row: tuple[Any, ...]) -> Any:
            if by is None:
                return None
            if by == "month":
                return month_of(row[2])
            return row[position[by]]

        for start, end in edges:
            if start < end:
                for key, vector in _raw_vectors(survey, layout, where, start, end, raw_key).items():
                    add(key, vector)
    if by is None and None not in out:
        out[None] = np.zeros(width, dtype=np.int64)
    return out


# -- checking and rebuilding -------------------------------------------------------------


def recompute(survey: Survey) -> dict[str, np.ndarray]:
    """Every bucket's summary computed afresh from the raw counted responses."""
    layout = layout_of(survey.instrument_version)
    rows = (
        Response.objects.filter(Response.COUNTED, survey=survey)
        .order_by("pk")
        .values_list("answers", "profile", "submitted_at", "unit_id", "service_id", "staff_id")
    )
    out: dict[str, np.ndarray] = {}
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK)):
        matrix = _rows_matrix(layout, [r[0] for r in chunk], [r[1] for r in chunk])
        per_row = [buckets_of(month_of(r[2]), r[3], r[4], r[5]) for r in chunk]
        for level in range(len(LEVELS)):
            for bucket, vector in _sum_by(matrix, [b[level] for b in per_row]).items():
                out[bucket.key] = out[bucket.key] + vector if bucket.key in out else vector
    return out


@dataclass(frozen=True)
class Difference:
    bucket: str
    stored: int  # responses in the stored rollup
    recomputed: int  # responses counted from the raw data
    slots: int  # how many totals differ


def check(survey: Survey) -> list[Difference]:
    """Fold what is pending, then compare every rollup with a recomputation from the raw
    responses. An empty list means they agree exactly."""
    ensure_folded(survey)
    fresh = recompute(survey)
    stored = {
        r.bucket: np.asarray(r.data, dtype=np.int64)
        for r in Rollup.objects.filter(survey=survey)
        if any(r.data)
    }
    out = []
    for key in sorted(set(fresh) | set(stored)):
        a, b = stored.get(key), fresh.get(key)
        if a is None or b is None or a.shape != b.shape or not np.array_equal(a, b):
            slots = (
                int((a != b).sum())
                if a is not None and b is not None and a.shape == b.shape
                else -1
            )
            out.append(
                Difference(
                    key,
                    int(a[0]) if a is not None else 0,
                    int(b[0]) if b is not None else 0,
                    slots,
                )
            )
    return out


def rebuild(survey: Survey, *, progress: Callable[[int], None] | None = None) -> int:
    """Drop the survey's rollups and fold every response again (one transaction)."""
    with transaction.atomic():
        _lock(survey)
        Rollup.objects.filter(survey=survey).delete()
        Response.objects.filter(survey=survey, rolled=True).update(rolled=False)
        applied = fold(survey, progress=progress)
        RollupLock.objects.filter(survey=survey).update(rebuilt_at=timezone.now())
    return applied
