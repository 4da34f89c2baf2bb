"""The back office's navigation links "Kelola" (/manage/) only for those who can open it: an
organization-wide admin. A manager of a subtree, a viewer, a signed-in user without a
membership and an admin whose role is limited to a unit see no such link, and /manage/ turns
each of them away."""

from __future__ import annotations

import re

import pytest

from prima.organizations import services as org
from prima.organizations.choices import Role
from tests.web.personas import PASSWORD, World

pytestmark = pytest.mark.django_db
MANAGE_LINK = re.compile(r'<a href="/manage/"[^>]*>\s*Kelola\s*</a>')
PAGES = ("/app/", "/app/pemberitahuan/")


def _pages(world: World, name: str) -> list[str]:
    client = world.client(name)
    pages = [client.get(path) for path in (*PAGES, f"/app/surveys/{world.skm.code}/")]
    assert all(r.status_code == 200 for r in pages[:2]), name
    return [r.content.decode() for r in pages if r.status_code == 200]


def test_the_manage_link_shows_for_those_who_can_open_manage(world: World) -> None:
    for name in ("alice", "charlie"):  # organization admins (Dinas Alpha, Bank Beta)
        pages = _pages(world, name)
        assert len(pages) == (3 if name == "alice" else 2)
        assert all(MANAGE_LINK.search(html) for html in pages), name
        assert world.client(name).get("/manage/").status_code == 200, name


def test_no_manage_link_for_those_who_cannot(world: World) -> None:
    # an admin limited to one unit may not open /manage/ (organization-wide admins only)
    unit_admin = org.user_create(username="ursula", password=PASSWORD)
    org.membership_grant(
        user=unit_admin, organization=world.alpha, role=Role.ADMIN, unit=world.upt1
    )
    world.users["ursula"] = unit_admin
    for name in ("bob", "victor", "mallory", "ursula"):
        pages = _pages(world, name)
        assert pages
        for html in pages:
            assert not MANAGE_LINK.search(html), name
            assert 'href="/manage/"' not in html, name
        opened = world.client(name).get("/manage/")
        assert opened.status_code == 302, name  # to the sign-in page: not theirs
        assert "/manage/login/" in opened["Location"]
