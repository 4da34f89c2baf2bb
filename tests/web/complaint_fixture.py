"""A small hand-checked fixture of complaint handling across a weekend and two holidays, for the
measures shown on the dashboard, in the API, the SKM report and the public results page
(issue 11, point 6).

Dinas Alpha is a government organization in WIB. August 2026: Monday 17 (Independence Day) and
Tuesday 25 (the Prophet's birthday) are holidays; weekends are off. Default deadlines: first
response 3 working days, resolution (``biasa``) 5, the day of receipt not counted. "Today" is
Friday 28 August 2026, 15:00 WIB.

====  ========  ==================  ================================  ====================  =====
case  unit      received            first response (working days)     resolution            rating
====  ========  ==================  ================================  ====================  =====
A     UPT 1     Fri 14 Aug 10:00    Tue 18 (1: 17 holiday), due 20    Mon 24 (5), due 24     5
B     UPT 1     Thu 13 Aug 09:00    Wed 19 (3: 14, 18, 19), due 19    Wed 26 (7), due 21:    4
                                                                      late (25 holiday)
C     Loket 1   Mon 3 Aug 09:00     the same day (0), due 6           Fri 7 (4), due 10      4
D     UPT 2     Fri 21 Aug 16:00    none; due Thu 27 (24, 26, 27):    open, due Mon 31       -
                                    overdue on the 28th
E     UPT 2     Mon 24 Aug 09:00    rejected Wed 26 (1: 25 holiday)   ditolak                -
F     UPT 1     Wed 26 Aug 09:00    Thu 27 (1), due Mon 31            open, due Wed 2 Sep    -
G     UPT 1     Fri 31 Jul 10:00    none (July: outside 2026-08)      open, overdue          -
H     Bank Beta Mon 10 Aug          another tenant: never counted for Dinas Alpha
====  ========  ==================  ================================  ====================  =====

The measures of 2026-08 (Dinas Alpha, the whole organization), by hand:

- received 6 (A-F), resolved 3 (A, B, C), rejected 1 (E), open 2 (D, F);
- first response: 0, 1, 1, 1, 3 (n 5): median 1 (h = 2), 90th percentile h = 3.6:
  1 + 0.6 (3 - 1) = 2.2;
- resolution: 4, 5, 7 (n 3): median 5, 90th percentile h = 1.8: 5 + 0.8 (7 - 5) = 6.6;
- resolved on time 2 of 3 (A, C): 66.7 %;
- first response late 1 (D), resolution late 1 (B), breaches 2 (B, D);
- satisfaction 5, 4, 4: mean 13/3 = 4.33, SD sqrt(1/3), 95% t interval with 2 degrees of
  freedom 4.33 -/+ 4.3027 x 0.57735 / sqrt(3) = 2.90 - 5.77;
- the card: open 2 (D, F), late 1 (D); without a period, open 3 (D, F, G), late 2 (D, G);
- per unit: UPT Alpha Satu (with Loket Satu) 4 received, 3 resolved, 1 open, first response
  median 1 (0, 1, 1, 3), resolution median 5, on time 66.7 %, 1 breach (B), satisfaction
  4.33 (3); UPT Alpha Dua 2 received, 0 resolved, 1 open, first response median 1, no
  resolution, 1 breach (D), no rating.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from prima.cases import services as cs

WIB = ZoneInfo("Asia/Jakarta")
TODAY = "2026-08-28 15:00"
T_975_2 = 4.302652729749464  # Student t, 97.5% quantile, 2 degrees of freedom


class Clock:
    """The fixture's clock: ``django.utils.timezone.now`` set to an instant (a test's
    monkeypatch undoes it)."""

    def __init__(self, monkeypatch) -> None:
        self.monkeypatch = monkeypatch

    def set(self, instant):
        self.monkeypatch.setattr(timezone, "now", lambda: instant)
        return instant


def wib(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


def build_august(world, clock) -> dict:
    """The cases of the table above; leaves the clock at :data:`TODAY`."""

    def at(text):
        return clock.set(wib(text))

    def receive(unit, organization=None, **extra):
        case, _created = cs.case_receive(
            organization=organization or world.alpha,
            unit=unit,
            text="Antrean terlalu lama <b>di loket</b> =SUM(A1)",
            channel="web",
            anonymous=True,
            **extra,
        )
        return case

    def move(case, when, *statuses, note="Sedang kami tangani."):
        at(when)
        for status in statuses:
            cs.case_transition(case, status=status, note=note)

    at("2026-07-31 10:00")
    g = receive(world.upt1)
    at("2026-08-03 09:00")
    c = receive(world.loket1)
    move(c, "2026-08-03 11:00", "diverifikasi", "diproses")
    move(c, "2026-08-07 09:00", "selesai")
    at("2026-08-10 09:00")
    h = receive(world.bank_unit, organization=world.beta)
    at("2026-08-13 09:00")
    b = receive(world.upt1)
    at("2026-08-14 10:00")
    a = receive(world.upt1)
    move(a, "2026-08-18 09:00", "diverifikasi")
    move(b, "2026-08-19 09:00", "diverifikasi", "diproses")
    at("2026-08-21 16:00")
    d = receive(world.upt2)
    at("2026-08-24 09:00")
    e = receive(world.upt2)
    move(a, "2026-08-24 10:00", "diproses", "selesai")
    move(b, "2026-08-26 08:00", "selesai")
    move(e, "2026-08-26 08:30", "ditolak", note="Bukan kewenangan kami.")
    at("2026-08-26 09:00")
    f = receive(world.upt1)
    move(f, "2026-08-27 09:00", "diverifikasi")
    at("2026-08-27 12:00")
    cs.case_rate(a, score=5, comment="Cepat <script>x</script>")
    cs.case_rate(b, score=4)
    cs.case_rate(c, score=4)
    at(TODAY)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h}
