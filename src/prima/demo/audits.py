"""The demo's A6 audits (issue 13, point 6): monthly audits, calibration pairs, corrective actions.

Used for the Puskesmas of the Dinas Kesehatan (:func:`puskesmas_audits`) and for the shop of
:mod:`prima.demo.shop`. Everything is stored through the audits app's services, each step on a
clock set to its moment (:func:`prima.demo.cases._at`), as it would have happened:

- a **plan** per unit and month (:func:`prima.audits.planning.plan_create`, on the built-in A6
  checklist) with its **assignments** (:func:`~prima.audits.planning.assignment_create`), made on
  the first day of the month; the current month's plans are in progress (audits only up to
  yesterday);
- **audits** through :func:`prima.audits.services.audit_record` (checked, scored and judged by
  :mod:`prima.metrics.audit_score`: weighted percentage, critical lines, pass mark 80);
- **calibration pairs**: a second auditor audits the same encounter; both audits carry the same
  encounter code (``Audit.encounter``), their answers mostly agree (each auditor sees the
  encounter's true answers through a little noise: :func:`observe`), so that the agreement of
  :mod:`prima.metrics.agreement` is moderate to substantial, not perfect;
- **corrective actions** (:func:`prima.audits.actions.action_create`) on a failed line of a
  failed audit (a failed critical line first), due in working days of the organization's
  calendar; older ones done and verified with a later audit as their re-audit
  (:func:`~prima.audits.actions.action_update`), recent ones open, and one left open past its due
  date (overdue).

Answers: each line of an encounter is done well with probability ``level`` + the line's offset
(a ``yes_no`` line is *yes* with that probability; a ``scale4`` line is that level plus noise, cut
into 1-4); some lines often do not apply (no complaint, no mistake in the encounter: ``na``).
Deterministic: one seeded generator per use.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from prima.audit_checklists.model import SCALE4, AuditChecklist
from prima.audits.actions import action_create, action_update, failed_lines
from prima.audits.models import (
    ActionStatus,
    Audit,
    AuditAssignment,
    AuditKind,
    AuditVerdict,
    CorrectiveAction,
)
from prima.audits.planning import assignment_create, plan_create
from prima.audits.services import audit_record, builtin_checklist_version
from prima.demo.cases import _at
from prima.organizations.models import Organization, StaffMember, Unit

# how much better (or worse) than the encounter's level a line is done
LINE_OFFSET = {
    "ABL1": 0.06,
    "ABL2": 0.02,
    "ABL3": -0.04,
    "ATD1": 0.04,
    "ATD2": 0.06,
    "ATD3": 0.00,
    "APP1": 0.10,
    "APP2": -0.12,  # the name tag: often forgotten
    "APP3": 0.04,
    "ATN1": 0.00,
    "ATN2": -0.20,  # offering further help: the usual weak point
    "ATN3": -0.04,
    "ACT1": -0.12,  # the service standard's time
    "ACT2": 0.12,
    "ACC1": -0.04,
    "ACC2": 0.08,
}
# lines that often do not apply to an encounter (no mistake made, no complaint, no suggestion)
NA_RATE = {"ACC1": 0.5, "ACC2": 0.6, "ATN3": 0.35}
# the slipping Puskesmas's extra drift (x the elapsed share of the months): long waits, curt
# staff, nobody offering help
SLIP_LINES = {"ACT1": -0.25, "ATD2": -0.12, "ATN2": -0.15}
FLIP = 0.09  # an auditor's chance of seeing a yes/no line otherwise (scale: one step, twice it)


def encounter_answers(
    rng: random.Random,
    checklist: AuditChecklist,
    level: float,
    extra: dict[str, float] | None = None,
) -> dict[str, Any]:
    """The true answers of one encounter whose practice is ``level`` (0-1) good."""
    out: dict[str, Any] = {}
    for line in checklist.lines:
        if rng.random() < NA_RATE.get(line.id, 0.0):
            out[line.id] = "na"
            continue
        p = level + LINE_OFFSET.get(line.id, 0.0) + (extra or {}).get(line.id, 0.0)
        p = min(0.99, max(0.02, p + rng.gauss(0, 0.06)))
        if line.answer == SCALE4:
            x = p + rng.gauss(0, 0.2)
            out[line.id] = 4 if x >= 0.8 else 3 if x >= 0.55 else 2 if x >= 0.3 else 1
        else:
            out[line.id] = "yes" if rng.random() < p else "no"
    return out


def observe(
    rng: random.Random, checklist: AuditChecklist, truth: dict[str, Any], flip: float = FLIP
) -> dict[str, Any]:
    """What one auditor records of an encounter: its true answers, a few seen otherwise."""
    out = dict(truth)
    for line in checklist.lines:
        value = truth[line.id]
        if value == "na":
            if line.id in NA_RATE and rng.random() < flip / 2:  # judged to apply after all
                out[line.id] = 3 if line.answer == SCALE4 else "yes"
        elif line.answer == SCALE4:
            if rng.random() < 2 * flip:
                out[line.id] = 3 if value == 4 else 2 if value == 1 else value + rng.choice((-1, 1))
        elif rng.random() < flip:
            out[line.id] = "no" if value == "yes" else "yes"
    return out


def month_days(first_day: date, today: date, month: date) -> list[date]:
    """The days of ``month`` from ``first_day`` up to yesterday."""
    nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    start = max(first_day, month)
    end = min(nxt, today)
    return [start + timedelta(days=d) for d in range((end - start).days)]


def months_of(first_day: date, today: date) -> list[date]:
    out = []
    m = date(first_day.year, first_day.month, 1)
    while m <= today:
        out.append(m)
        m = date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return out


@dataclass
class Visit:
    """One planned audit: who audits what when, and the encounter's level."""

    unit: Unit
    staff: StaffMember | None
    auditor: AbstractBaseUser
    assignment: AuditAssignment | None
    moment: datetime
    level: float
    extra: dict[str, float] = field(default_factory=dict)
    partner: AbstractBaseUser | None = None  # a second auditor of the same encounter
    encounter: str = ""
    note: str = ""
    partner_note: str = ""


class Recorder:
    """Stores a tenant's plans, audits and actions on the demo's clock."""

    def __init__(self, organization: Organization, rng: random.Random, tz: Any) -> None:
        self.organization = organization
        self.rng = rng
        self.tz = tz
        self.version = builtin_checklist_version()
        self.checklist = self.version.parsed
        self.audits: list[Audit] = []

    def at(self, day: date, hour: float) -> datetime:
        moment = datetime.combine(day, time()) + timedelta(seconds=int(hour * 3600))
        return timezone.make_aware(moment, self.tz)

    def plan(
        self,
        unit: Unit,
        month: date,
        counts: Sequence[tuple[AbstractBaseUser, int]],
        created_by: AbstractBaseUser,
    ) -> dict[int, AuditAssignment]:
        """A plan of ``unit`` for ``month`` and an assignment per (auditor, count)."""
        with _at(self.at(month, 7.0)):
            plan = plan_create(
                organization=self.organization,
                unit=unit,
                period=f"{month:%Y-%m}",
                target=sum(n for _, n in counts),
                checklist_version=self.version,
                created_by=created_by,
            )
            return {
                auditor.pk: assignment_create(plan=plan, auditor=auditor, count=n)
                for auditor, n in counts
            }

    def record(self, visit: Visit) -> list[Audit]:
        """The visit's audit (and its partner's, on the same encounter)."""
        truth = encounter_answers(self.rng, self.checklist, visit.level, visit.extra)
        out = []
        auditors: list[tuple[AbstractBaseUser, AuditAssignment | None, str, str]] = [
            (visit.auditor, visit.assignment, "", visit.note)
        ]
        if visit.partner is not None:
            auditors.append((visit.partner, None, AuditKind.SUPERVISOR, visit.partner_note))
        for i, (auditor, assignment, kind, note) in enumerate(auditors):
            answers = observe(self.rng, self.checklist, truth) if visit.partner else truth
            moment = visit.moment + timedelta(minutes=10 + 7 * i)  # written up after it
            with _at(moment + timedelta(minutes=2)):
                audit = audit_record(
                    organization=self.organization,
                    unit=visit.unit,
                    auditor=auditor,
                    kind=kind or AuditKind.SUPERVISOR,
                    observed_at=visit.moment,
                    answers=answers,
                    checklist_version=self.version,
                    staff_member=visit.staff,
                    assignment=assignment,
                    note=note,
                )
            if visit.encounter:  # set as the form sets it (Audit.encounter, one code per pair)
                Audit.objects.filter(pk=audit.pk).update(encounter=visit.encounter)
                audit.encounter = visit.encounter
            out.append(audit)
        self.audits.extend(out)
        return out

    def actions(
        self,
        *,
        owner: AbstractBaseUser,
        handler: AbstractBaseUser,
        today: date,
        texts: dict[str, str],
        working_days: int,
        select: Any = None,
    ) -> list[CorrectiveAction]:
        """Corrective actions on the failed audits (``select(audit)`` keeps some), their
        statuses as the module says; the latest one due before today stays open (overdue)."""
        made: list[CorrectiveAction] = []
        failed = [
            a
            for a in sorted(self.audits, key=lambda a: (a.observed_at, a.pk))
            if a.verdict in (AuditVerdict.FAILED, AuditVerdict.FAILED_CRITICAL)
            and (select is None or select(a))
        ]
        for audit in failed:
            lines = failed_lines(audit)
            critical = [x for x in lines if x in (audit.critical_failures or [])]
            line = (critical or lines or [""])[0]
            when = audit.observed_at + timedelta(hours=3)
            if when.date() >= today:
                continue
            with _at(when):
                action = action_create(
                    audit=audit,
                    user=handler,
                    owner=owner,
                    description=texts.get(line[:3], texts[""]),
                    working_days=working_days,
                    line_id=line,
                    now=when,
                )
            made.append(action)
        late = [a for a in made if a.due_date < today]
        overdue = max(late, key=lambda a: (a.due_date, a.pk)) if late else None
        for action in made:
            if action is overdue:
                continue
            if action.due_date >= today:
                if self.rng.random() < 0.4:  # some done early
                    with _at(self.at(today - timedelta(days=1), 15.0)):
                        action_update(action, user=owner, status=ActionStatus.DONE)
                continue
            done = self.at(action.due_date - timedelta(days=1), 15.5)
            with _at(max(done, action.created_at + timedelta(hours=2))):
                action_update(action, user=owner, status=ActionStatus.DONE)
            # a later audit of the same unit (as reaudit_choices offers them), the same staff
            # member's first
            audited = action.audit
            later = sorted(
                (
                    a
                    for a in self.audits
                    if a.unit.path.startswith(audited.unit.path)
                    and a.observed_at > audited.observed_at
                    and a.pk != audited.pk
                ),
                key=lambda a: (a.staff_member_id != audited.staff_member_id, a.observed_at),
            )
            if later:
                check = later[0]
                with _at(max(check.observed_at + timedelta(hours=1), done + timedelta(hours=1))):
                    action_update(action, user=handler, status=ActionStatus.VERIFIED, reaudit=check)
        return made


# -- the Puskesmas --------------------------------------------------------------------------------
# practice level (0-1) six months ago -> yesterday
PUSKESMAS_LEVELS = {
    "UPT Puskesmas Sukamaju": (0.92, 0.93),
    "UPT Puskesmas Mekarsari": (0.88, 0.88),
    "UPT Puskesmas Tanjung": (0.90, 0.66),  # the slipping Puskesmas
}
PUSKESMAS_TEXTS = {
    "ABL": "Pelatihan ulang tentang persyaratan dan alur layanan untuk petugas.",
    "ATD": "Pembinaan sikap dan keramahan oleh kepala Puskesmas.",
    "APP": "Pastikan seragam dan tanda pengenal dipakai setiap hari.",
    "ATN": "Biasakan menawarkan bantuan lebih lanjut sebelum pasien pergi.",
    "ACT": "Susun kembali pembagian tugas pada jam sibuk agar waktu layanan sesuai standar.",
    "ACC": "Catat setiap pengaduan pasien di buku pengaduan dan tindak lanjuti.",
    "": "Bahas hasil audit dalam rapat staf dan tetapkan perbaikan.",
}
CALIBRATION_NOTE = "Audit kalibrasi: pertemuan yang sama diamati oleh dua auditor."


@dataclass(frozen=True)
class PuskesmasSite:
    name: str
    code: str
    unit: Unit
    counters: dict[str, Unit]
    staff: dict[str, list[StaffMember]]
    auditor: AbstractBaseUser  # who holds the month's assignment


def puskesmas_audits(
    *,
    organization: Organization,
    sites: Sequence[PuskesmasSite],
    admin: AbstractBaseUser,
    partner: AbstractBaseUser,
    partner_site: str,
    first_day: date,
    today: date,
    seed: int,
    tz: Any,
) -> list[Audit]:
    """Monthly supervisor audits of every counter of the Puskesmas (one per counter a month,
    a staff member of the counter when it has some), calibration pairs at ``partner_site`` (the
    assignment's auditor and ``partner`` on the same encounter, in the second to fourth month),
    and corrective actions (owned by the admin) on the failed ones."""
    rng = random.Random(seed)
    rec = Recorder(organization, rng, tz)
    months = months_of(first_day, today)
    span = max(1, len(months) - 1)
    for index, month in enumerate(months):
        elapsed = index / span
        days = [d for d in month_days(first_day, today, month) if d.weekday() < 6]
        for site in sites:
            assignments = rec.plan(
                site.unit,
                month,
                [(site.auditor, len(site.counters))],
                created_by=admin,
            )
            assignment = assignments[site.auditor.pk]
            low, high = PUSKESMAS_LEVELS[site.name]
            slipping = low > high
            for n, counter in enumerate(site.counters.values()):
                day = rng.choice(days) if days else None
                current = (month.year, month.month) == (today.year, today.month)
                if day is None or (current and rng.random() < 0.35):
                    continue  # the current month is under way
                people = site.staff.get(counter.name) or []
                pair = site.name == partner_site and 1 <= index <= 3 and n == 0
                rec.record(
                    Visit(
                        unit=counter,
                        staff=rng.choice(people) if people else None,
                        auditor=site.auditor,
                        assignment=assignment,
                        moment=rec.at(day, rng.uniform(8.0, 12.5)),
                        level=low + (high - low) * elapsed,
                        extra={k: v * elapsed for k, v in SLIP_LINES.items()} if slipping else {},
                        partner=partner if pair else None,
                        encounter=f"{site.code}-{month:%Y%m}-K{n + 1}" if pair else "",
                        note=CALIBRATION_NOTE if pair else "",
                        partner_note=CALIBRATION_NOTE if pair else "",
                    )
                )
    rec.actions(
        owner=admin,
        handler=admin,
        today=today,
        texts=PUSKESMAS_TEXTS,
        working_days=5,
        # the critical failures, and a few below the pass mark
        select=lambda a: a.verdict == AuditVerdict.FAILED_CRITICAL or rng.random() < 0.3,
    )
    return rec.audits
