"""Labelling remarks: new texts in the task worker, existing ones by ``prima text relabel``, and a
manager's corrections.

- :func:`label_pending` is the sweep the task worker runs every few seconds
  (:func:`label_loop`, started by :mod:`prima.config.task_worker`): it reads the responses and
  cases stored since its last pass (a cursor per kind, :class:`LabelCursor`), labels every
  non-empty suggestion and complaint text with :func:`prima.remarks.classify` and stores the
  labels. Submissions never wait for it and never write anything for it (issue 14: "labelled
  on arrival by the task worker, never in the request"). Rows just below the cursor are looked
  at again (:data:`WINDOW`): on PostgreSQL a transaction may commit a lower id after a higher
  one was read.
- :func:`relabel` labels every text of a survey (or of every survey and case) that has no
  label or a label of another model version; corrections are kept. Running it twice changes
  nothing the second time.
- :func:`label_correct` replaces the labels with a manager's and keeps the model's own in
  ``machine``.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prima import remarks
from prima.cases.models import Case
from prima.flood import FloodGate
from prima.remark_labels.models import LabelCursor, RemarkLabel
from prima.surveys.anonymity import local_day_start
from prima.surveys.models import Response

log = logging.getLogger(__name__)

BATCH = 500
"""Texts labelled per pass of the sweep (a full pass is followed by another at once)."""
WINDOW = 2000
"""Ids below the cursor that each pass checks again for a text without a label."""
SWEEP_SECONDS = 5.0
"""Pause of the task worker's sweep after a pass that found less than a batch."""
SQLITE_CHUNK = 50
"""Labels stored per transaction on SQLite, :data:`SQLITE_PAUSE` seconds apart: each holds the
only write lock, which the submissions and complaints arriving meanwhile wait for, and the
worker runs at a lower CPU priority (a batch at once held it for a tenth of a second under a
burst of complaints, issue 11). PostgreSQL stores a batch at once."""
SQLITE_PAUSE = 0.05

# kind -> (model, text field, label field)
KINDS: dict[str, tuple[Any, str, str]] = {
    "responses": (Response, "suggestion", "response"),
    "cases": (Case, "text", "case"),
}


@lru_cache(maxsize=1)
def model_version() -> str:
    """The shipped weights' identity (a hash of the file): a label of another version is stale."""
    return hashlib.sha256(remarks.WEIGHTS.read_bytes()).hexdigest()[:12]


def _fields(label: remarks.Label) -> dict[str, Any]:
    return {
        "unsur": label.unsur or "",
        "a6": label.a6 or "",
        "sentiment": label.sentiment,
        "unsur_confidence": label.unsur_confidence,
        "a6_confidence": label.a6_confidence,
        "sentiment_confidence": label.sentiment_confidence,
    }


def _store(kind: str, rows: list[tuple[int, int, str]]) -> int:
    """Create the labels of ``rows`` (id, organization id, text); texts labelled meanwhile by
    another pass are left as they are."""
    if not rows:
        return 0
    _model, _text, target = KINDS[kind]
    # the day only (local midnight): a label made seconds after an employee's anonymous
    # response must not give its time of day back (issue 12)
    now, version = local_day_start(), model_version()
    labels = [
        RemarkLabel(
            organization_id=org_id,
            model_version=version,
            labelled_at=now,
            **{f"{target}_id": pk},
            **_fields(remarks.classify(text)),
        )
        for pk, org_id, text in rows
    ]
    chunk = SQLITE_CHUNK if connection.vendor == "sqlite" else len(labels)
    for start in range(0, len(labels), chunk):
        if start:
            time.sleep(SQLITE_PAUSE)
        RemarkLabel.objects.bulk_create(labels[start : start + chunk], ignore_conflicts=True)
    return len(labels)


def _sweep(kind: str, batch: int) -> int:
    model, text, _target = KINDS[kind]
    cursor, _ = LabelCursor.objects.get_or_create(kind=kind)
    new = list(
        model.objects.filter(pk__gt=cursor.last_id)
        .order_by("pk")
        .values_list("pk", "organization_id", text)[:batch]
    )
    late = list(
        model.objects.filter(pk__gt=max(0, cursor.last_id - WINDOW), pk__lte=cursor.last_id)
        .exclude(**{text: ""})
        .filter(remark_label__isnull=True)
        .order_by("pk")
        .values_list("pk", "organization_id", text)[:batch]
    )
    todo = [row for row in late + new if row[2] != ""]
    stored = _store(kind, todo)
    if new:  # conditional: two passes at once move the cursor once
        LabelCursor.objects.filter(pk=cursor.pk, last_id=cursor.last_id).update(last_id=new[-1][0])
    return stored if len(new) < batch else max(stored, batch)


def label_pending(*, batch: int = BATCH) -> int:
    """One pass of the sweep over responses and cases; returns the texts labelled (``batch`` or
    more when a kind had a full batch: call again at once)."""
    return sum(_sweep(kind, batch) for kind in KINDS)


def arrivals() -> int:
    """A count that grows by one for each new response and case (the sum of their highest
    ids), for the sweep's :class:`~prima.flood.FloodGate`."""
    return sum(
        model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for model, _text, _target in KINDS.values()
    )


def label_pass(gate: FloodGate) -> int | None:
    """A pass of :func:`label_pending`, or None while ``gate`` holds it: under a flood of
    submissions or complaints the labels wait (at most
    :data:`prima.flood.FLOOD_WAIT_SECONDS` at a time), and the requests get the database's
    write lock and the CPU."""
    if gate.holds(arrivals()):
        return None
    return label_pending()


def label_loop(stop: threading.Event, *, pause: float = SWEEP_SECONDS) -> None:
    """The task worker's sweep: a pass, then another at once after a full batch, else after
    ``pause`` seconds, until ``stop`` is set. A failing pass is logged and retried."""
    gate = FloodGate()
    while not stop.is_set():
        done: int | None = 0
        try:
            close_old_connections()
            done = label_pass(gate)
        except Exception:
            log.exception("remark labels: a pass of the sweep failed")
        if done is None or done < BATCH:
            stop.wait(pause)


def start_label_thread() -> threading.Event:
    """Start :func:`label_loop` in a daemon thread; returns the event that stops it."""
    stop = threading.Event()
    threading.Thread(target=label_loop, args=(stop,), name="remark-labels", daemon=True).start()
    return stop


@dataclass
class RelabelTotals:
    labelled: int = 0  # texts without a label before
    updated: int = 0  # labels of another model version (or changed texts), recomputed
    unchanged: int = 0
    corrected: int = 0  # a manager's correction, kept


def _chunks(qs: Any, size: int) -> Iterable[list[tuple[Any, ...]]]:
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).order_by("pk")[:size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def relabel(
    *,
    survey: Any = None,
    chunk: int = 1000,
    progress: Callable[[int, int], None] | None = None,
) -> RelabelTotals:
    """Label every non-empty suggestion of ``survey`` (every survey, and every case's text,
    when None) that has no label or one of another model version; ``progress(done, total)``
    after each chunk. Corrections are kept; a second run finds nothing to change."""
    totals = RelabelTotals()
    kinds = ["responses"] if survey is not None else list(KINDS)
    querysets = []
    for kind in kinds:
        model, text, _target = KINDS[kind]
        qs = model.objects.exclude(**{text: ""})
        if survey is not None:
            qs = qs.filter(survey=survey)
        querysets.append((kind, qs))
    total = sum(qs.count() for _kind, qs in querysets)
    done = 0
    version = model_version()
    for kind, qs in querysets:
        _model, text, _target = KINDS[kind]
        rows = qs.values_list(
            "pk",
            "organization_id",
            text,
            "remark_label__pk",
            "remark_label__model_version",
            "remark_label__corrected_at",
        )
        for part in _chunks(rows, chunk):
            fresh, stale = [], []
            for pk, org_id, body, label_pk, label_version, corrected_at in part:
                if label_pk is None:
                    fresh.append((pk, org_id, body))
                elif corrected_at is not None:
                    totals.corrected += 1
                elif label_version != version:
                    stale.append((label_pk, body))
                else:
                    totals.unchanged += 1
            with transaction.atomic():
                totals.labelled += _store(kind, fresh)
                totals.updated += _restore(stale, version)
            done += len(part)
            if progress is not None:
                progress(done, total)
    return totals


def _restore(stale: list[tuple[int, str]], version: str) -> int:
    if not stale:
        return 0
    now = local_day_start()
    labels = list(RemarkLabel.objects.filter(pk__in=[pk for pk, _ in stale]))
    texts = dict(stale)
    for label in labels:
        for name, value in _fields(remarks.classify(texts[label.pk])).items():
            setattr(label, name, value)
        label.model_version, label.labelled_at = version, now
    fields = [*_fields(remarks.BLANK), "model_version", "labelled_at"]
    RemarkLabel.objects.bulk_update(labels, fields)
    return len(labels)


class LabelError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _check(unsur: str | None, a6: str | None, sentiment: str) -> None:
    errors: dict[str, str] = {}
    if unsur not in (None, "", *remarks.UNSUR_CODES):
        errors["unsur"] = _("one of %(values)s, or empty") % {
            "values": ", ".join(remarks.UNSUR_CODES)
        }
    if a6 not in (None, "", *remarks.A6_KEYS):
        errors["a6"] = _("one of %(values)s, or empty") % {"values": ", ".join(remarks.A6_KEYS)}
    if sentiment not in remarks.SENTIMENTS:
        errors["sentiment"] = _("one of %(values)s") % {"values": ", ".join(remarks.SENTIMENTS)}
    if errors:
        raise LabelError(errors)


def label_correct(
    label: RemarkLabel, *, user: Any, unsur: str | None, a6: str | None, sentiment: str
) -> RemarkLabel:
    """A manager's labels replace the model's; the model's are kept in ``machine`` (the first
    time) and the correction is marked with who and when. :class:`LabelError` names a field
    whose value is not one of its labels (nothing is changed then)."""
    _check(unsur, a6, sentiment)
    if not label.corrected:
        label.machine = {"unsur": label.unsur, "a6": label.a6, "sentiment": label.sentiment}
    label.unsur, label.a6, label.sentiment = unsur or "", a6 or "", sentiment
    label.corrected_by, label.corrected_at = user, timezone.now()
    label.save()
    return label


def response_label_correct(
    response: Response, *, user: Any, unsur: str | None, a6: str | None, sentiment: str
) -> RemarkLabel:
    """:func:`label_correct` on the label of a response's suggestion, labelled first when the
    sweep has not reached it yet; nothing is written when a value is refused
    (:class:`LabelError`). ``ValueError`` for a response without a suggestion."""
    if response.suggestion == "":
        raise ValueError("a response without a suggestion has no label")
    _check(unsur, a6, sentiment)
    with transaction.atomic():
        found = RemarkLabel.objects.filter(response=response).first()
        if found is None:
            _store("responses", [(response.pk, response.organization_id, response.suggestion)])
            found = RemarkLabel.objects.get(response=response)
        return label_correct(found, user=user, unsur=unsur, a6=a6, sentiment=sentiment)


def corrections_csv(out: Any) -> int:
    """Write every manager's correction as the labelled set's CSV (text, unsur, a6, sentiment)
    to the text stream ``out``, for ``scripts/evaluate_remarks.py --corrections`` and
    ``scripts/train_remarks.py --corrections``; a text a spreadsheet would read as a formula gets
    a leading ``'`` (:func:`prima.remarks.load_examples` drops it). Returns the rows written."""
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["text", "unsur", "a6", "sentiment"])
    n = 0
    rows = RemarkLabel.objects.filter(corrected_at__isnull=False).order_by("pk")
    for label in rows.select_related("response", "case").iterator(chunk_size=1000):
        text = label.response.suggestion if label.response_id else label.case.text
        if text.startswith(remarks.FORMULA_STARTS):
            text = "'" + text
        writer.writerow([text, label.unsur, label.a6, label.sentiment])
        n += 1
    return n
