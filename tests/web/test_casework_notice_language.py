"""The notices of cases on the notifications page speak the reader's language (issue 10 and 11).

Reminders, breaches, escalations and assignments are stored once, in the installation's
language; the page shows each again in the language of the reader (the language switch's
cookie), from the notice it is about, as alert notifications are rebuilt from their alert.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation

from prima.alerts.models import Notification
from prima.cases.services import case_assign, case_receive
from prima.casework.checks import cases_check, notification_texts

WIB = ZoneInfo("Asia/Jakarta")


def page(world, lang: str) -> str:
    client = world.client("alice")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    r = client.get("/app/pemberitahuan/")
    assert r.status_code == 200
    return r.content.decode()


def test_case_notices_in_the_readers_language(world):
    received = datetime(2026, 3, 2, 9, 0, tzinfo=WIB)  # a Monday
    case, _ = case_receive(
        organization=world.alpha,
        unit=world.upt1,
        text="Antrean lama di loket.",
        channel="telepon",
        received_at=received,
        user=world.users["alice"],
    )
    # the first response and the resolution are both late three weeks on: breaches, then
    # an escalation to the managers above the unit
    result = cases_check(now=received + timedelta(days=21))
    assert result.breaches >= 1
    case_assign(case, owner=world.users["alice"], user=world.users["bob"])
    from prima.cases.models import CaseEvent
    from prima.casework.receivers import notify_owner

    notify_owner(case, CaseEvent.objects.filter(case=case, kind="assigned").latest("pk"))
    stored = list(Notification.objects.filter(user=world.users["alice"], alert=None))
    assert stored
    assert sum("#notice-" in n.url for n in stored) == len(stored) - 1
    code = case.tracking_code

    english = page(world, "en")
    assert f"Escalated: case {code} is 6 working days past its resolution due date" in english
    assert f"Case {code} assigned to you" in english
    assert "Eskalasi: kasus" not in english
    assert "ditugaskan kepada Anda" not in english

    indonesian = page(world, "id")
    assert f"Escalated: case {code}" not in indonesian
    assert f"Case {code} assigned to you" not in indonesian
    assert f"Eskalasi: kasus {code} melewati tenggat penyelesaian" in indonesian
    assert f"Kasus {code} ditugaskan kepada Anda" in indonesian
    # what is stored stays as it was written (the installation's language: Indonesian); the
    # bodies too are given again in the reader's language
    for n in stored:
        assert code in n.title
        assert "Escalated" not in n.title
    with translation.override("en"):
        notification_texts(stored)
    bodies = [getattr(n, "display_body", "") for n in stored]
    assert any(b.startswith("Unit: UPT Alpha Satu") for b in bodies), bodies
